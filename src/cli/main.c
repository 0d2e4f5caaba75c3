/*
 * main.c - the specc command: dispatches to one cmd-<name>.c per command.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "specc/base.h"
#include "specc/diag.h"
#include "specc/eval.h"
#include "specc/project.h"
#include "cli.h"

static const struct cli_command commands[] = {
	{ "check", cmd_check, "check a project's structure: IDs, links, eval files, examples",
	  cmd_check_usage },
	{ "lint", cmd_lint, "flag ambiguous, vague and untestable spec language", cmd_lint_usage },
	{ "test", cmd_test, "ask a model every clause's eval prompts and check the answers",
	  cmd_test_usage },
	{ "runs", cmd_runs, "list the stored runs of specc test, or show one", cmd_runs_usage },
	{ "compare", cmd_compare, "the clauses that got significantly worse or better between two runs",
	  cmd_compare_usage },
	{ "calibrate", cmd_calibrate, "measure the grader against the spec's own labelled answers",
	  cmd_calibrate_usage },
	{ "judge", cmd_judge, "record a human ruling on a case; list, export and import rulings",
	  cmd_judge_usage },
	{ "merge", cmd_merge, "join the stores of --shard runs into one run", cmd_merge_usage },
	{ "parse", cmd_parse, "print the IR of a project as an outline or JSON", cmd_parse_usage },
};

static const char main_usage[] =
	"usage: specc <command> [options] [PATH]\n"
	"\n"
	"specc is the spec compiler: it reads natural-language specifications\n"
	"(Markdown with section IDs, authority levels, eval anchors and labelled\n"
	"example conversations), checks them the way a compiler checks code, and\n"
	"runs their eval prompts against models the way a test runner runs tests.\n"
	"\n"
	"PATH is a project folder holding specc.yaml, or one spec .md file whose\n"
	"sibling examples/ folder holds its eval files.  It defaults to \".\".\n"
	"\n"
	"commands:\n";

static void print_usage(FILE *out)
{
	fputs(main_usage, out);
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("  help     show the help of a command: specc help check\n"
	      "\n"
	      "options:\n"
	      "  -h, --help     show this help\n"
	      "  -V, --version  show the version\n"
	      "\n"
	      "exit status: 0 clean, 1 errors found in the input, 2 usage or I/O error.\n"
	      "Documentation: docs/spec-language.md, docs/diagnostics.md, man specc.\n",
	      out);
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("specc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return SPECC_EXIT_USAGE;
}

int cli_color(const char *mode, FILE *out)
{
	if (!mode || !strcmp(mode, "auto")) {
		const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
		if (nc && nc[0])
			return 0;
		if (term && !strcmp(term, "dumb"))
			return 0;
		return isatty(fileno(out));
	}
	if (!strcmp(mode, "always"))
		return 1;
	if (!strcmp(mode, "never"))
		return 0;
	return -1;
}

int cli_output_option(int c, const char *arg, struct cli_output *o)
{
	specc_format fmt;

	switch (c) {
	case 'f':
		if (specc_format_parse(arg, &fmt) != SPECC_OK)
			return cli_error("unknown format \"%s\"; use human, json, sarif or github", arg);
		o->format = (int)fmt;
		return 1;
	case 'o':
		o->path = arg;
		return 1;
	case 'c':
		o->color = arg;
		return 1;
	}
	return 0;
}

int cli_parse_count(const char *opt, const char *arg, long lo, long hi, long *out)
{
	char *end;
	long n;
	errno = 0;
	n = strtol(arg, &end, 10);
	if (!*arg || *end || errno || n < lo || n > hi)
		return cli_error("%s takes a whole number from %ld to %ld, not \"%s\"", opt, lo, hi, arg);
	*out = n;
	return -1;
}

int cli_path_operand(int argc, char **argv, const char *command, const char **path)
{
	if (argc - optind > 1)
		return cli_error("%s: one PATH at most; see specc help %s", command, command);
	*path = optind < argc ? argv[optind] : ".";
	return -1;
}

int cli_open_output(const char *path, const char *color, FILE **out, bool *use_color)
{
	*out = stdout;
	if (path && !(*out = fopen(path, "w")))
		return cli_error("cannot write %s: %s", path, strerror(errno));
	int c = cli_color(color, *out);
	if (c < 0) {
		if (*out != stdout)
			fclose(*out);
		*out = stdout;
		return cli_error("--color takes auto, always or never");
	}
	*use_color = c > 0;
	return -1;
}

int cli_close_output(FILE *out, const char *path, int rc)
{
	if (out != stdout && fclose(out) != 0)
		return cli_error("cannot write %s: %s", path, strerror(errno));
	return rc;
}

int cli_store_path(const char *path, const char *given, specc_buf *db)
{
	struct stat st;
	const char *slash;

	if (given) {
		specc_buf_addstr(db, given);
		return -1;
	}
	if (stat(path, &st) != 0)
		return cli_error("cannot open %s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		size_t n = strlen(path);
		while (n > 1 && path[n - 1] == '/')
			n--;
		if (strcmp(path, ".")) {
			specc_buf_add(db, path, n);
			if (path[n - 1] != '/')
				specc_buf_addch(db, '/');
		}
	} else if ((slash = strrchr(path, '/'))) {
		/* A one-file project keeps its store beside the spec. */
		specc_buf_add(db, path, (size_t)(slash - path) + 1);
	}
	specc_buf_addstr(db, ".specc/specc.db");
	return -1;
}

