/*
 * token.c - prose to normalised tokens, with a per-run word cache.
 *
 * Every word of every spec passes through here, so the common case (an
 * ASCII word already seen) costs one pass over its bytes and one probe of
 * an open-addressed table: the word is lowercased and hashed in the same
 * loop.  Stemming and the lookup in the rules' alphabets happen once per
 * distinct word form.
 */
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

#include "specc/utf8.h"
#include "internal.h"

/* Keys of up to 16 bytes (nearly every word) are kept inline, zero
 * padded, and compared as two 64-bit words; a slot is 32 bytes, two to a
 * cache line.  Longer keys sit in c->longkey at the slot's index. */
struct specc_lex_slot {
	union {
		char inl[16];
		uint64_t q[2];
	} k;
	uint32_t hash, stem, form;
	uint16_t flags;
	uint8_t len;             /* 0 for an empty slot */
	uint8_t spare;
};

void specc_lexcache_init(specc_lexcache *c, const specc_ruleset *rs)
{
	memset(c, 0, sizeof *c);
	c->rs = rs;
	specc_arena_init(&c->keys);
	specc_buf_init(&c->scratch);
}

void specc_lexcache_release(specc_lexcache *c)
{
	free(c->slots);
	free(c->longkey);
	specc_arena_release(&c->keys);
	specc_buf_release(&c->scratch);
}

specc_str specc_stem(const specc_ruleset *rs, const char *w, size_t n)
{
	struct sb_stemmer *st = rs->stemmer;
	const sb_symbol *s = sb_stemmer_stem(st, (const sb_symbol *)w, (int)n);

	if (!s)
		return specc_str_make(w, n);
	return specc_str_make((const char *)s, (size_t)sb_stemmer_length(st));
}

static void grow(specc_lexcache *c)
{
	uint32_t cap = c->cap ? c->cap * 2 : 4096;
	struct specc_lex_slot *slots = specc_xcalloc(cap, sizeof *slots);
	const char **longkey = specc_xcalloc(cap, sizeof *longkey);

	for (uint32_t i = 0; i < c->cap; i++) {
		struct specc_lex_slot *o = &c->slots[i];
		if (!o->len)
			continue;
		uint32_t j = o->hash & (cap - 1);
		while (slots[j].len)
			j = (j + 1) & (cap - 1);
		slots[j] = *o;
		longkey[j] = c->longkey[i];
	}
	free(c->slots);
	free(c->longkey);
	c->slots = slots;
	c->longkey = longkey;
	c->cap = cap;
}

/*
 * Whether folded word w may start a defined term (terms are given in lower
 * case as written, such as "end user"): its letters spell the term, the
 * term with a plural ending, the term's first words (up to a space or
 * hyphen in it), or, for words of four letters or more, the start of a
 * term whose rest is three letters or more ("data" of "dataset").
 */
static bool starts_term(const specc_lexcache *c, const char *w, uint32_t n)
{
	char buf[64], key[64];
	uint32_t k = 0;

	for (uint32_t i = 0; i < n && k < sizeof buf; i++) {
		unsigned char ch = (unsigned char)w[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80)
			buf[k++] = (char)ch;
	}
	if (!k)
		return false;
	for (uint32_t t = 0; t < c->nterms; t++) {
		const char *term = c->terms[t];
		uint32_t kl = 0;
		bool boundary = false;
		for (const char *q = term; *q && kl < sizeof key; q++) {
			unsigned char ch = (unsigned char)*q;
			if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80)
				key[kl++] = (char)ch;
			else if (kl == k && (ch == ' ' || ch == '-'))
				boundary = true;
		}
		if (k > kl) {
			if (!memcmp(buf, key, kl) && ((k == kl + 1 && buf[kl] == 's') ||
						      (k == kl + 2 && buf[kl] == 'e' && buf[kl + 1] == 's')))
				return true;
			continue;
		}
		if (memcmp(buf, key, k))
			continue;
		if (k == kl || boundary || (k >= 4 && kl - k >= 3))
			return true;
	}
	return false;
}

/* FNV-1a, computed the same way inline by the tokenizer's fast path. */
static uint32_t fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Symbols of the folded word w (hash h). */
/* Symbols of folded word w[0, n) with hash h.  padded: w has 16 readable
 * bytes, zero after the word, so the inline key is two plain loads. */
