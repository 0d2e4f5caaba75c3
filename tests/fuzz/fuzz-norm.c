/*
 * fuzz-norm.c - libFuzzer target for the reader of normative statements:
 * clause sentences are whatever authors write, one at a time and as the
 * clauses of a spec (where the people a project names are learnt first).
 */
#include <stdint.h>
#include <stdlib.h>

#include "specc/norm.h"
#include "specc/project.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every clause's statements are its own, in clause order, and every
 * person learnt is a word. */
static void project(const uint8_t *data, size_t size)
{
	specc_project p;
	specc_norms ns;
	uint32_t src, last = 0;

	specc_project_init(&p);
	src = specc_project_add_buffer(&p, "spec.md", (const char *)data, size, SPECC_SOURCE_SPEC);
	if (specc_source_vet(&p, src))
		specc_parse_markdown(&p, src);
	specc_project_resolve(&p);
	specc_norms_extract(&ns, &p);
	for (uint32_t i = 0; i < ns.items.len; i++) {
		const specc_norm *n = &ns.items.items[i];
		if (n->clause >= p.clauses.len || n->clause < last || !n->action.len ||
		    n->end > p.clauses.items[n->clause].text.len)
			abort();
		last = n->clause;
	}
	for (uint32_t i = 0; i < ns.people.len; i++)
		if (!ns.people.items[i].len)
			abort();
	specc_norms_release(&ns);
	specc_project_release(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	specc_norms ns;

	specc_norms_init(&ns);
	specc_norms_read(&ns, 0, (const char *)data, size);
	for (uint32_t i = 0; i < ns.items.len; i++) {
		const specc_norm *n = &ns.items.items[i];
		/* Every statement lies within the sentence and has an action. */
		if (n->start > n->end || n->end > size || !n->action.len || n->modality > SPECC_MOD_MAY ||
		    n->cond > SPECC_COND_EXCEPT || n->limit > SPECC_LIMIT_EXACTLY ||
		    n->cond_limit > SPECC_LIMIT_AT_LEAST || (n->cond_limit && !n->cond) ||
		    (n->limit && !n->limit_text.len))
			abort();
	}
	specc_norms_release(&ns);
	project(data, size);
	return 0;
}
