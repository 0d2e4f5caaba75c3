/*
 * cmd-judge.c - specc judge: human rulings on graded cases (the project's
 * case law), and listing, exporting and importing them.
 *
 * A ruling is keyed by the judgement key of what was judged (clause,
 * section, conversation, rubric, answer), not by the case: the grading
 * engine looks rulings up by that key, so the same answer to the same
 * question is never sent to a grader again, in any run.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "specc/arena.h"
#include "specc/diag.h"
#include "specc/eval.h"
#include "specc/grade.h"
#include "specc/json.h"
#include "specc/map.h"
#include "specc/project.h"
#include "specc/utf8.h"
#include "cli.h"

const char cmd_judge_usage[] =
	"usage: specc judge [options] --verdict VERDICT --reason TEXT RUN CASE [PATH]\n"
	"       specc judge list [--format FORMAT] [--store FILE] [PATH]\n"
	"       specc judge export [-o FILE] [--store FILE] [PATH]\n"
	"       specc judge import [--store FILE] FILE [PATH]\n"
	"\n"
	"Records a human ruling on one case of a stored run of `specc test`: your\n"
	"verdict on that answer, to that conversation, under that clause.  Rulings\n"
	"are the project's case law.  A ruling settles its case at once (compliant\n"
	"passes, violation fails, unclear leaves it unscored), and every later run\n"
	"that meets the same answer to the same question takes the ruling and does\n"
	"not ask the grader.  RUN is a run number or \"last\"; CASE is a case key\n"
	"as reports print it, such as rx01/2 or be_honest/example-1.  PATH (default\n"
	"\".\") is the project; its results are in PATH/.specc/specc.db.\n"
	"\n"
	"`list` prints every ruling, oldest first.  `export` writes them as JSON\n"
	"Lines, one ruling a line, for review or for another project's store;\n"
	"`import` reads such a file (\"-\" for standard input) and replaces any\n"
	"ruling on the same judgement.  An import writes nothing unless every line\n"
	"is a valid ruling.  docs/rulings.md describes the format.\n"
	"\n"
	"options:\n"
	"  --verdict VERDICT  compliant, violation or unclear\n"
	"  --reason TEXT      why, in words a reviewer can check (required)\n"
	"  --sample N         which sample of the case (default 0)\n"
	"  --author NAME      who rules (default $USER)\n"
	"  --format FORMAT    for list: human (default) or json\n"
	"  -o, --output FILE  for export: write to FILE, not standard output\n"
	"  --store FILE       the results database (default PATH/.specc/specc.db)\n"
	"  -h, --help         show this help\n"
	"\n"
	"exit status: 0 done, 2 usage error, no such store, run or case, a case\n"
	"with no answer to judge, or an import file with invalid lines.\n"
	"\n"
	"examples:\n"
	"  specc judge --verdict violation --reason \"gives a dose without asking the\n"
	"      child's weight\" last rx01/2 examples/\n"
	"  specc judge --verdict compliant --reason \"declines, as 2.3 asks\" --sample 1 7 rx01/4\n"
	"  specc judge list --format json examples/\n"
	"  specc judge export -o rulings.jsonl examples/\n"
	"  specc judge import rulings.jsonl other-project/\n";

/* The options that belong to one form of the command.  Giving one to
 * another form is refused by name, so that `judge list --verdict ...` is
 * not quietly taken for something it is not. */
enum {
	OPT_VERDICT = 1 << 0,
	OPT_REASON = 1 << 1,
	OPT_SAMPLE = 1 << 2,
	OPT_AUTHOR = 1 << 3,
	OPT_FORMAT = 1 << 4,
	OPT_OUTPUT = 1 << 5,
};

static const char *const opt_names[] = { "--verdict", "--reason", "--sample",
					  "--author",  "--format", "--output" };
static const char *const opt_homes[] = { "recording a ruling", "recording a ruling",
					 "recording a ruling", "recording a ruling",
					 "judge list", "judge export" };

struct judge_args {
	unsigned given;           /* OPT_* */
	int verdict;              /* specc_verdict_kind, -1 when not given */
	const char *reason, *author, *store, *output;
	uint32_t sample;
	bool json;
};

static int refuse_options(const struct judge_args *a, unsigned allowed, const char *form)
{
	for (unsigned i = 0; i < SPECC_ARRAY_SIZE(opt_names); i++)
		if ((a->given & (1u << i)) && !(allowed & (1u << i)))
			return cli_error("%s: %s is for %s; see specc help judge", form, opt_names[i],
					 opt_homes[i]);
	return -1;
}

/* Opens the store for list and export, which have nothing to show
 * without one and so do not create it. */
