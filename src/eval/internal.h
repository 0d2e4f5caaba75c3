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

#endif
