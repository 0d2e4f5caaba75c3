/*
 * report.c - the results of a run, read back from the store: a table per
 * clause for people, JSON, JUnit XML and SARIF for machines.
 *
 * Reading from the store, not from memory, is what makes a resumed run
 * report exactly what an uninterrupted one would.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "specc/json.h"
#include "specc/stats.h"
#include "internal.h"

struct clause_row {
	char *clause, *section, *file;
	int64_t line;
	int64_t passed, failed, errored, needs, unscored;
	/* With repeats: the items whose every sample was checked, and of
	 * them those with at least one pass and with all passes. */
	int64_t units, any_pass, all_pass;
};

typedef SPECC_TABLE(struct clause_row) clause_rows;

static char *dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return specc_xstrdup(t ? (const char *)t : "");
}

static int load_clauses(sqlite3 *db, int64_t run, clause_rows *rows,
			specc_test_totals *t)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (sqlite3_prepare_v2(db,
			       "SELECT clause, MIN(section), MIN(file), MIN(line),"
			       " SUM(status='passed'), SUM(status='failed'), SUM(status='errored'),"
			       " SUM(status='needs-grader'), SUM(status='unscored') FROM cases WHERE run=?1"
			       " GROUP BY clause ORDER BY MIN(file), MIN(line), clause",
			       -1, &st, NULL) != SQLITE_OK)
		return SPECC_EIO;
	sqlite3_bind_int64(st, 1, run);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct clause_row *c = SPECC_PUSH(*rows);
		c->clause = dup_col(st, 0);
		c->section = dup_col(st, 1);
		c->file = dup_col(st, 2);
		c->line = sqlite3_column_int64(st, 3);
		c->passed = sqlite3_column_int64(st, 4);
		c->failed = sqlite3_column_int64(st, 5);
		c->errored = sqlite3_column_int64(st, 6);
		c->needs = sqlite3_column_int64(st, 7);
		c->unscored = sqlite3_column_int64(st, 8);
		t->unscored += c->unscored;
		t->passed += c->passed;
		t->failed += c->failed;
		t->errored += c->errored;
		t->needs_grader += c->needs;
	}
	sqlite3_finalize(st);
	t->done = t->passed + t->failed + t->errored + t->needs_grader + t->unscored;
	if (step != SQLITE_DONE)
		return SPECC_EIO;
	/* Per item: how many of its samples were checked and passed. */
	if (sqlite3_prepare_v2(db,
			       "SELECT clause, SUM(status='passed'), SUM(status IN ('passed','failed')),"
			       " COUNT(*) FROM cases WHERE run=?1 GROUP BY clause, key",
			       -1, &st, NULL) != SQLITE_OK)
		return SPECC_EIO;
	sqlite3_bind_int64(st, 1, run);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *clause = (const char *)sqlite3_column_text(st, 0);
		int64_t passed = sqlite3_column_int64(st, 1), checked = sqlite3_column_int64(st, 2),
			all = sqlite3_column_int64(st, 3);
		for (uint32_t i = 0; clause && i < rows->len; i++) {
			struct clause_row *c = &rows->items[i];
			if (strcmp(c->clause, clause))
				continue;
			if (checked == all && all > 0) {
				c->units++;
				c->any_pass += passed > 0;
				c->all_pass += passed == checked;
			}
			break;
		}
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return SPECC_EIO;
	if (sqlite3_prepare_v2(db,
			       /* Tokens of cached answers were paid for by an
				* earlier run. */
			       "SELECT TOTAL(prompt_tokens * (1 - cached)), TOTAL(completion_tokens * (1 - cached)),"
			       " TOTAL(cached),"
			       " (SELECT COUNT(*) FROM errors WHERE run=?1) FROM cases WHERE run=?1",
			       -1, &st, NULL) != SQLITE_OK)
		return SPECC_EIO;
	sqlite3_bind_int64(st, 1, run);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		t->prompt_tokens = (int64_t)sqlite3_column_double(st, 0);
		t->completion_tokens = (int64_t)sqlite3_column_double(st, 1);
		t->cached = (int64_t)sqlite3_column_double(st, 2);
		t->retries = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? SPECC_OK : SPECC_EIO;
}

