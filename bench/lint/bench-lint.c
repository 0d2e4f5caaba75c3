/*
 * bench-lint.c - throughput of load + parse + lint with every built-in rule.
 *
 * Runs the whole linter on a project, single thread, several times, and
 * prints the best and median throughput and the peak resident memory.
 * Loading the rules (YAML, automaton) is done once per run and counted: it
 * is what a user waits for.  The parse alone (load + parse, no lint) is
 * timed too, so the linter's own cost can be read off.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "specc/lint.h"
#include "specc/project.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One run; returns seconds, or a negative value on error. */
static double run(const char *path, bool lint, specc_lint_stats *st, uint64_t *bytes,
		  uint32_t *rules, uint32_t *findings)
{
	specc_project p;
	specc_ruleset rs;
	const char *err;
	double t0 = now(), t = -1;

	specc_project_init(&p);
	if (specc_ruleset_init(&rs) != SPECC_OK)
		goto out;
	p.keep_prose = lint;
	if (specc_project_load(&p, path, &err) != SPECC_OK) {
		fprintf(stderr, "bench-lint: %s\n(generate the data with bench/lint/run.sh)\n", err);
		goto out;
	}
	specc_project_resolve(&p);
	if (lint) {
		if (specc_rules_load_builtin(&rs) != SPECC_OK)
			goto out;
		specc_ruleset_compile(&rs);
		memset(st, 0, sizeof *st);
		specc_lint(&p, &rs, NULL, st);
		*rules = rs.rules.len;
		*findings = (uint32_t)st->findings;
	}
	t = now() - t0;
	*bytes = p.bytes;
out:
	specc_ruleset_release(&rs);
	specc_project_release(&p);
	return t;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "bench/lint/data";
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	double t[64], tp[64];
	uint64_t bytes = 0;
	uint32_t rules = 0, findings = 0;
	specc_lint_stats st;

	if (runs < 1 || runs > 64) {
		fprintf(stderr, "usage: bench-lint [PROJECT] [RUNS 1-64]\n");
		return 2;
	}
	for (int r = 0; r < runs; r++) {
		if ((t[r] = run(path, true, &st, &bytes, &rules, &findings)) < 0)
			return 2;
		if ((tp[r] = run(path, false, &st, &bytes, &rules, &findings)) < 0)
			return 2;
	}
	/* The last lint run's statistics. */
	run(path, true, &st, &bytes, &rules, &findings);
	qsort(t, (size_t)runs, sizeof t[0], cmp_double);
	qsort(tp, (size_t)runs, sizeof tp[0], cmp_double);

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double mb = (double)bytes / 1e6, rss = (double)ru.ru_maxrss * 1024.0 / 1e6;
	double lint_only = t[0] - tp[0];
	printf("input:      %.1f MB, %.1f MB of it prose; %llu sentences, %llu tokens\n", mb,
	       (double)st.prose_bytes / 1e6, (unsigned long long)st.sentences,
	       (unsigned long long)st.tokens);
	printf("rules:      %u built-in rules, %u findings\n", rules, findings);
	printf("specc lint: %.0f MB/s best, %.0f MB/s median of %d runs (load + parse + lint, one thread)\n",
	       mb / t[0], mb / t[runs / 2], runs);
	printf("parse only: %.0f MB/s best (load + parse); the lint pass adds %.0f ms = %.0f MB/s alone\n",
	       mb / tp[0], lint_only * 1e3, lint_only > 0 ? mb / lint_only : 0.0);
	printf("peak RSS:   %.1f MB = %.2fx the input\n", rss, rss / mb);
	printf("throughput_mb_s %.1f\n", mb / t[0]);
	printf("peak_rss_mb %.1f\n", rss);
	return 0;
}
