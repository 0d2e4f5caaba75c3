/*
 * map.c - open-addressing hash map with linear probing.
 */
#include <stdlib.h>
#include <string.h>

#include "specc/map.h"

uint32_t specc_hash(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

void specc_map_release(specc_map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->len = 0;
}

static specc_map_slot *find(specc_map_slot *slots, uint32_t cap, specc_str key, uint32_t h)
{
	uint32_t i = h & (cap - 1);
	for (;;) {
		specc_map_slot *s = &slots[i];
		if (!s->key.ptr || (s->hash == h && specc_str_eq(s->key, key)))
			return s;
		i = (i + 1) & (cap - 1);
	}
}

static void rehash(specc_map *m)
{
	uint32_t cap = m->cap ? m->cap * 2 : 64;
	specc_map_slot *slots = specc_xcalloc(cap, sizeof *slots);
	for (uint32_t i = 0; i < m->cap; i++)
		if (m->slots[i].key.ptr)
			*find(slots, cap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

bool specc_map_put(specc_map *m, specc_str key, uint32_t value, uint32_t *existing)
{
	uint32_t h = specc_hash(key.ptr, key.len);
	specc_map_slot *s;

	/* Keep the load factor under 1/2 so probes stay short. */
	if ((m->len + 1) * 2 > m->cap)
		rehash(m);
	/* A NULL key pointer marks an empty slot, so empty keys need a
	 * non-NULL pointer. */
	if (!key.ptr)
		key.ptr = "";
	s = find(m->slots, m->cap, key, h);
	if (s->key.ptr) {
		if (existing)
			*existing = s->value;
		return false;
	}
	s->key = key;
	s->hash = h;
	s->value = value;
	m->len++;
	return true;
}

uint32_t specc_map_get(const specc_map *m, specc_str key)
{
	if (!m->cap)
		return SPECC_NONE;
	if (!key.ptr)
		key.ptr = "";
	specc_map_slot *s = find(m->slots, m->cap, key, specc_hash(key.ptr, key.len));
	return s->key.ptr ? s->value : SPECC_NONE;
}
