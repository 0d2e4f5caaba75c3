/*
 * map.h - a string-keyed hash map to uint32 values (open addressing).
 *
 * Keys are slices the caller keeps alive for the map's lifetime (in the IR
 * they point into sources).  Used to resolve section IDs, anchors and eval
 * files in O(1).
 */
#ifndef SPECC_MAP_H
#define SPECC_MAP_H

#include "specc/base.h"

typedef struct specc_map_slot {
	specc_str key;
	uint32_t hash;
	uint32_t value;
} specc_map_slot;

typedef struct specc_map {
	specc_map_slot *slots;
	uint32_t cap; /* a power of two, or 0 */
	uint32_t len;
} specc_map;

#define SPECC_MAP_INIT { NULL, 0, 0 }

void specc_map_release(specc_map *m);
/* FNV-1a; exposed for tests and for callers that hash other data. */
uint32_t specc_hash(const void *data, size_t n);
/* Inserts key -> value unless key is present.  Returns true when inserted;
 * otherwise *existing (if not NULL) receives the present value. */
bool specc_map_put(specc_map *m, specc_str key, uint32_t value, uint32_t *existing);
/* Returns the value of key, or SPECC_NONE. */
uint32_t specc_map_get(const specc_map *m, specc_str key);

#endif
