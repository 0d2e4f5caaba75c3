/*
 * test-lint.c - the linter: tokenizer (token.c), automaton (ac.c), rule
 * loader (rules.c), the lint pass (lint.c), settings (config.c) and the
 * built-in rules' own examples (selftest.c).
 *
 * Every test gets a fresh project (with keep_prose set) and an empty
 * ruleset.  Rules are YAML buffers added as sources of the project, so
 * their findings land in p->diags next to the lint findings; specs are
 * buffers parsed as the loader does.  Spans are compared with exact byte
 * offsets in the source.
 */
#include "testutil.h"
#include "../../src/lint/internal.h"

/* ---- fixture ------------------------------------------------------------ */

struct ctx {
	specc_project p;
	specc_ruleset rs;
	specc_lint_config cfg;
	bool use_cfg;            /* lint with cfg (else the defaults) */
	int8_t *sev;             /* cfg.severity, when a test sets it */
	specc_toks toks;
	uint32_t rules_src, spec_src;
};

static int setup_ctx(void **state)
{
	struct ctx *c = calloc(1, sizeof *c);
	assert_non_null(c);
	specc_project_init(&c->p);
	c->p.keep_prose = true;
	assert_int_equal(specc_ruleset_init(&c->rs), SPECC_OK);
	c->rules_src = c->spec_src = SPECC_NONE;
	*state = c;
	return 0;
}

static int teardown_ctx(void **state)
{
	struct ctx *c = *state;
	SPECC_TABLE_FREE(c->toks);
	free(c->sev);
	specc_lint_config_release(&c->cfg);
	/* The rules point at their file's path in the project: release
	 * them first. */
	specc_ruleset_release(&c->rs);
	specc_project_release(&c->p);
	free(c);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_ctx, teardown_ctx)

/* ---- helpers ------------------------------------------------------------ */

/* Adds a rule file and loads it; returns what specc_rules_load does. */
static int rules(struct ctx *c, const char *yaml)
{
	c->rules_src = specc_project_add_buffer(&c->p, "rules/test.yaml", yaml, strlen(yaml),
						SPECC_SOURCE_RULES);
	return specc_rules_load(&c->rs, &c->p.sources, &c->p.diags, c->rules_src);
}

/* Loads rules that must load cleanly, and compiles them. */
static void good_rules(struct ctx *c, const char *yaml, const char *file, int line)
{
	int rc = rules(c, yaml);
	if (rc != SPECC_OK || c->p.diags.len) {
		for (uint32_t i = 0; i < c->p.diags.len; i++)
			print_error("%s: %s\n", c->p.diags.items[i].code->id,
				    c->p.diags.items[i].message);
		_fail(file, line);
	}
	assert_int_equal(specc_ruleset_compile(&c->rs), SPECC_OK);
}

#define RULES(c, yaml) good_rules((c), (yaml), __FILE__, __LINE__)

/* Parses md as the spec "spec.md" (as the loader does) and lints the
 * project; returns what specc_lint does. */
static int lint_text(struct ctx *c, const char *md, size_t n)
{
	if (!c->rs.compiled)
		specc_ruleset_compile(&c->rs);
	c->spec_src = specc_project_add_buffer(&c->p, "spec.md", md, n, SPECC_SOURCE_SPEC);
	if (specc_source_vet(&c->p, c->spec_src))
		specc_parse_markdown(&c->p, c->spec_src);
	specc_project_resolve(&c->p);
	return specc_lint(&c->p, &c->rs, c->use_cfg ? &c->cfg : NULL, NULL);
}

static void lint(struct ctx *c, const char *md)
{
	assert_int_equal(lint_text(c, md, strlen(md)), SPECC_OK);
}

/* Lints text as one paragraph of a section. */
#define HEAD "# Title {#title}\n\n"
static void lint_para(struct ctx *c, const char *text)
{
	specc_buf b = SPECC_BUF_INIT;
	specc_buf_addf(&b, HEAD "%s\n", text);
	int rc = lint_text(c, b.ptr, b.len); /* the project copies the text */
	specc_buf_release(&b);
	assert_int_equal(rc, SPECC_OK);
}

/* Sets up cfg.severity with every rule at -2 (keep). */
static void use_severities(struct ctx *c)
{
	if (!c->rs.compiled)
		specc_ruleset_compile(&c->rs);
	c->sev = malloc(c->rs.rules.len + 1);
	assert_non_null(c->sev);
	memset(c->sev, -2, c->rs.rules.len + 1);
	c->cfg.severity = c->sev;
	c->use_cfg = true;
}

static uint32_t rule_index(struct ctx *c, const char *id)
{
	const specc_rule *r = specc_ruleset_find(&c->rs, id, strlen(id));
	assert_non_null(r);
	return (uint32_t)(r - c->rs.rules.items);
}

/* The n-th (0-based) diagnostic with code id, failing when there is none. */
static const specc_diag *nth_diag(struct ctx *c, const char *id, unsigned n, const char *file,
				  int line)
{
	unsigned k = n;
	for (uint32_t i = 0; i < c->p.diags.len; i++)
		if (!strcmp(c->p.diags.items[i].code->id, id) && k-- == 0)
			return &c->p.diags.items[i];
	print_error("no diagnostic %s (number %u)\n", id, n);
	_fail(file, line);
	return NULL;
}

#define DIAG(c, id, n) nth_diag((c), (id), (n), __FILE__, __LINE__)

/* Checks that s contains want. */
static void check_has(const char *s, const char *want, const char *file, int line)
{
	if (!s || !strstr(s, want)) {
		print_error("\"%s\" does not contain \"%s\"\n", s ? s : "(null)", want);
		_fail(file, line);
	}
}

#define HAS(s, want) check_has((s), (want), __FILE__, __LINE__)

/* Checks that sp is exactly the nth (0-based) occurrence of needle in
 * source src: start and end offsets, not only the bytes. */
static void check_at(const specc_project *p, specc_span sp, uint32_t src, const char *needle,
		     int nth, const char *file, int line)
{
	const specc_source *s = &p->sources.items[src];
	const char *at = s->data;
	for (int i = 0;; i++, at++) {
		at = strstr(at, needle);
		if (!at) {
			print_error("\"%s\" does not occur %d times in the source\n", needle, nth + 1);
			_fail(file, line);
			return;
		}
		if (i == nth)
			break;
	}
	uint32_t off = (uint32_t)(at - s->data);
	_assert_int_equal(sp.file, src, file, line);
	if (sp.start != off || sp.end != off + strlen(needle)) {
		print_error("span [%u, %u) \"%.*s\", want [%u, %zu) \"%s\"\n", sp.start, sp.end,
			    sp.end >= sp.start && sp.end <= s->len ? (int)(sp.end - sp.start) : 0,
			    s->data + sp.start, off, off + strlen(needle), needle);
		_fail(file, line);
	}
}

#define AT(c, sp, needle, nth) check_at(&(c)->p, (sp), (c)->spec_src, (needle), (nth), __FILE__, __LINE__)
#define RAT(c, sp, needle, nth) check_at(&(c)->p, (sp), (c)->rules_src, (needle), (nth), __FILE__, __LINE__)

/* Checks the 1-based line and byte column of sp's start. */
static void check_pos(const specc_project *p, specc_span sp, uint32_t want_line, uint32_t want_col,
		      const char *file, int line)
{
	specc_pos pos;
	assert_true(sp.file < p->sources.len);
	specc_source_pos(&p->sources.items[sp.file], sp.start, &pos);
	_assert_int_equal(pos.line, want_line, file, line);
	_assert_int_equal(pos.column, want_col, file, line);
}

#define POS(c, sp, l, col) check_pos(&(c)->p, (sp), (l), (col), __FILE__, __LINE__)

static unsigned count_code(struct ctx *c, const char *id)
{
	unsigned n = 0;
	for (uint32_t i = 0; i < c->p.diags.len; i++)
		n += !strcmp(c->p.diags.items[i].code->id, id);
	return n;
}

static unsigned count_edits(const specc_diag *d)
{
	unsigned n = 0;
	for (const specc_edit *e = d->edits; e; e = e->next)
		n++;
	return n;
}

static unsigned count_related(const specc_diag *d)
{
	unsigned n = 0;
	for (const specc_related *r = d->related; r; r = r->next)
		n++;
	return n;
}

/* ---- tokenizer ---------------------------------------------------------- */

/* Tokenizes text (without symbols) and returns the tokens joined by "|",
 * a synthetic "not" written as <not>. */
static const char *toks_of(struct ctx *c, const char *text)
{
	static char out[4096];
	specc_buf b = SPECC_BUF_INIT;
	size_t n = strlen(text);

	c->toks.len = 0;
	specc_tokenize(text, n, NULL, &c->toks);
	for (uint32_t i = 0; i < c->toks.len; i++) {
		const specc_tok *t = &c->toks.items[i];
		if (i)
			specc_buf_addch(&b, '|');
		if (t->a > n || t->b > n || t->a > t->b)
			specc_buf_addf(&b, "<out of bounds %u-%u>", t->a, t->b);
		else if (t->a == t->b)
			specc_buf_addstr(&b, "<not>");
		else
			specc_buf_add(&b, text + t->a, t->b - t->a);
	}
	snprintf(out, sizeof out, "%s", b.ptr ? b.ptr : "");
	specc_buf_release(&b);
	return out;
}

static uint32_t tflags(struct ctx *c, uint32_t i)
{
	assert_true(i < c->toks.len);
	return c->toks.items[i].flags;
}

static void tok_words_and_punctuation(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "The quick, brown fox (jumps)."),
			    "The|quick|,|brown|fox|(|jumps|)|.");
	assert_true(tflags(c, 0) & SPECC_TOK_WORD);
	assert_true(tflags(c, 0) & SPECC_TOK_CAP);
	assert_false(tflags(c, 0) & SPECC_TOK_LOWER);
	assert_true(tflags(c, 1) & SPECC_TOK_LOWER);
	assert_false(tflags(c, 1) & SPECC_TOK_CAP);
	assert_true(tflags(c, 2) & SPECC_TOK_PUNCT);
	assert_false(tflags(c, 2) & SPECC_TOK_WORD);
	assert_true(tflags(c, 7) & SPECC_TOK_CLOSER);
	/* Offsets are bytes of the text. */
	assert_int_equal(c->toks.items[1].a, 4);
	assert_int_equal(c->toks.items[1].b, 9);
	/* Whitespace of any kind separates. */
	assert_string_equal(toks_of(c, " a\tb\r\nc\n"), "a|b|c");
	assert_string_equal(toks_of(c, ""), "");
}