int cli_open_runs(const char *path, const char *given, specc_buf *db, specc_store **out)
{
	char *err = NULL;
	int rc = -1;

	if ((rc = cli_store_path(path, given, db)) >= 0)
		return rc;
	if (access(db->ptr, F_OK) != 0)
		return cli_error("no runs yet: %s does not exist (specc test makes it)", db->ptr);
	if (specc_store_open(out, db->ptr, &err) != SPECC_OK)
		rc = cli_error("%s", err);
	free(err);
	return rc;
}

static const char *plural(uint32_t n)
{
	return n == 1 ? "" : "s";
}

int cli_project_open(specc_project *p, const char *path, const char *command,
		     specc_test_config *cfg, bool *have_cfg)
{
	const char *err;

	specc_project_init(p);
	if (specc_project_load(p, path, &err) != SPECC_OK)
		return cli_error("%s", err);
	specc_project_resolve(p);
	if (cfg) {
		specc_test_config_read(cfg, p);
		*have_cfg = true;
	}
	return cli_refuse_errors(p, command, path);
}

int cli_refuse_errors(specc_project *p, const char *command, const char *path)
{
	specc_render_opts ro = { false, "specc", SPECC_VERSION };

	if (!p->diags.count[SPECC_ERROR])
		return -1;
	specc_diags_sort(&p->diags);
	specc_diags_render(stderr, SPECC_FORMAT_HUMAN, &p->sources, &p->diags, &ro);
	return cli_error("%s: the project has errors; fix them first (specc check %s shows them all)",
			 command, path);
}

int cli_report(FILE *out, int fmt, bool color, specc_project *p, bool with_notes)
{
	specc_render_opts ro = { color, "specc", SPECC_VERSION };

	specc_diags_sort(&p->diags);
	if (specc_diags_render(out, (specc_format)fmt, &p->sources, &p->diags, &ro) != SPECC_OK)
		return cli_error("cannot write the findings: %s", strerror(errno));
	if (fmt != SPECC_FORMAT_HUMAN)
		return 0;
	uint32_t e = p->diags.count[SPECC_ERROR], w = p->diags.count[SPECC_WARNING];
	uint32_t n = with_notes ? p->diags.count[SPECC_NOTE] : 0, f = p->sources.len;
	if (!e && !w && !n)
		fprintf(out, "no problems in %u file%s\n", f, plural(f));
	else if (with_notes)
		fprintf(out, "%u error%s, %u warning%s, %u note%s in %u file%s\n", e, plural(e), w,
			plural(w), n, plural(n), f, plural(f));
	else
		fprintf(out, "%u error%s, %u warning%s in %u file%s\n", e, plural(e), w, plural(w), f,
			plural(f));
	return 0;
}

static const struct cli_command *find(const char *name)
{
	for (size_t i = 0; i < SPECC_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct cli_command *cmd;

	if (argc < 2) {
		print_usage(stderr);
		return SPECC_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_usage(stdout);
		return SPECC_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("specc %s\n", SPECC_VERSION);
		return SPECC_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			print_usage(stdout);
			return SPECC_EXIT_OK;
		}
		cmd = find(argv[2]);
		if (!cmd)
			return cli_error("no command \"%s\"; see specc --help", argv[2]);
		fputs(cmd->usage, stdout);
		return SPECC_EXIT_OK;
	}
	cmd = find(argv[1]);
	if (!cmd) {
		if (argv[1][0] == '-')
			return cli_error("unknown option %s; see specc --help", argv[1]);
		return cli_error("no command \"%s\"; see specc --help", argv[1]);
	}
	return cmd->run(argc - 1, argv + 1);
}
