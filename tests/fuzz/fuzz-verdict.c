/*
 * fuzz-verdict.c - libFuzzer target for what a grader sends back: the
 * verdict parser, and a Batch API results file.  Both are untrusted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specc/grade.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static specc_project *project(void)
{
	static specc_project p;
	static bool ready;
	static const char spec[] = "# Top {#top}\n\nText.\n\n## Be honest {#be_honest}\n\nText.\n";

	if (!ready) {
		specc_project_init(&p);
		specc_parse_markdown(&p, specc_project_add_buffer(&p, "spec.md", spec, sizeof spec - 1,
								  SPECC_SOURCE_SPEC));
		specc_project_resolve(&p);
		ready = true;
	}
	return &p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	specc_buf why = SPECC_BUF_INIT;
	specc_verdict v;
	specc_batch *b = NULL;
	uint32_t foreign = 0;
	FILE *f;
	int rc;

	rc = specc_verdict_parse(project(), (const char *)data, size, &v, &why);
	if (rc == SPECC_OK) {
		/* A verdict is whole: a kind, a reason, and sections only for a
		 * violation. */
		if (v.kind < 0 || v.kind > SPECC_VERDICT_UNCLEAR || !v.reason || !*v.reason || !v.violated ||
		    (v.kind == SPECC_VERDICT_VIOLATION) != (strcmp(v.violated, "[]") != 0) || why.len)
			abort();
		specc_verdict_release(&v);
	} else if (why.len == 0) {
		abort();
	}
	specc_buf_reset(&why);

	if (size && (f = fmemopen((void *)data, size, "r"))) {
		rc = specc_batch_read_stream(&b, f, "fuzz.jsonl", 1, &foreign, &why);
		if ((rc == SPECC_OK) != (b != NULL) || (rc != SPECC_OK && why.len == 0))
			abort();
		specc_batch_free(b);
		fclose(f);
	}
	specc_buf_release(&why);
	return 0;
}