static void tok_numbers(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "1,000 users and 3.5 seconds, 42."),
			    "1,000|users|and|3.5|seconds|,|42|.");
	assert_true(tflags(c, 0) & SPECC_TOK_NUM);
	assert_true(tflags(c, 0) & SPECC_TOK_WORD);
	assert_true(tflags(c, 3) & SPECC_TOK_NUM);
	assert_false(tflags(c, 1) & SPECC_TOK_NUM);
	/* A separator not followed by a digit ends the number. */
	assert_string_equal(toks_of(c, "1, 2. 3,a"), "1|,|2|.|3|,|a");
	/* Units written on the number stay on it. */
	assert_string_equal(toks_of(c, "200ms"), "200ms");
	assert_true(tflags(c, 0) & SPECC_TOK_NUM);
}

static void tok_contractions_split(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "don't"), "do|<not>");
	/* The synthetic "not" is empty (a == b), at the end of the word. */
	assert_int_equal(c->toks.items[1].a, 5);
	assert_int_equal(c->toks.items[1].b, 5);
	assert_true(tflags(c, 1) & SPECC_TOK_WORD);
	assert_true(tflags(c, 1) & SPECC_TOK_LOWER);
	assert_string_equal(toks_of(c, "can't"), "ca|<not>");
	assert_string_equal(toks_of(c, "won't"), "wo|<not>");
	assert_string_equal(toks_of(c, "It doesn't, they aren't."),
			    "It|does|<not>|,|they|are|<not>|.");
	/* The typographic apostrophe too. */
	assert_string_equal(toks_of(c, "don\xe2\x80\x99t go"), "do|<not>|go");
	assert_int_equal(c->toks.items[1].a, 7);
	assert_int_equal(c->toks.items[1].b, 7);
	/* Other apostrophes stay in their word. */
	assert_string_equal(toks_of(c, "the user's data"), "the|user's|data");
}

static void tok_hyphen_joins_without_token(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "user-friendly end-to-end"), "user|friendly|end|to|end");
	for (uint32_t i = 0; i < c->toks.len; i++)
		assert_true(tflags(c, i) & SPECC_TOK_WORD);
	/* A dash between spaces, or at a word's end, is punctuation. */
	assert_string_equal(toks_of(c, "a - b c-"), "a|-|b|c|-");
}

static void tok_url_is_one_token(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "see https://example.com/a-b?c=d now"),
			    "see|https://example.com/a-b?c=d|now");
	assert_true(tflags(c, 1) & SPECC_TOK_URL);
	assert_false(tflags(c, 1) & SPECC_TOK_WORD);
	assert_string_equal(toks_of(c, "(http://x.org/y) and www.example.com"),
			    "(|http://x.org/y|)|and|www.example.com");
	assert_true(tflags(c, 1) & SPECC_TOK_URL);
	assert_true(tflags(c, 4) & SPECC_TOK_URL);
	/* Up to the next space, punctuation included. */
	assert_string_equal(toks_of(c, "at https://x.org/a, then"), "at|https://x.org/a,|then");
	/* Words that only start like a scheme are words. */
	assert_string_equal(toks_of(c, "http and what: www"), "http|and|what|:|www");
	assert_false(tflags(c, 0) & SPECC_TOK_URL);
}

static void tok_masked_code_is_one_token(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "use \x01\x01\x01\x01 now"), "use|\x01\x01\x01\x01|now");
	assert_true(tflags(c, 1) & SPECC_TOK_CODE);
	assert_false(tflags(c, 1) & SPECC_TOK_WORD);
	assert_int_equal(c->toks.items[1].a, 4);
	assert_int_equal(c->toks.items[1].b, 8);
	/* Code glued to a word is still its own token. */
	assert_string_equal(toks_of(c, "a\x01\x01s"), "a|\x01\x01|s");
	assert_true(tflags(c, 1) & SPECC_TOK_CODE);
}

static void tok_straight_quotes_mark_quoted(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "say \"hello world\" now"), "say|\"|hello|world|\"|now");
	assert_false(tflags(c, 0) & SPECC_TOK_QUOTED);
	assert_true(tflags(c, 2) & SPECC_TOK_QUOTED);
	assert_true(tflags(c, 3) & SPECC_TOK_QUOTED);
	assert_false(tflags(c, 5) & SPECC_TOK_QUOTED);
	assert_true(tflags(c, 4) & SPECC_TOK_CLOSER);
}

static void tok_curly_quotes_mark_quoted(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "say \xe2\x80\x9chello world\xe2\x80\x9d now"),
			    "say|\xe2\x80\x9c|hello|world|\xe2\x80\x9d|now");
	assert_true(tflags(c, 2) & SPECC_TOK_QUOTED);
	assert_true(tflags(c, 3) & SPECC_TOK_QUOTED);
	assert_false(tflags(c, 5) & SPECC_TOK_QUOTED);
	/* Single curly quotes, whose closing mark is the apostrophe. */
	assert_string_equal(toks_of(c, "say \xe2\x80\x98hi there\xe2\x80\x99 now"),
			    "say|\xe2\x80\x98|hi|there|\xe2\x80\x99|now");
	assert_true(tflags(c, 2) & SPECC_TOK_QUOTED);
	assert_true(tflags(c, 3) & SPECC_TOK_QUOTED);
	assert_false(tflags(c, 5) & SPECC_TOK_QUOTED);
	/* An apostrophe inside a single quotation does not close it. */
	assert_string_equal(toks_of(c, "\xe2\x80\x98it\xe2\x80\x99s here\xe2\x80\x99 now"),
			    "\xe2\x80\x98|it\xe2\x80\x99s|here|\xe2\x80\x99|now");
	assert_true(tflags(c, 1) & SPECC_TOK_QUOTED);
	assert_true(tflags(c, 2) & SPECC_TOK_QUOTED);
	assert_false(tflags(c, 4) & SPECC_TOK_QUOTED);
}

static void tok_unclosed_quote_is_not_quoted(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "a \"stray mark here"), "a|\"|stray|mark|here");
	for (uint32_t i = 0; i < c->toks.len; i++)
		assert_false(tflags(c, i) & SPECC_TOK_QUOTED);
	toks_of(c, "\"closed\" then \xe2\x80\x9copen");
	assert_true(tflags(c, 1) & SPECC_TOK_QUOTED);
	assert_false(tflags(c, 5) & SPECC_TOK_QUOTED);
}

static void tok_typographic_apostrophe_inside_word(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "the user\xe2\x80\x99s data"), "the|user\xe2\x80\x99s|data");
	assert_true(tflags(c, 1) & SPECC_TOK_WORD);
	/* A trailing one (plural possessive) is not part of the word. */
	assert_string_equal(toks_of(c, "users\xe2\x80\x99 data"), "users|\xe2\x80\x99|data");
	/* Folding makes it straight. */
	toks_of(c, "User\xe2\x80\x99s");
	specc_buf b = SPECC_BUF_INIT;
	specc_tok_fold("User\xe2\x80\x99s", &c->toks.items[0], &b);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.ptr, "user's", 6);
	specc_buf_release(&b);
}

static void tok_non_ascii_words(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "na\xc3\xafve caf\xc3\xa9 Z\xc3\xbcrich \xc3\xa9t\xc3\xa9"),
			    "na\xc3\xafve|caf\xc3\xa9|Z\xc3\xbcrich|\xc3\xa9t\xc3\xa9");
	for (uint32_t i = 0; i < c->toks.len; i++)
		assert_true(tflags(c, i) & SPECC_TOK_WORD);
	assert_true(tflags(c, 3) & SPECC_TOK_LOWER);
	/* Dashes, spaces and ellipses of Unicode separate words. */
	assert_string_equal(toks_of(c, "a\xe2\x80\x94" "b\xc2\xa0" "c\xe2\x80\xa6"),
			    "a|\xe2\x80\x94|b|\xc2\xa0|c|\xe2\x80\xa6");
	assert_true(tflags(c, 1) & SPECC_TOK_PUNCT);
}

static void tok_sentence_end_flags(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "Done! Really? Yes. (No.) e.g, x;"),
			    "Done|!|Really|?|Yes|.|(|No|.|)|e|.|g|,|x|;");
	assert_true(tflags(c, 1) & SPECC_TOK_END);
	assert_true(tflags(c, 3) & SPECC_TOK_END);
	assert_true(tflags(c, 5) & SPECC_TOK_END);
	assert_true(tflags(c, 8) & SPECC_TOK_END);
	assert_true(tflags(c, 9) & SPECC_TOK_CLOSER);
	assert_false(tflags(c, 13) & SPECC_TOK_END);
	assert_false(tflags(c, 15) & SPECC_TOK_END);
	assert_false(tflags(c, 6) & SPECC_TOK_CLOSER);
}

/* Every token lies inside the text, whatever the bytes. */
static void tok_tokens_stay_in_bounds(void **state)
{
	struct ctx *c = *state;
	static const char *const texts[] = {
		"\xe2\x80\x98" "ab'",          /* single quote closed by a straight one at the end */
		"\xe2\x80\x98" "ab' c.",       /* ... before a short word */
		"\xe2\x80\x98" "ab'.",
		"x \xe2\x80\x9c", "\xe2\x80\x98", "\xe2\x80", "don\xe2\x80\x99", "n't", "'t", "a'",
		"https://", "www.", "1.", "\x01", "\"\"\"",
	};
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(texts); i++) {
		size_t n = strlen(texts[i]);
		c->toks.len = 0;
		specc_tokenize(texts[i], n, NULL, &c->toks);
		for (uint32_t k = 0; k < c->toks.len; k++) {
			if (c->toks.items[k].a <= c->toks.items[k].b && c->toks.items[k].b <= n)
				continue;
			print_error("text %zu (\"%s\", %zu bytes): token %u is [%u, %u)\n", i,
				    texts[i], n, k, c->toks.items[k].a, c->toks.items[k].b);
			fail();
		}
	}
}

/* A straight apostrophe is one byte, also inside a ‘single quotation’. */
static void tok_straight_apostrophe_in_single_quote(void **state)
{
	struct ctx *c = *state;
	assert_string_equal(toks_of(c, "\xe2\x80\x98" "ab' c."), "\xe2\x80\x98|ab|'|c|.");
}

/* ---- automaton ---------------------------------------------------------- */

