/*
 * yaml.c - specc.yaml and YAML front matter, read with libyaml.
 *
 * The document API gives every node a start and end mark, so each value
 * keeps the span it was written at and findings point at the exact key.
 */
#include <string.h>

#include "specc/codes.h"
#include "specc/utf8.h"
#include "specc/ydoc.h"
#include "internal.h"

static specc_str scalar(specc_project *p, yaml_node_t *n)
{
	return specc_arena_str(&p->arena, (const char *)n->data.scalar.value,
			       n->data.scalar.length);
}

/* Reads a scalar or a sequence of scalars into p->strs.  Returns false on a
 * wrong shape, after reporting it. */
static bool string_list(specc_ydoc *y, specc_project *p, const specc_code *code, yaml_node_t *n, const char *key,
			uint32_t *first, uint32_t *count)
{
	*first = p->strs.len;
	*count = 0;
	if (n->type == YAML_SCALAR_NODE) {
		specc_sstr *s = SPECC_PUSH(p->strs);
		s->s = scalar(p, n);
		s->span = specc_ydoc_span(y, n);
		*count = 1;
		return true;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		specc_ydoc_wrong_shape(y, code, n, key, "a list of strings");
		return false;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = yaml_document_get_node(&y->doc, *it);
		if (!e || e->type != YAML_SCALAR_NODE) {
			specc_ydoc_wrong_shape(y, code, e ? e : n, key, "a list of strings");
			p->strs.len = *first;
			*count = 0;
			return false;
		}
		specc_sstr *s = SPECC_PUSH(p->strs);
		s->s = scalar(p, e);
		s->span = specc_ydoc_span(y, e);
		(*count)++;
	}
	return true;
}

/* grants: {spec name: level}: the highest level each spec may claim.
 * Kept as (name, level) pairs in p->strs; the check resolves them. */
static void read_grants(specc_ydoc *y, specc_project *p, const specc_code *bad, yaml_node_t *v)
{
	if (v->type != YAML_MAPPING_NODE) {
		specc_ydoc_wrong_shape(y, bad, v, "grants",
				       "a mapping of spec names to authority levels, such as {safety: root}");
		return;
	}
	p->grant_first = p->strs.len;
	p->grant_count = 0;
	p->has_grants = true;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(&y->doc, pr->key);
		yaml_node_t *l = yaml_document_get_node(&y->doc, pr->value);
		specc_sstr *s;

		if (!k || !l || k->type != YAML_SCALAR_NODE || l->type != YAML_SCALAR_NODE) {
			specc_ydoc_wrong_shape(y, bad, l ? l : v, "grants",
					       "a mapping of spec names to authority levels, such as {safety: root}");
			continue;
		}
		s = SPECC_PUSH(p->strs);
		s->s = scalar(p, k);
		s->span = specc_ydoc_span(y, k);
		s = SPECC_PUSH(p->strs);
		s->s = scalar(p, l);
		s->span = specc_ydoc_span(y, l);
		p->grant_count++;
	}
}

