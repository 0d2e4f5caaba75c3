/*
 * store.c - runs, cases, checks and the response cache in one SQLite file.
 *
 * The file is in WAL mode with synchronous=NORMAL: each finished case is
 * its own transaction, so a crash or kill -9 loses at most the cases in
 * flight, and a commit costs no fsync (WAL makes it durable against a
 * process dying; only a power cut can lose the last commits, and a resume
 * then simply asks them again).
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"
#include "specc/deep.h"
#include "specc/grade.h"

struct specc_store {
	sqlite3 *db;
	sqlite3_stmt *case_done, *cache_get, *cache_put, *case_put, *check_del, *check_put;
	sqlite3_stmt *error_del, *error_put;
	/* Prepared once: sqlite3_exec() would compile them for every case. */
	sqlite3_stmt *begin, *commit, *rollback;
};

static const char pragmas[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"
	"PRAGMA foreign_keys=ON;";

/* Created in one transaction, so the last table's presence means all are
 * there (see schema_ready). */
static const char schema[] =
	"BEGIN IMMEDIATE;"
	"CREATE TABLE IF NOT EXISTS runs ("
	"  id INTEGER PRIMARY KEY,"
	"  created TEXT NOT NULL, finished TEXT, status TEXT NOT NULL,"
	"  project TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL,"
	"  config_fingerprint TEXT NOT NULL, spec_fingerprint TEXT NOT NULL,"
	"  spec_version TEXT NOT NULL, options TEXT NOT NULL, total INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS cases ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL, sample INTEGER NOT NULL,"
	"  clause TEXT NOT NULL, section TEXT NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL,"
	"  request_hash TEXT NOT NULL, status TEXT NOT NULL, answer TEXT, error TEXT,"
	"  attempts INTEGER NOT NULL, latency_ms INTEGER NOT NULL,"
	"  prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,"
	"  cached INTEGER NOT NULL, model TEXT NOT NULL, finished TEXT NOT NULL,"
	"  PRIMARY KEY (run, key, sample)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS checks ("
	"  run INTEGER NOT NULL, key TEXT NOT NULL, sample INTEGER NOT NULL, idx INTEGER NOT NULL,"
	"  name TEXT NOT NULL, outcome TEXT NOT NULL, message TEXT,"
	"  PRIMARY KEY (run, key, sample, idx),"
	"  FOREIGN KEY (run, key, sample) REFERENCES cases(run, key, sample) ON DELETE CASCADE)"
	"  WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS errors ("
	"  run INTEGER NOT NULL, key TEXT NOT NULL, sample INTEGER NOT NULL, attempt INTEGER NOT NULL,"
	"  error TEXT NOT NULL,"
	"  PRIMARY KEY (run, key, sample, attempt),"
	"  FOREIGN KEY (run, key, sample) REFERENCES cases(run, key, sample) ON DELETE CASCADE)"
	"  WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS responses ("
	"  request_hash TEXT PRIMARY KEY, answer TEXT NOT NULL,"
	"  prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,"
	"  model TEXT NOT NULL, created TEXT NOT NULL) WITHOUT ROWID;"
	/* One row per judge of a graded case. */
	"CREATE TABLE IF NOT EXISTS verdicts ("
	"  run INTEGER NOT NULL, key TEXT NOT NULL, sample INTEGER NOT NULL, judge INTEGER NOT NULL,"
	"  verdict TEXT NOT NULL, confidence REAL NOT NULL, reason TEXT NOT NULL,"
	"  violated TEXT NOT NULL, source TEXT NOT NULL, fingerprint TEXT NOT NULL,"
	"  judgement TEXT NOT NULL, request_hash TEXT, attempts INTEGER NOT NULL,"
	"  cached INTEGER NOT NULL, error TEXT, output TEXT,"
	"  prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,"
	"  PRIMARY KEY (run, key, sample, judge),"
	"  FOREIGN KEY (run, key, sample) REFERENCES cases(run, key, sample) ON DELETE CASCADE)"
	"  WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS verdicts_by_judgement ON verdicts (judgement, fingerprint, judge);"
	/* The verdict a graded case got: the majority of its judges, or a ruling. */
	"CREATE TABLE IF NOT EXISTS grades ("
	"  run INTEGER NOT NULL, key TEXT NOT NULL, sample INTEGER NOT NULL,"
	"  verdict TEXT NOT NULL, agreement REAL NOT NULL, judges INTEGER NOT NULL,"
	"  source TEXT NOT NULL, reason TEXT NOT NULL, judgement TEXT NOT NULL,"
	"  PRIMARY KEY (run, key, sample),"
	"  FOREIGN KEY (run, key, sample) REFERENCES cases(run, key, sample) ON DELETE CASCADE)"
	"  WITHOUT ROWID;"
	/* Human rulings: the case law, keyed by what was judged. */
	"CREATE TABLE IF NOT EXISTS rulings ("
	"  judgement TEXT PRIMARY KEY, clause TEXT NOT NULL, section TEXT NOT NULL,"
	"  verdict TEXT NOT NULL, reason TEXT NOT NULL, conversation TEXT NOT NULL,"
	"  answer TEXT NOT NULL, case_key TEXT NOT NULL, run INTEGER, author TEXT NOT NULL,"
	"  created TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS calibrations ("
	"  fingerprint TEXT PRIMARY KEY, run INTEGER NOT NULL, created TEXT NOT NULL,"
	"  grader TEXT NOT NULL, model TEXT NOT NULL, spec_fingerprint TEXT NOT NULL,"
	"  total INTEGER NOT NULL, correct INTEGER NOT NULL, accuracy REAL NOT NULL,"
	"  kappa REAL, report TEXT NOT NULL) WITHOUT ROWID;"
	/* specc check --deep: a grader model's judgement of a pair of
	 * clauses, keyed by everything its request held. */
	"CREATE TABLE IF NOT EXISTS deep_judgements ("
	"  key TEXT PRIMARY KEY, verdict TEXT NOT NULL, reason TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL, model TEXT NOT NULL, clause_a TEXT NOT NULL,"
	"  clause_b TEXT NOT NULL, created TEXT NOT NULL) WITHOUT ROWID;"
	"COMMIT;";

/*
 * Runs sql, waiting while other processes hold the file: several shards
 * opening one store at once.  SQLite's busy handler is not called for
 * every kind of contention (changing the journal mode, a first open of a
 * WAL file), so the wait is done here too, up to about 30 seconds.
 */
static int exec_patiently(sqlite3 *db, const char *sql, char **msg)
{
	int rc;

	for (int tries = 0;; tries++) {
		rc = sqlite3_exec(db, sql, NULL, NULL, msg);
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries >= 300)
			return rc;
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_free(*msg);
		*msg = NULL;
		sqlite3_sleep(100);
	}
}