/* Runs both automata over text (one sentence) and lists the phrases of
 * rules that end at each token, as "text@first-last" (token indexes). */
static const char *hits(struct ctx *c, const char *text)
{
	static char out[4096];
	specc_buf b = SPECC_BUF_INIT;
	specc_lexcache lx;
	const specc_ruleset *rs = &c->rs;
	uint32_t ss = 0, sf = 0;

	specc_lexcache_init(&lx, rs);
	c->toks.len = 0;
	specc_tokenize(text, strlen(text), &lx, &c->toks);
	for (uint32_t i = 0; i < c->toks.len; i++) {
		const specc_tok *t = &c->toks.items[i];
		ss = specc_ac_step(&rs->ac_stem, ss, t->stem);
		sf = specc_ac_step(&rs->ac_form, sf, t->form);
		for (int which = 0; which < 2; which++) {
			const specc_ac *ac = which ? &rs->ac_form : &rs->ac_stem;
			uint32_t s = which ? sf : ss;
			for (uint32_t k = 0; k < ac->out_count[s]; k++) {
				const specc_phrase *ph = &rs->phrases.items[ac->outs[ac->out_first[s] + k]];
				if (ph->rule == SPECC_NONE)
					continue; /* the built-in normative words */
				specc_buf_addf(&b, "%s%s@%u-%u", b.len ? "," : "", ph->text,
					       i + 1 - ph->ntok, i);
			}
		}
	}
	specc_lexcache_release(&lx);
	snprintf(out, sizeof out, "%s", b.ptr ? b.ptr : "");
	specc_buf_release(&b);
	return out;
}

#define R1(terms) "- {id: r1, category: c, kind: existence, message: m, terms: " terms "}\n"
#define R2(terms) "- {id: r2, category: c, kind: existence, message: m, terms: " terms "}\n"

static void ac_overlapping_phrases(void **state)
{
	struct ctx *c = *state;
	RULES(c, R1("[order number]") R2("[number of]"));
	assert_string_equal(hits(c, "the order number of items"),
			    "order number@1-2,number of@2-3");
}

static void ac_shared_prefixes(void **state)
{
	struct ctx *c = *state;
	RULES(c, R1("[in order, in order to, in order for]"));
	assert_string_equal(hits(c, "in order to go in order for it"),
			    "in order@0-1,in order to@0-2,in order@4-5,in order for@4-6");
}

static void ac_failure_links(void **state)
{
	struct ctx *c = *state;
	RULES(c, R1("[a b c]") R2("[b c d, c]"));
	/* After "a b c" fails on "d", the automaton falls back to "b c",
	 * which goes on to "b c d"; "c" is reported inside "a b c" through
	 * the inherited outputs. */
	assert_string_equal(hits(c, "a b c d"), "a b c@0-2,c@2-2,b c d@1-3");
	assert_string_equal(hits(c, "a b b c d"), "c@3-3,b c d@2-4");
	assert_string_equal(hits(c, "x a b x c"), "c@4-4");
}

static void ac_inflections_match(void **state)
{
	struct ctx *c = *state;
	RULES(c, R1("[try to, make sure, stop]"));
	assert_string_equal(hits(c, "she tries to"), "try to@1-2");
	assert_string_equal(hits(c, "he tried to"), "try to@1-2");
	assert_string_equal(hits(c, "trying to"), "try to@0-1");
	assert_string_equal(hits(c, "Try to"), "try to@0-1");
	assert_string_equal(hits(c, "it makes sure"), "make sure@1-2");
	assert_string_equal(hits(c, "making sure"), "make sure@0-1");
	assert_string_equal(hits(c, "stopped stopping stops"), "stop@0-0,stop@1-1,stop@2-2");
}

static void ac_derivations_do_not_match(void **state)
{
	struct ctx *c = *state;
	RULES(c, R1("[several, reasonable, general]"));
	assert_string_equal(hits(c, "a severe case"), "");
	assert_string_equal(hits(c, "for these reasons"), "");
	assert_string_equal(hits(c, "generally"), "");
	assert_string_equal(hits(c, "several reasonable general"),
			    "several@0-0,reasonable@1-1,general@2-2");
}

/* A word's inflections match whatever order the rules name the forms in:
 * "try" matches "tries" even when another rule named "tries" first. */
static void ac_inflections_independent_of_rule_order(void **state)
{
	struct ctx *c = *state;
	RULES(c, R1("[tries]") R2("[try]"));
	assert_string_equal(hits(c, "tries"), "tries@0-0,try@0-0");
}

static void ac_exact_forms(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: r1, category: c, kind: existence, message: m, inflect: false, terms: [try to]}\n"
		 R2("[try to]"));
	assert_string_equal(hits(c, "try to"), "try to@0-1,try to@0-1");
	assert_string_equal(hits(c, "TRY TO"), "try to@0-1,try to@0-1");
	assert_string_equal(hits(c, "tries to"), "try to@0-1");
	/* The one that matched is the inflected one. */
	assert_int_equal(c->rs.phrases.items[0].exact, true);
	assert_int_equal(c->rs.phrases.items[1].exact, false);
}

static void ac_negations_written_one_way(void **state)
{
	struct ctx *c = *state;
	RULES(c, R1("[do not, can not, will not, don't]"));
	assert_string_equal(hits(c, "don't"), "do not@0-1,don't@0-1");
	assert_string_equal(hits(c, "do not"), "do not@0-1,don't@0-1");
	assert_string_equal(hits(c, "Don\xe2\x80\x99t"), "do not@0-1,don't@0-1");
	assert_string_equal(hits(c, "can't"), "can not@0-1");
	assert_string_equal(hits(c, "won't"), "will not@0-1");
}

/* Words with non-ASCII letters match; their ASCII letters are folded,
 * the others compared as written (docs/lint.md, Words). */
static void ac_non_ascii_words(void **state)
{
	struct ctx *c = *state;
	/* naïve, café */
	RULES(c, R1("[\"na\xc3\xaf" "ve caf\xc3\xa9\"]"));
	assert_string_equal(hits(c, "a na\xc3\xaf" "ve caf\xc3\xa9"), "na\xc3\xaf" "ve caf\xc3\xa9@1-2");
	assert_string_equal(hits(c, "NA\xc3\xaf" "VE Caf\xc3\xa9"), "na\xc3\xaf" "ve caf\xc3\xa9@0-1");
	assert_string_equal(hits(c, "naive cafe"), "");
}

/* A number in a phrase stands for any number. */
static void ac_number_matches_any_number(void **state)
{
	struct ctx *c = *state;
	RULES(c, R1("[under 10 words]"));
	assert_string_equal(hits(c, "under 10 words"), "under 10 words@0-2");
	assert_string_equal(hits(c, "under 1,500 words"), "under 10 words@0-2");
	assert_string_equal(hits(c, "under 3.5 words"), "under 10 words@0-2");
	assert_string_equal(hits(c, "under ten words"), "");
}

static void ac_punctuation_breaks_phrase(void **state)
{
	struct ctx *c = *state;
	RULES(c, R1("[and so on, \"etc.\"]"));
	assert_string_equal(hits(c, "and, so on"), "");
	assert_string_equal(hits(c, "and so on etc."), "and so on@0-2,etc.@3-4");
	assert_string_equal(hits(c, "and `so` on"), "");
}

/* ---- rule loader ------------------------------------------------------- */

#define GOOD_RULE "  - {id: good-one, category: c, kind: existence, message: m, terms: [fine]}\n"

/* Loads yaml, which must hold GOOD_RULE and one bad rule, and checks that
 * only the good rule loaded and that the only finding is invalid-rule. */
static const specc_diag *bad_rule(struct ctx *c, const char *yaml, const char *file, int line)
{
	int rc = rules(c, yaml);
	_assert_int_equal(rc, SPECC_ESYNTAX, file, line);
	check_codes(&c->p, "invalid-rule", file, line);
	_assert_int_equal(c->rs.rules.len, 1, file, line);
	_assert_true(specc_ruleset_find(&c->rs, "good-one", 8) != NULL, "good rule loaded", file,
		     line);
	return &c->p.diags.items[0];
}

#define BAD(c, yaml) bad_rule((c), (yaml), __FILE__, __LINE__)

static void load_good_file(void **state)
{
	struct ctx *c = *state;
	RULES(c, "# rules\n"
		 "rules:\n"
		 "  - id: hedge\n"
		 "    category: vague\n"
		 "    kind: existence\n"
		 "    severity: error\n"
		 "    normative: true\n"
		 "    position: start\n"
		 "    scope: [heading, quote]\n"
		 "    enabled: false\n"
		 "    message: \"{match} hedges\"\n"
		 "    rationale: because\n"
		 "    link: https://example.com\n"
		 "    terms: [kind of, sort of]\n"
		 "    examples:\n"
		 "      fire: [\"Kind of.\", \"Sort of.\"]\n"
		 "      pass: \"Plain.\"\n");
	const specc_rule *r = specc_ruleset_find(&c->rs, "hedge", 5);
	assert_non_null(r);
	assert_string_equal(r->category, "vague");
	assert_int_equal(r->kind, SPECC_RULE_EXISTENCE);
	assert_int_equal(r->code.severity, SPECC_ERROR);
	assert_true(r->normative);
	assert_true(r->sentence_start);
	assert_true(r->off_by_default);
	assert_int_equal(r->scopes, SPECC_SCOPE_HEADING | SPECC_SCOPE_QUOTE);
	assert_string_equal(r->message, "{match} hedges");
	assert_string_equal(r->rationale, "because");
	assert_string_equal(r->link, "https://example.com");
	assert_string_equal(r->origin, "rules/test.yaml");
	assert_int_equal(r->ex_fire, 2);
	assert_int_equal(r->ex_pass, 1);
	assert_string_equal(c->rs.strs.items[r->ex_first + 2], "Plain.");
	/* The rule's span is its mapping, from its first key. */
	POS(c, r->span, 3, 5);
	/* Lookups are by the whole id. */
	assert_null(specc_ruleset_find(&c->rs, "hedg", 4));
	assert_null(specc_ruleset_find(&c->rs, "other", 5));
}

