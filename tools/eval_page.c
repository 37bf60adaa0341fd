/* eval_page.c -- corpus items as pages through the daemon's pipeline, and
 * tag labels back to taxonomy ids, for the eval tools (see eval_page.h).
 *
 * Owns the page layout the corpus READMEs give (head: charset, <title>,
 * og:site_name, article:published_time; body: <article> with a <header>
 * holding the <h1> and the byline <time>, then one <p> per text line, text
 * HTML-escaped) and the page URL (https://news.example.com/SET/<first 16
 * hex digits of sha1(id)>.html; a small SHA-1 is here so the tools need
 * no crypto library). Does not score anything.
 */
#include "tools/eval_page.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/pipeline.h"

/* ---- SHA-1 (FIPS 180-4), enough for short ids ---- */

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const unsigned char *p)
{
    uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999u; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1u; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDCu; }
        else { f = b ^ c ^ d; k = 0xCA62C1D6u; }
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d; d = c; c = rol(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

/* hex of the first 8 bytes of sha1(s) into out[17] */
static void sha1_hex16(const char *s, char out[17])
{
    uint32_t h[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
    size_t n = strlen(s), i = 0;
    unsigned char blk[64];
    for (; i + 64 <= n; i += 64)
        sha1_block(h, (const unsigned char *)s + i);
    size_t r = n - i;
    memset(blk, 0, sizeof blk);
    memcpy(blk, s + i, r);
    blk[r] = 0x80;
    if (r >= 56) {
        sha1_block(h, blk);
        memset(blk, 0, sizeof blk);
    }
    uint64_t bits = (uint64_t)n * 8;
    for (int k = 0; k < 8; k++)
        blk[63 - k] = (unsigned char)(bits >> (8 * k));
    sha1_block(h, blk);
    snprintf(out, 17, "%08x%08x", (unsigned)h[0], (unsigned)h[1]);
}

/* ---- page building ---- */

typedef struct buf { char *p; size_t n, cap; int oom; } buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_esc(buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '&') puts_(b, "&amp;");
        else if (s[i] == '<') puts_(b, "&lt;");
        else if (s[i] == '>') puts_(b, "&gt;");
        else if (s[i] == '"') puts_(b, "&quot;");
        else put(b, s + i, 1);
    }
}

static void put_attr(buf *b, const char *name, const char *prop, const char *val)
{
    puts_(b, "<meta ");
    puts_(b, name);
    puts_(b, "=\"");
    puts_(b, prop);
    puts_(b, "\" content=\"");
    put_esc(b, val, strlen(val));
    puts_(b, "\">\n");
}

static void build_page(buf *b, const eval_item *it)
{
    int has_title = it->title && *it->title;
    const char *ptitle = has_title ? it->title : it->page_title ? it->page_title : "";
    puts_(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
    put_esc(b, ptitle, strlen(ptitle));
    puts_(b, "</title>\n");
    if (it->site_name)
        put_attr(b, "property", "og:site_name", it->site_name);
    if (it->published)
        put_attr(b, "property", "article:published_time", it->published);
    puts_(b, "</head><body><article><header>");
    if (has_title) {
        puts_(b, "<h1>");
        put_esc(b, it->title, strlen(it->title));
        puts_(b, "</h1>");
    }
    if (it->published) {
        char shown[17];
        snprintf(shown, sizeof shown, "%s", it->published);
        for (char *c = shown; *c; c++)
            if (*c == 'T')
                *c = ' ';
        puts_(b, "<p class=\"byline\"><time datetime=\"");
        put_esc(b, it->published, strlen(it->published));
        puts_(b, "\">");
        put_esc(b, shown, strlen(shown));
        puts_(b, "</time></p>");
    }
    puts_(b, "</header>\n");
    for (const char *s = it->text ? it->text : ""; *s;) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        puts_(b, "<p>");
        put_esc(b, s, n);
        puts_(b, "</p>\n");
        s += n + (e ? 1 : 0);
    }
    puts_(b, "</article></body></html>\n");
}

json_t *eval_page_analyze(const analyze_ctx *ctx, const eval_item *it)
{
    buf b = {0};
    char url[160], hex[17];
    pipeline_error pe = {{0}, {0}};
    json_t *rec = NULL;

    build_page(&b, it);
    sha1_hex16(it->id ? it->id : "", hex);
    snprintf(url, sizeof url, "https://news.example.com/%s/%s.html", it->set ? it->set : "x", hex);
    if (b.oom || !(rec = json_object()))
        goto fail;
    if (pipeline_process_page(ctx, b.p, b.n, "text/html; charset=utf-8", url, rec, NULL, &pe) != 0) {
        fprintf(stderr, "eval: %s %s: %s (%s)\n", it->set, it->id, pe.message, pe.code);
        goto fail;
    }
    free(b.p);
    return rec;
fail:
    free(b.p);
    json_decref(rec);
    return NULL;
}

/* ---- labels to ids ---- */

static void norm(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    int sp = 0;
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    for (; *s && n + 1 < cap; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n') {
            sp = 1;
            continue;
        }
        if (sp && n + 2 < cap)
            out[n++] = ' ';
        sp = 0;
        out[n++] = (char)tolower((unsigned char)*s);
    }
    out[n] = '\0';
}

void eval_label_id(const analyze_ctx *ctx, json_t *record, const char *facet,
                   const char *label, char *out, size_t cap)
{
    char want[256], have[256];
    size_t i;
    json_t *e;
    norm(label, want, sizeof want);
    json_array_foreach(json_object_get(json_object_get(record, "tag_evidence"), facet), i, e) {
        const char *l = json_string_value(json_object_get(e, "label"));
        const char *id = json_string_value(json_object_get(e, "id"));
        norm(l ? l : "", have, sizeof have);
        if (id && !strcmp(have, want)) {
            snprintf(out, cap, "%s", id);
            return;
        }
    }
    const char *ids[8], *facets[8];
    size_t n = analyze_resolve_tag(ctx, facet, label, ids, facets, 8);
    for (size_t k = 0; k < n; k++) {
        const char *zh = NULL, *en = NULL;
        if (analyze_tag_info(ctx, ids[k], NULL, &zh, &en) != 0)
            continue;
        char a[256], c[256], d[256];
        norm(ids[k], a, sizeof a);
        norm(zh ? zh : "", c, sizeof c);
        norm(en ? en : "", d, sizeof d);
        if (!strcmp(a, want) || !strcmp(c, want) || !strcmp(d, want)) {
            snprintf(out, cap, "%s", ids[k]);
            return;
        }
    }
    snprintf(out, cap, "label:%s", want);
}

int eval_parse_args(int argc, char **argv, const char *tool, eval_args *a)
{
    *a = (eval_args){.data = "data", .half = -1};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--verbose"))
            a->verbose = 1;
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            a->only = argv[++i];
        else if (!strcmp(argv[i], "--data") && i + 1 < argc)
            a->data = argv[++i];
        else if (!strcmp(argv[i], "--half") && i + 1 < argc)
            a->half = !strcmp(argv[++i], "odd");
        else
            a->corpus = argv[i];
    }
    if (!a->corpus) {
        fprintf(stderr, "usage: %s [--data DIR] [--verbose] [--only SET] [--half even|odd] CORPUS_DIR\n", tool);
        return -1;
    }
    return 0;
}

analyze_ctx *eval_ctx_new(const eval_args *a, const char *tool)
{
    analyze_ctx *ctx = NULL;
    char err[512];
    analyze_config cfg = {.data_dir = a->data};
    if (analyze_ctx_new(&cfg, &ctx, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", tool, err);
        return NULL;
    }
    return ctx;
}
