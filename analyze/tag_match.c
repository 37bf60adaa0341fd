/* tag_match.c -- the Aho-Corasick automaton over taxonomy terms.
 *
 * Owns building the automaton (once, at load) and running it over
 * normalised text: every alias, label, cue and veto word is found in one
 * pass over the bytes. Then three filters: word boundaries for terms that
 * start or end with a Latin letter or digit ("ai" must not match inside
 * "maintain"), longest match wins (a match inside a longer one is
 * dropped; equal spans of different tags are all kept), and vetoes (a
 * veto word of the same tag near a match drops it). Scoring is not here.
 */
#include "analyze/tag_internal.h"

#include <stdlib.h>
#include <string.h>

#define VETO_WINDOW 45   /* bytes either side (about 15 CJK characters) */

/* Code point at s[i] (UTF-8, lenient); sets *n to its byte length. */
static unsigned cp_at(const char *s, size_t len, size_t i, size_t *n)
{
    unsigned char c = (unsigned char)s[i];
    size_t need = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    unsigned cp = need == 1 ? c : need == 2 ? (c & 0x1Fu) : need == 3 ? (c & 0x0Fu) : (c & 0x07u);
    if (i + need > len)
        need = 1;
    for (size_t k = 1; k < need; k++)
        cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3Fu);
    *n = need;
    return cp;
}

/* Start of the code point that ends just before s[i]. */
static size_t cp_before(const char *s, size_t i)
{
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80 && i - j < 4)
        j--;
    return j;
}

/* A letter or digit of an alphabetic script: words are delimited by
 * anything else (spaces, punctuation, CJK characters). */
static int is_word_cp(unsigned cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x370 && cp <= 0x52F);
}

static int child_of(const tag_taxonomy *tx, int node, unsigned char b)
{
    if (node == 0)
        return tx->root_next[b];
    for (int c = tx->nodes[node].child; c; c = tx->nodes[c].sibling)
        if (tx->nodes[c].byte == b)
            return c;
    return 0;
}

static int new_node(tag_taxonomy *tx, unsigned char b)
{
    if (tx->n_nodes == tx->cap_nodes) {
        size_t nc = tx->cap_nodes ? tx->cap_nodes * 2 : 4096;
        tag_node *nn = realloc(tx->nodes, nc * sizeof *nn);
        if (!nn)
            return -1;
        tx->nodes = nn;
        tx->cap_nodes = nc;
    }
    tag_node *n = &tx->nodes[tx->n_nodes];
    memset(n, 0, sizeof *n);
    n->out = -1;
    n->byte = b;
    return (int)tx->n_nodes++;
}

int tag_trie_find(const tag_taxonomy *tx, const char *s, size_t n)
{
    if (!tx || !s || n == 0 || !tx->nodes)
        return -1;
    int cur = 0;
    for (size_t i = 0; i < n && (cur = child_of(tx, cur, (unsigned char)s[i])); i++)
        ;
    return cur ? tx->nodes[cur].out : -1;
}

int tag_ac_build(tag_taxonomy *tx)
{
    int *queue = NULL, rc = -1;
    free(tx->nodes);
    tx->nodes = NULL;
    tx->n_nodes = tx->cap_nodes = 0;
    memset(tx->root_next, 0, sizeof tx->root_next);
    if (new_node(tx, 0) < 0)
        goto done;
    for (size_t p = 0; p < tx->n_patterns; p++) {
        tag_pattern *tp = &tx->patterns[p];
        size_t n;
        tp->latin_start = is_word_cp(cp_at(tp->norm, tp->len, 0, &n));
        tp->latin_end = is_word_cp(cp_at(tp->norm, tp->len, cp_before(tp->norm, tp->len), &n));
        int cur = 0;
        for (size_t i = 0; i < tp->len; i++) {
            unsigned char b = (unsigned char)tp->norm[i];
            int nx = child_of(tx, cur, b);
            if (!nx) {
                if ((nx = new_node(tx, b)) < 0)
                    goto done;
                if (cur == 0) {
                    tx->root_next[b] = nx;
                } else {
                    tx->nodes[nx].sibling = tx->nodes[cur].child;
                    tx->nodes[cur].child = nx;
                }
            }
            cur = nx;
        }
        tp->next_same = tx->nodes[cur].out;
        tx->nodes[cur].out = (int)p;
    }
    /* failure and dictionary links, breadth first */
    queue = malloc(tx->n_nodes * sizeof *queue);
    if (!queue)
        goto done;
    size_t qh = 0, qt = 0;
    for (int b = 0; b < 256; b++) {
        int c = tx->root_next[b];
        if (c) {
            tx->nodes[c].fail = 0;
            tx->nodes[c].dict = 0;
            queue[qt++] = c;
        }
    }
    while (qh < qt) {
        int u = queue[qh++];
        for (int v = tx->nodes[u].child; v; v = tx->nodes[v].sibling) {
            unsigned char b = tx->nodes[v].byte;
            int f = tx->nodes[u].fail;
            while (f && !child_of(tx, f, b))
                f = tx->nodes[f].fail;
            int t = child_of(tx, f, b);
            tx->nodes[v].fail = (t && t != v) ? t : 0;
            int fl = tx->nodes[v].fail;
            tx->nodes[v].dict = tx->nodes[fl].out >= 0 ? fl : tx->nodes[fl].dict;
            queue[qt++] = v;
        }
    }
    rc = 0;
done:
    free(queue);
    return rc;
}