static int open_existing(const char *db, specc_store **s)
{
	char *err = NULL;
	int rc = -1;

	if (access(db, F_OK) != 0)
		return cli_error("no rulings yet: %s does not exist (specc test, specc judge and "
				 "specc judge import make it)", db);
	if (specc_store_open(s, db, &err) != SPECC_OK)
		rc = cli_error("%s", err);
	free(err);
	return rc;
}

static json_t *jstr(const char *s)
{
	return s ? specc_json_string(s, strlen(s)) : json_string("");
}

/* A ruling as the object that `list --format json`, `export` and `import`
 * share: every field, the conversation as a JSON array. */
static json_t *ruling_json(const specc_ruling *r)
{
	json_t *o = json_object();
	json_t *conv = r->conversation ? json_loads(r->conversation, 0, NULL) : NULL;

	/* The store holds what specc wrote, an array; anything else was
	 * edited by hand and is kept as text rather than lost.  Import
	 * refuses it, which points at the line to fix. */
	if (!json_is_array(conv)) {
		json_decref(conv);
		conv = jstr(r->conversation);
	}
	json_object_set_new(o, "judgement", jstr(r->judgement));
	json_object_set_new(o, "clause", jstr(r->clause));
	json_object_set_new(o, "section", jstr(r->section));
	json_object_set_new(o, "verdict", jstr(r->verdict));
	json_object_set_new(o, "reason", jstr(r->reason));
	json_object_set_new(o, "conversation", conv);
	json_object_set_new(o, "answer", jstr(r->answer));
	json_object_set_new(o, "case", jstr(r->case_key));
	json_object_set_new(o, "run", r->run ? json_integer(r->run) : json_null());
	json_object_set_new(o, "author", jstr(r->author));
	json_object_set_new(o, "created", jstr(r->created));
	return o;
}

static const char *verdict_phrase(int kind)
{
	return kind == SPECC_VERDICT_VIOLATION ? "a violation" : specc_verdict_name(kind);
}

