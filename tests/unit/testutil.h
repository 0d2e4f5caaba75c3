/*
 * testutil.h - helpers shared by the unit tests that build a project
 * (test-conv.c, test-markdown.c, test-yaml.c, test-check.c).
 *
 * Everything here is static (inline), so each test binary gets its own
 * copy and no extra source file is needed in the build.  The checks report
 * the caller's file and line, so a failure points at the test, not here.
 */
#ifndef SPECC_TESTUTIL_H
#define SPECC_TESTUTIL_H

/* cmocka.h needs these before it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "specc/buf.h"
#include "specc/codes.h"
#include "specc/project.h"

/* ---- fixture ---------------------------------------------------------------- */

/* Every test gets a fresh project in *state; the teardown releases it,
 * so a failing test (an assertion longjmps out) leaks nothing either. */
static inline int setup(void **state)
{
	specc_project *p = malloc(sizeof *p);
	assert_non_null(p);
	specc_project_init(p);
	*state = p;
	return 0;
}

static inline int teardown(void **state)
{
	specc_project_release(*state);
	free(*state);
	return 0;
}

/* A test run with the fixture above. */
#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* ---- building input ------------------------------------------------------- */

/* Adds text as source `name` of the given kind and parses it as Markdown,
 * as the loader does: only a source that passes the vetting is parsed. */
static inline uint32_t add_md(specc_project *p, const char *name, const char *text,
			      enum specc_source_kind kind)
{
	uint32_t src = specc_project_add_buffer(p, name, text, strlen(text), kind);
	if (specc_source_vet(p, src))
		specc_parse_markdown(p, src);
	return src;
}

/* Adds text to p as the spec "spec.md" and parses it. */
static inline uint32_t spec(specc_project *p, const char *text)
{
	return add_md(p, "spec.md", text, SPECC_SOURCE_SPEC);
}

/* ---- checks ----------------------------------------------------------------- */

/* specc_str is not NUL-terminated, so cmocka cannot compare it directly:
 * checks that s holds exactly want (no string at all when want is NULL). */
static inline void check_str(specc_str s, const char *want, const char *file, int line)
{
	static char buf[8192];

	if (!want) {
		if (s.ptr) {
			print_error("expected no string, got \"%.*s\"\n", (int)s.len, s.ptr);
			_fail(file, line);
		}
		return;
	}
	if (!s.ptr) {
		print_error("expected \"%s\", got no string\n", want);
		_fail(file, line);
	}
	snprintf(buf, sizeof buf, "%.*s", (int)s.len, s.ptr);
	_assert_string_equal(buf, want, file, line);
	_assert_int_equal(s.len, strlen(want), file, line);
}

/* Offsets are hard to read in a failure: checks that sp lies in source
 * file_index, within its bounds, and covers exactly the bytes want. */
static inline void check_span(const specc_project *p, specc_span sp, uint32_t file_index,
			      const char *want, const char *file, int line)
{
	const specc_source *s;

	_assert_int_equal(sp.file, file_index, file, line);
	s = &p->sources.items[sp.file];
	_assert_true(sp.start <= sp.end && sp.end <= s->len, "span in bounds", file, line);
	check_str(specc_str_make(s->data + sp.start, sp.end - sp.start), want, file, line);
}

/* One comparison for all findings: the codes of all diagnostics, in the
 * order they were reported, joined with "," ("" for none). */
static inline void check_codes(const specc_project *p, const char *want, const char *file,
			       int line)
{
	specc_buf b = SPECC_BUF_INIT;
	static char got[4096];

	for (uint32_t i = 0; i < p->diags.len; i++)
		specc_buf_addf(&b, "%s%s", i ? "," : "", p->diags.items[i].code->id);
	snprintf(got, sizeof got, "%s", b.ptr);
	specc_buf_release(&b);
	_assert_string_equal(got, want, file, line);
}

/* The checks with the caller's position.  SPAN expects the span in the
 * source held by a variable `src` in the test, as most tests have one
 * source; SPANF names the source index. */
#define STR(s, want) check_str((s), (want), __FILE__, __LINE__)
#define SPAN(p, sp, want) check_span((p), (sp), src, (want), __FILE__, __LINE__)
#define SPANF(p, sp, f, want) check_span((p), (sp), (f), (want), __FILE__, __LINE__)
#define CODES(p, want) check_codes((p), (want), __FILE__, __LINE__)

#endif
