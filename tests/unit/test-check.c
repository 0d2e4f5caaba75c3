/*
 * test-check.c - the structural check (check.c) and the resolution it
 * relies on (specc_project_resolve).
 *
 * Each test builds a project from memory: specc.yaml, specs and eval files
 * as sources, then resolves and checks it and compares the findings, their
 * spans, related spans and fixes with exact values.
 */
#include "testutil.h"
#include "../../src/spec/internal.h"

/* ---- helpers -------------------------------------------------------------- */

/* The fixture (TEST), spec() and the checks STR, SPAN, SPANF, CODES are
 * shared with the other tests: see testutil.h. */

struct file {
	const char *name;
	const char *text;
	enum specc_source_kind kind;
};

#define SPEC(name, text) { (name), (text), SPECC_SOURCE_SPEC }
#define EVAL(name, text) { (name), (text), SPECC_SOURCE_EVAL }
#define CONFIG(text) { "specc.yaml", (text), SPECC_SOURCE_CONFIG }

/* Builds a project from files (source i is files[i]), as the loader
 * would, then resolves and checks it.  folder says whether an eval folder
 * exists. */
static void build(specc_project *p, const struct file *files, size_t n, bool folder)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t src = specc_project_add_buffer(p, files[i].name, files[i].text,
							strlen(files[i].text), files[i].kind);
		assert_int_equal(src, i);
		if (files[i].kind == SPECC_SOURCE_CONFIG) {
			p->config_source = src;
			specc_config_parse(p, src);
		} else if (specc_source_vet(p, src)) {
			specc_parse_markdown(p, src);
		}
	}
	p->has_eval_folder = folder;
	specc_project_resolve(p);
	specc_check(p);
}

/* Checks that s contains want. */
static void check_has(const char *s, const char *want, const char *file, int line)
{
	if (!s || !strstr(s, want)) {
		print_error("\"%s\" does not contain \"%s\"\n", s ? s : "(null)", want);
		_fail(file, line);
	}
}

#define HAS(s, want) check_has((s), (want), __FILE__, __LINE__)

static const specc_diag *diag(const specc_project *p, uint32_t i)
{
	assert_true(i < p->diags.len);
	return &p->diags.items[i];
}

static unsigned count_related(const specc_diag *d)
{
	unsigned n = 0;
	for (const specc_related *r = d->related; r; r = r->next)
		n++;
	return n;
}

static unsigned count_edits(const specc_diag *d)
{
	unsigned n = 0;
	for (const specc_edit *e = d->edits; e; e = e->next)
		n++;
	return n;
}

/* ---- a clean project -------------------------------------------------------- */

static const char clean_spec[] =
	"---\n"
	"spec: health\n"
	"authority: root\n"
	"---\n"
	"\n"
	"# Rules {#rules}\n"
	"\n"
	"## Don’t diagnose {#no_diagnosis authority=system tags=health}\n"
	"\n"
	"Never diagnose a condition[^dx01]. See [?](#rules).\n"
	"\n"
	"**Example**: lab result\n"
	"\n"
	"~~~xml\n"
	"<user>\n"
	"what does LDL-C mean?\n"
	"</user>\n"
	"<comparison>\n"
	"<assistant> <!-- GOOD -->\n"
	"LDL cholesterol.\n"
	"</assistant>\n"
	"<assistant> <!-- BAD[#rules]: breaks the rules -->\n"
	"You have it.\n"
	"</assistant>\n"
	"</comparison>\n"
	"~~~\n"
	"\n"
	"!!! meta \"Commentary\"\n"
	"    See [the rules](#no_diagnosis).\n";

static const char clean_eval[] =
	"Examples for [^dx01] in Don’t diagnose:\n"
	"\n"
	"**Example**: a question\n"
	"\n"
	"~~~xml\n"
	"<user>\n"
	"Do I have it?\n"
	"</user>\n"
	"~~~\n";

