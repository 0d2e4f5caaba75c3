/*
 * render.c - diagnostics as human text, JSON, SARIF 2.1.0 and GitHub
 * workflow annotations.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "specc/buf.h"
#include "specc/diag.h"
#include "specc/json.h"
#include "specc/utf8.h"

/* Lines longer than this many bytes are shown as a window around the span,
 * so a 1 MB line does not flood the terminal. */
#define WINDOW_BYTES 120

static const specc_source *src_of(const specc_sources *srcs, specc_span sp)
{
	return sp.file < srcs->len ? &srcs->items[sp.file] : NULL;
}

/* ===================================================================== */
/* human                                                                  */
/* ===================================================================== */

struct style {
	const char *bold, *reset, *sev[3], *gutter, *mark;
};

static void human_header(specc_buf *b, const struct style *st, const specc_source *s,
			 specc_span sp, specc_severity sev, const char *label)
{
	specc_buf_addstr(b, st->bold);
	if (s) {
		specc_pos p;
		specc_source_pos(s, sp.start, &p);
		specc_buf_addf(b, "%s:%u:%u: ", s->path, p.line, p.column);
	}
	specc_buf_addf(b, "%s%s:%s", st->sev[sev], label, st->reset);
}

/* Control characters, C1 controls and invalid bytes are shown as '?',
 * so they cannot move the cursor or break the caret's alignment. */
static bool shown_as_mark(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == SPECC_UTF8_REPLACEMENT;
}

/* Columns one character takes as add_visible() shows it. */
static size_t visible_width(uint32_t cp, const char *p, size_t k)
{
	return shown_as_mark(cp) ? 1 : specc_display_width(p, k);
}

/* Appends bytes of a source line as they are shown; tabs stay tabs. */
static void add_visible(specc_buf *b, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = specc_utf8_decode(p + i, n - i, &cp);
		if (cp == '\t')
			specc_buf_addch(b, '\t');
		else if (shown_as_mark(cp))
			specc_buf_addch(b, '?');
		else
			specc_buf_add(b, p + i, k);
		i += k;
	}
}

/* Appends blanks as wide as the shown form of p[0..n), keeping tabs as
 * tabs so the caret lines up whatever the terminal's tab width. */
static void add_padding(specc_buf *b, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = specc_utf8_decode(p + i, n - i, &cp);
		if (cp == '\t')
			specc_buf_addch(b, '\t');
		else
			specc_buf_addchars(b, ' ', visible_width(cp, p + i, k));
		i += k;
	}
}

/* Columns the shown form of p[0..n) takes, a tab counting one. */
static size_t shown_width(const char *p, size_t n)
{
	size_t i = 0, w = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = specc_utf8_decode(p + i, n - i, &cp);
		w += cp == '\t' ? 1 : visible_width(cp, p + i, k);
		i += k;
	}
	return w;
}

static size_t char_start(const char *p, size_t i)
{
	while (i > 0 && ((unsigned char)p[i] & 0xc0) == 0x80)
		i--;
	return i;
}

static void human_snippet(specc_buf *b, const struct style *st, const specc_source *s,
			  specc_span sp)
{
	uint32_t line = specc_source_line_of(s, sp.start);
	specc_str text = specc_source_line_text(s, line);
	size_t col = sp.start - s->lines[line];
	size_t end = sp.end > sp.start ? sp.end - s->lines[line] : col;
	size_t from = 0, to = text.len;
	char num[16];
	int w;

	if (col > text.len)
		col = text.len;
	if (end > text.len)
		end = text.len;
	if (text.len > WINDOW_BYTES) {
		from = col > WINDOW_BYTES / 3 ? char_start(text.ptr, col - WINDOW_BYTES / 3) : 0;
		to = from + WINDOW_BYTES < text.len ? char_start(text.ptr, from + WINDOW_BYTES)
						    : text.len;
		if (end > to)
			end = to;
	}
	w = snprintf(num, sizeof num, "%u", line + 1);
	specc_buf_addf(b, "%s %s |%s ", st->gutter, num, st->reset);
	if (from > 0)
		specc_buf_addstr(b, "...");
	add_visible(b, text.ptr + from, to - from);
	if (to < text.len)
		specc_buf_addstr(b, "...");
	specc_buf_addch(b, '\n');
	specc_buf_addf(b, "%s %*s |%s ", st->gutter, w, "", st->reset);
	if (from > 0)
		specc_buf_addstr(b, "   ");
	add_padding(b, text.ptr + from, col - from);
	specc_buf_addf(b, "%s^", st->mark);
	if (end > col) {
		size_t width = shown_width(text.ptr + col, end - col);
		if (width > 1)
			specc_buf_addchars(b, '~', width - 1);
	}
	specc_buf_addf(b, "%s\n", st->reset);
}

