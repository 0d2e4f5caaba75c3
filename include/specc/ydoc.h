/*
 * ydoc.h - YAML documents read with libyaml, with exact spans.
 *
 * The document API gives every node a start and end mark, so each value
 * keeps the span it was written at and findings point at the exact key.
 * Used for specc.yaml, front matter and lint rule files.
 */
#ifndef SPECC_YDOC_H
#define SPECC_YDOC_H

#include <yaml.h>

#include "specc/diag.h"

typedef struct specc_ydoc {
	specc_sources *srcs;
	specc_diags *diags;
	uint32_t file;
	uint32_t start; /* byte offset of the YAML text in the source */
	yaml_document_t doc;
	bool loaded;
	const char *doc_page;   /* where shape errors send the reader */
} specc_ydoc;

/* Loads the YAML in source file's bytes [start, end).  A syntax error is
 * reported (code yaml-syntax) and returns SPECC_ESYNTAX.  Release either
 * way. */
int specc_ydoc_load(specc_ydoc *y, specc_sources *srcs, specc_diags *diags, uint32_t file,
		    uint32_t start, uint32_t end);
void specc_ydoc_release(specc_ydoc *y);

specc_span specc_ydoc_span(specc_ydoc *y, yaml_node_t *n);
yaml_node_t *specc_ydoc_node(specc_ydoc *y, int index);
bool specc_ydoc_key_is(yaml_node_t *k, const char *name);
/* Reports "key" with the wrong shape: "\"key\" must be <want>". */
void specc_ydoc_wrong_shape(specc_ydoc *y, const specc_code *code, yaml_node_t *n,
			    const char *key, const char *want);
/* Reports an unknown key, listing the known ones. */
void specc_ydoc_unknown_key(specc_ydoc *y, const specc_code *code, yaml_node_t *k,
			    const char *known);

#endif
