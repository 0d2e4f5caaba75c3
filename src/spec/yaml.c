/*
 * yaml.c - specc.yaml and YAML front matter, read with libyaml.
 *
 * The document API gives every node a start and end mark, so each value
 * keeps the span it was written at and findings point at the exact key.
 */
#include <string.h>
#include <yaml.h>

#include "specc/codes.h"
#include "specc/utf8.h"
#include "internal.h"

struct ydoc {
	specc_project *p;
	uint32_t file;
	uint32_t start; /* byte offset of the YAML text in the source */
	yaml_document_t doc;
	bool loaded;
};

/* libyaml counts columns in characters; diagnostics want bytes. */
static uint32_t mark_offset(struct ydoc *y, yaml_mark_t m)
{
	const specc_source *s = &y->p->sources.items[y->file];
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

static specc_span node_span(struct ydoc *y, yaml_node_t *n)
{
	uint32_t a = mark_offset(y, n->start_mark), b = mark_offset(y, n->end_mark);
	return specc_span_make(y->file, a, b < a ? a : b);
}

static int ydoc_load(struct ydoc *y, specc_project *p, uint32_t file, uint32_t start,
		     uint32_t end)
{
	yaml_parser_t parser;
	const specc_source *s = &p->sources.items[file];
	int rc = SPECC_OK;

	y->p = p;
	y->file = file;
	y->start = start;
	y->loaded = false;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)s->data + start, end - start);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&parser, &y->doc)) {
		uint32_t at = mark_offset(y, parser.problem_mark);
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(YAML_SYNTAX),
					       specc_span_make(file, at, at), "YAML syntax error: %s%s%s",
					       parser.problem ? parser.problem : "cannot parse",
					       parser.context ? " " : "", parser.context ? parser.context : "");
		specc_diag_help(&p->diags, d, "fix the YAML at this position (indentation, quoting)");
		/* libyaml notices an unclosed bracket or quote only where the
		 * input runs out; show where it was opened too. */
		if (parser.context && (strstr(parser.context, "flow") || strstr(parser.context, "quoted"))) {
			uint32_t ctx = mark_offset(y, parser.context_mark);
			/* "while parsing a flow sequence" -> "a flow sequence" */
			const char *what = parser.context;
			if (!strncmp(what, "while parsing ", 14))
				what += 14;
			if (ctx != at)
				specc_diag_related(&p->diags, d, specc_span_make(file, ctx, ctx),
						   "%s starts here", what);
		}
		rc = SPECC_ESYNTAX;
	} else {
		y->loaded = true;
	}
	yaml_parser_delete(&parser);
	return rc;
}

static void ydoc_release(struct ydoc *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
}

static void wrong_shape(struct ydoc *y, const specc_code *code, yaml_node_t *n, const char *key,
			const char *want)
{
	specc_diag *d = specc_diag_add(&y->p->diags, code, node_span(y, n),
				       "\"%s\" must be %s", key, want);
	specc_diag_help(&y->p->diags, d, "see docs/spec-language.md for the expected shape");
}

static specc_str scalar(struct ydoc *y, yaml_node_t *n)
{
	return specc_arena_str(&y->p->arena, (const char *)n->data.scalar.value,
			       n->data.scalar.length);
}

/* Reads a scalar or a sequence of scalars into p->strs.  Returns false on a
 * wrong shape, after reporting it. */
static bool string_list(struct ydoc *y, const specc_code *code, yaml_node_t *n, const char *key,
			uint32_t *first, uint32_t *count)
{
	*first = y->p->strs.len;
	*count = 0;
	if (n->type == YAML_SCALAR_NODE) {
		specc_sstr *s = SPECC_PUSH(y->p->strs);
		s->s = scalar(y, n);
		s->span = node_span(y, n);
		*count = 1;
		return true;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		wrong_shape(y, code, n, key, "a list of strings");
		return false;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = yaml_document_get_node(&y->doc, *it);
		if (!e || e->type != YAML_SCALAR_NODE) {
			wrong_shape(y, code, e ? e : n, key, "a list of strings");
			y->p->strs.len = *first;
			*count = 0;
			return false;
		}
		specc_sstr *s = SPECC_PUSH(y->p->strs);
		s->s = scalar(y, e);
		s->span = node_span(y, e);
		(*count)++;
	}
	return true;
}

static bool key_is(yaml_node_t *k, const char *name)
{
	return k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(name) &&
	       !memcmp(k->data.scalar.value, name, k->data.scalar.length);
}

