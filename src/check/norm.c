/*
 * norm.c - reading normative statements out of clause sentences.
 *
 * A small, predictable reader rather than a parser of English: it finds
 * the modal words ("must", "should not", "may", "is not allowed to", an
 * imperative at the start), takes the word before them as the actor and
 * the verb after them (past adverbs) as the action, the content words up
 * to the next boundary as the object, the first condition word's clause
 * as the condition, and "at most 100 words" as a limit.  What it cannot
 * read it leaves out: a sentence with no modal reading has no statement,
 * which costs recall in conflict detection, never a false conflict.
 */
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

#include "specc/buf.h"
#include "specc/norm.h"

/* Words that sit between a modal and its verb. */
static const char *const adverbs[] = {
	"always", "also", "only", "still", "just", "generally", "usually", "proactively",
	"immediately", "clearly", "politely", "gently", "briefly", "first", "simply", "ever",
	"instead", "then", "strongly", "carefully", "explicitly", "directly", "actively", "readily",
	"typically", "normally", "otherwise", "further", "additionally", "promptly", "kindly",
	"respectfully", "transparently", "consistently", "reasonably", "appropriately", "again",
	"never", "not", "even", "really", "try", "attempt", NULL,
};

/* Words that carry no content for matching objects. */
static const char *const stopwords[] = {
	"a", "an", "the", "of", "to", "for", "in", "on", "at", "by", "with", "about", "from", "into",
	"as", "any", "all", "some", "their", "its", "it", "them", "they", "that", "this", "those",
	"these", "such", "or", "and", "nor", "be", "is", "are", "was", "were", "been", "being",
	"your", "you", "his", "her", "our", "us", "we", "i", "me", "my", "what", "which", "who",
	"whom", "whose", "how", "no", "both", "either", "neither", "more", "most", "very", "so",
	"than", "there", "here", "e.g", "i.e", "etc", "do", "does", "did", "can", "will", "would",
	"could", "might", "own", "one", "ones", "each", "every", "way", "ways", "its", "has", "have",
	"had", "not", "also", "just", "only", "even", "other", NULL,
};

/* Verbs that begin an imperative sentence ("Ask for ...", "Include ..."). */
static const char *const imperative_verbs[] = {
	"ask", "tell", "answer", "provide", "include", "use", "keep", "say", "give", "offer",
	"explain", "respond", "reply", "follow", "treat", "assume", "consider", "prefer", "write",
	"cite", "add", "state", "share", "reveal", "recommend", "suggest", "help", "encourage",
	"acknowledge", "warn", "direct", "point", "remind", "confirm", "verify", "check", "book",
	"search", "show", "list", "mention", "quote", "summarize", "summarise", "translate",
	"describe", "format", "return", "call", "send", "escalate", "stop", "continue", "end",
	"start", "begin", "admit", "apologize", "apologise", "ignore", "obey", "comply", "defer",
	"protect", "respect", "support", "express", "present", "put", "make", "let", "allow",
	"decline", "flag", "report", "note", "disclose", "withhold", "hide", "correct", "clarify",
	"seek", "request", "reject", "accept", "route", "redirect", "limit", "stay", "be", "speak",
	"answer", "respond", "lead", "open", "close", "link", "read", "repeat", "sign", "greet",
	"refer", "prioritize", "prioritise", "maintain", "avoid", "refuse", "never", "always",
	"remain", "err", "assist", "engage", "discuss", "mirror", "match", "adapt", "tailor", NULL,
};

/* Words that cannot be the verb after a modal ("may the ..."). */
static const char *const not_verbs[] = {
	"the", "a", "an", "this", "that", "these", "those", "it", "they", "we", "you", "i", "to",
	"of", "in", "on", "at", "by", "for", "with", "as", "and", "or", NULL,
};

/* Subjects a descriptive "does not ..." is read for. */
static const char *const actors[] = {
	"assistant", "model", "it", "they", "chatgpt", "agent", "bot", "developer", "developers",
	"operator", "operators", "user", "users", "system", "ai", NULL,
};

static bool in(const char *const *list, specc_str w)
{
	for (; *list; list++)
		if (strlen(*list) == w.len && !memcmp(*list, w.ptr, w.len))
			return true;
	return false;
}

