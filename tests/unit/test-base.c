/*
 * test-base.c - unit tests for src/base: arena, buf, allocation helpers,
 * UTF-8, sources and line tables, and the string map.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specc/arena.h"
#include "specc/base.h"
#include "specc/buf.h"
#include "specc/map.h"
#include "specc/source.h"
#include "specc/utf8.h"

#define ALIGN_OF_MAX ((uintptr_t)_Alignof(max_align_t))

/* The arena's allocation granule, measured once: the distance between two
 * one-byte allocations in a fresh arena.  It must be a multiple of the
 * strictest alignment. */
static size_t granule(void)
{
	static size_t g;
	if (!g) {
		specc_arena a = SPECC_ARENA_INIT;
		char *p = specc_arena_alloc(&a, 1);
		char *q = specc_arena_alloc(&a, 1);
		assert_true(q > p);
		g = (size_t)(q - p);
		assert_int_equal(g % ALIGN_OF_MAX, 0);
		assert_true(g <= 64);
		specc_arena_release(&a);
	}
	return g;
}

static size_t round_up(size_t n)
{
	size_t a = granule();
	size_t r = (n + a - 1) / a * a;
	return r ? r : a;
}

static int all_bytes(const void *p, int c, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		if (s[i] != (unsigned char)c)
			return 0;
	return 1;
}

/* ===================================================================== */
/* arena                                                                  */
/* ===================================================================== */

static void arena_init_state(void **state)
{
	specc_arena a = SPECC_ARENA_INIT;
	specc_arena b;

	(void)state;
	assert_null(a.head);
	assert_int_equal(a.used, 0);
	memset(&b, 0xAB, sizeof b);
	specc_arena_init(&b);
	assert_null(b.head);
	assert_int_equal(b.used, 0);
	/* Releasing an empty arena is harmless. */
	specc_arena_release(&b);
	assert_null(b.head);
	assert_int_equal(b.used, 0);
}

static void arena_alloc_zeroed(void **state)
{
	specc_arena a = SPECC_ARENA_INIT;

	(void)state;
	/* Dirty the heap so a non-zeroing allocator would be caught. */
	for (int round = 0; round < 3; round++) {
		for (size_t n = 1; n < 3000; n += 97) {
			unsigned char *p = specc_arena_alloc(&a, n);
			assert_non_null(p);
			assert_true(all_bytes(p, 0, n));
			memset(p, 0xCD, n);
		}
		specc_arena_release(&a);
	}
	{
		unsigned char *p = specc_arena_alloc(&a, 0);
		assert_non_null(p);
		assert_int_equal(a.used, granule());
	}
	specc_arena_release(&a);
}

static void arena_alignment(void **state)
{
	specc_arena a = SPECC_ARENA_INIT;
	size_t expect_used = 0;

	(void)state;
	for (size_t n = 0; n < 200; n++) {
		size_t size = n % 37 + 1;
		void *p = specc_arena_alloc(&a, size);
		assert_int_equal((uintptr_t)p % ALIGN_OF_MAX, 0);
		expect_used += round_up(size);
		/* Every object type can live there. */
		if (size >= sizeof(long double))
			*(long double *)p = (long double)n;
	}
	assert_int_equal(a.used, expect_used);
	specc_arena_release(&a);
}

static void arena_many_allocations(void **state)
{
	enum { N = 20000, SZ = 24 };
	specc_arena a = SPECC_ARENA_INIT;
	unsigned char **ptrs = calloc(N, sizeof *ptrs);

	(void)state;
	assert_non_null(ptrs);
	for (int i = 0; i < N; i++) {
		ptrs[i] = specc_arena_alloc(&a, SZ);
		assert_true(all_bytes(ptrs[i], 0, SZ));
		memset(ptrs[i], i & 0xFF, SZ);
	}
	/* Nothing was overwritten by a later allocation. */
	for (int i = 0; i < N; i++)
		assert_true(all_bytes(ptrs[i], i & 0xFF, SZ));
	assert_int_equal(a.used, (size_t)N * round_up(SZ));
	specc_arena_release(&a);
	free(ptrs);
}

static void arena_oversize_blocks(void **state)
{
	specc_arena a = SPECC_ARENA_INIT;
	size_t big = (size_t)3 << 20; /* above the 1 MiB block cap */
	unsigned char *p1, *p2, *huge, *huge2;

	(void)state;
	p1 = specc_arena_alloc(&a, 8);
	memset(p1, 0x11, 8);
	huge = specc_arena_alloc(&a, big);
	assert_non_null(huge);
	assert_int_equal((uintptr_t)huge % ALIGN_OF_MAX, 0);
	assert_true(all_bytes(huge, 0, big));
	memset(huge, 0x22, big);
	/* The oversized one-off does not retire the current block. */
	p2 = specc_arena_alloc(&a, 8);
	assert_ptr_equal(p2, p1 + granule());
	memset(p2, 0x33, 8);
	huge2 = specc_arena_alloc(&a, big + 1);
	assert_true(all_bytes(huge2, 0, big + 1));
	memset(huge2, 0x44, big + 1);
	assert_true(all_bytes(p1, 0x11, 8));
	assert_true(all_bytes(huge, 0x22, big));
	assert_true(all_bytes(p2, 0x33, 8));
	assert_int_equal(a.used, 2 * granule() + round_up(big) + round_up(big + 1));
	specc_arena_release(&a);

	/* An oversize request as the very first allocation. */
	huge = specc_arena_alloc(&a, big);
	assert_true(all_bytes(huge, 0, big));
	p1 = specc_arena_alloc(&a, 1);
	*p1 = 1;
	specc_arena_release(&a);
}

static void arena_strndup_printf(void **state)
{
	specc_arena a = SPECC_ARENA_INIT;
	const char *src = "hello, world";
	char *s;
	specc_str str;

	(void)state;
	s = specc_arena_strndup(&a, src, 5);
	assert_string_equal(s, "hello");
	assert_ptr_not_equal(s, src);
	s = specc_arena_strndup(&a, src, 0);
	assert_string_equal(s, "");
	s = specc_arena_strndup(&a, "a\0b", 3);
	assert_memory_equal(s, "a\0b\0", 4);

	str = specc_arena_str(&a, src + 7, 5);
	assert_int_equal(str.len, 5);
	assert_memory_equal(str.ptr, "world", 5);
	assert_int_equal(str.ptr[5], '\0');
	assert_true(specc_str_eqz(str, "world"));

	s = specc_arena_printf(&a, "%s-%d-%c", "x", 42, 'z');
	assert_string_equal(s, "x-42-z");
	s = specc_arena_printf(&a, "%s", "");
	assert_string_equal(s, "");
	/* Longer than the first block. */
	s = specc_arena_printf(&a, "<%6000d>", 7);
	assert_int_equal(strlen(s), 6002);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[6000], '7');
	assert_int_equal(s[6001], '>');
	assert_true(all_bytes(s + 1, ' ', 5999));
	specc_arena_release(&a);
}

