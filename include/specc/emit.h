/*
 * emit.h - writers of the IR.
 */
#ifndef SPECC_EMIT_H
#define SPECC_EMIT_H

#include <stdio.h>

#include "specc/project.h"

/* Structural counts of a project, as `specc parse` reports them. */
typedef struct specc_counts {
	uint32_t specs, sections, clauses, anchors, xrefs, commentaries, examples;
	uint32_t eval_files, eval_items;
	uint32_t example_answers[4]; /* by specc_label; [0] unused */
	uint32_t eval_answers[4];
} specc_counts;

void specc_project_counts(const specc_project *p, specc_counts *out);

/* Writes the IR as JSON (docs/ir-json.md), with the project's
 * diagnostics so far.  Returns SPECC_EIO when writing fails. */
int specc_emit_json(FILE *out, const specc_project *p);

/* Writes a human-readable outline of the IR. */
int specc_emit_outline(FILE *out, const specc_project *p);

#endif
