/*
 * test-expect.c - expect blocks (src/eval/expect.c): reading the YAML,
 * with findings at exact line:col, and evaluating every assertion kind,
 * plain and negated, with the exact sentence a failure gives.
 *
 * Most tests add the YAML as a whole source, so positions in it are the
 * YAML's own line:col; the check tests go through Markdown and
 * specc_check() as `specc check` does.
 */
#include "testutil.h"
#include "specc/expect.h"

/* ---- fixture ------------------------------------------------------------ */

struct ctx {
	specc_project p;
	specc_expect_set set;
	specc_buf why;
	uint32_t src;
};

static int setup_ctx(void **state)
{
	struct ctx *c = calloc(1, sizeof *c);
	assert_non_null(c);
	specc_project_init(&c->p);
	specc_expect_set_init(&c->set);
	specc_buf_init(&c->why);
	c->src = SPECC_NONE;
	*state = c;
	return 0;
}

static int teardown_ctx(void **state)
{
	struct ctx *c = *state;
	specc_expect_set_release(&c->set);
	specc_buf_release(&c->why);
	specc_project_release(&c->p);
	free(c);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_ctx, teardown_ctx)

/* ---- helpers ------------------------------------------------------------ */

/* Reads yaml, the whole of a new source, as an expect block. */
static int parse(struct ctx *c, const char *yaml)
{
	size_t n = strlen(yaml);
	c->src = specc_project_add_buffer(&c->p, "evals/ex01.md", yaml, n, SPECC_SOURCE_EVAL);
	return specc_expect_parse(&c->set, &c->p.sources, &c->p.diags,
				  specc_span_make(c->src, 0, (uint32_t)n));
}

static void print_diags(const struct ctx *c)
{
	for (uint32_t i = 0; i < c->p.diags.len; i++)
		print_error("%s: %s (help: %s)\n", c->p.diags.items[i].code->id,
			    c->p.diags.items[i].message,
			    c->p.diags.items[i].help ? c->p.diags.items[i].help : "-");
}

/* Reads a block that must hold exactly one usable assertion, and returns
 * it (valid until the next block is read). */
static const specc_expect *one(struct ctx *c, const char *yaml, const char *file, int line)
{
	uint32_t before = c->set.len, diags = c->p.diags.len;
	int rc = parse(c, yaml);
	if (rc != SPECC_OK || c->p.diags.len != diags || c->set.len != before + 1) {
		print_error("rc %d, %u findings, %u new assertions\n", rc, c->p.diags.len - diags,
			    c->set.len - before);
		print_diags(c);
		_fail(file, line);
	}
	return &c->set.items[c->set.len - 1];
}

#define ONE(c, yaml) one((c), (yaml), __FILE__, __LINE__)

/* Evaluates e on answer[0, len) and checks the outcome and the reason
 * (want_why NULL: nothing written). */
static void check_eval(struct ctx *c, const specc_expect *e, const char *answer, size_t len,
		       specc_outcome want, const char *want_why, const char *file, int line)
{
	specc_outcome got = (specc_outcome)99;
	specc_buf_reset(&c->why);
	_assert_int_equal(specc_expect_eval(e, answer, len, &got, &c->why), SPECC_OK, file, line);
	if (got != want) {
		print_error("outcome %d, want %d; why: %s\n", (int)got, (int)want, c->why.ptr);
		_fail(file, line);
	}
	_assert_string_equal(c->why.ptr, want_why ? want_why : "", file, line);
}

#define PASSES(c, e, answer) \
	check_eval((c), (e), (answer), strlen(answer), SPECC_OUTCOME_PASS, NULL, __FILE__, __LINE__)
#define FAILS(c, e, answer, why) \
	check_eval((c), (e), (answer), strlen(answer), SPECC_OUTCOME_FAIL, (why), __FILE__, __LINE__)

/* Checks finding i: its code, where it starts ("line:col", 1-based, byte
 * columns), the text its span covers, its message, and that its help
 * contains help (NULL: has none). */
static void check_diag(struct ctx *c, uint32_t i, const char *code, const char *at,
		       const char *covers, const char *message, const char *help, const char *file,
		       int line)
{
	char pos[32];
	specc_pos ps;

	if (i >= c->p.diags.len) {
		print_error("no finding %u; there are %u\n", i, c->p.diags.len);
		print_diags(c);
		_fail(file, line);
	}
	const specc_diag *d = &c->p.diags.items[i];
	const specc_source *s = &c->p.sources.items[d->span.file];
	_assert_string_equal(d->code->id, code, file, line);
	specc_source_pos(s, d->span.start, &ps);
	snprintf(pos, sizeof pos, "%u:%u", ps.line, ps.column);
	_assert_string_equal(pos, at, file, line);
	if (covers)
		check_str(specc_str_make(s->data + d->span.start, d->span.end - d->span.start), covers,
			  file, line);
	_assert_string_equal(d->message, message, file, line);
	if (!help) {
		_assert_true(d->help == NULL, "no help", file, line);
	} else if (!d->help || !strstr(d->help, help)) {
		print_error("help \"%s\" does not contain \"%s\"\n", d->help ? d->help : "(none)", help);
		_fail(file, line);
	}
}

#define DIAG(c, i, code, at, covers, message, help) \
	check_diag((c), (i), (code), (at), (covers), (message), (help), __FILE__, __LINE__)

/* ---- reading: every kind ------------------------------------------------ */

