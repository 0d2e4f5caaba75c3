/*
 * project.c - loading a project: specc.yaml or a single spec file, the
 * spec files it names and the eval files in its eval folders.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "specc/buf.h"
#include "specc/codes.h"
#include "specc/utf8.h"
#include "internal.h"

/* Bytes looked at for NUL when deciding a file is binary, as git does. */
#define BINARY_PROBE 8000

/* Files at least this large are mapped rather than read (see below). */
#define MMAP_MIN (64 * 1024)

static const char *const default_authorities[] = { "root", "system", "developer", "user",
						   "guideline" };

void specc_project_init(specc_project *p)
{
	memset(p, 0, sizeof *p);
	specc_arena_init(&p->arena);
	specc_diags_init(&p->diags);
	p->config_source = SPECC_NONE;
}

void specc_project_release(specc_project *p)
{
	free(p->root);
	free(p->config_path);
	specc_sources_release(&p->sources);
	specc_diags_release(&p->diags);
	SPECC_TABLE_FREE(p->specs);
	SPECC_TABLE_FREE(p->sections);
	SPECC_TABLE_FREE(p->clauses);
	SPECC_TABLE_FREE(p->anchors);
	SPECC_TABLE_FREE(p->xrefs);
	SPECC_TABLE_FREE(p->commentaries);
	SPECC_TABLE_FREE(p->examples);
	SPECC_TABLE_FREE(p->eval_files);
	SPECC_TABLE_FREE(p->items);
	SPECC_TABLE_FREE(p->turns);
	SPECC_TABLE_FREE(p->attrs);
	SPECC_TABLE_FREE(p->strs);
	SPECC_TABLE_FREE(p->prose);
	SPECC_TABLE_FREE(p->segs);
	SPECC_TABLE_FREE(p->directives);
	specc_map_release(&p->section_ids);
	specc_map_release(&p->eval_ids);
	specc_arena_release(&p->arena);
}

bool specc_source_vet(specc_project *p, uint32_t src)
{
	const specc_source *s = &p->sources.items[src];
	size_t probe = s->len < BINARY_PROBE ? s->len : BINARY_PROBE;
	size_t bad;

	if (memchr(s->data, '\0', probe)) {
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(BINARY_FILE),
					       specc_span_make(src, 0, 0),
					       "this looks like a binary file (it holds NUL bytes); skipping it");
		specc_diag_help(&p->diags, d, "specs and eval files must be UTF-8 Markdown text");
		return false;
	}
	if (s->len == 0) {
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(EMPTY_FILE),
					       specc_span_make(src, 0, 0), "this file is empty");
		specc_diag_help(&p->diags, d, "write its content, or remove it from the project");
		return true;
	}
	bad = specc_utf8_validate(s->data, s->len);
	if (bad < s->len) {
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(INVALID_UTF8),
					       specc_span_make(src, (uint32_t)bad, (uint32_t)bad + 1),
					       "invalid UTF-8 (byte 0x%02x); specc reads it with U+FFFD in its place",
					       (unsigned char)s->data[bad]);
		specc_diag_help(&p->diags, d,
				"save the file as UTF-8 (iconv -f latin1 -t utf-8 converts Latin-1)");
	}
	return true;
}

uint32_t specc_project_add_buffer(specc_project *p, const char *name, const char *data,
				  size_t len, enum specc_source_kind kind)
{
	char *copy = specc_xmalloc(len + 1);
	uint32_t index;

	memcpy(copy, data, len);
	copy[len] = '\0';
	specc_sources_add(&p->sources, name, copy, (uint32_t)len, kind, &index);
	p->bytes += len;
	return index;
}

#define errf(p, fmt, a, b) specc_arena_printf(&(p)->arena, fmt, a, b)

/*
 * Reads the file `path` (relative to the folder open as dirfd, or to the
 * working directory with AT_FDCWD) as a source shown as `display`.
 * Opening relative to the eval folder's descriptor saves the kernel a
 * path walk per file, which matters for projects with thousands of them.
 */
