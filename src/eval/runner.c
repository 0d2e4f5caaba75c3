/*
 * runner.c - asks every case, checks every answer, stores every result.
 *
 * One thread does everything.  A fixed pool of job slots (one per request
 * allowed in flight) carries cases through their attempts, so memory does
 * not grow with the size of the suite.  HTTP goes through libcurl's multi
 * interface; local programs are spawned and watched with poll(); recorded
 * answers and cache hits finish at once.
 *
 *   pending cases ─▶ slot ─▶ cache? ─▶ provider ─▶ checks ─▶ store (commit)
 *                              ▲          │ 429/5xx/transport error
 *                              └─ backoff ◀┘
 */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "specc/grade.h"
#include "specc/json.h"
#include "internal.h"

extern char **environ;

volatile int specc_test_stop;

/* A response larger than this is refused: answers are text for people. */
#define MAX_RESPONSE (64u << 20)
/* Give up on an endpoint that fails this many cases in a row. */
#define BREAKER 20
/* The longest Retry-After specc waits for. */
#define MAX_RETRY_AFTER 300.0

double specc_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum job_state { JOB_FREE, JOB_ACTIVE, JOB_WAITING };

struct job {
	int state;
	uint32_t unit, sample;
	specc_buf key;
	char hash[65];
	json_t *messages;
	specc_buf body;          /* the request */
	specc_buf resp;          /* the response, capped at MAX_RESPONSE */
	specc_buf err;           /* the last attempt's error */
	specc_buf errlog;        /* every failed attempt's error, one per line */
	int attempts;
	double started, due;
	double retry_after;      /* seconds, from the last response; <0 for none */
	bool oversized;
	bool reasked;            /* grading: the grader was asked again after bad output */
	/* HTTP */
	CURL *easy;
	char curl_err[CURL_ERROR_SIZE];
	/* exec */
	pid_t pid;
	int in_fd, out_fd;
	size_t in_off;
	double deadline;
};

struct replay_entry {
	char *answer;
};

struct runner {
	const specc_project *p;
	const specc_cases *cases;
	specc_store *store;
	const specc_run_info *run;
	const specc_test_options *o;
	const specc_provider *pv;
	specc_test_totals *t;
	specc_buf *errbuf;
	bool io_failed;

	struct job *jobs;
	int nslots;
	int limit;               /* requests allowed in flight now (drops on 429) */
	int active;              /* slots in use, waiting included */
	int streak;              /* successes since the limit last changed */
	double last_cut;
	int errors_in_row;

	CURLM *multi;
	struct curl_slist *headers;
	specc_buf url;

	/* Per unit, parsed when its first case starts and freed when its
	 * last one is done, so memory follows the cases in flight, not the
	 * size of the suite. */
	struct unit_checks **sets;
	specc_map replay_keys;   /* "key\x1fsample" -> answer index */
	specc_map replay_msgs;   /* canonical messages -> answer index */
	SPECC_TABLE(struct replay_entry) replay;
	specc_arena arena;

	double started, last_progress;
	uint64_t next_case, total_cases;
	unsigned rand_state;

	/* Grading: j->unit is the plan's item, j->sample the judge. */
	bool grading;
	const specc_grade_plan *plan;
	const specc_grade_options *go;
	specc_grade_totals *gt;
	int judges;
	int *kinds;              /* item * judges + judge: the verdict kinds so far */
	int *left;               /* judges still to answer, per item */
	char (*judgements)[65];  /* per item */
	char **reasons;          /* item * 3 + kind: the first reason given for it */

	/* Asking (specc_ask_run): j->unit is the item. */
	bool asking;
	const specc_ask_options *ao;
};

/* ------------------------------------------------------------------ */
/* A unit's checks */

struct unit_checks {
	specc_expect_set set;
	int refs;                /* cases of the unit in flight */
};

/* Takes a reference to the checks of unit, parsing them first if no case
 * of the unit holds them. */
static void checks_acquire(struct runner *r, uint32_t unit)
{
	const specc_unit *u = &r->cases->units.items[unit];
	const specc_example *ex = u->example ? &r->p->examples.items[u->index]
					     : &r->p->items.items[u->index];
	struct unit_checks *c = r->sets[unit];
	specc_diags scratch;

	if (!c) {
		c = specc_xcalloc(1, sizeof *c);
		specc_expect_set_init(&c->set);
		if (ex->expect.ptr) {
			/* specc check reports broken expectations; a run uses
			 * the ones that parse. */
			specc_diags_init(&scratch);
			specc_expect_parse(&c->set, (specc_sources *)&r->p->sources, &scratch,
					   ex->expect_span);
			specc_diags_release(&scratch);
		}
		r->sets[unit] = c;
	}
	c->refs++;
}

static void checks_free(struct runner *r, uint32_t unit)
{
	specc_expect_set_release(&r->sets[unit]->set);
	free(r->sets[unit]);
	r->sets[unit] = NULL;
}

/* Drops a reference; the checks go once no case of the unit is in flight
 * and none is left to start (cases start in order, unit by unit). */
static void checks_release(struct runner *r, uint32_t unit)
{
	struct unit_checks *c = r->sets[unit];

	if (!c || --c->refs > 0)
		return;
	if (r->next_case >= (uint64_t)(unit + 1) * r->cases->repeat || specc_test_stop)
		checks_free(r, unit);
}

static const specc_expect_set *unit_set(struct runner *r, uint32_t unit)
{
	return &r->sets[unit]->set;
}

/* ------------------------------------------------------------------ */
/* Finishing a case */

static void stream_case(struct runner *r, const specc_case_result *res, const char *shown_path)
{
	json_t *o = json_object(), *checks = json_array();

	json_object_set_new(o, "key", json_string(res->key));
	json_object_set_new(o, "sample", json_integer(res->sample));
	json_object_set_new(o, "clause", json_string(res->clause));
	json_object_set_new(o, "section", json_string(res->section));
	json_object_set_new(o, "file", json_string(shown_path));
	json_object_set_new(o, "line", json_integer(res->line));
	json_object_set_new(o, "status", json_string(specc_case_status_name(res->status)));
	json_object_set_new(o, "answer", res->answer ? specc_json_string(res->answer, strlen(res->answer)) : json_null());
	json_object_set_new(o, "error", res->error ? specc_json_string(res->error, strlen(res->error)) : json_null());
	for (uint32_t i = 0; i < res->check_count; i++) {
		static const char *const outcomes[] = { "pass", "fail", "needs-grader" };
		json_t *c = json_object();
		json_object_set_new(c, "name", json_string(res->checks[i].name));
		json_object_set_new(c, "outcome", json_string(outcomes[res->checks[i].outcome]));
		if (res->checks[i].message)
			json_object_set_new(c, "message", json_string(res->checks[i].message));
		json_array_append_new(checks, c);
	}
	json_object_set_new(o, "checks", checks);
	json_object_set_new(o, "attempts", json_integer(res->attempts));
	json_object_set_new(o, "latency_ms", json_integer(res->latency_ms));
	json_object_set_new(o, "cached", json_boolean(res->cached));
	json_object_set_new(o, "prompt_tokens", json_integer(res->prompt_tokens));
	json_object_set_new(o, "completion_tokens", json_integer(res->completion_tokens));
	json_dumpf(o, r->o->stream, JSON_COMPACT);
	fputc('\n', r->o->stream);
	fflush(r->o->stream);
	json_decref(o);
}

/*
 * Checks the answer (NULL when the case errored with `error`) and commits
 * the case.
 */