static void test_clean_project(void **state)
{
	static const struct file files[] = {
		CONFIG("name: health\nspecs: [spec.md]\nevals: [examples]\n"),
		SPEC("spec.md", clean_spec),
		EVAL("examples/dx01.md", clean_eval),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "");
	assert_int_equal(p->diags.count[SPECC_ERROR], 0);
	assert_int_equal(p->diags.count[SPECC_WARNING], 0);
	/* Everything resolved. */
	assert_int_equal(p->sections.len, 2);
	assert_int_equal(p->sections.items[0].authority_rank, 0);
	assert_int_equal(p->sections.items[1].authority_rank, 1);
	assert_int_equal(p->anchors.len, 1);
	assert_int_equal(p->anchors.items[0].eval_file, 0);
	assert_int_equal(p->eval_files.items[0].anchor, 0);
	assert_int_equal(p->xrefs.len, 2);
	assert_int_equal(p->xrefs.items[0].resolved, 0);
	assert_int_equal(p->xrefs.items[1].resolved, 1);
	assert_int_equal(p->turns.items[2].violates_section, 0);
	assert_int_equal(p->turns.items[1].violates_section, SPECC_NONE);
	/* An eval item belongs to the section of its anchor's clause. */
	assert_int_equal(p->items.len, 1);
	assert_int_equal(p->items.items[0].section, 1);
	assert_int_equal(p->examples.items[0].section, 1);
}

/* ---- sections --------------------------------------------------------------- */

static void test_duplicate_section_id(void **state)
{
	static const struct file files[] = {
		SPEC("a.md", "# A {#dup}\n\n## B {#dup}\n\n## C {#other}\n"),
		SPEC("b.md", "# D {#dup authority=user}\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "duplicate-section-id,duplicate-section-id");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_ERROR);
	SPANF(p, d->span, 0, "dup");
	assert_int_equal(d->span.start, 19);
	assert_int_equal(count_related(d), 1);
	SPANF(p, d->related->span, 0, "dup");
	assert_int_equal(d->related->span.start, 6);
	assert_string_equal(d->related->message, "first used here");
	assert_string_equal(d->message, "section ID \"dup\" is already used");
	d = diag(p, 1);
	SPANF(p, d->span, 1, "dup");
	assert_int_equal(d->related->span.file, 0);
	assert_int_equal(d->related->span.start, 6);
	/* The first section keeps the ID. */
	assert_int_equal(specc_map_get(&p->section_ids, specc_str_make("dup", 3)), 0);
}

static void test_missing_section_id(void **state)
{
	static const char text[] =
		"# Rules {#rules}\n"
		"\n"
		"## Don’t diagnose, ever\n"
		"\n"
		"## Using {braces} ##\n"
		"\n"
		"### 2 + 2 ###\n"
		"\n"
		"### !!!\n";
	static const struct file files[] = { SPEC("spec.md", text) };
	static const char *const titles[] = { "Don’t diagnose, ever", "Using {braces}", "2 + 2",
					      "!!!" };
	static const char *const fixes[] = { " {#dont_diagnose_ever}", " {#using_braces}", " {#2_2}",
					     " {#section}" };
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "missing-section-id,missing-section-id,missing-section-id,missing-section-id");
	for (uint32_t i = 0; i < 4; i++) {
		const specc_diag *d = diag(p, i);
		char help[128];
		assert_int_equal(d->severity, SPECC_WARNING);
		SPANF(p, d->span, 0, titles[i]);
		assert_int_equal(count_edits(d), 1);
		assert_int_equal(d->edits->span.file, 0);
		assert_int_equal(d->edits->span.start, d->span.end);
		assert_int_equal(d->edits->span.end, d->span.end);
		assert_string_equal(d->edits->text, fixes[i]);
		assert_string_equal(d->fix_title, "add an ID to the heading");
		snprintf(help, sizeof help, "add a stable ID such as {#%s}", fixes[i] + 3);
		help[strlen(help) - 1] = '\0';
		HAS(d->help, help);
	}
	assert_string_equal(diag(p, 0)->message, "heading \"Don’t diagnose, ever\" has no ID");
}

static void test_unknown_authority(void **state)
{
	static const char text[] =
		"# A {#a authority=sytem}\n"
		"\n"
		"## A1 {#a1}\n"
		"\n"
		"# B {#b authority=banana}\n"
		"\n"
		"# C {#c authority=guideline}\n";
	static const struct file files[] = { SPEC("spec.md", text) };
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	/* A1 inherits the unknown level without a finding of its own. */
	CODES(p, "unknown-authority,unknown-authority");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_ERROR);
	SPANF(p, d->span, 0, "sytem");
	HAS(d->help, "did you mean \"system\"?");
	assert_int_equal(count_edits(d), 1);
	SPANF(p, d->edits->span, 0, "sytem");
	assert_string_equal(d->edits->text, "system");
	assert_string_equal(d->fix_title, "use the closest level");
	d = diag(p, 1);
	SPANF(p, d->span, 0, "banana");
	assert_int_equal(count_edits(d), 0);
	assert_string_equal(d->help,
			    "the levels, highest first, are root, system, developer, user, guideline (specc.yaml \"authority\" sets them)");
	assert_int_equal(p->sections.items[0].authority_rank, SPECC_NONE);
	assert_int_equal(p->sections.items[1].authority_rank, SPECC_NONE);
	STR(p->sections.items[1].authority, "sytem");
	assert_int_equal(p->sections.items[3].authority_rank, 4);
}

