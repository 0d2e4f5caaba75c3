/*
 * rules.c - lint rules from YAML, and their compilation into automata.
 *
 * A rule file is a mapping with a "rules" list (or the list itself).  Each
 * rule is checked key by key; a finding points at the key or value it is
 * about, and a rule with an error is dropped while the rest of the file
 * still loads.  docs/lint.md describes the format.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <libstemmer.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#ifdef SPECC_HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include "specc/codes.h"
#include "specc/ydoc.h"
#include "internal.h"

int specc_ruleset_init(specc_ruleset *rs)
{
	memset(rs, 0, sizeof *rs);
	specc_arena_init(&rs->arena);
	specc_diags_init(&rs->builtin_diags);
	rs->stemmer = sb_stemmer_new("english", NULL);
	return rs->stemmer ? SPECC_OK : SPECC_EINVAL;
}

void specc_ruleset_release(specc_ruleset *rs)
{
	for (uint32_t i = 0; i < rs->rules.len; i++) {
		pcre2_match_data_free(rs->rules.items[i].match_data);
		pcre2_code_free(rs->rules.items[i].re);
	}
	SPECC_TABLE_FREE(rs->rules);
	SPECC_TABLE_FREE(rs->phrases);
	SPECC_TABLE_FREE(rs->strs);
	SPECC_TABLE_FREE(rs->seq);
	SPECC_TABLE_FREE(rs->seq_first);
	SPECC_TABLE_FREE(rs->lemma_of);
	specc_map_release(&rs->ids);
	specc_map_release(&rs->stems);
	specc_map_release(&rs->forms);
	specc_ac_release(&rs->ac_stem);
	specc_ac_release(&rs->ac_form);
	if (rs->stemmer)
		sb_stemmer_delete(rs->stemmer);
	specc_sources_release(&rs->builtin_srcs);
	specc_diags_release(&rs->builtin_diags);
	specc_arena_release(&rs->arena);
}

const specc_rule *specc_ruleset_find(const specc_ruleset *rs, const char *id, size_t len)
{
	uint32_t i = specc_map_get(&rs->ids, specc_str_make(id, len));
	return i == SPECC_NONE ? NULL : &rs->rules.items[i];
}

/* ---- phrases -------------------------------------------------------------- */

static uint32_t intern(specc_ruleset *rs, specc_map *m, uint32_t *n, specc_str key)
{
	uint32_t v = specc_map_get(m, key);
	if (v != SPECC_NONE)
		return v;
	key = specc_arena_str(&rs->arena, key.ptr, key.len);
	specc_map_put(m, key, ++*n, NULL);
	if (m == &rs->stems) {
		while (rs->lemma_of.len <= *n) {
			uint32_t self = rs->lemma_of.len;
			*SPECC_PUSH(rs->lemma_of) = self;
		}
	}
	return *n;
}

/* The symbol standing for a's whole class of forms. */
static uint32_t lemma(const specc_ruleset *rs, uint32_t a)
{
	while (a < rs->lemma_of.len && rs->lemma_of.items[a] != a)
		a = rs->lemma_of.items[a];
	return a;
}

/* "try" and "tries" named by two rules are one word: their symbols are
 * joined, so either phrase matches either form. */
static void join(specc_ruleset *rs, uint32_t a, uint32_t b)
{
	a = lemma(rs, a);
	b = lemma(rs, b);
	if (a != b)
		rs->lemma_of.items[a > b ? a : b] = a < b ? a : b;
}

/* Whether w is a plain lower-case word (inflections are generated only
 * for those). */
static bool is_plain_word(const char *w, size_t n)
{
	if (n < 2)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(w[i] >= 'a' && w[i] <= 'z') && w[i] != '\'')
			return false;
	return true;
}

static bool is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/*
 * Maps the inflections of word w (plural and verb endings, possessive) to
 * its symbol, so "try to" matches "tries to" and "tried to".  Derivations
 * are not inflections: a stemmer alone would make "several" match
 * "severe" and "reasonable" match "reasons".  A candidate is kept only if
 * Snowball gives it the same stem as w, which filters out endings that
 * make another word.
 */
