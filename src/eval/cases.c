/*
 * cases.c - which eval items and examples a run asks about, their stable
 * keys, shards, and the messages of each request.
 *
 * Cases are never materialised one by one: a run of 100,000 cases is a
 * list of units (items that passed the filters) times a repeat count, and
 * case i is unit i / repeat, sample i % repeat.  Memory stays flat in the
 * number of samples.
 */
#include <jansson.h>
#include <string.h>

#include "specc/eval.h"

static bool str_in(specc_str s, const char **list, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (specc_str_eqz(s, list[i]))
			return true;
	return false;
}

/* Whether section sec is, or lies under, a section the filter names. */
static bool section_matches(const specc_project *p, uint32_t sec, const specc_case_filter *f)
{
	for (uint32_t s = sec; s != SPECC_NONE; s = p->sections.items[s].parent)
		if (p->sections.items[s].id.ptr && str_in(p->sections.items[s].id, f->sections, f->section_count))
			return true;
	return false;
}

/* Tags are inherited: a section's own and its ancestors'. */
static bool tag_matches(const specc_project *p, uint32_t sec, const specc_case_filter *f)
{
	for (uint32_t s = sec; s != SPECC_NONE; s = p->sections.items[s].parent) {
		const specc_section *x = &p->sections.items[s];
		for (uint32_t t = 0; t < x->tag_count; t++)
			if (str_in(p->strs.items[x->tag_first + t].s, f->tags, f->tag_count))
				return true;
	}
	return false;
}

static bool keep(const specc_project *p, uint32_t clause_anchor_ok, uint32_t sec,
		 const specc_case_filter *f)
{
	if (!clause_anchor_ok)
		return false;
	if (f->section_count && (sec == SPECC_NONE || !section_matches(p, sec, f)))
		return false;
	if (f->tag_count && (sec == SPECC_NONE || !tag_matches(p, sec, f)))
		return false;
	if (f->authority_count &&
	    (sec == SPECC_NONE || !p->sections.items[sec].authority.ptr ||
	     !str_in(p->sections.items[sec].authority, f->authorities, f->authority_count)))
		return false;
	return true;
}

int specc_cases_select(specc_cases *cases, const specc_project *p, const specc_case_filter *f)
{
	memset(cases, 0, sizeof *cases);
	cases->repeat = 1;
	for (uint32_t e = 0; e < p->eval_files.len; e++) {
		const specc_eval_file *ef = &p->eval_files.items[e];
		uint32_t clause = SPECC_NONE, sec = SPECC_NONE;
		bool ok;

		/* An eval file no clause points to tests nothing; check says so. */
		if (ef->unreadable || ef->anchor == SPECC_NONE)
			continue;
		clause = p->anchors.items[ef->anchor].clause;
		if (clause != SPECC_NONE)
			sec = p->clauses.items[clause].section;
		ok = !f->clause_count || str_in(ef->stem, f->clauses, f->clause_count);
		if (!keep(p, ok, sec, f))
			continue;
		for (uint32_t i = 0; i < ef->item_count; i++) {
			specc_unit *u = SPECC_PUSH(cases->units);
			u->index = ef->item_first + i;
			u->clause = clause;
			u->section = sec;
			u->ordinal = i + 1;
		}
	}
	if (!f->include_examples)
		return SPECC_OK;
	for (uint32_t x = 0, ordinal = 0; x < p->examples.len; x++) {
		const specc_example *ex = &p->examples.items[x];
		uint32_t sec = ex->section;

		ordinal = x > 0 && p->examples.items[x - 1].section == sec ? ordinal + 1 : 1;
		/* Examples are not under a clause, so --clause leaves them out. */
		if (sec == SPECC_NONE || !p->sections.items[sec].id.ptr ||
		    !keep(p, !f->clause_count, sec, f))
			continue;
		specc_unit *u = SPECC_PUSH(cases->units);
		u->index = x;
		u->example = true;
		u->clause = SPECC_NONE;
		u->section = sec;
		u->ordinal = ordinal;
	}
	return SPECC_OK;
}

