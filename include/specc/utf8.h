/*
 * utf8.h - UTF-8 validation, decoding and column arithmetic.
 *
 * Validation is strict (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF).  Decoding is lenient: an invalid byte decodes as U+FFFD
 * and consumes one byte, so every byte string can be walked.
 */
#ifndef SPECC_UTF8_H
#define SPECC_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "specc/buf.h"

#define SPECC_UTF8_REPLACEMENT 0xFFFDu

/* Returns the offset of the first byte that is not valid UTF-8, or n. */
size_t specc_utf8_validate(const char *s, size_t n);

/* Decodes one code point at s (n > 0 bytes available) into *cp and returns
 * the number of bytes it used (1 to 4). */
size_t specc_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encodes cp into out and returns the number of bytes written (1 to 4).
 * Invalid code points are encoded as U+FFFD. */
size_t specc_utf8_encode(uint32_t cp, char out[4]);

/* Appends s to out with every invalid sequence replaced by U+FFFD. */
void specc_utf8_sanitize(specc_buf *out, const char *s, size_t n);

/* Number of UTF-16 code units needed for the n bytes at s. */
size_t specc_utf16_len(const char *s, size_t n);

/* Number of terminal columns the n bytes at s take (wide characters count
 * two, combining marks zero, invalid bytes one). */
size_t specc_display_width(const char *s, size_t n);

#endif
