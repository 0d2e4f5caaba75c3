/*
 * json.c - JSON strings from untrusted bytes.
 */
#include "specc/buf.h"
#include "specc/json.h"
#include "specc/utf8.h"

json_t *specc_json_string(const char *s, size_t n)
{
	specc_buf b = SPECC_BUF_INIT;
	json_t *j;

	if (specc_utf8_validate(s, n) == n)
		return json_stringn(s, n);
	specc_utf8_sanitize(&b, s, n);
	j = json_stringn(b.ptr, b.len);
	specc_buf_release(&b);
	return j;
}
