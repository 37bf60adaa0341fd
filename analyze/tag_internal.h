/* tag_internal.h -- taxonomy internals shared by taxonomy.c and
 * tag_match.c only; not part of the analyze API. */
#ifndef SKIMD_TAG_INTERNAL_H
#define SKIMD_TAG_INTERNAL_H

#include <stddef.h>
#include "analyze/taxonomy.h"

enum { TAG_PAT_NAME = 0, TAG_PAT_CUE = 1, TAG_PAT_VETO = 2 };

typedef struct tag_pattern {
    char *norm;        /* normalised term, what the automaton matches */
    size_t len;        /* strlen(norm) */
    char *term;        /* the term as written in the file */
    int tag;           /* owning tag index */
    int kind;          /* TAG_PAT_* */
    double weight;     /* cue weight; 1 otherwise */
    int latin_start;   /* first/last char is a Latin letter or digit: */
    int latin_end;     /*   needs a word boundary on that side */
    int next_same;     /* next pattern with the same normalised string, -1 */
    int weak;          /* measured ambiguous (tag_taxonomy_load_stats): needs support */
} tag_pattern;

typedef struct tag_node {
    int child;         /* first child node, 0 = none (node 0 is the root) */
    int sibling;       /* next sibling, 0 = none */
    int fail;          /* Aho-Corasick failure link */
    int out;           /* first pattern ending here, -1 = none */
    int dict;          /* nearest node on the fail chain with output, 0 = none */
    unsigned char byte;/* edge label from the parent */
} tag_node;

struct tag_taxonomy {
    tag_def *tags;
    char **parent_ids;     /* parent id per tag until linked */
    size_t n_tags, cap_tags;
    char **facets;
    size_t n_facets, cap_facets;
    tag_pattern *patterns;
    size_t n_patterns, cap_patterns;
    tag_node *nodes;       /* the automaton; nodes[0] is the root */
    size_t n_nodes, cap_nodes;
    int root_next[256];    /* root transitions, 0 = stay at root */
    char fingerprint[17];  /* FNV-1a 64 of the file bytes, hex: changes when the file does */
};

/* Build the automaton over tx->patterns. Returns 0 or -1 (out of memory). */
int tag_ac_build(tag_taxonomy *tx);

/* The first pattern whose normalised string is exactly s[0..n) (more
 * follow through next_same), or -1. Walks the trie only: O(n). */
int tag_trie_find(const tag_taxonomy *tx, const char *s, size_t n);

#endif
