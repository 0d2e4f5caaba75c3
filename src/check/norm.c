/*
 * norm.c - reading normative statements out of clause sentences.
 *
 * A small, predictable reader rather than a parser of English: it finds
 * the modal words ("must", "should not", "may", "is not allowed to", an
 * imperative at the start, "Under no circumstances may ..."), takes the
 * subject's head before them as the actor and the verb after them (past
 * adverbs and asides) as the action (a passive's participle, a phrasal
 * verb's meaning), the content words up to the next boundary as the
 * object and its first words as the object's head, the first condition
 * word's clause (or a leading scope, "During business hours,") as the
 * condition, and "at most 100 words", "within 30 days", "100 ml or less"
 * as a limit.  Modals inside relative and conditional clauses are not the
 * sentence's rules.  What it cannot read it leaves out: a sentence with no
 * modal reading has no statement, which costs recall in conflict
 * detection, never a false conflict.
 */
#define _GNU_SOURCE /* memmem */
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

#include "specc/buf.h"
#include "specc/norm.h"
#include "norm-words.h"

/* A word list entry with its length, known when compiled. */
#define W(s) { s, sizeof s - 1 }

static bool in(const specc_str *list, specc_str w)
{
	/* Lengths first: most words differ there, and the lists are read
	 * for every word of every clause. */
	for (; list->ptr; list++)
		if (list->len == w.len && !memcmp(list->ptr, w.ptr, w.len))
			return true;
	return false;
}

enum {
	F_ADVERB = 1, F_STOP = 2, F_VERB = 4, F_NOT_VERB = 8, F_ACTOR = 16, F_MODAL = 32, F_COND = 64,
	F_PREP = 128, F_REL = 256, F_PERSON = 512, F_PARTICLE = 1024, F_LIMIT = 2048, F_NUMBER = 4096,
	F_VERB_STEM = 8192, /* the stem of a verb of norm_imperative_verbs: "guess", "apolog" */
};

struct tok {
	uint32_t start, end;      /* bytes in the text */
	specc_str w;              /* lower case, ’ as '; empty for punctuation */
	char punct;               /* ',' ';' ':' '.' '(' ')' '-' for a dash, 0 for a word */
	uint32_t woff;            /* where w starts in reader.low */
	/* Read once per token (classify), since the reader asks again and
	 * again: which lists the word is in, and the modal and condition
	 * readings that start here. */
	uint16_t flags;           /* F_* */
	uint8_t modal_len, mod, cond, cond_skip;
	bool abs;
};

struct reader {
	specc_norms *out;
	uint32_t clause;
	const char *text;
	size_t len;
	struct tok *toks;
	uint32_t n, cap;
	struct sb_stemmer *stemmer;
	specc_map lists;          /* word -> index into list_flags */
	SPECC_TABLE(uint16_t) list_flags; /* F_* of the lists a word is in */
	specc_buf low;            /* the sentence's words in lower case; tokens point here */
	/* Stems already computed, by word: a project repeats its words, and
	 * the stemmer costs more than a lookup. */
	specc_map stem_index;     /* word -> index into stems */
	SPECC_TABLE(specc_str) stems;
	specc_arena stem_arena;
	specc_buf spelling;       /* a word in American spelling, for the stemmer */
	/* The subject of the statement being read, as tokens [subj_a,
	 * subj_b): a passive's object ("refunds must be paid"). */
	uint32_t subj_a, subj_b;
	uint32_t particle;        /* a phrasal verb's particle after its object, or SPECC_NONE */
	/* Read a modal after "who", "which" or "that" as the sentence's own:
	 * when nothing else in it is ("Complaints that mention it should be
	 * resolved ..."). */
	bool relative_main;
};

static bool word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static void push(struct reader *r, struct tok t)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->toks = specc_xrealloc(r->toks, r->cap * sizeof *r->toks);
	}
	r->toks[r->n++] = t;
}

/* Words (letters, digits, inner apostrophes, hyphens and dots) and the
 * punctuation that bounds phrases. */