static bool is(specc_str w, const char *s)
{
	return w.len == strlen(s) && !memcmp(w.ptr, s, w.len);
}

struct tok {
	uint32_t start, end;      /* bytes in the text */
	specc_str w;              /* lower case, ’ as '; empty for punctuation */
	char punct;               /* ',' ';' ':' '.' '(' ')' '-' for a dash, 0 for a word */
};

struct reader {
	specc_norms *out;
	uint32_t clause;
	const char *text;
	size_t len;
	struct tok *toks;
	uint32_t n, cap;
	struct sb_stemmer *stemmer;
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
		if (word_byte(c) && !(c == 0xe2 && i + 1 < r->len && s[i + 1] == 0x80)) {
			specc_buf b = SPECC_BUF_INIT;
			size_t start = i;
			while (i < r->len) {
				c = s[i];
				if (c == 0xe2 && i + 2 < r->len && s[i + 1] == 0x80 && s[i + 2] == 0x99 &&
				    i + 3 < r->len && word_byte(s[i + 3]) && s[i + 3] != 0xe2) {
					specc_buf_addch(&b, '\'');
					i += 3;
				} else if (c == 0xe2 && i + 1 < r->len && s[i + 1] == 0x80) {
					break; /* a typographic dash, quote or ellipsis */
				} else if (word_byte(c)) {
					specc_buf_addch(&b, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
					i++;
				} else if ((c == '\'' || c == '-' || c == '.') && i + 1 < r->len &&
					   word_byte(s[i + 1]) && s[i + 1] != 0xe2 && b.len) {
					specc_buf_addch(&b, (char)c);
					i++;
				} else {
					break;
				}
			}
			push(r, (struct tok){ (uint32_t)start, (uint32_t)i,
					      specc_arena_str(&r->out->arena, b.ptr, b.len), 0 });
			specc_buf_release(&b);
			continue;
		}
		if (c == ',' || c == ';' || c == ':' || c == '.' || c == '(' || c == ')' || c == '!' ||
		    c == '?')
			push(r, (struct tok){ (uint32_t)i, (uint32_t)i + 1, SPECC_STR_NULL, (char)c });
		else if ((c == '-' && i + 1 < r->len && s[i + 1] == '-') ||
			 (c == 0xe2 && i + 2 < r->len && s[i + 1] == 0x80 &&
			  (s[i + 2] == 0x94 || s[i + 2] == 0x93)))
			push(r, (struct tok){ (uint32_t)i, (uint32_t)i + 1, SPECC_STR_NULL, '-' });
		i++;
	}
}

static specc_str stem(struct reader *r, specc_str w)
{
	const sb_symbol *s = sb_stemmer_stem(r->stemmer, (const sb_symbol *)w.ptr, (int)w.len);
	if (!s)
		specc_die_oom();
	return specc_arena_str(&r->out->arena, (const char *)s, (size_t)sb_stemmer_length(r->stemmer));
}

static specc_str word(struct reader *r, uint32_t i)
{
	return i < r->n ? r->toks[i].w : SPECC_STR_NULL;
}

static bool is_word(struct reader *r, uint32_t i)
{
	return i < r->n && r->toks[i].punct == 0;
}

static bool wis(struct reader *r, uint32_t i, const char *s)
{
	return is_word(r, i) && is(r->toks[i].w, s);
}

