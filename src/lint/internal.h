/*
 * internal.h - the parts of src/lint shared between its modules.
 */
#ifndef SPECC_LINT_INTERNAL_H
#define SPECC_LINT_INTERNAL_H

#include "specc/buf.h"
#include "specc/lint.h"

/* ---- tokens (token.c) ------------------------------------------------- */

enum {
	SPECC_TOK_WORD = 1 << 0,
	SPECC_TOK_NUM = 1 << 1,   /* starts with a digit */
	SPECC_TOK_PUNCT = 1 << 2,
	SPECC_TOK_CODE = 1 << 3,  /* a masked code span */
	SPECC_TOK_QUOTED = 1 << 4, /* inside quotation marks */
	SPECC_TOK_CAP = 1 << 5,   /* starts with an upper-case letter */
	SPECC_TOK_URL = 1 << 6,
	SPECC_TOK_LOWER = 1 << 7, /* starts with a lower-case letter */
	SPECC_TOK_END = 1 << 8,   /* . ? or ! */
	SPECC_TOK_CLOSER = 1 << 9, /* ) ] " ' and their typographic forms */
	SPECC_TOK_TERM = 1 << 10, /* may start a defined term (see specc_lexcache.keys) */
	SPECC_TOK_NORMATIVE = 1 << 11, /* in a sentence that states a requirement */
	SPECC_TOK_JOINED = 1 << 12, /* a word joined to the one before by a hyphen */
	SPECC_TOK_PAREN = 1 << 13, /* inside parentheses */
};

typedef struct specc_tok {
	uint32_t a, b;           /* bytes of the text; a synthetic "not" has a == b */
	uint32_t stem, form;     /* symbols, 0 when no rule names the word */
	uint32_t flags;
} specc_tok;

typedef SPECC_TABLE(specc_tok) specc_toks;

/* Looks words up, remembering each word form it has seen, so a form is
 * lowercased, stemmed and looked up in the rules' alphabets once per run.
 * Owned by one lint run. */
typedef struct specc_lexcache {
	const specc_ruleset *rs;
	struct specc_lex_slot *slots;
	const char **longkey;    /* per slot: a key longer than 16 bytes */
	uint32_t cap, len;
	specc_arena keys;
	specc_buf scratch;
	/* The spec's defined terms, as letters and digits in lower case: a
	 * word that starts one is flagged SPECC_TOK_TERM, decided once per
	 * word form.  Set before the first specc_tokenize(). */
	char *const *terms;
	uint32_t nterms;
} specc_lexcache;

void specc_lexcache_init(specc_lexcache *c, const specc_ruleset *rs);
void specc_lexcache_release(specc_lexcache *c);

/*
 * Splits text[0, n) into tokens appended to out.  With c set, each word
 * gets its symbols; with c NULL (rule phrases), symbols are left 0 for
 * the caller.  "n't" is split into its verb and a synthetic "not", a
 * hyphen inside a word separates words without a token, and URLs and code
 * are single flagged tokens.
 */
void specc_tokenize(const char *text, size_t n, specc_lexcache *c, specc_toks *out);

/* The normalised form of a word token: lower case, typographic
 * apostrophes made straight.  Written to b (reset first). */
void specc_tok_fold(const char *text, const specc_tok *t, specc_buf *b);

/* Stems a folded word with the ruleset's Snowball stemmer.  The result is
 * valid until the next call. */
specc_str specc_stem(const specc_ruleset *rs, const char *w, size_t n);

/* ---- automaton (ac.c) ------------------------------------------------- */

/* Builds ac over phrases whose exact flag equals exact. */
void specc_ac_build(specc_ac *ac, const specc_ruleset *rs, bool exact, uint32_t nsyms);
void specc_ac_release(specc_ac *ac);

static inline uint32_t specc_ac_step(const specc_ac *ac, uint32_t s, uint32_t sym)
{
	if (!sym || sym >= ac->nsyms)
		return 0;
	while (s) {
		uint32_t lo = ac->edge_first[s], hi = lo + ac->edge_count[s];
		while (lo < hi) {
			uint32_t mid = (lo + hi) / 2, k = (uint32_t)(ac->edges[mid] >> 32);
			if (k == sym)
				return (uint32_t)ac->edges[mid];
			if (k < sym)
				lo = mid + 1;
			else
				hi = mid;
		}
		s = ac->fail[s];
	}
	return ac->root[sym];
}

#endif
