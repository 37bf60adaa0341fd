/* text_map.c -- open-addressing string map used by the analysis stages
 * (term interning, stop-word sets, IDF tables). Owns key storage (an
 * arena of blocks, so key pointers never move) and the slot table; knows
 * nothing about words or languages.
 */
#include "analyze/text_map.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 65536

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;

typedef struct entry {
    const char *key;   /* in the arena */
    uint32_t len;
    uint32_t hash;
    double value;
} entry;

struct text_map {
    uint32_t *slots;   /* id + 1, 0 = empty */
    size_t nslots;     /* power of two */
    entry *ents;       /* by id */
    size_t n, cap;
    arena_block *arena;
    size_t arena_bytes;
};

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

text_map *text_map_new(void)
{
    text_map *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->nslots = 64;
    m->slots = calloc(m->nslots, sizeof *m->slots);
    if (!m->slots) {
        free(m);
        return NULL;
    }
    return m;
}

void text_map_free(text_map *m)
{
    if (!m)
        return;
    arena_block *b = m->arena;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(m->slots);
    free(m->ents);
    free(m);
}

static char *arena_copy(text_map *m, const char *s, size_t len)
{
    arena_block *b = m->arena;
    if (!b || b->cap - b->used < len + 1) {
        size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = m->arena;
        m->arena = b;
        m->arena_bytes += sizeof *b + cap;
    }
    char *p = b->data + b->used;
    memcpy(p, s, len);
    p[len] = '\0';
    b->used += len + 1;
    return p;
}

static uint32_t find(const text_map *m, const char *key, size_t len, uint32_t h, size_t *slot)
{
    size_t mask = m->nslots - 1, i = h & mask;
    for (;;) {
        uint32_t v = m->slots[i];
        if (!v) {
            *slot = i;
            return TEXT_MAP_NONE;
        }
        const entry *e = &m->ents[v - 1];
        if (e->hash == h && e->len == len && !memcmp(e->key, key, len)) {
            *slot = i;
            return v - 1;
        }
        i = (i + 1) & mask;
    }
}

static int grow(text_map *m)
{
    size_t ns = m->nslots * 2;
    uint32_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t id = 0; id < m->n; id++) {
        size_t i = m->ents[id].hash & (ns - 1);
        while (slots[i])
            i = (i + 1) & (ns - 1);
        slots[i] = (uint32_t)id + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = ns;
    return 0;
}

uint32_t text_map_put(text_map *m, const char *key, size_t len, int *added)
{
    if (added)
        *added = 0;
    if (!m || !key || len > UINT32_MAX / 2 || m->n >= UINT32_MAX / 4)
        return TEXT_MAP_NONE;
    uint32_t h = hash_bytes(key, len);
    size_t slot;
    uint32_t id = find(m, key, len, h, &slot);
    if (id != TEXT_MAP_NONE)
        return id;
    if ((m->n + 1) * 2 > m->nslots) {
        if (grow(m) != 0)
            return TEXT_MAP_NONE;
        find(m, key, len, h, &slot);
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 32;
        entry *e = realloc(m->ents, cap * sizeof *e);
        if (!e)
            return TEXT_MAP_NONE;
        m->ents = e;
        m->cap = cap;
    }
    char *k = arena_copy(m, key, len);
    if (!k)
        return TEXT_MAP_NONE;
    m->ents[m->n] = (entry){ .key = k, .len = (uint32_t)len, .hash = h, .value = 0 };
    m->slots[slot] = (uint32_t)m->n + 1;
    if (added)
        *added = 1;
    return (uint32_t)m->n++;
}

uint32_t text_map_get(const text_map *m, const char *key, size_t len)
{
    if (!m || !key)
        return TEXT_MAP_NONE;
    size_t slot;
    return find(m, key, len, hash_bytes(key, len), &slot);
}

size_t text_map_size(const text_map *m)
{
    return m ? m->n : 0;
}

const char *text_map_key(const text_map *m, uint32_t id)
{
    return m && id < m->n ? m->ents[id].key : NULL;
}

double text_map_value(const text_map *m, uint32_t id)
{
    return m && id < m->n ? m->ents[id].value : 0.0;
}

void text_map_set_value(text_map *m, uint32_t id, double v)
{
    if (m && id < m->n)
        m->ents[id].value = v;
}

size_t text_map_bytes(const text_map *m)
{
    if (!m)
        return 0;
    return sizeof *m + m->nslots * sizeof *m->slots + m->cap * sizeof *m->ents + m->arena_bytes;
}
