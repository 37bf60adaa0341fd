/* taxonomy.c -- loading and validating the tag taxonomy, text normalisation.
 *
 * Owns the tag_taxonomy object: the tags, their labels, and the patterns
 * (aliases, labels, cues, vetoes) handed to the Aho-Corasick automaton in
 * tag_match.c. Validation errors name the line of the offending tag: the
 * JSON is parsed with jansson, and a small position scanner finds where a
 * given facet element starts in the raw text. Scoring tags for an article
 * is tagger.c's business, not this file's.
 */
#include "analyze/taxonomy.h"
#include "analyze/tag_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#define MAX_TAGS 20000
#define MAX_TERMS_PER_TAG 400
#define MAX_TERM_BYTES 200

/* ---- normalisation ---- */

static char *normalize(const char *s, size_t len, size_t *outlen, int fold)
{
    UChar *u16 = NULL, *nf = NULL;
    char *out = NULL, *res = NULL;
    UErrorCode st = U_ZERO_ERROR;
    if (!s || len > TAG_MAX_TEXT_BYTES)
        return NULL;
    int32_t ulen = 0, cap16 = (int32_t)len + 1;
    u16 = malloc((size_t)cap16 * sizeof *u16);
    if (!u16)
        goto done;
    u_strFromUTF8WithSub(u16, cap16, &ulen, s, (int32_t)len, 0xFFFD, NULL, &st);
    if (U_FAILURE(st))
        goto done;
    const UNormalizer2 *n2 = fold ? unorm2_getNFKCCasefoldInstance(&st) : unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st))
        goto done;
    int32_t ncap = ulen * 3 + 16, nlen;
    nf = malloc((size_t)ncap * sizeof *nf);
    if (!nf)
        goto done;
    nlen = unorm2_normalize(n2, u16, ulen, nf, ncap, &st);
    if (U_FAILURE(st))
        goto done;
    int32_t olen = 0, ocap = nlen * 3 + 1;
    out = malloc((size_t)ocap);
    if (!out)
        goto done;
    u_strToUTF8WithSub(out, ocap, &olen, nf, nlen, 0xFFFD, NULL, &st);
    if (U_FAILURE(st))
        goto done;
    /* collapse whitespace runs (ASCII; U+3000 and NBSP became spaces) */
    size_t w = 0;
    int in_space = 0;
    for (int32_t r = 0; r < olen; r++) {
        unsigned char c = (unsigned char)out[r];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            if (!in_space && w > 0)
                out[w++] = ' ';
            in_space = 1;
        } else {
            out[w++] = (char)c;
            in_space = 0;
        }
    }
    while (w > 0 && out[w - 1] == ' ')
        w--;
    out[w] = '\0';
    if (outlen)
        *outlen = w;
    res = out;
    out = NULL;
done:
    free(u16);
    free(nf);
    free(out);
    return res;
}

char *tag_normalize(const char *s, size_t len, size_t *outlen)
{
    return normalize(s, len, outlen, 1);
}

char *tag_normalize_cased(const char *s, size_t len, size_t *outlen)
{
    return normalize(s, len, outlen, 0);
}

/* ---- error positions ---- */

/* Line (1-based) where element `index` of the array at
 * facets.<facet> starts in the raw JSON text; 0 when not found. An
 * iterative scanner with a small stack: no recursion on untrusted input. */
static int find_tag_line(const char *buf, size_t len, const char *facet, size_t index)
{
    enum { MAXD = 64 };
    char type[MAXD];            /* '{' or '[' */
    const char *key[MAXD];      /* last key at this object level */
    size_t keylen[MAXD], idx[MAXD];
    int expect_key[MAXD];
    int depth = 0, line = 1;
    size_t flen = strlen(facet);
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (c == '\n') {
            line++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == ':')
            continue;
        if (c == ',') {
            if (depth > 0) {
                if (type[depth - 1] == '[')
                    idx[depth - 1]++;
                else
                    expect_key[depth - 1] = 1;
            }
            continue;
        }
        if (c == '}' || c == ']') {
            if (depth > 0)
                depth--;
            continue;
        }
        /* a value or a key starts here */
        int is_key = depth > 0 && type[depth - 1] == '{' && expect_key[depth - 1];
        if (!is_key && depth == 3 && type[2] == '[' && idx[2] == index &&
            type[1] == '{' && keylen[1] == flen && !memcmp(key[1], facet, flen) &&
            type[0] == '{' && keylen[0] == 6 && !memcmp(key[0], "facets", 6))
            return line;
        if (c == '"') {
            size_t s = i + 1;
            for (i = s; i < len && buf[i] != '"'; i++) {
                if (buf[i] == '\\')
                    i++;
                else if (buf[i] == '\n')
                    line++;
            }
            if (is_key) {
                key[depth - 1] = buf + s;
                keylen[depth - 1] = i - s;
                expect_key[depth - 1] = 0;
            }
            continue;
        }
        if (c == '{' || c == '[') {
            if (depth == MAXD)
                return 0;
            type[depth] = c;
            idx[depth] = 0;
            key[depth] = "";
            keylen[depth] = 0;
            expect_key[depth] = (c == '{');
            depth++;
            continue;
        }
        /* scalar: skip to its end */
        while (i + 1 < len && !strchr(",}] \t\r\n", buf[i + 1]))
            i++;
    }
    return 0;
}

