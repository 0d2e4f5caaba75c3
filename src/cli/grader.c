/*
 * grader.c - choosing the grader for a command (being written).
 */
#include "cli.h"
