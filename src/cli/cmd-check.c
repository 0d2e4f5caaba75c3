/*
 * cmd-check.c - specc check: the structural check of a project, conflicts
 * between clauses, and with --deep the model tier of conflict detection.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "specc/deep.h"
#include "specc/diag.h"
#include "specc/project.h"
#include "specc/eval.h"
#include "cli.h"
#include "grader.h"

const char cmd_check_usage[] =
	"usage: specc check [--strict] [--format FORMAT] [--output FILE] [--color WHEN]\n"
	"                   [--deep [--grader NAME] [--deep-pairs N] [-j N] [--store FILE]\n"
	"                   [--no-cache] [--no-progress]] [PATH]\n"
	"\n"
	"Reads the project at PATH (default \".\") and reports what is structurally\n"
	"wrong: duplicate or missing section IDs, malformed attribute lists, unknown\n"
	"authority levels, links to missing sections, eval anchors without eval\n"
	"files and eval files without anchors, stale eval headers, BAD[#x] naming a\n"
	"missing section, malformed conversations and examples without labelled\n"
	"answers, and clauses that contradict each other, resolved by authority\n"
	"(docs/conflicts.md).  Every finding has a stable code; docs/diagnostics.md\n"
	"lists them.\n"
	"\n"
	"With --deep, a grader model also judges the pairs of clauses that share\n"
	"content and that the lexical reading did not decide, best candidates\n"
	"first: a contradiction is reported like any other conflict, a pair the\n"
	"model cannot decide gets a note at both clauses.  Pairs across an\n"
	"overrides= that no conflict has justified yet are asked first, and a\n"
	"contradiction the model finds there justifies it.  Judgements are kept in\n"
	"the project's store, so an unchanged project asks nothing twice.  Without\n"
	"--deep, check asks no model and writes no file.\n"
	"\n"
	"options:\n"
	"  --strict          fail (exit 1) on warnings too\n"
	"  --format FORMAT   human (default), json, sarif (SARIF 2.1.0 for code\n"
	"                    scanning) or github (workflow annotations)\n"
	"  -o, --output FILE write the findings to FILE instead of standard output\n"
	"  --color WHEN      auto (default: only on a terminal, never with NO_COLOR),\n"
	"                    always or never\n"
	"  -h, --help        show this help\n"
	"\n"
	"the model tier:\n"
	"  --deep            have the grader model judge the top candidate pairs\n"
	"  --grader NAME     a provider from specc.yaml (default: grader.provider)\n"
	"  --deep-pairs N    judge at most N pairs, best first (default 1000)\n"
	"  -j, --concurrency N\n"
	"                    requests in flight (default: test.concurrency, or 8)\n"
	"  --store FILE      where judgements are kept (default PATH/.specc/specc.db)\n"
	"  --no-cache        ask again, ignoring stored judgements (still storing)\n"
	"  --no-progress     no live progress line (it shows only on a terminal)\n"
	"\n"
	"exit status: 0 no errors (warnings allowed unless --strict), 1 errors found,\n"
	"2 usage or I/O error (--deep without a grader, too).  With --deep, 3 is\n"
	"added when some candidate pairs got no judgement (grader errors, timeouts,\n"
	"output that did not validate twice) or could not be stored: 3 or 4, so a\n"
	"failing model never passes for a clean check.\n"
	"\n"
	"examples:\n"
	"  specc check examples/\n"
	"  specc check --format sarif -o specc.sarif spec/model_spec.md\n"
	"  specc check --deep --deep-pairs 200 examples/\n";

/* Added to the exit status when the model tier did not finish, as specc
 * test adds it for cases that got no answer. */
#define EXIT_INCOMPLETE 3
#define DEFAULT_PAIRS 1000

enum { OPT_DEEP = 256, OPT_GRADER, OPT_PAIRS, OPT_STORE, OPT_NO_CACHE, OPT_NO_PROGRESS };

struct check_args {
	bool strict, deep, no_cache, no_progress;
	const char *grader, *store;
	long pairs, concurrency;  /* 0: the default */
	const char *deep_only;    /* the first option given that needs --deep */
};

