/*
 * lint.c - the lint pass: one walk over the prose of every spec.
 *
 * Each prose run is tokenized once; sentences are split on the tokens;
 * both automata (stemmed and exact forms) step over each sentence's tokens
 * and report phrase hits; then each rule with a hit (and each occurrence
 * rule) decides from the hits of its sentence.  Pattern rules run over the
 * run's text.  Spec rules read the IR.  Suppression comments and
 * specc.yaml settings decide what is reported, and at what severity.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <fnmatch.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "specc/codes.h"
#include "internal.h"

/* A phrase found in a sentence: tokens [t0, t1]. */
struct hit {
	uint32_t phrase, t0, t1;
};

/* A suppression from a specc- comment: lines [from, to] (1-based), for
 * one rule or, with rule SPECC_NONE, for all. */
struct suppress {
	uint32_t file, from, to, rule;
	const char *category;    /* a category name instead of one rule */
	size_t category_len;
};

/* A term from a spec's definitions. */
struct term {
	char *key;               /* letters and digits only, lower case */
	char *seps;              /* the separators between its words, as written */
	const char *shown;       /* as written, for messages */
	uint32_t def_off;        /* where it is defined (source offset) */
	uint32_t file;
	uint64_t reported_before; /* per conditional rule: already reported */
};

struct lint {
	specc_project *p;
	const specc_ruleset *rs;
	const specc_lint_config *cfg;
	specc_lint_stats *stats;
	specc_lexcache lex;
	specc_toks toks;
	SPECC_TABLE(struct hit) hits;
	SPECC_TABLE(struct suppress) sup;
	SPECC_TABLE(struct term) terms;
	int8_t *sev;             /* effective severity per rule, for the current file */
	uint32_t sev_file;
	uint32_t *count;         /* per rule: COUNT hits in the sentence */
	uint32_t *groups;        /* per rule: 8 words, a bit set of the groups seen (1-255) */
	bool *section_normative; /* per section: a normative sentence in its own prose */
	uint32_t *last_reported; /* per rule: token index end of the last report, dedupe */
	specc_buf buf, buf2;
	uint32_t *term_first, *term_end; /* per source: its range of terms */
	uint32_t run_first_word;  /* token index of the run's first word */
	SPECC_TABLE(uint32_t) occ; /* the occurrence rules, evaluated per sentence */
	bool run_normative;       /* the run is in a normative section */
	bool *spec_has_authority; /* per source: some section of it has an authority */
};

/* ---- severity and suppression ------------------------------------------- */

static const char *rel_path(const specc_project *p, const char *path)
{
	size_t n = p->root ? strlen(p->root) : 0;
	if (n && !strncmp(path, p->root, n) && (path[n] == '/' || p->root[n - 1] == '/'))
		return path + n + (path[n] == '/');
	return path;
}

static void severities_for(struct lint *l, uint32_t file)
{
	const specc_ruleset *rs = l->rs;
	const specc_lint_config *cfg = l->cfg;

	if (l->sev_file == file)
		return;
	l->sev_file = file;
	for (uint32_t i = 0; i < rs->rules.len; i++) {
		const specc_rule *r = &rs->rules.items[i];
		l->sev[i] = r->off_by_default ? SPECC_LINT_OFF : (int8_t)r->code.severity;
		if (cfg && cfg->severity && cfg->severity[i] != -2)
			l->sev[i] = cfg->severity[i];
	}
	if (!cfg)
		return;
	const char *path = rel_path(l->p, l->p->sources.items[file].path);
	for (uint32_t k = 0; k < cfg->paths.len; k++) {
		const specc_lint_path *lp = &cfg->paths.items[k];
		if (fnmatch(lp->glob, path, 0) != 0)
			continue;
		for (uint32_t i = 0; i < rs->rules.len; i++)
			if (lp->severity[i] != -2)
				l->sev[i] = lp->severity[i];
	}
}

static bool suppressed(struct lint *l, uint32_t rule, specc_span sp)
{
	if (!l->sup.len || sp.file == SPECC_NONE)
		return false;
	uint32_t line = specc_source_line_of(&l->p->sources.items[sp.file], sp.start) + 1;
	const specc_rule *r = &l->rs->rules.items[rule];
	for (uint32_t i = 0; i < l->sup.len; i++) {
		const struct suppress *s = &l->sup.items[i];
		if (s->file != sp.file || line < s->from || line > s->to)
			continue;
		if (s->category) {
			if (strlen(r->category) == s->category_len &&
			    !memcmp(r->category, s->category, s->category_len))
				return true;
		} else if (s->rule == SPECC_NONE || s->rule == rule) {
			return true;
		}
	}
	return false;
}

static bool is_category(const specc_ruleset *rs, const char *name, size_t n)
{
	for (uint32_t i = 0; i < rs->rules.len; i++)
		if (strlen(rs->rules.items[i].category) == n &&
		    !memcmp(rs->rules.items[i].category, name, n))
			return true;
	return false;
}

/* Reads <!-- specc-disable-next-line a, b -->, specc-disable-line,
 * specc-disable and specc-enable. */
