/* text_map.h -- a string -> (uint32 id, double value) hash map.
 *
 * Keys are copied into storage the map owns; a key pointer returned by
 * text_map_key() stays valid until text_map_free(), even across growth.
 * Ids are dense (0, 1, 2, ... in insertion order). Not thread-safe for
 * writes; concurrent reads of a map nobody writes are fine.
 */
#ifndef SKIMD_TEXT_MAP_H
#define SKIMD_TEXT_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct text_map text_map;

#define TEXT_MAP_NONE UINT32_MAX

/* A new empty map, or NULL when out of memory. Free with text_map_free(). */
text_map *text_map_new(void);
void text_map_free(text_map *m);   /* accepts NULL */

/* Insert key[0..len) if absent. Returns its id, or TEXT_MAP_NONE when out
 * of memory. *added (may be NULL) says whether it was new. */
uint32_t text_map_put(text_map *m, const char *key, size_t len, int *added);
/* Id of key[0..len), or TEXT_MAP_NONE. m may be NULL. */
uint32_t text_map_get(const text_map *m, const char *key, size_t len);
size_t text_map_size(const text_map *m);
/* The stored key (NUL-terminated) and the value slot of an id. */
const char *text_map_key(const text_map *m, uint32_t id);
double text_map_value(const text_map *m, uint32_t id);
void text_map_set_value(text_map *m, uint32_t id, double v);
/* Bytes the map holds (for memory reports). */
size_t text_map_bytes(const text_map *m);

#endif
