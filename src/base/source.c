/*
 * source.c - line tables and position arithmetic.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "specc/source.h"
#include "specc/utf8.h"

void specc_source_index_lines(specc_source *s)
{
	uint32_t cap = 0, n = 0;
	uint32_t *lines = NULL;
	const char *p = s->data, *end = s->data + s->len;

	specc_grow((void **)&lines, sizeof *lines, 1, &cap);
	lines[n++] = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		p = nl + 1;
		specc_grow((void **)&lines, sizeof *lines, (size_t)n + 1, &cap);
		lines[n++] = (uint32_t)(p - s->data);
	}
	s->lines = lines;
	s->n_lines = n;
}

static void add(specc_sources *srcs, const char *path, char *data, uint32_t len,
		enum specc_source_kind kind, bool mapped, uint32_t *index)
{
	specc_source *s = SPECC_PUSH(*srcs);

	s->path = specc_xstrdup(path);
	s->data = data;
	s->len = len;
	s->mapped = mapped;
	/* A mapping is read-only and already ends in zeros. */
	if (!mapped)
		s->data[len] = '\0';
	s->kind = (uint8_t)kind;
	specc_source_index_lines(s);
	*index = srcs->len - 1;
}

void specc_sources_add(specc_sources *srcs, const char *path, char *data, uint32_t len,
		       enum specc_source_kind kind, uint32_t *index)
{
	add(srcs, path, data, len, kind, false, index);
}

void specc_sources_add_mapped(specc_sources *srcs, const char *path, char *data, uint32_t len,
			      enum specc_source_kind kind, uint32_t *index)
{
	add(srcs, path, data, len, kind, true, index);
}

void specc_sources_release(specc_sources *srcs)
{
	for (uint32_t i = 0; i < srcs->len; i++) {
		free(srcs->items[i].path);
		if (srcs->items[i].mapped)
			munmap(srcs->items[i].data, srcs->items[i].len);
		else
			free(srcs->items[i].data);
		free(srcs->items[i].lines);
	}
	SPECC_TABLE_FREE(*srcs);
}

uint32_t specc_source_line_of(const specc_source *s, uint32_t offset)
{
	uint32_t lo = 0, hi = s->n_lines;

	/* Find the last line start <= offset. */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->lines[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void specc_source_pos(const specc_source *s, uint32_t offset, specc_pos *out)
{
	uint32_t line, start;

	if (offset > s->len)
		offset = s->len;
	line = specc_source_line_of(s, offset);
	start = s->lines[line];
	out->line = line + 1;
	out->column = offset - start + 1;
	/* Continue from the cached position when it is on this line and not
	 * past offset: diagnostics and IR spans are asked for in order. */
	specc_source *cache = (specc_source *)s;
	uint32_t from = start, units = 0;
	if (s->u16_offset > start && s->u16_offset <= offset) {
		from = s->u16_offset;
		units = s->u16_units;
	}
	units += (uint32_t)specc_utf16_len(s->data + from, offset - from);
	cache->u16_offset = offset;
	cache->u16_units = units;
	out->utf16 = units + 1;
}

specc_str specc_source_line_text(const specc_source *s, uint32_t line)
{
	uint32_t start, end;

	if (line >= s->n_lines)
		return specc_str_make(s->data + s->len, 0);
	start = s->lines[line];
	end = line + 1 < s->n_lines ? s->lines[line + 1] : s->len;
	if (end > start && s->data[end - 1] == '\n')
		end--;
	if (end > start && s->data[end - 1] == '\r')
		end--;
	return specc_str_make(s->data + start, end - start);
}