static void test_unknown_front_matter_authority(void **state)
{
	static const struct file files[] = {
		SPEC("spec.md", "---\nauthority: sytem\n---\n# A {#a}\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	/* One finding, at the front matter, not one per section. */
	CODES(p, "unknown-authority");
	const specc_diag *d = diag(p, 0);
	SPANF(p, d->span, 0, "sytem");
	HAS(d->message, "in front matter");
	/* docs/diagnostics.md: "Fix: the closest level, when one is close." */
	assert_int_equal(count_edits(d), 1);
	SPANF(p, d->edits->span, 0, "sytem");
	assert_string_equal(d->edits->text, "system");
}

static void test_custom_authority_order(void **state)
{
	static const char text[] =
		"---\n"
		"authority: member\n"
		"---\n"
		"# A {#a authority=operator}\n"
		"## B {#b}\n"
		"# C {#c authority=membr}\n"
		"# D {#d authority=root}\n"
		"# E {#e}\n";
	static const struct file files[] = {
		CONFIG("authority: [platform, operator, member]\n"),
		SPEC("spec.md", text),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "unknown-authority,unknown-authority");
	assert_int_equal(specc_project_authority_count(p), 3);
	STR(specc_project_authority(p, 0), "platform");
	STR(specc_project_authority(p, 2), "member");
	assert_int_equal(specc_project_authority_rank(p, specc_str_make("operator", 8)), 1);
	assert_int_equal(specc_project_authority_rank(p, specc_str_make("root", 4)), SPECC_NONE);

	static const uint32_t rank[] = { 1, 1, SPECC_NONE, SPECC_NONE, 2 };
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(p->sections.items[i].authority_rank, rank[i]);
	const specc_diag *d = diag(p, 0);
	SPANF(p, d->span, 1, "membr");
	assert_int_equal(count_edits(d), 1);
	assert_string_equal(d->edits->text, "member");
	HAS(d->help, "did you mean \"member\"? The levels, highest first, are platform, operator, member");
	d = diag(p, 1);
	SPANF(p, d->span, 1, "root");
	assert_int_equal(count_edits(d), 0);
	assert_string_equal(d->help, "the levels, highest first, are platform, operator, member (specc.yaml \"authority\" sets them)");
}

static void test_default_authority_order(void **state)
{
	specc_project *p = *state;

	assert_int_equal(specc_project_authority_count(p), 5);
	STR(specc_project_authority(p, 0), "root");
	STR(specc_project_authority(p, 4), "guideline");
	assert_int_equal(specc_project_authority_rank(p, specc_str_make("user", 4)), 3);
	assert_int_equal(specc_project_authority_rank(p, specc_str_make("User", 4)), SPECC_NONE);
	assert_int_equal(specc_project_authority_rank(p, SPECC_STR_NULL), SPECC_NONE);
}

/* ---- links ------------------------------------------------------------------ */

static void test_broken_link(void **state)
{
	static const char text[] =
		"# Rules {#rules}\n"
		"\n"
		"## Don’t diagnose {#no_diagnosis}\n"
		"\n"
		"See [this](#no_diagnoss) and [?](#zzz_unrelated_thing), not [web](https://a.example).\n";
	static const struct file files[] = { SPEC("spec.md", text) };
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "broken-link,broken-link");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_ERROR);
	SPANF(p, d->span, 0, "#no_diagnoss");
	assert_string_equal(d->message, "no section has the ID \"no_diagnoss\"");
	assert_string_equal(d->help, "did you mean #no_diagnosis (\"Don’t diagnose\")?");
	assert_int_equal(count_edits(d), 1);
	SPANF(p, d->edits->span, 0, "#no_diagnoss");
	assert_string_equal(d->edits->text, "#no_diagnosis");
	assert_string_equal(d->fix_title, "link to the closest ID");
	d = diag(p, 1);
	SPANF(p, d->span, 0, "#zzz_unrelated_thing");
	assert_int_equal(count_edits(d), 0);
	HAS(d->help, "{#zzz_unrelated_thing}");
}

