/*
 * cmd-test.c - specc test: ask a model every clause's challenging prompts
 * and check the answers.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "specc/diag.h"
#include "specc/eval.h"
#include "specc/grade.h"
#include "specc/project.h"
#include "cli.h"
#include "gate.h"
#include "grader.h"

const char cmd_test_usage[] =
	"usage: specc test [options] [PATH]\n"
	"\n"
	"Turns every eval item of the project at PATH (default \".\") into a case,\n"
	"asks the provider for an answer, checks the answer against the item's\n"
	"expect block, and stores each finished case at once in\n"
	"PATH/.specc/specc.db.  A run that is stopped (Ctrl-C, a crash, kill -9)\n"
	"is finished with --resume, which asks only what is missing.  Answers\n"
	"are cached by request, so asking the same thing again costs nothing.\n"
	"Providers are set up in specc.yaml; docs/test.md shows how.\n"
	"\n"
	"which cases:\n"
	"  --clause ID         only the items of eval anchor ID (repeatable)\n"
	"  --section ID        only clauses in section ID and its subsections\n"
	"  --tag TAG           only sections tagged TAG (or under one)\n"
	"  --authority LEVEL   only sections of this authority level\n"
	"  --include-examples  also ask the prompts of the spec's inline examples\n"
	"  --repeat K          ask each case K times (distinct samples; default 1)\n"
	"  --shard I/N         run slice I of N (1-based); N machines split a suite\n"
	"\n"
	"who answers:\n"
	"  --provider NAME     a provider from specc.yaml (default: test.provider,\n"
	"                      or the only one)\n"
	"  --model MODEL       override the provider's model\n"
	"  --base-url URL      override an openai provider's endpoint\n"
	"  -j, --concurrency N requests in flight (default: test.concurrency, or 8)\n"
	"\n"
	"who grades (answers no deterministic check decides: rubrics, items\n"
	"without an expect block):\n"
	"  --grader NAME       a provider from specc.yaml (default: grader.provider)\n"
	"  --judges N          verdicts per answer, odd; the majority wins\n"
	"                      (default: grader.judges, or 1)\n"
	"  --no-grade          leave such cases as needs-grader\n"
	"\n"
	"running:\n"
	"  --resume RUN        finish run RUN (a number, or \"last\")\n"
	"  --no-cache          ask the provider even when an answer is cached\n"
	"  --dry-run           print the calls, tokens and cost it would take; ask nothing\n"
	"  --max-cost USD      refuse to start when the estimated cost is higher\n"
	"  --min-pass-rate R   exit 0 when at least this share of checked cases\n"
	"                      passed (0 to 1; default: test.min-pass-rate, or 1)\n"
	"  --max-errors N      exit 3 when more than N cases got no answer (default 0)\n"
	"  --store FILE        the results database (default PATH/.specc/specc.db)\n"
	"  --batch-export FILE write the requests that need a call (answers, then\n"
	"                      verdicts) to FILE as OpenAI Batch API JSONL, and\n"
	"                      leave their cases pending\n"
	"  --batch-import FILE with --resume: take answers and verdicts from a\n"
	"                      Batch API output file; what it lacks stays pending\n"
	"  --baseline RUN      compare with run RUN when done (a number, or \"last\"\n"
	"                      for the latest finished run before this one), and\n"
	"                      exit 1 when a gate rule of specc.yaml blocks\n"
	"\n"
	"output:\n"
	"  --format FORMAT     human (default), json, junit or sarif\n"
	"  -o, --output FILE   write the report to FILE instead of standard output\n"
	"  --out FILE          also write one JSON line per finished case to FILE\n"
	"  --color WHEN        auto (default), always or never\n"
	"  --no-progress       no live progress line (it shows only on a terminal)\n"
	"  -h, --help          show this help\n"
	"\n"
	"exit status: 0 every checked case passed (or the pass rate reached\n"
	"--min-pass-rate), 1 cases failed or a gate rule blocked, 2 usage,\n"
	"configuration or store error (or a grader calibrated below\n"
	"grader.min-accuracy), 3 more cases got no answer than --max-errors\n"
	"allows, 130 interrupted.\n"
	"\n"
	"examples:\n"
	"  specc test examples/\n"
	"  specc test --provider local --repeat 5 --format junit -o results.xml\n"
	"  specc test --dry-run --provider openai\n"
	"  specc test --resume last\n"
	"  specc test --baseline 12 examples/\n";

enum {
	OPT_CLAUSE = 256, OPT_SECTION, OPT_TAG, OPT_AUTHORITY, OPT_EXAMPLES, OPT_REPEAT, OPT_SHARD,
	OPT_PROVIDER, OPT_MODEL, OPT_BASE_URL, OPT_RESUME, OPT_NO_CACHE, OPT_DRY_RUN, OPT_MAX_COST,
	OPT_MIN_PASS, OPT_MAX_ERRORS, OPT_STORE, OPT_FORMAT, OPT_OUT, OPT_COLOR, OPT_NO_PROGRESS,
	OPT_GRADER, OPT_JUDGES, OPT_NO_GRADE, OPT_BASELINE, OPT_BATCH_EXPORT, OPT_BATCH_IMPORT,
};

#define SPECC_EXIT_INFRA 3
#define SPECC_EXIT_INTERRUPTED 130

struct list {
	const char **items;
	uint32_t len;
};

static void list_add(struct list *l, const char *s)
{
	/* "a,b" is two values: scripts build such lists easily. */
	char *copy = specc_xstrdup(s), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		l->items = specc_xrealloc(l->items, sizeof *l->items * (l->len + 1));
		l->items[l->len++] = specc_xstrdup(t);
	}
	free(copy);
}

