/*
 * modules.c - a project of several specs: names, imports, and the
 * authority each spec is granted.
 *
 * Teams write their own specs; the project file decides how high each
 * may reach in the chain of command ("grants").  A product team's spec
 * that marks a section root would otherwise outrank the safety team by
 * writing one word, which is exactly what the chain of command is for.
 */
#include <stdlib.h>
#include <string.h>

#include "specc/buf.h"
#include "specc/codes.h"
#include "specc/map.h"
#include "internal.h"

static const char *q(specc_project *p, specc_str s)
{
	return specc_diag_quote(&p->diags, s.ptr ? s.ptr : "", s.len, 80);
}

/* The spec named name, or SPECC_NONE. */
static uint32_t spec_named(const specc_map *names, specc_str name)
{
	return specc_map_get(names, name);
}

/* The span of a spec's front matter "spec:" value, or its first line when
 * the name comes from its file. */
static specc_span spec_span(const specc_project *p, const specc_spec *sp)
{
	(void)p;
	return specc_span_make(sp->source, 0, 0);
}

/*
 * Depth-first search over the import graph.  state: 0 unseen, 1 on the
 * path, 2 done.  path holds the specs on the current path, so a back edge
 * names the whole cycle.  Each cycle is reported once, at the import that
 * closes it.
 */
struct walk {
	specc_project *p;
	const specc_map *names;
	uint8_t *state;
	uint32_t *path;
	uint32_t depth;
};

static void visit(struct walk *w, uint32_t s)
{
	specc_project *p = w->p;
	const specc_spec *sp = &p->specs.items[s];

	w->state[s] = 1;
	w->path[w->depth++] = s;
	for (uint32_t i = 0; i < sp->import_count; i++) {
		const specc_sstr *imp = &p->strs.items[sp->import_first + i];
		uint32_t t = spec_named(w->names, imp->s);
		if (t == SPECC_NONE)
			continue;
		if (w->state[t] == 1) {
			specc_buf cycle = SPECC_BUF_INIT;
			uint32_t from = 0;
			while (w->path[from] != t)
				from++;
			for (uint32_t k = from; k < w->depth; k++) {
				specc_str n = p->specs.items[w->path[k]].name;
				specc_buf_addf(&cycle, "%.*s -> ", (int)n.len, n.ptr);
			}
			specc_buf_add(&cycle, imp->s.ptr, imp->s.len);
			specc_diag *d = t == s ? specc_diag_add(&p->diags, SPECC_CODE(IMPORT_CYCLE), imp->span,
								"spec \"%s\" imports itself", q(p, sp->name))
					       : specc_diag_add(&p->diags, SPECC_CODE(IMPORT_CYCLE), imp->span,
								"the imports form a cycle: %s", cycle.ptr);
			specc_diag_help(&p->diags, d,
					"a spec builds on the specs it imports, so no spec can build on "
					"itself; remove one import of the cycle");
			specc_buf_release(&cycle);
		} else if (w->state[t] == 0) {
			visit(w, t);
		}
	}
	w->depth--;
	w->state[s] = 2;
}

static void check_names_and_imports(specc_project *p, specc_map *names)
{
	struct walk w = { p, names, NULL, NULL, 0 };

	for (uint32_t i = 0; i < p->specs.len; i++) {
		const specc_spec *sp = &p->specs.items[i];
		uint32_t first;
		if (!sp->name.ptr)
			continue;
		if (!specc_map_put(names, sp->name, i, &first)) {
			const specc_spec *other = &p->specs.items[first];
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(DUPLICATE_SPEC_NAME),
						       spec_span(p, sp), "spec name \"%s\" is already used by %s",
						       q(p, sp->name), p->sources.items[other->source].path);
			specc_diag_help(&p->diags, d, "imports and grants name specs; give this one its "
						      "own name with \"spec:\" in its front matter");
		}
	}
	for (uint32_t i = 0; i < p->specs.len; i++) {
		const specc_spec *sp = &p->specs.items[i];
		for (uint32_t k = 0; k < sp->import_count; k++) {
			const specc_sstr *imp = &p->strs.items[sp->import_first + k];
			if (spec_named(names, imp->s) != SPECC_NONE)
				continue;
			specc_buf known = SPECC_BUF_INIT;
			for (uint32_t j = 0; j < p->specs.len; j++)
				specc_buf_addf(&known, "%s%.*s", j ? ", " : "", (int)p->specs.items[j].name.len,
					       p->specs.items[j].name.ptr);
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(UNKNOWN_IMPORT), imp->span,
						       "spec \"%s\" imports \"%s\", which the project does not have",
						       q(p, sp->name), q(p, imp->s));
			specc_diag_help(&p->diags, d, "the project's specs are %s; add the missing one "
						      "to \"specs\" in specc.yaml, or fix the name",
					known.ptr ? known.ptr : "none");
			specc_buf_release(&known);
		}
	}
	if (!p->specs.len)
		return;
	w.state = specc_xcalloc(p->specs.len, 1);
	w.path = specc_xcalloc(p->specs.len, sizeof *w.path);
	for (uint32_t i = 0; i < p->specs.len; i++)
		if (!w.state[i])
			visit(&w, i);
	free(w.state);
	free(w.path);
}

