/*
 * batch.c - OpenAI Batch API files: the requests specc writes, and the
 * results it reads back.
 *
 * A request line is {"custom_id", "method": "POST", "url":
 * "/v1/chat/completions", "body"}; a result line is {"custom_id",
 * "response": {"status_code", "body"}, "error"}, which is what OpenAI's
 * Batch API and vLLM's run_batch write.  The custom_id names the run, the
 * kind of request and the case, so results can come back in any order and
 * in any number of files:
 *
 *   specc:RUN:a:SAMPLE:KEY        the model's answer to a case
 *   specc:RUN:g:SAMPLE:JUDGE:KEY  a grader's verdict on it
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct batch_entry {
	char *answer;             /* the message content, or NULL */
	char *error;              /* why there is none */
	int64_t prompt_tokens, completion_tokens;
};

struct specc_batch {
	specc_map ids;            /* custom_id -> entry */
	SPECC_TABLE(struct batch_entry) entries;
	specc_arena arena;
};

void specc_batch_id(specc_buf *out, int64_t run, bool grade, uint32_t sample, int judge,
		    const char *key)
{
	specc_buf_reset(out);
	if (grade)
		specc_buf_addf(out, "specc:%lld:g:%u:%d:%s", (long long)run, sample, judge, key);
	else
		specc_buf_addf(out, "specc:%lld:a:%u:%s", (long long)run, sample, key);
}

static int bad_line(specc_buf *err, const char *path, unsigned line, const char *why)
{
	specc_buf_addf(err, "%s:%u: %s", path, line, why);
	return SPECC_ESYNTAX;
}

/* Reads one result line's outcome into e (strings in the arena). */
static void read_outcome(specc_batch *b, json_t *o, struct batch_entry *e)
{
	json_t *resp = json_object_get(o, "response"), *error = json_object_get(o, "error");
	json_int_t status = json_integer_value(json_object_get(resp, "status_code"));
	json_t *body = json_object_get(resp, "body");
	specc_buf why = SPECC_BUF_INIT;
	char *text, *answer = NULL;

	if (json_is_object(error) || !json_is_object(resp)) {
		const char *msg = json_string_value(json_object_get(error, "message"));
		specc_buf_addf(&why, "the batch reports an error: %s", msg ? msg : "no response");
	} else if (status != 200) {
		const char *msg = json_string_value(json_object_get(json_object_get(body, "error"), "message"));
		specc_buf_addf(&why, "HTTP %lld in the batch%s%s", (long long)status, msg ? ": " : "",
			       msg ? msg : "");
	} else {
		text = json_dumps(body, JSON_COMPACT);
		if (!text || specc_response_parse(text, strlen(text), &answer, &e->prompt_tokens,
						  &e->completion_tokens, &why) != SPECC_OK)
			answer = NULL;
		free(text);
	}
	if (answer) {
		e->answer = specc_arena_strndup(&b->arena, answer, strlen(answer));
		free(answer);
	} else {
		e->error = specc_arena_strndup(&b->arena, why.ptr ? why.ptr : "no answer", why.len);
	}
	specc_buf_release(&why);
}

int specc_batch_read(specc_batch **out, const char *path, int64_t run, uint32_t *foreign,
		     specc_buf *err)
{
	FILE *f = fopen(path, "r");
	int rc;

	*out = NULL;
	*foreign = 0;
	if (!f) {
		specc_buf_addf(err, "cannot read %s: %s", path, strerror(errno));
		return SPECC_EIO;
	}
	rc = specc_batch_read_stream(out, f, path, run, foreign, err);
	fclose(f);
	return rc;
}

int specc_batch_read_stream(specc_batch **out, FILE *f, const char *path, int64_t run,
			    uint32_t *foreign, specc_buf *err)
{
	specc_batch *b = specc_xcalloc(1, sizeof *b);
	char *line = NULL, prefix[48];
	size_t cap = 0, plen;
	ssize_t len;
	unsigned lineno = 0;
	int rc = SPECC_OK;

	*out = NULL;
	*foreign = 0;
	specc_arena_init(&b->arena);
	snprintf(prefix, sizeof prefix, "specc:%lld:", (long long)run);
	plen = strlen(prefix);
	while ((len = getline(&line, &cap, f)) >= 0) {
		json_error_t jerr;
		json_t *o;
		const char *id;
		struct batch_entry *e;

		lineno++;
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue;
		o = json_loadb(line, (size_t)len, 0, &jerr);
		if (!json_is_object(o)) {
			json_decref(o);
			rc = bad_line(err, path, lineno, o ? "a result line must be a JSON object" : jerr.text);
			break;
		}
		id = json_string_value(json_object_get(o, "custom_id"));
		if (!id) {
			json_decref(o);
			rc = bad_line(err, path, lineno, "the line has no custom_id");
			break;
		}
		if (strncmp(id, "specc:", 6)) {
			json_decref(o);
			rc = bad_line(err, path, lineno,
				      "the custom_id is not one of specc's (a batch file specc did not write?)");
			break;
		}
		if (strncmp(id, prefix, plen)) {
			/* Another run's results, perhaps in a shared file. */
			(*foreign)++;
			json_decref(o);
			continue;
		}
		e = SPECC_PUSH(b->entries);
		memset(e, 0, sizeof *e);
		read_outcome(b, o, e);
		specc_map_put(&b->ids, specc_arena_str(&b->arena, id, strlen(id)), b->entries.len - 1, NULL);
		json_decref(o);
	}
	free(line);
	if (rc == SPECC_OK && ferror(f)) {
		specc_buf_addf(err, "cannot read %s: %s", path, strerror(errno));
		rc = SPECC_EIO;
	}
	if (rc != SPECC_OK) {
		specc_batch_free(b);
		return rc;
	}
	*out = b;
	return SPECC_OK;
}

void specc_batch_free(specc_batch *b)
{
	if (!b)
		return;
	specc_map_release(&b->ids);
	SPECC_TABLE_FREE(b->entries);
	specc_arena_release(&b->arena);
	free(b);
}

uint32_t specc_batch_count(const specc_batch *b)
{
	return b ? b->entries.len : 0;
}

bool specc_batch_get(const specc_batch *b, const char *id, const char **answer, const char **error,
		     int64_t *prompt_tokens, int64_t *completion_tokens)
{
	uint32_t i = specc_map_get(&b->ids, specc_str_make(id, strlen(id)));
	const struct batch_entry *e;

	if (i == SPECC_NONE)
		return false;
	e = &b->entries.items[i];
	*answer = e->answer;
	*error = e->error;
	*prompt_tokens = e->prompt_tokens;
	*completion_tokens = e->completion_tokens;
	return true;
}

void specc_batch_write(FILE *out, const char *id, const char *body, size_t len)
{
	json_t *o = json_object(), *b = json_loadb(body, len, 0, NULL);

	json_object_set_new(o, "custom_id", json_string(id));
	json_object_set_new(o, "method", json_string("POST"));
	json_object_set_new(o, "url", json_string("/v1/chat/completions"));
	json_object_set_new(o, "body", b ? b : json_null());
	json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(o);
}