static int hit_cmp(const void *a, const void *b)
{
    const tag_hit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;   /* longer first */
    return x->pattern - y->pattern;
}

static int boundary_ok(const char *s, size_t len, size_t start, size_t end, const tag_pattern *p)
{
    size_t n;
    if (p->latin_start && start > 0 && is_word_cp(cp_at(s, len, cp_before(s, start), &n)))
        return 0;
    if (p->latin_end && end < len && is_word_cp(cp_at(s, len, end, &n)))
        return 0;
    return 1;
}

int tag_match(const tag_taxonomy *tx, const char *norm, size_t len,
              tag_hit **hits, size_t *n_hits, size_t max_hits)
{
    tag_hit *all = NULL, *veto = NULL;
    size_t n = 0, cap = 0, nv = 0, capv = 0;
    int rc = -1;
    *hits = NULL;
    *n_hits = 0;
    if (!max_hits)
        max_hits = 20000;
    int st = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)norm[i];
        int nx = 0;
        while (st && !(nx = child_of(tx, st, b)))
            st = tx->nodes[st].fail;
        st = st ? nx : tx->root_next[b];
        for (int o = tx->nodes[st].out >= 0 ? st : tx->nodes[st].dict; o; o = tx->nodes[o].dict) {
            for (int p = tx->nodes[o].out; p >= 0; p = tx->patterns[p].next_same) {
                const tag_pattern *tp = &tx->patterns[p];
                size_t end = i + 1, start = end - tp->len;
                if (!boundary_ok(norm, len, start, end, tp))
                    continue;
                int is_veto = tp->kind == TAG_PAT_VETO;
                tag_hit **arr = is_veto ? &veto : &all;
                size_t *cnt = is_veto ? &nv : &n, *cp = is_veto ? &capv : &cap;
                if (*cnt >= max_hits)
                    continue;
                if (*cnt == *cp) {
                    size_t nc = *cp ? *cp * 2 : 64;
                    tag_hit *na = realloc(*arr, nc * sizeof *na);
                    if (!na)
                        goto done;
                    *arr = na;
                    *cp = nc;
                }
                (*arr)[(*cnt)++] = (tag_hit){start, end, tp->tag,
                                             tp->kind == TAG_PAT_CUE ? TAG_HIT_CUE : TAG_HIT_NAME,
                                             tp->weight, p, tp->term};
            }
        }
    }
    if (n > 1)
        qsort(all, n, sizeof *all, hit_cmp);
    /* longest match wins; then vetoes */
    size_t w = 0, best_start = 0, best_end = 0;
    int have_best = 0;
    for (size_t i = 0; i < n; i++) {
        tag_hit h = all[i];
        if (have_best && best_end >= h.end && !(best_start == h.start && best_end == h.end))
            continue;
        if (!have_best || h.end > best_end) {
            best_start = h.start;
            best_end = h.end;
            have_best = 1;
        }
        int vetoed = 0;
        for (size_t v = 0; v < nv && !vetoed; v++) {
            if (veto[v].tag != h.tag)
                continue;
            vetoed = veto[v].end + VETO_WINDOW >= h.start && veto[v].start <= h.end + VETO_WINDOW;
        }
        if (!vetoed)
            all[w++] = h;
    }
    *hits = all;
    *n_hits = w;
    all = NULL;
    rc = 0;
done:
    free(all);
    free(veto);
    return rc;
}
