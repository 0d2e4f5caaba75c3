/*
 * expect.c - the assertions of ```expect blocks (see expect.h): reading
 * them from YAML with exact spans, and evaluating them on an answer.
 *
 * Reading reports every problem and goes on with the next entry, so one
 * `specc check` shows all the mistakes in a block.  Evaluation treats the
 * answer as untrusted text: it is validated as UTF-8 before anything else,
 * quoted with control characters escaped when a message shows it, and the
 * work done on it is bounded (PCRE2's match limit for regexes, a cell cap
 * for edit distance).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#ifdef SPECC_HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include "specc/codes.h"
#include "specc/expect.h"
#include "specc/json.h"
#include "specc/utf8.h"
#include "specc/ydoc.h"

/* Answer excerpts and quoted values in messages are cut at this many
 * bytes: enough to recognise the text, short enough for a report line. */
#define QUOTE_MAX 60

/* Edit distance fills an n-by-m table one row at a time.  Beyond this many
 * cells (a second or two of work) it refuses rather than stall a test run;
 * the common prefix and suffix are removed first and do not count. */
#define MAX_CELLS 1000000000ull

/* A schema nested deeper than this, or with more nodes (YAML aliases can
 * make a small text a huge document), is refused. */
#define SCHEMA_MAX_DEPTH 32
#define SCHEMA_MAX_NODES 10000

/* ---- the assertion kinds --------------------------------------------------- */

enum arg {
	ARG_TEXT,        /* a scalar, read as text */
	ARG_TRUE,        /* the scalar true */
	ARG_SCHEMA,      /* a mapping: a JSON Schema subset */
	ARG_COUNT,       /* a whole number >= 0 */
	ARG_LEVENSHTEIN, /* {value: TEXT, max: N} */
};

static const struct kind_info {
	const char *name;
	uint8_t kind;
	uint8_t arg;
} kinds[] = {
	{ "equals", SPECC_EXPECT_EQUALS, ARG_TEXT },
	{ "contains", SPECC_EXPECT_CONTAINS, ARG_TEXT },
	{ "icontains", SPECC_EXPECT_ICONTAINS, ARG_TEXT },
	{ "starts-with", SPECC_EXPECT_STARTS_WITH, ARG_TEXT },
	{ "regex", SPECC_EXPECT_REGEX, ARG_TEXT },
	{ "json", SPECC_EXPECT_JSON, ARG_TRUE },
	{ "json-schema", SPECC_EXPECT_JSON_SCHEMA, ARG_SCHEMA },
	{ "max-chars", SPECC_EXPECT_MAX_CHARS, ARG_COUNT },
	{ "min-chars", SPECC_EXPECT_MIN_CHARS, ARG_COUNT },
	{ "max-words", SPECC_EXPECT_MAX_WORDS, ARG_COUNT },
	{ "min-words", SPECC_EXPECT_MIN_WORDS, ARG_COUNT },
	{ "levenshtein", SPECC_EXPECT_LEVENSHTEIN, ARG_LEVENSHTEIN },
	{ "rubric", SPECC_EXPECT_RUBRIC, ARG_TEXT },
};

#define KNOWN_KINDS                                                                        \
	"equals, contains, icontains, starts-with, regex, json, json-schema, max-chars, "   \
	"min-chars, max-words, min-words, levenshtein and rubric"

static const struct kind_info *kind_named(const char *s, size_t n)
{
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(kinds); i++)
		if (strlen(kinds[i].name) == n && !memcmp(kinds[i].name, s, n))
			return &kinds[i];
	return NULL;
}

/* ---- set lifecycle --------------------------------------------------------- */

void specc_expect_set_init(specc_expect_set *set)
{
	memset(set, 0, sizeof *set);
	specc_arena_init(&set->arena);
}

void specc_expect_set_release(specc_expect_set *set)
{
	for (uint32_t i = 0; i < set->len; i++) {
		pcre2_code_free(set->items[i].re);
		json_decref(set->items[i].schema);
	}
	free(set->items);
	specc_arena_release(&set->arena);
	specc_expect_set_init(set);
}

/* ---- reading: helpers ------------------------------------------------------ */

struct parser {
	specc_expect_set *set;
	specc_ydoc y;
	int rc;          /* SPECC_ESYNTAX once anything was reported */
	unsigned nodes;  /* schema nodes converted, against alias bombs */
};

/* A node's span without trailing white space: a block node ends where
 * the next one starts, on a later line. */
static specc_span span_of(struct parser *ps, yaml_node_t *n)
{
	specc_span sp = specc_ydoc_span(&ps->y, n);
	const char *data = ps->y.srcs->items[sp.file].data;

	while (sp.end > sp.start && (data[sp.end - 1] == ' ' || data[sp.end - 1] == '\t' ||
				     data[sp.end - 1] == '\r' || data[sp.end - 1] == '\n'))
		sp.end--;
	return sp;
}