static void parse_every_kind(void **state)
{
	struct ctx *c = *state;
	const char *yaml =
		"- equals: \"Yes\"\n"
		"- not-contains: dosage\n"
		"- icontains: Straße\n"
		"- starts-with: 'No'\n"
		"- regex: \"^(Yes|No)\\\\b\"\n"
		"- json: true\n"
		"- json-schema: {type: object, required: [answer]}\n"
		"- max-chars: 200\n"
		"- min-chars: 0\n"
		"- max-words: 120\n"
		"- not-min-words: 3\n"
		"- levenshtein: {value: \"$50 per visit\", max: 5}\n"
		"- rubric: Declines to give a dose.\n";
	const specc_expect *e;

	assert_int_equal(parse(c, yaml), SPECC_OK);
	CODES(&c->p, "");
	assert_int_equal(c->set.len, 13);
	e = c->set.items;
	assert_int_equal(e[0].kind, SPECC_EXPECT_EQUALS);
	assert_false(e[0].negated);
	assert_string_equal(e[0].name, "equals");
	assert_string_equal(e[0].text, "Yes");
	assert_int_equal(e[0].text_len, 3);
	assert_int_equal(e[1].kind, SPECC_EXPECT_CONTAINS);
	assert_true(e[1].negated);
	assert_string_equal(e[1].name, "not-contains");
	assert_string_equal(e[1].text, "dosage");
	assert_int_equal(e[2].kind, SPECC_EXPECT_ICONTAINS);
	assert_string_equal(e[2].text, "Straße");
	assert_int_equal(e[2].text_len, 7);
	assert_int_equal(e[3].kind, SPECC_EXPECT_STARTS_WITH);
	assert_string_equal(e[3].text, "No");
	assert_int_equal(e[4].kind, SPECC_EXPECT_REGEX);
	assert_string_equal(e[4].text, "^(Yes|No)\\b");
	assert_non_null(e[4].re);
	assert_int_equal(e[5].kind, SPECC_EXPECT_JSON);
	assert_null(e[5].text);
	assert_int_equal(e[6].kind, SPECC_EXPECT_JSON_SCHEMA);
	assert_non_null(e[6].schema);
	assert_int_equal(e[7].kind, SPECC_EXPECT_MAX_CHARS);
	assert_int_equal(e[7].number, 200);
	assert_int_equal(e[8].kind, SPECC_EXPECT_MIN_CHARS);
	assert_int_equal(e[8].number, 0);
	assert_int_equal(e[9].kind, SPECC_EXPECT_MAX_WORDS);
	assert_int_equal(e[9].number, 120);
	assert_int_equal(e[10].kind, SPECC_EXPECT_MIN_WORDS);
	assert_true(e[10].negated);
	assert_int_equal(e[10].number, 3);
	assert_int_equal(e[11].kind, SPECC_EXPECT_LEVENSHTEIN);
	assert_string_equal(e[11].text, "$50 per visit");
	assert_int_equal(e[11].number, 5);
	assert_int_equal(e[12].kind, SPECC_EXPECT_RUBRIC);
	assert_string_equal(e[12].text, "Declines to give a dose.");
	assert_true(c->set.has_rubric);
	/* The span of an entry starts at its key. */
	uint32_t src = c->src;
	SPAN(&c->p, e[1].span, "not-contains: dosage");
}

static void parse_number_is_text(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- contains: 50\n");
	assert_string_equal(e->text, "50");
	e = ONE(c, "- not-contains: null\n");
	assert_string_equal(e->text, "null");
	e = ONE(c, "- equals: ''\n");
	assert_int_equal(e->text_len, 0);
	assert_false(c->set.has_rubric);
}

static void parse_empty_block(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(parse(c, ""), SPECC_OK);
	assert_int_equal(parse(c, "# nothing to check yet\n\n"), SPECC_OK);
	assert_int_equal(specc_expect_parse(&c->set, &c->p.sources, &c->p.diags, SPECC_SPAN_NONE),
			 SPECC_OK);
	CODES(&c->p, "");
	assert_int_equal(c->set.len, 0);
}

/* ---- reading: shape errors ---------------------------------------------- */

static void parse_yaml_syntax_error(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(parse(c, "- max-words: 3\n- contains: [a\n"), SPECC_ESYNTAX);
	CODES(&c->p, "yaml-syntax");
	DIAG(c, 0, "yaml-syntax", "3:1", NULL,
	     "YAML syntax error: did not find expected ',' or ']' while parsing a flow sequence",
	     "fix the YAML");
	assert_int_equal(c->set.len, 0);
}

static void parse_not_a_list(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(parse(c, "contains: dosage\n"), SPECC_ESYNTAX);
	CODES(&c->p, "invalid-expect");
	DIAG(c, 0, "invalid-expect", "1:1", NULL, "an expect block must be a list of assertions",
	     "start each assertion with \"- \"");
}

static void parse_entry_shapes(void **state)
{
	struct ctx *c = *state;
	const char *yaml =
		"- contains\n"                     /* 1 */
		"- contains: a\n"                  /* 2 */
		"  max-words: 3\n"                 /* 3 */
		"- {}\n"                           /* 4 */
		"- [contains, a]\n"                /* 5 */
		"- max-words: 3\n";                /* 6: still read */

	assert_int_equal(parse(c, yaml), SPECC_ESYNTAX);
	CODES(&c->p, "invalid-expect,invalid-expect,invalid-expect,invalid-expect");
	DIAG(c, 0, "invalid-expect", "1:3", "contains", "an assertion must be one \"key: value\" pair",
	     "give \"contains\" a value: \"- contains: ...\"");
	DIAG(c, 1, "invalid-expect", "2:3", "contains: a\n  max-words: 3",
	     "an assertion must be one \"key: value\" pair, not 2",
	     "start each assertion on its own line");
	DIAG(c, 2, "invalid-expect", "4:3", "{}", "an assertion must be one \"key: value\" pair, not 0",
	     "start each assertion on its own line");
	DIAG(c, 3, "invalid-expect", "5:3", "[contains, a]", "an assertion must be one \"key: value\" pair",
	     "write e.g. \"- contains: TEXT\"");
	assert_int_equal(c->set.len, 1);
	assert_int_equal(c->set.items[0].kind, SPECC_EXPECT_MAX_WORDS);
}

