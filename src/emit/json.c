/*
 * json.c - the IR as JSON, and as a human-readable outline.
 *
 * The JSON shape is documented in docs/ir-json.md and versioned by its
 * "format" field: fields are only ever added within one format version.
 */
#include <stdlib.h>
#include <string.h>

#include "specc/buf.h"
#include "specc/emit.h"
#include "specc/json.h"
#include "specc/norm.h"
#include "specc/utf8.h"

static json_t *jstr(specc_str s)
{
	return s.ptr ? specc_json_string(s.ptr, s.len) : json_null();
}

static json_t *jspan(const specc_project *p, specc_span sp)
{
	if (sp.file >= p->sources.len)
		return json_null();
	const specc_source *s = &p->sources.items[sp.file];
	specc_pos a, b;
	specc_source_pos(s, sp.start, &a);
	specc_source_pos(s, sp.end, &b);
	return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "file", s->path, "start",
			 (json_int_t)sp.start, "end", (json_int_t)sp.end, "line", (json_int_t)a.line,
			 "column", (json_int_t)a.column, "end_line", (json_int_t)b.line, "end_column",
			 (json_int_t)b.column, "utf16_column", (json_int_t)a.utf16,
			 "utf16_end_column", (json_int_t)b.utf16);
}

static json_t *jidx(uint32_t i)
{
	return i == SPECC_NONE ? json_null() : json_integer(i);
}

static json_t *jstrs(const specc_project *p, uint32_t first, uint32_t count)
{
	json_t *a = json_array();
	for (uint32_t i = 0; i < count; i++)
		json_array_append_new(a, jstr(p->strs.items[first + i].s));
	return a;
}

void specc_project_counts(const specc_project *p, specc_counts *c)
{
	memset(c, 0, sizeof *c);
	c->specs = p->specs.len;
	c->sections = p->sections.len;
	c->clauses = p->clauses.len;
	c->anchors = p->anchors.len;
	c->xrefs = p->xrefs.len;
	c->commentaries = p->commentaries.len;
	c->examples = p->examples.len;
	c->eval_files = p->eval_files.len;
	c->eval_items = p->items.len;
	for (uint32_t i = 0; i < p->examples.len; i++) {
		const specc_conversation *cv = &p->examples.items[i].conv;
		for (uint32_t k = 0; k < cv->turn_count; k++)
			c->example_answers[p->turns.items[cv->turn_first + k].label]++;
	}
	for (uint32_t i = 0; i < p->items.len; i++) {
		const specc_conversation *cv = &p->items.items[i].conv;
		for (uint32_t k = 0; k < cv->turn_count; k++)
			c->eval_answers[p->turns.items[cv->turn_first + k].label]++;
	}
}

static json_t *jlabels(const uint32_t *n)
{
	return json_pack("{s:I,s:I,s:I}", "good", (json_int_t)n[SPECC_LABEL_GOOD], "bad",
			 (json_int_t)n[SPECC_LABEL_BAD], "ok", (json_int_t)n[SPECC_LABEL_OK]);
}

static json_t *jcounts(const specc_project *p)
{
	specc_counts c;
	json_t *auth = json_object();

	specc_project_counts(p, &c);
	for (uint32_t i = 0; i < p->sections.len; i++) {
		const specc_section *s = &p->sections.items[i];
		char *key = s->authority.ptr ? specc_xstrndup(s->authority.ptr, s->authority.len)
					     : specc_xstrdup("none");
		json_t *v = json_object_get(auth, key);
		json_object_set_new(auth, key, json_integer(v ? json_integer_value(v) + 1 : 1));
		free(key);
	}
	return json_pack("{s:I,s:I,s:o,s:I,s:I,s:I,s:I,s:I,s:o,s:I,s:I,s:o}", "specs",
			 (json_int_t)c.specs, "sections", (json_int_t)c.sections,
			 "sections_by_authority", auth, "clauses", (json_int_t)c.clauses, "anchors",
			 (json_int_t)c.anchors, "cross_references", (json_int_t)c.xrefs,
			 "commentaries", (json_int_t)c.commentaries, "examples",
			 (json_int_t)c.examples, "example_answers", jlabels(c.example_answers),
			 "eval_files", (json_int_t)c.eval_files, "eval_items",
			 (json_int_t)c.eval_items, "eval_answers", jlabels(c.eval_answers));
}