/* Whether the schema is there already, so that opening a store takes no
 * write lock: a store in use by a running shard opens at once.  The last
 * table is asked for, so a store made by an older specc gets the tables
 * added since. */
static bool schema_ready(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	bool ready = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='deep_judgements'",
			       -1, &st, NULL) == SQLITE_OK)
		ready = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ready;
}

static void now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *specc_case_status_name(int status)
{
	static const char *const names[] = { "passed", "failed", "errored", "needs-grader",
					     "unscored" };
	return status >= 0 && status < 5 ? names[status] : "?";
}

const char *specc_store_error(specc_store *s)
{
	return sqlite3_errmsg(s->db);
}

/* Makes the folder that holds path, one level (.specc/). */
static int make_parent(const char *path, char **err)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc = SPECC_OK;

	if (!slash || slash == path)
		return SPECC_OK;
	dir = specc_xstrndup(path, (size_t)(slash - path));
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		specc_buf b = SPECC_BUF_INIT;
		specc_buf_addf(&b, "cannot create %s: %s", dir, strerror(errno));
		*err = specc_buf_detach(&b, NULL);
		rc = SPECC_EIO;
	}
	free(dir);
	return rc;
}

static int prepare(specc_store *s, sqlite3_stmt **st, const char *sql)
{
	return sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK
		       ? SPECC_OK
		       : SPECC_EIO;
}

int specc_store_open(specc_store **out, const char *path, char **err)
{
	specc_store *s = specc_xcalloc(1, sizeof *s);
	char *msg = NULL;
	int rc;

	*out = NULL;
	*err = NULL;
	if ((rc = make_parent(path, err)) != SPECC_OK)
		goto fail;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		goto sqlfail;
	/* Another specc (a second shard, specc runs) may hold the lock briefly. */
	sqlite3_busy_timeout(s->db, 10000);
	if (exec_patiently(s->db, pragmas, &msg) != SQLITE_OK ||
	    (!schema_ready(s->db) && exec_patiently(s->db, schema, &msg) != SQLITE_OK))
		goto sqlfail;
	if (prepare(s, &s->case_done,
		    "SELECT status FROM cases WHERE run=?1 AND key=?2 AND sample=?3") ||
	    prepare(s, &s->cache_get,
		    "SELECT answer, prompt_tokens, completion_tokens FROM responses WHERE request_hash=?1") ||
	    prepare(s, &s->cache_put,
		    "INSERT OR REPLACE INTO responses VALUES (?1, ?2, ?3, ?4, ?5, ?6)") ||
	    prepare(s, &s->case_put,
		    "INSERT OR REPLACE INTO cases VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
		    "?12, ?13, ?14, ?15, ?16, ?17, ?18)") ||
	    prepare(s, &s->check_del, "DELETE FROM checks WHERE run=?1 AND key=?2 AND sample=?3") ||
	    prepare(s, &s->check_put, "INSERT INTO checks VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)") ||
	    prepare(s, &s->error_del, "DELETE FROM errors WHERE run=?1 AND key=?2 AND sample=?3") ||
	    prepare(s, &s->error_put, "INSERT OR REPLACE INTO errors VALUES (?1, ?2, ?3, ?4, ?5)") ||
	    prepare(s, &s->begin, "BEGIN IMMEDIATE") || prepare(s, &s->commit, "COMMIT") ||
	    prepare(s, &s->rollback, "ROLLBACK"))
		goto sqlfail;
	*out = s;
	return SPECC_OK;
sqlfail:;
	specc_buf b = SPECC_BUF_INIT;
	specc_buf_addf(&b, "cannot use the store %s: %s", path,
		       msg ? msg : s->db ? sqlite3_errmsg(s->db) : "out of memory");
	sqlite3_free(msg);
	*err = specc_buf_detach(&b, NULL);
	rc = SPECC_EIO;
fail:
	specc_store_close(s);
	return rc;
}