static specc_diag *problem(struct parser *ps, const specc_code *code, yaml_node_t *n,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static specc_diag *problem(struct parser *ps, const specc_code *code, yaml_node_t *n,
			   const char *fmt, ...)
{
	specc_buf b = SPECC_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	specc_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	specc_diag *d = specc_diag_add_msg(ps->y.diags, code, span_of(ps, n), b.ptr, b.len);
	specc_buf_release(&b);
	ps->rc = SPECC_ESYNTAX;
	return d;
}

#define INVALID(ps, n, ...) problem((ps), SPECC_CODE(INVALID_EXPECT), (n), __VA_ARGS__)
#define HELP(ps, d, ...) specc_diag_help((ps)->y.diags, (d), __VA_ARGS__)

static const char *stext(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static size_t slen(yaml_node_t *n)
{
	return n->data.scalar.length;
}

static bool is_plain(yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static bool seq(const char *s, size_t n, const char *z)
{
	return strlen(z) == n && !memcmp(s, z, n);
}

/* A scalar in double quotes, escaped and cut, for a message (owned by
 * diags). */
static const char *q(struct parser *ps, yaml_node_t *n)
{
	specc_buf b = SPECC_BUF_INIT;
	const char *out;

	if (n->type != YAML_SCALAR_NODE)
		return "this";
	specc_buf_addch(&b, '"');
	specc_quote_to_buf(&b, stext(n), slen(n), 40);
	specc_buf_addch(&b, '"');
	out = specc_arena_strndup(&ps->y.diags->arena, b.ptr, b.len);
	specc_buf_release(&b);
	return out;
}

/* What a YAML scalar means as JSON.  Only plain scalars are typed, the way
 * YAML's core schema types them; a quoted scalar is always a string, so
 * "1" and 1 can both be written. */
enum scalar_type { ST_STRING, ST_NULL, ST_TRUE, ST_FALSE, ST_INT, ST_REAL };

static enum scalar_type classify(yaml_node_t *n, int64_t *iv, double *dv)
{
	const char *s = stext(n);
	size_t len = slen(n), i = 0, int_digits = 0, frac_digits = 0;
	bool dot = false, exp = false;
	char num[64];

	if (!is_plain(n))
		return ST_STRING;
	if (len == 0 || seq(s, len, "~") || seq(s, len, "null") || seq(s, len, "Null") ||
	    seq(s, len, "NULL"))
		return ST_NULL;
	if (seq(s, len, "true") || seq(s, len, "True") || seq(s, len, "TRUE"))
		return ST_TRUE;
	if (seq(s, len, "false") || seq(s, len, "False") || seq(s, len, "FALSE"))
		return ST_FALSE;
	/* [-+]? (digits (. digits?)? | . digits) ([eE] [-+]? digits)? */
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, int_digits++;
	if (i < len && s[i] == '.') {
		dot = true;
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			frac_digits++;
	}
	if (!int_digits && !frac_digits)
		return ST_STRING;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t d = 0;
		exp = true;
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, d++;
		if (!d)
			return ST_STRING;
	}
	if (i != len || len >= sizeof num)
		return ST_STRING;
	/* strtoll and strtod want a terminated string. */
	memcpy(num, s, len);
	num[len] = '\0';
	errno = 0;
	if (!dot && !exp) {
		long long v = strtoll(num, NULL, 10);
		if (errno != ERANGE) {
			*iv = (int64_t)v;
			return ST_INT;
		}
	}
	errno = 0;
	*dv = strtod(num, NULL);
	/* JSON has no infinity: 1e999 stays text. */
	return isfinite(*dv) ? ST_REAL : ST_STRING;
}

/* A whole number >= 0 written plainly. */
static bool read_count(yaml_node_t *n, int64_t *out)
{
	int64_t v;
	double d;

	if (n->type != YAML_SCALAR_NODE || classify(n, &v, &d) != ST_INT || v < 0 ||
	    stext(n)[0] == '+')
		return false;
	*out = v;
	return true;
}

static void count_problem(struct parser *ps, yaml_node_t *v, const char *key, const char *example)
{
	specc_diag *d = INVALID(ps, v, "\"%s\" must be a whole number of 0 or more", key);
	if (v->type == YAML_SCALAR_NODE && !is_plain(v))
		HELP(ps, d, "write the number without quotes, e.g. \"%s: %s\"", key, example);
	else
		HELP(ps, d, "write e.g. \"%s: %s\"", key, example);
}

/* ---- reading: did you mean ------------------------------------------------- */

/* Edit distance between two short keys, or 99 when they are long or far
 * apart: only close keys are worth suggesting. */
static unsigned key_distance(const char *a, size_t n, const char *b, size_t m)
{
	unsigned row[64];

	if (n >= SPECC_ARRAY_SIZE(row) || m >= SPECC_ARRAY_SIZE(row) || n > m + 2 || m > n + 2)
		return 99;
	for (size_t j = 0; j <= m; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++) {
		unsigned prev = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= m; j++) {
			unsigned cur = row[j];
			unsigned sub = prev + (a[i - 1] != b[j - 1]);
			unsigned del = row[j] + 1, ins = row[j - 1] + 1;
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			prev = cur;
		}
	}
	return row[m];
}

static void unknown_kind(struct parser *ps, yaml_node_t *k)
{
	char cand[32];
	const char *best = NULL;
	bool best_not = false;
	unsigned bd = 3;

	/* Every name, plain and negated, so "not_contains" finds
	 * "not-contains". */
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(kinds); i++) {
		for (int neg = 0; neg < 2; neg++) {
			if (neg && kinds[i].kind == SPECC_EXPECT_RUBRIC)
				continue;
			int n = snprintf(cand, sizeof cand, "%s%s", neg ? "not-" : "", kinds[i].name);
			unsigned d = key_distance(stext(k), slen(k), cand, (size_t)n);
			if (d < bd) {
				bd = d;
				best = kinds[i].name;
				best_not = neg;
			}
		}
	}
	specc_diag *d = problem(ps, SPECC_CODE(UNKNOWN_EXPECT), k, "unknown assertion %s", q(ps, k));
	if (best)
		HELP(ps, d, "did you mean \"%s%s\"? The assertions are " KNOWN_KINDS
			    ", each but rubric also with \"not-\"",
		     best_not ? "not-" : "", best);
	else
		HELP(ps, d, "the assertions are " KNOWN_KINDS ", each but rubric also with \"not-\"");
}

/* ---- reading: JSON Schema -------------------------------------------------- */

/* The YAML value as JSON (a new reference), or NULL after reporting that
 * it is too deep or too large. */
static json_t *to_json(struct parser *ps, yaml_node_t *n, unsigned depth)
{
	json_t *out = NULL;
	int64_t iv = 0;
	double dv = 0;

	if (depth > SCHEMA_MAX_DEPTH || ++ps->nodes > SCHEMA_MAX_NODES) {
		/* Once: the walk gives up at the first node over the limit. */
		specc_diag *d = INVALID(ps, n, "this schema is nested more than %d levels deep or has "
					       "more than %d values", SCHEMA_MAX_DEPTH, SCHEMA_MAX_NODES);
		HELP(ps, d, "a schema for an answer should be small; check for YAML aliases");
		return NULL;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE:
		switch (classify(n, &iv, &dv)) {
		case ST_NULL:
			return json_null();
		case ST_TRUE:
			return json_true();
		case ST_FALSE:
			return json_false();
		case ST_INT:
			return json_integer((json_int_t)iv);
		case ST_REAL:
			return json_real(dv);
		case ST_STRING:
			break;
		}
		return specc_json_string(stext(n), slen(n));
	case YAML_SEQUENCE_NODE:
		out = json_array();
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
		     it++) {
			json_t *c = to_json(ps, specc_ydoc_node(&ps->y, *it), depth + 1);
			if (!c) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, c);
		}
		return out;
	case YAML_MAPPING_NODE:
		out = json_object();
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = specc_ydoc_node(&ps->y, p->key);
			json_t *c;
			if (k->type != YAML_SCALAR_NODE) {
				INVALID(ps, k, "a key in a schema must be a text");
				json_decref(out);
				return NULL;
			}
			c = to_json(ps, specc_ydoc_node(&ps->y, p->value), depth + 1);
			if (!c) {
				json_decref(out);
				return NULL;
			}
			json_object_setn_new(out, stext(k), slen(k), c);
		}
		return out;
	case YAML_NO_NODE:
		break;
	}
	return json_null();
}

static const char *const schema_keywords[] = {
	"type", "properties", "required", "enum", "items", "minimum", "maximum", "minLength",
	"maxLength", "minItems", "maxItems", "additionalProperties", "title", "description",
};

enum {
	KW_TYPE, KW_PROPERTIES, KW_REQUIRED, KW_ENUM, KW_ITEMS, KW_MINIMUM, KW_MAXIMUM,
	KW_MIN_LENGTH, KW_MAX_LENGTH, KW_MIN_ITEMS, KW_MAX_ITEMS, KW_ADDITIONAL, KW_TITLE,
	KW_DESCRIPTION,
};

static const char *const json_types[] = {
	"object", "array", "string", "number", "integer", "boolean", "null",
};

