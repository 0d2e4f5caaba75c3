/*
 * merge.h - joining the runs of `specc test --shard I/N` into one run.
 *
 * N machines each run one slice of a suite into a store of their own.
 * Merging copies those N runs, with every row that belongs to them
 * (cases, checks, failed attempts, verdicts, grades) and the stores'
 * response caches, into one new run of a receiving store, which then
 * reports, compares and gates like a run that asked the whole suite.
 * The sources are opened read-only and never written.
 */
#ifndef SPECC_MERGE_H
#define SPECC_MERGE_H

#include <stdbool.h>
#include <stdint.h>

#include "specc/buf.h"
#include "specc/eval.h"

/* One shard run to merge. */
typedef struct specc_merge_source {
	const char *path;         /* its store file; NULL for the receiving store */
	int64_t run;              /* the run; 0 for the latest shard run of the file */
	const char *name;         /* how the user named the store, for messages */
} specc_merge_source;

typedef struct specc_merge_options {
	bool allow_incomplete;    /* merge runs that did not finish; the result is incomplete */
} specc_merge_options;

/*
 * Merges the n shard runs of sources into a new run of `into`, in one
 * transaction: either every row is copied or nothing is written.
 *
 * Before writing, every run must exist and be a shard run; all must share
 * the spec fingerprint, the provider, the model, the options other than
 * shard/shards, and the shard count N; each of shards 1..N must be there
 * exactly once; no case (key, sample) may be in two runs; and every run
 * must be finished unless o->allow_incomplete.
 *
 * A source may be a file that is the receiving store itself (the same
 * file under another name too); its run is then read from `into`.
 *
 * On success *merged is the new run as stored (release it with
 * specc_run_info_release()) and, when cases is not NULL, cases[i] the
 * number of cases copied from sources[i].  Returns SPECC_OK; SPECC_EINVAL
 * when a check refuses; SPECC_EIO when a store cannot be read or written.
 * Either failure leaves one sentence naming the sources in err.
 */
int specc_merge_runs(specc_store *into, const specc_merge_source *sources, uint32_t n,
		     const specc_merge_options *o, specc_run_info *merged, int64_t *cases,
		     specc_buf *err);

#endif