static void read_directives(struct lint *l)
{
	specc_project *p = l->p;
	/* Open "disable" ranges, closed by "enable" or the end of the file. */
	SPECC_TABLE(uint32_t) open = { 0 };

	for (uint32_t i = 0; i < p->directives.len; i++) {
		const specc_directive *d = &p->directives.items[i];
		const char *s = d->text.ptr, *e = s + d->text.len;
		const specc_source *src = &p->sources.items[d->span.file];
		uint32_t line = specc_source_line_of(src, d->span.start) + 1;
		uint32_t from, to;
		bool enable = false;

		s += 4;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (e - s >= 3 && !memcmp(e - 3, "-->", 3))
			e -= 3;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		const char *w = s;
		while (s < e && *s != ' ' && *s != '\t')
			s++;
		size_t wl = (size_t)(s - w);
#define IS(lit) (wl == sizeof(lit) - 1 && !memcmp(w, lit, wl))
		if (IS("specc-disable-next-line")) {
			from = to = line + 1;
		} else if (IS("specc-disable-line")) {
			from = to = line;
		} else if (IS("specc-disable")) {
			from = line;
			to = UINT32_MAX;
		} else if (IS("specc-enable")) {
			enable = true;
			from = to = line;
		} else {
			specc_diag *dg = specc_diag_add(&p->diags, SPECC_CODE(INVALID_DIRECTIVE), d->span,
							"unknown specc comment \"%s\"",
							specc_diag_quote(&p->diags, w, wl, 40));
			specc_diag_help(&p->diags, dg,
					"use specc-disable-next-line, specc-disable-line, specc-disable or specc-enable, followed by rule ids or categories");
			continue;
		}
#undef IS
		/* The rule names: comma or space separated; none means all. */
		bool any = false;
		while (s < e) {
			while (s < e && (*s == ' ' || *s == '\t' || *s == ','))
				s++;
			const char *a = s;
			while (s < e && *s != ' ' && *s != '\t' && *s != ',')
				s++;
			if (s == a)
				break;
			if (s - a == 2 && !memcmp(a, "--", 2))
				break; /* "-- why": the rest is a reason */
			any = true;
			size_t n = (size_t)(s - a);
			const specc_rule *r = specc_ruleset_find(l->rs, a, n);
			bool cat = !r && is_category(l->rs, a, n);
			if (!r && !cat) {
				specc_diag *dg = specc_diag_add(&p->diags, SPECC_CODE(UNKNOWN_RULE), d->span,
								"no lint rule or category is named \"%s\"",
								specc_diag_quote(&p->diags, a, n, 40));
				specc_diag_help(&p->diags, dg, "specc lint --list-rules lists them");
				continue;
			}
			if (enable) {
				bool closed = false;
				for (uint32_t k = 0; k < open.len; k++) {
					struct suppress *o = &l->sup.items[open.items[k]];
					bool same = o->file == d->span.file &&
						    (r ? o->rule == (uint32_t)(r - l->rs->rules.items)
						       : (o->category && o->category_len == n &&
							  !memcmp(o->category, a, n)));
					if (same && o->to == UINT32_MAX) {
						o->to = line;
						closed = true;
					}
				}
				if (!closed) {
					specc_diag *dg = specc_diag_add(
						&p->diags, SPECC_CODE(INVALID_DIRECTIVE), d->span,
						"\"%s\" is not disabled here, so this specc-enable changes nothing",
						specc_diag_quote(&p->diags, a, n, 40));
					specc_diag_help(&p->diags, dg,
							"enable what the specc-disable above named (the same rule or category), or write a bare specc-enable to end every range");
				}
				continue;
			}
			struct suppress *x = SPECC_PUSH(l->sup);
			x->file = d->span.file;
			x->from = from;
			x->to = to;
			x->rule = r ? (uint32_t)(r - l->rs->rules.items) : SPECC_NONE;
			x->category = cat ? a : NULL;
			x->category_len = cat ? n : 0;
			if (to == UINT32_MAX)
				*SPECC_PUSH(open) = l->sup.len - 1;
		}
		if (!any) {
			if (enable) {
				for (uint32_t k = 0; k < open.len; k++) {
					struct suppress *o = &l->sup.items[open.items[k]];
					if (o->file == d->span.file && o->to == UINT32_MAX)
						o->to = line;
				}
			} else {
				struct suppress *x = SPECC_PUSH(l->sup);
				x->file = d->span.file;
				x->from = from;
				x->to = to;
				x->rule = SPECC_NONE;
				x->category = NULL;
				x->category_len = 0;
				if (to == UINT32_MAX)
					*SPECC_PUSH(open) = l->sup.len - 1;
			}
		}
	}
	SPECC_TABLE_FREE(open);
}

/* ---- reporting ------------------------------------------------------------ */

/* Expands the rule's message template. */
static const char *expand(struct lint *l, const specc_rule *r, const char *match, size_t mlen,
			  const char *repl, uint32_t count, uint32_t limit)
{
	specc_buf *b = &l->buf2;
	const char *t = r->message;

	specc_buf_reset(b);
	while (*t) {
		const char *o = strchr(t, '{');
		if (!o) {
			specc_buf_addstr(b, t);
			break;
		}
		specc_buf_add(b, t, (size_t)(o - t));
		const char *c = strchr(o, '}');
		if (!c) {
			specc_buf_addstr(b, o);
			break;
		}
		size_t n = (size_t)(c - o - 1);
		if (n == 5 && !memcmp(o + 1, "match", 5) && match) {
			specc_buf_addch(b, '"');
			specc_quote_to_buf(b, match, mlen, 80);
			specc_buf_addch(b, '"');
		}
		else if (n == 11 && !memcmp(o + 1, "replacement", 11) && repl)
			specc_buf_addstr(b, repl);
		else if (n == 5 && !memcmp(o + 1, "count", 5))
			specc_buf_addf(b, "%u", count);
		else if (n == 5 && !memcmp(o + 1, "limit", 5))
			specc_buf_addf(b, "%u", limit);
		else
			specc_buf_add(b, o, (size_t)(c - o + 1));
		t = c + 1;
	}
	return b->ptr ? b->ptr : "";
}