static void free_rows(clause_rows *rows)
{
	for (uint32_t i = 0; i < rows->len; i++) {
		free(rows->items[i].clause);
		free(rows->items[i].section);
		free(rows->items[i].file);
	}
	SPECC_TABLE_FREE(*rows);
}

/* Iterates over the cases of a run (only the failing and errored ones when
 * bad_only), with their checks joined into one string per case. */
static int prepare_cases(sqlite3 *db, int64_t run, bool bad_only, sqlite3_stmt **st)
{
	const char *sql =
		bad_only
			? "SELECT c.key, c.sample, c.clause, c.section, c.file, c.line, c.status, c.answer,"
			  " c.error, c.attempts, c.latency_ms, c.cached,"
			  " (SELECT group_concat(k.name || ': ' || k.message, '; ') FROM checks k"
			  "  WHERE k.run=c.run AND k.key=c.key AND k.sample=c.sample AND k.outcome='fail'),"
			  " g.verdict, g.source, g.agreement, g.reason"
			  " FROM cases c LEFT JOIN grades g ON g.run=c.run AND g.key=c.key AND g.sample=c.sample"
			  " WHERE c.run=?1 AND c.status IN ('failed','errored','unscored')"
			  " ORDER BY c.file, c.line, c.key, c.sample"
			: "SELECT c.key, c.sample, c.clause, c.section, c.file, c.line, c.status, c.answer,"
			  " c.error, c.attempts, c.latency_ms, c.cached,"
			  " (SELECT group_concat(k.name || ': ' || k.message, '; ') FROM checks k"
			  "  WHERE k.run=c.run AND k.key=c.key AND k.sample=c.sample AND k.outcome='fail'),"
			  " g.verdict, g.source, g.agreement, g.reason"
			  " FROM cases c LEFT JOIN grades g ON g.run=c.run AND g.key=c.key AND g.sample=c.sample"
			  " WHERE c.run=?1 ORDER BY c.file, c.line, c.key, c.sample";
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return SPECC_EIO;
	sqlite3_bind_int64(*st, 1, run);
	return SPECC_OK;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : NULL;
}

/* A stored path (relative to the project) as the user sees it: under
 * the project folder as they named it.  The result lives in b. */
static const char *shown(specc_buf *b, const char *root, const char *file)
{
	specc_buf_reset(b);
	if (root && root[0] && strcmp(root, ".") && file && file[0] != '/')
		specc_buf_addf(b, "%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/");
	specc_buf_addstr(b, file ? file : "");
	return b->ptr;
}

static void rate(char out[16], int64_t passed, int64_t failed)
{
	if (passed + failed == 0)
		snprintf(out, 16, "-");
	else
		snprintf(out, 16, "%.1f%%", 100.0 * (double)passed / (double)(passed + failed));
}

/* How a failing or unscored case's verdict reads in the failures list. */
static const char *verdict_phrase(const char *verdict, bool ruling)
{
	if (!strcmp(verdict, "violation"))
		return ruling ? "ruled a violation" : "the grader found a violation";
	if (!strcmp(verdict, "unclear"))
		return ruling ? "ruled unclear" : "the grader found it unclear";
	if (!strcmp(verdict, "compliant"))
		return ruling ? "ruled compliant" : "the grader found it compliant";
	return "no judge gave a usable verdict";
}

/* The 95% Wilson interval of a pass rate, as "[lo-hi%]". */
static void interval(char out[24], int64_t passed, int64_t failed)
{
	double lo, hi;
	if (passed + failed == 0) {
		snprintf(out, 24, "-");
		return;
	}
	specc_wilson(passed, passed + failed, 1.959964, &lo, &hi);
	snprintf(out, 24, "[%.0f-%.0f%%]", 100 * lo, 100 * hi);
}