void specc_store_close(specc_store *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->case_done);
	sqlite3_finalize(s->cache_get);
	sqlite3_finalize(s->cache_put);
	sqlite3_finalize(s->case_put);
	sqlite3_finalize(s->check_del);
	sqlite3_finalize(s->check_put);
	sqlite3_finalize(s->error_del);
	sqlite3_finalize(s->error_put);
	sqlite3_finalize(s->begin);
	sqlite3_finalize(s->commit);
	sqlite3_finalize(s->rollback);
	sqlite3_close(s->db);
	free(s);
}

void specc_run_info_release(specc_run_info *r)
{
	free(r->created);
	free(r->finished);
	free(r->status);
	free(r->project);
	free(r->provider);
	free(r->model);
	free(r->config_fingerprint);
	free(r->spec_fingerprint);
	free(r->spec_version);
	free(r->options);
	memset(r, 0, sizeof *r);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int specc_store_run_create(specc_store *s, specc_run_info *info)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = SPECC_EIO;

	now_iso(now);
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO runs (created, status, project, provider, model, "
			       "config_fingerprint, spec_fingerprint, spec_version, options, total) "
			       "VALUES (?1, 'incomplete', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	bind_text(st, 1, now);
	bind_text(st, 2, info->project);
	bind_text(st, 3, info->provider);
	bind_text(st, 4, info->model);
	bind_text(st, 5, info->config_fingerprint);
	bind_text(st, 6, info->spec_fingerprint);
	bind_text(st, 7, info->spec_version);
	bind_text(st, 8, info->options);
	sqlite3_bind_int64(st, 9, info->total);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	info->id = sqlite3_last_insert_rowid(s->db);
	free(info->created);
	info->created = specc_xstrdup(now);
	free(info->status);
	info->status = specc_xstrdup("incomplete");
	rc = SPECC_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? specc_xstrdup((const char *)t) : NULL;
}

void specc_store_read_run(sqlite3_stmt *st, specc_run_info *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->created = col_dup(st, 1);
	r->finished = col_dup(st, 2);
	r->status = col_dup(st, 3);
	r->project = col_dup(st, 4);
	r->provider = col_dup(st, 5);
	r->model = col_dup(st, 6);
	r->config_fingerprint = col_dup(st, 7);
	r->spec_fingerprint = col_dup(st, 8);
	r->spec_version = col_dup(st, 9);
	r->options = col_dup(st, 10);
	r->total = sqlite3_column_int64(st, 11);
}

int specc_store_run_get(specc_store *s, int64_t id, specc_run_info *info)
{
	sqlite3_stmt *st = NULL;
	int rc = SPECC_EIO, step;

	memset(info, 0, sizeof *info);
	if (sqlite3_prepare_v2(s->db,
			       id ? "SELECT " SPECC_RUN_COLUMNS " FROM runs WHERE id=?1"
				  : "SELECT " SPECC_RUN_COLUMNS " FROM runs WHERE options NOT LIKE "
				    "'%\"calibration\":true%' ORDER BY id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (id)
		sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		specc_store_read_run(st, info);
		rc = SPECC_OK;
	} else if (step == SQLITE_DONE) {
		rc = SPECC_EINVAL;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

int specc_store_run_set_status(specc_store *s, int64_t id, const char *status, bool finished)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = SPECC_EIO;

	now_iso(now);
	if (sqlite3_prepare_v2(s->db, "UPDATE runs SET status=?1, finished=?2 WHERE id=?3", -1, &st,
			       NULL) != SQLITE_OK)
		goto out;
	bind_text(st, 1, status);
	bind_text(st, 2, finished ? now : NULL);
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SPECC_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

int specc_store_run_delete(specc_store *s, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int rc = SPECC_EIO;

	/* Cases and checks go with it (ON DELETE CASCADE). */
	if (sqlite3_prepare_v2(s->db, "DELETE FROM runs WHERE id=?1", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SPECC_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Steps st to its end, calling row for each row, and finalizes it.  A
 * non-zero return of row stops the walk and is returned. */
static int each_row(sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *ctx), void *ctx)
{
	int step, rc = 0;

	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = row(st, ctx)) != 0)
			break;
	sqlite3_finalize(st);
	if (rc)
		return rc;
	return step == SQLITE_DONE ? SPECC_OK : SPECC_EIO;
}

struct run_walk {
	int (*fn)(void *ctx, const specc_run_info *r);
	void *ctx;
};

static int run_row(sqlite3_stmt *st, void *ctx)
{
	struct run_walk *w = ctx;
	specc_run_info r = { 0 };
	int rc;

	specc_store_read_run(st, &r);
	rc = w->fn(w->ctx, &r);
	specc_run_info_release(&r);
	return rc;
}

int specc_store_runs(specc_store *s, int (*fn)(void *ctx, const specc_run_info *r), void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct run_walk w = { fn, ctx };

	if (sqlite3_prepare_v2(s->db, "SELECT " SPECC_RUN_COLUMNS " FROM runs ORDER BY id DESC", -1, &st,
			       NULL) != SQLITE_OK)
		return SPECC_EIO;
	return each_row(st, run_row, &w);
}

int specc_store_case_done(specc_store *s, int64_t run, const char *key, uint32_t sample,
			  bool *done)
{
	sqlite3_stmt *st = s->case_done;
	int step;

	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, key);
	sqlite3_bind_int64(st, 3, sample);
	step = sqlite3_step(st);
	*done = step == SQLITE_ROW &&
		strcmp((const char *)sqlite3_column_text(st, 0), specc_case_status_name(SPECC_CASE_ERRORED));
	sqlite3_reset(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? SPECC_OK : SPECC_EIO;
}

int specc_store_cache_get(specc_store *s, const char *hash, char **answer, int64_t *prompt_tokens,
			  int64_t *completion_tokens)
{
	sqlite3_stmt *st = s->cache_get;
	int step;

	*answer = NULL;
	bind_text(st, 1, hash);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*answer = col_dup(st, 0);
		*prompt_tokens = sqlite3_column_int64(st, 1);
		*completion_tokens = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? SPECC_OK : SPECC_EIO;
}

static bool step_done(sqlite3_stmt *st)
{
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	return step == SQLITE_DONE;
}

int specc_store_case_put(specc_store *s, int64_t run, const specc_case_result *r)
{
	static const char *const outcomes[] = { "pass", "fail", "needs-grader" };
	sqlite3_stmt *st;
	char now[32];
	int attempt = 0;

	now_iso(now);
	if (!step_done(s->begin))
		return SPECC_EIO;
	if (r->cacheable && r->answer && !r->cached) {
		st = s->cache_put;
		bind_text(st, 1, r->request_hash);
		bind_text(st, 2, r->answer);
		sqlite3_bind_int64(st, 3, r->prompt_tokens);
		sqlite3_bind_int64(st, 4, r->completion_tokens);
		bind_text(st, 5, r->model ? r->model : "");
		bind_text(st, 6, now);
		if (!step_done(st))
			goto fail;
	}
	st = s->check_del;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, r->key);
	sqlite3_bind_int64(st, 3, r->sample);
	if (!step_done(st))
		goto fail;
	st = s->case_put;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, r->key);
	sqlite3_bind_int64(st, 3, r->sample);
	bind_text(st, 4, r->clause);
	bind_text(st, 5, r->section ? r->section : "");
	bind_text(st, 6, r->file ? r->file : "");
	sqlite3_bind_int64(st, 7, r->line);
	bind_text(st, 8, r->request_hash);
	bind_text(st, 9, specc_case_status_name(r->status));
	bind_text(st, 10, r->answer);
	bind_text(st, 11, r->error);
	sqlite3_bind_int64(st, 12, r->attempts);
	sqlite3_bind_int64(st, 13, r->latency_ms);
	sqlite3_bind_int64(st, 14, r->prompt_tokens);
	sqlite3_bind_int64(st, 15, r->completion_tokens);
	sqlite3_bind_int(st, 16, r->cached);
	bind_text(st, 17, r->model ? r->model : "");
	bind_text(st, 18, now);
	if (!step_done(st))
		goto fail;
	for (uint32_t i = 0; i < r->check_count; i++) {
		const specc_check_result *c = &r->checks[i];
		st = s->check_put;
		sqlite3_bind_int64(st, 1, run);
		bind_text(st, 2, r->key);
		sqlite3_bind_int64(st, 3, r->sample);
		sqlite3_bind_int64(st, 4, i);
		bind_text(st, 5, c->name);
		bind_text(st, 6, outcomes[c->outcome]);
		bind_text(st, 7, c->message);
		if (!step_done(st))
			goto fail;
	}
	st = s->error_del;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, r->key);
	sqlite3_bind_int64(st, 3, r->sample);
	if (!step_done(st))
		goto fail;
	for (const char *e = r->attempt_errors; e && *e;) {
		size_t n = strcspn(e, "\n");
		st = s->error_put;
		sqlite3_bind_int64(st, 1, run);
		bind_text(st, 2, r->key);
		sqlite3_bind_int64(st, 3, r->sample);
		sqlite3_bind_int64(st, 4, ++attempt);
		sqlite3_bind_text(st, 5, e, (int)n, SQLITE_STATIC);
		if (!step_done(st))
			goto fail;
		e += n + (e[n] == '\n');
	}
	if (!step_done(s->commit))
		goto fail;
	return SPECC_OK;
fail:
	step_done(s->rollback);
	return SPECC_EIO;
}

sqlite3 *specc_store_db(specc_store *s)
{
	return s->db;
}

/* ------------------------------------------------------------------ */
/* Grading: verdicts, grades, rulings, calibrations.  These run once per
 * graded case or per command, so they prepare as they go. */

static int exec1(specc_store *s, sqlite3_stmt **st, const char *sql)
{
	return sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK ? SPECC_OK : SPECC_EIO;
}

int specc_store_verdict_put(specc_store *s, int64_t run, const specc_verdict_row *r)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = SPECC_EIO;

	now_iso(now);
	if (!step_done(s->begin))
		return SPECC_EIO;
	if (r->request_hash && r->output && !r->cached && !r->error) {
		st = s->cache_put;
		bind_text(st, 1, r->request_hash);
		bind_text(st, 2, r->output);
		sqlite3_bind_int64(st, 3, r->prompt_tokens);
		sqlite3_bind_int64(st, 4, r->completion_tokens);
		bind_text(st, 5, r->model ? r->model : "");
		bind_text(st, 6, now);
		if (!step_done(st))
			goto fail;
	}
	if (exec1(s, &st, "INSERT OR REPLACE INTO verdicts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
			  "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"))
		goto fail;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, r->key);
	sqlite3_bind_int64(st, 3, r->sample);
	sqlite3_bind_int(st, 4, r->judge);
	bind_text(st, 5, specc_verdict_name(r->v.kind));
	sqlite3_bind_double(st, 6, r->v.confidence);
	bind_text(st, 7, r->v.reason ? r->v.reason : "");
	bind_text(st, 8, r->v.violated ? r->v.violated : "[]");
	bind_text(st, 9, r->source);
	bind_text(st, 10, r->fingerprint ? r->fingerprint : "");
	bind_text(st, 11, r->judgement);
	bind_text(st, 12, r->request_hash);
	sqlite3_bind_int(st, 13, r->attempts);
	sqlite3_bind_int(st, 14, r->cached);
	bind_text(st, 15, r->error);
	/* Only output that did not validate is kept with the verdict: valid
	 * output is the verdict itself. */
	bind_text(st, 16, r->error ? r->output : NULL);
	sqlite3_bind_int64(st, 17, r->prompt_tokens);
	sqlite3_bind_int64(st, 18, r->completion_tokens);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	if (!step_done(s->commit))
		goto fail;
	rc = SPECC_OK;
	goto out;