static int add_file_at(specc_project *p, int dirfd, const char *path, const char *display,
		       enum specc_source_kind kind, uint32_t *index)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *data = NULL;
	size_t len = 0, cap;
	ssize_t n;
	int rc = SPECC_OK;

	if (fd < 0 || fstat(fd, &st) < 0) {
		specc_diag_add(&p->diags, SPECC_CODE(IO_ERROR), SPECC_SPAN_NONE, "cannot read %s: %s",
			       display, strerror(errno));
		rc = SPECC_EIO;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		specc_diag_add(&p->diags, SPECC_CODE(IO_ERROR), SPECC_SPAN_NONE,
			       "cannot read %s: it is a folder", display);
		rc = SPECC_EIO;
		goto out;
	}
	if ((uint64_t)st.st_size > SPECC_MAX_FILE_SIZE) {
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(FILE_TOO_LARGE), SPECC_SPAN_NONE,
					       "%s is %lld bytes; specc reads files up to 256 MiB",
					       display, (long long)st.st_size);
		specc_diag_help(&p->diags, d, "split the spec into several files");
		rc = SPECC_ELIMIT;
		goto out;
	}
	/*
	 * Large regular files are mapped, not read: the bytes come straight
	 * from the page cache, with no copy and no fresh zeroed pages.  A
	 * mapping keeps the NUL after the last byte that sources promise
	 * only when the size is not a multiple of the page size (the rest of
	 * the last page reads as zeros); other sizes are read.
	 */
	long page = sysconf(_SC_PAGESIZE);
	if (S_ISREG(st.st_mode) && st.st_size >= MMAP_MIN && page > 0 && st.st_size % page != 0) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			specc_sources_add_mapped(&p->sources, display, map, (uint32_t)st.st_size, kind,
						 index);
			p->bytes += (uint64_t)st.st_size;
			goto out;
		}
	}
	/* Read to EOF rather than trusting st_size: pipes and /proc files
	 * report 0. */
	cap = (size_t)st.st_size + 1;
	data = specc_xmalloc(cap + 1);
	while ((n = read(fd, data + len, cap - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			specc_diag_add(&p->diags, SPECC_CODE(IO_ERROR), SPECC_SPAN_NONE,
				       "cannot read %s: %s", display, strerror(errno));
			rc = SPECC_EIO;
			goto out;
		}
		len += (size_t)n;
		if (len > SPECC_MAX_FILE_SIZE) {
			specc_diag_add(&p->diags, SPECC_CODE(FILE_TOO_LARGE), SPECC_SPAN_NONE,
				       "%s is larger than 256 MiB, the most specc reads", display);
			rc = SPECC_ELIMIT;
			goto out;
		}
		if (len == cap) {
			cap *= 2;
			data = specc_xrealloc(data, cap + 1);
		}
	}
	data[len] = '\0';
	specc_sources_add(&p->sources, display, data, (uint32_t)len, kind, index);
	data = NULL;
	p->bytes += len;
out:
	free(data);
	if (fd >= 0)
		close(fd);
	return rc;
}

int specc_project_add_file(specc_project *p, const char *path, const char *display,
			   enum specc_source_kind kind, uint32_t *index)
{
	return add_file_at(p, AT_FDCWD, path, display, kind, index);
}

/* ---- paths -------------------------------------------------------------- */