static int64_t repeat_of(const specc_run_info *run)
{
	json_t *o = json_loads(run->options ? run->options : "{}", 0, NULL);
	int64_t k = json_integer_value(json_object_get(o, "repeat"));
	json_decref(o);
	return k > 0 ? k : 1;
}

/* ------------------------------------------------------------------ */

static int write_human(sqlite3 *db, const specc_run_info *run, FILE *out, bool color,
		       const char *root, clause_rows *rows, const specc_test_totals *t)
{
	specc_buf path = SPECC_BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t wc = strlen("clause"), ws = strlen("section");
	char pr[16], ci[24];
	int step, n = 0;
	int64_t k = repeat_of(run);
	bool any_unscored = t->unscored > 0;
	const char *red = color ? "\033[31m" : "", *green = color ? "\033[32m" : "",
		   *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";

	for (uint32_t i = 0; i < rows->len; i++) {
		size_t a = strlen(rows->items[i].clause), b = strlen(rows->items[i].section);
		wc = a > wc ? a : wc;
		ws = b > ws ? b : ws;
	}
	if (wc > 40)
		wc = 40;
	if (ws > 40)
		ws = 40;
	fprintf(out, "%s%-*s  %-*s  %6s  %6s  %7s  %12s", bold, (int)wc, "clause", (int)ws, "section",
		"passed", "failed", "errored", "needs grader");
	if (any_unscored)
		fprintf(out, "  %8s", "unscored");
	/* The last column is not padded: no trailing blanks. */
	fprintf(out, k > 1 ? "  %9s  %-10s" : "  %9s  %s", "pass rate", "95% CI");
	if (k > 1)
		fprintf(out, "  %7s  %7s", "pass@k", "pass^k");
	fprintf(out, "%s\n", off);
	for (uint32_t i = 0; i < rows->len; i++) {
		const struct clause_row *c = &rows->items[i];
		rate(pr, c->passed, c->failed);
		interval(ci, c->passed, c->failed);
		fprintf(out, "%-*.*s  %-*.*s  %6lld  %s%6lld%s  %s%7lld%s  %12lld", (int)wc, (int)wc,
			c->clause, (int)ws, (int)ws, c->section, (long long)c->passed, c->failed ? red : "",
			(long long)c->failed, c->failed ? off : "", c->errored ? red : "",
			(long long)c->errored, c->errored ? off : "", (long long)c->needs);
		if (any_unscored)
			fprintf(out, "  %8lld", (long long)c->unscored);
		fprintf(out, k > 1 ? "  %9s  %-10s" : "  %9s  %s", pr, ci);
		if (k > 1) {
			if (c->units)
				fprintf(out, "  %6.1f%%  %6.1f%%", 100.0 * (double)c->any_pass / (double)c->units,
					100.0 * (double)c->all_pass / (double)c->units);
			else
				fprintf(out, "  %7s  %7s", "-", "-");
		}
		fputc('\n', out);
	}
	if (prepare_cases(db, run->id, true, &st) != SPECC_OK) {
		specc_buf_release(&path);
		return SPECC_EIO;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *status = col(st, 6);
		bool errored = !strcmp(status, "errored"), unscored = !strcmp(status, "unscored");
		if (n++ == 0)
			fprintf(out, "\n%sfailures:%s\n", bold, off);
		fprintf(out, "%s:%lld: %s%s%s %s", shown(&path, root, col(st, 4)),
			(long long)sqlite3_column_int64(st, 5), unscored ? "" : red, status,
			unscored ? "" : off, col(st, 0));
		if (sqlite3_column_int64(st, 1))
			fprintf(out, " (sample %lld)", (long long)sqlite3_column_int64(st, 1));
		if (errored)
			fprintf(out, ": %s\n", col(st, 8) ? col(st, 8) : "no answer");
		else if (col(st, 12))
			fprintf(out, ": %s\n", col(st, 12));
		else if (col(st, 13))
			fprintf(out, ": %s%s: %s\n", verdict_phrase(col(st, 13), !strcmp(col(st, 14), "ruling")),
				sqlite3_column_double(st, 15) < 1 ? " (the judges split)" : "",
				col(st, 16) ? col(st, 16) : "");
		else
			fprintf(out, ": a check failed\n");
	}
	sqlite3_finalize(st);
	rate(pr, t->passed, t->failed);
	interval(ci, t->passed, t->failed);
	fprintf(out, "\n%lld cases: %s%lld passed%s, %s%lld failed%s, %lld errored, %lld need a grader",
		(long long)t->done, t->failed ? "" : green, (long long)t->passed, t->failed ? "" : off,
		t->failed ? red : "", (long long)t->failed, t->failed ? off : "", (long long)t->errored,
		(long long)t->needs_grader);
	if (t->unscored)
		fprintf(out, ", %lld unscored", (long long)t->unscored);
	fprintf(out, "; pass rate %s%s%s (run %lld)\n", pr, t->passed + t->failed ? " " : "",
		t->passed + t->failed ? ci : "", (long long)run->id);
	/* What the run cost and how smoothly it went, when there is
	 * something to say. */
	if (t->prompt_tokens || t->completion_tokens || t->cached || t->retries) {
		const char *sep = "";
		if (t->prompt_tokens || t->completion_tokens) {
			fprintf(out, "%lld tokens (%lld in, %lld out)",
				(long long)(t->prompt_tokens + t->completion_tokens),
				(long long)t->prompt_tokens, (long long)t->completion_tokens);
			sep = "; ";
		}
		if (t->cached) {
			fprintf(out, "%s%lld answered from the cache", sep, (long long)t->cached);
			sep = "; ";
		}
		if (t->retries)
			fprintf(out, "%s%lld attempt%s failed (retried, or recorded as errors)", sep,
				(long long)t->retries, t->retries == 1 ? "" : "s");
		fputc('\n', out);
	}
	specc_buf_release(&path);
	return step == SQLITE_DONE ? SPECC_OK : SPECC_EIO;
}