static void list_free(struct list *l)
{
	for (uint32_t i = 0; i < l->len; i++)
		free((char *)l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = 0;
}

static json_t *list_json(const struct list *l)
{
	json_t *a = json_array();
	for (uint32_t i = 0; i < l->len; i++)
		json_array_append_new(a, json_string(l->items[i]));
	return a;
}

static void list_from_json(struct list *l, json_t *a)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			list_add(l, json_string_value(v));
}

struct test_args {
	struct list clauses, sections, tags, authorities;
	bool include_examples, no_cache, dry_run, no_progress;
	long repeat;
	unsigned shard, shards;
	const char *provider, *model, *base_url, *resume, *store, *out_path, *stream_path, *color;
	const char *grader, *baseline, *batch_export, *batch_import;
	char *grader_fp;          /* the chosen grader's fingerprint, for the options */
	char *grader_name_copy;   /* a->grader read back from a resumed run */
	bool no_grade;
	long judges;
	long concurrency;
	double max_cost, min_pass_rate;
	long max_errors;
	int format;
};

static int parse_number(const char *opt, const char *arg, double lo, double hi, double *out)
{
	char *end;
	double d;
	errno = 0;
	d = strtod(arg, &end);
	if (!*arg || *end || errno || d < lo || d > hi || d != d)
		return cli_error("%s takes a number from %g to %g, not \"%s\"", opt, lo, hi, arg);
	*out = d;
	return -1;
}

static int parse_args(int argc, char **argv, struct test_args *a, const char **path)
{
	static const struct option opts[] = {
		{ "clause", required_argument, NULL, OPT_CLAUSE },
		{ "section", required_argument, NULL, OPT_SECTION },
		{ "tag", required_argument, NULL, OPT_TAG },
		{ "authority", required_argument, NULL, OPT_AUTHORITY },
		{ "include-examples", no_argument, NULL, OPT_EXAMPLES },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "provider", required_argument, NULL, OPT_PROVIDER },
		{ "model", required_argument, NULL, OPT_MODEL },
		{ "base-url", required_argument, NULL, OPT_BASE_URL },
		{ "concurrency", required_argument, NULL, 'j' },
		{ "resume", required_argument, NULL, OPT_RESUME },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "max-cost", required_argument, NULL, OPT_MAX_COST },
		{ "min-pass-rate", required_argument, NULL, OPT_MIN_PASS },
		{ "max-errors", required_argument, NULL, OPT_MAX_ERRORS },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "grader", required_argument, NULL, OPT_GRADER },
		{ "judges", required_argument, NULL, OPT_JUDGES },
		{ "no-grade", no_argument, NULL, OPT_NO_GRADE },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "batch-export", required_argument, NULL, OPT_BATCH_EXPORT },
		{ "batch-import", required_argument, NULL, OPT_BATCH_IMPORT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hj:o:", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CLAUSE: list_add(&a->clauses, optarg); break;
		case OPT_SECTION: list_add(&a->sections, optarg); break;
		case OPT_TAG: list_add(&a->tags, optarg); break;
		case OPT_AUTHORITY: list_add(&a->authorities, optarg); break;
		case OPT_EXAMPLES: a->include_examples = true; break;
		case OPT_REPEAT:
			if ((rc = cli_parse_count("--repeat", optarg, 1, 100000, &a->repeat)) >= 0)
				return rc;
			break;
		case OPT_SHARD: {
			unsigned i, n;
			char tail;
			if (sscanf(optarg, "%u/%u%c", &i, &n, &tail) != 2 || n == 0 || i == 0 || i > n)
				return cli_error("--shard takes I/N with 1 <= I <= N, such as 2/4, not \"%s\"",
						 optarg);
			a->shard = i;
			a->shards = n;
			break;
		}
		case OPT_PROVIDER: a->provider = optarg; break;
		case OPT_MODEL: a->model = optarg; break;
		case OPT_BASE_URL:
			if (strncmp(optarg, "http://", 7) && strncmp(optarg, "https://", 8))
				return cli_error("--base-url takes an http:// or https:// URL, not \"%s\"", optarg);
			a->base_url = optarg;
			break;
		case 'j':
			if ((rc = cli_parse_count("--concurrency", optarg, 1, 4096, &a->concurrency)) >= 0)
				return rc;
			break;
		case OPT_RESUME: a->resume = optarg; break;
		case OPT_NO_CACHE: a->no_cache = true; break;
		case OPT_DRY_RUN: a->dry_run = true; break;
		case OPT_MAX_COST:
			if ((rc = parse_number("--max-cost", optarg, 0, 1e12, &a->max_cost)) >= 0)
				return rc;
			break;
		case OPT_MIN_PASS:
			if ((rc = parse_number("--min-pass-rate", optarg, 0, 1, &a->min_pass_rate)) >= 0)
				return rc;
			break;
		case OPT_MAX_ERRORS:
			if ((rc = cli_parse_count("--max-errors", optarg, 0, 1000000000, &a->max_errors)) >= 0)
				return rc;
			break;
		case OPT_STORE: a->store = optarg; break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "human"))
				a->format = SPECC_TEST_HUMAN;
			else if (!strcmp(optarg, "json"))
				a->format = SPECC_TEST_JSON;
			else if (!strcmp(optarg, "junit"))
				a->format = SPECC_TEST_JUNIT;
			else if (!strcmp(optarg, "sarif"))
				a->format = SPECC_TEST_SARIF;
			else
				return cli_error("unknown format \"%s\"; use human, json, junit or sarif", optarg);
			break;
		case 'o': a->out_path = optarg; break;
		case OPT_OUT: a->stream_path = optarg; break;
		case OPT_COLOR: a->color = optarg; break;
		case OPT_NO_PROGRESS: a->no_progress = true; break;
		case OPT_GRADER: a->grader = optarg; break;
		case OPT_JUDGES:
			if ((rc = cli_parse_count("--judges", optarg, 1, 99, &a->judges)) >= 0)
				return rc;
			if (a->judges % 2 == 0)
				return cli_error("--judges takes an odd number, so that a majority exists, not %ld",
						 a->judges);
			break;
		case OPT_NO_GRADE: a->no_grade = true; break;
		case OPT_BASELINE: a->baseline = optarg; break;
		case OPT_BATCH_EXPORT: a->batch_export = optarg; break;
		case OPT_BATCH_IMPORT: a->batch_import = optarg; break;
		case 'h': fputs(cmd_test_usage, stdout); return SPECC_EXIT_OK;
		default:
			return cli_error("test: unknown or incomplete option %s; see specc help test",
					 argv[optind - 1]);
		}
	}
	if (a->resume && (a->clauses.len || a->sections.len || a->tags.len || a->authorities.len ||
			  a->include_examples || a->repeat || a->shards))
		return cli_error("--resume runs the cases the run chose; leave out --clause, --section, "
				 "--tag, --authority, --include-examples, --repeat and --shard");
	if (a->batch_import && !a->resume)
		return cli_error("--batch-import adds results to a run: name it with --resume RUN (the "
				 "number --batch-export printed)");
	if (a->batch_import && a->batch_export && !strcmp(a->batch_import, a->batch_export))
		return cli_error("--batch-import and --batch-export name the same file");
	return cli_path_operand(argc, argv, "test", path);
}

