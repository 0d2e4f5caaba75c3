/*
 * check.c - the structural check: IDs, authorities, links, eval coverage,
 * BAD[#x] targets and examples without labelled answers.
 *
 * Conversation syntax is reported by the parser; this pass reports what
 * only the whole project can tell.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "specc/buf.h"
#include "specc/codes.h"
#include "specc/deep.h"
#include "specc/expect.h"
#include "specc/project.h"
#include "internal.h"

static const char *q(specc_project *p, specc_str s)
{
	return specc_diag_quote(&p->diags, s.ptr ? s.ptr : "", s.len, 80);
}

/* Levenshtein distance capped at 3, for "did you mean" hints. */
static unsigned distance(specc_str a, specc_str b)
{
	unsigned row[64], prev;
	if (a.len >= 63 || b.len >= 63)
		return 99;
	if (a.len > b.len + 3 || b.len > a.len + 3)
		return 99;
	for (unsigned j = 0; j <= b.len; j++)
		row[j] = j;
	for (unsigned i = 1; i <= a.len; i++) {
		prev = row[0];
		row[0] = i;
		for (unsigned j = 1; j <= b.len; j++) {
			unsigned cur = row[j];
			unsigned sub = prev + (a.ptr[i - 1] != b.ptr[j - 1]);
			unsigned del = row[j] + 1, ins = row[j - 1] + 1;
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			prev = cur;
		}
	}
	return row[b.len];
}

static uint32_t closest_section(specc_project *p, specc_str id)
{
	uint32_t best = SPECC_NONE;
	unsigned bd = 3;
	for (uint32_t i = 0; i < p->sections.len; i++) {
		specc_str s = p->sections.items[i].id;
		if (!s.ptr)
			continue;
		unsigned d = distance(id, s);
		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	return best;
}

/* Appends an ID made from a title: "Don't be sycophantic" becomes
 * "dont_be_sycophantic", "Équité" becomes "equite" (accents are stripped
 * by decomposing with utf8proc).  Other scripts are dropped; a title with
 * nothing left gives "section". */
static void add_slug(specc_buf *b, specc_str title)
{
	utf8proc_uint8_t *folded = NULL;
	bool sep = false;
	size_t start = b->len;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)title.ptr, title.len, &folded,
					  UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
	const char *t = n >= 0 ? (const char *)folded : title.ptr;
	size_t len = n >= 0 ? (size_t)n : title.len;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (sep && b->len > start)
				specc_buf_addch(b, '_');
			specc_buf_addch(b, (char)c);
			sep = false;
		} else if (c != '\'' && c < 0x80) {
			sep = true;
		}
		/* "Don't" -> "dont"; bytes of other scripts are dropped. */
	}
	free(folded);
	if (b->len == start)
		specc_buf_addstr(b, "section");
}

/* Reports an authority level that is not in the project's chain, with
 * the closest level as a fix when one is close. */
static void unknown_authority(specc_project *p, specc_str name, specc_span at, const char *where)
{
	specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(UNKNOWN_AUTHORITY), at,
				       "unknown authority level \"%s\"%s", q(p, name), where);
	specc_buf levels = SPECC_BUF_INIT;
	specc_str best = SPECC_STR_NULL;
	unsigned bd = 3;

	for (uint32_t k = 0, n = specc_project_authority_count(p); k < n; k++) {
		specc_str lv = specc_project_authority(p, k);
		specc_buf_addf(&levels, "%s%.*s", k ? ", " : "", (int)lv.len, lv.ptr);
		unsigned dd = distance(name, lv);
		if (dd < bd) {
			bd = dd;
			best = lv;
		}
	}
	if (best.ptr) {
		specc_diag_help(&p->diags, d, "did you mean \"%.*s\"? The levels, highest first, are %s",
				(int)best.len, best.ptr, levels.ptr);
		specc_diag_edit(&p->diags, d, at, best.ptr, best.len, "use the closest level");
	} else {
		specc_diag_help(&p->diags, d, "the levels, highest first, are %s (specc.yaml "
					      "\"authority\" sets them)", levels.ptr);
	}
	specc_buf_release(&levels);
}

