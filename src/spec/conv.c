/*
 * conv.c - the conversation language inside ~~~xml blocks.
 *
 * The language is line-oriented, like the Model Spec writes it: a role tag
 * opens a turn, its closing tag (on the same or a later line) ends it, and
 * everything between is content, even tags such as <untrusted> that are
 * not roles.  A label comment may follow an opening tag on its line:
 *
 *     <assistant> <!-- BAD[#privacy]: leaks the address -->
 *
 * This parser does not depend on md4c, so it can be fuzzed on its own.
 */
#include <string.h>

#include "specc/codes.h"
#include "internal.h"

static const char *const role_names[] = { "system", "developer", "user", "assistant", "tool" };

const char *specc_role_name(specc_role r)
{
	return r == SPECC_ROLE_ELISION ? "elision" : role_names[r];
}

const char *specc_label_name(specc_label l)
{
	static const char *const names[] = { "none", "good", "bad", "ok" };
	return names[l];
}

struct conv {
	specc_project *p;
	uint32_t file;
	const char *text, *end;
	specc_offset_fn map;
	void *ctx;
	specc_conversation *out;

	bool in_comparison;
	uint32_t comparison_answers;
	const char *comparison_open; /* the '<' of <comparison> */
	uint32_t comparison_index;

	int role;                    /* open turn's role, or -1 */
	uint32_t turn;               /* index of the open turn */
	const char *turn_open;       /* the '<' of its opening tag */
	const char *content_start;

	/* An unknown tag's element is skipped up to its closing tag, so one
	 * mistake gives one finding. */
	const char *skip_name;
	size_t skip_len;
	const char *resume;
};

static specc_span span_of(struct conv *c, const char *a, const char *b)
{
	uint32_t s = c->map(c->ctx, a), e = c->map(c->ctx, b);
	return specc_span_make(c->file, s, e < s ? s : e);
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static const char *skip_space(const char *s, const char *e)
{
	while (s < e && is_space(*s))
		s++;
	return s;
}

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-' || ch == ':' || ch == '.';
}

static int role_of(const char *s, size_t n)
{
	for (int i = 0; i < (int)SPECC_ARRAY_SIZE(role_names); i++)
		if (strlen(role_names[i]) == n && !memcmp(s, role_names[i], n))
			return i;
	return -1;
}

static bool starts_with(const char *s, const char *e, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(e - s) >= n && !memcmp(s, lit, n);
}

/* Finds "</name>" in s[0..e). */
static const char *find_close(const char *s, const char *e, const char *name, size_t nlen)
{
	while ((s = memchr(s, '<', (size_t)(e - s))) != NULL) {
		if ((size_t)(e - s) >= nlen + 3 && s[1] == '/' && !memcmp(s + 2, name, nlen) &&
		    s[2 + nlen] == '>')
			return s;
		s++;
	}
	return NULL;
}

/* ---- turns --------------------------------------------------------------- */

/* Sets the content of the open turn to text[a, b): common indentation and
 * blank first/last lines removed, entities decoded.  Zero-copy when the
 * content is one plain run of source. */