static json_t *jstr(const char *s)
{
	return s ? specc_json_string(s, strlen(s)) : json_null();
}

/* Per section: the pass rate of its cases, with its 95% Wilson interval
 * (a section's clauses together, for the sections view of a gate). */
static json_t *sections_json(sqlite3 *db, int64_t run)
{
	json_t *arr = json_array();
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db,
			       "SELECT section, SUM(status='passed'), SUM(status='failed'), COUNT(*)"
			       " FROM cases WHERE run=?1 AND section<>'' GROUP BY section ORDER BY section",
			       -1, &st, NULL) != SQLITE_OK)
		return arr;
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t passed = sqlite3_column_int64(st, 1), failed = sqlite3_column_int64(st, 2);
		json_t *x = json_object();
		double lo, hi;
		json_object_set_new(x, "section", jstr(col(st, 0)));
		json_object_set_new(x, "cases", json_integer(sqlite3_column_int64(st, 3)));
		json_object_set_new(x, "passed", json_integer(passed));
		json_object_set_new(x, "failed", json_integer(failed));
		if (passed + failed) {
			specc_wilson(passed, passed + failed, 1.959964, &lo, &hi);
			json_object_set_new(x, "pass_rate", json_real((double)passed / (double)(passed + failed)));
			json_object_set_new(x, "wilson95", json_pack("[f, f]", lo, hi));
		} else {
			json_object_set_new(x, "pass_rate", json_null());
			json_object_set_new(x, "wilson95", json_null());
		}
		json_array_append_new(arr, x);
	}
	sqlite3_finalize(st);
	return arr;
}

