/*
 * fuzz-yaml.c - libFuzzer target for specc.yaml (the project, lint and
 * test settings) and front matter.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../src/spec/internal.h"
#include "specc/buf.h"
#include "specc/eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	specc_project p;
	specc_buf fm = SPECC_BUF_INIT;
	uint32_t src;

	specc_project_init(&p);
	src = specc_project_add_buffer(&p, "specc.yaml", (const char *)data, size,
				       SPECC_SOURCE_CONFIG);
	specc_config_parse(&p, src);
	/* specc test's settings are read from the same file. */
	{
		specc_test_config cfg;
		p.config_source = src;
		specc_test_config_read(&cfg, &p);
		specc_test_config_release(&cfg);
	}
	/* The same bytes as front matter of a spec. */
	specc_buf_addstr(&fm, "---\n");
	specc_buf_add(&fm, data, size);
	specc_buf_addstr(&fm, "\n---\n# Title {#t}\n");
	src = specc_project_add_buffer(&p, "spec.md", fm.ptr, fm.len, SPECC_SOURCE_SPEC);
	specc_parse_markdown(&p, src);
	specc_project_resolve(&p);
	specc_check(&p);
	specc_buf_release(&fm);
	specc_project_release(&p);
	return 0;
}