static specc_diag *report(struct lint *l, uint32_t rule, specc_span sp, const char *msg)
{
	const specc_rule *r = &l->rs->rules.items[rule];

	if (suppressed(l, rule, sp)) {
		if (l->stats)
			l->stats->suppressed++;
		return NULL;
	}
	specc_diag *d = specc_diag_add_msg(&l->p->diags, &r->code, sp, msg, strlen(msg));
	if ((int)d->severity != l->sev[rule])
		specc_diag_set_severity(&l->p->diags, d, (specc_severity)l->sev[rule]);
	if (l->stats)
		l->stats->findings++;
	return d;
}

/* ---- sentences ------------------------------------------------------------ */

static void match_pattern(struct lint *l, const specc_prose *run, uint32_t i, size_t from,
			  size_t to);

/* Whether rule r reads this run: its kind of prose, and, unless the rule
 * reads all sections, a normative section (see normative_section). */
static bool scope_ok(const struct lint *l, const specc_rule *r, const specc_prose *run)
{
	if (!r->all_sections && !l->run_normative)
		return false;
	if (run->admonition)
		return r->scopes & SPECC_SCOPE_COMMENTARY;
	return r->scopes & (1u << run->kind);
}

/* Whether token text matches the phrase as written, letter case included
 * (spaces and hyphens between words are not compared). */
static bool same_case(const char *text, const specc_tok *t0, const specc_tok *t1, const char *ph)
{
	for (const specc_tok *t = t0; t <= t1; t++) {
		while (*ph == ' ' || *ph == '-')
			ph++;
		size_t n = t->b - t->a;
		if (strncmp(ph, text + t->a, n))
			return false;
		ph += n;
	}
	return true;
}

static uint32_t groups_seen(const uint32_t *bits)
{
	uint32_t n = 0;
	for (int w = 0; w < 8; w++)
		n += (uint32_t)__builtin_popcount(bits[w]);
	return n;
}