static void load_list_at_top(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: a, category: c, kind: existence, message: m, terms: x}\n"
		 "- {id: b, category: c, kind: conditional, message: m}\n");
	assert_int_equal(c->rs.rules.len, 2);
	assert_int_equal(c->rs.rules.items[1].kind, SPECC_RULE_CONDITIONAL);
	/* Defaults: warning, inflected, on, scope "prose" (neither
	 * headings nor commentary). */
	const specc_rule *r = &c->rs.rules.items[0];
	assert_int_equal(r->code.severity, SPECC_WARNING);
	assert_true(r->inflect);
	assert_false(r->off_by_default);
	assert_int_equal(r->scopes, SPECC_SCOPE_PARAGRAPH | SPECC_SCOPE_LIST_ITEM |
					    SPECC_SCOPE_TABLE_CELL | SPECC_SCOPE_QUOTE);
}

static void load_unknown_kind(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - id: bad\n"
				  "    category: c\n"
				  "    kind: banana\n"
				  "    message: m\n");
	RAT(c, d->span, "banana", 0);
	POS(c, d->span, 5, 11);
	HAS(d->message, "unknown rule kind \"banana\"");
	assert_int_equal(d->severity, SPECC_ERROR);
}

static void load_bad_regex(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n"
				  "  - id: bad\n"
				  "    category: c\n"
				  "    kind: pattern\n"
				  "    pattern: 'a(b'\n"
				  "    message: m\n" GOOD_RULE);
	POS(c, d->span, 5, 14);
	HAS(d->message, "not a valid regular expression");
	/* PCRE2's own text */
	HAS(d->message, "missing closing parenthesis");
	HAS(d->help, "character 4");
}

static void load_missing_keys(void **state)
{
	struct ctx *c = *state;
	static const struct {
		const char *rule, *key;
	} cases[] = {
		{ "  - {category: c, kind: existence, message: m, terms: [x]}\n", "\"id\"" },
		{ "  - {id: x, kind: existence, message: m, terms: [x]}\n", "\"category\"" },
		{ "  - {id: x, category: c, message: m, terms: [x]}\n", "\"kind\"" },
		{ "  - {id: x, category: c, kind: existence, terms: [x]}\n", "\"message\"" },
		{ "  - {id: x, category: c, kind: existence, message: m}\n", "\"terms\"" },
		{ "  - {id: x, category: c, kind: substitution, message: m}\n", "\"swap\"" },
		{ "  - {id: x, category: c, kind: occurrence, message: m, max: 1}\n", "\"count\"" },
		{ "  - {id: x, category: c, kind: pattern, message: m}\n", "\"pattern\"" },
	};
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(cases); i++) {
		specc_buf b = SPECC_BUF_INIT;
		specc_buf_addf(&b, "rules:\n%s" GOOD_RULE, cases[i].rule);
		specc_ruleset_release(&c->rs);
		specc_ruleset_init(&c->rs);
		specc_diags_release(&c->p.diags);
		specc_diags_init(&c->p.diags);
		int rc = rules(c, b.ptr);
		specc_buf_release(&b);
		assert_int_equal(rc, SPECC_ESYNTAX);
		CODES(&c->p, "invalid-rule");
		HAS(c->p.diags.items[0].message, cases[i].key);
		/* At the rule: line 2, after "  - ". */
		POS(c, c->p.diags.items[0].span, 2, 5);
		assert_int_equal(c->rs.rules.len, 1);
		assert_non_null(specc_ruleset_find(&c->rs, "good-one", 8));
	}
}

static void load_id_not_kebab(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n"
				  "  - {id: Bad_Id, category: c, kind: existence, message: m, terms: [x]}\n"
				  GOOD_RULE);
	RAT(c, d->span, "Bad_Id", 0);
	HAS(d->message, "kebab-case");
	assert_null(specc_ruleset_find(&c->rs, "Bad_Id", 6));
}

static void load_duplicate_id(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(rules(c, "rules:\n" GOOD_RULE
				  "  - {id: good-one, category: d, kind: existence, message: m2, terms: [y]}\n"),
			 SPECC_ESYNTAX);
	CODES(&c->p, "invalid-rule");
	const specc_diag *d = &c->p.diags.items[0];
	POS(c, d->span, 3, 5);
	HAS(d->message, "\"good-one\" is already loaded");
	/* The first one stays. */
	assert_int_equal(c->rs.rules.len, 1);
	assert_string_equal(c->rs.rules.items[0].category, "c");
	/* Across files too. */
	assert_int_equal(rules(c, "- {id: good-one, category: e, kind: conditional, message: m}\n"),
			 SPECC_ESYNTAX);
	assert_int_equal(c->rs.rules.len, 1);
}

static void load_terms_not_a_list(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - id: bad\n"
				  "    category: c\n"
				  "    kind: existence\n"
				  "    message: m\n"
				  "    terms: {a: b}\n");
	POS(c, d->span, 7, 12);
	HAS(d->message, "a list of strings");
	/* The message names the key that is wrong. */
	HAS(d->message, "\"terms\"");
}

static void load_terms_list_of_non_strings(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - {id: bad, category: c, kind: existence, message: m, terms: [a, [b], c]}\n");
	RAT(c, d->span, "[b]", 0);
	HAS(d->message, "a list of strings");
}

static void load_swap_not_a_mapping(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - id: bad\n"
				  "    category: c\n"
				  "    kind: substitution\n"
				  "    message: m\n"
				  "    swap: [a, b]\n");
	POS(c, d->span, 7, 11);
	HAS(d->message, "\"swap\" must be a mapping");
	assert_int_equal(c->rs.phrases.len, 1);
}

static void load_swap_value_not_a_word(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - id: bad\n"
				  "    category: c\n"
				  "    kind: substitution\n"
				  "    message: m\n"
				  "    swap:\n"
				  "      in order to: to\n"
				  "      prior to: [before]\n");
	POS(c, d->span, 9, 7);
	HAS(d->message, "\"swap\" must be a mapping from words to words");
	/* The phrase added before the error is gone too. */
	assert_int_equal(c->rs.phrases.len, 1);
	assert_string_equal(c->rs.phrases.items[0].text, "fine");
}

static void load_min_not_a_number(void **state)
{
	struct ctx *c = *state;
	static const char *const values[] = { "lots", "-1", "100001", "1.5", "''", "[1]" };
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(values); i++) {
		specc_buf b = SPECC_BUF_INIT;
		specc_buf_addf(&b, "rules:\n" GOOD_RULE
				   "  - id: bad\n"
				   "    category: c\n"
				   "    kind: occurrence\n"
				   "    message: m\n"
				   "    count: words\n"
				   "    min: %s\n", values[i]);
		specc_ruleset_release(&c->rs);
		specc_ruleset_init(&c->rs);
		specc_diags_release(&c->p.diags);
		specc_diags_init(&c->p.diags);
		const specc_diag *d = BAD(c, b.ptr);
		specc_buf_release(&b);
		POS(c, d->span, 8, 10);
		HAS(d->message, "\"min\" must be");
	}
}

static void load_bool_and_enum_values(void **state)
{
	struct ctx *c = *state;
	static const char *const keys[] = { "inflect: maybe", "case-sensitive: 1", "normative: [true]",
					    "enabled: nope", "severity: fatal", "position: middle",
					    "scope: everywhere", "check: banana" };
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(keys); i++) {
		specc_buf b = SPECC_BUF_INIT;
		specc_buf_addf(&b, "rules:\n" GOOD_RULE
				   "  - id: bad\n"
				   "    category: c\n"
				   "    kind: existence\n"
				   "    message: m\n"
				   "    terms: [x]\n"
				   "    %s\n", keys[i]);
		specc_ruleset_release(&c->rs);
		specc_ruleset_init(&c->rs);
		specc_diags_release(&c->p.diags);
		specc_diags_init(&c->p.diags);
		const specc_diag *d = BAD(c, b.ptr);
		specc_buf_release(&b);
		/* At the value. */
		POS(c, d->span, 8, 5 + (uint32_t)(strchr(keys[i], ':') - keys[i]) + 2);
	}
}

static void load_examples_not_a_mapping(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - id: bad\n"
				  "    category: c\n"
				  "    kind: existence\n"
				  "    message: m\n"
				  "    terms: [x]\n"
				  "    examples: [x, y]\n");
	POS(c, d->span, 8, 15);
	HAS(d->message, "\"examples\" must be a mapping");
	assert_int_equal(c->rs.strs.len, 0);
}

static void load_unknown_keys_warn_and_keep_the_rule(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(rules(c, "rules:\n"
				  "  - id: ok\n"
				  "    category: c\n"
				  "    kind: existence\n"
				  "    message: m\n"
				  "    terms: [x]\n"
				  "    colour: blue\n"
				  "    examples: {fire: [x], pass: [y], maybe: [z]}\n"
				  "version: 2\n"),
			 SPECC_OK);
	/* The file's own keys are read before its rules. */
	CODES(&c->p, "unknown-rule-key,unknown-rule-key,unknown-rule-key");
	RAT(c, c->p.diags.items[0].span, "version", 0);
	POS(c, c->p.diags.items[0].span, 9, 1);
	RAT(c, c->p.diags.items[1].span, "colour", 0);
	POS(c, c->p.diags.items[1].span, 7, 5);
	HAS(c->p.diags.items[1].message, "unknown key \"colour\"");
	assert_int_equal(c->p.diags.items[1].severity, SPECC_WARNING);
	RAT(c, c->p.diags.items[2].span, "maybe", 0);
	assert_non_null(specc_ruleset_find(&c->rs, "ok", 2));
	assert_int_equal(c->rs.rules.items[0].ex_fire, 1);
	assert_int_equal(c->rs.rules.items[0].ex_pass, 1);
}

static void load_yaml_syntax_error(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(rules(c, "rules:\n"
				  "  - id: a\n"
				  "    terms: [x, y\n"
				  "    message: m\n"),
			 SPECC_ESYNTAX);
	assert_int_equal(count_code(c, "yaml-syntax"), 1);
	const specc_diag *d = DIAG(c, "yaml-syntax", 0);
	assert_int_equal(d->span.file, c->rules_src);
	HAS(d->message, "YAML syntax error");
	/* libyaml stops at the next key; the unclosed list is shown too. */
	POS(c, d->span, 4, 12);
	assert_int_equal(count_related(d), 1);
	POS(c, d->related->span, 3, 12);
	assert_int_equal(c->rs.rules.len, 0);
}

static void load_empty_file(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(rules(c, ""), SPECC_OK);
	assert_int_equal(rules(c, "# only a comment\n"), SPECC_OK);
	CODES(&c->p, "");
	assert_int_equal(c->rs.rules.len, 0);
	assert_int_equal(specc_ruleset_compile(&c->rs), SPECC_OK);
}