static void finish_case(struct runner *r, uint32_t unit, uint32_t sample, const char *key,
			const char *hash, const char *answer, const char *error, int attempts,
			double started, int64_t ptok, int64_t ctok, bool cached, const char *errlog)
{
	const specc_unit *u = &r->cases->units.items[unit];
	const specc_example *ex = u->example ? &r->p->examples.items[u->index]
					     : &r->p->items.items[u->index];
	specc_case_result res = { 0 };
	specc_check_result checks_local[8], *checks = checks_local;
	specc_buf *whys = NULL, clause = SPECC_BUF_INIT, section = SPECC_BUF_INIT;
	const specc_expect_set *set = NULL;
	specc_pos pos;
	bool any_fail = false, needs = false;

	res.key = key;
	res.sample = sample;
	if (u->example) {
		specc_str id = r->p->sections.items[u->section].id;
		specc_buf_addf(&clause, "#%.*s", (int)id.len, id.ptr);
	} else {
		const specc_clause *c = u->clause != SPECC_NONE ? &r->p->clauses.items[u->clause] : NULL;
		specc_str id = SPECC_STR_NULL;
		if (c)
			for (uint32_t a = 0; a < c->anchor_count; a++) {
				const specc_anchor *an = &r->p->anchors.items[c->anchor_first + a];
				if (an->eval_file != SPECC_NONE &&
				    unit < r->cases->units.len &&
				    u->index >= r->p->eval_files.items[an->eval_file].item_first &&
				    u->index < r->p->eval_files.items[an->eval_file].item_first +
						       r->p->eval_files.items[an->eval_file].item_count)
					id = an->id;
			}
		if (id.ptr)
			specc_buf_add(&clause, id.ptr, id.len);
		else
			specc_buf_add(&clause, key, strcspn(key, "/"));
	}
	if (u->section != SPECC_NONE && r->p->sections.items[u->section].id.ptr) {
		specc_str id = r->p->sections.items[u->section].id;
		specc_buf_add(&section, id.ptr, id.len);
	}
	res.clause = clause.ptr;
	res.section = section.ptr;
	/* Stored relative to the project, so a run resumed from another
	 * folder stores the same paths; reports put the folder back. */
	res.file = specc_project_relative(r->p, r->p->sources.items[ex->span.file].path);
	specc_source_pos(&r->p->sources.items[ex->span.file], ex->span.start, &pos);
	res.line = pos.line;
	res.request_hash = hash;
	res.answer = answer;
	res.error = error;
	res.attempts = attempts;
	res.latency_ms = started > 0 ? (int64_t)((specc_now() - started) * 1000.0 + 0.5) : 0;
	res.prompt_tokens = ptok;
	res.completion_tokens = ctok;
	res.cached = cached;
	/* --no-cache skips the lookup, not the store: the fresh answer
	 * replaces the cached one (docs/test.md). */
	res.cacheable = r->pv->kind != SPECC_PROVIDER_REPLAY;
	res.model = r->o->model;
	res.attempt_errors = errlog && *errlog ? errlog : NULL;

	if (answer) {
		set = unit_set(r, unit);
		if (set->len > SPECC_ARRAY_SIZE(checks_local))
			checks = specc_xcalloc(set->len, sizeof *checks);
		whys = specc_xcalloc(set->len ? set->len : 1, sizeof *whys);
		for (uint32_t i = 0; i < set->len; i++) {
			specc_outcome oc = SPECC_OUTCOME_FAIL;
			specc_buf_init(&whys[i]);
			specc_expect_eval(&set->items[i], answer, strlen(answer), &oc, &whys[i]);
			checks[i].name = set->items[i].name;
			checks[i].outcome = (int)oc;
			checks[i].message = whys[i].len ? whys[i].ptr : NULL;
			any_fail |= oc == SPECC_OUTCOME_FAIL;
			needs |= oc == SPECC_OUTCOME_NEEDS_GRADER;
		}
		res.checks = checks;
		res.check_count = set->len;
		/* Nothing deterministic to check: a grader must judge it. */
		res.status = any_fail ? SPECC_CASE_FAILED
			     : needs || set->len == 0 ? SPECC_CASE_NEEDS_GRADER
						      : SPECC_CASE_PASSED;
	} else {
		res.status = SPECC_CASE_ERRORED;
	}

	if (specc_store_case_put(r->store, r->run->id, &res) != SPECC_OK) {
		if (!r->io_failed)
			specc_buf_addf(r->errbuf, "cannot store case %s: %s", key,
				       specc_store_error(r->store));
		r->io_failed = true;
	}
	if (r->o->stream)
		stream_case(r, &res, r->p->sources.items[ex->span.file].path);

	r->t->done++;
	r->t->prompt_tokens += ptok;
	r->t->completion_tokens += ctok;
	if (cached)
		r->t->cached++;
	switch (res.status) {
	case SPECC_CASE_PASSED: r->t->passed++; break;
	case SPECC_CASE_FAILED: r->t->failed++; break;
	case SPECC_CASE_ERRORED: r->t->errored++; break;
	default: r->t->needs_grader++; break;
	}
	r->errors_in_row = res.status == SPECC_CASE_ERRORED ? r->errors_in_row + 1 : 0;
	if (r->errors_in_row >= BREAKER)
		r->t->gave_up = true;

	if (whys) {
		for (uint32_t i = 0; i < (set ? set->len : 0); i++)
			specc_buf_release(&whys[i]);
		free(whys);
	}
	if (checks != checks_local)
		free(checks);
	specc_buf_release(&clause);
	specc_buf_release(&section);
}

/* ------------------------------------------------------------------ */
/* Retries */

static double jitter(struct runner *r)
{
	r->rand_state = r->rand_state * 1103515245u + 12345u;
	return 0.5 + 0.5 * (double)((r->rand_state >> 8) & 0xffff) / 65535.0;
}

static void release_job(struct runner *r, struct job *j)
{
	if (!r->grading && !r->asking)
		checks_release(r, j->unit);
	json_decref(j->messages);
	j->messages = NULL;
	j->state = JOB_FREE;
	r->active--;
}

static void start_attempt(struct runner *r, struct job *j);
static void grade_answered(struct runner *r, struct job *j, const char *output, int64_t ptok,
			   int64_t ctok);
static void grade_errored(struct runner *r, struct job *j);
static void ask_answered(struct runner *r, struct job *j, const char *output, int64_t ptok,
			 int64_t ctok);
static void ask_errored(struct runner *r, struct job *j);

/*
 * The attempt failed with j->err.  Schedules a retry when the failure is
 * one that passes (rate limits, server errors, broken transports) and
 * attempts are left; otherwise records the case as errored.
 */
static void attempt_failed(struct runner *r, struct job *j, bool retryable)
{
	double delay;

	/* Every failed attempt is kept with the case, for flaky endpoints
	 * that succeed on a retry. */
	for (size_t i = 0; i < j->err.len; i++)
		specc_buf_addch(&j->errlog, j->err.ptr[i] == '\n' ? ' ' : j->err.ptr[i]);
	specc_buf_addch(&j->errlog, '\n');

	if (retryable && j->attempts <= r->pv->retries && !specc_test_stop) {
		delay = r->pv->backoff * pow(2.0, j->attempts - 1);
		if (delay > 60)
			delay = 60;
		delay *= jitter(r);
		if (j->retry_after >= 0) {
			if (j->retry_after > MAX_RETRY_AFTER) {
				specc_buf_addf(&j->err, " (the server asked to wait %.0f s; specc waits at most %.0f)",
					       j->retry_after, MAX_RETRY_AFTER);
				goto give_up;
			}
			if (j->retry_after > delay)
				delay = j->retry_after;
		}
		j->due = specc_now() + delay;
		j->state = JOB_WAITING;
		r->t->retries++;
		return;
	}
give_up:
	if (r->grading) {
		grade_errored(r, j);
		return;
	}
	if (r->asking) {
		ask_errored(r, j);
		return;
	}
	finish_case(r, j->unit, j->sample, j->key.ptr, j->hash, NULL, j->err.ptr, j->attempts,
		    j->started, 0, 0, false, j->errlog.ptr);
	release_job(r, j);
}