static void sentence(struct lint *l, const specc_prose *run, uint32_t s0, uint32_t s1)
{
	const specc_ruleset *rs = l->rs;
	const char *text = run->text.ptr;
	specc_tok *toks = l->toks.items;
	uint32_t ss = 0, sf = 0, first_word = SPECC_NONE, words = 0;
	bool normative = false;
	const char *occ_category = NULL; /* of the last occurrence finding here */

	l->hits.len = 0;
	for (uint32_t i = s0; i < s1; i++) {
		const specc_tok *t = &toks[i];
		if (t->flags & (SPECC_TOK_QUOTED | SPECC_TOK_CODE | SPECC_TOK_URL)) {
			ss = sf = 0;
			continue;
		}
		if (t->flags & SPECC_TOK_WORD) {
			/* Sentence length counts the sentence's own words: not
			 * quoted text, parenthetical asides or the second half of
			 * a hyphenated word. */
			if (!(t->flags & (SPECC_TOK_JOINED | SPECC_TOK_PAREN)) && t->a != t->b)
				words++;
			if (first_word == SPECC_NONE)
				first_word = i;
		}
		ss = specc_ac_step(&rs->ac_stem, ss, t->stem);
		sf = specc_ac_step(&rs->ac_form, sf, t->form);
		for (uint32_t k = 0; k < rs->ac_stem.out_count[ss]; k++) {
			uint32_t ph = rs->ac_stem.outs[rs->ac_stem.out_first[ss] + k];
			struct hit *h = SPECC_PUSH(l->hits);
			h->phrase = ph;
			h->t1 = i;
			h->t0 = i + 1 - rs->phrases.items[ph].ntok;
		}
		for (uint32_t k = 0; k < rs->ac_form.out_count[sf]; k++) {
			uint32_t ph = rs->ac_form.outs[rs->ac_form.out_first[sf] + k];
			struct hit *h = SPECC_PUSH(l->hits);
			h->phrase = ph;
			h->t1 = i;
			h->t0 = i + 1 - rs->phrases.items[ph].ntok;
		}
	}
	if (l->stats)
		l->stats->sentences++;
	for (uint32_t i = 0; i < l->hits.len; i++)
		if (l->hits.items[i].phrase - rs->normative_first < rs->normative_count &&
		    (!rs->phrases.items[l->hits.items[i].phrase].group ||
		     l->hits.items[i].t0 == first_word))
			normative = true;
	if (normative && run->section != SPECC_NONE && run->kind != SPECC_PROSE_HEADING &&
	    !run->admonition)
		l->section_normative[run->section] = true;
	if (normative)
		for (uint32_t i = s0; i < s1; i++)
			toks[i].flags |= SPECC_TOK_NORMATIVE;

	/* Word and phrase rules. */
	for (uint32_t i = 0; i < l->hits.len; i++) {
		const struct hit *h = &l->hits.items[i];
		const specc_phrase *ph = &rs->phrases.items[h->phrase];
		if (ph->rule == SPECC_NONE)
			continue;
		const specc_rule *r = &rs->rules.items[ph->rule];
		if (l->sev[ph->rule] == SPECC_LINT_OFF || !scope_ok(l, r, run))
			continue;
		if (ph->role == SPECC_PHRASE_COUNT) {
			if (r->case_sensitive &&
			    !same_case(text, &toks[h->t0], &toks[h->t1], ph->text))
				continue;
			/* An "except" word up to four tokens before, with no
			 * punctuation between, cancels the count. */
			bool after_except = false;
			for (uint32_t j = 0; j < l->hits.len && !after_except; j++) {
				const struct hit *o = &l->hits.items[j];
				const specc_phrase *op = &rs->phrases.items[o->phrase];
				if (op->rule != ph->rule || op->role != SPECC_PHRASE_EXCEPT ||
				    o->t1 >= h->t0 || h->t0 - o->t1 > 4)
					continue;
				after_except = true;
				for (uint32_t k = o->t1 + 1; k < h->t0; k++)
					if (toks[k].flags & SPECC_TOK_PUNCT)
						after_except = false;
			}
			if (after_except)
				continue;
			l->count[ph->rule]++;
			if (ph->group)
				l->groups[ph->rule * 8 + ph->group / 32] |= 1u << (ph->group % 32);
			continue;
		}
		if (ph->role != SPECC_PHRASE_MATCH)
			continue;
		if ((r->normative && !normative) || (r->sentence_start && h->t0 != first_word) ||
		    (r->paragraph_start && h->t0 != l->run_first_word))
			continue;
		/* Parenthetical asides are illustrations and clarifications. */
		if (!r->in_parentheses && (toks[h->t0].flags & SPECC_TOK_PAREN))
			continue;
		if (r->case_sensitive && !same_case(text, &toks[h->t0], &toks[h->t1], ph->text))
			continue;
		if (l->last_reported[ph->rule] != SPECC_NONE && h->t0 <= l->last_reported[ph->rule] &&
		    l->last_reported[ph->rule] >= s0)
			continue;
		bool drop = false;
		for (uint32_t j = 0; j < l->hits.len && !drop; j++) {
			const struct hit *o = &l->hits.items[j];
			const specc_phrase *op = &rs->phrases.items[o->phrase];
			if (op->rule != ph->rule)
				continue;
			if (op->role == SPECC_PHRASE_UNLESS)
				drop = true;
			else if (op->role == SPECC_PHRASE_EXCEPT && o->t0 <= h->t0 && o->t1 >= h->t1)
				drop = true;
			/* Of two matches of one rule that overlap, the longer one
			 * is reported. */
			else if (op->role == SPECC_PHRASE_MATCH && j != i && o->t0 <= h->t0 &&
				 o->t1 >= h->t1 && (o->t1 - o->t0 > h->t1 - h->t0 || (o->t0 == h->t0 && o->t1 == h->t1 && j < i)))
				drop = true;
		}
		if (drop)
			continue;
		uint32_t a = toks[h->t0].a, b = toks[h->t1].b;
		/* A match takes in whole written words: one that starts at the
		 * "not" of "isn't" starts at "is", one that ends at the "can"
		 * of "can't" ends after the "n't".  Such a match is not written
		 * as its words, so it gets no fix. */
		bool contraction = false;
		if (toks[h->t0].a == toks[h->t0].b && h->t0 > 0) {
			a = toks[h->t0 - 1].a;
			contraction = true;
		}
		if (toks[h->t1].a == toks[h->t1].b)
			contraction = true;
		if (h->t1 + 1 < s1 && toks[h->t1 + 1].a == toks[h->t1 + 1].b &&
		    toks[h->t1 + 1].a > b) {
			b = toks[h->t1 + 1].a;
			contraction = true;
		}
		if (b <= a)
			b = toks[h->t1 - (h->t1 > h->t0)].b;
		l->last_reported[ph->rule] = h->t1;
		specc_span sp = specc_prose_span(l->p, run, a, b);
		const char *msg = expand(l, r, text + a, b - a, ph->replacement, 0, 0);
		specc_diag *d = report(l, ph->rule, sp, msg);
		if (d && r->kind == SPECC_RULE_SUBSTITUTION && ph->replacement && !contraction &&
		    specc_prose_verbatim(l->p, run, a, b)) {
			/* Keep the capital of a sentence's first word. */
			specc_buf_reset(&l->buf);
			specc_buf_addstr(&l->buf, ph->replacement);
			if (text[a] >= 'A' && text[a] <= 'Z' && l->buf.len && l->buf.ptr[0] >= 'a' &&
			    l->buf.ptr[0] <= 'z')
				l->buf.ptr[0] = (char)(l->buf.ptr[0] - 32);
			char *title = specc_arena_printf(&l->p->diags.arena, "replace with \"%s\"",
							 l->buf.ptr);
			specc_diag_edit(&l->p->diags, d, sp, l->buf.ptr, l->buf.len, title);
		}
	}

	/* Occurrence rules: counted over the sentence. */
	for (uint32_t oi = 0; oi < l->occ.len; oi++) {
		uint32_t i = l->occ.items[oi];
		const specc_rule *r = &rs->rules.items[i];
		uint32_t n = r->count_words ? words
			     : r->needs_pair ? groups_seen(&l->groups[i * 8])
					     : l->count[i];
		l->count[i] = 0;
		memset(&l->groups[i * 8], 0, 8 * sizeof *l->groups);
		if (l->sev[i] == SPECC_LINT_OFF || !scope_ok(l, r, run) || (r->normative && !normative))
			continue;
		bool over = r->max && n > r->max, under = r->min && n < r->min;
		if (!over && !under)
			continue;
		bool unless = false;
		for (uint32_t j = 0; j < l->hits.len; j++)
			if (rs->phrases.items[l->hits.items[j].phrase].rule == i &&
			    rs->phrases.items[l->hits.items[j].phrase].role == SPECC_PHRASE_UNLESS)
				unless = true;
		if (unless)
			continue;
		uint32_t a = toks[s0].a, b = toks[s1 - 1].b;
		if (b <= a)
			continue;
		specc_span sp = specc_prose_span(l->p, run, a, b);
		if (report(l, i, sp, expand(l, r, text + a, b - a, NULL, n, over ? r->max : r->min)))
			occ_category = r->category;
	}

	/* Pattern rules with "requires": only over the sentences the
	 * automaton found one of their words in. */
	for (uint32_t i = 0; i < l->hits.len; i++) {
		const specc_phrase *ph = &rs->phrases.items[l->hits.items[i].phrase];
		if (ph->role != SPECC_PHRASE_REQUIRE || ph->rule == SPECC_NONE)
			continue;
		const specc_rule *r = &rs->rules.items[ph->rule];
		bool seen = false;
		for (uint32_t j = 0; j < i && !seen; j++) {
			const specc_phrase *o = &rs->phrases.items[l->hits.items[j].phrase];
			seen = o->role == SPECC_PHRASE_REQUIRE && o->rule == ph->rule;
		}
		if (seen || l->sev[ph->rule] == SPECC_LINT_OFF || !scope_ok(l, r, run) ||
		    (r->normative && !normative))
			continue;
		/* An occurrence rule of the same category already reported
		 * this sentence (several requirements, several actions):
		 * one finding says it. */
		if (occ_category && !strcmp(occ_category, r->category))
			continue;
		match_pattern(l, run, ph->rule, toks[s0].a, toks[s1 - 1].b);
	}
}

