/*
 * json.h - the one way specc turns text into JSON strings.
 */
#ifndef SPECC_JSON_H
#define SPECC_JSON_H

#include <jansson.h>
#include <stddef.h>

/*
 * Returns a new JSON string (a reference the caller owns) holding the n
 * bytes at s.  jansson refuses invalid UTF-8, and the text comes from user
 * files, so invalid sequences become U+FFFD instead of failing.
 */
json_t *specc_json_string(const char *s, size_t n);

#endif