static int parse_args(int argc, char **argv, struct check_args *a, struct cli_output *o, const char **path)
{
	static const struct option opts[] = {
		{ "strict", no_argument, NULL, 's' },  { "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' }, { "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },    { "deep", no_argument, NULL, OPT_DEEP },
		{ "grader", required_argument, NULL, OPT_GRADER },
		{ "deep-pairs", required_argument, NULL, OPT_PAIRS },
		{ "concurrency", required_argument, NULL, 'j' },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS }, { NULL, 0, NULL, 0 },
	};
	int c, rc, at;

	opterr = 0;
	optind = 1;
	while ((at = -1, c = getopt_long(argc, argv, "ho:j:", opts, &at)) != -1) {
		if ((rc = cli_output_option(c, optarg, o)) != 0) {
			if (rc > 1)
				return rc;
			continue;
		}
		if ((c >= OPT_GRADER || c == 'j') && !a->deep_only)
			a->deep_only = at >= 0 ? opts[at].name : "-j";
		switch (c) {
		case 's': a->strict = true; break;
		case OPT_DEEP: a->deep = true; break;
		case OPT_GRADER: a->grader = optarg; break;
		case OPT_PAIRS:
			if ((rc = cli_parse_count("--deep-pairs", optarg, 1, 1000000, &a->pairs)) >= 0)
				return rc;
			break;
		case 'j':
			if ((rc = cli_parse_count("--concurrency", optarg, 1, 4096, &a->concurrency)) >= 0)
				return rc;
			break;
		case OPT_STORE: a->store = optarg; break;
		case OPT_NO_CACHE: a->no_cache = true; break;
		case OPT_NO_PROGRESS: a->no_progress = true; break;
		case 'h': fputs(cmd_check_usage, stdout); return SPECC_EXIT_OK;
		default:
			return cli_error("check: unknown or incomplete option %s; see specc help check",
					 argv[optind - 1]);
		}
	}
	if (a->deep_only && !a->deep)
		return cli_error("check: %s%s belongs to the model tier; add --deep", a->deep_only[0] == '-' ? "" : "--",
				 a->deep_only);
	return cli_path_operand(argc, argv, "check", path);
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* One line on stderr: what the model tier judged, and how. */
static void summary(const struct cli_grader *g, const specc_deep_candidates *c, const specc_deep_totals *t)
{
	uint64_t judged = t->kinds[0] + t->kinds[1] + t->kinds[2];

	if (!c->pairs.len) {
		fprintf(stderr, "specc: deep check: no pair of clauses shares enough content to ask the "
				"grader about%s\n",
			c->decided ? " beyond the conflicts already reported" : "");
		return;
	}
	fprintf(stderr, "specc: deep check (grader %s): %llu of %llu candidate pair%s judged: "
			"%llu contradiction%s, %llu unclear, %llu compatible",
		g->pv.name, (unsigned long long)judged, (unsigned long long)t->pairs, plural(t->pairs),
		(unsigned long long)t->kinds[SPECC_DEEP_CONTRADICTION],
		plural(t->kinds[SPECC_DEEP_CONTRADICTION]), (unsigned long long)t->kinds[SPECC_DEEP_UNCLEAR],
		(unsigned long long)t->kinds[SPECC_DEEP_COMPATIBLE]);
	fprintf(stderr, "; %llu asked, %llu from the store", (unsigned long long)t->asked,
		(unsigned long long)t->stored);
	if (c->total > c->pairs.len)
		fprintf(stderr, "; the best %u of %llu pairs that share content%s (--deep-pairs takes more)",
			c->pairs.len, (unsigned long long)c->total,
			c->declared ? " or cross an overrides=" : "");
	fputc('\n', stderr);
	if (t->failed || t->unstored)
		fprintf(stderr, "specc: the deep check is incomplete: %llu pair%s not judged, %llu judgement%s "
				"not stored; the exit status is 3 higher (first error: %s)\n",
			(unsigned long long)t->failed, plural(t->failed), (unsigned long long)t->unstored,
			plural(t->unstored), t->first_error ? t->first_error : "unknown");
}

/*
 * The model tier: picks the grader, opens the store, judges the top
 * candidate pairs and reports them into p->diags.  *incomplete tells
 * whether some pair went unjudged or unstored.  Returns -1 to go on, or
 * an exit code after saying what is wrong.
 */