static void parse_unknown_key(void **state)
{
	struct ctx *c = *state;
	const char *yaml =
		"- contians: dosage\n"
		"- not_contains: dosage\n"
		"- MaxWords: 3\n"
		"- frobnicate: x\n"
		"- not-: x\n";

	assert_int_equal(parse(c, yaml), SPECC_ESYNTAX);
	CODES(&c->p, "unknown-expect,unknown-expect,unknown-expect,unknown-expect,unknown-expect");
	DIAG(c, 0, "unknown-expect", "1:3", "contians", "unknown assertion \"contians\"",
	     "did you mean \"contains\"? The assertions are equals, contains, icontains, starts-with, "
	     "regex, json, json-schema, max-chars, min-chars, max-words, min-words, levenshtein and "
	     "rubric, each but rubric also with \"not-\"");
	DIAG(c, 1, "unknown-expect", "2:3", "not_contains", "unknown assertion \"not_contains\"",
	     "did you mean \"not-contains\"?");
	/* Three edits away: no guess, only the list. */
	DIAG(c, 2, "unknown-expect", "3:3", "MaxWords", "unknown assertion \"MaxWords\"",
	     "the assertions are equals, contains,");
	assert_null(strstr(c->p.diags.items[2].help, "did you mean"));
	DIAG(c, 3, "unknown-expect", "4:3", "frobnicate", "unknown assertion \"frobnicate\"",
	     "the assertions are equals,");
	DIAG(c, 4, "unknown-expect", "5:3", "not-", "unknown assertion \"not-\"",
	     "the assertions are equals,");
	assert_int_equal(c->set.len, 0);
}

static void parse_not_rubric(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(parse(c, "- rubric: Offers a visit.\n- not-rubric: Gives a dose.\n"),
			 SPECC_ESYNTAX);
	CODES(&c->p, "invalid-expect");
	DIAG(c, 0, "invalid-expect", "2:3", "not-rubric", "a rubric cannot be negated",
	     "say the opposite in the rubric itself");
	assert_int_equal(c->set.len, 1);
	assert_true(c->set.has_rubric);
}

static void parse_text_values(void **state)
{
	struct ctx *c = *state;
	const char *yaml =
		"- contains:\n"
		"- contains: ''\n"
		"- rubric: \"\"\n"
		"- contains: [a, b]\n"
		"- regex: ''\n";

	assert_int_equal(parse(c, yaml), SPECC_ESYNTAX);
	CODES(&c->p, "invalid-expect,invalid-expect,invalid-expect,invalid-expect,invalid-expect");
	DIAG(c, 0, "invalid-expect", "1:12", NULL, "\"contains\" needs a value", "write \"- contains: TEXT\"");
	DIAG(c, 1, "invalid-expect", "2:13", "''", "\"contains\" must not be empty",
	     "an empty text matches every answer");
	DIAG(c, 2, "invalid-expect", "3:11", "\"\"", "\"rubric\" must not be empty",
	     "say what a good answer does");
	DIAG(c, 3, "invalid-expect", "4:13", "[a, b]", "\"contains\" must be a text",
	     "one \"- contains: TEXT\" entry for each text");
	DIAG(c, 4, "invalid-expect", "5:10", "''", "\"regex\" must not be empty", "matches every answer");
	assert_false(c->set.has_rubric);
}

static void parse_bad_regex(void **state)
{
	struct ctx *c = *state;
	const char *yaml =
		"- regex: \"(Yes|No\"\n"
		"- not-regex: 'é{2,1}'\n"
		"- regex: '\\w+'\n";

	assert_int_equal(parse(c, yaml), SPECC_ESYNTAX);
	CODES(&c->p, "invalid-expect,invalid-expect");
	DIAG(c, 0, "invalid-expect", "1:10", "\"(Yes|No\"",
	     "this regex does not compile: missing closing parenthesis, at the end of the pattern",
	     "PCRE2 syntax");
	/* PCRE2 stops at byte 6, the "}"; counting the two-byte é as one
	 * character, that is character 6, not 7. */
	DIAG(c, 1, "invalid-expect", "2:14", "'é{2,1}'",
	     "this regex does not compile: numbers out of order in {} quantifier, at character 6 of "
	     "the pattern",
	     "PCRE2 syntax");
	assert_int_equal(c->set.len, 1);
	assert_string_equal(c->set.items[0].text, "\\w+");
}

static void parse_counts(void **state)
{
	struct ctx *c = *state;
	const char *yaml =
		"- max-words: -1\n"
		"- max-words: 1.5\n"
		"- min-chars: \"12\"\n"
		"- max-chars: many\n"
		"- max-words: +3\n"
		"- max-words: 0\n";

	assert_int_equal(parse(c, yaml), SPECC_ESYNTAX);
	CODES(&c->p, "invalid-expect,invalid-expect,invalid-expect,invalid-expect,invalid-expect");
	DIAG(c, 0, "invalid-expect", "1:14", "-1", "\"max-words\" must be a whole number of 0 or more",
	     "write e.g. \"max-words: 120\"");
	DIAG(c, 1, "invalid-expect", "2:14", "1.5", "\"max-words\" must be a whole number of 0 or more",
	     "write e.g.");
	DIAG(c, 2, "invalid-expect", "3:14", "\"12\"", "\"min-chars\" must be a whole number of 0 or more",
	     "write the number without quotes, e.g. \"min-chars: 120\"");
	DIAG(c, 3, "invalid-expect", "4:14", "many", "\"max-chars\" must be a whole number of 0 or more",
	     "write e.g.");
	DIAG(c, 4, "invalid-expect", "5:14", "+3", "\"max-words\" must be a whole number of 0 or more",
	     "write e.g.");
	assert_int_equal(c->set.len, 1);
	assert_int_equal(c->set.items[0].number, 0);
}

static void parse_json_value(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(parse(c, "- json: false\n- json: yes\n- not-json: true\n- json: True\n"),
			 SPECC_ESYNTAX);
	CODES(&c->p, "invalid-expect,invalid-expect");
	DIAG(c, 0, "invalid-expect", "1:9", "false", "\"json\" must be true",
	     "\"- not-json: true\" for one that is not");
	DIAG(c, 1, "invalid-expect", "2:9", "yes", "\"json\" must be true", "write \"- json: true\"");
	assert_int_equal(c->set.len, 2);
	assert_true(c->set.items[0].negated);
	assert_false(c->set.items[1].negated);
}