static void lookup_key(specc_lexcache *c, const char *w, uint32_t n, uint32_t h, bool padded,
		       specc_tok *t)
{
	union {
		char inl[16];
		uint64_t q[2];
	} k = { { 0 } };

	if (n == 0 || n > 255) { /* never cached (no rule word is this long) */
		uint32_t v = specc_map_get(&c->rs->stems, specc_str_make(w, n));
		t->stem = v == SPECC_NONE ? 0 : v;
		v = specc_map_get(&c->rs->forms, specc_str_make(w, n));
		t->form = v == SPECC_NONE ? 0 : v;
		return;
	}
	if (c->len * 2 >= c->cap)
		grow(c);
	if (n == 16 || (n < 16 && padded)) {
		memcpy(&k.q[0], w, 8); /* constant sizes: two loads */
		memcpy(&k.q[1], w + 8, 8);
	} else if (n < 16) {
		memcpy(k.inl, w, n);
	}
	uint32_t j = h & (c->cap - 1);
	for (;;) {
		struct specc_lex_slot *s = &c->slots[j];
		if (!s->len)
			break;
		if (s->hash == h && s->len == n &&
		    (n <= 16 ? s->k.q[0] == k.q[0] && s->k.q[1] == k.q[1]
			     : !memcmp(c->longkey[j], w, n))) {
			t->stem = s->stem;
			t->form = s->form;
			t->flags |= s->flags;
			return;
		}
		j = (j + 1) & (c->cap - 1);
	}
	struct specc_lex_slot *s = &c->slots[j];
	uint32_t v;
	if (n > 16)
		c->longkey[j] = specc_arena_strndup(&c->keys, w, n);
	memcpy(s->k.inl, k.inl, sizeof k.inl);
	s->len = (uint8_t)n;
	s->hash = h;
	v = specc_map_get(&c->rs->stems, specc_str_make(w, n));
	s->stem = v == SPECC_NONE ? 0 : v;
	v = specc_map_get(&c->rs->forms, specc_str_make(w, n));
	s->form = v == SPECC_NONE ? 0 : v;
	s->flags = (uint16_t)(c->nterms && starts_term(c, w, n) ? SPECC_TOK_TERM : 0);
	c->len++;
	t->stem = s->stem;
	t->form = s->form;
	t->flags |= s->flags;
}

static void lookup(specc_lexcache *c, const char *w, uint32_t n, uint32_t h, specc_tok *t)
{
	lookup_key(c, w, n, h, false, t);
}

static bool is_word_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch >= 0x80;
}

/* The code point at s (n bytes left) and its length; invalid bytes read
 * as U+FFFD of length 1 (prose was vetted, so this is only defensive). */
static size_t cp_at(const char *s, size_t n, uint32_t *cp)
{
	size_t k = specc_utf8_decode(s, n, cp);
	if (!k) {
		*cp = 0xFFFD;
		k = 1;
	}
	return k;
}

/* Whether a non-ASCII code point separates words (spaces, dashes,
 * quotation marks, ellipses) rather than being part of one. */
static bool is_separator_cp(uint32_t cp)
{
	return (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x00A0 && cp <= 0x00BF) ||
	       cp == 0x00D7 || cp == 0x00F7 || (cp >= 0x3000 && cp <= 0x303F) || cp == 0xFEFF;
}

static bool is_apostrophe_at(const char *s, size_t n, size_t i)
{
	if (s[i] == '\'')
		return true;
	return i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
	       (unsigned char)s[i + 2] == 0x99;
}

void specc_tok_fold(const char *text, const specc_tok *t, specc_buf *b)
{
	specc_buf_reset(b);
	for (uint32_t i = t->a; i < t->b; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch >= 'A' && ch <= 'Z') {
			specc_buf_addch(b, ch + 32);
		} else if (ch < 0x80) {
			specc_buf_addch(b, ch);
		} else if (is_apostrophe_at(text, t->b, i)) {
			specc_buf_addch(b, '\'');
			i += 2;
		} else {
			uint32_t cp;
			size_t k = cp_at(text + i, t->b - i, &cp);
			specc_buf_add(b, text + i, k);
			i += (uint32_t)k - 1;
		}
	}
}

static specc_tok *push(specc_toks *out, uint32_t a, uint32_t b, uint32_t flags)
{
	if (out->len == out->cap)
		specc_grow((void **)&out->items, sizeof *out->items, (size_t)out->len + 1, &out->cap);
	specc_tok *t = &out->items[out->len++];
	t->a = a;
	t->b = b;
	t->stem = t->form = 0;
	t->flags = flags;
	return t;
}