static json_t *jconv(const specc_project *p, const specc_example *e)
{
	json_t *turns = json_array();
	for (uint32_t k = 0; k < e->conv.turn_count; k++) {
		const specc_turn *t = &p->turns.items[e->conv.turn_first + k];
		json_t *o = json_object(), *attrs = json_object();
		json_object_set_new(o, "role", json_string(specc_role_name(t->role)));
		for (uint32_t a = 0; a < t->attr_count; a++) {
			const specc_attr *at = &p->attrs.items[t->attr_first + a];
			char *name = specc_xstrndup(at->name.ptr, at->name.len);
			if (specc_utf8_validate(name, strlen(name)) == strlen(name))
				json_object_set_new(attrs, name,
						    at->value.ptr ? jstr(at->value) : json_true());
			free(name);
		}
		json_object_set_new(o, "attributes", attrs);
		json_object_set_new(o, "comparison", jidx(t->comparison));
		json_object_set_new(o, "label", t->label ? json_string(specc_label_name(t->label))
							 : json_null());
		json_object_set_new(o, "reason", jstr(t->reason));
		json_object_set_new(o, "violates", jstr(t->violates));
		json_object_set_new(o, "violates_section", jidx(t->violates_section));
		json_object_set_new(o, "content", t->role == SPECC_ROLE_ELISION ? json_null()
										: jstr(t->content));
		json_object_set_new(o, "span", jspan(p, t->span));
		json_array_append_new(turns, o);
	}
	return turns;
}

static json_t *jexample(const specc_project *p, const specc_example *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "section", jidx(e->section));
	json_object_set_new(o, "title", jstr(e->title));
	json_object_set_new(o, "span", jspan(p, e->span));
	json_object_set_new(o, "comparisons", json_integer(e->conv.comparisons));
	json_object_set_new(o, "turns", jconv(p, e));
	json_object_set_new(o, "expect", jstr(e->expect));
	json_object_set_new(o, "expect_span", jspan(p, e->expect_span));
	return o;
}

/* A normative statement, as docs/ir-json.md describes it. */
static json_t *jnorm(const specc_norm *n)
{
	json_t *o = json_object();

	json_object_set_new(o, "modality", json_string(specc_modality_name(n->modality)));
	json_object_set_new(o, "imperative", json_boolean(n->imperative));
	json_object_set_new(o, "absolute", json_boolean(n->absolute));
	json_object_set_new(o, "actor", n->actor.len ? jstr(n->actor) : json_null());
	json_object_set_new(o, "verb", jstr(n->verb));
	json_object_set_new(o, "action", jstr(n->action));
	json_object_set_new(o, "object", jstr(n->object));
	json_object_set_new(o, "object_stems", jstr(n->object_stems));
	json_object_set_new(o, "object_head", jstr(n->core_stems));
	json_object_set_new(o, "subject", n->subject_stems.len ? jstr(n->subject_stems) : json_null());
	if (n->cond) {
		json_t *c = json_pack("{s:s, s:o, s:o}", "kind", specc_cond_name(n->cond), "text",
				      jstr(n->condition), "stems", jstr(n->condition_stems));
		if (n->cond_limit)
			json_object_set_new(c, "limit",
					    json_pack("{s:s, s:I, s:o}", "kind",
						      specc_limit_name(n->cond_limit),
						      "value", (json_int_t)n->cond_limit_value, "unit",
						      jstr(n->cond_limit_unit)));
		else
			json_object_set_new(c, "limit", json_null());
		json_object_set_new(o, "condition", c);
	} else
		json_object_set_new(o, "condition", json_null());
	if (n->limit)
		json_object_set_new(o, "limit",
				    json_pack("{s:s, s:I, s:o, s:o, s:b, s:b}", "kind",
					      specc_limit_name(n->limit), "value",
					      (json_int_t)n->limit_value, "unit", jstr(n->limit_unit), "text",
					      jstr(n->limit_text), "case", n->limit_case, "lead", n->limit_lead));
	else
		json_object_set_new(o, "limit", json_null());
	json_object_set_new(o, "start", json_integer(n->start));
	json_object_set_new(o, "end", json_integer(n->end));
	return o;
}

