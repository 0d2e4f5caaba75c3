/*
 * cmd-parse.c - specc parse: print the IR.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "specc/emit.h"
#include "specc/project.h"
#include "cli.h"

const char cmd_parse_usage[] =
	"usage: specc parse [--json] [--color WHEN] [PATH]\n"
	"\n"
	"Reads the project at PATH (default \".\") into specc's intermediate\n"
	"representation and prints it: an outline of specs and sections with their\n"
	"IDs, authority levels, clauses and examples, then the totals.  With --json\n"
	"it prints the whole IR (every node with its source span), in the stable\n"
	"format documented in docs/ir-json.md.\n"
	"\n"
	"Syntax problems found while parsing are printed too (on standard error\n"
	"with the outline, in \"diagnostics\" with --json); `specc check` reports\n"
	"the rest.\n"
	"\n"
	"options:\n"
	"  --json        print the IR as JSON\n"
	"  --color WHEN  auto (default), always or never, for the diagnostics\n"
	"  -h, --help    show this help\n"
	"\n"
	"exit status: 0 parsed (even with findings), 2 usage or I/O error.\n";

int cmd_parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	const char *path = ".", *err, *color = NULL;
	specc_project p;
	int c, rc = SPECC_EXIT_OK;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'c': color = optarg; break;
		case 'h': fputs(cmd_parse_usage, stdout); return SPECC_EXIT_OK;
		default:
			return cli_error("parse: unknown or incomplete option %s; see specc help parse",
					 argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return cli_error("parse: one PATH at most; see specc help parse");
	if (optind < argc)
		path = argv[optind];
	int use_color = cli_color(color, stderr);
	if (use_color < 0)
		return cli_error("--color takes auto, always or never");

	specc_project_init(&p);
	if (specc_project_load(&p, path, &err) != SPECC_OK) {
		rc = cli_error("%s", err);
		goto out;
	}
	specc_project_resolve(&p);
	specc_diags_sort(&p.diags);
	if (json) {
		if (specc_emit_json(stdout, &p) != SPECC_OK)
			rc = cli_error("cannot write the IR: %s", strerror(errno));
	} else {
		specc_render_opts ro = { use_color > 0, "specc", SPECC_VERSION };
		specc_render_human(stderr, &p.sources, &p.diags, &ro);
		if (specc_emit_outline(stdout, &p) != SPECC_OK)
			rc = cli_error("cannot write the outline: %s", strerror(errno));
	}
out:
	specc_project_release(&p);
	return rc;
}
