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

extern const char cmd_parse_usage[];
extern const char cmd_check_usage[];
extern const char cmd_lint_usage[];

/* Prints "specc: message" to stderr and returns SPECC_EXIT_USAGE. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Decides whether to colour output: --color=always|never|auto (auto: a
 * terminal, NO_COLOR unset, TERM not "dumb").  Returns -1 on a bad value. */
int cli_color(const char *mode, FILE *out);

#endif
