/*
 * eval.h - specc test: cases from the IR, providers, the engine that asks
 * them, and the store that keeps every finished case.
 *
 * The pipeline is: the project's eval items (and, on request, its inline
 * examples) become cases; each case is a request (the conversation before
 * the answer); a provider answers it (an OpenAI-compatible endpoint over
 * HTTP, a local program, or recorded answers); the answer is checked
 * against the item's expect block; the result is committed to the store at
 * once.  Reports are read back from the store, so a resumed run reports
 * exactly what an uninterrupted one would.
 */
#ifndef SPECC_EVAL_H
#define SPECC_EVAL_H

#include <stdio.h>

#include "specc/buf.h"
#include "specc/expect.h"
#include "specc/project.h"

/* ------------------------------------------------------------------ */
/* Configuration: the "providers", "test" and "prices" keys of specc.yaml */

typedef enum specc_provider_kind {
	SPECC_PROVIDER_OPENAI,
	SPECC_PROVIDER_EXEC,
	SPECC_PROVIDER_REPLAY,
} specc_provider_kind;

typedef struct specc_provider {
	const char *name;
	uint8_t kind;             /* specc_provider_kind */
	const char *base_url;     /* openai: up to and including /v1 */
	const char *model;
	const char *api_key_env;  /* the name of the variable, never its value */
	const char *developer_role; /* "developer" (default) or "system" */
	bool has_temperature, has_seed;
	double temperature;
	int64_t seed;
	int64_t max_tokens;       /* 0: not sent */
	const char **headers;     /* "Name: value" */
	uint32_t header_count;
	const char **argv;        /* exec: the program and its arguments */
	uint32_t argc;
	const char *file;         /* replay: the JSONL file, as a path to open */
	double timeout;           /* seconds per attempt */
	double connect_timeout;
	int retries;              /* attempts after the first */
	double backoff;           /* seconds before the first retry */
	/* Set by specc on a copy of a grader's settings, never read from
	 * specc.yaml: the response_format asked for (JSON text), or NULL. */
	const char *response_format;
	specc_span span;
} specc_provider;

typedef struct specc_price {
	const char *model;
	double input, output;     /* per million tokens */
} specc_price;

/* A gate rule: what in a comparison with the baseline blocks a release. */
typedef enum specc_gate_kind {
	SPECC_GATE_REGRESSION,    /* a significant regression (after Holm) */
	SPECC_GATE_ANY_LOSS,      /* any case lost, significant or not */
} specc_gate_kind;

typedef struct specc_gate_rule {
	uint8_t kind;             /* specc_gate_kind */
	const char *authority;    /* clauses at this level or higher; NULL: all */
	uint32_t rank;            /* the level's rank, SPECC_NONE for all */
	uint32_t index;           /* 1-based position under gate.rules */
	specc_span span;
} specc_gate_rule;

typedef struct specc_test_config {
	SPECC_TABLE(specc_provider) providers;
	SPECC_TABLE(specc_price) prices;
	const char *provider;     /* test.provider: the default one, or NULL */
	int concurrency;          /* test.concurrency, 0 when unset */
	double min_pass_rate;     /* test.min-pass-rate, -1 when unset */
	int max_errors;           /* test.max-errors, -1 when unset */
	const char *grader;       /* grader.provider, or NULL */
	int judges;               /* grader.judges, 1 when unset */
	double min_accuracy;      /* grader.min-accuracy, -1 when unset */
	bool structured;          /* grader.structured-output, true when unset */
	double gate_alpha;        /* gate.alpha, 0.05 when unset */
	bool has_gate;            /* gate.rules was written */
	SPECC_TABLE(specc_gate_rule) gate_rules;
	specc_arena arena;        /* every string above */
} specc_test_config;

/*
 * Reads the test settings of p's specc.yaml into cfg (empty when the
 * project has no specc.yaml).  Problems are reported to p->diags at their
 * file:line:col.  Returns SPECC_OK, or SPECC_ESYNTAX when a setting is
 * unusable.  Release cfg either way.
 */
int specc_test_config_read(specc_test_config *cfg, specc_project *p);
void specc_test_config_release(specc_test_config *cfg);
const specc_provider *specc_test_config_provider(const specc_test_config *cfg, const char *name);
const specc_price *specc_test_config_price(const specc_test_config *cfg, const char *model);

/* ------------------------------------------------------------------ */
/* Cases */