static void set_content(struct conv *c, specc_turn *t, const char *a, const char *b)
{
	specc_buf buf = SPECC_BUF_INIT;
	size_t indent = SIZE_MAX;
	const char *line, *first, *last;
	/* Text on the tag's own line starts mid-line: it has no indentation
	 * of its own and its leading blanks are not content. */
	bool mid_line = a > c->text && a[-1] != '\n';

	if (mid_line)
		a = skip_space(a, b);
	/* Drop blank leading and trailing lines. */
	first = a;
	for (line = a; line < b;) {
		const char *nl = memchr(line, '\n', (size_t)(b - line));
		const char *le = nl ? nl : b;
		if (skip_space(line, le) != le)
			break;
		first = line = nl ? nl + 1 : b;
		mid_line = false;
	}
	if (line >= b)
		first = b;
	last = b;
	while (last > first && (is_space(last[-1]) || last[-1] == '\n'))
		last--;
	t->content_span = span_of(c, first, last);
	if (first >= last) {
		t->content = specc_str_make(first, 0);
		return;
	}
	for (line = first; line < last;) {
		const char *nl = memchr(line, '\n', (size_t)(last - line));
		const char *le = nl ? nl : last;
		const char *ne = skip_space(line, le);
		if (!(mid_line && line == first) && ne < le && (size_t)(ne - line) < indent)
			indent = (size_t)(ne - line);
		line = nl ? nl + 1 : last;
	}
	if (indent == SIZE_MAX)
		indent = 0;
	if (indent == 0 && !memchr(first, '&', (size_t)(last - first)) &&
	    !memchr(first, '\r', (size_t)(last - first))) {
		t->content = specc_str_make(first, (size_t)(last - first));
		return;
	}
	for (line = first; line < last;) {
		const char *nl = memchr(line, '\n', (size_t)(last - line));
		const char *le = nl ? nl : last;
		const char *s = line;
		size_t k = 0;
		if (!(mid_line && line == first))
			while (s < le && k < indent && is_space(*s))
				s++, k++;
		while (le > s && le[-1] == '\r')
			le--;
		for (const char *q = s; q < le;) {
			const char *amp = memchr(q, '&', (size_t)(le - q));
			if (!amp) {
				specc_buf_add(&buf, q, (size_t)(le - q));
				break;
			}
			specc_buf_add(&buf, q, (size_t)(amp - q));
			size_t n = specc_entity_decode(amp, (size_t)(le - amp), &buf);
			if (!n)
				specc_buf_addch(&buf, '&');
			q = amp + (n ? n : 1);
		}
		if (nl && nl + 1 < last)
			specc_buf_addch(&buf, '\n');
		line = nl ? nl + 1 : last;
	}
	t->content = specc_arena_str(&c->p->arena, buf.ptr, buf.len);
	specc_buf_release(&buf);
}

/* The "-->" ending the comment that opens at s ("<!--"), or NULL when it
 * does not end before e. */
static const char *comment_end(const char *s, const char *e)
{
	for (const char *q = s + 4; q + 3 <= e; q++)
		if (!memcmp(q, "-->", 3))
			return q;
	return NULL;
}

/* Reads the label comment "<!-- LABEL[#id]: reason -->" at s. */
static const char *parse_label(struct conv *c, specc_turn *t, const char *s, const char *e)
{
	const char *close = comment_end(s, e), *q, *w, *body_end;

	if (!close)
		return s; /* not a complete comment: leave it as content */
	t->label_span = span_of(c, s, close + 3);
	q = skip_space(s + 4, close);
	body_end = close;
	while (body_end > q && is_space(body_end[-1]))
		body_end--;
	for (w = q; w < body_end && *w >= 'A' && *w <= 'Z'; w++)
		;
	if (w - q == 4 && !memcmp(q, "GOOD", 4)) {
		t->label = SPECC_LABEL_GOOD;
	} else if (w - q == 3 && !memcmp(q, "BAD", 3)) {
		t->label = SPECC_LABEL_BAD;
	} else if (w - q == 2 && !memcmp(q, "OK", 2)) {
		t->label = SPECC_LABEL_OK;
	} else {
		specc_diag *d = specc_diag_add(&c->p->diags, SPECC_CODE(UNKNOWN_LABEL),
					       span_of(c, q, w > q ? w : body_end),
					       "unknown answer label \"%s\"",
					       specc_diag_quote(&c->p->diags, q, (size_t)(body_end - q), 40));
		specc_diag_help(&c->p->diags, d,
				"label answers with <!-- GOOD -->, <!-- BAD: reason --> or <!-- OK: reason -->");
		return close + 3;
	}
	if (t->label == SPECC_LABEL_BAD && w + 2 < body_end && w[0] == '[' && w[1] == '#') {
		const char *id = w + 2, *ie = id;
		while (ie < body_end && is_name_char(*ie))
			ie++;
		if (ie < body_end && *ie == ']') {
			t->violates = specc_str_make(id, (size_t)(ie - id));
			t->violates_span = span_of(c, id, ie);
			w = ie + 1;
		}
	}
	w = skip_space(w, body_end);
	if (w < body_end && (*w == ':' || *w == ','))
		w = skip_space(w + 1, body_end);
	if (w < body_end)
		t->reason = specc_entities_decode_str(&c->p->arena, w, (size_t)(body_end - w));
	return close + 3;
}