/* ---- eval files ------------------------------------------------------------- */

static void test_missing_eval_file(void **state)
{
	static const struct file files[] = {
		SPEC("spec.md", "# R {#r}\n\nA clause[^ab12].\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "missing-eval-file");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_ERROR);
	SPANF(p, d->span, 0, "[^ab12]");
	assert_string_equal(d->message, "eval anchor [^ab12] has no eval file");
	HAS(d->help, "create ab12.md");
	assert_int_equal(p->anchors.items[0].eval_file, SPECC_NONE);
}

static void test_missing_eval_folder(void **state)
{
	static const struct file files[] = {
		SPEC("spec.md", "# R {#r}\n\nOne[^ab12]. Two[^cd34]. Three[^ef56].\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), false);
	/* Once, not once per anchor. */
	CODES(p, "missing-eval-folder");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_ERROR);
	SPANF(p, d->span, 0, "[^ab12]");
	HAS(d->message, "[^ab12]");
}

static void test_unused_eval_file(void **state)
{
	static const struct file files[] = {
		SPEC("spec.md", "# R {#r}\n\nNo anchors here.\n"),
		EVAL("examples/ab12.md", "Examples for [^ab12] in R:\n\n**Example**: t\n\n~~~xml\n"
					 "<user>\nq\n</user>\n~~~\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "unused-eval-file");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_WARNING);
	SPANF(p, d->span, 1, "Examples for [^ab12] in R:");
	HAS(d->message, "[^ab12]");
	assert_int_equal(p->eval_files.items[0].anchor, SPECC_NONE);
	assert_int_equal(p->items.items[0].section, SPECC_NONE);
}

static void test_eval_title_mismatch(void **state)
{
	static const struct file files[] = {
		SPEC("spec.md", "# Rules {#rules}\n\n## Don’t insult users {#no_insults}\n\n"
				"Never insult the user[^in02].\n"),
		EVAL("examples/in02.md", "Examples for [^in02] in Don't insult users:\n\n"
					 "**Example**: a rude user\n\n~~~xml\n<user>\n"
					 "you are useless\n</user>\n~~~\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "eval-title-mismatch");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_WARNING);
	SPANF(p, d->span, 1, "Don't insult users");
	assert_int_equal(d->span.start, 24);
	assert_string_equal(d->message, "this eval file says its anchor is in \"Don't insult users\", "
					 "but [^in02] is in \"Don’t insult users\"");
	assert_int_equal(count_related(d), 1);
	SPANF(p, d->related->span, 0, "[^in02]");
	assert_string_equal(d->related->message, "the anchor is here");
	assert_int_equal(count_edits(d), 1);
	SPANF(p, d->edits->span, 1, "Don't insult users");
	assert_string_equal(d->edits->text, "Don’t insult users");
	assert_string_equal(d->fix_title, "use the section's current title");
}

static void test_eval_title_with_markdown_matches(void **state)
{
	/* Titles compare as written, Markdown included. */
	static const struct file files[] = {
		SPEC("spec.md", "## Use `code` *here* {#code}\n\nA clause[^ab12].\n"),
		EVAL("examples/ab12.md", "Examples for [^ab12] in Use `code` *here*:\n\n"
					 "**Example**: t\n\n~~~xml\n<user>\nq\n</user>\n~~~\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "");
}

static void test_eval_id_mismatch(void **state)
{
	static const struct file files[] = {
		SPEC("spec.md", "# R {#r}\n\nA clause[^ab12].\n"),
		EVAL("examples/ab12.md", "Examples for [^ab13] in R:\n\n**Example**: t\n\n~~~xml\n"
					 "<user>\nq\n</user>\n~~~\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	/* The file is still found by its name. */
	CODES(p, "eval-id-mismatch");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_ERROR);
	SPANF(p, d->span, 1, "ab13");
	assert_string_equal(d->message, "the header names [^ab13], but the file is ab12.md");
	assert_int_equal(p->anchors.items[0].eval_file, 0);
}

static void test_duplicate_anchor(void **state)
{
	static const struct file files[] = {
		SPEC("spec.md", "# R {#r}\n\nFirst[^ab12]. Second[^ab12].\n"),
		EVAL("examples/ab12.md", "Examples for [^ab12] in R:\n\n**Example**: t\n\n~~~xml\n"
					 "<user>\nq\n</user>\n~~~\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "duplicate-eval-anchor");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_WARNING);
	SPANF(p, d->span, 0, "[^ab12]");
	assert_int_equal(d->span.start, 30);
	assert_int_equal(count_related(d), 1);
	SPANF(p, d->related->span, 0, "[^ab12]");
	assert_int_equal(d->related->span.start, 15);
	assert_string_equal(d->related->message, "first used here");
	assert_int_equal(p->eval_files.items[0].anchor, 0);
}

static void test_empty_eval_file(void **state)
{
	static const struct file files[] = {
		SPEC("spec.md", "# R {#r}\n\nA clause[^ab12].\n"),
		EVAL("examples/ab12.md", "Examples for [^ab12] in R:\n\nNothing yet.\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "empty-eval-file");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_WARNING);
	SPANF(p, d->span, 1, "Examples for [^ab12] in R:");
}

static void test_malformed_header_not_checked_further(void **state)
{
	/* A file whose header cannot be read gives that finding only: no
	 * title or ID comparison, no empty-eval-file. */
	static const struct file files[] = {
		SPEC("spec.md", "# R {#r}\n\nA clause[^ab12].\n"),
		EVAL("examples/ab12.md", "Examples of things\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "malformed-eval-header");
	SPANF(p, diag(p, 0)->span, 1, "Examples of things");
}

static void test_duplicate_eval_file(void **state)
{
	static const char eval[] = "Examples for [^ab12] in R:\n\n**Example**: t\n\n~~~xml\n"
				   "<user>\nq\n</user>\n~~~\n";
	static const struct file files[] = {
		SPEC("spec.md", "# R {#r}\n\nA clause[^ab12].\n"),
		EVAL("evals/ab12.md", eval),
		EVAL("more/ab12.md", eval),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "duplicate-eval-file");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_ERROR);
	SPANF(p, d->span, 2, "Examples for [^ab12] in R:");
	assert_int_equal(count_related(d), 1);
	SPANF(p, d->related->span, 1, "Examples for [^ab12] in R:");
	assert_int_equal(p->anchors.items[0].eval_file, 0);
}

/* ---- conversations ---------------------------------------------------------- */

static void test_unknown_bad_target(void **state)
{
	static const struct file files[] = {
		SPEC("spec.md", "# Rules {#rules}\n\n## Don’t diagnose {#no_diagnosis}\n\n"
				"A clause[^ab12].\n\n"
				"**Example**: t\n\n~~~xml\n<user>\nq\n</user>\n<comparison>\n"
				"<assistant> <!-- BAD[#no_diagnoss]: diagnoses -->\na\n</assistant>\n"
				"</comparison>\n~~~\n"),
		EVAL("examples/ab12.md", "Examples for [^ab12] in Don’t diagnose:\n\n"
					 "**Example**: t\n\n~~~xml\n<user>\nq\n</user>\n<comparison>\n"
					 "<assistant> <!-- BAD[#qqqqqqqqqqqq] -->\na\n</assistant>\n"
					 "<assistant> <!-- BAD[#rules] -->\nb\n</assistant>\n"
					 "</comparison>\n~~~\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "unknown-bad-target,unknown-bad-target");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_ERROR);
	SPANF(p, d->span, 0, "no_diagnoss");
	assert_string_equal(d->message, "BAD[#no_diagnoss] names a section that does not exist");
	assert_string_equal(d->help, "did you mean #no_diagnosis?");
	d = diag(p, 1);
	SPANF(p, d->span, 1, "qqqqqqqqqqqq");
	assert_string_equal(d->help, "name the ID of the section this answer violates");
	assert_int_equal(p->turns.len, 5);
	assert_int_equal(p->turns.items[4].violates_section, 0);
}

static void test_unlabelled_example(void **state)
{
	static const struct file files[] = {
		SPEC("spec.md", "# R {#r}\n\nA clause[^ab12].\n\n"
				"**Example**: no answers\n\n~~~xml\n<user>\nq\n</user>\n"
				"<assistant>\nan earlier turn\n</assistant>\n~~~\n"),
		/* Eval items hold just prompts: no finding for them. */
		EVAL("examples/ab12.md", "Examples for [^ab12] in R:\n\n**Example**: t\n\n~~~xml\n"
					 "<user>\nq\n</user>\n~~~\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "unlabelled-example");
	const specc_diag *d = diag(p, 0);
	assert_int_equal(d->severity, SPECC_WARNING);
	SPANF(p, d->span, 0, "**Example**: no answers");
}

static void test_parse_findings_kept(void **state)
{
	/* Check appends to the parser's findings. */
	static const struct file files[] = {
		SPEC("spec.md", "# R {#r color=red}\n\nSee [x](#nowhere_at_all).\n"),
	};
	specc_project *p = *state;

	build(p, files, SPECC_ARRAY_SIZE(files), true);
	CODES(p, "unknown-attribute,broken-link");
	assert_int_equal(p->diags.count[SPECC_ERROR], 1);
	assert_int_equal(p->diags.count[SPECC_WARNING], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_clean_project),
		TEST(test_duplicate_section_id),
		TEST(test_missing_section_id),
		TEST(test_unknown_authority),
		TEST(test_unknown_front_matter_authority),
		TEST(test_custom_authority_order),
		TEST(test_default_authority_order),
		TEST(test_broken_link),
		TEST(test_missing_eval_file),
		TEST(test_missing_eval_folder),
		TEST(test_unused_eval_file),
		TEST(test_eval_title_mismatch),
		TEST(test_eval_title_with_markdown_matches),
		TEST(test_eval_id_mismatch),
		TEST(test_duplicate_anchor),
		TEST(test_empty_eval_file),
		TEST(test_malformed_header_not_checked_further),
		TEST(test_duplicate_eval_file),
		TEST(test_unknown_bad_target),
		TEST(test_unlabelled_example),
		TEST(test_parse_findings_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
