/*
 * fuzz-rules.c - libFuzzer target for lint rule files and the lint pass.
 *
 * The input is a rule file, optionally followed by a spec and a
 * specc.yaml:
 *
 *     RULES [ "\n---SPEC---\n" SPEC [ "\n---CONFIG---\n" CONFIG ] ]
 *
 * Without a spec, the rules are loaded alone, compiled, and their own
 * examples run (specc_rules_selftest lints each one), so the loader, the
 * automaton and the lint pass all see rules the fuzzer wrote.  With a
 * spec, the built-in rules are loaded first and the fuzzed ones added to
 * them (so they share the automata, and their ids can clash), the config
 * is read, the spec is linted, and the findings are rendered, which reads
 * every span and message the linter produced.
 *
 * The rule bytes are vetted as the rules-folder loader does (no NUL, valid
 * UTF-8) before they are loaded; a spec is vetted as the project loader
 * does.
 *
 * Two invariants are checked beyond what the sanitizers see (the prose
 * and the messages live in arenas, where reading a little past the end of
 * a string goes unnoticed): every token the tokenizer makes lies inside
 * its text, in order, and every span of every finding lies inside its
 * source.  A violation aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lint/internal.h"
#include "../../src/spec/internal.h"
#include "specc/lint.h"
#include "specc/project.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SEP_SPEC[] = "\n---SPEC---\n";
static const char SEP_CONFIG[] = "\n---CONFIG---\n";

static const char *find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	if (n < k)
		return NULL;
	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == needle[0] && !memcmp(s + i, needle, k))
			return s + i;
	return NULL;
}

/* Tokens lie inside the text, in order; only a synthetic "not" is empty. */
static void check_tokens(const char *text, size_t n)
{
	specc_toks toks = { 0 };
	uint32_t prev = 0;

	specc_tokenize(text, n, NULL, &toks);
	for (uint32_t i = 0; i < toks.len; i++) {
		const specc_tok *t = &toks.items[i];
		if (t->a > t->b || t->b > n || t->a < prev) {
			fprintf(stderr, "token %u is [%u, %u) in a text of %zu bytes (previous end %u)\n",
				i, t->a, t->b, n, prev);
			abort();
		}
		prev = t->b;
	}
	SPECC_TABLE_FREE(toks);
}

static void check_span(const specc_project *p, specc_span sp, const char *what)
{
	if (sp.file == SPECC_NONE)
		return;
	if (sp.file >= p->sources.len || sp.start > sp.end || sp.end > p->sources.items[sp.file].len) {
		fprintf(stderr, "%s span [%u, %u) of file %u is out of bounds\n", what, sp.start, sp.end,
			sp.file);
		abort();
	}
}

static void check_spans(const specc_project *p)
{
	for (uint32_t i = 0; i < p->diags.len; i++) {
		const specc_diag *d = &p->diags.items[i];
		check_span(p, d->span, d->code->id);
		for (const specc_related *r = d->related; r; r = r->next)
			check_span(p, r->span, "related");
		for (const specc_edit *e = d->edits; e; e = e->next)
			check_span(p, e->span, "edit");
	}
}

static void render(const specc_project *p)
{
	FILE *null = fopen("/dev/null", "w");
	if (!null)
		return;
	specc_render_opts ro = { true, "specc", "fuzz" };
	specc_diags_render(null, SPECC_FORMAT_HUMAN, &p->sources, &p->diags, &ro);
	specc_diags_render(null, SPECC_FORMAT_JSON, &p->sources, &p->diags, &ro);
	fclose(null);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *spec = find(in, size, SEP_SPEC), *cfg_text = NULL;
	size_t rules_len = spec ? (size_t)(spec - in) : size, spec_len = 0, cfg_len = 0;
	specc_project p;
	specc_ruleset rs;
	specc_lint_config cfg;
	uint32_t src;

	if (spec) {
		spec += strlen(SEP_SPEC);
		spec_len = size - (size_t)(spec - in);
		cfg_text = find(spec, spec_len, SEP_CONFIG);
		if (cfg_text) {
			spec_len = (size_t)(cfg_text - spec);
			cfg_text += strlen(SEP_CONFIG);
			cfg_len = size - (size_t)(cfg_text - in);
		}
	}

	check_tokens(in, size);

	specc_project_init(&p);
	p.keep_prose = true;
	if (specc_ruleset_init(&rs) != SPECC_OK) {
		specc_ruleset_release(&rs);
		specc_project_release(&p);
		return 0;
	}
	memset(&cfg, 0, sizeof cfg);

	if (cfg_text) {
		src = specc_project_add_buffer(&p, "specc.yaml", cfg_text, cfg_len, SPECC_SOURCE_CONFIG);
		if (specc_source_vet(&p, src)) {
			p.config_source = src;
			specc_config_parse(&p, src);
		}
	}
	if (spec)
		specc_rules_load_builtin(&rs);
	src = specc_project_add_buffer(&p, "rules/fuzz.yaml", in, rules_len, SPECC_SOURCE_RULES);
	if (specc_source_vet(&p, src))
		specc_rules_load(&rs, &p.sources, &p.diags, src);
	specc_ruleset_compile(&rs);

	if (!spec) {
		uint32_t run, failed;
		specc_rules_selftest(&rs, NULL, &run, &failed);
	} else {
		src = specc_project_add_buffer(&p, "spec.md", spec, spec_len, SPECC_SOURCE_SPEC);
		if (specc_source_vet(&p, src))
			specc_parse_markdown(&p, src);
		specc_project_resolve(&p);
		specc_lint_config_read(&cfg, &rs, &p);
		specc_lint_stats stats = { 0 };
		specc_lint(&p, &rs, &cfg, &stats);
	}
	check_spans(&p);
	specc_diags_sort(&p.diags);
	render(&p);

	specc_lint_config_release(&cfg);
	specc_ruleset_release(&rs);
	specc_project_release(&p);
	return 0;
}
