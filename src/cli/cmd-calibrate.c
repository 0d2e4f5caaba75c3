/*
 * cmd-calibrate.c - specc calibrate: how far to trust the grader, measured
 * on the answers the spec's authors labelled themselves.
 *
 * Every GOOD, BAD and OK answer of the spec's examples is graded like a
 * test case (through the same engine, store and cache), against its own
 * section, or against the section a BAD[#x] label names, with its own
 * example left out of the precedents so the label cannot leak.  A GOOD
 * answer should be found compliant, a BAD one a violation; an OK answer
 * may be either.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "specc/grade.h"
#include "specc/json.h"
#include "specc/project.h"
#include "specc/stats.h"
#include "cli.h"
#include "grader.h"

const char cmd_calibrate_usage[] =
	"usage: specc calibrate [options] [PATH]\n"
	"\n"
	"Grades every answer the spec's authors labelled (GOOD, BAD, OK in the\n"
	"examples of the project at PATH, default \".\") with the grader of\n"
	"specc.yaml, and reports how often it agrees: accuracy, Cohen's kappa,\n"
	"the confusion matrix, and the sections where it disagrees most.  A GOOD\n"
	"answer should be compliant, a BAD one a violation of its section (or of\n"
	"the section BAD[#id] names); OK answers count as right either way.\n"
	"Each answer's own example is left out of the precedents the grader sees.\n"
	"\n"
	"The result is kept per grader fingerprint (provider, model, parameters,\n"
	"prompt template): specc test warns when its grader has none, and\n"
	"refuses to run when it is below grader.min-accuracy.  Rulings made with\n"
	"specc judge that the grader also judged are reported as agreements or\n"
	"disagreements.  Verdicts are cached, so calibrating again costs nothing.\n"
	"\n"
	"options:\n"
	"  --grader NAME       a provider from specc.yaml (default: grader.provider)\n"
	"  --judges N          verdicts per answer, odd (default: grader.judges, or 1)\n"
	"  -j, --concurrency N requests in flight (default: test.concurrency, or 8)\n"
	"  --no-cache          ask again even when a verdict is known\n"
	"  --format FORMAT     human (default) or json\n"
	"  -o, --output FILE   write the report to FILE\n"
	"  --store FILE        the results database (default PATH/.specc/specc.db)\n"
	"  --color WHEN        auto (default), always or never\n"
	"  -h, --help          show this help\n"
	"\n"
	"exit status: 0 calibrated (at or above grader.min-accuracy when set),\n"
	"1 below grader.min-accuracy, 2 usage, configuration or store error, 3 the\n"
	"grader failed too often to finish, 130 interrupted.\n"
	"\n"
	"examples:\n"
	"  specc calibrate examples/\n"
	"  specc calibrate --grader strict-judge --judges 3 --format json\n";

enum { EXPECT_GOOD, EXPECT_BAD, EXPECT_OK };
enum { COL_COMPLIANT, COL_VIOLATION, COL_UNCLEAR, COL_UNSCORED };

struct labelled {
	int expect;               /* EXPECT_* */
	uint32_t section;         /* judged against */
	int got;                  /* specc_verdict_kind, -1 before grading */
};

struct section_tally {
	uint32_t section;
	int64_t total, wrong;
};

struct cal {
	const specc_project *p;
	specc_grade_plan plan;
	SPECC_TABLE(struct labelled) labels; /* parallel to plan.items */
	specc_map index;          /* case key -> item */
	int64_t matrix[3][4];     /* expected x got */
	int64_t correct, total;
	json_t *rulings;          /* [{case, ruled, graded}] */
	int64_t ruling_agree, ruling_disagree;
};