fail:
	step_done(s->rollback);
out:
	if (st != s->cache_put)
		sqlite3_finalize(st);
	return rc;
}

int specc_store_verdict_find(specc_store *s, int64_t run, const char *key, uint32_t sample,
			     const char *judgement, const char *fingerprint, int judge,
			     specc_verdict *v, bool *found)
{
	sqlite3_stmt *st = NULL;
	int rc = SPECC_EIO, step;

	*found = false;
	memset(v, 0, sizeof *v);
	if (key ? exec1(s, &st, "SELECT verdict, confidence, reason, violated FROM verdicts "
			       "WHERE run=?1 AND key=?2 AND sample=?3 AND judge=?4 AND verdict<>'unscored'")
		: exec1(s, &st, "SELECT verdict, confidence, reason, violated FROM verdicts "
			       "WHERE judgement=?5 AND fingerprint=?6 AND judge=?4 AND source='grader' "
			       "AND verdict<>'unscored' ORDER BY run DESC LIMIT 1"))
		goto out;
	if (key) {
		sqlite3_bind_int64(st, 1, run);
		bind_text(st, 2, key);
		sqlite3_bind_int64(st, 3, sample);
	} else {
		bind_text(st, 5, judgement);
		bind_text(st, 6, fingerprint);
	}
	sqlite3_bind_int(st, 4, judge);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		v->kind = specc_verdict_from_name(k);
		v->confidence = sqlite3_column_double(st, 1);
		v->reason = col_dup(st, 2);
		v->violated = col_dup(st, 3);
		*found = v->kind >= 0;
	}
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		rc = SPECC_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

