/*
 * standalone.c - runs a fuzz target over files, without libFuzzer.
 *
 * Every build runs each target over its seed corpus (tests/fuzz/seeds/) and
 * the crashes fuzzing has found (tests/fuzz/regressions/), so those inputs
 * stay fixed under gcc, ASan and valgrind too.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "specc/buf.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	specc_buf b = SPECC_BUF_INIT;
	char chunk[65536];
	size_t n;

	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return 1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		specc_buf_add(&b, chunk, n);
	fclose(f);
	LLVMFuzzerTestOneInput((const unsigned char *)b.ptr, b.len);
	specc_buf_release(&b);
	return 0;
}

static int run_path(const char *path, unsigned *count)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return 0; /* an absent regressions folder is fine */
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	DIR *d = opendir(path);
	struct dirent *e;
	int rc = 0;
	if (!d)
		return 1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		specc_buf p = SPECC_BUF_INIT;
		specc_buf_addf(&p, "%s/%s", path, e->d_name);
		rc |= run_path(p.ptr, count);
		specc_buf_release(&p);
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int rc = 0;
	for (int i = 1; i < argc; i++)
		rc |= run_path(argv[i], &count);
	printf("ran %u inputs\n", count);
	return rc || count == 0;
}