/* Parses "<name attr="v" ...>" at s.  Returns the byte after '>' or NULL. */
static const char *parse_open_tag(struct conv *c, const char *s, const char *e, specc_turn *t)
{
	const char *q = s + 1;

	while (q < e && is_name_char(*q))
		q++;
	for (;;) {
		q = skip_space(q, e);
		if (q >= e)
			return NULL;
		if (*q == '>')
			return q + 1;
		if (*q == '/' && q + 1 < e && q[1] == '>')
			return q + 2;
		const char *ns = q;
		while (q < e && is_name_char(*q))
			q++;
		if (q == ns)
			return NULL;
		specc_attr a = { specc_str_make(ns, (size_t)(q - ns)), SPECC_STR_NULL, SPECC_SPAN_NONE };
		const char *ve = q;
		if (q < e && *q == '=') {
			q++;
			if (q < e && (*q == '"' || *q == '\'')) {
				const char *vs = q + 1, *qe = memchr(vs, *q, (size_t)(e - vs));
				if (!qe)
					return NULL;
				a.value = specc_entities_decode_str(&c->p->arena, vs, (size_t)(qe - vs));
				q = ve = qe + 1;
			} else {
				const char *vs = q;
				while (q < e && !is_space(*q) && *q != '>')
					q++;
				a.value = specc_entities_decode_str(&c->p->arena, vs, (size_t)(q - vs));
				ve = q;
			}
		}
		a.span = span_of(c, ns, ve);
		if (t) {
			*SPECC_PUSH(c->p->attrs) = a;
			t->attr_count++;
		}
	}
}

static void open_turn(struct conv *c, int role, const char *tag, const char *after)
{
	specc_turn *t = SPECC_PUSH(c->p->turns);

	t->role = (uint8_t)role;
	t->comparison = c->in_comparison ? c->comparison_index : SPECC_NONE;
	t->violates_section = SPECC_NONE;
	t->attr_first = c->p->attrs.len;
	t->span = span_of(c, tag, after);
	c->role = role;
	c->turn = c->p->turns.len - 1;
	c->turn_open = tag;
	c->content_start = after;
	c->out->turn_count++;
}

static void close_turn(struct conv *c, const char *content_end, const char *tag_end)
{
	specc_turn *t = &c->p->turns.items[c->turn];
	specc_diags *d = &c->p->diags;

	t->span.end = c->map(c->ctx, tag_end);
	set_content(c, t, c->content_start, content_end);
	if (c->in_comparison) {
		c->comparison_answers++;
		if (t->role != SPECC_ROLE_ASSISTANT) {
			specc_diag *dg = specc_diag_add(d, SPECC_CODE(STRAY_TEXT), t->span,
							"a <%s> turn inside <comparison>",
							role_names[t->role]);
			specc_diag_help(d, dg, "<comparison> holds only the labelled <assistant> answers "
					       "being compared; move this turn before it");
		} else if (t->label == SPECC_LABEL_NONE && !t->label_span.end) {
			specc_diag *dg = specc_diag_add(d, SPECC_CODE(UNLABELLED_ANSWER), t->span,
							"this answer in <comparison> has no label");
			specc_diag_help(d, dg, "add <!-- GOOD -->, <!-- BAD: reason --> or "
					       "<!-- OK: reason --> after <assistant>");
		}
	} else if (t->label_span.end) {
		specc_diag *dg = specc_diag_add(d, SPECC_CODE(ANSWER_OUTSIDE_COMPARISON), t->label_span,
						"a labelled answer outside <comparison>");
		specc_diag_help(d, dg, "wrap the candidate answers in <comparison> ... </comparison>");
	}
	c->role = -1;
}

