/*
 * test-diag.c - unit tests for src/base/diag.c (codes, the diagnostic
 * collection, sorting, quoting) and src/base/render.c (human, JSON, SARIF
 * and GitHub renderers).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "specc/buf.h"
#include "specc/codes.h"
#include "specc/diag.h"
#include "specc/source.h"
#include "specc/utf8.h"

/* ===================================================================== */
/* helpers                                                                */
/* ===================================================================== */

/*
 * Every test gets a fixture that owns what it allocates, so a failing
 * assertion (which longjmps out of the test) leaks nothing: the teardown
 * releases it all.
 */
struct fx {
	specc_sources srcs;
	specc_diags d;
	char *out, *out2;  /* rendered text */
	json_t *root;      /* parsed rendering */
	specc_buf want;    /* expected text */
	specc_buf text;    /* input text */
};

static int fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	specc_diags_init(&fx->d);
	specc_buf_init(&fx->want);
	specc_buf_init(&fx->text);
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *fx = *state;
	specc_sources_release(&fx->srcs);
	specc_diags_release(&fx->d);
	free(fx->out);
	free(fx->out2);
	json_decref(fx->root);
	specc_buf_release(&fx->want);
	specc_buf_release(&fx->text);
	free(fx);
	return 0;
}

/* Declares the fixture's parts under short names. */
#define FX                                     \
	struct fx *fx = *state;                \
	specc_sources *const srcs = &fx->srcs; \
	specc_diags *const d = &fx->d;         \
	(void)srcs;                            \
	(void)d

static uint32_t add_src(specc_sources *srcs, const char *path, const char *text, size_t len)
{
	char *data = malloc(len + 1);
	uint32_t idx = SPECC_NONE;

	assert_non_null(data);
	memcpy(data, text, len);
	data[len] = '\0';
	specc_sources_add(srcs, path, data, (uint32_t)len, SPECC_SOURCE_SPEC, &idx);
	return idx;
}

#define ADD_SRC(srcs, path, lit) add_src(srcs, path, lit, sizeof(lit) - 1)

static const specc_render_opts plain_opts = { false, "specc", "1.2.3" };
static const specc_render_opts color_opts = { true, "specc", "1.2.3" };

/* Renders fx's diagnostics in fmt into fx->out (NUL-terminated). */
static char *render_to_string(struct fx *fx, specc_format fmt, const specc_render_opts *opts,
			      size_t *len_out)
{
	size_t len = 0;
	FILE *f;
	int rc, rc_close;

	free(fx->out);
	fx->out = NULL;
	f = open_memstream(&fx->out, &len);
	assert_non_null(f);
	rc = specc_diags_render(f, fmt, &fx->srcs, &fx->d, opts);
	rc_close = fclose(f);
	assert_int_equal(rc_close, 0);
	assert_int_equal(rc, SPECC_OK);
	assert_non_null(fx->out);
	if (len_out)
		*len_out = len;
	return fx->out;
}

static char *render_human(struct fx *fx, bool color)
{
	return render_to_string(fx, SPECC_FORMAT_HUMAN, color ? &color_opts : &plain_opts, NULL);
}

/* Renders as JSON or SARIF and parses the result into fx->root. */
static json_t *render_json_parsed(struct fx *fx, specc_format fmt)
{
	size_t len;
	char *out = render_to_string(fx, fmt, &plain_opts, &len);
	json_error_t err;

	assert_true(len > 0);
	assert_int_equal(out[len - 1], '\n');
	json_decref(fx->root);
	fx->root = json_loadb(out, len, 0, &err);
	if (!fx->root)
		fail_msg("invalid JSON at %d:%d: %s\n%s", err.line, err.column, err.text, out);
	return fx->root;
}

/* json_object_get(); fails the test when the key is absent. */
static json_t *jget(json_t *o, const char *key)
{
	json_t *v;
	if (!json_is_object(o))
		fail_msg("not an object when looking up \"%s\"", key);
	v = json_object_get(o, key);
	if (!v)
		fail_msg("no key \"%s\"", key);
	return v;
}

static json_t *jat(json_t *a, size_t i)
{
	json_t *v;
	if (!json_is_array(a))
		fail_msg("not an array when looking up [%zu]", i);
	v = json_array_get(a, i);
	if (!v)
		fail_msg("no element [%zu] (size %zu)", i, json_array_size(a));
	return v;
}

static void assert_jstr(json_t *v, const char *expect)
{
	if (!json_is_string(v))
		fail_msg("expected string \"%s\"", expect);
	assert_string_equal(json_string_value(v), expect);
}

static void assert_jint(json_t *v, json_int_t expect)
{
	if (!json_is_integer(v))
		fail_msg("expected integer %lld", (long long)expect);
	assert_int_equal(json_integer_value(v), expect);
}

/* ===================================================================== */
/* codes                                                                  */
/* ===================================================================== */

static bool is_kebab(const char *s)
{
	bool prev_dash = true; /* no leading dash */

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s == '-') {
			if (prev_dash)
				return false;
			prev_dash = true;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')) {
			prev_dash = false;
		} else {
			return false;
		}
	}
	return !prev_dash; /* no trailing dash */
}

static void codes_kebab_unique(void **state)
{
	(void)state;
	assert_true(is_kebab("a-b-c"));
	assert_false(is_kebab("A-b"));
	assert_false(is_kebab("a--b"));
	assert_false(is_kebab("-a"));
	assert_false(is_kebab("a-"));
	assert_false(is_kebab("a_b"));
	assert_false(is_kebab(""));
	assert_true(SPECC_C__COUNT > 0);
	for (size_t i = 0; i < SPECC_C__COUNT; i++) {
		const specc_code *c = &specc_codes[i];
		assert_non_null(c->id);
		if (!is_kebab(c->id))
			fail_msg("code %zu \"%s\" is not kebab-case", i, c->id);
		assert_true(c->severity == SPECC_NOTE || c->severity == SPECC_WARNING ||
			    c->severity == SPECC_ERROR);
		assert_non_null(c->summary);
		assert_true(strlen(c->summary) > 0);
		assert_int_equal(c->summary[strlen(c->summary) - 1], '.');
		for (size_t j = 0; j < i; j++)
			if (!strcmp(specc_codes[j].id, c->id))
				fail_msg("code \"%s\" is listed twice (%zu and %zu)", c->id, j, i);
		assert_ptr_equal(specc_code_find(c->id), c);
	}
}

static void codes_find(void **state)
{
	const specc_code *c;

	(void)state;
	c = specc_code_find("duplicate-section-id");
	assert_non_null(c);
	assert_ptr_equal(c, SPECC_CODE(DUPLICATE_SECTION_ID));
	assert_string_equal(c->id, "duplicate-section-id");
	assert_int_equal(c->severity, SPECC_ERROR);
	assert_string_equal(c->summary, "Two sections share one ID.");

	c = specc_code_find("missing-section-id");
	assert_ptr_equal(c, SPECC_CODE(MISSING_SECTION_ID));
	assert_int_equal(c->severity, SPECC_WARNING);

	assert_null(specc_code_find("no-such-code"));
	assert_null(specc_code_find(""));
	assert_null(specc_code_find("Duplicate-Section-Id"));
	assert_null(specc_code_find("duplicate-section-id "));
	assert_null(specc_code_find("duplicate-section"));

	/* The macro indexes the table by the enum. */
	assert_ptr_equal(SPECC_CODE(IO_ERROR), &specc_codes[SPECC_C_IO_ERROR]);
	assert_int_equal(SPECC_C_IO_ERROR, 0);
	assert_string_equal(SPECC_CODE(IO_ERROR)->id, "io-error");
	assert_string_equal(SPECC_CODE(UNTERMINATED_FENCE)->id, "unterminated-fence");
	assert_int_equal(SPECC_CODE(UNTERMINATED_FENCE)->severity, SPECC_WARNING);
	assert_string_equal(SPECC_CODE(NO_SPECS)->id, "no-specs");
	assert_string_equal(SPECC_CODE(BROKEN_LINK)->id, "broken-link");
}