static int cond_at(struct reader *r, uint32_t i, uint32_t *skip)
{
	*skip = 1;
	/* "even if", "even when": the rule holds regardless, so they are no
	 * condition (read_sentence marks the statements absolute). */
	if (i > 0 && wis(r, i - 1, "even") && (wis(r, i, "if") || wis(r, i, "when")))
		return SPECC_COND_NONE;
	if (wis(r, i, "if"))
		return SPECC_COND_IF;
	if (wis(r, i, "only") && wis(r, i + 1, "if")) {
		*skip = 2;
		return SPECC_COND_IF;
	}
	if (wis(r, i, "provided") && wis(r, i + 1, "that")) {
		*skip = 2;
		return SPECC_COND_IF;
	}
	if (wis(r, i, "as") && wis(r, i + 1, "long") && wis(r, i + 2, "as")) {
		*skip = 3;
		return SPECC_COND_IF;
	}
	if (wis(r, i, "when") || wis(r, i, "whenever"))
		return SPECC_COND_WHEN;
	if (wis(r, i, "unless"))
		return SPECC_COND_UNLESS;
	if (wis(r, i, "while"))
		return SPECC_COND_WHILE;
	if (wis(r, i, "except")) {
		if (wis(r, i + 1, "when") || wis(r, i + 1, "if") || wis(r, i + 1, "for") || wis(r, i + 1, "in") ||
		    wis(r, i + 1, "where"))
			*skip = 2;
		return SPECC_COND_EXCEPT;
	}
	if (wis(r, i, "other") && wis(r, i + 1, "than")) {
		*skip = 2;
		return SPECC_COND_EXCEPT;
	}
	return SPECC_COND_NONE;
}

/*
 * A modal reading at token i: returns its length in tokens (0 for none)
 * and sets *mod and *absolute.  Only readings that need a subject are
 * found here; imperatives are read at the start of the sentence.
 */
static uint32_t modal_at(struct reader *r, uint32_t i, int *mod, bool *absolute)
{
	specc_str w = word(r, i);
	bool neg_next = wis(r, i + 1, "not"), never_next = wis(r, i + 1, "never"),
	     always_next = wis(r, i + 1, "always");

	*absolute = never_next || always_next;
	if (!is_word(r, i))
		return 0;
	if (is(w, "must") || is(w, "shall")) {
		*mod = neg_next || never_next ? SPECC_MOD_MUST_NOT : SPECC_MOD_MUST;
		return neg_next || never_next || always_next ? 2 : 1;
	}
	if (is(w, "mustn't") || is(w, "shan't") || is(w, "cannot") || is(w, "can't") ||
	    is(w, "won't")) {
		*mod = SPECC_MOD_MUST_NOT;
		return 1;
	}
	if (is(w, "should")) {
		*mod = neg_next || never_next ? SPECC_MOD_SHOULD_NOT : SPECC_MOD_SHOULD;
		return neg_next || never_next || always_next ? 2 : 1;
	}
	if (is(w, "shouldn't")) {
		*mod = SPECC_MOD_SHOULD_NOT;
		return 1;
	}
	if (is(w, "may")) {
		*mod = neg_next || never_next ? SPECC_MOD_MUST_NOT : SPECC_MOD_MAY;
		return neg_next || never_next ? 2 : 1;
	}
	if ((is(w, "can") || is(w, "will")) && (neg_next || never_next)) {
		*mod = SPECC_MOD_MUST_NOT;
		return 2;
	}
	if ((is(w, "need") || is(w, "needs") || is(w, "has") || is(w, "have")) && wis(r, i + 1, "to")) {
		*mod = SPECC_MOD_MUST;
		return 2;
	}
	if (is(w, "is") || is(w, "are")) {
		uint32_t k = i + 1;
		bool neg = wis(r, k, "not") || wis(r, k, "never");
		if (neg)
			k++;
		*absolute = wis(r, i + 1, "never");
		if ((wis(r, k, "required") || wis(r, k, "obliged") || wis(r, k, "expected") ||
		     wis(r, k, "encouraged")) && wis(r, k + 1, "to") && !neg) {
			*mod = wis(r, k, "expected") || wis(r, k, "encouraged") ? SPECC_MOD_SHOULD : SPECC_MOD_MUST;
			return k + 2 - i;
		}
		if ((wis(r, k, "allowed") || wis(r, k, "permitted")) && wis(r, k + 1, "to")) {
			*mod = neg ? SPECC_MOD_MUST_NOT : SPECC_MOD_MAY;
			return k + 2 - i;
		}
		if ((wis(r, k, "prohibited") || wis(r, k, "forbidden") || wis(r, k, "barred")) &&
		    (wis(r, k + 1, "from") || wis(r, k + 1, "to")) && !neg) {
			*mod = SPECC_MOD_MUST_NOT;
			return k + 2 - i;
		}
		return 0;
	}
	/* "The assistant never shares ...", "it always cites ...",
	 * "the assistant does not provide ...": descriptive rules, read only
	 * after a subject such as "assistant". */
	if (i > 0 && is_word(r, i - 1) && in(actors, word(r, i - 1))) {
		if (is(w, "never") || is(w, "always")) {
			*mod = is(w, "never") ? SPECC_MOD_MUST_NOT : SPECC_MOD_MUST;
			*absolute = true;
			return 1;
		}
		if ((is(w, "does") || is(w, "do")) && neg_next) {
			*mod = SPECC_MOD_MUST_NOT;
			return 2;
		}
		if (is(w, "doesn't") || is(w, "don't")) {
			*mod = SPECC_MOD_MUST_NOT;
			return 1;
		}
	}
	return 0;
}

