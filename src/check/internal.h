/*
 * internal.h - what the files of src/check share.
 */
#ifndef SPECC_CHECK_INTERNAL_H
#define SPECC_CHECK_INTERNAL_H

#include "specc/project.h"

/* Spec names, imports (unknown ones and cycles) and the authority
 * specc.yaml grants each spec.  Appends findings to p->diags. */
void specc_check_modules(specc_project *p);

/* Clauses that contradict each other: errors at one level of authority,
 * notes where a higher level wins.  Appends findings to p->diags. */
void specc_check_conflicts(specc_project *p);

#endif