/* ---- lines ------------------------------------------------------------- */

static void stray(struct conv *c, const char *s, const char *e)
{
	specc_diag *d = specc_diag_add(&c->p->diags, SPECC_CODE(STRAY_TEXT), span_of(c, s, e),
				       "text outside any turn: \"%s\"",
				       specc_diag_quote(&c->p->diags, s, (size_t)(e - s), 40));
	specc_diag_help(&c->p->diags, d,
			"put it inside a <user>, <assistant>, ... turn, or mark left-out turns with [...]");
}

/* Handles s[0..e) while no turn is open. */
static void outside_turn(struct conv *c, const char *s, const char *e)
{
	specc_diags *d = &c->p->diags;

	while ((s = skip_space(s, e)) < e) {
		if (starts_with(s, e, "<!--")) {
			const char *q = comment_end(s, e);
			if (!q) {
				stray(c, s, e);
				return;
			}
			s = q + 3;
			continue;
		}
		if (starts_with(s, e, "[...]") || starts_with(s, e, "[\xe2\x80\xa6]")) {
			specc_turn *t = SPECC_PUSH(c->p->turns);
			const size_t n = 5; /* "[...]", and "[…]" is 5 bytes too */
			t->role = SPECC_ROLE_ELISION;
			t->comparison = SPECC_NONE;
			t->violates_section = SPECC_NONE;
			t->attr_first = c->p->attrs.len;
			t->span = span_of(c, s, s + n);
			t->content_span = t->span;
			c->out->turn_count++;
			s += n;
			continue;
		}
		if (*s != '<') {
			stray(c, s, e);
			return;
		}
		bool closing = s + 1 < e && s[1] == '/';
		const char *ns = s + (closing ? 2 : 1), *ne = ns;
		while (ne < e && is_name_char(*ne))
			ne++;
		size_t nlen = (size_t)(ne - ns);
		int role = role_of(ns, nlen);
		bool is_cmp = nlen == 10 && !memcmp(ns, "comparison", 10);

		if (closing) {
			const char *gt = ne < e && *ne == '>' ? ne + 1 : ne;
			if (is_cmp && c->in_comparison) {
				if (!c->comparison_answers) {
					specc_diag *dg = specc_diag_add(
						d, SPECC_CODE(EMPTY_COMPARISON),
						span_of(c, c->comparison_open, gt),
						"this <comparison> holds no answer");
					specc_diag_help(d, dg, "add labelled <assistant> answers, or remove it");
				}
				c->in_comparison = false;
				c->out->comparisons++;
			} else {
				specc_diag *dg = specc_diag_add(
					d, SPECC_CODE(MISMATCHED_CLOSING_TAG), span_of(c, s, gt),
					"closing tag </%s> has no matching opening tag",
					specc_diag_quote(d, ns, nlen, 30));
				specc_diag_help(d, dg, "remove it, or add the opening tag it closes");
			}
			s = gt;
			continue;
		}
		if (role < 0 && !is_cmp) {
			specc_diag *dg = specc_diag_add(d, SPECC_CODE(UNKNOWN_TAG), span_of(c, s, ne),
							"unknown tag <%s> outside a turn",
							specc_diag_quote(d, ns, nlen, 30));
			specc_diag_help(d, dg, "turns are <system>, <developer>, <user>, <assistant> and "
					       "<tool>; candidate answers go in <comparison>");
			const char *gt = memchr(ne, '>', (size_t)(e - ne));
			if (gt && gt[-1] != '/' && nlen) {
				c->skip_name = ns;
				c->skip_len = nlen;
				c->resume = gt + 1;
			}
			return;
		}
		specc_turn *t = NULL;
		if (role >= 0) {
			open_turn(c, role, s, s);
			t = &c->p->turns.items[c->turn];
		}
		const char *after = parse_open_tag(c, s, e, t);
		if (!after) {
			specc_diag *dg = specc_diag_add(d, SPECC_CODE(UNCLOSED_TAG), span_of(c, s, e),
							"the tag <%s is not closed with '>'",
							specc_diag_quote(d, ns, nlen, 30));
			specc_diag_help(d, dg, "write the whole opening tag on one line, ending with '>'");
			/* Read on as if the tag ended the line, so its content
			 * and closing tag do not cause findings of their own. */
			if (role >= 0) {
				t->span.end = c->map(c->ctx, e);
				c->content_start = e;
			}
			return;
		}
		if (is_cmp) {
			if (c->in_comparison) {
				specc_diag *dg = specc_diag_add(d, SPECC_CODE(UNCLOSED_TAG),
								span_of(c, c->comparison_open, c->comparison_open + 12),
								"<comparison> is not closed before the next one");
				specc_diag_help(d, dg, "add </comparison> after its last answer");
				c->out->comparisons++;
			}
			c->in_comparison = true;
			c->comparison_answers = 0;
			c->comparison_open = s;
			c->comparison_index = c->out->comparisons;
			s = after;
			continue;
		}
		t->span.end = c->map(c->ctx, after);
		/* A self-closing role tag is an empty turn. */
		if (after[-2] == '/') {
			c->content_start = after;
			close_turn(c, after, after);
			s = after;
			continue;
		}
		const char *q = skip_space(after, e);
		if (starts_with(q, e, "<!--"))
			after = parse_label(c, t, q, e);
		c->content_start = after;
		return; /* the rest of the line is content (and maybe the close tag) */
	}
}