void specc_cases_release(specc_cases *cases)
{
	SPECC_TABLE_FREE(cases->units);
}

void specc_case_key(const specc_project *p, const specc_unit *u, specc_buf *out)
{
	if (u->example) {
		specc_str id = p->sections.items[u->section].id;
		specc_buf_addf(out, "%.*s/example-%u", (int)id.len, id.ptr, u->ordinal);
	} else {
		const specc_eval_file *ef = NULL;
		for (uint32_t e = 0; e < p->eval_files.len; e++) {
			const specc_eval_file *x = &p->eval_files.items[e];
			if (u->index >= x->item_first && u->index < x->item_first + x->item_count) {
				ef = x;
				break;
			}
		}
		if (ef)
			specc_buf_addf(out, "%.*s/%u", (int)ef->stem.len, ef->stem.ptr, u->ordinal);
		else
			specc_buf_addf(out, "item-%u", u->index);
	}
}

/* FNV-1a: stable across machines and versions, which is all a shard
 * assignment needs. */
static uint64_t fnv(const char *s, uint32_t sample)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	for (int i = 0; i < 4; i++, sample >>= 8)
		h = (h ^ (sample & 0xff)) * 0x100000001b3ull;
	return h;
}

bool specc_case_in_shard(const specc_cases *cases, const char *key, uint32_t sample)
{
	if (!cases->shards)
		return true;
	return fnv(key, sample) % cases->shards == cases->shard - 1;
}

static const char *role_for(uint8_t role, const char *developer_role)
{
	switch (role) {
	case SPECC_ROLE_SYSTEM: return "system";
	case SPECC_ROLE_DEVELOPER: return developer_role;
	case SPECC_ROLE_ASSISTANT: return "assistant";
	default: return "user";
	}
}

void *specc_case_messages(const specc_project *p, const specc_unit *u, const char *developer_role)
{
	const specc_example *ex = u->example ? &p->examples.items[u->index] : &p->items.items[u->index];
	json_t *msgs = json_array();

	for (uint32_t i = 0; i < ex->conv.turn_count; i++) {
		const specc_turn *t = &p->turns.items[ex->conv.turn_first + i];
		json_t *m;

		/* The answers under comparison are what the model must produce. */
		if (t->comparison != SPECC_NONE)
			break;
		if (t->role == SPECC_ROLE_ELISION)
			continue;
		m = json_object();
		json_object_set_new(m, "role", json_string(role_for(t->role, developer_role)));
		if (t->role == SPECC_ROLE_TOOL) {
			/* A "tool" message needs the id of a tool call the
			 * conversation does not have; the output goes in as
			 * text the model can read. */
			json_object_set_new(m, "content",
					    json_sprintf("Tool output:\n%.*s", (int)t->content.len,
							 t->content.ptr ? t->content.ptr : ""));
		} else {
			json_object_set_new(m, "content",
					    json_stringn(t->content.ptr ? t->content.ptr : "", t->content.len));
		}
		json_array_append_new(msgs, m);
	}
	return msgs;
}

const char *specc_project_relative(const specc_project *p, const char *path)
{
	size_t rl = p->root ? strlen(p->root) : 0;
	if (path && rl && !strncmp(path, p->root, rl) && path[rl] == '/')
		return path + rl + 1;
	return path;
}

void specc_spec_fingerprint(const specc_project *p, char out[65])
{
	specc_buf b = SPECC_BUF_INIT;
	char one[65];

	for (uint32_t i = 0; i < p->sources.len; i++) {
		const specc_source *s = &p->sources.items[i];
		if (s->kind != SPECC_SOURCE_SPEC && s->kind != SPECC_SOURCE_EVAL)
			continue;
		specc_sha256_hex(s->data, s->len, one);
		specc_buf_addf(&b, "%s %s\n", one, specc_project_relative(p, s->path));
	}
	specc_sha256_hex(b.ptr, b.len, out);
	specc_buf_release(&b);
}