int specc_store_grade_put(specc_store *s, int64_t run, const specc_grade_row *g)
{
	sqlite3_stmt *st = NULL;
	int status = g->kind == SPECC_VERDICT_COMPLIANT   ? SPECC_CASE_PASSED
		     : g->kind == SPECC_VERDICT_VIOLATION ? SPECC_CASE_FAILED
							  : SPECC_CASE_UNSCORED;
	int rc = SPECC_EIO;

	if (!step_done(s->begin))
		return SPECC_EIO;
	if (exec1(s, &st, "INSERT OR REPLACE INTO grades VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"))
		goto fail;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, g->key);
	sqlite3_bind_int64(st, 3, g->sample);
	bind_text(st, 4, specc_verdict_name(g->kind));
	sqlite3_bind_double(st, 5, g->agreement);
	sqlite3_bind_int(st, 6, g->judges);
	bind_text(st, 7, g->source);
	bind_text(st, 8, g->reason ? g->reason : "");
	bind_text(st, 9, g->judgement);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if (exec1(s, &st, "UPDATE cases SET status=?4 WHERE run=?1 AND key=?2 AND sample=?3"))
		goto fail;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, g->key);
	sqlite3_bind_int64(st, 3, g->sample);
	bind_text(st, 4, specc_case_status_name(status));
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	if (!step_done(s->commit))
		goto fail;
	rc = SPECC_OK;
	goto out;