bool specc_conv_starts_with_tag(const char *s, const char *e)
{
	const char *q;

	while (s < e && (is_space(*s) || *s == '\n'))
		s++;
	if (s >= e || *s != '<')
		return false;
	for (q = s + 1; q < e && is_name_char(*q); q++)
		;
	if (q >= e || (*q != '>' && !is_space(*q)))
		return false;
	return role_of(s + 1, (size_t)(q - s - 1)) >= 0 ||
	       ((size_t)(q - s - 1) == 10 && !memcmp(s + 1, "comparison", 10));
}

/* Whether a line inside a turn is a <comparison> tag: then the turn was
 * left open by mistake.  Role tags are not taken as such a sign: a user
 * may well paste a transcript holding "<assistant>" into a turn. */
static bool opens_structure(const char *s, const char *e)
{
	return (e - s == 12 && !memcmp(s, "<comparison>", 12));
}

/* The open turn's "<role>", cut at the end of the text: a tag written
 * without '>' may end the input. */
static specc_span open_tag_span(struct conv *c)
{
	const char *e = c->turn_open + strlen(role_names[c->role]) + 2;
	return span_of(c, c->turn_open, e < c->end ? e : c->end);
}

static void unclosed_before(struct conv *c, const char *at)
{
	const char *name = role_names[c->role];
	specc_diag *d = specc_diag_add(&c->p->diags, SPECC_CODE(UNCLOSED_TAG),
				       open_tag_span(c),
				       "<%s> is never closed", name);
	specc_diag_help(&c->p->diags, d, "add </%s> after the end of the turn", name);
	close_turn(c, at, at);
}

/* A conversation broken this badly is reported in part: past this many
 * findings the rest are noise (10,000 stray tags are one mistake). */
#define MAX_FINDINGS 20

