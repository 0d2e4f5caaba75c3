/*
 * markdown.c - spec and eval files to IR, driving md4c.
 *
 * md4c hands us text chunks whose pointers point into the input, which is
 * how every IR node gets an exact byte span.  Two things md4c does not
 * know are handled around it:
 *
 *  - "!!! kind \"Title\"" admonitions: their 4-space indented bodies would
 *    be code blocks to CommonMark.  A line pre-scan (which tracks fences,
 *    so a "!!!" inside a code block stays code) cuts the file into regions;
 *    admonition bodies are parsed from a dedented copy whose pointers map
 *    back to source offsets through a per-line table.
 *  - heading attribute lists, read from the raw heading line (attrs.c).
 */
#include <md4c.h>
#include <stdlib.h>
#include <string.h>

#include "specc/codes.h"
#include "internal.h"

struct md {
	specc_project *p;
	uint32_t file;
	const specc_source *src;
	bool eval;
	uint32_t spec;           /* spec index, or eval file index when eval */

	/* The dedented copy being parsed, if any, and its line map. */
	const char *copy;
	size_t copy_len;
	SPECC_TABLE(uint32_t) cl_copy;
	SPECC_TABLE(uint32_t) cl_src;
	uint32_t last_off;       /* last offset seen, for chunks with no pointer */

	/* Sections: the innermost open section per heading level. */
	uint32_t open[7];
	uint32_t section;        /* the section text belongs to */
	bool in_heading;
	unsigned heading_level;
	uint32_t heading_xrefs;  /* first xref written in the current heading */

	/* The current run of inline text and the source offset of each byte. */
	specc_buf plain;
	SPECC_TABLE(uint32_t) offs;
	specc_buf is_code;       /* 1 in a code span, 2 in the text of a link to a section */
	uint32_t link_xref;      /* xref whose link text is being read */
	bool link_href_found;    /* its href pointed into the source */
	size_t link_start;

	/* Fenced and indented code blocks. */
	bool in_code;
	specc_str code_lang;
	const char *code_first, *code_end;

	/* "**Example**: title" waiting for its conversation. */
	bool pending;
	specc_str pending_title;
	specc_span pending_span;
	uint32_t leaf_seq;       /* counts leaf blocks */
	uint32_t conv_seq;       /* leaf_seq of the last conversation block */
	uint32_t last_conv_index;

	bool header_done;        /* eval files: the header paragraph was read */

	/* Block context, for the kind of prose a run is. */
	unsigned lists, quotes, cells;
};

/* ---- offsets ------------------------------------------------------------ */

static uint32_t off_of(struct md *m, const char *ptr)
{
	const char *data = m->src->data;

	if (ptr >= data && ptr <= data + m->src->len)
		return m->last_off = (uint32_t)(ptr - data);
	if (m->copy && ptr >= m->copy && ptr <= m->copy + m->copy_len) {
		uint32_t at = (uint32_t)(ptr - m->copy), lo = 0, hi = m->cl_copy.len;
		while (hi - lo > 1) {
			uint32_t mid = (lo + hi) / 2;
			if (m->cl_copy.items[mid] <= at)
				lo = mid;
			else
				hi = mid;
		}
		return m->last_off = m->cl_src.items[lo] + (at - m->cl_copy.items[lo]);
	}
	/* md4c passes constant strings for some synthesized text. */
	return m->last_off;
}

static uint32_t map_cb(void *ctx, const char *p)
{
	return off_of(ctx, p);
}

static specc_span span(struct md *m, uint32_t a, uint32_t b)
{
	return specc_span_make(m->file, a, b < a ? a : b);
}

static void keep_prose(struct md *m, size_t a, size_t b, specc_prose_kind kind);

/* ---- sections ----------------------------------------------------------- */