static void load_scalar_file(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(rules(c, "# a scalar\njust words\n"), SPECC_ESYNTAX);
	CODES(&c->p, "invalid-rule");
	POS(c, c->p.diags.items[0].span, 2, 1);
	HAS(c->p.diags.items[0].message, "must hold a list of rules");
	/* rules: with something else than a list */
	specc_diags_release(&c->p.diags);
	specc_diags_init(&c->p.diags);
	assert_int_equal(rules(c, "rules:\n  id: x\n"), SPECC_ESYNTAX);
	CODES(&c->p, "invalid-rule");
	POS(c, c->p.diags.items[0].span, 2, 3);
	assert_int_equal(c->rs.rules.len, 0);
}

static void load_rule_not_a_mapping(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(rules(c, "rules:\n  - just a string\n" GOOD_RULE "  - [a, b]\n"), SPECC_ESYNTAX);
	CODES(&c->p, "invalid-rule,invalid-rule");
	POS(c, c->p.diags.items[0].span, 2, 5);
	POS(c, c->p.diags.items[1].span, 4, 5);
	assert_int_equal(c->rs.rules.len, 1);
}

static void load_phrase_without_words(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - {id: bad, category: c, kind: existence, message: m, terms: [ok, 'https://example.com']}\n");
	RAT(c, d->span, "'https://example.com'", 0);
	HAS(d->message, "has no words to match");
	assert_int_equal(c->rs.phrases.len, 1);
}

static void load_occurrence_needs_a_limit(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - {id: bad, category: c, kind: occurrence, message: m, count: words}\n");
	POS(c, d->span, 3, 5);
	HAS(d->message, "\"min\" or \"max\"");
}

static void load_occurrence_count_shapes(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - {id: bad, category: c, kind: occurrence, message: m, max: 1, count: {a: b}}\n");
	RAT(c, d->span, "{a: b}", 0);
	HAS(d->message, "\"count\" must be");
}

/* A group of terms holding a non-string names "count" as the key. */
static void load_occurrence_group_with_non_string(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - {id: bad, category: c, kind: occurrence, message: m, max: 1, count: [[a, {b: c}]]}\n");
	RAT(c, d->span, "{b: c}", 0);
	HAS(d->message, "\"count\" must be a list of strings");
}

static void load_except_and_unless_kinds(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - {id: bad, category: c, kind: pattern, message: m, pattern: x, except: [y]}\n");
	RAT(c, d->span, "[y]", 0);
	HAS(d->message, "\"except\" applies only to");
	specc_ruleset_release(&c->rs);
	specc_ruleset_init(&c->rs);
	specc_diags_release(&c->p.diags);
	specc_diags_init(&c->p.diags);
	d = BAD(c, "rules:\n" GOOD_RULE
		"  - {id: bad, category: c, kind: spec, check: untested-section, message: m, unless: [y]}\n");
	RAT(c, d->span, "[y]", 0);
	HAS(d->message, "\"unless\" applies only to");
}

static void load_requires_only_for_patterns(void **state)
{
	struct ctx *c = *state;
	const specc_diag *d = BAD(c, "rules:\n" GOOD_RULE
				  "  - {id: bad, category: c, kind: existence, message: m, terms: [x], requires: [must]}\n");
	RAT(c, d->span, "[must]", 0);
	HAS(d->message, "\"requires\" applies only to pattern rules");
}

static void load_several_errors_in_one_file(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(rules(c, "rules:\n"
				  "  - {id: a1, category: c, kind: existence, message: m, terms: [x]}\n"
				  "  - {id: A2, category: c, kind: existence, message: m, terms: [x]}\n"
				  "  - {id: a3, category: c, kind: pattern, message: m, pattern: '['}\n"
				  "  - {id: a4, category: c, kind: existence, message: m, terms: [y]}\n"
				  "  - {id: a5, category: c, kind: nope, message: m}\n"
				  "  - {id: a6, category: c, kind: pattern, message: m, pattern: '\\d+'}\n"),
			 SPECC_ESYNTAX);
	CODES(&c->p, "invalid-rule,invalid-rule,invalid-rule");
	RAT(c, c->p.diags.items[0].span, "A2", 0);
	RAT(c, c->p.diags.items[1].span, "'['", 0);
	RAT(c, c->p.diags.items[2].span, "nope", 0);
	assert_int_equal(c->rs.rules.len, 3);
	assert_non_null(specc_ruleset_find(&c->rs, "a1", 2));
	assert_non_null(specc_ruleset_find(&c->rs, "a4", 2));
	assert_non_null(specc_ruleset_find(&c->rs, "a6", 2));
	/* The dropped rules left no phrases behind. */
	assert_int_equal(c->rs.phrases.len, 2);
	assert_int_equal(c->rs.phrases.items[1].rule, 1);
	/* And the kept ones work. */
	specc_ruleset_compile(&c->rs);
	lint_para(c, "x and y and 42.");
	AT(c, DIAG(c, "a1", 0)->span, "x", 0);
	AT(c, DIAG(c, "a4", 0)->span, "y", 0);
	AT(c, DIAG(c, "a6", 0)->span, "42", 0);
}

/* ---- lint: word and phrase rules ---------------------------------------- */

static void lint_existence_span(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: hedge, category: vague, kind: existence, message: \"{match} hedges\", "
		 "terms: [try to, kind of]}\n");
	lint_para(c, "The assistant tries to answer. It is kind of slow.");
	CODES(&c->p, "hedge,hedge");
	AT(c, c->p.diags.items[0].span, "tries to", 0);
	AT(c, c->p.diags.items[1].span, "kind of", 0);
	assert_string_equal(c->p.diags.items[0].message, "\"tries to\" hedges");
	assert_int_equal(c->p.diags.items[0].severity, SPECC_WARNING);
	assert_string_equal(c->p.diags.items[0].code->id, "hedge");
}

static void lint_existence_in_list_heading_table_quote(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: everywhere, category: c, kind: existence, message: m, terms: [foo], "
		 "scope: [prose, heading]}\n"
		 "- {id: only-heading, category: c, kind: existence, message: m, terms: [bar], "
		 "scope: heading}\n");
	lint(c, "# Foo bar {#title}\n\n"
		"- a foo item, bar\n\n"
		"| h |\n|---|\n| cell foo |\n\n"
		"> quoted foo\n");
	CODES(&c->p, "everywhere,only-heading,everywhere,everywhere,everywhere");
	AT(c, c->p.diags.items[0].span, "Foo", 0);
	AT(c, c->p.diags.items[1].span, "bar", 0);
	AT(c, c->p.diags.items[2].span, "foo", 0);
	AT(c, c->p.diags.items[3].span, "foo", 1);
	AT(c, c->p.diags.items[4].span, "foo", 2);
}

static void lint_substitution_fix(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: wordy, category: w, kind: substitution, inflect: false, "
		 "message: \"{match}: use {replacement}\", swap: {in order to: to, prior to: before}}\n");
	lint_para(c, "Ask in order to know. In order to help, look prior to acting.");
	CODES(&c->p, "wordy,wordy,wordy");
	const specc_diag *d = &c->p.diags.items[0];
	AT(c, d->span, "in order to", 0);
	assert_string_equal(d->message, "\"in order to\": use to");
	assert_int_equal(count_edits(d), 1);
	AT(c, d->edits->span, "in order to", 0);
	assert_string_equal(d->edits->text, "to");
	assert_string_equal(d->fix_title, "replace with \"to\"");
	/* A sentence's capital stays. */
	d = &c->p.diags.items[1];
	AT(c, d->span, "In order to", 0);
	assert_string_equal(d->edits->text, "To");
	d = &c->p.diags.items[2];
	AT(c, d->span, "prior to", 0);
	assert_string_equal(d->edits->text, "before");
}

static void lint_substitution_no_fix_across_markup(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: wordy, category: w, kind: substitution, inflect: false, message: m, "
		 "swap: {in order to: to}}\n");
	lint_para(c, "Ask in **order** to know, in&#32;order to see, in order\nto go, in order to be.");
	CODES(&c->p, "wordy,wordy,wordy,wordy");
	AT(c, c->p.diags.items[0].span, "in **order** to", 0);
	assert_int_equal(count_edits(&c->p.diags.items[0]), 0);
	AT(c, c->p.diags.items[1].span, "in&#32;order to", 0);
	assert_int_equal(count_edits(&c->p.diags.items[1]), 0);
	AT(c, c->p.diags.items[2].span, "in order\nto", 0);
	assert_int_equal(count_edits(&c->p.diags.items[2]), 0);
	AT(c, c->p.diags.items[3].span, "in order to", 0);
	assert_int_equal(count_edits(&c->p.diags.items[3]), 1);
}

/* A match that takes in a contraction ("can't" = can + not) covers the
 * written word, never a part of it or the space before it. */
static void lint_contraction_span_is_whole_word(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: neg, category: c, kind: existence, message: \"{match}\", terms: [not]}\n"
		 "- {id: dn, category: c, kind: existence, message: \"{match}\", terms: [not uncommon]}\n"
		 "- {id: verb, category: c, kind: existence, message: \"{match}\", terms: [can]}\n");
	lint_para(c, "It doesn't. It isn't uncommon. You can't.");
	CODES(&c->p, "neg,neg,dn,verb,neg");
	AT(c, c->p.diags.items[3].span, "can't", 0);
	assert_string_equal(c->p.diags.items[3].message, "\"can't\"");
	const specc_diag *d = &c->p.diags.items[0];
	assert_true(d->span.end > d->span.start);
	AT(c, d->span, "doesn't", 0);
	assert_string_equal(d->message, "\"doesn't\"");
	AT(c, c->p.diags.items[2].span, "isn't uncommon", 0);
	assert_string_equal(c->p.diags.items[2].message, "\"isn't uncommon\"");
}

/* A substitution is safe only on the words as written: part of a
 * contraction must not be rewritten ("can't" -> "is able ton't"). */
static void lint_substitution_no_fix_inside_contraction(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: sub, category: c, kind: substitution, inflect: false, message: \"{match}\", "
		 "swap: {can: is able to, do: perform, not uncommon: common}}\n");
	lint_para(c, "You can't. You don't. It isn't uncommon. You can.");
	CODES(&c->p, "sub,sub,sub,sub");
	for (int i = 0; i < 3; i++)
		assert_int_equal(count_edits(&c->p.diags.items[i]), 0);
	assert_int_equal(count_edits(&c->p.diags.items[3]), 1);
	AT(c, c->p.diags.items[3].edits->span, "can", 1);
}

