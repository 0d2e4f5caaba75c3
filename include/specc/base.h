/*
 * base.h - status codes, string slices and allocation helpers shared by
 * every module of libspecc.
 *
 * Allocation failure is fatal: specc_xmalloc() and friends print a message
 * and abort, the way git's xmalloc() does.  A spec compiler can do nothing
 * useful once the heap is exhausted, and keeping out-of-memory paths out of
 * every function leaves the status codes for failures a user can act on.
 */
#ifndef SPECC_BASE_H
#define SPECC_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Status codes returned by library functions.  Zero is success. */
enum specc_status {
	SPECC_OK = 0,
	SPECC_EIO = -1,     /* a file could not be read or written */
	SPECC_EINVAL = -2,  /* the caller passed something unusable */
	SPECC_ESYNTAX = -3, /* input was malformed; diagnostics say where */
	SPECC_ELIMIT = -4,  /* input exceeds a documented limit */
};

/* Exit codes of the command-line tool, shared by every subcommand. */
enum specc_exit {
	SPECC_EXIT_OK = 0,       /* clean (warnings allowed unless --strict) */
	SPECC_EXIT_FINDINGS = 1, /* errors were found in the input */
	SPECC_EXIT_USAGE = 2,    /* bad command line, or an I/O error */
};

/* "No such node": the value of an index that points nowhere. */
#define SPECC_NONE UINT32_MAX

/*
 * A string slice.  ptr is not NUL-terminated in general: slices in the IR
 * usually point straight into a source file's bytes, so they live exactly as
 * long as the project that owns the source.  An absent string has ptr NULL.
 */
typedef struct specc_str {
	const char *ptr;
	uint32_t len;
} specc_str;

#define SPECC_STR_NULL ((specc_str){ NULL, 0 })

static inline specc_str specc_str_make(const char *ptr, size_t len)
{
	specc_str s = { ptr, (uint32_t)len };
	return s;
}

bool specc_str_eq(specc_str a, specc_str b);
bool specc_str_eqz(specc_str a, const char *z);

void *specc_xmalloc(size_t size);
void *specc_xcalloc(size_t n, size_t size);
void *specc_xrealloc(void *ptr, size_t size);
char *specc_xstrdup(const char *s);
char *specc_xstrndup(const char *s, size_t n);

/* Prints "specc: out of memory" and aborts.  Never returns. */
_Noreturn void specc_die_oom(void);

/*
 * Grows the array *items (of elements of elem_size bytes) so it has room for
 * at least `need` elements; *cap is its capacity.  New slots are not
 * initialised: zeroing capacity nobody uses yet would touch (and fault in)
 * pages for nothing.
 */
void specc_grow(void **items, size_t elem_size, size_t need, uint32_t *cap);

/*
 * A growable table of T, indexed with uint32_t.  Tables in the IR are
 * contiguous, so a node refers to its children as a (first, count) range.
 */
#define SPECC_TABLE(T) struct { T *items; uint32_t len, cap; }

/* Appends a zeroed element to table t and returns a pointer to it.  The
 * pointer is valid until the next push onto the same table. */
#define SPECC_PUSH(t) \
	(specc_grow((void **)&(t).items, sizeof *(t).items, (size_t)(t).len + 1, &(t).cap), \
	 memset(&(t).items[(t).len], 0, sizeof *(t).items), &(t).items[(t).len++])

#define SPECC_TABLE_FREE(t) \
	do { free((t).items); (t).items = NULL; (t).len = (t).cap = 0; } while (0)

#define SPECC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
