/*
 * bench-parse.c - throughput of load + parse + structural check.
 *
 * Runs the whole front end on a project, single thread, several times and
 * prints the best and median throughput, and the peak resident memory
 * against the input size.  For reference it also times md4c alone over
 * the same spec files with callbacks that do nothing: the floor specc's
 * own work is measured against.
 */
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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

static int nop_block(MD_BLOCKTYPE t, void *d, void *u)
{
	(void)t, (void)d, (void)u;
	return 0;
}

static int nop_span(MD_SPANTYPE t, void *d, void *u)
{
	(void)t, (void)d, (void)u;
	return 0;
}

static int nop_text(MD_TEXTTYPE t, const MD_CHAR *s, MD_SIZE n, void *u)
{
	(void)t, (void)s, (void)n, (void)u;
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "bench/parse/data";
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	double t[64];
	uint64_t bytes = 0, spec_bytes = 0;
	uint32_t errors = 0, sections = 0, examples = 0, items = 0;
	double md4c_secs = 0;

	if (runs < 1 || runs > 64) {
		fprintf(stderr, "usage: bench-parse [PROJECT] [RUNS 1-64]\n");
		return 2;
	}
	for (int r = 0; r < runs; r++) {
		specc_project p;
		const char *err;
		double t0 = now();

		specc_project_init(&p);
		if (specc_project_load(&p, path, &err) != SPECC_OK) {
			fprintf(stderr, "bench-parse: %s\n(generate the data with bench/parse/run.sh)\n", err);
			specc_project_release(&p);
			return 2;
		}
		specc_project_resolve(&p);
		specc_check(&p);
		t[r] = now() - t0;
		bytes = p.bytes;
		errors = p.diags.count[SPECC_ERROR];
		sections = p.sections.len;
		examples = p.examples.len;
		items = p.items.len;
		if (r == 0) {
			/* md4c alone over the same spec files, for reference. */
			MD_PARSER md = { 0, MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH, nop_block, nop_block,
					 nop_span, nop_span, nop_text, NULL, NULL };
			double m0 = now();
			for (uint32_t i = 0; i < p.sources.len; i++) {
				const specc_source *s = &p.sources.items[i];
				md_parse(s->data, s->len, &md, NULL);
				spec_bytes += s->len;
			}
			md4c_secs = now() - m0;
		}
		specc_project_release(&p);
	}
	qsort(t, (size_t)runs, sizeof t[0], cmp_double);

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double mb = (double)bytes / 1e6, rss = (double)ru.ru_maxrss * 1024.0 / 1e6;
	printf("input:      %.1f MB (%u sections, %u examples, %u eval items, %u errors)\n", mb,
	       sections, examples, items, errors);
	printf("specc:      %.0f MB/s best, %.0f MB/s median of %d runs (load + parse + check, one thread)\n",
	       mb / t[0], mb / t[runs / 2], runs);
	printf("md4c alone: %.0f MB/s (same files, empty callbacks)\n",
	       (double)spec_bytes / 1e6 / md4c_secs);
	printf("peak RSS:   %.1f MB = %.2fx the input\n", rss, rss / mb);
	return errors ? 1 : 0;
}
