/*
 * fuzz-norm.c - libFuzzer target for the reader of normative statements:
 * clause sentences are whatever authors write.
 */
#include <stdint.h>
#include <stdlib.h>

#include "specc/norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	return 0;
}