static void tokenize(struct reader *r)
{
	const unsigned char *s = (const unsigned char *)r->text;
	size_t i = 0;

	while (i < r->len) {
		unsigned char c = s[i];
		/* U+2000 to U+203F (dashes, quotes, ellipsis) bound words. */
		bool dollar = c == '$' && i + 1 < r->len && s[i + 1] >= '0' && s[i + 1] <= '9';
		if (dollar || (word_byte(c) && !(c == 0xe2 && i + 1 < r->len && s[i + 1] == 0x80))) {
			specc_buf *b = &r->low;
			size_t start = i, from = b->len;
			if (dollar) {
				specc_buf_addch(b, '$');
				i++;
			}
			while (i < r->len) {
				c = s[i];
				if (c == 0xe2 && i + 2 < r->len && s[i + 1] == 0x80 && s[i + 2] == 0x99 &&
				    i + 3 < r->len && word_byte(s[i + 3]) && s[i + 3] != 0xe2) {
					specc_buf_addch(b, '\'');
					i += 3;
				} else if (c == 0xe2 && i + 1 < r->len && s[i + 1] == 0x80) {
					break; /* a typographic dash, quote or ellipsis */
				} else if (word_byte(c)) {
					specc_buf_addch(b, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
					i++;
				} else if (c == ',' && b->len > from && b->ptr[b->len - 1] >= '0' &&
					   b->ptr[b->len - 1] <= '9' && i + 1 < r->len && s[i + 1] >= '0' &&
					   s[i + 1] <= '9') {
					/* "1,000" is one number. */
					specc_buf_addch(b, ',');
					i++;
				} else if ((c == '\'' || c == '-' || c == '.') && i + 1 < r->len &&
					   word_byte(s[i + 1]) && s[i + 1] != 0xe2 && b->len > from) {
					specc_buf_addch(b, (char)c);
					i++;
				} else {
					break;
				}
			}
			/* The word's place in low for now: low may move as it grows. */
			push(r, (struct tok){ .start = (uint32_t)start, .end = (uint32_t)i,
					      .w = { NULL, b->len - from }, .woff = (uint32_t)from });
			continue;
		}
		if (c == ',' || c == ';' || c == ':' || c == '.' || c == '(' || c == ')' || c == '!' ||
		    c == '?')
			push(r, (struct tok){ .start = (uint32_t)i, .end = (uint32_t)i + 1, .punct = (char)c });
		else if ((c == '-' && i + 1 < r->len && s[i + 1] == '-') ||
			 (c == 0xe2 && i + 2 < r->len && s[i + 1] == 0x80 &&
			  (s[i + 2] == 0x94 || s[i + 2] == 0x93)))
			push(r, (struct tok){ .start = (uint32_t)i, .end = (uint32_t)i + 1, .punct = '-' });
		/* U+2000 to U+203F whole: its last two bytes are no word. */
		i += c == 0xe2 && i + 2 < r->len && s[i + 1] == 0x80 ? 3 : 1;
	}
	for (uint32_t k = 0; k < r->n; k++)
		if (!r->toks[k].punct)
			r->toks[k].w.ptr = r->low.ptr + r->toks[k].woff;
}

/* A word's stem, valid while the reader lives: used at once, or kept in
 * the output with stem(). */
static specc_str stem_tmp(struct reader *r, specc_str w)
{
	uint32_t k = specc_map_get(&r->stem_index, w);
	const sb_symbol *s;
	specc_str key;

	if (k != SPECC_NONE)
		return r->stems.items[k];
	if (norm_american(w, &r->spelling))
		s = sb_stemmer_stem(r->stemmer, (const sb_symbol *)r->spelling.ptr, (int)r->spelling.len);
	else
		s = sb_stemmer_stem(r->stemmer, (const sb_symbol *)w.ptr, (int)w.len);
	if (!s)
		specc_die_oom();
	key = specc_arena_str(&r->stem_arena, w.ptr, w.len);
	*SPECC_PUSH(r->stems) = specc_arena_str(&r->stem_arena, (const char *)s,
						(size_t)sb_stemmer_length(r->stemmer));
	specc_map_put(&r->stem_index, key, r->stems.len - 1, NULL);
	return r->stems.items[r->stems.len - 1];
}

static specc_str stem(struct reader *r, specc_str w)
{
	specc_str t = stem_tmp(r, w);
	return specc_arena_str(&r->out->arena, t.ptr, t.len);
}

/* Words point into the sentence's scratch buffer; what a statement keeps
 * is copied into the arena. */
static specc_str keep(struct reader *r, specc_str w)
{
	return w.len ? specc_arena_str(&r->out->arena, w.ptr, w.len) : SPECC_STR_NULL;
}

static specc_str word(struct reader *r, uint32_t i)
{
	return i < r->n ? r->toks[i].w : SPECC_STR_NULL;
}

static bool is_word(struct reader *r, uint32_t i)
{
	return i < r->n && r->toks[i].punct == 0;
}

/* Whether w is an owner: "member's" (the tokenizer has made a typographic
 * apostrophe plain). */
static bool possessive(specc_str w)
{
	return w.len > 2 && w.ptr[w.len - 2] == '\'' && w.ptr[w.len - 1] == 's';
}

/* Comparisons with a literal: its length is known when compiled. */
#define IS(w, lit) ((w).len == sizeof(lit) - 1 && !memcmp((w).ptr, lit, sizeof(lit) - 1))
#define WIS(r, i, lit) (is_word(r, i) && IS((r)->toks[i].w, lit))

static int cond_scan(struct reader *r, uint32_t i, uint32_t *skip)
{
	*skip = 1;
	/* "even if", "even when": the rule holds regardless, so they are no
	 * condition (read_sentence marks the statements absolute). */
	if (i > 0 && WIS(r, i - 1, "even") && (WIS(r, i, "if") || WIS(r, i, "when")))
		return SPECC_COND_NONE;
	if (WIS(r, i, "if"))
		return SPECC_COND_IF;
	if (WIS(r, i, "only") && WIS(r, i + 1, "if")) {
		*skip = 2;
		return SPECC_COND_IF;
	}
	if (WIS(r, i, "provided") && WIS(r, i + 1, "that")) {
		*skip = 2;
		return SPECC_COND_IF;
	}
	if (WIS(r, i, "as") && WIS(r, i + 1, "long") && WIS(r, i + 2, "as")) {
		*skip = 3;
		return SPECC_COND_IF;
	}
	if (WIS(r, i, "when") || WIS(r, i, "whenever"))
		return SPECC_COND_WHEN;
	if (WIS(r, i, "as") && WIS(r, i + 1, "soon") && WIS(r, i + 2, "as")) {
		*skip = 3;
		return SPECC_COND_WHEN;
	}
	/* "Every time the library's ABI changes, ...", not "every time
	 * slot". */
	if ((WIS(r, i, "every") || WIS(r, i, "each")) && WIS(r, i + 1, "time") &&
	    (WIS(r, i + 2, "the") || WIS(r, i + 2, "a") || WIS(r, i + 2, "an") || WIS(r, i + 2, "they") ||
	     WIS(r, i + 2, "it") || WIS(r, i + 2, "you") || WIS(r, i + 2, "he") || WIS(r, i + 2, "she") ||
	     WIS(r, i + 2, "we") || WIS(r, i + 2, "their") || WIS(r, i + 2, "its") || WIS(r, i + 2, "your") ||
	     WIS(r, i + 2, "someone") || WIS(r, i + 2, "anyone") ||
	     (i + 2 < r->n && (r->toks[i + 2].flags & F_PERSON)))) {
		*skip = 2;
		return SPECC_COND_WHEN;
	}
	if (WIS(r, i, "unless"))
		return SPECC_COND_UNLESS;
	if (WIS(r, i, "while"))
		return SPECC_COND_WHILE;
	/* "once they have passed the check", not "refund it once". */
	if (WIS(r, i, "once") && is_word(r, i + 1) &&
	    (WIS(r, i + 1, "the") || WIS(r, i + 1, "a") || WIS(r, i + 1, "an") || WIS(r, i + 1, "they") ||
	     WIS(r, i + 1, "it") || WIS(r, i + 1, "you") || WIS(r, i + 1, "he") || WIS(r, i + 1, "she") ||
	     WIS(r, i + 1, "we") || WIS(r, i + 1, "their") || WIS(r, i + 1, "its") || WIS(r, i + 1, "your") ||
	     WIS(r, i + 1, "customer") || WIS(r, i + 1, "customers") || WIS(r, i + 1, "user") ||
	     WIS(r, i + 1, "users")))
		return SPECC_COND_WHEN;
	if (WIS(r, i, "except")) {
		if (WIS(r, i + 1, "when") || WIS(r, i + 1, "if") || WIS(r, i + 1, "for") || WIS(r, i + 1, "in") ||
		    WIS(r, i + 1, "where"))
			*skip = 2;
		return SPECC_COND_EXCEPT;
	}
	if (WIS(r, i, "other") && WIS(r, i + 1, "than")) {
		*skip = 2;
		return SPECC_COND_EXCEPT;
	}
	return SPECC_COND_NONE;
}

static bool participle(specc_str w);

/* Participles that say what a thing is, not what is done with it: "is
 * based on", "are called", "is made up of". */
static bool descriptive(specc_str w)
{
	static const specc_str words[] = { W("based"), W("called"), W("known"), W("located"), W("designed"),
					   W("intended"), W("meant"), W("related"), W("supposed"), W("concerned"),
					   W("involved"), W("used"), W("made"), W("considered"), W("expected"),
					   W("required"), W("allowed"), W("permitted"), W("limited"), W("needed"),
					   W("interested"), W("worried"), W("pleased"), W("satisfied"),
					   W("tired"), W("confused"), W("married"), W("registered"),
					   W("signed"), W("logged"), W("locked"), { NULL, 0 } };
	return in(words, w);
}

/*
 * The length of a duty named after "is" at token k, up to and with its
 * "to": "the responsibility of the package maintainer to", "the user's
 * duty to"; 0 if there is none.  [*a, *b) are the tokens that name the one
 * it falls on, or both 0 if the duty does not say.  "It is the
 * responsibility of X to provide" is "X must provide".
 */
static uint32_t duty_at(struct reader *r, uint32_t k, uint32_t *a, uint32_t *b)
{
	uint32_t d = k + 1;

	*a = *b = 0;
	if (!WIS(r, k, "the"))
		return 0;
	if (!WIS(r, d, "responsibility") && !WIS(r, d, "duty"))
		d++;
	if (!WIS(r, d, "responsibility") && !WIS(r, d, "duty"))
		return 0;
	if (WIS(r, d + 1, "to") && is_word(r, d + 2)) {
		if (possessive(word(r, d - 1))) {
			*a = d - 1;
			*b = d;
		}
		return d + 2 - k;
	}
	if (!WIS(r, d + 1, "of"))
		return 0;
	/* The one it falls on is a noun phrase, never a clause: a few words,
	 * no punctuation. */
	for (uint32_t t = d + 3; t < d + 10 && is_word(r, t); t++)
		if (WIS(r, t, "to") && is_word(r, t + 1)) {
			*a = d + 2;
			*b = t;
			return t + 1 - k;
		}
	return 0;
}

/*
 * A modal reading at token i: returns its length in tokens (0 for none)
 * and sets *mod and *absolute.  Only readings that need a subject are
 * found here; imperatives are read at the start of the sentence.
 */
static uint32_t modal_scan(struct reader *r, uint32_t i, int *mod, bool *absolute)
{
	specc_str w = word(r, i);
	bool neg_next = WIS(r, i + 1, "not"), never_next = WIS(r, i + 1, "never"),
	     always_next = WIS(r, i + 1, "always");

	*absolute = never_next || always_next;
	if (!is_word(r, i))
		return 0;
	if (IS(w, "must") || IS(w, "shall")) {
		*mod = neg_next || never_next ? SPECC_MOD_MUST_NOT : SPECC_MOD_MUST;
		return neg_next || never_next || always_next ? 2 : 1;
	}
	if (IS(w, "mustn't") || IS(w, "shan't") || IS(w, "cannot") || IS(w, "can't") ||
	    IS(w, "won't")) {
		*mod = SPECC_MOD_MUST_NOT;
		return 1;
	}
	if (IS(w, "should")) {
		*mod = neg_next || never_next ? SPECC_MOD_SHOULD_NOT : SPECC_MOD_SHOULD;
		return neg_next || never_next || always_next ? 2 : 1;
	}
	if (IS(w, "shouldn't")) {
		*mod = SPECC_MOD_SHOULD_NOT;
		return 1;
	}
	if (IS(w, "may")) {
		*mod = neg_next || never_next ? SPECC_MOD_MUST_NOT : SPECC_MOD_MAY;
		return neg_next || never_next ? 2 : 1;
	}
	if ((IS(w, "can") || IS(w, "will")) && (neg_next || never_next)) {
		*mod = SPECC_MOD_MUST_NOT;
		return 2;
	}
	/* "the assistant can joke back": what it can do, it may; not "so
	 * it can explain", a purpose. */
	if (IS(w, "can") && i > 0 && is_word(r, i - 1) &&
	    ((r->toks[i - 1].flags & F_ACTOR) || WIS(r, i + 1, "be")) &&
	    !(i > 1 && (WIS(r, i - 2, "so") || WIS(r, i - 2, "that")))) {
		*mod = SPECC_MOD_MAY;
		return 1;
	}
	if ((IS(w, "need") || IS(w, "needs") || IS(w, "has") || IS(w, "have")) && WIS(r, i + 1, "to")) {
		*mod = SPECC_MOD_MUST;
		return 2;
	}
	/* "isn't", "aren't", and "it's", "they're": "is" and "are". */
	if (IS(w, "is") || IS(w, "are") || IS(w, "isn't") || IS(w, "aren't") || IS(w, "it's") || IS(w, "they're")) {
		uint32_t k = i + 1, len, a, b;
		bool neg = WIS(r, k, "not") || WIS(r, k, "never");
		if (neg)
			k++;
		neg |= IS(w, "isn't") || IS(w, "aren't");
		*absolute = WIS(r, i + 1, "never");
		if ((WIS(r, k, "required") || WIS(r, k, "obliged") || WIS(r, k, "expected") ||
		     WIS(r, k, "encouraged")) && WIS(r, k + 1, "to") && !neg) {
			*mod = WIS(r, k, "expected") || WIS(r, k, "encouraged") ? SPECC_MOD_SHOULD : SPECC_MOD_MUST;
			return k + 2 - i;
		}
		/* Not "it is not the user's responsibility to": no duty is
		 * no rule. */
		if (!neg && (len = duty_at(r, k, &a, &b)) != 0) {
			*mod = SPECC_MOD_MUST;
			return k + len - i;
		}
		/* "Liquids are limited to 100 ml": a rule with no modal. */
		if ((WIS(r, k, "limited") || WIS(r, k, "capped") || WIS(r, k, "restricted")) &&
		    (WIS(r, k + 1, "to") || WIS(r, k + 1, "at")) && !neg) {
			*mod = SPECC_MOD_MUST;
			return k - i;
		}
		/* "The fee is to be quoted as £50", "records are never to
		 * be shared". */
		if (WIS(r, k, "to") && WIS(r, k + 1, "be")) {
			*mod = neg ? SPECC_MOD_MUST_NOT : SPECC_MOD_MUST;
			return k + 1 - i;
		}
		if ((WIS(r, k, "allowed") || WIS(r, k, "permitted")) && WIS(r, k + 1, "to")) {
			*mod = neg ? SPECC_MOD_MUST_NOT : SPECC_MOD_MAY;
			return k + 2 - i;
		}
		if ((WIS(r, k, "prohibited") || WIS(r, k, "forbidden") || WIS(r, k, "barred")) &&
		    (WIS(r, k + 1, "from") || WIS(r, k + 1, "to")) && !neg) {
			*mod = SPECC_MOD_MUST_NOT;
			return k + 2 - i;
		}
		/* "Transcripts are deleted after 90 days", "debts are never
		 * passed to agents": in a clause, how a thing is done is a
		 * rule.  The participle is the verb (emit() reads it as a
		 * passive). */
		if (WIS(r, k, "always") && !neg)
			k++;
		if (is_word(r, k) && participle(word(r, k)) && !descriptive(word(r, k))) {
			*mod = neg ? SPECC_MOD_MUST_NOT : SPECC_MOD_MUST;
			*absolute = WIS(r, i + 1, "never") || WIS(r, i + 1, "always");
			return k - i;
		}
		return 0;
	}
	/* "The assistant never shares ...", "it always cites ...",
	 * "the assistant does not provide ...": descriptive rules, read only
	 * after a subject such as "assistant". */
	/* "Prices always show the pence": in a clause, what a thing always
	 * does is a rule for it too. */
	if ((IS(w, "never") || IS(w, "always")) && i > 0 && is_word(r, i - 1) && !(r->toks[i - 1].flags & F_ACTOR) &&
	    !(r->toks[i - 1].flags & (F_STOP | F_PREP | F_REL | F_MODAL | F_ADVERB)) && is_word(r, i + 1) &&
	    !(r->toks[i + 1].flags & (F_STOP | F_PREP)) && !participle(word(r, i + 1))) {
		*mod = IS(w, "never") ? SPECC_MOD_MUST_NOT : SPECC_MOD_MUST;
		*absolute = true;
		return 1;
	}
	if (i > 0 && is_word(r, i - 1) && (r->toks[i - 1].flags & F_ACTOR)) {
		if (IS(w, "never") || IS(w, "always")) {
			*mod = IS(w, "never") ? SPECC_MOD_MUST_NOT : SPECC_MOD_MUST;
			*absolute = true;
			return 1;
		}
		if ((IS(w, "does") || IS(w, "do")) && neg_next) {
			*mod = SPECC_MOD_MUST_NOT;
			return 2;
		}
		if (IS(w, "doesn't") || IS(w, "don't")) {
			*mod = SPECC_MOD_MUST_NOT;
			return 1;
		}
	}
	return 0;
}

static bool has(struct reader *r, uint32_t i, unsigned flag)
{
	return i < r->n && (r->toks[i].flags & flag);
}

static int cond_at(struct reader *r, uint32_t i, uint32_t *skip)
{
	*skip = i < r->n ? r->toks[i].cond_skip : 1;
	return i < r->n ? r->toks[i].cond : SPECC_COND_NONE;
}

static uint32_t modal_at(struct reader *r, uint32_t i, int *mod, bool *absolute)
{
	if (i >= r->n || !r->toks[i].modal_len)
		return 0;
	*mod = r->toks[i].mod;
	*absolute = r->toks[i].abs;
	return r->toks[i].modal_len;
}

/* One lookup per word for all the lists, made once per reader: a word
 * in several lists gets all their flags. */
static void lists_init(struct reader *r)
{
	static const struct {
		const specc_str *words;
		unsigned flag;
	} lists[] = { { norm_adverbs, F_ADVERB },       { norm_stopwords, F_STOP }, { norm_imperative_verbs, F_VERB },
		      { norm_not_verbs, F_NOT_VERB },    { norm_actors, F_ACTOR },  { norm_modal_starts, F_MODAL },
		      { norm_cond_starts, F_COND },      { norm_prepositions, F_PREP }, { norm_relatives, F_REL },
		      { norm_persons, F_PERSON },        { norm_particles, F_PARTICLE }, { norm_limit_starts, F_LIMIT },
		      { norm_number_words, F_NUMBER } };
	const size_t n = sizeof lists / sizeof *lists;

	for (size_t l = 0; l < n; l++)
		for (const specc_str *w = lists[l].words; w->ptr; w++) {
			uint32_t at = r->list_flags.len;
			if (specc_map_put(&r->lists, *w, at, &at))
				*SPECC_PUSH(r->list_flags) = 0;
			r->list_flags.items[at] |= (uint16_t)lists[l].flag;
		}
	/* "give your best guess", "make a recommendation": the noun's verb. */
	for (const specc_str *w = norm_imperative_verbs; w->ptr; w++) {
		uint32_t at = r->list_flags.len;
		if (specc_map_put(&r->lists, stem_tmp(r, *w), at, &at))
			*SPECC_PUSH(r->list_flags) = 0;
		r->list_flags.items[at] |= F_VERB_STEM;
	}
}

/* The F_* flags of word w: the lists it is in. */
static unsigned flags_of(const struct reader *r, specc_str w)
{
	uint32_t at = specc_map_get(&r->lists, w);
	return at == SPECC_NONE ? 0 : r->list_flags.items[at];
}

/* The stems of verbs whose object is told to do something: "ask a guest
 * to explain".  Not "allow", "help" or "require": "allow bookings to be
 * made". */
static const specc_str telling[] = { W("tell"),    W("ask"),      W("remind"), W("warn"),
				     W("advis"),   W("encourag"), W("urg"),    W("invit"),
				     W("persuad"), W("instruct"), { NULL, 0 } };

/* Whether token i is a person the lists do not name, by what is said of
 * it: "a guest who reports smoke", "tell a guest to use the stairs". */
static bool someone(struct reader *r, uint32_t i)
{
	static const specc_str dets[] = { W("a"), W("an"), W("the"), W("any"), W("every"), W("each"), W("no"),
					  W("one"), W("another"), W("other"), { NULL, 0 } };
	const unsigned other = F_STOP | F_PREP | F_REL | F_VERB | F_MODAL | F_COND | F_ADVERB | F_PERSON |
			       F_NUMBER | F_ACTOR;
	uint32_t v;

	if (!is_word(r, i) || (r->toks[i].flags & other) || !is_word(r, i + 1) ||
	    (r->toks[i].w.ptr[0] >= '0' && r->toks[i].w.ptr[0] <= '9'))
		return false;
	/* "any guest who", not "a smart meter who" or "in the room who":
	 * right after its determiner, and not where a phrase ends. */
	if (WIS(r, i + 1, "who"))
		return i > 0 && in(dets, word(r, i - 1)) && !(i > 1 && has(r, i - 2, F_PREP));
	/* "ask a guest to explain", "tell guests to leave": the one told. */
	if (!WIS(r, i + 1, "to") || !is_word(r, i + 2) || !(r->toks[i + 2].flags & F_VERB) || WIS(r, i + 2, "be") ||
	    i == 0)
		return false;
	v = i - 1;
	if (v > 0 && (r->toks[v].flags & F_STOP))
		v--;
	return is_word(r, v) && in(telling, stem_tmp(r, word(r, v)));
}

/* Reads each token's lists, then its modal and condition readings. */
static void classify(struct reader *r)
{
	for (uint32_t i = 0; i < r->n; i++) {
		struct tok *t = &r->toks[i];
		uint32_t f;
		if (t->punct)
			continue;
		f = flags_of(r, t->w);
		t->flags = (uint16_t)f;
	}
	for (uint32_t i = 0; i < r->n; i++)
		if (someone(r, i))
			r->toks[i].flags |= F_PERSON;
	for (uint32_t i = 0; i < r->n; i++) {
		struct tok *t = &r->toks[i];
		int mod = 0;
		bool abs = false;
		uint32_t skip = 1;
		if (t->punct)
			continue;
		if (t->flags & F_MODAL) {
			t->modal_len = (uint8_t)modal_scan(r, i, &mod, &abs);
			t->mod = (uint8_t)mod;
			t->abs = abs;
		}
		t->cond = t->flags & F_COND ? (uint8_t)cond_scan(r, i, &skip) : 0;
		t->cond_skip = (uint8_t)skip;
	}
}

static uint32_t verb_after(struct reader *r, uint32_t i);
static uint32_t lead_phrase(struct reader *r);
static bool embedded(struct reader *r, uint32_t i);

/* Where an object ends: punctuation, a condition, a coordinated clause.
 * A comma that goes on with a word continues a list ("detailed,
 * actionable steps"); the caller caps the object's length. */
/* Whether the dash at token i opens or closes an aside of three words at
 * most ("to be paid -- ever -- to a customer"): the object goes on past
 * it. */
static bool aside(struct reader *r, uint32_t i)
{
	if (i >= r->n || r->toks[i].punct != '-')
		return false;
	for (uint32_t k = i + 1; k < r->n && k <= i + 4; k++)
		if (!is_word(r, k))
			return r->toks[k].punct == '-' && k > i + 1;
	for (uint32_t k = i; k > 0 && k + 4 >= i; k--)
		if (!is_word(r, k - 1))
			return r->toks[k - 1].punct == '-' && k < i;
	return false;
}

/* Whether the "but" at token i means "except": "anyone but the account
 * holder", "nobody but staff". */
static bool all_but(struct reader *r, uint32_t i)
{
	return WIS(r, i, "but") && i > 0 &&
	       (WIS(r, i - 1, "anyone") || WIS(r, i - 1, "anybody") || WIS(r, i - 1, "everyone") ||
		WIS(r, i - 1, "nobody") || WIS(r, i - 1, "one") || WIS(r, i - 1, "none") || WIS(r, i - 1, "all"));
}

/* The verb of "don't V", "do not V", "never V" or "not V" at token i, or
 * SPECC_NONE. */
static uint32_t denied_verb(struct reader *r, uint32_t i)
{
	uint32_t v;

	if (WIS(r, i, "do") && WIS(r, i + 1, "not"))
		v = i + 2;
	else if (WIS(r, i, "don't") || WIS(r, i, "never") || WIS(r, i, "not"))
		v = i + 1;
	else
		return SPECC_NONE;
	v = verb_after(r, v);
	return is_word(r, v) && has(r, v, F_VERB) ? v : SPECC_NONE;
}

/* Whether token i is a verb's -ing form ("asking", "restating"). */
static bool gerund(struct reader *r, uint32_t i)
{
	specc_str w = word(r, i);

	return is_word(r, i) && w.len > 5 && !memcmp(w.ptr + w.len - 3, "ing", 3) &&
	       (flags_of(r, stem_tmp(r, w)) & F_VERB_STEM);
}

static bool object_stop(struct reader *r, uint32_t i)
{
	uint32_t skip;
	int mod;
	bool abs;

	if (r->toks[i].punct == ',' && is_word(r, i + 1) && !object_stop(r, i + 1) &&
	    !WIS(r, i + 1, "and") && !WIS(r, i + 1, "or") && !WIS(r, i + 1, "while") &&
	    !WIS(r, i + 1, "which") && !WIS(r, i + 1, "such") && !WIS(r, i + 1, "particularly") &&
	    !WIS(r, i + 1, "including") && !WIS(r, i + 1, "e.g"))
		return false;
	if (aside(r, i))
		return false;
	if (!is_word(r, i))
		return true;
	if (cond_at(r, i, &skip) != SPECC_COND_NONE)
		return true;
	/* "anyone but the account holder" is who, not another clause. */
	if (all_but(r, i))
		return false;
	if (WIS(r, i, "without") || WIS(r, i, "but") || WIS(r, i, "even") || WIS(r, i, "because") ||
	    WIS(r, i, "so") || WIS(r, i, "since"))
		return true;
	/* ", as halls are kept for first-years": the reason, not the
	 * object. */
	if (WIS(r, i, "as") && i > 0 && r->toks[i - 1].punct == ',')
		return true;
	/* "ask a customer to type or read out": the list is the infinitive's. */
	if ((WIS(r, i, "and") || WIS(r, i, "or")) && !(i >= 2 && WIS(r, i - 2, "to")) &&
	    (modal_at(r, i + 1, &mod, &abs) || has(r, verb_after(r, i + 1), F_VERB)))
		return true;
	/* "end every reply by asking ...": the asking is an act too. */
	if (WIS(r, i, "by") && gerund(r, i + 1))
		return true;
	/* "reply with a goodbye and don't ask ...": an order of its own. */
	if ((WIS(r, i, "and") || WIS(r, i, "but")) && denied_verb(r, i + 1) != SPECC_NONE)
		return true;
	return modal_at(r, i, &mod, &abs) != 0 && !embedded(r, i);
}

/* Appends the words of tokens [a, b) to both buffers: as written, and
 * stemmed, skipping stopwords. */
static void content(struct reader *r, uint32_t a, uint32_t b, specc_buf *words, specc_buf *stems)
{
	for (uint32_t k = a; k < b && k < r->n; k++) {
		specc_str w = r->toks[k].w, st;
		if (!is_word(r, k) || (r->toks[k].flags & F_STOP) || k == r->particle)
			continue;
		if (possessive(w))
			w.len -= 2; /* "member's" reads as "member" */
		st = norm_noun(stem_tmp(r, w));
		/* Plain appends: this runs for every content word of the
		 * project, and a formatted append costs a vsnprintf each. */
		if (words->len)
			specc_buf_addch(words, ' ');
		specc_buf_add(words, w.ptr, w.len);
		if (stems->len)
			specc_buf_addch(stems, ' ');
		specc_buf_add(stems, st.ptr, st.len);
	}
}

/* The currency a number is written in ("£1,000", "$5", "€20"), as the
 * unit of a limit on money, or an empty string. */
static specc_str currency(specc_str w)
{
	static const specc_str signs[] = { W("\xc2\xa3"), W("$"), W("\xe2\x82\xac"), { NULL, 0 } };
	for (const specc_str *c = signs; c->ptr; c++)
		if (w.len > c->len && !memcmp(w.ptr, c->ptr, c->len))
			return *c;
	return SPECC_STR_NULL;
}

static bool str_eq(specc_str a, specc_str b)
{
	return a.len == b.len && !memcmp(a.ptr, b.ptr, a.len);
}

/* The value of one number word ("seven", "forty", "hundred"), or -1. */
static int64_t number_word(specc_str w)
{
	static const specc_str small[] = { W("zero"), W("one"), W("two"), W("three"), W("four"),
					   W("five"), W("six"), W("seven"), W("eight"), W("nine"),
					   W("ten"), W("eleven"), W("twelve"), W("thirteen"),
					   W("fourteen"), W("fifteen"), W("sixteen"), W("seventeen"),
					   W("eighteen"), W("nineteen"), W("twenty"), { NULL, 0 } };
	static const struct {
		specc_str w;
		int64_t v;
	} tens[] = { { W("thirty"), 30 }, { W("forty"), 40 }, { W("fifty"), 50 }, { W("sixty"), 60 },
		     { W("seventy"), 70 }, { W("eighty"), 80 }, { W("ninety"), 90 }, { W("hundred"), 100 },
		     { W("thousand"), 1000 }, { W("million"), 1000000 } };

	const char *dash = w.len ? memchr(w.ptr, '-', w.len) : NULL;

	if (dash) {
		/* "twenty-five" */
		int64_t t = number_word(specc_str_make(w.ptr, (size_t)(dash - w.ptr))),
			u = number_word(specc_str_make(dash + 1, w.len - (size_t)(dash - w.ptr) - 1));
		return t >= 20 && t < 100 && t % 10 == 0 && u > 0 && u < 10 ? t + u : -1;
	}
	for (int k = 0; small[k].ptr; k++)
		if (str_eq(w, small[k]))
			return k;
	for (size_t k = 0; k < sizeof tens / sizeof *tens; k++)
		if (str_eq(w, tens[k].w))
			return tens[k].v;
	return -1;
}

/*
 * The number that starts at token i, in digits ("1,000", "$250") or in
 * words, which may take several tokens: "one hundred", "twenty-five",
 * "two thousand five hundred".  *last is its last token.
 */
static int64_t number_at(struct reader *r, uint32_t i, bool *ok, uint32_t *last)
{
	specc_str w = word(r, i), cur;
	int64_t v = 0, total = 0, part;

	*ok = false;
	*last = i;
	if (!is_word(r, i) || !w.len)
		return 0;
	if ((part = number_word(w)) >= 0) {
		/* Words add up ("twenty-five") and multiply what came before
		 * ("one hundred", "five thousand"): enough for the numbers
		 * specs write in words. */
		uint32_t k = i;
		*ok = true;
		for (;;) {
			if (part == 100)
				v = (v ? v : 1) * 100;
			else if (part >= 1000) {
				total += (v ? v : 1) * part;
				v = 0;
			} else
				v += part;
			*last = k++;
			if (WIS(r, k, "and") && v >= 100 && number_word(word(r, k + 1)) > 0 &&
			    number_word(word(r, k + 1)) < 100)
				k++;
			if (!is_word(r, k) || (part = number_word(word(r, k))) <= 0)
				break;
			/* "five six" are two numbers, "twenty five" one: a word
			 * under a hundred only adds to a round ten or hundred. */
			if (part < 100 && v % 100 && !(v % 100 >= 20 && v % 10 == 0 && part < 10))
				break;
		}
		return total + v;
	}
	cur = currency(w);
	w.ptr += cur.len;
	w.len -= cur.len;
	/* "10.2 Private shared object files should be ...": a number with
	 * a point that opens a sentence numbers it, as a section or an item
	 * of a list does; it counts nothing. */
	if (i == 0 && !cur.len) {
		const char *dot = memchr(w.ptr, '.', w.len);
		if (dot && dot + 1 < w.ptr + w.len && dot[1] >= '0' && dot[1] <= '9')
			return 0;
	}
	for (size_t k = 0; k < w.len; k++) {
		/* Decimals are cut ("2.5" reads as 2): limits compare whole
		 * units.  "30-day" is thirty of its unit. */
		if (w.ptr[k] == '.' || (w.ptr[k] == '-' && k))
			break;
		if (w.ptr[k] == ',')
			continue;
		if (w.ptr[k] < '0' || w.ptr[k] > '9' || v > (INT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (w.ptr[k] - '0');
	}
	*ok = w.len > 0 && w.ptr[0] >= '0' && w.ptr[0] <= '9';
	return v;
}

/* Whether a word starting with c can be a number: a digit, or a
 * currency sign ("$5", "£1,000"). */
static bool numeric_start(char c)
{
	return (c >= '0' && c <= '9') || c == '$' || (unsigned char)c >= 0x80;
}

/* "100 ml or less", "four hours or more", "five and over": the limit
 * after its number, from number token i; its kind (0 for none), value
 * and unit, and its last token. */
static int limit_after(struct reader *r, uint32_t i, int64_t *value, specc_str *unit, uint32_t *last)
{
	bool ok;
	uint32_t k, end;
	int64_t v;

	if (!has(r, i, F_NUMBER) && !(is_word(r, i) && r->toks[i].w.len && numeric_start(r->toks[i].w.ptr[0])))
		return 0;
	v = number_at(r, i, &ok, &end);
	if (!ok)
		return 0;
	if ((WIS(r, end + 1, "to") || (WIS(r, end + 1, "and") && i > 0 && WIS(r, i - 1, "between"))) &&
	    is_word(r, end + 2)) {
		/* "eight to ten characters", "between 8 and 10 characters":
		 * read by how far it goes, which is what a permission gives
		 * and what an obligation's upper bound takes away. */
		uint32_t e2;
		int64_t hi = number_at(r, end + 2, &ok, &e2);
		if (!ok || hi < v || !is_word(r, e2 + 1) || has(r, e2 + 1, F_STOP))
			return 0;
		*value = hi;
		*unit = stem(r, word(r, e2 + 1));
		*last = e2 + 1;
		return SPECC_LIMIT_AT_MOST;
	}
	k = end + 1;
	if (is_word(r, k) && !WIS(r, k, "or") && !WIS(r, k, "and"))
		k++;
	if (!(WIS(r, k, "or") || WIS(r, k, "and")) || !is_word(r, k + 1))
		return 0;
	*value = v;
	/* "$250 or more" counts dollars; "100 ml or less", millilitres. */
	*unit = currency(word(r, i)).len ? keep(r, currency(word(r, i)))
		: k > end + 1    ? stem(r, word(r, end + 1))
				 : SPECC_STR_NULL;
	*last = k + 1;
	if (WIS(r, k + 1, "less") || WIS(r, k + 1, "fewer") || WIS(r, k + 1, "under") || WIS(r, k + 1, "below") ||
	    WIS(r, k + 1, "younger") || WIS(r, k + 1, "shorter"))
		return SPECC_LIMIT_AT_MOST;
	if (WIS(r, k + 1, "more") || WIS(r, k + 1, "over") || WIS(r, k + 1, "above") || WIS(r, k + 1, "older") ||
	    WIS(r, k + 1, "longer"))
		return SPECC_LIMIT_AT_LEAST;
	return 0;
}

static bool has_number(struct reader *r, uint32_t i)
{
	return is_word(r, i) && r->toks[i].w.len && r->toks[i].w.ptr[0] >= '0' && r->toks[i].w.ptr[0] <= '9';
}

/* The unit written inside number token i ("30-day", "15-minute"), or an
 * empty string. */
static specc_str unit_in_number(struct reader *r, uint32_t i)
{
	specc_str w = word(r, i);
	const char *dash = has_number(r, i) ? memchr(w.ptr, '-', w.len) : NULL;

	if (!dash || dash + 1 == w.ptr + w.len)
		return SPECC_STR_NULL;
	return specc_str_make(dash + 1, (size_t)(w.ptr + w.len - dash - 1));
}

/* The token of what a number counts, from the word after it: the head of
 * the phrase, "five passcode attempts" counts attempts, and a plural
 * ends it ("characters long" counts characters). */
static uint32_t counted(struct reader *r, uint32_t u)
{
	uint32_t from = u;

	while (u + 1 < r->n && u < from + 3 && is_word(r, u + 1) && !has(r, u + 1, F_STOP) &&
	       !has(r, u + 1, F_COND) && !has(r, u + 1, F_MODAL) && !WIS(r, u + 1, "before") &&
	       !WIS(r, u + 1, "after") && word(r, u).len && word(r, u).ptr[word(r, u).len - 1] != 's')
		u++;
	return u;
}

/* "half an hour", "half a day" at token k: half of one unit, in the
 * next smaller one (30 minutes, 12 hours). */
static bool half_of(struct reader *r, uint32_t k, int64_t *value, specc_str *unit, uint32_t *last)
{
	static const struct {
		const char *unit, *smaller;
		int64_t halves;
	} halves[] = { { "minut", "second", 30 }, { "hour", "minut", 30 }, { "day", "hour", 12 } };
	uint32_t u = WIS(r, k + 1, "a") || WIS(r, k + 1, "an") ? k + 2 : k + 1;
	specc_str st;

	if (!WIS(r, k, "half") || !is_word(r, u))
		return false;
	st = stem_tmp(r, word(r, u));
	for (size_t h = 0; h < sizeof halves / sizeof *halves; h++)
		if (str_eq(st, specc_str_make(halves[h].unit, strlen(halves[h].unit)))) {
			*value = halves[h].halves;
			*unit = stem(r, specc_str_make(halves[h].smaller, strlen(halves[h].smaller)));
			*last = u;
			return true;
		}
	return false;
}

/* "at most 100 words" and the like, from token i: the limit's kind (0
 * for none), with its value and unit, and the token its unit is at. */
static int limit_at(struct reader *r, uint32_t i, int64_t *value, specc_str *unit, uint32_t *last)
{
	int kind = SPECC_LIMIT_NONE;
	uint32_t k = i, after = i + 1;
	bool ok, when = false;

	if (!has(r, i, F_LIMIT))
		return 0;
	for (size_t f = 0; f < norm_limit_forms_count && !kind; f++) {
		uint32_t w = 0;
		while (w < 3 && norm_limit_forms[f].w[w].ptr && is_word(r, i + w) &&
		       r->toks[i + w].w.len == norm_limit_forms[f].w[w].len &&
		       !memcmp(r->toks[i + w].w.ptr, norm_limit_forms[f].w[w].ptr, r->toks[i + w].w.len))
			w++;
		if (w == 3 || !norm_limit_forms[f].w[w].ptr) {
			kind = norm_limit_forms[f].kind;
			when = norm_limit_forms[f].when;
			after = i + w;
		}
	}
	/* "not exceeding 100 words", where no modal has read the "not". */
	if ((WIS(r, i, "exceed") || WIS(r, i, "exceeding")) && i > 1 && WIS(r, i - 1, "not") &&
	    !has(r, i - 2, F_MODAL))
		kind = SPECC_LIMIT_AT_MOST;
	if (!kind)
		return 0;
	while (k < i + 4 && k < r->n && is_word(r, k)) {
		uint32_t end;
		specc_str inside;
		*value = number_at(r, k, &ok, &end);
		if (!ok && (WIS(r, k, "a") || WIS(r, k, "an")) && k == after && has_number(r, k + 1)) {
			/* "more than a 30-day supply" */
			k++;
			continue;
		}
		if (!ok && k == after && (WIS(r, k, "a") || WIS(r, k, "an") || WIS(r, k, "half")) && k + 1 < r->n) {
			/* "within an hour", "no more than half a day": one unit,
			 * or half of one in the next smaller unit. */
			if (half_of(r, k, value, unit, last))
				return kind;
			if (!WIS(r, k, "half") && is_word(r, k + 1) && !has(r, k + 1, F_STOP)) {
				*value = 1;
				ok = true;
				end = k;
			}
		}
		if (ok && (inside = unit_in_number(r, k)).len) {
			*unit = stem(r, inside);
			*last = k;
			return kind;
		}
		if (ok && currency(word(r, k)).len) {
			/* Money: what it pays for is not the unit. */
			*unit = keep(r, currency(word(r, k)));
			*last = end;
			return kind;
		}
		if (ok && is_word(r, end + 1) && !has(r, end + 1, F_STOP) && !has(r, end + 1, F_MODAL) &&
		    !has(r, end + 1, F_COND)) {
			uint32_t u = counted(r, end + 1);
			*unit = stem(r, word(r, u));
			*last = u;
			if (when && WIS(r, u + 1, "before"))
				kind = kind == SPECC_LIMIT_AT_MOST ? SPECC_LIMIT_AT_LEAST : SPECC_LIMIT_AT_MOST;
			return kind;
		}
		if (ok && WIS(r, end + 1, "of") && is_word(r, end + 2)) {
			*unit = stem(r, word(r, end + 2));
			*last = end + 2;
			return kind;
		}
		if (ok) {
			/* "a student under 18 must ...": a count of nothing
			 * named, compared only as a case. */
			*unit = SPECC_STR_NULL;
			*last = end;
			return kind;
		}
		k++;
	}
	return 0;
}

/* Whether w is a state of being kept hidden: "keep it private", "is kept
 * secret". */
static bool hiding(specc_str w)
{
	return IS(w, "private") || IS(w, "secret") || IS(w, "confidential") || IS(w, "hidden");
}

/* Whether verb v keeps its subject in a state: "must stay locked",
 * "remains switched on". */
static bool state_verb(specc_str v)
{
	return IS(v, "stay") || IS(v, "remain") || IS(v, "stays") || IS(v, "remains");
}

/* The verb of an irregular participle ("paid" is "pay"), or a null ptr. */
static specc_str irregular(specc_str w)
{
	for (size_t k = 0; k < norm_participles_count; k++)
		if (str_eq(w, norm_participles[k].participle))
			return norm_participles[k].verb;
	return SPECC_STR_NULL;
}

/* Whether w is a past participle that is not also a verb's plain form:
 * "-ed", or an irregular one ("spent", not "read"). */
static bool participle(specc_str w)
{
	specc_str verb;

	if (w.len > 3 && w.ptr[w.len - 2] == 'e' && w.ptr[w.len - 1] == 'd')
		return true;
	verb = irregular(w);
	return verb.ptr && !str_eq(verb, w);
}

/* Whether an actor is another party than the assistant: a person or a
 * team ("the customer", "cabin crew", "the billing office"), or a word
 * made for people who do a job ("pharmacist", "clinician").  Pronouns are
 * whoever the sentence before named: the assistant. */
static bool party(struct reader *r, specc_str actor)
{
	static const specc_str groups[] = {
		W("office"), W("offices"), W("department"), W("departments"), W("desk"), W("regulator"),
		W("regulators"), W("insurer"), W("insurers"), W("pharmacy"), W("pharmacies"),
		W("hospital"), W("hospitals"), W("lawyer"), W("lawyers"), W("partner"), W("partners"),
		W("physician"), W("physicians"), W("surgeon"), W("surgeons"), W("dentist"), W("dentists"),
		W("board"), W("boards"), W("committee"), W("committees"), W("panel"), W("panels"),
		W("tribunal"), W("tribunals"), W("council"), W("councils"),
		{ NULL, 0 },
	};
	uint32_t f;

	if (!actor.len || IS(actor, "you") || IS(actor, "them") || IS(actor, "him") || IS(actor, "her") ||
	    IS(actor, "us") || IS(actor, "me"))
		return false;
	f = flags_of(r, actor);
	if (f & F_PERSON)
		return true;
	if (in(groups, actor))
		return true;
	/* -ist, -ian and their plurals: specialist, technician. */
	return (actor.len > 5 && (!memcmp(actor.ptr + actor.len - 3, "ist", 3) ||
				  !memcmp(actor.ptr + actor.len - 3, "ian", 3))) ||
	       (actor.len > 6 && (!memcmp(actor.ptr + actor.len - 4, "ists", 4) ||
				  !memcmp(actor.ptr + actor.len - 4, "ians", 4)));
}

/* The stem of a regular participle's verb.  Snowball stems "added" to
 * "ad" but "add" to "add": where the stem of the word less its "ed" is a
 * verb the lists know and the participle's own stem is not, that is the
 * verb. */
static specc_str participle_stem(struct reader *r, specc_str part)
{
	specc_str st = stem_tmp(r, part), bare;

	if (part.len < 5 || (flags_of(r, st) & F_VERB_STEM))
		return st;
	/* Stems live as long as the reader: st is still good. */
	bare = stem_tmp(r, specc_str_make(part.ptr, part.len - 2));
	return flags_of(r, bare) & F_VERB_STEM ? bare : st;
}

/* Whether token k says "not": "not", "never", "haven't". */
static bool negation(struct reader *r, uint32_t k)
{
	return WIS(r, k, "not") || WIS(r, k, "never") ||
	       (is_word(r, k) && r->toks[k].w.len > 3 && !memcmp(r->toks[k].w.ptr + r->toks[k].w.len - 3, "n't", 3));
}

/* Whether a passive of action at obj (the token after its participle)
 * has a person for its subject, the one the act is done to: "residents
 * should be told ...", "a customer may be given the name", "must be
 * sent the link".  Telling is always to someone; giving and sending
 * are when a thing follows ("the link should be sent to them" is the
 * link). */
static bool recipient(struct reader *r, specc_str action, uint32_t obj)
{
	static const specc_str always[] = { W("tell"), W("ask"), W("remind"), W("warn"), W("explain"),
					    W("advis"), W("inform"), W("notifi"), { NULL, 0 } };
	static const specc_str things[] = { W("give"), W("send"), W("offer"), W("show"), W("promis"),
					    { NULL, 0 } };
	uint32_t skip;

	if (in(always, action))
		return true;
	return in(things, action) && is_word(r, obj) && !has(r, obj, F_PREP) && !has(r, obj, F_REL) &&
	       !WIS(r, obj, "and") && !WIS(r, obj, "or") && !has(r, obj, F_ADVERB) &&
	       cond_at(r, obj, &skip) == SPECC_COND_NONE;
}

/* Whether token k is a plural that owns what follows ("officers'
 * names"): the tokenizer keeps no apostrophe at a word's end. */
static bool plural_owner(struct reader *r, uint32_t k)
{
	size_t e = r->toks[k].end;
	specc_str w = r->toks[k].w;

	if (!w.len || w.ptr[w.len - 1] != 's' || e >= r->len)
		return false;
	return r->text[e] == '\'' || (e + 2 < r->len && (unsigned char)r->text[e] == 0xe2 &&
					(unsigned char)r->text[e + 1] == 0x80 &&
					(unsigned char)r->text[e + 2] == 0x99);
}

/* The head of the object in tokens [a, b): its stems, space-separated,
 * into stems (see specc_norm.core_stems). */
static void core(struct reader *r, uint32_t a, uint32_t b, bool people, specc_buf *stems)
{
	uint32_t n = 0, most = 4;
	bool person = false, infinitive = false;

	for (uint32_t k = a; k < b && k < r->n && n < most; k++) {
		specc_str w = r->toks[k].w, st;
		if (!is_word(r, k))
			break;
		/* "leave the allowance out of replies": the particle is the
		 * verb's, and what follows it is where, not what. */
		if (k == r->particle)
			break;
		if (w.len && w.ptr[0] >= '0' && w.ptr[0] <= '9')
			continue;
		if (k == a && has(r, k, F_PARTICLE))
			continue;
		/* "suggest that passengers take a voucher", "tell them which
		 * vaccinations": the clause is the object. */
		if (!n && (WIS(r, k, "that") || WIS(r, k, "whether") || WIS(r, k, "which") ||
			   WIS(r, k, "how") || WIS(r, k, "what") || WIS(r, k, "why")) &&
		    (k == a || person))
			continue;
		/* "respond to requests for ...", "joke about money": the
		 * verb's preposition leads to its object.  "to" before a verb
		 * is a purpose ("to build rapport"), not an object. */
		if (!n && !person && (k == a || (k == a + 1 && has(r, a, F_PARTICLE))) &&
		    (WIS(r, k, "with") || WIS(r, k, "about") || WIS(r, k, "on") || WIS(r, k, "in") ||
		     WIS(r, k, "for") || (WIS(r, k, "to") && !has(r, k + 1, F_VERB))))
			continue;
		if (has(r, k, F_PERSON) && !people) {
			person = true;
			continue;
		}
		/* "tell customers to hang up", "ask them for the PIN",
		 * "tell customers whether ...": what follows the person is the
		 * object. */
		if (!n && person && (WIS(r, k, "to") || WIS(r, k, "for") || WIS(r, k, "about") ||
				     WIS(r, k, "that") || WIS(r, k, "whether") || WIS(r, k, "how") ||
				     WIS(r, k, "what"))) {
			infinitive = WIS(r, k, "to");
			continue;
		}
		/* "ask a customer to type or read out a passcode": the
		 * infinitive's verbs and their object are the head. */
		if (infinitive && (WIS(r, k, "or") || WIS(r, k, "and")))
			continue;
		/* "advice about pensions" is about pensions; "requests for
		 * wheelchair assistance" are not any requests. */
		/* "Easy Read versions of the leaflets" and "of the voter
		 * registration form": what it is of tells them apart. */
		if (WIS(r, k, "of") && n && most == 4)
			most = n + 3;
		if (WIS(r, k, "of") || (n && WIS(r, k, "about")) ||
		    (n && WIS(r, k, "for") && !(r->toks[k - 1].w.len > 2 &&
						 !memcmp(r->toks[k - 1].w.ptr + r->toks[k - 1].w.len - 2, "ed", 2))))
			continue;
		/* "tell a parent or guardian what grades ...": one party. */
		if (person && !n && (WIS(r, k, "or") || WIS(r, k, "and")) && has(r, k + 1, F_PERSON))
			continue;
		if (has(r, k, F_PREP) || has(r, k, F_REL) || WIS(r, k, "and") || WIS(r, k, "or") ||
		    WIS(r, k, "nor"))
			break;
		if (has(r, k, F_STOP))
			continue;
		/* "a customer's direct debits", "officers' names": whose, not
		 * what */
		if (possessive(w) || plural_owner(r, k))
			continue;
		/* "claims filed within two years", "miles spent on it": a
		 * participle after the noun says which, as a clause would. */
		if (n && participle(w))
			break;
		st = norm_noun(stem_tmp(r, w));
		if (stems->len)
			specc_buf_addch(stems, ' ');
		specc_buf_add(stems, st.ptr, st.len);
		n++;
	}
}

/* The action of verb token v: its stem, or the verb a phrasal verb or a
 * synonym stands for.  *obj is where the object starts. */
static specc_str action_of(struct reader *r, uint32_t v, uint32_t *obj)
{
	specc_str st = stem_tmp(r, word(r, v));

	*obj = v + 1;
	if (!is_word(r, v))
		return st;
	for (size_t k = 0; k < norm_phrasal_count; k++) {
		if (!str_eq(st, norm_phrasal[k].verb))
			continue;
		if (norm_phrasal[k].particle.ptr) {
			/* "leave out the times" or "leave the times out"; "let
			 * customers on a variable tariff know" names whole
			 * people between. */
			uint32_t at = v + 1, reach = IS(norm_phrasal[k].particle, "know") ? 10 : 8;
			while (at < r->n && at < v + reach && is_word(r, at) &&
			       !str_eq(r->toks[at].w, norm_phrasal[k].particle))
				at++;
			/* "read the address back to them" is to repeat it. */
			if (at >= r->n || at >= v + reach || !is_word(r, at) ||
			    (at > v + 1 && ((WIS(r, at + 1, "to") && !WIS(r, at, "back")) || has_number(r, at + 1))))
				continue;
			if (at == v + 1)
				*obj = v + 2;
			else
				r->particle = at;
		}
		return norm_phrasal[k].action;
	}
	return st;
}

/* The noun of a light verb's object that names a verb ("your best
 * guess", "a recommendation"), past two modifiers at most, or
 * SPECC_NONE. */
static uint32_t light_noun(struct reader *r, uint32_t obj)
{
	for (uint32_t k = obj; k < obj + 3 && is_word(r, k); k++) {
		if (has(r, k, F_PREP) || has(r, k, F_PERSON) || has(r, k, F_REL))
			return SPECC_NONE;
		if (!has(r, k, F_STOP) && (has(r, k, F_VERB_STEM) || (flags_of(r, stem_tmp(r, word(r, k))) & F_VERB_STEM)))
			return k;
	}
	return SPECC_NONE;
}

/* A format at token i ("bold", "a table", "bullet points", "italic
 * type"): its stem, and the token after it. */
static specc_str format_at(struct reader *r, uint32_t i, uint32_t *next)
{
	static const specc_str formats[] = { W("bold"), W("italic"), W("italics"), W("capitals"), W("caps"),
					     W("uppercase"), W("table"), W("tables"), W("bullet"), W("bullets"),
					     W("emoji"), W("emojis"), { NULL, 0 } };
	specc_str st;

	if (WIS(r, i, "a") || WIS(r, i, "an"))
		i++;
	if (!is_word(r, i) || !in(formats, word(r, i)))
		return SPECC_STR_NULL;
	st = stem_tmp(r, word(r, i));
	i++;
	if (WIS(r, i, "type") || WIS(r, i, "text") || WIS(r, i, "font") || WIS(r, i, "points") ||
	    WIS(r, i, "point") || WIS(r, i, "lists") || WIS(r, i, "list") || WIS(r, i, "format"))
		i++;
	*next = i;
	return st;
}

/*
 * "Show refund amounts in a table", "put the time in bold", "avoid bold
 * type for times", "use tables in replies": how a thing is shown is the
 * act, so that "don't put refund amounts in tables" and "bold the names"
 * meet them.  Fills n's action and the object's words, stems and head
 * from around the format; false when the verb shows nothing or no
 * format is named.
 */
static bool format_in(struct reader *r, specc_norm *n, uint32_t obj, uint32_t end, specc_buf *words, specc_buf *stems,
		      specc_buf *head)
{
	static const specc_str showing[] = { W("show"), W("put"), W("write"), W("set"), W("present"),
					     W("format"), W("use"), W("give"), W("tell"), { NULL, 0 } };
	uint32_t next = 0, at = end;
	specc_str fmt = SPECC_STR_NULL;

	if (!in(showing, n->action))
		return false;
	if (IS(n->action, "use")) {
		/* "use tables in replies", "avoid bold type for times" */
		fmt = format_at(r, obj, &next);
		if (!fmt.len)
			return false;
		if (WIS(r, next, "for") || WIS(r, next, "in") || WIS(r, next, "on"))
			next++;
		else
			next = end; /* "use emoji to keep replies friendly": anywhere */
		/* "Never use tables in replies": the assistant's replies are
		 * everywhere it writes. */
		if (WIS(r, next, "any") || WIS(r, next, "its") || WIS(r, next, "your") || WIS(r, next, "all"))
			next++;
		if (next + 1 == end && (WIS(r, next, "replies") || WIS(r, next, "reply") || WIS(r, next, "answers") ||
					WIS(r, next, "responses") || WIS(r, next, "messages") || WIS(r, next, "chat")))
			next = end;
		at = obj;
	} else {
		for (uint32_t k = obj; k + 1 < end && !fmt.len; k++)
			if (WIS(r, k, "in") || WIS(r, k, "as")) {
				fmt = format_at(r, k + 1, &next);
				at = k;
			}
		if (!fmt.len)
			return false;
	}
	n->action = specc_arena_str(&r->out->arena, fmt.ptr, fmt.len);
	n->format = true;
	content(r, obj, at, words, stems);
	if (next < end)
		content(r, next, end, words, stems);
	core(r, at > obj ? obj : next, at > obj ? at : end, false, head);
	return true;
}

/* Whether token k is an object pronoun with nothing of its own after
 * it: "remove it on purge", "do this in a package".  Not "this
 * field". */
static bool pronoun_object(struct reader *r, uint32_t k)
{
	/* Not "them": "tell them about the fees", "ask them for a code"
	 * are told and asked; what follows is the object. */
	if (!(WIS(r, k, "it") || WIS(r, k, "this") || WIS(r, k, "these") || WIS(r, k, "those")))
		return false;
	return k + 1 >= r->n || !is_word(r, k + 1) || has(r, k + 1, F_PREP) || WIS(r, k + 1, "and") ||
	       WIS(r, k + 1, "or") || has(r, k + 1, F_COND);
}

/* Whether token v follows "is" or "are", past "not", "never" or
 * "always". */
static bool after_is(struct reader *r, uint32_t v)
{
	uint32_t k = v;

	if (k > 0 && (WIS(r, k - 1, "not") || WIS(r, k - 1, "never") || WIS(r, k - 1, "always")))
		k--;
	return k > 0 && (WIS(r, k - 1, "is") || WIS(r, k - 1, "are") || WIS(r, k - 1, "isn't") ||
			 WIS(r, k - 1, "aren't") || WIS(r, k - 1, "it's") || WIS(r, k - 1, "they're"));
}

/* Whether token k is "to" before a path: "install files to /usr/lib64"
 * says where, as "in" does; "to" before anything else says to whom or
 * what for as often ("send it to the customer"). */
static bool to_path(struct reader *r, uint32_t k)
{
	return WIS(r, k, "to") && is_word(r, k + 1) && r->toks[k + 1].start > 0 &&
	       r->text[r->toks[k + 1].start - 1] == '/';
}

/* Where statement n's act is done, from its object's tokens [obj, end):
 * the content words after the first "in", "into", "under", "inside" or
 * "onto", or "to" before a path, up to a comma, a colon, a bracket or a
 * word that starts something else ("install a file in /etc/cron.d with a
 * name ..." is "etc cron.d"). */
static void place(struct reader *r, specc_norm *n, uint32_t obj, uint32_t end)
{
	static const specc_str starts[] = { W("in"), W("into"), W("under"), W("inside"), W("onto"), { NULL, 0 } };
	static const specc_str ends[] = {
		W("with"), W("as"), W("for"), W("by"), W("to"), W("when"), W("if"), W("unless"), W("so"),
		W("because"), W("which"), W("who"), W("where"), W("before"), W("after"), W("until"), W("while"),
		W("but"), W("instead"), W("than"), W("without"), { NULL, 0 },
	};
	specc_buf words = SPECC_BUF_INIT, stems = SPECC_BUF_INIT;
	uint32_t k = obj, stop;

	while (k < end && k < r->n && !(is_word(r, k) && (in(starts, word(r, k)) || to_path(r, k))))
		k++;
	if (k >= end || k >= r->n)
		return;
	for (stop = ++k; stop < end && stop < r->n; stop++) {
		char c = r->toks[stop].punct;
		if (c == ',' || c == ';' || c == ':' || c == '(' || (is_word(r, stop) && in(ends, word(r, stop))))
			break;
	}
	content(r, k, stop, &words, &stems);
	n->place_stems = specc_arena_str(&r->out->arena, stems.ptr ? stems.ptr : "", stems.len);
	specc_buf_release(&words);
	specc_buf_release(&stems);
}

/* A statement of verb token v, its object starting at token obj (after a
 * list of verbs, "click, open or follow links", the list's last). */
static void emit(struct reader *r, int mod, bool imperative, bool absolute, specc_str actor,
		 uint32_t verb, uint32_t obj, uint32_t stmt_start)
{
	specc_norm *n = SPECC_PUSH(r->out->items);
	specc_buf words = SPECC_BUF_INIT, stems = SPECC_BUF_INIT, head = SPECC_BUF_INIT;
	uint32_t end, after, skip, end_at = SPECC_NONE;
	specc_str v = word(r, verb), part = is_word(r, verb + 1) ? word(r, verb + 1) : SPECC_STR_NULL;
	specc_str base = SPECC_STR_NULL;
	bool passive = false, to_whom = false;
	uint32_t pi = verb + 1; /* a passive's participle */

	memset(n, 0, sizeof *n);
	n->clause = r->clause;
	n->modality = (uint8_t)mod;
	n->imperative = imperative;
	n->absolute = absolute;
	n->actor = keep(r, actor);
	/* Pronouns are whoever the sentence before named: the assistant. */
	n->person = party(r, actor);
	n->verb = keep(r, v);
	/* "must be kept", and "must stay locked", "should remain switched
	 * on": a state the subject is kept in is a passive too. */
	if ((IS(v, "be") || state_verb(v) || IS(v, "start") || IS(v, "starts")) && part.len > 3 &&
	    r->subj_b > r->subj_a) {
		base = irregular(part);
		passive = base.ptr || (part.ptr[part.len - 2] == 'e' && part.ptr[part.len - 1] == 'd');
	} else if (after_is(r, verb) && participle(v) && r->subj_b > r->subj_a) {
		/* "are deleted after 90 days": the verb is the participle. */
		part = v;
		base = irregular(part);
		passive = true;
		pi = verb;
	}
	/* "Emergency credit should stay off": a state, as "stay switched
	 * off" is.  "Stay on the line" is no state. */
	if (state_verb(v) && r->subj_b > r->subj_a &&
	    (WIS(r, verb + 1, "off") ||
	     (WIS(r, verb + 1, "on") && (!is_word(r, verb + 2) || cond_at(r, verb + 2, &skip) != SPECC_COND_NONE)))) {
		const char *state = WIS(r, verb + 1, "off") ? "disabl" : "enabl";
		n->action = specc_arena_str(&r->out->arena, state, strlen(state));
		passive = true;
		n->passive = true;
		n->person = false;
		if (obj == verb + 1)
			obj = verb + 2;
	} else if (passive) {
		/* "Fares should not be quoted in euros": the subject is what
		 * is acted on, and the participle is the action. */
		specc_str raw = base.ptr ? stem_tmp(r, base) : participle_stem(r, part), act = norm_canon(raw);
		if (obj == verb + 1)
			obj = pi + 1;
		/* As written: "quoted" is told, but not to the fares. */
		to_whom = recipient(r, raw, obj);
		/* "is kept private": hidden, as "keep it private" is. */
		if (IS(act, "keep") && is_word(r, pi + 1) && hiding(word(r, pi + 1))) {
			act = specc_str_make("hide", 4);
			if (obj == pi + 1)
				obj = pi + 2;
		}
		/* "switched on" is "enabled", "left out" "omitted". */
		for (size_t k = 0; k < norm_phrasal_count && is_word(r, pi + 1); k++)
			if (norm_phrasal[k].particle.ptr && str_eq(act, norm_phrasal[k].verb) &&
			    str_eq(word(r, pi + 1), norm_phrasal[k].particle)) {
				act = norm_phrasal[k].action;
				if (obj == pi + 1)
					obj = pi + 2;
				break;
			}
		n->action = specc_arena_str(&r->out->arena, act.ptr, act.len);
		n->verb = keep(r, part);
		n->passive = true;
		n->person = false;
	} else if (IS(v, "be") && is_word(r, verb + 1) && !WIS(r, verb + 1, "at") && !WIS(r, verb + 1, "no") &&
	    !WIS(r, verb + 1, "up") && !WIS(r, verb + 1, "under") && !WIS(r, verb + 1, "over") &&
	    !WIS(r, verb + 1, "within") && !WIS(r, verb + 1, "more") && !WIS(r, verb + 1, "fewer") &&
	    !WIS(r, verb + 1, "less")) {
		/* "must be honest": the state is the action. */
		specc_str st = stem(r, word(r, verb + 1));
		specc_buf b = SPECC_BUF_INIT;
		specc_buf_addf(&b, "be %.*s", (int)st.len, st.ptr);
		n->action = specc_arena_str(&r->out->arena, b.ptr, b.len);
		specc_buf_release(&b);
		if (obj == verb + 1)
			obj = verb + 2;
	} else if (IS(v, "avoid") || IS(v, "refrain")) {
		/* "Avoid humour": the use of it (emit_verbs turned the
		 * modality round). */
		n->action = specc_arena_str(&r->out->arena, "use", 3);
	} else {
		specc_str act = action_of(r, verb, &after);
		uint32_t noun;
		if (obj == verb + 1)
			obj = after;
		if ((IS(act, "give") || IS(act, "make") || IS(act, "add")) && (noun = light_noun(r, obj)) != SPECC_NONE) {
			/* "give your best guess" is to guess, "make a
			 * recommendation about X" to recommend X. */
			act = norm_canon(stem_tmp(r, word(r, noun)));
			obj = noun + 1;
			if (WIS(r, obj, "about") || WIS(r, obj, "of") || WIS(r, obj, "on"))
				obj++;
		}
		/* "Keep the allocations hidden until ...", "keep the account
		 * locked": the state kept is the act, on what comes before it. */
		if (IS(act, "keep")) {
			for (uint32_t k = obj + 1; k < obj + 6 && k < r->n && is_word(r, k) && !has(r, k, F_PREP); k++) {
				specc_str w = word(r, k), verb_of = irregular(w);
				/* After its object, not before a noun ("a bulleted
				 * list"). */
				if (is_word(r, k + 1) && !has(r, k + 1, F_PREP) && !has(r, k + 1, F_STOP) &&
				    cond_at(r, k + 1, &skip) == SPECC_COND_NONE && !WIS(r, k + 1, "until"))
					continue;
				if (hiding(w)) {
					act = specc_str_make("hide", 4);
				} else if (participle(w) && !has(r, k, F_STOP)) {
					act = norm_canon(verb_of.ptr ? stem_tmp(r, verb_of) : participle_stem(r, w));
				} else {
					continue;
				}
				end_at = k;
				break;
			}
		}
		n->action = specc_arena_str(&r->out->arena, act.ptr, act.len);
		/* "address customers by their first name" is to use it. */
		if (IS(act, "address") || IS(act, "call")) {
			for (uint32_t k = obj; k < obj + 4 && k + 1 < r->n && is_word(r, k); k++)
				if (WIS(r, k, "by") && k > obj) {
					n->action = specc_arena_str(&r->out->arena, "use", 3);
					obj = k + 1;
					break;
				}
		}
	}
	/* "Members should get five attempts", "customers must receive a
	 * refund": what a person gets, someone gives, and binds anyone as a
	 * passive does. */
	if (n->person && (IS(n->action, "get") || IS(n->action, "receiv"))) {
		n->person = false;
		n->passive = true;
	}
	/* Twelve words are enough to tell objects apart; a longer run is
	 * the sentence going on, not the object. */
	end = obj;
	while (end < r->n && end < obj + 12 && !object_stop(r, end))
		end++;
	if (end_at < end)
		end = end_at;
	if (passive) {
		/* "must not be made by the assistant without ...": the agent
		 * names the actor, not the object. */
		uint32_t stop = end;
		if (WIS(r, obj, "by")) {
			uint32_t agent = SPECC_NONE, k = obj + 1;
			while (k < end && is_word(r, k) && !has(r, k, F_PREP)) {
				if (!has(r, k, F_STOP))
					agent = k;
				k++;
			}
			/* "by email" is how it is sent, and stays in the object;
			 * "by the fraud team" is who does it. */
			if (agent != SPECC_NONE && (has(r, agent, F_ACTOR) || party(r, word(r, agent)))) {
				obj = k;
				/* "can be suspended by the fraud team": the team
				 * may do it, which allows the assistant nothing;
				 * but "should be resolved by a person" binds
				 * whoever else would, and "by the assistant" names
				 * no one else. */
				if (mod == SPECC_MOD_MAY && !has(r, agent, F_ACTOR)) {
					n->actor = keep(r, word(r, agent));
					n->person = true;
				}
			}
		}
		content(r, r->subj_a, r->subj_b, &words, &stems);
		content(r, obj, stop, &words, &stems);
		/* "A passenger who needs a stretcher must not be booked": the
		 * passenger is what is acted on; "miles should be credited
		 * for flights": the rest tells which miles.  "Residents
		 * should be told about the audiobooks": the residents are
		 * told, the audiobooks are what. */
		if (!to_whom)
			core(r, r->subj_a, r->subj_b, true, &head);
		n->subject_core = specc_arena_str(&r->out->arena, head.ptr ? head.ptr : "", head.len);
		if (to_whom) {
			/* Which people ("first-year students", "returning
			 * students") is part of what is given to them. */
			specc_buf_reset(&head);
			core(r, r->subj_a, r->subj_b, false, &head);
			/* "should be asked to send their repair invoice": what
			 * they are asked to do is what is asked. */
			core(r, WIS(r, obj, "to") && is_word(r, obj + 1) && !has(r, obj + 1, F_STOP) ? obj + 1 : obj,
			     stop, false, &head);
			/* "should be asked for one": the subject says what. */
			if (!head.len)
				core(r, r->subj_a, r->subj_b, true, &head);
			stmt_start = r->subj_a;
			goto read;
		}
		/* "must be kept in the patient's record for seven years":
		 * where it is kept is not what is kept.  "Paid to the original
		 * card" says which payment, "quoted in euros" how, "credited
		 * for flights" which miles. */
		if (!has(r, obj, F_PREP) || WIS(r, obj, "to") || WIS(r, obj, "into") || WIS(r, obj, "for") ||
		    WIS(r, obj, "of") || !(WIS(r, obj + 1, "the") || WIS(r, obj + 1, "a") || WIS(r, obj + 1, "an") ||
					   WIS(r, obj + 1, "their") || WIS(r, obj + 1, "its") || WIS(r, obj + 1, "his") ||
					   WIS(r, obj + 1, "her") || WIS(r, obj + 1, "our") || WIS(r, obj + 1, "your")))
			core(r, obj, stop, false, &head);
		stmt_start = r->subj_a;
	read:;
	} else if (format_in(r, n, obj, end, &words, &stems, &head)) {
		/* "Put the departure time in bold": the format is the act. */
	} else {
		/* "Remove it on purge": what follows a pronoun says when or
		 * where, and the object is whatever "it" was. */
		uint32_t e = pronoun_object(r, obj) ? obj + 1 : end;
		content(r, obj, e, &words, &stems);
		core(r, obj, e, false, &head);
	}
	n->object = specc_arena_str(&r->out->arena, words.ptr ? words.ptr : "", words.len);
	n->object_stems = specc_arena_str(&r->out->arena, stems.ptr ? stems.ptr : "", stems.len);
	n->core_stems = specc_arena_str(&r->out->arena, head.ptr ? head.ptr : "", head.len);
	n->pronoun = WIS(r, obj, "it") || WIS(r, obj, "them") || pronoun_object(r, obj);
	place(r, n, obj, end);
	/* "should reply only in English or Welsh" restricts, not obliges;
	 * so does "must not quote a fare without its taxes". */
	for (uint32_t k = stmt_start; k <= verb + 1 && k < r->n; k++)
		n->only |= WIS(r, k, "only");
	n->without = WIS(r, end, "without");
	/* "Never close bugs via the bug server's command": how, not
	 * whether. */
	for (uint32_t k = obj; k < end && k < r->n; k++)
		n->without |= WIS(r, k, "via");
	/* "customers who have not opted in": not the same people as "who
	 * have opted in". */
	for (uint32_t k = obj; k < end && k < r->n; k++)
		n->object_negated |= negation(r, k);
	/* A passive's subject is its object: "customers who haven't
	 * mentioned a screen reader may be sent ...". */
	if (passive)
		for (uint32_t k = r->subj_a; k < r->subj_b && k < r->n; k++)
			n->object_negated |= negation(r, k);
	n->start = r->toks[stmt_start].start;
	n->end = end > 0 && end - 1 < r->n ? r->toks[end - 1].end : r->toks[verb].end;
	specc_buf_release(&words);
	specc_buf_release(&stems);
	specc_buf_release(&head);
	r->particle = SPECC_NONE;
}

/* The last verb of a list that shares one object: "click, open or follow
 * links" from "click".  Verbs after the first must be known ones. */
static uint32_t verb_list(struct reader *r, uint32_t v)
{
	for (;;) {
		uint32_t k = v + 1;
		bool last = false;
		if (k < r->n && r->toks[k].punct == ',')
			k++;
		if (WIS(r, k, "or") || WIS(r, k, "and")) {
			k++;
			last = true;
		}
		if (k == v + 1 || !is_word(r, k) || !has(r, k, F_VERB) || has(r, k, F_STOP) ||
		    WIS(r, k, "never") || WIS(r, k, "always"))
			return v;
		/* "open or follow links" is a list; "read and summarise it"
		 * too; "ask and the assistant ..." is not: a list's verb is
		 * followed by its object or the next verb. */
		v = k;
		if (last)
			return v;
	}
}

/* Emits the statements of the verb at token v (a list of verbs gives one
 * each) and returns the token after the object. */
static uint32_t emit_verbs(struct reader *r, int mod, bool imperative, bool absolute, specc_str actor,
			   uint32_t v, uint32_t stmt_start)
{
	uint32_t last, end;

	/* "should avoid giving", "refrain from giving": should not give;
	 * "avoid jargon": should not use it. */
	if ((WIS(r, v, "avoid") || WIS(r, v, "refrain")) && !specc_modality_negative(mod)) {
		uint32_t g = v + 1 + (WIS(r, v, "refrain") && WIS(r, v + 1, "from"));
		specc_str w = word(r, g);
		mod = mod == SPECC_MOD_MUST ? SPECC_MOD_MUST_NOT : SPECC_MOD_SHOULD_NOT;
		if (!is_word(r, g))
			return g;
		if (!(w.len > 4 && !memcmp(w.ptr + w.len - 3, "ing", 3))) {
			emit(r, mod, imperative, absolute, actor, v, g, stmt_start);
			end = g;
			while (end < r->n && !object_stop(r, end))
				end++;
			return end;
		}
		v = g;
	}
	last = verb_list(r, v);

	if (last == v) {
		emit(r, mod, imperative, absolute, actor, v, v + 1, stmt_start);
	} else {
		for (uint32_t k = v; k <= last; k++)
			if (is_word(r, k) && !WIS(r, k, "or") && !WIS(r, k, "and"))
				emit(r, mod, imperative, absolute, actor, k, last + 1, stmt_start);
	}
	end = last + 1;
	while (end < r->n && !object_stop(r, end))
		end++;
	return end;
}

/* The verb after a modal: past adverbs ("should also politely decline"). */
static uint32_t verb_after(struct reader *r, uint32_t i)
{
	/* "should briefly and respectfully note ...": adverbs, and ones
	 * joined by "and" or "or". */
	while (i < r->n && is_word(r, i) &&
	       ((has(r, i, F_ADVERB) && !WIS(r, i, "try") && !WIS(r, i, "attempt")) ||
		(i > 0 && has(r, i - 1, F_ADVERB) && (WIS(r, i, "and") || WIS(r, i, "or")) &&
		 has(r, i + 1, F_ADVERB))))
		i++;
	/* "should try to ask": the verb is "ask". */
	if ((WIS(r, i, "try") || WIS(r, i, "attempt") || WIS(r, i, "strive") || WIS(r, i, "aim")) &&
	    WIS(r, i + 1, "to"))
		i += 2;
	return i;
}

/* The head of the noun phrase of tokens a to b - 1: "Either holder of a
 * joint account" is a holder, the word before the phrase's first
 * preposition. */
static uint32_t phrase_head(struct reader *r, uint32_t a, uint32_t b)
{
	for (uint32_t j = a + 1; j < b; j++)
		if ((has(r, j, F_PREP) || has(r, j, F_REL) || WIS(r, j, "of")) && !has(r, j - 1, F_STOP))
			return j - 1;
	return b - 1;
}

/* The subject before a modal: the last word before it that is not an
 * adverb, within the same phrase; after "and", "or" or "but" ("... and
 * shouldn't judge"), the subject of the sentence's statement before. */
static specc_str actor_before(struct reader *r, uint32_t i, uint32_t first)
{
	while (i > 0) {
		i--;
		if (!is_word(r, i))
			return SPECC_STR_NULL;
		if (WIS(r, i, "and") || WIS(r, i, "or") || WIS(r, i, "but") || WIS(r, i, "then"))
			return r->out->items.len > first ? r->out->items.items[r->out->items.len - 1].actor
							 : SPECC_STR_NULL;
		if (!has(r, i, F_ADVERB)) {
			uint32_t k = i;
			while (k > 0 && is_word(r, k - 1) && !WIS(r, k - 1, "and") && !WIS(r, k - 1, "or") &&
			       !WIS(r, k - 1, "but") && !has(r, k - 1, F_COND))
				k--;
			return word(r, phrase_head(r, k, i + 1));
		}
	}
	return SPECC_STR_NULL;
}

/* More statements coordinated with the one that ended at token i: "should
 * decline X and suggest Y". */
static uint32_t coordinated(struct reader *r, uint32_t i, int mod, bool absolute, specc_str actor,
			    bool imperative)
{
	/* "End every reply by asking whether ...": to end it is to ask. */
	if (WIS(r, i, "by") && gerund(r, i + 1))
		i = emit_verbs(r, mod, imperative, absolute, actor, i + 1, i + 1);
	while (i < r->n && (WIS(r, i, "and") || WIS(r, i, "or") || WIS(r, i, "but") ||
			    (r->toks[i].punct == ',' && (WIS(r, i + 1, "and") || WIS(r, i + 1, "or") ||
							 WIS(r, i + 1, "but"))))) {
		uint32_t at = r->toks[i].punct ? i + 1 : i, v = denied_verb(r, at + 1);
		int m = mod;
		/* "reply with a short goodbye and don't ask whether ...": the
		 * second order denies its act. */
		if (v != SPECC_NONE && !WIS(r, at, "or")) {
			m = mod == SPECC_MOD_SHOULD || mod == SPECC_MOD_SHOULD_NOT ? SPECC_MOD_SHOULD_NOT
										  : SPECC_MOD_MUST_NOT;
		} else {
			v = verb_after(r, at + 1);
			if (WIS(r, at, "but") || !is_word(r, v) || !has(r, v, F_VERB) || IS(word(r, v), "never") ||
			    IS(word(r, v), "always"))
				break;
		}
		i = emit_verbs(r, m, imperative, absolute, actor, v, v);
	}
	return i;
}

/* Whether a clause with a subject of its own starts between statement
 * n and the condition at token at: in "notifications start switched
 * off, and customers turn them on if they want them" the "if" is the
 * customers'. */
static bool later_clause(struct reader *r, const specc_norm *n, uint32_t at)
{
	int mod;
	bool abs;

	for (uint32_t j = 0; j + 2 < at; j++) {
		if (r->toks[j].start < n->end)
			continue;
		if (r->toks[j].punct == ';')
			return true;
		if (r->toks[j].punct == ',' && (WIS(r, j + 1, "and") || WIS(r, j + 1, "but")) && is_word(r, j + 2) &&
		    !has(r, j + 2, F_VERB) && !has(r, j + 2, F_COND) && !modal_at(r, j + 2, &mod, &abs) &&
		    denied_verb(r, j + 2) == SPECC_NONE)
			return true;
	}
	return false;
}

/* The first condition of the sentence applies to its statements; a
 * leading scope ("During business hours, ...") is one, its first word
 * kept, since "before" and "after" are what tell two scopes apart. */
static void conditions(struct reader *r, uint32_t first)
{
	uint32_t skip = 1, start = 0, end = lead_phrase(r), at = 0;
	int kind = end ? SPECC_COND_WHEN : SPECC_COND_NONE;
	specc_buf words = SPECC_BUF_INIT, stems = SPECC_BUF_INIT;
	bool neg = false;

	for (uint32_t i = 0; i < r->n && !kind; i++)
		if ((kind = cond_at(r, i, &skip)) != SPECC_COND_NONE) {
			at = i;
			start = i + skip;
			end = start;
			while (end < r->n && r->toks[end].punct != ',' && r->toks[end].punct != ';' &&
			       r->toks[end].punct != '.' && r->toks[end].punct != '-')
				end++;
		}
	if (!kind)
		return;
	for (uint32_t k = start; k < end; k++)
		neg |= negation(r, k) || WIS(r, k, "no") || WIS(r, k, "without");
	content(r, start, end, &words, &stems);
	for (uint32_t k = first; k < r->out->items.len; k++) {
		specc_norm *n = &r->out->items.items[k];
		if (later_clause(r, n, at))
			continue;
		n->cond = (uint8_t)kind;
		n->cond_negated = neg;
		n->condition = specc_arena_str(&r->out->arena, words.ptr ? words.ptr : "", words.len);
		n->condition_stems = specc_arena_str(&r->out->arena, stems.ptr ? stems.ptr : "", stems.len);
	}
	specc_buf_release(&words);
	specc_buf_release(&stems);
}

/*
 * "Lock the account after three failed attempts", "delete it after 30
 * days": a deadline on the action, from "after" at token i.  Its value
 * and unit; its kind is the statement's to decide.
 */
static bool limit_deadline(struct reader *r, uint32_t i, int64_t *value, specc_str *unit, uint32_t *last)
{
	uint32_t end, u;
	bool ok;

	if (!WIS(r, i, "after") || !is_word(r, i + 1))
		return false;
	*value = number_at(r, i + 1, &ok, &end);
	if (!ok || !is_word(r, end + 1) || has(r, end + 1, F_STOP))
		return false;
	u = counted(r, end + 1);
	*unit = stem(r, word(r, u));
	*last = u;
	return true;
}

/* Whether token k says when against an event: "before", "after", "in
 * advance" ("two weeks before it happens"). */
static bool lead_at(struct reader *r, uint32_t k)
{
	return WIS(r, k, "before") || WIS(r, k, "ahead") || WIS(r, k, "earlier") || WIS(r, k, "after") ||
	       WIS(r, k, "later") || WIS(r, k, "from") || (WIS(r, k, "in") && WIS(r, k + 1, "advance"));
}

/* A count in n's words with no bound word ("members should get five
 * attempts", "book every visit as a 15-minute slot"): exactly that many
 * of a plural, or of the unit a number's word holds. */
static void count(struct reader *r, specc_norm *n)
{
	for (uint32_t i = 0; i < r->n; i++) {
		uint32_t end, u;
		bool ok;
		int64_t v;
		specc_str unit;

		if (r->toks[i].start < n->start || r->toks[i].start >= n->end || !is_word(r, i))
			continue;
		/* "should stay valid for half an hour": that long at least. */
		if (i > 0 && WIS(r, i - 1, "for") && (IS(n->action, "keep") || IS(n->action, "stay")) &&
		    half_of(r, i, &v, &unit, &u)) {
			n->limit = SPECC_LIMIT_AT_LEAST;
			n->limit_value = v;
			n->limit_unit = unit;
			n->limit_text = specc_arena_str(&r->out->arena, r->text + r->toks[i].start,
							r->toks[u].end - r->toks[i].start);
			return;
		}
		if (!has(r, i, F_NUMBER) && !has_number(r, i))
			continue;
		v = number_at(r, i, &ok, &end);
		if (!ok || v < 1)
			continue;
		if ((unit = unit_in_number(r, i)).len) {
			u = i;
		} else {
			if (!is_word(r, end + 1) || has(r, end + 1, F_STOP))
				continue;
			u = counted(r, end + 1);
			unit = word(r, u);
			if (unit.len < 3 || (unit.ptr[unit.len - 1] != 's' && v > 1))
				continue;
		}
		/* "one reply" is no count, but "one day before delivery" is a
		 * lead time. */
		if (v == 1 && !(lead_at(r, u + 1) && norm_seconds(stem_tmp(r, unit))))
			continue;
		n->limit = SPECC_LIMIT_EXACTLY;
		n->limit_value = v;
		n->limit_unit = stem(r, unit);
		/* "Keep chat history for twelve months": kept that long at
		 * least. */
		if (i > 0 && WIS(r, i - 1, "for") && (IS(n->action, "keep") || IS(n->action, "stay")) &&
		    norm_seconds(n->limit_unit))
			n->limit = SPECC_LIMIT_AT_LEAST;
		n->limit_lead = norm_seconds(n->limit_unit) && lead_at(r, u + 1);
		n->limit_text = specc_arena_str(&r->out->arena, r->text + r->toks[i].start,
						r->toks[u].end - r->toks[i].start);
		return;
	}
}

static void limits(struct reader *r, uint32_t first)
{
	for (uint32_t i = 0; i < r->n && first < r->out->items.len; i++) {
		int64_t value = 0;
		specc_str unit = SPECC_STR_NULL;
		uint32_t last = i;
		int kind = limit_at(r, i, &value, &unit, &last);
		if (!kind)
			kind = limit_after(r, i, &value, &unit, &last);
		specc_norm *n = NULL;
		if (!kind && limit_deadline(r, i, &value, &unit, &last)) {
			/* Done by then: at most that many, whether it must be
			 * done after it or must not be done after it (turned
			 * round with the modality, as other limits are).  "May
			 * refund after 30 days" allows from then on.  In a
			 * leading condition ("After three failed attempts, the
			 * assistant must lock ..."), it is the statement's. */
			for (uint32_t k = first; k < r->out->items.len && !n; k++)
				if (r->toks[i].start < r->out->items.items[k].end &&
				    (r->toks[i].start >= r->out->items.items[k].start ||
				     r->out->items.items[k].cond == SPECC_COND_WHEN))
					n = &r->out->items.items[k];
			if (n)
				kind = n->modality == SPECC_MOD_MUST || n->modality == SPECC_MOD_SHOULD
					       ? SPECC_LIMIT_AT_MOST
					       : SPECC_LIMIT_AT_LEAST;
		} else if (kind) {
			/* The statement whose words hold the limit: one in a
			 * condition ("if it was charged more than 30 days ago")
			 * limits nothing, but tells the case. */
			for (uint32_t k = first; k < r->out->items.len; k++)
				if (r->toks[i].start >= r->out->items.items[k].start &&
				    r->toks[i].start < r->out->items.items[k].end)
					n = &r->out->items.items[k];
			if (!n) {
				for (uint32_t k = first; k < r->out->items.len && !n; k++)
					if (r->out->items.items[k].cond && !r->out->items.items[k].cond_limit)
						n = &r->out->items.items[k];
				if (n) {
					n->cond_limit = (uint8_t)kind;
					n->cond_limit_value = value;
					n->cond_limit_unit = unit;
				}
				continue;
			}
		}
		if (!n || n->limit)
			continue;
		n->limit_case = r->toks[i].start >= n->subject_start && r->toks[i].start < n->subject_end;
		n->limit = (uint8_t)kind;
		n->limit_value = value;
		n->limit_unit = unit;
		n->limit_text = specc_arena_str(&r->out->arena, r->text + r->toks[i].start,
						r->toks[last].end - r->toks[i].start);
	}
	for (uint32_t k = first; k < r->out->items.len; k++)
		if (!r->out->items.items[k].limit)
			count(r, &r->out->items.items[k]);
}

/* Whether the sentence opens with a phrase that scopes it, closed by a
 * comma before any modal: "Before the customer has ..., the assistant
 * must not ...", "During business hours, ...".  Returns the comma's
 * token, or 0. */
static uint32_t lead_phrase(struct reader *r)
{
	int mod;
	bool abs;

	if (!(WIS(r, 0, "before") || WIS(r, 0, "after") || WIS(r, 0, "during") || WIS(r, 0, "outside") ||
	      WIS(r, 0, "until") || WIS(r, 0, "inside") || WIS(r, 0, "once") || WIS(r, 0, "on") ||
	      WIS(r, 0, "in") ||
	      (WIS(r, 0, "for") && !WIS(r, 1, "example") && !WIS(r, 1, "instance"))))
		return 0;
	for (uint32_t k = 1; k < r->n && k < 24; k++) {
		if (r->toks[k].punct == ',')
			return k;
		if (r->toks[k].punct || modal_at(r, k, &mod, &abs))
			return 0;
	}
	return 0;
}

static uint32_t connective(struct reader *r);

/* Sets the subject of statements [first, len) to the content words of
 * tokens [a, b). */
static void subject(struct reader *r, uint32_t a, uint32_t b, uint32_t first)
{
	specc_buf words = SPECC_BUF_INIT, stems = SPECC_BUF_INIT;
	specc_str st, all;
	bool relative = false, refers;

	if (first >= r->out->items.len)
		return;
	core(r, a, b, false, &stems);
	st = specc_arena_str(&r->out->arena, stems.ptr ? stems.ptr : "", stems.len);
	specc_buf_reset(&stems);
	content(r, a, b, &words, &stems);
	all = specc_arena_str(&r->out->arena, stems.ptr ? stems.ptr : "", stems.len);
	for (uint32_t k = a; k < b && k < r->n && !relative; k++)
		relative = has(r, k, F_REL);
	/* Only at the start of the sentence: in "If a student asks the
	 * assistant to stop, it should stop", what "it" names is in the
	 * sentence. */
	refers = a <= connective(r) && (WIS(r, a, "it") || WIS(r, a, "this") || WIS(r, a, "that") ||
					WIS(r, a, "these") || WIS(r, a, "those"));
	for (uint32_t k = first; k < r->out->items.len; k++) {
		r->out->items.items[k].subject_stems = st;
		r->out->items.items[k].subject_words = all;
		r->out->items.items[k].subject_relative = relative;
		r->out->items.items[k].subject_refers = refers;
		if (a < b && b <= r->n) {
			r->out->items.items[k].subject_start = r->toks[a].start;
			r->out->items.items[k].subject_end = r->toks[b - 1].end;
		}
	}
	specc_buf_release(&words);
	specc_buf_release(&stems);
}

/* Whether a modal reading starts at token i or later, before the clause
 * ends at ";" or ".". */
static bool modal_in_clause(struct reader *r, uint32_t i)
{
	int mod;
	bool abs;

	for (uint32_t k = i; k < r->n && r->toks[k].punct != ';' && r->toks[k].punct != '.'; k++)
		if (modal_at(r, k, &mod, &abs))
			return true;
	return false;
}

/* Whether the known verb at token i is a noun before the sentence's
 * modal: "Call recordings ... must be kept" is no order to call. */
static bool later_modal(struct reader *r, uint32_t i)
{
	/* "Tell customers that they should ...", "Keep the reply short":
	 * an order goes on with its object's determiner or person. */
	if (!is_word(r, i + 1) || has(r, i + 1, F_STOP) || has(r, i + 1, F_PERSON) || has(r, i + 1, F_ADVERB))
		return false;
	return modal_in_clause(r, i + 1);
}

/* Whether token i may be an imperative verb the lists do not know, after
 * a leading condition ("If a customer is abroad, order the card ..."):
 * no stopword, person or subject, and no modal in its phrase. */
static bool open_verb(struct reader *r, uint32_t i)
{
	return is_word(r, i) && !r->toks[i].modal_len && !has(r, i, F_STOP) && !has(r, i, F_PERSON) &&
	       !has(r, i, F_ACTOR) &&
	       !has(r, i, F_NOT_VERB) && !has(r, i, F_PREP) && !has(r, i, F_REL) && !has(r, i, F_COND) &&
	       !modal_in_clause(r, i + 1);
}

/* Whether the first word of a sentence, though no verb the lists know,
 * gives an order: a plain word followed by a determiner of its object
 * ("Record any condition the customer mentions", "Forward the
 * letter"), with no modal or "is" after it, which a subject would have
 * ("Record numbers are ...", "Delivery times must ..."). */
static bool order_verb(struct reader *r, uint32_t i)
{
	static const specc_str dets[] = { W("a"),     W("an"),   W("the"),  W("any"),   W("each"),
					  W("every"), W("all"),  W("their"), W("your"), W("its"),
					  W("his"),   W("her"),  W("them"), W("it"),    W("this"),
					  W("that"),  W("these"), W("those"), { NULL, 0 } };
	specc_str w = word(r, i);

	/* "Whether it applies depends on ...": a question word is no verb. */
	if (!open_verb(r, i) || w.len < 3 || w.ptr[w.len - 1] == 's' || IS(w, "whether") || IS(w, "how") ||
	    IS(w, "why") || IS(w, "what") || IS(w, "where") || IS(w, "whichever") || IS(w, "whatever") ||
	    (w.len > 4 && !memcmp(w.ptr + w.len - 3, "ing", 3)) ||
	    (w.len > 3 && !memcmp(w.ptr + w.len - 2, "ed", 2)) || (w.len > 3 && !memcmp(w.ptr + w.len - 2, "ly", 2)))
		return false;
	if (!is_word(r, i + 1) || !in(dets, word(r, i + 1)))
		return false;
	for (uint32_t k = i + 1; k < r->n && r->toks[k].punct != ';' && r->toks[k].punct != '.'; k++)
		if (WIS(r, k, "is") || WIS(r, k, "are") || WIS(r, k, "was") || WIS(r, k, "were"))
			return false;
	return true;
}

/* Whether token k is a verb of telling as a verb is written: "tells",
 * "told", "asks", "reminded"; not "warnings" or "reminders". */
static bool telling_verb(struct reader *r, uint32_t k)
{
	specc_str w = word(r, k), st = stem_tmp(r, w);

	if (!in(telling, st))
		return IS(w, "told");
	return w.len == st.len || (w.len == st.len + 1 && w.ptr[w.len - 1] == 's') ||
	       (w.len >= st.len + 2 && w.ptr[w.len - 2] == 'e' && w.ptr[w.len - 1] == 'd' && w.len <= st.len + 3);
}

/* Whether a relative word ("who", "that", "who've") comes before token
 * k. */
static bool relative_before(struct reader *r, uint32_t k)
{
	for (uint32_t j = 0; j < k; j++)
		if (has(r, j, F_REL))
			return true;
	return false;
}

/* Whether the modal at token i is inside a clause that is no rule of its
 * own: "someone who cannot give the reference", "even if they don't need
 * it", "whether an item may be taken". */
static bool embedded(struct reader *r, uint32_t i)
{
	uint32_t skip;
	int mod;
	bool abs;

	for (uint32_t k = i; k > 0 && is_word(r, k - 1); k--) {
		/* "A bin that is reported ... is emptied": a relative clause
		 * ends at its own verb, so a modal before this one closes it. */
		if (modal_at(r, k - 1, &mod, &abs))
			return false;
		if ((has(r, k - 1, F_REL) && !r->relative_main) || WIS(r, k - 1, "whether") || WIS(r, k - 1, "even") ||
		    WIS(r, k - 1, "how") || WIS(r, k - 1, "until"))
			return true;
		if (cond_at(r, k - 1, &skip) != SPECC_COND_NONE)
			return true;
		if (WIS(r, k - 1, "and") || WIS(r, k - 1, "but") || WIS(r, k - 1, "or"))
			return false;
		/* "The assistant tells them it is automated": what is told.
		 * A verb, not "warnings" or "reminders", and the sentence's
		 * own: "customers who've told us they are ill are never
		 * chased" is chased. */
		if (telling_verb(r, k - 1) && !relative_before(r, k - 1))
			return true;
	}
	return false;
}

/* Whether the subject from token a to the modal at m starts with a word
 * that denies it: "No installation is to be booked", "Nobody may",
 * "None of the staff should".  "A customer with no meter" does not. */
static bool no_subject(struct reader *r, uint32_t a, uint32_t m)
{
	if (a >= m || !is_word(r, a))
		return false;
	/* "No matter what they ask, the assistant should": a phrase before
	 * the subject, not the subject. */
	for (uint32_t k = a; k < m; k++)
		if (r->toks[k].punct == ',')
			return false;
	if (WIS(r, a, "no"))
		return a + 1 < m && !WIS(r, a + 1, "matter") && !WIS(r, a + 1, "later") &&
		       !WIS(r, a + 1, "longer") && !WIS(r, a + 1, "sooner") && !WIS(r, a + 1, "earlier");
	return WIS(r, a, "nobody") || WIS(r, a, "none") || WIS(r, a, "nothing");
}

/* The statements of the modals from token i on: "the assistant must not
 * ...", with their subjects from lead on. */
static void modal_statements(struct reader *r, uint32_t first, uint32_t lead, uint32_t i)
{
	int mod;
	bool absolute;

	for (uint32_t subj_from = lead; i < r->n; i++) {
		uint32_t len = modal_at(r, i, &mod, &absolute), v, end, at = r->out->items.len, m = i, a, b;
		specc_str actor;
		if (!len || embedded(r, i))
			continue;
		/* "note that this can be changed ... but it cannot be
		 * changed implicitly": the subject starts after "but". */
		for (uint32_t k = m; k > subj_from; k--)
			if ((WIS(r, k - 1, "but") && !all_but(r, k - 1)) || r->toks[k - 1].punct == ';') {
				subj_from = k;
				break;
			}
		v = verb_after(r, i + len);
		/* "must not, under any circumstances, change ...": past the
		 * aside. */
		if (v < r->n && r->toks[v].punct == ',') {
			uint32_t k = v + 1;
			while (k < r->n && k < v + 8 && is_word(r, k))
				k++;
			if (k < r->n && r->toks[k].punct == ',')
				v = verb_after(r, k + 1);
		}
		if (!is_word(r, v) || has(r, v, F_NOT_VERB))
			continue;
		/* "No account may be passed ...", "no one should ...": the
		 * subject denies the rule. */
		if (no_subject(r, subj_from, m))
			mod = mod == SPECC_MOD_SHOULD ? SPECC_MOD_SHOULD_NOT
			      : specc_modality_negative(mod) ? mod : SPECC_MOD_MUST_NOT;
		/* "It is the responsibility of the maintainer to": the
		 * maintainer is the subject. */
		if (duty_at(r, i + 1, &a, &b) && a < b) {
			subj_from = a;
			m = b;
			actor = word(r, phrase_head(r, a, b));
			if (possessive(actor))
				actor.len -= 2;
		} else {
			actor = actor_before(r, i, first);
		}
		r->subj_a = subj_from;
		r->subj_b = m;
		end = emit_verbs(r, mod, false, absolute, actor, v, i);
		r->subj_a = r->subj_b = 0;
		i = coordinated(r, end, mod, absolute, actor, false);
		subject(r, subj_from, m, at);
		subj_from = i;
		if (i > 0)
			i--;
	}
}

/* Whether token k is a verb of the lists with an -s: "tells", "reaches",
 * "carries". */
static bool present_verb_form(struct reader *r, uint32_t k)
{
	specc_str w = word(r, k);

	if (!is_word(r, k) || w.len < 4 || w.ptr[w.len - 1] != 's')
		return false;
	if (flags_of(r, specc_str_make(w.ptr, w.len - 1)) & F_VERB)
		return true;
	return w.len > 4 && w.ptr[w.len - 2] == 'e' &&
	       ((flags_of(r, specc_str_make(w.ptr, w.len - 2)) & F_VERB) ||
		(w.ptr[w.len - 3] == 'i' && (flags_of(r, stem_tmp(r, w)) & F_VERB_STEM)));
}

/* Whether w looks like a plural noun: "summaries", not "glass" or
 * "customers'". */
static bool plural(specc_str w)
{
	return w.len > 3 && w.ptr[w.len - 1] == 's' && w.ptr[w.len - 2] != 's' && w.ptr[w.len - 2] != '\'';
}

/* The head of a subject that goes on past it before verb k: "summaries"
 * of "claim summaries in the chat show ...", "prices" of "renewal prices
 * given in the chat leave out ...".  The word before the first
 * preposition or participle from the sentence's start, or nothing. */
static specc_str subject_head(struct reader *r, uint32_t k)
{
	for (uint32_t j = 1; j < k; j++) {
		if (!is_word(r, j))
			return SPECC_STR_NULL;
		if (has(r, j, F_PREP) || participle(word(r, j)))
			return is_word(r, j - 1) ? word(r, j - 1) : SPECC_STR_NULL;
	}
	return SPECC_STR_NULL;
}

/* Whether token k is a verb of the lists in the present tense after a
 * subject: "tells", "carries", or "ask" after a plural ("drivers ask",
 * "claim summaries in the chat show"). */
static bool present_verb(struct reader *r, uint32_t k)
{
	specc_str w = word(r, k), p = word(r, k - 1);
	uint32_t f = flags_of(r, w);

	if (!is_word(r, k) || (f & (F_STOP | F_PREP | F_REL | F_ADVERB | F_MODAL | F_COND | F_NOT_VERB)))
		return false;
	if (f & F_VERB)
		return plural(p) || plural(subject_head(r, k));
	return present_verb_form(r, k);
}

/* "The assistant tells them it is automated", "delivery notifications
 * start switched off", "drivers don't come inside": in a clause, what a
 * thing plainly does is its rule.  Read only when the sentence has no
 * other reading, and never inside a clause of its own ("whether it
 * applies depends on ..."). */
static void present_statements(struct reader *r, uint32_t first, uint32_t lead)
{
	specc_str w = word(r, lead), actor;

	/* "Placing code inside code blocks ...": a subject that is an act
	 * is a list item or a definition, not a party that does things. */
	if (w.len > 4 && !memcmp(w.ptr + w.len - 3, "ing", 3))
		return;
	for (uint32_t k = lead + 1; k < r->n && r->toks[k].punct != ';' && r->toks[k].punct != '.'; k++) {
		uint32_t v = k, at = r->out->items.len, end;
		int mod = SPECC_MOD_MUST;
		const uint32_t noun = F_STOP | F_PREP | F_REL | F_ADVERB | F_MODAL | F_COND;

		/* A verb goes on to what it does ("tells them", "stop when");
		 * "code blocks (surrounded ...)" is a noun. */
		if (!is_word(r, k) || !is_word(r, k - 1) || !is_word(r, k + 1) || has(r, k - 1, noun) ||
		    participle(word(r, k - 1)))
			continue;
		if ((WIS(r, k, "does") || WIS(r, k, "do")) && WIS(r, k + 1, "not"))
			v = verb_after(r, k + 2), mod = SPECC_MOD_MUST_NOT;
		else if (WIS(r, k, "doesn't") || WIS(r, k, "don't"))
			v = verb_after(r, k + 1), mod = SPECC_MOD_MUST_NOT;
		if (mod == SPECC_MOD_MUST_NOT ? !is_word(r, v) || !has(r, v, F_VERB) : !present_verb(r, k))
			continue;
		if (embedded(r, k))
			break;
		actor = actor_before(r, k, first);
		/* "Claim summaries in the chat show ...": the summaries do. */
		if (mod == SPECC_MOD_MUST && !plural(word(r, k - 1)) && plural(subject_head(r, k)))
			actor = subject_head(r, k);
		r->subj_a = lead;
		r->subj_b = k;
		end = emit_verbs(r, mod, false, false, actor, v, k);
		r->subj_a = r->subj_b = 0;
		coordinated(r, end, mod, false, actor, false);
		subject(r, lead, k, at);
		return;
	}
}

/* Tokenizes and classifies the sentence r->text. */
static void scan(struct reader *r)
{
	r->n = 0;
	r->particle = SPECC_NONE;
	specc_buf_reset(&r->low);
	tokenize(r);
	classify(r);
}

/* How many tokens open the sentence before what it says: a word that
 * ties it to the one before, and its comma ("Thus, all packages must
 * ...", "Otherwise, the directory must not ..."), or a section's number.
 * They are no part of the subject. */
static uint32_t connective(struct reader *r)
{
	static const specc_str words[] = {
		W("thus"), W("therefore"), W("hence"), W("otherwise"), W("however"), W("instead"),
		W("also"), W("moreover"), W("furthermore"), W("likewise"), W("similarly"),
		W("consequently"), W("accordingly"), W("nevertheless"), W("nonetheless"), W("still"),
		W("then"), W("again"), W("alternatively"), W("conversely"), W("finally"), W("additionally"),
		W("generally"), W("normally"), W("usually"), W("typically"), W("ideally"), W("specifically"),
		W("so"), W("now"), W("meanwhile"), W("notably"), { NULL, 0 },
	};

	specc_str w = word(r, 0);
	bool dot = false, digits = w.len > 0;

	if (r->n > 2 && r->toks[1].punct == ',' && is_word(r, 0) && in(words, w) && is_word(r, 2))
		return 2;
	/* "4.4 debian/changelog must exist", "11.7.3 No package may ...":
	 * the number of a section or an item. */
	for (size_t k = 0; k < w.len && digits; k++) {
		dot |= w.ptr[k] == '.';
		digits = (w.ptr[k] >= '0' && w.ptr[k] <= '9') || (w.ptr[k] == '.' && k);
	}
	return is_word(r, 0) && digits && dot && is_word(r, 1) ? 1 : 0;
}

static void read_sentence(struct reader *r)
{
	uint32_t first = r->out->items.len, i = 0, lead;
	int mod;
	bool absolute;

	scan(r);
	/* A leading condition ("If X, the assistant ...") is skipped to its
	 * comma, so an imperative after it is still at the start. */
	{
		uint32_t skip;
		if (cond_at(r, 0, &skip) != SPECC_COND_NONE) {
			while (i < r->n && r->toks[i].punct != ',')
				i++;
			if (i < r->n)
				i++;
		} else if ((lead = lead_phrase(r)) != 0) {
			i = lead + 1;
		} else {
			i = connective(r);
		}
	}
	lead = i;
	if (WIS(r, i, "please"))
		i++;
	/* "Under no circumstances may the assistant ...": the modal comes
	 * before its subject. */
	if ((WIS(r, i, "under") && WIS(r, i + 1, "no") && WIS(r, i + 2, "circumstances")) ||
	    (WIS(r, i, "in") && WIS(r, i + 1, "no") && WIS(r, i + 2, "case")) ||
	    (WIS(r, i, "at") && WIS(r, i + 1, "no") && WIS(r, i + 2, "time"))) {
		uint32_t k = i + 3, v;
		if (k < r->n && r->toks[k].punct == ',')
			k++;
		if (WIS(r, k, "may") || WIS(r, k, "should") || WIS(r, k, "must") || WIS(r, k, "can") ||
		    WIS(r, k, "will") || WIS(r, k, "shall") || WIS(r, k, "would") || WIS(r, k, "could") ||
		    WIS(r, k, "does") || WIS(r, k, "do")) {
			uint32_t subj = k + 1;
			if (WIS(r, subj, "the") || WIS(r, subj, "a") || WIS(r, subj, "an") || WIS(r, subj, "our"))
				subj++;
			v = verb_after(r, subj + 1);
			if (is_word(r, subj) && is_word(r, v) && !has(r, v, F_NOT_VERB)) {
				uint32_t at = r->out->items.len;
				mod = WIS(r, k, "should") ? SPECC_MOD_SHOULD_NOT : SPECC_MOD_MUST_NOT;
				i = emit_verbs(r, mod, false, true, word(r, subj), v, i);
				i = coordinated(r, i, mod, true, word(r, subj), false);
				subject(r, k + 1, subj + 1, at);
			}
		}
	}
	/* Imperatives. */
	if (is_word(r, i) && r->out->items.len == first) {
		uint32_t v = SPECC_NONE;
		mod = SPECC_MOD_MUST;
		absolute = false;
		if ((WIS(r, i, "do") && WIS(r, i + 1, "not")) || WIS(r, i, "don't")) {
			mod = SPECC_MOD_MUST_NOT;
			v = verb_after(r, i + (WIS(r, i, "do") ? 2 : 1));
			/* "Don't ever ask": "ever" is an adverb. */
		} else if (WIS(r, i, "never")) {
			mod = SPECC_MOD_MUST_NOT;
			absolute = true;
			v = verb_after(r, i + 1);
		} else if (WIS(r, i, "always")) {
			absolute = true;
			v = verb_after(r, i + 1);
		} else if (WIS(r, i, "avoid")) {
			/* emit_verbs reads it as should-not */
			mod = SPECC_MOD_SHOULD;
			v = i;
		} else if (WIS(r, i, "refuse") && WIS(r, i + 1, "to")) {
			mod = SPECC_MOD_MUST_NOT;
			v = verb_after(r, i + 2);
		} else if (WIS(r, i, "only") && (has(r, i + 1, F_VERB) || open_verb(r, i + 1))) {
			/* "Only bring up the end date once ...": a restriction,
			 * read as one (emit() sees the "only"). */
			v = i + 1;
		} else if ((has(r, i, F_VERB) && !modal_at(r, i + 1, &mod, &absolute) && !later_modal(r, i)) ||
			   (i > 0 && open_verb(r, i)) || (i == 0 && order_verb(r, i))) {
			mod = SPECC_MOD_MUST;
			absolute = false;
			v = i;
		}
		if (v != SPECC_NONE && is_word(r, v)) {
			uint32_t end = emit_verbs(r, mod, true, absolute, SPECC_STR_NULL, v, i);
			i = coordinated(r, end, mod, absolute, SPECC_STR_NULL, true);
		}
	}
	modal_statements(r, first, lead, i);
	if (r->out->items.len == first) {
		r->relative_main = true;
		modal_statements(r, first, lead, i);
		r->relative_main = false;
	}
	if (r->out->items.len == first)
		present_statements(r, first, lead);
	conditions(r, first);
	limits(r, first);
	/* Words that make a rule hold in every case. */
	for (uint32_t k = 0; k < r->n; k++)
		if ((WIS(r, k, "even") && (WIS(r, k + 1, "if") || WIS(r, k + 1, "when"))) ||
		    WIS(r, k, "regardless") ||
		    ((WIS(r, k, "under") || WIS(r, k, "in")) && (WIS(r, k + 1, "no") || WIS(r, k + 1, "any")) &&
		     WIS(r, k + 2, "circumstances")) ||
		    (WIS(r, k, "at") && WIS(r, k + 1, "all") && WIS(r, k + 2, "times")) ||
		    (WIS(r, k, "without") && WIS(r, k + 1, "exception")) ||
		    (WIS(r, k, "in") && (WIS(r, k + 1, "all") || WIS(r, k + 1, "every")) &&
		     (WIS(r, k + 2, "cases") || WIS(r, k + 2, "case"))) ||
		    WIS(r, k, "whatever") || (WIS(r, k, "no") && WIS(r, k + 1, "matter")) ||
		    (k > 0 && r->toks[k - 1].punct == ',' && WIS(r, k, "however") && is_word(r, k + 1)))
			for (uint32_t j = first; j < r->out->items.len; j++)
				r->out->items.items[j].absolute = true;
}

/* A reader's stemmer, lists and caches, for one call. */
static void reader_open(struct reader *r, specc_norms *out)
{
	memset(r, 0, sizeof *r);
	r->out = out;
	specc_buf_init(&r->low);
	specc_buf_init(&r->spelling);
	specc_arena_init(&r->stem_arena);
	r->stemmer = sb_stemmer_new("english", NULL);
	if (!r->stemmer)
		specc_die_oom();
	lists_init(r);
}

static void reader_close(struct reader *r)
{
	sb_stemmer_delete(r->stemmer);
	specc_map_release(&r->lists);
	SPECC_TABLE_FREE(r->list_flags);
	specc_buf_release(&r->low);
	specc_buf_release(&r->spelling);
	specc_map_release(&r->stem_index);
	SPECC_TABLE_FREE(r->stems);
	specc_arena_release(&r->stem_arena);
	free(r->toks);
}

void specc_norms_read(specc_norms *out, uint32_t clause, const char *text, size_t len)
{
	struct reader r;

	reader_open(&r, out);
	r.clause = clause;
	r.text = text;
	r.len = len;
	read_sentence(&r);
	reader_close(&r);
}

void specc_norms_init(specc_norms *n)
{
	memset(n, 0, sizeof *n);
	specc_arena_init(&n->arena);
}

/* Whether clause text t holds what someone() looks for, as written
 * ("who", or " to " and a verb of telling, its first letter either case):
 * most clauses hold neither, and reading one costs more than looking. */
static bool may_name_someone(specc_str t)
{
	if (memmem(t.ptr, t.len, "who", 3))
		return true;
	if (!memmem(t.ptr, t.len, " to ", 4))
		return false;
	for (const specc_str *v = telling; v->ptr; v++) {
		char cap[16];
		if (memmem(t.ptr, t.len, v->ptr, v->len))
			return true;
		/* The stems are ours and short: "Tell", "Ask". */
		memcpy(cap, v->ptr, v->len);
		cap[0] = (char)(cap[0] - 'a' + 'A');
		if (memmem(t.ptr, t.len, cap, v->len))
			return true;
	}
	return false;
}

/* Adds word w, and its plural or singular, to the people of the lists. */
static void add_person(struct reader *r, specc_str w)
{
	specc_buf b = SPECC_BUF_INIT;

	for (int form = 0; form < 2; form++) {
		uint32_t at = r->list_flags.len;
		specc_str key;
		specc_buf_reset(&b);
		specc_buf_add(&b, w.ptr, w.len);
		if (form == 1) {
			if (w.len > 3 && w.ptr[w.len - 1] == 's')
				b.len--;
			else
				specc_buf_addch(&b, 's');
		}
		key = specc_arena_str(&r->stem_arena, b.ptr, b.len);
		if (specc_map_put(&r->lists, key, at, &at))
			*SPECC_PUSH(r->list_flags) = 0;
		r->list_flags.items[at] |= F_PERSON;
	}
	specc_buf_release(&b);
}

/* People the lists do not name, from every clause of p before any is
 * read: a "guest who reports smoke" in one clause is a person in all of
 * them ("send guests to the website" is about the website). */
static void learn_people(struct reader *r, const specc_project *p)
{
	for (uint32_t c = 0; c < p->clauses.len; c++) {
		const specc_clause *cl = &p->clauses.items[c];
		if (!cl->text.len || !may_name_someone(cl->text))
			continue;
		r->text = cl->text.ptr;
		r->len = cl->text.len;
		scan(r);
		for (uint32_t i = 0; i < r->n; i++)
			if (is_word(r, i) && (r->toks[i].flags & F_PERSON) && !(flags_of(r, r->toks[i].w) & F_PERSON)) {
				specc_str st = stem_tmp(r, r->toks[i].w);
				*SPECC_PUSH(r->out->people) = specc_arena_str(&r->out->arena, st.ptr, st.len);
				add_person(r, r->toks[i].w);
			}
	}
}

void specc_norms_extract(specc_norms *out, const specc_project *p)
{
	struct reader r;

	specc_norms_init(out);
	reader_open(&r, out);
	learn_people(&r, p);
	for (uint32_t c = 0; c < p->clauses.len; c++) {
		const specc_clause *cl = &p->clauses.items[c];
		r.clause = c;
		r.text = cl->text.ptr ? cl->text.ptr : "";
		r.len = cl->text.len;
		read_sentence(&r);
	}
	reader_close(&r);
}

void specc_norms_release(specc_norms *n)
{
	SPECC_TABLE_FREE(n->items);
	SPECC_TABLE_FREE(n->people);
	specc_arena_release(&n->arena);
}

const char *specc_modality_name(int m)
{
	static const char *const names[] = { "must", "must-not", "should", "should-not", "may" };
	return m >= 0 && m < 5 ? names[m] : "?";
}

bool specc_modality_negative(int m)
{
	return m == SPECC_MOD_MUST_NOT || m == SPECC_MOD_SHOULD_NOT;
}

const char *specc_limit_name(int k)
{
	return k == SPECC_LIMIT_AT_MOST ? "at-most" : k == SPECC_LIMIT_AT_LEAST ? "at-least"
	       : k == SPECC_LIMIT_EXACTLY ? "exactly" : "";
}

const char *specc_cond_name(int k)
{
	static const char *const names[] = { "", "if", "when", "unless", "while", "except" };
	return k >= 0 && k < 6 ? names[k] : "";
}