/* ---- building ---- */

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static int add_facet(tag_taxonomy *tx, const char *name)
{
    if (tx->n_facets == tx->cap_facets) {
        size_t nc = tx->cap_facets ? tx->cap_facets * 2 : 4;
        char **nf = realloc(tx->facets, nc * sizeof *nf);
        if (!nf)
            return -1;
        tx->facets = nf;
        tx->cap_facets = nc;
    }
    tx->facets[tx->n_facets] = xstrdup(name);
    if (!tx->facets[tx->n_facets])
        return -1;
    return (int)tx->n_facets++;
}

/* Add one pattern; an empty normalised term is reported as bad (1). */
static int add_pattern(tag_taxonomy *tx, const char *term, int tag, int kind, double weight)
{
    size_t nlen = 0;
    char *norm = tag_normalize(term, strlen(term), &nlen);
    if (!norm)
        return -1;
    if (nlen == 0) {
        free(norm);
        return 1;
    }
    /* the same term twice for the same tag and kind: keep one */
    for (size_t i = tx->n_patterns; i-- > 0 && tx->patterns[i].tag == tag;) {
        if (tx->patterns[i].kind == kind && !strcmp(tx->patterns[i].norm, norm)) {
            free(norm);
            return 0;
        }
    }
    if (tx->n_patterns == tx->cap_patterns) {
        size_t nc = tx->cap_patterns ? tx->cap_patterns * 2 : 1024;
        tag_pattern *np = realloc(tx->patterns, nc * sizeof *np);
        if (!np) {
            free(norm);
            return -1;
        }
        tx->patterns = np;
        tx->cap_patterns = nc;
    }
    tag_pattern *p = &tx->patterns[tx->n_patterns];
    memset(p, 0, sizeof *p);
    p->norm = norm;
    p->len = nlen;
    p->term = xstrdup(term);
    if (!p->term) {
        free(norm);
        return -1;
    }
    p->tag = tag;
    p->kind = kind;
    p->weight = weight;
    p->next_same = -1;
    tx->n_patterns++;
    return 0;
}