static void close_sections(struct md *m, unsigned level, uint32_t at)
{
	for (unsigned l = level; l <= 6; l++) {
		if (m->open[l] != SPECC_NONE) {
			m->p->sections.items[m->open[l]].end = at;
			m->open[l] = SPECC_NONE;
		}
	}
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Skips the marks of the blocks a heading sits in ("> " of a quote, "- "
 * or "1. " of a list item) and the indentation around them. */
static size_t skip_container_marks(const char *t, size_t a, size_t b)
{
	for (;;) {
		while (a < b && is_space(t[a]))
			a++;
		if (a < b && t[a] == '>') {
			a++;
		} else if (a + 1 < b && (t[a] == '-' || t[a] == '*' || t[a] == '+') && is_space(t[a + 1])) {
			a += 2;
		} else {
			size_t d = a;
			while (d < b && d - a < 9 && t[d] >= '0' && t[d] <= '9')
				d++;
			if (d > a && d + 1 < b && (t[d] == '.' || t[d] == ')') && is_space(t[d + 1]))
				a = d + 2;
			else
				return a;
		}
	}
}

static void finish_heading(struct md *m)
{
	specc_project *p = m->p;
	uint32_t at = m->offs.len ? m->offs.items[0] : m->last_off;
	uint32_t last = m->offs.len ? m->offs.items[m->offs.len - 1] : at;
	uint32_t line = specc_source_line_of(m->src, at);
	uint32_t last_line = specc_source_line_of(m->src, last);
	specc_str text = specc_source_line_text(m->src, line);
	uint32_t base = m->src->lines[line];
	size_t a = 0, b = text.len;
	specc_heading_attrs attrs;
	specc_section *s;
	unsigned level = m->heading_level;

	if (base == 0 && b >= 3 && !memcmp(text.ptr, "\xef\xbb\xbf", 3))
		a = 3;
	a = skip_container_marks(text.ptr, a, b);
	/* Skip the ATX marker; setext headings have none. */
	if (a < b && text.ptr[a] == '#') {
		while (a < b && text.ptr[a] == '#')
			a++;
		while (a < b && is_space(text.ptr[a]))
			a++;
		while (b > a && is_space(text.ptr[b - 1]))
			b--;
		/* An optional closing sequence: "## Title ##". */
		size_t c = b;
		while (c > a && text.ptr[c - 1] == '#')
			c--;
		if (c < b && (c == a || is_space(text.ptr[c - 1])))
			b = c;
	}
	while (b > a && is_space(text.ptr[b - 1]))
		b--;
	uint32_t title_start = base + (uint32_t)a;
	if (last_line > line) {
		/* A setext heading over several lines: the attribute list
		 * ends the last one, and the title spans them all. */
		text = specc_source_line_text(m->src, last_line);
		base = m->src->lines[last_line];
		a = 0;
		b = text.len;
		while (a < b && is_space(text.ptr[a]))
			a++;
		while (b > a && is_space(text.ptr[b - 1]))
			b--;
	}
	specc_attrs_parse(p, m->file, base + (uint32_t)a, text.ptr + a, b - a, &attrs);
	uint32_t title_end = base + (uint32_t)(a + attrs.title_end);
	base = m->src->lines[line];

	close_sections(m, level, base);
	s = SPECC_PUSH(p->sections);
	s->spec = m->spec;
	s->level = (uint8_t)level;
	s->parent = SPECC_NONE;
	for (unsigned l = level - 1; l >= 1; l--)
		if (m->open[l] != SPECC_NONE) {
			s->parent = m->open[l];
			break;
		}
	s->id = attrs.id;
	s->id_span = attrs.id_span;
	s->title = specc_str_make(m->src->data + title_start, title_end - title_start);
	s->title_span = span(m, title_start, title_end);
	s->span = span(m, base, m->src->lines[last_line] + text.len);
	s->end = m->src->len;
	s->authority_explicit = attrs.authority.ptr != NULL;
	s->id_malformed = attrs.id_malformed;
	s->authority = attrs.authority;
	s->authority_span = attrs.authority_span;
	s->authority_rank = SPECC_NONE;
	s->overrides = attrs.overrides;
	s->overrides_span = attrs.overrides_span;
	s->tag_first = attrs.tag_first;
	s->tag_count = attrs.tag_count;
	m->open[level] = p->sections.len - 1;
	m->section = p->sections.len - 1;
	if (p->keep_prose) {
		size_t e = 0;
		while (e < m->offs.len && m->offs.items[e] < title_end)
			e++;
		keep_prose(m, 0, e, SPECC_PROSE_HEADING);
	}
	/* Links in the heading belong to the section it opens. */
	for (uint32_t i = m->heading_xrefs; i < p->xrefs.len; i++)
		p->xrefs.items[i].section = m->section;
	p->specs.items[m->spec].section_count++;
}

/* ---- examples ----------------------------------------------------------- */

static specc_example *example_at(struct md *m)
{
	return m->eval ? &m->p->items.items[m->last_conv_index]
		       : &m->p->examples.items[m->last_conv_index];
}

static void drop_pending(struct md *m)
{
	if (!m->pending)
		return;
	m->pending = false;
	specc_diag *d = specc_diag_add(&m->p->diags, SPECC_CODE(EXAMPLE_WITHOUT_CONVERSATION),
				       m->pending_span,
				       "this example has no conversation after its title");
	specc_diag_help(&m->p->diags, d,
			"follow the title with a ~~~xml block holding the turns, or remove the title");
}

static specc_example *new_example(struct md *m, specc_str title, specc_span sp)
{
	specc_example *e;
	if (m->eval) {
		e = SPECC_PUSH(m->p->items);
		m->p->eval_files.items[m->spec].item_count++;
		m->last_conv_index = m->p->items.len - 1;
	} else {
		e = SPECC_PUSH(m->p->examples);
		m->p->specs.items[m->spec].example_count++;
		m->last_conv_index = m->p->examples.len - 1;
	}
	e->section = m->section;
	e->title = title;
	e->span = sp;
	e->expect_span = SPECC_SPAN_NONE;
	return e;
}

/* Whether n bytes at p outlive the parse: they are in the source or in an
 * admonition copy (arena-owned), not in a buffer of md4c's. */
static bool stable(const struct md *m, const char *p, size_t n)
{
	const char *d = m->src->data;
	return (p >= d && p + n <= d + m->src->len) ||
	       (m->copy && p >= m->copy && p + n <= m->copy + m->copy_len);
}

static void add_conversation(struct md *m, specc_str title, specc_span at, const char *a,
			     const char *b)
{
	specc_conversation conv;

	new_example(m, title, at);
	specc_conv_parse(m->p, m->file, a, (size_t)(b - a), map_cb, m, &conv);
	example_at(m)->conv = conv;
	m->conv_seq = m->leaf_seq;
}

static void finish_code(struct md *m)
{
	const char *a = m->code_first, *b = m->code_end;
	bool xml = specc_str_eqz(m->code_lang, "xml");
	uint32_t sa = m->last_off, sb = m->last_off;

	if (a) {
		sa = off_of(m, a);
		sb = off_of(m, b);
	} else {
		a = b = ""; /* an empty block */
	}
	if (m->pending) {
		if (!xml) {
			drop_pending(m);
			return;
		}
		m->pending = false;
		add_conversation(m, m->pending_title, m->pending_span, a, b);
		return;
	}
	if (specc_str_eqz(m->code_lang, "expect") && m->conv_seq && m->conv_seq + 1 == m->leaf_seq) {
		specc_example *e = example_at(m);
		e->expect = specc_str_make(a, (size_t)(b - a));
		e->expect_span = span(m, sa, sb);
		return;
	}
	if (xml && specc_conv_starts_with_tag(a, b)) {
		specc_diag *d = specc_diag_add(&m->p->diags, SPECC_CODE(UNTITLED_EXAMPLE), span(m, sa, sa),
					       "this conversation has no **Example**: title");
		specc_diag_help(&m->p->diags, d,
				"add a paragraph \"**Example**: what it shows\" right before the block");
		add_conversation(m, SPECC_STR_NULL, span(m, sa, sb), a, b);
	}
}

/* ---- inline runs -------------------------------------------------------- */

static void add_text(struct md *m, const char *s, size_t n, uint32_t off, bool step, char code)
{
	size_t at = m->plain.len;
	specc_buf_add(&m->plain, s, n);
	specc_buf_addchars(&m->is_code, code, n);
	specc_grow((void **)&m->offs.items, sizeof(uint32_t), at + n, &m->offs.cap);
	for (size_t i = 0; i < n; i++)
		m->offs.items[at + i] = off + (step ? (uint32_t)i : 0);
	m->offs.len = (uint32_t)(at + n);
}

static void reset_run(struct md *m)
{
	specc_buf_reset(&m->plain);
	specc_buf_reset(&m->is_code);
	m->offs.len = 0;
}

static bool is_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == ':' || c == '.';
}