static void lint_skips_code_quotes_urls(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: hedge, category: c, kind: existence, message: m, terms: [kind of, sort]}\n");
	lint_para(c, "Use `kind of` and \"kind of\" and \xe2\x80\x9ckind of\xe2\x80\x9d and "
		     "https://example.com/kind-of and https://x.org/sort but kind of here.");
	CODES(&c->p, "hedge");
	AT(c, c->p.diags.items[0].span, "kind of", 3);
}

static void lint_unclosed_quote_is_prose(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: hedge, category: c, kind: existence, message: m, terms: [kind of]}\n");
	lint_para(c, "A 5\" screen is kind of small.");
	CODES(&c->p, "hedge");
	AT(c, c->p.diags.items[0].span, "kind of", 0);
}

static void lint_except_inside_match(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: subj, category: c, kind: existence, message: m, terms: [appropriate], "
		 "except: [as appropriate, appropriate tone]}\n");
	lint_para(c, "Act as appropriate. Use an appropriate tone. Be appropriate.");
	CODES(&c->p, "subj");
	AT(c, c->p.diags.items[0].span, "appropriate", 2);
}

static void lint_unless_in_sentence(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: cmp, category: c, kind: existence, message: m, terms: [faster], "
		 "unless: [than, compared to]}\n");
	lint_para(c, "Be faster than before. Be faster. Compared to A, be faster.");
	CODES(&c->p, "cmp");
	AT(c, c->p.diags.items[0].span, "faster", 1);
}

static void lint_position_start(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: pron, category: c, kind: existence, message: m, position: start, "
		 "terms: [this means]}\n");
	lint_para(c, "This means a lot. Ask what this means. \"This\" means you. *This means* more.");
	/* The first word of a sentence, also after emphasis; a quoted first
	 * word is not prose. */
	CODES(&c->p, "pron,pron");
	AT(c, c->p.diags.items[0].span, "This means", 0);
	AT(c, c->p.diags.items[1].span, "This means", 1);
}

static void lint_position_paragraph(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: pron, category: c, kind: existence, message: m, position: paragraph, "
		 "terms: [this means]}\n");
	lint(c, HEAD "This means a lot. This means more.\n\n- This means an item.\n\nSo this means less.\n");
	CODES(&c->p, "pron,pron");
	AT(c, c->p.diags.items[0].span, "This means", 0);
	AT(c, c->p.diags.items[1].span, "This means", 2);
}

/* Parenthetical asides hold illustrations: no match that starts in one
 * is reported unless the rule says in-parentheses: true, and count: words
 * leaves their words out. */
static void lint_parenthetical_asides(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: a, category: c, kind: existence, message: m, terms: [usually]}\n"
		 "- {id: b, category: c, kind: existence, message: m, in-parentheses: true, terms: [often]}\n"
		 "- {id: w, category: c, kind: occurrence, count: words, max: 3, message: \"{count}\"}\n");
	lint_para(c, "Act (usually often, as (nested usually) shown) fast. Usually act.");
	CODES(&c->p, "b,a");
	AT(c, c->p.diags.items[0].span, "often", 0);
	AT(c, c->p.diags.items[1].span, "Usually", 0);
}

/* In a spec that gives sections authority levels, rules read only those
 * sections, unless they say sections: all. */
static void lint_normative_sections(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: a, category: c, kind: existence, message: m, terms: [usually]}\n"
		 "- {id: b, category: c, kind: existence, message: m, sections: all, terms: [often]}\n");
	lint(c, "Usually often before any heading.\n\n"
		"# Overview {#overview}\n\nUsually often.\n\n"
		"# Rules {#rules authority=developer}\n\nUsually often.\n\n"
		"## Detail {#detail}\n\nUsually often.\n");
	CODES(&c->p, "b,b,a,b,a,b");
	AT(c, c->p.diags.items[0].span, "often", 0);
	AT(c, c->p.diags.items[1].span, "often", 1);
	AT(c, c->p.diags.items[2].span, "Usually", 2);
	AT(c, c->p.diags.items[4].span, "Usually", 3);
}

static void lint_normative_only(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: vague, category: c, kind: existence, message: m, normative: true, "
		 "terms: [usually]}\n");
	/* Modal verbs make a sentence normative anywhere; imperatives such
	 * as "never" only where they open it. */
	lint_para(c, "Users usually ask. The assistant should usually answer. It must not usually "
		     "stop. Users never usually wait. Never wait, usually.");
	CODES(&c->p, "vague,vague,vague");
	AT(c, c->p.diags.items[0].span, "usually", 1);
	AT(c, c->p.diags.items[1].span, "usually", 2);
	AT(c, c->p.diags.items[2].span, "usually", 4);
}

static void lint_case_sensitive(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: ph, category: c, kind: existence, message: m, case-sensitive: true, "
		 "inflect: false, terms: [TODO, TBD]}\n");
	lint_para(c, "Things todo: TODO, tbd, Tbd and TBD.");
	CODES(&c->p, "ph,ph");
	AT(c, c->p.diags.items[0].span, "TODO", 0);
	AT(c, c->p.diags.items[1].span, "TBD", 0);
}

static void lint_longer_overlap_wins(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: r, category: c, kind: existence, message: \"{match}\", "
		 "terms: [order, in order, in order to, to go]}\n");
	lint_para(c, "We go in order to go.");
	/* One finding per overlapping cluster, the longest phrase. */
	CODES(&c->p, "r");
	AT(c, c->p.diags.items[0].span, "in order to", 0);
}

static void lint_each_occurrence_reported(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: r, category: c, kind: existence, message: m, terms: [etc]}\n");
	lint_para(c, "A, B, etc. and C, D, etc.\n\nE etc.");
	CODES(&c->p, "r,r,r");
	AT(c, c->p.diags.items[0].span, "etc", 0);
	AT(c, c->p.diags.items[1].span, "etc", 1);
	AT(c, c->p.diags.items[2].span, "etc", 2);
}

static void lint_message_template(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: r, category: c, kind: existence, message: \"{match} {nope} {count} {limit} {open\", "
		 "terms: [foo]}\n");
	lint_para(c, "A foo.");
	CODES(&c->p, "r");
	assert_string_equal(c->p.diags.items[0].message, "\"foo\" {nope} 0 0 {open");
}

static void lint_disabled_rule_can_be_enabled(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: r, category: c, kind: existence, message: m, enabled: false, terms: [foo]}\n");
	lint_para(c, "A foo.");
	CODES(&c->p, "");
	/* The same project again, with the rule on. */
	use_severities(c);
	c->sev[0] = SPECC_NOTE;
	assert_int_equal(specc_lint(&c->p, &c->rs, &c->cfg, NULL), SPECC_OK);
	CODES(&c->p, "r");
	assert_int_equal(c->p.diags.items[0].severity, SPECC_NOTE);
	AT(c, c->p.diags.items[0].span, "foo", 0);
}

/* ---- lint: occurrence ---------------------------------------------------- */

static void lint_occurrence_words(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: long, category: c, kind: occurrence, count: words, max: 5, "
		 "message: \"{count} words, limit {limit}\"}\n"
		 "- {id: short, category: c, kind: occurrence, count: words, min: 2, "
		 "message: \"{count} < {limit}\"}\n");
	lint_para(c, "One two three four five. One two three four five six. Hi! Don't stop now.");
	CODES(&c->p, "long,short");
	const specc_diag *d = &c->p.diags.items[0];
	/* The whole sentence, its end mark included. */
	AT(c, d->span, "One two three four five six.", 0);
	assert_string_equal(d->message, "6 words, limit 5");
	d = &c->p.diags.items[1];
	AT(c, d->span, "Hi!", 0);
	assert_string_equal(d->message, "1 < 2");
	/* "Don't stop now." counts 3 words: not the "not" of "n't". */
}

static void lint_occurrence_terms(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: multi, category: c, kind: occurrence, count: [must, should], max: 1, "
		 "except: [how, whether], message: \"{count} requirements\"}\n");
	lint_para(c, "It must greet and must ask. It should greet. It must say how it should greet. "
		     "It must ask how, and it should act.");
	CODES(&c->p, "multi,multi");
	AT(c, c->p.diags.items[0].span, "It must greet and must ask.", 0);
	assert_string_equal(c->p.diags.items[0].message, "2 requirements");
	/* The except word cancels a count up to four tokens after it, unless
	 * punctuation lies between. */
	AT(c, c->p.diags.items[1].span, "It must ask how, and it should act.", 0);
}

static void lint_occurrence_groups(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: mixed, category: c, kind: occurrence, count: [[must, shall], [should]], "
		 "max: 1, message: m}\n");
	lint_para(c, "It must greet and must ask. It must greet and should ask. It shall go and must stay.");
	CODES(&c->p, "mixed");
	AT(c, c->p.diags.items[0].span, "It must greet and should ask.", 0);
}

/* Groups are counted apart however many a rule has (the 32nd and 33rd
 * are not the same as none and the 1st). */
static void lint_occurrence_many_groups(void **state)
{
	struct ctx *c = *state;
	specc_buf b = SPECC_BUF_INIT;
	specc_buf_addstr(&b, "- {id: g, category: c, kind: occurrence, max: 1, message: \"{count}\", count: [");
	for (int i = 1; i <= 40; i++)
		specc_buf_addf(&b, "%s[w%d]", i > 1 ? ", " : "", i);
	specc_buf_addstr(&b, "]}\n");
	int rc = rules(c, b.ptr);
	specc_buf_release(&b);
	assert_int_equal(rc, SPECC_OK);
	lint_para(c, "Say w1 w32. Say w1 w33. Say w1 w2. Say w40 w40.");
	CODES(&c->p, "g,g,g");
	AT(c, c->p.diags.items[0].span, "Say w1 w32.", 0);
	assert_string_equal(c->p.diags.items[0].message, "2");
	AT(c, c->p.diags.items[1].span, "Say w1 w33.", 0);
	AT(c, c->p.diags.items[2].span, "Say w1 w2.", 0);
}

static void lint_occurrence_unless(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: multi, category: c, kind: occurrence, count: [must], max: 1, "
		 "unless: [either], message: m}\n");
	lint_para(c, "It must greet or must ask, either one. It must greet and must ask.");
	CODES(&c->p, "multi");
	AT(c, c->p.diags.items[0].span, "It must greet and must ask.", 0);
}

