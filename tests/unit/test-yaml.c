/*
 * test-yaml.c - specc.yaml and YAML front matter (yaml.c).
 */
#include "testutil.h"
#include "../../src/spec/internal.h"

/* ---- helpers -------------------------------------------------------------- */

/* The fixture (TEST), spec() and the checks STR, SPAN, SPANF, CODES are
 * shared with the other tests: see testutil.h. */

/* Adds text to p as specc.yaml and reads it; the status goes to *rc. */
static uint32_t config(specc_project *p, const char *text, int *rc)
{
	uint32_t src;

	src = specc_project_add_buffer(p, "specc.yaml", text, strlen(text), SPECC_SOURCE_CONFIG);
	*rc = specc_config_parse(p, src);
	return src;
}

static const specc_sstr *str_at(const specc_project *p, uint32_t first, uint32_t i)
{
	assert_true(first + i < p->strs.len);
	return &p->strs.items[first + i];
}

/* ---- specc.yaml ------------------------------------------------------------- */

static void test_config_keys(void **state)
{
	static const char text[] =
		"name: acme-assistant\n"
		"authority: [root, system, developer, user, guideline]\n"
		"specs: [safety.md, product.md]\n"
		"evals: evals\n";
	specc_project *p = *state;
	int rc;
	uint32_t src = config(p, text, &rc);

	assert_int_equal(rc, SPECC_OK);
	CODES(p, "");
	STR(p->name, "acme-assistant");
	assert_int_equal(p->authority_count, 5);
	static const char *const levels[] = { "root", "system", "developer", "user", "guideline" };
	for (uint32_t i = 0; i < 5; i++)
		STR(str_at(p, p->authority_first, i)->s, levels[i]);
	SPAN(p, str_at(p, p->authority_first, 2)->span, "developer");
	assert_int_equal(p->spec_count, 2);
	STR(str_at(p, p->spec_first, 0)->s, "safety.md");
	STR(str_at(p, p->spec_first, 1)->s, "product.md");
	SPAN(p, str_at(p, p->spec_first, 1)->span, "product.md");
	assert_int_equal(p->eval_count, 1);
	STR(str_at(p, p->eval_first, 0)->s, "evals");
	SPAN(p, str_at(p, p->eval_first, 0)->span, "evals");
	assert_int_equal(str_at(p, p->eval_first, 0)->span.start, strlen(text) - 6);
}

static void test_config_block_lists(void **state)
{
	static const char text[] =
		"# a comment\n"
		"specs:\n"
		"  - safety.md\n"
		"  - \"product v2.md\"\n"
		"evals:\n"
		"  - evals\n"
		"  - more/evals\n"
		"authority:\n"
		"  - admin\n"
		"  - member\n";
	specc_project *p = *state;
	int rc;
	uint32_t src = config(p, text, &rc);

	assert_int_equal(rc, SPECC_OK);
	CODES(p, "");
	STR(p->name, NULL);
	assert_int_equal(p->spec_count, 2);
	STR(str_at(p, p->spec_first, 1)->s, "product v2.md");
	SPAN(p, str_at(p, p->spec_first, 0)->span, "safety.md");
	assert_int_equal(p->eval_count, 2);
	STR(str_at(p, p->eval_first, 1)->s, "more/evals");
	SPAN(p, str_at(p, p->eval_first, 1)->span, "more/evals");
	assert_int_equal(p->authority_count, 2);
	STR(str_at(p, p->authority_first, 0)->s, "admin");
	STR(str_at(p, p->authority_first, 1)->s, "member");
}

static void test_config_unknown_key(void **state)
{
	static const char text[] =
		"name: x\n"
		"provider:\n"
		"  openai: {}\n"
		"linter: off\n";
	specc_project *p = *state;
	int rc;
	uint32_t src = config(p, text, &rc);

	assert_int_equal(rc, SPECC_OK);
	CODES(p, "unknown-config-key,unknown-config-key");
	assert_int_equal(p->diags.items[0].severity, SPECC_WARNING);
	SPAN(p, p->diags.items[0].span, "provider");
	assert_int_equal(p->diags.items[0].span.start, 8);
	assert_int_equal(p->diags.items[0].span.end, 16);
	SPAN(p, p->diags.items[1].span, "linter");
	assert_string_equal(p->diags.items[0].message, "unknown key \"provider\"");
	STR(p->name, "x");
}

static void test_config_wrong_shapes(void **state)
{
	static const char text[] =
		"name: [a, b]\n"
		"authority: root\n"
		"specs: {a: b}\n"
		"evals: [ok, [nested]]\n";
	specc_project *p = *state;
	int rc;
	uint32_t src = config(p, text, &rc);

	CODES(p, "invalid-config,invalid-config,invalid-config,invalid-config");
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(p->diags.items[i].severity, SPECC_ERROR);
	SPAN(p, p->diags.items[0].span, "[a, b]");
	SPAN(p, p->diags.items[1].span, "root");
	SPAN(p, p->diags.items[2].span, "{a: b}");
	SPAN(p, p->diags.items[3].span, "[nested]");
	/* Nothing of a wrong value is kept. */
	STR(p->name, NULL);
	assert_int_equal(p->authority_count, 0);
	assert_int_equal(p->spec_count, 0);
	assert_int_equal(p->eval_count, 0);
	assert_int_equal(p->strs.len, 0);
}