/* Length of an anchor "[^id]" at plain[i], or 0. */
static size_t anchor_at(struct md *m, size_t i)
{
	const char *s = m->plain.ptr;
	size_t n = m->plain.len, j = i + 2;

	if (i + 3 >= n || s[i] != '[' || s[i + 1] != '^' || m->is_code.ptr[i] == 1)
		return 0;
	while (j < n && is_id_char(s[j]) && s[j] != '.' && s[j] != ':')
		j++;
	if (j == i + 2 || j >= n || s[j] != ']')
		return 0;
	return j + 1 - i;
}

/* A slice of the run as a string: zero-copy when the bytes are contiguous
 * in the source. */
static specc_str run_str(struct md *m, size_t a, size_t b)
{
	if (b <= a)
		return specc_str_make("", 0);
	uint32_t sa = m->offs.items[a];
	if (m->offs.items[b - 1] == sa + (b - 1 - a) && sa + (b - a) <= m->src->len &&
	    !memcmp(m->src->data + sa, m->plain.ptr + a, b - a))
		return specc_str_make(m->src->data + sa, b - a);
	return specc_arena_str(&m->p->arena, m->plain.ptr + a, b - a);
}

/* Keeps text[a, b) of the run as prose, for the linter. */
static void keep_prose(struct md *m, size_t a, size_t b, specc_prose_kind kind)
{
	specc_project *p = m->p;

	while (a < b && (m->plain.ptr[a] == ' ' || m->plain.ptr[a] == '\n'))
		a++;
	while (b > a && (m->plain.ptr[b - 1] == ' ' || m->plain.ptr[b - 1] == '\n'))
		b--;
	if (a == b)
		return;
	/* CommonMark does not allow "--" inside an inline comment, so
	 * <!-- specc-disable-line x -- why --> on a line of text arrives as
	 * text: read it as the directive it is, and keep it out of prose. */
	for (const char *c = memchr(m->plain.ptr + a, '<', b - a); c;
	     c = memchr(c + 1, '<', (size_t)(m->plain.ptr + b - c - 1))) {
		size_t i = (size_t)(c - m->plain.ptr), e;
		if (b - i < 12 || memcmp(c, "<!-- specc-", 11) || m->is_code.ptr[i])
			continue;
		for (e = i + 11; e + 3 <= b && memcmp(m->plain.ptr + e, "-->", 3); e++)
			;
		if (e + 3 > b)
			break;
		e += 3;
		if (m->offs.items[e - 1] == m->offs.items[i] + (e - 1 - i)) {
			specc_directive *d = SPECC_PUSH(p->directives);
			d->text = specc_str_make(m->src->data + m->offs.items[i], e - i);
			d->span = span(m, m->offs.items[i], m->offs.items[i] + (uint32_t)(e - i));
		}
		memset(m->is_code.ptr + i, 1, e - i);
	}
	char *t = specc_arena_alloc(&p->arena, b - a + 1);
	memcpy(t, m->plain.ptr + a, b - a);
	t[b - a] = '\0';
	/* Code, and the text of links to sections, are masked: the
	 * linter reads neither (a link's text names the section that says
	 * what it means). */
	for (int mark = 1; mark <= 2; mark++)
		for (const char *c = memchr(m->is_code.ptr + a, mark, b - a); c;
		     c = memchr(c + 1, mark, (size_t)(m->is_code.ptr + b - c - 1)))
			t[c - m->is_code.ptr - a] = '\x01';
	specc_prose *r = SPECC_PUSH(p->prose);
	r->file = m->file;
	r->section = m->section;
	r->kind = (uint8_t)kind;
	r->admonition = m->copy != NULL;
	r->text = specc_str_make(t, b - a);
	r->seg_first = p->segs.len;
	const uint32_t *offs = m->offs.items;
	for (size_t i = a; i < b; i++) {
		specc_seg *g = SPECC_PUSH(p->segs);
		g->text_off = (uint32_t)(i - a);
		g->src_off = offs[i];
		/* Runs of consecutive source bytes are one segment. */
		while (i + 1 < b && offs[i + 1] == offs[i] + 1)
			i++;
	}
	r->seg_count = p->segs.len - r->seg_first;
}

