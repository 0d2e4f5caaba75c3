/*
 * arena.h - a bump allocator for data that lives as long as its owner.
 *
 * Parse trees, diagnostics and decoded strings are allocated from an arena
 * and released all at once.  Allocations are aligned for any object type.
 */
#ifndef SPECC_ARENA_H
#define SPECC_ARENA_H

#include <stddef.h>

#include "specc/base.h"

struct specc_arena_block;

typedef struct specc_arena {
	struct specc_arena_block *head;
	size_t used; /* bytes handed out, for statistics */
} specc_arena;

#define SPECC_ARENA_INIT { NULL, 0 }

void specc_arena_init(specc_arena *a);

/* Frees every block; the arena can be used again afterwards. */
void specc_arena_release(specc_arena *a);

/* Returns size bytes of zeroed memory owned by the arena.  Never NULL. */
void *specc_arena_alloc(specc_arena *a, size_t size);

/* Copies n bytes and a terminating NUL into the arena. */
char *specc_arena_strndup(specc_arena *a, const char *s, size_t n);

/* Copies a slice into the arena; the copy is NUL-terminated as well. */
specc_str specc_arena_str(specc_arena *a, const char *s, size_t n);

/* printf into the arena.  The result is NUL-terminated. */
char *specc_arena_printf(specc_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
