/*
 * cmd-lint.c - specc lint: the LLinter.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "specc/diag.h"
#include "specc/lint.h"
#include "specc/project.h"
#include "cli.h"

const char cmd_lint_usage[] =
	"usage: specc lint [--fix] [--strict] [--rules LIST] [--format FORMAT]\n"
	"                  [--output FILE] [--color WHEN] [PATH]\n"
	"       specc lint --list-rules [PATH]\n"
	"       specc lint --explain RULE [PATH]\n"
	"       specc lint --check-rules [PATH]\n"
	"\n"
	"Flags spec language that is ambiguous, vague or untestable: subjective\n"
	"words, vague quantifiers, loopholes, open-ended lists, superlatives,\n"
	"comparatives with no reference, vague pronouns, and/or, passive voice\n"
	"with no actor, weak or mixed modality, several requirements in one\n"
	"sentence, placeholders, numbers without units, overlong sentences,\n"
	"double negation, terms used out of step with the spec's definitions,\n"
	"sections no test covers and one-sided examples.  Each finding says what\n"
	"is ambiguous and how to make it testable.  Code, conversations, URLs and\n"
	"quoted text are never linted.  Problems found while reading the spec (a\n"
	"malformed attribute list, bad YAML) are reported too; the structural\n"
	"check (IDs, links, eval files) is specc check's.\n"
	"\n"
	"Rules are YAML: the built-in ones, plus the project's own in its rules/\n"
	"folder.  specc.yaml turns rules (or whole categories) off or changes\n"
	"their severity, per path too; a comment silences one place:\n"
	"  <!-- specc-disable-next-line vague-quantifier -->\n"
	"  <!-- specc-disable loophole -->  ...  <!-- specc-enable loophole -->\n"
	"docs/lint.md has the rule format, the settings and every built-in rule.\n"
	"\n"
	"options:\n"
	"  --fix             apply the safe fixes (plain-word substitutions and the\n"
	"                    defined spelling of a drifted term, where the text was\n"
	"                    written verbatim) to the spec files, then report what\n"
	"                    is left; every other byte of the files stays as it was\n"
	"  --rules LIST      only these rules or categories (comma-separated)\n"
	"  --list-rules      list the rules: id, category, severity, kind, summary\n"
	"  --explain RULE    print a rule's rationale, settings and examples\n"
	"  --check-rules     run every rule's examples (fire / pass) and report\n"
	"                    the ones that do not hold; for writing rules\n"
	"  --strict          fail (exit 1) on warnings too\n"
	"  --format FORMAT   human (default), json, sarif or github\n"
	"  -o, --output FILE write the findings to FILE instead of standard output\n"
	"  --color WHEN      auto (default), always or never\n"
	"  -h, --help        show this help\n"
	"\n"
	"exit status: 0 no errors (warnings allowed unless --strict), 1 errors found\n"
	"(or a rule example failed, with --check-rules), 2 usage or I/O error.\n"
	"\n"
	"examples:\n"
	"  specc lint examples/\n"
	"  specc lint --rules vague,loophole spec/model_spec.md\n"
	"  specc lint --explain passive-without-agent\n"
	"  specc lint --format sarif -o lint.sarif .\n";

enum mode { LINT, LIST, EXPLAIN, CHECK_RULES };

static const char *const KIND_NAMES[] = { "existence", "substitution", "occurrence",
					  "conditional", "pattern", "spec" };

/* Loads the project and every rule; fills cfg.  Returns an exit code
 * when something stops the command, or -1 to go on. */