static void arena_release_reuse(void **state)
{
	specc_arena a = SPECC_ARENA_INIT;

	(void)state;
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 1000; i++) {
			char *s = specc_arena_printf(&a, "item %d/%d", round, i);
			assert_true(s[0] == 'i');
		}
		assert_non_null(a.head);
		assert_true(a.used > 0);
		specc_arena_release(&a);
		assert_null(a.head);
		assert_int_equal(a.used, 0);
	}
	{
		char *s = specc_arena_strndup(&a, "again", 5);
		assert_string_equal(s, "again");
		assert_int_equal(a.used, round_up(6));
	}
	specc_arena_release(&a);
}

/* ===================================================================== */
/* buf                                                                    */
/* ===================================================================== */

static void buf_never_null(void **state)
{
	specc_buf a = SPECC_BUF_INIT;
	specc_buf b;

	(void)state;
	assert_non_null(a.ptr);
	assert_string_equal(a.ptr, "");
	assert_int_equal(a.len, 0);
	assert_int_equal(a.cap, 0);
	memset(&b, 0, sizeof b);
	specc_buf_init(&b);
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	/* Operations that add nothing keep it on the shared empty string. */
	specc_buf_add(&b, "x", 0);
	specc_buf_addchars(&b, 'x', 0);
	specc_buf_addstr(&b, "");
	specc_buf_reset(&b);
	assert_int_equal(b.cap, 0);
	assert_string_equal(b.ptr, "");
	specc_buf_release(&b);
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	/* Release twice is fine. */
	specc_buf_addstr(&b, "abc");
	specc_buf_release(&b);
	specc_buf_release(&b);
	assert_string_equal(b.ptr, "");
	assert_int_equal(b.len, 0);
	specc_buf_release(&a);
}

static void buf_add_family(void **state)
{
	specc_buf b = SPECC_BUF_INIT;

	(void)state;
	specc_buf_add(&b, "abcdef", 3);
	assert_string_equal(b.ptr, "abc");
	assert_int_equal(b.len, 3);
	assert_true(b.cap >= 4);
	specc_buf_addstr(&b, "de");
	specc_buf_addch(&b, 'f');
	assert_string_equal(b.ptr, "abcdef");
	specc_buf_addchars(&b, '-', 4);
	assert_string_equal(b.ptr, "abcdef----");
	specc_buf_addf(&b, "[%d|%s|%05.1f]", -12, "x", 2.5);
	assert_string_equal(b.ptr, "abcdef----[-12|x|002.5]");
	assert_int_equal(b.len, strlen("abcdef----[-12|x|002.5]"));
	/* Binary data with NULs. */
	specc_buf_reset(&b);
	specc_buf_add(&b, "a\0b", 3);
	specc_buf_addch(&b, '\0');
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.ptr, "a\0b\0\0", 5);
	specc_buf_release(&b);
}

static void buf_addf_on_empty(void **state)
{
	specc_buf b = SPECC_BUF_INIT;

	(void)state;
	specc_buf_addf(&b, "%s", "");
	assert_string_equal(b.ptr, "");
	assert_int_equal(b.len, 0);
	specc_buf_addf(&b, "n=%u", 99u);
	assert_string_equal(b.ptr, "n=99");
	assert_int_equal(b.len, 4);
	specc_buf_release(&b);
}

static void buf_addf_grows(void **state)
{
	specc_buf b = SPECC_BUF_INIT;
	char expect[1100];

	(void)state;
	specc_buf_addstr(&b, "abc");
	/* Exactly fills and then overflows the current capacity. */
	specc_buf_addf(&b, "%01000d", 5);
	assert_int_equal(b.len, 1003);
	memcpy(expect, "abc", 3);
	memset(expect + 3, '0', 999);
	expect[1002] = '5';
	expect[1003] = '\0';
	assert_string_equal(b.ptr, expect);
	assert_true(b.cap >= 1004);

	/* Output whose length lands exactly on the capacity boundary. */
	specc_buf_reset(&b);
	specc_buf_grow(&b, 10);
	{
		size_t room = b.cap - 1;
		specc_buf_addf(&b, "%0*d", (int)room, 0);
		assert_int_equal(b.len, room);
		assert_true(all_bytes(b.ptr, '0', room));
		assert_int_equal(b.ptr[room], '\0');
		specc_buf_addf(&b, "%s", "Z");
		assert_int_equal(b.len, room + 1);
		assert_int_equal(b.ptr[room], 'Z');
		assert_int_equal(b.ptr[room + 1], '\0');
	}
	specc_buf_release(&b);
}

