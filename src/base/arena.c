/*
 * arena.c - bump allocation in chained blocks.
 *
 * Blocks grow geometrically up to 1 MiB so that a small project touches
 * little memory and a large one makes few malloc calls.  A request bigger
 * than a block gets a block of its own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specc/arena.h"
#include "specc/buf.h"

#define ARENA_MIN_BLOCK (4u << 10)
#define ARENA_MAX_BLOCK (1u << 20)
#define ARENA_ALIGN (sizeof(max_align_t))

struct specc_arena_block {
	struct specc_arena_block *next;
	size_t size; /* bytes of data[] */
	size_t used;
	_Alignas(max_align_t) unsigned char data[];
};

void specc_arena_init(specc_arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void specc_arena_release(specc_arena *a)
{
	struct specc_arena_block *b = a->head;

	while (b) {
		struct specc_arena_block *next = b->next;
		free(b);
		b = next;
	}
	specc_arena_init(a);
}

void *specc_arena_alloc(specc_arena *a, size_t size)
{
	struct specc_arena_block *b = a->head;
	size_t rounded, block;
	void *p;

	if (size > SIZE_MAX - ARENA_ALIGN)
		specc_die_oom();
	rounded = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (rounded == 0)
		rounded = ARENA_ALIGN;
	if (!b || b->size - b->used < rounded) {
		block = b ? b->size * 2 : ARENA_MIN_BLOCK;
		if (block > ARENA_MAX_BLOCK)
			block = ARENA_MAX_BLOCK;
		if (block < rounded)
			block = rounded;
		b = specc_xmalloc(sizeof(*b) + block);
		b->size = block;
		b->used = 0;
		if (a->head && block == rounded && a->head->size - a->head->used >= ARENA_ALIGN) {
			/* An oversized one-off: keep filling the current block. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = b->data + b->used;
	b->used += rounded;
	a->used += rounded;
	memset(p, 0, size);
	return p;
}

char *specc_arena_strndup(specc_arena *a, const char *s, size_t n)
{
	char *p = specc_arena_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

specc_str specc_arena_str(specc_arena *a, const char *s, size_t n)
{
	return specc_str_make(specc_arena_strndup(a, s, n), n);
}

char *specc_arena_printf(specc_arena *a, const char *fmt, ...)
{
	specc_buf b = SPECC_BUF_INIT;
	va_list ap;
	char *p;

	va_start(ap, fmt);
	specc_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	p = specc_arena_strndup(a, b.ptr, b.len);
	specc_buf_release(&b);
	return p;
}
