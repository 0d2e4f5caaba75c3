/*
 * wordnet.c - antonymous verbs from WordNet's data files (Debian's
 * wordnet-base), for conflict detection.
 *
 * data.verb holds one synset a line: "offset lex_filenum v w_cnt word lex_id
 * ... p_cnt ptr...", where an antonym pointer is "! target_offset v SSTT":
 * word SS of this synset is the antonym of word TT of the synset at byte
 * target_offset.  Only single-word lemmas are kept (a clause's action is
 * one verb), by their Snowball stems, since actions are compared by stem.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specc/buf.h"
#include "internal.h"
#include "norm-words.h"

/* The words of the synset line at offset in data, into out (pointers
 * into data, ended by a space); returns their count. */
static uint32_t synset_words(const char *data, size_t len, size_t offset, const char **out,
			     uint32_t *lens, uint32_t max)
{
	const char *p = data + offset, *end = data + len, *q;
	unsigned long cnt;
	uint32_t n = 0;

	if (offset >= len)
		return 0;
	/* offset, lex_filenum, ss_type */
	for (int f = 0; f < 3; f++) {
		q = memchr(p, ' ', (size_t)(end - p));
		if (!q)
			return 0;
		p = q + 1;
	}
	cnt = strtoul(p, NULL, 16);
	q = memchr(p, ' ', (size_t)(end - p));
	if (!q)
		return 0;
	p = q + 1;
	for (unsigned long i = 0; i < cnt && n < max; i++) {
		q = memchr(p, ' ', (size_t)(end - p));
		if (!q)
			return n;
		out[n] = p;
		lens[n++] = (uint32_t)(q - p);
		p = q + 1;
		q = memchr(p, ' ', (size_t)(end - p)); /* lex_id */
		if (!q)
			return n;
		p = q + 1;
	}
	return n;
}

static void add(specc_antonyms *a, struct sb_stemmer *st, const char *w, uint32_t wl, const char *v,
		uint32_t vl)
{
	const sb_symbol *s;
	specc_str sw, sv;

	if (memchr(w, '_', wl) || memchr(v, '_', vl) || memchr(w, '-', wl) || memchr(v, '-', vl))
		return;
	s = sb_stemmer_stem(st, (const sb_symbol *)w, (int)wl);
	if (!s)
		specc_die_oom();
	sw = specc_arena_str(&a->arena, (const char *)s, (size_t)sb_stemmer_length(st));
	s = sb_stemmer_stem(st, (const sb_symbol *)v, (int)vl);
	if (!s)
		specc_die_oom();
	sv = specc_arena_str(&a->arena, (const char *)s, (size_t)sb_stemmer_length(st));
	specc_antonyms_add(a, sw, sv);
}

int specc_antonyms_load_wordnet(specc_antonyms *a, const char *path)
{
	FILE *f = fopen(path, "rb");
	specc_buf data = SPECC_BUF_INIT;
	char chunk[65536];
	size_t got;
	struct sb_stemmer *st;
	int rc = SPECC_OK;

	if (!f)
		return SPECC_EIO;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		specc_buf_add(&data, chunk, got);
	if (ferror(f))
		rc = SPECC_EIO;
	fclose(f);
	st = sb_stemmer_new("english", NULL);
	if (!st)
		specc_die_oom();
	for (size_t pos = 0; rc == SPECC_OK && pos < data.len;) {
		const char *line = data.ptr + pos, *nl = memchr(line, '\n', data.len - pos);
		size_t llen = nl ? (size_t)(nl - line) : data.len - pos;
		const char *words[64], *p, *e = line + llen;
		uint32_t lens[64], n;

		pos += llen + 1;
		/* The licence header lines start with spaces. */
		if (llen == 0 || line[0] == ' ')
			continue;
		n = synset_words(data.ptr, data.len, (size_t)(line - data.ptr), words, lens, 64);
		/* Antonym pointers anywhere in the line: " ! OFFSET v SSTT". */
		for (p = line; (p = memmem(p, (size_t)(e - p), " ! ", 3)) != NULL; p += 3) {
			char *after;
			unsigned long off = strtoul(p + 3, &after, 10), st_hex;
			const char *twords[64];
			uint32_t tlens[64], tn, src, dst;
			if (after == p + 3 || after + 8 > e || strncmp(after, " v ", 3))
				continue;
			st_hex = strtoul(after + 3, NULL, 16);
			src = (uint32_t)(st_hex >> 8);
			dst = (uint32_t)(st_hex & 0xff);
			tn = synset_words(data.ptr, data.len, off, twords, tlens, 64);
			if (src >= 1 && src <= n && dst >= 1 && dst <= tn)
				add(a, st, words[src - 1], lens[src - 1], twords[dst - 1], tlens[dst - 1]);
		}
	}
	sb_stemmer_delete(st);
	specc_buf_release(&data);
	return rc;
}

void specc_antonyms_init(specc_antonyms *a)
{
	memset(a, 0, sizeof *a);
	specc_arena_init(&a->arena);
}

void specc_antonyms_release(specc_antonyms *a)
{
	specc_map_release(&a->index);
	SPECC_TABLE_FREE(a->edges);
	SPECC_TABLE_FREE(a->heads);
	specc_arena_release(&a->arena);
}

static uint32_t node(specc_antonyms *a, specc_str w)
{
	uint32_t g = specc_map_get(&a->index, w);
	if (g == SPECC_NONE) {
		g = a->heads.len;
		*SPECC_PUSH(a->heads) = SPECC_NONE;
		specc_map_put(&a->index, w, g, NULL);
	}
	return g;
}

static void edge(specc_antonyms *a, uint32_t from, specc_str to)
{
	for (uint32_t e = a->heads.items[from]; e != SPECC_NONE; e = a->edges.items[e].next)
		if (a->edges.items[e].word.len == to.len && !memcmp(a->edges.items[e].word.ptr, to.ptr, to.len))
			return;
	specc_antonym_edge *x = SPECC_PUSH(a->edges);
	x->word = to;
	x->next = a->heads.items[from];
	a->heads.items[from] = a->edges.len - 1;
}

void specc_antonyms_add(specc_antonyms *a, specc_str x, specc_str y)
{
	/* Actions are read as the verb their synonyms stand for. */
	x = norm_canon(x);
	y = norm_canon(y);
	if (x.len == y.len && !memcmp(x.ptr, y.ptr, x.len))
		return;
	uint32_t gx = node(a, x), gy = node(a, y);
	edge(a, gx, y);
	edge(a, gy, x);
}

uint32_t specc_antonyms_first(const specc_antonyms *a, specc_str w)
{
	uint32_t g = specc_map_get(&a->index, w);
	return g == SPECC_NONE ? SPECC_NONE : a->heads.items[g];
}

bool specc_antonyms_are(const specc_antonyms *a, specc_str x, specc_str y)
{
	for (uint32_t e = specc_antonyms_first(a, x); e != SPECC_NONE; e = a->edges.items[e].next)
		if (a->edges.items[e].word.len == y.len && !memcmp(a->edges.items[e].word.ptr, y.ptr, y.len))
			return true;
	return false;
}