static void vaddf_helper(specc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vaddf_helper(specc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	specc_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

static void buf_vaddf(void **state)
{
	specc_buf b = SPECC_BUF_INIT;

	(void)state;
	vaddf_helper(&b, "%s=%d", "k", 1);
	vaddf_helper(&b, ";%300s", "v");
	assert_int_equal(b.len, 3 + 1 + 300);
	assert_memory_equal(b.ptr, "k=1;", 4);
	assert_true(all_bytes(b.ptr + 4, ' ', 299));
	assert_int_equal(b.ptr[303], 'v');
	assert_int_equal(b.ptr[304], '\0');
	specc_buf_release(&b);
}

static void buf_growth(void **state)
{
	specc_buf b = SPECC_BUF_INIT;
	size_t last_cap = 0;

	(void)state;
	for (size_t i = 0; i < 100000; i++) {
		specc_buf_addch(&b, 'a' + (int)(i % 26));
		assert_true(b.cap >= b.len + 1);
		assert_true(b.cap >= last_cap);
		last_cap = b.cap;
	}
	assert_int_equal(b.len, 100000);
	for (size_t i = 0; i < 100000; i++)
		assert_int_equal(b.ptr[i], 'a' + (int)(i % 26));
	assert_int_equal(b.ptr[100000], '\0');

	/* grow() reserves without changing the content. */
	specc_buf_reset(&b);
	specc_buf_addstr(&b, "keep");
	specc_buf_grow(&b, 1 << 20);
	assert_true(b.cap >= b.len + (1 << 20) + 1);
	assert_string_equal(b.ptr, "keep");
	assert_int_equal(b.len, 4);
	specc_buf_release(&b);

	/* grow() on a fresh buffer allocates and keeps "". */
	specc_buf_grow(&b, 5);
	assert_true(b.cap >= 6);
	assert_string_equal(b.ptr, "");
	assert_int_equal(b.len, 0);
	specc_buf_release(&b);
}

static void buf_reset(void **state)
{
	specc_buf b = SPECC_BUF_INIT;
	char *before;
	size_t cap;

	(void)state;
	specc_buf_addstr(&b, "some text");
	before = b.ptr;
	cap = b.cap;
	specc_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");
	assert_ptr_equal(b.ptr, before);
	assert_int_equal(b.cap, cap);
	specc_buf_addstr(&b, "new");
	assert_string_equal(b.ptr, "new");
	specc_buf_release(&b);
}

static void buf_detach(void **state)
{
	specc_buf b = SPECC_BUF_INIT;
	size_t len = 12345;
	char *s;

	(void)state;
	specc_buf_addstr(&b, "detached");
	s = specc_buf_detach(&b, &len);
	assert_string_equal(s, "detached");
	assert_int_equal(len, 8);
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(s);

	/* Detaching an empty buffer gives a freeable "" of its own. */
	len = 12345;
	s = specc_buf_detach(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	s[0] = 'x'; /* it is writable, not the shared empty string */
	free(s);
	assert_string_equal(b.ptr, "");

	/* len may be NULL; the buffer is reusable. */
	specc_buf_addf(&b, "%d", 7);
	s = specc_buf_detach(&b, NULL);
	assert_string_equal(s, "7");
	free(s);
	specc_buf_addstr(&b, "again");
	assert_string_equal(b.ptr, "again");
	specc_buf_release(&b);
}

/* ===================================================================== */
/* alloc helpers                                                          */
/* ===================================================================== */

static void str_eq(void **state)
{
	const char *text = "abcabd";

	(void)state;
	assert_true(specc_str_eq(specc_str_make(text, 2), specc_str_make(text + 3, 2)));
	assert_false(specc_str_eq(specc_str_make(text, 3), specc_str_make(text + 3, 3)));
	assert_false(specc_str_eq(specc_str_make(text, 2), specc_str_make(text, 3)));
	assert_true(specc_str_eq(SPECC_STR_NULL, SPECC_STR_NULL));
	assert_true(specc_str_eq(SPECC_STR_NULL, specc_str_make("", 0)));
	assert_true(specc_str_eq(specc_str_make(text, 0), specc_str_make(text + 1, 0)));

	assert_true(specc_str_eqz(specc_str_make(text, 3), "abc"));
	assert_false(specc_str_eqz(specc_str_make(text, 3), "ab"));
	assert_false(specc_str_eqz(specc_str_make(text, 3), "abcd"));
	assert_false(specc_str_eqz(specc_str_make(text, 3), "abd"));
	assert_true(specc_str_eqz(specc_str_make(text, 0), ""));
	/* An absent string is not the empty string. */
	assert_false(specc_str_eqz(SPECC_STR_NULL, ""));
	assert_false(specc_str_eqz(SPECC_STR_NULL, "a"));
}

static void x_alloc(void **state)
{
	char *s;
	unsigned char *z;
	void *p;

	(void)state;
	s = specc_xstrdup("dup me");
	assert_string_equal(s, "dup me");
	free(s);
	s = specc_xstrndup("truncate", 5);
	assert_string_equal(s, "trunc");
	free(s);
	s = specc_xstrndup("", 0);
	assert_string_equal(s, "");
	free(s);
	p = specc_xmalloc(0);
	assert_non_null(p);
	free(p);
	z = specc_xcalloc(100, 3);
	assert_true(all_bytes(z, 0, 300));
	free(z);
	p = specc_xcalloc(0, 0);
	assert_non_null(p);
	p = specc_xrealloc(p, 64);
	memset(p, 1, 64);
	p = specc_xrealloc(p, 128);
	assert_true(all_bytes(p, 1, 64));
	free(p);
}

/* base.h: specc_grow() leaves new slots uninitialised (SPECC_PUSH zeroes the
 * one it hands out), so only capacity and the old contents are checked. */
static void grow_capacity(void **state)
{
	int *items = NULL;
	uint32_t cap = 0, old_cap;
	int *before;

	(void)state;
	specc_grow((void **)&items, sizeof *items, 1, &cap);
	assert_non_null(items);
	assert_true(cap >= 1);
	memset(items, 0x5A, cap * sizeof *items);

	/* No-op when there is room. */
	before = items;
	old_cap = cap;
	specc_grow((void **)&items, sizeof *items, cap, &cap);
	assert_ptr_equal(items, before);
	assert_int_equal(cap, old_cap);
	specc_grow((void **)&items, sizeof *items, 0, &cap);
	assert_ptr_equal(items, before);
	assert_int_equal(cap, old_cap);

	specc_grow((void **)&items, sizeof *items, (size_t)old_cap + 1, &cap);
	assert_true(cap >= old_cap + 1);
	assert_true(all_bytes(items, 0x5A, old_cap * sizeof *items));
	memset(items, 0x5A, cap * sizeof *items); /* every slot up to cap is usable */

	/* A big jump gets at least what was asked for and keeps the data. */
	old_cap = cap;
	specc_grow((void **)&items, sizeof *items, 10000, &cap);
	assert_true(cap >= 10000);
	assert_true(cap < UINT32_MAX);
	assert_true(all_bytes(items, 0x5A, old_cap * sizeof *items));
	memset(items, 0, cap * sizeof *items);
	free(items);
}

struct pair {
	uint64_t a;
	char b[5];
};

static void push_table(void **state)
{
	SPECC_TABLE(struct pair) t = { NULL, 0, 0 };

	(void)state;
	for (uint32_t i = 0; i < 1000; i++) {
		struct pair *p;
		/* Dirty the spare capacity: the pushed slot must come back zeroed. */
		if (t.cap > t.len)
			memset(&t.items[t.len], 0xEE, (t.cap - t.len) * sizeof *t.items);
		p = SPECC_PUSH(t);
		assert_int_equal(t.len, i + 1);
		assert_ptr_equal(p, &t.items[i]);
		assert_true(all_bytes(p, 0, sizeof *p));
		p->a = i * 3u;
		memset(p->b, 'q', sizeof p->b);
	}
	assert_true(t.cap >= 1000);
	for (uint32_t i = 0; i < 1000; i++) {
		assert_int_equal(t.items[i].a, i * 3u);
		assert_true(all_bytes(t.items[i].b, 'q', sizeof t.items[i].b));
	}
	SPECC_TABLE_FREE(t);
	assert_null(t.items);
	assert_int_equal(t.len, 0);
	assert_int_equal(t.cap, 0);
	assert_int_equal(SPECC_ARRAY_SIZE("abcd"), 5);
}

/* ===================================================================== */
/* utf8                                                                   */
/* ===================================================================== */

#define V(lit) specc_utf8_validate(lit, sizeof(lit) - 1)

static void utf8_validate_valid(void **state)
{
	(void)state;
	assert_int_equal(specc_utf8_validate("", 0), 0);
	assert_int_equal(V("plain ASCII text, longer than eight bytes"), 41);
	assert_int_equal(V("nul\0inside"), 10);
	assert_int_equal(V("\x7f"), 1);
	assert_int_equal(V("\xC2\x80"), 2);           /* U+0080 */
	assert_int_equal(V("caf\xC3\xA9"), 5);        /* café */
	assert_int_equal(V("\xDF\xBF"), 2);           /* U+07FF */
	assert_int_equal(V("\xE0\xA0\x80"), 3);       /* U+0800 */
	assert_int_equal(V("\xE2\x82\xAC"), 3);       /* € */
	assert_int_equal(V("\xED\x9F\xBF"), 3);       /* U+D7FF */
	assert_int_equal(V("\xEE\x80\x80"), 3);       /* U+E000 */
	assert_int_equal(V("\xEF\xBF\xBF"), 3);       /* U+FFFF */
	assert_int_equal(V("\xF0\x90\x80\x80"), 4);   /* U+10000 */
	assert_int_equal(V("\xF0\x9F\x98\x80"), 4);   /* 😀 */
	assert_int_equal(V("\xF4\x8F\xBF\xBF"), 4);   /* U+10FFFF */
	assert_int_equal(V("mixed \xC3\xA9 \xE6\xBC\xA2 \xF0\x9F\x98\x80 end of it"), 27);
}

static void utf8_validate_invalid(void **state)
{
	(void)state;
	/* Overlong forms. */
	assert_int_equal(V("\xC0\x80"), 0);
	assert_int_equal(V("\xC1\xBF"), 0);
	assert_int_equal(V("ab\xE0\x80\x80"), 2);
	assert_int_equal(V("ab\xE0\x9F\xBF"), 2);
	assert_int_equal(V("abc\xF0\x80\x80\x80"), 3);
	assert_int_equal(V("abc\xF0\x8F\xBF\xBF"), 3);
	/* Surrogates. */
	assert_int_equal(V("x\xED\xA0\x80"), 1);
	assert_int_equal(V("x\xED\xBF\xBF"), 1);
	/* Above U+10FFFF. */
	assert_int_equal(V("\xF4\x90\x80\x80"), 0);
	assert_int_equal(V("\xF5\x80\x80\x80"), 0);
	assert_int_equal(V("\xF7\xBF\xBF\xBF"), 0);
	assert_int_equal(V("\xF8\x88\x80\x80\x80"), 0);
	assert_int_equal(V("\xFF"), 0);
	assert_int_equal(V("\xFE"), 0);
	/* Stray continuation bytes. */
	assert_int_equal(V("\x80"), 0);
	assert_int_equal(V("\xC3\xA9\xA9"), 2);
	/* Missing continuation bytes. */
	assert_int_equal(V("\xC3" "A"), 0);
	assert_int_equal(V("\xE2\x82" "A"), 0);
	assert_int_equal(V("\xF0\x9F\x98" "A"), 0);
	/* Truncated at the end. */
	assert_int_equal(V("ok\xC3"), 2);
	assert_int_equal(V("ok\xE2\x82"), 2);
	assert_int_equal(V("ok\xF0\x9F\x98"), 2);
	/* The first bad byte after a long ASCII run and valid sequences. */
	assert_int_equal(V("0123456789abcdefg\xC3\xA9\xE2\x82\xAC\xFFtail"), 22);
	/* n limits the input: a valid sequence cut by n is truncated. */
	assert_int_equal(specc_utf8_validate("\xE2\x82\xAC", 2), 0);
	assert_int_equal(specc_utf8_validate("ab\xC3\xA9", 3), 2);
}

static void utf8_decode(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(specc_utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(specc_utf8_decode("\0", 1, &cp), 1);
	assert_int_equal(cp, 0);
	assert_int_equal(specc_utf8_decode("\xC3\xA9x", 3, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(specc_utf8_decode("\xE2\x82\xAC", 3, &cp), 3);
	assert_int_equal(cp, 0x20AC);
	assert_int_equal(specc_utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(specc_utf8_decode("\xF4\x8F\xBF\xBF", 4, &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	/* Lenient: one byte, U+FFFD. */
	assert_int_equal(specc_utf8_decode("\xFF", 1, &cp), 1);
	assert_int_equal(cp, SPECC_UTF8_REPLACEMENT);
	cp = 0;
	assert_int_equal(specc_utf8_decode("\x80", 1, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	cp = 0;
	assert_int_equal(specc_utf8_decode("\xC0\x80", 2, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	cp = 0;
	assert_int_equal(specc_utf8_decode("\xED\xA0\x80", 3, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	cp = 0;
	assert_int_equal(specc_utf8_decode("\xF4\x90\x80\x80", 4, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	cp = 0;
	assert_int_equal(specc_utf8_decode("\xE2\x82\xAC", 2, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	cp = 0;
	assert_int_equal(specc_utf8_decode("\xC3\xA9", 1, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
}

static void utf8_encode(void **state)
{
	char out[4];

	(void)state;
	assert_int_equal(specc_utf8_encode(0x41, out), 1);
	assert_memory_equal(out, "A", 1);
	assert_int_equal(specc_utf8_encode(0x7F, out), 1);
	assert_memory_equal(out, "\x7f", 1);
	assert_int_equal(specc_utf8_encode(0x80, out), 2);
	assert_memory_equal(out, "\xC2\x80", 2);
	assert_int_equal(specc_utf8_encode(0xE9, out), 2);
	assert_memory_equal(out, "\xC3\xA9", 2);
	assert_int_equal(specc_utf8_encode(0x7FF, out), 2);
	assert_memory_equal(out, "\xDF\xBF", 2);
	assert_int_equal(specc_utf8_encode(0x800, out), 3);
	assert_memory_equal(out, "\xE0\xA0\x80", 3);
	assert_int_equal(specc_utf8_encode(0x20AC, out), 3);
	assert_memory_equal(out, "\xE2\x82\xAC", 3);
	assert_int_equal(specc_utf8_encode(0xFFFF, out), 3);
	assert_memory_equal(out, "\xEF\xBF\xBF", 3);
	assert_int_equal(specc_utf8_encode(0x10000, out), 4);
	assert_memory_equal(out, "\xF0\x90\x80\x80", 4);
	assert_int_equal(specc_utf8_encode(0x1F600, out), 4);
	assert_memory_equal(out, "\xF0\x9F\x98\x80", 4);
	assert_int_equal(specc_utf8_encode(0x10FFFF, out), 4);
	assert_memory_equal(out, "\xF4\x8F\xBF\xBF", 4);
	/* Invalid code points become U+FFFD. */
	assert_int_equal(specc_utf8_encode(0xD800, out), 3);
	assert_memory_equal(out, "\xEF\xBF\xBD", 3);
	assert_int_equal(specc_utf8_encode(0xDFFF, out), 3);
	assert_memory_equal(out, "\xEF\xBF\xBD", 3);
	assert_int_equal(specc_utf8_encode(0x110000, out), 3);
	assert_memory_equal(out, "\xEF\xBF\xBD", 3);
	assert_int_equal(specc_utf8_encode(UINT32_MAX, out), 3);
	assert_memory_equal(out, "\xEF\xBF\xBD", 3);
}

static void utf8_roundtrip(void **state)
{
	(void)state;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp += (cp < 0x1000 ? 1 : 61)) {
		char out[4];
		uint32_t back = 0;
		size_t n;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		n = specc_utf8_encode(cp, out);
		assert_int_equal(n, cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
		assert_int_equal(specc_utf8_validate(out, n), n);
		assert_int_equal(specc_utf8_decode(out, n, &back), n);
		assert_int_equal(back, cp);
	}
}

static void utf8_sanitize(void **state)
{
	specc_buf b = SPECC_BUF_INIT;

	(void)state;
	specc_utf8_sanitize(&b, "caf\xC3\xA9 \xF0\x9F\x98\x80", 10);
	assert_string_equal(b.ptr, "caf\xC3\xA9 \xF0\x9F\x98\x80");
	specc_buf_reset(&b);

	specc_buf_addstr(&b, ">");
	specc_utf8_sanitize(&b, "a\xFF" "b", 3);
	assert_string_equal(b.ptr, ">a\xEF\xBF\xBD" "b");
	specc_buf_reset(&b);

	specc_utf8_sanitize(&b, "\xC3(", 2);
	assert_string_equal(b.ptr, "\xEF\xBF\xBD(");
	specc_buf_reset(&b);

	specc_utf8_sanitize(&b, "\xC0\x80", 2);
	assert_string_equal(b.ptr, "\xEF\xBF\xBD\xEF\xBF\xBD");
	specc_buf_reset(&b);

	specc_utf8_sanitize(&b, "\xED\xA0\x80z", 4);
	assert_int_equal(specc_utf8_validate(b.ptr, b.len), b.len);
	assert_memory_equal(b.ptr, "\xEF\xBF\xBD", 3);
	assert_int_equal(b.ptr[b.len - 1], 'z');
	assert_null(memchr(b.ptr, 0xED, b.len));
	specc_buf_reset(&b);

	/* Truncated at the end: still valid, no raw lead byte left. */
	specc_utf8_sanitize(&b, "ok\xE2\x82", 4);
	assert_int_equal(specc_utf8_validate(b.ptr, b.len), b.len);
	assert_memory_equal(b.ptr, "ok\xEF\xBF\xBD", 5);
	assert_null(memchr(b.ptr, 0xE2, b.len));
	specc_buf_reset(&b);

	specc_utf8_sanitize(&b, "", 0);
	assert_int_equal(b.len, 0);
	specc_buf_release(&b);
}

static void utf16_len(void **state)
{
	(void)state;
	assert_int_equal(specc_utf16_len("", 0), 0);
	assert_int_equal(specc_utf16_len("abc", 3), 3);
	assert_int_equal(specc_utf16_len("\xC3\xA9", 2), 1);
	assert_int_equal(specc_utf16_len("\xE2\x82\xAC", 3), 1);
	assert_int_equal(specc_utf16_len("\xEF\xBF\xBF", 3), 1);
	assert_int_equal(specc_utf16_len("\xF0\x9F\x98\x80", 4), 2);
	assert_int_equal(specc_utf16_len("\xF0\x90\x80\x80", 4), 2);
	assert_int_equal(specc_utf16_len("a\xF0\x9F\x98\x80\xC3\xA9", 7), 4);
	/* Invalid bytes count one unit each (as U+FFFD). */
	assert_int_equal(specc_utf16_len("\xFF\xFE", 2), 2);
}

static void display_width(void **state)
{
	(void)state;
	assert_int_equal(specc_display_width("", 0), 0);
	assert_int_equal(specc_display_width("abc", 3), 3);
	assert_int_equal(specc_display_width("\xC3\xA9", 2), 1);               /* é */
	assert_int_equal(specc_display_width("\xE6\xBC\xA2\xE5\xAD\x97", 6), 4); /* 漢字 */
	assert_int_equal(specc_display_width("\xEF\xBC\xA1", 3), 2);           /* fullwidth A */
	assert_int_equal(specc_display_width("\xF0\x9F\x98\x80", 4), 2);       /* 😀 */
	assert_int_equal(specc_display_width("e\xCC\x81", 3), 1);              /* e + U+0301 */
	assert_int_equal(specc_display_width("\xCC\x81", 2), 0);
	assert_int_equal(specc_display_width("\xFF", 1), 1);
	assert_int_equal(specc_display_width("a\xE6\xBC\xA2" "b", 5), 4);
}

/* ===================================================================== */
/* source                                                                 */
/* ===================================================================== */

static uint32_t add_src(specc_sources *srcs, const char *path, const char *text, size_t len)
{
	char *data = malloc(len + 1);
	uint32_t idx = SPECC_NONE;

	assert_non_null(data);
	memcpy(data, text, len);
	data[len] = '#'; /* the spare byte: specc_sources_add() must NUL it */
	specc_sources_add(srcs, path, data, (uint32_t)len, SPECC_SOURCE_SPEC, &idx);
	assert_int_equal(srcs->items[idx].data[len], '\0');
	return idx;
}

#define ADD_SRC(srcs, path, lit) add_src(srcs, path, lit, sizeof(lit) - 1)

static void assert_line(const specc_source *s, uint32_t line, const char *expect)
{
	specc_str t = specc_source_line_text(s, line);
	assert_int_equal(t.len, strlen(expect));
	assert_memory_equal(t.ptr, expect, t.len);
}

static void source_add(void **state)
{
	specc_sources srcs = { NULL, 0, 0 };
	char path[16] = "dir/a.md";
	char *data = malloc(4);
	uint32_t idx = 99;

	(void)state;
	assert_non_null(data);
	memcpy(data, "abc", 3);
	data[3] = 'Z'; /* the spare byte is overwritten with NUL */
	specc_sources_add(&srcs, path, data, 3, SPECC_SOURCE_EVAL, &idx);
	assert_int_equal(idx, 0);
	path[0] = 'X';
	assert_string_equal(srcs.items[0].path, "dir/a.md");
	assert_ptr_equal(srcs.items[0].data, data);
	assert_int_equal(srcs.items[0].data[3], '\0');
	assert_int_equal(srcs.items[0].len, 3);
	assert_int_equal(srcs.items[0].kind, SPECC_SOURCE_EVAL);
	assert_int_equal(ADD_SRC(&srcs, "b.md", "x"), 1);
	assert_int_equal(ADD_SRC(&srcs, "c.md", "y"), 2);
	assert_int_equal(srcs.len, 3);
	assert_string_equal(srcs.items[2].path, "c.md");
	specc_sources_release(&srcs);
	assert_int_equal(srcs.len, 0);
	assert_null(srcs.items);
}

/*
 * source.h documents the spare byte as room for a NUL, so a caller may leave
 * it uninitialised.  specc_sources_add() must write it without reading it
 * first (under valgrind a read shows up as "Conditional jump or move depends
 * on uninitialised value(s)").
 */
static void source_add_spare_byte_uninitialised(void **state)
{
	specc_sources srcs = { NULL, 0, 0 };
	char *data = malloc(3);
	uint32_t idx = 99;

	(void)state;
	assert_non_null(data);
	memcpy(data, "ab", 2); /* data[2] deliberately left uninitialised */
	specc_sources_add(&srcs, "spare.md", data, 2, SPECC_SOURCE_SPEC, &idx);
	assert_int_equal(idx, 0);
	assert_int_equal(srcs.items[0].data[2], '\0');
	assert_string_equal(srcs.items[0].data, "ab");
	specc_sources_release(&srcs);
}

static void source_lines_lf(void **state)
{
	specc_sources srcs = { NULL, 0, 0 };
	const specc_source *s;

	(void)state;
	ADD_SRC(&srcs, "lf.md", "ab\ncd\n\nef\n");
	s = &srcs.items[0];
	assert_int_equal(s->n_lines, 5);
	assert_int_equal(s->lines[0], 0);
	assert_int_equal(s->lines[1], 3);
	assert_int_equal(s->lines[2], 6);
	assert_int_equal(s->lines[3], 7);
	assert_int_equal(s->lines[4], 10);
	assert_line(s, 0, "ab");
	assert_line(s, 1, "cd");
	assert_line(s, 2, "");
	assert_line(s, 3, "ef");
	assert_line(s, 4, "");
	assert_line(s, 5, ""); /* past the end */
	assert_line(s, 1000, "");
	specc_sources_release(&srcs);
}

static void source_lines_crlf(void **state)
{
	specc_sources srcs = { NULL, 0, 0 };
	const specc_source *s;
	specc_pos p;

	(void)state;
	ADD_SRC(&srcs, "crlf.md", "ab\r\ncd\r\n\r\nlast");
	s = &srcs.items[0];
	assert_int_equal(s->n_lines, 4);
	assert_int_equal(s->lines[1], 4);
	assert_int_equal(s->lines[2], 8);
	assert_int_equal(s->lines[3], 10);
	assert_line(s, 0, "ab");
	assert_line(s, 1, "cd");
	assert_line(s, 2, "");
	assert_line(s, 3, "last");
	/* The CR belongs to its line. */
	assert_int_equal(specc_source_line_of(s, 2), 0);
	assert_int_equal(specc_source_line_of(s, 3), 0);
	assert_int_equal(specc_source_line_of(s, 4), 1);
	specc_source_pos(s, 6, &p);
	assert_int_equal(p.line, 2);
	assert_int_equal(p.column, 3);
	assert_int_equal(p.utf16, 3);
	specc_sources_release(&srcs);
}

static void source_lines_cr_stripped(void **state)
{
	specc_sources srcs = { NULL, 0, 0 };
	const specc_source *s;

	(void)state;
	ADD_SRC(&srcs, "cr.md", "a\rb\nc\r");
	s = &srcs.items[0];
	assert_int_equal(s->n_lines, 2);
	assert_line(s, 0, "a\rb"); /* an inner CR is text */
	assert_line(s, 1, "c");    /* a final CR without LF is a line ending */
	specc_sources_release(&srcs);
}

static void source_no_trailing_newline(void **state)
{
	specc_sources srcs = { NULL, 0, 0 };
	const specc_source *s;
	specc_pos p;

	(void)state;
	ADD_SRC(&srcs, "nt.md", "ab\ncd\nef");
	s = &srcs.items[0];
	assert_int_equal(s->n_lines, 3);
	assert_int_equal(s->lines[2], 6);
	assert_line(s, 2, "ef");
	assert_int_equal(specc_source_line_of(s, 0), 0);
	assert_int_equal(specc_source_line_of(s, 2), 0); /* the '\n' ends line 0 */
	assert_int_equal(specc_source_line_of(s, 3), 1);
	assert_int_equal(specc_source_line_of(s, 5), 1);
	assert_int_equal(specc_source_line_of(s, 6), 2);
	assert_int_equal(specc_source_line_of(s, 7), 2);
	assert_int_equal(specc_source_line_of(s, 8), 2); /* len */
	specc_source_pos(s, 8, &p);
	assert_int_equal(p.line, 3);
	assert_int_equal(p.column, 3);
	assert_int_equal(p.utf16, 3);
	specc_sources_release(&srcs);
}

static void source_trailing_newline_len(void **state)
{
	specc_sources srcs = { NULL, 0, 0 };
	const specc_source *s;
	specc_pos p;

	(void)state;
	ADD_SRC(&srcs, "t.md", "ab\n");
	s = &srcs.items[0];
	assert_int_equal(s->n_lines, 2);
	assert_int_equal(specc_source_line_of(s, 2), 0);
	assert_int_equal(specc_source_line_of(s, 3), 1); /* len: the last (empty) line */
	specc_source_pos(s, 3, &p);
	assert_int_equal(p.line, 2);
	assert_int_equal(p.column, 1);
	assert_int_equal(p.utf16, 1);
	specc_sources_release(&srcs);
}

static void source_empty(void **state)
{
	specc_sources srcs = { NULL, 0, 0 };
	const specc_source *s;
	specc_pos p;

	(void)state;
	ADD_SRC(&srcs, "empty.md", "");
	s = &srcs.items[0];
	assert_int_equal(s->len, 0);
	assert_int_equal(s->n_lines, 1);
	assert_int_equal(s->lines[0], 0);
	assert_int_equal(s->data[0], '\0');
	assert_int_equal(specc_source_line_of(s, 0), 0);
	assert_line(s, 0, "");
	specc_source_pos(s, 0, &p);
	assert_int_equal(p.line, 1);
	assert_int_equal(p.column, 1);
	assert_int_equal(p.utf16, 1);
	specc_sources_release(&srcs);
}

static void source_pos_columns(void **state)
{
	specc_sources srcs = { NULL, 0, 0 };
	const specc_source *s;
	specc_pos p;

	(void)state;
	/* Line 2: "a" (1) "é" (2 bytes, 1 unit) "😀" (4 bytes, 2 units) "x". */
	ADD_SRC(&srcs, "u.md", "line1\na\xC3\xA9\xF0\x9F\x98\x80x\n");
	s = &srcs.items[0];
	specc_source_pos(s, 6, &p); /* 'a' */
	assert_int_equal(p.line, 2);
	assert_int_equal(p.column, 1);
	assert_int_equal(p.utf16, 1);
	specc_source_pos(s, 7, &p); /* 'é' */
	assert_int_equal(p.column, 2);
	assert_int_equal(p.utf16, 2);
	specc_source_pos(s, 9, &p); /* '😀' */
	assert_int_equal(p.line, 2);
	assert_int_equal(p.column, 4);
	assert_int_equal(p.utf16, 3);
	specc_source_pos(s, 13, &p); /* 'x' */
	assert_int_equal(p.line, 2);
	assert_int_equal(p.column, 8);
	assert_int_equal(p.utf16, 5);
	specc_source_pos(s, 14, &p); /* the '\n' */
	assert_int_equal(p.column, 9);
	assert_int_equal(p.utf16, 6);
	/* Line starts and ends. */
	specc_source_pos(s, 0, &p);
	assert_int_equal(p.line, 1);
	assert_int_equal(p.column, 1);
	specc_source_pos(s, 5, &p);
	assert_int_equal(p.line, 1);
	assert_int_equal(p.column, 6);
	/* Offsets past the end clamp to the end. */
	specc_source_pos(s, 15, &p);
	assert_int_equal(p.line, 3);
	assert_int_equal(p.column, 1);
	specc_source_pos(s, 1000, &p);
	assert_int_equal(p.line, 3);
	assert_int_equal(p.column, 1);
	assert_int_equal(p.utf16, 1);
	specc_sources_release(&srcs);
}

static void source_line_of_many(void **state)
{
	enum { LINES = 5000 };
	specc_sources srcs = { NULL, 0, 0 };
	specc_buf b = SPECC_BUF_INIT;
	const specc_source *s;
	size_t len;
	char *data;
	uint32_t idx;

	(void)state;
	/* Line i holds i % 7 + 1 bytes before its newline. */
	for (uint32_t i = 0; i < LINES; i++) {
		specc_buf_addchars(&b, 'a' + (int)(i % 7), i % 7);
		specc_buf_addch(&b, '\n');
	}
	data = specc_buf_detach(&b, &len);
	specc_sources_add(&srcs, "many.md", data, (uint32_t)len, SPECC_SOURCE_SPEC, &idx);
	s = &srcs.items[idx];
	assert_int_equal(s->n_lines, LINES + 1);
	{
		uint32_t off = 0;
		for (uint32_t i = 0; i < LINES; i++) {
			uint32_t n = i % 7 + 1;
			assert_int_equal(s->lines[i], off);
			assert_int_equal(specc_source_line_of(s, off), i);
			assert_int_equal(specc_source_line_of(s, off + n - 1), i);
			off += n;
		}
		assert_int_equal(off, len);
		assert_int_equal(specc_source_line_of(s, off), LINES);
	}
	specc_sources_release(&srcs);
}

/* ===================================================================== */
/* map                                                                    */
/* ===================================================================== */

static specc_str S(const char *z)
{
	return specc_str_make(z, strlen(z));
}

static void map_hash(void **state)
{
	(void)state;
	/* FNV-1a 32-bit test vectors. */
	assert_int_equal(specc_hash("", 0), 0x811c9dc5u);
	assert_int_equal(specc_hash("a", 1), 0xe40c292cu);
	assert_int_equal(specc_hash("foobar", 6), 0xbf9cf968u);
}

static void map_put_get(void **state)
{
	specc_map m = SPECC_MAP_INIT;
	const char *text = "alphabet";

	(void)state;
	assert_int_equal(specc_map_get(&m, S("alpha")), SPECC_NONE);
	assert_true(specc_map_put(&m, S("alpha"), 1, NULL));
	assert_true(specc_map_put(&m, S("beta"), 2, NULL));
	assert_true(specc_map_put(&m, S("alphab"), 3, NULL));
	assert_int_equal(m.len, 3);
	assert_int_equal(specc_map_get(&m, S("alpha")), 1);
	assert_int_equal(specc_map_get(&m, S("beta")), 2);
	assert_int_equal(specc_map_get(&m, S("alphab")), 3);
	assert_int_equal(specc_map_get(&m, S("alph")), SPECC_NONE);
	assert_int_equal(specc_map_get(&m, S("gamma")), SPECC_NONE);
	/* Keys are compared as slices, not C strings. */
	assert_int_equal(specc_map_get(&m, specc_str_make(text, 5)), 1);
	assert_int_equal(specc_map_get(&m, specc_str_make(text, 6)), 3);
	assert_int_equal(specc_map_get(&m, specc_str_make(text, 7)), SPECC_NONE);
	assert_true(m.cap > 0);
	assert_int_equal(m.cap & (m.cap - 1), 0);
	specc_map_release(&m);
	assert_null(m.slots);
	assert_int_equal(m.cap, 0);
	assert_int_equal(m.len, 0);
	assert_int_equal(specc_map_get(&m, S("alpha")), SPECC_NONE);
}

static void map_duplicate(void **state)
{
	specc_map m = SPECC_MAP_INIT;
	uint32_t existing = 12345;
	char copy[8] = "key";

	(void)state;
	assert_true(specc_map_put(&m, S("key"), 7, &existing));
	assert_int_equal(existing, 12345); /* untouched on insert */
	assert_false(specc_map_put(&m, S(copy), 8, &existing));
	assert_int_equal(existing, 7);
	assert_false(specc_map_put(&m, S("key"), 9, NULL));
	assert_int_equal(specc_map_get(&m, S("key")), 7);
	assert_int_equal(m.len, 1);
	specc_map_release(&m);
}

static void map_many_keys(void **state)
{
	enum { N = 20000 };
	specc_map m = SPECC_MAP_INIT;
	char (*keys)[16] = calloc(N, sizeof *keys);

	(void)state;
	assert_non_null(keys);
	for (uint32_t i = 0; i < N; i++) {
		snprintf(keys[i], sizeof keys[i], "sec-%u", i);
		assert_true(specc_map_put(&m, S(keys[i]), i * 2, NULL));
		assert_int_equal(m.len, i + 1);
		assert_true(m.len * 2 <= m.cap);
	}
	assert_int_equal(m.cap & (m.cap - 1), 0);
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(specc_map_get(&m, S(keys[i])), i * 2);
	for (uint32_t i = 0; i < N; i += 7) {
		uint32_t ex = 0;
		assert_false(specc_map_put(&m, S(keys[i]), 1, &ex));
		assert_int_equal(ex, i * 2);
	}
	assert_int_equal(specc_map_get(&m, S("sec-20000")), SPECC_NONE);
	assert_int_equal(specc_map_get(&m, S("sec-")), SPECC_NONE);
	assert_int_equal(m.len, N);
	specc_map_release(&m);
	free(keys);
}

static void map_empty_key(void **state)
{
	specc_map m = SPECC_MAP_INIT;
	uint32_t ex = 0;

	(void)state;
	assert_int_equal(specc_map_get(&m, SPECC_STR_NULL), SPECC_NONE);
	assert_true(specc_map_put(&m, specc_str_make("", 0), 5, NULL));
	assert_int_equal(specc_map_get(&m, specc_str_make("", 0)), 5);
	assert_int_equal(specc_map_get(&m, SPECC_STR_NULL), 5);
	assert_int_equal(specc_map_get(&m, specc_str_make("abc", 0)), 5);
	assert_false(specc_map_put(&m, SPECC_STR_NULL, 6, &ex));
	assert_int_equal(ex, 5);
	assert_true(specc_map_put(&m, S("a"), 1, NULL));
	assert_int_equal(specc_map_get(&m, S("a")), 1);
	assert_int_equal(m.len, 2);
	specc_map_release(&m);

	/* A NULL-pointer empty key inserted first is found too. */
	assert_true(specc_map_put(&m, SPECC_STR_NULL, 3, NULL));
	assert_int_equal(specc_map_get(&m, specc_str_make("", 0)), 3);
	assert_int_equal(m.len, 1);
	specc_map_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_init_state),
		cmocka_unit_test(arena_alloc_zeroed),
		cmocka_unit_test(arena_alignment),
		cmocka_unit_test(arena_many_allocations),
		cmocka_unit_test(arena_oversize_blocks),
		cmocka_unit_test(arena_strndup_printf),
		cmocka_unit_test(arena_release_reuse),
		cmocka_unit_test(buf_never_null),
		cmocka_unit_test(buf_add_family),
		cmocka_unit_test(buf_addf_on_empty),
		cmocka_unit_test(buf_addf_grows),
		cmocka_unit_test(buf_vaddf),
		cmocka_unit_test(buf_growth),
		cmocka_unit_test(buf_reset),
		cmocka_unit_test(buf_detach),
		cmocka_unit_test(str_eq),
		cmocka_unit_test(x_alloc),
		cmocka_unit_test(grow_capacity),
		cmocka_unit_test(push_table),
		cmocka_unit_test(utf8_validate_valid),
		cmocka_unit_test(utf8_validate_invalid),
		cmocka_unit_test(utf8_decode),
		cmocka_unit_test(utf8_encode),
		cmocka_unit_test(utf8_roundtrip),
		cmocka_unit_test(utf8_sanitize),
		cmocka_unit_test(utf16_len),
		cmocka_unit_test(display_width),
		cmocka_unit_test(source_add),
		cmocka_unit_test(source_add_spare_byte_uninitialised),
		cmocka_unit_test(source_lines_lf),
		cmocka_unit_test(source_lines_crlf),
		cmocka_unit_test(source_lines_cr_stripped),
		cmocka_unit_test(source_no_trailing_newline),
		cmocka_unit_test(source_trailing_newline_len),
		cmocka_unit_test(source_empty),
		cmocka_unit_test(source_pos_columns),
		cmocka_unit_test(source_line_of_many),
		cmocka_unit_test(map_hash),
		cmocka_unit_test(map_put_get),
		cmocka_unit_test(map_duplicate),
		cmocka_unit_test(map_many_keys),
		cmocka_unit_test(map_empty_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