static bool type_name_ok(struct parser *ps, yaml_node_t *t)
{
	if (t->type == YAML_SCALAR_NODE)
		for (size_t i = 0; i < SPECC_ARRAY_SIZE(json_types); i++)
			if (seq(stext(t), slen(t), json_types[i]))
				return true;
	specc_diag *d = INVALID(ps, t, "%s is not a JSON Schema type", q(ps, t));
	HELP(ps, d, "the types are object, array, string, number, integer, boolean and null");
	return false;
}

/* Checks that the schema n uses only what validate() implements, with
 * values of the right shape, reporting each problem at its node.  to_json()
 * has already bounded the depth. */
static bool check_schema(struct parser *ps, yaml_node_t *n)
{
	uint32_t seen = 0;
	bool ok = true;

	if (n->type != YAML_MAPPING_NODE) {
		specc_diag *d = INVALID(ps, n, "a schema must be a mapping of keywords");
		HELP(ps, d, "write e.g. {type: string}");
		return false;
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = specc_ydoc_node(&ps->y, p->key), *v = specc_ydoc_node(&ps->y, p->value);
		size_t kw = SPECC_ARRAY_SIZE(schema_keywords);
		enum scalar_type st;
		specc_diag *d;
		int64_t iv;
		double dv;

		for (size_t i = 0; i < SPECC_ARRAY_SIZE(schema_keywords); i++)
			if (seq(stext(k), slen(k), schema_keywords[i]))
				kw = i;
		if (kw == SPECC_ARRAY_SIZE(schema_keywords)) {
			/* An ignored keyword would pass answers its author
			 * meant to fail, so it is an error, not a warning. */
			d = INVALID(ps, k, "JSON Schema keyword %s is not supported", q(ps, k));
			HELP(ps, d, "specc checks type, properties, required, enum, items, minimum, maximum, "
				    "minLength, maxLength, minItems, maxItems and additionalProperties "
				    "(true or false); title and description are allowed and ignored");
			ok = false;
			continue;
		}
		if (seen & (1u << kw)) {
			INVALID(ps, k, "\"%s\" is given twice in this schema", schema_keywords[kw]);
			ok = false;
			continue;
		}
		seen |= 1u << kw;
		switch (kw) {
		case KW_TYPE:
			if (v->type == YAML_SEQUENCE_NODE && v->data.sequence.items.top > v->data.sequence.items.start) {
				for (yaml_node_item_t *it = v->data.sequence.items.start;
				     it < v->data.sequence.items.top; it++)
					ok &= type_name_ok(ps, specc_ydoc_node(&ps->y, *it));
			} else if (v->type == YAML_SEQUENCE_NODE) {
				INVALID(ps, v, "\"type\" must name at least one type");
				ok = false;
			} else {
				ok &= type_name_ok(ps, v);
			}
			break;
		case KW_PROPERTIES:
			if (v->type != YAML_MAPPING_NODE) {
				d = INVALID(ps, v, "\"properties\" must be a mapping from property names to schemas");
				HELP(ps, d, "write e.g. {properties: {answer: {type: string}}}");
				ok = false;
				break;
			}
			for (yaml_node_pair_t *pp = v->data.mapping.pairs.start; pp < v->data.mapping.pairs.top; pp++) {
				yaml_node_t *pk = specc_ydoc_node(&ps->y, pp->key);
				for (yaml_node_pair_t *o = v->data.mapping.pairs.start; o < pp; o++) {
					yaml_node_t *prev = specc_ydoc_node(&ps->y, o->key);
					if (slen(prev) == slen(pk) && !memcmp(stext(prev), stext(pk), slen(pk))) {
						INVALID(ps, pk, "property %s is given twice", q(ps, pk));
						ok = false;
						break;
					}
				}
				ok &= check_schema(ps, specc_ydoc_node(&ps->y, pp->value));
			}
			break;
		case KW_REQUIRED: {
			bool names = v->type == YAML_SEQUENCE_NODE;
			for (yaml_node_item_t *it = names ? v->data.sequence.items.start : NULL;
			     names && it < v->data.sequence.items.top; it++) {
				yaml_node_t *name = specc_ydoc_node(&ps->y, *it);
				/* to_json() types plain scalars: "required:
				 * [1]" would name no property. */
				names = name->type == YAML_SCALAR_NODE &&
					classify(name, &iv, &dv) == ST_STRING;
			}
			if (!names) {
				d = INVALID(ps, v, "\"required\" must be a list of property names");
				HELP(ps, d, "write e.g. {required: [answer, sources]}, quoting a name that "
					    "looks like a number, true, false or null");
				ok = false;
			}
			break;
		}
		case KW_ENUM:
			if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top == v->data.sequence.items.start) {
				d = INVALID(ps, v, "\"enum\" must be a list of the allowed values");
				HELP(ps, d, "write e.g. {enum: [yes, no]}");
				ok = false;
			}
			break;
		case KW_ITEMS:
			ok &= check_schema(ps, v);
			break;
		case KW_MINIMUM:
		case KW_MAXIMUM:
			st = v->type == YAML_SCALAR_NODE ? classify(v, &iv, &dv) : ST_STRING;
			if (st != ST_INT && st != ST_REAL) {
				INVALID(ps, v, "\"%s\" must be a number", schema_keywords[kw]);
				ok = false;
			}
			break;
		case KW_MIN_LENGTH:
		case KW_MAX_LENGTH:
		case KW_MIN_ITEMS:
		case KW_MAX_ITEMS:
			if (!read_count(v, &iv)) {
				count_problem(ps, v, schema_keywords[kw], "1");
				ok = false;
			}
			break;
		case KW_ADDITIONAL:
			st = v->type == YAML_SCALAR_NODE ? classify(v, &iv, &dv) : ST_STRING;
			if (st != ST_TRUE && st != ST_FALSE) {
				d = INVALID(ps, v, "\"additionalProperties\" must be true or false");
				HELP(ps, d, "specc does not support a schema here");
				ok = false;
			}
			break;
		default: /* title, description: annotations */
			if (v->type != YAML_SCALAR_NODE) {
				INVALID(ps, v, "\"%s\" must be a text", schema_keywords[kw]);
				ok = false;
			}
			break;
		}
	}
	return ok;
}

/* ---- reading: one entry ---------------------------------------------------- */

static bool read_text(struct parser *ps, specc_expect *e, yaml_node_t *v)
{
	specc_diag *d;

	if (v->type != YAML_SCALAR_NODE) {
		d = INVALID(ps, v, "\"%s\" must be a text", e->name);
		HELP(ps, d, "write one \"- %s: TEXT\" entry for each text", e->name);
		return false;
	}
	if (is_plain(v) && !slen(v)) {
		d = INVALID(ps, v, "\"%s\" needs a value", e->name);
		HELP(ps, d, "write \"- %s: TEXT\"", e->name);
		return false;
	}
	if (!slen(v) && e->kind != SPECC_EXPECT_EQUALS) {
		d = INVALID(ps, v, "\"%s\" must not be empty", e->name);
		if (e->kind == SPECC_EXPECT_RUBRIC)
			HELP(ps, d, "say what a good answer does, for the grader to judge");
		else
			HELP(ps, d, "an empty text matches every answer");
		return false;
	}
	e->text = specc_arena_strndup(&ps->set->arena, stext(v), slen(v));
	e->text_len = slen(v);
	return true;
}

