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

#include <jansson.h>
#include <stdlib.h>

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
		/* One JSON document: the IR with the parse findings in it. */
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);
		if (!mem || specc_render_json(mem, &p.sources, &p.diags, NULL) != SPECC_OK) {
			if (mem)
				fclose(mem);
			free(buf);
			rc = cli_error("out of memory");
			goto out;
		}
		fclose(mem);
		json_t *d = json_loadb(buf, len, 0, NULL);
		free(buf);
		char *ir = NULL;
		size_t irlen = 0;
		mem = open_memstream(&ir, &irlen);
		specc_emit_json(mem, &p);
		fclose(mem);
		json_t *root = json_loadb(ir, irlen, 0, NULL);
		free(ir);
		if (!root || !d) {
			json_decref(root);
			json_decref(d);
			rc = cli_error("internal error: the IR is not valid JSON");
			goto out;
		}
		json_object_set(root, "diagnostics", json_object_get(d, "diagnostics"));
		json_decref(d);
		if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) || putchar('\n') == EOF)
			rc = cli_error("cannot write the IR: %s", strerror(errno));
		json_decref(root);
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