static void add_inflections(specc_ruleset *rs, const char *w, size_t n, uint32_t sym)
{
	static const char *const plain[] = { "s", "es", "ed", "d", "ing", "'s" };
	char stem_w[64], buf[80];
	specc_str st;

	if (!is_plain_word(w, n) || n + 5 >= sizeof buf || n >= sizeof stem_w)
		return;
	st = specc_stem(rs, w, n);
	if (st.len >= sizeof stem_w)
		return;
	memcpy(stem_w, st.ptr, st.len);
	size_t sl = st.len;

	for (int variant = 0; variant < 4; variant++) {
		for (size_t k = 0; k < SPECC_ARRAY_SIZE(plain); k++) {
			size_t bl = n;
			memcpy(buf, w, n);
			if (variant == 1) { /* make -> making, made */
				if (w[n - 1] != 'e')
					break;
				bl = n - 1;
			} else if (variant == 2) { /* try -> tries, tried */
				if (w[n - 1] != 'y' || is_vowel(w[n - 2]))
					break;
				buf[n - 1] = 'i';
			} else if (variant == 3) { /* stop -> stopped, stopping */
				if (is_vowel(w[n - 1]) || !is_vowel(w[n - 2]) || w[n - 1] == 'w' ||
				    w[n - 1] == 'x' || w[n - 1] == 'y')
					break;
				buf[bl++] = w[n - 1];
			}
			size_t el = strlen(plain[k]);
			memcpy(buf + bl, plain[k], el);
			bl += el;
			uint32_t have = specc_map_get(&rs->stems, specc_str_make(buf, bl));
			if (have != SPECC_NONE) {
				if (have != sym)
					join(rs, have, sym);
				continue;
			}
			specc_str cs = specc_stem(rs, buf, bl);
			if (cs.len != sl || memcmp(cs.ptr, stem_w, sl))
				continue;
			specc_map_put(&rs->stems, specc_arena_str(&rs->arena, buf, bl), sym, NULL);
		}
	}
}

/* Tokenizes a phrase the way prose is tokenized and appends its symbols.
 * Returns the number of tokens, 0 when it has none that can match. */
static uint32_t phrase_symbols(specc_ruleset *rs, const char *text, bool exact)
{
	specc_toks toks = { 0 };
	specc_buf b = SPECC_BUF_INIT;
	uint32_t n = 0;

	specc_tokenize(text, strlen(text), NULL, &toks);
	for (uint32_t i = 0; i < toks.len; i++) {
		specc_tok *t = &toks.items[i];
		if (t->flags & (SPECC_TOK_CODE | SPECC_TOK_URL)) {
			n = 0;
			break;
		}
		if (t->a == t->b) {
			specc_buf_reset(&b);
			specc_buf_addstr(&b, "not");
		} else {
			specc_tok_fold(text, t, &b);
		}
		/* "can't" splits into "ca" + "not": name the verb. */
		if (i + 1 < toks.len && toks.items[i + 1].a == toks.items[i + 1].b) {
			if (b.len == 2 && !memcmp(b.ptr, "ca", 2)) {
				specc_buf_reset(&b);
				specc_buf_addstr(&b, "can");
			} else if (b.len == 2 && !memcmp(b.ptr, "wo", 2)) {
				specc_buf_reset(&b);
				specc_buf_addstr(&b, "will");
			} else if (b.len == 3 && !memcmp(b.ptr, "sha", 3)) {
				specc_buf_reset(&b);
				specc_buf_addstr(&b, "shall");
			}
		}
		uint32_t sym;
		/* A number in a phrase stands for any number. */
		if (t->flags & SPECC_TOK_NUM) {
			specc_buf_reset(&b);
			specc_buf_addstr(&b, "\x01#");
		}
		if (exact) {
			sym = intern(rs, &rs->forms, &rs->nforms, specc_str_make(b.ptr, b.len));
			if (t->flags & SPECC_TOK_NUM)
				rs->num_form = sym;
		} else if (t->flags & SPECC_TOK_NUM) {
			sym = rs->num_stem = intern(rs, &rs->stems, &rs->nstems, specc_str_make(b.ptr, b.len));
		} else {
			uint32_t before = rs->nstems;
			sym = intern(rs, &rs->stems, &rs->nstems, specc_str_make(b.ptr, b.len));
			if (rs->nstems != before)
				add_inflections(rs, b.ptr, b.len, sym);
		}
		*SPECC_PUSH(rs->seq) = sym;
		n++;
	}
	SPECC_TABLE_FREE(toks);
	specc_buf_release(&b);
	return n;
}

static void add_phrase(specc_ruleset *rs, uint32_t rule, specc_phrase_role role, uint8_t group,
		       bool exact, const char *text, const char *replacement)
{
	uint32_t first = rs->seq.len;
	specc_phrase *ph = SPECC_PUSH(rs->phrases);

	ph->rule = rule;
	ph->role = (uint8_t)role;
	ph->group = group;
	ph->exact = exact;
	ph->text = text;
	ph->replacement = replacement;
	*SPECC_PUSH(rs->seq_first) = first;
	rs->phrases.items[rs->phrases.len - 1].ntok = phrase_symbols(rs, text, exact);
}

