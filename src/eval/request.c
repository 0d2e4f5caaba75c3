/*
 * request.c - Chat Completions requests and responses, and the canonical
 * form of a request that keys the response cache.
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <string.h>

#include "specc/eval.h"

/* The seed a sample is asked with: distinct samples need distinct seeds,
 * or a seeded model would answer the same thing K times. */
static int64_t sample_seed(const specc_provider *pv, uint32_t sample)
{
	return pv->seed + (int64_t)sample;
}

static void add_params(json_t *o, const specc_provider *pv, uint32_t sample)
{
	if (pv->has_temperature)
		json_object_set_new(o, "temperature", json_real(pv->temperature));
	if (pv->has_seed)
		json_object_set_new(o, "seed", json_integer(sample_seed(pv, sample)));
	if (pv->max_tokens)
		json_object_set_new(o, "max_tokens", json_integer(pv->max_tokens));
	if (pv->response_format) {
		json_t *rf = json_loads(pv->response_format, 0, NULL);
		if (!rf)
			specc_die_oom(); /* specc's own constant: only memory can fail */
		json_object_set_new(o, "response_format", rf);
	}
}

void specc_sha256_hex(const void *data, size_t len, char out[65])
{
	/* Fetched once: OpenSSL 3 looks the algorithm up on every
	 * EVP_sha256() call otherwise. */
	static EVP_MD *sha256;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!sha256 && !(sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)))
		specc_die_oom();
	EVP_Digest(data, len, md, &n, sha256, NULL);
	for (unsigned int i = 0; i < n && i < 32; i++) {
		out[2 * i] = "0123456789abcdef"[md[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	out[64] = '\0';
}

void specc_request_hash(const specc_provider *pv, const char *model, void *messages,
			uint32_t sample, char hash[65])
{
	static const char kinds[][8] = { "openai", "exec", "replay" };
	json_t *o = json_object(), *params = json_object(), *endpoint;
	char *text;

	if (pv->kind == SPECC_PROVIDER_EXEC) {
		endpoint = json_array();
		for (uint32_t i = 0; i < pv->argc; i++)
			json_array_append_new(endpoint, json_string(pv->argv[i]));
	} else {
		endpoint = json_string(pv->kind == SPECC_PROVIDER_OPENAI ? pv->base_url : pv->file);
	}
	add_params(params, pv, sample);
	json_object_set_new(o, "kind", json_string(kinds[pv->kind]));
	json_object_set_new(o, "endpoint", endpoint);
	json_object_set_new(o, "model", json_string(model ? model : ""));
	json_object_set_new(o, "params", params);
	json_object_set_new(o, "sample", json_integer(sample));
	json_object_set(o, "messages", (json_t *)messages);
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (!text)
		specc_die_oom();
	specc_sha256_hex(text, strlen(text), hash);
	free(text);
	json_decref(o);
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
	specc_buf_add(data, buffer, size);
	return 0;
}

void specc_request_body(const specc_provider *pv, const char *model, void *messages,
			uint32_t sample, specc_buf *body)
{
	json_t *o = json_object();

	json_object_set_new(o, "model", json_string(model ? model : ""));
	json_object_set(o, "messages", (json_t *)messages);
	add_params(o, pv, sample);
	json_dump_callback(o, dump_cb, body, JSON_COMPACT);
	json_decref(o);
}

int specc_response_parse(const char *body, size_t len, char **answer, int64_t *prompt_tokens,
			 int64_t *completion_tokens, specc_buf *why)
{
	json_error_t jerr;
	json_t *root, *choices, *msg, *content, *usage;
	int rc = SPECC_ESYNTAX;

	*answer = NULL;
	*prompt_tokens = *completion_tokens = 0;
	root = json_loadb(body, len, 0, &jerr);
	if (!root) {
		specc_buf_addf(why, "the response is not JSON (%s at byte %d)", jerr.text, jerr.position);
		return SPECC_ESYNTAX;
	}
	choices = json_object_get(root, "choices");
	if (!json_is_array(choices) || json_array_size(choices) == 0) {
		specc_buf_addstr(why, "the response has no choices");
		goto out;
	}
	msg = json_object_get(json_array_get(choices, 0), "message");
	content = json_object_get(msg, "content");
	if (json_is_string(content)) {
		*answer = specc_xstrndup(json_string_value(content), json_string_length(content));
	} else if (json_is_null(content) || !content) {
		/* A refusal field, or tool calls only: the model said nothing. */
		json_t *refusal = json_object_get(msg, "refusal");
		if (json_is_string(refusal)) {
			*answer = specc_xstrdup(json_string_value(refusal));
		} else {
			specc_buf_addstr(why, "the response's first choice has no message content");
			goto out;
		}
	} else {
		specc_buf_addstr(why, "the response's message content is not a string");
		goto out;
	}
	usage = json_object_get(root, "usage");
	if (json_is_object(usage)) {
		*prompt_tokens = json_integer_value(json_object_get(usage, "prompt_tokens"));
		*completion_tokens = json_integer_value(json_object_get(usage, "completion_tokens"));
	}
	rc = SPECC_OK;
out:
	json_decref(root);
	return rc;
}