static void attempt_answered(struct runner *r, struct job *j, const char *answer, int64_t ptok,
			     int64_t ctok)
{
	if (r->limit < r->nslots && ++r->streak >= r->limit) {
		r->limit++;
		r->streak = 0;
	}
	if (r->grading) {
		grade_answered(r, j, answer, ptok, ctok);
		return;
	}
	if (r->asking) {
		ask_answered(r, j, answer, ptok, ctok);
		return;
	}
	finish_case(r, j->unit, j->sample, j->key.ptr, j->hash, answer, NULL, j->attempts, j->started,
		    ptok, ctok, false, j->errlog.ptr);
	release_job(r, j);
}

/* ------------------------------------------------------------------ */
/* HTTP */

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct job *j = ctx;
	size_t len = size * n;

	if (j->resp.len + len > MAX_RESPONSE) {
		j->oversized = true;
		return 0;
	}
	specc_buf_add(&j->resp, data, len);
	return len;
}

/* Retry-After: delay-seconds or an HTTP date. */
static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	struct job *j = ctx;
	size_t len = size * n;
	static const char name[] = "retry-after:";

	if (len > sizeof name - 1 && !strncasecmp(data, name, sizeof name - 1)) {
		char *v = specc_xstrndup(data + sizeof name - 1, len - (sizeof name - 1));
		char *s = v + strspn(v, " \t"), *end;
		double secs = strtod(s, &end);
		if (end != s && isfinite(secs) && secs >= 0) {
			j->retry_after = secs;
		} else {
			time_t when = curl_getdate(s, NULL);
			if (when != -1) {
				double d = difftime(when, time(NULL));
				j->retry_after = d > 0 ? d : 0;
			}
		}
		free(v);
	}
	return len;
}

