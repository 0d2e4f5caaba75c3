/*
 * cmd-merge.c - specc merge (being written).
 */
#include "cli.h"

const char cmd_merge_usage[] = "usage: specc merge\n";

int cmd_merge(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_error("merge is not built yet");
}