static bool compile_regex(struct parser *ps, specc_expect *e, yaml_node_t *v)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)e->text, e->text_len, PCRE2_UTF | PCRE2_UCP, &err,
				       &off, NULL);

	if (!re) {
		PCRE2_UCHAR msg[256];
		size_t at = 1;
		pcre2_get_error_message(err, msg, sizeof msg);
		/* PCRE2 gives a byte offset; people count characters. */
		for (size_t i = 0; i < off && i < e->text_len; i++)
			at += ((unsigned char)e->text[i] & 0xC0) != 0x80;
		specc_diag *d;
		if (off >= e->text_len)
			d = INVALID(ps, v, "this regex does not compile: %s, at the end of the pattern",
				    (const char *)msg);
		else
			d = INVALID(ps, v, "this regex does not compile: %s, at character %zu of the pattern",
				    (const char *)msg, at);
		HELP(ps, d, "the pattern is PCRE2 syntax; in a double-quoted YAML string write \\\\ for "
			    "one backslash");
		return false;
	}
	/* JIT is an optimisation, skipped under valgrind, which cannot follow
	 * JIT-generated code and reports false errors in it. */
#ifdef SPECC_HAVE_VALGRIND_H
	if (!RUNNING_ON_VALGRIND)
#endif
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	e->re = re;
	return true;
}

static bool read_levenshtein(struct parser *ps, specc_expect *e, yaml_node_t *v)
{
	yaml_node_t *value = NULL, *max = NULL;
	specc_diag *d;
	bool ok = true;

	if (v->type != YAML_MAPPING_NODE) {
		d = INVALID(ps, v, "\"%s\" must be a mapping", e->name);
		HELP(ps, d, "write \"- %s: {value: TEXT, max: N}\"", e->name);
		return false;
	}
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *k = specc_ydoc_node(&ps->y, p->key);
		yaml_node_t **slot = specc_ydoc_key_is(k, "value") ? &value
				     : specc_ydoc_key_is(k, "max") ? &max : NULL;
		if (!slot) {
			d = INVALID(ps, k, "\"%s\" takes \"value\" and \"max\", not %s", e->name, q(ps, k));
			HELP(ps, d, "write \"- %s: {value: TEXT, max: N}\"", e->name);
			ok = false;
		} else if (*slot) {
			INVALID(ps, k, "%s is given twice", q(ps, k));
			ok = false;
		} else {
			*slot = specc_ydoc_node(&ps->y, p->value);
		}
	}
	if (!value || !max) {
		d = INVALID(ps, v, "\"%s\" needs %s", e->name,
			    !value && !max ? "\"value\" and \"max\"" : !value ? "\"value\"" : "\"max\"");
		HELP(ps, d, "write \"- %s: {value: TEXT, max: N}\"", e->name);
		return false;
	}
	if (value->type != YAML_SCALAR_NODE) {
		INVALID(ps, value, "\"value\" must be a text");
		ok = false;
	}
	if (!read_count(max, &e->number)) {
		count_problem(ps, max, "max", "5");
		ok = false;
	}
	if (!ok)
		return false;
	e->text = specc_arena_strndup(&ps->set->arena, stext(value), slen(value));
	e->text_len = slen(value);
	return true;
}

static void read_entry(struct parser *ps, yaml_node_t *item)
{
	specc_expect e;
	yaml_node_t *k, *v;
	const struct kind_info *ki;
	const char *name;
	size_t n, pairs;
	specc_diag *d;
	bool ok = false;
	int64_t iv;
	double dv;

	if (item->type != YAML_MAPPING_NODE) {
		d = INVALID(ps, item, "an assertion must be one \"key: value\" pair");
		if (item->type == YAML_SCALAR_NODE && kind_named(stext(item), slen(item)))
			HELP(ps, d, "give \"%.*s\" a value: \"- %.*s: ...\"", (int)slen(item),
			     stext(item), (int)slen(item), stext(item));
		else
			HELP(ps, d, "write e.g. \"- contains: TEXT\"");
		return;
	}
	pairs = (size_t)(item->data.mapping.pairs.top - item->data.mapping.pairs.start);
	if (pairs != 1) {
		d = INVALID(ps, item, "an assertion must be one \"key: value\" pair, not %zu", pairs);
		HELP(ps, d, "start each assertion on its own line with \"- \"");
		return;
	}
	k = specc_ydoc_node(&ps->y, item->data.mapping.pairs.start->key);
	v = specc_ydoc_node(&ps->y, item->data.mapping.pairs.start->value);
	if (k->type != YAML_SCALAR_NODE) {
		d = INVALID(ps, k, "an assertion's name must be a word such as \"contains\"");
		HELP(ps, d, "the assertions are " KNOWN_KINDS);
		return;
	}
	name = stext(k);
	n = slen(k);
	memset(&e, 0, sizeof e);
	if (n > 4 && !memcmp(name, "not-", 4)) {
		e.negated = true;
		name += 4;
		n -= 4;
	}
	ki = kind_named(name, n);
	if (!ki) {
		unknown_kind(ps, k);
		return;
	}
	if (e.negated && ki->kind == SPECC_EXPECT_RUBRIC) {
		d = INVALID(ps, k, "a rubric cannot be negated");
		HELP(ps, d, "write \"rubric:\" and say the opposite in the rubric itself, e.g. \"Does not "
			    "give a dose.\"");
		return;
	}
	e.kind = ki->kind;
	e.name = specc_arena_strndup(&ps->set->arena, stext(k), slen(k));
	e.span = span_of(ps, item);
	switch (ki->arg) {
	case ARG_TEXT:
		ok = read_text(ps, &e, v);
		if (ok && e.kind == SPECC_EXPECT_REGEX)
			ok = compile_regex(ps, &e, v);
		break;
	case ARG_TRUE:
		ok = v->type == YAML_SCALAR_NODE && classify(v, &iv, &dv) == ST_TRUE;
		if (!ok) {
			d = INVALID(ps, v, "\"%s\" must be true", e.name);
			HELP(ps, d, "write \"- json: true\" for an answer that is JSON, \"- not-json: true\" "
				    "for one that is not");
		}
		break;
	case ARG_SCHEMA:
		if (v->type != YAML_MAPPING_NODE) {
			d = INVALID(ps, v, "\"%s\" must be a mapping (a JSON Schema)", e.name);
			HELP(ps, d, "write e.g. \"- %s: {type: object, required: [answer]}\"", e.name);
			break;
		}
		e.schema = to_json(ps, v, 0);
		ok = e.schema && check_schema(ps, v);
		if (!ok) {
			json_decref(e.schema);
			e.schema = NULL;
		}
		break;
	case ARG_COUNT:
		ok = read_count(v, &e.number);
		if (!ok)
			count_problem(ps, v, e.name, "120");
		break;
	case ARG_LEVENSHTEIN:
		ok = read_levenshtein(ps, &e, v);
		break;
	}
	if (!ok)
		return;
	if (e.kind == SPECC_EXPECT_RUBRIC)
		ps->set->has_rubric = true;
	*SPECC_PUSH(*ps->set) = e;
}

