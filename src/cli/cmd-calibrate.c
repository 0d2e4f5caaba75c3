/*
 * cmd-calibrate.c - specc calibrate (being written).
 */
#include "cli.h"

const char cmd_calibrate_usage[] = "usage: specc calibrate\n";

int cmd_calibrate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_error("calibrate is not built yet");
}