static int write_json(sqlite3 *db, const specc_run_info *run, FILE *out, const char *root,
		      clause_rows *rows, const specc_test_totals *t)
{
	specc_buf path = SPECC_BUF_INIT;
	json_t *o = json_object(), *r = json_object(), *tot = json_object(), *cl = json_array(),
	       *cs = json_array();
	sqlite3_stmt *st = NULL;
	int step, rc;

	json_object_set_new(r, "id", json_integer(run->id));
	json_object_set_new(r, "created", jstr(run->created));
	json_object_set_new(r, "finished", jstr(run->finished));
	json_object_set_new(r, "status", jstr(run->status));
	json_object_set_new(r, "provider", jstr(run->provider));
	json_object_set_new(r, "model", jstr(run->model));
	json_object_set_new(r, "config_fingerprint", jstr(run->config_fingerprint));
	json_object_set_new(r, "spec_fingerprint", jstr(run->spec_fingerprint));
	json_object_set_new(r, "total", json_integer(run->total));
	json_object_set_new(o, "run", r);
	json_object_set_new(tot, "cases", json_integer(t->done));
	json_object_set_new(tot, "passed", json_integer(t->passed));
	json_object_set_new(tot, "failed", json_integer(t->failed));
	json_object_set_new(tot, "errored", json_integer(t->errored));
	json_object_set_new(tot, "needs_grader", json_integer(t->needs_grader));
	json_object_set_new(tot, "unscored", json_integer(t->unscored));
	json_object_set_new(tot, "cached", json_integer(t->cached));
	json_object_set_new(tot, "failed_attempts", json_integer(t->retries));
	json_object_set_new(tot, "prompt_tokens", json_integer(t->prompt_tokens));
	json_object_set_new(tot, "completion_tokens", json_integer(t->completion_tokens));
	json_object_set_new(tot, "pass_rate", t->passed + t->failed
						      ? json_real((double)t->passed / (double)(t->passed + t->failed))
						      : json_null());
	json_object_set_new(o, "totals", tot);
	for (uint32_t i = 0; i < rows->len; i++) {
		const struct clause_row *c = &rows->items[i];
		json_t *x = json_object();
		json_object_set_new(x, "clause", jstr(c->clause));
		json_object_set_new(x, "section", jstr(c->section));
		json_object_set_new(x, "passed", json_integer(c->passed));
		json_object_set_new(x, "failed", json_integer(c->failed));
		json_object_set_new(x, "errored", json_integer(c->errored));
		json_object_set_new(x, "needs_grader", json_integer(c->needs));
		json_object_set_new(x, "unscored", json_integer(c->unscored));
		json_object_set_new(x, "pass_rate",
				    c->passed + c->failed
					    ? json_real((double)c->passed / (double)(c->passed + c->failed))
					    : json_null());
		if (c->passed + c->failed) {
			double lo, hi;
			specc_wilson(c->passed, c->passed + c->failed, 1.959964, &lo, &hi);
			json_object_set_new(x, "wilson95", json_pack("[f, f]", lo, hi));
		} else {
			json_object_set_new(x, "wilson95", json_null());
		}
		if (repeat_of(run) > 1) {
			json_object_set_new(x, "k", json_integer(repeat_of(run)));
			json_object_set_new(x, "pass_at_k", c->units ? json_real((double)c->any_pass / (double)c->units)
								     : json_null());
			json_object_set_new(x, "pass_all_k", c->units ? json_real((double)c->all_pass / (double)c->units)
								      : json_null());
		}
		json_array_append_new(cl, x);
	}
	json_object_set_new(o, "clauses", cl);
	json_object_set_new(o, "sections", sections_json(db, run->id));
	if ((rc = prepare_cases(db, run->id, false, &st)) != SPECC_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *x = json_object();
		json_object_set_new(x, "key", jstr(col(st, 0)));
		json_object_set_new(x, "sample", json_integer(sqlite3_column_int64(st, 1)));
		json_object_set_new(x, "clause", jstr(col(st, 2)));
		json_object_set_new(x, "section", jstr(col(st, 3)));
		json_object_set_new(x, "file", jstr(shown(&path, root, col(st, 4))));
		json_object_set_new(x, "line", json_integer(sqlite3_column_int64(st, 5)));
		json_object_set_new(x, "status", jstr(col(st, 6)));
		json_object_set_new(x, "answer", jstr(col(st, 7)));
		json_object_set_new(x, "error", jstr(col(st, 8)));
		json_object_set_new(x, "failures", jstr(col(st, 12)));
		json_object_set_new(x, "verdict", jstr(col(st, 13)));
		json_object_set_new(x, "verdict_source", jstr(col(st, 14)));
		json_object_set_new(x, "agreement", col(st, 13) ? json_real(sqlite3_column_double(st, 15))
								: json_null());
		json_object_set_new(x, "verdict_reason", jstr(col(st, 16)));
		json_object_set_new(x, "attempts", json_integer(sqlite3_column_int64(st, 9)));
		json_object_set_new(x, "cached", json_boolean(sqlite3_column_int(st, 11)));
		json_array_append_new(cs, x);
	}
	sqlite3_finalize(st);
	rc = step == SQLITE_DONE ? SPECC_OK : SPECC_EIO;
	json_object_set_new(o, "cases", cs);
	cs = NULL;
	json_dumpf(o, out, JSON_INDENT(2));
	fputc('\n', out);
out:
	json_decref(cs);
	json_decref(o);
	specc_buf_release(&path);
	return rc;
}