int specc_expect_parse(specc_expect_set *set, specc_sources *srcs, specc_diags *diags,
		       specc_span block)
{
	struct parser ps;
	const specc_source *s;
	uint32_t bol, i;
	yaml_node_t *root;

	if (block.file == SPECC_NONE || block.start >= block.end)
		return SPECC_OK;
	memset(&ps, 0, sizeof ps);
	ps.set = set;
	ps.rc = SPECC_OK;
	/* A block indented in an admonition or a list item starts after its
	 * first line's indentation but its other lines keep theirs.  Read
	 * from the line start instead: YAML accepts a document indented as a
	 * whole, and columns then match the source. */
	s = &srcs->items[block.file];
	bol = i = s->lines[specc_source_line_of(s, block.start)];
	while (i < block.start && s->data[i] == ' ')
		i++;
	if (specc_ydoc_load(&ps.y, srcs, diags, block.file, i == block.start ? bol : block.start,
			    block.end) != SPECC_OK) {
		specc_ydoc_release(&ps.y);
		return SPECC_ESYNTAX;
	}
	root = yaml_document_get_root_node(&ps.y.doc);
	if (root && root->type != YAML_SEQUENCE_NODE) {
		specc_diag *d = INVALID(&ps, root, "an expect block must be a list of assertions");
		HELP(&ps, d, "start each assertion with \"- \", e.g. \"- contains: TEXT\"");
	} else if (root) {
		for (yaml_node_item_t *it = root->data.sequence.items.start;
		     it < root->data.sequence.items.top; it++)
			read_entry(&ps, specc_ydoc_node(&ps.y, *it));
	}
	specc_ydoc_release(&ps.y);
	return ps.rc;
}

/* ---- evaluating: text helpers ---------------------------------------------- */

/* Unicode's White_Space property (stable since Unicode 6.3): what
 * separates words, and what is trimmed around an answer. */
static bool is_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

/* Code points in valid UTF-8: every byte that does not continue one. */
static size_t count_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static size_t count_words(const char *s, size_t n)
{
	size_t words = 0;
	bool in_word = false;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += specc_utf8_decode(s + i, n - i, &cp);
		if (is_space(cp)) {
			in_word = false;
		} else if (!in_word) {
			in_word = true;
			words++;
		}
	}
	return words;
}

/* Narrows [*a, *b) of s to leave out white space at both ends. */
static void trim(const char *s, size_t *a, size_t *b)
{
	size_t i = *a, end = *a;
	bool started = false;

	while (i < *b) {
		uint32_t cp;
		size_t k = specc_utf8_decode(s + i, *b - i, &cp);
		if (!is_space(cp)) {
			if (!started)
				*a = i;
			started = true;
			end = i + k;
		}
		i += k;
	}
	if (!started)
		*a = *b;
	else
		*b = end;
}

/* "s" for a count other than one. */
static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* Appends text in double quotes, control characters escaped and cut at
 * QUOTE_MAX bytes: answers are untrusted and can be long. */
static void add_quoted(specc_buf *b, const char *s, size_t n)
{
	specc_buf_addch(b, '"');
	specc_quote_to_buf(b, s, n, QUOTE_MAX);
	specc_buf_addch(b, '"');
}

/* The first occurrence of needle in hay, or NULL.  Worst case n*m, but m
 * is an author's text, short and trusted. */
static const char *find(const char *hay, size_t n, const char *needle, size_t m)
{
	if (!m)
		return hay;
	for (const char *p = hay; m <= n - (size_t)(p - hay);) {
		const char *c = memchr(p, needle[0], n - (size_t)(p - hay) - m + 1);
		if (!c)
			return NULL;
		if (!memcmp(c, needle, m))
			return c;
		p = c + 1;
	}
	return NULL;
}

/* ---- evaluating: the kinds --------------------------------------------------
 *
 * Each returns 1 when the assertion (without not-) holds, 0 when it does
 * not, -1 when it cannot be decided (it then fails, negated or not).  It
 * writes why only when the result is a failure, knowing e->negated.
 */

static int eval_equals(const specc_expect *e, const char *s, size_t n, specc_buf *why)
{
	size_t a = 0, b = n, ea = 0, eb = e->text_len;
	bool holds;

	/* White space around either side does not count: YAML makes a
	 * trailing newline easy to write by accident. */
	trim(s, &a, &b);
	trim(e->text, &ea, &eb);
	holds = b - a == eb - ea && !memcmp(s + a, e->text + ea, eb - ea);
	if (holds && e->negated) {
		specc_buf_addstr(why, "is ");
		add_quoted(why, e->text, e->text_len);
		specc_buf_addstr(why, ", which it must not be");
	} else if (!holds && !e->negated) {
		/* Show where they part: a long answer that differs at its end
		 * would look identical cut at the front. */
		size_t i = 0;
		while (i < b - a && i < e->text_len && s[a + i] == e->text[i])
			i++;
		while (i > 0 && ((unsigned char)e->text[i] & 0xC0) == 0x80)
			i--;
		if (i < 20) {
			specc_buf_addstr(why, "is ");
			add_quoted(why, s + a, b - a);
			specc_buf_addstr(why, ", not ");
			add_quoted(why, e->text, e->text_len);
		} else {
			size_t from = i - 10;
			while (from > 0 && ((unsigned char)e->text[from] & 0xC0) == 0x80)
				from--;
			specc_buf_addf(why, "differs from the expected text at character %zu: \"...",
				       count_chars(e->text, i) + 1);
			specc_quote_to_buf(why, s + a + from, b - a - from, QUOTE_MAX);
			specc_buf_addstr(why, "\" where \"...");
			specc_quote_to_buf(why, e->text + from, e->text_len - from, QUOTE_MAX);
			specc_buf_addstr(why, "\" was expected");
		}
	}
	return holds;
}

static int eval_contains(const specc_expect *e, const char *s, size_t n, specc_buf *why)
{
	const char *at = find(s, n, e->text, e->text_len);

	if (at && e->negated) {
		specc_buf_addstr(why, "contains ");
		add_quoted(why, e->text, e->text_len);
		specc_buf_addf(why, " at character %zu, which it must not",
			       count_chars(s, (size_t)(at - s)) + 1);
	} else if (!at && !e->negated) {
		specc_buf_addstr(why, "does not contain ");
		add_quoted(why, e->text, e->text_len);
	}
	return at != NULL;
}

/* Unicode case folding, composed (NFC), so "STRASSE" contains "straße"
 * and a precomposed "é" matches a decomposed one.  NULL if utf8proc fails. */
static utf8proc_uint8_t *fold(const char *s, size_t n, size_t *out_len)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out,
					  UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
	if (r < 0) {
		free(out);
		return NULL;
	}
	*out_len = (size_t)r;
	return out;
}

