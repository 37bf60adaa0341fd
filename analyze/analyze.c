/* analyze.c -- the analysis stage, service-core baseline.
 *
 * Until the analysis issues land, the record's analysis fields stay empty
 * ("", [], {}), never filled with made-up values; only the language the
 * page declares is passed through. Owns the analyze_ctx lifetime.
 */
#include "analyze/analyze.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct analyze_ctx {
    int summary_sentences;   /* target summary length in sentences */
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
    *out = ctx;
    return 0;
}

void analyze_ctx_free(analyze_ctx *ctx)
{
    free(ctx);
}

int analyze_article(const analyze_ctx *ctx, const analyze_input *in, json_t *record)
{
    if (!ctx || !in || !json_is_object(record))
        return -1;
    json_t *lang = in->declared_language ? json_string(in->declared_language) : json_null();
    if (json_object_set_new(record, "language", lang ? lang : json_null()) ||
        json_object_set_new(record, "summary", json_string("")) ||
        json_object_set_new(record, "keywords", json_array()) ||
        json_object_set_new(record, "tags", json_object()) ||
        json_object_set_new(record, "tag_evidence", json_object()) ||
        json_object_set_new(record, "events", json_array()))
        return -1;
    return 0;
}

size_t analyze_resolve_tag(const analyze_ctx *ctx, const char *facet,
                           const char *tag, const char **ids,
                           const char **facets, size_t cap)
{
    (void)ctx; (void)facet; (void)tag; (void)ids; (void)facets; (void)cap;
    return 0;
}
