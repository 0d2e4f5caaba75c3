/*
 * merge.c - joining the stores of shard runs (being written).
 */
#include "specc/eval.h"