static char *join(const char *dir, const char *name)
{
	specc_buf b = SPECC_BUF_INIT;
	if (dir[0] && name[0] != '/') {
		specc_buf_addstr(&b, dir);
		if (b.ptr[b.len - 1] != '/')
			specc_buf_addch(&b, '/');
	}
	specc_buf_addstr(&b, name);
	return specc_buf_detach(&b, NULL);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads and parses one spec or eval file (name relative to dirfd). */
static void load_file_at(specc_project *p, int dirfd, const char *name, const char *display,
			 enum specc_source_kind kind)
{
	uint32_t src;

	if (add_file_at(p, dirfd, name, display, kind, &src) != SPECC_OK)
		return;
	if (specc_source_vet(p, src)) {
		specc_parse_markdown(p, src);
	} else if (kind == SPECC_SOURCE_EVAL) {
		/* Keep an entry for a binary eval file, so its anchor resolves
		 * and the file is reported once. */
		uint32_t f = specc_eval_file_add(p, src);
		p->eval_files.items[f].unreadable = true;
	}
}

static void load_file(specc_project *p, const char *path, enum specc_source_kind kind)
{
	load_file_at(p, AT_FDCWD, path, path, kind);
}

/* Loads every *.md directly in folder, sorted by name so output is
 * stable across file systems. */
static void load_eval_folder(specc_project *p, const char *folder)
{
	DIR *dir = opendir(folder);
	struct dirent *e;
	char **names = NULL;
	uint32_t n = 0, cap = 0;

	if (!dir)
		return;
	p->has_eval_folder = true;
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len > 3 && !strcmp(e->d_name + len - 3, ".md") && e->d_name[0] != '.') {
			specc_grow((void **)&names, sizeof *names, (size_t)n + 1, &cap);
			names[n++] = specc_xstrdup(e->d_name);
		}
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	int dfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (uint32_t i = 0; i < n; i++) {
		char *path = join(folder, names[i]);
		load_file_at(p, dfd < 0 ? AT_FDCWD : dfd, dfd < 0 ? path : names[i], path,
			     SPECC_SOURCE_EVAL);
		free(path);
		free(names[i]);
	}
	if (dfd >= 0)
		close(dfd);
	free(names);
}

static int load_config_project(specc_project *p, const char *dir, const char **err)
{
	uint32_t src;

	p->config_path = join(dir, "specc.yaml");
	if (specc_project_add_file(p, p->config_path, p->config_path, SPECC_SOURCE_CONFIG, &src) !=
	    SPECC_OK) {
		*err = errf(p, "cannot read %s%s", p->config_path, "");
		return SPECC_EIO;
	}
	p->config_source = src;
	if (!specc_source_vet(p, src))
		return SPECC_OK;
	specc_config_parse(p, src);

	/* specs: globs relative to the project folder; default *.md. */
	uint32_t nspec = p->spec_count ? p->spec_count : 1;
	uint32_t before = p->specs.len;
	for (uint32_t i = 0; i < nspec; i++) {
		specc_sstr pat = p->spec_count ? p->strs.items[p->spec_first + i]
					       : (specc_sstr){ specc_str_make("*.md", 4), SPECC_SPAN_NONE };
		char *z = specc_xstrndup(pat.s.ptr, pat.s.len);
		char *full = join(dir, z);
		glob_t g;
		int rc = glob(full, GLOB_NOSORT, NULL, &g);
		if (rc == 0) {
			qsort(g.gl_pathv, g.gl_pathc, sizeof *g.gl_pathv, cmp_str);
			for (size_t k = 0; k < g.gl_pathc; k++) {
				if (!is_dir(g.gl_pathv[k])) {
					load_file(p, g.gl_pathv[k], SPECC_SOURCE_SPEC);
					continue;
				}
				specc_diag *d = specc_diag_add(
					&p->diags, SPECC_CODE(NO_SPECS), pat.span, "\"%s\" is a folder, not a spec file",
					specc_diag_quote(&p->diags, z, strlen(z), 80));
				specc_diag_help(&p->diags, d, "name the spec files, e.g. %s/*.md; paths in "
							      "\"specs\" are relative to the folder holding specc.yaml",
						specc_diag_quote(&p->diags, z, strlen(z), 80));
			}
		} else if (p->spec_count) {
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(NO_SPECS), pat.span,
						       "no file matches \"%s\"",
						       specc_diag_quote(&p->diags, z, strlen(z), 80));
			specc_diag_help(&p->diags, d, "paths in \"specs\" are relative to the folder "
						      "holding specc.yaml");
		}
		if (rc == 0)
			globfree(&g);
		free(full);
		free(z);
	}
	if (p->specs.len == before && !p->spec_count) {
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(NO_SPECS),
					       specc_span_make(src, 0, 0),
					       "the project has no spec file (no *.md next to specc.yaml)");
		specc_diag_help(&p->diags, d, "list the spec files under \"specs:\" in specc.yaml");
	}

	/* evals: folders relative to the project folder; default examples. */
	if (p->eval_count) {
		for (uint32_t i = 0; i < p->eval_count; i++) {
			specc_sstr f = p->strs.items[p->eval_first + i];
			char *z = specc_xstrndup(f.s.ptr, f.s.len);
			char *full = join(dir, z);
			if (is_dir(full)) {
				load_eval_folder(p, full);
			} else {
				specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(MISSING_EVAL_FOLDER),
							       f.span, "the eval folder \"%s\" does not exist",
							       specc_diag_quote(&p->diags, z, strlen(z), 80));
				specc_diag_help(&p->diags, d, "create it, or fix the path under \"evals:\"");
			}
			free(full);
			free(z);
		}
	} else {
		char *full = join(dir, "examples");
		load_eval_folder(p, full);
		free(full);
	}
	return SPECC_OK;
}

