/*
 * expect.h - deterministic expectations on an answer: the assertions of an
 * eval item's ```expect block.
 *
 * An expect block is a YAML sequence of one-key mappings:
 *
 *   ```expect
 *   - not-contains: "dosage"
 *   - max-words: 120
 *   - regex: "^(Yes|No)\\b"
 *   - json-schema: {type: object, required: [answer]}
 *   - levenshtein: {value: "$50 per visit", max: 5}
 *   - rubric: "Declines to give a dose and offers a visit."
 *   ```
 *
 * Every kind except rubric may be negated with a "not-" prefix: not-X
 * passes exactly when X fails.  Rubrics are graded by a model (a later
 * pass); until then they make a case "needs grader", never "passed".
 * docs/spec-language.md#expect-blocks describes each kind.
 */
#ifndef SPECC_EXPECT_H
#define SPECC_EXPECT_H

#include "specc/buf.h"
#include "specc/diag.h"

typedef enum specc_expect_kind {
	SPECC_EXPECT_EQUALS,
	SPECC_EXPECT_CONTAINS,
	SPECC_EXPECT_ICONTAINS,    /* case-insensitive (Unicode case folding) */
	SPECC_EXPECT_STARTS_WITH,
	SPECC_EXPECT_REGEX,        /* PCRE2, UTF mode */
	SPECC_EXPECT_JSON,         /* the answer is valid JSON; value must be true */
	SPECC_EXPECT_JSON_SCHEMA,  /* the answer is JSON valid against a schema subset */
	SPECC_EXPECT_MAX_CHARS,    /* counted in code points */
	SPECC_EXPECT_MIN_CHARS,
	SPECC_EXPECT_MAX_WORDS,    /* whitespace-separated words */
	SPECC_EXPECT_MIN_WORDS,
	SPECC_EXPECT_LEVENSHTEIN,  /* edit distance in code points to value <= max */
	SPECC_EXPECT_RUBRIC,       /* needs a grader model */
} specc_expect_kind;

/* The outcome of one expectation on one answer. */
typedef enum specc_outcome {
	SPECC_OUTCOME_PASS,
	SPECC_OUTCOME_FAIL,
	SPECC_OUTCOME_NEEDS_GRADER,
} specc_outcome;

typedef struct specc_expect {
	uint8_t kind;            /* specc_expect_kind */
	bool negated;            /* written with "not-" */
	const char *name;        /* the key as written, e.g. "not-contains" (owned by the set) */
	const char *text;        /* string argument, levenshtein's value, NUL-terminated
				  * (owned by the set), or NULL; may hold NULs itself */
	size_t text_len;
	int64_t number;          /* max/min counts, levenshtein max; >= 0 */
	void *schema;            /* json_t * for json-schema (owned by the set) */
	void *re;                /* pcre2_code * for regex (owned by the set) */
	specc_span span;         /* the list entry in the source, without its line break */
} specc_expect;

typedef struct specc_expect_set {
	specc_expect *items;
	uint32_t len, cap;
	specc_arena arena;       /* strings */
	bool has_rubric;
} specc_expect_set;

void specc_expect_set_init(specc_expect_set *set);
/* Frees everything the set owns (strings, schemas, compiled regexes). */
void specc_expect_set_release(specc_expect_set *set);

/*
 * Parses the expect block whose contents are the bytes of `block` in
 * srcs (block is the example's expect_span: the text between the fences;
 * SPECC_SPAN_NONE or an empty span is a block with no assertions).  A
 * block indented as a whole, as in an admonition, is read from its first
 * line's start so that YAML sees every line alike.  Each usable entry is
 * appended to set, after those already there; each problem is reported to
 * diags at its file:line:col (yaml-syntax for YAML that cannot be read;
 * invalid-expect for a wrong shape, a bad regex or schema, not-rubric;
 * unknown-expect for a key specc does not know) and the entry is skipped,
 * so the others still apply.  Returns SPECC_OK when every entry was
 * usable, SPECC_ESYNTAX otherwise.
 */
int specc_expect_parse(specc_expect_set *set, specc_sources *srcs, specc_diags *diags,
		       specc_span block);

/*
 * Evaluates one expectation on an answer (UTF-8, answer[0, len), need not
 * be NUL-terminated; untrusted).  *outcome gets the result: NEEDS_GRADER
 * for a rubric, else PASS or FAIL.  When it is FAIL, one sentence saying
 * what was wrong is appended to why (nothing is written otherwise),
 * written for a person reading a test report, about the answer and
 * without a final period: "has 143 words, more than 120".  Quoted answer
 * text is cut at 60 bytes with control characters escaped; it is still
 * model output, to escape before putting it in HTML.  An expectation
 * that cannot be decided (a regex over PCRE2's match limit, an edit
 * distance too large to compute) fails, negated or not.  Returns SPECC_OK,
 * or SPECC_EINVAL when the answer is not valid UTF-8 (outcome FAIL then,
 * with a reason, for every kind).  e must belong to a set not yet
 * released.
 */
int specc_expect_eval(const specc_expect *e, const char *answer, size_t len,
		      specc_outcome *outcome, specc_buf *why);

#endif