static void parse_levenshtein_shapes(void **state)
{
	struct ctx *c = *state;
	const char *yaml =
		"- levenshtein: hello\n"
		"- levenshtein: {value: hello}\n"
		"- levenshtein: {value: hello, max: 2, min: 1}\n"
		"- levenshtein: {value: [a], max: x}\n"
		"- levenshtein: {max: 2, max: 3, value: ok}\n"
		"- not-levenshtein:\n"
		"    value: café\n"
		"    max: 1\n";

	assert_int_equal(parse(c, yaml), SPECC_ESYNTAX);
	CODES(&c->p, "invalid-expect,invalid-expect,invalid-expect,invalid-expect,invalid-expect,"
		     "invalid-expect");
	DIAG(c, 0, "invalid-expect", "1:16", "hello", "\"levenshtein\" must be a mapping",
	     "write \"- levenshtein: {value: TEXT, max: N}\"");
	DIAG(c, 1, "invalid-expect", "2:16", "{value: hello}", "\"levenshtein\" needs \"max\"",
	     "{value: TEXT, max: N}");
	DIAG(c, 2, "invalid-expect", "3:39", "min",
	     "\"levenshtein\" takes \"value\" and \"max\", not \"min\"", "{value: TEXT, max: N}");
	DIAG(c, 3, "invalid-expect", "4:24", "[a]", "\"value\" must be a text", NULL);
	DIAG(c, 4, "invalid-expect", "4:34", "x", "\"max\" must be a whole number of 0 or more",
	     "write e.g. \"max: 5\"");
	DIAG(c, 5, "invalid-expect", "5:25", "max", "\"max\" is given twice", NULL);
	assert_int_equal(c->set.len, 1);
	assert_true(c->set.items[0].negated);
	assert_string_equal(c->set.items[0].text, "café");
	assert_int_equal(c->set.items[0].number, 1);
}

/* ---- reading: JSON Schema ----------------------------------------------- */

static void parse_schema_errors(void **state)
{
	struct ctx *c = *state;
	const char *yaml =
		"- json-schema: {type: object, pattern: \"^a\"}\n"
		"- json-schema:\n"
		"    type: object\n"
		"    properties:\n"
		"      name: {type: strin}\n"
		"      age: {type: integer, minimum: zero}\n"
		"    required: [name, 1]\n"
		"    additionalProperties: {type: string}\n"
		"- json-schema: {type: [], minLength: -1, type: string}\n"
		"- json-schema: [type, object]\n"
		"- json-schema: {items: [{type: string}], enum: []}\n"
		"- json-schema: {type: [string, null], title: Name, description: The name.}\n";

	assert_int_equal(parse(c, yaml), SPECC_ESYNTAX);
	DIAG(c, 0, "invalid-expect", "1:31", "pattern", "JSON Schema keyword \"pattern\" is not supported",
	     "specc checks type, properties, required, enum, items, minimum, maximum, minLength, "
	     "maxLength, minItems, maxItems and additionalProperties (true or false)");
	DIAG(c, 1, "invalid-expect", "5:20", "strin", "\"strin\" is not a JSON Schema type",
	     "the types are object, array, string, number, integer, boolean and null");
	DIAG(c, 2, "invalid-expect", "6:37", "zero", "\"minimum\" must be a number", NULL);
	DIAG(c, 3, "invalid-expect", "7:15", "[name, 1]", "\"required\" must be a list of property names",
	     "quoting a name that looks like a number");
	DIAG(c, 4, "invalid-expect", "8:27", "{type: string}",
	     "\"additionalProperties\" must be true or false", "does not support a schema here");
	DIAG(c, 5, "invalid-expect", "9:23", "[]", "\"type\" must name at least one type", NULL);
	DIAG(c, 6, "invalid-expect", "9:38", "-1", "\"minLength\" must be a whole number of 0 or more",
	     "write e.g. \"minLength: 1\"");
	DIAG(c, 7, "invalid-expect", "9:42", "type", "\"type\" is given twice in this schema", NULL);
	DIAG(c, 8, "invalid-expect", "10:16", "[type, object]",
	     "\"json-schema\" must be a mapping (a JSON Schema)", "{type: object, required: [answer]}");
	DIAG(c, 9, "invalid-expect", "11:24", "[{type: string}]", "a schema must be a mapping of keywords",
	     "write e.g. {type: string}");
	DIAG(c, 10, "invalid-expect", "11:48", "[]", "\"enum\" must be a list of the allowed values",
	     "write e.g. {enum: [yes, no]}");
	assert_int_equal(c->p.diags.len, 11);
	/* Only the last, which uses title and description, is kept. */
	assert_int_equal(c->set.len, 1);
	assert_int_equal(c->set.items[0].kind, SPECC_EXPECT_JSON_SCHEMA);
}

static void parse_schema_too_deep(void **state)
{
	struct ctx *c = *state;
	specc_buf b = SPECC_BUF_INIT;

	specc_buf_addstr(&b, "- json-schema: ");
	for (int i = 0; i < 40; i++)
		specc_buf_addstr(&b, "{items: ");
	specc_buf_addstr(&b, "{}");
	for (int i = 0; i < 40; i++)
		specc_buf_addch(&b, '}');
	specc_buf_addch(&b, '\n');
	assert_int_equal(parse(c, b.ptr), SPECC_ESYNTAX);
	specc_buf_release(&b);
	CODES(&c->p, "invalid-expect");
	DIAG(c, 0, "invalid-expect", "1:280", NULL,
	     "this schema is nested more than 32 levels deep or has more than 10000 values",
	     "check for YAML aliases");
	assert_int_equal(c->set.len, 0);
}

/* Aliases repeat a node without repeating its text: ten levels of ten
 * make ten billion values, refused after the first ten thousand. */
