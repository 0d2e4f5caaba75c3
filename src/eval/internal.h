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

#endif