/* ===================================================================== */
/* the collection                                                         */
/* ===================================================================== */

static void diag_add_fields(void **state)
{
	specc_diag *g;

	FX;
	memset(d, 0xAB, sizeof *d);
	specc_diags_init(d);
	assert_int_equal(d->len, 0);
	assert_int_equal(d->count[SPECC_ERROR], 0);
	assert_int_equal(d->count[SPECC_WARNING], 0);
	assert_int_equal(d->count[SPECC_NOTE], 0);

	g = specc_diag_add(d, SPECC_CODE(DUPLICATE_SECTION_ID), specc_span_make(2, 10, 14),
			   "section \"%s\" defined %d times", "intro", 3);
	assert_ptr_equal(g, &d->items[0]);
	assert_ptr_equal(g->code, SPECC_CODE(DUPLICATE_SECTION_ID));
	assert_int_equal(g->severity, SPECC_ERROR);
	assert_int_equal(g->span.file, 2);
	assert_int_equal(g->span.start, 10);
	assert_int_equal(g->span.end, 14);
	assert_string_equal(g->message, "section \"intro\" defined 3 times");
	assert_null(g->help);
	assert_null(g->related);
	assert_null(g->edits);
	assert_null(g->fix_title);
	assert_int_equal(g->seq, 0);
	assert_int_equal(d->len, 1);
	assert_int_equal(d->count[SPECC_ERROR], 1);

	g = specc_diag_add(d, SPECC_CODE(MISSING_SECTION_ID), SPECC_SPAN_NONE, "plain");
	assert_int_equal(g->severity, SPECC_WARNING);
	assert_int_equal(g->span.file, SPECC_NONE);
	assert_int_equal(g->seq, 1);
	assert_int_equal(d->count[SPECC_ERROR], 1);
	assert_int_equal(d->count[SPECC_WARNING], 1);
	assert_int_equal(d->count[SPECC_NOTE], 0);

	specc_diag_help(d, g, "add {#%s}", "an-id");
	assert_string_equal(g->help, "add {#an-id}");

	/* Messages survive the table growing under them. */
	for (int i = 0; i < 500; i++)
		specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, (uint32_t)i, (uint32_t)i),
			       "link %d", i);
	assert_int_equal(d->len, 502);
	assert_string_equal(d->items[0].message, "section \"intro\" defined 3 times");
	assert_string_equal(d->items[1].help, "add {#an-id}");
	assert_string_equal(d->items[501].message, "link 499");
	assert_int_equal(d->items[501].seq, 501);
	assert_int_equal(d->count[SPECC_ERROR], 501);

	specc_diags_release(d);
	assert_int_equal(d->len, 0);
	assert_null(d->items);
}

static void diag_related_and_edits(void **state)
{
	specc_diag *g;
	const specc_related *r;
	const specc_edit *e;

	FX;
	g = specc_diag_add(d, SPECC_CODE(DUPLICATE_SECTION_ID), specc_span_make(0, 1, 2), "m");
	specc_diag_related(d, g, specc_span_make(0, 5, 6), "first %d", 1);
	specc_diag_related(d, g, specc_span_make(1, 7, 9), "second");
	specc_diag_related(d, g, SPECC_SPAN_NONE, "third %s", "x");
	r = g->related;
	assert_non_null(r);
	assert_string_equal(r->message, "first 1");
	assert_int_equal(r->span.file, 0);
	assert_int_equal(r->span.start, 5);
	assert_int_equal(r->span.end, 6);
	r = r->next;
	assert_non_null(r);
	assert_string_equal(r->message, "second");
	assert_int_equal(r->span.file, 1);
	assert_int_equal(r->span.start, 7);
	r = r->next;
	assert_non_null(r);
	assert_string_equal(r->message, "third x");
	assert_int_equal(r->span.file, SPECC_NONE);
	assert_null(r->next);

	specc_diag_edit(d, g, specc_span_make(0, 1, 2), "replacement text", 11, "Rename it");
	specc_diag_edit(d, g, specc_span_make(0, 8, 8), "ins", 3, NULL);
	specc_diag_edit(d, g, specc_span_make(0, 10, 12), "", 0, NULL);
	assert_string_equal(g->fix_title, "Rename it");
	e = g->edits;
	assert_non_null(e);
	assert_string_equal(e->text, "replacement");
	assert_int_equal(e->span.start, 1);
	assert_int_equal(e->span.end, 2);
	e = e->next;
	assert_non_null(e);
	assert_string_equal(e->text, "ins");
	assert_int_equal(e->span.start, 8);
	assert_int_equal(e->span.end, 8);
	e = e->next;
	assert_non_null(e);
	assert_string_equal(e->text, "");
	assert_int_equal(e->span.start, 10);
	assert_int_equal(e->span.end, 12);
	assert_null(e->next);

	/* Counts are unaffected by attachments. */
	assert_int_equal(d->len, 1);
	assert_int_equal(d->count[SPECC_ERROR], 1);
}

static void diag_set_severity(void **state)
{
	specc_diag *a, *b;

	FX;
	a = specc_diag_add(d, SPECC_CODE(DUPLICATE_SECTION_ID), SPECC_SPAN_NONE, "a");
	specc_diag_add(d, SPECC_CODE(MISSING_SECTION_ID), SPECC_SPAN_NONE, "b");
	b = &d->items[1];
	a = &d->items[0];
	assert_int_equal(d->count[SPECC_ERROR], 1);
	assert_int_equal(d->count[SPECC_WARNING], 1);

	specc_diag_set_severity(d, a, SPECC_NOTE);
	assert_int_equal(a->severity, SPECC_NOTE);
	assert_int_equal(d->count[SPECC_ERROR], 0);
	assert_int_equal(d->count[SPECC_WARNING], 1);
	assert_int_equal(d->count[SPECC_NOTE], 1);

	specc_diag_set_severity(d, b, SPECC_ERROR);
	assert_int_equal(d->count[SPECC_ERROR], 1);
	assert_int_equal(d->count[SPECC_WARNING], 0);
	assert_int_equal(d->count[SPECC_NOTE], 1);

	/* Same severity: counts unchanged. */
	specc_diag_set_severity(d, b, SPECC_ERROR);
	assert_int_equal(d->count[SPECC_ERROR], 1);
	assert_int_equal(d->count[SPECC_WARNING], 0);
	assert_int_equal(d->count[SPECC_NOTE], 1);
	/* The code keeps its default. */
	assert_int_equal(b->code->severity, SPECC_WARNING);
}