static void unknown_key(struct ydoc *y, const specc_code *code, yaml_node_t *k, const char *known)
{
	specc_diag *d = specc_diag_add(&y->p->diags, code, node_span(y, k), "unknown key \"%s\"",
				       k->type == YAML_SCALAR_NODE
					       ? specc_diag_quote(&y->p->diags,
								  (const char *)k->data.scalar.value,
								  k->data.scalar.length, 40)
					       : "?");
	specc_diag_help(&y->p->diags, d, "known keys are %s; check the spelling", known);
}

void specc_front_matter_parse(specc_project *p, uint32_t spec, uint32_t file, uint32_t start,
			      uint32_t end)
{
	struct ydoc y;
	yaml_node_t *root;
	const specc_code *bad = SPECC_CODE(INVALID_FRONT_MATTER);

	if (ydoc_load(&y, p, file, start, end) != SPECC_OK)
		return;
	root = yaml_document_get_root_node(&y.doc);
	if (!root || (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0))
		goto out;
	if (root->type != YAML_MAPPING_NODE) {
		specc_diag *d = specc_diag_add(&p->diags, bad, node_span(&y, root),
					       "front matter must be a mapping of keys to values");
		specc_diag_help(&p->diags, d, "write it as lines of \"key: value\"");
		goto out;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = yaml_document_get_node(&y.doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&y.doc, pr->value);
		specc_spec *sp = &p->specs.items[spec];
		specc_str *field = NULL;

		if (!k || !v)
			continue;
		if (key_is(k, "imports")) {
			string_list(&y, bad, v, "imports", &sp->import_first, &sp->import_count);
			continue;
		}
		if (key_is(k, "spec"))
			field = &sp->name;
		else if (key_is(k, "version"))
			field = &sp->version;
		else if (key_is(k, "owner"))
			field = &sp->owner;
		else if (key_is(k, "authority"))
			field = &sp->authority;
		if (!field) {
			unknown_key(&y, SPECC_CODE(UNKNOWN_FRONT_MATTER_KEY), k,
				    "spec, version, owner, authority and imports");
			continue;
		}
		if (v->type != YAML_SCALAR_NODE) {
			wrong_shape(&y, bad, v, (const char *)k->data.scalar.value, "a single value");
			continue;
		}
		*field = scalar(&y, v);
		if (field == &sp->authority)
			sp->authority_span = node_span(&y, v);
	}
out:
	ydoc_release(&y);
}

int specc_config_parse(specc_project *p, uint32_t file)
{
	struct ydoc y;
	yaml_node_t *root;
	const specc_code *bad = SPECC_CODE(INVALID_CONFIG);
	int rc = SPECC_OK;

	if (ydoc_load(&y, p, file, 0, p->sources.items[file].len) != SPECC_OK)
		return SPECC_ESYNTAX;
	root = yaml_document_get_root_node(&y.doc);
	if (!root || (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0))
		goto out;
	if (root->type != YAML_MAPPING_NODE) {
		specc_diag *d = specc_diag_add(&p->diags, bad, node_span(&y, root),
					       "specc.yaml must be a mapping of keys to values");
		specc_diag_help(&p->diags, d, "write it as lines of \"key: value\"");
		rc = SPECC_ESYNTAX;
		goto out;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = yaml_document_get_node(&y.doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&y.doc, pr->value);

		if (!k || !v)
			continue;
		if (key_is(k, "name")) {
			if (v->type != YAML_SCALAR_NODE)
				wrong_shape(&y, bad, v, "name", "a single value");
			else
				p->name = scalar(&y, v);
		} else if (key_is(k, "authority")) {
			uint32_t first, count;
			if (v->type != YAML_SEQUENCE_NODE) {
				wrong_shape(&y, bad, v, "authority",
					    "a list of levels, highest first, such as [root, system, developer, user, guideline]");
			} else if (string_list(&y, bad, v, "authority", &first, &count)) {
				if (count == 0) {
					wrong_shape(&y, bad, v, "authority", "a non-empty list of levels");
				} else {
					p->authority_first = first;
					p->authority_count = count;
				}
			}
		} else if (key_is(k, "specs")) {
			string_list(&y, bad, v, "specs", &p->spec_first, &p->spec_count);
		} else if (key_is(k, "evals")) {
			string_list(&y, bad, v, "evals", &p->eval_first, &p->eval_count);
		} else {
			unknown_key(&y, SPECC_CODE(UNKNOWN_CONFIG_KEY), k,
				    "name, authority, specs and evals");
		}
	}
out:
	ydoc_release(&y);
	return rc;
}
