/* analyze.c -- the analysis stage: runs the analyzers over one article and
 * sets the record's fields. Owns the analyze_ctx lifetime (what is loaded
 * once per process and shared by all workers).
 *
 * Text stages (text.c, keywords.c, summary.c) set "language", "summary"
 * and "keywords"; events.c sets "events" and tagger.c the facet "tags"
 * and their "tag_evidence" (weighing the events' texts too). The taxonomy
 * is loaded here, once; its Chinese terms also go into the segmenter's
 * lexicon so that they are never cut.
 */
#include "analyze/analyze.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/events.h"
#include "analyze/keywords.h"
#include "analyze/summary.h"
#include "analyze/tagger.h"
#include "analyze/taxonomy.h"
#include "analyze/text.h"

struct analyze_ctx {
    int summary_sentences;   /* most summary sentences; 0 = automatic */
    text_ctx *text;          /* lexicon and stop words (text_) */
    kw_model *kw;            /* background IDF (kw_) */
    tag_taxonomy *taxonomy;  /* facet tags; loaded once, read-only */
};

int analyze_ctx_new(const analyze_config *cfg, analyze_ctx **out,
                    char *err, size_t errlen)
{
    char path[1024];
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
    ctx->summary_sentences = cfg->summary_sentences > 0 ? cfg->summary_sentences : 0;
    const char *dir = cfg->data_dir && cfg->data_dir[0] ? cfg->data_dir : "data";
    int n = cfg->taxonomy_path ? snprintf(path, sizeof path, "%s", cfg->taxonomy_path)
                               : snprintf(path, sizeof path, "%s/taxonomy.json", dir);
    if (n < 0 || (size_t)n >= sizeof path) {
        if (err && errlen)
            snprintf(err, errlen, "analyze: taxonomy path too long");
        goto fail;
    }
    /* The taxonomy first: a broken file must stop the start with its own
     * message (file and line). */
    if (tag_taxonomy_load(path, &ctx->taxonomy, err, errlen) != 0)
        goto fail;
    char stats[1024];
    n = snprintf(stats, sizeof stats, "%s/cue-stats.tsv", dir);
    if (n < 0 || (size_t)n >= sizeof stats || tag_taxonomy_load_stats(ctx->taxonomy, stats, err, errlen) != 0)
        goto fail;
    if (text_ctx_new(dir, NULL, &ctx->text, err, errlen) != 0)
        goto fail;
    /* its Chinese terms go into the segmenter's lexicon: never cut */
    if (text_ctx_add_json_terms(ctx->text, path) != 0) {
        if (err && errlen)
            snprintf(err, errlen, "analyze: cannot add taxonomy terms from %s", path);
        goto fail;
    }
    if (kw_model_load(dir, &ctx->kw, err, errlen) != 0)
        goto fail;
    *out = ctx;
    return 0;
fail:
    analyze_ctx_free(ctx);
    *out = NULL;
    return -1;
}

void analyze_ctx_free(analyze_ctx *ctx)
{
    if (!ctx)
        return;
    text_ctx_free(ctx->text);
    kw_model_free(ctx->kw);
    tag_taxonomy_free(ctx->taxonomy);
    free(ctx);
}

void analyze_ctx_set_stored_df(const analyze_ctx *ctx, kw_stats *s)
{
    /* ctx is shared read-only; the model guards this one change itself */
    if (ctx)
        kw_model_set_stored(ctx->kw, s);
    else
        kw_stats_drop(s);
}

void analyze_terms_release(analyze_terms *t)
{
    if (!t)
        return;
    free(t->v);
    free(t->buf);
    memset(t, 0, sizeof *t);
}

/* Copy the counted terms of doc into t (owned copies: doc goes away). */
static int fill_terms(const text_doc *doc, analyze_terms *t)
{
    size_t cap = doc->n_terms < KW_STATS_DOC_TERMS ? doc->n_terms : KW_STATS_DOC_TERMS;
    const char **v = malloc((cap ? cap : 1) * sizeof *v);
    size_t n = v ? kw_doc_terms(doc, v, cap) : 0, bytes = 0, at = 0;
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++)
        bytes += strlen(v[i]) + 1;
    char *buf = malloc(bytes ? bytes : 1);
    if (!buf) {
        free(v);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(v[i]) + 1;
        memcpy(buf + at, v[i], l);
        v[i] = buf + at;
        at += l;
    }
    if (n)
        snprintf(t->lang, sizeof t->lang, "%s", doc->lang);
    t->v = v;
    t->n = n;
    t->buf = buf;
    return 0;
}

/* "language", "summary", "keywords" from the text stages; the counted
 * terms into terms when not NULL. */
static int analyze_text(const analyze_ctx *ctx, const analyze_input *in, json_t *record,
                        analyze_terms *terms)
{
    text_doc doc;
    kw_item kw[KW_MAX];
    char *summary = NULL;
    json_t *arr = NULL;
    int rc = -1;
    if (text_doc_build(ctx->text, in->title, in->text, in->declared_language, &doc) != 0)
        return -1;
    if (terms && fill_terms(&doc, terms) != 0)
        goto done;
    size_t nk = kw_extract(ctx->kw, &doc, in->url, kw, KW_MAX);
    sum_options so = { .sentences = ctx->summary_sentences };
    summary = sum_extract(ctx->kw, &doc, kw, nk, &so);
    arr = json_array();
    if (!summary || !arr)
        goto done;
    for (size_t i = 0; i < nk; i++)
        if (json_array_append_new(arr, json_string(kw[i].text)))
            goto done;
    if (json_object_set_new(record, "language", doc.lang[0] ? json_string(doc.lang) : json_null()) ||
        json_object_set_new(record, "summary", json_string(summary)) ||
        json_object_set(record, "keywords", arr))
        goto done;
    rc = 0;
done:
    json_decref(arr);
    free(summary);
    text_doc_release(&doc);
    return rc;
}

int analyze_article(const analyze_ctx *ctx, const analyze_input *in, json_t *record)
{
    return analyze_article_terms(ctx, in, record, NULL);
}

int analyze_article_terms(const analyze_ctx *ctx, const analyze_input *in,
                          json_t *record, analyze_terms *terms)
{
    analyze_terms_release(terms);
    if (!ctx || !in || !json_is_object(record))
        return -1;
    if (analyze_text(ctx, in, record, terms) != 0) {
        analyze_terms_release(terms);
        return -1;
    }
    /* labels in the article's language: the detected one, else the page's */
    const char *lang = json_string_value(json_object_get(record, "language"));
    int zh = tag_prefer_zh(lang ? lang : in->declared_language, in->title, in->text);
    json_t *tags = NULL, *evidence = NULL, *events = NULL;
    char *ev_text = NULL;
    if (event_extract(ctx->taxonomy, in->title, in->text, in->published_at, &events) != 0 ||
        !(ev_text = event_join_texts(events)) ||
        tag_article(ctx->taxonomy, in->title, in->text, ev_text, zh, &tags, &evidence) != 0) {
        free(ev_text);
        json_decref(events);
        analyze_terms_release(terms);
        return -1;
    }
    free(ev_text);
    int bad = json_object_set_new(record, "tags", tags);   /* each call steals its value */
    bad |= json_object_set_new(record, "tag_evidence", evidence);
    bad |= json_object_set_new(record, "events", events);
    if (bad)
        analyze_terms_release(terms);
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