/* ---- lint: pattern rules -------------------------------------------------- */

static void lint_pattern_whole_match(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: num, category: c, kind: pattern, pattern: '\\d+ ?ms', message: \"{match}\"}\n");
	lint_para(c, "Wait 200ms, then 5 MS.");
	CODES(&c->p, "num,num");
	AT(c, c->p.diags.items[0].span, "200ms", 0);
	/* Case-insensitive unless the rule says otherwise. */
	AT(c, c->p.diags.items[1].span, "5 MS", 0);
	assert_string_equal(c->p.diags.items[0].message, "\"200ms\"");
}

static void lint_pattern_capture_group(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: unit, category: c, kind: pattern, case-sensitive: true, "
		 "pattern: 'at most (\\d+)(?= *[.,])', message: \"{match}\"}\n");
	lint_para(c, "Use at most 3, and At most 4. At most 5 words.");
	CODES(&c->p, "unit");
	AT(c, c->p.diags.items[0].span, "3", 0);
	assert_string_equal(c->p.diags.items[0].message, "\"3\"");
}

static void lint_pattern_skips_code_quotes_urls(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: p, category: c, kind: pattern, pattern: 'foo\\w*', message: m}\n");
	lint_para(c, "`foo` \"foobar\" https://foo.org `a foo b` and foox.");
	CODES(&c->p, "p");
	AT(c, c->p.diags.items[0].span, "foox", 0);
}

/* With "requires", a pattern runs only over the sentences that hold
 * one of those phrases, and a match cannot run past the sentence. */
static void lint_pattern_requires(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: p, category: c, kind: pattern, pattern: 'approved[^.]*', requires: [must, at most 5], "
		 "message: m}\n");
	lint_para(c, "It was approved. It must be approved. Approved at most 12 times. It \"must\" be approved.");
	CODES(&c->p, "p,p");
	AT(c, c->p.diags.items[0].span, "approved", 1);
	AT(c, c->p.diags.items[1].span, "Approved at most 12 times", 0);
}

/* normative: true holds for pattern rules, with or without "requires":
 * a match counts in a normative sentence only. */
static void lint_pattern_normative(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: p, category: c, kind: pattern, normative: true, pattern: 'approved', message: m}\n"
		 "- {id: q, category: c, kind: pattern, normative: true, pattern: 'removed', "
		 "requires: [removed], message: m}\n");
	lint_para(c, "It was approved and removed. It must be approved and removed.");
	CODES(&c->p, "q,p");
	AT(c, c->p.diags.items[0].span, "removed", 1);
	AT(c, c->p.diags.items[1].span, "approved", 1);
}

static void lint_pattern_empty_matches(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: p, category: c, kind: pattern, pattern: '\\b|x*', message: m}\n");
	lint_para(c, "a b.");
	/* Empty matches are not findings, and the scan ends. */
	CODES(&c->p, "");
}

/* ---- lint: suppression and settings --------------------------------------- */

#define TWO_RULES                                                                             \
	"- {id: foo-rule, category: foos, kind: existence, message: m, terms: [foo]}\n"          \
	"- {id: bar-rule, category: bars, kind: existence, message: m, terms: [bar]}\n"

static void lint_disable_next_line(void **state)
{
	struct ctx *c = *state;
	RULES(c, TWO_RULES);
	lint(c, HEAD "<!-- specc-disable-next-line foo-rule -- a reason, foo -->\nfoo bar\nfoo bar\n");
	CODES(&c->p, "bar-rule,foo-rule,bar-rule");
	AT(c, c->p.diags.items[0].span, "bar", 0);
	AT(c, c->p.diags.items[1].span, "foo", 3);
}

static void lint_disable_line(void **state)
{
	struct ctx *c = *state;
	RULES(c, TWO_RULES);
	lint(c, HEAD "foo bar <!-- specc-disable-line foo-rule, bar-rule -->\n\nfoo\n");
	CODES(&c->p, "foo-rule");
	AT(c, c->p.diags.items[0].span, "foo", 2);
}

/* "-- why" gives a reason; it works inline too, where
 * specc-disable-line is written, and the comment is not prose. */
static void lint_disable_line_with_reason(void **state)
{
	struct ctx *c = *state;
	RULES(c, TWO_RULES);
	lint(c, HEAD "foo bar <!-- specc-disable-line foo-rule -- a reason -->\n");
	CODES(&c->p, "bar-rule");
}

static void lint_disable_enable(void **state)
{
	struct ctx *c = *state;
	RULES(c, TWO_RULES);
	lint(c, HEAD "foo bar\n\n<!-- specc-disable foo-rule -->\n\nfoo bar\n\n"
		"<!-- specc-enable foo-rule -->\n\nfoo bar\n\n<!-- specc-disable -->\n\nfoo bar\n");
	CODES(&c->p, "foo-rule,bar-rule,bar-rule,foo-rule,bar-rule");
	AT(c, c->p.diags.items[0].span, "foo", 0);
	AT(c, c->p.diags.items[2].span, "bar", 1);
	AT(c, c->p.diags.items[3].span, "foo", 4);
}

static void lint_disable_category(void **state)
{
	struct ctx *c = *state;
	RULES(c, TWO_RULES);
	lint(c, HEAD "<!-- specc-disable-next-line bars -->\nfoo bar\n");
	CODES(&c->p, "foo-rule");
}

static void lint_enable_without_names_closes_all(void **state)
{
	struct ctx *c = *state;
	RULES(c, TWO_RULES);
	lint(c, HEAD "<!-- specc-disable foo-rule bars -->\n\nfoo bar\n\n<!-- specc-enable -->\n\nfoo bar\n");
	CODES(&c->p, "foo-rule,bar-rule");
	AT(c, c->p.diags.items[0].span, "foo", 2);
}

static void lint_directive_errors(void **state)
{
	struct ctx *c = *state;
	RULES(c, TWO_RULES);
	lint(c, HEAD "<!-- specc-disable-next-line nosuch, foo-rule -->\nfoo\n\n<!-- specc-bogus -->\n");
	CODES(&c->p, "unknown-rule,invalid-directive");
	AT(c, c->p.diags.items[0].span, "<!-- specc-disable-next-line nosuch, foo-rule -->", 0);
	HAS(c->p.diags.items[0].message, "\"nosuch\"");
	AT(c, c->p.diags.items[1].span, "<!-- specc-bogus -->", 0);
}

static void lint_severity_settings(void **state)
{
	struct ctx *c = *state;
	RULES(c, TWO_RULES "- {id: baz-rule, category: c, kind: existence, severity: note, message: m, terms: [baz]}\n");
	use_severities(c);
	c->sev[rule_index(c, "foo-rule")] = SPECC_LINT_OFF;
	c->sev[rule_index(c, "bar-rule")] = SPECC_ERROR;
	lint_para(c, "foo bar baz");
	CODES(&c->p, "bar-rule,baz-rule");
	assert_int_equal(c->p.diags.items[0].severity, SPECC_ERROR);
	assert_int_equal(c->p.diags.items[1].severity, SPECC_NOTE);
	assert_int_equal(c->p.diags.count[SPECC_ERROR], 1);
	assert_int_equal(c->p.diags.count[SPECC_NOTE], 1);
	assert_int_equal(c->p.diags.count[SPECC_WARNING], 0);
}

static void lint_config_from_specc_yaml(void **state)
{
	struct ctx *c = *state;
	static const char yaml[] = "lint:\n"
				   "  rules:\n"
				   "    foo-rule: off\n"
				   "    bars: error\n"
				   "    nosuch: off\n"
				   "  paths:\n"
				   "    - files: \"spec.md\"\n"
				   "      rules: {foo-rule: note}\n"
				   "    - files: \"other/*.md\"\n"
				   "      rules: {bar-rule: off}\n";
	RULES(c, TWO_RULES);
	uint32_t src = specc_project_add_buffer(&c->p, "specc.yaml", yaml, strlen(yaml),
						SPECC_SOURCE_CONFIG);
	c->p.config_source = src;
	assert_int_equal(specc_lint_config_read(&c->cfg, &c->rs, &c->p), SPECC_OK);
	c->use_cfg = true;
	CODES(&c->p, "unknown-rule");
	SPANF(&c->p, c->p.diags.items[0].span, src, "nosuch");
	assert_int_equal(c->cfg.severity[rule_index(c, "foo-rule")], SPECC_LINT_OFF);
	assert_int_equal(c->cfg.severity[rule_index(c, "bar-rule")], SPECC_ERROR);
	assert_int_equal(c->cfg.paths.len, 2);
	lint_para(c, "foo bar");
	/* The path entry turns foo-rule back on, as a note. */
	CODES(&c->p, "unknown-rule,foo-rule,bar-rule");
	assert_int_equal(c->p.diags.items[1].severity, SPECC_NOTE);
	assert_int_equal(c->p.diags.items[2].severity, SPECC_ERROR);
}

/* ---- lint: definitions and spec rules ------------------------------------ */

#define TERM_RULES                                                                             \
	"- {id: drift, category: t, kind: spec, check: terminology-drift, "                    \
	"message: \"{match} is not {replacement}\"}\n"                                            \
	"- {id: before-def, category: t, kind: conditional, message: \"{match} before {replacement}\"}\n"

static void lint_terminology_drift(void **state)
{
	struct ctx *c = *state;
	RULES(c, TERM_RULES);
	lint(c, "# Definitions {#definitions}\n\n"
		"**End user**: a person.\n\n"
		"# Privacy {#privacy}\n\n"
		"An end-user and an end user and two endusers and End Users.\n");
	CODES(&c->p, "drift,drift");
	const specc_diag *d = &c->p.diags.items[0];
	AT(c, d->span, "end-user", 0);
	assert_string_equal(d->message, "\"end-user\" is not End user");
	assert_int_equal(count_related(d), 1);
	AT(c, d->related->span, "End user", 0);
	AT(c, c->p.diags.items[1].span, "endusers", 0);
	/* The fix writes the defined spelling, in the text's case; a plural
	 * gets none. */
	assert_int_equal(count_edits(d), 1);
	AT(c, d->edits->span, "end-user", 0);
	assert_string_equal(d->edits->text, "end user");
	assert_int_equal(count_edits(&c->p.diags.items[1]), 0);
}

/* A term defined as one word drifts when written as two, after its
 * definition as well as before it. */
