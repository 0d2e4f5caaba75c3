/*
 * config.c - the "lint" key of specc.yaml.
 *
 *   lint:
 *     rules-dir: rules          # the project's rule files (default: rules/)
 *     rules:                    # rule ids or categories -> off, note, warning, error, on
 *       vague-quantifier: off
 *       modality: error
 *     paths:                    # later entries win
 *       - files: "drafts/NAME.md" (a glob)
 *         rules: { placeholder: off }
 */
#include <string.h>

#include "specc/codes.h"
#include "specc/ydoc.h"
#include "internal.h"

#define KEEP (-2)

static yaml_node_t *lint_node(specc_ydoc *y)
{
	yaml_node_t *root = yaml_document_get_root_node(&y->doc);
	if (!root || root->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = specc_ydoc_node(y, pr->key);
		if (k && specc_ydoc_key_is(k, "lint"))
			return specc_ydoc_node(y, pr->value);
	}
	return NULL;
}

void specc_lint_config_rules_dir(specc_lint_config *cfg, specc_ruleset *rs, specc_project *p)
{
	specc_ydoc y;
	yaml_node_t *lint;

	memset(cfg, 0, sizeof *cfg);
	if (!specc_project_config_doc(p, &y, "docs/lint.md"))
		goto dflt;
	lint = lint_node(&y);
	if (lint && lint->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *pr = lint->data.mapping.pairs.start;
		     pr < lint->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = specc_ydoc_node(&y, pr->key), *v = specc_ydoc_node(&y, pr->value);
			if (!k || !v || !specc_ydoc_key_is(k, "rules-dir") || v->type != YAML_SCALAR_NODE)
				continue;
			specc_buf b = SPECC_BUF_INIT;
			const char *d = (const char *)v->data.scalar.value;
			if (d[0] != '/' && p->root && p->root[0])
				specc_buf_addf(&b, "%s/%s", p->root, d);
			else
				specc_buf_addstr(&b, d);
			cfg->rules_dir = specc_arena_strndup(&rs->arena, b.ptr, b.len);
			cfg->rules_dir_explicit = true;
			specc_buf_release(&b);
		}
	}
	specc_ydoc_release(&y);
dflt:
	if (!cfg->rules_dir) {
		specc_buf b = SPECC_BUF_INIT;
		if (p->root && p->root[0])
			specc_buf_addf(&b, "%s/rules", p->root);
		else
			specc_buf_addstr(&b, "rules");
		cfg->rules_dir = specc_arena_strndup(&rs->arena, b.ptr, b.len);
		specc_buf_release(&b);
	}
}

static int setting(const char *s)
{
	if (!strcmp(s, "off") || !strcmp(s, "false"))
		return SPECC_LINT_OFF;
	if (!strcmp(s, "note"))
		return SPECC_NOTE;
	if (!strcmp(s, "warning"))
		return SPECC_WARNING;
	if (!strcmp(s, "error"))
		return SPECC_ERROR;
	if (!strcmp(s, "on") || !strcmp(s, "true"))
		return 3; /* the rule's own severity */
	return -3;
}

/* Reads "rule-or-category: setting" pairs into sev (per rule). */
static void read_rules(specc_ydoc *y, const specc_ruleset *rs, yaml_node_t *m, int8_t *sev)
{
	if (m->type != YAML_MAPPING_NODE) {
		specc_ydoc_wrong_shape(y, SPECC_CODE(INVALID_CONFIG), m, "lint.rules",
				       "a mapping of rule ids or categories to off, note, warning, error or on");
		return;
	}
	for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = specc_ydoc_node(y, pr->key), *v = specc_ydoc_node(y, pr->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE)
			continue;
		int s = v->type == YAML_SCALAR_NODE ? setting((const char *)v->data.scalar.value) : -3;
		if (s == -3) {
			specc_ydoc_wrong_shape(y, SPECC_CODE(INVALID_CONFIG), v,
					       (const char *)k->data.scalar.value,
					       "off, note, warning, error or on");
			continue;
		}
		const char *name = (const char *)k->data.scalar.value;
		size_t n = k->data.scalar.length;
		bool found = false;
		for (uint32_t i = 0; i < rs->rules.len; i++) {
			const specc_rule *r = &rs->rules.items[i];
			if ((strlen(r->code.id) == n && !memcmp(r->code.id, name, n)) ||
			    (strlen(r->category) == n && !memcmp(r->category, name, n))) {
				sev[i] = (int8_t)(s == 3 ? (int)r->code.severity : s);
				found = true;
			}
		}
		if (!found) {
			specc_diag *d = specc_diag_add(y->diags, SPECC_CODE(UNKNOWN_RULE),
						       specc_ydoc_span(y, k),
						       "no lint rule or category is named \"%s\"",
						       specc_diag_quote(y->diags, name, n, 40));
			specc_diag_help(y->diags, d, "specc lint --list-rules lists them");
		}
	}
}

