/*
 * fuzz-response.c - libFuzzer target for what a provider sends back: the
 * Chat Completions response parser.  Model servers are untrusted input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "specc/eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	specc_buf why = SPECC_BUF_INIT;
	char *answer = NULL;
	int64_t p = -1, c = -1;
	int rc;

	rc = specc_response_parse((const char *)data, size, &answer, &p, &c, &why);
	/* Either an answer and no reason, or a reason and no answer. */
	if ((rc == SPECC_OK) != (answer != NULL) || (rc != SPECC_OK && why.len == 0))
		abort();
	free(answer);
	specc_buf_release(&why);
	return 0;
}