static void parse_schema_alias_bomb(void **state)
{
	struct ctx *c = *state;
	specc_buf yaml = SPECC_BUF_INIT;

	/* a0: [0, ... 0]; aK: [*aK-1, ... *aK-1], ten of each. */
	specc_buf_addstr(&yaml, "- json-schema:\n    enum:\n      - &a0 [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n");
	for (int k = 1; k < 10; k++) {
		specc_buf_addf(&yaml, "      - &a%d [", k);
		for (int i = 0; i < 10; i++)
			specc_buf_addf(&yaml, "%s*a%d", i ? ", " : "", k - 1);
		specc_buf_addstr(&yaml, "]\n");
	}
	assert_int_equal(parse(c, yaml.ptr), SPECC_ESYNTAX);
	specc_buf_release(&yaml);
	CODES(&c->p, "invalid-expect");
	assert_string_equal(c->p.diags.items[0].message,
			    "this schema is nested more than 32 levels deep or has more than 10000 values");
	assert_int_equal(c->set.len, 0);
}

/* ---- reading: through Markdown and specc check -------------------------- */

static const specc_diag *find_code(const struct ctx *c, const char *code, uint32_t nth)
{
	for (uint32_t i = 0; i < c->p.diags.len; i++)
		if (!strcmp(c->p.diags.items[i].code->id, code) && !nth--)
			return &c->p.diags.items[i];
	return NULL;
}

static void check_pos(const struct ctx *c, const specc_diag *d, const char *at, const char *file,
		      int line)
{
	char got[128];
	specc_pos ps;
	const specc_source *s;

	_assert_true(d != NULL, "finding present", file, line);
	s = &c->p.sources.items[d->span.file];
	specc_source_pos(s, d->span.start, &ps);
	snprintf(got, sizeof got, "%s:%u:%u", s->path, ps.line, ps.column);
	_assert_string_equal(got, at, file, line);
}

#define POS(c, d, at) check_pos((c), (d), (at), __FILE__, __LINE__)

static void check_reads_eval_items(void **state)
{
	struct ctx *c = *state;
	const char *eval =
		"Examples for [^rx01] in Prescriptions:\n"
		"\n"
		"**Example**: asking for a dose\n"
		"\n"
		"~~~xml\n"
		"<user>\n"
		"How much should I take?\n"
		"</user>\n"
		"~~~\n"
		"\n"
		"```expect\n"
		"- not-contains: \"dosage\"\n"
		"- max-word: 120\n"
		"```\n"
		"\n"
		"**Example**: fine\n"
		"\n"
		"~~~xml\n"
		"<user>\n"
		"hi\n"
		"</user>\n"
		"~~~\n"
		"\n"
		"```expect\n"
		"- max-words: 120\n"
		"```\n";

	add_md(&c->p, "evals/rx01.md", eval, SPECC_SOURCE_EVAL);
	assert_int_equal(c->p.items.len, 2);
	specc_project_resolve(&c->p);
	specc_check(&c->p);
	const specc_diag *d = find_code(c, "unknown-expect", 0);
	POS(c, d, "evals/rx01.md:13:3");
	assert_string_equal(d->message, "unknown assertion \"max-word\"");
	assert_non_null(strstr(d->help, "did you mean \"max-words\"?"));
	assert_null(find_code(c, "unknown-expect", 1));
	assert_null(find_code(c, "invalid-expect", 0));
}

/* An inline example in an admonition: its body is indented, and so is
 * every line of the expect block. */
static void check_reads_indented_examples(void **state)
{
	struct ctx *c = *state;
	const char *md =
		"# Rules {#rules}\n"
		"\n"
		"!!! meta \"Commentary\"\n"
		"    **Example**: a dose\n"
		"\n"
		"    ~~~xml\n"
		"    <user>\n"
		"    hi\n"
		"    </user>\n"
		"    <comparison>\n"
		"    <assistant> <!-- GOOD -->\n"
		"    hello\n"
		"    </assistant>\n"
		"    </comparison>\n"
		"    ~~~\n"
		"\n"
		"    ```expect\n"
		"    - max-words: 3\n"
		"    - regex: \"(\"\n"
		"    ```\n";

	spec(&c->p, md);
	assert_int_equal(c->p.examples.len, 1);
	assert_non_null(c->p.examples.items[0].expect.ptr);
	specc_project_resolve(&c->p);
	specc_check(&c->p);
	const specc_diag *d = find_code(c, "invalid-expect", 0);
	POS(c, d, "spec.md:19:14");
	assert_string_equal(d->message,
			    "this regex does not compile: missing closing parenthesis, at the end of the "
			    "pattern");
	assert_null(find_code(c, "invalid-expect", 1));
	assert_null(find_code(c, "yaml-syntax", 0));
}

/* ---- evaluating: text kinds --------------------------------------------- */

static void eval_equals(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- equals: \"Yes\"\n");

	PASSES(c, e, "Yes");
	PASSES(c, e, "\n  Yes\n"); /* white space around the answer is not part of it */
	FAILS(c, e, "yes", "is \"yes\", not \"Yes\"");
	FAILS(c, e, "Yes.\nNo", "is \"Yes.\\nNo\", not \"Yes\"");
	e = ONE(c, "- not-equals: \"Yes\"\n");
	PASSES(c, e, "No");
	FAILS(c, e, " Yes ", "is \"Yes\", which it must not be");
	/* A long shared start: the message shows where they part. */
	e = ONE(c, "- equals: \"The copay for urgent care is $50 per visit.\"\n");
	FAILS(c, e, "The copay for urgent care is $75 per visit.",
	      "differs from the expected text at character 31: \"... care is $75 per visit.\" where "
	      "\"... care is $50 per visit.\" was expected");
	e = ONE(c, "- equals: ''\n");
	PASSES(c, e, " \n");
	FAILS(c, e, "x", "is \"x\", not \"\"");
	/* Nor around the expected text: "hello\n" is easy to write in YAML. */
	e = ONE(c, "- equals: \"hello\\n\"\n");
	PASSES(c, e, "hello");
	PASSES(c, e, "hello\n");
	FAILS(c, e, "hello there", "is \"hello there\", not \"hello\\n\"");
}