/* Symbols for a word token: folded and hashed in one loop for ASCII. */
static void word_symbols(specc_lexcache *c, const char *text, specc_tok *t)
{
	char small[64];
	uint32_t n = t->b - t->a, h = 2166136261u;
	bool ascii = n <= sizeof small;

	for (uint32_t i = 0; ascii && i < n; i++) {
		unsigned char ch = (unsigned char)text[t->a + i];
		if (ch >= 0x80) {
			ascii = false;
			break;
		}
		if (ch >= 'A' && ch <= 'Z')
			ch += 32;
		small[i] = (char)ch;
		h = (h ^ ch) * 16777619u;
	}
	if (ascii) {
		lookup(c, small, n, h, t);
		return;
	}
	specc_tok_fold(text, t, &c->scratch);
	h = fnv(c->scratch.ptr, c->scratch.len);
	lookup(c, c->scratch.ptr, (uint32_t)c->scratch.len, h, t);
}

/* Splits "don't" into "do" + "not" (and "can't" into "can" + "not",
 * "won't" into "will" + "not"): rules then write negations one way. */
static bool split_nt(const char *s, specc_tok *t, uint32_t *base_b, const char **irregular)
{
	uint32_t a = t->a, b = t->b, k;

	*irregular = NULL;
	if (b - a < 4 || (s[b - 1] != 't' && s[b - 1] != 'T'))
		return false;
	if (s[b - 2] == '\'')
		k = b - 2;
	else if (b - a >= 6 && (unsigned char)s[b - 4] == 0xE2 && (unsigned char)s[b - 3] == 0x80 &&
		 (unsigned char)s[b - 2] == 0x99)
		k = b - 4;
	else
		return false;
	if (s[k - 1] != 'n' && s[k - 1] != 'N')
		return false;
	*base_b = k - 1;
	size_t bl = k - 1 - a;
	if (bl == 2 && (s[a] == 'c' || s[a] == 'C') && (s[a + 1] == 'a' || s[a + 1] == 'A'))
		*irregular = "can"; /* can't */
	else if (bl == 2 && (s[a] == 'w' || s[a] == 'W') && (s[a + 1] == 'o' || s[a + 1] == 'O'))
		*irregular = "will"; /* won't */
	else if (bl == 3 && (s[a] == 's' || s[a] == 'S') && (s[a + 1] == 'h' || s[a + 1] == 'H'))
		*irregular = "shall"; /* shan't */
	return bl > 0;
}

/* Adds a word token; folded (with hash h) is its folded form when the
 * caller computed it while scanning, or NULL. */
static void add_word(specc_lexcache *c, const char *s, uint32_t a, uint32_t b, uint32_t flags,
		     specc_toks *out, const char *folded, uint32_t h)
{
	specc_tok *t = push(out, a, b, flags | SPECC_TOK_WORD);
	unsigned char f = (unsigned char)s[a];
	uint32_t base_b;
	const char *irr;

	if (f >= '0' && f <= '9') {
		t->flags |= SPECC_TOK_NUM;
		if (c) {
			t->stem = c->rs->num_stem;
			t->form = c->rs->num_form;
			return;
		}
	}
	else if (f >= 'A' && f <= 'Z')
		t->flags |= SPECC_TOK_CAP;
	else if (f >= 'a' && f <= 'z')
		t->flags |= SPECC_TOK_LOWER;
	else if (f >= 0x80)
		t->flags |= SPECC_TOK_LOWER; /* good enough for sentence splitting */
	if (split_nt(s, t, &base_b, &irr)) {
		t->b = base_b;
		if (c) {
			if (irr) {
				specc_tok tmp = *t;
				lookup(c, irr, (uint32_t)strlen(irr), fnv(irr, strlen(irr)), &tmp);
				out->items[out->len - 1].stem = tmp.stem;
				out->items[out->len - 1].form = tmp.form;
			} else {
				word_symbols(c, s, &out->items[out->len - 1]);
			}
		}
		specc_tok *n = push(out, b, b, SPECC_TOK_WORD | SPECC_TOK_LOWER |
						       (flags & SPECC_TOK_QUOTED));
		if (c)
			lookup(c, "not", 3, fnv("not", 3), n);
		return;
	}
	if (c && folded)
		lookup_key(c, folded, b - a, h, true, t);
	else if (c)
		word_symbols(c, s, t);
}