int specc_lint_config_read(specc_lint_config *cfg, specc_ruleset *rs, specc_project *p)
{
	specc_ydoc y;
	yaml_node_t *lint;
	uint32_t nr = rs->rules.len;

	cfg->severity = specc_arena_alloc(&rs->arena, nr + 1);
	memset(cfg->severity, KEEP, nr + 1);
	if (!specc_project_config_doc(p, &y, "docs/lint.md"))
		return SPECC_OK;
	lint = lint_node(&y);
	if (!lint)
		goto out;
	if (lint->type != YAML_MAPPING_NODE) {
		specc_ydoc_wrong_shape(&y, SPECC_CODE(INVALID_CONFIG), lint, "lint",
				       "a mapping with rules-dir, rules and paths");
		goto out;
	}
	for (yaml_node_pair_t *pr = lint->data.mapping.pairs.start; pr < lint->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = specc_ydoc_node(&y, pr->key), *v = specc_ydoc_node(&y, pr->value);
		if (!k || !v)
			continue;
		if (specc_ydoc_key_is(k, "rules-dir")) {
			if (v->type != YAML_SCALAR_NODE)
				specc_ydoc_wrong_shape(&y, SPECC_CODE(INVALID_CONFIG), v, "lint.rules-dir",
						       "a folder name");
		} else if (specc_ydoc_key_is(k, "rules")) {
			read_rules(&y, rs, v, cfg->severity);
		} else if (specc_ydoc_key_is(k, "paths")) {
			if (v->type != YAML_SEQUENCE_NODE) {
				specc_ydoc_wrong_shape(&y, SPECC_CODE(INVALID_CONFIG), v, "lint.paths",
						       "a list of {files, rules} mappings");
				continue;
			}
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++) {
				yaml_node_t *e = specc_ydoc_node(&y, *it), *files = NULL, *rules = NULL;
				if (!e || e->type != YAML_MAPPING_NODE) {
					specc_ydoc_wrong_shape(&y, SPECC_CODE(INVALID_CONFIG), e ? e : v,
							       "lint.paths", "a list of {files, rules} mappings");
					continue;
				}
				for (yaml_node_pair_t *q = e->data.mapping.pairs.start;
				     q < e->data.mapping.pairs.top; q++) {
					yaml_node_t *qk = specc_ydoc_node(&y, q->key);
					yaml_node_t *qv = specc_ydoc_node(&y, q->value);
					if (!qk || !qv)
						continue;
					if (specc_ydoc_key_is(qk, "files"))
						files = qv;
					else if (specc_ydoc_key_is(qk, "rules"))
						rules = qv;
					else
						specc_ydoc_unknown_key(&y, SPECC_CODE(UNKNOWN_CONFIG_KEY), qk,
								       "files and rules");
				}
				if (!files || files->type != YAML_SCALAR_NODE || !rules) {
					specc_ydoc_wrong_shape(&y, SPECC_CODE(INVALID_CONFIG), e, "lint.paths",
							       "a list of mappings, each with files (a glob) and rules");
					continue;
				}
				specc_lint_path *lp = SPECC_PUSH(cfg->paths);
				lp->glob = specc_arena_strndup(&rs->arena, (const char *)files->data.scalar.value,
							       files->data.scalar.length);
				lp->severity = specc_arena_alloc(&rs->arena, nr + 1);
				memset(lp->severity, KEEP, nr + 1);
				read_rules(&y, rs, rules, lp->severity);
			}
		} else {
			specc_ydoc_unknown_key(&y, SPECC_CODE(UNKNOWN_CONFIG_KEY), k,
					       "rules-dir, rules and paths");
		}
	}
out:
	specc_ydoc_release(&y);
	return SPECC_OK;
}

void specc_lint_config_release(specc_lint_config *cfg)
{
	SPECC_TABLE_FREE(cfg->paths);
}