int specc_project_load(specc_project *p, const char *path, const char **err)
{
	struct stat st;
	size_t n = strlen(path);

	*err = NULL;
	if (stat(path, &st) < 0) {
		*err = errf(p, "cannot open %s: %s", path, strerror(errno));
		return SPECC_EIO;
	}
	if (S_ISDIR(st.st_mode)) {
		char *cfg;
		p->root = specc_xstrdup(strcmp(path, ".") ? path : "");
		while (n > 1 && p->root[n - 1] == '/')
			p->root[--n] = '\0';
		cfg = join(p->root, "specc.yaml");
		bool has = !access(cfg, F_OK);
		free(cfg);
		if (!has) {
			*err = errf(p, "%s has no specc.yaml; pass a spec file (such as %s/spec.md), "
				       "or create specc.yaml (see docs/spec-language.md)",
				    path, p->root[0] ? p->root : ".");
			return SPECC_EIO;
		}
		return load_config_project(p, p->root, err);
	}

	/* A single spec file: its folder is the project, eval files sit in
	 * the sibling examples/ folder. */
	const char *slash = strrchr(path, '/');
	p->root = slash ? specc_xstrndup(path, (size_t)(slash - path)) : specc_xstrdup("");
	uint32_t before = p->sources.len, findings = p->diags.len;
	load_file(p, path, SPECC_SOURCE_SPEC);
	if (p->sources.len == before) {
		/* The finding that says why becomes the error message. */
		*err = p->diags.len > findings ? p->diags.items[p->diags.len - 1].message
					       : errf(p, "cannot read %s%s", path, "");
		return SPECC_EIO;
	}
	char *ex = join(p->root, "examples");
	load_eval_folder(p, ex);
	free(ex);
	return SPECC_OK;
}

/* ---- resolution --------------------------------------------------------- */

uint32_t specc_project_authority_rank(const specc_project *p, specc_str name)
{
	if (!name.ptr)
		return SPECC_NONE;
	for (uint32_t i = 0, n = specc_project_authority_count(p); i < n; i++)
		if (specc_str_eq(specc_project_authority(p, i), name))
			return i;
	return SPECC_NONE;
}