/* Splits the run's tokens into sentences: after . ? or ! (and any
 * closing marks), when the next word does not start in lower case. */
static void sentences(struct lint *l, const specc_prose *run)
{
	specc_tok *t = l->toks.items;
	uint32_t n = l->toks.len, start = 0, i = 0;

	l->run_first_word = SPECC_NONE;
	for (uint32_t k = 0; k < n && l->run_first_word == SPECC_NONE; k++)
		if (t[k].flags & SPECC_TOK_WORD)
			l->run_first_word = k;

	while (i < n) {
		if ((t[i].flags & SPECC_TOK_END) && !(t[i].flags & SPECC_TOK_QUOTED)) {
			uint32_t j = i + 1;
			while (j < n && (t[j].flags & (SPECC_TOK_END | SPECC_TOK_CLOSER)))
				j++;
			if (j >= n || !(t[j].flags & (SPECC_TOK_LOWER | SPECC_TOK_NUM | SPECC_TOK_CODE))) {
				/* "e.g. The" is not an end: a one-letter word before
				 * the dot is an abbreviation. */
				bool abbrev = i > 0 && (t[i - 1].flags & SPECC_TOK_WORD) &&
					      t[i - 1].b - t[i - 1].a == 1 && t[i].b - t[i].a == 1 &&
					      run->text.ptr[t[i].a] == '.';
				if (!abbrev || j >= n) {
					sentence(l, run, start, j);
					start = i = j;
					continue;
				}
			}
			i = j;
			continue;
		}
		i++;
	}
	if (start < n)
		sentence(l, run, start, n);
}

/* ---- pattern rules -------------------------------------------------------- */

static uint32_t token_at(const struct lint *l, uint32_t off)
{
	uint32_t lo = 0, hi = l->toks.len;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (l->toks.items[mid].b <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Runs pattern rule i over text[from, to) of the run. */
static void match_pattern(struct lint *l, const specc_prose *run, uint32_t i, size_t from, size_t to)
{
	const specc_rule *r = &l->rs->rules.items[i];
	PCRE2_SIZE at = from;

	while (at < to) {
		int rc = pcre2_match(r->re, (PCRE2_SPTR)run->text.ptr, to, at, 0, r->match_data, NULL);
		if (rc < 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->match_data);
		PCRE2_SIZE a = ov[0], b = ov[1];
		/* A capture group, when the pattern has one, is what the
		 * finding points at. */
		if (rc > 1 && ov[2] != PCRE2_UNSET) {
			a = ov[2];
			b = ov[3];
		}
		at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		if (b <= a)
			continue;
		uint32_t t = token_at(l, (uint32_t)a);
		if (t < l->toks.len &&
		    ((l->toks.items[t].flags & (SPECC_TOK_QUOTED | SPECC_TOK_CODE | SPECC_TOK_URL)) ||
		     (!r->in_parentheses && (l->toks.items[t].flags & SPECC_TOK_PAREN))))
			continue;
		if (memchr(run->text.ptr + a, 0x01, b - a))
			continue;
		if (r->normative && t < l->toks.len && !(l->toks.items[t].flags & SPECC_TOK_NORMATIVE))
			continue;
		specc_span sp = specc_prose_span(l->p, run, (uint32_t)a, (uint32_t)b);
		report(l, i, sp, expand(l, r, run->text.ptr + a, b - a, NULL, 0, 0));
	}
}

/* Pattern rules without "requires" read the whole run. */
static void patterns(struct lint *l, const specc_prose *run)
{
	const specc_ruleset *rs = l->rs;

	for (uint32_t i = 0; i < rs->rules.len; i++) {
		const specc_rule *r = &rs->rules.items[i];
		if (r->kind != SPECC_RULE_PATTERN || r->has_requires || l->sev[i] == SPECC_LINT_OFF ||
		    !scope_ok(l, r, run))
			continue;
		match_pattern(l, run, i, 0, run->text.len);
	}
}

/* ---- definitions ---------------------------------------------------------- */

static bool is_definitions_section(const specc_project *p, uint32_t s)
{
	for (; s != SPECC_NONE; s = p->sections.items[s].parent) {
		const specc_section *sec = &p->sections.items[s];
		static const char *const names[] = { "definitions", "glossary", "terminology",
						     "terms" };
		for (size_t i = 0; i < SPECC_ARRAY_SIZE(names); i++) {
			size_t n = strlen(names[i]);
			if ((sec->id.len == n && !strncasecmp(sec->id.ptr, names[i], n)) ||
			    (sec->title.len == n && !strncasecmp(sec->title.ptr, names[i], n)))
				return true;
		}
	}
	return false;
}

/* Letters and digits of s, lower case (ASCII; other bytes kept). */
static char *term_key(const char *s, size_t n)
{
	char *k = specc_xmalloc(n + 1), *o = k;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			*o++ = (char)(c + 32);
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
			*o++ = (char)c;
	}
	*o = '\0';
	return k;
}

static char *term_seps(const char *s, size_t n)
{
	char *k = specc_xmalloc(n + 1), *o = k;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '-' || s[i] == '_' || s[i] == '/')
			*o++ = s[i] == '_' ? ' ' : s[i];
	*o = '\0';
	return k;
}