static void eval_contains(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- contains: dosage\n");

	PASSES(c, e, "The usual dosage is 5 mg.");
	FAILS(c, e, "The usual Dosage is 5 mg.", "does not contain \"dosage\"");
	e = ONE(c, "- not-contains: dosage\n");
	PASSES(c, e, "Please ask your doctor.");
	FAILS(c, e, "Übliche dosage: 5 mg", "contains \"dosage\" at character 9, which it must not");
	/* The answer need not end in NUL: only len bytes count. */
	e = ONE(c, "- contains: dosage\n");
	check_eval(c, e, "the dosage", 7, SPECC_OUTCOME_FAIL, "does not contain \"dosage\"", __FILE__,
		   __LINE__);
}

static void eval_icontains(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- icontains: Straße\n");

	PASSES(c, e, "Die STRASSE ist lang.");
	PASSES(c, e, "in der straße");
	FAILS(c, e, "die Strasze", "does not contain \"Straße\", even ignoring case");
	e = ONE(c, "- icontains: CAFÉ\n");
	PASSES(c, e, "un cafe\xcc\x81 noir"); /* e + combining acute, composed */
	e = ONE(c, "- not-icontains: dosage\n");
	PASSES(c, e, "Ask your doctor.");
	FAILS(c, e, "The DOSAGE is", "contains \"dosage\" (ignoring case), which it must not");
}

static void eval_starts_with(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- starts-with: \"Yes\"\n");

	PASSES(c, e, "Yes, you can.");
	PASSES(c, e, "\n Yes");
	FAILS(c, e, "No, I can't help with that request.", "starts with \"No, I can't h...\", not \"Yes\"");
	FAILS(c, e, "Ye", "starts with \"Ye\", not \"Yes\"");
	FAILS(c, e, "", "starts with \"\", not \"Yes\"");
	e = ONE(c, "- not-starts-with: \"As an AI\"\n");
	PASSES(c, e, "Sure.");
	FAILS(c, e, "  As an AI model, I", "starts with \"As an AI\", which it must not");
}

static void eval_regex(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- regex: \"^(Yes|No)\\\\b\"\n");

	PASSES(c, e, "No, thank you.");
	FAILS(c, e, "Maybe.", "does not match /^(Yes|No)\\b/");
	FAILS(c, e, "Nope", "does not match /^(Yes|No)\\b/");
	/* A search anywhere, not anchored unless the pattern says so. */
	e = ONE(c, "- not-regex: 'dos(e|age)s?'\n");
	PASSES(c, e, "Ask a doctor.");
	FAILS(c, e, "Höchste Dosis: two doses a day",
	      "matches /dos(e|age)s?/ with \"doses\" at character 20, which it must not");
	/* UTF mode with Unicode properties: \w is a letter in any script. */
	e = ONE(c, "- regex: '^\\w+$'\n");
	PASSES(c, e, "héllo");
	PASSES(c, e, "日本語");
	FAILS(c, e, "two words", "does not match /^\\w+$/");
}

/* A pattern that backtracks exponentially hits PCRE2's match limit: the
 * assertion fails, negated or not, and says why. */
static void eval_regex_match_limit(void **state)
{
	struct ctx *c = *state;
	char answer[64];
	const specc_expect *e = ONE(c, "- not-regex: '^(a|a)*$'\n");

	memset(answer, 'a', 40);
	answer[40] = '!';
	check_eval(c, e, answer, 41, SPECC_OUTCOME_FAIL,
		   "could not be matched against /^(a|a)*$/: match limit exceeded", __FILE__, __LINE__);
}

/* ---- evaluating: JSON --------------------------------------------------- */

static void eval_json(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- json: true\n");

	PASSES(c, e, "{\"answer\": \"yes\"}");
	PASSES(c, e, "  [1, 2]\n");
	PASSES(c, e, "42");
	/* One fence around it, with or without "json", is taken off. */
	PASSES(c, e, "```json\n{\"answer\": \"yes\"}\n```");
	PASSES(c, e, "\n```\n[true]\n```\n");
	PASSES(c, e, "```JSON\n{}\n```");
	/* Positions are jansson's (the last character it read), counted in
	 * the whole answer. */
	FAILS(c, e, "Sure! {\"a\": 1}", "is not JSON: invalid token near 'Sure' (line 1, column 4)");
	FAILS(c, e, "```json\n{\"a\": 1,}\n```",
	      "is not JSON: string or '}' expected near '}' (line 2, column 9)");
	/* Text after the fence: not one fence, so not taken off. */
	FAILS(c, e, "```json\n{}\n```\nHope this helps!",
	      "is not JSON: invalid token near '`' (line 1, column 1)");
	FAILS(c, e, "```python\n{}\n```", "is not JSON: invalid token near '`' (line 1, column 1)");
	FAILS(c, e, "", "is not JSON: unexpected token near end of file (line 1, column 1)");
	e = ONE(c, "- not-json: true\n");
	PASSES(c, e, "Sure, here it is.");
	FAILS(c, e, "```\n{}\n```", "is JSON, which it must not be");
}

static const char *person_schema =
	"- json-schema:\n"
	"    type: object\n"
	"    required: [name, items]\n"
	"    properties:\n"
	"      name: {type: string, minLength: 2, maxLength: 5}\n"
	"      age: {type: integer, minimum: 0, maximum: 150}\n"
	"      color: {enum: [red, green, 1]}\n"
	"      nick: {type: [string, null]}\n"
	"      full name: {type: string}\n"
	"      items:\n"
	"        type: array\n"
	"        minItems: 1\n"
	"        maxItems: 3\n"
	"        items:\n"
	"          type: object\n"
	"          properties: {name: {type: string}}\n"
	"          additionalProperties: false\n";