static int valid_id(const char *s)
{
    if (!*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static const char *nonempty_string(json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || !*s || strlen(s) > MAX_TERM_BYTES)
        return NULL;
    return s;
}

typedef struct load_state {
    const char *name, *buf;
    size_t len;
    char *err;
    size_t errlen;
} load_state;

static int fail_at(load_state *ls, const char *facet, size_t index, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_at(load_state *ls, const char *facet, size_t index, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    int line = facet ? find_tag_line(ls->buf, ls->len, facet, index) : 0;
    if (ls->err && ls->errlen) {
        if (facet)
            n = snprintf(ls->err, ls->errlen, "%s:%d: facet \"%s\" tag #%zu: %s",
                         ls->name, line, facet, index + 1, msg);
        else
            n = snprintf(ls->err, ls->errlen, "%s:1: %s", ls->name, msg);
        if (n < 0)
            ls->err[0] = '\0';
    }
    return -1;
}

/* Validate and add one tag object (borrowed) of facet f. */
static int load_tag(tag_taxonomy *tx, load_state *ls, const char *fname, int f, size_t i, json_t *t)
{
    static const char *known[] = {"id", "labels", "aliases", "parent", "veto", "cues", NULL};
    const char *k;
    json_t *v;
    if (!json_is_object(t))
        return fail_at(ls, fname, i, "a tag must be an object");
    json_object_foreach(t, k, v) {
        int ok = 0;
        for (size_t j = 0; known[j]; j++)
            ok |= !strcmp(k, known[j]);
        if (!ok)
            return fail_at(ls, fname, i, "unknown field \"%s\"", k);
    }
    const char *id = json_string_value(json_object_get(t, "id"));
    if (!id || !valid_id(id))
        return fail_at(ls, fname, i, "\"id\" must be a string of a-z, 0-9, _ or - (1-64 chars)");
    if (tag_find_id(tx, id) >= 0)
        return fail_at(ls, fname, i, "duplicate id \"%s\"", id);
    json_t *labels = json_object_get(t, "labels");
    const char *zh = nonempty_string(json_object_get(labels, "zh"));
    const char *en = nonempty_string(json_object_get(labels, "en"));
    if (!json_is_object(labels) || !zh || !en)
        return fail_at(ls, fname, i, "tag \"%s\": \"labels\" needs non-empty \"zh\" and \"en\"", id);
    if (tx->n_tags == MAX_TAGS)
        return fail_at(ls, fname, i, "more than %d tags", MAX_TAGS);
    if (tx->n_tags == tx->cap_tags) {
        size_t nc = tx->cap_tags ? tx->cap_tags * 2 : 128;
        tag_def *nt = realloc(tx->tags, nc * sizeof *nt);
        char **np = realloc(tx->parent_ids, nc * sizeof *np);
        if (nt)
            tx->tags = nt;
        if (np)
            tx->parent_ids = np;
        if (!nt || !np)
            return fail_at(ls, NULL, 0, "out of memory");
        tx->cap_tags = nc;
    }
    int ti = (int)tx->n_tags;
    tag_def *d = &tx->tags[ti];
    d->id = xstrdup(id);
    d->label_zh = xstrdup(zh);
    d->label_en = xstrdup(en);
    d->facet = f;
    d->parent = -1;
    tx->parent_ids[ti] = NULL;
    tx->n_tags++;
    if (!d->id || !d->label_zh || !d->label_en)
        return fail_at(ls, NULL, 0, "out of memory");
    json_t *parent = json_object_get(t, "parent");
    if (parent) {
        const char *p = json_string_value(parent);
        if (!p || !valid_id(p))
            return fail_at(ls, fname, i, "tag \"%s\": \"parent\" must be a tag id", id);
        if (!(tx->parent_ids[ti] = xstrdup(p)))
            return fail_at(ls, NULL, 0, "out of memory");
    }
    size_t nterms = 0;
    const char *lk;
    json_object_foreach(labels, lk, v) {
        const char *s = nonempty_string(v);
        if (!s)
            return fail_at(ls, fname, i, "tag \"%s\": label \"%s\" must be a non-empty string", id, lk);
        if (add_pattern(tx, s, ti, TAG_PAT_NAME, 1.0))
            return fail_at(ls, fname, i, "tag \"%s\": label \"%s\" is empty after normalisation", id, lk);
    }
    static const char *lists[] = {"aliases", "veto"};
    for (size_t L = 0; L < 2; L++) {
        json_t *arr = json_object_get(t, lists[L]);
        size_t j;
        if (!arr)
            continue;
        if (!json_is_array(arr))
            return fail_at(ls, fname, i, "tag \"%s\": \"%s\" must be an array of strings", id, lists[L]);
        json_array_foreach(arr, j, v) {
            const char *s = nonempty_string(v);
            if (!s)
                return fail_at(ls, fname, i, "tag \"%s\": %s[%zu] must be a non-empty string (at most %d bytes)",
                               id, lists[L], j, MAX_TERM_BYTES);
            if (++nterms > MAX_TERMS_PER_TAG)
                return fail_at(ls, fname, i, "tag \"%s\": more than %d terms", id, MAX_TERMS_PER_TAG);
            if (add_pattern(tx, s, ti, L ? TAG_PAT_VETO : TAG_PAT_NAME, 1.0))
                return fail_at(ls, fname, i, "tag \"%s\": %s[%zu] is empty after normalisation", id, lists[L], j);
        }
    }
    json_t *cues = json_object_get(t, "cues");
    if (cues) {
        if (!json_is_object(cues))
            return fail_at(ls, fname, i, "tag \"%s\": \"cues\" must be an object {\"word\": weight}", id);
        json_object_foreach(cues, k, v) {
            double w = json_number_value(v);
            if (!json_is_number(v) || !(w > 0.0 && w <= 5.0))
                return fail_at(ls, fname, i, "tag \"%s\": cue \"%s\" needs a weight in (0, 5]", id, k);
            if (!*k || strlen(k) > MAX_TERM_BYTES || ++nterms > MAX_TERMS_PER_TAG)
                return fail_at(ls, fname, i, "tag \"%s\": bad cue \"%s\"", id, k);
            if (add_pattern(tx, k, ti, TAG_PAT_CUE, w))
                return fail_at(ls, fname, i, "tag \"%s\": cue \"%s\" is empty after normalisation", id, k);
        }
    }
    return 0;
}

/* Resolve parent ids, refuse cross-facet parents and cycles. */
static int link_parents(tag_taxonomy *tx, load_state *ls)
{
    for (size_t i = 0; i < tx->n_tags; i++) {
        tag_def *d = &tx->tags[i];
        if (!tx->parent_ids[i])
            continue;
        int p = tag_find_id(tx, tx->parent_ids[i]);
        const char *fname = tx->facets[d->facet];
        size_t local = 0;
        for (size_t j = 0; j < i; j++)
            local += tx->tags[j].facet == d->facet;
        if (p < 0)
            return fail_at(ls, fname, local, "tag \"%s\": unknown parent \"%s\"", d->id, tx->parent_ids[i]);
        if (tx->tags[p].facet != d->facet)
            return fail_at(ls, fname, local, "tag \"%s\": parent \"%s\" is in another facet",
                           d->id, tx->parent_ids[i]);
        d->parent = p;
    }
    for (size_t i = 0; i < tx->n_tags; i++) {
        size_t steps = 0;
        for (int p = tx->tags[i].parent; p >= 0; p = tx->tags[p].parent) {
            if (++steps > tx->n_tags || p == (int)i) {
                size_t local = 0;
                for (size_t j = 0; j < i; j++)
                    local += tx->tags[j].facet == tx->tags[i].facet;
                return fail_at(ls, tx->facets[tx->tags[i].facet], local,
                               "tag \"%s\": parent chain loops", tx->tags[i].id);
            }
        }
    }
    return 0;
}

int tag_taxonomy_parse(const char *buf, size_t len, const char *name,
                       tag_taxonomy **out, char *err, size_t errlen)
{
    load_state ls = {name ? name : "taxonomy", buf, len, err, errlen};
    json_error_t je;
    json_t *root = NULL;
    tag_taxonomy *tx = NULL;
    int rc = -1;
    *out = NULL;
    if (len > TAG_MAX_FILE_BYTES) {
        fail_at(&ls, NULL, 0, "file larger than %u bytes", TAG_MAX_FILE_BYTES);
        goto done;
    }
    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (err && errlen && snprintf(err, errlen, "%s:%d: %s", ls.name, je.line, je.text) < 0)
            err[0] = '\0';
        goto done;
    }
    json_t *facets = json_object_get(root, "facets");
    if (!json_is_object(root) || !json_is_object(facets) || json_object_size(facets) == 0) {
        fail_at(&ls, NULL, 0, "the top level must be an object with a non-empty \"facets\" object");
        goto done;
    }
    tx = calloc(1, sizeof *tx);
    if (!tx) {
        fail_at(&ls, NULL, 0, "out of memory");
        goto done;
    }
    const char *fname;
    json_t *arr;
    json_object_foreach(facets, fname, arr) {
        size_t i;
        json_t *t;
        if (!*fname || strchr(fname, ':') || !json_is_array(arr)) {
            fail_at(&ls, NULL, 0, "facet \"%s\" must be a named array of tags", fname);
            goto done;
        }
        int f = add_facet(tx, fname);
        if (f < 0) {
            fail_at(&ls, NULL, 0, "out of memory");
            goto done;
        }
        json_array_foreach(arr, i, t) {
            if (load_tag(tx, &ls, fname, f, i, t))
                goto done;
        }
    }
    if (link_parents(tx, &ls))
        goto done;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)buf[i]) * 0x100000001b3ULL;
    if (snprintf(tx->fingerprint, sizeof tx->fingerprint, "%016llx", (unsigned long long)h) != 16) {
        fail_at(&ls, NULL, 0, "cannot format the fingerprint");
        goto done;
    }
    if (tag_ac_build(tx) != 0) {
        fail_at(&ls, NULL, 0, "out of memory building the matcher");
        goto done;
    }
    *out = tx;
    tx = NULL;
    rc = 0;