/* Whether the separators in s[0, n) are those of seps. */
static bool same_seps(const char *s, size_t n, const char *seps)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i] == '_' ? ' ' : s[i];
		if (c == ' ' || c == '-' || c == '/') {
			if (*seps++ != c)
				return false;
		}
	}
	return *seps == '\0';
}

/* "**Term**: text" and "**Term:** text" in a definitions section. */
static void find_definitions(struct lint *l)
{
	specc_project *p = l->p;

	for (uint32_t i = 0; i < p->prose.len; i++) {
		const specc_prose *r = &p->prose.items[i];
		if (r->section == SPECC_NONE || r->kind == SPECC_PROSE_HEADING ||
		    !is_definitions_section(p, r->section))
			continue;
		const specc_source *src = &p->sources.items[r->file];
		uint32_t so = p->segs.items[r->seg_first].src_off;
		if (so < 2 || !((src->data[so - 2] == '*' && src->data[so - 1] == '*') ||
				(src->data[so - 2] == '_' && src->data[so - 1] == '_')))
			continue;
		/* The bold text ends where the source stops being contiguous. */
		uint32_t end = r->seg_count > 1 ? p->segs.items[r->seg_first + 1].text_off
						: (uint32_t)r->text.len;
		uint32_t e = end;
		bool colon = e < r->text.len && r->text.ptr[e] == ':';
		while (e > 0 && (r->text.ptr[e - 1] == ':' || r->text.ptr[e - 1] == ' ')) {
			colon |= r->text.ptr[e - 1] == ':';
			e--;
		}
		if (!colon || e == 0 || e > 60)
			continue;
		struct term *t = SPECC_PUSH(l->terms);
		t->key = term_key(r->text.ptr, e);
		t->seps = term_seps(r->text.ptr, e);
		t->shown = specc_arena_strndup(&p->arena, r->text.ptr, e);
		t->def_off = so;
		t->file = r->file;
		t->reported_before = 0;
	}
}

/* Finds defined terms among the run's words: up to four words whose
 * letters spell a term's (or its plural). */
static void terms_in_run(struct lint *l, const specc_prose *run)
{
	specc_project *p = l->p;
	const char *text = run->text.ptr;
	int def_section = -1; /* decided when a term is found */
	uint32_t run_off = p->segs.items[run->seg_first].src_off;

	uint32_t tfirst = SPECC_NONE, tend = 0;
	uint8_t first_bytes[32] = { 0 };

	/* The file's terms (they are in file order), and the first letters
	 * of their keys, so most words are dismissed with one bit test. */
	if (!l->term_first || l->term_first[run->file] == SPECC_NONE)
		return;
	/* Most runs hold no word that starts a term: done in one scan. */
	bool some = false;
	for (uint32_t i = 0; i < l->toks.len && !some; i++)
		some = l->toks.items[i].flags & SPECC_TOK_TERM;
	if (!some)
		return;
	tfirst = l->term_first[run->file];
	tend = l->term_end[run->file];
	/* Only terms that can still give a finding here count: written with
	 * separators (drift), or defined after this run and not yet
	 * reported (used before its definition). */
	size_t maxkl = 0;
	bool any = false;
	for (uint32_t ti = tfirst; ti < tend; ti++) {
		const struct term *tm = &l->terms.items[ti];
		any = true;
		unsigned char k0 = (unsigned char)tm->key[0];
		first_bytes[k0 >> 3] |= (uint8_t)(1u << (k0 & 7));
		if (strlen(tm->key) > maxkl)
			maxkl = strlen(tm->key);
	}
	if (!any)
		return;
	for (uint32_t i = 0; i < l->toks.len; i++) {
		const specc_tok *t0 = &l->toks.items[i];
		if (!(t0->flags & SPECC_TOK_TERM) || (t0->flags & (SPECC_TOK_QUOTED | SPECC_TOK_NUM)) ||
		    t0->a == t0->b)
			continue;
		unsigned char c0 = (unsigned char)text[t0->a];
		if (c0 >= 'A' && c0 <= 'Z')
			c0 = (unsigned char)(c0 + 32);
		if (!(first_bytes[c0 >> 3] & (1u << (c0 & 7))))
			continue;
		specc_buf_reset(&l->buf);
		for (uint32_t k = i; k < l->toks.len && k < i + 4; k++) {
			const specc_tok *tk = &l->toks.items[k];
			if (!(tk->flags & SPECC_TOK_WORD) || tk->a == tk->b ||
			    (tk->flags & SPECC_TOK_QUOTED))
				break;
			for (uint32_t c = tk->a; c < tk->b; c++) {
				unsigned char ch = (unsigned char)text[c];
				if (ch >= 'A' && ch <= 'Z')
					specc_buf_addch(&l->buf, ch + 32);
				else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80)
					specc_buf_addch(&l->buf, ch);
			}
			for (uint32_t ti = tfirst; ti < tend; ti++) {
				struct term *tm = &l->terms.items[ti];
				size_t kl = strlen(tm->key);
				if (tm->file != run->file || l->buf.len < kl)
					continue;
				/* One word spelled as defined, after the definition:
				 * nothing to report (the common case, kept cheap). */
				if (k == i && !tm->seps[0] && run_off >= tm->def_off)
					continue;
				bool eq = l->buf.len == kl && !memcmp(l->buf.ptr, tm->key, kl);
				bool plural = (l->buf.len == kl + 1 && l->buf.ptr[kl] == 's') ||
					      (l->buf.len == kl + 2 && l->buf.ptr[kl] == 'e' &&
					       l->buf.ptr[kl + 1] == 's');
				if ((!eq && !plural) || memcmp(l->buf.ptr, tm->key, kl))
					continue;
				uint32_t a = t0->a, b = tk->b;
				specc_span sp = specc_prose_span(p, run, a, b);
				bool drift = !same_seps(text + a, b - a, tm->seps) && sp.start != tm->def_off;
				specc_span def = specc_span_make(tm->file, tm->def_off,
								 tm->def_off + (uint32_t)strlen(tm->shown));
				for (uint32_t ri = 0; drift && ri < l->rs->rules.len; ri++) {
					const specc_rule *r = &l->rs->rules.items[ri];
					if (r->kind != SPECC_RULE_SPEC || r->check != SPECC_CHECK_TERMINOLOGY_DRIFT ||
					    l->sev[ri] == SPECC_LINT_OFF || !scope_ok(l, r, run))
						continue;
					specc_diag *d = report(l, ri, sp, expand(l, r, text + a, b - a, tm->shown, 0, 0));
					if (!d)
						continue;
					specc_diag_related(&p->diags, d, def, "defined here as \"%s\"", tm->shown);
					/* The defined spelling, in the case the text uses
					 * for its first letter. */
					if (eq && specc_prose_verbatim(p, run, a, b)) {
						specc_buf_reset(&l->buf2);
						specc_buf_addstr(&l->buf2, tm->shown);
						char *f = l->buf2.ptr;
						if (text[a] >= 'a' && text[a] <= 'z' && f[0] >= 'A' && f[0] <= 'Z' &&
						    !(f[1] >= 'A' && f[1] <= 'Z'))
							f[0] = (char)(f[0] + 32);
						char *title = specc_arena_printf(&p->diags.arena,
										 "write \"%s\"", f);
						specc_diag_edit(&p->diags, d, sp, f, l->buf2.len, title);
					}
				}
				if (def_section < 0)
					def_section = run->section != SPECC_NONE &&
						      is_definitions_section(p, run->section);
				if (def_section || run_off >= tm->def_off)
					continue;
				for (uint32_t ri = 0, bit = 0; ri < l->rs->rules.len; ri++) {
					const specc_rule *r = &l->rs->rules.items[ri];
					if (r->kind != SPECC_RULE_CONDITIONAL)
						continue;
					uint64_t mask = bit < 64 ? 1ull << bit : 0;
					bit++;
					if ((tm->reported_before & mask) || l->sev[ri] == SPECC_LINT_OFF ||
					    (r->normative && !(t0->flags & SPECC_TOK_NORMATIVE)) ||
					    !scope_ok(l, r, run))
						continue;
					tm->reported_before |= mask;
					specc_diag *d = report(l, ri, sp,
							       expand(l, r, text + a, b - a, tm->shown, 0, 0));
					if (d)
						specc_diag_related(&p->diags, d, def,
								   "\"%s\" is defined here, later", tm->shown);
				}
			}
			if (l->buf.len > maxkl + 2)
				break;
		}
	}
}