int specc_render_human(FILE *out, const specc_sources *srcs, const specc_diags *d,
		       const specc_render_opts *opts)
{
	static const struct style plain = { "", "", { "", "", "" }, "", "" };
	static const struct style color = { "\033[1m", "\033[0m",
					    { "\033[1;36m", "\033[1;35m", "\033[1;31m" },
					    "\033[1;34m", "\033[1;32m" };
	const struct style *st = opts && opts->color ? &color : &plain;
	specc_buf b = SPECC_BUF_INIT;
	int rc = SPECC_OK;

	for (uint32_t i = 0; i < d->len; i++) {
		const specc_diag *dg = &d->items[i];
		const specc_source *s = src_of(srcs, dg->span);

		specc_buf_reset(&b);
		human_header(&b, st, s, dg->span, dg->severity, specc_severity_name(dg->severity));
		specc_buf_addf(&b, " %s%s%s [%s]\n", st->bold, dg->message, st->reset, dg->code->id);
		if (s)
			human_snippet(&b, st, s, dg->span);
		if (dg->help)
			specc_buf_addf(&b, "  = help: %s\n", dg->help);
		if (dg->fix_title)
			specc_buf_addf(&b, "  = fix: %s\n", dg->fix_title);
		for (const specc_related *r = dg->related; r; r = r->next) {
			const specc_source *rs = src_of(srcs, r->span);
			specc_buf_addstr(&b, "  ");
			human_header(&b, st, rs, r->span, SPECC_NOTE, "note");
			specc_buf_addf(&b, " %s\n", r->message);
			if (rs)
				human_snippet(&b, st, rs, r->span);
		}
		if (fwrite(b.ptr, 1, b.len, out) != b.len)
			rc = SPECC_EIO;
	}
	specc_buf_release(&b);
	return rc;
}

/* ===================================================================== */
/* JSON                                                                   */
/* ===================================================================== */

static json_t *jstrz(const char *s)
{
	return specc_json_string(s, strlen(s));
}

static json_t *json_pos(const specc_source *s, uint32_t off)
{
	specc_pos p;
	specc_source_pos(s, off, &p);
	return json_pack("{s:I,s:I,s:I,s:I}", "line", (json_int_t)p.line, "column",
			 (json_int_t)p.column, "utf16", (json_int_t)p.utf16, "offset",
			 (json_int_t)off);
}

static void json_add_span(json_t *obj, const specc_sources *srcs, specc_span sp)
{
	const specc_source *s = src_of(srcs, sp);
	if (!s) {
		json_object_set_new(obj, "file", json_null());
		json_object_set_new(obj, "start", json_null());
		json_object_set_new(obj, "end", json_null());
		return;
	}
	json_object_set_new(obj, "file", jstrz(s->path));
	json_object_set_new(obj, "start", json_pos(s, sp.start));
	json_object_set_new(obj, "end", json_pos(s, sp.end));
}

static int dump(FILE *out, json_t *root)
{
	int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ? SPECC_EIO : SPECC_OK;
	if (rc == SPECC_OK && fputc('\n', out) == EOF)
		rc = SPECC_EIO;
	json_decref(root);
	return rc;
}

struct json_t *specc_diags_to_json(const specc_sources *srcs, const specc_diags *d)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; i < d->len; i++) {
		const specc_diag *dg = &d->items[i];
		json_t *o = json_object(), *rel = json_array();

