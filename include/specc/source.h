/*
 * source.h - loaded files and their line tables.
 *
 * Every IR node and diagnostic points into a source by (file, byte offset).
 * Lines and columns are derived on demand from the line table, so spans stay
 * small and cheap to copy.
 */
#ifndef SPECC_SOURCE_H
#define SPECC_SOURCE_H

#include <stdint.h>

#include "specc/base.h"

/* Offsets are 32-bit; files are capped well below that (see load.c). */
#define SPECC_MAX_FILE_SIZE (256u << 20)

enum specc_source_kind {
	SPECC_SOURCE_SPEC,
	SPECC_SOURCE_EVAL,
	SPECC_SOURCE_CONFIG,
	SPECC_SOURCE_RULES,  /* a lint rule file */
};

typedef struct specc_source {
	char *path;      /* as shown to users: relative to the working directory */
	char *data;      /* the file's bytes; data[len] is a NUL added on load */
	uint32_t len;
	uint32_t *lines; /* byte offset of the start of each line; lines[0] == 0 */
	uint32_t n_lines;
	uint8_t kind;    /* enum specc_source_kind */
	bool mapped;     /* data is a private read-only mmap of len bytes, not malloc'ed */
	/* The last UTF-16 column computed, so positions asked for in order
	 * along one long line cost linear, not quadratic, time.  Updated by
	 * specc_source_pos() even though it takes a const source. */
	uint32_t u16_offset; /* byte offset, or 0 for none */
	uint32_t u16_units;  /* UTF-16 units from its line's start to it */
} specc_source;

typedef struct specc_sources {
	specc_source *items;
	uint32_t len, cap;
} specc_sources;

/* A byte range [start, end) in source number `file`. */
typedef struct specc_span {
	uint32_t file;
	uint32_t start;
	uint32_t end;
} specc_span;

#define SPECC_SPAN_NONE ((specc_span){ SPECC_NONE, 0, 0 })

static inline specc_span specc_span_make(uint32_t file, uint32_t start, uint32_t end)
{
	specc_span s = { file, start, end };
	return s;
}

/* A position for people and tools: all fields are 1-based.  column counts
 * bytes (what editors call a byte column); utf16 counts UTF-16 code units,
 * the unit LSP and SARIF use. */
typedef struct specc_pos {
	uint32_t line;
	uint32_t column;
	uint32_t utf16;
} specc_pos;

/*
 * Adds a source that takes ownership of data (malloc'ed, len bytes plus one
 * spare byte for a NUL) and a copy of path, builds its line table, and
 * stores its index in *index.
 */
void specc_sources_add(specc_sources *srcs, const char *path, char *data, uint32_t len,
		       enum specc_source_kind kind, uint32_t *index);

/* Adds a source over a read-only private mmap of a file whose size is not
 * a multiple of the page size, so the byte after the last one reads as
 * NUL.  The source unmaps it when released. */
void specc_sources_add_mapped(specc_sources *srcs, const char *path, char *data, uint32_t len,
			      enum specc_source_kind kind, uint32_t *index);
/* Frees every source and the table. */
void specc_sources_release(specc_sources *srcs);

/* Builds s->lines from s->data.  Called by specc_sources_add(). */
void specc_source_index_lines(specc_source *s);

/* 0-based index of the line holding offset (an offset equal to len is on
 * the last line). */
uint32_t specc_source_line_of(const specc_source *s, uint32_t offset);

/* Line and columns of offset. */
void specc_source_pos(const specc_source *s, uint32_t offset, specc_pos *out);

/* The text of 0-based line `line`, without its line ending (CR or CRLF). */
specc_str specc_source_line_text(const specc_source *s, uint32_t line);

#endif
