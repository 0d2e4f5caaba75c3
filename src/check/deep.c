/*
 * deep.c - the check side of `specc check --deep`: which pairs of clauses
 * a grader model should judge, and how its judgements are reported.
 *
 * Candidates come from an inverted index over the clauses' content stems
 * (Snowball), never from all pairs: two clauses are a candidate when they
 * share at least two content stems, or, in a project of RARE_MIN_CLAUSES
 * or more, one that no other clause has (on bench/conflicts that added
 * about 5% more candidates and 19 of the conflicts the lexical tier
 * leaves: "never joke about a diagnosis" and "may answer a patient's joke"
 * meet on "joke").  A shared stem counts by its inverse document
 * frequency, so "passcode" shared by three clauses says more than
 * "account" shared by sixty, and a stem in more than a quarter of a large
 * project's clauses (its everyday vocabulary) is left out.  A pair scores
 * the weight of what it shares, not normalised by length: a contradiction
 * is as often a short rule against a long exception as two like
 * sentences, and on bench/conflicts the plain sum put more of the
 * conflicts the lexical tier misses near the top than a Jaccard or cosine
 * similarity did.  The search visits at most SPECC_DEEP_PAIR_BUDGET pairs
 * of clauses, an equal share for each clause, so a project of
 * near-duplicates gets a note, not a hang, and every clause is paired with
 * its nearest neighbours at least.
 *
 * The pairs the lexical tier reported are found again from its
 * diagnostics, not recomputed: its spans are the clauses' spans.  So are
 * the overrides= declarations a conflict justified, by the declaration a
 * conflict-overridden finding names: the pairs across one nothing has
 * justified yet are candidates whatever they share, ranked first, and
 * after the model tier the declarations still unjustified are reported
 * with what the model judged of them.
 */
#include <libstemmer.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "specc/buf.h"
#include "specc/codes.h"
#include "specc/deep.h"
#include "internal.h"

/* Reasons longer than this are cut in messages: a grader's "one sentence"
 * is untrusted and may be a page. */
#define MAX_REASON 300
/* Below this many clauses every stem is kept, however common: in a small
 * project a word in half the clauses is still a topic. */
#define COMMON_MIN_CLAUSES 8
/* Projects where a word two clauses alone share is a rare one (one
 * clause in twenty at most), not merely one the few clauses of a small
 * project happen to have in common: "service" in eight clauses. */
#define RARE_MIN_CLAUSES 40

/* Words that carry no topic: function words, the modal words every clause
 * has, the pieces of contractions ("don't" is "don" and "t", "we're" "we"
 * and "re"), and what specs call the assistant.  The modal words matter to
 * a contradiction, but as what the grader reads, not as what pairs
 * clauses: "must" shared says nothing about the subject. */
static const char *const stopwords[] = {
	"a", "about", "above", "after", "again", "all", "also", "always", "an", "and", "any", "are",
	"aren", "as", "assistant", "at", "be", "been", "before", "being", "both", "but", "by", "can",
	"cannot", "could", "couldn", "did", "didn", "do", "does", "doesn", "don", "during", "each",
	"either", "even", "every", "for", "from", "had", "hadn", "has", "hasn", "have", "haven", "he",
	"her", "here", "him", "his", "how", "if", "in", "into", "is", "isn", "it", "its", "itself",
	"just", "ll", "may", "me", "might", "model", "more", "most", "must", "mustn", "my", "need",
	"needs", "neither", "never", "no", "nor", "not", "of", "on", "once", "one", "only", "or",
	"other", "our", "out", "over", "own", "re", "same", "shall", "she", "should", "shouldn", "so",
	"some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
	"this", "those", "through", "to", "too", "under", "until", "up", "us", "ve", "very", "was",
	"wasn", "we", "were", "weren", "what", "when", "whenever", "where", "whether", "which",
	"while", "who", "whom", "whose", "why", "will", "with", "without", "won", "would", "wouldn",
	"you", "your", NULL,
};

/* ------------------------------------------------------------------ */
/* Pair sets: open addressing over (a << 32 | b), a < b */

struct pairset {
	uint64_t *keys;           /* 0 is empty: a pair (0, 0) never occurs */
	uint32_t *vals;
	uint32_t cap, len;        /* cap a power of two, or 0 */
};

static uint64_t pair_key(uint32_t a, uint32_t b)
{
	return a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
}

static uint32_t pair_hash(uint64_t k)
{
	/* A 64-bit mix (splitmix64's finaliser): clause numbers are small and
	 * dense, and the low bits alone would cluster. */
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9u;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebu;
	k ^= k >> 31;
	return (uint32_t)k;
}

static void pairset_release(struct pairset *s)
{
	free(s->keys);
	free(s->vals);
	memset(s, 0, sizeof *s);
}

