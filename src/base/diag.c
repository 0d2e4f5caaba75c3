/*
 * diag.c - the diagnostic collection and the built-in code registry.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "specc/buf.h"
#include "specc/codes.h"
#include "specc/diag.h"
#include "specc/utf8.h"

const specc_code specc_codes[SPECC_C__COUNT] = {
#define SPECC_X(name, id, sev, summary) { id, SPECC_##sev, summary, NULL, NULL },
	SPECC_CODES(SPECC_X)
#undef SPECC_X
};

const specc_code *specc_code_find(const char *id)
{
	for (size_t i = 0; i < SPECC_C__COUNT; i++)
		if (!strcmp(specc_codes[i].id, id))
			return &specc_codes[i];
	return NULL;
}

void specc_diags_init(specc_diags *d)
{
	memset(d, 0, sizeof *d);
	specc_arena_init(&d->arena);
}

void specc_diags_release(specc_diags *d)
{
	free(d->items);
	specc_arena_release(&d->arena);
	memset(d, 0, sizeof *d);
}

__attribute__((format(printf, 2, 0)))
static char *vformat(specc_arena *a, const char *fmt, va_list ap)
{
	specc_buf b = SPECC_BUF_INIT;
	specc_buf_vaddf(&b, fmt, ap);
	char *s = specc_arena_strndup(a, b.ptr, b.len);
	specc_buf_release(&b);
	return s;
}

specc_diag *specc_diag_add(specc_diags *d, const specc_code *code, specc_span span,
			   const char *fmt, ...)
{
	va_list ap;
	specc_diag *diag = SPECC_PUSH(*d);

	diag->code = code;
	diag->severity = code->severity;
	diag->span = span;
	va_start(ap, fmt);
	diag->message = vformat(&d->arena, fmt, ap);
	va_end(ap);
	diag->seq = d->len - 1;
	d->count[diag->severity]++;
	return diag;
}

void specc_diag_help(specc_diags *d, specc_diag *diag, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag->help = vformat(&d->arena, fmt, ap);
	va_end(ap);
}

void specc_diag_related(specc_diags *d, specc_diag *diag, specc_span span, const char *fmt, ...)
{
	va_list ap;
	specc_related *r = specc_arena_alloc(&d->arena, sizeof *r);
	specc_related **tail = &diag->related;

	r->span = span;
	va_start(ap, fmt);
	r->message = vformat(&d->arena, fmt, ap);
	va_end(ap);
	while (*tail)
		tail = &(*tail)->next;
	*tail = r;
}

void specc_diag_edit(specc_diags *d, specc_diag *diag, specc_span span, const char *text,
		     size_t len, const char *title)
{
	specc_edit *e = specc_arena_alloc(&d->arena, sizeof *e);
	specc_edit **tail = &diag->edits;

	e->span = span;
	e->text = specc_arena_strndup(&d->arena, text, len);
	if (title)
		diag->fix_title = specc_arena_strndup(&d->arena, title, strlen(title));
	while (*tail)
		tail = &(*tail)->next;
	*tail = e;
}

void specc_diag_set_severity(specc_diags *d, specc_diag *diag, specc_severity sev)
{
	d->count[diag->severity]--;
	diag->severity = sev;
	d->count[sev]++;
}

static int cmp_diag(const void *pa, const void *pb)
{
	const specc_diag *a = pa, *b = pb;

	/* Project-wide findings (no file) come first. */
	if (a->span.file != b->span.file) {
		if (a->span.file == SPECC_NONE)
			return -1;
		if (b->span.file == SPECC_NONE)
			return 1;
		return a->span.file < b->span.file ? -1 : 1;
	}
	if (a->span.start != b->span.start)
		return a->span.start < b->span.start ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void specc_diags_sort(specc_diags *d)
{
	if (d->len > 1)
		qsort(d->items, d->len, sizeof *d->items, cmp_diag);
}

void specc_quote_to_buf(specc_buf *b, const char *s, size_t n, size_t max)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t k;

		if (c >= 0x20 && c < 0x7f) { /* the common case */
			cp = c;
			k = 1;
		} else {
			k = specc_utf8_decode(s + i, n - i, &cp);
		}
		/* max counts input bytes; a character that would cross it is
		 * cut whole, so the result never ends inside a character. */
		if (n > max && i + k > max) {
			specc_buf_addstr(b, "...");
			break;
		}
		if (cp < 0x20 || cp == 0x7f) {
			if (cp == '\n')
				specc_buf_addstr(b, "\\n");
			else if (cp == '\t')
				specc_buf_addstr(b, "\\t");
			else if (cp == '\r')
				specc_buf_addstr(b, "\\r");
			else
				specc_buf_addf(b, "\\x%02x", (unsigned)cp);
		} else if (k == 1 && cp < 0x80) {
			specc_buf_addch(b, (int)cp);
		} else {
			char enc[4];
			specc_buf_add(b, enc, specc_utf8_encode(cp, enc));
		}
		i += k;
	}
}

const char *specc_diag_quote(specc_diags *d, const char *s, size_t n, size_t max)
{
	specc_buf b = SPECC_BUF_INIT;

	specc_quote_to_buf(&b, s, n, max);
	const char *out = specc_arena_strndup(&d->arena, b.ptr ? b.ptr : "", b.len);
	specc_buf_release(&b);
	return out;
}

specc_diag *specc_diag_add_msg(specc_diags *d, const specc_code *code, specc_span span,
			       const char *msg, size_t len)
{
	specc_diag *diag = SPECC_PUSH(*d);

	diag->code = code;
	diag->severity = code->severity;
	diag->span = span;
	diag->message = specc_arena_strndup(&d->arena, msg, len);
	diag->seq = d->len - 1;
	d->count[diag->severity]++;
	return diag;
}

const char *specc_severity_name(specc_severity sev)
{
	switch (sev) {
	case SPECC_ERROR:
		return "error";
	case SPECC_WARNING:
		return "warning";
	case SPECC_NOTE:
		break;
	}
	return "note";
}

int specc_format_parse(const char *name, specc_format *out)
{
	static const struct {
		const char *name;
		specc_format fmt;
	} formats[] = {
		{ "human", SPECC_FORMAT_HUMAN },
		{ "json", SPECC_FORMAT_JSON },
		{ "sarif", SPECC_FORMAT_SARIF },
		{ "github", SPECC_FORMAT_GITHUB },
	};
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(formats); i++) {
		if (!strcmp(name, formats[i].name)) {
			*out = formats[i].fmt;
			return SPECC_OK;
		}
	}
	return SPECC_EINVAL;
}

int specc_diags_render(FILE *out, specc_format fmt, const specc_sources *srcs,
		       const specc_diags *d, const specc_render_opts *opts)
{
	switch (fmt) {
	case SPECC_FORMAT_JSON:
		return specc_render_json(out, srcs, d, opts);
	case SPECC_FORMAT_SARIF:
		return specc_render_sarif(out, srcs, d, opts);
	case SPECC_FORMAT_GITHUB:
		return specc_render_github(out, srcs, d, opts);
	case SPECC_FORMAT_HUMAN:
		break;
	}
	return specc_render_human(out, srcs, d, opts);
}