static void diag_severity_names(void **state)
{
	(void)state;
	assert_string_equal(specc_severity_name(SPECC_ERROR), "error");
	assert_string_equal(specc_severity_name(SPECC_WARNING), "warning");
	assert_string_equal(specc_severity_name(SPECC_NOTE), "note");
}

static void diag_sort(void **state)
{
	static const struct {
		uint32_t file, start;
		const char *msg;
	} in[] = {
		{ 1, 50, "f1@50" },
		{ 0, 30, "f0@30#a" },
		{ SPECC_NONE, 0, "project#a" },
		{ 0, 10, "f0@10" },
		{ 2, 0, "f2@0" },
		{ 0, 30, "f0@30#b" },
		{ 1, 5, "f1@5" },
		{ SPECC_NONE, 0, "project#b" },
		{ 0, 30, "f0@30#c" },
		{ 0, 0, "f0@0" },
	};
	static const char *const want[] = {
		"project#a", "project#b", "f0@0", "f0@10", "f0@30#a",
		"f0@30#b", "f0@30#c", "f1@5", "f1@50", "f2@0",
	};

	FX;
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(in); i++) {
		specc_span sp = in[i].file == SPECC_NONE ? SPECC_SPAN_NONE
							 : specc_span_make(in[i].file, in[i].start, in[i].start + 1);
		specc_diag_add(d, SPECC_CODE(BROKEN_LINK), sp, "%s", in[i].msg);
	}
	specc_diags_sort(d);
	assert_int_equal(d->len, SPECC_ARRAY_SIZE(want));
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(want); i++)
		assert_string_equal(d->items[i].message, want[i]);
	/* Sorting is idempotent. */
	specc_diags_sort(d);
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(want); i++)
		assert_string_equal(d->items[i].message, want[i]);
}

static void diag_sort_stable_many(void **state)
{
	FX;
	/* Many ties at the same position keep insertion order. */
	for (int i = 0; i < 300; i++)
		specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make((uint32_t)(i % 3), 7, 8),
			       "%d", i);
	specc_diags_sort(d);
	for (int i = 0; i < 300; i++) {
		int file = i / 100, k = i % 100;
		char want[16];
		snprintf(want, sizeof want, "%d", k * 3 + file);
		assert_string_equal(d->items[i].message, want);
		assert_int_equal(d->items[i].span.file, (uint32_t)file);
	}
	specc_diags_release(d);

	/* Sorting an empty or single-item collection is a no-op. */
	specc_diags_init(d);
	specc_diags_sort(d);
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), SPECC_SPAN_NONE, "only");
	specc_diags_sort(d);
	assert_string_equal(d->items[0].message, "only");
}

/* ===================================================================== */
/* quoting                                                                */
/* ===================================================================== */

static const char *quote(specc_diags *d, const char *s, size_t n, size_t max)
{
	return specc_diag_quote(d, s, n, max);
}

#define Q(lit, max) quote(d, lit, sizeof(lit) - 1, max)