fail:
	step_done(s->rollback);
out:
	sqlite3_finalize(st);
	return rc;
}

struct grade_walk {
	int (*fn)(void *ctx, const char *key, uint32_t sample, const char *answer);
	void *ctx;
};

static int to_grade_row(sqlite3_stmt *st, void *ctx)
{
	struct grade_walk *w = ctx;
	return w->fn(w->ctx, (const char *)sqlite3_column_text(st, 0),
		     (uint32_t)sqlite3_column_int64(st, 1), (const char *)sqlite3_column_text(st, 2));
}

int specc_store_cases_to_grade(specc_store *s, int64_t run,
			       int (*fn)(void *ctx, const char *key, uint32_t sample, const char *answer),
			       void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct grade_walk w = { fn, ctx };

	if (exec1(s, &st, "SELECT key, sample, answer FROM cases WHERE run=?1 AND answer IS NOT NULL "
			  "AND status IN ('needs-grader', 'unscored') ORDER BY key, sample"))
		return SPECC_EIO;
	sqlite3_bind_int64(st, 1, run);
	return each_row(st, to_grade_row, &w);
}

void specc_ruling_release(specc_ruling *r)
{
	free(r->judgement);
	free(r->clause);
	free(r->section);
	free(r->verdict);
	free(r->reason);
	free(r->conversation);
	free(r->answer);
	free(r->case_key);
	free(r->author);
	free(r->created);
	memset(r, 0, sizeof *r);
}

int specc_store_ruling_put(specc_store *s, const specc_ruling *r)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = SPECC_EIO;

	now_iso(now);
	if (exec1(s, &st, "INSERT OR REPLACE INTO rulings VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
			  "?10, ?11)"))
		goto out;
	bind_text(st, 1, r->judgement);
	bind_text(st, 2, r->clause ? r->clause : "");
	bind_text(st, 3, r->section ? r->section : "");
	bind_text(st, 4, r->verdict);
	bind_text(st, 5, r->reason ? r->reason : "");
	bind_text(st, 6, r->conversation ? r->conversation : "[]");
	bind_text(st, 7, r->answer ? r->answer : "");
	bind_text(st, 8, r->case_key ? r->case_key : "");
	if (r->run)
		sqlite3_bind_int64(st, 9, r->run);
	else
		sqlite3_bind_null(st, 9);
	bind_text(st, 10, r->author ? r->author : "");
	bind_text(st, 11, r->created ? r->created : now);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SPECC_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

#define RULING_COLUMNS \
	"judgement, clause, section, verdict, reason, conversation, answer, case_key, run, author, " \
	"created"