static int setup(specc_project *p, specc_ruleset *rs, specc_lint_config *cfg, const char *path,
		 bool need_project)
{
	const char *err;

	specc_project_init(p);
	p->keep_prose = true;
	if (specc_ruleset_init(rs) != SPECC_OK)
		return cli_error("cannot create the English stemmer (libstemmer)");
	if (specc_rules_load_builtin(rs) != SPECC_OK) {
		specc_render_opts ro = { false, "specc", SPECC_VERSION };
		specc_diags_sort(&rs->builtin_diags);
		specc_diags_render(stderr, SPECC_FORMAT_HUMAN, &rs->builtin_srcs, &rs->builtin_diags, &ro);
		return cli_error("the built-in lint rules are broken; this is a bug in specc");
	}
	if (specc_project_load(p, path, &err) != SPECC_OK) {
		if (need_project)
			return cli_error("%s", err);
		memset(cfg, 0, sizeof *cfg);
	} else {
		specc_project_resolve(p);
		specc_lint_config_rules_dir(cfg, rs, p);
		specc_rules_load_dir(rs, p, cfg->rules_dir, !cfg->rules_dir_explicit);
	}
	specc_ruleset_compile(rs);
	specc_lint_config_read(cfg, rs, p);
	return -1;
}

/* Turns off every rule not named in list (ids or categories).  Returns
 * false, after saying so, when a name is unknown. */
static bool select_rules(specc_ruleset *rs, specc_lint_config *cfg, const char *list)
{
	char *copy = specc_xstrdup(list), *save = NULL;
	bool *keep = specc_xcalloc(rs->rules.len + 1, sizeof(bool)), ok = true, any = false;

	for (char *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		bool found = false;
		any = true;
		for (uint32_t i = 0; i < rs->rules.len; i++)
			if (!strcmp(rs->rules.items[i].code.id, w) ||
			    !strcmp(rs->rules.items[i].category, w)) {
				keep[i] = found = true;
				/* Naming a rule turns it on even if it is off by
				 * default or in specc.yaml. */
				if (cfg->severity[i] == SPECC_LINT_OFF ||
				    (cfg->severity[i] == -2 && rs->rules.items[i].off_by_default))
					cfg->severity[i] = (int8_t)rs->rules.items[i].code.severity;
			}
		if (!found) {
			cli_error("--rules: no rule or category is named \"%s\"; see specc lint --list-rules", w);
			ok = false;
		}
	}
	if (!any) {
		cli_error("--rules needs at least one rule id or category; see specc lint --list-rules");
		ok = false;
	}
	for (uint32_t i = 0; i < rs->rules.len; i++)
		if (!keep[i])
			cfg->severity[i] = SPECC_LINT_OFF;
	for (uint32_t k = 0; k < cfg->paths.len; k++)
		for (uint32_t i = 0; i < rs->rules.len; i++)
			if (!keep[i])
				cfg->paths.items[k].severity[i] = SPECC_LINT_OFF;
	free(copy);
	free(keep);
	return ok;
}

static const char *setting_name(const specc_ruleset *rs, const specc_lint_config *cfg, uint32_t i)
{
	int s = cfg->severity ? cfg->severity[i] : -2;
	if (s == -2)
		s = rs->rules.items[i].off_by_default ? SPECC_LINT_OFF
						       : (int)rs->rules.items[i].code.severity;
	return s == SPECC_LINT_OFF ? "off" : specc_severity_name((specc_severity)s);
}

static void list_rules(FILE *out, const specc_ruleset *rs, const specc_lint_config *cfg)
{
	fprintf(out, "%-30s %-22s %-8s %-12s %s\n", "RULE", "CATEGORY", "SETTING", "KIND", "ORIGIN");
	for (uint32_t i = 0; i < rs->rules.len; i++) {
		const specc_rule *r = &rs->rules.items[i];
		fprintf(out, "%-30s %-22s %-8s %-12s %s\n", r->code.id, r->category,
			setting_name(rs, cfg, i), KIND_NAMES[r->kind], r->origin);
	}
	fprintf(out, "%u rules; specc lint --explain RULE tells more about one\n", rs->rules.len);
}

