/*
 * fix.c - specc lint --fix: applies safe substitutions to the spec files.
 *
 * Only fixes the linter marked safe are applied: substitutions, and the
 * defined spelling of a drifted term, whose text was written verbatim in
 * the source (no markup, entity or line break inside).  Every other byte is copied as it was, and the file is
 * replaced through a temporary file and rename(), so an interrupted run
 * leaves either the old file or the new one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "specc/buf.h"
#include "internal.h"

struct edit {
	uint32_t start, end;
	const char *text;
};

static int cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static bool from_ruleset(const specc_ruleset *rs, const specc_code *code)
{
	return rs->rules.len && code >= &rs->rules.items[0].code &&
	       code <= &rs->rules.items[rs->rules.len - 1].code;
}

/* Writes data to path through path.specc-tmp, keeping path's mode. */
static int replace_file(const char *path, const char *data, size_t len, const char **err,
			specc_arena *a)
{
	specc_buf tmp = SPECC_BUF_INIT;
	struct stat st;
	int fd = -1, rc = SPECC_EIO;

	/* A symlinked spec is changed where it lives; the link stays. */
	char *real = realpath(path, NULL);
	if (real)
		path = specc_arena_strndup(a, real, strlen(real));
	free(real);
	specc_buf_addf(&tmp, "%s.specc-tmp", path);
	if (stat(path, &st) != 0)
		goto fail;
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);
	if (fd < 0)
		goto fail;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp.ptr, path) != 0)
		goto fail;
	rc = SPECC_OK;
	goto out;
fail:
	*err = specc_arena_printf(a, "cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp.ptr);
out:
	specc_buf_release(&tmp);
	return rc;
}

int specc_lint_apply_fixes(const specc_project *p, const specc_ruleset *rs, uint32_t *fixed,
			   const char **err)
{
	SPECC_TABLE(struct edit) edits = { 0 };
	specc_buf out = SPECC_BUF_INIT;
	int rc = SPECC_OK;

	*fixed = 0;
	for (uint32_t f = 0; f < p->sources.len && rc == SPECC_OK; f++) {
		const specc_source *src = &p->sources.items[f];
		if (src->kind != SPECC_SOURCE_SPEC)
			continue;
		edits.len = 0;
		for (uint32_t i = 0; i < p->diags.len; i++) {
			const specc_diag *d = &p->diags.items[i];
			if (!d->edits || d->span.file != f || !from_ruleset(rs, d->code))
				continue;
			for (const specc_edit *e = d->edits; e; e = e->next) {
				struct edit *x = SPECC_PUSH(edits);
				x->start = e->span.start;
				x->end = e->span.end;
				x->text = e->text;
			}
		}
		if (!edits.len)
			continue;
		qsort(edits.items, edits.len, sizeof *edits.items, cmp_edit);
		specc_buf_reset(&out);
		uint32_t at = 0, applied = 0;
		for (uint32_t i = 0; i < edits.len; i++) {
			const struct edit *x = &edits.items[i];
			if (x->start < at || x->end > src->len)
				continue; /* overlaps an edit already applied */
			specc_buf_add(&out, src->data + at, x->start - at);
			specc_buf_addstr(&out, x->text);
			at = x->end;
			applied++;
		}
		specc_buf_add(&out, src->data + at, src->len - at);
		rc = replace_file(src->path, out.ptr, out.len, err, (specc_arena *)&p->arena);
		if (rc == SPECC_OK)
			*fixed += applied;
	}
	SPECC_TABLE_FREE(edits);
	specc_buf_release(&out);
	return rc;
}