static void read_ruling(sqlite3_stmt *st, specc_ruling *r)
{
	r->judgement = col_dup(st, 0);
	r->clause = col_dup(st, 1);
	r->section = col_dup(st, 2);
	r->verdict = col_dup(st, 3);
	r->reason = col_dup(st, 4);
	r->conversation = col_dup(st, 5);
	r->answer = col_dup(st, 6);
	r->case_key = col_dup(st, 7);
	r->run = sqlite3_column_int64(st, 8);
	r->author = col_dup(st, 9);
	r->created = col_dup(st, 10);
}

int specc_store_ruling_get(specc_store *s, const char *judgement, specc_ruling *r, bool *found)
{
	sqlite3_stmt *st = NULL;
	int rc = SPECC_EIO, step;

	*found = false;
	memset(r, 0, sizeof *r);
	if (exec1(s, &st, "SELECT " RULING_COLUMNS " FROM rulings WHERE judgement=?1"))
		goto out;
	bind_text(st, 1, judgement);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		read_ruling(st, r);
		*found = true;
	}
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		rc = SPECC_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

struct ruling_walk {
	int (*fn)(void *ctx, const specc_ruling *r);
	void *ctx;
};

static int ruling_row(sqlite3_stmt *st, void *ctx)
{
	struct ruling_walk *w = ctx;
	specc_ruling r = { 0 };
	int rc;

	read_ruling(st, &r);
	rc = w->fn(w->ctx, &r);
	specc_ruling_release(&r);
	return rc;
}

int specc_store_rulings(specc_store *s, int (*fn)(void *ctx, const specc_ruling *r), void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct ruling_walk w = { fn, ctx };

	if (exec1(s, &st, "SELECT " RULING_COLUMNS " FROM rulings ORDER BY created, judgement"))
		return SPECC_EIO;
	return each_row(st, ruling_row, &w);
}

void specc_calibration_release(specc_calibration *c)
{
	free(c->fingerprint);
	free(c->created);
	free(c->grader);
	free(c->model);
	free(c->spec_fingerprint);
	free(c->report);
	memset(c, 0, sizeof *c);
}

int specc_store_calibration_put(specc_store *s, const specc_calibration *c)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = SPECC_EIO;

	now_iso(now);
	if (exec1(s, &st, "INSERT OR REPLACE INTO calibrations VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
			  "?9, ?10, ?11)"))
		goto out;
	bind_text(st, 1, c->fingerprint);
	sqlite3_bind_int64(st, 2, c->run);
	bind_text(st, 3, now);
	bind_text(st, 4, c->grader ? c->grader : "");
	bind_text(st, 5, c->model ? c->model : "");
	bind_text(st, 6, c->spec_fingerprint ? c->spec_fingerprint : "");
	sqlite3_bind_int64(st, 7, c->total);
	sqlite3_bind_int64(st, 8, c->correct);
	sqlite3_bind_double(st, 9, c->accuracy);
	if (c->kappa == c->kappa)
		sqlite3_bind_double(st, 10, c->kappa);
	else
		sqlite3_bind_null(st, 10);
	bind_text(st, 11, c->report ? c->report : "{}");
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SPECC_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

int specc_store_calibration_get(specc_store *s, const char *fingerprint, specc_calibration *c,
				bool *found)
{
	sqlite3_stmt *st = NULL;
	int rc = SPECC_EIO, step;

	*found = false;
	memset(c, 0, sizeof *c);
	if (exec1(s, &st, "SELECT fingerprint, run, created, grader, model, spec_fingerprint, total, "
			  "correct, accuracy, kappa, report FROM calibrations WHERE fingerprint=?1"))
		goto out;
	bind_text(st, 1, fingerprint);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		c->fingerprint = col_dup(st, 0);
		c->run = sqlite3_column_int64(st, 1);
		c->created = col_dup(st, 2);
		c->grader = col_dup(st, 3);
		c->model = col_dup(st, 4);
		c->spec_fingerprint = col_dup(st, 5);
		c->total = sqlite3_column_int64(st, 6);
		c->correct = sqlite3_column_int64(st, 7);
		c->accuracy = sqlite3_column_double(st, 8);
		c->kappa = sqlite3_column_type(st, 9) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 9);
		c->report = col_dup(st, 10);
		*found = true;
	}
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		rc = SPECC_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

