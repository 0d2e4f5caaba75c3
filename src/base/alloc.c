/*
 * alloc.c - fatal-on-failure allocation and table growth (see base.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specc/base.h"

_Noreturn void specc_die_oom(void)
{
	fputs("specc: out of memory\n", stderr);
	abort();
}

void *specc_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		specc_die_oom();
	return p;
}

void *specc_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		specc_die_oom();
	return p;
}

void *specc_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		specc_die_oom();
	return p;
}

char *specc_xstrndup(const char *s, size_t n)
{
	char *p = specc_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *specc_xstrdup(const char *s)
{
	return specc_xstrndup(s, strlen(s));
}

void specc_grow(void **items, size_t elem_size, size_t need, uint32_t *cap)
{
	size_t old = *cap, cap2;

	if (need <= old)
		return;
	/* Tables are indexed with uint32_t; SPECC_NONE is reserved. */
	if (need >= UINT32_MAX)
		specc_die_oom();
	cap2 = old < 8 ? 8 : old + old / 2;
	if (cap2 < need)
		cap2 = need;
	if (cap2 >= UINT32_MAX)
		cap2 = UINT32_MAX - 1;
	if (cap2 > SIZE_MAX / elem_size)
		specc_die_oom();
	*items = specc_xrealloc(*items, cap2 * elem_size);
	*cap = (uint32_t)cap2;
}

bool specc_str_eq(specc_str a, specc_str b)
{
	if (a.len != b.len)
		return false;
	return a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0;
}

bool specc_str_eqz(specc_str a, const char *z)
{
	size_t n = strlen(z);
	return a.ptr && a.len == n && memcmp(a.ptr, z, n) == 0;
}
