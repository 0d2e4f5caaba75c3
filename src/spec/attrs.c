/*
 * attrs.c - heading attribute lists: "## Title {#id authority=user tags=a,b}".
 *
 * The syntax is Pandoc's (and Python-Markdown's attr_list): #id, .class and
 * key=value, with values quoted by " or ' when they hold spaces.  A brace
 * group is taken as an attribute list only when it looks like one (it
 * starts with # or . or holds '='), so a title such as "Using {braces}"
 * stays a title.
 */
#include <string.h>

#include "specc/codes.h"
#include "internal.h"

static bool is_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == ':' || c == '.';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static void malformed(specc_project *p, uint32_t file, uint32_t a, uint32_t b, const char *what)
{
	specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(MALFORMED_ATTRIBUTES),
				       specc_span_make(file, a, b), "malformed attribute list: %s", what);
	specc_diag_help(&p->diags, d,
			"write attributes as {#id key=value key=\"quoted value\"}, separated by spaces");
}

static void add_tags(specc_project *p, uint32_t file, uint32_t base, const char *v, size_t n,
		     specc_heading_attrs *out)
{
	size_t i = 0;
	/* tag_first was set when the list began; a second tags= appends, and
	 * nothing else adds strings while one list is read. */
	while (i < n) {
		size_t j = i;
		while (j < n && v[j] != ',')
			j++;
		size_t a = i, b = j;
		while (a < b && is_space(v[a]))
			a++;
		while (b > a && is_space(v[b - 1]))
			b--;
		if (b > a) {
			specc_sstr *s = SPECC_PUSH(p->strs);
			s->s = specc_str_make(v + a, b - a);
			s->span = specc_span_make(file, base + (uint32_t)a, base + (uint32_t)b);
			out->tag_count++;
		}
		i = j + 1;
	}
}

void specc_attrs_parse(specc_project *p, uint32_t file, uint32_t base, const char *line,
		       size_t n, specc_heading_attrs *out)
{
	size_t end = n, open;

	memset(out, 0, sizeof *out);
	out->title_end = n;
	out->tag_first = p->strs.len;
	while (end > 0 && is_space(line[end - 1]))
		end--;
	if (end == 0 || line[end - 1] != '}')
		return;
	open = end - 1;
	while (open > 0 && line[open - 1] != '{')
		open--;
	if (open == 0)
		return;
	open--; /* at '{' */
	const char *s = line + open + 1, *e = line + end - 1;
	if (!(s < e && (*s == '#' || *s == '.')) && !memchr(s, '=', (size_t)(e - s)))
		return;
	out->title_end = open;
	while (out->title_end > 0 && is_space(line[out->title_end - 1]))
		out->title_end--;

	const char *q = s;
	while (q < e) {
		while (q < e && is_space(*q))
			q++;
		if (q >= e)
			break;
		const char *ts = q;
		uint32_t at = base + (uint32_t)(ts - line);
		if (*q == '#' || *q == '.') {
			char kind = *q++;
			const char *ns = q;
			while (q < e && is_id_char(*q))
				q++;
			if (q == ns || (q < e && !is_space(*q))) {
				while (q < e && !is_space(*q))
					q++;
				if (kind == '#')
					out->id_malformed = true;
				malformed(p, file, at, base + (uint32_t)(q - line),
					  kind == '#' ? "an ID may hold only letters, digits and _-:."
						      : "a class may hold only letters, digits and _-:.");
				continue;
			}
			if (kind == '#') {
				if (out->id.ptr) {
					malformed(p, file, at, base + (uint32_t)(q - line),
						  "a heading can have only one #id");
					continue;
				}
				out->id = specc_str_make(ns, (size_t)(q - ns));
				out->id_span = specc_span_make(file, base + (uint32_t)(ns - line),
							       base + (uint32_t)(q - line));
			}
			continue;
		}
		const char *ks = q;
		while (q < e && is_id_char(*q))
			q++;
		const char *ke = q;
		if (ke == ks || q >= e || *q != '=') {
			while (q < e && !is_space(*q))
				q++;
			malformed(p, file, at, base + (uint32_t)(q - line),
				  ke == ks ? "expected #id, .class or key=value"
					   : "an attribute needs a value (key=value)");
			continue;
		}
		q++;
		const char *vs = q, *ve;
		if (q < e && (*q == '"' || *q == '\'')) {
			const char *close = memchr(q + 1, *q, (size_t)(e - q - 1));
			if (!close) {
				malformed(p, file, at, base + (uint32_t)(e - line),
					  "a quoted value is never closed");
				break;
			}
			vs = q + 1;
			ve = close;
			q = close + 1;
		} else {
			while (q < e && !is_space(*q))
				q++;
			ve = q;
		}
		specc_str key = specc_str_make(ks, (size_t)(ke - ks));
		uint32_t vb = base + (uint32_t)(vs - line);
		if (specc_str_eqz(key, "authority")) {
			out->authority = specc_str_make(vs, (size_t)(ve - vs));
			out->authority_span = specc_span_make(file, vb, base + (uint32_t)(ve - line));
		} else if (specc_str_eqz(key, "tags")) {
			add_tags(p, file, vb, vs, (size_t)(ve - vs), out);
		} else if (specc_str_eqz(key, "overrides")) {
			/* overrides=#id or overrides=id: the section whose
			 * conflicting clauses this one takes precedence over. */
			const char *o = vs < ve && *vs == '#' ? vs + 1 : vs;
			out->overrides = specc_str_make(o, (size_t)(ve - o));
			out->overrides_span = specc_span_make(file, vb, base + (uint32_t)(ve - line));
		} else {
			specc_diag *d = specc_diag_add(
				&p->diags, SPECC_CODE(UNKNOWN_ATTRIBUTE),
				specc_span_make(file, at, base + (uint32_t)(ke - line)),
				"unknown heading attribute \"%s\"",
				specc_diag_quote(&p->diags, ks, (size_t)(ke - ks), 40));
			specc_diag_help(&p->diags, d,
					"specc knows authority=, tags= and overrides=; check the spelling, or "
					"remove it");
		}
	}
}