int specc_ruleset_compile(specc_ruleset *rs)
{
	/* The words that make a sentence normative: they state what the
	 * assistant must or should do. */
	static const char *const normative[] = {
		"must", "shall", "should", "ought to", "required to", "need to", "needs to",
		"have to", "has to", "encouraged to",
	};
	/* Imperatives count only where they open the sentence: "Never
	 * reveal ..." states a rule, "users never see ..." a fact. */
	static const char *const imperative[] = {
		"do not", "never", "always", "avoid", "refuse", "ideally",
	};
	rs->normative_first = rs->phrases.len;
	/* Exact forms: "needed to" and "refused" state facts. */
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(normative); i++)
		add_phrase(rs, SPECC_NONE, SPECC_PHRASE_MATCH, 0, true, normative[i], NULL);
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(imperative); i++)
		add_phrase(rs, SPECC_NONE, SPECC_PHRASE_MATCH, 1, true, imperative[i], NULL);
	rs->normative_count = rs->phrases.len - rs->normative_first;
	/* Joined symbols: phrases and the word table use each class's
	 * representative. */
	for (uint32_t p = 0; p < rs->phrases.len; p++) {
		if (rs->phrases.items[p].exact)
			continue;
		uint32_t *seq = rs->seq.items + rs->seq_first.items[p];
		for (uint32_t k = 0; k < rs->phrases.items[p].ntok; k++)
			seq[k] = lemma(rs, seq[k]);
	}
	for (uint32_t i = 0; i < rs->stems.cap; i++)
		if (rs->stems.slots[i].key.ptr)
			rs->stems.slots[i].value = lemma(rs, rs->stems.slots[i].value);
	specc_ac_build(&rs->ac_stem, rs, false, rs->nstems);
	specc_ac_build(&rs->ac_form, rs, true, rs->nforms);
	rs->compiled = true;
	return SPECC_OK;
}

/* ---- YAML ----------------------------------------------------------------- */

struct loader {
	specc_ruleset *rs;
	specc_ydoc y;
	const char *origin;
	bool bad;                /* the rule being read has an error */
	const specc_code *code;
};

static const char *text_of(struct loader *l, yaml_node_t *n)
{
	return specc_arena_strndup(&l->rs->arena, (const char *)n->data.scalar.value,
				   n->data.scalar.length);
}

static specc_diag *problem(struct loader *l, yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Reports an error in the rule being read, which then is not loaded. */
static specc_diag *problem(struct loader *l, yaml_node_t *n, const char *fmt, ...)
{
	specc_buf b = SPECC_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	specc_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	specc_diag *d = specc_diag_add(l->y.diags, l->code, specc_ydoc_span(&l->y, n), "%s", b.ptr);
	specc_buf_release(&b);
	l->bad = true;
	return d;
}

static bool want_scalar(struct loader *l, yaml_node_t *k, yaml_node_t *v)
{
	if (v->type == YAML_SCALAR_NODE)
		return true;
	specc_ydoc_wrong_shape(&l->y, l->code, v, (const char *)k->data.scalar.value,
			       "a single value");
	l->bad = true;
	return false;
}

static bool read_bool(struct loader *l, yaml_node_t *k, yaml_node_t *v, bool *out)
{
	if (!want_scalar(l, k, v))
		return false;
	const char *s = (const char *)v->data.scalar.value;
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
		*out = true;
	else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
		*out = false;
	else {
		specc_ydoc_wrong_shape(&l->y, l->code, v, (const char *)k->data.scalar.value,
				       "true or false");
		l->bad = true;
		return false;
	}
	return true;
}

static bool read_uint(struct loader *l, yaml_node_t *k, yaml_node_t *v, uint32_t *out)
{
	if (!want_scalar(l, k, v))
		return false;
	const char *s = (const char *)v->data.scalar.value;
	char *end;
	errno = 0;
	unsigned long x = strtoul(s, &end, 10);
	if (!*s || *end || errno || x > 100000 || s[0] == '-') {
		specc_ydoc_wrong_shape(&l->y, l->code, v, (const char *)k->data.scalar.value,
				       "a whole number from 0 to 100000");
		l->bad = true;
		return false;
	}
	*out = (uint32_t)x;
	return true;
}

/* Calls fn for each string of a scalar or a list of scalars; key names
 * the value in messages. */
static bool each_string(struct loader *l, const char *key, yaml_node_t *v,
			void (*fn)(struct loader *, yaml_node_t *, void *), void *ctx)
{
	if (v->type == YAML_SCALAR_NODE) {
		fn(l, v, ctx);
		return true;
	}
	if (v->type != YAML_SEQUENCE_NODE) {
		specc_ydoc_wrong_shape(&l->y, l->code, v, key, "a list of strings");
		l->bad = true;
		return false;
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = specc_ydoc_node(&l->y, *it);
		if (!e || e->type != YAML_SCALAR_NODE) {
			specc_ydoc_wrong_shape(&l->y, l->code, e ? e : v, key, "a list of strings");
			l->bad = true;
			return false;
		}
		fn(l, e, ctx);
	}
	return true;
}

/* What a rule is read into before it is accepted. */
struct draft {
	specc_rule r;
	yaml_node_t *node;
	yaml_node_t *terms, *swap, *except, *unless, *count, *pattern, *fire, *pass, *requires;
	yaml_node_t *kind_node;
	bool has_kind, has_check, enabled;
	uint32_t flags;          /* PCRE2 options */
};

static void scope_one(struct loader *l, yaml_node_t *n, void *ctx)
{
	static const struct {
		const char *name;
		uint32_t bits;
	} names[] = {
		{ "paragraph", SPECC_SCOPE_PARAGRAPH },   { "list-item", SPECC_SCOPE_LIST_ITEM },
		{ "heading", SPECC_SCOPE_HEADING },       { "table-cell", SPECC_SCOPE_TABLE_CELL },
		{ "quote", SPECC_SCOPE_QUOTE },           { "commentary", SPECC_SCOPE_COMMENTARY },
		{ "prose", SPECC_SCOPE_PARAGRAPH | SPECC_SCOPE_LIST_ITEM | SPECC_SCOPE_TABLE_CELL |
				   SPECC_SCOPE_QUOTE },
	};
	struct draft *d = ctx;
	const char *s = (const char *)n->data.scalar.value;
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].name)) {
			d->r.scopes |= names[i].bits;
			return;
		}
	specc_diag *dg = problem(l, n, "unknown scope \"%s\"", specc_diag_quote(l->y.diags, s, strlen(s), 40));
	specc_diag_help(l->y.diags, dg,
			"scopes are prose (paragraphs, list items, table cells and quotes), paragraph, list-item, heading, table-cell, quote and commentary");
}