done:
    tag_taxonomy_free(tx);
    json_decref(root);
    return rc;
}

int tag_taxonomy_load(const char *path, tag_taxonomy **out, char *err, size_t errlen)
{
    FILE *f = NULL;
    char *buf = NULL;
    int rc = -1;
    *out = NULL;
    f = fopen(path, "rb");
    if (!f) {
        if (err && errlen && snprintf(err, errlen, "%s: cannot open the taxonomy file", path) < 0)
            err[0] = '\0';
        goto done;
    }
    buf = malloc(TAG_MAX_FILE_BYTES + 1);
    if (!buf)
        goto done;
    size_t len = fread(buf, 1, TAG_MAX_FILE_BYTES + 1, f);
    if (ferror(f) || len > TAG_MAX_FILE_BYTES) {
        if (err && errlen &&
            snprintf(err, errlen, "%s: cannot read, or larger than %u bytes", path, TAG_MAX_FILE_BYTES) < 0)
            err[0] = '\0';
        goto done;
    }
    rc = tag_taxonomy_parse(buf, len, path, out, err, errlen);
done:
    if (f)
        fclose(f);
    free(buf);
    return rc;
}

void tag_taxonomy_free(tag_taxonomy *tx)
{
    if (!tx)
        return;
    for (size_t i = 0; i < tx->n_tags; i++) {
        free((char *)tx->tags[i].id);
        free((char *)tx->tags[i].label_zh);
        free((char *)tx->tags[i].label_en);
        free(tx->parent_ids[i]);
    }
    for (size_t i = 0; i < tx->n_patterns; i++) {
        free(tx->patterns[i].norm);
        free(tx->patterns[i].term);
    }
    for (size_t i = 0; i < tx->n_facets; i++)
        free(tx->facets[i]);
    free(tx->tags);
    free(tx->parent_ids);
    free(tx->patterns);
    free(tx->facets);
    free(tx->nodes);
    free(tx);
}