static int check_deep(specc_project *p, const specc_test_config *cfg, int cfg_rc, const struct check_args *a,
		      const char *path, bool lexical_complete, bool *incomplete)
{
	struct cli_grader g;
	bool have = false;
	specc_buf db = SPECC_BUF_INIT;
	specc_store *store = NULL;
	char *serr = NULL, fp[65];
	specc_deep_candidates cand = { 0 };
	specc_deep_options o = { 0 };
	specc_deep_totals t = { 0 };
	int rc;

	if (cfg_rc != SPECC_OK) {
		/* The grader's settings are unusable: show why, ask nothing. */
		specc_render_opts ro = { false, "specc", SPECC_VERSION };
		/* No model judges anything: what the lexical tier left open
		 * is settled as without --deep. */
		specc_deep_report_overrides(p, NULL, NULL, lexical_complete);
		specc_diags_sort(&p->diags);
		specc_diags_render(stderr, SPECC_FORMAT_HUMAN, &p->sources, &p->diags, &ro);
		return cli_error("check --deep: the settings of specc.yaml have errors (above); the model "
				 "tier needs its providers and grader");
	}
	if ((rc = cli_grader_pick(cfg, a->grader, 1, true, &g, &have)) >= 0)
		return rc;
	if (!have)
		return cli_error("check --deep needs a grader model: set grader.provider in specc.yaml to one "
				 "of its providers, or pass --grader NAME");
	if ((rc = cli_store_path(path, a->store, &db)) >= 0)
		goto out;
	if (specc_store_open(&store, db.ptr, &serr) != SPECC_OK) {
		rc = cli_error("%s", serr);
		goto out;
	}
	specc_deep_fingerprint(&g.pv, g.model, g.structured, fp);
	specc_deep_candidates_find(p, a->pairs ? (uint32_t)a->pairs : DEFAULT_PAIRS, &cand);
	o.provider = &g.pv;
	o.model = g.model;
	o.structured = g.structured;
	o.fingerprint = fp;
	o.concurrency = a->concurrency ? (int)a->concurrency : cfg->concurrency ? cfg->concurrency : 8;
	o.no_cache = a->no_cache;
	o.progress = !a->no_progress && isatty(STDERR_FILENO) && !getenv("CI");
	specc_deep_run(p, &cand, store, &o, &t);
	specc_deep_report_overrides(p, &cand, t.verdicts, lexical_complete);
	summary(&g, &cand, &t);
	*incomplete = t.failed || t.unstored;
	rc = -1;
out:
	specc_deep_totals_release(&t);
	specc_deep_candidates_release(&cand);
	specc_store_close(store);
	free(serr);
	specc_buf_release(&db);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	struct check_args a = { 0 };
	struct cli_output o = { SPECC_FORMAT_HUMAN, NULL, NULL };
	const char *path, *err;
	specc_project p;
	specc_test_config cfg;
	FILE *out = stdout;
	bool use_color, incomplete = false, lexical_complete = true;
	int rc, cfg_rc;

	if ((rc = parse_args(argc, argv, &a, &o, &path)) >= 0)
		return rc;
	if ((rc = cli_open_output(o.path, o.color, &out, &use_color)) >= 0)
		return rc;

	specc_project_init(&p);
	if (specc_project_load(&p, path, &err) != SPECC_OK) {
		rc = cli_error("%s", err);
		specc_project_release(&p);
		return cli_close_output(out, o.path, rc);
	}
	specc_project_resolve(&p);
	/* With --deep, whether an overrides= met a conflict waits for the
	 * model tier: its contradictions count too. */
	if (a.deep)
		specc_deep_check(&p, &lexical_complete);
	else
		specc_check(&p);
	/* The settings of specc test, the grader and the gate are checked
	 * here too, so a typo in a gate rule fails CI before any run. */
	cfg_rc = specc_test_config_read(&cfg, &p);
	if (a.deep && (rc = check_deep(&p, &cfg, cfg_rc, &a, path, lexical_complete, &incomplete)) >= 0)
		goto out;
	if ((rc = cli_report(out, o.format, use_color, &p, false)) != 0)
		goto out;
	uint32_t errors = p.diags.count[SPECC_ERROR], warnings = p.diags.count[SPECC_WARNING];
	rc = errors || (a.strict && warnings) ? SPECC_EXIT_FINDINGS : SPECC_EXIT_OK;
	if (incomplete)
		rc += EXIT_INCOMPLETE;
out:
	rc = cli_close_output(out, o.path, rc);
	specc_test_config_release(&cfg);
	specc_project_release(&p);
	return rc;
}
