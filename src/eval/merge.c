/*
 * merge.c - joining the stores of shard runs into one run.
 *
 * The sources are ATTACHed to a connection of the receiving store and
 * copied with INSERT ... SELECT inside one transaction, so a failure at
 * any point (a check, a full disk, a constraint) leaves the receiving
 * store as it was.  That connection is a second one of our own, not the
 * store's: ATTACH reads "file:" URIs (which is how a source is opened
 * read-only) only on a connection opened with SQLITE_OPEN_URI, and the
 * store's is not.  It is idle while we work, so the two never contend.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "specc/merge.h"
#include "internal.h"

struct src {
	const specc_merge_source *in;
	int schema;               /* -1: main; otherwise attached as "s<schema>" */
	dev_t dev;
	ino_t ino;
	specc_run_info run;
	char *label;              /* "shard2.db (run 3)", for messages */
	char *rest;               /* the options without shard/shards, canonical JSON */
	unsigned shard, shards;
};

struct merge {
	sqlite3 *db;
	struct src *src;
	uint32_t n;
	specc_buf *err;
};

/* The tables whose rows belong to a run, parents first for the foreign
 * keys.  Rulings and calibrations are the project's, not a run's. */
static const char *const run_tables[] = { "cases", "checks", "errors", "verdicts", "grades" };

static void now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *src_name(const struct src *s)
{
	return s->in->name ? s->in->name : s->in->path ? s->in->path : "the receiving store";
}

static void add_schema(specc_buf *b, const struct src *s)
{
	if (s->schema < 0)
		specc_buf_addstr(b, "main");
	else
		specc_buf_addf(b, "s%d", s->schema);
}

/* An SQL identifier in double quotes.  The names come from our own
 * schema, but a quote in one must not end the identifier. */
static void add_ident(specc_buf *b, const char *name)
{
	specc_buf_addch(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			specc_buf_addch(b, '"');
		specc_buf_addch(b, *p);
	}
	specc_buf_addch(b, '"');
}

/* A read-only URI for path.  Without a -wal beside the file every
 * committed row is in the file itself, and immutable=1 reads it without
 * creating -wal and -shm files next to a store we promised not to touch;
 * it also skips locking, which is safe because SQLite keeps a -wal for
 * as long as any connection has the store open.  With a -wal (a store
 * still open, or one copied with its log) only mode=ro reads what the
 * log holds. */
static void source_uri(const char *abs, specc_buf *uri)
{
	static const char hex[] = "0123456789ABCDEF";
	specc_buf wal = SPECC_BUF_INIT;

	specc_buf_addstr(uri, "file:");
	for (const unsigned char *p = (const unsigned char *)abs; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			specc_buf_addch(uri, *p);
		} else {
			specc_buf_addch(uri, '%');
			specc_buf_addch(uri, hex[*p >> 4]);
			specc_buf_addch(uri, hex[*p & 15]);
		}
	}
	specc_buf_addf(&wal, "%s-wal", abs);
	specc_buf_addstr(uri, access(wal.ptr, F_OK) == 0 ? "?mode=ro" : "?mode=ro&immutable=1");
	specc_buf_release(&wal);
}

