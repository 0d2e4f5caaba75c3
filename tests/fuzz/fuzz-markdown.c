/*
 * fuzz-markdown.c - libFuzzer target for the spec and eval file parser.
 *
 * The input is parsed as a spec and, with the same bytes, as an eval file
 * named after an anchor, then resolved, checked, written as JSON and its
 * findings rendered, so the whole pipeline from bytes to output runs on
 * every input and every string the IR holds is read (a slice left
 * pointing into a freed buffer shows up under ASan).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "specc/emit.h"
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
	FILE *null = fopen("/dev/null", "w");
	if (null) {
		specc_render_opts ro = { true, "specc", "fuzz" };
		specc_emit_json(null, &p);
		specc_diags_render(null, SPECC_FORMAT_HUMAN, &p.sources, &p.diags, &ro);
		specc_diags_render(null, SPECC_FORMAT_SARIF, &p.sources, &p.diags, &ro);
		specc_diags_render(null, SPECC_FORMAT_GITHUB, &p.sources, &p.diags, &ro);
		fclose(null);
	}
	specc_project_release(&p);
	return 0;
}