/* The slot of k: where it is, or where it would go. */
static uint32_t pairset_slot(const struct pairset *s, uint64_t k)
{
	uint32_t i = pair_hash(k) & (s->cap - 1);
	while (s->keys[i] && s->keys[i] != k)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void pairset_grow(struct pairset *s)
{
	struct pairset g = { 0 };

	g.cap = s->cap ? s->cap * 2 : 64;
	g.keys = specc_xcalloc(g.cap, sizeof *g.keys);
	g.vals = specc_xcalloc(g.cap, sizeof *g.vals);
	for (uint32_t i = 0; i < s->cap; i++)
		if (s->keys[i]) {
			uint32_t j = pairset_slot(&g, s->keys[i]);
			g.keys[j] = s->keys[i];
			g.vals[j] = s->vals[i];
		}
	g.len = s->len;
	pairset_release(s);
	*s = g;
}

/* The value of pair k, or SPECC_NONE. */
static uint32_t pairset_get(const struct pairset *s, uint64_t k)
{
	if (!s->cap)
		return SPECC_NONE;
	uint32_t i = pairset_slot(s, k);
	return s->keys[i] ? s->vals[i] : SPECC_NONE;
}

/* Puts k -> v unless k is there; returns the value k has afterwards. */
static uint32_t pairset_put(struct pairset *s, uint64_t k, uint32_t v)
{
	uint32_t i;

	if ((uint64_t)(s->len + 1) * 4 > (uint64_t)s->cap * 3)
		pairset_grow(s);
	i = pairset_slot(s, k);
	if (!s->keys[i]) {
		s->keys[i] = k;
		s->vals[i] = v;
		s->len++;
	}
	return s->vals[i];
}

/* ------------------------------------------------------------------ */
/* The pairs the lexical tier reported */

struct clause_at {
	uint32_t file, start, clause;
};

static int cmp_clause_at(const void *x, const void *y)
{
	const struct clause_at *a = x, *b = y;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->clause < b->clause ? -1 : a->clause > b->clause;
}

/* The clause whose span starts at sp, or SPECC_NONE. */
static uint32_t clause_at(const struct clause_at *by, uint32_t n, specc_span sp)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (by[mid].file < sp.file || (by[mid].file == sp.file && by[mid].start < sp.start))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && by[lo].file == sp.file && by[lo].start == sp.start ? by[lo].clause : SPECC_NONE;
}

static bool within(const specc_project *p, uint32_t s, uint32_t t)
{
	for (; s != SPECC_NONE; s = p->sections.items[s].parent)
		if (s == t)
			return true;
	return false;
}

/*
 * Marks the pairs the lexical tier reported.  A conflict's related span is
 * the other clause, except where an overrides= decided it: then it is the
 * declaration, and every clause of the declaring section is taken as
 * decided against the reported one (the declaration settles the two
 * sections' conflicts either way).
 */
static void lexical_pairs(const specc_project *p, struct pairset *decided)
{
	const specc_code *conflict = SPECC_CODE(CLAUSE_CONFLICT), *overridden = SPECC_CODE(CONFLICT_OVERRIDDEN);
	uint32_t n = p->clauses.len;
	struct clause_at *by;

	if (n < 2)
		return;
	by = specc_xcalloc(n, sizeof *by);
	for (uint32_t i = 0; i < n; i++)
		by[i] = (struct clause_at){ p->clauses.items[i].span.file, p->clauses.items[i].span.start, i };
	qsort(by, n, sizeof *by, cmp_clause_at);
	for (uint32_t d = 0; d < p->diags.len; d++) {
		const specc_diag *dg = &p->diags.items[d];
		uint32_t ca;

		if (dg->code != conflict && dg->code != overridden)
			continue;
		if ((ca = clause_at(by, n, dg->span)) == SPECC_NONE)
			continue;
		for (const specc_related *r = dg->related; r; r = r->next) {
			uint32_t cb = clause_at(by, n, r->span);
			if (cb != SPECC_NONE && cb != ca) {
				pairset_put(decided, pair_key(ca, cb), 1);
				continue;
			}
			for (uint32_t s = 0; s < p->sections.len; s++) {
				const specc_section *sec = &p->sections.items[s];
				if (!sec->overrides.ptr || sec->overrides_span.file != r->span.file ||
				    sec->overrides_span.start != r->span.start)
					continue;
				for (uint32_t c = 0; c < n; c++)
					if (c != ca && p->clauses.items[c].section != SPECC_NONE &&
					    within(p, p->clauses.items[c].section, s))
						pairset_put(decided, pair_key(ca, c), 1);
			}
		}
	}
	free(by);
}

/* ------------------------------------------------------------------ */
/* Content stems */

struct u32s {
	uint32_t *items;
	uint32_t len, cap;
};

struct stems {
	struct sb_stemmer *stemmer;
	specc_map stop;           /* stopwords */
	specc_map ids;            /* stem -> id */
	SPECC_TABLE(uint32_t) df; /* id -> clauses that have it */
	SPECC_TABLE(uint32_t) last; /* id -> the last clause it was counted for, + 1 */
	specc_arena arena;        /* stem texts */
	specc_buf word;
};