static void example_one(struct loader *l, yaml_node_t *n, void *ctx)
{
	(void)ctx;
	*SPECC_PUSH(l->rs->strs) = text_of(l, n);
}

static void phrase_one(struct loader *l, yaml_node_t *n, void *ctx)
{
	struct { struct draft *d; specc_phrase_role role; uint8_t group; uint32_t rule; } *pc = ctx;
	const char *t = text_of(l, n);
	uint32_t before = l->rs->phrases.len;

	add_phrase(l->rs, pc->rule, pc->role, pc->group, !pc->d->r.inflect, t, NULL);
	if (!l->rs->phrases.items[before].ntok)
		problem(l, n, "\"%s\" has no words to match", specc_diag_quote(l->y.diags, t, strlen(t), 40));
}

static bool is_rule_id(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static const char *const KINDS[] = { "existence", "substitution", "occurrence", "conditional",
				     "pattern", "spec" };
static const char *const CHECKS[] = { "untested-section", "one-sided-example",
				      "terminology-drift" };

/* Reads the keys of one rule into d; reports what is wrong. */
static void read_keys(struct loader *l, struct draft *d)
{
	static const char known[] =
		"id, category, severity, kind, message, rationale, link, scope, terms, swap, "
		"except, unless, count, min, max, inflect, case-sensitive, normative, position, "
		"pattern, requires, check, sections, in-parentheses, enabled and examples";
	yaml_node_t *n = d->node;

	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = specc_ydoc_node(&l->y, pr->key);
		yaml_node_t *v = specc_ydoc_node(&l->y, pr->value);
		if (!k || !v)
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			problem(l, k, "a rule's keys must be plain words");
			continue;
		}
		const char *key = (const char *)k->data.scalar.value;
		if (!strcmp(key, "id")) {
			if (want_scalar(l, k, v)) {
				d->r.code.id = text_of(l, v);
				if (!is_rule_id(d->r.code.id)) {
					specc_diag *dg = problem(l, v, "rule id \"%s\" is not kebab-case", specc_diag_quote(l->y.diags, d->r.code.id,
										  strlen(d->r.code.id), 40));
					specc_diag_help(l->y.diags, dg,
							"use lower-case letters, digits and hyphens, such as vague-quantifier");
				}
			}
		} else if (!strcmp(key, "category")) {
			if (want_scalar(l, k, v))
				d->r.category = text_of(l, v);
		} else if (!strcmp(key, "severity")) {
			if (want_scalar(l, k, v)) {
				const char *s = (const char *)v->data.scalar.value;
				if (!strcmp(s, "error"))
					d->r.code.severity = SPECC_ERROR;
				else if (!strcmp(s, "warning"))
					d->r.code.severity = SPECC_WARNING;
				else if (!strcmp(s, "note"))
					d->r.code.severity = SPECC_NOTE;
				else
					specc_ydoc_wrong_shape(&l->y, l->code, v, "severity",
							       "note, warning or error"),
						l->bad = true;
			}
		} else if (!strcmp(key, "kind")) {
			if (want_scalar(l, k, v)) {
				const char *s = (const char *)v->data.scalar.value;
				size_t i;
				for (i = 0; i < SPECC_ARRAY_SIZE(KINDS); i++)
					if (!strcmp(s, KINDS[i]))
						break;
				if (i == SPECC_ARRAY_SIZE(KINDS)) {
					specc_diag *dg = problem(l, v, "unknown rule kind \"%s\"", specc_diag_quote(l->y.diags, s, strlen(s), 40));
					specc_diag_help(l->y.diags, dg,
							"kinds are existence, substitution, occurrence, conditional, pattern and spec");
				} else {
					d->r.kind = (uint8_t)i;
					d->has_kind = true;
					d->kind_node = v;
				}
			}
		} else if (!strcmp(key, "message")) {
			if (want_scalar(l, k, v))
				d->r.message = text_of(l, v);
		} else if (!strcmp(key, "rationale")) {
			if (want_scalar(l, k, v))
				d->r.rationale = text_of(l, v);
		} else if (!strcmp(key, "link")) {
			if (want_scalar(l, k, v))
				d->r.link = text_of(l, v);
		} else if (!strcmp(key, "scope")) {
			d->r.scopes = 0;
			each_string(l, "scope", v, scope_one, d);
		} else if (!strcmp(key, "terms")) {
			d->terms = v;
		} else if (!strcmp(key, "requires")) {
			d->requires = v;
		} else if (!strcmp(key, "swap")) {
			d->swap = v;
		} else if (!strcmp(key, "except")) {
			d->except = v;
		} else if (!strcmp(key, "unless")) {
			d->unless = v;
		} else if (!strcmp(key, "count")) {
			d->count = v;
		} else if (!strcmp(key, "min")) {
			read_uint(l, k, v, &d->r.min);
		} else if (!strcmp(key, "max")) {
			read_uint(l, k, v, &d->r.max);
		} else if (!strcmp(key, "inflect")) {
			read_bool(l, k, v, &d->r.inflect);
		} else if (!strcmp(key, "case-sensitive")) {
			read_bool(l, k, v, &d->r.case_sensitive);
		} else if (!strcmp(key, "normative")) {
			read_bool(l, k, v, &d->r.normative);
		} else if (!strcmp(key, "enabled")) {
			read_bool(l, k, v, &d->enabled);
		} else if (!strcmp(key, "in-parentheses")) {
			read_bool(l, k, v, &d->r.in_parentheses);
		} else if (!strcmp(key, "sections")) {
			if (want_scalar(l, k, v)) {
				const char *s = (const char *)v->data.scalar.value;
				if (!strcmp(s, "all"))
					d->r.all_sections = true;
				else if (strcmp(s, "normative"))
					specc_ydoc_wrong_shape(&l->y, l->code, v, "sections",
							       "normative or all"),
						l->bad = true;
			}
		} else if (!strcmp(key, "position")) {
			if (want_scalar(l, k, v)) {
				const char *s = (const char *)v->data.scalar.value;
				if (!strcmp(s, "start"))
					d->r.sentence_start = true;
				else if (!strcmp(s, "paragraph"))
					d->r.sentence_start = d->r.paragraph_start = true;
				else if (strcmp(s, "any"))
					specc_ydoc_wrong_shape(&l->y, l->code, v, "position",
							       "start, paragraph or any"),
						l->bad = true;
			}
		} else if (!strcmp(key, "pattern")) {
			if (want_scalar(l, k, v))
				d->pattern = v;
		} else if (!strcmp(key, "check")) {
			if (want_scalar(l, k, v)) {
				const char *s = (const char *)v->data.scalar.value;
				size_t i;
				for (i = 0; i < SPECC_ARRAY_SIZE(CHECKS); i++)
					if (!strcmp(s, CHECKS[i]))
						break;
				if (i == SPECC_ARRAY_SIZE(CHECKS)) {
					specc_diag *dg = problem(l, v, "unknown spec check \"%s\"", specc_diag_quote(l->y.diags, s, strlen(s), 40));
					specc_diag_help(l->y.diags, dg,
							"checks are untested-section, one-sided-example and terminology-drift");
				} else {
					d->r.check = (uint8_t)i;
					d->has_check = true;
				}
			}
		} else if (!strcmp(key, "examples")) {
			if (v->type != YAML_MAPPING_NODE) {
				specc_ydoc_wrong_shape(&l->y, l->code, v, "examples",
						       "a mapping with \"fire\" and \"pass\" lists");
				l->bad = true;
				continue;
			}
			for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
			     q < v->data.mapping.pairs.top; q++) {
				yaml_node_t *ek = specc_ydoc_node(&l->y, q->key);
				yaml_node_t *ev = specc_ydoc_node(&l->y, q->value);
				if (!ek || !ev)
					continue;
				if (specc_ydoc_key_is(ek, "fire"))
					d->fire = ev;
				else if (specc_ydoc_key_is(ek, "pass"))
					d->pass = ev;
				else
					specc_ydoc_unknown_key(&l->y, SPECC_CODE(UNKNOWN_RULE_KEY), ek,
							       "fire and pass");
			}
		} else {
			specc_ydoc_unknown_key(&l->y, SPECC_CODE(UNKNOWN_RULE_KEY), k, known);
		}
	}
}

