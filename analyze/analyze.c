/* analyze.c -- the analysis stage, service-core baseline.
 *
 * Owns the analyze_ctx lifetime (the taxonomy is loaded here, once) and
 * calls the analysis modules: events.c (key events), tagger.c (facet tags,
 * which also weighs the events' texts). Fields whose module has not landed
 * stay empty ("", []), never filled with made-up values; the language the
 * page declares is passed through.
 */
#include "analyze/analyze.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/events.h"
#include "analyze/tagger.h"
#include "analyze/taxonomy.h"

struct analyze_ctx {
    int summary_sentences;   /* target summary length in sentences */
    tag_taxonomy *taxonomy;  /* facet tags; loaded once, read-only */
};

int analyze_ctx_new(const analyze_config *cfg, analyze_ctx **out,
                    char *err, size_t errlen)
{
    if (!cfg || !out) {
        if (err && errlen)
            snprintf(err, errlen, "analyze: bad arguments");
        return -1;
    }
    analyze_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        if (err && errlen)
            snprintf(err, errlen, "analyze: out of memory");
        return -1;
    }
    ctx->summary_sentences = cfg->summary_sentences > 0 ? cfg->summary_sentences : 3;
    char tpath[1024];
    int n = cfg->taxonomy_path
        ? snprintf(tpath, sizeof tpath, "%s", cfg->taxonomy_path)
        : snprintf(tpath, sizeof tpath, "%s/taxonomy.json", cfg->data_dir ? cfg->data_dir : "data");
    if (n < 0 || (size_t)n >= sizeof tpath) {
        if (err && errlen && snprintf(err, errlen, "analyze: taxonomy path too long") < 0)
            err[0] = '\0';
        analyze_ctx_free(ctx);
        return -1;
    }
    if (tag_taxonomy_load(tpath, &ctx->taxonomy, err, errlen) != 0) {
        analyze_ctx_free(ctx);
        return -1;
    }
    *out = ctx;
    return 0;
}

void analyze_ctx_free(analyze_ctx *ctx)
{
    if (!ctx)
        return;
    tag_taxonomy_free(ctx->taxonomy);
    free(ctx);
}

int analyze_article(const analyze_ctx *ctx, const analyze_input *in, json_t *record)
{
    if (!ctx || !in || !json_is_object(record))
        return -1;
    json_t *lang = in->declared_language ? json_string(in->declared_language) : json_null();
    if (json_object_set_new(record, "language", lang ? lang : json_null()) ||
        json_object_set_new(record, "summary", json_string("")) ||
        json_object_set_new(record, "keywords", json_array()))
        return -1;
    int zh = tag_prefer_zh(in->declared_language, in->title, in->text);
    json_t *tags = NULL, *evidence = NULL, *events = NULL;
    char *ev_text = NULL;
    if (event_extract(ctx->taxonomy, in->title, in->text, in->published_at, &events) != 0 ||
        !(ev_text = event_join_texts(events)) ||
        tag_article(ctx->taxonomy, in->title, in->text, ev_text, zh, &tags, &evidence) != 0) {
        free(ev_text);
        json_decref(events);
        return -1;
    }
    free(ev_text);
    int bad = json_object_set_new(record, "tags", tags);   /* each call steals its value */
    bad |= json_object_set_new(record, "tag_evidence", evidence);
    bad |= json_object_set_new(record, "events", events);
    return bad ? -1 : 0;
}

size_t analyze_resolve_tag(const analyze_ctx *ctx, const char *facet,
                           const char *tag, const char **ids,
                           const char **facets, size_t cap)
{
    int found[64];
    if (!ctx || !tag || !ids || !facets)
        return 0;
    const char *colon = facet ? NULL : strchr(tag, ':');
    char fbuf[64];
    if (colon && (size_t)(colon - tag) < sizeof fbuf) {   /* "industry:互联网" */
        memcpy(fbuf, tag, (size_t)(colon - tag));
        fbuf[colon - tag] = '\0';
        if (tag_facet_find(ctx->taxonomy, fbuf) >= 0) {
            facet = fbuf;
            tag = colon + 1;
        }
    }
    int f = -1;
    if (facet && (f = tag_facet_find(ctx->taxonomy, facet)) < 0)
        return 0;
    size_t n = tag_lookup(ctx->taxonomy, tag, f, found, cap < 64 ? cap : 64);
    for (size_t i = 0; i < n; i++) {
        const tag_def *d = tag_get(ctx->taxonomy, (size_t)found[i]);
        ids[i] = d->id;
        facets[i] = tag_facet_name(ctx->taxonomy, (size_t)d->facet);
    }
    return n;
}

const char *analyze_taxonomy_fingerprint(const analyze_ctx *ctx)
{
    return ctx ? tag_fingerprint(ctx->taxonomy) : "";
}

int analyze_tag_info(const analyze_ctx *ctx, const char *id, const char **facet,
                     const char **label_zh, const char **label_en)
{
    int i = ctx ? tag_find_id(ctx->taxonomy, id) : -1;
    if (i < 0)
        return -1;
    const tag_def *d = tag_get(ctx->taxonomy, (size_t)i);
    if (facet)
        *facet = tag_facet_name(ctx->taxonomy, (size_t)d->facet);
    if (label_zh)
        *label_zh = d->label_zh;
    if (label_en)
        *label_en = d->label_en;
    return 0;
}