static int eval_icontains(const specc_expect *e, const char *s, size_t n, specc_buf *why)
{
	size_t hn = 0, nn = 0;
	utf8proc_uint8_t *hay = fold(s, n, &hn), *needle = fold(e->text, e->text_len, &nn);
	int holds = -1;

	if (!hay || !needle) {
		specc_buf_addstr(why, "could not be case-folded to compare it");
		goto out;
	}
	holds = find((const char *)hay, hn, (const char *)needle, nn) != NULL;
	if (holds && e->negated) {
		specc_buf_addstr(why, "contains ");
		add_quoted(why, e->text, e->text_len);
		specc_buf_addstr(why, " (ignoring case), which it must not");
	} else if (!holds && !e->negated) {
		specc_buf_addstr(why, "does not contain ");
		add_quoted(why, e->text, e->text_len);
		specc_buf_addstr(why, ", even ignoring case");
	}
out:
	free(hay);
	free(needle);
	return holds;
}

static int eval_starts_with(const specc_expect *e, const char *s, size_t n, specc_buf *why)
{
	size_t a = 0, b = n;
	bool holds;

	/* Only leading white space is skipped: trim() finds the first
	 * non-space from the front. */
	trim(s, &a, &b);
	b = n;
	holds = b - a >= e->text_len && !memcmp(s + a, e->text, e->text_len);
	if (holds && e->negated) {
		specc_buf_addstr(why, "starts with ");
		add_quoted(why, e->text, e->text_len);
		specc_buf_addstr(why, ", which it must not");
	} else if (!holds && !e->negated) {
		/* As much of the answer as the expected text is long, and a
		 * little more, so the reader sees what came instead. */
		size_t show = e->text_len + 10;
		if (show > b - a)
			show = b - a;
		while (show < b - a && ((unsigned char)s[a + show] & 0xC0) == 0x80)
			show++;
		specc_buf_addstr(why, "starts with ");
		if (show < b - a) {
			specc_buf_addch(why, '"');
			specc_quote_to_buf(why, s + a, show, QUOTE_MAX);
			specc_buf_addstr(why, show <= QUOTE_MAX ? "...\"" : "\"");
		} else {
			add_quoted(why, s + a, show);
		}
		specc_buf_addstr(why, ", not ");
		add_quoted(why, e->text, e->text_len);
	}
	return holds;
}

static int eval_regex(const specc_expect *e, const char *s, size_t n, specc_buf *why)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(e->re, NULL);
	int rc, holds;

	if (!md)
		specc_die_oom();
	/* The answer was validated as UTF-8 already. */
	rc = pcre2_match(e->re, (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK, md, NULL);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
		/* Usually the match limit: a pattern that backtracks
		 * catastrophically on this answer. */
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(rc, msg, sizeof msg);
		specc_buf_addstr(why, "could not be matched against /");
		specc_quote_to_buf(why, e->text, e->text_len, QUOTE_MAX);
		specc_buf_addf(why, "/: %s", (const char *)msg);
		holds = -1;
		goto out;
	}
	holds = rc >= 0;
	if (holds && e->negated) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		specc_buf_addstr(why, "matches /");
		specc_quote_to_buf(why, e->text, e->text_len, QUOTE_MAX);
		specc_buf_addstr(why, "/ with ");
		add_quoted(why, s + ov[0], ov[1] - ov[0]);
		specc_buf_addf(why, " at character %zu, which it must not", count_chars(s, ov[0]) + 1);
	} else if (!holds && !e->negated) {
		specc_buf_addstr(why, "does not match /");
		specc_quote_to_buf(why, e->text, e->text_len, QUOTE_MAX);
		specc_buf_addch(why, '/');
	}
out:
	pcre2_match_data_free(md);
	return holds;
}

static int eval_count(const specc_expect *e, const char *s, size_t n, specc_buf *why)
{
	bool words = e->kind == SPECC_EXPECT_MAX_WORDS || e->kind == SPECC_EXPECT_MIN_WORDS;
	bool max = e->kind == SPECC_EXPECT_MAX_WORDS || e->kind == SPECC_EXPECT_MAX_CHARS;
	size_t a = 0, b = n;
	uint64_t count, limit = (uint64_t)e->number;
	bool holds;

	/* White space around the answer is not part of it. */
	trim(s, &a, &b);
	count = words ? count_words(s + a, b - a) : count_chars(s + a, b - a);
	holds = max ? count <= limit : count >= limit;
	if (holds == e->negated)
		specc_buf_addf(why, "has %" PRIu64 " %s%s, %s%s than %" PRIu64, count,
			       words ? "word" : "character", plural(count), e->negated ? "not " : "",
			       max ? "more" : "fewer", limit);
	return holds;
}

/* Edit distance between code point strings a (n) and b (m), n >= m, in
 * O(m) memory. */
static uint64_t edit_distance(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
	uint32_t *row = specc_xmalloc((m + 1) * sizeof *row);
	uint64_t d;

	for (size_t j = 0; j <= m; j++)
		row[j] = (uint32_t)j;
	for (size_t i = 1; i <= n; i++) {
		uint32_t prev = row[0];
		row[0] = (uint32_t)i;
		for (size_t j = 1; j <= m; j++) {
			uint32_t cur = row[j];
			uint32_t sub = prev + (a[i - 1] != b[j - 1]);
			uint32_t del = row[j] + 1, ins = row[j - 1] + 1;
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			prev = cur;
		}
	}
	d = row[m];
	free(row);
	return d;
}

static uint32_t *decode_all(const char *s, size_t n, size_t *count)
{
	uint32_t *out = specc_xmalloc((n + 1) * sizeof *out);
	size_t c = 0;

	for (size_t i = 0; i < n; c++)
		i += specc_utf8_decode(s + i, n - i, &out[c]);
	*count = c;
	return out;
}

static int eval_levenshtein(const specc_expect *e, const char *s, size_t n, specc_buf *why)
{
	size_t a = 0, b = n, la, lb;
	uint32_t *ca, *cb, *x, *y;
	uint64_t limit = (uint64_t)e->number, d;
	bool bound = false; /* d is a lower bound, not the distance */
	int holds = -1;

	trim(s, &a, &b);
	ca = decode_all(s + a, b - a, &la);
	cb = decode_all(e->text, e->text_len, &lb);
	x = ca;
	y = cb;
	/* A shared prefix and suffix cost no edits: dropping them makes
	 * near-identical long texts cheap. */
	while (la && lb && *x == *y)
		x++, y++, la--, lb--;
	while (la && lb && x[la - 1] == y[lb - 1])
		la--, lb--;
	if (la < lb) {
		uint32_t *t = x;
		size_t tn = la;
		x = y, la = lb;
		y = t, lb = tn;
	}
	if (lb && la > MAX_CELLS / lb && la - lb > limit) {
		/* Too long to compute, but each extra character needs an
		 * edit: enough to decide. */
		d = la - lb;
		bound = true;
	} else if (lb && la > MAX_CELLS / lb) {
		specc_buf_addstr(why, "is too long to compare with ");
		add_quoted(why, e->text, e->text_len);
		specc_buf_addf(why, " by edit distance (%zu by %zu characters differ; the limit is %llu "
				    "cells)", la, lb, MAX_CELLS);
		goto out;
	} else {
		d = edit_distance(x, la, y, lb);
	}
	holds = d <= limit;
	if (holds == e->negated) {
		specc_buf_addf(why, "is %s%" PRIu64 " edit%s away from ", bound ? "at least " : "", d,
			       plural(d));
		add_quoted(why, e->text, e->text_len);
		specc_buf_addf(why, ", %smore than %" PRIu64, e->negated ? "not " : "", limit);
	}
out:
	free(ca);
	free(cb);
	return holds;
}

