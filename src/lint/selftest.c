/*
 * selftest.c - runs the examples every rule carries.
 *
 * The examples are the rule's specification: what it must catch and what
 * it must leave alone.  The test suite runs them for the built-in rules,
 * and `specc lint --check-rules` for a project's own.
 */
#include <stdlib.h>
#include <string.h>

#include "specc/buf.h"
#include "internal.h"

/* Whether linting text with only rule r on finds r. */
static bool fires(const specc_ruleset *rs, uint32_t r, const char *text)
{
	specc_project p;
	specc_lint_config cfg;
	specc_buf b = SPECC_BUF_INIT;
	bool found = false;

	memset(&cfg, 0, sizeof cfg);
	cfg.severity = specc_xcalloc(rs->rules.len + 1, 1);
	for (uint32_t i = 0; i < rs->rules.len; i++)
		cfg.severity[i] = SPECC_LINT_OFF;
	cfg.severity[r] = (int8_t)rs->rules.items[r].code.severity;
	if (text[0] != '#')
		specc_buf_addstr(&b, "# Examples {#examples}\n\n");
	specc_buf_addstr(&b, text);
	specc_project_init(&p);
	p.keep_prose = true;
	uint32_t src = specc_project_add_buffer(&p, "example.md", b.ptr, b.len, SPECC_SOURCE_SPEC);
	specc_parse_markdown(&p, src);
	specc_project_resolve(&p);
	specc_lint(&p, rs, &cfg, NULL);
	for (uint32_t i = 0; i < p.diags.len; i++)
		if (p.diags.items[i].code == &rs->rules.items[r].code)
			found = true;
	specc_project_release(&p);
	specc_buf_release(&b);
	free(cfg.severity);
	return found;
}

int specc_rules_selftest(const specc_ruleset *rs, FILE *out, uint32_t *run, uint32_t *failed)
{
	*run = *failed = 0;
	for (uint32_t i = 0; i < rs->rules.len; i++) {
		const specc_rule *r = &rs->rules.items[i];
		for (uint32_t k = 0; k < r->ex_fire + r->ex_pass; k++) {
			const char *ex = rs->strs.items[r->ex_first + k];
			bool want = k < r->ex_fire;
			(*run)++;
			if (fires(rs, i, ex) == want)
				continue;
			(*failed)++;
			if (out)
				fprintf(out, "%s: %s: %s: %s\n", r->origin, r->code.id,
					want ? "should fire on" : "should not fire on", ex);
		}
	}
	return *failed ? SPECC_ESYNTAX : SPECC_OK;
}