static bool require(struct loader *l, struct draft *d, const void *have, const char *key,
		    const char *why)
{
	if (have)
		return true;
	specc_diag *dg = problem(l, d->node, "this rule has no \"%s\"%s", key, why);
	specc_diag_help(l->y.diags, dg, "see docs/lint.md for the keys a rule needs");
	return false;
}

static void compile_pattern(struct loader *l, struct draft *d)
{
	int err;
	PCRE2_SIZE off;
	const char *src = (const char *)d->pattern->data.scalar.value;
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;

	if (!d->r.case_sensitive)
		opts |= PCRE2_CASELESS;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, d->pattern->data.scalar.length, opts, &err,
				       &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof msg);
		specc_diag *dg = problem(l, d->pattern, "this pattern is not a valid regular expression: %s", (const char *)msg);
		specc_diag_help(l->y.diags, dg, "the error is at character %zu of the pattern (PCRE2 syntax)",
				(size_t)off + 1);
		return;
	}
	/* JIT is an optimisation: without it (some platforms), matching
	 * still works, only slower.  Under valgrind it is skipped: valgrind
	 * cannot follow JIT-generated code and reports false errors in it. */
#ifdef SPECC_HAVE_VALGRIND_H
	if (!RUNNING_ON_VALGRIND)
#endif
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	d->r.re = re;
	d->r.match_data = pcre2_match_data_create_from_pattern(re, NULL);
}