/* ---- queries ---- */

size_t tag_count(const tag_taxonomy *tx) { return tx ? tx->n_tags : 0; }
const char *tag_fingerprint(const tag_taxonomy *tx) { return tx ? tx->fingerprint : ""; }
size_t tag_facet_count(const tag_taxonomy *tx) { return tx ? tx->n_facets : 0; }
size_t tag_pattern_count(const tag_taxonomy *tx) { return tx ? tx->n_patterns : 0; }

const tag_def *tag_get(const tag_taxonomy *tx, size_t i)
{
    return tx && i < tx->n_tags ? &tx->tags[i] : NULL;
}

const char *tag_facet_name(const tag_taxonomy *tx, size_t i)
{
    return tx && i < tx->n_facets ? tx->facets[i] : NULL;
}

int tag_facet_find(const tag_taxonomy *tx, const char *name)
{
    for (size_t i = 0; tx && name && i < tx->n_facets; i++)
        if (!strcmp(tx->facets[i], name))
            return (int)i;
    return -1;
}

int tag_find_id(const tag_taxonomy *tx, const char *id)
{
    for (size_t i = 0; tx && id && i < tx->n_tags; i++)
        if (!strcmp(tx->tags[i].id, id))
            return (int)i;
    return -1;
}

size_t tag_lookup(const tag_taxonomy *tx, const char *name, int facet, int *out, size_t cap)
{
    size_t n = 0, nlen = 0;
    unsigned char *mark = NULL;
    char *norm = NULL;
    if (!tx || !name || !*name || cap == 0)
        return 0;
    norm = tag_normalize(name, strlen(name), &nlen);
    mark = calloc(tx->n_tags + 1, 1);
    if (!norm || !mark || nlen == 0)
        goto done;
    for (size_t i = 0; i < tx->n_tags; i++)
        mark[i] = !strcmp(tx->tags[i].id, norm);
    /* exact, or a plural: "large language models" for "large language model" */
    for (int plural = 0; plural < 2; plural++) {
        if (plural && (nlen < 2 || norm[nlen - 1] != 's'))
            break;
        for (int p = tag_trie_find(tx, norm, nlen - (size_t)plural); p >= 0; p = tx->patterns[p].next_same)
            if (tx->patterns[p].kind == TAG_PAT_NAME)
                mark[tx->patterns[p].tag] = 1;
    }
    for (size_t i = 0; i < tx->n_tags && n < cap; i++)
        if (mark[i] && (facet < 0 || tx->tags[i].facet == facet))
            out[n++] = (int)i;
done:
    free(norm);
    free(mark);
    return n;
}
