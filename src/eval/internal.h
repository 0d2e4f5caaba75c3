/*
 * internal.h - what the files of src/eval share and nobody else needs.
 */
#ifndef SPECC_EVAL_INTERNAL_H
#define SPECC_EVAL_INTERNAL_H

#include <sqlite3.h>

#include "specc/eval.h"

/* The store's database handle, for the report's queries. */
sqlite3 *specc_store_db(specc_store *s);

/* The columns of a runs row, in the order specc_store_read_run() reads. */
#define SPECC_RUN_COLUMNS \
	"id, created, finished, status, project, provider, model, config_fingerprint, " \
	"spec_fingerprint, spec_version, options, total"
/* Reads a runs row selected as SPECC_RUN_COLUMNS into r (strings
 * malloc'ed; release r).  For any connection: merging reads other
 * stores' runs with it too. */
void specc_store_read_run(sqlite3_stmt *st, specc_run_info *r);

/* Seconds since an arbitrary point, from the monotonic clock. */
double specc_now(void);

/* A request's custom_id in batch files (see batch.c); into out. */
void specc_batch_id(specc_buf *out, int64_t run, bool grade, uint32_t sample, int judge,
		    const char *key);
/* Looks up a result: the answer, or the error that took its place.
 * False when the batch has no line for id. */
bool specc_batch_get(const specc_batch *b, const char *id, const char **answer, const char **error,
		     int64_t *prompt_tokens, int64_t *completion_tokens);
/* Writes one request line. */
void specc_batch_write(FILE *out, const char *id, const char *body, size_t len);

/*
 * Asking a model a list of requests whose answers a callback reads: the
 * engine of specc test (concurrency, retries with backoff, Retry-After,
 * exec programs) for requests that are neither cases nor verdicts
 * (specc check --deep).
 */
typedef struct specc_ask_options {
	const specc_provider *provider; /* with the response_format wanted */
	const char *model;
	int concurrency;
	bool progress;            /* a live line on stderr */
	const char *noun;         /* what the progress line counts ("pairs") */
	/* The request of item, made when it is asked, so memory follows the
	 * requests in flight: its messages (json_t *, a new reference), and
	 * what an exec program gets as its "case", into key. */
	void *(*request)(void *ctx, uint32_t item, specc_buf *key);
	/* Reads the answer to item: SPECC_OK takes it; anything else, with
	 * why, has it asked once more, then given to fail(). */
	int (*accept)(void *ctx, uint32_t item, const char *output, specc_buf *why);
	/* item got no usable answer (an HTTP error or a timeout after the
	 * retries, output refused twice, or never asked); error says why. */
	void (*fail)(void *ctx, uint32_t item, const char *error);
	void *ctx;
} specc_ask_options;

/*
 * Asks items 0 to n - 1.  Every item ends in exactly one accept() that
 * returned SPECC_OK or one fail().  Engine counts go to *t.  Returns
 * SPECC_OK, or an error with a message in err when the engine could not
 * run.
 */
int specc_ask_run(const specc_project *p, uint32_t n, const specc_ask_options *o, specc_test_totals *t,
		  specc_buf *err);

#endif
