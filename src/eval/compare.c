/*
 * compare.c - which clauses got worse (or better) between two runs, by
 * exact tests rather than by eye.
 */
#include <stdlib.h>
#include <string.h>

#include "specc/stats.h"
#include "internal.h"

static specc_clause_change *find(specc_changes *out, const char *clause, const char *section)
{
	for (uint32_t i = 0; i < out->len; i++)
		if (!strcmp(out->items[i].clause, clause))
			return &out->items[i];
	specc_clause_change *c = SPECC_PUSH(*out);
	c->clause = specc_xstrdup(clause);
	c->section = specc_xstrdup(section ? section : "");
	c->p = 1;
	return c;
}

static const char *text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

/* The per-clause counts of one run. */
static int counts(sqlite3 *db, int64_t run, bool cand, specc_changes *out)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (sqlite3_prepare_v2(db,
			       "SELECT clause, MIN(section), SUM(status='passed'),"
			       " SUM(status IN ('passed','failed')) FROM cases WHERE run=?1"
			       " GROUP BY clause ORDER BY MIN(file), MIN(line), clause",
			       -1, &st, NULL) != SQLITE_OK)
		return SPECC_EIO;
	sqlite3_bind_int64(st, 1, run);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		specc_clause_change *c = find(out, text(st, 0), text(st, 1));
		if (cand) {
			c->cand_passed = sqlite3_column_int64(st, 2);
			c->cand_checked = sqlite3_column_int64(st, 3);
		} else {
			c->base_passed = sqlite3_column_int64(st, 2);
			c->base_checked = sqlite3_column_int64(st, 3);
		}
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? SPECC_OK : SPECC_EIO;
}

static int pairs(sqlite3 *db, int64_t base, int64_t cand, specc_changes *out)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (sqlite3_prepare_v2(db,
			       "SELECT a.clause, COUNT(*), SUM(a.status='passed' AND b.status='failed'),"
			       " SUM(a.status='failed' AND b.status='passed') FROM cases a JOIN cases b"
			       " ON b.run=?2 AND b.key=a.key AND b.sample=a.sample"
			       " WHERE a.run=?1 AND a.status IN ('passed','failed')"
			       " AND b.status IN ('passed','failed') GROUP BY a.clause",
			       -1, &st, NULL) != SQLITE_OK)
		return SPECC_EIO;
	sqlite3_bind_int64(st, 1, base);
	sqlite3_bind_int64(st, 2, cand);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		specc_clause_change *c = find(out, text(st, 0), NULL);
		c->pairs = sqlite3_column_int64(st, 1);
		c->lost = sqlite3_column_int64(st, 2);
		c->gained = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? SPECC_OK : SPECC_EIO;
}

static int by_p(const void *a, const void *b)
{
	double x = (*(specc_clause_change *const *)a)->p, y = (*(specc_clause_change *const *)b)->p;
	return x < y ? -1 : x > y;
}

int specc_compare_runs(specc_store *s, int64_t base, int64_t cand, double alpha, specc_changes *out,
		       specc_buf *err)
{
	sqlite3 *db = specc_store_db(s);
	specc_clause_change **tested;
	uint32_t m = 0;

	memset(out, 0, sizeof *out);
	if (counts(db, base, false, out) || counts(db, cand, true, out) || pairs(db, base, cand, out)) {
		specc_buf_addf(err, "cannot compare runs %lld and %lld: %s", (long long)base,
			       (long long)cand, sqlite3_errmsg(db));
		specc_changes_release(out);
		return SPECC_EIO;
	}
	tested = specc_xcalloc(out->len ? out->len : 1, sizeof *tested);
	for (uint32_t i = 0; i < out->len; i++) {
		specc_clause_change *c = &out->items[i];
		double rb = c->base_checked ? (double)c->base_passed / (double)c->base_checked : 0;
		double rc = c->cand_checked ? (double)c->cand_passed / (double)c->cand_checked : 0;

		if (c->pairs) {
			/* Pairing removes the variation between items: only the
			 * pairs that changed carry information. */
			c->test = "mcnemar";
			c->p = specc_mcnemar_exact(c->lost, c->gained);
			c->direction = c->lost > c->gained ? -1 : c->gained > c->lost;
		} else if (c->base_checked && c->cand_checked) {
			c->test = "fisher";
			c->p = specc_fisher_exact(c->base_passed, c->base_checked - c->base_passed,
						  c->cand_passed, c->cand_checked - c->cand_passed);
			c->direction = rc < rb ? -1 : rc > rb;
		} else {
			continue;
		}
		tested[m++] = c;
	}
	/* Holm: the i-th smallest p-value must be under alpha / (m - i);
	 * the first that is not stops the run of discoveries. */
	qsort(tested, m, sizeof *tested, by_p);
	for (uint32_t i = 0; i < m; i++) {
		if (tested[i]->p >= alpha / (double)(m - i))
			break;
		tested[i]->significant = tested[i]->direction != 0;
	}
	free(tested);
	return SPECC_OK;
}

void specc_changes_release(specc_changes *c)
{
	for (uint32_t i = 0; i < c->len; i++) {
		free(c->items[i].clause);
		free(c->items[i].section);
	}
	SPECC_TABLE_FREE(*c);
}
