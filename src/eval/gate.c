/*
 * gate.c - gate rules over a comparison of two runs: which changes block.
 */
#include <string.h>

#include "specc/eval.h"

/* The rule that applies when specc.yaml writes none: what specc compare
 * has always meant by a regression. */
static const specc_gate_rule default_rule = { SPECC_GATE_REGRESSION, NULL, SPECC_NONE, 0,
					      { SPECC_NONE, 0, 0 } };

static uint32_t clause_rank(const specc_project *p, const specc_clause_change *c)
{
	uint32_t sec;

	if (!p || !c->section || !c->section[0])
		return SPECC_NONE;
	sec = specc_map_get(&p->section_ids, specc_str_make(c->section, strlen(c->section)));
	return sec == SPECC_NONE ? SPECC_NONE : p->sections.items[sec].authority_rank;
}

static bool rule_blocks(const specc_gate_rule *r, const specc_clause_change *c, uint32_t rank)
{
	/* "authority: user" covers user and every level above it; a clause
	 * of unknown level is covered only by rules that name none. */
	if (r->rank != SPECC_NONE && (rank == SPECC_NONE || rank > r->rank))
		return false;
	switch (r->kind) {
	case SPECC_GATE_REGRESSION:
		return c->significant && c->direction < 0;
	case SPECC_GATE_ANY_LOSS:
		if (c->pairs)
			return c->lost > 0;
		/* Unpaired: fewer passes than the baseline had. */
		return c->base_checked && c->cand_checked &&
		       (double)c->cand_passed / (double)c->cand_checked <
			       (double)c->base_passed / (double)c->base_checked;
	}
	return false;
}

const specc_gate_rule *specc_gate_rules(const specc_test_config *cfg, uint32_t *n)
{
	if (!cfg || !cfg->has_gate) {
		*n = 1;
		return &default_rule;
	}
	*n = cfg->gate_rules.len;
	return cfg->gate_rules.items;
}

int specc_gate_eval(const specc_test_config *cfg, const specc_project *p, const specc_changes *ch,
		    specc_gate_blocks *out)
{
	uint32_t n;
	const specc_gate_rule *rules = specc_gate_rules(cfg, &n);

	for (uint32_t i = 0; i < n; i++)
		for (uint32_t c = 0; c < ch->len; c++)
			if (rule_blocks(&rules[i], &ch->items[c], clause_rank(p, &ch->items[c]))) {
				specc_gate_block *b = SPECC_PUSH(*out);
				b->rule = i;
				b->change = c;
			}
	return SPECC_OK;
}
