/*
 * ac.c - an Aho-Corasick automaton over token symbols.
 *
 * The alphabet is the set of words the rules name (a few thousand at
 * most), so states keep their edges in sorted arrays and only the root has
 * a dense table: most tokens of ordinary prose are not in the alphabet, or
 * leave the root at once, and cost one array read.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct build_state {
	SPECC_TABLE(uint64_t) edges; /* (symbol << 32) | target */
	SPECC_TABLE(uint32_t) outs;
	uint32_t fail;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint32_t find_edge(const struct build_state *s, uint32_t sym)
{
	for (uint32_t i = 0; i < s->edges.len; i++)
		if ((uint32_t)(s->edges.items[i] >> 32) == sym)
			return (uint32_t)s->edges.items[i];
	return 0;
}

void specc_ac_build(specc_ac *ac, const specc_ruleset *rs, bool exact, uint32_t nsyms)
{
	SPECC_TABLE(struct build_state) st = { 0 };
	uint32_t *queue = NULL, qh = 0, qt = 0, nedges = 0, nouts = 0;

	memset(ac, 0, sizeof *ac);
	ac->nsyms = nsyms + 1;
	SPECC_PUSH(st); /* the root */
	for (uint32_t p = 0; p < rs->phrases.len; p++) {
		const specc_phrase *ph = &rs->phrases.items[p];
		if (ph->exact != exact || !ph->ntok)
			continue;
		uint32_t s = 0;
		const uint32_t *seq = rs->seq.items + rs->seq_first.items[p];
		for (uint32_t k = 0; k < ph->ntok; k++) {
			uint32_t t = find_edge(&st.items[s], seq[k]);
			if (!t) {
				SPECC_PUSH(st);
				t = st.len - 1;
				uint64_t *e = SPECC_PUSH(st.items[s].edges);
				*e = ((uint64_t)seq[k] << 32) | t;
			}
			s = t;
		}
		*SPECC_PUSH(st.items[s].outs) = p;
	}

	/* Failure links, breadth first; each state inherits its failure
	 * state's outputs, so a match never needs to walk the chain. */
	queue = specc_xcalloc(st.len, sizeof *queue);
	for (uint32_t i = 0; i < st.items[0].edges.len; i++) {
		uint32_t t = (uint32_t)st.items[0].edges.items[i];
		st.items[t].fail = 0;
		queue[qt++] = t;
	}
	while (qh < qt) {
		uint32_t s = queue[qh++];
		for (uint32_t i = 0; i < st.items[s].edges.len; i++) {
			uint32_t sym = (uint32_t)(st.items[s].edges.items[i] >> 32);
			uint32_t t = (uint32_t)st.items[s].edges.items[i];
			uint32_t f = st.items[s].fail, g;
			while (f && !find_edge(&st.items[f], sym))
				f = st.items[f].fail;
			g = find_edge(&st.items[f], sym);
			st.items[t].fail = g == t ? 0 : g;
			for (uint32_t k = 0; k < st.items[st.items[t].fail].outs.len; k++)
				*SPECC_PUSH(st.items[t].outs) = st.items[st.items[t].fail].outs.items[k];
			queue[qt++] = t;
		}
	}

	ac->states = st.len;
	ac->edge_first = specc_xcalloc(st.len, sizeof(uint32_t));
	ac->edge_count = specc_xcalloc(st.len, sizeof(uint32_t));
	ac->fail = specc_xcalloc(st.len, sizeof(uint32_t));
	ac->out_first = specc_xcalloc(st.len, sizeof(uint32_t));
	ac->out_count = specc_xcalloc(st.len, sizeof(uint32_t));
	ac->root = specc_xcalloc(ac->nsyms, sizeof(uint32_t));
	for (uint32_t s = 0; s < st.len; s++) {
		nedges += st.items[s].edges.len;
		nouts += st.items[s].outs.len;
	}
	ac->edges = specc_xcalloc(nedges + 1, sizeof(uint64_t));
	ac->outs = specc_xcalloc(nouts + 1, sizeof(uint32_t));
	nedges = nouts = 0;
	for (uint32_t s = 0; s < st.len; s++) {
		struct build_state *b = &st.items[s];
		/* A leaf has no edges and a NULL table: nothing to copy (and
		 * memcpy from NULL is undefined even for 0 bytes). */
		if (b->edges.len) {
			qsort(b->edges.items, b->edges.len, sizeof(uint64_t), cmp_u64);
			memcpy(ac->edges + nedges, b->edges.items, b->edges.len * sizeof(uint64_t));
		}
		ac->edge_first[s] = nedges;
		ac->edge_count[s] = b->edges.len;
		nedges += b->edges.len;
		ac->fail[s] = b->fail;
		ac->out_first[s] = nouts;
		ac->out_count[s] = b->outs.len;
		if (b->outs.len)
			memcpy(ac->outs + nouts, b->outs.items, b->outs.len * sizeof(uint32_t));
		nouts += b->outs.len;
		SPECC_TABLE_FREE(b->edges);
		SPECC_TABLE_FREE(b->outs);
	}
	for (uint32_t i = 0; i < ac->edge_count[0]; i++) {
		uint64_t e = ac->edges[ac->edge_first[0] + i];
		ac->root[e >> 32] = (uint32_t)e;
	}
	/* The root's own edges are in the dense table: the sorted list would
	 * only be searched again by specc_ac_step's fallback. */
	ac->edge_count[0] = 0;
	SPECC_TABLE_FREE(st);
	free(queue);
}

void specc_ac_release(specc_ac *ac)
{
	free(ac->edge_first);
	free(ac->edge_count);
	free(ac->fail);
	free(ac->out_first);
	free(ac->out_count);
	free(ac->edges);
	free(ac->outs);
	free(ac->root);
	memset(ac, 0, sizeof *ac);
}