static void check_sections(specc_project *p)
{
	for (uint32_t i = 0; i < p->sections.len; i++) {
		specc_section *s = &p->sections.items[i];

		if (!s->id.ptr && !s->id_malformed) {
			specc_buf slug = SPECC_BUF_INIT, text = SPECC_BUF_INIT;
			add_slug(&slug, s->title);
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(MISSING_SECTION_ID),
						       s->title_span, "heading \"%s\" has no ID",
						       q(p, s->title));
			specc_diag_help(&p->diags, d,
					"add a stable ID such as {#%s}; other specs, eval files and "
					"test results refer to sections by ID",
					slug.ptr);
			specc_buf_addf(&text, " {#%s}", slug.ptr);
			specc_diag_edit(&p->diags, d,
					specc_span_make(s->title_span.file, s->title_span.end,
							s->title_span.end),
					text.ptr, text.len, "add an ID to the heading");
			specc_buf_release(&slug);
			specc_buf_release(&text);
		} else if (s->id.ptr) {
			uint32_t first = specc_map_get(&p->section_ids, s->id);
			if (first != i) {
				specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(DUPLICATE_SECTION_ID),
							       s->id_span, "section ID \"%s\" is already used",
							       q(p, s->id));
				specc_diag_related(&p->diags, d, p->sections.items[first].id_span,
						   "first used here");
				specc_diag_help(&p->diags, d, "section IDs must be unique across the "
							      "project; rename one of them");
			}
		}
		if (s->authority_explicit && s->authority_rank == SPECC_NONE)
			unknown_authority(p, s->authority, s->authority_span, "");
	}
	for (uint32_t i = 0; i < p->specs.len; i++) {
		specc_spec *sp = &p->specs.items[i];
		if (sp->authority.ptr &&
		    specc_project_authority_rank(p, sp->authority) == SPECC_NONE)
			unknown_authority(p, sp->authority, sp->authority_span, " in front matter");
	}
}

static void check_links(specc_project *p)
{
	for (uint32_t i = 0; i < p->xrefs.len; i++) {
		specc_xref *x = &p->xrefs.items[i];
		if (x->resolved != SPECC_NONE)
			continue;
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(BROKEN_LINK), x->span,
					       "no section has the ID \"%s\"", q(p, x->target));
		uint32_t near = closest_section(p, x->target);
		if (near != SPECC_NONE) {
			specc_section *s = &p->sections.items[near];
			specc_diag_help(&p->diags, d, "did you mean #%.*s (\"%.*s\")?", (int)s->id.len,
					s->id.ptr, (int)s->title.len, s->title.ptr);
			specc_buf t = SPECC_BUF_INIT;
			specc_buf_addf(&t, "#%.*s", (int)s->id.len, s->id.ptr);
			specc_diag_edit(&p->diags, d, x->span, t.ptr, t.len, "link to the closest ID");
			specc_buf_release(&t);
		} else {
			specc_diag_help(&p->diags, d, "link to an existing section ID, or add {#%s} to the "
						      "heading you mean", q(p, x->target));
		}
	}
}

static void check_evals(specc_project *p)
{
	bool folder_reported = false;

	for (uint32_t i = 0; i < p->anchors.len; i++) {
		specc_anchor *a = &p->anchors.items[i];
		if (a->eval_file == SPECC_NONE) {
			if (!p->has_eval_folder) {
				/* Folders named in specc.yaml were reported there. */
				if (folder_reported || p->eval_count)
					continue;
				folder_reported = true;
				specc_diag *d = specc_diag_add(
					&p->diags, SPECC_CODE(MISSING_EVAL_FOLDER), a->span,
					"the spec has eval anchors such as [^%s], but there is no eval folder",
					q(p, a->id));
				specc_diag_help(&p->diags, d, "create an examples/ folder next to the spec "
							      "with one <id>.md file per anchor");
				continue;
			}
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(MISSING_EVAL_FILE), a->span,
						       "eval anchor [^%s] has no eval file", q(p, a->id));
			specc_diag_help(&p->diags, d, "create %s.md in the eval folder, starting with "
						      "\"Examples for [^%s] in <section title>:\"",
					q(p, a->id), q(p, a->id));
			continue;
		}
		specc_eval_file *f = &p->eval_files.items[a->eval_file];
		if (f->anchor != i) {
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(DUPLICATE_EVAL_ANCHOR), a->span,
						       "eval anchor [^%s] is used by another clause too",
						       q(p, a->id));
			specc_diag_related(&p->diags, d, p->anchors.items[f->anchor].span, "first used here");
			specc_diag_help(&p->diags, d, "give each clause its own anchor and eval file, so "
						      "results can be told apart");
			continue;
		}
		specc_clause *c = &p->clauses.items[a->clause];
		if (f->header_ok && c->section != SPECC_NONE) {
			specc_section *s = &p->sections.items[c->section];
			if (!specc_str_eq(f->section_title, s->title)) {
				specc_diag *d = specc_diag_add(
					&p->diags, SPECC_CODE(EVAL_TITLE_MISMATCH), f->title_span,
					"this eval file says its anchor is in \"%s\", but [^%s] is in \"%s\"",
					q(p, f->section_title), q(p, a->id), q(p, s->title));
				specc_diag_related(&p->diags, d, a->span, "the anchor is here");
				specc_diag_help(&p->diags, d, "the section was probably renamed; update the "
							      "header to the section's title");
				specc_diag_edit(&p->diags, d, f->title_span, s->title.ptr, s->title.len,
						"use the section's current title");
			}
		}
	}
	for (uint32_t i = 0; i < p->eval_files.len; i++) {
		specc_eval_file *f = &p->eval_files.items[i];
		uint32_t first = specc_map_get(&p->eval_ids, f->stem);
		if (first != i) {
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(DUPLICATE_EVAL_FILE),
						       f->header_span,
						       "another eval folder already has %s.md; this one is ignored",
						       q(p, f->stem));
			specc_diag_related(&p->diags, d, p->eval_files.items[first].header_span,
					   "the file specc uses");
			specc_diag_help(&p->diags, d, "keep one eval file per anchor");
			continue;
		}
		if (f->header_ok && !specc_str_eq(f->id, f->stem)) {
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(EVAL_ID_MISMATCH), f->id_span,
						       "the header names [^%s], but the file is %s.md",
						       q(p, f->id), q(p, f->stem));
			specc_diag_help(&p->diags, d, "an eval file is found by its name: rename the file "
						      "or fix the header");
		}
		/* A file that could not be read was reported already. */
		if (f->anchor == SPECC_NONE && !f->unreadable) {
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(UNUSED_EVAL_FILE), f->header_span,
						       "no clause has the anchor [^%s], so these examples "
						       "are never run", q(p, f->stem));
			specc_diag_help(&p->diags, d, "add [^%s] to the sentence these examples test, or "
						      "delete the file", q(p, f->stem));
		}
		if (f->header_ok && f->item_count == 0) {
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(EMPTY_EVAL_FILE), f->header_span,
						       "this eval file holds no example");
			specc_diag_help(&p->diags, d, "add \"**Example**: title\" items, each followed by "
						      "a ~~~xml conversation");
		}
	}
}