static void truncate_findings(specc_project *p, uint32_t first, specc_span at)
{
	specc_diags *d = &p->diags;
	uint32_t dropped = d->len - first - MAX_FINDINGS;

	for (uint32_t i = first + MAX_FINDINGS; i < d->len; i++)
		d->count[d->items[i].severity]--;
	d->len = first + MAX_FINDINGS;
	specc_diag *n = specc_diag_add(d, SPECC_CODE(FINDINGS_TRUNCATED), at,
				       "%u more problems in this conversation are not shown", dropped);
	specc_diag_help(d, n, "fix the ones above and check again");
}

void specc_conv_parse(specc_project *p, uint32_t file, const char *text, size_t len,
		      specc_offset_fn map, void *ctx, specc_conversation *out)
{
	uint32_t first_finding = p->diags.len;
	struct conv c = { .p = p, .file = file, .text = text, .end = text + len, .map = map,
			  .ctx = ctx, .out = out, .role = -1 };
	const char *line = text;

	memset(out, 0, sizeof *out);
	out->turn_first = p->turns.len;
	out->span = span_of(&c, text, text + len);
	while (line < c.end) {
		const char *nl = memchr(line, '\n', (size_t)(c.end - line));
		const char *le = nl ? nl : c.end;
		const char *s = line;

		while (s < le) {
			if (c.skip_len) {
				const char *f = find_close(s, le, c.skip_name, c.skip_len);
				if (!f)
					break;
				s = f + c.skip_len + 3;
				c.skip_len = 0;
				continue;
			}
			if (c.role < 0) {
				outside_turn(&c, s, le);
				if (c.role >= 0)
					s = c.content_start;
				else if (c.skip_len)
					s = c.resume;
				else
					break;
				continue;
			}
			/* Inside a turn: look for its closing tag on this line. */
			const char *name = role_names[c.role];
			size_t nlen = strlen(name);
			const char *found = find_close(s, le, name, nlen);
			if (!found) {
				/* A line that is only another role's closing tag
				 * closes this turn by mistake: say so, and end the
				 * turn there rather than swallow what follows. */
				const char *ts = skip_space(s, le), *te = le;
				while (te > ts && is_space(te[-1]))
					te--;
				int other = te - ts > 3 && ts[0] == '<' && ts[1] == '/' && te[-1] == '>'
						    ? role_of(ts + 2, (size_t)(te - ts - 3))
						    : -1;
				bool cmp = te - ts == 13 && !memcmp(ts, "</comparison>", 13);
				if (other < 0 && !cmp) {
					if (opens_structure(ts, te)) {
						unclosed_before(&c, ts);
						s = ts;
						continue;
					}
					break;
				}
				specc_diag *d = specc_diag_add(
					&p->diags, SPECC_CODE(MISMATCHED_CLOSING_TAG), span_of(&c, ts, te),
					"%.*s closes a <%s> turn", (int)(te - ts), ts, name);
				specc_diag_help(&p->diags, d, "close the turn with </%s>", name);
				close_turn(&c, ts, te);
				if (cmp && c.in_comparison) {
					c.in_comparison = false;
					out->comparisons++;
				}
				break;
			}
			close_turn(&c, found, found + nlen + 3);
			s = found + nlen + 3;
		}
		line = nl ? nl + 1 : c.end;
	}
	if (c.role >= 0) {
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(UNCLOSED_TAG),
					       open_tag_span(&c),
					       "<%s> is never closed", role_names[c.role]);
		specc_diag_help(&p->diags, d, "add </%s> after the end of the turn", role_names[c.role]);
		set_content(&c, &p->turns.items[c.turn], c.content_start, c.end);
	}
	if (c.in_comparison) {
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(UNCLOSED_TAG),
					       span_of(&c, c.comparison_open, c.comparison_open + 12),
					       "<comparison> is never closed");
		specc_diag_help(&p->diags, d, "add </comparison> after its last answer");
		out->comparisons++;
	}
	if (p->diags.len - first_finding > MAX_FINDINGS)
		truncate_findings(p, first_finding,
				  specc_span_make(file, out->span.end, out->span.end));
}