static int exec_sql(struct merge *m, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(m->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return SPECC_OK;
	specc_buf_addf(m->err, "cannot write the receiving store: %s", msg ? msg : sqlite3_errmsg(m->db));
	sqlite3_free(msg);
	return SPECC_EIO;
}

/* Attaches source s's file read-only as "s<s->schema>". */
static int attach_one(struct merge *m, const struct src *s)
{
	sqlite3_stmt *q = NULL;
	specc_buf sql = SPECC_BUF_INIT, uri = SPECC_BUF_INIT;
	char *abs = realpath(s->in->path, NULL);
	int rc = SPECC_EINVAL;

	if (!abs) {
		specc_buf_addf(m->err, "cannot read %s: %s", src_name(s), strerror(errno));
		return SPECC_EINVAL;
	}
	source_uri(abs, &uri);
	free(abs);
	specc_buf_addstr(&sql, "ATTACH ?1 AS ");
	add_schema(&sql, s);
	if (sqlite3_prepare_v2(m->db, sql.ptr, -1, &q, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(q, 1, uri.ptr, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(q);
	q = NULL;
	/* ATTACH reads nothing yet: a file that is not a database shows on
	 * the first look inside. */
	specc_buf_reset(&sql);
	specc_buf_addstr(&sql, "SELECT COUNT(*) FROM ");
	add_schema(&sql, s);
	specc_buf_addstr(&sql, ".sqlite_master WHERE type='table' AND name='runs'");
	if (sqlite3_prepare_v2(m->db, sql.ptr, -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW)
		goto fail;
	if (sqlite3_column_int(q, 0) == 0) {
		specc_buf_addf(m->err, "%s is not a specc store: it has no runs", src_name(s));
		goto out;
	}
	rc = SPECC_OK;
	goto out;
fail:
	specc_buf_addf(m->err, "cannot read %s: %s", src_name(s), sqlite3_errmsg(m->db));
out:
	sqlite3_finalize(q);
	specc_buf_release(&sql);
	specc_buf_release(&uri);
	return rc;
}

/* Opens every source: the receiving store's own file is read as main,
 * and a file named twice is attached once. */
static int attach_sources(struct merge *m, const struct stat *into)
{
	int attached = 0, rc;

	for (uint32_t i = 0; i < m->n; i++) {
		struct src *s = &m->src[i];
		struct stat st;

		s->schema = -1;
		if (!s->in->path)
			continue;
		if (stat(s->in->path, &st) != 0) {
			specc_buf_addf(m->err, "cannot read %s: %s", src_name(s), strerror(errno));
			return SPECC_EINVAL;
		}
		if (!S_ISREG(st.st_mode)) {
			specc_buf_addf(m->err, "%s is not a store file", src_name(s));
			return SPECC_EINVAL;
		}
		s->dev = st.st_dev;
		s->ino = st.st_ino;
		if (st.st_dev == into->st_dev && st.st_ino == into->st_ino)
			continue;
		for (uint32_t j = 0; j < i && s->schema < 0; j++)
			if (m->src[j].schema >= 0 && m->src[j].dev == s->dev && m->src[j].ino == s->ino)
				s->schema = m->src[j].schema;
		if (s->schema >= 0)
			continue;
		s->schema = attached++;
		if ((rc = attach_one(m, s)) != SPECC_OK)
			return rc;
	}
	return SPECC_OK;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return specc_xstrdup(t ? (const char *)t : "");
}

/* Reads a run's shard, shard count and other options.  A calibration run
 * grades the spec's own examples and is never a shard of a test run. */
static void read_options(struct src *s, bool *calibration)
{
	json_t *o = json_loads(s->run.options, 0, NULL);

	free(s->rest);
	s->rest = NULL;
	s->shard = s->shards = 0;
	*calibration = false;
	if (!json_is_object(o)) {
		json_decref(o);
		s->rest = specc_xstrdup(s->run.options);
		return;
	}
	s->shard = (unsigned)json_integer_value(json_object_get(o, "shard"));
	s->shards = (unsigned)json_integer_value(json_object_get(o, "shards"));
	*calibration = json_is_true(json_object_get(o, "calibration"));
	json_object_del(o, "shard");
	json_object_del(o, "shards");
	s->rest = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (!s->rest)
		specc_die_oom();
	json_decref(o);
}

/* Finds the source's run: the one it names, or the newest shard run of
 * its file. */
static int load_run(struct merge *m, struct src *s)
{
	sqlite3_stmt *st = NULL;
	specc_buf sql = SPECC_BUF_INIT, b = SPECC_BUF_INIT;
	bool found = false, calibration = false;
	int rc = SPECC_EIO, step = SQLITE_DONE;

	specc_buf_addstr(&sql, "SELECT " SPECC_RUN_COLUMNS " FROM ");
	add_schema(&sql, s);
	specc_buf_addstr(&sql, s->in->run ? ".runs WHERE id=?1" : ".runs ORDER BY id DESC");
	if (sqlite3_prepare_v2(m->db, sql.ptr, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (s->in->run)
		sqlite3_bind_int64(st, 1, s->in->run);
	while (!found && (step = sqlite3_step(st)) == SQLITE_ROW) {
		specc_run_info_release(&s->run);
		specc_store_read_run(st, &s->run);
		read_options(s, &calibration);
		found = s->in->run || (s->shards && !calibration);
	}
	if (!found && step != SQLITE_DONE)
		goto fail;
	if (!found) {
		if (s->in->run)
			specc_buf_addf(m->err, "%s has no run %lld (specc runs%s%s lists its runs)",
				       src_name(s), (long long)s->in->run, s->in->path ? " --store " : "",
				       s->in->path ? s->in->path : "");
		else
			specc_buf_addf(m->err, "%s holds no shard run (specc test --shard I/N makes them)",
				       src_name(s));
		rc = SPECC_EINVAL;
		goto out;
	}
	specc_buf_addf(&b, "%s (run %lld)", src_name(s), (long long)s->run.id);
	s->label = specc_buf_detach(&b, NULL);
	if (!s->shards) {
		specc_buf_addf(m->err, "%s is not a shard run: it %s, not a slice made with "
				       "specc test --shard I/N",
			       s->label, calibration ? "is a calibration" : "ran the whole suite");
		rc = SPECC_EINVAL;
		goto out;
	}
	rc = SPECC_OK;
	goto out;
fail:
	specc_buf_addf(m->err, "cannot read %s: %s", src_name(s), sqlite3_errmsg(m->db));
out:
	sqlite3_finalize(st);
	specc_buf_release(&sql);
	specc_buf_release(&b);
	return rc;
}

/* "2", "2 and 3", "1, 2 and 4". */
static void add_list(specc_buf *b, const unsigned *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		specc_buf_addf(b, "%s%u", i == 0 ? "" : i + 1 == n ? " and " : ", ", v[i]);
}

static void add_value(specc_buf *b, json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
	specc_buf_addstr(b, text ? text : "unset");
	free(text);
}

/* "repeat 2 and 1, tags [] and [\"x\"]": the options that differ
 * between two runs, rather than both whole option sets. */
static void add_differences(specc_buf *b, const char *x, const char *y)
{
	json_t *a = json_loads(x, 0, NULL), *c = json_loads(y, 0, NULL), *v;
	const char *k;
	bool first = true;

	if (!json_is_object(a) || !json_is_object(c)) {
		specc_buf_addf(b, "%s and %s", x, y);
		goto out;
	}
	json_object_foreach(a, k, v) {
		json_t *w = json_object_get(c, k);
		if (w && json_equal(v, w))
			continue;
		specc_buf_addf(b, "%s%s ", first ? "" : ", ", k);
		add_value(b, v);
		specc_buf_addstr(b, " and ");
		add_value(b, w);
		first = false;
	}
	json_object_foreach(c, k, v) {
		if (json_object_get(a, k))
			continue;
		specc_buf_addf(b, "%s%s unset and ", first ? "" : ", ", k);
		add_value(b, v);
		first = false;
	}
out:
	json_decref(a);
	json_decref(c);
}

/* The checks that need only the runs' rows. */
static int check_runs(struct merge *m, bool allow_incomplete)
{
	const struct src *a = &m->src[0];
	unsigned *missing = NULL, nmissing = 0;
	int rc = SPECC_EINVAL;

	for (uint32_t i = 1; i < m->n; i++) {
		const struct src *b = &m->src[i];
		if (strcmp(a->run.spec_fingerprint, b->run.spec_fingerprint)) {
			specc_buf_addf(m->err, "%s and %s ran different versions of the spec or its eval files "
					       "(their spec fingerprints differ); run every shard on the same spec",
				       a->label, b->label);
			goto out;
		}
		if (strcmp(a->run.provider, b->run.provider)) {
			specc_buf_addf(m->err, "%s and %s asked different providers (%s and %s); a merged run "
					       "has one",
				       a->label, b->label, a->run.provider, b->run.provider);
			goto out;
		}
		if (strcmp(a->run.model, b->run.model)) {
			specc_buf_addf(m->err, "%s and %s asked different models (%s and %s); a merged run has one",
				       a->label, b->label, a->run.model[0] ? a->run.model : "none",
				       b->run.model[0] ? b->run.model : "none");
			goto out;
		}
		if (strcmp(a->rest, b->rest)) {
			specc_buf_addf(m->err, "%s and %s were run with different options (", a->label, b->label);
			add_differences(m->err, a->rest, b->rest);
			specc_buf_addstr(m->err, "); every shard needs the same filters, --repeat and grader");
			goto out;
		}
		if (a->shards != b->shards) {
			specc_buf_addf(m->err, "%s is shard %u of %u but %s is shard %u of %u; every shard must "
					       "split the suite the same way",
				       a->label, a->shard, a->shards, b->label, b->shard, b->shards);
			goto out;
		}
	}
	for (uint32_t i = 0; i < m->n; i++)
		for (uint32_t j = 0; j < i; j++) {
			const struct src *x = &m->src[j], *y = &m->src[i];
			if (x->schema == y->schema && x->run.id == y->run.id) {
				specc_buf_addf(m->err, "%s is named twice", y->label);
				goto out;
			}
			if (x->shard == y->shard) {
				specc_buf_addf(m->err, "%s and %s are both shard %u of %u; merge one of them",
					       x->label, y->label, x->shard, x->shards);
				goto out;
			}
		}
	missing = specc_xcalloc(a->shards, sizeof *missing);
	for (unsigned k = 1; k <= a->shards; k++) {
		bool have = false;
		for (uint32_t i = 0; i < m->n; i++)
			have |= m->src[i].shard == k;
		if (!have)
			missing[nmissing++] = k;
	}
	if (nmissing) {
		specc_buf_addf(m->err, "shard%s ", nmissing == 1 ? "" : "s");
		add_list(m->err, missing, nmissing);
		specc_buf_addf(m->err, " of %u %s missing: given %s ", a->shards, nmissing == 1 ? "is" : "are",
			       m->n == 1 ? "is" : "are");
		for (uint32_t i = 0; i < m->n; i++)
			specc_buf_addf(m->err, "%sshard %u from %s", i == 0 ? "" : i + 1 == m->n ? " and " : ", ",
				       m->src[i].shard, m->src[i].label);
		goto out;
	}
	for (uint32_t i = 0; i < m->n && !allow_incomplete; i++) {
		const struct src *s = &m->src[i];
		if (!strcmp(s->run.status, "finished"))
			continue;
		specc_buf_addf(m->err, "%s, shard %u of %u, %s; finish it first with "
				       "specc test --resume %lld%s%s (where it ran), or merge what it has with "
				       "--allow-incomplete",
			       s->label, s->shard, s->shards,
			       !strcmp(s->run.status, "interrupted") ? "was interrupted" : "is incomplete",
			       (long long)s->run.id, s->in->path ? " --store " : "",
			       s->in->path ? s->in->path : "");
		goto out;
	}
	rc = SPECC_OK;
out:
	free(missing);
	return rc;
}

/* No case may be in two runs: shards of one suite are disjoint, so a
 * shared case means runs of two different splits (or a doctored store),
 * and the merged run would hold it twice. */
static int check_cases(struct merge *m)
{
	sqlite3_stmt *st = NULL;
	specc_buf sql = SPECC_BUF_INIT;
	int rc = SPECC_EIO, step;

	specc_buf_addstr(&sql, "SELECT key, sample, MIN(src), MAX(src), COUNT(*) OVER () FROM (");
	for (uint32_t i = 0; i < m->n; i++) {
		specc_buf_addf(&sql, "%sSELECT key, sample, %u AS src FROM ", i ? " UNION ALL " : "", i);
		add_schema(&sql, &m->src[i]);
		specc_buf_addf(&sql, ".cases WHERE run=%lld", (long long)m->src[i].run.id);
	}
	specc_buf_addstr(&sql, ") GROUP BY key, sample HAVING COUNT(*) > 1 ORDER BY key, sample LIMIT 1");
	if (sqlite3_prepare_v2(m->db, sql.ptr, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		int64_t more = sqlite3_column_int64(st, 4) - 1;
		specc_buf_addf(m->err, "case %s (sample %lld) is in both %s and %s",
			       (const char *)sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
			       m->src[sqlite3_column_int(st, 2)].label, m->src[sqlite3_column_int(st, 3)].label);
		if (more > 0)
			specc_buf_addf(m->err, ", and %lld more case%s in two runs too", (long long)more,
				       more == 1 ? " is" : "s are");
		specc_buf_addstr(m->err, "; the shards of one split never share a case, so these runs do "
					 "not belong together");
		rc = SPECC_EINVAL;
		goto out;
	}
	if (step != SQLITE_DONE)
		goto fail;
	rc = SPECC_OK;
	goto out;
fail:
	specc_buf_addf(m->err, "cannot read the sources' cases: %s", sqlite3_errmsg(m->db));
out:
	sqlite3_finalize(st);
	specc_buf_release(&sql);
	return rc;
}

typedef SPECC_TABLE(char *) names;

static void names_free(names *c)
{
	for (uint32_t i = 0; i < c->len; i++)
		free(c->items[i]);
	SPECC_TABLE_FREE(*c);
}

static bool names_has(const names *c, const char *name)
{
	for (uint32_t i = 0; i < c->len; i++)
		if (!strcmp(c->items[i], name))
			return true;
	return false;
}

/* The columns of schema.table; none when the table is not there (a store
 * made before the table was). */
static int columns(struct merge *m, const char *schema, const char *table, names *out)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (sqlite3_prepare_v2(m->db, "SELECT name FROM pragma_table_info(?1, ?2) ORDER BY cid", -1, &st,
			       NULL) != SQLITE_OK)
		return SPECC_EIO;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, schema, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		*SPECC_PUSH(*out) = col_dup(st, 0);
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? SPECC_OK : SPECC_EIO;
}

/*
 * Copies the rows of one table from a source into main.  The column list
 * is the receiving table's, so the copy does not depend on both stores
 * having been made by the same release: a column the source lacks is
 * NULL (its default, or a refusal for a required one, which rolls the
 * whole merge back).  With run_col, `run` is rewritten to the merged run
 * and only the source run's rows are taken; otherwise every row is, and
 * rows main already has are kept (the response cache).  *copied gets the
 * number of rows written.
 */
static int copy_table(struct merge *m, const struct src *s, const char *table, bool run_col,
		      int64_t merged, int64_t *copied)
{
	names dst = { 0 }, have = { 0 };
	specc_buf sql = SPECC_BUF_INIT, schema = SPECC_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = SPECC_EIO;

	*copied = 0;
	add_schema(&schema, s);
	if (columns(m, "main", table, &dst) != SPECC_OK || columns(m, schema.ptr, table, &have) != SPECC_OK)
		goto fail;
	if (!have.len || !dst.len) {
		rc = SPECC_OK;
		goto out;
	}
	specc_buf_addf(&sql, "INSERT %sINTO main.", run_col ? "" : "OR IGNORE ");
	add_ident(&sql, table);
	specc_buf_addstr(&sql, " (");
	for (uint32_t i = 0; i < dst.len; i++) {
		specc_buf_addstr(&sql, i ? ", " : "");
		add_ident(&sql, dst.items[i]);
	}
	specc_buf_addstr(&sql, ") SELECT ");
	for (uint32_t i = 0; i < dst.len; i++) {
		specc_buf_addstr(&sql, i ? ", " : "");
		if (run_col && !strcmp(dst.items[i], "run"))
			specc_buf_addstr(&sql, "?1");
		else if (names_has(&have, dst.items[i]))
			add_ident(&sql, dst.items[i]);
		else
			specc_buf_addstr(&sql, "NULL");
	}
	specc_buf_addf(&sql, " FROM %s.", schema.ptr);
	add_ident(&sql, table);
	if (run_col)
		specc_buf_addstr(&sql, " WHERE run=?2");
	if (sqlite3_prepare_v2(m->db, sql.ptr, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (run_col) {
		sqlite3_bind_int64(st, 1, merged);
		sqlite3_bind_int64(st, 2, s->run.id);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	*copied = sqlite3_changes(m->db);
	rc = SPECC_OK;
	goto out;
fail:
	specc_buf_addf(m->err, "cannot copy the %s of %s: %s", table, s->label, sqlite3_errmsg(m->db));
out:
	sqlite3_finalize(st);
	names_free(&dst);
	names_free(&have);
	specc_buf_release(&sql);
	specc_buf_release(&schema);
	return rc;
}

/* The merged run's row: the sources' spec, provider and model, their
 * options as a whole suite's, and the first source's settings
 * fingerprint.  That fingerprint covers the options, shard included, so
 * no later `specc test --resume` accepts the merged run: it is a finished
 * whole, not something to go on asking in. */
static int insert_run(struct merge *m, bool finished, int64_t total, int64_t *id)
{
	const specc_run_info *a = &m->src[0].run;
	json_t *o = json_loads(a->options, 0, NULL);
	sqlite3_stmt *st = NULL;
	char now[32], *opts;
	int rc = SPECC_EIO;

	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	json_object_set_new(o, "shard", json_integer(0));
	json_object_set_new(o, "shards", json_integer(0));
	opts = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (!opts)
		specc_die_oom();
	now_iso(now);
	if (sqlite3_prepare_v2(m->db,
			       "INSERT INTO main.runs (created, finished, status, project, provider, model, "
			       "config_fingerprint, spec_fingerprint, spec_version, options, total) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	if (finished)
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, finished ? "finished" : "incomplete", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, a->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, a->config_fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->spec_fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, a->spec_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, opts, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, total);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	*id = sqlite3_last_insert_rowid(m->db);
	rc = SPECC_OK;
	goto out;
fail:
	specc_buf_addf(m->err, "cannot write the merged run: %s", sqlite3_errmsg(m->db));
out:
	sqlite3_finalize(st);
	free(opts);
	return rc;
}

int specc_merge_runs(specc_store *into, const specc_merge_source *sources, uint32_t n,
		     const specc_merge_options *o, specc_run_info *merged, int64_t *cases,
		     specc_buf *err)
{
	struct merge m = { 0 };
	const char *path = sqlite3_db_filename(specc_store_db(into), "main");
	struct stat into_st;
	bool in_txn = false, finished = true;
	int64_t id = 0, total = 0;
	int rc = SPECC_EIO;

	memset(merged, 0, sizeof *merged);
	m.err = err;
	m.n = n;
	if (!n) {
		specc_buf_addstr(err, "there is nothing to merge: name the stores of the shard runs");
		return SPECC_EINVAL;
	}
	if (!path || !*path || stat(path, &into_st) != 0) {
		specc_buf_addf(err, "cannot find the receiving store's file%s%s", path && *path ? " " : "",
			       path && *path ? path : "");
		return SPECC_EIO;
	}
	m.src = specc_xcalloc(n, sizeof *m.src);
	for (uint32_t i = 0; i < n; i++)
		m.src[i].in = &sources[i];
	if (sqlite3_open_v2(path, &m.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
		specc_buf_addf(err, "cannot open %s: %s", path, m.db ? sqlite3_errmsg(m.db) : "out of memory");
		goto out;
	}
	/* A running specc test may hold the write lock for a moment. */
	sqlite3_busy_timeout(m.db, 10000);
	if ((rc = exec_sql(&m, "PRAGMA foreign_keys=ON")) != SPECC_OK ||
	    (rc = attach_sources(&m, &into_st)) != SPECC_OK)
		goto out;
	/* IMMEDIATE takes the receiving store's write lock now, and read
	 * snapshots of the sources, so the checks see what is copied. */
	if ((rc = exec_sql(&m, "BEGIN IMMEDIATE")) != SPECC_OK)
		goto out;
	in_txn = true;
	for (uint32_t i = 0; i < n; i++)
		if ((rc = load_run(&m, &m.src[i])) != SPECC_OK)
			goto out;
	if ((rc = check_runs(&m, o && o->allow_incomplete)) != SPECC_OK ||
	    (rc = check_cases(&m)) != SPECC_OK)
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		total += m.src[i].run.total;
		finished &= !strcmp(m.src[i].run.status, "finished");
	}
	if ((rc = insert_run(&m, finished, total, &id)) != SPECC_OK)
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		for (size_t t = 0; t < SPECC_ARRAY_SIZE(run_tables); t++) {
			int64_t copied;
			if ((rc = copy_table(&m, &m.src[i], run_tables[t], true, id, &copied)) != SPECC_OK)
				goto out;
			if (t == 0 && cases)
				cases[i] = copied;
		}
	}
	/* The caches of other machines answer the same requests here, once
	 * per file however many runs it gives: the models' answers, and the
	 * judgements of `specc check --deep` made there. */
	for (uint32_t i = 0; i < n; i++) {
		bool first = m.src[i].schema >= 0;
		int64_t copied;
		for (uint32_t j = 0; j < i && first; j++)
			first = m.src[j].schema != m.src[i].schema;
		if (first && ((rc = copy_table(&m, &m.src[i], "responses", false, 0, &copied)) != SPECC_OK ||
			      (rc = copy_table(&m, &m.src[i], "deep_judgements", false, 0, &copied)) != SPECC_OK))
			goto out;
	}
	if ((rc = exec_sql(&m, "COMMIT")) != SPECC_OK)
		goto out;
	in_txn = false;
	if (specc_store_run_get(into, id, merged) != SPECC_OK) {
		specc_buf_addf(err, "cannot read the merged run %lld back: %s", (long long)id,
			       specc_store_error(into));
		rc = SPECC_EIO;
		goto out;
	}
	rc = SPECC_OK;
out:
	if (in_txn)
		sqlite3_exec(m.db, "ROLLBACK", NULL, NULL, NULL);
	/* Closing detaches the sources. */
	sqlite3_close(m.db);
	for (uint32_t i = 0; m.src && i < n; i++) {
		specc_run_info_release(&m.src[i].run);
		free(m.src[i].label);
		free(m.src[i].rest);
	}
	free(m.src);
	return rc;
}
