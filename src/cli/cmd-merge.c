/*
 * cmd-merge.c - specc merge: join the stores of `specc test --shard I/N`
 * runs, made on different machines, into one run of the project's store.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "specc/eval.h"
#include "specc/merge.h"
#include "cli.h"

const char cmd_merge_usage[] =
	"usage: specc merge [options] SOURCE...\n"
	"\n"
	"Joins the runs of `specc test --shard I/N`, each made into a store of its\n"
	"own (on another machine, or with --store FILE), into one new run of the\n"
	"project's store, which then reports and compares like a run of the whole\n"
	"suite.  A SOURCE is a store file, whose latest shard run is taken;\n"
	"FILE:RUN takes its run RUN instead, and :RUN a run of the receiving store\n"
	"itself.  Every case, check, failed attempt, verdict and grade of the runs\n"
	"is copied, and so are each file's caches: the models' responses and the\n"
	"judgements of `specc check --deep`.\n"
	"\n"
	"Nothing is written unless the runs fit together: the same spec, provider,\n"
	"model and options, the same N, each of shards 1 to N exactly once, no\n"
	"case in two runs, and every run finished.  The sources are only read.\n"
	"\n"
	"options:\n"
	"  --into PATH         the project whose store receives the run (default \".\")\n"
	"  --store FILE        the receiving store instead of PATH/.specc/specc.db\n"
	"                      (made when missing)\n"
	"  --allow-incomplete  merge runs that did not finish too; the merged run is\n"
	"                      then incomplete\n"
	"  -h, --help          show this help\n"
	"\n"
	"exit status: 0 merged, 2 usage error, runs that do not fit together, or a\n"
	"store that cannot be read or written.\n"
	"\n"
	"examples:\n"
	"  specc merge shard1.db shard2.db shard3.db\n"
	"  specc merge --into examples/ ci/shard-*.db\n"
	"  specc merge :12 shard2.db:4 shard3.db\n"
	"  specc runs show last\n";

/* Reads "123" as a run number. */
static bool run_number(const char *s, int64_t *id)
{
	char *end;
	long long n;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || n <= 0)
		return false;
	*id = n;
	return true;
}

/*
 * Reads one SOURCE operand: FILE, FILE:RUN or :RUN.  FILE:RUN is split
 * only when no file has the whole name, so a store whose name ends in
 * ":2" can still be merged.  path and name point into arg or into *owned
 * (free it).  Returns -1 to go on, or an exit code after saying why.
 */
static int parse_source(const char *arg, const char *db, specc_merge_source *s, char **owned)
{
	const char *colon = strrchr(arg, ':');

	*owned = NULL;
	memset(s, 0, sizeof *s);
	if (colon == arg) {
		if (!run_number(arg + 1, &s->run))
			return cli_error("merge: :RUN names a run of the receiving store by its number, "
					 "such as :3, not \"%s\"", arg);
		s->name = db;
		return -1;
	}
	if (colon && colon[1] && access(arg, F_OK) != 0) {
		if (!run_number(colon + 1, &s->run))
			return cli_error("merge: FILE:RUN takes a run number after the colon, such as "
					 "shard2.db:3, not \"%s\"", arg);
		*owned = specc_xstrndup(arg, (size_t)(colon - arg));
		s->path = s->name = *owned;
		return -1;
	}
	s->path = s->name = arg;
	return -1;
}

/* Whether the folder that holds path exists. */
static bool parent_exists(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	char *dir;
	bool yes;

	if (!slash || slash == path)
		return true;
	dir = specc_xstrndup(path, (size_t)(slash - path));
	yes = stat(dir, &st) == 0;
	free(dir);
	return yes;
}

/* Removes a store this command made for a merge that did not happen, so
 * a refused merge leaves no trace: the file, its log, and its folder if
 * that was made too (rmdir leaves a folder that is not empty alone). */
static void unmake(const char *path, bool dir_too)
{
	specc_buf b = SPECC_BUF_INIT;
	const char *slash;

	unlink(path);
	specc_buf_addf(&b, "%s-wal", path);
	unlink(b.ptr);
	specc_buf_reset(&b);
	specc_buf_addf(&b, "%s-shm", path);
	unlink(b.ptr);
	slash = strrchr(path, '/');
	if (dir_too && slash && slash != path) {
		specc_buf_reset(&b);
		specc_buf_add(&b, path, (size_t)(slash - path));
		rmdir(b.ptr);
	}
	specc_buf_release(&b);
}