		json_object_set_new(o, "code", json_string(dg->code->id));
		json_object_set_new(o, "severity", json_string(specc_severity_name(dg->severity)));
		json_object_set_new(o, "message", jstrz(dg->message));
		json_object_set_new(o, "help", dg->help ? jstrz(dg->help) : json_null());
		json_add_span(o, srcs, dg->span);
		for (const specc_related *r = dg->related; r; r = r->next) {
			json_t *ro = json_object();
			json_object_set_new(ro, "message", jstrz(r->message));
			json_add_span(ro, srcs, r->span);
			json_array_append_new(rel, ro);
		}
		json_object_set_new(o, "related", rel);
		if (dg->edits) {
			json_t *fix = json_object(), *edits = json_array();
			json_object_set_new(fix, "title",
					    dg->fix_title ? jstrz(dg->fix_title) : json_null());
			for (const specc_edit *e = dg->edits; e; e = e->next) {
				json_t *eo = json_object();
				json_add_span(eo, srcs, e->span);
				json_object_set_new(eo, "text", jstrz(e->text));
				json_array_append_new(edits, eo);
			}
			json_object_set_new(fix, "edits", edits);
			json_object_set_new(o, "fix", fix);
		} else {
			json_object_set_new(o, "fix", json_null());
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

int specc_render_json(FILE *out, const specc_sources *srcs, const specc_diags *d,
		      const specc_render_opts *opts)
{
	json_t *root = json_object();
	(void)opts;

	json_object_set_new(root, "diagnostics", specc_diags_to_json(srcs, d));
	json_object_set_new(root, "summary",
			    json_pack("{s:I,s:I,s:I}", "errors", (json_int_t)d->count[SPECC_ERROR],
				      "warnings", (json_int_t)d->count[SPECC_WARNING], "notes",
				      (json_int_t)d->count[SPECC_NOTE]));
	return dump(out, root);
}

/* ===================================================================== */
/* SARIF 2.1.0                                                            */
/* ===================================================================== */

/* Appends s percent-encoded for a URI (RFC 3986: unreserved characters
 * and '/' stay as they are). */
static void add_uri_escaped(specc_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			specc_buf_addch(b, *p);
		else
			specc_buf_addf(b, "%%%02X", *p);
	}
}

json_t *specc_sarif_uri(const char *path)
{
	specc_buf b = SPECC_BUF_INIT;
	if (path[0] == '.' && path[1] == '/')
		path += 2;
	add_uri_escaped(&b, path);
	json_t *j = json_stringn(b.ptr, b.len);
	specc_buf_release(&b);
	return j;
}

static const char *sarif_level(specc_severity sev)
{
	return sev == SPECC_ERROR ? "error" : sev == SPECC_WARNING ? "warning" : "note";
}

static json_t *sarif_region(const specc_source *s, specc_span sp)
{
	specc_pos a, b;
	specc_source_pos(s, sp.start, &a);
	specc_source_pos(s, sp.end, &b);
	return json_pack("{s:I,s:I,s:I,s:I}", "startLine", (json_int_t)a.line, "startColumn",
			 (json_int_t)a.utf16, "endLine", (json_int_t)b.line, "endColumn",
			 (json_int_t)b.utf16);
}

static json_t *sarif_physical(const specc_source *s, specc_span sp)
{
	return json_pack("{s:{s:o,s:s},s:o}", "artifactLocation", "uri", specc_sarif_uri(s->path),
			 "uriBaseId", "SRCROOT", "region", sarif_region(s, sp));
}

json_t *specc_sarif_srcroot(void)
{
	char *cwd = getcwd(NULL, 0);
	specc_buf b = SPECC_BUF_INIT;
	json_t *j;

	specc_buf_addstr(&b, "file://");
	if (cwd)
		add_uri_escaped(&b, cwd);
	if (b.len == 0 || b.ptr[b.len - 1] != '/')
		specc_buf_addch(&b, '/');
	free(cwd);
	j = json_stringn(b.ptr, b.len);
	specc_buf_release(&b);
	return j;
}

int specc_render_sarif(FILE *out, const specc_sources *srcs, const specc_diags *d,
		       const specc_render_opts *opts)
{
	json_t *rules = json_array(), *results = json_array(), *index = json_object();

	for (uint32_t i = 0; i < d->len; i++) {
		const specc_diag *dg = &d->items[i];
		const specc_source *s = src_of(srcs, dg->span);
		json_t *ri = json_object_get(index, dg->code->id);
		json_t *res;

		if (!ri) {
			ri = json_integer((json_int_t)json_array_size(rules));
			json_object_set_new(index, dg->code->id, ri);
			json_t *rule = json_pack(
				"{s:s,s:{s:s},s:{s:s},s:{s:s}}", "id", dg->code->id, "shortDescription",
				"text", dg->code->summary, "defaultConfiguration", "level",
				sarif_level(dg->code->severity), "help", "text",
				dg->code->help ? dg->code->help
					       : "docs/diagnostics.md lists every code and how to fix it.");
			if (dg->code->help_uri)
				json_object_set_new(rule, "helpUri", json_string(dg->code->help_uri));
			json_array_append_new(rules, rule);
		}
		res = json_pack("{s:s,s:O,s:s}", "ruleId", dg->code->id, "ruleIndex", ri, "level",
				sarif_level(dg->severity));
		if (dg->help) {
			specc_buf m = SPECC_BUF_INIT;
			specc_buf_addf(&m, "%s\n%s", dg->message, dg->help);
			json_object_set_new(res, "message", json_pack("{s:o}", "text", specc_json_string(m.ptr, m.len)));
			specc_buf_release(&m);
		} else {
			json_object_set_new(res, "message", json_pack("{s:o}", "text", jstrz(dg->message)));
		}
		if (s)
			json_object_set_new(res, "locations",
					    json_pack("[{s:o}]", "physicalLocation", sarif_physical(s, dg->span)));
		if (dg->related) {
			json_t *rel = json_array();
			int id = 1;
			for (const specc_related *r = dg->related; r; r = r->next) {
				const specc_source *rs = src_of(srcs, r->span);
				if (!rs)
					continue;
				json_array_append_new(
					rel, json_pack("{s:i,s:o,s:{s:o}}", "id", id++, "physicalLocation",
						       sarif_physical(rs, r->span), "message", "text",
						       jstrz(r->message)));
			}
			json_object_set_new(res, "relatedLocations", rel);
		}
		if (dg->edits) {
			json_t *changes = json_array();
			for (const specc_edit *e = dg->edits; e; e = e->next) {
				const specc_source *es = src_of(srcs, e->span);
				if (!es)
					continue;
				json_array_append_new(
					changes,
					json_pack("{s:{s:o,s:s},s:[{s:o,s:{s:o}}]}", "artifactLocation", "uri",
						  specc_sarif_uri(es->path), "uriBaseId", "SRCROOT", "replacements",
						  "deletedRegion", sarif_region(es, e->span),
						  "insertedContent", "text", jstrz(e->text)));
			}
			/* SARIF wants at least one change in a fix. */
			if (json_array_size(changes) == 0) {
				json_decref(changes);
			} else {
				json_t *fix = json_pack("[{s:{s:o},s:o}]", "description", "text",
							jstrz(dg->fix_title ? dg->fix_title
									    : dg->message),
							"artifactChanges", changes);
				json_object_set_new(res, "fixes", fix);
			}
		}
		json_array_append_new(results, res);
	}
	json_decref(index);

	json_t *root = json_pack(
		"{s:s,s:s,s:[{s:{s:{s:s,s:s,s:o}},s:{s:{s:o}},s:s,s:o}]}", "$schema",
		"https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool",
		"driver", "name", opts && opts->tool_name ? opts->tool_name : "specc", "version",
		opts && opts->tool_version ? opts->tool_version : "0",
		"rules", rules, "originalUriBaseIds", "SRCROOT",
		"uri", specc_sarif_srcroot(), "columnKind", "utf16CodeUnits", "results", results);
	return dump(out, root);
}

/* ===================================================================== */
/* GitHub workflow annotations                                            */
/* ===================================================================== */

/* Escapes as GitHub's toolkit does: data escapes %, CR and LF; property
 * values also escape ':' and ','. */
static void gh_escape(specc_buf *b, const char *s, bool property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': specc_buf_addstr(b, "%25"); break;
		case '\r': specc_buf_addstr(b, "%0D"); break;
		case '\n': specc_buf_addstr(b, "%0A"); break;
		case ':':
			if (property) { specc_buf_addstr(b, "%3A"); break; }
			specc_buf_addch(b, *s);
			break;
		case ',':
			if (property) { specc_buf_addstr(b, "%2C"); break; }
			specc_buf_addch(b, *s);
			break;
		default: specc_buf_addch(b, *s);
		}
	}
}