static void http_start(struct runner *r, struct job *j)
{
	if (!j->easy) {
		j->easy = curl_easy_init();
		if (!j->easy)
			specc_die_oom();
		curl_easy_setopt(j->easy, CURLOPT_URL, r->url.ptr);
		curl_easy_setopt(j->easy, CURLOPT_HTTPHEADER, r->headers);
		curl_easy_setopt(j->easy, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(j->easy, CURLOPT_WRITEDATA, j);
		curl_easy_setopt(j->easy, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(j->easy, CURLOPT_HEADERDATA, j);
		curl_easy_setopt(j->easy, CURLOPT_PRIVATE, j);
		curl_easy_setopt(j->easy, CURLOPT_ERRORBUFFER, j->curl_err);
		curl_easy_setopt(j->easy, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(j->easy, CURLOPT_TIMEOUT_MS, (long)(r->pv->timeout * 1000));
		curl_easy_setopt(j->easy, CURLOPT_CONNECTTIMEOUT_MS,
				 (long)(r->pv->connect_timeout * 1000));
		curl_easy_setopt(j->easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
		/* Wait for a connection that can multiplex rather than open
		 * another: over HTTP/2 all requests share one. */
		curl_easy_setopt(j->easy, CURLOPT_PIPEWAIT, 1L);
		curl_easy_setopt(j->easy, CURLOPT_USERAGENT, "specc/0.1");
		curl_easy_setopt(j->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	}
	specc_buf_reset(&j->resp);
	j->curl_err[0] = '\0';
	j->retry_after = -1;
	j->oversized = false;
	curl_easy_setopt(j->easy, CURLOPT_POSTFIELDS, j->body.ptr);
	curl_easy_setopt(j->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->body.len);
	if (curl_multi_add_handle(r->multi, j->easy) != CURLM_OK) {
		specc_buf_reset(&j->err);
		specc_buf_addstr(&j->err, "libcurl refused the request");
		attempt_failed(r, j, false);
	}
}

/* A short excerpt of an error body, for the error message. */
static void body_excerpt(specc_buf *out, const specc_buf *body)
{
	json_t *o = json_loadb(body->ptr, body->len, 0, NULL);
	const char *msg = json_string_value(json_object_get(json_object_get(o, "error"), "message"));
	size_t n;

	if (msg) {
		n = strlen(msg);
		specc_buf_addf(out, ": %.*s%s", (int)(n > 200 ? 200 : n), msg, n > 200 ? "..." : "");
	}
	json_decref(o);
}

static void http_done(struct runner *r, CURL *easy, CURLcode code)
{
	struct job *j = NULL;
	long status = 0;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&j);
	curl_multi_remove_handle(r->multi, easy);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	specc_buf_reset(&j->err);
	if (code != CURLE_OK) {
		if (j->oversized)
			specc_buf_addf(&j->err, "the response is larger than %u MiB", MAX_RESPONSE >> 20);
		else
			specc_buf_addf(&j->err, "%s", j->curl_err[0] ? j->curl_err : curl_easy_strerror(code));
		attempt_failed(r, j, !j->oversized);
		return;
	}
	if (status == 429 || status == 408 || status >= 500) {
		specc_buf_addf(&j->err, "HTTP %ld", status);
		body_excerpt(&j->err, &j->resp);
		if (status == 429) {
			double now = specc_now();
			/* Halve at most once a second: one burst of 429s is one
			 * signal, not 64. */
			if (now - r->last_cut > 1.0 && r->limit > 1) {
				r->limit = r->limit / 2;
				r->last_cut = now;
			}
			r->streak = 0;
		}
		attempt_failed(r, j, true);
		return;
	}
	if (status != 200) {
		specc_buf_addf(&j->err, "HTTP %ld", status);
		body_excerpt(&j->err, &j->resp);
		attempt_failed(r, j, false);
		return;
	}
	char *answer = NULL;
	int64_t ptok, ctok;
	if (specc_response_parse(j->resp.ptr, j->resp.len, &answer, &ptok, &ctok, &j->err) != SPECC_OK) {
		/* A cut or garbled body is a transport problem more often
		 * than a server that always answers badly. */
		attempt_failed(r, j, true);
		return;
	}
	r->t->calls++;
	attempt_answered(r, j, answer, ptok, ctok);
	free(answer);
}

/* ------------------------------------------------------------------ */
/* exec */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void exec_start(struct runner *r, struct job *j)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	int rc;

	if (pipe(in) || pipe(out)) {
		specc_buf_reset(&j->err);
		specc_buf_addf(&j->err, "cannot make a pipe: %s", strerror(errno));
		close_fd(&in[0]);
		close_fd(&in[1]);
		attempt_failed(r, j, true);
		return;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	/* The program runs in the project folder, so a command such as
	 * [python3, tools/answer.py] means the same program from any
	 * working directory (paths in specc.yaml are the project's), and
	 * the cache, keyed by the command, never mixes two programs. */
	if (r->p->root && r->p->root[0])
		posix_spawn_file_actions_addchdir_np(&fa, r->p->root);
	rc = posix_spawnp(&j->pid, r->pv->argv[0], &fa, NULL, (char *const *)r->pv->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (rc != 0) {
		close(in[1]);
		close(out[0]);
		specc_buf_reset(&j->err);
		specc_buf_addf(&j->err, "cannot run %s: %s", r->pv->argv[0], strerror(rc));
		j->pid = 0;
		attempt_failed(r, j, false);
		return;
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(in[1], F_SETFD, FD_CLOEXEC);
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	j->in_fd = in[1];
	j->out_fd = out[0];
	j->in_off = 0;
	j->deadline = specc_now() + r->pv->timeout;
	specc_buf_reset(&j->resp);
}

static void exec_reap(struct runner *r, struct job *j, bool timed_out)
{
	int status = 0;

	close_fd(&j->in_fd);
	close_fd(&j->out_fd);
	if (timed_out)
		kill(j->pid, SIGKILL);
	while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	j->pid = 0;
	specc_buf_reset(&j->err);
	if (timed_out) {
		specc_buf_addf(&j->err, "%s did not answer within %g s", r->pv->argv[0], r->pv->timeout);
		attempt_failed(r, j, true);
	} else if (j->oversized) {
		specc_buf_addf(&j->err, "%s wrote more than %u MiB", r->pv->argv[0], MAX_RESPONSE >> 20);
		attempt_failed(r, j, false);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status))
			specc_buf_addf(&j->err, "%s was killed by signal %d", r->pv->argv[0], WTERMSIG(status));
		else
			specc_buf_addf(&j->err, "%s exited with status %d", r->pv->argv[0],
				       WEXITSTATUS(status));
		attempt_failed(r, j, true);
	} else {
		/* One trailing newline is the program's, not the answer's. */
		if (j->resp.len && j->resp.ptr[j->resp.len - 1] == '\n')
			j->resp.ptr[--j->resp.len] = '\0';
		if (memchr(j->resp.ptr, '\0', j->resp.len)) {
			specc_buf_addf(&j->err, "%s wrote a NUL byte", r->pv->argv[0]);
			attempt_failed(r, j, false);
			return;
		}
		/* Silence is a program that failed without saying so (a
		 * crash caught by a wrapper, a wrong mode), not an empty
		 * answer: taken as one, it would pass every not-contains
		 * check and be cached. */
		if (j->resp.len == 0) {
			specc_buf_addf(&j->err, "%s exited without writing an answer", r->pv->argv[0]);
			attempt_failed(r, j, true);
			return;
		}
		r->t->calls++;
		attempt_answered(r, j, j->resp.ptr, 0, 0);
	}
}

/* One round of poll() over the running programs' pipes. */
static void exec_poll(struct runner *r, int timeout_ms)
{
	struct pollfd *fds = specc_xcalloc((size_t)r->nslots * 2 + 1, sizeof *fds);
	struct job **who = specc_xcalloc((size_t)r->nslots * 2 + 1, sizeof *who);
	int n = 0;
	double now;

	for (int i = 0; i < r->nslots; i++) {
		struct job *j = &r->jobs[i];
		if (j->state != JOB_ACTIVE || !j->pid)
			continue;
		if (j->in_fd >= 0) {
			fds[n].fd = j->in_fd;
			fds[n].events = POLLOUT;
			who[n++] = j;
		}
		fds[n].fd = j->out_fd;
		fds[n].events = POLLIN;
		who[n++] = j;
	}
	if (n == 0) {
		if (timeout_ms > 0)
			poll(NULL, 0, timeout_ms);
		goto out;
	}
	if (poll(fds, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		goto out;
	for (int k = 0; k < n; k++) {
		struct job *j = who[k];
		if (!fds[k].revents || !j->pid)
			continue;
		if (fds[k].fd == j->in_fd) {
			ssize_t w = write(j->in_fd, j->body.ptr + j->in_off, j->body.len - j->in_off);
			if (w > 0)
				j->in_off += (size_t)w;
			/* A program that stops reading early has still answered. */
			if (j->in_off == j->body.len || (w < 0 && errno != EAGAIN && errno != EINTR))
				close_fd(&j->in_fd);
		} else if (fds[k].fd == j->out_fd) {
			char buf[65536];
			ssize_t got = read(j->out_fd, buf, sizeof buf);
			if (got > 0) {
				if (j->resp.len + (size_t)got > MAX_RESPONSE)
					j->oversized = true;
				else
					specc_buf_add(&j->resp, buf, (size_t)got);
			} else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
				exec_reap(r, j, false);
			}
		}
	}
out:
	now = specc_now();
	for (int i = 0; i < r->nslots; i++) {
		struct job *j = &r->jobs[i];
		if (j->state == JOB_ACTIVE && j->pid && now > j->deadline)
			exec_reap(r, j, true);
	}
	free(fds);
	free(who);
}

/* ------------------------------------------------------------------ */
/* replay */

static void replay_key(specc_buf *b, const char *key, uint32_t sample)
{
	specc_buf_reset(b);
	specc_buf_addf(b, "%s\x1f%u", key, sample);
}

static int replay_load(struct runner *r)
{
	FILE *f = fopen(r->pv->file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	specc_buf k = SPECC_BUF_INIT;
	int rc = SPECC_OK;

	if (!f) {
		specc_buf_addf(r->errbuf, "cannot read the recordings %s: %s", r->pv->file, strerror(errno));
		return SPECC_EIO;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		json_error_t jerr;
		json_t *o, *answer, *key, *msgs;
		uint32_t idx;

		lineno++;
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue;
		o = json_loadb(line, (size_t)len, 0, &jerr);
		answer = json_object_get(o, "answer");
		key = json_object_get(o, "case");
		msgs = json_object_get(o, "messages");
		if (!o || !json_is_string(answer) || (!json_is_string(key) && !json_is_array(msgs))) {
			specc_buf_addf(r->errbuf, "%s:%u: %s", r->pv->file, lineno,
				       !o ? jerr.text
					  : "each line must be an object with \"answer\" and either \"case\" "
					    "or \"messages\"");
			json_decref(o);
			rc = SPECC_ESYNTAX;
			break;
		}
		idx = r->replay.len;
		SPECC_PUSH(r->replay)->answer =
			specc_arena_strndup(&r->arena, json_string_value(answer), json_string_length(answer));
		if (json_is_string(key)) {
			replay_key(&k, json_string_value(key),
				   (uint32_t)json_integer_value(json_object_get(o, "sample")));
			specc_map_put(&r->replay_keys, specc_arena_str(&r->arena, k.ptr, k.len), idx, NULL);
		}
		if (json_is_array(msgs)) {
			char *text = json_dumps(msgs, JSON_COMPACT | JSON_SORT_KEYS);
			specc_map_put(&r->replay_msgs, specc_arena_str(&r->arena, text, strlen(text)), idx,
				      NULL);
			free(text);
		}
		json_decref(o);
	}
	free(line);
	specc_buf_release(&k);
	fclose(f);
	return rc;
}

static const char *replay_find(struct runner *r, struct job *j)
{
	specc_buf k = SPECC_BUF_INIT;
	uint32_t idx;
	char *text;

	replay_key(&k, j->key.ptr, j->sample);
	idx = specc_map_get(&r->replay_keys, specc_str_make(k.ptr, k.len));
	specc_buf_release(&k);
	if (idx == SPECC_NONE) {
		text = json_dumps(j->messages, JSON_COMPACT | JSON_SORT_KEYS);
		idx = specc_map_get(&r->replay_msgs, specc_str_make(text, strlen(text)));
		free(text);
	}
	return idx == SPECC_NONE ? NULL : r->replay.items[idx].answer;
}

/* ------------------------------------------------------------------ */
/* The loop */

static void start_attempt(struct runner *r, struct job *j)
{
	j->attempts++;
	j->state = JOB_ACTIVE;
	if (r->pv->kind == SPECC_PROVIDER_OPENAI)
		http_start(r, j);
	else
		exec_start(r, j);
}

/* Takes the next case that needs asking into slot j; false when none is
 * left.  Cases answered at once (cache, replay) finish here. */
static bool next_grade(struct runner *r, struct job *j);

/* An exec program's request: the messages plus which case it is (and,
 * for a grader, which judge, when judge >= 0), one line of JSON. */
static void exec_body(struct runner *r, struct job *j, uint32_t sample, int judge)
{
	json_t *o = json_object();
	char *text;

	json_object_set_new(o, "case", json_string(j->key.ptr));
	json_object_set_new(o, "sample", json_integer(sample));
	if (judge >= 0)
		json_object_set_new(o, "judge", json_integer(judge));
	json_object_set_new(o, "model", json_string(r->o->model ? r->o->model : ""));
	json_object_set(o, "messages", j->messages);
	text = json_dumps(o, JSON_COMPACT);
	if (!text)
		specc_die_oom();
	specc_buf_addstr(&j->body, text);
	specc_buf_addch(&j->body, '\n');
	free(text);
	json_decref(o);
}
static void batch_case(struct runner *r, struct job *j, bool grade, uint32_t sample, int judge);

static bool next_ask(struct runner *r, struct job *j);

static bool next_case(struct runner *r, struct job *j)
{
	if (r->grading)
		return next_grade(r, j);
	if (r->asking)
		return next_ask(r, j);
	while (r->next_case < r->total_cases && !specc_test_stop && !r->t->gave_up && !r->io_failed) {
		uint64_t i = r->next_case++;
		uint32_t unit = (uint32_t)(i / r->cases->repeat), sample = (uint32_t)(i % r->cases->repeat);
		const specc_unit *u = &r->cases->units.items[unit];
		bool done = false;

		/* The unit before is left behind: its checks go if nothing of
		 * it is in flight (its last samples may have been skipped). */
		if (unit > 0 && r->sets[unit - 1] && r->sets[unit - 1]->refs == 0)
			checks_free(r, unit - 1);

		specc_buf_reset(&j->key);
		specc_case_key(r->p, u, &j->key);
		if (!specc_case_in_shard(r->cases, j->key.ptr, sample))
			continue;
		if (specc_store_case_done(r->store, r->run->id, j->key.ptr, sample, &done) != SPECC_OK) {
			specc_buf_addf(r->errbuf, "cannot read the store: %s", specc_store_error(r->store));
			r->io_failed = true;
			return false;
		}
		if (done) {
			r->t->skipped++;
			continue;
		}
		j->unit = unit;
		checks_acquire(r, unit);
		j->sample = sample;
		j->attempts = 0;
		specc_buf_reset(&j->errlog);
		j->started = specc_now();
		j->messages = specc_case_messages(r->p, u, r->pv->developer_role);
		specc_request_hash(r->pv, r->o->model, j->messages, sample, j->hash);
		r->active++;
		if (r->pv->kind == SPECC_PROVIDER_REPLAY) {
			const char *answer = replay_find(r, j);
			j->attempts = 1;
			if (!answer)
				specc_buf_reset(&j->err),
					specc_buf_addf(&j->err, "no recorded answer for case %s (sample %u) in %s",
						       j->key.ptr, sample, r->pv->file);
			/* No call was made, so no latency is reported. */
			finish_case(r, unit, sample, j->key.ptr, j->hash, answer, answer ? NULL : j->err.ptr,
				    1, 0, 0, 0, false, NULL);
			release_job(r, j);
			continue;
		}
		if (!r->o->no_cache) {
			char *answer = NULL;
			int64_t ptok = 0, ctok = 0;
			if (specc_store_cache_get(r->store, j->hash, &answer, &ptok, &ctok) == SPECC_OK &&
			    answer) {
				finish_case(r, unit, sample, j->key.ptr, j->hash, answer, NULL, 0, 0, ptok,
					    ctok, true, NULL);
				free(answer);
				release_job(r, j);
				continue;
			}
		}
		specc_buf_reset(&j->body);
		if (r->pv->kind == SPECC_PROVIDER_OPENAI) {
			specc_request_body(r->pv, r->o->model, j->messages, sample, &j->body);
		} else {
			exec_body(r, j, sample, -1);
		}
		if (r->o->batch_in || r->o->batch_out) {
			batch_case(r, j, false, sample, 0);
			continue;
		}
		start_attempt(r, j);
		return true;
	}
	return false;
}

/*
 * Batch work in place of a call for the request in slot j: its result is
 * taken from the batch being imported, or the request is written to the
 * batch being exported, or it stays pending.  The slot is free after.
 */
static void batch_case(struct runner *r, struct job *j, bool grade, uint32_t sample, int judge)
{
	specc_buf id = SPECC_BUF_INIT;
	const char *answer = NULL, *error = NULL;
	int64_t ptok = 0, ctok = 0;

	specc_batch_id(&id, r->run->id, grade, sample, judge, j->key.ptr);
	if (r->o->batch_in && specc_batch_get(r->o->batch_in, id.ptr, &answer, &error, &ptok, &ctok)) {
		r->t->imported++;
		r->t->calls++;
		j->attempts = 1;
		if (answer) {
			/* A bad verdict is not asked again online: a later
			 * round (batch or not) grades it anew. */
			j->reasked = true;
			attempt_answered(r, j, answer, ptok, ctok);
		} else {
			specc_buf_reset(&j->err);
			specc_buf_addstr(&j->err, error);
			if (grade) {
				grade_errored(r, j);
			} else {
				finish_case(r, j->unit, j->sample, j->key.ptr, j->hash, NULL, j->err.ptr, 1, 0, 0,
					    0, false, NULL);
				release_job(r, j);
			}
		}
	} else {
		if (r->o->batch_out) {
			specc_batch_write(r->o->batch_out, id.ptr, j->body.ptr, j->body.len);
			r->t->exported++;
		} else {
			r->t->pending++;
		}
		release_job(r, j);
	}
	specc_buf_release(&id);
}

/* ------------------------------------------------------------------ */
/* Grading */

static void store_failed(struct runner *r, const char *what, const char *key)
{
	if (!r->io_failed)
		specc_buf_addf(r->errbuf, "cannot store the %s of case %s: %s", what, key,
			       specc_store_error(r->store));
	r->io_failed = true;
}

static void count_grade(struct runner *r, int kind)
{
	r->gt->graded++;
	switch (kind) {
	case SPECC_VERDICT_COMPLIANT: r->gt->compliant++; break;
	case SPECC_VERDICT_VIOLATION: r->gt->violation++; break;
	case SPECC_VERDICT_UNCLEAR: r->gt->unclear++; break;
	default: r->gt->unscored++; break;
	}
}

/* The item's verdicts are all in: its grade is their majority. */
static void settle(struct runner *r, uint32_t item)
{
	const specc_grade_item *it = &r->plan->items.items[item];
	specc_grade_row g = { 0 };

	g.key = it->key;
	g.sample = it->sample;
	g.kind = specc_verdict_majority(&r->kinds[(size_t)item * r->judges], r->judges, &g.agreement);
	g.judges = r->judges;
	g.source = "grader";
	g.judgement = r->judgements[item];
	if (g.kind != SPECC_VERDICT_UNSCORED)
		g.reason = r->reasons[(size_t)item * 3 + g.kind];
	else {
		bool any = false;
		for (int k = 0; k < r->judges; k++)
			any |= r->kinds[(size_t)item * r->judges + k] != SPECC_VERDICT_UNSCORED;
		if (any)
			r->gt->split++;
		g.reason = any ? "the judges did not agree" : "no judge gave a usable verdict";
	}
	if (specc_store_grade_put(r->store, r->run->id, &g) != SPECC_OK)
		store_failed(r, "grade", it->key);
	count_grade(r, g.kind);
	for (int k = 0; k < 3; k++) {
		free(r->reasons[(size_t)item * 3 + k]);
		r->reasons[(size_t)item * 3 + k] = NULL;
	}
}

static void judge_done(struct runner *r, uint32_t item, uint32_t judge, const specc_verdict *v)
{
	r->kinds[(size_t)item * r->judges + judge] = v->kind;
	if (v->kind < 3 && !r->reasons[(size_t)item * 3 + v->kind])
		r->reasons[(size_t)item * 3 + v->kind] = specc_xstrdup(v->reason ? v->reason : "");
	r->t->done++;
	if (--r->left[item] == 0)
		settle(r, item);
}

static void put_verdict(struct runner *r, uint32_t item, uint32_t judge, specc_verdict_row *row)
{
	const specc_grade_item *it = &r->plan->items.items[item];

	row->key = it->key;
	row->sample = it->sample;
	row->judge = (int)judge;
	row->judgement = r->judgements[item];
	if (!row->fingerprint)
		row->fingerprint = r->go->fingerprint;
	row->model = r->o->model;
	if (specc_store_verdict_put(r->store, r->run->id, row) != SPECC_OK)
		store_failed(r, "verdict", it->key);
	judge_done(r, item, judge, &row->v);
}

/*
 * Output that did not validate (why says how) is asked for once more, as
 * the issue of a sampled model; a model that answers badly twice is not
 * guessed at.  Returns true when j was asked again (why is then released).
 */
static bool ask_again(struct runner *r, struct job *j, specc_buf *why)
{
	if (j->reasked || specc_test_stop)
		return false;
	j->reasked = true;
	specc_buf_addf(&j->errlog, "%s\n", why->ptr);
	specc_buf_release(why);
	start_attempt(r, j);
	return true;
}

static void grade_answered(struct runner *r, struct job *j, const char *output, int64_t ptok,
			   int64_t ctok)
{
	specc_verdict_row row = { 0 };
	specc_buf why = SPECC_BUF_INIT;

	if (specc_verdict_parse(r->p, output, strlen(output), &row.v, &why) != SPECC_OK) {
		r->gt->invalid++;
		if (ask_again(r, j, &why))
			return;
		row.v.kind = SPECC_VERDICT_UNSCORED;
		row.error = why.ptr;
	}
	r->errors_in_row = 0;
	row.source = "grader";
	row.request_hash = j->hash;
	row.attempts = j->attempts;
	row.output = output;
	row.prompt_tokens = ptok;
	row.completion_tokens = ctok;
	r->t->prompt_tokens += ptok;
	r->t->completion_tokens += ctok;
	put_verdict(r, j->unit, j->sample, &row);
	specc_verdict_release(&row.v);
	specc_buf_release(&why);
	release_job(r, j);
}

static void grade_errored(struct runner *r, struct job *j)
{
	specc_verdict_row row = { 0 };

	row.v.kind = SPECC_VERDICT_UNSCORED;
	row.source = "grader";
	row.request_hash = j->hash;
	row.attempts = j->attempts;
	row.error = j->err.ptr ? j->err.ptr : "the grader failed";
	put_verdict(r, j->unit, j->sample, &row);
	if (++r->errors_in_row >= BREAKER)
		r->t->gave_up = true;
	release_job(r, j);
}

/* A ruling settles the whole item: the judges are not asked. */
static bool apply_ruling(struct runner *r, uint32_t item)
{
	const specc_grade_item *it = &r->plan->items.items[item];
	specc_ruling ru;
	bool found = false;
	specc_verdict_row row = { 0 };
	specc_grade_row g = { 0 };

	if (specc_store_ruling_get(r->store, r->judgements[item], &ru, &found) != SPECC_OK) {
		store_failed(r, "ruling", it->key);
		return false;
	}
	if (!found)
		return false;
	row.key = it->key;
	row.sample = it->sample;
	/* Judge -1: the ruling sits beside the judges' verdicts, which stay
	 * as calibration data. */
	row.judge = -1;
	row.v.kind = specc_verdict_from_name(ru.verdict);
	row.v.confidence = 1;
	row.v.reason = ru.reason;
	row.v.violated = (char *)"[]";
	row.source = "ruling";
	row.fingerprint = "";
	row.judgement = r->judgements[item];
	g.key = it->key;
	g.sample = it->sample;
	g.kind = row.v.kind < 0 ? SPECC_VERDICT_UNSCORED : row.v.kind;
	row.v.kind = g.kind;
	g.agreement = 1;
	g.judges = 1;
	g.source = "ruling";
	g.reason = ru.reason;
	g.judgement = r->judgements[item];
	if (specc_store_verdict_put(r->store, r->run->id, &row) != SPECC_OK ||
	    specc_store_grade_put(r->store, r->run->id, &g) != SPECC_OK)
		store_failed(r, "ruling", it->key);
	r->gt->ruled++;
	count_grade(r, g.kind);
	r->t->done += r->judges;
	r->left[item] = 0;
	specc_ruling_release(&ru);
	return true;
}

/* Takes the next verdict that needs asking into slot j; verdicts known
 * without a call are stored here. */
static bool next_grade(struct runner *r, struct job *j)
{
	while (r->next_case < r->total_cases && !specc_test_stop && !r->t->gave_up && !r->io_failed) {
		uint64_t i = r->next_case++;
		uint32_t item = (uint32_t)(i / (uint64_t)r->judges), judge = (uint32_t)(i % (uint64_t)r->judges);
		const specc_grade_item *it = &r->plan->items.items[item];
		specc_verdict v;
		bool found = false;

		if (judge == 0) {
			specc_grade_judgement_key(r->p, &it->subject, r->judgements[item]);
			r->left[item] = r->judges;
			if (apply_ruling(r, item)) {
				r->next_case = (uint64_t)(item + 1) * (uint64_t)r->judges;
				continue;
			}
			if (r->io_failed)
				return false;
		}
		/* Resumed: this judge has spoken. */
		if (specc_store_verdict_find(r->store, r->run->id, it->key, it->sample, NULL, NULL,
					     (int)judge, &v, &found) != SPECC_OK) {
			store_failed(r, "verdict", it->key);
			return false;
		}
		if (found) {
			judge_done(r, item, judge, &v);
			specc_verdict_release(&v);
			continue;
		}
		/* Judged before, in another run, by the same grader. */
		if (!r->o->no_cache) {
			if (specc_store_verdict_find(r->store, 0, NULL, 0, r->judgements[item],
						     r->go->fingerprint, (int)judge, &v, &found) != SPECC_OK) {
				store_failed(r, "verdict", it->key);
				return false;
			}
			if (found) {
				specc_verdict_row row = { 0 };
				row.v = v;
				row.source = "earlier";
				row.cached = true;
				r->gt->reused++;
				r->t->cached++;
				put_verdict(r, item, judge, &row);
				specc_verdict_release(&v);
				continue;
			}
		}
		j->unit = item;
		j->sample = judge;
		j->attempts = 0;
		j->reasked = false;
		specc_buf_reset(&j->errlog);
		specc_buf_reset(&j->key);
		specc_buf_addstr(&j->key, it->key);
		j->started = specc_now();
		j->messages = specc_grade_messages(r->p, &it->subject);
		specc_request_hash(r->pv, r->o->model, j->messages, judge, j->hash);
		r->active++;
		if (!r->o->no_cache) {
			char *out = NULL;
			int64_t ptok = 0, ctok = 0;
			specc_buf why = SPECC_BUF_INIT;
			if (specc_store_cache_get(r->store, j->hash, &out, &ptok, &ctok) == SPECC_OK && out &&
			    specc_verdict_parse(r->p, out, strlen(out), &v, &why) == SPECC_OK) {
				specc_verdict_row row = { 0 };
				row.v = v;
				row.source = "grader";
				row.cached = true;
				row.request_hash = j->hash;
				row.output = out;
				r->t->cached++;
				put_verdict(r, item, judge, &row);
				specc_verdict_release(&v);
				specc_buf_release(&why);
				free(out);
				release_job(r, j);
				continue;
			}
			specc_buf_release(&why);
			free(out);
		}
		specc_buf_reset(&j->body);
		if (r->pv->kind == SPECC_PROVIDER_OPENAI) {
			specc_request_body(r->pv, r->o->model, j->messages, judge, &j->body);
		} else if (r->pv->kind == SPECC_PROVIDER_EXEC) {
			exec_body(r, j, it->sample, (int)judge);
		} else {
			specc_buf_reset(&j->err);
			specc_buf_addstr(&j->err, "a replay provider cannot grade");
			j->attempts = 1;
			grade_errored(r, j);
			continue;
		}
		if (r->o->batch_in || r->o->batch_out) {
			batch_case(r, j, true, it->sample, (int)judge);
			continue;
		}
		start_attempt(r, j);
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Asking: requests whose answers a callback reads */

static void ask_answered(struct runner *r, struct job *j, const char *output, int64_t ptok,
			 int64_t ctok)
{
	specc_buf why = SPECC_BUF_INIT;

	r->t->prompt_tokens += ptok;
	r->t->completion_tokens += ctok;
	if (r->ao->accept(r->ao->ctx, j->unit, output, &why) != SPECC_OK) {
		if (ask_again(r, j, &why))
			return;
		r->ao->fail(r->ao->ctx, j->unit, why.len ? why.ptr : "the answer was not usable");
		r->t->errored++;
	}
	r->errors_in_row = 0;
	r->t->done++;
	specc_buf_release(&why);
	release_job(r, j);
}

static void ask_errored(struct runner *r, struct job *j)
{
	r->ao->fail(r->ao->ctx, j->unit, j->err.len ? j->err.ptr : "the request failed");
	r->t->errored++;
	r->t->done++;
	if (++r->errors_in_row >= BREAKER)
		r->t->gave_up = true;
	release_job(r, j);
}

/* Takes the next item into slot j; false when none is left. */
static bool next_ask(struct runner *r, struct job *j)
{
	while (r->next_case < r->total_cases && !specc_test_stop && !r->t->gave_up) {
		uint32_t item = (uint32_t)r->next_case++;

		j->unit = item;
		j->sample = 0;
		j->attempts = 0;
		j->reasked = false;
		specc_buf_reset(&j->errlog);
		specc_buf_reset(&j->key);
		j->started = specc_now();
		j->messages = r->ao->request(r->ao->ctx, item, &j->key);
		r->active++;
		specc_buf_reset(&j->body);
		if (r->pv->kind == SPECC_PROVIDER_OPENAI) {
			specc_request_body(r->pv, r->o->model, j->messages, 0, &j->body);
		} else if (r->pv->kind == SPECC_PROVIDER_EXEC) {
			exec_body(r, j, 0, -1);
		} else {
			specc_buf_reset(&j->err);
			specc_buf_addstr(&j->err, "a replay provider answers only the cases it recorded");
			j->attempts = 1;
			ask_errored(r, j);
			continue;
		}
		start_attempt(r, j);
		return true;
	}
	return false;
}

static void progress(struct runner *r, bool final)
{
	double now = specc_now(), el = now - r->started, rate;
	int64_t left;

	if (!r->o->progress || (!final && now - r->last_progress < 0.2))
		return;
	r->last_progress = now;
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	rate = el > 0 ? (double)r->t->done / el : 0;
	left = r->t->total - r->t->done - r->t->skipped;
	fprintf(stderr, "\r\033[K%lld/%lld %s  %.0f/s", (long long)(r->t->done + r->t->skipped),
		(long long)r->t->total, r->asking && r->ao->noun ? r->ao->noun : "cases", rate);
	if (rate > 0 && left > 0)
		fprintf(stderr, "  ETA %.0fs", (double)left / rate);
	fprintf(stderr, "  %lld failed  %lld errors  %lld tokens", (long long)r->t->failed,
		(long long)r->t->errored, (long long)(r->t->prompt_tokens + r->t->completion_tokens));
	fflush(stderr);
}

static void set_up_http(struct runner *r, const char *api_key)
{
	r->multi = curl_multi_init();
	if (!r->multi)
		specc_die_oom();
	curl_multi_setopt(r->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(r->multi, CURLMOPT_MAXCONNECTS, (long)r->nslots);
	specc_buf_addstr(&r->url, r->pv->base_url);
	while (r->url.len && r->url.ptr[r->url.len - 1] == '/')
		r->url.ptr[--r->url.len] = '\0';
	specc_buf_addstr(&r->url, "/chat/completions");
	r->headers = curl_slist_append(r->headers, "Content-Type: application/json");
	/* libcurl would wait for "100 Continue" on large bodies: a wasted
	 * round trip per request. */
	r->headers = curl_slist_append(r->headers, "Expect:");
	for (uint32_t i = 0; i < r->pv->header_count; i++)
		r->headers = curl_slist_append(r->headers, r->pv->headers[i]);
	if (api_key) {
		specc_buf h = SPECC_BUF_INIT;
		specc_buf_addf(&h, "Authorization: Bearer %s", api_key);
		r->headers = curl_slist_append(r->headers, h.ptr);
		/* The key lives only in libcurl's copy. */
		memset(h.ptr, 0, h.len);
		specc_buf_release(&h);
	}
}

/* Drops the request in slot j unanswered (a stop): a case or verdict
 * stays unstored for a resume; an item asked for a caller is failed, so
 * the caller hears of every item. */
static void abandon(struct runner *r, struct job *j)
{
	if (r->asking)
		r->ao->fail(r->ao->ctx, j->unit, "not answered: interrupted");
	release_job(r, j);
}

/*
 * The engine: drives r's cases (or grading items) through the provider r->pv
 * until none is left, the run is stopped, or the store fails.  r comes with
 * its inputs set; everything else is set up and released here.
 */
static int run_engine(struct runner *r)
{
	const char *api_key = NULL;
	int rc = SPECC_OK;

	r->nslots = r->o->concurrency > 0 ? r->o->concurrency : 1;
	if (r->pv->kind == SPECC_PROVIDER_REPLAY)
		r->nslots = 1;
	r->limit = r->nslots;
	r->rand_state = (unsigned)time(NULL) ^ (unsigned)getpid();
		r->started = specc_now();
	specc_arena_init(&r->arena);
	specc_buf_init(&r->url);
	r->sets = specc_xcalloc(r->cases && r->cases->units.len ? r->cases->units.len : 1,
				sizeof *r->sets);
	r->jobs = specc_xcalloc((size_t)r->nslots, sizeof *r->jobs);
	for (int i = 0; i < r->nslots; i++) {
		specc_buf_init(&r->jobs[i].key);
		specc_buf_init(&r->jobs[i].body);
		specc_buf_init(&r->jobs[i].resp);
		specc_buf_init(&r->jobs[i].err);
		specc_buf_init(&r->jobs[i].errlog);
		r->jobs[i].in_fd = r->jobs[i].out_fd = -1;
	}
	if (r->pv->api_key_env)
		api_key = getenv(r->pv->api_key_env);
	if (r->pv->kind == SPECC_PROVIDER_OPENAI)
		set_up_http(r, api_key);
	if (r->pv->kind == SPECC_PROVIDER_REPLAY && (rc = replay_load(r)) != SPECC_OK)
		goto out;

	for (;;) {
		double now, wait = 0.1;
		bool idle = true;

		/* Retries that are due go first: they have waited longest. */
		now = specc_now();
		for (int i = 0; i < r->nslots; i++) {
			struct job *j = &r->jobs[i];
			if (j->state == JOB_WAITING) {
				if (specc_test_stop) {
					/* The case stays unstored; a resume asks it. */
					abandon(r, j);
				} else if (j->due <= now) {
					start_attempt(r, j);
				} else if (j->due - now < wait) {
					wait = j->due - now;
				}
			}
		}
		/* Fill free slots up to the current limit. */
		for (int i = 0; i < r->nslots && r->active < r->limit; i++)
			if (r->jobs[i].state == JOB_FREE) {
				if (!next_case(r, &r->jobs[i]))
					break;
				idle = false;
			}
		if (r->active == 0 && (r->next_case >= r->total_cases || specc_test_stop || r->t->gave_up ||
				      r->io_failed))
			break;
		if (specc_test_stop) {
			/* Abandon what is in flight: it was never stored, so a
			 * resume asks it again, and nothing is stored twice. */
			for (int i = 0; i < r->nslots; i++) {
				struct job *j = &r->jobs[i];
				if (j->state != JOB_ACTIVE)
					continue;
				if (j->easy)
					curl_multi_remove_handle(r->multi, j->easy);
				if (j->pid) {
					kill(j->pid, SIGKILL);
					close_fd(&j->in_fd);
					close_fd(&j->out_fd);
					waitpid(j->pid, NULL, 0);
					j->pid = 0;
				}
				abandon(r, j);
			}
			continue;
		}
		if (r->pv->kind == SPECC_PROVIDER_OPENAI) {
			int running = 0, numfds = 0, left;
			CURLMsg *m;
			curl_multi_perform(r->multi, &running);
			while ((m = curl_multi_info_read(r->multi, &left)))
				if (m->msg == CURLMSG_DONE)
					http_done(r, m->easy_handle, m->data.result);
			curl_multi_perform(r->multi, &running);
			if (running || r->active)
				curl_multi_poll(r->multi, NULL, 0, idle ? (int)(wait * 1000) + 1 : 0, &numfds);
		} else if (r->pv->kind == SPECC_PROVIDER_EXEC) {
			exec_poll(r, idle ? (int)(wait * 1000) + 1 : 0);
		}
		progress(r, false);
	}
	progress(r, true);
	r->t->interrupted = specc_test_stop != 0;
	if (r->io_failed)
		rc = SPECC_EIO;
out:
	for (int i = 0; i < r->nslots; i++) {
		struct job *j = &r->jobs[i];
		if (j->easy) {
			curl_multi_remove_handle(r->multi, j->easy);
			curl_easy_cleanup(j->easy);
		}
		json_decref(j->messages);
		specc_buf_release(&j->key);
		specc_buf_release(&j->body);
		specc_buf_release(&j->resp);
		specc_buf_release(&j->err);
		specc_buf_release(&j->errlog);
	}
	free(r->jobs);
	for (uint32_t i = 0; r->cases && i < r->cases->units.len; i++)
		if (r->sets[i])
			checks_free(r, i);
	free(r->sets);
	if (r->multi)
		curl_multi_cleanup(r->multi);
	curl_slist_free_all(r->headers);
	specc_buf_release(&r->url);
	specc_map_release(&r->replay_keys);
	specc_map_release(&r->replay_msgs);
	SPECC_TABLE_FREE(r->replay);
	specc_arena_release(&r->arena);
	return rc;
}

int specc_test_run(const specc_project *p, const specc_cases *cases, specc_store *s,
		   const specc_run_info *run, const specc_test_options *o, specc_test_totals *t,
		   specc_buf *err)
{
	struct runner r = { 0 };

	r.p = p;
	r.cases = cases;
	r.store = s;
	r.run = run;
	r.o = o;
	r.pv = o->provider;
	r.t = t;
	r.errbuf = err;
	r.total_cases = (uint64_t)cases->units.len * cases->repeat;
	return run_engine(&r);
}

int specc_grade_run(const specc_project *p, const specc_grade_plan *plan, specc_store *s,
		    const specc_run_info *run, const specc_grade_options *o,
		    specc_grade_totals *gt, specc_test_totals *t, specc_buf *err)
{
	struct runner r = { 0 };
	specc_provider pv = *o->provider;
	specc_test_options to = { 0 };
	size_t n = plan->items.len;
	int rc;

	if (n == 0)
		return SPECC_OK;
	pv.response_format = o->structured && pv.kind == SPECC_PROVIDER_OPENAI
				     ? specc_grade_response_format()
				     : NULL;
	to.provider = &pv;
	to.model = o->model;
	to.concurrency = o->concurrency;
	to.no_cache = o->no_cache;
	to.progress = o->progress;
	to.batch_out = o->batch_out;
	to.batch_in = o->batch_in;
	r.p = p;
	r.store = s;
	r.run = run;
	r.o = &to;
	r.pv = &pv;
	r.t = t;
	r.errbuf = err;
	r.grading = true;
	r.plan = plan;
	r.go = o;
	r.gt = gt;
	r.judges = o->judges > 0 ? o->judges : 1;
	r.total_cases = (uint64_t)n * (uint64_t)r.judges;
	r.kinds = specc_xcalloc(n * (size_t)r.judges, sizeof *r.kinds);
	r.left = specc_xcalloc(n, sizeof *r.left);
	r.judgements = specc_xcalloc(n, sizeof *r.judgements);
	r.reasons = specc_xcalloc(n * 3, sizeof *r.reasons);
	t->total += (int64_t)r.total_cases;
	rc = run_engine(&r);
	for (size_t i = 0; i < n * 3; i++)
		free(r.reasons[i]);
	free(r.reasons);
	free(r.judgements);
	free(r.left);
	free(r.kinds);
	return rc;
}

int specc_ask_run(const specc_project *p, uint32_t n, const specc_ask_options *o, specc_test_totals *t,
		  specc_buf *err)
{
	struct runner r = { 0 };
	specc_test_options to = { 0 };
	int rc;

	if (n == 0)
		return SPECC_OK;
	to.provider = o->provider;
	to.model = o->model;
	to.concurrency = o->concurrency;
	to.progress = o->progress;
	/* The caller keeps its own answers (the deep check's store). */
	to.no_cache = true;
	r.p = p;
	r.o = &to;
	r.pv = o->provider;
	r.t = t;
	r.errbuf = err;
	r.asking = true;
	r.ao = o;
	r.total_cases = n;
	t->total += n;
	rc = run_engine(&r);
	/* What was never started still gets an answer: the caller counts it. */
	for (uint64_t i = r.next_case; i < n; i++) {
		specc_buf why = SPECC_BUF_INIT;
		if (t->gave_up)
			specc_buf_addf(&why, "not asked: %d requests in a row failed before it, so specc stopped asking",
				       BREAKER);
		else
			specc_buf_addstr(&why, "not asked: interrupted");
		o->fail(o->ctx, (uint32_t)i, why.ptr);
		specc_buf_release(&why);
	}
	return rc;
}