int specc_emit_json(FILE *out, const specc_project *p)
{
	specc_norms norms;
	json_t *root = json_object(), *a;

	json_object_set_new(root, "format", json_integer(1));
	json_t *order = json_array();
	for (uint32_t i = 0, n = specc_project_authority_count(p); i < n; i++)
		json_array_append_new(order, jstr(specc_project_authority(p, i)));
	json_object_set_new(root, "project",
			    json_pack("{s:o,s:s?,s:o}", "name", jstr(p->name), "config", p->config_path,
				      "authority", order));
	json_object_set_new(root, "counts", jcounts(p));

	a = json_array();
	for (uint32_t i = 0; i < p->specs.len; i++) {
		const specc_spec *s = &p->specs.items[i];
		json_array_append_new(
			a, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:I,s:I,s:I}", "file",
				     p->sources.items[s->source].path, "name", jstr(s->name), "version",
				     jstr(s->version), "owner", jstr(s->owner), "authority",
				     jstr(s->authority), "imports",
				     jstrs(p, s->import_first, s->import_count), "section_first",
				     (json_int_t)s->section_first, "section_count",
				     (json_int_t)s->section_count, "example_first",
				     (json_int_t)s->example_first, "example_count",
				     (json_int_t)s->example_count));
	}
	json_object_set_new(root, "specs", a);

	a = json_array();
	for (uint32_t i = 0; i < p->sections.len; i++) {
		const specc_section *s = &p->sections.items[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", jstr(s->id));
		json_object_set_new(o, "title", jstr(s->title));
		json_object_set_new(o, "level", json_integer(s->level));
		json_object_set_new(o, "spec", json_integer(s->spec));
		json_object_set_new(o, "parent", jidx(s->parent));
		json_object_set_new(o, "authority", jstr(s->authority));
		json_object_set_new(o, "authority_inherited",
				    json_boolean(!s->authority_explicit && s->authority.ptr));
		json_object_set_new(o, "tags", jstrs(p, s->tag_first, s->tag_count));
		json_object_set_new(o, "overrides", s->overrides.ptr ? jstr(s->overrides) : json_null());
		json_object_set_new(o, "span", jspan(p, s->span));
		json_object_set_new(o, "end", json_integer(s->end));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "sections", a);

	a = json_array();
	specc_norms_extract(&norms, p);
	for (uint32_t i = 0, ni = 0; i < p->clauses.len; i++) {
		const specc_clause *c = &p->clauses.items[i];
		json_t *anchors = json_array(), *stmts = json_array();
		for (; ni < norms.items.len && norms.items.items[ni].clause == i; ni++)
			json_array_append_new(stmts, jnorm(&norms.items.items[ni]));
		for (uint32_t k = 0; k < c->anchor_count; k++) {
			const specc_anchor *an = &p->anchors.items[c->anchor_first + k];
			json_array_append_new(anchors, json_pack("{s:o,s:o,s:o}", "id", jstr(an->id),
								 "eval_file", jidx(an->eval_file),
								 "span", jspan(p, an->span)));
		}
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o,s:o}", "section", jidx(c->section),
						   "text", jstr(c->text), "anchors", anchors, "statements",
						   stmts, "span", jspan(p, c->span)));
	}
	specc_norms_release(&norms);
	json_object_set_new(root, "clauses", a);

	a = json_array();
	for (uint32_t i = 0; i < p->xrefs.len; i++) {
		const specc_xref *x = &p->xrefs.items[i];
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o,s:o}", "section", jidx(x->section),
						   "target", jstr(x->target), "text", jstr(x->text),
						   "resolved", jidx(x->resolved), "span",
						   jspan(p, x->span)));
	}
	json_object_set_new(root, "cross_references", a);

	a = json_array();
	for (uint32_t i = 0; i < p->commentaries.len; i++) {
		const specc_commentary *c = &p->commentaries.items[i];
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o}", "section", jidx(c->section),
						   "kind", jstr(c->kind), "title", jstr(c->title),
						   "span", jspan(p, c->span)));
	}
	json_object_set_new(root, "commentaries", a);

	a = json_array();
	for (uint32_t i = 0; i < p->examples.len; i++)
		json_array_append_new(a, jexample(p, &p->examples.items[i]));
	json_object_set_new(root, "examples", a);

	a = json_array();
	for (uint32_t i = 0; i < p->eval_files.len; i++) {
		const specc_eval_file *f = &p->eval_files.items[i];
		json_t *items = json_array();
		for (uint32_t k = 0; k < f->item_count; k++)
			json_array_append_new(items, jexample(p, &p->items.items[f->item_first + k]));
		json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o}", "file",
						   p->sources.items[f->source].path, "id", jstr(f->id),
						   "section_title", jstr(f->section_title), "clause",
						   jidx(f->anchor == SPECC_NONE ? SPECC_NONE
										: p->anchors.items[f->anchor].clause),
						   "span", jspan(p, f->header_span),
						   "items", items));
	}
	json_object_set_new(root, "eval_files", a);
	json_object_set_new(root, "diagnostics", specc_diags_to_json(&p->sources, &p->diags));

	int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ? SPECC_EIO : SPECC_OK;
	json_decref(root);
	if (rc == SPECC_OK && fputc('\n', out) == EOF)
		rc = SPECC_EIO;
	return rc;
}

