/*
 * fuzz-deep.c - libFuzzer target for specc check --deep: the verdict
 * parser (what a grader model sends back is untrusted), and the candidate
 * search and request document over a spec (what authors write is too).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "specc/deep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A verdict is whole: a kind and a non-blank reason, and no why. */
static void verdict(const uint8_t *data, size_t size)
{
	specc_buf why = SPECC_BUF_INIT;
	char *reason = NULL;
	int kind;

	if (specc_deep_verdict_parse((const char *)data, size, &kind, &reason, &why) == SPECC_OK) {
		if (kind < SPECC_DEEP_CONTRADICTION || kind > SPECC_DEEP_UNCLEAR || !reason ||
		    strspn(reason, " \t\r\n") == strlen(reason) || why.len)
			abort();
	} else if (!why.len || reason || kind != -1) {
		abort();
	}
	free(reason);
	specc_buf_release(&why);
}

/* Candidates are pairs of distinct clauses, in order: the pairs across an
 * overrides= first (half of the 8 at most), then best first, and every
 * other pair shares two stems; the document of each is JSON naming both,
 * the same either way round.  Declarations are then judged on made-up
 * verdicts, a pair without one among them. */
static void candidates(const uint8_t *data, size_t size)
{
	specc_project p;
	specc_deep_candidates c;
	specc_buf ab = SPECC_BUF_INIT, ba = SPECC_BUF_INIT;
	uint32_t first = 0;
	int *verdicts;

	specc_project_init(&p);
	uint32_t src = specc_project_add_buffer(&p, "spec.md", (const char *)data, size, SPECC_SOURCE_SPEC);
	if (specc_source_vet(&p, src))
		specc_parse_markdown(&p, src);
	specc_project_resolve(&p);
	specc_deep_candidates_find(&p, 8, &c);
	while (first < c.pairs.len && first < 4 && c.pairs.items[first].declared)
		first++;
	for (uint32_t i = 0; i < c.pairs.len; i++) {
		const specc_deep_pair *q = &c.pairs.items[i];
		if (q->a >= q->b || q->b >= p.clauses.len || (q->shared < 2 && !q->declared) ||
		    (i > first && q->score > c.pairs.items[i - 1].score))
			abort();
	}
	if (c.declared > c.total || c.pairs.len > c.total)
		abort();
	verdicts = calloc(c.pairs.len + 1, sizeof *verdicts);
	for (uint32_t i = 0; i < c.pairs.len; i++)
		verdicts[i] = (int)(i % 4) - 1;
	specc_deep_report_overrides(&p, &c, verdicts, true);
	free(verdicts);
	if (c.pairs.len) {
		json_t *doc;
		specc_deep_document(&p, c.pairs.items[0].a, c.pairs.items[0].b, &ab);
		specc_deep_document(&p, c.pairs.items[0].b, c.pairs.items[0].a, &ba);
		doc = json_loads(ab.ptr, 0, NULL);
		if (strcmp(ab.ptr, ba.ptr) || json_array_size(json_object_get(doc, "clauses")) != 2)
			abort();
		json_decref(doc);
	}
	specc_buf_release(&ab);
	specc_buf_release(&ba);
	specc_deep_candidates_release(&c);
	specc_project_release(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	verdict(data, size);
	candidates(data, size);
	return 0;
}