/* Quotation marks: 0 none, 1 straight double, 2 opening curly double,
 * 3 closing curly double, 4 opening curly single. */
static int quote_at(const char *s, size_t n, size_t i, size_t *len)
{
	unsigned char ch = (unsigned char)s[i];
	*len = 1;
	if (ch == '"')
		return 1;
	if (ch == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80) {
		*len = 3;
		switch ((unsigned char)s[i + 2]) {
		case 0x9C: return 2;
		case 0x9D: return 3;
		case 0x98: return 4;
		}
	}
	return 0;
}

void specc_tokenize(const char *s, size_t n, specc_lexcache *c, specc_toks *out)
{
	size_t i = 0;
	uint32_t quoted = 0, first = out->len, quote_tok = 0, joined = 0, paren = 0;
	int depth = 0;
	bool in_quote = false, single = false;

	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		size_t ql;
		int q;

		if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
			i++;
			continue;
		}
		if (ch == '[' && i + 2 < n && s[i + 1] == '^') {
			/* A footnote-style eval anchor [^id]: a marker, not words. */
			size_t e = i + 2;
			while (e < n && e - i < 80 && s[e] != ']' && s[e] != ' ' && s[e] != '\n')
				e++;
			if (e < n && s[e] == ']') {
				push(out, (uint32_t)i, (uint32_t)(e + 1), SPECC_TOK_CODE | quoted);
				i = e + 1;
				continue;
			}
		}
		if (ch == 0x01) { /* a masked code span */
			size_t a = i;
			while (i < n && s[i] == 0x01)
				i++;
			push(out, (uint32_t)a, (uint32_t)i, SPECC_TOK_CODE | quoted);
			continue;
		}
		if ((q = quote_at(s, n, i, &ql)) != 0) {
			bool before_word = i > 0 && is_word_byte((unsigned char)s[i - 1]);
			if (q == 1)
				in_quote = !in_quote;
			else if (q == 2)
				in_quote = true;
			else if (q == 3)
				in_quote = false;
			else if (q == 4 && !before_word && !in_quote)
				in_quote = single = true;
			if (in_quote && !quoted) {
				quote_tok = out->len;
				quoted = SPECC_TOK_QUOTED;
			} else if (!in_quote) {
				quoted = 0;
				single = false;
			}
			push(out, (uint32_t)i, (uint32_t)(i + ql),
			     SPECC_TOK_PUNCT | SPECC_TOK_CLOSER);
			i += ql;
			continue;
		}
		if (single && is_apostrophe_at(s, n, i)) {
			size_t al = s[i] == '\'' ? 1 : 3;
			if (!(i + al < n && is_word_byte((unsigned char)s[i + al]))) {
				/* the closing ’ of a ‘single quotation’ */
				in_quote = single = false;
				quoted = 0;
				push(out, (uint32_t)i, (uint32_t)(i + al),
				     SPECC_TOK_PUNCT | SPECC_TOK_CLOSER);
				i += al;
				continue;
			}
		}
		if (is_word_byte(ch)) {
			size_t a = i;
			uint32_t cp;
			/* A URL is one token, up to the next space. */
			if (i + 3 < n && (ch == 'h' || ch == 'w')) {
				size_t e = i;
				while (e < n && e - i < 12 && ((s[e] >= 'a' && s[e] <= 'z')))
					e++;
				if ((e + 2 < n && s[e] == ':' && s[e + 1] == '/' && s[e + 2] == '/') ||
				    (e - i == 3 && s[e] == '.' && !memcmp(s + i, "www", 3))) {
					while (i < n && s[i] != ' ' && s[i] != '\n' && s[i] != '\t' &&
					       s[i] != ')' && s[i] != '>')
						i++;
					push(out, (uint32_t)a, (uint32_t)i, SPECC_TOK_URL | quoted);
					continue;
				}
			}
			if (ch >= '0' && ch <= '9') {
				/* 1,000 and 3.5 are one number. */
				while (i < n) {
					unsigned char d = (unsigned char)s[i];
					if ((d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') ||
					    (d >= 'A' && d <= 'Z'))
						i++;
					else if ((d == '.' || d == ',') && i + 1 < n && s[i + 1] >= '0' &&
						 s[i + 1] <= '9')
						i++;
					else
						break;
				}
				add_word(c, s, (uint32_t)a, (uint32_t)i, quoted, out, NULL, 0);
				continue;
			}
			/* The common case, an ASCII word: fold and hash it
			 * while finding its end. */
			{
				char fold[64];
				uint32_t h = 2166136261u, k = 0;
				size_t e = i;
				while (e < n && k < sizeof fold) {
					unsigned char d = (unsigned char)s[e];
					if (d >= 'A' && d <= 'Z')
						d = (unsigned char)(d + 32);
					else if (!((d >= 'a' && d <= 'z') || (d >= '0' && d <= '9')))
						break;
					fold[k++] = (char)d;
					h = (h ^ d) * 16777619u;
					e++;
				}
				unsigned char d = e < n ? (unsigned char)s[e] : ' ';
				if (k < sizeof fold && d < 0x80 && d != '\'') {
					if (k < 16)
						memset(fold + k, 0, 16 - k);
					i = e;
					add_word(c, s, (uint32_t)a, (uint32_t)i, quoted | joined | paren, out, fold, h);
					joined = 0;
					if (i + 1 < n && s[i] == '-' && is_word_byte((unsigned char)s[i + 1])) {
						i++;
						joined = SPECC_TOK_JOINED;
					}
					continue;
				}
			}
			while (i < n) {
				unsigned char d = (unsigned char)s[i];
				if (d < 0x80) {
					if ((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') ||
					    (d >= '0' && d <= '9')) {
						i++;
						continue;
					}
					if (d == '\'' && i + 1 < n && is_word_byte((unsigned char)s[i + 1]) &&
					    !single) {
						i++;
						continue;
					}
					break;
				}
				if (is_apostrophe_at(s, n, i) && i + 3 < n &&
				    is_word_byte((unsigned char)s[i + 3])) {
					i += 3;
					continue;
				}
				size_t k = cp_at(s + i, n - i, &cp);
				if (is_separator_cp(cp))
					break;
				i += k;
			}
			if (i == a) { /* a lone separator-like byte */
				size_t k = cp_at(s + i, n - i, &cp);
				push(out, (uint32_t)i, (uint32_t)(i + k), SPECC_TOK_PUNCT | quoted);
				i += k;
				continue;
			}
			add_word(c, s, (uint32_t)a, (uint32_t)i, quoted | joined | paren, out, NULL, 0);
			joined = 0;
			/* A hyphen joining two words is no token: "user-friendly"
			 * and "user friendly" read the same. */
			if (i + 1 < n && s[i] == '-' && is_word_byte((unsigned char)s[i + 1])) {
				i++;
				joined = SPECC_TOK_JOINED;
			}
			continue;
		}
		/* Punctuation: one token per character. */
		if (ch == '(') {
			depth++;
			paren = SPECC_TOK_PAREN;
		} else if (ch == ')' && depth > 0 && --depth == 0) {
			paren = 0;
		}
		uint32_t cp;
		size_t k = ch < 0x80 ? 1 : cp_at(s + i, n - i, &cp);
		uint32_t fl = SPECC_TOK_PUNCT | quoted;
		if (ch == '.' || ch == '?' || ch == '!')
			fl |= SPECC_TOK_END;
		else if (ch == ')' || ch == ']' || ch == '\'' || ch == '*' || ch == '_')
			fl |= SPECC_TOK_CLOSER;
		specc_tok *t = push(out, (uint32_t)i, (uint32_t)(i + k), fl);
		if (c && k == 1 && ch != '*' && ch != '_') {
			char one = (char)ch;
			lookup(c, &one, 1, fnv(&one, 1), t);
		}
		i += k;
	}
	/* An unclosed parenthesis is a typo more often than an aside that
	 * runs to the end. */
	if (depth > 0)
		for (uint32_t j = out->len; j-- > first;) {
			if (out->items[j].b - out->items[j].a == 1 && s[out->items[j].a] == '(') {
				for (uint32_t k = j; k < out->len; k++)
					out->items[k].flags &= ~(uint32_t)SPECC_TOK_PAREN;
				break;
			}
		}
	/* A quotation never closed is more likely a stray mark than a quote
	 * running to the end: read the rest as prose. */
	if (in_quote)
		for (uint32_t j = quote_tok; j < out->len; j++)
			out->items[j].flags &= ~(uint32_t)SPECC_TOK_QUOTED;
}