typedef struct specc_case_filter {
	const char **clauses;     /* eval IDs (anchors), without "^" */
	uint32_t clause_count;
	const char **sections;    /* section IDs: a section and everything under it */
	uint32_t section_count;
	const char **tags;
	uint32_t tag_count;
	const char **authorities; /* authority level names */
	uint32_t authority_count;
	bool include_examples;    /* inline examples' prompts too */
} specc_case_filter;

/* One eval item or example that passed the filter: `repeat` cases each. */
typedef struct specc_unit {
	uint32_t index;           /* into project.items, or project.examples */
	bool example;
	uint32_t clause;          /* SPECC_NONE for examples */
	uint32_t section;         /* SPECC_NONE when unknown */
	uint32_t ordinal;         /* 1-based position in its eval file or section */
} specc_unit;

typedef struct specc_cases {
	SPECC_TABLE(specc_unit) units;
	uint32_t repeat;          /* samples per unit, at least 1 */
	uint32_t shard, shards;   /* 1-based shard of shards; 0/0 for all */
} specc_cases;

/* Selects the units of p that pass f, in the project's order.  Returns
 * SPECC_OK; cases must be released. */
int specc_cases_select(specc_cases *cases, const specc_project *p, const specc_case_filter *f);
void specc_cases_release(specc_cases *cases);

/* The stable key of a unit: "<eval id>/<n>" for the n-th item of an eval
 * file, "<section id>/example-<n>" for the n-th example of a section.
 * Appended to out. */
void specc_case_key(const specc_project *p, const specc_unit *u, specc_buf *out);
/* path without the project's folder in front (as given, when it is not
 * under it), so the same project named from another folder reads alike. */
const char *specc_project_relative(const specc_project *p, const char *path);
/* What a run's answers depend on: SHA-256 over each spec and eval file's
 * digest and its path in the project, so renaming a file counts as a
 * change too. */
void specc_spec_fingerprint(const specc_project *p, char out[65]);
/* Whether case (unit u, sample s) falls in the cases' shard. */
bool specc_case_in_shard(const specc_cases *cases, const char *key, uint32_t sample);

/* The conversation before the answer as Chat Completions messages: a
 * JSON array (json_t *, new reference).  developer_role names the role
 * developer turns get. */
void *specc_case_messages(const specc_project *p, const specc_unit *u, const char *developer_role);

/* ------------------------------------------------------------------ */
/* Requests and the response cache key */

/*
 * Builds the canonical request for a case: provider identity, model,
 * parameters (with the sample's seed: seed + sample), the sample index and
 * the messages, serialised with sorted keys.  *hash gets its SHA-256 in
 * hex (65 bytes with the NUL).  The API key is never part of it.
 */
void specc_request_hash(const specc_provider *pv, const char *model, void *messages,
			uint32_t sample, char hash[65]);

/* The SHA-256 of data[0, len) in lower-case hex, NUL-terminated. */
void specc_sha256_hex(const void *data, size_t len, char out[65]);

/* The request body sent to an OpenAI-compatible endpoint (owned by the
 * caller's buffer). */
void specc_request_body(const specc_provider *pv, const char *model, void *messages,
			uint32_t sample, specc_buf *body);

/*
 * Reads a Chat Completions response body.  On success *answer is the
 * first choice's content (malloc'ed, NUL-terminated) and the usage fields
 * are filled (0 when absent); returns SPECC_OK.  Otherwise returns
 * SPECC_ESYNTAX with a one-sentence reason in why.
 */
int specc_response_parse(const char *body, size_t len, char **answer, int64_t *prompt_tokens,
			 int64_t *completion_tokens, specc_buf *why);

/* ------------------------------------------------------------------ */
/* The store: one SQLite file in the project's .specc/ folder */

typedef struct specc_store specc_store;

typedef enum specc_case_status {
	SPECC_CASE_PASSED,
	SPECC_CASE_FAILED,
	SPECC_CASE_ERRORED,       /* no answer: transport, HTTP or provider error */
	SPECC_CASE_NEEDS_GRADER,  /* a rubric, or nothing deterministic to check */
	SPECC_CASE_UNSCORED,      /* graded, with no usable verdict: never a pass or a fail */
} specc_case_status;

const char *specc_case_status_name(int status);

typedef struct specc_run_info {
	int64_t id;
	char *created, *finished; /* ISO 8601 UTC; finished NULL while open */
	char *status;             /* incomplete (running, or killed), interrupted, finished */
	char *project;            /* the project path as given */
	char *provider, *model;
	char *config_fingerprint; /* SHA-256 of the settings that decide answers */
	char *spec_fingerprint;   /* SHA-256 of the spec and eval files */
	char *spec_version;       /* front matter versions, or "" */
	char *options;            /* JSON: filters, repeat, shard, include-examples */
	int64_t total;            /* cases in the run */
} specc_run_info;