/* One sentence for rule tables and SARIF: the rationale's first, or the
 * message with its placeholders spelled out. */
static const char *summary_of(specc_ruleset *rs, const specc_rule *r)
{
	specc_buf b = SPECC_BUF_INIT;
	const char *s = r->rationale ? r->rationale : r->message;
	const char *end = s;

	if (r->rationale) {
		while (*end && !(end[0] == '.' && (end[1] == ' ' || end[1] == '\n' || !end[1])))
			end++;
		if (*end)
			end++;
		specc_buf_add(&b, s, (size_t)(end - s));
	} else {
		for (; *s; s++) {
			if (*s == '{') {
				const char *c = strchr(s, '}');
				if (c) {
					specc_buf_addstr(&b, "the words");
					s = c;
					continue;
				}
			}
			specc_buf_addch(&b, *s);
		}
	}
	for (size_t i = 0; i < b.len; i++)
		if (b.ptr[i] == '\n')
			b.ptr[i] = ' ';
	const char *out = specc_arena_strndup(&rs->arena, b.ptr ? b.ptr : "", b.len);
	specc_buf_release(&b);
	return out;
}

/* Checks that the keys fit the kind, then adds the rule and its phrases. */
static void accept_rule(struct loader *l, struct draft *d)
{
	specc_ruleset *rs = l->rs;
	uint32_t idx = rs->rules.len;
	uint32_t phrases_before = rs->phrases.len, seq_before = rs->seq.len;
	uint32_t strs_before = rs->strs.len;
	struct { struct draft *d; specc_phrase_role role; uint8_t group; uint32_t rule; } pc = {
		d, SPECC_PHRASE_MATCH, 0, idx
	};

	if (!require(l, d, d->r.code.id, "id", "") || !require(l, d, d->r.category, "category", "") ||
	    !require(l, d, d->has_kind ? d : NULL, "kind", "") ||
	    !require(l, d, d->r.message, "message", ""))
		return;
	if (specc_map_get(&rs->ids, specc_str_make(d->r.code.id, strlen(d->r.code.id))) != SPECC_NONE) {
		problem(l, d->node, "a rule named \"%s\" is already loaded%s", d->r.code.id,
			"; rule ids are unique across the built-in and project rules");
		return;
	}
	switch (d->r.kind) {
	case SPECC_RULE_EXISTENCE:
		if (!require(l, d, d->terms, "terms", ", the words it looks for"))
			return;
		each_string(l, "terms", d->terms, phrase_one, &pc);
		break;
	case SPECC_RULE_SUBSTITUTION:
		if (!require(l, d, d->swap, "swap", ", the words to replace and their replacements"))
			return;
		if (d->swap->type != YAML_MAPPING_NODE) {
			specc_ydoc_wrong_shape(&l->y, l->code, d->swap, "swap",
					       "a mapping from the words to replace to the preferred ones");
			l->bad = true;
			break;
		}
		for (yaml_node_pair_t *q = d->swap->data.mapping.pairs.start;
		     q < d->swap->data.mapping.pairs.top; q++) {
			yaml_node_t *k = specc_ydoc_node(&l->y, q->key), *v = specc_ydoc_node(&l->y, q->value);
			if (!k || !v || k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE) {
				specc_ydoc_wrong_shape(&l->y, l->code, k ? k : d->swap, "swap",
						       "a mapping from words to words");
				l->bad = true;
				break;
			}
			uint32_t before = rs->phrases.len;
			/* The replacement fits the words as written, not their
			 * inflections: substitutions match exact forms. */
			add_phrase(rs, idx, SPECC_PHRASE_MATCH, 0, true, text_of(l, k), text_of(l, v));
			if (!rs->phrases.items[before].ntok)
				problem(l, k, "\"%s\" has no words to match", text_of(l, k));
		}
		break;
	case SPECC_RULE_OCCURRENCE:
		if (!require(l, d, d->count, "count", ": words, or the terms to count")) 
			return;
		if (d->count->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)d->count->data.scalar.value, "words")) {
			d->r.count_words = true;
		} else if (d->count->type == YAML_SEQUENCE_NODE) {
			/* A list of terms, or a list of lists: groups, of which
			 * the rule counts how many appear. */
			uint8_t group = 0;
			pc.role = SPECC_PHRASE_COUNT;
			for (yaml_node_item_t *it = d->count->data.sequence.items.start;
			     it < d->count->data.sequence.items.top; it++) {
				yaml_node_t *e = specc_ydoc_node(&l->y, *it);
				if (e && e->type == YAML_SEQUENCE_NODE) {
					d->r.needs_pair = true;
					if (group == 255) {
						problem(l, e, "\"count\" has more than 255 groups of terms");
						break;
					}
					pc.group = ++group;
					each_string(l, "count", e, phrase_one, &pc);
				} else if (e && e->type == YAML_SCALAR_NODE) {
					pc.group = 0;
					phrase_one(l, e, &pc);
				} else {
					problem(l, e ? e : d->count, "\"count\" must be words, a list of terms or a list of lists of terms");
				}
			}
		} else {
			specc_ydoc_wrong_shape(&l->y, l->code, d->count, "count",
					       "words, a list of terms or a list of lists of terms");
			l->bad = true;
		}
		if (!d->r.min && !d->r.max)
			problem(l, d->node, "an occurrence rule needs \"min\" or \"max\"");
		break;
	case SPECC_RULE_CONDITIONAL:
		break;
	case SPECC_RULE_PATTERN:
		if (!require(l, d, d->pattern, "pattern", ", a PCRE2 regular expression"))
			return;
		compile_pattern(l, d);
		if (d->requires) {
			pc.role = SPECC_PHRASE_REQUIRE;
			pc.group = 0;
			each_string(l, "requires", d->requires, phrase_one, &pc);
			d->r.has_requires = true;
		}
		break;
	case SPECC_RULE_SPEC:
		if (!require(l, d, d->has_check ? d : NULL, "check",
			     ": untested-section, one-sided-example or terminology-drift"))
			return;
		break;
	}
	if (d->except && (d->r.kind <= SPECC_RULE_SUBSTITUTION || d->r.kind == SPECC_RULE_OCCURRENCE)) {
		pc.role = SPECC_PHRASE_EXCEPT;
		pc.group = 0;
		each_string(l, "except", d->except, phrase_one, &pc);
	} else if (d->except) {
		problem(l, d->except, "\"except\" applies only to existence, substitution and occurrence rules");
	}
	if (d->unless && d->r.kind <= SPECC_RULE_OCCURRENCE) {
		pc.role = SPECC_PHRASE_UNLESS;
		pc.group = 0;
		each_string(l, "unless", d->unless, phrase_one, &pc);
	} else if (d->unless) {
		problem(l, d->unless, "\"unless\" applies only to existence, substitution and occurrence rules");
	}
	if (d->requires && d->r.kind != SPECC_RULE_PATTERN)
		problem(l, d->requires, "\"requires\" applies only to pattern rules");
	d->r.ex_first = rs->strs.len;
	if (d->fire)
		each_string(l, "examples.fire", d->fire, example_one, NULL);
	d->r.ex_fire = rs->strs.len - d->r.ex_first;
	if (d->pass)
		each_string(l, "examples.pass", d->pass, example_one, NULL);
	d->r.ex_pass = rs->strs.len - d->r.ex_first - d->r.ex_fire;
	if (l->bad) {
		rs->phrases.len = phrases_before;
		rs->seq_first.len = phrases_before;
		rs->seq.len = seq_before;
		rs->strs.len = strs_before;
		pcre2_match_data_free(d->r.match_data);
		pcre2_code_free(d->r.re);
		return;
	}
	d->r.off_by_default = !d->enabled;
	d->r.code.summary = summary_of(rs, &d->r);
	d->r.code.help = d->r.rationale;
	d->r.code.help_uri = d->r.link;
	d->r.origin = l->origin;
	*SPECC_PUSH(rs->rules) = d->r;
	rs->rules.items[idx].span = specc_ydoc_span(&l->y, d->node);
	specc_map_put(&rs->ids, specc_str_make(d->r.code.id, strlen(d->r.code.id)), idx, NULL);
}