static void print_wrapped(FILE *out, const char *text, const char *indent)
{
	size_t col = 0;
	const char *s = text;

	fputs(indent, out);
	while (*s) {
		while (*s == ' ' || *s == '\n')
			s++;
		if (!*s)
			break;
		size_t n = strcspn(s, " \n");
		if (col && col + 1 + n > 72) {
			fprintf(out, "\n%s", indent);
			col = 0;
		} else if (col) {
			fputc(' ', out);
			col++;
		}
		fwrite(s, 1, n, out);
		col += n;
		s += n;
	}
	fputc('\n', out);
}

static void print_example(FILE *out, const char *ex)
{
	fputs("    ", out);
	for (const char *s = ex; *s; s++) {
		fputc(*s, out);
		if (*s == '\n' && s[1])
			fputs("    ", out);
	}
	if (!*ex || ex[strlen(ex) - 1] != '\n')
		fputc('\n', out);
}

static int explain(FILE *out, const specc_ruleset *rs, const specc_lint_config *cfg,
		   const char *id)
{
	const specc_rule *r = specc_ruleset_find(rs, id, strlen(id));
	if (!r) {
		/* A category explains each of its rules. */
		int shown = 0;
		for (uint32_t i = 0; i < rs->rules.len; i++)
			if (!strcmp(rs->rules.items[i].category, id)) {
				if (shown++)
					fputc('\n', out);
				explain(out, rs, cfg, rs->rules.items[i].code.id);
			}
		if (shown)
			return SPECC_EXIT_OK;
		return cli_error("no rule or category is named \"%s\"; see specc lint --list-rules", id);
	}
	uint32_t i = (uint32_t)(r - rs->rules.items);
	fprintf(out, "%s (%s, %s rule; %s here; from %s)\n\n", r->code.id, r->category,
		KIND_NAMES[r->kind], setting_name(rs, cfg, i), r->origin);
	print_wrapped(out, r->message, "  ");
	if (r->rationale) {
		fputc('\n', out);
		print_wrapped(out, r->rationale, "  ");
	}
	if (r->link)
		fprintf(out, "\n  source: %s\n", r->link);
	if (r->ex_fire) {
		fputs("\nflagged:\n", out);
		for (uint32_t k = 0; k < r->ex_fire; k++)
			print_example(out, rs->strs.items[r->ex_first + k]);
	}
	if (r->ex_pass) {
		fputs("\nnot flagged:\n", out);
		for (uint32_t k = 0; k < r->ex_pass; k++)
			print_example(out, rs->strs.items[r->ex_first + r->ex_fire + k]);
	}
	fprintf(out, "\nturn it off in specc.yaml with  lint: { rules: { %s: off } }\n"
		     "or for one line with  <!-- specc-disable-next-line %s -->\n",
		r->code.id, r->code.id);
	return SPECC_EXIT_OK;
}