static bool is_closer(const char *s, size_t i, size_t n, size_t *len)
{
	unsigned char c = (unsigned char)s[i];
	if (c == ')' || c == '"' || c == '\'' || c == '*' || c == '_' || c == ']') {
		*len = 1;
		return true;
	}
	/* ’ and ” */
	if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0x99 || (unsigned char)s[i + 2] == 0x9d)) {
		*len = 3;
		return true;
	}
	return false;
}

static bool is_punct(char c)
{
	return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?';
}

static void emit_clause(struct md *m, size_t s, size_t e)
{
	specc_project *p = m->p;
	specc_buf text = SPECC_BUF_INIT;
	uint32_t clause = p->clauses.len;
	specc_clause *c = SPECC_PUSH(p->clauses);
	bool space = false;

	c->section = m->section;
	c->span = span(m, m->offs.items[s], m->offs.items[e - 1] + 1);
	c->anchor_first = p->anchors.len;
	for (size_t i = s; i < e;) {
		size_t k = anchor_at(m, i);
		if (k) {
			specc_anchor *a = SPECC_PUSH(p->anchors);
			a->clause = clause;
			a->id = run_str(m, i + 2, i + k - 1);
			a->span = span(m, m->offs.items[i], m->offs.items[i + k - 1] + 1);
			a->eval_file = SPECC_NONE;
			p->clauses.items[clause].anchor_count++;
			i += k;
			continue;
		}
		char ch = m->plain.ptr[i++];
		if (ch == ' ' || ch == '\t' || ch == '\n') {
			space = text.len > 0;
			continue;
		}
		/* "short [^x]." must read "short.", not "short ." */
		if (space && !is_punct(ch))
			specc_buf_addch(&text, ' ');
		space = false;
		specc_buf_addch(&text, ch);
	}
	p->clauses.items[clause].text = specc_arena_str(&p->arena, text.ptr, text.len);
	specc_buf_release(&text);
}

/* Splits the run into sentences and makes a clause of each one that holds
 * an anchor.  An anchor right after a sentence's terminal punctuation
 * belongs to that sentence, which is how the Model Spec writes them. */