static uint32_t verb_after(struct reader *r, uint32_t i);

/* Where an object ends: punctuation, a condition, a coordinated clause.
 * A comma that goes on with a word continues a list ("detailed,
 * actionable steps"); the caller caps the object's length. */
static bool object_stop(struct reader *r, uint32_t i)
{
	uint32_t skip;
	int mod;
	bool abs;

	if (r->toks[i].punct == ',' && is_word(r, i + 1) && !object_stop(r, i + 1) &&
	    !wis(r, i + 1, "and") && !wis(r, i + 1, "or") && !wis(r, i + 1, "while") &&
	    !wis(r, i + 1, "which") && !wis(r, i + 1, "such") && !wis(r, i + 1, "particularly") &&
	    !wis(r, i + 1, "including") && !wis(r, i + 1, "e.g"))
		return false;
	if (!is_word(r, i))
		return true;
	if (cond_at(r, i, &skip) != SPECC_COND_NONE)
		return true;
	if (wis(r, i, "without") || wis(r, i, "but") || wis(r, i, "even") || wis(r, i, "because") ||
	    wis(r, i, "so") || wis(r, i, "since"))
		return true;
	if ((wis(r, i, "and") || wis(r, i, "or")) &&
	    (modal_at(r, i + 1, &mod, &abs) || in(imperative_verbs, word(r, verb_after(r, i + 1)))))
		return true;
	return modal_at(r, i, &mod, &abs) != 0;
}

/* Appends the words of tokens [a, b) to both buffers: as written, and
 * stemmed, skipping stopwords. */
static void content(struct reader *r, uint32_t a, uint32_t b, specc_buf *words, specc_buf *stems)
{
	for (uint32_t k = a; k < b && k < r->n; k++) {
		specc_str w = r->toks[k].w, st;
		if (!is_word(r, k) || in(stopwords, w))
			continue;
		if (w.len > 2 && w.ptr[w.len - 2] == '\'' && w.ptr[w.len - 1] == 's')
			w.len -= 2; /* "member's" reads as "member" */
		st = stem(r, w);
		specc_buf_addf(words, "%s%.*s", words->len ? " " : "", (int)w.len, w.ptr);
		specc_buf_addf(stems, "%s%.*s", stems->len ? " " : "", (int)st.len, st.ptr);
	}
}