/* ---- spec rules ----------------------------------------------------------- */

static void spec_rules(struct lint *l)
{
	specc_project *p = l->p;
	const specc_ruleset *rs = l->rs;
	bool *tested = specc_xcalloc(p->sections.len + 1, sizeof(bool));

	for (uint32_t i = 0; i < p->clauses.len; i++) {
		const specc_clause *c = &p->clauses.items[i];
		if (c->anchor_count && c->section != SPECC_NONE)
			tested[c->section] = true;
	}
	for (uint32_t i = 0; i < p->examples.len; i++)
		if (p->examples.items[i].section != SPECC_NONE)
			tested[p->examples.items[i].section] = true;
	/* A section is tested when a subsection is: the tests sit where the
	 * detail is.  Children come after parents, so walk backwards. */
	for (uint32_t i = p->sections.len; i-- > 0;)
		if (tested[i] && p->sections.items[i].parent != SPECC_NONE)
			tested[p->sections.items[i].parent] = true;

	for (uint32_t ri = 0; ri < rs->rules.len; ri++) {
		const specc_rule *r = &rs->rules.items[ri];
		if (r->kind != SPECC_RULE_SPEC)
			continue;
		if (r->check == SPECC_CHECK_UNTESTED_SECTION) {
			for (uint32_t s = 0; s < p->sections.len; s++) {
				const specc_section *sec = &p->sections.items[s];
				severities_for(l, sec->span.file);
				if (l->sev[ri] == SPECC_LINT_OFF || tested[s] || !l->section_normative[s] ||
				    sec->authority_rank == SPECC_NONE)
					continue;
				specc_buf_reset(&l->buf);
				if (sec->id.ptr)
					specc_buf_addf(&l->buf, "#%.*s", (int)sec->id.len, sec->id.ptr);
				else
					specc_buf_add(&l->buf, sec->title.ptr, sec->title.len);
				report(l, ri, sec->span,
				       expand(l, r, l->buf.ptr, l->buf.len, NULL, 0, 0));
			}
		} else if (r->check == SPECC_CHECK_ONE_SIDED_EXAMPLE) {
			for (uint32_t e = 0; e < p->examples.len; e++) {
				const specc_example *ex = &p->examples.items[e];
				uint32_t good = 0, bad = 0;
				severities_for(l, ex->span.file);
				if (l->sev[ri] == SPECC_LINT_OFF)
					continue;
				for (uint32_t t = 0; t < ex->conv.turn_count; t++) {
					uint8_t lab = p->turns.items[ex->conv.turn_first + t].label;
					good += lab == SPECC_LABEL_GOOD || lab == SPECC_LABEL_OK;
					bad += lab == SPECC_LABEL_BAD;
				}
				if ((good && bad) || (!good && !bad))
					continue;
				report(l, ri, ex->span,
				       expand(l, r, good ? "GOOD" : "BAD", good ? 4 : 3, NULL, good ? good : bad, 0));
			}
		}
	}
	free(tested);
}