static void find_clauses(struct md *m)
{
	const char *s = m->plain.ptr;
	size_t n = m->plain.len, start = 0, i = 0;
	bool has_anchor = false;

	while (i < n) {
		size_t k = anchor_at(m, i);
		if (k) {
			has_anchor = true;
			i += k;
			continue;
		}
		if ((s[i] == '.' || s[i] == '?' || s[i] == '!') && m->is_code.ptr[i] != 1) {
			size_t j = i + 1, len;
			for (;;) {
				if (j < n && (k = anchor_at(m, j)) != 0) {
					has_anchor = true;
					j += k;
				} else if (j < n && is_closer(s, j, n, &len)) {
					j += len;
				} else {
					break;
				}
			}
			bool end = j >= n;
			if (!end && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t')) {
				size_t q = j;
				while (q < n && (s[q] == ' ' || s[q] == '\n' || s[q] == '\t'))
					q++;
				end = q >= n || !(s[q] >= 'a' && s[q] <= 'z');
			}
			if (end) {
				if (has_anchor)
					emit_clause(m, start, j);
				has_anchor = false;
				while (j < n && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t'))
					j++;
				start = i = j;
				continue;
			}
			i = j;
			continue;
		}
		i++;
	}
	while (start < n && (s[start] == ' ' || s[start] == '\n'))
		start++;
	if (has_anchor && start < n)
		emit_clause(m, start, n);
}

static void missing_header(struct md *m, specc_span at)
{
	specc_eval_file *f = &m->p->eval_files.items[m->spec];
	specc_diag *d = specc_diag_add(&m->p->diags, SPECC_CODE(MALFORMED_EVAL_HEADER), at,
				       "an eval file must start with \"Examples for [^id] in Section title:\"");
	specc_diag_help(&m->p->diags, d,
			"write the anchor this file belongs to and the title of the section that "
			"holds it, e.g. \"Examples for [^%.*s] in Title:\"",
			(int)f->stem.len, f->stem.ptr);
}

static void eval_header(struct md *m)
{
	specc_project *p = m->p;
	specc_eval_file *f = &p->eval_files.items[m->spec];
	const char *s = m->plain.ptr;
	size_t n = m->plain.len, i, j;
	static const char prefix[] = "Examples for [^";

	m->header_done = true;
	f->header_span = span(m, m->offs.items[0], m->offs.items[n - 1] + 1);
	if (n < sizeof prefix || memcmp(s, prefix, sizeof prefix - 1))
		goto bad;
	i = j = sizeof prefix - 1;
	while (j < n && s[j] != ']')
		j++;
	if (j >= n || j == i)
		goto bad;
	f->id = run_str(m, i, j);
	f->id_span = span(m, m->offs.items[i], m->offs.items[j - 1] + 1);
	j++;
	if (n - j < 5 || memcmp(s + j, " in ", 4))
		goto bad;
	i = j + 4;
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		n--;
	bool colon = n > i && s[n - 1] == ':';
	if (colon)
		n--;
	if (n <= i)
		goto bad;
	/* The title as written in the source, from after " in " to the
	 * final colon, so Markdown markers at either end (`code`, *em*)
	 * are kept and it compares equal to the raw heading text. */
	uint32_t ta = m->offs.items[i - 1] + 1;
	uint32_t tb = colon ? m->offs.items[n] : m->offs.items[n - 1] + 1;
	if (tb < ta)
		tb = ta;
	f->section_title = specc_str_make(m->src->data + ta, tb - ta);
	f->title_span = span(m, ta, tb);
	f->header_ok = true;
	return;
bad:
	missing_header(m, f->header_span);
}

static void flush_run(struct md *m)
{
	const char *s = m->plain.ptr;
	size_t n = m->plain.len;

	if (!n || m->in_heading)
		return;
	/* "**Example**: title" or "**Example:** title" */
	uint32_t o = m->offs.items[0];
	bool example = n >= 8 && !memcmp(s, "Example", 7) && (s[7] == ':') && o >= 2 &&
		       !memcmp(m->src->data + o - 2, "**", 2);
	if (m->eval && !m->header_done) {
		if (!example) {
			eval_header(m);
			goto out;
		}
		/* The file starts with its first example: the header is
		 * missing, not this paragraph. */
		m->header_done = true;
		missing_header(m, span(m, o - 2, m->offs.items[n - 1] + 1));
	}
	if (example) {
		size_t a = 8, b = n;
		while (a < b && (s[a] == ' ' || s[a] == '\n'))
			a++;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\n'))
			b--;
		drop_pending(m);
		m->pending = true;
		m->pending_title = run_str(m, a, b);
		m->pending_span = span(m, o - 2, m->offs.items[n - 1] + 1);
		goto out;
	}
	/* "[^id]: text" defines a footnote; it is not a clause using it. */
	size_t k = anchor_at(m, 0);
	if (k && k < n && s[k] == ':')
		goto out;
	if (m->p->keep_prose && !m->eval)
		keep_prose(m, 0, n,
			   m->cells ? SPECC_PROSE_TABLE_CELL
			   : m->lists ? SPECC_PROSE_LIST_ITEM
			   : m->quotes ? SPECC_PROSE_QUOTE : SPECC_PROSE_PARAGRAPH);
	for (const char *b = memchr(s, '[', n); b; b = memchr(b + 1, '[', (size_t)(s + n - b - 1))) {
		if (b + 1 < s + n && b[1] == '^') {
			find_clauses(m);
			break;
		}
	}
out:
	reset_run(m);
}

/* ---- md4c callbacks ----------------------------------------------------- */

static bool is_leaf(MD_BLOCKTYPE t)
{
	return t == MD_BLOCK_P || t == MD_BLOCK_H || t == MD_BLOCK_CODE || t == MD_BLOCK_HTML ||
	       t == MD_BLOCK_HR || t == MD_BLOCK_TABLE;
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	struct md *m = ud;

	flush_run(m);
	if (is_leaf(type)) {
		m->leaf_seq++;
		if (type != MD_BLOCK_CODE && type != MD_BLOCK_HTML)
			drop_pending(m);
	}
	if (type == MD_BLOCK_LI)
		m->lists++;
	else if (type == MD_BLOCK_QUOTE)
		m->quotes++;
	else if (type == MD_BLOCK_TD || type == MD_BLOCK_TH)
		m->cells++;
	if (type == MD_BLOCK_H) {
		m->in_heading = true;
		m->heading_level = ((MD_BLOCK_H_DETAIL *)detail)->level;
		m->heading_xrefs = m->p->xrefs.len;
		reset_run(m);
	} else if (type == MD_BLOCK_CODE) {
		MD_BLOCK_CODE_DETAIL *cd = detail;
		m->in_code = true;
		m->code_lang = specc_str_make(cd->lang.text ? cd->lang.text : "", cd->lang.size);
		m->code_first = m->code_end = NULL;
	}
	return 0;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	struct md *m = ud;
	(void)detail;

	if (type == MD_BLOCK_H) {
		/* Eval files have no sections: a heading there is text. */
		if (!m->eval)
			finish_heading(m);
		m->in_heading = false;
		reset_run(m);
	} else if (type == MD_BLOCK_CODE) {
		m->in_code = false;
		finish_code(m);
	} else {
		flush_run(m);
	}
	if (type == MD_BLOCK_LI && m->lists)
		m->lists--;
	else if (type == MD_BLOCK_QUOTE && m->quotes)
		m->quotes--;
	else if ((type == MD_BLOCK_TD || type == MD_BLOCK_TH) && m->cells)
		m->cells--;
	return 0;
}

static int enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
	struct md *m = ud;

	if (type == MD_SPAN_A) {
		MD_SPAN_A_DETAIL *a = detail;
		if (a->href.size >= 1 && a->href.text[0] == '#') {
			specc_xref *x = SPECC_PUSH(m->p->xrefs);
			uint32_t at = off_of(m, a->href.text);
			x->section = m->section;
			/* md4c builds the href in its own buffer when it holds
			 * escapes or entities, and frees it after the callback. */
			m->link_href_found = stable(m, a->href.text, a->href.size);
			if (m->link_href_found)
				x->target = specc_str_make(a->href.text + 1, a->href.size - 1);
			else
				x->target = specc_arena_str(&m->p->arena, a->href.text + 1, a->href.size - 1);
			x->span = span(m, at, at + a->href.size);
			x->resolved = SPECC_NONE;
			m->link_xref = m->p->xrefs.len - 1;
			m->link_start = m->plain.len;
		}
	}
	return 0;
}