int cmd_merge(int argc, char **argv)
{
	enum { OPT_INTO = 256, OPT_STORE, OPT_ALLOW };
	static const struct option opts[] = {
		{ "into", required_argument, NULL, OPT_INTO },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "allow-incomplete", no_argument, NULL, OPT_ALLOW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *into = ".", *store_arg = NULL;
	specc_merge_options mo = { 0 };
	specc_merge_source *src = NULL;
	char **owned = NULL;
	int64_t *cases = NULL, sum = 0;
	uint32_t n = 0;
	specc_run_info run = { 0 };
	specc_store *store = NULL;
	specc_buf db = SPECC_BUF_INIT, err = SPECC_BUF_INIT;
	char *serr = NULL;
	struct stat st;
	bool made = false, made_dir = false;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_INTO: into = optarg; break;
		case OPT_STORE: store_arg = optarg; break;
		case OPT_ALLOW: mo.allow_incomplete = true; break;
		case 'h': fputs(cmd_merge_usage, stdout); return SPECC_EXIT_OK;
		default:
			return cli_error("merge: unknown or incomplete option %s; see specc help merge",
					 argv[optind - 1]);
		}
	}
	if (optind == argc)
		return cli_error("merge: name the stores of the shard runs to merge, such as "
				 "specc merge shard1.db shard2.db; see specc help merge");

	if (store_arg) {
		specc_buf_addstr(&db, store_arg);
	} else {
		if (stat(into, &st) != 0 || !S_ISDIR(st.st_mode)) {
			rc = cli_error("--into %s: no such folder", into);
			goto out;
		}
		if ((rc = cli_store_path(into, NULL, &db)) >= 0)
			goto out;
	}

	n = (uint32_t)(argc - optind);
	src = specc_xcalloc(n, sizeof *src);
	owned = specc_xcalloc(n, sizeof *owned);
	cases = specc_xcalloc(n, sizeof *cases);
	for (uint32_t i = 0; i < n; i++)
		if ((rc = parse_source(argv[optind + (int)i], db.ptr, &src[i], &owned[i])) >= 0)
			goto out;
	/* A missing source is found before the receiving store is made, so a
	 * typo leaves no empty store behind. */
	for (uint32_t i = 0; i < n; i++)
		if (src[i].path && access(src[i].path, R_OK) != 0) {
			rc = cli_error("cannot read %s: %s", src[i].path, strerror(errno));
			goto out;
		}

	made_dir = access(db.ptr, F_OK) != 0 && !parent_exists(db.ptr);
	made = access(db.ptr, F_OK) != 0;
	if (specc_store_open(&store, db.ptr, &serr) != SPECC_OK) {
		rc = cli_error("%s", serr);
		goto out;
	}
	if (specc_merge_runs(store, src, n, &mo, &run, cases, &err) != SPECC_OK) {
		cli_error("%s", err.ptr);
		rc = cli_error("nothing was merged");
		goto out;
	}

	printf("merged %u shard run%s (cases ", n, n == 1 ? "" : "s");
	for (uint32_t i = 0; i < n; i++) {
		printf("%s%lld", i ? " + " : "", (long long)cases[i]);
		sum += cases[i];
	}
	if (n > 1)
		printf(" = %lld", (long long)sum);
	printf(") into run %lld of %s\n", (long long)run.id, db.ptr);
	if (strcmp(run.status, "finished"))
		fprintf(stderr, "specc: run %lld is incomplete: it holds %lld of its %lld cases, since not "
				"every shard run had finished; finish them with specc test --resume and merge "
				"again for a complete run\n",
			(long long)run.id, (long long)sum, (long long)run.total);
	rc = SPECC_EXIT_OK;
out:
	for (uint32_t i = 0; owned && i < n; i++)
		free(owned[i]);
	free(owned);
	free(src);
	free(cases);
	free(serr);
	specc_run_info_release(&run);
	specc_store_close(store);
	if (rc != SPECC_EXIT_OK && made)
		unmake(db.ptr, made_dir);
	specc_buf_release(&db);
	specc_buf_release(&err);
	return rc;
}