/* ---- driver --------------------------------------------------------------- */

int specc_lint(specc_project *p, const specc_ruleset *rs, const specc_lint_config *cfg,
	       specc_lint_stats *stats)
{
	struct lint l;
	uint32_t nr = rs->rules.len;

	memset(&l, 0, sizeof l);
	l.p = p;
	l.rs = rs;
	l.cfg = cfg;
	l.stats = stats;
	l.sev_file = SPECC_NONE;
	l.sev = specc_xcalloc(nr + 1, sizeof *l.sev);
	l.count = specc_xcalloc(nr + 1, sizeof *l.count);
	l.groups = specc_xcalloc((size_t)(nr + 1) * 8, sizeof *l.groups);
	l.last_reported = specc_xcalloc(nr + 1, sizeof *l.last_reported);
	l.section_normative = specc_xcalloc(p->sections.len + 1, sizeof(bool));
	specc_lexcache_init(&l.lex, rs);
	specc_buf_init(&l.buf);
	specc_buf_init(&l.buf2);

	l.spec_has_authority = specc_xcalloc(p->sources.len + 1, sizeof(bool));
	for (uint32_t i = 0; i < p->sections.len; i++)
		if (p->sections.items[i].authority_rank != SPECC_NONE)
			l.spec_has_authority[p->sections.items[i].span.file] = true;
	for (uint32_t i = 0; i < nr; i++)
		if (rs->rules.items[i].kind == SPECC_RULE_OCCURRENCE)
			*SPECC_PUSH(l.occ) = i;
	read_directives(&l);
	find_definitions(&l);
	/* Each distinct term once, in lower case, for the word cache's term
	 * flag. */
	SPECC_TABLE(char *) keys = { 0 };
	for (uint32_t i = 0; i < l.terms.len; i++) {
		bool dup = false;
		for (uint32_t k = 0; k < keys.len && !dup; k++)
			dup = !strcasecmp(keys.items[k], l.terms.items[i].shown);
		if (!dup) {
			char *low = specc_arena_strndup(&p->arena, l.terms.items[i].shown,
							strlen(l.terms.items[i].shown));
			for (char *q = low; *q; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q = (char)(*q + 32);
			*SPECC_PUSH(keys) = low;
		}
	}
	l.lex.terms = keys.items;
	l.lex.nterms = keys.len;
	if (l.terms.len) {
		l.term_first = specc_xcalloc(p->sources.len, sizeof(uint32_t));
		l.term_end = specc_xcalloc(p->sources.len, sizeof(uint32_t));
		for (uint32_t f = 0; f < p->sources.len; f++)
			l.term_first[f] = SPECC_NONE;
		for (uint32_t i = 0; i < l.terms.len; i++) {
			uint32_t f = l.terms.items[i].file;
			if (l.term_first[f] == SPECC_NONE)
				l.term_first[f] = i;
			l.term_end[f] = i + 1;
		}
	}
	for (uint32_t i = 0; i < p->prose.len; i++) {
		const specc_prose *run = &p->prose.items[i];
		severities_for(&l, run->file);
		/* In a spec that marks its normative sections with authority
		 * levels, sections without one (overview, definitions) hold
		 * context, not requirements. */
		l.run_normative = !l.spec_has_authority[run->file] ||
				  (run->section != SPECC_NONE &&
				   p->sections.items[run->section].authority_rank != SPECC_NONE);
		/* A run no rule reads (commentary, by default) is not even
		 * tokenized, unless its sentences decide whether its section
		 * states requirements. */
		bool wanted = !run->admonition && run->kind != SPECC_PROSE_HEADING &&
			      l.run_normative;
		for (uint32_t k = 0; k < nr && !wanted; k++) {
			const specc_rule *r = &rs->rules.items[k];
			wanted = l.sev[k] != SPECC_LINT_OFF && scope_ok(&l, r, run) &&
				 (r->kind != SPECC_RULE_SPEC || r->check == SPECC_CHECK_TERMINOLOGY_DRIFT);
		}
		if (!wanted)
			continue;
		l.toks.len = 0;
		specc_tokenize(run->text.ptr, run->text.len, &l.lex, &l.toks);
		for (uint32_t k = 0; k < nr; k++)
			l.last_reported[k] = SPECC_NONE;
		if (stats) {
			stats->prose_bytes += run->text.len;
			stats->tokens += l.toks.len;
		}
		sentences(&l, run);
		patterns(&l, run);
		terms_in_run(&l, run);
	}
	spec_rules(&l);

	for (uint32_t i = 0; i < l.terms.len; i++) {
		free(l.terms.items[i].key);
		free(l.terms.items[i].seps);
	}
	SPECC_TABLE_FREE(l.terms);
	SPECC_TABLE_FREE(keys);
	free(l.term_first);
	free(l.spec_has_authority);
	free(l.term_end);
	SPECC_TABLE_FREE(l.toks);
	SPECC_TABLE_FREE(l.hits);
	SPECC_TABLE_FREE(l.sup);
	SPECC_TABLE_FREE(l.occ);
	specc_lexcache_release(&l.lex);
	specc_buf_release(&l.buf);
	specc_buf_release(&l.buf2);
	free(l.sev);
	free(l.count);
	free(l.groups);
	free(l.last_reported);
	free(l.section_normative);
	return SPECC_OK;
}