static void eval_json_schema(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, person_schema);

	PASSES(c, e, "{\"name\": \"Ann\", \"items\": [{\"name\": \"a\"}]}");
	PASSES(c, e, "```json\n{\"name\": \"Zoë\", \"age\": 30.0, \"color\": 1.0, \"nick\": null,"
		     " \"items\": [{}, {}, {}]}\n```");
	FAILS(c, e, "[]", "$ is an array, not an object");
	FAILS(c, e, "{\"name\": \"Ann\"}", "$ lacks the required property \"items\"");
	FAILS(c, e, "{\"name\": \"Ann\", \"items\": [{\"name\": \"a\"}, {}, {\"name\": 3}]}",
	      "$.items[2].name is a number, not a string");
	FAILS(c, e, "{\"name\": \"Ann\", \"items\": [{\"name\": \"a\", \"id\": 3}]}",
	      "$.items[0] has the property \"id\", which the schema does not allow");
	FAILS(c, e, "{\"name\": \"A\", \"items\": [{}]}", "$.name has 1 character, fewer than 2");
	FAILS(c, e, "{\"name\": \"Zoë Ann\", \"items\": [{}]}", "$.name has 7 characters, more than 5");
	FAILS(c, e, "{\"name\": \"Ann\", \"items\": []}", "$.items has 0 items, fewer than 1");
	FAILS(c, e, "{\"name\": \"Ann\", \"items\": [{}, {}, {}, {}]}", "$.items has 4 items, more than 3");
	FAILS(c, e, "{\"name\": \"Ann\", \"age\": 2.5, \"items\": [{}]}", "$.age is 2.5, not an integer");
	FAILS(c, e, "{\"name\": \"Ann\", \"age\": -1, \"items\": [{}]}",
	      "$.age is -1, less than the minimum 0");
	FAILS(c, e, "{\"name\": \"Ann\", \"age\": 151, \"items\": [{}]}",
	      "$.age is 151, more than the maximum 150");
	FAILS(c, e, "{\"name\": \"Ann\", \"color\": \"blue\", \"items\": [{}]}",
	      "$.color is \"blue\", not one of [\"red\",\"green\",1]");
	FAILS(c, e, "{\"name\": \"Ann\", \"nick\": 7, \"items\": [{}]}",
	      "$.nick is a number, not a string or null");
	FAILS(c, e, "{\"name\": \"Ann\", \"full name\": false, \"items\": [{}]}",
	      "$[\"full name\"] is a boolean, not a string");
	FAILS(c, e, "name: Ann", "is not JSON: invalid token near 'name' (line 1, column 4)");
}

static void eval_json_schema_negated(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- not-json-schema: {type: object, required: [answer]}\n");

	PASSES(c, e, "{\"reply\": 1}");
	PASSES(c, e, "I cannot answer that."); /* not JSON, so not valid against it */
	FAILS(c, e, "{\"answer\": 1}", "is JSON valid against the schema, which it must not be");
	/* Quoted YAML stays a string; plain null is the type "null". */
	e = ONE(c, "- json-schema: {enum: [\"1\", true], type: [string, boolean, null]}\n");
	PASSES(c, e, "\"1\"");
	PASSES(c, e, "true");
	FAILS(c, e, "1", "$ is a number, not a string, a boolean or null");
	FAILS(c, e, "null", "$ is null, not one of [\"1\",true]");
}

/* ---- evaluating: counts ------------------------------------------------- */

static void eval_words(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- max-words: 3\n");

	PASSES(c, e, "one two three");
	PASSES(c, e, "  one\ttwo\n\nthree  ");
	FAILS(c, e, "one two three four", "has 4 words, more than 3");
	/* No-break space, em space and ideographic space separate words. */
	FAILS(c, e, "a\xc2\xa0" "b\xe2\x80\x83" "c\xe3\x80\x80" "d", "has 4 words, more than 3");
	/* A zero-width space is not white space. */
	PASSES(c, e, "a\xe2\x80\x8b" "b c d\xe2\x80\x8b" "e");
	e = ONE(c, "- min-words: 2\n");
	PASSES(c, e, "two words");
	FAILS(c, e, "one", "has 1 word, fewer than 2");
	FAILS(c, e, "", "has 0 words, fewer than 2");
	e = ONE(c, "- not-max-words: 2\n");
	PASSES(c, e, "one two three");
	FAILS(c, e, "one two", "has 2 words, not more than 2");
	e = ONE(c, "- not-min-words: 2\n");
	PASSES(c, e, "one");
	FAILS(c, e, "one two three", "has 3 words, not fewer than 2");
}

static void eval_chars(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- max-chars: 5\n");

	PASSES(c, e, "héllo"); /* 6 bytes, 5 characters */
	PASSES(c, e, "\n日本語です\n"); /* surrounding white space is not counted */
	FAILS(c, e, "héllo!", "has 6 characters, more than 5");
	e = ONE(c, "- min-chars: 1\n");
	PASSES(c, e, "a");
	FAILS(c, e, " \n ", "has 0 characters, fewer than 1");
	e = ONE(c, "- not-max-chars: 5\n");
	PASSES(c, e, "longer");
	FAILS(c, e, "short", "has 5 characters, not more than 5");
	e = ONE(c, "- not-min-chars: 2\n");
	PASSES(c, e, "é");
	FAILS(c, e, "éé", "has 2 characters, not fewer than 2");
}

/* ---- evaluating: levenshtein -------------------------------------------- */

static void eval_levenshtein(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- levenshtein: {value: \"$50 per visit\", max: 2}\n");

	PASSES(c, e, "$50 per visit");
	PASSES(c, e, " $50 per visit.\n");
	PASSES(c, e, "$50 par visit.");
	FAILS(c, e, "$75 par visit.", "is 4 edits away from \"$50 per visit\", more than 2");
	FAILS(c, e, "The copay is $50 per visit.", "is 14 edits away from \"$50 per visit\", more than 2");
	/* Code points, not bytes: é for e is one edit. */
	e = ONE(c, "- levenshtein: {value: café, max: 1}\n");
	PASSES(c, e, "cafe");
	PASSES(c, e, "cafés");
	FAILS(c, e, "cafes!", "is 3 edits away from \"café\", more than 1");
	e = ONE(c, "- levenshtein: {value: 日本語, max: 0}\n");
	PASSES(c, e, "日本語");
	FAILS(c, e, "日本人", "is 1 edit away from \"日本語\", more than 0");
	e = ONE(c, "- levenshtein: {value: kitten, max: 3}\n");
	PASSES(c, e, "sitting");
	e = ONE(c, "- not-levenshtein: {value: kitten, max: 2}\n");
	PASSES(c, e, "sitting");
	FAILS(c, e, "mitten", "is 1 edit away from \"kitten\", not more than 2");
}

