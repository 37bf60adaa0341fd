/* analyze.h -- the analysis stage: extracted text to record fields.
 *
 * An analyze_ctx holds what is loaded once per process and shared by all
 * workers (lexicons, taxonomy, word lists); it is read-only after
 * analyze_ctx_new(), so analyze_article() may run on many threads at once.
 */
#ifndef SKIMD_ANALYZE_H
#define SKIMD_ANALYZE_H

#include <stddef.h>
#include <jansson.h>

#include "analyze/kw_stats.h"

typedef struct analyze_config {
    const char *data_dir;        /* folder with word lists etc.; "data" */
    const char *taxonomy_path;   /* taxonomy file; NULL = data_dir/taxonomy.json */
    int summary_sentences;       /* most summary sentences in any language; 0 = automatic */
} analyze_config;

typedef struct analyze_ctx analyze_ctx;

typedef struct analyze_input {
    const char *title;           /* may be NULL */
    const char *text;            /* main text, "\n\n" between blocks; may be NULL */
    const char *declared_language; /* page's own claim, a hint; may be NULL */
    const char *published_at;    /* ISO 8601, anchors relative dates; may be NULL */
    const char *url;             /* may be NULL */
} analyze_input;

/* Load shared resources. On failure returns -1 and writes a message naming
 * the file (and line) at fault into err. *out is freed with
 * analyze_ctx_free(). */
int analyze_ctx_new(const analyze_config *cfg, analyze_ctx **out,
                    char *err, size_t errlen);
void analyze_ctx_free(analyze_ctx *ctx);

/* The distinct terms of an article as the keyword IDF counts them
 * (kw_doc_terms: the lower-cased forms kw_idf looks up, stop words and
 * numbers left out, each once), for the stored-article document
 * frequencies. Filled by analyze_article_terms(); `buf` and `v` are owned
 * by the struct: release with analyze_terms_release(). Zero-initialise
 * before the first use. */
typedef struct analyze_terms {
    char lang[8];        /* "zh" or "en"; "" (and n == 0) for other languages */
    const char **v;      /* n terms, pointing into buf */
    size_t n;
    char *buf;           /* the terms' bytes, each NUL-terminated */
} analyze_terms;

void analyze_terms_release(analyze_terms *t);   /* accepts NULL; leaves it zeroed */

/* Analyse one article and set, on `record` (borrowed), the fields
 * "language" (string or null), "summary" (string), "keywords" (array of
 * strings), "tags" (object: facet -> array of labels), "tag_evidence"
 * (object: facet -> array of {"id","label","score","terms"}) and "events"
 * (array of {"text","date","actors"}). Returns 0, or -1 when out of memory. */
int analyze_article(const analyze_ctx *ctx, const analyze_input *in,
                    json_t *record);

/* As analyze_article, and when terms is not NULL also fill it (released
 * first, so a struct may be reused) with the article's counted terms.
 * Nothing of it goes into the record. */
int analyze_article_terms(const analyze_ctx *ctx, const analyze_input *in,
                          json_t *record, analyze_terms *terms);

/* Install document frequencies counted over the stored articles (takes s
 * over; see analyze/kw_stats.h): keyword IDFs from then on combine them
 * with the shipped tables. Safe while other threads analyse: each article
 * is ranked with one set, old or new. The one change an analyze_ctx
 * accepts after analyze_ctx_new. */
void analyze_ctx_set_stored_df(const analyze_ctx *ctx, kw_stats *s);

/* Resolve a tag as a client writes it ("LLM", "大语言模型",
 * "industry:互联网") to taxonomy ids. Writes up to `cap` ids (borrowed
 * from ctx, valid while ctx lives) and their facets into ids/facets and
 * returns how many; 0 when the taxonomy does not know the tag. */
size_t analyze_resolve_tag(const analyze_ctx *ctx, const char *facet,
                           const char *tag, const char **ids,
                           const char **facets, size_t cap);

/* The taxonomy behind the tags: a fingerprint that changes whenever the
 * taxonomy file does (store it with each record; a different one at start
 * means the stored articles need re-tagging from their text), and the
 * facet and labels of a tag id (for GET /tags). Strings are borrowed from
 * ctx. analyze_tag_info returns 0, or -1 for an unknown id; any out
 * pointer may be NULL. */
const char *analyze_taxonomy_fingerprint(const analyze_ctx *ctx);
int analyze_tag_info(const analyze_ctx *ctx, const char *id, const char **facet,
                     const char **label_zh, const char **label_en);

#endif