static void lint_terminology_drift_one_word_term(void **state)
{
	struct ctx *c = *state;
	RULES(c, TERM_RULES);
	lint(c, "# Definitions {#definitions}\n\n"
		"**Dataset**: a set of prompts.\n\n"
		"# Evals {#evals}\n\n"
		"Each dataset, data set and data-set.\n");
	CODES(&c->p, "drift,drift");
	AT(c, c->p.diags.items[0].span, "data set", 0);
	AT(c, c->p.diags.items[1].span, "data-set", 0);
}

static void lint_used_before_definition(void **state)
{
	struct ctx *c = *state;
	RULES(c, TERM_RULES);
	lint(c, "# Scope {#scope}\n\n"
		"The assistant answers every tool call. Each tool call counts.\n\n"
		"# Glossary {#glossary}\n\n"
		"**Tool call:** a request.\n\n"
		"# Later {#later}\n\n"
		"A tool call.\n");
	/* Once per term, at its first use. */
	CODES(&c->p, "before-def");
	const specc_diag *d = &c->p.diags.items[0];
	AT(c, d->span, "tool call", 0);
	assert_string_equal(d->message, "\"tool call\" before Tool call");
	assert_int_equal(count_related(d), 1);
	AT(c, d->related->span, "Tool call", 0);
}

/* normative: true limits used-before-definition to requirements, as it
 * does for the other rules. */
static void lint_used_before_definition_normative(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: before-def, category: t, kind: conditional, normative: true, message: m}\n");
	lint(c, "# Scope {#scope}\n\n"
		"A tool call is a request.\n\n"
		"# Definitions {#definitions}\n\n"
		"**Tool call**: a request.\n");
	CODES(&c->p, "");
}

static void lint_untested_section(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: untested, category: u, kind: spec, check: untested-section, message: \"{match}\"}\n");
	lint(c, "# Refunds {#refunds authority=developer}\n\n"
		"The assistant must offer a refund.\n\n"
		"# Tested {#tested authority=developer}\n\n"
		"The assistant must offer a refund.[^refund_anchor]\n\n"
		"# Background {#background}\n\n"
		"The assistant must offer a refund.\n\n"
		"# Facts {#facts authority=developer}\n\n"
		"Refunds exist.\n\n"
		"# Parent {#parent authority=user}\n\n"
		"The assistant should help.\n\n"
		"## Child {#child}\n\n"
		"It must help.[^child_anchor]\n");
	CODES(&c->p, "untested");
	const specc_diag *d = &c->p.diags.items[0];
	assert_string_equal(d->message, "\"#refunds\"");
	assert_int_equal(d->span.file, c->spec_src);
	assert_int_equal(d->span.start, 0);
}

static void lint_one_sided_example(void **state)
{
	struct ctx *c = *state;
	RULES(c, "- {id: one-sided, category: e, kind: spec, check: one-sided-example, "
		 "message: \"only {match} ({count})\"}\n");
	lint(c, "# Tone {#tone}\n\n"
		"**Example**: one side\n\n"
		"~~~xml\n<user>\nHi\n</user>\n<comparison>\n"
		"<assistant> <!-- GOOD -->\nHello!\n</assistant>\n"
		"<assistant> <!-- GOOD -->\nHi!\n</assistant>\n</comparison>\n~~~\n\n"
		"**Example**: both sides\n\n"
		"~~~xml\n<user>\nHi\n</user>\n<comparison>\n"
		"<assistant> <!-- GOOD -->\nHello!\n</assistant>\n"
		"<assistant> <!-- BAD -->\nWhat?\n</assistant>\n</comparison>\n~~~\n\n"
		"**Example**: bad only\n\n"
		"~~~xml\n<user>\nHi\n</user>\n<comparison>\n<assistant> <!-- BAD -->\nGo away.\n</assistant>\n"
		"</comparison>\n~~~\n");
	CODES(&c->p, "one-sided,one-sided");
	assert_string_equal(c->p.diags.items[0].message, "only \"GOOD\" (2)");
	assert_string_equal(c->p.diags.items[1].message, "only \"BAD\" (1)");
	assert_true(c->p.diags.items[0].span.start < c->p.diags.items[1].span.start);
	assert_int_equal(c->p.diags.items[0].span.file, c->spec_src);
}

/* ---- built-in rules ------------------------------------------------------- */

static void builtin_rules_load_cleanly(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(specc_rules_load_builtin(&c->rs), SPECC_OK);
	assert_int_equal(c->rs.builtin_diags.len, 0);
	assert_true(c->rs.rules.len >= 20);
	assert_int_equal(specc_ruleset_compile(&c->rs), SPECC_OK);
	for (uint32_t i = 0; i < c->rs.rules.len; i++) {
		const specc_rule *r = &c->rs.rules.items[i];
		/* Built-in rules name their file, and each carries at least
		 * one example it must fire on: that is what the self-test
		 * checks them with. */
		assert_string_equal(r->origin + strlen(r->origin) - 5, ".yaml");
		assert_true(r->ex_fire > 0);
	}
}

static void builtin_rules_selftest(void **state)
{
	struct ctx *c = *state;
	uint32_t run = 0, failed = 0;
	assert_int_equal(specc_rules_load_builtin(&c->rs), SPECC_OK);
	specc_ruleset_compile(&c->rs);
	int rc = specc_rules_selftest(&c->rs, stderr, &run, &failed);
	assert_int_equal(failed, 0);
	assert_int_equal(rc, SPECC_OK);
	assert_true(run >= 60);
}

static void selftest_reports_failures(void **state)
{
	struct ctx *c = *state;
	uint32_t run = 0, failed = 0;
	RULES(c, "- id: r\n"
		 "  category: c\n"
		 "  kind: existence\n"
		 "  message: m\n"
		 "  terms: [foo]\n"
		 "  examples:\n"
		 "    fire: [\"a foo\", \"no match\"]\n"
		 "    pass: [\"a bar\", \"foo again\", \"# Own {#own}\\n\\nfoo\\n\"]\n");
	FILE *out = tmpfile();
	assert_non_null(out);
	int rc = specc_rules_selftest(&c->rs, out, &run, &failed);
	char text[1024] = { 0 };
	rewind(out);
	size_t n = fread(text, 1, sizeof text - 1, out);
	fclose(out);
	text[n] = '\0';
	assert_int_equal(rc, SPECC_ESYNTAX);
	assert_int_equal(run, 5);
	assert_int_equal(failed, 3);
	HAS(text, "rules/test.yaml: r: should fire on: no match\n");
	HAS(text, "rules/test.yaml: r: should not fire on: foo again\n");
	HAS(text, "should not fire on: # Own");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(tok_words_and_punctuation),
		T(tok_numbers),
		T(tok_contractions_split),
		T(tok_hyphen_joins_without_token),
		T(tok_url_is_one_token),
		T(tok_masked_code_is_one_token),
		T(tok_straight_quotes_mark_quoted),
		T(tok_curly_quotes_mark_quoted),
		T(tok_unclosed_quote_is_not_quoted),
		T(tok_typographic_apostrophe_inside_word),
		T(tok_non_ascii_words),
		T(tok_sentence_end_flags),
		T(tok_tokens_stay_in_bounds),
		T(tok_straight_apostrophe_in_single_quote),
		T(ac_overlapping_phrases),
		T(ac_shared_prefixes),
		T(ac_failure_links),
		T(ac_inflections_match),
		T(ac_derivations_do_not_match),
		T(ac_inflections_independent_of_rule_order),
		T(ac_exact_forms),
		T(ac_negations_written_one_way),
		T(ac_non_ascii_words),
		T(ac_number_matches_any_number),
		T(ac_punctuation_breaks_phrase),
		T(load_good_file),
		T(load_list_at_top),
		T(load_unknown_kind),
		T(load_bad_regex),
		T(load_missing_keys),
		T(load_id_not_kebab),
		T(load_duplicate_id),
		T(load_terms_not_a_list),
		T(load_terms_list_of_non_strings),
		T(load_swap_not_a_mapping),
		T(load_swap_value_not_a_word),
		T(load_min_not_a_number),
		T(load_bool_and_enum_values),
		T(load_examples_not_a_mapping),
		T(load_unknown_keys_warn_and_keep_the_rule),
		T(load_yaml_syntax_error),
		T(load_empty_file),
		T(load_scalar_file),
		T(load_rule_not_a_mapping),
		T(load_phrase_without_words),
		T(load_occurrence_needs_a_limit),
		T(load_occurrence_count_shapes),
		T(load_occurrence_group_with_non_string),
		T(load_except_and_unless_kinds),
		T(load_requires_only_for_patterns),
		T(load_several_errors_in_one_file),
		T(lint_existence_span),
		T(lint_existence_in_list_heading_table_quote),
		T(lint_substitution_fix),
		T(lint_substitution_no_fix_across_markup),
		T(lint_contraction_span_is_whole_word),
		T(lint_substitution_no_fix_inside_contraction),
		T(lint_skips_code_quotes_urls),
		T(lint_unclosed_quote_is_prose),
		T(lint_except_inside_match),
		T(lint_unless_in_sentence),
		T(lint_position_start),
		T(lint_position_paragraph),
		T(lint_parenthetical_asides),
		T(lint_normative_sections),
		T(lint_normative_only),
		T(lint_case_sensitive),
		T(lint_longer_overlap_wins),
		T(lint_each_occurrence_reported),
		T(lint_message_template),
		T(lint_disabled_rule_can_be_enabled),
		T(lint_occurrence_words),
		T(lint_occurrence_terms),
		T(lint_occurrence_groups),
		T(lint_occurrence_many_groups),
		T(lint_occurrence_unless),
		T(lint_pattern_whole_match),
		T(lint_pattern_capture_group),
		T(lint_pattern_skips_code_quotes_urls),
		T(lint_pattern_requires),
		T(lint_pattern_normative),
		T(lint_pattern_empty_matches),
		T(lint_disable_next_line),
		T(lint_disable_line),
		T(lint_disable_line_with_reason),
		T(lint_disable_enable),
		T(lint_disable_category),
		T(lint_enable_without_names_closes_all),
		T(lint_directive_errors),
		T(lint_severity_settings),
		T(lint_config_from_specc_yaml),
		T(lint_terminology_drift),
		T(lint_terminology_drift_one_word_term),
		T(lint_used_before_definition),
		T(lint_used_before_definition_normative),
		T(lint_untested_section),
		T(lint_one_sided_example),
		T(builtin_rules_load_cleanly),
		T(builtin_rules_selftest),
		T(selftest_reports_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