/*
 * The length of the punctuation beyond ASCII that starts at s[i], or 0: the
 * General Punctuation block (U+2000 to U+206F: typographic quotes and
 * apostrophes, dashes, ellipses, spaces) and Latin-1's (U+00A0 to U+00BF:
 * the no-break space, guillemets, pound and section signs).  Specs are full
 * of them, and "member\u2019s" must be "member" as "member's" is.
 */
static size_t wide_punct(const char *s, size_t i, size_t n)
{
	const unsigned char *u = (const unsigned char *)s + i;

	if (i + 2 < n && u[0] == 0xe2 && (u[1] == 0x80 || u[1] == 0x81))
		return 3;
	if (i + 1 < n && u[0] == 0xc2 && u[1] >= 0xa0 && u[1] <= 0xbf)
		return 2;
	return 0;
}

/* Letters and digits, ASCII or not; other ASCII (the apostrophe too) ends
 * a word. */
static bool word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* The id of stem s, new ones counted from 0. */
static uint32_t stem_id(struct stems *st, specc_str s)
{
	uint32_t id = specc_map_get(&st->ids, s);

	if (id == SPECC_NONE) {
		id = st->df.len;
		*SPECC_PUSH(st->df) = 0;
		*SPECC_PUSH(st->last) = 0;
		specc_map_put(&st->ids, specc_arena_str(&st->arena, s.ptr, s.len), id, NULL);
	}
	return id;
}

/* Appends the distinct content stems of clause c (its text) to ids, and
 * counts each in its document frequency.  Linear in the text: a clause is
 * untrusted input and may be one line of a megabyte. */