static int64_t number_at(struct reader *r, uint32_t i, bool *ok)
{
	static const char *const small[] = { "zero", "one", "two", "three", "four", "five", "six",
					     "seven", "eight", "nine", "ten", "eleven", "twelve",
					     "thirteen", "fourteen", "fifteen", "sixteen",
					     "seventeen", "eighteen", "nineteen", "twenty", NULL };
	specc_str w = word(r, i);
	int64_t v = 0;

	*ok = false;
	if (!is_word(r, i) || !w.len)
		return 0;
	for (int k = 0; small[k]; k++)
		if (is(w, small[k])) {
			*ok = true;
			return k;
		}
	if (is(w, "thirty") || is(w, "forty") || is(w, "fifty") || is(w, "hundred") || is(w, "thousand")) {
		*ok = true;
		return is(w, "thirty") ? 30 : is(w, "forty") ? 40 : is(w, "fifty") ? 50
		       : is(w, "hundred") ? 100 : 1000;
	}
	for (size_t k = 0; k < w.len; k++) {
		if (w.ptr[k] == ',' || w.ptr[k] == '.')
			continue;
		if (w.ptr[k] < '0' || w.ptr[k] > '9' || v > (INT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (w.ptr[k] - '0');
	}
	*ok = true;
	return v;
}

/* "at most 100 words" and the like, from token i: the limit's kind (0
 * for none), with its value and unit. */
static int limit_at(struct reader *r, uint32_t i, int64_t *value, specc_str *unit)
{
	int kind = SPECC_LIMIT_NONE;
	uint32_t k = i;
	bool ok;

	if ((wis(r, i, "at") && wis(r, i + 1, "most")) || (wis(r, i, "no") && wis(r, i + 1, "more") &&
							   wis(r, i + 2, "than")) ||
	    (wis(r, i, "up") && wis(r, i + 1, "to")) || (wis(r, i, "fewer") && wis(r, i + 1, "than")) ||
	    (wis(r, i, "less") && wis(r, i + 1, "than")) || wis(r, i, "under") || wis(r, i, "maximum") ||
	    wis(r, i, "exceed") || wis(r, i, "exceeding"))
		kind = SPECC_LIMIT_AT_MOST;
	else if ((wis(r, i, "at") && wis(r, i + 1, "least")) ||
		 (wis(r, i, "no") && (wis(r, i + 1, "fewer") || wis(r, i + 1, "less")) && wis(r, i + 2, "than")) ||
		 (wis(r, i, "more") && wis(r, i + 1, "than")) || wis(r, i, "over") || wis(r, i, "minimum"))
		kind = SPECC_LIMIT_AT_LEAST;
	if (!kind)
		return 0;
	while (k < i + 4 && k < r->n && is_word(r, k)) {
		*value = number_at(r, k, &ok);
		if (ok && is_word(r, k + 1) && !in(stopwords, word(r, k + 1))) {
			*unit = stem(r, word(r, k + 1));
			return kind;
		}
		if (ok && wis(r, k + 1, "of") && is_word(r, k + 2)) {
			*unit = stem(r, word(r, k + 2));
			return kind;
		}
		k++;
	}
	return 0;
}

static void emit(struct reader *r, int mod, bool imperative, bool absolute, specc_str actor,
		 uint32_t verb, uint32_t stmt_start)
{
	specc_norm *n = SPECC_PUSH(r->out->items);
	specc_buf words = SPECC_BUF_INIT, stems = SPECC_BUF_INIT;
	uint32_t obj = verb + 1, end = obj;
	specc_str v = word(r, verb);

	memset(n, 0, sizeof *n);
	n->clause = r->clause;
	n->modality = (uint8_t)mod;
	n->imperative = imperative;
	n->absolute = absolute;
	n->actor = actor;
	n->verb = v;
	if (is(v, "be") && is_word(r, verb + 1)) {
		/* "must be honest": the state is the action. */
		specc_str st = stem(r, word(r, verb + 1));
		specc_buf b = SPECC_BUF_INIT;
		specc_buf_addf(&b, "be %.*s", (int)st.len, st.ptr);
		n->action = specc_arena_str(&r->out->arena, b.ptr, b.len);
		specc_buf_release(&b);
		obj = end = verb + 2;
	} else {
		n->action = stem(r, v);
	}
	/* Twelve words are enough to tell objects apart; a longer run is
	 * the sentence going on, not the object. */
	while (end < r->n && end < obj + 12 && !object_stop(r, end))
		end++;
	content(r, obj, end, &words, &stems);
	n->object = specc_arena_str(&r->out->arena, words.ptr ? words.ptr : "", words.len);
	n->object_stems = specc_arena_str(&r->out->arena, stems.ptr ? stems.ptr : "", stems.len);
	n->start = r->toks[stmt_start].start;
	n->end = end > 0 && end - 1 < r->n ? r->toks[end - 1].end : r->toks[verb].end;
	specc_buf_release(&words);
	specc_buf_release(&stems);
}

/* The verb after a modal: past adverbs ("should also politely decline"). */
static uint32_t verb_after(struct reader *r, uint32_t i)
{
	while (i < r->n && is_word(r, i) && in(adverbs, word(r, i)) && !wis(r, i, "try"))
		i++;
	/* "should try to ask": the verb is "ask". */
	if ((wis(r, i, "try") || wis(r, i, "attempt") || wis(r, i, "strive") || wis(r, i, "aim")) &&
	    wis(r, i + 1, "to"))
		i += 2;
	return i;
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
		if (wis(r, i, "and") || wis(r, i, "or") || wis(r, i, "but") || wis(r, i, "then"))
			return r->out->items.len > first ? r->out->items.items[r->out->items.len - 1].actor
							 : SPECC_STR_NULL;
		if (!in(adverbs, word(r, i)))
			return word(r, i);
	}
	return SPECC_STR_NULL;
}

/* More statements coordinated with the one that ended at token i: "should
 * decline X and suggest Y". */
static uint32_t coordinated(struct reader *r, uint32_t i, int mod, bool absolute, specc_str actor,
			    bool imperative)
{
	while (i < r->n && (wis(r, i, "and") || wis(r, i, "or") ||
			    (r->toks[i].punct == ',' && (wis(r, i + 1, "and") || wis(r, i + 1, "or"))))) {
		uint32_t v = verb_after(r, r->toks[i].punct ? i + 2 : i + 1);
		if (!is_word(r, v) || !in(imperative_verbs, word(r, v)) || is(word(r, v), "never") ||
		    is(word(r, v), "always"))
			break;
		emit(r, mod, imperative, absolute, actor, v, v);
		i = v + 1;
		while (i < r->n && !object_stop(r, i))
			i++;
	}
	return i;
}

/* The first condition of the sentence applies to its statements. */
static void conditions(struct reader *r, uint32_t first)
{
	uint32_t skip, start, end;
	int kind = SPECC_COND_NONE;

	for (uint32_t i = 0; i < r->n && !kind; i++)
		if ((kind = cond_at(r, i, &skip)) != SPECC_COND_NONE) {
			start = i + skip;
			end = start;
			while (end < r->n && r->toks[end].punct != ',' && r->toks[end].punct != ';' &&
			       r->toks[end].punct != '.' && r->toks[end].punct != '-')
				end++;
			specc_buf words = SPECC_BUF_INIT, stems = SPECC_BUF_INIT;
			content(r, start, end, &words, &stems);
			for (uint32_t k = first; k < r->out->items.len; k++) {
				specc_norm *n = &r->out->items.items[k];
				n->cond = (uint8_t)kind;
				n->condition = specc_arena_str(&r->out->arena, words.ptr ? words.ptr : "", words.len);
				n->condition_stems = specc_arena_str(&r->out->arena, stems.ptr ? stems.ptr : "",
								     stems.len);
			}
			specc_buf_release(&words);
			specc_buf_release(&stems);
		}
}

static void limits(struct reader *r, uint32_t first)
{
	for (uint32_t i = 0; i < r->n && first < r->out->items.len; i++) {
		int64_t value = 0;
		specc_str unit = SPECC_STR_NULL;
		int kind = limit_at(r, i, &value, &unit);
		specc_norm *n = &r->out->items.items[first];
		if (!kind)
			continue;
		/* The statement whose words hold the limit, else the first. */
		for (uint32_t k = first; k < r->out->items.len; k++)
			if (r->toks[i].start >= r->out->items.items[k].start &&
			    r->toks[i].start < r->out->items.items[k].end)
				n = &r->out->items.items[k];
		if (n->limit)
			continue;
		n->limit = (uint8_t)kind;
		n->limit_value = value;
		n->limit_unit = unit;
	}
}

static void read_sentence(struct reader *r)
{
	uint32_t first = r->out->items.len, i = 0;
	int mod;
	bool absolute;

	tokenize(r);
	/* A leading condition ("If X, the assistant ...") is skipped to its
	 * comma, so an imperative after it is still at the start. */
	{
		uint32_t skip;
		if (cond_at(r, 0, &skip) != SPECC_COND_NONE) {
			while (i < r->n && r->toks[i].punct != ',')
				i++;
			if (i < r->n)
				i++;
		}
	}
	if (wis(r, i, "please"))
		i++;
	/* Imperatives. */
	if (is_word(r, i)) {
		uint32_t v = SPECC_NONE;
		mod = SPECC_MOD_MUST;
		absolute = false;
		if ((wis(r, i, "do") && wis(r, i + 1, "not")) || wis(r, i, "don't")) {
			mod = SPECC_MOD_MUST_NOT;
			v = verb_after(r, i + (wis(r, i, "do") ? 2 : 1));
		} else if (wis(r, i, "never")) {
			mod = SPECC_MOD_MUST_NOT;
			absolute = true;
			v = verb_after(r, i + 1);
		} else if (wis(r, i, "always")) {
			absolute = true;
			v = verb_after(r, i + 1);
		} else if (wis(r, i, "avoid")) {
			mod = SPECC_MOD_SHOULD_NOT;
			v = verb_after(r, i + 1);
		} else if (wis(r, i, "refuse") && wis(r, i + 1, "to")) {
			mod = SPECC_MOD_MUST_NOT;
			v = verb_after(r, i + 2);
		} else if (in(imperative_verbs, word(r, i)) && !modal_at(r, i + 1, &mod, &absolute)) {
			mod = SPECC_MOD_MUST;
			absolute = false;
			v = i;
		}
		if (v != SPECC_NONE && is_word(r, v)) {
			uint32_t end;
			emit(r, mod, true, absolute, SPECC_STR_NULL, v, i);
			end = v + 1;
			while (end < r->n && !object_stop(r, end))
				end++;
			i = coordinated(r, end, mod, absolute, SPECC_STR_NULL, true);
		}
	}
	for (; i < r->n; i++) {
		uint32_t len = modal_at(r, i, &mod, &absolute), v, end;
		specc_str actor;
		if (!len)
			continue;
		v = verb_after(r, i + len);
		if (!is_word(r, v) || in(not_verbs, word(r, v)))
			continue;
		actor = actor_before(r, i, first);
		emit(r, mod, false, absolute, actor, v, i);
		end = v + 1;
		while (end < r->n && !object_stop(r, end))
			end++;
		i = coordinated(r, end, mod, absolute, actor, false);
		if (i > 0)
			i--;
	}
	conditions(r, first);
	limits(r, first);
	/* Words that make a rule hold in every case. */
	for (uint32_t k = 0; k < r->n; k++)
		if ((wis(r, k, "even") && (wis(r, k + 1, "if") || wis(r, k + 1, "when"))) ||
		    wis(r, k, "regardless") || (wis(r, k, "under") && wis(r, k + 1, "no") &&
						 wis(r, k + 2, "circumstances")) ||
		    (wis(r, k, "at") && wis(r, k + 1, "all") && wis(r, k + 2, "times")))
			for (uint32_t j = first; j < r->out->items.len; j++)
				r->out->items.items[j].absolute = true;
}

void specc_norms_read(specc_norms *out, uint32_t clause, const char *text, size_t len)
{
	struct reader r = { 0 };

	r.out = out;
	r.clause = clause;
	r.text = text;
	r.len = len;
	r.stemmer = sb_stemmer_new("english", NULL);
	if (!r.stemmer)
		specc_die_oom();
	read_sentence(&r);
	sb_stemmer_delete(r.stemmer);
	free(r.toks);
}

void specc_norms_init(specc_norms *n)
{
	memset(n, 0, sizeof *n);
	specc_arena_init(&n->arena);
}

void specc_norms_extract(specc_norms *out, const specc_project *p)
{
	struct reader r = { 0 };

	specc_norms_init(out);
	r.out = out;
	r.stemmer = sb_stemmer_new("english", NULL);
	if (!r.stemmer)
		specc_die_oom();
	for (uint32_t c = 0; c < p->clauses.len; c++) {
		const specc_clause *cl = &p->clauses.items[c];
		r.clause = c;
		r.text = cl->text.ptr ? cl->text.ptr : "";
		r.len = cl->text.len;
		r.n = 0;
		read_sentence(&r);
	}
	sb_stemmer_delete(r.stemmer);
	free(r.toks);
}

void specc_norms_release(specc_norms *n)
{
	SPECC_TABLE_FREE(n->items);
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

const char *specc_cond_name(int k)
{
	static const char *const names[] = { "", "if", "when", "unless", "while", "except" };
	return k >= 0 && k < 6 ? names[k] : "";
}