int specc_render_github(FILE *out, const specc_sources *srcs, const specc_diags *d,
			const specc_render_opts *opts)
{
	specc_buf b = SPECC_BUF_INIT;
	int rc = SPECC_OK;
	(void)opts;

	for (uint32_t i = 0; i < d->len; i++) {
		const specc_diag *dg = &d->items[i];
		const specc_source *s = src_of(srcs, dg->span);
		const char *kind = dg->severity == SPECC_ERROR   ? "error"
				   : dg->severity == SPECC_WARNING ? "warning"
								   : "notice";
		specc_buf title = SPECC_BUF_INIT, msg = SPECC_BUF_INIT;

		specc_buf_reset(&b);
		specc_buf_addf(&b, "::%s ", kind);
		if (s) {
			specc_pos p, q;
			specc_source_pos(s, dg->span.start, &p);
			specc_source_pos(s, dg->span.end, &q);
			specc_buf_addstr(&b, "file=");
			gh_escape(&b, s->path, true);
			specc_buf_addf(&b, ",line=%u,col=%u,endLine=%u,", p.line, p.column, q.line);
			if (q.line == p.line)
				specc_buf_addf(&b, "endColumn=%u,", q.column);
		}
		specc_buf_addf(&title, "specc %s", dg->code->id);
		specc_buf_addstr(&b, "title=");
		gh_escape(&b, title.ptr, true);
		specc_buf_addstr(&b, "::");
		specc_buf_addstr(&msg, dg->message);
		if (dg->help)
			specc_buf_addf(&msg, "\n%s", dg->help);
		gh_escape(&b, msg.ptr, false);
		specc_buf_addch(&b, '\n');
		specc_buf_release(&title);
		specc_buf_release(&msg);
		if (fwrite(b.ptr, 1, b.len, out) != b.len)
			rc = SPECC_EIO;
	}
	specc_buf_release(&b);
	return rc;
}