static void check_conversations(specc_project *p)
{
	for (uint32_t i = 0; i < p->turns.len; i++) {
		specc_turn *t = &p->turns.items[i];
		if (t->violates.ptr && t->violates_section == SPECC_NONE) {
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(UNKNOWN_BAD_TARGET),
						       t->violates_span,
						       "BAD[#%s] names a section that does not exist",
						       q(p, t->violates));
			uint32_t near = closest_section(p, t->violates);
			if (near != SPECC_NONE)
				specc_diag_help(&p->diags, d, "did you mean #%.*s?",
						(int)p->sections.items[near].id.len,
						p->sections.items[near].id.ptr);
			else
				specc_diag_help(&p->diags, d, "name the ID of the section this answer violates");
		}
	}
	for (uint32_t i = 0; i < p->examples.len; i++) {
		specc_example *e = &p->examples.items[i];
		uint32_t labelled = 0;
		for (uint32_t k = 0; k < e->conv.turn_count; k++)
			labelled += p->turns.items[e->conv.turn_first + k].label != SPECC_LABEL_NONE;
		if (!labelled) {
			specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(UNLABELLED_EXAMPLE), e->span,
						       "this example has no labelled answer");
			specc_diag_help(&p->diags, d, "put candidate answers in <comparison>, each labelled "
						      "<!-- GOOD -->, <!-- BAD: reason --> or <!-- OK -->, "
						      "so graders and training data can use it");
		}
	}
}

/* Reads every ```expect block, so a mistake in one is reported by check,
 * not only when the evals run.  The assertions themselves are not kept. */
static void check_expects(specc_project *p)
{
	for (int t = 0; t < 2; t++) {
		const specc_example *items = t ? p->items.items : p->examples.items;
		uint32_t n = t ? p->items.len : p->examples.len;
		for (uint32_t i = 0; i < n; i++) {
			specc_expect_set set;
			if (!items[i].expect.ptr)
				continue;
			specc_expect_set_init(&set);
			(void)specc_expect_parse(&set, &p->sources, &p->diags, items[i].expect_span);
			specc_expect_set_release(&set);
		}
	}
}

static void check_all(specc_project *p, bool defer_overrides, bool *complete)
{
	check_sections(p);
	specc_check_modules(p);
	check_links(p);
	check_evals(p);
	check_conversations(p);
	check_expects(p);
	specc_check_conflicts(p, defer_overrides, complete);
}

void specc_check(specc_project *p)
{
	check_all(p, false, NULL);
}

void specc_deep_check(specc_project *p, bool *lexical_complete)
{
	check_all(p, true, lexical_complete);
}
