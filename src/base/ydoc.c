/*
 * ydoc.c - YAML documents with spans (see ydoc.h).
 */
#include <string.h>

#include "specc/codes.h"
#include "specc/utf8.h"
#include "specc/ydoc.h"


/* libyaml counts columns in characters; diagnostics want bytes. */
static uint32_t mark_offset(specc_ydoc *y, yaml_mark_t m)
{
	const specc_source *s = &y->srcs->items[y->file];
	uint32_t line = specc_source_line_of(s, y->start) + (uint32_t)m.line;
	uint32_t off, end;

	if (line >= s->n_lines)
		return s->len;
	off = s->lines[line];
	end = line + 1 < s->n_lines ? s->lines[line + 1] : s->len;
	for (size_t col = 0; col < m.column && off < end; col++) {
		uint32_t cp;
		off += (uint32_t)specc_utf8_decode(s->data + off, end - off, &cp);
	}
	return off;
}

specc_span specc_ydoc_span(specc_ydoc *y, yaml_node_t *n)
{
	uint32_t a = mark_offset(y, n->start_mark), b = mark_offset(y, n->end_mark);
	return specc_span_make(y->file, a, b < a ? a : b);
}

int specc_ydoc_load(specc_ydoc *y, specc_sources *srcs, specc_diags *diags, uint32_t file,
		    uint32_t start, uint32_t end)
{
	yaml_parser_t parser;
	const specc_source *s = &srcs->items[file];
	int rc = SPECC_OK;

	y->srcs = srcs;
	y->diags = diags;
	y->file = file;
	y->start = start;
	y->loaded = false;
	y->doc_page = NULL;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)s->data + start, end - start);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&parser, &y->doc)) {
		uint32_t at = mark_offset(y, parser.problem_mark);
		specc_diag *d = specc_diag_add(diags, SPECC_CODE(YAML_SYNTAX),
					       specc_span_make(file, at, at), "YAML syntax error: %s%s%s",
					       parser.problem ? parser.problem : "cannot parse",
					       parser.context ? " " : "", parser.context ? parser.context : "");
		specc_diag_help(diags, d, "fix the YAML at this position (indentation, quoting)");
		/* libyaml notices an unclosed bracket or quote only where the
		 * input runs out; show where it was opened too. */
		if (parser.context && (strstr(parser.context, "flow") || strstr(parser.context, "quoted"))) {
			uint32_t ctx = mark_offset(y, parser.context_mark);
			/* "while parsing a flow sequence" -> "a flow sequence" */
			const char *what = parser.context;
			if (!strncmp(what, "while parsing ", 14))
				what += 14;
			if (ctx != at)
				specc_diag_related(diags, d, specc_span_make(file, ctx, ctx),
						   "%s starts here", what);
		}
		rc = SPECC_ESYNTAX;
	} else {
		y->loaded = true;
	}
	yaml_parser_delete(&parser);
	return rc;
}

void specc_ydoc_release(specc_ydoc *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
}

void specc_ydoc_wrong_shape(specc_ydoc *y, const specc_code *code, yaml_node_t *n, const char *key,
			const char *want)
{
	specc_diag *d = specc_diag_add(y->diags, code, specc_ydoc_span(y, n),
				       "\"%s\" must be %s", key, want);
	specc_diag_help(y->diags, d, "see %s for the expected shape",
			y->doc_page ? y->doc_page : "docs/spec-language.md");
}

bool specc_ydoc_key_is(yaml_node_t *k, const char *name)
{
	return k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(name) &&
	       !memcmp(k->data.scalar.value, name, k->data.scalar.length);
}

void specc_ydoc_unknown_key(specc_ydoc *y, const specc_code *code, yaml_node_t *k, const char *known)
{
	specc_diag *d = specc_diag_add(y->diags, code, specc_ydoc_span(y, k), "unknown key \"%s\"",
				       k->type == YAML_SCALAR_NODE
					       ? specc_diag_quote(y->diags,
								  (const char *)k->data.scalar.value,
								  k->data.scalar.length, 40)
					       : "?");
	specc_diag_help(y->diags, d, "known keys are %s; check the spelling", known);
}


yaml_node_t *specc_ydoc_node(specc_ydoc *y, int index)
{
	return yaml_document_get_node(&y->doc, index);
}