static void quote_plain_and_controls(void **state)
{
	FX;
	assert_string_equal(Q("hello", 80), "hello");
	assert_string_equal(Q("", 80), "");
	assert_string_equal(Q("caf\xC3\xA9 \xF0\x9F\x98\x80", 80), "caf\xC3\xA9 \xF0\x9F\x98\x80");
	assert_string_equal(Q("a\nb\tc\rd", 80), "a\\nb\\tc\\rd");
	assert_string_equal(Q("x\x01y\x1b[2Jz\x7f", 80), "x\\x01y\\x1b[2Jz\\x7f");
	assert_string_equal(Q("nul\0here", 80), "nul\\x00here");
	/* Invalid UTF-8 becomes U+FFFD, one per bad byte. */
	assert_string_equal(Q("a\xFF" "b", 80), "a\xEF\xBF\xBD" "b");
	assert_string_equal(Q("\xC0\x80", 80), "\xEF\xBF\xBD\xEF\xBF\xBD");
	assert_string_equal(Q("\xED\xA0\x80", 80), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	/* Only n bytes are read. */
	assert_string_equal(quote(d, "abcdef", 3, 80), "abc");
}

static void quote_truncation(void **state)
{
	const char *q;

	FX;
	assert_string_equal(Q("abcdefghij", 5), "abcde...");
	assert_string_equal(Q("abcde", 5), "abcde");  /* exactly max: not cut */
	assert_string_equal(Q("abcdef", 5), "abcde...");
	assert_string_equal(Q("abc", 0), "...");
	/* Cut at a character boundary: never half a sequence. */
	q = Q("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 5);
	assert_int_equal(specc_utf8_validate(q, strlen(q)), strlen(q));
	q = Q("ab\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 4);
	assert_int_equal(specc_utf8_validate(q, strlen(q)), strlen(q));
	/* Long input: bounded output. */
	{
		char big[1000];
		memset(big, 'z', sizeof big);
		q = quote(d, big, sizeof big, 40);
		assert_int_equal(strlen(q), 43);
		assert_memory_equal(q + 40, "...", 4);
	}
}

/*
 * diag.h: "text longer than max bytes is cut at a character boundary and
 * ends with "..."".  The check in specc_diag_quote() runs before a character
 * is appended, so a multi-byte character that crosses max is kept whole and
 * text longer than max can come back uncut.
 */
static void quote_truncation_multibyte_boundary(void **state)
{
	FX;
	/* "abcdé" is 6 bytes > 5: it must be cut before the é. */
	assert_string_equal(Q("abcd\xC3\xA9", 5), "abcd...");
	/* "ééé" is 6 bytes > 5: cut after the second é (4 bytes). */
	assert_string_equal(Q("\xC3\xA9\xC3\xA9\xC3\xA9", 5), "\xC3\xA9\xC3\xA9...");
	/* The kept text never exceeds max bytes. */
	assert_string_equal(Q("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 5), "\xC3\xA9\xC3\xA9...");
	assert_string_equal(Q("ab\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 4), "ab...");
}

static void format_parse(void **state)
{
	specc_format f = (specc_format)99;

	(void)state;
	assert_int_equal(specc_format_parse("human", &f), SPECC_OK);
	assert_int_equal(f, SPECC_FORMAT_HUMAN);
	assert_int_equal(specc_format_parse("json", &f), SPECC_OK);
	assert_int_equal(f, SPECC_FORMAT_JSON);
	assert_int_equal(specc_format_parse("sarif", &f), SPECC_OK);
	assert_int_equal(f, SPECC_FORMAT_SARIF);
	assert_int_equal(specc_format_parse("github", &f), SPECC_OK);
	assert_int_equal(f, SPECC_FORMAT_GITHUB);
	f = SPECC_FORMAT_SARIF;
	assert_int_equal(specc_format_parse("HUMAN", &f), SPECC_EINVAL);
	assert_int_equal(specc_format_parse("", &f), SPECC_EINVAL);
	assert_int_equal(specc_format_parse("xml", &f), SPECC_EINVAL);
	assert_int_equal(specc_format_parse("jsonx", &f), SPECC_EINVAL);
	assert_int_equal(specc_format_parse("jso", &f), SPECC_EINVAL);
	assert_int_equal(f, SPECC_FORMAT_SARIF); /* untouched on failure */
}

/* ===================================================================== */
/* human                                                                  */
/* ===================================================================== */

/* "# Title {#t}\n" is 13 bytes; "must" on line 2 is at 23..27 (column 11);
 * "{#t}" on line 1 is at 8..12 (column 9). */
#define SPEC_TEXT "# Title {#t}\nThe model must be nice.\n"

static void human_basic(void **state)
{
	specc_diag *g;
	char *out;

	FX;
	ADD_SRC(srcs, "spec.md", SPEC_TEXT);
	g = specc_diag_add(d, SPECC_CODE(DUPLICATE_SECTION_ID), specc_span_make(0, 23, 27),
			   "section ID \"%s\" is used twice", "t");
	specc_diag_help(d, g, "rename one of them");
	specc_diag_edit(d, g, specc_span_make(0, 23, 27), "may", 3, "Replace with may");
	specc_diag_related(d, g, specc_span_make(0, 8, 12), "first defined here");
	specc_diag_related(d, g, SPECC_SPAN_NONE, "see the project file");
	out = render_human(fx, false);
	assert_string_equal(out,
			    "spec.md:2:11: error: section ID \"t\" is used twice [duplicate-section-id]\n"
			    " 2 | The model must be nice.\n"
			    "   |           ^~~~\n"
			    "  = help: rename one of them\n"
			    "  = fix: Replace with may\n"
			    "  spec.md:1:9: note: first defined here\n"
			    " 1 | # Title {#t}\n"
			    "   |         ^~~~\n"
			    "  note: see the project file\n");
	assert_null(strchr(out, '\033'));
}

static void human_several_and_severities(void **state)
{
	specc_diag *g;
	char *out;

	FX;
	ADD_SRC(srcs, "spec.md", SPEC_TEXT);
	specc_diag_add(d, SPECC_CODE(MISSING_SECTION_ID), specc_span_make(0, 0, 1), "no id");
	g = specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 13, 13), "empty span");
	specc_diag_set_severity(d, g, SPECC_NOTE);
	specc_diag_add(d, SPECC_CODE(NO_SPECS), SPECC_SPAN_NONE, "nothing to read");
	specc_diags_sort(d);
	out = render_human(fx, false);
	assert_string_equal(out,
			    "error: nothing to read [no-specs]\n"
			    "spec.md:1:1: warning: no id [missing-section-id]\n"
			    " 1 | # Title {#t}\n"
			    "   | ^\n"
			    "spec.md:2:1: note: empty span [broken-link]\n"
			    " 2 | The model must be nice.\n"
			    "   | ^\n");
}

static void human_gutter_width(void **state)
{
	char *out;

	FX;
	for (int i = 1; i <= 120; i++)
		specc_buf_addf(&fx->text, "line %d\n", i);
	add_src(srcs, "long.md", fx->text.ptr, fx->text.len);
	/* Line 100 "line 100" starts at 9*7 + 90*8 = 783; "100" at 788. */
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 788, 791), "here");
	out = render_human(fx, false);
	assert_string_equal(out,
			    "long.md:100:6: error: here [broken-link]\n"
			    " 100 | line 100\n"
			    "     |      ^~~\n");
}

static void human_span_across_lines(void **state)
{
	char *out;

	FX;
	ADD_SRC(srcs, "m.md", "ab cd\r\nef\n");
	/* From "cd" into the next line: underline stops at the end of line 1
	 * (before the CR). */
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 3, 9), "multi");
	out = render_human(fx, false);
	assert_string_equal(out,
			    "m.md:1:4: error: multi [broken-link]\n"
			    " 1 | ab cd\n"
			    "   |    ^~\n");
}

static void human_tab_padding(void **state)
{
	char *out;

	FX;
	ADD_SRC(srcs, "tab.md", "\tkey:\tvalue\n");
	specc_diag_add(d, SPECC_CODE(UNKNOWN_CONFIG_KEY), specc_span_make(0, 6, 11), "tabbed");
	out = render_human(fx, false);
	assert_string_equal(out,
			    "tab.md:1:7: warning: tabbed [unknown-config-key]\n"
			    " 1 | \tkey:\tvalue\n"
			    "   | \t    \t^~~~~\n");
}

static void human_wide_chars(void **state)
{
	char *out;

	FX;
	/* "é" (2 bytes, 1 column) "漢" (3 bytes, 2 columns) "x" "字" "y" */
	ADD_SRC(srcs, "w.md", "\xC3\xA9\xE6\xBC\xA2x\xE5\xAD\x97y\n");
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 5, 6), "at x");
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 2, 5), "at kan");
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 5, 10), "x to y");
	out = render_human(fx, false);
	assert_string_equal(out,
			    "w.md:1:6: error: at x [broken-link]\n"
			    " 1 | \xC3\xA9\xE6\xBC\xA2x\xE5\xAD\x97y\n"
			    "   |    ^\n"
			    "w.md:1:3: error: at kan [broken-link]\n"
			    " 1 | \xC3\xA9\xE6\xBC\xA2x\xE5\xAD\x97y\n"
			    "   |  ^~\n"
			    "w.md:1:6: error: x to y [broken-link]\n"
			    " 1 | \xC3\xA9\xE6\xBC\xA2x\xE5\xAD\x97y\n"
			    "   |    ^~~~\n");
}

static void human_color(void **state)
{
	specc_diag *g;
	char *out;

	FX;
	ADD_SRC(srcs, "spec.md", SPEC_TEXT);
	g = specc_diag_add(d, SPECC_CODE(DUPLICATE_SECTION_ID), specc_span_make(0, 23, 27), "dup");
	specc_diag_help(d, g, "rename");
	specc_diag_add(d, SPECC_CODE(MISSING_SECTION_ID), SPECC_SPAN_NONE, "warn");
	out = render_human(fx, true);
	assert_string_equal(out,
			    "\033[1mspec.md:2:11: \033[1;31merror:\033[0m \033[1mdup\033[0m [duplicate-section-id]\n"
			    "\033[1;34m 2 |\033[0m The model must be nice.\n"
			    "\033[1;34m   |\033[0m           \033[1;32m^~~~\033[0m\n"
			    "  = help: rename\n"
			    "\033[1m\033[1;35mwarning:\033[0m \033[1mwarn\033[0m [missing-section-id]\n");

	out = render_human(fx, false);
	assert_null(strchr(out, '\033'));
	assert_string_equal(out,
			    "spec.md:2:11: error: dup [duplicate-section-id]\n"
			    " 2 | The model must be nice.\n"
			    "   |           ^~~~\n"
			    "  = help: rename\n"
			    "warning: warn [missing-section-id]\n");

	/* NULL options mean no colour. */
	{
		size_t len = 0;
		FILE *f = open_memstream(&fx->out2, &len);
		int rc;
		assert_non_null(f);
		rc = specc_render_human(f, srcs, d, NULL);
		fclose(f);
		assert_int_equal(rc, SPECC_OK);
		assert_string_equal(fx->out2, out);
	}
}

