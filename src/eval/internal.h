/*
 * internal.h - what the files of src/eval share and nobody else needs.
 */
#ifndef SPECC_EVAL_INTERNAL_H
#define SPECC_EVAL_INTERNAL_H

#include <sqlite3.h>

#include "specc/eval.h"

/* The store's database handle, for the report's queries. */
sqlite3 *specc_store_db(specc_store *s);

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