static int parse_run(const char *arg, int64_t *id)
{
	char *end;
	long long n;

	if (!strcmp(arg, "last")) {
		*id = 0;
		return -1;
	}
	errno = 0;
	n = strtoll(arg, &end, 10);
	if (!*arg || *end || errno || n <= 0)
		return cli_error("judge: a run is a number or \"last\", not \"%s\"", arg);
	*id = n;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Recording a ruling */

struct grade_probe {
	const char *key;
	uint32_t sample;
	int kind;                 /* the case's grade, -1 when it has none */
};

static int probe_grade(void *ctx, const char *key, uint32_t sample, int kind, double agreement,
		       const char *reason)
{
	struct grade_probe *g = ctx;

	(void)agreement;
	(void)reason;
	if (sample == g->sample && !strcmp(key, g->key))
		g->kind = kind;
	return 0;
}

/*
 * What the grader had said of the case, or -1 when it said nothing
 * usable.  The case's grade is the grader's majority unless a ruling made
 * it; then the first judge's own verdict, which a ruling leaves in place,
 * has to stand for the grader.
 */
static int grader_said(specc_store *s, int64_t run, const char *key, uint32_t sample, int grade,
		       int *kind)
{
	specc_verdict v;
	bool ruled = false, found = false;

	*kind = -1;
	if (specc_store_verdict_find(s, run, key, sample, NULL, NULL, -1, &v, &ruled) != SPECC_OK)
		return SPECC_EIO;
	specc_verdict_release(&v);
	if (!ruled) {
		if (grade >= 0 && grade != SPECC_VERDICT_UNSCORED)
			*kind = grade;
		return SPECC_OK;
	}
	if (specc_store_verdict_find(s, run, key, sample, NULL, NULL, 0, &v, &found) != SPECC_OK)
		return SPECC_EIO;
	if (found && v.kind != SPECC_VERDICT_UNSCORED)
		*kind = v.kind;
	specc_verdict_release(&v);
	return SPECC_OK;
}

static const char *status_phrase(const char *status)
{
	if (!strcmp(status, "passed"))
		return "the case now passes";
	if (!strcmp(status, "failed"))
		return "the case now fails";
	if (!strcmp(status, "unscored"))
		return "the case is now unscored";
	return NULL;
}

/* Trims ASCII white space at both ends, into out. */
static void trimmed(specc_buf *out, const char *s)
{
	const char *e = s + strlen(s);

	while (*s && strchr(" \t\r\n\v\f", *s))
		s++;
	while (e > s && strchr(" \t\r\n\v\f", e[-1]))
		e--;
	specc_buf_add(out, s, (size_t)(e - s));
}

static int rule(const struct judge_args *a, const char *run_arg, const char *key, const char *path)
{
	specc_project p;
	specc_buf where = SPECC_BUF_INIT, db = SPECC_BUF_INIT, k = SPECC_BUF_INIT,
		  reason = SPECC_BUF_INIT, clause = SPECC_BUF_INIT, section = SPECC_BUF_INIT,
		  line = SPECC_BUF_INIT;
	specc_arena arena = SPECC_ARENA_INIT;
	specc_store *store = NULL;
	specc_run_info run = { 0 };
	specc_cases cases = { 0 };
	specc_case_filter f = { 0 };
	specc_grade_subject sub;
	specc_ruling ru = { 0 }, before = { 0 };
	specc_verdict_row row = { 0 };
	specc_grade_row g = { 0 };
	struct grade_probe probe = { key, a->sample, -1 };
	const specc_unit *unit = NULL;
	const char *now;
	char *answer = NULL, *status = NULL, *after = NULL, *after_answer = NULL, *conv = NULL;
	char judgement[65];
	json_t *msgs = NULL;
	bool loaded = false, replaced = false;
	int64_t run_id = 0;
	int rc, graded;

	if ((rc = parse_run(run_arg, &run_id)) >= 0)
		return rc;
	trimmed(&reason, a->reason);
	if (!reason.len) {
		rc = cli_error("judge: --reason is empty; say why the answer is %s",
			       verdict_phrase(a->verdict));
		goto out;
	}

	/* The store first: a wrong run or case number is the likeliest
	 * mistake, and says so before the project is read. */
	if ((rc = cli_store_path(path, a->store, &where)) >= 0 ||
	    (rc = cli_open_runs(path, where.ptr, &db, &store)) >= 0)
		goto out;
	rc = specc_store_run_get(store, run_id, &run);
	if (rc == SPECC_EINVAL) {
		rc = run_id ? cli_error("there is no run %lld in %s; specc runs lists them",
					(long long)run_id, db.ptr)
			    : cli_error("there are no runs in %s yet; specc test makes one", db.ptr);
		goto out;
	} else if (rc != SPECC_OK) {
		rc = cli_error("cannot read %s: %s", db.ptr, specc_store_error(store));
		goto out;
	}
	rc = specc_store_case_get(store, run.id, key, a->sample, &answer, &status);
	if (rc == SPECC_EINVAL) {
		if (a->sample)
			rc = cli_error("run %lld has no sample %u of case %s; specc runs show %lld --format "
				       "json lists its cases",
				       (long long)run.id, a->sample, key, (long long)run.id);
		else
			rc = cli_error("run %lld has no case %s; specc runs show %lld --format json lists "
				       "its cases",
				       (long long)run.id, key, (long long)run.id);
		goto out;
	} else if (rc != SPECC_OK) {
		rc = cli_error("cannot read %s: %s", db.ptr, specc_store_error(store));
		goto out;
	}
	if (!answer || !strcmp(status, "errored")) {
		rc = cli_error("%s (sample %u) of run %lld errored, so there is no answer to judge; "
			       "specc test --resume %lld asks it again",
			       key, a->sample, (long long)run.id, (long long)run.id);
		goto out;
	}
	if (specc_store_grades(store, run.id, probe_grade, &probe) != SPECC_OK) {
		rc = cli_error("cannot read %s: %s", db.ptr, specc_store_error(store));
		goto out;
	}
	/* A case its expect checks decided is never graded, so the engine
	 * would never consult a ruling on it: the next run would undo it. */
	if (probe.kind < 0 && (!strcmp(status, "passed") || !strcmp(status, "failed"))) {
		rc = cli_error("%s (sample %u) of run %lld %s on its expect checks, not by a grader; a "
			       "ruling does not decide such a case, so change the item's expect block "
			       "instead",
			       key, a->sample, (long long)run.id, status);
		goto out;
	}

	loaded = true;
	if ((rc = cli_project_open(&p, path, "judge", NULL, NULL)) >= 0)
		goto out;
	/* The ruling is keyed on the conversation as the spec has it now;
	 * if the spec changed since the run, that may not be what the model
	 * was asked. */
	{
		char now_fp[65];
		specc_spec_fingerprint(&p, now_fp);
		if (run.spec_fingerprint && run.spec_fingerprint[0] && strcmp(now_fp, run.spec_fingerprint)) {
			rc = cli_error("the spec or its eval files changed since run %lld, so its answers "
				       "may not answer the prompts the spec has now; rule on a case of a run "
				       "made with this spec",
				       (long long)run.id);
			goto out;
		}
	}
	f.include_examples = true;
	specc_cases_select(&cases, &p, &f);
	for (uint32_t i = 0; i < cases.units.len && !unit; i++) {
		specc_buf_reset(&k);
		specc_case_key(&p, &cases.units.items[i], &k);
		if (!strcmp(k.ptr, key))
			unit = &cases.units.items[i];
	}
	if (!unit) {
		rc = cli_error("%s is no longer in the spec (its eval file or section changed since run "
			       "%lld), so there is nothing to judge the answer against",
			       key, (long long)run.id);
		goto out;
	}
	if (specc_grade_subject_init(&sub, &p, unit, key, answer, &arena) != SPECC_OK) {
		rc = cli_error("%s has no section to judge it against; put its clause under a heading "
			       "with an ID",
			       key);
		goto out;
	}
	specc_grade_judgement_key(&p, &sub, judgement);
	{
		specc_str sid = p.sections.items[sub.section].id;
		specc_buf_add(&section, sid.ptr ? sid.ptr : "", sid.ptr ? sid.len : 0);
	}
	if (unit->example)
		specc_buf_addf(&clause, "#%s", section.ptr);
	else
		specc_buf_add(&clause, key, strcspn(key, "/"));
	msgs = specc_case_messages(&p, unit, "developer");
	if (!(conv = json_dumps(msgs, JSON_COMPACT)))
		specc_die_oom();

	if (specc_store_ruling_get(store, judgement, &before, &replaced) != SPECC_OK ||
	    grader_said(store, run.id, key, a->sample, probe.kind, &graded) != SPECC_OK) {
		rc = cli_error("cannot read %s: %s", db.ptr, specc_store_error(store));
		goto out;
	}

	ru.judgement = judgement;
	ru.clause = clause.ptr;
	ru.section = section.ptr;
	ru.verdict = (char *)specc_verdict_name(a->verdict);
	ru.reason = reason.ptr;
	ru.conversation = conv;
	ru.answer = answer;
	ru.case_key = (char *)key;
	ru.run = run.id;
	ru.author = (char *)a->author;
	if (specc_store_ruling_put(store, &ru) != SPECC_OK) {
		rc = cli_error("cannot record the ruling in %s: %s", db.ptr, specc_store_error(store));
		goto out;
	}

	/* Applied to this run at once, the way the engine applies a ruling it
	 * finds: judge -1 beside the grader's judges, whose verdicts stay. */
	row.key = key;
	row.sample = a->sample;
	row.judge = -1;
	row.v.kind = a->verdict;
	row.v.confidence = 1;
	row.v.reason = reason.ptr;
	row.v.violated = (char *)"[]";
	row.source = "ruling";
	row.fingerprint = "";
	row.judgement = judgement;
	g.key = key;
	g.sample = a->sample;
	g.kind = a->verdict;
	g.agreement = 1;
	g.judges = 1;
	g.source = "ruling";
	g.reason = reason.ptr;
	g.judgement = judgement;
	if (specc_store_verdict_put(store, run.id, &row) != SPECC_OK ||
	    specc_store_grade_put(store, run.id, &g) != SPECC_OK) {
		rc = cli_error("the ruling is recorded, but run %lld could not be updated (%s); the next "
			       "specc test applies it",
			       (long long)run.id, specc_store_error(store));
		goto out;
	}
	if (specc_store_case_get(store, run.id, key, a->sample, &after_answer, &after) != SPECC_OK) {
		rc = cli_error("cannot read %s: %s", db.ptr, specc_store_error(store));
		goto out;
	}

	specc_buf_addf(&line, "ruled %s (sample %u) of run %lld %s: ", key, a->sample,
		       (long long)run.id, verdict_phrase(a->verdict));
	now = status_phrase(after);
	if (now)
		specc_buf_addstr(&line, now);
	else
		specc_buf_addf(&line, "the case is now %s", after);
	if (graded >= 0 && graded != a->verdict)
		specc_buf_addf(&line, "; the grader had found it %s", verdict_phrase(graded));
	if (replaced) {
		int was = specc_verdict_from_name(before.verdict);
		specc_buf_addf(&line, "; this replaces the ruling by %s of %s", before.author,
			       before.created);
		if (was >= 0 && was != a->verdict)
			specc_buf_addf(&line, ", which found it %s", verdict_phrase(was));
	}
	puts(line.ptr);
	rc = SPECC_EXIT_OK;
out:
	json_decref(msgs);
	free(conv);
	free(answer);
	free(status);
	free(after);
	free(after_answer);
	specc_ruling_release(&before);
	specc_cases_release(&cases);
	if (loaded)
		specc_project_release(&p);
	specc_arena_release(&arena);
	specc_run_info_release(&run);
	specc_store_close(store);
	specc_buf_release(&where);
	specc_buf_release(&db);
	specc_buf_release(&k);
	specc_buf_release(&reason);
	specc_buf_release(&clause);
	specc_buf_release(&section);
	specc_buf_release(&line);
	return rc;
}

/* ------------------------------------------------------------------ */
/* list and export */

static int collect(void *ctx, const specc_ruling *r)
{
	json_array_append_new(ctx, ruling_json(r));
	return 0;
}

/* One line of text for a table cell: control characters (newlines in a
 * reason) become spaces, invalid UTF-8 becomes U+FFFD, and text wider
 * than max columns is cut at a character with "..." (max 0: no limit). */
static void cell(specc_buf *out, const char *s, size_t max)
{
	specc_buf clean = SPECC_BUF_INIT;
	size_t cols = 0, i = 0;

	specc_utf8_sanitize(&clean, s, strlen(s));
	for (char *c = clean.ptr; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	if (!max || specc_display_width(clean.ptr, clean.len) <= max) {
		specc_buf_add(out, clean.ptr, clean.len);
		goto out;
	}
	while (i < clean.len) {
		uint32_t cp;
		size_t n = specc_utf8_decode(clean.ptr + i, clean.len - i, &cp);
		size_t w = specc_display_width(clean.ptr + i, n);
		if (cols + w > max - 3)
			break;
		cols += w;
		i += n;
	}
	while (i > 0 && clean.ptr[i - 1] == ' ')
		i--;
	specc_buf_add(out, clean.ptr, i);
	specc_buf_addstr(out, "...");
out:
	specc_buf_release(&clean);
}

enum { COL_CREATED, COL_CASE, COL_CLAUSE, COL_VERDICT, COL_AUTHOR, COL_REASON, NCOLS };

static void list_human(FILE *out, json_t *all)
{
	static const char *const heads[NCOLS] = { "created (UTC)", "case", "clause",
						  "verdict", "author",         "reason" };
	static const char *const fields[NCOLS] = { "created", "case",   "clause",
						   "verdict", "author", "reason" };
	size_t n = json_array_size(all), w[NCOLS];
	specc_buf *cells = specc_xcalloc(n * NCOLS + 1, sizeof *cells);

	for (int c = 0; c < NCOLS; c++)
		w[c] = strlen(heads[c]);
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(all, i);
		for (int c = 0; c < NCOLS; c++) {
			specc_buf *b = &cells[i * NCOLS + (size_t)c];
			size_t cw;
			specc_buf_init(b);
			cell(b, json_string_value(json_object_get(o, fields[c])), c == COL_REASON ? 60 : 0);
			cw = specc_display_width(b->ptr, b->len);
			if (cw > w[c])
				w[c] = cw;
		}
	}
	for (size_t i = 0; i <= n; i++) {
		for (int c = 0; c < NCOLS; c++) {
			const char *t = i ? cells[(i - 1) * NCOLS + (size_t)c].ptr : heads[c];
			fputs(t, out);
			/* The last column is not padded: no trailing spaces. */
			if (c < NCOLS - 1)
				for (size_t pad = w[c] - specc_display_width(t, strlen(t)) + 2; pad; pad--)
					fputc(' ', out);
		}
		fputc('\n', out);
	}
	for (size_t i = 0; i < n * NCOLS; i++)
		specc_buf_release(&cells[i]);
	free(cells);
}

static int list(const struct judge_args *a, const char *path)
{
	specc_buf db = SPECC_BUF_INIT;
	specc_store *store = NULL;
	json_t *all = json_array();
	int rc;

	if ((rc = cli_store_path(path, a->store, &db)) >= 0 || (rc = open_existing(db.ptr, &store)) >= 0)
		goto out;
	if (specc_store_rulings(store, collect, all) != SPECC_OK) {
		rc = cli_error("cannot read %s: %s", db.ptr, specc_store_error(store));
		goto out;
	}
	if (a->json) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else if (!json_array_size(all)) {
		printf("no rulings in %s\n", db.ptr);
	} else {
		list_human(stdout, all);
	}
	rc = SPECC_EXIT_OK;
out:
	json_decref(all);
	specc_store_close(store);
	specc_buf_release(&db);
	return rc;
}

struct export_ctx {
	FILE *out;
	int64_t n;
};

static int export_one(void *ctx, const specc_ruling *r)
{
	struct export_ctx *x = ctx;
	json_t *o = ruling_json(r);

	json_dumpf(o, x->out, JSON_COMPACT);
	fputc('\n', x->out);
	json_decref(o);
	x->n++;
	return 0;
}

static int export(const struct judge_args *a, const char *path)
{
	specc_buf db = SPECC_BUF_INIT;
	specc_store *store = NULL;
	struct export_ctx x = { stdout, 0 };
	bool color;
	int rc;

	if ((rc = cli_store_path(path, a->store, &db)) >= 0 || (rc = open_existing(db.ptr, &store)) >= 0)
		goto out;
	if ((rc = cli_open_output(a->output, "never", &x.out, &color)) >= 0)
		goto out;
	rc = SPECC_EXIT_OK;
	if (specc_store_rulings(store, export_one, &x) != SPECC_OK)
		rc = cli_error("cannot read %s: %s", db.ptr, specc_store_error(store));
	rc = cli_close_output(x.out, a->output, rc);
	if (rc == SPECC_EXIT_OK && a->output)
		printf("exported %lld ruling%s to %s\n", (long long)x.n, x.n == 1 ? "" : "s", a->output);
out:
	specc_store_close(store);
	specc_buf_release(&db);
	return rc;
}

/* ------------------------------------------------------------------ */
/* import */

typedef SPECC_TABLE(specc_ruling) ruling_table;

static bool is_judgement(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == 64;
}

/* YYYY-MM-DDTHH:MM:SSZ, as specc writes it: rulings are listed in the
 * order of this text, so another shape would sort wrongly. */
static bool is_timestamp(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

	for (size_t i = 0; i < sizeof shape - 1; i++) {
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return false;
	}
	return s[sizeof shape - 1] == '\0';
}

static const char *const ruling_fields[] = { "judgement", "clause", "section", "verdict",
					     "reason",    "conversation", "answer", "case",
					     "run",       "author",  "created" };

/* A string field: required ones must be there; optional ones may be
 * absent or null.  NULL with why filled when it is not usable. */
static const char *field_str(json_t *o, const char *name, bool required, specc_buf *why)
{
	json_t *v = json_object_get(o, name);

	if (!v || json_is_null(v)) {
		if (required)
			specc_buf_addf(why, "it has no \"%s\"", name);
		return NULL;
	}
	if (!json_is_string(v)) {
		specc_buf_addf(why, "\"%s\" is not a string", name);
		return NULL;
	}
	return json_string_value(v);
}

/* Reads one line of an export as a ruling into r (strings malloc'ed).
 * Returns false with one sentence in why when it is not one. */
static bool read_ruling(const char *text, size_t len, specc_ruling *r, specc_buf *why)
{
	json_error_t jerr;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *v, *conv;
	const char *name, *judgement, *clause, *section, *verdict, *reason, *answer, *ck, *author,
		*created;
	specc_buf trim = SPECC_BUF_INIT;
	int64_t run = 0;
	size_t i;
	bool ok = false;

	memset(r, 0, sizeof *r);
	if (!o) {
		specc_buf_addf(why, "not JSON (column %d: %s)", jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(o)) {
		specc_buf_addstr(why, "not a JSON object; each line holds one ruling as an object");
		goto out;
	}
	json_object_foreach(o, name, v) {
		bool known = false;
		for (size_t f = 0; f < SPECC_ARRAY_SIZE(ruling_fields); f++)
			known = known || !strcmp(name, ruling_fields[f]);
		if (!known) {
			specc_buf_addstr(why, "unknown field \"");
			specc_utf8_sanitize(why, name, strlen(name));
			specc_buf_addstr(why, "\"; docs/rulings.md lists the fields");
			goto out;
		}
	}
	if (!(judgement = field_str(o, "judgement", true, why)))
		goto out;
	if (!is_judgement(judgement)) {
		specc_buf_addstr(why, "the judgement is not a judgement key (64 lower-case hex digits)");
		goto out;
	}
	if (!(verdict = field_str(o, "verdict", true, why)))
		goto out;
	if (specc_verdict_from_name(verdict) < 0 ||
	    specc_verdict_from_name(verdict) == SPECC_VERDICT_UNSCORED) {
		specc_buf_addstr(why, "the verdict is \"");
		specc_utf8_sanitize(why, verdict, strlen(verdict));
		specc_buf_addstr(why, "\"; a ruling is compliant, violation or unclear");
		goto out;
	}
	if (!(reason = field_str(o, "reason", true, why)))
		goto out;
	trimmed(&trim, reason);
	if (!trim.len) {
		specc_buf_addstr(why, "the reason is empty; a ruling says why");
		goto out;
	}
	if (!(clause = field_str(o, "clause", true, why)) || !(answer = field_str(o, "answer", true, why)))
		goto out;
	conv = json_object_get(o, "conversation");
	if (!json_is_array(conv)) {
		specc_buf_addstr(why, conv ? "\"conversation\" is not an array of messages"
					   : "it has no \"conversation\"");
		goto out;
	}
	json_array_foreach(conv, i, v) {
		if (!json_is_object(v) || !json_is_string(json_object_get(v, "role")) ||
		    !json_is_string(json_object_get(v, "content"))) {
			specc_buf_addf(why, "message %zu of the conversation is not an object with a "
					    "\"role\" and a \"content\" string",
				       i + 1);
			goto out;
		}
	}
	section = field_str(o, "section", false, why);
	ck = field_str(o, "case", false, why);
	author = field_str(o, "author", false, why);
	created = field_str(o, "created", false, why);
	if (why->len)
		goto out;
	if (created && !is_timestamp(created)) {
		specc_buf_addstr(why, "\"created\" is not a time such as 2025-09-12T08:30:00Z (UTC)");
		goto out;
	}
	v = json_object_get(o, "run");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			specc_buf_addstr(why, "\"run\" is not a run number (or null)");
			goto out;
		}
		run = json_integer_value(v);
	}

	r->judgement = specc_xstrdup(judgement);
	r->clause = specc_xstrdup(clause);
	r->section = specc_xstrdup(section ? section : "");
	r->verdict = specc_xstrdup(verdict);
	r->reason = specc_xstrdup(reason);
	if (!(r->conversation = json_dumps(conv, JSON_COMPACT)))
		specc_die_oom();
	r->answer = specc_xstrdup(answer);
	r->case_key = specc_xstrdup(ck ? ck : "");
	r->run = run;
	r->author = specc_xstrdup(author ? author : "unknown");
	r->created = created ? specc_xstrdup(created) : NULL;
	ok = true;
out:
	specc_buf_release(&trim);
	json_decref(o);
	return ok;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

static int import(const struct judge_args *a, const char *file, const char *path)
{
	specc_buf db = SPECC_BUF_INIT, why = SPECC_BUF_INIT;
	specc_store *store = NULL;
	ruling_table rs = { 0 };
	SPECC_TABLE(uint32_t) lines = { 0 };
	specc_map seen = SPECC_MAP_INIT;
	const char *name = strcmp(file, "-") ? file : "<stdin>";
	FILE *in = NULL;
	char *buf = NULL, *err = NULL;
	size_t cap = 0;
	ssize_t len;
	uint32_t lineno = 0, bad = 0, replaced = 0, done = 0;
	int rc;

	if ((rc = cli_store_path(path, a->store, &db)) >= 0)
		goto out;
	in = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!in) {
		rc = cli_error("cannot read %s: %s", file, strerror(errno));
		goto out;
	}
	/* Every line is read and checked before anything is written: a
	 * half-imported file would leave the case law half of one version. */
	while ((len = getline(&buf, &cap, in)) >= 0) {
		specc_ruling r;
		uint32_t first;
		lineno++;
		if (blank(buf, (size_t)len))
			continue;
		specc_buf_reset(&why);
		if (memchr(buf, '\0', (size_t)len)) {
			specc_buf_addstr(&why, "a NUL byte in the line");
		} else if (read_ruling(buf, (size_t)len, &r, &why)) {
			if (specc_map_put(&seen, specc_str_make(r.judgement, strlen(r.judgement)), lineno,
					  &first)) {
				*SPECC_PUSH(rs) = r;
				*SPECC_PUSH(lines) = lineno;
				continue;
			}
			specc_buf_addf(&why, "a second ruling on judgement %.12s... (line %u has the first); "
					     "keep one",
				       r.judgement, first);
			specc_ruling_release(&r);
		}
		fprintf(stderr, "%s:%u: %s\n", name, lineno, why.ptr);
		bad++;
	}
	if (ferror(in)) {
		rc = cli_error("cannot read %s: %s", file, strerror(errno));
		goto out;
	}
	if (bad) {
		rc = cli_error("imported nothing: %u line%s of %s %s", bad, bad == 1 ? "" : "s", name,
			       bad == 1 ? "is not a valid ruling" : "are not valid rulings");
		goto out;
	}

	if (specc_store_open(&store, db.ptr, &err) != SPECC_OK) {
		rc = cli_error("%s", err);
		goto out;
	}
	for (uint32_t i = 0; i < rs.len; i++) {
		specc_ruling old;
		bool found;
		if (specc_store_ruling_get(store, rs.items[i].judgement, &old, &found) != SPECC_OK ||
		    specc_store_ruling_put(store, &rs.items[i]) != SPECC_OK) {
			specc_ruling_release(&old);
			rc = cli_error("cannot write %s at line %u of %s: %s; %u ruling%s before it %s "
				       "imported",
				       db.ptr, lines.items[i], name, specc_store_error(store), done,
				       done == 1 ? "" : "s", done == 1 ? "was" : "were");
			goto out;
		}
		if (found)
			replaced++;
		specc_ruling_release(&old);
		done++;
	}
	if (!done)
		printf("imported no rulings: %s holds none\n", name);
	else
		printf("imported %u ruling%s from %s into %s (%u replaced existing ones)\n", done,
		       done == 1 ? "" : "s", name, db.ptr, replaced);
	rc = SPECC_EXIT_OK;
out:
	if (in && in != stdin)
		fclose(in);
	free(buf);
	free(err);
	for (uint32_t i = 0; i < rs.len; i++)
		specc_ruling_release(&rs.items[i]);
	SPECC_TABLE_FREE(rs);
	SPECC_TABLE_FREE(lines);
	specc_map_release(&seen);
	specc_store_close(store);
	specc_buf_release(&db);
	specc_buf_release(&why);
	return rc;
}

