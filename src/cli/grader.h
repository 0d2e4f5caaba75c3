/*
 * grader.h - choosing the grader for a command that grades (specc test,
 * specc calibrate), and the calibration gate.
 */
#ifndef SPECC_CLI_GRADER_H
#define SPECC_CLI_GRADER_H

#include "specc/eval.h"

struct cli_grader {
	specc_provider pv;        /* a copy of the provider's settings */
	const char *model;
	bool structured;
	int judges;
	char fingerprint[65];
};

/*
 * Picks the grader: the provider named by `name` (a flag), else
 * grader.provider of specc.yaml.  *have is false when neither names one.
 * judges overrides grader.judges when above 0.  With need_key, an openai
 * grader's API key variable must be set.  Returns -1 to go on, or an exit
 * code after saying what is wrong.
 */
int cli_grader_pick(const specc_test_config *cfg, const char *name, long judges, bool need_key,
		    struct cli_grader *g, bool *have);

/* Whether an openai provider's API key variable is set and sendable.
 * Returns -1 to go on, or an exit code after saying what is wrong. */
int cli_provider_key(const specc_provider *pv);

/*
 * The calibration gate of specc test: a warning on stderr when the
 * grader's fingerprint has no calibration in the store, and a refusal
 * when its calibrated accuracy is below grader.min-accuracy.  Returns -1
 * to go on, or an exit code.
 */
int cli_grader_gate(specc_store *s, const specc_test_config *cfg, const struct cli_grader *g);

#endif
