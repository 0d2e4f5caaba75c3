/*
 * fuzz-expect.c - libFuzzer target for expect blocks and for checking
 * answers against them.  The input is an expect block, a NUL byte, then
 * an answer: blocks come from spec authors, answers from models, and both
 * are untrusted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "specc/expect.h"
#include "specc/project.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t block = nul ? (size_t)(nul - data) : size;
	const char *answer = nul ? (const char *)nul + 1 : "Call 911 now.";
	size_t alen = nul ? size - block - 1 : strlen(answer);
	specc_project p;
	specc_expect_set set;
	specc_buf why = SPECC_BUF_INIT;
	uint32_t src;

	specc_project_init(&p);
	specc_expect_set_init(&set);
	src = specc_project_add_buffer(&p, "evals/fz01.md", (const char *)data, block, SPECC_SOURCE_EVAL);
	specc_expect_parse(&set, &p.sources, &p.diags, specc_span_make(src, 0, (uint32_t)block));
	for (uint32_t i = 0; i < set.len; i++) {
		specc_outcome oc = SPECC_OUTCOME_PASS;
		specc_buf_reset(&why);
		specc_expect_eval(&set.items[i], answer, alen, &oc, &why);
		/* A failure always says why; nothing else does. */
		if ((oc == SPECC_OUTCOME_FAIL) != (why.len > 0))
			abort();
	}
	specc_buf_release(&why);
	specc_expect_set_release(&set);
	specc_project_release(&p);
	return 0;
}
