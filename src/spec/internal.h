/*
 * internal.h - helpers shared by the modules of src/spec (not installed).
 */
#ifndef SPECC_SPEC_INTERNAL_H
#define SPECC_SPEC_INTERNAL_H

#include "specc/buf.h"
#include "specc/project.h"

/* Maps a pointer into the text being parsed back to a byte offset in the
 * source.  Text is not always the source itself: admonition bodies are
 * parsed from a dedented copy. */
typedef uint32_t (*specc_offset_fn)(void *ctx, const char *p);

/*
 * Decodes the character reference at s (s[0] == '&', n bytes available):
 * "&name;", "&#123;" or "&#x1F600;".  On success appends the UTF-8 to out
 * and returns the reference's length; returns 0 when s does not start a
 * reference (the '&' is then literal).
 */
size_t specc_entity_decode(const char *s, size_t n, specc_buf *out);

/* Returns the slice s with entities decoded: s itself when it holds none,
 * otherwise a copy in the arena. */
specc_str specc_entities_decode_str(specc_arena *a, const char *s, size_t n);

/*
 * Parses the conversation in text[0..len) (the content of a ~~~xml block),
 * appending its turns and attributes to p and reporting malformed markup
 * to p->diags.  map turns pointers into text into offsets in source file.
 */
void specc_conv_parse(specc_project *p, uint32_t file, const char *text, size_t len,
		      specc_offset_fn map, void *ctx, specc_conversation *out);

/* Whether text[s, e) starts, after blank lines, with a role or
 * <comparison> opening tag: an xml block that reads as a conversation. */
bool specc_conv_starts_with_tag(const char *s, const char *e);

/* A heading attribute list, parsed from the raw heading line. */
typedef struct specc_heading_attrs {
	specc_str id;
	specc_span id_span;
	specc_str authority;
	specc_span authority_span;
	specc_str overrides;       /* overrides=#id, without the '#' */
	specc_span overrides_span;
	uint32_t tag_first, tag_count;
	size_t title_end; /* bytes of the line's title before the attribute list */
	bool id_malformed; /* an #id token could not be read */
} specc_heading_attrs;

/*
 * Splits a heading's text (line[0..n), starting at offset base in source
 * file) into title and attribute list and parses the list.  Reports
 * malformed-attributes and unknown-attribute.
 */
void specc_attrs_parse(specc_project *p, uint32_t file, uint32_t base, const char *line,
		       size_t n, specc_heading_attrs *out);

/* Reads YAML front matter or specc.yaml (see yaml.c). */
void specc_front_matter_parse(specc_project *p, uint32_t spec, uint32_t file, uint32_t start,
			      uint32_t end);
int specc_config_parse(specc_project *p, uint32_t file);

#endif