/* ---- evaluating: JSON ------------------------------------------------------ */

/* The JSON text of an answer: without white space around it and without
 * one surrounding ``` or ```json fence, which models often add. */
static void json_text(const char *s, size_t n, size_t *a, size_t *b)
{
	const char *nl;

	*a = 0;
	*b = n;
	trim(s, a, b);
	if (*b - *a < 6 || memcmp(s + *a, "```", 3) || memcmp(s + *b - 3, "```", 3))
		return;
	nl = memchr(s + *a + 3, '\n', *b - *a - 3);
	if (!nl || (size_t)(nl - s) + 1 > *b - 3)
		return;
	size_t ia = *a + 3, ib = (size_t)(nl - s);
	trim(s, &ia, &ib);
	if (ib != ia && !(ib - ia == 4 && (s[ia] == 'j' || s[ia] == 'J') && (s[ia + 1] | 0x20) == 's' &&
			  (s[ia + 2] | 0x20) == 'o' && (s[ia + 3] | 0x20) == 'n'))
		return;
	*a = (size_t)(nl - s) + 1;
	*b -= 3;
	trim(s, a, b);
}

/* Parses the answer as JSON.  NULL, with the reason in why when `report`,
 * if it is not JSON. */
static json_t *load_answer(const char *s, size_t n, bool report, specc_buf *why)
{
	size_t a, b;
	json_error_t err;
	json_t *j;

	json_text(s, n, &a, &b);
	j = json_loadb(s + a, b - a, JSON_DECODE_ANY, &err);
	if (!j && report) {
		/* Where, counted in the whole answer, not in the part parsed:
		 * jansson's position is just past the character it stopped
		 * at, which its own line:col name. */
		size_t at = a + (err.position > 0 ? (size_t)err.position : 0), line = 1, col = 1;
		if (at > n)
			at = n;
		if (at > a)
			at--;
		while (at > a && ((unsigned char)s[at] & 0xC0) == 0x80)
			at--;
		for (size_t i = 0; i < at; i++) {
			if (s[i] == '\n')
				line++, col = 1;
			else
				col += ((unsigned char)s[i] & 0xC0) != 0x80;
		}
		specc_buf_addstr(why, "is not JSON: ");
		/* jansson quotes the token it stopped at: answer text. */
		specc_quote_to_buf(why, err.text, strlen(err.text), 120);
		specc_buf_addf(why, " (line %zu, column %zu)", line, col);
	}
	return j;
}

static int eval_json(const specc_expect *e, const char *s, size_t n, specc_buf *why)
{
	json_t *j = load_answer(s, n, !e->negated, why);

	if (j && e->negated)
		specc_buf_addstr(why, "is JSON, which it must not be");
	json_decref(j);
	return j != NULL;
}

static const char *article_type(const char *t)
{
	static const char *const names[][2] = {
		{ "object", "an object" }, { "array", "an array" },   { "string", "a string" },
		{ "number", "a number" },  { "integer", "an integer" }, { "boolean", "a boolean" },
		{ "null", "null" },
	};
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(names); i++)
		if (!strcmp(t, names[i][0]))
			return names[i][1];
	return t;
}

static bool is_integral(const json_t *v)
{
	double d;
	if (json_is_integer(v))
		return true;
	if (!json_is_real(v))
		return false;
	d = json_real_value(v);
	return d >= -9.2e18 && d <= 9.2e18 && (double)(long long)d == d;
}

/* A type name in a schema: plain "null" in YAML became JSON null. */
static const char *type_name(const json_t *t)
{
	return json_is_string(t) ? json_string_value(t) : "null";
}

static bool type_matches(const char *t, const json_t *v)
{
	if (!strcmp(t, "object"))
		return json_is_object(v);
	if (!strcmp(t, "array"))
		return json_is_array(v);
	if (!strcmp(t, "string"))
		return json_is_string(v);
	if (!strcmp(t, "number"))
		return json_is_number(v);
	if (!strcmp(t, "integer"))
		return is_integral(v);
	if (!strcmp(t, "boolean"))
		return json_is_boolean(v);
	return json_is_null(v);
}

/* Appends a JSON value, compact and cut to QUOTE_MAX. */
static void add_json(specc_buf *b, const json_t *v)
{
	char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!text)
		specc_die_oom();
	specc_quote_to_buf(b, text, strlen(text), QUOTE_MAX);
	free(text);
}