/* ------------------------------------------------------------------ */

static char *options_json(const struct test_args *a)
{
	json_t *o = json_object();
	char *s;
	json_object_set_new(o, "clauses", list_json(&a->clauses));
	json_object_set_new(o, "sections", list_json(&a->sections));
	json_object_set_new(o, "tags", list_json(&a->tags));
	json_object_set_new(o, "authorities", list_json(&a->authorities));
	json_object_set_new(o, "include_examples", json_boolean(a->include_examples));
	json_object_set_new(o, "repeat", json_integer(a->repeat ? a->repeat : 1));
	json_object_set_new(o, "shard", json_integer(a->shard));
	json_object_set_new(o, "shards", json_integer(a->shards));
	/* Verdicts depend on the grader as answers on the provider: a resume
	 * with another one would mix two judges in one run. */
	if (a->grader_fp) {
		json_object_set_new(o, "grader", json_string(a->grader));
		json_object_set_new(o, "grader_fingerprint", json_string(a->grader_fp));
		json_object_set_new(o, "judges", json_integer(a->judges));
	}
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

static void options_read(struct test_args *a, const char *text)
{
	json_t *o = json_loads(text, 0, NULL);
	list_from_json(&a->clauses, json_object_get(o, "clauses"));
	list_from_json(&a->sections, json_object_get(o, "sections"));
	list_from_json(&a->tags, json_object_get(o, "tags"));
	list_from_json(&a->authorities, json_object_get(o, "authorities"));
	a->include_examples = json_is_true(json_object_get(o, "include_examples"));
	a->repeat = (long)json_integer_value(json_object_get(o, "repeat"));
	a->shard = (unsigned)json_integer_value(json_object_get(o, "shard"));
	a->shards = (unsigned)json_integer_value(json_object_get(o, "shards"));
	if (!a->grader && json_is_string(json_object_get(o, "grader"))) {
		free(a->grader_name_copy);
		a->grader_name_copy = specc_xstrdup(json_string_value(json_object_get(o, "grader")));
		a->grader = a->grader_name_copy;
	}
	if (!a->judges)
		a->judges = (long)json_integer_value(json_object_get(o, "judges"));
	json_decref(o);
}

static void config_fingerprint(const specc_project *p, const specc_provider *pv, const char *model,
			       const char *options, char out[65])
{
	json_t *o = json_object(), *argv = json_array(), *hdrs = json_array();
	char *s;

	for (uint32_t i = 0; i < pv->argc; i++)
		json_array_append_new(argv, json_string(pv->argv[i]));
	/* Header values can hold secrets of their own; their names cannot. */
	for (uint32_t i = 0; i < pv->header_count; i++)
		json_array_append_new(hdrs, json_stringn(pv->headers[i], strcspn(pv->headers[i], ":")));
	json_object_set_new(o, "kind", json_integer(pv->kind));
	json_object_set_new(o, "base_url", json_string(pv->base_url ? pv->base_url : ""));
	json_object_set_new(o, "file", json_string(pv->file ? specc_project_relative(p, pv->file) : ""));
	json_object_set_new(o, "model", json_string(model ? model : ""));
	json_object_set_new(o, "temperature", pv->has_temperature ? json_real(pv->temperature) : json_null());
	json_object_set_new(o, "seed", pv->has_seed ? json_integer(pv->seed) : json_null());
	json_object_set_new(o, "max_tokens", json_integer(pv->max_tokens));
	json_object_set_new(o, "developer_role", json_string(pv->developer_role));
	json_object_set_new(o, "argv", argv);
	json_object_set_new(o, "headers", hdrs);
	json_object_set_new(o, "options", json_string(options));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	specc_sha256_hex(s, strlen(s), out);
	free(s);
	json_decref(o);
}

static char *spec_versions(const specc_project *p)
{
	specc_buf b = SPECC_BUF_INIT;
	for (uint32_t i = 0; i < p->specs.len; i++) {
		const specc_spec *s = &p->specs.items[i];
		if (!s->version.ptr)
			continue;
		specc_buf_addf(&b, "%s%.*s@%.*s", b.len ? ", " : "", (int)s->name.len, s->name.ptr,
			       (int)s->version.len, s->version.ptr);
	}
	return specc_buf_detach(&b, NULL);
}

/* ------------------------------------------------------------------ */
/* --dry-run and --max-cost */

struct estimate {
	int64_t cases, calls, cached;
	double prompt_tokens, completion_tokens;
	bool priced;
	double cost;
};

static int estimate(const specc_project *p, const specc_cases *cases, specc_store *store,
		    const specc_provider *pv, const char *model, bool no_cache,
		    const specc_test_config *cfg, struct estimate *e)
{
	specc_buf key = SPECC_BUF_INIT;
	const specc_price *price = specc_test_config_price(cfg, model);

	memset(e, 0, sizeof *e);
	for (uint32_t u = 0; u < cases->units.len; u++) {
		const specc_unit *unit = &cases->units.items[u];
		json_t *msgs = specc_case_messages(p, unit, pv->developer_role);
		char *text = json_dumps(msgs, JSON_COMPACT);
		double ptok = (double)strlen(text) / 4.0;

		free(text);
		specc_buf_reset(&key);
		specc_case_key(p, unit, &key);
		for (uint32_t s = 0; s < cases->repeat; s++) {
			if (!specc_case_in_shard(cases, key.ptr, s))
				continue;
			e->cases++;
			if (pv->kind == SPECC_PROVIDER_REPLAY)
				continue;
			if (!no_cache && store) {
				char hash[65], *answer = NULL;
				int64_t a, b;
				specc_request_hash(pv, model, msgs, s, hash);
				specc_store_cache_get(store, hash, &answer, &a, &b);
				if (answer) {
					free(answer);
					e->cached++;
					continue;
				}
			}
			e->calls++;
			e->prompt_tokens += ptok;
			/* Unknown answer length: the cap when there is one. */
			e->completion_tokens += pv->max_tokens ? (double)pv->max_tokens : 256.0;
		}
		json_decref(msgs);
	}
	specc_buf_release(&key);
	if (price) {
		e->priced = true;
		e->cost = (e->prompt_tokens * price->input + e->completion_tokens * price->output) / 1e6;
	}
	return SPECC_OK;
}

/*
 * The grader's share, as an upper bound: every case whose item no
 * deterministic check can decide (a rubric, or no checks) is graded by
 * each judge, unless its checks fail first.  The grader's prompt is
 * measured with an empty answer, then the answer's estimated length is
 * added; a verdict is assumed to be 100 tokens unless max-tokens caps it.
 */
static void grade_estimate(const specc_project *p, const specc_cases *cases, const specc_provider *pv,
			   const struct cli_grader *g, const specc_test_config *cfg, struct estimate *e)
{
	const specc_price *price = specc_test_config_price(cfg, g->model);
	double answer_tokens = pv->max_tokens ? (double)pv->max_tokens : 256.0;
	specc_buf key = SPECC_BUF_INIT;
	specc_arena arena;

	memset(e, 0, sizeof *e);
	specc_arena_init(&arena);
	for (uint32_t u = 0; u < cases->units.len; u++) {
		const specc_unit *unit = &cases->units.items[u];
		const specc_example *ex = unit->example ? &p->examples.items[unit->index]
							: &p->items.items[unit->index];
		specc_expect_set set;
		specc_diags scratch;
		specc_grade_subject sub;
		bool needs;
		double ptok;

		specc_expect_set_init(&set);
		specc_diags_init(&scratch);
		if (ex->expect.ptr)
			specc_expect_parse(&set, (specc_sources *)&p->sources, &scratch, ex->expect_span);
		needs = set.has_rubric || set.len == 0;
		specc_expect_set_release(&set);
		specc_diags_release(&scratch);
		specc_buf_reset(&key);
		specc_case_key(p, unit, &key);
		if (!needs || specc_grade_subject_init(&sub, p, unit, key.ptr, "", &arena) != SPECC_OK)
			continue;
		{
			json_t *msgs = specc_grade_messages(p, &sub);
			char *text = json_dumps(msgs, JSON_COMPACT);
			ptok = (double)strlen(text) / 4.0 + answer_tokens;
			free(text);
			json_decref(msgs);
		}
		for (uint32_t s = 0; s < cases->repeat; s++) {
			if (!specc_case_in_shard(cases, key.ptr, s))
				continue;
			e->cases++;
			e->calls += g->judges;
			e->prompt_tokens += ptok * g->judges;
			e->completion_tokens += (g->pv.max_tokens ? (double)g->pv.max_tokens : 100.0) * g->judges;
		}
	}
	specc_buf_release(&key);
	specc_arena_release(&arena);
	if (price) {
		e->priced = true;
		e->cost = (e->prompt_tokens * price->input + e->completion_tokens * price->output) / 1e6;
	}
}

/* ------------------------------------------------------------------ */

/* The run --baseline names; "last" is the latest finished run other than
 * this one (resumed runs have an id already). */
static int baseline_find(specc_store *s, const char *arg, int64_t self, const char *spath,
			 specc_run_info *base)
{
	char *end;
	long long id;

	if (!strcmp(arg, "last")) {
		if (specc_store_run_latest_finished(s, self, base) != SPECC_OK)
			return cli_error("--baseline last: %s has no finished run to compare with", spath);
		return -1;
	}
	id = strtoll(arg, &end, 10);
	if (!*arg || *end || id <= 0)
		return cli_error("--baseline takes a run number or \"last\", not \"%s\"", arg);
	if (specc_store_run_get(s, id, base) != SPECC_OK)
		return cli_error("--baseline %s: there is no run %s in %s; specc runs lists them", arg, arg,
				 spath);
	return -1;
}

static void on_signal(int sig)
{
	(void)sig;
	specc_test_stop = 1;
	/* A second Ctrl-C stops at once. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

/* A filter that names nothing in the project is a typo, not a wish to
 * run zero cases: "0 cases, all passed" would let it through CI.
 * Returns an exit code, or -1 when every name is known. */
static int check_filters(const specc_project *p, const struct test_args *a)
{
	for (uint32_t i = 0; i < a->clauses.len; i++)
		if (specc_map_get(&p->eval_ids, specc_str_make(a->clauses.items[i],
							       strlen(a->clauses.items[i]))) == SPECC_NONE)
			return cli_error("--clause %s: the project has no eval file %s.md", a->clauses.items[i],
					 a->clauses.items[i]);
	for (uint32_t i = 0; i < a->sections.len; i++)
		if (specc_map_get(&p->section_ids, specc_str_make(a->sections.items[i],
								  strlen(a->sections.items[i]))) == SPECC_NONE)
			return cli_error("--section %s: the project has no section with that ID",
					 a->sections.items[i]);
	for (uint32_t i = 0; i < a->authorities.len; i++)
		if (specc_project_authority_rank(p, specc_str_make(a->authorities.items[i],
								   strlen(a->authorities.items[i]))) == SPECC_NONE)
			return cli_error("--authority %s: not a level of the project's chain of command",
					 a->authorities.items[i]);
	return -1;
}

int cmd_test(int argc, char **argv)
{
	struct test_args a = { 0 };
	specc_project p;
	specc_test_config cfg;
	specc_provider pv;
	specc_cases cases = { 0 };
	specc_case_filter f = { 0 };
	specc_store *store = NULL;
	specc_run_info run = { 0 }, base = { 0 };
	specc_batch *batch_in = NULL;
	FILE *batch_out = NULL;
	specc_test_totals t = { 0 };
	specc_test_options o = { 0 };
	struct cli_grader grader;
	bool have_grader = false;
	specc_buf err = SPECC_BUF_INIT;
	const specc_provider *chosen;
	const char *path, *model;
	char *serr = NULL, *opts = NULL, spec_fp[65], cfg_fp[65];
	const char *spath = NULL;
	specc_buf spath_buf = SPECC_BUF_INIT;
	FILE *out = stdout, *stream = NULL;
	bool use_color = false, loaded = false, have_cfg = false;
	double min_pass;
	long max_errors;
	int rc;

	a.min_pass_rate = -1;
	a.max_errors = -1;
	a.max_cost = -1;
	if ((rc = parse_args(argc, argv, &a, &path)) >= 0)
		goto done;

	loaded = true;
	if ((rc = cli_project_open(&p, path, "test", &cfg, &have_cfg)) >= 0)
		goto done;

	if ((rc = cli_store_path(path, a.store, &spath_buf)) >= 0)
		goto done;
	spath = spath_buf.ptr;
	if (specc_store_open(&store, spath, &serr) != SPECC_OK) {
		rc = cli_error("%s", serr);
		goto done;
	}
	if (a.resume) {
		char *end;
		long long id = strcmp(a.resume, "last") ? strtoll(a.resume, &end, 10) : 0;
		if (strcmp(a.resume, "last") && (*end || id <= 0)) {
			rc = cli_error("--resume takes a run number or \"last\", not \"%s\"", a.resume);
			goto done;
		}
		rc = specc_store_run_get(store, id, &run);
		if (rc == SPECC_EINVAL) {
			if (id)
				rc = cli_error("there is no run %lld in %s; specc runs lists them", id, spath);
			else
				rc = cli_error("there is no run to resume in %s", spath);
			goto done;
		} else if (rc != SPECC_OK) {
			rc = cli_error("cannot read %s: %s", spath, specc_store_error(store));
			goto done;
		}
		options_read(&a, run.options);
		if (!a.provider)
			a.provider = run.provider;
		if (!a.model && run.model[0])
			a.model = run.model;
	}

	/* The provider: a flag, test.provider, or the only one there is. */
	if (a.provider)
		chosen = specc_test_config_provider(&cfg, a.provider);
	else if (cfg.provider)
		chosen = specc_test_config_provider(&cfg, cfg.provider);
	else
		chosen = cfg.providers.len == 1 ? &cfg.providers.items[0] : NULL;
	if (!chosen) {
		if (a.provider)
			rc = cli_error("no provider is named \"%s\" in specc.yaml%s", a.provider,
				       cfg.providers.len ? "" : " (it has no providers)");
		else if (cfg.providers.len)
			rc = cli_error("specc.yaml has several providers; choose one with --provider or test.provider");
		else
			rc = cli_error("no provider to ask: add one under providers in specc.yaml (docs/test.md shows how)");
		goto done;
	}
	pv = *chosen;
	if (a.base_url) {
		if (pv.kind != SPECC_PROVIDER_OPENAI) {
			rc = cli_error("--base-url applies to openai providers; \"%s\" is not one", pv.name);
			goto done;
		}
		pv.base_url = a.base_url;
	}
	model = a.model ? a.model : pv.model;
	if (pv.kind == SPECC_PROVIDER_OPENAI && (!model || !*model)) {
		rc = cli_error("provider \"%s\" has no model; set model in specc.yaml or pass --model", pv.name);
		goto done;
	}
	if ((a.batch_export || a.batch_import) && pv.kind != SPECC_PROVIDER_OPENAI) {
		rc = cli_error("batch files hold OpenAI requests, and provider \"%s\" is not an openai one",
			       pv.name);
		goto done;
	}
	if (!a.dry_run && !a.batch_export && !a.batch_import && (rc = cli_provider_key(&pv)) >= 0)
		goto done;
	if (!a.no_grade) {
		if ((rc = cli_grader_pick(&cfg, a.grader, a.judges, !a.dry_run, &grader, &have_grader)) >= 0)
			goto done;
		if (have_grader && (a.batch_export || a.batch_import) &&
		    grader.pv.kind != SPECC_PROVIDER_OPENAI) {
			rc = cli_error("batch files hold OpenAI requests, and the grader \"%s\" is not an openai "
				       "provider; grade online later, or pass --no-grade", grader.pv.name);
			goto done;
		}
		if (have_grader) {
			a.grader = grader.pv.name;
			a.judges = grader.judges;
			a.grader_fp = specc_xstrdup(grader.fingerprint);
		}
	}

	if (!a.resume && (rc = check_filters(&p, &a)) >= 0)
		goto done;
	f.clauses = a.clauses.items;
	f.clause_count = a.clauses.len;
	f.sections = a.sections.items;
	f.section_count = a.sections.len;
	f.tags = a.tags.items;
	f.tag_count = a.tags.len;
	f.authorities = a.authorities.items;
	f.authority_count = a.authorities.len;
	f.include_examples = a.include_examples;
	specc_cases_select(&cases, &p, &f);
	cases.repeat = a.repeat > 0 ? (uint32_t)a.repeat : 1;
	cases.shard = a.shard;
	cases.shards = a.shards;

	opts = options_json(&a);
	specc_spec_fingerprint(&p, spec_fp);
	config_fingerprint(&p, &pv, model, opts, cfg_fp);
	if (a.resume) {
		if (strcmp(run.spec_fingerprint, spec_fp)) {
			rc = cli_error("the spec or its eval files changed since run %lld, so resuming it would "
				       "mix two versions; start a new run", (long long)run.id);
			goto done;
		}
		if (strcmp(run.config_fingerprint, cfg_fp)) {
			rc = cli_error("the provider settings changed since run %lld, so resuming it would mix "
				       "two configurations; start a new run", (long long)run.id);
			goto done;
		}
	}

	if (a.dry_run || a.max_cost >= 0) {
		struct estimate e, ge = { 0 };
		const specc_price *price;
		estimate(&p, &cases, store, &pv, model, a.no_cache, &cfg, &e);
		price = specc_test_config_price(&cfg, model);
		if (have_grader)
			grade_estimate(&p, &cases, &pv, &grader, &cfg, &ge);
		if (a.dry_run) {
			printf("%lld cases, %lld model calls (%lld answered from the cache)\n", (long long)e.cases,
			       (long long)e.calls, (long long)e.cached);
			printf("estimated tokens: %.0f in, %.0f out (%s)\n", e.prompt_tokens, e.completion_tokens,
			       pv.max_tokens ? "answers at most max-tokens long"
					     : "answers assumed 256 tokens long; set max-tokens for a bound");
			if (pv.kind == SPECC_PROVIDER_REPLAY)
				printf("estimated cost: none (recorded answers)\n");
			else if (price)
				printf("estimated cost: $%.4f (%s at $%g in, $%g out per million tokens)\n", e.cost,
				       model, price->input, price->output);
			else
				printf("estimated cost: unknown (no price for %s under prices in specc.yaml)\n",
				       model && *model ? model : pv.name);
			if (have_grader && ge.calls) {
				printf("grading: at most %lld grader calls (%lld cases no check decides, %d judge%s "
				       "each; fewer when checks fail, verdicts are known or rulings exist)\n",
				       (long long)ge.calls, (long long)ge.cases, grader.judges,
				       grader.judges == 1 ? "" : "s");
				printf("grading tokens: at most about %.0f in, %.0f out\n", ge.prompt_tokens,
				       ge.completion_tokens);
				if (ge.priced)
					printf("grading cost: at most $%.4f (%s)\n", ge.cost, grader.model);
				else if (grader.pv.kind == SPECC_PROVIDER_OPENAI)
					printf("grading cost: unknown (no price for %s under prices in specc.yaml)\n",
					       grader.model);
			}
			rc = SPECC_EXIT_OK;
			goto done;
		}
		if (pv.kind != SPECC_PROVIDER_REPLAY && e.calls && !e.priced) {
			rc = cli_error("--max-cost needs the price of %s: add it under prices in specc.yaml", model);
			goto done;
		}
		if (have_grader && ge.calls && grader.pv.kind == SPECC_PROVIDER_OPENAI && !ge.priced) {
			rc = cli_error("--max-cost needs the price of the grader's model %s: add it under prices "
				       "in specc.yaml",
				       grader.model);
			goto done;
		}
		if (e.cost + ge.cost > a.max_cost) {
			rc = cli_error("the estimated cost is $%.4f (answers $%.4f, grading at most $%.4f), above "
				       "--max-cost $%g; nothing was asked",
				       e.cost + ge.cost, e.cost, ge.cost, a.max_cost);
			goto done;
		}
	}

	if (have_grader && (rc = cli_grader_gate(store, &cfg, &grader)) >= 0)
		goto done;
	if (a.batch_import) {
		uint32_t foreign = 0;
		int brc = specc_batch_read(&batch_in, a.batch_import, run.id, &foreign, &err);
		if (brc != SPECC_OK) {
			rc = cli_error("%s", err.ptr);
			goto done;
		}
		if (foreign)
			fprintf(stderr, "specc: %u line%s of %s belong%s to other runs and %s skipped\n", foreign,
				foreign == 1 ? "" : "s", a.batch_import, foreign == 1 ? "s" : "",
				foreign == 1 ? "was" : "were");
		if (!specc_batch_count(batch_in)) {
			rc = cli_error("%s has no results for run %lld", a.batch_import, (long long)run.id);
			goto done;
		}
	}
	if (a.batch_export && !(batch_out = fopen(a.batch_export, "w"))) {
		rc = cli_error("cannot write %s: %s", a.batch_export, strerror(errno));
		goto done;
	}
	if (a.baseline && (rc = baseline_find(store, a.baseline, a.resume ? run.id : 0, spath,
					      &base)) >= 0)
		goto done;
	if ((rc = cli_open_output(a.out_path, a.color, &out, &use_color)) >= 0)
		goto done;
	rc = SPECC_EXIT_OK;
	if (a.stream_path && !(stream = fopen(a.stream_path, a.resume ? "a" : "w"))) {
		rc = cli_error("cannot write %s: %s", a.stream_path, strerror(errno));
		goto done;
	}

	if (!a.resume) {
		char *versions = spec_versions(&p);
		run.project = specc_xstrdup(path);
		run.provider = specc_xstrdup(pv.name);
		run.model = specc_xstrdup(model ? model : "");
		run.config_fingerprint = specc_xstrdup(cfg_fp);
		run.spec_fingerprint = specc_xstrdup(spec_fp);
		run.spec_version = versions;
		run.options = specc_xstrdup(opts);
		run.total = 0;
		for (uint32_t u = 0; u < cases.units.len; u++) {
			specc_buf k = SPECC_BUF_INIT;
			specc_case_key(&p, &cases.units.items[u], &k);
			for (uint32_t s = 0; s < cases.repeat; s++)
				run.total += specc_case_in_shard(&cases, k.ptr, s);
			specc_buf_release(&k);
		}
		if (specc_store_run_create(store, &run) != SPECC_OK) {
			rc = cli_error("cannot write %s: %s", spath, specc_store_error(store));
			goto done;
		}
	}
	specc_store_run_set_status(store, run.id, "incomplete", false);

	o.provider = &pv;
	o.model = model;
	o.concurrency = a.concurrency ? (int)a.concurrency : cfg.concurrency ? cfg.concurrency : 8;
	o.no_cache = a.no_cache;
	o.progress = !a.no_progress && isatty(STDERR_FILENO) && !getenv("CI");
	o.stream = stream;
	o.batch_out = batch_out;
	o.batch_in = batch_in;
	t.total = run.total;

	specc_test_stop = 0;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (specc_test_run(&p, &cases, store, &run, &o, &t, &err) != SPECC_OK) {
		/* A run that could not start (unreadable recordings, say) is
		 * not kept, or --resume last would pick it. */
		if (!a.resume && t.done == 0)
			specc_store_run_delete(store, run.id);
		else
			specc_store_run_set_status(store, run.id, "interrupted", false);
		rc = cli_error("%s", err.ptr[0] ? err.ptr : "the run failed");
		goto done;
	}
	if (have_grader && !t.interrupted && !t.gave_up && !specc_test_stop) {
		specc_grade_plan plan;
		specc_grade_options go = { 0 };
		specc_grade_totals gt = { 0 };
		int grc;

		specc_grade_plan_init(&plan);
		grc = specc_grade_plan_for_run(&plan, &p, &cases, store, run.id);
		go.provider = &grader.pv;
		go.model = grader.model;
		go.structured = grader.structured;
		go.judges = grader.judges;
		go.concurrency = o.concurrency;
		go.no_cache = a.no_cache;
		go.progress = o.progress;
		go.fingerprint = grader.fingerprint;
		go.batch_out = batch_out;
		go.batch_in = batch_in;
		if (grc == SPECC_OK)
			grc = specc_grade_run(&p, &plan, store, &run, &go, &gt, &t, &err);
		else
			specc_buf_addf(&err, "cannot read the cases to grade: %s", specc_store_error(store));
		specc_grade_plan_release(&plan);
		if (grc != SPECC_OK) {
			specc_store_run_set_status(store, run.id, "interrupted", false);
			rc = cli_error("%s", err.ptr[0] ? err.ptr : "grading failed");
			goto done;
		}
		t.interrupted = specc_test_stop != 0;
		if (gt.invalid || gt.unscored)
			fprintf(stderr, "specc: the grader's output did not validate %lld time%s; %lld case%s "
					"unscored (never a pass or a fail)\n",
				(long long)gt.invalid, gt.invalid == 1 ? "" : "s", (long long)gt.unscored,
				gt.unscored == 1 ? " is" : "s are");
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (batch_out) {
		int closed = fclose(batch_out);
		batch_out = NULL;
		if (closed != 0) {
			rc = cli_error("cannot write %s: %s", a.batch_export, strerror(errno));
			goto done;
		}
	}
	if (a.batch_import)
		fprintf(stderr, "specc: took %lld result%s from %s\n", (long long)t.imported,
			t.imported == 1 ? "" : "s", a.batch_import);
	if (t.exported) {
		/* The report waits for the answers. */
		specc_store_run_set_status(store, run.id, "incomplete", false);
		fprintf(stderr, "specc: wrote %lld request%s to %s for run %lld; when the batch is done:\n"
				"  specc test --resume %lld --batch-import RESULTS.jsonl %s\n",
			(long long)t.exported, t.exported == 1 ? "" : "s", a.batch_export, (long long)run.id,
			(long long)run.id, path);
		rc = SPECC_EXIT_OK;
		goto done;
	}
	if (t.pending)
		fprintf(stderr, "specc: %lld request%s of run %lld %s still pending; finish with "
				"specc test --resume %lld %s (online), or another batch\n",
			(long long)t.pending, t.pending == 1 ? "" : "s", (long long)run.id,
			t.pending == 1 ? "is" : "are", (long long)run.id, path);
	{
		specc_test_totals mine = t;
		bool complete = !t.interrupted && !t.gave_up && !t.pending;
		specc_store_run_set_status(store, run.id, complete ? "finished" : "interrupted", complete);
		/* Read the run back: the report must carry the finish time the
		 * store just set, as specc runs show will. */
		{
			specc_run_info fresh;
			if (specc_store_run_get(store, run.id, &fresh) == SPECC_OK) {
				specc_run_info_release(&run);
				run = fresh;
			} else {
				free(run.status);
				run.status = specc_xstrdup(complete ? "finished" : "interrupted");
			}
		}
		specc_buf_reset(&err);
		if (specc_report_write(store, &run, a.format, out, use_color, p.root, &p, &mine, &err) != SPECC_OK) {
			rc = cli_error("%s", err.ptr);
			goto done;
		}
		min_pass = a.min_pass_rate >= 0 ? a.min_pass_rate
			   : cfg.min_pass_rate >= 0 ? cfg.min_pass_rate : 1.0;
		max_errors = a.max_errors >= 0 ? a.max_errors : cfg.max_errors >= 0 ? cfg.max_errors : 0;
		if (t.interrupted) {
			fprintf(stderr, "specc: interrupted; %lld cases are stored. Finish with: specc test --resume %lld %s\n",
				(long long)mine.done, (long long)run.id, path);
			rc = SPECC_EXIT_INTERRUPTED;
		} else if (t.gave_up) {
			fprintf(stderr, "specc: stopped after %d cases in a row got no answer; is the provider up? "
					"Finish with: specc test --resume %lld %s\n",
				20, (long long)run.id, path);
			rc = SPECC_EXIT_INFRA;
		} else if (mine.errored > max_errors) {
			fprintf(stderr, "specc: %lld case%s got no answer (--max-errors is %ld); "
					"specc test --resume %lld asks %s again\n",
				(long long)mine.errored, mine.errored == 1 ? "" : "s", max_errors,
				(long long)run.id, mine.errored == 1 ? "it" : "them");
			rc = SPECC_EXIT_INFRA;
		} else if (mine.failed &&
			   (double)mine.passed / (double)(mine.passed + mine.failed) < min_pass) {
			rc = SPECC_EXIT_FINDINGS;
		}
		if (base.id && !t.interrupted && !t.gave_up) {
			bool blocked = false;
			if (a.format == SPECC_TEST_HUMAN)
				fputc('\n', out);
			specc_buf_reset(&err);
			if (cli_gate_compare(store, &base, &run, &p, &cfg, -1,
					     a.format == SPECC_TEST_HUMAN ? out : stderr, use_color && a.format == SPECC_TEST_HUMAN,
					     false, &blocked) >= 0) {
				rc = SPECC_EXIT_USAGE;
				goto done;
			}
			if (blocked && rc == SPECC_EXIT_OK)
				rc = SPECC_EXIT_FINDINGS;
		}
	}
done:
	if (stream && fclose(stream) != 0 && rc < 2)
		rc = cli_error("cannot write %s: %s", a.stream_path, strerror(errno));
	if (out != stdout)
		rc = cli_close_output(out, a.out_path, rc);
	free(opts);
	specc_buf_release(&spath_buf);
	free(serr);
	specc_buf_release(&err);
	specc_run_info_release(&run);
	specc_run_info_release(&base);
	specc_batch_free(batch_in);
	if (batch_out)
		fclose(batch_out);
	specc_store_close(store);
	free(a.grader_fp);
	free(a.grader_name_copy);
	specc_cases_release(&cases);
	if (have_cfg)
		specc_test_config_release(&cfg);
	if (loaded)
		specc_project_release(&p);
	list_free(&a.clauses);
	list_free(&a.sections);
	list_free(&a.tags);
	list_free(&a.authorities);
	return rc;
}
