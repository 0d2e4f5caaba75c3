/*
 * fuzz-markdown.c - libFuzzer target for the spec and eval file parser.
 *
 * The input is parsed as a spec and, with the same bytes, as an eval file
 * named after an anchor, then resolved and checked, so the whole pipeline
 * from bytes to diagnostics runs on every input.
 */
#include <stddef.h>
#include <stdint.h>

#include "specc/project.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	specc_project p;
	uint32_t src;

	specc_project_init(&p);
	src = specc_project_add_buffer(&p, "spec.md", (const char *)data, size, SPECC_SOURCE_SPEC);
	if (specc_source_vet(&p, src))
		specc_parse_markdown(&p, src);
	src = specc_project_add_buffer(&p, "examples/ab12.md", (const char *)data, size,
				       SPECC_SOURCE_EVAL);
	if (specc_source_vet(&p, src))
		specc_parse_markdown(&p, src);
	p.has_eval_folder = true;
	specc_project_resolve(&p);
	specc_check(&p);
	specc_diags_sort(&p.diags);
	specc_project_release(&p);
	return 0;
}