/* JSON equality for enum, where 1 and 1.0 are the same number. */
static bool same_value(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return !(json_number_value(a) < json_number_value(b)) &&
		       !(json_number_value(a) > json_number_value(b));
	}
	if (json_is_array(a) && json_is_array(b)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same_value(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	if (json_is_object(a) && json_is_object(b)) {
		const char *k;
		json_t *va;
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_foreach((json_t *)a, k, va) {
			json_t *vb = json_object_get(b, k);
			if (!vb || !same_value(va, vb))
				return false;
		}
		return true;
	}
	return json_equal(a, b);
}

/* Appends ".name" or ["odd name"] to a JSON path. */
static void path_key(specc_buf *path, const char *k)
{
	size_t n = strlen(k);
	bool ident = n > 0 && !(k[0] >= '0' && k[0] <= '9');

	for (size_t i = 0; i < n && ident; i++)
		ident = (k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
			(k[i] >= '0' && k[i] <= '9') || k[i] == '_';
	if (ident) {
		specc_buf_addch(path, '.');
		specc_buf_add(path, k, n);
	} else {
		specc_buf_addstr(path, "[\"");
		specc_quote_to_buf(path, k, n, 40);
		specc_buf_addstr(path, "\"]");
	}
}

/* Checks v against a schema that check_schema() accepted.  On the first
 * violation, writes it to why, naming the value by its path (which the
 * walk extends and restores), and returns false. */
static bool validate(const json_t *schema, const json_t *v, specc_buf *path, specc_buf *why)
{
	json_t *t = json_object_get(schema, "type"), *x, *sub;
	size_t len = path->len, i;
	const char *key;

	if (t) {
		bool ok = false, integer = false, list = json_is_array(t);
		for (i = 0; i < (list ? json_array_size(t) : 1); i++) {
			const char *name = type_name(list ? json_array_get(t, i) : t);
			ok |= type_matches(name, v);
			integer |= !strcmp(name, "integer");
		}
		if (!ok) {
			specc_buf_addf(why, "%s is ", path->ptr);
			if (json_is_number(v) && integer)
				add_json(why, v); /* "2.5, not an integer" */
			else
				specc_buf_addstr(why, json_is_object(v)    ? "an object"
						      : json_is_array(v)   ? "an array"
						      : json_is_string(v)  ? "a string"
						      : json_is_number(v)  ? "a number"
						      : json_is_boolean(v) ? "a boolean"
									   : "null");
			specc_buf_addstr(why, ", not ");
			for (i = 0; i < (list ? json_array_size(t) : 1); i++) {
				if (i)
					specc_buf_addstr(why, i + 1 == json_array_size(t) ? " or " : ", ");
				specc_buf_addstr(why, article_type(type_name(list ? json_array_get(t, i) : t)));
			}
			return false;
		}
	}
	if ((x = json_object_get(schema, "enum"))) {
		bool found = false;
		json_array_foreach(x, i, sub)
			found |= same_value(sub, v);
		if (!found) {
			specc_buf_addf(why, "%s is ", path->ptr);
			add_json(why, v);
			specc_buf_addstr(why, ", not one of ");
			add_json(why, x);
			return false;
		}
	}
	if (json_is_number(v)) {
		if ((x = json_object_get(schema, "minimum")) &&
		    json_number_value(v) < json_number_value(x)) {
			specc_buf_addf(why, "%s is ", path->ptr);
			add_json(why, v);
			specc_buf_addstr(why, ", less than the minimum ");
			add_json(why, x);
			return false;
		}
		if ((x = json_object_get(schema, "maximum")) &&
		    json_number_value(v) > json_number_value(x)) {
			specc_buf_addf(why, "%s is ", path->ptr);
			add_json(why, v);
			specc_buf_addstr(why, ", more than the maximum ");
			add_json(why, x);
			return false;
		}
	}
	if (json_is_string(v)) {
		uint64_t n = count_chars(json_string_value(v), json_string_length(v));
		if ((x = json_object_get(schema, "minLength")) && n < (uint64_t)json_integer_value(x)) {
			specc_buf_addf(why, "%s has %" PRIu64 " character%s, fewer than %" JSON_INTEGER_FORMAT,
				       path->ptr, n, plural(n), json_integer_value(x));
			return false;
		}
		if ((x = json_object_get(schema, "maxLength")) && n > (uint64_t)json_integer_value(x)) {
			specc_buf_addf(why, "%s has %" PRIu64 " character%s, more than %" JSON_INTEGER_FORMAT,
				       path->ptr, n, plural(n), json_integer_value(x));
			return false;
		}
	}
	if (json_is_array(v)) {
		uint64_t n = json_array_size(v);
		if ((x = json_object_get(schema, "minItems")) && n < (uint64_t)json_integer_value(x)) {
			specc_buf_addf(why, "%s has %" PRIu64 " item%s, fewer than %" JSON_INTEGER_FORMAT,
				       path->ptr, n, plural(n), json_integer_value(x));
			return false;
		}
		if ((x = json_object_get(schema, "maxItems")) && n > (uint64_t)json_integer_value(x)) {
			specc_buf_addf(why, "%s has %" PRIu64 " item%s, more than %" JSON_INTEGER_FORMAT,
				       path->ptr, n, plural(n), json_integer_value(x));
			return false;
		}
		if ((x = json_object_get(schema, "items"))) {
			json_array_foreach(v, i, sub) {
				specc_buf_addf(path, "[%zu]", i);
				if (!validate(x, sub, path, why))
					return false;
				path->len = len;
				path->ptr[len] = '\0';
			}
		}
	}
	if (json_is_object(v)) {
		json_t *props = json_object_get(schema, "properties");
		if ((x = json_object_get(schema, "required"))) {
			json_array_foreach(x, i, sub) {
				if (!json_object_getn(v, json_string_value(sub), json_string_length(sub))) {
					specc_buf_addf(why, "%s lacks the required property \"", path->ptr);
					specc_quote_to_buf(why, json_string_value(sub), json_string_length(sub),
							   QUOTE_MAX);
					specc_buf_addch(why, '"');
					return false;
				}
			}
		}
		json_object_foreach(props, key, sub) {
			json_t *pv = json_object_get(v, key);
			if (!pv)
				continue;
			path_key(path, key);
			if (!validate(sub, pv, path, why))
				return false;
			path->len = len;
			path->ptr[len] = '\0';
		}
		if ((x = json_object_get(schema, "additionalProperties")) && json_is_false(x)) {
			json_object_foreach((json_t *)v, key, sub) {
				if (!props || !json_object_get(props, key)) {
					specc_buf_addf(why, "%s has the property \"", path->ptr);
					specc_quote_to_buf(why, key, strlen(key), QUOTE_MAX);
					specc_buf_addstr(why, "\", which the schema does not allow");
					return false;
				}
			}
		}
	}
	return true;
}

static int eval_json_schema(const specc_expect *e, const char *s, size_t n, specc_buf *why)
{
	json_t *j = load_answer(s, n, !e->negated, why);
	specc_buf path = SPECC_BUF_INIT, reason = SPECC_BUF_INIT;
	bool holds;

	if (!j)
		return 0;
	specc_buf_addch(&path, '$');
	holds = validate(e->schema, j, &path, &reason);
	if (!holds && !e->negated)
		specc_buf_add(why, reason.ptr, reason.len);
	else if (holds && e->negated)
		specc_buf_addstr(why, "is JSON valid against the schema, which it must not be");
	specc_buf_release(&path);
	specc_buf_release(&reason);
	json_decref(j);
	return holds;
}

/* ---- evaluating: entry point ----------------------------------------------- */

int specc_expect_eval(const specc_expect *e, const char *answer, size_t len,
		      specc_outcome *outcome, specc_buf *why)
{
	size_t bad;
	int holds = -1;

	if (!answer)
		answer = "";
	bad = specc_utf8_validate(answer, len);
	if (bad < len) {
		*outcome = SPECC_OUTCOME_FAIL;
		specc_buf_addf(why, "is not valid UTF-8 (bad byte at offset %zu)", bad);
		return SPECC_EINVAL;
	}
	switch ((specc_expect_kind)e->kind) {
	case SPECC_EXPECT_RUBRIC:
		*outcome = SPECC_OUTCOME_NEEDS_GRADER;
		return SPECC_OK;
	case SPECC_EXPECT_EQUALS:
		holds = eval_equals(e, answer, len, why);
		break;
	case SPECC_EXPECT_CONTAINS:
		holds = eval_contains(e, answer, len, why);
		break;
	case SPECC_EXPECT_ICONTAINS:
		holds = eval_icontains(e, answer, len, why);
		break;
	case SPECC_EXPECT_STARTS_WITH:
		holds = eval_starts_with(e, answer, len, why);
		break;
	case SPECC_EXPECT_REGEX:
		holds = eval_regex(e, answer, len, why);
		break;
	case SPECC_EXPECT_JSON:
		holds = eval_json(e, answer, len, why);
		break;
	case SPECC_EXPECT_JSON_SCHEMA:
		holds = eval_json_schema(e, answer, len, why);
		break;
	case SPECC_EXPECT_MAX_CHARS:
	case SPECC_EXPECT_MIN_CHARS:
	case SPECC_EXPECT_MAX_WORDS:
	case SPECC_EXPECT_MIN_WORDS:
		holds = eval_count(e, answer, len, why);
		break;
	case SPECC_EXPECT_LEVENSHTEIN:
		holds = eval_levenshtein(e, answer, len, why);
		break;
	}
	if (holds < 0)
		*outcome = SPECC_OUTCOME_FAIL;
	else
		*outcome = (holds != 0) != e->negated ? SPECC_OUTCOME_PASS : SPECC_OUTCOME_FAIL;
	return SPECC_OK;
}