static void on_signal(int sig)
{
	(void)sig;
	specc_test_stop = 1;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

/* Every labelled answer of the project, as plan items. */
static void collect(struct cal *c)
{
	const specc_project *p = c->p;
	specc_buf key = SPECC_BUF_INIT;

	for (uint32_t e = 0; e < p->examples.len; e++) {
		const specc_example *ex = &p->examples.items[e];
		uint32_t ordinal = 0, m = 0;

		if (ex->section == SPECC_NONE || !p->sections.items[ex->section].id.ptr)
			continue;
		/* The example's number in its section, as specc test names it. */
		for (uint32_t k = 0; k <= e; k++)
			ordinal += p->examples.items[k].section == ex->section;
		for (uint32_t t = 0; t < ex->conv.turn_count; t++) {
			const specc_turn *tu = &p->turns.items[ex->conv.turn_first + t];
			specc_grade_item *it;
			struct labelled *l;
			specc_str sid;

			if (tu->label == SPECC_LABEL_NONE)
				continue;
			m++;
			it = SPECC_PUSH(c->plan.items);
			memset(it, 0, sizeof *it);
			l = SPECC_PUSH(c->labels);
			l->expect = tu->label == SPECC_LABEL_GOOD ? EXPECT_GOOD
				    : tu->label == SPECC_LABEL_BAD ? EXPECT_BAD
								   : EXPECT_OK;
			l->section = tu->label == SPECC_LABEL_BAD && tu->violates_section != SPECC_NONE
					     ? tu->violates_section
					     : ex->section;
			l->got = -1;
			sid = p->sections.items[ex->section].id;
			specc_buf_reset(&key);
			specc_buf_addf(&key, "%.*s/example-%u/answer-%u", (int)sid.len, sid.ptr, ordinal, m);
			it->key = specc_arena_strndup(&c->plan.arena, key.ptr, key.len);
			it->subject.unit = (specc_unit){ .index = e, .example = true, .clause = SPECC_NONE,
							 .section = ex->section, .ordinal = ordinal };
			it->subject.section = l->section;
			it->subject.clause = SPECC_NONE;
			it->subject.exclude_example = e;
			it->subject.comparison = tu->comparison;
			it->subject.answer = specc_arena_strndup(&c->plan.arena,
								 tu->content.ptr ? tu->content.ptr : "",
								 tu->content.len);
			specc_map_put(&c->index, specc_str_make(it->key, key.len), c->plan.items.len - 1, NULL);
		}
	}
	specc_buf_release(&key);
}

/* The labelled answers go into the run as cases waiting for the grader. */
static int store_cases(struct cal *c, specc_store *s, int64_t run)
{
	const specc_project *p = c->p;

	for (uint32_t i = 0; i < c->plan.items.len; i++) {
		const specc_grade_item *it = &c->plan.items.items[i];
		const specc_example *ex = &p->examples.items[it->subject.unit.index];
		specc_case_result r = { 0 };
		specc_buf clause = SPECC_BUF_INIT;
		specc_str sid = p->sections.items[c->labels.items[i].section].id;
		specc_pos pos;
		const char *file = specc_project_relative(p, p->sources.items[ex->span.file].path);
		int rc;

		specc_buf_addf(&clause, "#%.*s", (int)sid.len, sid.ptr);
		specc_source_pos(&p->sources.items[ex->span.file], ex->span.start, &pos);
		r.key = it->key;
		r.clause = clause.ptr;
		r.section = clause.ptr + 1;
		r.file = file;
		r.line = pos.line;
		r.request_hash = "";
		r.status = SPECC_CASE_NEEDS_GRADER;
		r.answer = it->subject.answer;
		r.model = "";
		rc = specc_store_case_put(s, run, &r);
		specc_buf_release(&clause);
		if (rc != SPECC_OK)
			return rc;
	}
	return SPECC_OK;
}

static int on_grade(void *ctx, const char *key, uint32_t sample, int kind, double agreement,
		    const char *reason)
{
	struct cal *c = ctx;
	uint32_t i = specc_map_get(&c->index, specc_str_make(key, strlen(key)));

	(void)sample;
	(void)agreement;
	(void)reason;
	if (i != SPECC_NONE)
		c->labels.items[i].got = kind;
	return 0;
}

static int on_ruling(void *ctx, const char *case_key, const char *ruled, const char *graded)
{
	struct cal *c = ctx;
	json_t *o = json_object();

	json_object_set_new(o, "case", json_string(case_key));
	json_object_set_new(o, "ruled", json_string(ruled));
	json_object_set_new(o, "graded", json_string(graded));
	json_object_set_new(o, "agree", json_boolean(!strcmp(ruled, graded)));
	json_array_append_new(c->rulings, o);
	if (!strcmp(ruled, graded))
		c->ruling_agree++;
	else
		c->ruling_disagree++;
	return 0;
}

static int cmp_tally(const void *a, const void *b)
{
	const struct section_tally *x = a, *y = b;
	if (x->wrong != y->wrong)
		return x->wrong < y->wrong ? 1 : -1;
	return x->section < y->section ? -1 : x->section > y->section;
}

/* Right: GOOD found compliant, BAD a violation, OK either. */
static bool is_right(int expect, int got)
{
	if (expect == EXPECT_GOOD)
		return got == SPECC_VERDICT_COMPLIANT;
	if (expect == EXPECT_BAD)
		return got == SPECC_VERDICT_VIOLATION;
	return got == SPECC_VERDICT_COMPLIANT || got == SPECC_VERDICT_VIOLATION;
}

static json_t *build_report(struct cal *c, const struct cli_grader *g, int64_t run, double *accuracy,
			    double *kappa)
{
	static const char *const rows[] = { "good", "bad", "ok" };
	static const char *const cols[] = { "compliant", "violation", "unclear", "unscored" };
	const specc_project *p = c->p;
	struct section_tally *tally = specc_xcalloc(p->sections.len ? p->sections.len : 1, sizeof *tally);
	int64_t k3[9] = { 0 };
	json_t *o = json_object(), *m = json_object(), *worst = json_array();

	for (uint32_t s = 0; s < p->sections.len; s++)
		tally[s].section = s;
	for (uint32_t i = 0; i < c->labels.len; i++) {
		const struct labelled *l = &c->labels.items[i];
		int got = l->got < 0 ? SPECC_VERDICT_UNSCORED : l->got;
		bool right = is_right(l->expect, got);
		c->matrix[l->expect][got]++;
		c->total++;
		c->correct += right;
		tally[l->section].total++;
		tally[l->section].wrong += !right;
		/* Kappa is over the answers with one right verdict; unclear
		 * and unscored form a third class the labels never use. */
		if (l->expect != EXPECT_OK)
			k3[l->expect * 3 + (got < 2 ? got : 2)]++;
	}
	*accuracy = c->total ? (double)c->correct / (double)c->total : 0;
	*kappa = specc_cohen_kappa(k3, 3);
	json_object_set_new(o, "run", json_integer(run));
	json_object_set_new(o, "grader", json_string(g->pv.name));
	json_object_set_new(o, "model", json_string(g->model ? g->model : ""));
	json_object_set_new(o, "fingerprint", json_string(g->fingerprint));
	json_object_set_new(o, "judges", json_integer(g->judges));
	json_object_set_new(o, "answers", json_integer(c->total));
	json_object_set_new(o, "correct", json_integer(c->correct));
	json_object_set_new(o, "accuracy", json_real(*accuracy));
	json_object_set_new(o, "kappa", isnan(*kappa) ? json_null() : json_real(*kappa));
	for (int r = 0; r < 3; r++) {
		json_t *row = json_object();
		for (int k = 0; k < 4; k++)
			json_object_set_new(row, cols[k], json_integer(c->matrix[r][k]));
		json_object_set_new(m, rows[r], row);
	}
	json_object_set_new(o, "confusion", m);
	qsort(tally, p->sections.len, sizeof *tally, cmp_tally);
	for (uint32_t s = 0; s < p->sections.len && s < 10 && tally[s].wrong; s++) {
		json_t *x = json_object();
		specc_str id = p->sections.items[tally[s].section].id;
		json_object_set_new(x, "section", specc_json_string(id.ptr ? id.ptr : "", id.len));
		json_object_set_new(x, "answers", json_integer(tally[s].total));
		json_object_set_new(x, "disagreements", json_integer(tally[s].wrong));
		json_array_append_new(worst, x);
	}
	json_object_set_new(o, "worst_sections", worst);
	json_object_set_new(o, "rulings", json_pack("{s:I, s:I, s:O}", "agree", (json_int_t)c->ruling_agree,
						    "disagree", (json_int_t)c->ruling_disagree, "cases",
						    c->rulings));
	free(tally);
	return o;
}

static void write_human(FILE *out, json_t *r, bool color)
{
	static const char *const rows[] = { "good", "bad", "ok" };
	static const char *const cols[] = { "compliant", "violation", "unclear", "unscored" };
	const char *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";
	json_t *m = json_object_get(r, "confusion"), *worst = json_object_get(r, "worst_sections"),
	       *ru = json_object_get(r, "rulings"), *x;
	size_t i;

	const char *model = json_string_value(json_object_get(r, "model"));

	fprintf(out, "%sgrader %s%s%s%s, %lld judge%s, fingerprint %.12s%s\n", bold,
		json_string_value(json_object_get(r, "grader")), model && *model ? " (model " : "",
		model && *model ? model : "", model && *model ? ")" : "",
		(long long)json_integer_value(json_object_get(r, "judges")),
		json_integer_value(json_object_get(r, "judges")) == 1 ? "" : "s",
		json_string_value(json_object_get(r, "fingerprint")), off);
	fprintf(out, "\n%-8s", "label");
	for (int k = 0; k < 4; k++)
		fprintf(out, "  %9s", cols[k]);
	fputc('\n', out);
	for (int rr = 0; rr < 3; rr++) {
		json_t *row = json_object_get(m, rows[rr]);
		fprintf(out, "%-8s", rows[rr]);
		for (int k = 0; k < 4; k++)
			fprintf(out, "  %9lld", (long long)json_integer_value(json_object_get(row, cols[k])));
		fputc('\n', out);
	}
	if (json_array_size(worst)) {
		fprintf(out, "\n%ssections where the grader disagrees most:%s\n", bold, off);
		json_array_foreach(worst, i, x)
			fprintf(out, "  %-40s %lld of %lld\n", json_string_value(json_object_get(x, "section")),
				(long long)json_integer_value(json_object_get(x, "disagreements")),
				(long long)json_integer_value(json_object_get(x, "answers")));
	}
	if (json_integer_value(json_object_get(ru, "agree")) + json_integer_value(json_object_get(ru, "disagree"))) {
		fprintf(out, "\nrulings the grader also judged: %lld agree, %lld disagree\n",
			(long long)json_integer_value(json_object_get(ru, "agree")),
			(long long)json_integer_value(json_object_get(ru, "disagree")));
		json_array_foreach(json_object_get(ru, "cases"), i, x)
			if (!json_is_true(json_object_get(x, "agree")))
				fprintf(out, "  %s: ruled %s, the grader found it %s\n",
					json_string_value(json_object_get(x, "case")),
					json_string_value(json_object_get(x, "ruled")),
					json_string_value(json_object_get(x, "graded")));
	}
	x = json_object_get(r, "kappa");
	fprintf(out, "\n%lld labelled answers: %lld agreed; accuracy %.1f%%, Cohen's kappa ",
		(long long)json_integer_value(json_object_get(r, "answers")),
		(long long)json_integer_value(json_object_get(r, "correct")),
		100 * json_real_value(json_object_get(r, "accuracy")));
	if (json_is_real(x))
		fprintf(out, "%.3f", json_real_value(x));
	else
		fputs("undefined", out);
	fprintf(out, " (run %lld)\n", (long long)json_integer_value(json_object_get(r, "run")));
}

int cmd_calibrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "grader", required_argument, NULL, 'g' },  { "judges", required_argument, NULL, 'J' },
		{ "concurrency", required_argument, NULL, 'j' }, { "no-cache", no_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },  { "output", required_argument, NULL, 'o' },
		{ "store", required_argument, NULL, 's' },   { "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
	};
	const char *grader_name = NULL, *out_path = NULL, *store_arg = NULL, *color = NULL, *path;
	long judges = 0, conc = 0;
	bool json = false, no_cache = false, loaded = false, have_cfg = false, have = false, use_color;
	struct cal c;
	struct cli_grader g;
	specc_project p;
	specc_test_config cfg;
	specc_store *store = NULL;
	specc_run_info run = { 0 };
	specc_grade_options go = { 0 };
	specc_grade_totals gt = { 0 };
	specc_test_totals t = { 0 };
	specc_calibration cal = { 0 };
	specc_buf err = SPECC_BUF_INIT, spath = SPECC_BUF_INIT;
	json_t *report = NULL, *opt = NULL;
	char *serr = NULL, *end;
	double accuracy = 0, kappa = NAN;
	FILE *out = stdout;
	int ch, rc;

	memset(&c, 0, sizeof c);
	specc_grade_plan_init(&c.plan);
	c.rulings = json_array();
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "hj:o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'g': grader_name = optarg; break;
		case 'J':
			judges = strtol(optarg, &end, 10);
			if (!*optarg || *end || judges < 1 || judges > 99 || judges % 2 == 0) {
				rc = cli_error("--judges takes an odd number from 1 to 99, not \"%s\"", optarg);
				goto out;
			}
			break;
		case 'j':
			conc = strtol(optarg, &end, 10);
			if (!*optarg || *end || conc < 1 || conc > 4096) {
				rc = cli_error("--concurrency takes a whole number from 1 to 4096, not \"%s\"", optarg);
				goto out;
			}
			break;
		case 'n': no_cache = true; break;
		case 'f':
			if (strcmp(optarg, "human") && strcmp(optarg, "json")) {
				rc = cli_error("unknown format \"%s\"; use human or json", optarg);
				goto out;
			}
			json = !strcmp(optarg, "json");
			break;
		case 'o': out_path = optarg; break;
		case 's': store_arg = optarg; break;
		case 'c': color = optarg; break;
		case 'h': fputs(cmd_calibrate_usage, stdout); rc = SPECC_EXIT_OK; goto out;
		default:
			rc = cli_error("calibrate: unknown or incomplete option %s; see specc help calibrate",
				       argv[optind - 1]);
			goto out;
		}
	}
	if ((rc = cli_path_operand(argc, argv, "calibrate", &path)) >= 0)
		goto out;

	loaded = true;
	if ((rc = cli_project_open(&p, path, "calibrate", &cfg, &have_cfg)) >= 0)
		goto out;
	if ((rc = cli_grader_pick(&cfg, grader_name, judges, true, &g, &have)) >= 0)
		goto out;
	if (!have) {
		rc = cli_error("calibrate needs a grader: set grader.provider in specc.yaml or pass --grader "
			       "(docs/test.md shows how)");
		goto out;
	}
	c.p = &p;
	collect(&c);
	if (c.plan.items.len == 0) {
		rc = cli_error("the project has no labelled answers (GOOD, BAD or OK) to calibrate on");
		goto out;
	}

	if ((rc = cli_store_path(path, store_arg, &spath)) >= 0)
		goto out;
	if (specc_store_open(&store, spath.ptr, &serr) != SPECC_OK) {
		rc = cli_error("%s", serr);
		goto out;
	}
	opt = json_pack("{s:b, s:s, s:i}", "calibration", 1, "grader_fingerprint", g.fingerprint, "judges",
			g.judges);
	run.project = specc_xstrdup(path);
	run.provider = specc_xstrdup(g.pv.name);
	run.model = specc_xstrdup(g.model ? g.model : "");
	run.config_fingerprint = specc_xstrdup(g.fingerprint);
	run.spec_fingerprint = specc_xstrdup("");
	run.spec_version = specc_xstrdup("");
	run.options = json_dumps(opt, JSON_COMPACT | JSON_SORT_KEYS);
	run.total = c.plan.items.len;
	if (specc_store_run_create(store, &run) != SPECC_OK || store_cases(&c, store, run.id) != SPECC_OK) {
		rc = cli_error("cannot write %s: %s", spath.ptr, specc_store_error(store));
		goto out;
	}

	go.provider = &g.pv;
	go.model = g.model;
	go.structured = g.structured;
	go.judges = g.judges;
	go.concurrency = conc ? (int)conc : cfg.concurrency ? cfg.concurrency : 8;
	go.no_cache = no_cache;
	go.progress = isatty(STDERR_FILENO) && !getenv("CI");
	go.fingerprint = g.fingerprint;
	specc_test_stop = 0;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (specc_grade_run(&p, &c.plan, store, &run, &go, &gt, &t, &err) != SPECC_OK) {
		specc_store_run_set_status(store, run.id, "interrupted", false);
		rc = cli_error("%s", err.ptr ? err.ptr : "grading failed");
		goto out;
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (t.interrupted || t.gave_up) {
		specc_store_run_set_status(store, run.id, "interrupted", false);
		if (t.gave_up)
			rc = cli_error("the grader failed %d answers in a row; is it up? Nothing was calibrated", 20);
		rc = t.gave_up ? 3 : 130;
		goto out;
	}
	specc_store_run_set_status(store, run.id, "finished", true);
	if (specc_store_grades(store, run.id, on_grade, &c) != SPECC_OK ||
	    specc_store_ruling_disagreements(store, g.fingerprint, on_ruling, &c) != SPECC_OK) {
		rc = cli_error("cannot read %s: %s", spath.ptr, specc_store_error(store));
		goto out;
	}
	report = build_report(&c, &g, run.id, &accuracy, &kappa);
	cal.fingerprint = g.fingerprint;
	cal.run = run.id;
	cal.grader = (char *)g.pv.name;
	cal.model = (char *)(g.model ? g.model : "");
	cal.spec_fingerprint = (char *)"";
	cal.total = c.total;
	cal.correct = c.correct;
	cal.accuracy = accuracy;
	cal.kappa = kappa;
	cal.report = json_dumps(report, JSON_COMPACT);
	rc = specc_store_calibration_put(store, &cal);
	free(cal.report);
	if (rc != SPECC_OK) {
		rc = cli_error("cannot write %s: %s", spath.ptr, specc_store_error(store));
		goto out;
	}
	if ((rc = cli_open_output(out_path, color, &out, &use_color)) >= 0)
		goto out;
	if (json) {
		json_dumpf(report, out, JSON_INDENT(2));
		fputc('\n', out);
	} else {
		write_human(out, report, use_color);
	}
	rc = SPECC_EXIT_OK;
	if (cfg.min_accuracy >= 0 && accuracy < cfg.min_accuracy) {
		fprintf(stderr, "specc: the grader's accuracy %.1f%% is below grader.min-accuracy %.1f%%; "
				"specc test will not use it\n",
			100 * accuracy, 100 * cfg.min_accuracy);
		rc = SPECC_EXIT_FINDINGS;
	}
	rc = cli_close_output(out, out_path, rc);
out:
	json_decref(report);
	json_decref(opt);
	json_decref(c.rulings);
	specc_map_release(&c.index);
	SPECC_TABLE_FREE(c.labels);
	specc_grade_plan_release(&c.plan);
	specc_run_info_release(&run);
	specc_store_close(store);
	free(serr);
	specc_buf_release(&err);
	specc_buf_release(&spath);
	if (have_cfg)
		specc_test_config_release(&cfg);
	if (loaded)
		specc_project_release(&p);
	return rc;
}