static void xml_escape(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\n': fputs("&#10;", out); break;
		case '\t': fputs("&#9;", out); break;
		case '\r': fputs("&#13;", out); break;
		default:
			/* XML 1.0 cannot hold other control characters at all. */
			if (c < 0x20)
				fputc('?', out);
			else
				fputc(c, out);
		}
	}
}

static int write_junit(sqlite3 *db, const specc_run_info *run, FILE *out, const char *root,
		       clause_rows *rows, const specc_test_totals *t)
{
	specc_buf path = SPECC_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int step;
	const char *open_clause = NULL;
	char *cur = NULL;

	(void)rows;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites name=\"specc run %lld\" tests=\"%lld\" failures=\"%lld\" errors=\"%lld\" skipped=\"%lld\">\n",
		(long long)run->id, (long long)t->done, (long long)t->failed, (long long)t->errored,
		(long long)t->needs_grader);
	if (prepare_cases(db, run->id, false, &st) != SPECC_OK)
		return SPECC_EIO;
	/* Cases come sorted by file and line, so one clause's cases are
	 * together unless a clause has items in several files. */
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *clause = col(st, 2), *status = col(st, 6);
		if (!cur || strcmp(cur, clause)) {
			if (cur)
				fputs("  </testsuite>\n", out);
			free(cur);
			cur = specc_xstrdup(clause);
			open_clause = cur;
			fputs("  <testsuite name=\"", out);
			xml_escape(out, open_clause);
			fputs("\">\n", out);
		}
		fputs("    <testcase classname=\"", out);
		xml_escape(out, col(st, 3) && *col(st, 3) ? col(st, 3) : clause);
		fputs("\" name=\"", out);
		xml_escape(out, col(st, 0));
		if (sqlite3_column_int64(st, 1))
			fprintf(out, " sample %lld", (long long)sqlite3_column_int64(st, 1));
		fputs("\" file=\"", out);
		xml_escape(out, shown(&path, root, col(st, 4)));
		fprintf(out, "\" line=\"%lld\" time=\"%.3f\"", (long long)sqlite3_column_int64(st, 5),
			(double)sqlite3_column_int64(st, 10) / 1000.0);
		if (!strcmp(status, "passed")) {
			fputs("/>\n", out);
			continue;
		}
		fputs(">\n", out);
		if (!strcmp(status, "failed")) {
			fputs("      <failure message=\"", out);
			if (col(st, 12)) {
				xml_escape(out, col(st, 12));
			} else if (col(st, 13)) {
				/* Failed through the grader or a ruling: its reason. */
				xml_escape(out, verdict_phrase(col(st, 13), !strcmp(col(st, 14), "ruling")));
				fputs(": ", out);
				xml_escape(out, col(st, 16));
			}
			fputs("\">", out);
			xml_escape(out, col(st, 7));
			fputs("</failure>\n", out);
		} else if (!strcmp(status, "errored")) {
			fputs("      <error message=\"", out);
			xml_escape(out, col(st, 8));
			fputs("\"/>\n", out);
		} else if (!strcmp(status, "unscored")) {
			fputs("      <skipped message=\"unscored: the grader gave no usable verdict\"/>\n", out);
		} else {
			fputs("      <skipped message=\"needs a grader: no deterministic expectation decides it\"/>\n",
			      out);
		}
		fputs("    </testcase>\n", out);
	}
	sqlite3_finalize(st);
	if (cur)
		fputs("  </testsuite>\n", out);
	free(cur);
	fputs("</testsuites>\n", out);
	specc_buf_release(&path);
	return step == SQLITE_DONE ? SPECC_OK : SPECC_EIO;
}

