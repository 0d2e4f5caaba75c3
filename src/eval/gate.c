/*
 * gate.c - gate rules over a comparison (being written).
 */
#include "specc/eval.h"
