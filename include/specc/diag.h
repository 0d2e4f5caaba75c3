/*
 * diag.h - the one diagnostic type every pass reports with, and its
 * renderers.
 *
 * A diagnostic has a stable code (kebab-case, listed in codes.h and in
 * docs/diagnostics.md), a severity, a message saying what is wrong, an
 * optional help sentence saying how to fix it, a primary span, related
 * spans with their own messages, and optional fix edits.  All strings are
 * owned by the specc_diags collection.
 */
#ifndef SPECC_DIAG_H
#define SPECC_DIAG_H

#include <stdio.h>

#include "specc/arena.h"
#include "specc/source.h"

typedef enum specc_severity {
	SPECC_NOTE = 0,
	SPECC_WARNING = 1,
	SPECC_ERROR = 2,
} specc_severity;

/* Describes a kind of finding.  Descriptors are static (built-in codes) or
 * owned by whoever registers them (lint rules), and must outlive every
 * diagnostic that points to them. */
typedef struct specc_code {
	const char *id;        /* stable identifier, e.g. "duplicate-section-id" */
	specc_severity severity;
	const char *summary;   /* one sentence, for rule tables and --explain */
	const char *help;      /* longer text for SARIF, or NULL for the default */
	const char *help_uri;  /* where to read more, or NULL */
} specc_code;

typedef struct specc_related {
	struct specc_related *next;
	specc_span span;
	const char *message;
} specc_related;

/* Replace the bytes of span with text (insertion when the span is empty). */
typedef struct specc_edit {
	struct specc_edit *next;
	specc_span span;
	const char *text;
} specc_edit;

typedef struct specc_diag {
	const specc_code *code;
	specc_severity severity;
	specc_span span;          /* file may be SPECC_NONE for project-wide findings */
	const char *message;
	const char *help;         /* NULL when there is nothing to add */
	specc_related *related;   /* in the order they were added */
	specc_edit *edits;        /* one fix; its edits never overlap */
	const char *fix_title;    /* what applying the edits does */
	uint32_t seq;             /* insertion order, for stable sorting */
} specc_diag;

typedef struct specc_diags {
	specc_diag *items;
	uint32_t len, cap;
	specc_arena arena;
	uint32_t count[3];        /* by severity */
} specc_diags;

void specc_diags_init(specc_diags *d);
void specc_diags_release(specc_diags *d);

/*
 * Records a finding with the code's default severity and returns it, so
 * help, related spans and edits can be attached.  The pointer is valid until
 * the next specc_diag_add() on the same collection.
 */
specc_diag *specc_diag_add(specc_diags *d, const specc_code *code, specc_span span,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The same with a message already written (msg[0, len), copied). */
specc_diag *specc_diag_add_msg(specc_diags *d, const specc_code *code, specc_span span,
			       const char *msg, size_t len);

void specc_diag_help(specc_diags *d, specc_diag *diag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void specc_diag_related(specc_diags *d, specc_diag *diag, specc_span span, const char *fmt,
			...) __attribute__((format(printf, 4, 5)));

/* Adds one edit to the diagnostic's fix.  title describes the whole fix and
 * may be NULL after the first edit. */
void specc_diag_edit(specc_diags *d, specc_diag *diag, specc_span span, const char *text,
		     size_t len, const char *title);

/* Changes a diagnostic's severity, keeping the per-severity counts right. */
void specc_diag_set_severity(specc_diags *d, specc_diag *diag, specc_severity sev);

/* Sorts by file, then position, then insertion order. */
void specc_diags_sort(specc_diags *d);

/*
 * Quotes untrusted text for a message: control characters are escaped,
 * invalid UTF-8 becomes U+FFFD, and text longer than max bytes is cut at a
 * character boundary and ends with "...".  The result is owned by d.
 */
const char *specc_diag_quote(specc_diags *d, const char *s, size_t n, size_t max);
/* The same, appended to b. */
struct specc_buf;
void specc_quote_to_buf(struct specc_buf *b, const char *s, size_t n, size_t max);

const char *specc_severity_name(specc_severity sev);

/* ---- renderers ---------------------------------------------------------- */

typedef enum specc_format {
	SPECC_FORMAT_HUMAN,
	SPECC_FORMAT_JSON,
	SPECC_FORMAT_SARIF,
	SPECC_FORMAT_GITHUB,
} specc_format;

/* Parses "human", "json", "sarif" or "github". */
int specc_format_parse(const char *name, specc_format *out);

typedef struct specc_render_opts {
	bool color;              /* human format only */
	const char *tool_name;   /* "specc" */
	const char *tool_version;
} specc_render_opts;

/* Writes every diagnostic in d (sort it first) in the given format.
 * Returns SPECC_EIO when writing fails. */
int specc_diags_render(FILE *out, specc_format fmt, const specc_sources *srcs,
		       const specc_diags *d, const specc_render_opts *opts);

/* The diagnostics as a JSON array, in the shape of --format json (a new
 * jansson reference, owned by the caller). */
struct json_t;
struct json_t *specc_diags_to_json(const specc_sources *srcs, const specc_diags *d);

int specc_render_human(FILE *out, const specc_sources *srcs, const specc_diags *d,
		       const specc_render_opts *opts);
int specc_render_json(FILE *out, const specc_sources *srcs, const specc_diags *d,
		      const specc_render_opts *opts);
int specc_render_sarif(FILE *out, const specc_sources *srcs, const specc_diags *d,
		       const specc_render_opts *opts);
int specc_render_github(FILE *out, const specc_sources *srcs, const specc_diags *d,
			const specc_render_opts *opts);

#endif