int cmd_lint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fix", no_argument, NULL, 'F' },          { "strict", no_argument, NULL, 's' },
		{ "rules", required_argument, NULL, 'r' },  { "list-rules", no_argument, NULL, 'L' },
		{ "explain", required_argument, NULL, 'E' }, { "check-rules", no_argument, NULL, 'C' },
		{ "format", required_argument, NULL, 'f' }, { "output", required_argument, NULL, 'o' },
		{ "color", required_argument, NULL, 'c' },  { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool strict = false, fix = false;
	enum mode mode = LINT;
	struct cli_output o = { SPECC_FORMAT_HUMAN, NULL, NULL };
	const char *path, *rules = NULL, *rule = NULL;
	specc_project p;
	specc_ruleset rs;
	specc_lint_config cfg;
	FILE *out = stdout;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if ((rc = cli_output_option(c, optarg, &o)) != 0) {
			if (rc > 1)
				return rc;
			continue;
		}
		switch (c) {
		case 'F': fix = true; break;
		case 's': strict = true; break;
		case 'r': rules = optarg; break;
		case 'L': mode = LIST; break;
		case 'E': mode = EXPLAIN; rule = optarg; break;
		case 'C': mode = CHECK_RULES; break;
		case 'h': fputs(cmd_lint_usage, stdout); return SPECC_EXIT_OK;
		default:
			return cli_error("lint: unknown or incomplete option %s; see specc help lint",
					 argv[optind - 1]);
		}
	}
	if ((rc = cli_path_operand(argc, argv, "lint", &path)) >= 0)
		return rc;
	if (fix && mode != LINT)
		return cli_error("lint: --fix lints; it does not go with --list-rules, --explain or --check-rules");
	bool use_color;
	if ((rc = cli_open_output(o.path, o.color, &out, &use_color)) >= 0)
		return rc;

	memset(&cfg, 0, sizeof cfg);
	rc = setup(&p, &rs, &cfg, path, mode == LINT);
	if (rc >= 0)
		goto out;
	if (rules && !select_rules(&rs, &cfg, rules)) {
		rc = SPECC_EXIT_USAGE;
		goto out;
	}
	specc_render_opts ro = { use_color, "specc", SPECC_VERSION };
	if (mode == LIST) {
		list_rules(out, &rs, &cfg);
		rc = SPECC_EXIT_OK;
		goto out;
	}
	if (mode == EXPLAIN) {
		rc = explain(out, &rs, &cfg, rule);
		goto out;
	}
	if (mode == CHECK_RULES) {
		uint32_t run, failed;
		/* Problems in the project's rule files come first. */
		specc_diags_sort(&p.diags);
		bool rule_errors = false;
		for (uint32_t i = 0; i < p.diags.len; i++)
			if (p.diags.items[i].span.file != SPECC_NONE &&
			    p.sources.items[p.diags.items[i].span.file].kind == SPECC_SOURCE_RULES)
				rule_errors = true;
		if (rule_errors) {
			specc_diags d = p.diags; /* render only; nothing is freed */
			specc_diags_render(stderr, SPECC_FORMAT_HUMAN, &p.sources, &d, &ro);
		}
		specc_rules_selftest(&rs, out, &run, &failed);
		fprintf(out, "%u rule example%s, %u failed\n", run, run == 1 ? "" : "s", failed);
		if (rule_errors)
			fprintf(out, "the rule files have errors (above); the rules with errors were left out\n");
		rc = failed || rule_errors ? SPECC_EXIT_FINDINGS : SPECC_EXIT_OK;
		goto out;
	}

	specc_lint(&p, &rs, &cfg, NULL);
	if (fix) {
		uint32_t fixed = 0;
		const char *err;
		specc_diags_sort(&p.diags);
		if (specc_lint_apply_fixes(&p, &rs, &fixed, &err) != SPECC_OK) {
			rc = cli_error("%s", err);
			goto out;
		}
		if (fixed) {
			/* Read the files again: what is reported is what is
			 * left, at its new position. */
			specc_lint_config_release(&cfg);
			specc_ruleset_release(&rs);
			specc_project_release(&p);
			memset(&cfg, 0, sizeof cfg);
			rc = setup(&p, &rs, &cfg, path, true);
			if (rc >= 0)
				goto out;
			if (rules && !select_rules(&rs, &cfg, rules)) {
				rc = SPECC_EXIT_USAGE;
				goto out;
			}
			specc_lint(&p, &rs, &cfg, NULL);
		}
		fprintf(stderr, "specc: applied %u fix%s\n", fixed, fixed == 1 ? "" : "es");
	}
	if ((rc = cli_report(out, o.format, use_color, &p, true)) != 0)
		goto out;
	uint32_t errors = p.diags.count[SPECC_ERROR], warnings = p.diags.count[SPECC_WARNING];
	rc = errors || (strict && warnings) ? SPECC_EXIT_FINDINGS : SPECC_EXIT_OK;
out:
	rc = cli_close_output(out, o.path, rc);
	specc_lint_config_release(&cfg);
	specc_ruleset_release(&rs);
	specc_project_release(&p);
	return rc;
}