static void test_config_empty_authority(void **state)
{
	static const char text[] = "authority: []\n";
	specc_project *p = *state;
	int rc;
	uint32_t src = config(p, text, &rc);

	CODES(p, "invalid-config");
	SPAN(p, p->diags.items[0].span, "[]");
	assert_int_equal(p->authority_count, 0);
}

static void test_config_not_a_mapping(void **state)
{
	specc_project *p = *state;
	int rc;
	uint32_t src = config(p, "just a string\n", &rc);

	assert_int_equal(rc, SPECC_ESYNTAX);
	CODES(p, "invalid-config");
	SPAN(p, p->diags.items[0].span, "just a string");

	specc_project_release(p);
	specc_project_init(p);
	src = config(p, "", &rc);
	assert_int_equal(rc, SPECC_OK);
	CODES(p, "");

	specc_project_release(p);
	specc_project_init(p);
	src = config(p, "# only a comment\n", &rc);
	assert_int_equal(rc, SPECC_OK);
	CODES(p, "");
	(void)src;
}

static void test_config_syntax_error(void **state)
{
	static const char text[] =
		"name: x\n"
		"specs: a: b\n";
	specc_project *p = *state;
	specc_pos pos;
	int rc;
	uint32_t src = config(p, text, &rc);

	assert_int_equal(rc, SPECC_ESYNTAX);
	CODES(p, "yaml-syntax");
	assert_int_equal(p->diags.items[0].severity, SPECC_ERROR);
	/* At the second ':' of line 2. */
	assert_int_equal(p->diags.items[0].span.file, src);
	assert_int_equal(p->diags.items[0].span.start, 16);
	assert_int_equal(p->diags.items[0].span.end, 16);
	specc_source_pos(&p->sources.items[src], p->diags.items[0].span.start, &pos);
	assert_int_equal(pos.line, 2);
	assert_int_equal(pos.column, 9);
	assert_non_null(strstr(p->diags.items[0].message, "YAML syntax error: "));
	STR(p->name, NULL);
}

static void test_config_syntax_error_multibyte(void **state)
{
	/* libyaml counts columns in characters; the offset is in bytes. */
	static const char text[] =
		"name: \xc3\xa9t\xc3\xa9\n"                    /* "name: été", 12 bytes */
		"specs: \xe2\x80\x9cx\xe2\x80\x9d \xf0\x9f\x98\x80: b\n"; /* "specs: “x” 😀: b" */
	specc_project *p = *state;
	specc_pos pos;
	int rc;
	uint32_t src = config(p, text, &rc);

	assert_int_equal(rc, SPECC_ESYNTAX);
	CODES(p, "yaml-syntax");
	uint32_t want = (uint32_t)(strstr(text, ": b") - text);
	assert_int_equal(want, 12 + 7 + 3 + 1 + 3 + 1 + 4);
	assert_int_equal(p->diags.items[0].span.start, want);
	specc_source_pos(&p->sources.items[src], p->diags.items[0].span.start, &pos);
	assert_int_equal(pos.line, 2);
	assert_int_equal(pos.column, 20);
	assert_int_equal(pos.utf16, 14);
}

/* ---- front matter ----------------------------------------------------------- */

static void test_front_matter_keys(void **state)
{
	static const char text[] =
		"---\n"
		"spec: product\n"
		"version: 0.9.0\n"
		"owner: product-team@acme.example\n"
		"authority: developer\n"
		"imports: [safety, \"base rules\"]\n"
		"---\n"
		"\n"
		"# The Acme Health assistant {#acme_assistant}\n";
	specc_project *p = *state;
	uint32_t src = spec(p, text);

	CODES(p, "");
	const specc_spec *s = &p->specs.items[0];
	assert_true(s->has_front_matter);
	STR(s->name, "product");
	STR(s->version, "0.9.0");
	STR(s->owner, "product-team@acme.example");
	STR(s->authority, "developer");
	SPAN(p, s->authority_span, "developer");
	assert_int_equal(s->import_count, 2);
	STR(str_at(p, s->import_first, 0)->s, "safety");
	SPAN(p, str_at(p, s->import_first, 0)->span, "safety");
	STR(str_at(p, s->import_first, 1)->s, "base rules");
	SPAN(p, str_at(p, s->import_first, 1)->span, "\"base rules\"");
	/* The Markdown starts after the closing line. */
	assert_int_equal(p->sections.len, 1);
	STR(p->sections.items[0].id, "acme_assistant");
}