static void clause_stems(struct stems *st, uint32_t c, specc_str text, struct u32s *ids)
{
	size_t i = 0, n = text.len;

	while (i < n) {
		size_t j = i, k;
		bool digits = true;
		const sb_symbol *stem;
		uint32_t id;

		/* Past a whole character: a byte at a time would start a
		 * "word" at its continuation bytes. */
		if ((k = wide_punct(text.ptr, i, n)) != 0 || !word_byte((unsigned char)text.ptr[i])) {
			i += k ? k : 1;
			continue;
		}
		specc_buf_reset(&st->word);
		while (j < n && word_byte((unsigned char)text.ptr[j]) && !wide_punct(text.ptr, j, n)) {
			char ch = text.ptr[j];
			digits &= ch >= '0' && ch <= '9';
			specc_buf_addch(&st->word, ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
			j++;
		}
		i = j;
		/* Numbers differ where limits conflict; shared, they say little. */
		if (st->word.len < 2 || digits ||
		    specc_map_get(&st->stop, specc_str_make(st->word.ptr, st->word.len)) != SPECC_NONE)
			continue;
		stem = sb_stemmer_stem(st->stemmer, (const sb_symbol *)st->word.ptr, (int)st->word.len);
		if (!stem)
			specc_die_oom();
		id = stem_id(st, specc_str_make((const char *)stem, (size_t)sb_stemmer_length(st->stemmer)));
		if (st->last.items[id] == c + 1)
			continue;
		st->last.items[id] = c + 1;
		st->df.items[id]++;
		*SPECC_PUSH(*ids) = id;
	}
}

/* ------------------------------------------------------------------ */
/* The search */

static int cmp_pair(const void *x, const void *y)
{
	const specc_deep_pair *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

static specc_span first_span(const specc_project *p)
{
	return p->clauses.len ? p->clauses.items[0].span : specc_span_make(0, 0, 0);
}

void specc_deep_candidates_release(specc_deep_candidates *c)
{
	SPECC_TABLE_FREE(c->pairs);
	memset(c, 0, sizeof *c);
}

/* Candidate pairs as they are found. */
struct pairs {
	specc_deep_pair *items;
	uint32_t len, cap;
};

/* The inverted index: per stem, its weight and the clauses that have it;
 * per clause, its stems rarest first. */
struct index {
	uint32_t n, nstems;
	const uint32_t *df;       /* stem -> clauses that have it */
	double *idf;              /* 0 for a stem too common to count */
	uint32_t *post_first;     /* stem -> its first posting; nstems + 1 of them */
	uint32_t *posts;          /* clauses, in clause order per stem */
	const uint32_t *first, *count; /* clause -> its stems in stems */
	uint32_t *stems;
};

/* Stems as (document frequency << 32 | id): sorted, rarest first (the
 * budget goes to what tells most), then by id for a stable order. */
static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

static void index_build(struct index *x, const struct stems *st, struct u32s *ids, const uint32_t *first,
			const uint32_t *count, uint32_t n)
{
	/* In a small project every stem counts, however common: a word in
	 * half of six clauses is still a topic. */
	uint32_t limit = n >= COMMON_MIN_CLAUSES ? n / 4 : n, *fill, most = 0;
	uint64_t *order;

	x->n = n;
	x->nstems = st->df.len;
	x->df = st->df.items;
	x->first = first;
	x->count = count;
	x->stems = ids->items;
	x->idf = specc_xcalloc((size_t)x->nstems + 1, sizeof *x->idf);
	x->post_first = specc_xcalloc((size_t)x->nstems + 1, sizeof *x->post_first);
	for (uint32_t s = 0; s < x->nstems; s++) {
		uint32_t df = st->df.items[s];
		x->idf[s] = df > limit ? 0 : log(1.0 + (double)n / (double)df);
		x->post_first[s + 1] = x->post_first[s] + df;
	}
	x->posts = specc_xcalloc((size_t)x->post_first[x->nstems] + 1, sizeof *x->posts);
	fill = specc_xcalloc((size_t)x->nstems + 1, sizeof *fill);
	for (uint32_t c = 0; c < n; c++)
		most = count[c] > most ? count[c] : most;
	order = specc_xcalloc((size_t)most + 1, sizeof *order);
	for (uint32_t c = 0; c < n; c++) {
		uint32_t *mine;
		/* A project with no content stem at all has no stem list to
		 * point into. */
		if (!count[c])
			continue;
		mine = ids->items + first[c];
		for (uint32_t k = 0; k < count[c]; k++) {
			x->posts[x->post_first[mine[k]] + fill[mine[k]]++] = c;
			order[k] = (uint64_t)x->df[mine[k]] << 32 | mine[k];
		}
		if (count[c] > 1)
			qsort(order, count[c], sizeof *order, cmp_u64);
		for (uint32_t k = 0; k < count[c] && count[c] > 1; k++)
			mine[k] = (uint32_t)order[k];
	}
	free(order);
	free(fill);
}

static void index_release(struct index *x)
{
	free(x->idf);
	free(x->post_first);
	free(x->posts);
}

/* The first posting of stem s after clause a (postings are in clause
 * order), so each pair is met once, from its earlier clause. */
static uint32_t after(const struct index *x, uint32_t s, uint32_t a)
{
	uint32_t lo = x->post_first[s], hi = x->post_first[s + 1];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (x->posts[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The pairs (a, b > a) that share two stems or more, or one that only they
 * have, into all.  Each clause gets an equal share of the budget, so
 * near-duplicates early in a project cannot use it all up; past its
 * share, a stem pairs a clause with the clauses that follow it most
 * closely.  Returns whether some clause ran out of its share.
 */
static bool pair_up(const struct index *x, const specc_project *p, const struct pairset *decided,
		    const struct pairset *declared, specc_deep_candidates *out, struct pairs *all)
{
	uint32_t share = SPECC_DEEP_PAIR_BUDGET / (x->n ? x->n : 1), *shared, *touched, ntouched;
	double *weight;
	bool *only;
	bool short_of = false;

	/* A share too small to pair two rare stems would find nothing. */
	if (share < 64)
		share = 64;
	shared = specc_xcalloc(x->n, sizeof *shared);
	weight = specc_xcalloc(x->n, sizeof *weight);
	touched = specc_xcalloc(x->n, sizeof *touched);
	only = specc_xcalloc(x->n, sizeof *only);
	for (uint32_t a = 0; a < x->n; a++) {
		uint32_t left = share, stems = 0;

		for (uint32_t k = 0; k < x->count[a]; k++)
			stems += x->idf[x->stems[x->first[a] + k]] != 0;
		ntouched = 0;
		/* Each stem gets an equal part of what is left, rarest first, so
		 * what a rare stem does not use goes to the common ones, and a
		 * common one cannot take it all: two near-duplicates must meet
		 * on two stems to pair. */
		for (uint32_t k = 0; k < x->count[a]; k++) {
			uint32_t s = x->stems[x->first[a] + k], i, end, allow;
			if (x->idf[s] == 0)
				continue;
			allow = left / stems--;
			i = after(x, s, a);
			end = x->post_first[s + 1];
			if (end - i > allow) {
				short_of = true;
				end = i + allow;
			}
			left -= end - i;
			for (; i < end; i++) {
				uint32_t b = x->posts[i];
				if (!shared[b]++)
					touched[ntouched++] = b;
				weight[b] += x->idf[s];
				only[b] |= x->df[s] == 2 && x->n >= RARE_MIN_CLAUSES;
			}
		}
		for (uint32_t t = 0; t < ntouched; t++) {
			uint32_t b = touched[t];
			specc_str ta = p->clauses.items[a].text, tb = p->clauses.items[b].text;

			/* One word in common is a coincidence more often than a
			 * topic, unless no other clause uses it; the same
			 * sentence twice agrees with itself. */
			if ((shared[b] >= 2 || only[b]) &&
			    !(ta.len == tb.len && (!ta.len || !memcmp(ta.ptr, tb.ptr, ta.len)))) {
				out->sharing++;
				if (pairset_get(decided, pair_key(a, b)) != SPECC_NONE)
					out->decided++;
				else if (pairset_get(declared, pair_key(a, b)) == SPECC_NONE)
					*SPECC_PUSH(*all) = (specc_deep_pair){ a, b, weight[b], shared[b], false };
			}
			shared[b] = 0;
			weight[b] = 0;
			only[b] = false;
		}
	}
	free(shared);
	free(weight);
	free(only);
	free(touched);
	return short_of;
}

/* ------------------------------------------------------------------ */
/* Sections linked by overrides= */

/*
 * Which declarations no conflict has justified yet, into pending (per
 * section): a legal overrides= (target from
 * specc_conflict_override_targets()) that no conflict-overridden finding
 * names as its declaration.  The findings say it, whichever tier made them,
 * so this reads the same before the model tier and after it.  Returns how
 * many there are.
 */
static uint32_t overrides_pending(const specc_project *p, const uint32_t *target, bool *pending)
{
	const specc_code *overridden = SPECC_CODE(CONFLICT_OVERRIDDEN);
	struct clause_at *by;     /* here a section, by where its overrides= is written */
	uint32_t n = 0, left = 0;

	for (uint32_t s = 0; s < p->sections.len; s++)
		n += (pending[s] = target[s] != SPECC_NONE);
	if (!n)
		return 0;
	by = specc_xcalloc(n, sizeof *by);
	n = 0;
	for (uint32_t s = 0; s < p->sections.len; s++)
		if (pending[s])
			by[n++] = (struct clause_at){ p->sections.items[s].overrides_span.file,
						      p->sections.items[s].overrides_span.start, s };
	qsort(by, n, sizeof *by, cmp_clause_at);
	for (uint32_t d = 0; d < p->diags.len; d++) {
		if (p->diags.items[d].code != overridden)
			continue;
		for (const specc_related *r = p->diags.items[d].related; r; r = r->next) {
			uint32_t s = clause_at(by, n, r->span);
			if (s != SPECC_NONE)
				pending[s] = false;
		}
	}
	for (uint32_t s = 0; s < p->sections.len; s++)
		left += pending[s];
	free(by);
	return left;
}

/* Whether clauses a and b cross section s's overrides=: one is of s itself,
 * the other of the section it names or under it (the lexical tier reads a
 * declaration so). */
static bool crosses(const specc_project *p, const uint32_t *target, uint32_t s, uint32_t a, uint32_t b)
{
	uint32_t sa = p->clauses.items[a].section, sb = p->clauses.items[b].section;

	if (sa == SPECC_NONE || sb == SPECC_NONE)
		return false;
	return (sa == s && within(p, sb, target[s])) || (sb == s && within(p, sa, target[s]));
}

/* A pair across a declaration, with the section that declares it and its
 * rank among that declaration's pairs. */
struct declared_pair {
	specc_deep_pair pair;
	uint32_t owner, round;
};

struct declared_pairs {
	struct declared_pair *items;
	uint32_t len, cap;
};

static int cmp_by_owner(const void *x, const void *y)
{
	const struct declared_pair *a = x, *b = y;
	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	return cmp_pair(&a->pair, &b->pair);
}

static int cmp_by_round(const void *x, const void *y)
{
	const struct declared_pair *a = x, *b = y;
	if (a->round != b->round)
		return a->round < b->round ? -1 : 1;
	return cmp_pair(&a->pair, &b->pair);
}

/*
 * The pairs across each declaration no conflict has justified yet, into
 * decl (their keys into seen), ranked: each declaration's best pair, then
 * each one's second, and so on.  A clause of the declaring section is
 * paired with every clause of the section it names and under it, scored as
 * pair_up() scores, whatever they share: the author's declaration says a
 * conflict is there, and only a contradiction between them can justify
 * it.  The same sentence twice and pairs the lexical tier decided are left
 * out.  At most SPECC_DEEP_PAIR_BUDGET pairs are visited.
 */
static void declared_pairs(const struct index *x, const specc_project *p, const struct pairset *decided,
			   struct pairset *seen, struct declared_pairs *decl)
{
	uint32_t ns = p->sections.len, n = x->n, *target, *own, *own_first, *under, *under_first, *stamp;
	uint32_t visits = 0, round = 0;
	bool *pending, *named;

	if (!ns)
		return;
	target = specc_xcalloc(ns, sizeof *target);
	pending = specc_xcalloc(ns, sizeof *pending);
	specc_conflict_override_targets(p, target);
	if (!overrides_pending(p, target, pending)) {
		free(target);
		free(pending);
		return;
	}
	/* The clauses of each section itself, own[own_first[s] ..
	 * own_first[s + 1]), and of each named section and the sections under
	 * it, under[under_first[t] .. under_first[t + 1]). */
	named = specc_xcalloc(ns, sizeof *named);
	for (uint32_t s = 0; s < ns; s++)
		if (pending[s])
			named[target[s]] = true;
	own_first = specc_xcalloc((size_t)ns + 1, sizeof *own_first);
	under_first = specc_xcalloc((size_t)ns + 1, sizeof *under_first);
	for (uint32_t c = 0; c < n; c++) {
		uint32_t sec = p->clauses.items[c].section;
		if (sec != SPECC_NONE)
			own_first[sec + 1]++;
		for (uint32_t t = sec; t != SPECC_NONE; t = p->sections.items[t].parent)
			under_first[t + 1] += named[t];
	}
	for (uint32_t s = 0; s < ns; s++) {
		own_first[s + 1] += own_first[s];
		under_first[s + 1] += under_first[s];
	}
	own = specc_xcalloc((size_t)own_first[ns] + 1, sizeof *own);
	under = specc_xcalloc((size_t)under_first[ns] + 1, sizeof *under);
	for (uint32_t c = 0; c < n; c++) {
		uint32_t sec = p->clauses.items[c].section;
		if (sec == SPECC_NONE)
			continue;
		own[own_first[sec]++] = c;
		for (uint32_t t = sec; t != SPECC_NONE; t = p->sections.items[t].parent)
			if (named[t])
				under[under_first[t]++] = c;
	}
	/* The fill moved each start to the next one's: move them back. */
	for (uint32_t s = ns; s > 0; s--) {
		own_first[s] = own_first[s - 1];
		under_first[s] = under_first[s - 1];
	}
	own_first[0] = under_first[0] = 0;

	stamp = specc_xcalloc((size_t)x->nstems + 1, sizeof *stamp);
	for (uint32_t s = 0; s < ns && visits < SPECC_DEEP_PAIR_BUDGET; s++) {
		uint32_t t = target[s];
		if (!pending[s])
			continue;
		for (uint32_t i = own_first[s]; i < own_first[s + 1] && visits < SPECC_DEEP_PAIR_BUDGET; i++) {
			uint32_t a = own[i];
			for (uint32_t k = 0; k < x->count[a]; k++)
				stamp[x->stems[x->first[a] + k]] = a + 1;
			for (uint32_t j = under_first[t]; j < under_first[t + 1] && visits < SPECC_DEEP_PAIR_BUDGET; j++) {
				uint32_t b = under[j], shared = 0;
				specc_str ta = p->clauses.items[a].text, tb = p->clauses.items[b].text;
				double weight = 0;

				visits++;
				if (ta.len == tb.len && (!ta.len || !memcmp(ta.ptr, tb.ptr, ta.len)))
					continue;
				if (pairset_get(decided, pair_key(a, b)) != SPECC_NONE ||
				    pairset_put(seen, pair_key(a, b), decl->len) != decl->len)
					continue;
				for (uint32_t k = 0; k < x->count[b]; k++) {
					uint32_t st = x->stems[x->first[b] + k];
					if (stamp[st] == a + 1 && x->idf[st] != 0) {
						shared++;
						weight += x->idf[st];
					}
				}
				*SPECC_PUSH(*decl) = (struct declared_pair){
					{ a < b ? a : b, a < b ? b : a, weight, shared, true }, s, 0 };
			}
			for (uint32_t k = 0; k < x->count[a]; k++)
				stamp[x->stems[x->first[a] + k]] = 0;
		}
	}
	/* Each declaration's best first, then round by round. */
	if (decl->len) {
		qsort(decl->items, decl->len, sizeof *decl->items, cmp_by_owner);
		for (uint32_t i = 0; i < decl->len; i++) {
			round = i && decl->items[i].owner == decl->items[i - 1].owner ? round + 1 : 0;
			decl->items[i].round = round;
		}
		qsort(decl->items, decl->len, sizeof *decl->items, cmp_by_round);
	}
	free(stamp);
	free(own);
	free(under);
	free(own_first);
	free(under_first);
	free(named);
	free(target);
	free(pending);
}

void specc_deep_candidates_find(specc_project *p, uint32_t max_pairs, specc_deep_candidates *out)
{
	uint32_t n = p->clauses.len;
	struct stems st = { 0 };
	struct u32s ids = { 0 };
	uint32_t *first, *count;  /* clause -> its stems in ids */
	struct index x;
	struct pairset decided = { 0 }, seen = { 0 };
	struct pairs all = { 0 };
	struct declared_pairs decl = { 0 };
	/* Declarations first, but never more than half: the other half is
	 * for the conflicts no one declared. */
	uint32_t quota = max_pairs / 2 + max_pairs % 2;

	memset(out, 0, sizeof *out);
	if (n < 2 || max_pairs == 0)
		return;
	st.stemmer = sb_stemmer_new("english", NULL);
	if (!st.stemmer)
		specc_die_oom();
	specc_arena_init(&st.arena);
	specc_buf_init(&st.word);
	for (uint32_t i = 0; stopwords[i]; i++)
		specc_map_put(&st.stop, specc_str_make(stopwords[i], strlen(stopwords[i])), i, NULL);

	first = specc_xcalloc(n, sizeof *first);
	count = specc_xcalloc(n, sizeof *count);
	for (uint32_t c = 0; c < n; c++) {
		first[c] = ids.len;
		clause_stems(&st, c, p->clauses.items[c].text, &ids);
		count[c] = ids.len - first[c];
	}
	index_build(&x, &st, &ids, first, count, n);
	lexical_pairs(p, &decided);
	declared_pairs(&x, p, &decided, &seen, &decl);
	out->budget_reached = pair_up(&x, p, &decided, &seen, out, &all);
	out->declared = decl.len;
	out->total = (uint64_t)decl.len + all.len;
	for (uint32_t i = 0; i < decl.len; i++)
		if (i < quota)
			*SPECC_PUSH(out->pairs) = decl.items[i].pair;
		else
			*SPECC_PUSH(all) = decl.items[i].pair;
	if (all.len) /* qsort() must not get a null pointer, even for nothing */
		qsort(all.items, all.len, sizeof *all.items, cmp_pair);
	for (uint32_t i = 0; i < all.len && out->pairs.len < max_pairs; i++)
		*SPECC_PUSH(out->pairs) = all.items[i];

	if (out->budget_reached) {
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(CONFLICT_PAIRING_LIMIT), first_span(p),
					       "the deep check's search for candidate pairs reached its budget of "
					       "%u pairs of clauses (%u a clause); clauses that share only common "
					       "words were not all paired",
					       SPECC_DEEP_PAIR_BUDGET, SPECC_DEEP_PAIR_BUDGET / n < 64 ? 64 : SPECC_DEEP_PAIR_BUDGET / n);
		specc_diag_help(&p->diags, d, "many clauses share the same words; this usually means "
					      "near-duplicate text, which is worth merging");
	}

	SPECC_TABLE_FREE(all);
	SPECC_TABLE_FREE(decl);
	pairset_release(&decided);
	pairset_release(&seen);
	index_release(&x);
	free(first);
	free(count);
	SPECC_TABLE_FREE(ids);
	SPECC_TABLE_FREE(st.df);
	SPECC_TABLE_FREE(st.last);
	specc_map_release(&st.ids);
	specc_map_release(&st.stop);
	specc_arena_release(&st.arena);
	specc_buf_release(&st.word);
	sb_stemmer_delete(st.stemmer);
}

/* ------------------------------------------------------------------ */
/* Reporting judgements */

const char *specc_deep_kind_name(int kind)
{
	static const char *const names[] = { "contradiction", "compatible", "unclear" };
	return kind >= 0 && kind < 3 ? names[kind] : "?";
}

int specc_deep_kind_from_name(const char *s)
{
	for (int k = 0; k < 3; k++)
		if (s && !strcmp(s, specc_deep_kind_name(k)))
			return k;
	return -1;
}

static void unclear_note(specc_project *p, uint32_t at, uint32_t other, const char *quoted)
{
	specc_buf who = SPECC_BUF_INIT;
	specc_diag *d;

	specc_conflict_describe(p, other, &who);
	d = specc_diag_add(&p->diags, SPECC_CODE(CONFLICT_UNCLEAR), p->clauses.items[at].span,
			   "the grader model could not tell whether this clause contradicts %s: \"%s\"",
			   who.ptr, quoted);
	specc_diag_related(&p->diags, d, p->clauses.items[other].span, "the other clause");
	specc_diag_help(&p->diags, d, "read the two together; if one is an exception to the other, "
				      "say so with a condition, so a reader (or a model) need not guess");
	specc_buf_release(&who);
}

void specc_deep_report(specc_project *p, uint32_t a, uint32_t b, int kind, const char *reason)
{
	specc_buf q = SPECC_BUF_INIT, why = SPECC_BUF_INIT;

	if (kind == SPECC_DEEP_COMPATIBLE)
		return;
	specc_quote_to_buf(&q, reason ? reason : "", reason ? strlen(reason) : 0, MAX_REASON);
	if (kind == SPECC_DEEP_CONTRADICTION) {
		specc_buf_addf(&why, "the grader model judged them contradictory: \"%s\"", q.ptr);
		specc_conflict_report(p, a, b, why.ptr);
	} else {
		unclear_note(p, a, b, q.ptr);
		unclear_note(p, b, a, q.ptr);
	}
	specc_buf_release(&q);
	specc_buf_release(&why);
}

void specc_deep_report_incomplete(specc_project *p, uint64_t failed, uint64_t unstored,
				  uint64_t total, const char *first_error)
{
	specc_buf msg = SPECC_BUF_INIT;
	specc_diag *d;

	specc_buf_addstr(&msg, "the deep check is incomplete: ");
	if (failed)
		specc_buf_addf(&msg, "%llu of %llu candidate pair%s got no judgement from the grader model",
			       (unsigned long long)failed, (unsigned long long)total, total == 1 ? "" : "s");
	if (failed && unstored)
		specc_buf_addstr(&msg, ", and ");
	if (unstored)
		specc_buf_addf(&msg, "%llu judgement%s could not be stored", (unsigned long long)unstored,
			       unstored == 1 ? "" : "s");
	if (first_error) {
		specc_buf_addstr(&msg, " (first: ");
		specc_quote_to_buf(&msg, first_error, strlen(first_error), MAX_REASON);
		specc_buf_addch(&msg, ')');
	}
	d = specc_diag_add_msg(&p->diags, SPECC_CODE(DEEP_CHECK_INCOMPLETE), first_span(p), msg.ptr, msg.len);
	specc_diag_help(&p->diags, d, "run it again: pairs already judged are kept in the store and not "
				      "asked twice; the exit status is 3 higher until every pair is judged");
	specc_buf_release(&msg);
}

/* ------------------------------------------------------------------ */
/* Declarations nothing justified */

/*
 * The invalid-override error for section s, whose clauses and those of the
 * section it names make `pairs` pairs, of which the grader model judged
 * `judged` (unclear of them "unclear") and `failed` got no judgement; the
 * rest were not asked.
 */
static void unjustified(specc_project *p, uint32_t s, uint64_t pairs, uint64_t judged, uint64_t unclear,
			uint64_t failed)
{
	specc_buf why = SPECC_BUF_INIT;
	uint64_t left = pairs > judged + failed ? pairs - judged - failed : 0;
	const char *help = NULL;

	if (!pairs) {
		/* One of the two has no clause: nothing to ask about. */
		specc_conflict_override_unjustified(p, s, NULL, NULL);
		return;
	}
	/* "No clause conflicts" only when every pair got a clear answer. */
	specc_buf_addstr(&why, failed || left || unclear ? "but no conflict between their clauses has been found: "
						      : "but no clause of the two conflicts: ");
	if (pairs == 1) {
		if (unclear)
			specc_buf_addstr(&why, "the grader model could not tell whether their two clauses contradict");
		else if (judged)
			specc_buf_addstr(&why, "the grader model judged the one pair of their clauses and found no "
					       "contradiction");
		else if (failed)
			specc_buf_addstr(&why, "the grader model gave no judgement on the one pair of their "
					       "clauses, so it may yet find them contradictory");
		else
			specc_buf_addstr(&why, "the grader model was not asked about the one pair of their clauses");
	} else if (judged == pairs) {
		specc_buf_addf(&why, "the grader model judged all %llu pairs of their clauses and found no "
				     "contradiction", (unsigned long long)pairs);
		if (unclear)
			specc_buf_addf(&why, " (it could not tell for %llu)", (unsigned long long)unclear);
	} else {
		if (judged)
			specc_buf_addf(&why, "the grader model found no contradiction in the %llu of their %llu "
					     "pairs of clauses it judged", (unsigned long long)judged,
				       (unsigned long long)pairs);
		else
			specc_buf_addf(&why, "the grader model judged none of the %llu pairs of their clauses",
				       (unsigned long long)pairs);
		if (unclear)
			specc_buf_addf(&why, " (it could not tell for %llu)", (unsigned long long)unclear);
		if (failed)
			specc_buf_addf(&why, "; %llu got no judgement and may yet hold a contradiction",
				       (unsigned long long)failed);
		if (left)
			specc_buf_addf(&why, "; %llu %s not asked", (unsigned long long)left, left == 1 ? "was" : "were");
	}
	if (failed)
		help = "run specc check --deep again: the judgements made are kept, the pairs without one are "
		       "asked again, and a contradiction among them would justify the declaration";
	else if (left)
		help = "a higher --deep-pairs has more of their pairs judged; if the two sections do not "
		       "conflict, remove the declaration";
	else if (unclear)
		help = "read the pairs the grader model could not tell about (the conflict-unclear notes): if "
		       "one clause is an exception to the other, say so with a condition; if not, remove the "
		       "declaration";
	specc_conflict_override_unjustified(p, s, why.ptr, help);
	specc_buf_release(&why);
}

void specc_deep_report_overrides(specc_project *p, const specc_deep_candidates *c, const int *verdicts,
				 bool lexical_complete)
{
	uint32_t ns = p->sections.len, *target;
	bool *pending;

	/* Past its budget the lexical tier claims no declaration
	 * unjustified; nor does this. */
	if (!lexical_complete || !ns)
		return;
	target = specc_xcalloc(ns, sizeof *target);
	pending = specc_xcalloc(ns, sizeof *pending);
	specc_conflict_override_targets(p, target);
	overrides_pending(p, target, pending);
	for (uint32_t s = 0; s < ns; s++) {
		uint64_t mine = 0, under = 0, judged = 0, unclear = 0, failed = 0;

		if (!pending[s])
			continue;
		if (!c) {
			specc_conflict_override_unjustified(p, s, NULL, NULL);
			continue;
		}
		for (uint32_t k = 0; k < p->clauses.len; k++) {
			uint32_t sec = p->clauses.items[k].section;
			mine += sec == s;
			under += sec != SPECC_NONE && within(p, sec, target[s]);
		}
		for (uint32_t i = 0; i < c->pairs.len; i++) {
			if (!crosses(p, target, s, c->pairs.items[i].a, c->pairs.items[i].b))
				continue;
			if (verdicts && verdicts[i] >= 0) {
				judged++;
				unclear += verdicts[i] == SPECC_DEEP_UNCLEAR;
			} else {
				failed++;
			}
		}
		unjustified(p, s, mine * under, judged, unclear, failed);
	}
	free(target);
	free(pending);
}