/* Where a clause is written: the sentence that holds its eval anchor. */
static bool clause_span(const specc_project *p, const char *clause, specc_span *sp)
{
	if (!p)
		return false;
	if (clause[0] == '#') {
		uint32_t s = specc_map_get(&p->section_ids, specc_str_make(clause + 1, strlen(clause + 1)));
		if (s == SPECC_NONE)
			return false;
		*sp = p->sections.items[s].span;
		return true;
	}
	for (uint32_t a = 0; a < p->anchors.len; a++)
		if (specc_str_eqz(p->anchors.items[a].id, clause) && p->anchors.items[a].clause != SPECC_NONE) {
			*sp = p->clauses.items[p->anchors.items[a].clause].span;
			return true;
		}
	return false;
}

static int write_sarif(sqlite3 *db, const specc_run_info *run, FILE *out, const char *root,
		       const specc_project *p, clause_rows *rows)
{
	specc_buf path = SPECC_BUF_INIT;
	json_t *log = json_object(), *runs = json_array(), *r = json_object(), *tool = json_object(),
	       *driver = json_object(), *rules = json_array(), *results = json_array();
	sqlite3_stmt *st = NULL;

	json_object_set_new(log, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(log, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string("specc"));
	json_object_set_new(driver, "version", json_string("0.1.0"));
	json_array_append_new(rules, json_pack("{s:s, s:{s:s}, s:{s:s}}", "id", "clause-failed",
					       "shortDescription", "text",
					       "The model under test failed cases of this clause.",
					       "help", "text",
					       "Each failing case is listed with the check it failed; "
					       "specc runs show RUN has the answers."));
	json_array_append_new(rules, json_pack("{s:s, s:{s:s}}", "id", "clause-errored",
					       "shortDescription", "text",
					       "Cases of this clause got no answer from the provider."));
	json_object_set_new(driver, "rules", rules);
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(r, "tool", tool);

	for (uint32_t i = 0; i < rows->len; i++) {
		const struct clause_row *c = &rows->items[i];
		specc_buf msg = SPECC_BUF_INIT;
		json_t *res, *loc, *phys, *region;
		specc_span sp;
		const char *file = shown(&path, root, c->file);
		int64_t line = c->line, column = 1, end_line = 0, end_col = 0;
		int step;

		if (!c->failed && !c->errored)
			continue;
		if (c->failed)
			specc_buf_addf(&msg, "%lld of %lld cases of clause %s failed",
				       (long long)c->failed,
				       (long long)(c->passed + c->failed + c->errored + c->needs), c->clause);
		if (c->errored && c->failed)
			specc_buf_addf(&msg, " and %lld got no answer", (long long)c->errored);
		else if (c->errored)
			specc_buf_addf(&msg, "%lld case%s of clause %s got no answer", (long long)c->errored,
				       c->errored == 1 ? "" : "s", c->clause);
		/* The first failure says what went wrong. */
		if (sqlite3_prepare_v2(db,
				       "SELECT c.key, c.error, (SELECT group_concat(k.name || ': ' || k.message, '; ')"
				       " FROM checks k WHERE k.run=c.run AND k.key=c.key AND k.sample=c.sample"
				       " AND k.outcome='fail'), (SELECT g.source || ' ' || g.reason FROM grades g"
				       " WHERE g.run=c.run AND g.key=c.key AND g.sample=c.sample)"
				       " FROM cases c WHERE c.run=?1 AND c.clause=?2"
				       " AND c.status IN ('failed','errored') ORDER BY c.file, c.line, c.key LIMIT 1",
				       -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, run->id);
			sqlite3_bind_text(st, 2, c->clause, -1, SQLITE_STATIC);
			step = sqlite3_step(st);
			if (step == SQLITE_ROW && !col(st, 2) && col(st, 3)) {
				/* Failed through the grader or a ruling. */
				const char *g = col(st, 3);
				bool ruling = !strncmp(g, "ruling ", 7);
				specc_buf_addf(&msg, "; first: %s: %s: %s", col(st, 0),
					       verdict_phrase("violation", ruling), g + strcspn(g, " ") + 1);
			} else if (step == SQLITE_ROW) {
				specc_buf_addf(&msg, "; first: %s: %s", col(st, 0),
					       col(st, 2) ? col(st, 2) : col(st, 1) ? col(st, 1) : "no answer");
			}
			sqlite3_finalize(st);
		}
		if (clause_span(p, c->clause, &sp)) {
			specc_pos a, b;
			const specc_source *src = &p->sources.items[sp.file];
			specc_source_pos(src, sp.start, &a);
			specc_source_pos(src, sp.end, &b);
			file = src->path;
			line = a.line;
			column = a.utf16;
			end_line = b.line;
			end_col = b.utf16;
		}
		region = json_pack("{s:I, s:I}", "startLine", (json_int_t)line, "startColumn", (json_int_t)column);
		if (end_line) {
			json_object_set_new(region, "endLine", json_integer(end_line));
			json_object_set_new(region, "endColumn", json_integer(end_col));
		}
		phys = json_pack("{s:{s:o, s:s}, s:o}", "artifactLocation", "uri", specc_sarif_uri(file ? file : ""),
				 "uriBaseId", "SRCROOT", "region", region);
		loc = json_pack("{s:o}", "physicalLocation", phys);
		res = json_pack("{s:s, s:s, s:{s:o}, s:[o]}", "ruleId",
				c->failed ? "clause-failed" : "clause-errored", "level", "error", "message",
				"text", jstr(msg.ptr), "locations", loc);
		json_array_append_new(results, res);
		specc_buf_release(&msg);
	}
	json_object_set_new(r, "originalUriBaseIds",
			    json_pack("{s:{s:o}}", "SRCROOT", "uri", specc_sarif_srcroot()));
	json_object_set_new(r, "results", results);
	json_array_append_new(runs, r);
	json_object_set_new(log, "runs", runs);
	json_dumpf(log, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(log);
	specc_buf_release(&path);
	return SPECC_OK;
}

int specc_report_write(specc_store *s, const specc_run_info *run, int fmt, FILE *out, bool color,
		       const char *root, const specc_project *p, specc_test_totals *t, specc_buf *err)
{
	clause_rows rows = { 0 };
	sqlite3 *db = specc_store_db(s);
	specc_test_totals mine = { 0 };
	int rc;

	if ((rc = load_clauses(db, run->id, &rows, &mine)) != SPECC_OK)
		goto out;
	switch (fmt) {
	case SPECC_TEST_JSON: rc = write_json(db, run, out, root, &rows, &mine); break;
	case SPECC_TEST_JUNIT: rc = write_junit(db, run, out, root, &rows, &mine); break;
	case SPECC_TEST_SARIF: rc = write_sarif(db, run, out, root, p, &rows); break;
	default: rc = write_human(db, run, out, color, root, &rows, &mine); break;
	}
out:
	if (rc != SPECC_OK)
		specc_buf_addf(err, "cannot read run %lld from the store: %s", (long long)run->id,
			       sqlite3_errmsg(db));
	t->done = mine.done;
	t->passed = mine.passed;
	t->failed = mine.failed;
	t->errored = mine.errored;
	t->needs_grader = mine.needs_grader;
	t->unscored = mine.unscored;
	free_rows(&rows);
	return rc;
}