int specc_rules_load(specc_ruleset *rs, specc_sources *srcs, specc_diags *diags, uint32_t file)
{
	struct loader l = { .rs = rs, .code = SPECC_CODE(INVALID_RULE) };
	yaml_node_t *root, *list = NULL;
	int rc = SPECC_OK;

	l.origin = srcs->items[file].path;
	if (specc_ydoc_load(&l.y, srcs, diags, file, 0, srcs->items[file].len) != SPECC_OK) {
		specc_ydoc_release(&l.y);
		return SPECC_ESYNTAX;
	}
	l.y.doc_page = "docs/lint.md";
	root = yaml_document_get_root_node(&l.y.doc);
	if (!root || (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0))
		goto out;
	if (root->type == YAML_SEQUENCE_NODE) {
		list = root;
	} else if (root->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
		     pr < root->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = specc_ydoc_node(&l.y, pr->key);
			yaml_node_t *v = specc_ydoc_node(&l.y, pr->value);
			if (k && v && specc_ydoc_key_is(k, "rules"))
				list = v;
			else if (k)
				specc_ydoc_unknown_key(&l.y, SPECC_CODE(UNKNOWN_RULE_KEY), k, "rules");
		}
	}
	if (!list || list->type != YAML_SEQUENCE_NODE) {
		specc_diag *d = specc_diag_add(diags, l.code, specc_ydoc_span(&l.y, list ? list : root),
					       "a rule file must hold a list of rules");
		specc_diag_help(diags, d, "write \"rules:\" followed by one \"- id: ...\" mapping per rule");
		rc = SPECC_ESYNTAX;
		goto out;
	}
	for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top;
	     it++) {
		yaml_node_t *n = specc_ydoc_node(&l.y, *it);
		struct draft d;
		if (!n)
			continue;
		if (n->type != YAML_MAPPING_NODE) {
			specc_diag *dg = specc_diag_add(diags, l.code, specc_ydoc_span(&l.y, n),
							"each rule must be a mapping of keys to values");
			specc_diag_help(diags, dg, "start each rule with \"- id: ...\"");
			rc = SPECC_ESYNTAX;
			continue;
		}
		memset(&d, 0, sizeof d);
		d.node = n;
		d.enabled = true;
		d.r.code.severity = SPECC_WARNING;
		d.r.inflect = true;
		/* Commentary explains the spec; it does not instruct, so it is
		 * out of scope unless a rule names it. */
		d.r.scopes = SPECC_SCOPE_PARAGRAPH | SPECC_SCOPE_LIST_ITEM | SPECC_SCOPE_TABLE_CELL |
			     SPECC_SCOPE_QUOTE;
		l.bad = false;
		read_keys(&l, &d);
		if (!l.bad)
			accept_rule(&l, &d);
		if (l.bad)
			rc = SPECC_ESYNTAX;
	}