/* Finds the "#target" of an inline link in the source when md4c handed us
 * a copy of it: it follows the link text's "](", within a few bytes of
 * emphasis markers. */
static void find_href(struct md *m, specc_xref *x)
{
	const char *d = m->src->data;
	uint32_t from = m->plain.len > m->link_start ? m->offs.items[m->plain.len - 1] + 1
						     : m->last_off;
	uint32_t limit = from + 64 < m->src->len ? from + 64 : m->src->len;

	for (uint32_t i = from; i + 2 < limit; i++) {
		if (d[i] != ']' || d[i + 1] != '(')
			continue;
		uint32_t a = i + 2, b;
		while (a < m->src->len && (d[a] == ' ' || d[a] == '<'))
			a++;
		for (b = a; b < m->src->len && d[b] != ')' && d[b] != ' ' && d[b] != '>' &&
			    d[b] != '\n';
		     b++)
			if (d[b] == '\\' && b + 1 < m->src->len)
				b++;
		if (a < m->src->len && d[a] == '#')
			x->span = span(m, a, b);
		return;
	}
}

static int leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
	struct md *m = ud;
	(void)detail;

	if (type == MD_SPAN_A && m->link_xref != SPECC_NONE) {
		specc_xref *x = &m->p->xrefs.items[m->link_xref];
		x->text = run_str(m, m->link_start, m->plain.len);
		if (!m->link_href_found)
			find_href(m, x);
		m->link_xref = SPECC_NONE;
	}
	return 0;
}

static int text_cb(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
	struct md *m = ud;

	if (m->in_code) {
		const char *d = m->src->data;
		bool in = (text >= d && text + size <= d + m->src->len) ||
			  (m->copy && text >= m->copy && text + size <= m->copy + m->copy_len);
		if (in && size) {
			if (!m->code_first)
				m->code_first = text;
			if (!m->code_end || text + size > m->code_end)
				m->code_end = text + size;
		}
		return 0;
	}
	switch (type) {
	case MD_TEXT_NORMAL:
	case MD_TEXT_LATEXMATH:
		add_text(m, text, size, off_of(m, text), true, m->link_xref != SPECC_NONE ? 2 : 0);
		break;
	case MD_TEXT_CODE:
		add_text(m, text, size, off_of(m, text), true, 1);
		break;
	case MD_TEXT_ENTITY: {
		specc_buf b = SPECC_BUF_INIT;
		uint32_t o = off_of(m, text);
		if (!specc_entity_decode(text, size, &b))
			specc_buf_add(&b, text, size);
		add_text(m, b.ptr, b.len, o, false, 0);
		specc_buf_release(&b);
		break;
	}
	case MD_TEXT_NULLCHAR:
		add_text(m, "\xef\xbf\xbd", 3, m->last_off, false, 0);
		break;
	case MD_TEXT_BR:
	case MD_TEXT_SOFTBR:
		add_text(m, " ", 1, m->last_off, false, 0);
		break;
	case MD_TEXT_HTML: {
		uint32_t o = off_of(m, text);
		if (m->p->keep_prose && !m->eval && size > 10 && !memcmp(text, "<!--", 4) &&
		    stable(m, text, size)) {
			size_t a = 4;
			while (a < size && (text[a] == ' ' || text[a] == '\t'))
				a++;
			if (size - a >= 6 && !memcmp(text + a, "specc-", 6)) {
				size_t b = size;
				while (b > a && (text[b - 1] == '\n' || text[b - 1] == ' '))
					b--;
				specc_directive *d = SPECC_PUSH(m->p->directives);
				d->text = specc_str_make(text, b);
				d->span = span(m, o, o + (uint32_t)b);
			}
		}
		break;
	}
	}
	return 0;
}