static void human_huge_line_window(void **state)
{
	const size_t n = 1000000;
	char *text;
	char *out;

	FX;
	specc_buf *want = &fx->want;
	text = malloc(n + 2);
	assert_non_null(text);
	memset(text, 'a', n);
	text[n] = '\n';
	text[n + 1] = '\0';
	specc_sources_add(srcs, "big.md", text, (uint32_t)n + 1, SPECC_SOURCE_SPEC, &(uint32_t){ 0 });

	/* In the middle: "..." on both sides, 120 bytes shown, 40 before the span. */
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 500000, 500005), "mid");
	out = render_human(fx, false);
	specc_buf_addstr(want, "big.md:1:500001: error: mid [broken-link]\n 1 | ...");
	specc_buf_addchars(want, 'a', 120);
	specc_buf_addstr(want, "...\n   |    ");
	specc_buf_addchars(want, ' ', 40);
	specc_buf_addstr(want, "^~~~~\n");
	assert_string_equal(out, want->ptr);
	assert_true(strlen(out) < 400);
	specc_diags_release(d);

	/* Near the start: no leading "...". */
	specc_diags_init(d);
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 10, 12), "start");
	out = render_human(fx, false);
	specc_buf_reset(want);
	specc_buf_addstr(want, "big.md:1:11: error: start [broken-link]\n 1 | ");
	specc_buf_addchars(want, 'a', 120);
	specc_buf_addstr(want, "...\n   | ");
	specc_buf_addchars(want, ' ', 10);
	specc_buf_addstr(want, "^~\n");
	assert_string_equal(out, want->ptr);
	specc_diags_release(d);

	/* Near the end: no trailing "...". */
	specc_diags_init(d);
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, (uint32_t)n - 3, (uint32_t)n),
		       "end");
	out = render_human(fx, false);
	specc_buf_reset(want);
	specc_buf_addf(want, "big.md:1:%zu: error: end [broken-link]\n 1 | ...", n - 2);
	specc_buf_addchars(want, 'a', 43);
	specc_buf_addstr(want, "\n   |    ");
	specc_buf_addchars(want, ' ', 40);
	specc_buf_addstr(want, "^~~\n");
	assert_string_equal(out, want->ptr);

}

static void human_huge_line_multibyte(void **state)
{
	const size_t chars = 400000; /* "漢" x 400000 = 1.2 MB, 3 bytes each */
	uint32_t at = 3 * 200000;
	char *text;
	char *out;

	FX;
	specc_buf *want = &fx->want;
	text = malloc(chars * 3 + 1);
	assert_non_null(text);
	for (size_t i = 0; i < chars; i++)
		memcpy(text + 3 * i, "\xE6\xBC\xA2", 3);
	text[chars * 3] = '\0';
	specc_sources_add(srcs, "kan.md", text, (uint32_t)(chars * 3), SPECC_SOURCE_SPEC,
			  &(uint32_t){ 0 });
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, at, at + 3), "kan");
	out = render_human(fx, false);
	/* The window starts at a character boundary 42 bytes (14 characters,
	 * 28 columns) before the span and shows 120 bytes (40 characters). */
	specc_buf_addf(want, "kan.md:1:%u: error: kan [broken-link]\n 1 | ...", at + 1);
	for (int i = 0; i < 40; i++)
		specc_buf_addstr(want, "\xE6\xBC\xA2");
	specc_buf_addstr(want, "...\n   |    ");
	specc_buf_addchars(want, ' ', 28);
	specc_buf_addstr(want, "^~\n");
	assert_string_equal(out, want->ptr);
	assert_int_equal(specc_utf8_validate(out, strlen(out)), strlen(out));
}

static void human_control_chars(void **state)
{
	char *out;

	FX;
	/* a ^A b DEL c ESC [ 2 J d, then an invalid byte and e */
	ADD_SRC(srcs, "c.md", "a\x01" "b\x7f" "c\x1b[2Jd\xFF" "e\n");
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 9, 10), "at d");
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 11, 12), "at e");
	out = render_human(fx, false);
	assert_string_equal(out,
			    "c.md:1:10: error: at d [broken-link]\n"
			    " 1 | a?b?c?[2Jd?e\n"
			    "   |          ^\n"
			    "c.md:1:12: error: at e [broken-link]\n"
			    " 1 | a?b?c?[2Jd?e\n"
			    "   |            ^\n");
	assert_null(strchr(out, '\033'));
	assert_null(strchr(out, '\x7f'));
	assert_null(strchr(out, '\x01'));
}

/*
 * C1 controls (U+0080..U+009F) are shown as '?' (one column) by the source
 * line, so the caret padding must count them as one column too.
 */
static void human_c1_control_alignment(void **state)
{
	char *out;

	FX;
	/* U+0085 (NEL) then "x". */
	ADD_SRC(srcs, "c1.md", "\xC2\x85x\n");
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 2, 3), "at x");
	out = render_human(fx, false);
	assert_string_equal(out,
			    "c1.md:1:3: error: at x [broken-link]\n"
			    " 1 | ?x\n"
			    "   |  ^\n");
}

/*
 * A span covering control characters: each is shown as one '?' column, so
 * the underline must be as wide as the visible text.
 */
static void human_control_inside_span_underline(void **state)
{
	char *out;

	FX;
	ADD_SRC(srcs, "s.md", "a\x01" "b\n");
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 0, 3), "span");
	out = render_human(fx, false);
	assert_string_equal(out,
			    "s.md:1:1: error: span [broken-link]\n"
			    " 1 | a?b\n"
			    "   | ^~~\n");
}

/* ===================================================================== */
/* JSON                                                                   */
/* ===================================================================== */

/* Line 2 (offset 4): "a" "é" "😀" " target here"; "target" is at 12..18. */
#define UNI_TEXT "# T\na\xC3\xA9\xF0\x9F\x98\x80 target here\n"

static void assert_jpos(json_t *p, json_int_t line, json_int_t col, json_int_t utf16,
			json_int_t off)
{
	assert_jint(jget(p, "line"), line);
	assert_jint(jget(p, "column"), col);
	assert_jint(jget(p, "utf16"), utf16);
	assert_jint(jget(p, "offset"), off);
}