out:
	specc_ydoc_release(&l.y);
	return rc;
}

int specc_rules_load_builtin(specc_ruleset *rs)
{
	int rc = SPECC_OK;

	for (const specc_builtin_file *f = specc_builtin_rules; f->name; f++) {
		size_t n = strlen(f->text);
		char *data = specc_xmalloc(n + 1);
		uint32_t idx;
		memcpy(data, f->text, n + 1);
		specc_sources_add(&rs->builtin_srcs, f->name, data, (uint32_t)n, SPECC_SOURCE_RULES, &idx);
		if (specc_rules_load(rs, &rs->builtin_srcs, &rs->builtin_diags, idx) != SPECC_OK)
			rc = SPECC_ESYNTAX;
	}
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int specc_rules_load_dir(specc_ruleset *rs, specc_project *p, const char *dir, bool optional)
{
	DIR *d = opendir(dir);
	SPECC_TABLE(char *) names = { 0 };
	struct dirent *e;
	int rc = SPECC_OK;

	if (!d) {
		if (optional && errno == ENOENT)
			return SPECC_OK;
		specc_diag *dg = specc_diag_add(&p->diags, SPECC_CODE(IO_ERROR), SPECC_SPAN_NONE,
						"cannot read the rules folder %s: %s", dir, strerror(errno));
		specc_diag_help(&p->diags, dg, "check lint.rules-dir in specc.yaml");
		return SPECC_EIO;
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		if ((n > 5 && !strcmp(e->d_name + n - 5, ".yaml")) ||
		    (n > 4 && !strcmp(e->d_name + n - 4, ".yml")))
			*SPECC_PUSH(names) = specc_xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names.items, names.len, sizeof(char *), cmp_str);
	for (uint32_t i = 0; i < names.len; i++) {
		specc_buf path = SPECC_BUF_INIT;
		uint32_t idx;
		specc_buf_addf(&path, "%s%s%s", dir,
			       dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "", names.items[i]);
		if (specc_project_add_file(p, path.ptr, path.ptr, SPECC_SOURCE_RULES, &idx) == SPECC_OK) {
			if (specc_rules_load(rs, &p->sources, &p->diags, idx) != SPECC_OK)
				rc = SPECC_ESYNTAX;
		} else {
			rc = SPECC_EIO;
		}
		specc_buf_release(&path);
		free(names.items[i]);
	}
	SPECC_TABLE_FREE(names);
	return rc;
}
