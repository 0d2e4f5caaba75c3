/*
 * cmd-check.c - specc check: the structural check of a project.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "specc/diag.h"
#include "specc/project.h"
#include "specc/eval.h"
#include "cli.h"

const char cmd_check_usage[] =
	"usage: specc check [--strict] [--format FORMAT] [--output FILE] [--color WHEN] [PATH]\n"
	"\n"
	"Reads the project at PATH (default \".\") and reports what is structurally\n"
	"wrong: duplicate or missing section IDs, malformed attribute lists, unknown\n"
	"authority levels, links to missing sections, eval anchors without eval\n"
	"files and eval files without anchors, stale eval headers, BAD[#x] naming a\n"
	"missing section, malformed conversations and examples without labelled\n"
	"answers.  Every finding has a stable code; docs/diagnostics.md lists them.\n"
	"\n"
	"options:\n"
	"  --strict          fail (exit 1) on warnings too\n"
	"  --format FORMAT   human (default), json, sarif (SARIF 2.1.0 for code\n"
	"                    scanning) or github (workflow annotations)\n"
	"  -o, --output FILE write the findings to FILE instead of standard output\n"
	"  --color WHEN      auto (default: only on a terminal, never with NO_COLOR),\n"
	"                    always or never\n"
	"  -h, --help        show this help\n"
	"\n"
	"exit status: 0 no errors (warnings allowed unless --strict), 1 errors found,\n"
	"2 usage or I/O error.\n"
	"\n"
	"examples:\n"
	"  specc check examples/\n"
	"  specc check --format sarif -o specc.sarif spec/model_spec.md\n";

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "strict", no_argument, NULL, 's' },  { "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' }, { "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },    { NULL, 0, NULL, 0 },
	};
	bool strict = false;
	struct cli_output o = { SPECC_FORMAT_HUMAN, NULL, NULL };
	const char *path, *err;
	specc_project p;
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
		case 's': strict = true; break;
		case 'h': fputs(cmd_check_usage, stdout); return SPECC_EXIT_OK;
		default:
			return cli_error("check: unknown or incomplete option %s; see specc help check",
					 argv[optind - 1]);
		}
	}
	if ((rc = cli_path_operand(argc, argv, "check", &path)) >= 0)
		return rc;
	bool use_color;
	if ((rc = cli_open_output(o.path, o.color, &out, &use_color)) >= 0)
		return rc;

	specc_project_init(&p);
	if (specc_project_load(&p, path, &err) != SPECC_OK) {
		rc = cli_error("%s", err);
		goto out;
	}
	specc_project_resolve(&p);
	specc_check(&p);
	/* The settings of specc test, the grader and the gate are checked
	 * here too, so a typo in a gate rule fails CI before any run. */
	{
		specc_test_config cfg;
		specc_test_config_read(&cfg, &p);
		specc_test_config_release(&cfg);
	}
	if ((rc = cli_report(out, o.format, use_color, &p, false)) != 0)
		goto out;
	uint32_t errors = p.diags.count[SPECC_ERROR], warnings = p.diags.count[SPECC_WARNING];
	rc = errors || (strict && warnings) ? SPECC_EXIT_FINDINGS : SPECC_EXIT_OK;
out:
	rc = cli_close_output(out, o.path, rc);
	specc_project_release(&p);
	return rc;
}