void specc_project_resolve(specc_project *p)
{
	/* Sections: IDs, and authority inherited from the parent (parents
	 * come first in the table), then from the spec's front matter. */
	for (uint32_t i = 0; i < p->sections.len; i++) {
		specc_section *s = &p->sections.items[i];
		if (!s->authority_explicit) {
			if (s->parent != SPECC_NONE) {
				s->authority = p->sections.items[s->parent].authority;
				s->authority_span = p->sections.items[s->parent].authority_span;
			} else {
				s->authority = p->specs.items[s->spec].authority;
				s->authority_span = p->specs.items[s->spec].authority_span;
			}
		}
		s->authority_rank = specc_project_authority_rank(p, s->authority);
		if (s->id.ptr)
			specc_map_put(&p->section_ids, s->id, i, NULL);
	}
	for (uint32_t i = 0; i < p->xrefs.len; i++)
		p->xrefs.items[i].resolved = specc_map_get(&p->section_ids, p->xrefs.items[i].target);
	for (uint32_t i = 0; i < p->turns.len; i++) {
		specc_turn *t = &p->turns.items[i];
		if (t->violates.ptr)
			t->violates_section = specc_map_get(&p->section_ids, t->violates);
	}
	/* Eval files are found by file name, which is what the anchor names. */
	for (uint32_t i = 0; i < p->eval_files.len; i++)
		specc_map_put(&p->eval_ids, p->eval_files.items[i].stem, i, NULL);
	for (uint32_t i = 0; i < p->anchors.len; i++) {
		specc_anchor *a = &p->anchors.items[i];
		a->eval_file = specc_map_get(&p->eval_ids, a->id);
		if (a->eval_file != SPECC_NONE && p->eval_files.items[a->eval_file].anchor == SPECC_NONE)
			p->eval_files.items[a->eval_file].anchor = i;
	}
	/* An eval item belongs to the section of the clause it exercises. */
	for (uint32_t i = 0; i < p->eval_files.len; i++) {
		specc_eval_file *f = &p->eval_files.items[i];
		uint32_t section = f->anchor == SPECC_NONE
					   ? SPECC_NONE
					   : p->clauses.items[p->anchors.items[f->anchor].clause].section;
		for (uint32_t k = 0; k < f->item_count; k++)
			p->items.items[f->item_first + k].section = section;
	}
}

uint32_t specc_project_authority_count(const specc_project *p)
{
	return p->authority_count ? p->authority_count : (uint32_t)SPECC_ARRAY_SIZE(default_authorities);
}

specc_str specc_project_authority(const specc_project *p, uint32_t rank)
{
	if (p->authority_count)
		return p->strs.items[p->authority_first + rank].s;
	return specc_str_make(default_authorities[rank], strlen(default_authorities[rank]));
}

static uint32_t seg_index(const specc_project *p, const specc_prose *r, uint32_t t)
{
	uint32_t lo = r->seg_first, hi = r->seg_first + r->seg_count;

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (p->segs.items[mid].text_off <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static uint32_t prose_src(const specc_project *p, const specc_prose *r, uint32_t t)
{
	const specc_seg *g = &p->segs.items[seg_index(p, r, t)];
	return g->src_off + (t - g->text_off);
}

specc_span specc_prose_span(const specc_project *p, const specc_prose *r, uint32_t a, uint32_t b)
{
	uint32_t sa = prose_src(p, r, a), sb = prose_src(p, r, b - 1) + 1;
	return specc_span_make(r->file, sa, sb < sa ? sa : sb);
}

bool specc_prose_verbatim(const specc_project *p, const specc_prose *r, uint32_t a, uint32_t b)
{
	if (b <= a || seg_index(p, r, a) != seg_index(p, r, b - 1))
		return false;
	/* A segment of one byte may stand for a decoded entity or a line
	 * break; compare the bytes to be sure. */
	const specc_source *s = &p->sources.items[r->file];
	uint32_t sa = prose_src(p, r, a);
	return sa + (b - a) <= s->len && !memcmp(s->data + sa, r->text.ptr + a, b - a);
}