static void test_front_matter_scalar_import(void **state)
{
	static const char text[] = "---\nimports: safety\nversion: 2\n---\n# T {#t}\n";
	specc_project *p = *state;
	uint32_t src = spec(p, text);

	CODES(p, "");
	const specc_spec *s = &p->specs.items[0];
	assert_int_equal(s->import_count, 1);
	STR(str_at(p, s->import_first, 0)->s, "safety");
	SPAN(p, str_at(p, s->import_first, 0)->span, "safety");
	STR(s->version, "2");
	STR(s->name, "spec");
	STR(s->authority, NULL);
}

static void test_front_matter_unknown_key(void **state)
{
	static const char text[] = "---\nspec: a\ncolour: red\n---\n# T {#t}\n";
	specc_project *p = *state;
	uint32_t src = spec(p, text);

	CODES(p, "unknown-front-matter-key");
	assert_int_equal(p->diags.items[0].severity, SPECC_WARNING);
	SPAN(p, p->diags.items[0].span, "colour");
	assert_int_equal(p->diags.items[0].span.start, 12);
	STR(p->specs.items[0].name, "a");
}

static void test_front_matter_wrong_shapes(void **state)
{
	static const char text[] =
		"---\n"
		"version: [1, 2]\n"
		"imports: {a: b}\n"
		"authority:\n"
		"  level: root\n"
		"---\n";
	specc_project *p = *state;
	uint32_t src = spec(p, text);

	CODES(p, "invalid-front-matter,invalid-front-matter,invalid-front-matter");
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(p->diags.items[i].severity, SPECC_ERROR);
	SPAN(p, p->diags.items[0].span, "[1, 2]");
	SPAN(p, p->diags.items[1].span, "{a: b}");
	assert_int_equal(p->diags.items[2].span.start, (uint32_t)(strstr(text, "level") - text));
	STR(p->specs.items[0].version, NULL);
	STR(p->specs.items[0].authority, NULL);
	assert_int_equal(p->specs.items[0].import_count, 0);
}

static void test_front_matter_not_a_mapping(void **state)
{
	static const char text[] = "---\njust some text\n---\n# T {#t}\n";
	specc_project *p = *state;
	uint32_t src = spec(p, text);

	CODES(p, "invalid-front-matter");
	SPAN(p, p->diags.items[0].span, "just some text");
	assert_true(p->specs.items[0].has_front_matter);
	assert_int_equal(p->sections.len, 1);
}

static void test_front_matter_empty(void **state)
{
	static const char text[] = "---\n---\n# T {#t}\n";
	specc_project *p = *state;
	uint32_t src = spec(p, text);
	(void)src;

	CODES(p, "");
	assert_true(p->specs.items[0].has_front_matter);
	STR(p->specs.items[0].name, "spec");
	assert_int_equal(p->sections.len, 1);
	assert_int_equal(p->sections.items[0].span.start, 8);
}

static void test_front_matter_syntax_error(void **state)
{
	/* The offset is in the spec file, past the opening --- line and a
	 * line holding multibyte characters. */
	static const char text[] =
		"---\n"
		"owner: \xc3\x89quipe \xe2\x80\x9cs\xc3\xbbret\xc3\xa9\xe2\x80\x9d\n"
		"spec: \xc3\xa9 a: b\n"
		"---\n"
		"# T {#t}\n";
	specc_project *p = *state;
	specc_pos pos;
	uint32_t src = spec(p, text);

	CODES(p, "yaml-syntax");
	uint32_t want = (uint32_t)(strstr(text, ": b") - text);
	assert_int_equal(p->diags.items[0].span.start, want);
	specc_source_pos(&p->sources.items[src], want, &pos);
	assert_int_equal(pos.line, 3);
	assert_int_equal(pos.column, 11);
	assert_int_equal(pos.utf16, 10);
	/* The spec is still read. */
	assert_int_equal(p->sections.len, 1);
	STR(p->specs.items[0].name, "spec");
}

static void test_front_matter_not_in_eval_files(void **state)
{
	/* Eval files skip front matter without reading it. */
	static const char text[] =
		"---\n"
		"colour: red\n"
		"---\n"
		"Examples for [^ab12] in Title:\n";
	specc_project *p = *state;
	uint32_t src;

	src = specc_project_add_buffer(p, "examples/ab12.md", text, strlen(text), SPECC_SOURCE_EVAL);
	specc_parse_markdown(p, src);
	CODES(p, "");
	assert_true(p->eval_files.items[0].header_ok);
	STR(p->eval_files.items[0].section_title, "Title");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_config_keys),
		TEST(test_config_block_lists),
		TEST(test_config_unknown_key),
		TEST(test_config_wrong_shapes),
		TEST(test_config_empty_authority),
		TEST(test_config_not_a_mapping),
		TEST(test_config_syntax_error),
		TEST(test_config_syntax_error_multibyte),
		TEST(test_front_matter_keys),
		TEST(test_front_matter_scalar_import),
		TEST(test_front_matter_unknown_key),
		TEST(test_front_matter_wrong_shapes),
		TEST(test_front_matter_not_a_mapping),
		TEST(test_front_matter_empty),
		TEST(test_front_matter_syntax_error),
		TEST(test_front_matter_not_in_eval_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
