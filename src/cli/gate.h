/*
 * gate.h - comparing two runs and applying the gate rules, for specc
 * compare and specc test --baseline.
 */
#ifndef SPECC_CLI_GATE_H
#define SPECC_CLI_GATE_H

#include <stdio.h>

#include "specc/eval.h"

/*
 * Compares run cand with run base, writes the comparison and the gate's
 * decision to out (human, with colour when color, or JSON), and sets
 * *blocked when a gate rule of cfg blocks.  alpha below 0 takes
 * gate.alpha.  p (may be NULL) gives the clauses' authority levels.
 * Returns -1 on success, or an exit code after saying what is wrong.
 */
int cli_gate_compare(specc_store *s, const specc_run_info *base, const specc_run_info *cand,
		     const specc_project *p, const specc_test_config *cfg, double alpha, FILE *out,
		     bool color, bool json, bool *blocked);

#endif