/* ---- regions ------------------------------------------------------------ */

static void parse_region(struct md *m, const char *text, size_t len)
{
	MD_PARSER parser = {
		.abi_version = 0,
		.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEURLAUTOLINKS,
		.enter_block = enter_block,
		.leave_block = leave_block,
		.enter_span = enter_span,
		.leave_span = leave_span,
		.text = text_cb,
	};
	m->link_xref = SPECC_NONE;
	md_parse(text, (MD_SIZE)len, &parser, m);
	flush_run(m);
	drop_pending(m);
	m->in_code = false;
}

/* Parses an admonition body [a, b) from a copy with 4 columns of
 * indentation removed from each line. */
static void parse_admonition_body(struct md *m, uint32_t a, uint32_t b)
{
	const char *d = m->src->data;
	specc_buf copy = SPECC_BUF_INIT;

	m->cl_copy.len = m->cl_src.len = 0;
	for (uint32_t i = a; i < b;) {
		const char *nl = memchr(d + i, '\n', b - i);
		uint32_t le = nl ? (uint32_t)(nl - d) + 1 : b, s = i;
		if (d[s] == '\t')
			s++;
		else
			for (int k = 0; k < 4 && s < le && d[s] == ' '; k++)
				s++;
		*SPECC_PUSH(m->cl_copy) = (uint32_t)copy.len;
		*SPECC_PUSH(m->cl_src) = s;
		specc_buf_add(&copy, d + s, le - s);
		i = le;
	}
	/* The copy lives in the project's arena: IR strings (conversation
	 * content, attribute names) may point into it. */
	m->copy = specc_arena_strndup(&m->p->arena, copy.ptr, copy.len);
	m->copy_len = copy.len;
	specc_buf_release(&copy);
	parse_region(m, m->copy, m->copy_len);
	m->copy = NULL;
	m->copy_len = 0;
}

/* Length of a fence opener ("```" or "~~~", 3 or more) at s, or 0. */
static size_t fence_len(const char *s, const char *e, char *ch)
{
	const char *q = s;
	int indent = 0;
	while (q < e && *q == ' ' && indent < 4)
		q++, indent++;
	if (indent > 3 || q >= e || (*q != '`' && *q != '~'))
		return 0;
	const char *r = q;
	while (r < e && *r == *q)
		r++;
	if (r - q < 3)
		return 0;
	*ch = *q;
	return (size_t)(r - q);
}

static bool is_fence_close(const char *s, const char *e, char ch, size_t need)
{
	char c2;
	size_t n = fence_len(s, e, &c2);
	if (!n || c2 != ch || n < need)
		return false;
	const char *q = s;
	while (q < e && *q == ' ')
		q++;
	for (q += n; q < e; q++)
		if (!is_space(*q) && *q != '\r')
			return false;
	return true;
}

/* Skips YAML front matter, reading it for specs.  Returns where the
 * Markdown starts. */
static uint32_t front_matter(struct md *m, uint32_t start)
{
	const specc_source *src = m->src;
	const char *d = src->data;
	uint32_t line = specc_source_line_of(src, start);
	specc_str first = specc_source_line_text(src, line);

	/* start is past a BOM, if any; the rest of the line must be "---". */
	if (first.ptr + first.len != d + start + 3 || memcmp(d + start, "---", 3))
		return start;
	for (uint32_t l = line + 1; l < src->n_lines; l++) {
		specc_str t = specc_source_line_text(src, l);
		if ((t.len == 3 && (!memcmp(t.ptr, "---", 3) || !memcmp(t.ptr, "...", 3)))) {
			if (!m->eval) {
				m->p->specs.items[m->spec].has_front_matter = true;
				specc_front_matter_parse(m->p, m->spec, m->file, src->lines[line + 1],
							 src->lines[l]);
			}
			return l + 1 < src->n_lines ? src->lines[l + 1] : src->len;
		}
	}
	specc_diag *dg = specc_diag_add(&m->p->diags, SPECC_CODE(FRONT_MATTER_UNTERMINATED),
					span(m, start, start + 3),
					"front matter starts here but is never closed");
	specc_diag_help(&m->p->diags, dg, "end it with a line holding only ---");
	return start;
}