static void above_grant(specc_project *p, specc_span at, const char *what, specc_str level,
			const specc_spec *sp, const specc_sstr *grant)
{
	specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(AUTHORITY_ABOVE_GRANT), at,
				       "%s claims authority \"%s\", above the \"%.*s\" that specc.yaml "
				       "grants spec \"%.*s\"",
				       what, q(p, level), (int)grant[1].s.len, grant[1].s.ptr,
				       (int)sp->name.len, sp->name.ptr);
	specc_diag_related(&p->diags, d, grant[1].span, "granted here");
	specc_diag_help(&p->diags, d, "a spec cannot claim more than it is granted; lower the level, "
				      "or move the text to a spec granted that level");
}

static void check_grants(specc_project *p, const specc_map *names)
{
	/* Per spec, its grant (a pointer to the name, level pair). */
	const specc_sstr **grant;

	if (!p->has_grants)
		return;
	grant = specc_xcalloc(p->specs.len ? p->specs.len : 1, sizeof *grant);
	for (uint32_t g = 0; g < p->grant_count; g++) {
		const specc_sstr *pair = &p->strs.items[p->grant_first + 2 * g];
		uint32_t s = spec_named(names, pair[0].s);
		if (s == SPECC_NONE) {
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(INVALID_CONFIG), pair[0].span,
						       "grants names spec \"%s\", which the project does not have",
						       q(p, pair[0].s));
			specc_diag_help(&p->diags, d, "a spec's name is its front matter \"spec:\", or its "
						      "file name without .md");
			continue;
		}
		if (specc_project_authority_rank(p, pair[1].s) == SPECC_NONE) {
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(UNKNOWN_AUTHORITY), pair[1].span,
						       "unknown authority level \"%s\" in grants",
						       q(p, pair[1].s));
			specc_diag_help(&p->diags, d, "grant one of the levels of \"authority\" in specc.yaml");
			continue;
		}
		grant[s] = pair;
	}
	for (uint32_t s = 0; s < p->specs.len; s++) {
		const specc_spec *sp = &p->specs.items[s];
		uint32_t cap;
		if (!grant[s]) {
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(MISSING_GRANT), spec_span(p, sp),
						       "specc.yaml grants no authority to spec \"%s\"",
						       q(p, sp->name));
			specc_diag_help(&p->diags, d, "add it under \"grants\", e.g. %.*s: user", (int)sp->name.len,
					sp->name.ptr);
			continue;
		}
		cap = specc_project_authority_rank(p, grant[s][1].s);
		if (sp->authority.ptr) {
			uint32_t r = specc_project_authority_rank(p, sp->authority);
			if (r != SPECC_NONE && r < cap)
				above_grant(p, sp->authority_span, "the front matter", sp->authority, sp, grant[s]);
		}
		for (uint32_t i = 0; i < sp->section_count; i++) {
			const specc_section *sec = &p->sections.items[sp->section_first + i];
			specc_buf what = SPECC_BUF_INIT;
			if (!sec->authority_explicit || sec->authority_rank == SPECC_NONE ||
			    sec->authority_rank >= cap)
				continue;
			if (sec->id.ptr)
				specc_buf_addf(&what, "section \"%.*s\"", (int)sec->id.len, sec->id.ptr);
			else
				specc_buf_addf(&what, "section \"%s\"", q(p, sec->title));
			above_grant(p, sec->authority_span, what.ptr, sec->authority, sp, grant[s]);
			specc_buf_release(&what);
		}
	}
	free(grant);
}

void specc_check_modules(specc_project *p)
{
	specc_map names = { 0 };

	check_names_and_imports(p, &names);
	check_grants(p, &names);
	specc_map_release(&names);
}