static void json_full(void **state)
{
	specc_diag *g;
	json_t *root, *arr, *o, *rel, *fix, *edits, *sum;

	FX;
	ADD_SRC(srcs, "dir/spec.md", UNI_TEXT);
	g = specc_diag_add(d, SPECC_CODE(DUPLICATE_SECTION_ID), specc_span_make(0, 12, 18), "dup %d", 2);
	specc_diag_help(d, g, "rename it");
	specc_diag_related(d, g, specc_span_make(0, 2, 3), "first");
	specc_diag_related(d, g, SPECC_SPAN_NONE, "elsewhere");
	specc_diag_edit(d, g, specc_span_make(0, 12, 18), "other", 5, "Rename");
	specc_diag_edit(d, g, specc_span_make(0, 0, 0), "x", 1, NULL);
	g = specc_diag_add(d, SPECC_CODE(MISSING_SECTION_ID), specc_span_make(0, 0, 3), "no id");
	specc_diag_set_severity(d, g, SPECC_NOTE);
	specc_diag_add(d, SPECC_CODE(NO_SPECS), SPECC_SPAN_NONE, "none");
	specc_diags_sort(d);

	root = render_json_parsed(fx, SPECC_FORMAT_JSON);
	arr = jget(root, "diagnostics");
	assert_int_equal(json_array_size(arr), 3);

	o = jat(arr, 0);
	assert_jstr(jget(o, "code"), "no-specs");
	assert_jstr(jget(o, "severity"), "error");
	assert_jstr(jget(o, "message"), "none");
	assert_true(json_is_null(jget(o, "help")));
	assert_true(json_is_null(jget(o, "file")));
	assert_true(json_is_null(jget(o, "start")));
	assert_true(json_is_null(jget(o, "end")));
	assert_int_equal(json_array_size(jget(o, "related")), 0);
	assert_true(json_is_null(jget(o, "fix")));

	o = jat(arr, 1);
	assert_jstr(jget(o, "code"), "missing-section-id");
	assert_jstr(jget(o, "severity"), "note");
	assert_jpos(jget(o, "start"), 1, 1, 1, 0);
	assert_jpos(jget(o, "end"), 1, 4, 4, 3);

	o = jat(arr, 2);
	assert_jstr(jget(o, "code"), "duplicate-section-id");
	assert_jstr(jget(o, "severity"), "error");
	assert_jstr(jget(o, "message"), "dup 2");
	assert_jstr(jget(o, "help"), "rename it");
	assert_jstr(jget(o, "file"), "dir/spec.md");
	assert_jpos(jget(o, "start"), 2, 9, 6, 12);
	assert_jpos(jget(o, "end"), 2, 15, 12, 18);
	rel = jget(o, "related");
	assert_int_equal(json_array_size(rel), 2);
	assert_jstr(jget(jat(rel, 0), "message"), "first");
	assert_jstr(jget(jat(rel, 0), "file"), "dir/spec.md");
	assert_jpos(jget(jat(rel, 0), "start"), 1, 3, 3, 2);
	assert_jpos(jget(jat(rel, 0), "end"), 1, 4, 4, 3);
	assert_jstr(jget(jat(rel, 1), "message"), "elsewhere");
	assert_true(json_is_null(jget(jat(rel, 1), "file")));
	fix = jget(o, "fix");
	assert_jstr(jget(fix, "title"), "Rename");
	edits = jget(fix, "edits");
	assert_int_equal(json_array_size(edits), 2);
	assert_jstr(jget(jat(edits, 0), "text"), "other");
	assert_jstr(jget(jat(edits, 0), "file"), "dir/spec.md");
	assert_jpos(jget(jat(edits, 0), "start"), 2, 9, 6, 12);
	assert_jpos(jget(jat(edits, 0), "end"), 2, 15, 12, 18);
	assert_jstr(jget(jat(edits, 1), "text"), "x");
	assert_jpos(jget(jat(edits, 1), "start"), 1, 1, 1, 0);
	assert_jpos(jget(jat(edits, 1), "end"), 1, 1, 1, 0);

	sum = jget(root, "summary");
	assert_jint(jget(sum, "errors"), 2);
	assert_jint(jget(sum, "warnings"), 0);
	assert_jint(jget(sum, "notes"), 1);
}

static void json_empty(void **state)
{
	json_t *root, *sum;

	FX;
	root = render_json_parsed(fx, SPECC_FORMAT_JSON);
	assert_int_equal(json_array_size(jget(root, "diagnostics")), 0);
	sum = jget(root, "summary");
	assert_jint(jget(sum, "errors"), 0);
	assert_jint(jget(sum, "warnings"), 0);
	assert_jint(jget(sum, "notes"), 0);
}