void specc_run_info_release(specc_run_info *r);

typedef struct specc_check_result {
	const char *name;         /* e.g. "not-contains" */
	int outcome;              /* specc_outcome */
	const char *message;      /* why it failed, or NULL */
} specc_check_result;

typedef struct specc_case_result {
	const char *key;
	uint32_t sample;
	const char *clause;       /* eval ID, or "#section" for examples */
	const char *section;      /* section ID, or "" */
	const char *file;         /* where the item is written, relative to the project */
	uint32_t line;
	const char *request_hash;
	int status;               /* specc_case_status */
	const char *answer;       /* NULL when errored */
	const char *error;        /* NULL unless errored */
	int attempts;
	int64_t latency_ms;
	int64_t prompt_tokens, completion_tokens;
	bool cached;              /* answered from the cache */
	bool cacheable;           /* store the answer in the cache */
	const char *model;
	const specc_check_result *checks;
	uint32_t check_count;
	const char *attempt_errors; /* each failed attempt's error, one per line, or NULL */
} specc_case_result;

/*
 * Opens (creating when missing) the store at path, creating its folder.
 * Returns SPECC_OK, or SPECC_EIO with a message in *err (malloc'ed).
 */
int specc_store_open(specc_store **out, const char *path, char **err);
void specc_store_close(specc_store *s);
/* The last SQLite error, for messages. */
const char *specc_store_error(specc_store *s);

int specc_store_run_create(specc_store *s, specc_run_info *info);
/* Fills info for run id (the latest test run, not a calibration, when id
 * is 0); SPECC_EINVAL when there
 * is no such run. */
int specc_store_run_get(specc_store *s, int64_t id, specc_run_info *info);
int specc_store_run_set_status(specc_store *s, int64_t id, const char *status, bool finished);
/* The latest finished run other than `other`; SPECC_EINVAL when none. */
int specc_store_run_latest_finished(specc_store *s, int64_t other, specc_run_info *info);
/* Removes run id and its cases (for a run that could not start). */
int specc_store_run_delete(specc_store *s, int64_t id);
/* Calls fn for every run, newest first. */
int specc_store_runs(specc_store *s, int (*fn)(void *ctx, const specc_run_info *r), void *ctx);

/* Whether case (key, sample) of the run has a stored result other than
 * errored: the cases a resumed run skips. */
int specc_store_case_done(specc_store *s, int64_t run, const char *key, uint32_t sample,
			  bool *done);
/* Looks up the cache: *answer (malloc'ed) or NULL on a miss. */
int specc_store_cache_get(specc_store *s, const char *hash, char **answer, int64_t *prompt_tokens,
			  int64_t *completion_tokens);
/* Stores one finished case (replacing an errored result of an earlier
 * attempt) with its checks, and its answer in the cache, in one
 * transaction. */
int specc_store_case_put(specc_store *s, int64_t run, const specc_case_result *r);

/* ------------------------------------------------------------------ */
/* Running */

typedef enum specc_test_format {
	SPECC_TEST_HUMAN,
	SPECC_TEST_JSON,
	SPECC_TEST_JUNIT,
	SPECC_TEST_SARIF,
} specc_test_format;

typedef struct specc_test_options {
	const specc_provider *provider;
	const char *model;
	int concurrency;
	bool no_cache;
	bool progress;            /* a live line on stderr */
	FILE *stream;             /* one JSON line per finished case, or NULL */
	int64_t max_errors;       /* errored cases allowed before giving up */
	/* Batch work (OpenAI Batch API JSONL): with batch_out, requests that
	 * need a call are written there instead of sent, and their cases stay
	 * pending; with batch_in, answers are taken from it by custom_id, and
	 * cases it does not answer stay pending.  Both NULL: online. */
	FILE *batch_out;
	const struct specc_batch *batch_in;
} specc_test_options;

typedef struct specc_test_totals {
	int64_t total, done, skipped; /* skipped: already stored (resume) */
	int64_t passed, failed, errored, needs_grader;
	int64_t unscored;         /* graded with no usable verdict */
	int64_t calls, cached, retries;
	int64_t exported, imported, pending; /* batch work */
	int64_t prompt_tokens, completion_tokens;
	bool interrupted;         /* stopped by a signal */
	bool gave_up;             /* too many errored cases */
} specc_test_totals;

/* ------------------------------------------------------------------ */
/* Batch files */

typedef struct specc_batch specc_batch;

