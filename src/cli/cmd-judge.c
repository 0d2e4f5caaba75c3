/*
 * cmd-judge.c - specc judge (being written).
 */
#include "cli.h"

const char cmd_judge_usage[] = "usage: specc judge\n";

int cmd_judge(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_error("judge is not built yet");
}
