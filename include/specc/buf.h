/*
 * buf.h - a growable byte buffer for building strings.
 *
 * Modelled on git's strbuf: ptr is never NULL and is always NUL-terminated,
 * so a freshly initialised buffer can be printed as "".  Growth failures are
 * fatal (see base.h).
 */
#ifndef SPECC_BUF_H
#define SPECC_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "specc/base.h"

typedef struct specc_buf {
	char *ptr;
	size_t len;
	size_t cap; /* 0 while ptr points at the shared empty string */
} specc_buf;

extern char specc_buf_empty[];
#define SPECC_BUF_INIT { specc_buf_empty, 0, 0 }

void specc_buf_init(specc_buf *b);

/* Frees the buffer's memory and leaves it initialised and empty. */
void specc_buf_release(specc_buf *b);

/* Makes room for at least extra more bytes (plus the NUL). */
void specc_buf_grow(specc_buf *b, size_t extra);

void specc_buf_reset(specc_buf *b);
void specc_buf_add(specc_buf *b, const void *data, size_t n);
void specc_buf_addstr(specc_buf *b, const char *s);
/* Inline: parsers append text a character at a time. */
static inline void specc_buf_addch(specc_buf *b, int c)
{
	if (b->len + 1 >= b->cap)
		specc_buf_grow(b, 1);
	b->ptr[b->len++] = (char)c;
	b->ptr[b->len] = '\0';
}
void specc_buf_addf(specc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void specc_buf_vaddf(specc_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Appends n copies of c. */
void specc_buf_addchars(specc_buf *b, int c, size_t n);

/*
 * Hands the buffer's memory to the caller, who must free() it, and leaves
 * b initialised and empty.  Never returns NULL.
 */
char *specc_buf_detach(specc_buf *b, size_t *len);

#endif