/*
 * Reads a Batch API output file (JSONL: custom_id, response.status_code,
 * response.body, error) for run `run`.  Lines for other runs are counted
 * in *foreign and ignored.  Returns SPECC_OK, or SPECC_ESYNTAX with
 * "FILE:LINE: why" in err (nothing read), or SPECC_EIO.  Free with
 * specc_batch_free().
 */
int specc_batch_read(specc_batch **out, const char *path, int64_t run, uint32_t *foreign,
		     specc_buf *err);
/* The same from an open stream; path names it in messages. */
int specc_batch_read_stream(specc_batch **out, FILE *f, const char *path, int64_t run,
			    uint32_t *foreign, specc_buf *err);
void specc_batch_free(specc_batch *b);
/* The lines read. */
uint32_t specc_batch_count(const specc_batch *b);

/* Set from a signal handler: stop starting cases, finish cleanly. */
extern volatile int specc_test_stop;

/*
 * Runs every case of `cases` that run `run` has not finished yet, and
 * stores each as it finishes.  Returns SPECC_OK (failures are results,
 * not errors), or SPECC_EIO when the store cannot be written (message in
 * err).
 */
int specc_test_run(const specc_project *p, const specc_cases *cases, specc_store *s,
		   const specc_run_info *run, const specc_test_options *o, specc_test_totals *t,
		   specc_buf *err);

/* ------------------------------------------------------------------ */
/* Reports, read back from the store */

/*
 * Writes the report of run `run` in format fmt (specc_test_format).  File
 * paths are shown under root, the project folder as the user named it
 * ("" for the working directory).  For SARIF, failing clauses are placed
 * at their sentences in p; p may be NULL (specc runs show), and then the
 * first item's file and line are used.
 * *t gets the run's totals as stored.  Returns SPECC_OK, or SPECC_EIO with
 * a message in err.
 */
int specc_report_write(specc_store *s, const specc_run_info *run, int fmt, FILE *out, bool color,
		       const char *root, const specc_project *p, specc_test_totals *t, specc_buf *err);

/* ------------------------------------------------------------------ */
/* Comparing two runs */

typedef struct specc_clause_change {
	char *clause, *section;
	int64_t base_passed, base_checked;  /* checked: passed + failed */
	int64_t cand_passed, cand_checked;
	int64_t pairs;            /* cases checked in both runs */
	int64_t lost, gained;     /* pairs passed then failed / failed then passed */
	const char *test;         /* "mcnemar", "fisher", or NULL when untestable */
	double p;                 /* the test's two-sided p-value (1 untested) */
	bool significant;         /* after Holm's correction across clauses */
	int direction;            /* -1 worse, +1 better, 0 no change in rate */
} specc_clause_change;

typedef SPECC_TABLE(specc_clause_change) specc_changes;

/*
 * Compares run cand with run base clause by clause.  Cases are paired by
 * key and sample; a clause with pairs is tested with the exact McNemar
 * test on the pairs that changed, one without with Fisher's exact test on
 * the two runs' counts.  Errored cases and cases that need a grader are
 * not checked outcomes and count in neither.  A change is significant
 * when its p-value passes Holm's step-down correction at level alpha over
 * every tested clause, so a run of many clauses does not find noise.
 * Returns SPECC_OK, or SPECC_EIO with a message in err; release *out with
 * specc_changes_release().
 */
int specc_compare_runs(specc_store *s, int64_t base, int64_t cand, double alpha, specc_changes *out,
		       specc_buf *err);
void specc_changes_release(specc_changes *c);

/* A gate rule that blocked, on one clause's change. */
typedef struct specc_gate_block {
	uint32_t rule;            /* into specc_gate_rules() */
	uint32_t change;          /* into the changes */
} specc_gate_block;

typedef SPECC_TABLE(specc_gate_block) specc_gate_blocks;

/* The gate rules in force: gate.rules of cfg, or, when it has none (or
 * cfg is NULL), the one rule "fail on a significant regression". */
const specc_gate_rule *specc_gate_rules(const specc_test_config *cfg, uint32_t *n);

/*
 * Appends to out every (rule, change) where the rule blocks: a
 * significant regression, or any lost case, of a clause at the rule's
 * authority level or above.  The level is read from p (NULL: unknown);
 * a clause of unknown level is covered only by rules that name no level.
 * Returns SPECC_OK; release out with SPECC_TABLE_FREE.
 */
int specc_gate_eval(const specc_test_config *cfg, const specc_project *p, const specc_changes *ch,
		    specc_gate_blocks *out);

#endif