static void parse_body(struct md *m, uint32_t start)
{
	const specc_source *src = m->src;
	const char *d = src->data;
	uint32_t region = start, i = start;
	char fch = 0;
	size_t flen = 0;
	uint32_t fence_at = 0;
	uint32_t line = specc_source_line_of(src, start);

	/* Walk the line table: no search for line ends, and most lines are
	 * dismissed by their first character. */
	for (; i < src->len; i = src->lines[++line]) {
		uint32_t next = line + 1 < src->n_lines ? src->lines[line + 1] : src->len;
		uint32_t le = next > i && d[next - 1] == '\n' ? next - 1 : next;
		uint32_t first = i;
		char ch;
		size_t n;

		while (first < le && first - i < 3 && d[first] == ' ')
			first++;
		if (first >= le || (d[first] != '`' && d[first] != '~' && d[first] != '!')) {
			if (line + 1 >= src->n_lines)
				break;
			continue;
		}
		if (flen) {
			if (is_fence_close(d + i, d + le, fch, flen))
				flen = 0;
		} else if ((n = fence_len(d + i, d + le, &ch)) != 0) {
			/* A backtick fence's info string may not hold backticks,
			 * so "```foo`" is inline code, not a fence. */
			if (ch == '~' || !memchr(d + i + n, '`', le - i - n)) {
				flen = n;
				fch = ch;
				fence_at = i;
			}
		} else if (le - i >= 4 && !memcmp(d + i, "!!! ", 4)) {
			/* An admonition: header line, then blank or indented lines. */
			uint32_t body = next, end = next, j = next;
			while (j < src->len) {
				const char *n2 = memchr(d + j, '\n', src->len - j);
				uint32_t e2 = n2 ? (uint32_t)(n2 - d) : src->len;
				uint32_t k = j;
				while (k < e2 && (d[k] == ' ' || d[k] == '\t' || d[k] == '\r'))
					k++;
				if (k < e2 && !(d[j] == '\t' || (e2 - j >= 4 && !memcmp(d + j, "    ", 4))))
					break;
				j = n2 ? e2 + 1 : src->len;
				if (k < e2)
					end = j;
			}
			if (i > region)
				parse_region(m, d + region, i - region);
			specc_commentary *c = SPECC_PUSH(m->p->commentaries);
			const char *h = d + i + 4, *he = d + le;
			const char *ks = h;
			while (h < he && !is_space(*h) && *h != '"')
				h++;
			c->kind = specc_str_make(ks, (size_t)(h - ks));
			while (h < he && is_space(*h))
				h++;
			if (h < he && *h == '"') {
				const char *q = memchr(h + 1, '"', (size_t)(he - h - 1));
				if (q)
					c->title = specc_str_make(h + 1, (size_t)(q - h - 1));
			}
			c->section = m->section;
			c->span = span(m, i, end > next ? (d[end - 1] == '\n' ? end - 1 : end) : le);
			if (end > body)
				parse_admonition_body(m, body, end);
			region = i = end > next ? end : next;
			if (i >= src->len)
				break;
			line = specc_source_line_of(src, i) - 1;
			continue;
		}
		if (line + 1 >= src->n_lines)
			break;
	}
	if (flen) {
		specc_diag *dg = specc_diag_add(&m->p->diags, SPECC_CODE(UNTERMINATED_FENCE),
						span(m, fence_at, fence_at + (uint32_t)flen),
						"this code fence is never closed");
		specc_diag_help(&m->p->diags, dg,
				"everything to the end of the file is code; close it with %zu %s", flen,
				fch == '`' ? "backticks" : "tildes");
	}
	if (src->len > region)
		parse_region(m, d + region, src->len - region);
}

/* The file name of a source without folder and ".md": a spec's default
 * name, an eval file's anchor. */
static specc_str file_stem(specc_project *p, uint32_t file)
{
	const char *path = p->sources.items[file].path;
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 3 && !strcmp(base + n - 3, ".md"))
		n -= 3;
	return specc_arena_str(&p->arena, base, n);
}

uint32_t specc_eval_file_add(specc_project *p, uint32_t file)
{
	specc_eval_file *f = SPECC_PUSH(p->eval_files);

	f->source = file;
	f->stem = file_stem(p, file);
	f->item_first = p->items.len;
	f->anchor = SPECC_NONE;
	f->header_span = specc_span_make(file, 0, 0);
	return p->eval_files.len - 1;
}

void specc_parse_markdown(specc_project *p, uint32_t file)
{
	struct md m;
	const specc_source *src = &p->sources.items[file];
	uint32_t start = 0;

	memset(&m, 0, sizeof m);
	m.p = p;
	m.file = file;
	m.src = src;
	m.eval = src->kind == SPECC_SOURCE_EVAL;
	m.section = SPECC_NONE;
	m.link_xref = SPECC_NONE;
	specc_buf_init(&m.plain);
	specc_buf_init(&m.is_code);
	for (int l = 0; l <= 6; l++)
		m.open[l] = SPECC_NONE;
	if (src->len >= 3 && !memcmp(src->data, "\xef\xbb\xbf", 3))
		start = 3;

	if (m.eval) {
		m.spec = specc_eval_file_add(p, file);
		p->eval_files.items[m.spec].header_span = span(&m, start, start);
	} else {
		specc_spec *s = SPECC_PUSH(p->specs);
		s->source = file;
		s->name = file_stem(p, file);
		s->section_first = p->sections.len;
		s->example_first = p->examples.len;
		s->import_first = p->strs.len;
		m.spec = p->specs.len - 1;
		start = front_matter(&m, start);
	}
	if (m.eval)
		start = front_matter(&m, start);
	parse_body(&m, start);
	close_sections(&m, 1, src->len);
	/* An empty file has its own warning; a header error would repeat it. */
	if (m.eval && !m.header_done && src->len > start)
		missing_header(&m, p->eval_files.items[m.spec].header_span);
	specc_buf_release(&m.plain);
	specc_buf_release(&m.is_code);
	SPECC_TABLE_FREE(m.offs);
	SPECC_TABLE_FREE(m.cl_copy);
	SPECC_TABLE_FREE(m.cl_src);
}