static void count(FILE *out, uint32_t n, const char *one, const char *many, const char *sep)
{
	fprintf(out, "%u %s%s", n, n == 1 ? one : many, sep);
}

int specc_emit_outline(FILE *out, const specc_project *p)
{
	specc_counts c;
	specc_project_counts(p, &c);

	/* Clauses and examples per section, in one pass over each. */
	uint32_t *per = specc_xcalloc((size_t)p->sections.len * 2 + 1, sizeof *per);
	for (uint32_t j = 0; j < p->clauses.len; j++)
		if (p->clauses.items[j].section != SPECC_NONE)
			per[2 * p->clauses.items[j].section]++;
	for (uint32_t j = 0; j < p->examples.len; j++)
		if (p->examples.items[j].section != SPECC_NONE)
			per[2 * p->examples.items[j].section + 1]++;
	for (uint32_t i = 0; i < p->specs.len; i++) {
		const specc_spec *s = &p->specs.items[i];
		fprintf(out, "spec %.*s (%s)", (int)s->name.len, s->name.ptr,
			p->sources.items[s->source].path);
		if (s->version.ptr)
			fprintf(out, " version %.*s", (int)s->version.len, s->version.ptr);
		if (s->owner.ptr)
			fprintf(out, ", owner %.*s", (int)s->owner.len, s->owner.ptr);
		fputc('\n', out);
		for (uint32_t k = 0; k < s->section_count; k++) {
			uint32_t si = s->section_first + k;
			const specc_section *sec = &p->sections.items[si];
			uint32_t clauses = per[2 * si], examples = per[2 * si + 1];
			fprintf(out, "%*s%.*s", 2 * sec->level, "", (int)sec->title.len, sec->title.ptr);
			if (sec->id.ptr)
				fprintf(out, " #%.*s", (int)sec->id.len, sec->id.ptr);
			if (sec->authority.ptr)
				fprintf(out, " [%.*s%s]", (int)sec->authority.len, sec->authority.ptr,
					sec->authority_explicit ? "" : ", inherited");
			if (clauses || examples)
				fprintf(out, ": %u clause%s, %u example%s", clauses, clauses == 1 ? "" : "s",
					examples, examples == 1 ? "" : "s");
			fputc('\n', out);
		}
	}
	free(per);
	fputc('\n', out);
	count(out, c.specs, "spec", "specs", ", ");
	count(out, c.sections, "section", "sections", ", ");
	count(out, c.clauses, "clause", "clauses", ", ");
	count(out, c.anchors, "anchor", "anchors", ", ");
	count(out, c.xrefs, "cross reference", "cross references", ", ");
	count(out, c.commentaries, "commentary", "commentaries", "\n");
	count(out, c.examples, "example", "examples", " (");
	fprintf(out, "%u good, %u bad, %u ok answers), ", c.example_answers[SPECC_LABEL_GOOD],
		c.example_answers[SPECC_LABEL_BAD], c.example_answers[SPECC_LABEL_OK]);
	count(out, c.eval_files, "eval file", "eval files", ", ");
	count(out, c.eval_items, "eval item", "eval items", "\n");
	return ferror(out) ? SPECC_EIO : SPECC_OK;
}
