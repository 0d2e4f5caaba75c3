/*
 * cli.h - the command table shared by main.c and the cmd-*.c files.
 */
#ifndef SPECC_CLI_H
#define SPECC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define SPECC_VERSION "0.1.0"

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *usage; /* full help text */
};

int cmd_parse(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_judge(int argc, char **argv);
int cmd_merge(int argc, char **argv);

extern const char cmd_parse_usage[];
extern const char cmd_check_usage[];
extern const char cmd_lint_usage[];
extern const char cmd_test_usage[];
extern const char cmd_runs_usage[];
extern const char cmd_compare_usage[];
extern const char cmd_calibrate_usage[];
extern const char cmd_judge_usage[];
extern const char cmd_merge_usage[];

/* Prints "specc: message" to stderr and returns SPECC_EXIT_USAGE. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Decides whether to colour output: --color=always|never|auto (auto: a
 * terminal, NO_COLOR unset, TERM not "dumb").  Returns -1 on a bad value. */
int cli_color(const char *mode, FILE *out);

/* The options every command that reports findings takes: --format,
 * --output and --color.  cli_output_option() handles one getopt result
 * for them: 1 when it was one of theirs, 0 when it was not, or an exit
 * code (>= 2) after saying what is wrong. */
struct cli_output {
	int format;              /* specc_format */
	const char *path;        /* NULL: standard output */
	const char *color;
};
int cli_output_option(int c, const char *arg, struct cli_output *o);
/* Reads the value of option opt as a whole number from lo to hi into
 * *out.  Returns -1 to go on, or an exit code after saying what is
 * wrong. */
int cli_parse_count(const char *opt, const char *arg, long lo, long hi, long *out);
/* The optional PATH operand: at most one, "." by default.  Returns -1 to
 * go on, or an exit code after saying what is wrong. */
int cli_path_operand(int argc, char **argv, const char *command, const char **path);

/* Opens where findings go (standard output when path is NULL) and decides
 * on colour.  Returns -1 to go on, or an exit code after saying why; on
 * success the caller closes *out with cli_close_output(). */
int cli_open_output(const char *path, const char *color, FILE **out, bool *use_color);
/* Closes *out if it is a file; returns rc, or an exit code if closing
 * (flushing) failed. */
int cli_close_output(FILE *out, const char *path, int rc);

struct specc_store;
struct specc_buf;
/* The store of the project at path: the file given (--store), else
 * .specc/specc.db in the project's folder, or beside a one-file project's
 * spec.  Appended to db.  Returns -1 to go on, or an exit code after
 * saying why (path cannot be read). */
int cli_store_path(const char *path, const char *given, struct specc_buf *db);
/* Opens the existing store of the project at path (or the file given),
 * for commands that read runs: its path goes to db, the store to *out.
 * Returns -1 to go on, or an exit code after saying why (a project with
 * no runs yet has no store, and none is made). */
int cli_open_runs(const char *path, const char *given, struct specc_buf *db, struct specc_store **out);

struct specc_project;
/* Sorts and renders the project's findings; for human output, then a
 * closing count line (notes counted too when with_notes).  Returns 0, or
 * an exit code after saying why. */
int cli_report(FILE *out, int fmt, bool color, struct specc_project *p, bool with_notes);

/* For commands that need a sound project (test, calibrate, judge,
 * compare): when p has errors, prints them and says to fix them first,
 * returning the exit code; -1 to go on. */
int cli_refuse_errors(struct specc_project *p, const char *command, const char *path);

struct specc_test_config;
/* Initialises p (release it whatever this returns), loads and resolves
 * the project at path, reads the settings of specc test into cfg unless
 * it is NULL (then *have_cfg is set: release cfg), and refuses a project
 * with errors.  Returns -1 to go on, or an exit code after saying why. */
int cli_project_open(struct specc_project *p, const char *path, const char *command,
		     struct specc_test_config *cfg, bool *have_cfg);

#endif
