/*
 * buf.c - growable byte buffer (see buf.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specc/buf.h"

char specc_buf_empty[1];

void specc_buf_init(specc_buf *b)
{
	b->ptr = specc_buf_empty;
	b->len = 0;
	b->cap = 0;
}

void specc_buf_release(specc_buf *b)
{
	if (b->cap)
		free(b->ptr);
	specc_buf_init(b);
}

void specc_buf_grow(specc_buf *b, size_t extra)
{
	size_t need, cap;

	if (extra > SIZE_MAX - b->len - 1)
		specc_die_oom();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (b->cap == 0) {
		char *p = specc_xmalloc(cap);
		memcpy(p, b->ptr, b->len + 1);
		b->ptr = p;
	} else {
		b->ptr = specc_xrealloc(b->ptr, cap);
	}
	b->cap = cap;
}

void specc_buf_reset(specc_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

void specc_buf_add(specc_buf *b, const void *data, size_t n)
{
	if (n == 0)
		return;
	specc_buf_grow(b, n);
	memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void specc_buf_addstr(specc_buf *b, const char *s)
{
	specc_buf_add(b, s, strlen(s));
}

void specc_buf_addchars(specc_buf *b, int c, size_t n)
{
	if (n == 0)
		return;
	specc_buf_grow(b, n);
	memset(b->ptr + b->len, c, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void specc_buf_vaddf(specc_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(b->ptr + b->len, b->cap ? b->cap - b->len : 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n + 1 > (b->cap ? b->cap - b->len : 0)) {
		specc_buf_grow(b, (size_t)n);
		n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
		if (n < 0)
			return;
	}
	b->len += (size_t)n;
}

void specc_buf_addf(specc_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	specc_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *specc_buf_detach(specc_buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	if (b->cap == 0)
		p = specc_xstrdup("");
	else
		p = b->ptr;
	specc_buf_init(b);
	return p;
}