static void json_invalid_utf8(void **state)
{
	specc_diag *g;
	json_t *root, *o;

	FX;
	ADD_SRC(srcs, "bad\xFF.md", "text\n");
	g = specc_diag_add(d, SPECC_CODE(INVALID_UTF8), specc_span_make(0, 0, 4), "bad %s byte",
			   "\xFF\xFE");
	specc_diag_help(d, g, "fix \xC0\x80 it");
	specc_diag_related(d, g, specc_span_make(0, 1, 2), "rel \xED\xA0\x80");
	specc_diag_edit(d, g, specc_span_make(0, 0, 4), "\xFF", 1, "ti\xFFtle");
	root = render_json_parsed(fx, SPECC_FORMAT_JSON);
	o = jat(jget(root, "diagnostics"), 0);
	assert_jstr(jget(o, "message"), "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
	assert_jstr(jget(o, "help"), "fix \xEF\xBF\xBD\xEF\xBF\xBD it");
	assert_jstr(jget(o, "file"), "bad\xEF\xBF\xBD.md");
	assert_jstr(jget(jat(jget(o, "related"), 0), "message"),
		    "rel \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	assert_jstr(jget(jget(o, "fix"), "title"), "ti\xEF\xBF\xBDtle");
	assert_jstr(jget(jat(jget(jget(o, "fix"), "edits"), 0), "text"), "\xEF\xBF\xBD");

	/* SARIF is valid JSON as well. */
	root = render_json_parsed(fx, SPECC_FORMAT_SARIF);
	o = jat(jget(jat(jget(root, "runs"), 0), "results"), 0);
	assert_jstr(jget(jget(o, "message"), "text"),
		    "bad \xEF\xBF\xBD\xEF\xBF\xBD byte\nfix \xEF\xBF\xBD\xEF\xBF\xBD it");
	assert_jstr(jget(jget(jget(jat(jget(o, "locations"), 0), "physicalLocation"),
			      "artifactLocation"), "uri"), "bad%FF.md");
}

/* ===================================================================== */
/* SARIF                                                                  */
/* ===================================================================== */

static void assert_region(json_t *r, json_int_t sl, json_int_t sc, json_int_t el, json_int_t ec)
{
	assert_jint(jget(r, "startLine"), sl);
	assert_jint(jget(r, "startColumn"), sc);
	assert_jint(jget(r, "endLine"), el);
	assert_jint(jget(r, "endColumn"), ec);
}

static json_t *phys(json_t *loc)
{
	return jget(loc, "physicalLocation");
}

static void sarif_full(void **state)
{
	specc_diag *g;
	json_t *root, *run, *driver, *rules, *results, *r, *loc, *fix, *chg, *rep;

	FX;
	ADD_SRC(srcs, "my dir/spec file.md", UNI_TEXT);
	ADD_SRC(srcs, "./other.md", "x\nyz\n");
	g = specc_diag_add(d, SPECC_CODE(DUPLICATE_SECTION_ID), specc_span_make(0, 12, 18), "dup");
	specc_diag_help(d, g, "Rename it.");
	specc_diag_related(d, g, specc_span_make(1, 0, 1), "first here");
	specc_diag_related(d, g, specc_span_make(0, 4, 5), "second here");
	specc_diag_edit(d, g, specc_span_make(0, 12, 18), "other", 5, "Rename");
	specc_diag_edit(d, g, specc_span_make(1, 2, 2), "ins", 3, NULL);
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(1, 0, 1), "broken");
	g = specc_diag_add(d, SPECC_CODE(MISSING_SECTION_ID), specc_span_make(1, 1, 2), "missing");
	specc_diag_set_severity(d, g, SPECC_ERROR);
	g = specc_diag_add(d, SPECC_CODE(DUPLICATE_SECTION_ID), specc_span_make(1, 2, 4), "dup2");
	specc_diag_set_severity(d, g, SPECC_NOTE);
	g = specc_diag_add(d, SPECC_CODE(NO_SPECS), SPECC_SPAN_NONE, "nothing");
	specc_diag_edit(d, g, SPECC_SPAN_NONE, "zzz", 3, "unused");
	specc_diags_sort(d);

	root = render_json_parsed(fx, SPECC_FORMAT_SARIF);
	assert_jstr(jget(root, "version"), "2.1.0");
	assert_jstr(jget(root, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
	assert_int_equal(json_array_size(jget(root, "runs")), 1);
	run = jat(jget(root, "runs"), 0);
	driver = jget(jget(run, "tool"), "driver");
	assert_jstr(jget(driver, "name"), "specc");
	assert_jstr(jget(driver, "version"), "1.2.3");
	assert_jstr(jget(run, "columnKind"), "utf16CodeUnits");
	{
		const char *uri = json_string_value(jget(jget(jget(run, "originalUriBaseIds"), "SRCROOT"), "uri"));
		char *cwd = getcwd(NULL, 0);
		specc_buf *want = &fx->want;
		specc_buf_addstr(want, "file://");
		for (const unsigned char *p = (const unsigned char *)(cwd ? cwd : ""); *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
				specc_buf_addch(want, *p);
			else
				specc_buf_addf(want, "%%%02X", *p);
		}
		if (want->ptr[want->len - 1] != '/')
			specc_buf_addch(want, '/');
		assert_non_null(cwd);
		free(cwd);
		assert_non_null(uri);
		assert_string_equal(uri, want->ptr);
	}

	/* Rules: exactly the codes present, each once, in order of first use. */
	rules = jget(driver, "rules");
	assert_int_equal(json_array_size(rules), 4);
	assert_jstr(jget(jat(rules, 0), "id"), "no-specs");
	assert_jstr(jget(jat(rules, 1), "id"), "duplicate-section-id");
	assert_jstr(jget(jat(rules, 2), "id"), "broken-link");
	assert_jstr(jget(jat(rules, 3), "id"), "missing-section-id");
	assert_jstr(jget(jget(jat(rules, 1), "shortDescription"), "text"),
		    SPECC_CODE(DUPLICATE_SECTION_ID)->summary);
	assert_jstr(jget(jget(jat(rules, 1), "defaultConfiguration"), "level"), "error");
	assert_jstr(jget(jget(jat(rules, 3), "defaultConfiguration"), "level"), "warning");

	results = jget(run, "results");
	assert_int_equal(json_array_size(results), 5);

	/* Project-wide: no locations. */
	r = jat(results, 0);
	assert_jstr(jget(r, "ruleId"), "no-specs");
	assert_jint(jget(r, "ruleIndex"), 0);
	assert_jstr(jget(r, "level"), "error");
	assert_jstr(jget(jget(r, "message"), "text"), "nothing");
	assert_null(json_object_get(r, "locations"));

	r = jat(results, 1);
	assert_jstr(jget(r, "ruleId"), "duplicate-section-id");
	assert_jint(jget(r, "ruleIndex"), 1);
	assert_jstr(jget(r, "level"), "error");
	assert_jstr(jget(jget(r, "message"), "text"), "dup\nRename it.");
	assert_int_equal(json_array_size(jget(r, "locations")), 1);
	loc = phys(jat(jget(r, "locations"), 0));
	assert_jstr(jget(jget(loc, "artifactLocation"), "uri"), "my%20dir/spec%20file.md");
	assert_jstr(jget(jget(loc, "artifactLocation"), "uriBaseId"), "SRCROOT");
	/* UTF-16 columns: a(1) é(1) 😀(2) space(1) -> "target" at 6. */
	assert_region(jget(loc, "region"), 2, 6, 2, 12);
	assert_int_equal(json_array_size(jget(r, "relatedLocations")), 2);
	assert_jint(jget(jat(jget(r, "relatedLocations"), 0), "id"), 1);
	assert_jstr(jget(jget(jat(jget(r, "relatedLocations"), 0), "message"), "text"), "first here");
	loc = phys(jat(jget(r, "relatedLocations"), 0));
	assert_jstr(jget(jget(loc, "artifactLocation"), "uri"), "other.md");
	assert_jstr(jget(jget(loc, "artifactLocation"), "uriBaseId"), "SRCROOT");
	assert_region(jget(loc, "region"), 1, 1, 1, 2);
	assert_jint(jget(jat(jget(r, "relatedLocations"), 1), "id"), 2);
	loc = phys(jat(jget(r, "relatedLocations"), 1));
	assert_region(jget(loc, "region"), 2, 1, 2, 2);
	assert_int_equal(json_array_size(jget(r, "fixes")), 1);
	fix = jat(jget(r, "fixes"), 0);
	assert_jstr(jget(jget(fix, "description"), "text"), "Rename");
	assert_int_equal(json_array_size(jget(fix, "artifactChanges")), 2);
	chg = jat(jget(fix, "artifactChanges"), 0);
	assert_jstr(jget(jget(chg, "artifactLocation"), "uri"), "my%20dir/spec%20file.md");
	assert_jstr(jget(jget(chg, "artifactLocation"), "uriBaseId"), "SRCROOT");
	assert_int_equal(json_array_size(jget(chg, "replacements")), 1);
	rep = jat(jget(chg, "replacements"), 0);
	assert_region(jget(rep, "deletedRegion"), 2, 6, 2, 12);
	assert_jstr(jget(jget(rep, "insertedContent"), "text"), "other");
	chg = jat(jget(fix, "artifactChanges"), 1);
	assert_jstr(jget(jget(chg, "artifactLocation"), "uri"), "other.md");
	rep = jat(jget(chg, "replacements"), 0);
	assert_region(jget(rep, "deletedRegion"), 2, 1, 2, 1);
	assert_jstr(jget(jget(rep, "insertedContent"), "text"), "ins");

	r = jat(results, 2);
	assert_jstr(jget(r, "ruleId"), "broken-link");
	assert_jint(jget(r, "ruleIndex"), 2);
	assert_jstr(jget(jget(r, "message"), "text"), "broken");
	assert_null(json_object_get(r, "relatedLocations"));
	assert_null(json_object_get(r, "fixes"));

	r = jat(results, 3);
	assert_jstr(jget(r, "ruleId"), "missing-section-id");
	assert_jint(jget(r, "ruleIndex"), 3);
	assert_jstr(jget(r, "level"), "error");

	r = jat(results, 4);
	assert_jstr(jget(r, "ruleId"), "duplicate-section-id");
	assert_jint(jget(r, "ruleIndex"), 1);
	assert_jstr(jget(r, "level"), "note");
	loc = phys(jat(jget(r, "locations"), 0));
	assert_region(jget(loc, "region"), 2, 1, 2, 3);

}

static void sarif_uri_encoding(void **state)
{
	static const struct {
		const char *path, *uri;
	} cases[] = {
		{ "plain/a-b_c.d~e.md", "plain/a-b_c.d~e.md" },
		{ "my dir/a b.md", "my%20dir/a%20b.md" },
		{ "./rel.md", "rel.md" },
		{ "x#1%?.md", "x%231%25%3F.md" },
		{ "\xC3\xA9t\xC3\xA9.md", "%C3%A9t%C3%A9.md" },
		{ "a:b,c+d.md", "a%3Ab%2Cc%2Bd.md" },
	};
	json_t *root, *results;

	FX;
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(cases); i++) {
		uint32_t f = ADD_SRC(srcs, cases[i].path, "x\n");
		specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(f, 0, 1), "m");
	}
	root = render_json_parsed(fx, SPECC_FORMAT_SARIF);
	results = jget(jat(jget(root, "runs"), 0), "results");
	assert_int_equal(json_array_size(results), SPECC_ARRAY_SIZE(cases));
	assert_int_equal(json_array_size(jget(jget(jget(jat(jget(root, "runs"), 0), "tool"), "driver"), "rules")), 1);
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(cases); i++) {
		json_t *loc = phys(jat(jget(jat(results, i), "locations"), 0));
		assert_jstr(jget(jget(loc, "artifactLocation"), "uri"), cases[i].uri);
	}
}

