/*
 * fuzz-conv.c - libFuzzer target for the conversation parser alone, which
 * sees the content of ~~~xml blocks without md4c in front of it.
 */
#include <stddef.h>
#include <stdint.h>

#include "../../src/spec/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t offset_in(void *ctx, const char *p)
{
	return (uint32_t)(p - (const char *)ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	specc_project p;
	specc_conversation conv;
	uint32_t src;

	specc_project_init(&p);
	src = specc_project_add_buffer(&p, "conv.xml", (const char *)data, size, SPECC_SOURCE_SPEC);
	const char *text = p.sources.items[src].data;
	specc_conv_parse(&p, src, text, size, offset_in, (void *)text, &conv);
	/* Every span must lie inside the input. */
	for (uint32_t i = 0; i < p.turns.len; i++) {
		const specc_turn *t = &p.turns.items[i];
		if (t->span.start > t->span.end || t->span.end > size ||
		    t->content_span.end > size)
			__builtin_trap();
	}
	for (uint32_t i = 0; i < p.diags.len; i++)
		if (p.diags.items[i].span.end > size)
			__builtin_trap();
	specc_project_release(&p);
	return 0;
}
