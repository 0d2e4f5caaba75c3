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

/* A file path as a SARIF artifactLocation URI relative to %SRCROOT%
 * (percent-encoded, "./" dropped).  New reference. */
json_t *specc_sarif_uri(const char *path);

/* The file:// URI of the working directory, ending in '/': the SRCROOT
 * that relative paths in SARIF output resolve against.  New reference. */
json_t *specc_sarif_srcroot(void);

#endif