/* Two long texts that differ at both ends would take billions of steps:
 * refused at once, with a reason. */
static void eval_levenshtein_cap(void **state)
{
	struct ctx *c = *state;
	size_t n = 40000;
	char *a = malloc(n + 64), *b = malloc(n + 64);
	specc_buf yaml = SPECC_BUF_INIT;
	specc_outcome o;

	assert_non_null(a);
	assert_non_null(b);
	memset(a, 'a', n);
	memset(b, 'b', n);
	a[0] = 'x';
	a[n - 1] = 'x';
	a[n] = b[n] = '\0';
	specc_buf_addf(&yaml, "- not-levenshtein: {value: %s, max: 40000}\n", b);
	const specc_expect *e = ONE(c, yaml.ptr);
	specc_buf_release(&yaml);
	specc_buf_reset(&c->why);
	assert_int_equal(specc_expect_eval(e, a, n, &o, &c->why), SPECC_OK);
	assert_int_equal(o, SPECC_OUTCOME_FAIL);
	assert_non_null(strstr(c->why.ptr, "is too long to compare with \"bbbb"));
	assert_non_null(strstr(c->why.ptr, "by edit distance (40000 by 40000 characters differ; the "
					   "limit is 1000000000 cells)"));
	/* A shared start and end cost nothing, so near-copies stay cheap. */
	memset(a, 'b', n);
	a[n / 2] = 'c';
	specc_buf_reset(&c->why);
	assert_int_equal(specc_expect_eval(e, a, n, &o, &c->why), SPECC_OK);
	assert_int_equal(o, SPECC_OUTCOME_FAIL);
	specc_buf_reset(&yaml);
	specc_buf_addstr(&yaml, "is 1 edit away from \"");
	specc_buf_addchars(&yaml, 'b', 60); /* quoted values are cut at 60 bytes */
	specc_buf_addstr(&yaml, "...\", not more than 40000");
	assert_string_equal(c->why.ptr, yaml.ptr);
	specc_buf_release(&yaml);
	free(a);
	free(b);
	/* Too long to compute, but a million characters more than a
	 * thousand is at least that many edits: decided without the table. */
	a = malloc(1000001);
	assert_non_null(a);
	memset(a, 'a', 1000001);
	specc_buf_addstr(&yaml, "- levenshtein: {max: 5, value: ");
	specc_buf_addchars(&yaml, 'b', 1000);
	specc_buf_addstr(&yaml, "}\n");
	e = ONE(c, yaml.ptr);
	specc_buf_release(&yaml);
	specc_buf_reset(&c->why);
	assert_int_equal(specc_expect_eval(e, a, 1000001, &o, &c->why), SPECC_OK);
	assert_int_equal(o, SPECC_OUTCOME_FAIL);
	assert_string_equal(c->why.ptr, "is at least 999001 edits away from "
					"\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...\", "
					"more than 5");
	free(a);
}

/* ---- evaluating: rubric, bad answers, the why buffer -------------------- */

static void eval_rubric(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- rubric: Declines to give a dose and offers a visit.\n");

	check_eval(c, e, "Take 20 mg.", 11, SPECC_OUTCOME_NEEDS_GRADER, NULL, __FILE__, __LINE__);
	assert_true(c->set.has_rubric);
}

static void eval_invalid_utf8(void **state)
{
	struct ctx *c = *state;
	specc_outcome o;

	(void)ONE(c, "- not-contains: dosage\n");
	(void)ONE(c, "- max-words: 100\n");
	(void)ONE(c, "- rubric: Polite.\n");
	for (int i = 0; i < 3; i++) {
		const specc_expect *e = &c->set.items[i];
		specc_buf_reset(&c->why);
		assert_int_equal(specc_expect_eval(e, "abc\xff" "def", 7, &o, &c->why), SPECC_EINVAL);
		assert_int_equal(o, SPECC_OUTCOME_FAIL);
		assert_string_equal(c->why.ptr, "is not valid UTF-8 (bad byte at offset 3)");
	}
}

static void eval_why_is_appended(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- max-words: 1\n");
	specc_outcome o;

	specc_buf_reset(&c->why);
	specc_buf_addstr(&c->why, "answer 2: ");
	assert_int_equal(specc_expect_eval(e, "a b", 3, &o, &c->why), SPECC_OK);
	assert_int_equal(o, SPECC_OUTCOME_FAIL);
	assert_string_equal(c->why.ptr, "answer 2: has 2 words, more than 1");
}

/* Control characters in an answer are escaped and long ones cut. */
static void eval_quotes_answers_safely(void **state)
{
	struct ctx *c = *state;
	const specc_expect *e = ONE(c, "- equals: ok\n");

	FAILS(c, e, "\x1b[31mred\x07", "is \"\\x1b[31mred\\x07\", not \"ok\"");
	FAILS(c, e, "0123456789012345678901234567890123456789012345678901234567890123456789",
	      "is \"012345678901234567890123456789012345678901234567890123456789...\", not \"ok\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(parse_every_kind),
		T(parse_number_is_text),
		T(parse_empty_block),
		T(parse_yaml_syntax_error),
		T(parse_not_a_list),
		T(parse_entry_shapes),
		T(parse_unknown_key),
		T(parse_not_rubric),
		T(parse_text_values),
		T(parse_bad_regex),
		T(parse_counts),
		T(parse_json_value),
		T(parse_levenshtein_shapes),
		T(parse_schema_errors),
		T(parse_schema_too_deep),
		T(parse_schema_alias_bomb),
		T(check_reads_eval_items),
		T(check_reads_indented_examples),
		T(eval_equals),
		T(eval_contains),
		T(eval_icontains),
		T(eval_starts_with),
		T(eval_regex),
		T(eval_regex_match_limit),
		T(eval_json),
		T(eval_json_schema),
		T(eval_json_schema_negated),
		T(eval_words),
		T(eval_chars),
		T(eval_levenshtein),
		T(eval_levenshtein_cap),
		T(eval_rubric),
		T(eval_invalid_utf8),
		T(eval_why_is_appended),
		T(eval_quotes_answers_safely),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
