/*
 * cmd-runs.c - specc runs: list the stored runs of a project, or show one.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "specc/eval.h"
#include "cli.h"

const char cmd_runs_usage[] =
	"usage: specc runs [--store FILE] [PATH]\n"
	"       specc runs show RUN [--format FORMAT] [-o FILE] [--store FILE] [PATH]\n"
	"\n"
	"Lists the runs of `specc test` stored in PATH/.specc/specc.db (PATH\n"
	"defaults to \".\"), newest first: when each started, its status, the\n"
	"provider and model asked, and how many cases it holds.  `show` prints a\n"
	"run's report again, exactly as `specc test` printed it; RUN is a run\n"
	"number or \"last\".\n"
	"\n"
	"options:\n"
	"  --store FILE      the results database (default PATH/.specc/specc.db)\n"
	"  --format FORMAT   for show: human (default), json, junit or sarif\n"
	"  -o, --output FILE for show: write the report to FILE\n"
	"  --color WHEN      auto (default), always or never\n"
	"  -h, --help        show this help\n"
	"\n"
	"exit status: 0 listed or shown, 2 usage error, or no such store or run.\n"
	"\n"
	"examples:\n"
	"  specc runs examples/\n"
	"  specc runs show last --format junit -o results.xml examples/\n";

static int list_run(void *ctx, const specc_run_info *r)
{
	specc_buf pm = SPECC_BUF_INIT;
	int *n = ctx;

	if ((*n)++ == 0)
		printf("%-5s  %-20s  %-11s  %6s  %s\n", "run", "started (UTC)", "status", "cases",
		       "provider/model");
	if (r->model && *r->model && strcmp(r->model, r->provider))
		specc_buf_addf(&pm, "%s/%s", r->provider, r->model);
	else
		specc_buf_addstr(&pm, r->provider);
	/* A calibration grades the spec's own labelled answers, not a model
	 * under test: say so, since it is no baseline. */
	if (r->options && strstr(r->options, "\"calibration\":true"))
		specc_buf_addstr(&pm, " (calibration of the grader)");
	printf("%-5lld  %-20s  %-11s  %6lld  %s\n", (long long)r->id, r->created, r->status,
	       (long long)r->total, pm.ptr);
	specc_buf_release(&pm);
	return 0;
}

int cmd_runs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },  { "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' }, { "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
	};
	const char *store_arg = NULL, *out_path = NULL, *color = NULL, *path = ".", *show = NULL;
	int fmt = SPECC_TEST_HUMAN, c, rc = SPECC_EXIT_OK, n = 0;
	specc_store *store = NULL;
	specc_run_info run = { 0 };
	specc_test_totals t = { 0 };
	specc_buf b = SPECC_BUF_INIT, err = SPECC_BUF_INIT;
	FILE *out = stdout;
	bool use_color = false;
	int rest;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_arg = optarg; break;
		case 'o': out_path = optarg; break;
		case 'c': color = optarg; break;
		case 'f':
			if (!strcmp(optarg, "human"))
				fmt = SPECC_TEST_HUMAN;
			else if (!strcmp(optarg, "json"))
				fmt = SPECC_TEST_JSON;
			else if (!strcmp(optarg, "junit"))
				fmt = SPECC_TEST_JUNIT;
			else if (!strcmp(optarg, "sarif"))
				fmt = SPECC_TEST_SARIF;
			else
				return cli_error("unknown format \"%s\"; use human, json, junit or sarif", optarg);
			break;
		case 'h': fputs(cmd_runs_usage, stdout); return SPECC_EXIT_OK;
		default:
			return cli_error("runs: unknown or incomplete option %s; see specc help runs",
					 argv[optind - 1]);
		}
	}
	rest = argc - optind;
	if (rest >= 1 && !strcmp(argv[optind], "show")) {
		if (rest < 2)
			return cli_error("runs show: which run? give its number or \"last\"");
		show = argv[optind + 1];
		optind += 2;
	} else if (rest >= 1 && !strcmp(argv[optind], "list")) {
		optind++;
	}
	if (argc - optind > 1)
		return cli_error("runs: one PATH at most; see specc help runs");
	if (optind < argc)
		path = argv[optind];

	if ((rc = cli_open_runs(path, store_arg, &b, &store)) >= 0)
		goto out;
	rc = SPECC_EXIT_OK;
	if (!show) {
		if (specc_store_runs(store, list_run, &n) != SPECC_OK)
			rc = cli_error("cannot read %s: %s", b.ptr, specc_store_error(store));
		else if (n == 0)
			printf("no runs in %s\n", b.ptr);
		goto out;
	}
	{
		char *end;
		long long id = strcmp(show, "last") ? strtoll(show, &end, 10) : 0;
		if (strcmp(show, "last") && (*end || id <= 0)) {
			rc = cli_error("runs show takes a run number or \"last\", not \"%s\"", show);
			goto out;
		}
		if (specc_store_run_get(store, id, &run) != SPECC_OK) {
			rc = cli_error("there is no run %s in %s; specc runs lists them", show, b.ptr);
			goto out;
		}
	}
	if ((rc = cli_open_output(out_path, color, &out, &use_color)) >= 0)
		goto out;
	rc = SPECC_EXIT_OK;
	if (specc_report_write(store, &run, fmt, out, use_color, path, NULL, &t, &err) != SPECC_OK)
		rc = cli_error("%s", err.ptr);
	rc = cli_close_output(out, out_path, rc);
out:
	specc_run_info_release(&run);
	specc_store_close(store);
	specc_buf_release(&b);
	specc_buf_release(&err);
	return rc;
}
