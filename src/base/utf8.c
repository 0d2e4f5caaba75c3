/*
 * utf8.c - UTF-8 helpers (see utf8.h).
 */
#include <string.h>

#include <utf8proc.h>

#include "specc/utf8.h"

/* Spec files are mostly ASCII; check eight bytes at a time until a byte
 * with the high bit set shows up. */
static size_t ascii_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i + 8 <= n) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ull)
			break;
		i += 8;
	}
	while (i < n && s[i] < 0x80)
		i++;
	return i;
}

/* Length of the valid sequence at s, or 0 when it is invalid. */
static size_t valid_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xF4 && s[1] >= 0x90)
			return 0; /* above U+10FFFF */
		return 4;
	}
	return 0;
}

size_t specc_utf8_validate(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	for (;;) {
		i += ascii_prefix(s + i, n - i);
		if (i >= n)
			return n;
		while (i < n && s[i] >= 0x80) {
			size_t k = valid_seq(s + i, n - i);
			if (!k)
				return i;
			i += k;
		}
	}
}

size_t specc_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t k = valid_seq(s, n);

	switch (k) {
	case 1:
		*cp = s[0];
		return 1;
	case 2:
		*cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	case 3:
		*cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
		      (s[2] & 0x3F);
		return 3;
	case 4:
		*cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
		      ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		return 4;
	default:
		*cp = SPECC_UTF8_REPLACEMENT;
		return 1;
	}
}

size_t specc_utf8_encode(uint32_t cp, char out[4])
{
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = SPECC_UTF8_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp > 0x10FFFF)
		return specc_utf8_encode(SPECC_UTF8_REPLACEMENT, out);
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

void specc_utf8_sanitize(specc_buf *out, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t good = specc_utf8_validate(s + i, n - i);
		specc_buf_add(out, s + i, good);
		i += good;
		if (i < n) {
			specc_buf_add(out, "\xEF\xBF\xBD", 3);
			i++;
		}
	}
}

size_t specc_utf16_len(const char *s, size_t n)
{
	size_t i = 0, units = 0;

	while (i < n) {
		uint32_t cp;
		i += specc_utf8_decode(s + i, n - i, &cp);
		units += cp >= 0x10000 ? 2 : 1;
	}
	return units;
}

size_t specc_display_width(const char *s, size_t n)
{
	size_t i = 0, width = 0;

	while (i < n) {
		uint32_t cp;
		int w;
		i += specc_utf8_decode(s + i, n - i, &cp);
		w = utf8proc_charwidth((utf8proc_int32_t)cp);
		width += w < 0 ? 1 : (size_t)w;
	}
	return width;
}