int specc_store_case_get(specc_store *s, int64_t run, const char *key, uint32_t sample,
			 char **answer, char **status)
{
	sqlite3_stmt *st = NULL;
	int rc = SPECC_EIO, step;

	*answer = *status = NULL;
	if (exec1(s, &st, "SELECT answer, status FROM cases WHERE run=?1 AND key=?2 AND sample=?3"))
		goto out;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, key);
	sqlite3_bind_int64(st, 3, sample);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*answer = col_dup(st, 0);
		*status = col_dup(st, 1);
		rc = SPECC_OK;
	} else if (step == SQLITE_DONE) {
		rc = SPECC_EINVAL;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

int specc_store_run_latest_finished(specc_store *s, int64_t other, specc_run_info *info)
{
	sqlite3_stmt *st = NULL;
	int rc = SPECC_EIO, step;

	memset(info, 0, sizeof *info);
	/* Calibration runs grade the spec's own examples; they are no
	 * baseline for a test run. */
	if (exec1(s, &st, "SELECT " SPECC_RUN_COLUMNS " FROM runs WHERE status='finished' AND id<>?1 "
			  "AND options NOT LIKE '%\"calibration\":true%' ORDER BY id DESC LIMIT 1"))
		goto out;
	sqlite3_bind_int64(st, 1, other);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		specc_store_read_run(st, info);
		rc = SPECC_OK;
	} else if (step == SQLITE_DONE) {
		rc = SPECC_EINVAL;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

struct grades_walk {
	int (*fn)(void *ctx, const char *key, uint32_t sample, int kind, double agreement,
		  const char *reason);
	void *ctx;
};

static int grades_row(sqlite3_stmt *st, void *ctx)
{
	struct grades_walk *w = ctx;
	return w->fn(w->ctx, (const char *)sqlite3_column_text(st, 0), (uint32_t)sqlite3_column_int64(st, 1),
		     specc_verdict_from_name((const char *)sqlite3_column_text(st, 2)),
		     sqlite3_column_double(st, 3), (const char *)sqlite3_column_text(st, 4));
}

int specc_store_grades(specc_store *s, int64_t run,
		       int (*fn)(void *ctx, const char *key, uint32_t sample, int kind,
				 double agreement, const char *reason),
		       void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct grades_walk w = { fn, ctx };

	if (exec1(s, &st, "SELECT key, sample, verdict, agreement, reason FROM grades WHERE run=?1 "
			  "ORDER BY key, sample"))
		return SPECC_EIO;
	sqlite3_bind_int64(st, 1, run);
	return each_row(st, grades_row, &w);
}

struct disagree_walk {
	int (*fn)(void *ctx, const char *case_key, const char *ruled, const char *graded);
	void *ctx;
};

static int disagree_row(sqlite3_stmt *st, void *ctx)
{
	struct disagree_walk *w = ctx;
	return w->fn(w->ctx, (const char *)sqlite3_column_text(st, 0),
		     (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2));
}

int specc_store_ruling_disagreements(specc_store *s, const char *fingerprint,
				     int (*fn)(void *ctx, const char *case_key, const char *ruled,
					       const char *graded),
				     void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct disagree_walk w = { fn, ctx };

	/* One grader verdict per judgement (the first judge of the latest
	 * run) against the ruling on it. */
	if (exec1(s, &st, "SELECT r.case_key, r.verdict, (SELECT v.verdict FROM verdicts v"
			  " WHERE v.judgement=r.judgement AND v.fingerprint=?1 AND v.judge=0"
			  " AND v.verdict<>'unscored' ORDER BY v.run DESC LIMIT 1) AS g"
			  " FROM rulings r WHERE g IS NOT NULL ORDER BY r.created, r.judgement"))
		return SPECC_EIO;
	bind_text(st, 1, fingerprint);
	return each_row(st, disagree_row, &w);
}

/* ------------------------------------------------------------------ */
/* specc check --deep */

int specc_store_deep_get(specc_store *s, const char *key, int *kind, char **reason, bool *found)
{
	sqlite3_stmt *st = NULL;
	int rc = SPECC_EIO, step;

	*found = false;
	*reason = NULL;
	if (exec1(s, &st, "SELECT verdict, reason FROM deep_judgements WHERE key=?1"))
		goto out;
	bind_text(st, 1, key);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*kind = specc_deep_kind_from_name((const char *)sqlite3_column_text(st, 0));
		/* A row some other tool wrote badly is asked again, not trusted. */
		if (*kind >= 0) {
			*reason = col_dup(st, 1);
			*found = *reason != NULL;
		}
	}
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		rc = SPECC_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

int specc_store_deep_put(specc_store *s, const specc_deep_row *r)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc = SPECC_EIO;

	now_iso(now);
	if (exec1(s, &st, "INSERT OR REPLACE INTO deep_judgements VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"))
		goto out;
	bind_text(st, 1, r->key);
	bind_text(st, 2, specc_deep_kind_name(r->kind));
	bind_text(st, 3, r->reason);
	bind_text(st, 4, r->fingerprint);
	bind_text(st, 5, r->model ? r->model : "");
	bind_text(st, 6, r->clause_a);
	bind_text(st, 7, r->clause_b);
	bind_text(st, 8, now);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = SPECC_OK;
out:
	sqlite3_finalize(st);
	return rc;
}