static void sarif_empty(void **state)
{
	json_t *root, *run;

	FX;
	root = render_json_parsed(fx, SPECC_FORMAT_SARIF);
	assert_jstr(jget(root, "version"), "2.1.0");
	run = jat(jget(root, "runs"), 0);
	assert_int_equal(json_array_size(jget(jget(jget(run, "tool"), "driver"), "rules")), 0);
	assert_int_equal(json_array_size(jget(run, "results")), 0);
}

/* ===================================================================== */
/* GitHub                                                                 */
/* ===================================================================== */

static void github_lines(void **state)
{
	specc_diag *g;
	char *out;

	FX;
	ADD_SRC(srcs, "gh.md", "# T\nThe model must be nice.\n");
	specc_diag_add(d, SPECC_CODE(DUPLICATE_SECTION_ID), specc_span_make(0, 14, 18), "dup");
	specc_diag_add(d, SPECC_CODE(MISSING_SECTION_ID), specc_span_make(0, 0, 3), "no id");
	g = specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 2, 3), "a note");
	specc_diag_set_severity(d, g, SPECC_NOTE);
	specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 0, 8), "two lines");
	specc_diag_add(d, SPECC_CODE(NO_SPECS), SPECC_SPAN_NONE, "no specs");
	specc_diags_sort(d);
	out = render_to_string(fx, SPECC_FORMAT_GITHUB, &plain_opts, NULL);
	assert_string_equal(out,
			    "::error title=specc no-specs::no specs\n"
			    "::warning file=gh.md,line=1,col=1,endLine=1,endColumn=4,title=specc missing-section-id::no id\n"
			    "::error file=gh.md,line=1,col=1,endLine=2,title=specc broken-link::two lines\n"
			    "::notice file=gh.md,line=1,col=3,endLine=1,endColumn=4,title=specc broken-link::a note\n"
			    "::error file=gh.md,line=2,col=11,endLine=2,endColumn=15,title=specc duplicate-section-id::dup\n");
}

static void github_escaping(void **state)
{
	specc_diag *g;
	char *out;

	FX;
	ADD_SRC(srcs, "a:b,c%d\ne.md", "xy\n");
	g = specc_diag_add(d, SPECC_CODE(BROKEN_LINK), specc_span_make(0, 0, 2),
			   "Two: a, b 100%%\r\nend");
	specc_diag_help(d, g, "fix: this, now");
	out = render_to_string(fx, SPECC_FORMAT_GITHUB, &plain_opts, NULL);
	assert_string_equal(out,
			    "::error file=a%3Ab%2Cc%25d%0Ae.md,line=1,col=1,endLine=1,endColumn=3,"
			    "title=specc broken-link::Two: a, b 100%25%0D%0Aend%0Afix: this, now\n");
	/* One line per annotation: the message cannot end the command early. */
	assert_int_equal(strchr(out, '\n') - out, (ptrdiff_t)strlen(out) - 1);
}

/* ===================================================================== */
/* dispatch and I/O errors                                                */
/* ===================================================================== */

static void render_dispatch(void **state)
{
	static const specc_format fmts[] = { SPECC_FORMAT_HUMAN, SPECC_FORMAT_JSON,
					     SPECC_FORMAT_SARIF, SPECC_FORMAT_GITHUB };

	FX;
	ADD_SRC(srcs, "spec.md", SPEC_TEXT);
	specc_diag_add(d, SPECC_CODE(DUPLICATE_SECTION_ID), specc_span_make(0, 23, 27), "dup");
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(fmts); i++) {
		char *a = render_to_string(fx, fmts[i], &plain_opts, NULL);
		size_t len = 0;
		FILE *f;
		int rc;

		free(fx->out2);
		fx->out2 = NULL;
		f = open_memstream(&fx->out2, &len);
		assert_non_null(f);
		switch (fmts[i]) {
		case SPECC_FORMAT_HUMAN: rc = specc_render_human(f, srcs, d, &plain_opts); break;
		case SPECC_FORMAT_JSON: rc = specc_render_json(f, srcs, d, &plain_opts); break;
		case SPECC_FORMAT_SARIF: rc = specc_render_sarif(f, srcs, d, &plain_opts); break;
		default: rc = specc_render_github(f, srcs, d, &plain_opts); break;
		}
		fclose(f);
		assert_int_equal(rc, SPECC_OK);
		assert_true(strlen(a) > 0);
		assert_string_equal(a, fx->out2);
	}
}

static void render_write_error(void **state)
{
	static const specc_format fmts[] = { SPECC_FORMAT_HUMAN, SPECC_FORMAT_JSON,
					     SPECC_FORMAT_SARIF, SPECC_FORMAT_GITHUB };

	FX;
	ADD_SRC(srcs, "spec.md", SPEC_TEXT);
	specc_diag_add(d, SPECC_CODE(DUPLICATE_SECTION_ID), specc_span_make(0, 23, 27), "dup");
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(fmts); i++) {
		/* A stream opened for reading only: every write fails. */
		FILE *f = fopen("/dev/null", "r");
		int rc;
		assert_non_null(f);
		rc = specc_diags_render(f, fmts[i], srcs, d, &plain_opts);
		fclose(f);
		assert_int_equal(rc, SPECC_EIO);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes_kebab_unique),
		cmocka_unit_test(codes_find),
		cmocka_unit_test_setup_teardown(diag_add_fields, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(diag_related_and_edits, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(diag_set_severity, fx_setup, fx_teardown),
		cmocka_unit_test(diag_severity_names),
		cmocka_unit_test_setup_teardown(diag_sort, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(diag_sort_stable_many, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(quote_plain_and_controls, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(quote_truncation, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(quote_truncation_multibyte_boundary, fx_setup, fx_teardown),
		cmocka_unit_test(format_parse),
		cmocka_unit_test_setup_teardown(human_basic, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(human_several_and_severities, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(human_gutter_width, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(human_span_across_lines, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(human_tab_padding, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(human_wide_chars, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(human_color, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(human_huge_line_window, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(human_huge_line_multibyte, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(human_control_chars, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(human_c1_control_alignment, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(human_control_inside_span_underline, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(json_full, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(json_empty, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(json_invalid_utf8, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(sarif_full, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(sarif_uri_encoding, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(sarif_empty, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(github_lines, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(github_escaping, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(render_dispatch, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(render_write_error, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