void specc_front_matter_parse(specc_project *p, uint32_t spec, uint32_t file, uint32_t start,
			      uint32_t end)
{
	specc_ydoc y;
	yaml_node_t *root;
	const specc_code *bad = SPECC_CODE(INVALID_FRONT_MATTER);

	if (specc_ydoc_load(&y, &p->sources, &p->diags, file, start, end) != SPECC_OK)
		return;
	root = yaml_document_get_root_node(&y.doc);
	if (!root || (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0))
		goto out;
	if (root->type != YAML_MAPPING_NODE) {
		specc_diag *d = specc_diag_add(&p->diags, bad, specc_ydoc_span(&y, root),
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
		if (specc_ydoc_key_is(k, "imports")) {
			string_list(&y, p, bad, v, "imports", &sp->import_first, &sp->import_count);
			continue;
		}
		if (specc_ydoc_key_is(k, "spec"))
			field = &sp->name;
		else if (specc_ydoc_key_is(k, "version"))
			field = &sp->version;
		else if (specc_ydoc_key_is(k, "owner"))
			field = &sp->owner;
		else if (specc_ydoc_key_is(k, "authority"))
			field = &sp->authority;
		if (!field) {
			specc_ydoc_unknown_key(&y, SPECC_CODE(UNKNOWN_FRONT_MATTER_KEY), k,
				    "spec, version, owner, authority and imports");
			continue;
		}
		if (v->type != YAML_SCALAR_NODE) {
			specc_ydoc_wrong_shape(&y, bad, v, (const char *)k->data.scalar.value, "a single value");
			continue;
		}
		*field = scalar(p, v);
		if (field == &sp->authority)
			sp->authority_span = specc_ydoc_span(&y, v);
	}
out:
	specc_ydoc_release(&y);
}

int specc_config_parse(specc_project *p, uint32_t file)
{
	specc_ydoc y;
	yaml_node_t *root;
	const specc_code *bad = SPECC_CODE(INVALID_CONFIG);
	int rc = SPECC_OK;

	if (specc_ydoc_load(&y, &p->sources, &p->diags, file, 0, p->sources.items[file].len) != SPECC_OK)
		return SPECC_ESYNTAX;
	root = yaml_document_get_root_node(&y.doc);
	if (!root || (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0))
		goto out;
	if (root->type != YAML_MAPPING_NODE) {
		specc_diag *d = specc_diag_add(&p->diags, bad, specc_ydoc_span(&y, root),
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
		if (specc_ydoc_key_is(k, "name")) {
			if (v->type != YAML_SCALAR_NODE)
				specc_ydoc_wrong_shape(&y, bad, v, "name", "a single value");
			else
				p->name = scalar(p, v);
		} else if (specc_ydoc_key_is(k, "authority")) {
			uint32_t first, count;
			if (v->type != YAML_SEQUENCE_NODE) {
				specc_ydoc_wrong_shape(&y, bad, v, "authority",
					    "a list of levels, highest first, such as [root, system, developer, user, guideline]");
			} else if (string_list(&y, p, bad, v, "authority", &first, &count)) {
				if (count == 0) {
					specc_ydoc_wrong_shape(&y, bad, v, "authority", "a non-empty list of levels");
				} else {
					p->authority_first = first;
					p->authority_count = count;
				}
			}
		} else if (specc_ydoc_key_is(k, "specs")) {
			string_list(&y, p, bad, v, "specs", &p->spec_first, &p->spec_count);
		} else if (specc_ydoc_key_is(k, "evals")) {
			string_list(&y, p, bad, v, "evals", &p->eval_first, &p->eval_count);
		} else if (specc_ydoc_key_is(k, "grants")) {
			read_grants(&y, p, bad, v);
		} else if (specc_ydoc_key_is(k, "lint") || specc_ydoc_key_is(k, "providers") ||
			   specc_ydoc_key_is(k, "test") || specc_ydoc_key_is(k, "prices") ||
			   specc_ydoc_key_is(k, "grader") || specc_ydoc_key_is(k, "gate")) {
			/* read by the linter (src/lint/config.c) and by specc test
			 * (src/eval/config.c) */
		} else {
			specc_ydoc_unknown_key(&y, SPECC_CODE(UNKNOWN_CONFIG_KEY), k,
				    "name, authority, specs, evals, grants, lint, providers, test, prices, grader and gate");
		}
	}
out:
	specc_ydoc_release(&y);
	return rc;
}

bool specc_project_config_doc(specc_project *p, specc_ydoc *y, const char *doc_page)
{
	specc_diags scratch;
	int rc;

	if (p->config_source == SPECC_NONE)
		return false;
	specc_diags_init(&scratch);
	rc = specc_ydoc_load(y, &p->sources, &scratch, p->config_source, 0,
			     p->sources.items[p->config_source].len);
	specc_diags_release(&scratch);
	if (rc != SPECC_OK) {
		specc_ydoc_release(y);
		return false;
	}
	y->diags = &p->diags;
	y->doc_page = doc_page;
	return true;
}
