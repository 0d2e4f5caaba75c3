/*
 * entity.c - HTML character references, as written inside conversations
 * ("&amp;", "&gt;", "&#8217;").
 */
#include <stdlib.h>
#include <string.h>

#include "specc/utf8.h"
#include "internal.h"

struct entity {
	const char *name;
	const char *utf8;
	unsigned char len;
};

static const struct entity entities[] = {
#include "entities.inc"
};

static int cmp_entity(const void *key, const void *elem)
{
	const specc_str *k = key;
	const struct entity *e = elem;
	size_t n = strlen(e->name);
	int c = memcmp(k->ptr, e->name, k->len < n ? k->len : n);
	if (c)
		return c;
	return k->len < n ? -1 : k->len > n;
}

size_t specc_entity_decode(const char *s, size_t n, specc_buf *out)
{
	size_t i = 1;

	if (n < 3 || s[0] != '&')
		return 0;
	if (s[1] == '#') {
		uint32_t cp = 0;
		bool hex = n > 2 && (s[2] == 'x' || s[2] == 'X');
		size_t digits = 0;
		char enc[4];

		i = hex ? 3 : 2;
		for (; i < n && digits < 8; i++, digits++) {
			int c = (unsigned char)s[i], v;
			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				v = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				v = c - 'A' + 10;
			else
				break;
			cp = cp * (hex ? 16 : 10) + (uint32_t)v;
		}
		if (!digits || i >= n || s[i] != ';')
			return 0;
		/* As HTML does, NUL, surrogates and out-of-range values become
		 * U+FFFD rather than being rejected. */
		if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			cp = SPECC_UTF8_REPLACEMENT;
		specc_buf_add(out, enc, specc_utf8_encode(cp, enc));
		return i + 1;
	}
	while (i < n && i < 40 && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
				   (s[i] >= '0' && s[i] <= '9')))
		i++;
	if (i == 1 || i >= n || s[i] != ';')
		return 0;
	specc_str key = { s + 1, (uint32_t)(i - 1) };
	const struct entity *e =
		bsearch(&key, entities, SPECC_ARRAY_SIZE(entities), sizeof entities[0], cmp_entity);
	if (!e)
		return 0;
	specc_buf_add(out, e->utf8, e->len);
	return i + 1;
}

specc_str specc_entities_decode_str(specc_arena *a, const char *s, size_t n)
{
	const char *amp = memchr(s, '&', n);
	specc_buf b = SPECC_BUF_INIT;
	specc_str out;
	size_t i;

	if (!amp)
		return specc_str_make(s, n);
	i = (size_t)(amp - s);
	specc_buf_add(&b, s, i);
	while (i < n) {
		size_t k = s[i] == '&' ? specc_entity_decode(s + i, n - i, &b) : 0;
		if (k) {
			i += k;
		} else {
			specc_buf_addch(&b, s[i]);
			i++;
		}
	}
	out = specc_arena_str(a, b.ptr, b.len);
	specc_buf_release(&b);
	return out;
}