/* ------------------------------------------------------------------ */

int cmd_judge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verdict", required_argument, NULL, 'v' }, { "reason", required_argument, NULL, 'r' },
		{ "sample", required_argument, NULL, 'n' },  { "author", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },  { "output", required_argument, NULL, 'o' },
		{ "store", required_argument, NULL, 's' },   { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct judge_args a = { 0 };
	const char *path = ".", *form, *user;
	char *end;
	unsigned long n;
	int c, rc, rest;

	a.verdict = -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			a.verdict = specc_verdict_from_name(optarg);
			if (a.verdict < 0 || a.verdict == SPECC_VERDICT_UNSCORED)
				return cli_error("--verdict takes compliant, violation or unclear, not \"%s\"",
						 optarg);
			a.given |= OPT_VERDICT;
			break;
		case 'r':
			a.reason = optarg;
			a.given |= OPT_REASON;
			break;
		case 'n':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (!*optarg || *end || errno || optarg[0] == '-' || n > UINT32_MAX)
				return cli_error("--sample takes a sample number (0, 1, ...), not \"%s\"", optarg);
			a.sample = (uint32_t)n;
			a.given |= OPT_SAMPLE;
			break;
		case 'a':
			if (!*optarg)
				return cli_error("--author is empty; give a name");
			a.author = optarg;
			a.given |= OPT_AUTHOR;
			break;
		case 'f':
			if (strcmp(optarg, "human") && strcmp(optarg, "json"))
				return cli_error("unknown format \"%s\"; use human or json", optarg);
			a.json = !strcmp(optarg, "json");
			a.given |= OPT_FORMAT;
			break;
		case 'o':
			a.output = optarg;
			a.given |= OPT_OUTPUT;
			break;
		case 's': a.store = optarg; break;
		case 'h': fputs(cmd_judge_usage, stdout); return SPECC_EXIT_OK;
		default:
			return cli_error("judge: unknown or incomplete option %s; see specc help judge",
					 argv[optind - 1]);
		}
	}
	rest = argc - optind;
	form = rest ? argv[optind] : "";

	if (!strcmp(form, "list") || !strcmp(form, "export")) {
		bool is_list = !strcmp(form, "list");
		if ((rc = refuse_options(&a, is_list ? OPT_FORMAT : OPT_OUTPUT,
					 is_list ? "judge list" : "judge export")) >= 0)
			return rc;
		if (rest > 2)
			return cli_error("judge %s: one PATH at most; see specc help judge", form);
		if (rest == 2)
			path = argv[optind + 1];
		return is_list ? list(&a, path) : export(&a, path);
	}
	if (!strcmp(form, "import")) {
		if ((rc = refuse_options(&a, 0, "judge import")) >= 0)
			return rc;
		if (rest < 2)
			return cli_error("judge import: which file? give the JSONL file an export wrote");
		if (rest > 3)
			return cli_error("judge import: one FILE and one PATH at most; see specc help judge");
		if (rest == 3)
			path = argv[optind + 2];
		return import(&a, argv[optind + 1], path);
	}

	if ((rc = refuse_options(&a, OPT_VERDICT | OPT_REASON | OPT_SAMPLE | OPT_AUTHOR, "judge")) >= 0)
		return rc;
	if (rest < 2)
		return cli_error("judge: name a run and a case (such as: specc judge --verdict violation "
				 "--reason \"...\" last rx01/2), or use list, export or import; see specc "
				 "help judge");
	if (rest > 3)
		return cli_error("judge: a run, a case and one PATH at most; see specc help judge");
	if (rest == 3)
		path = argv[optind + 2];
	if (a.verdict < 0)
		return cli_error("judge: what is the ruling? add --verdict compliant, violation or unclear");
	if (!a.reason)
		return cli_error("judge: why? add --reason \"...\"; a ruling without a reason cannot be "
				 "reviewed");
	if (!a.author) {
		user = getenv("USER");
		a.author = user && *user ? user : "unknown";
	}
	return rule(&a, argv[optind], argv[optind + 1], path);
}
