/* kw_stats.c -- the stored-article document frequencies (see kw_stats.h).
 *
 * Owns the kw_stats table (one text_map per language, its document count
 * and a reference count) and the rule for which terms of an article are
 * counted (kw_doc_terms). It does not read the database (server/idf.c
 * does) and does not combine the counts with the shipped table
 * (keywords.c, kw_idf).
 */
#include "analyze/kw_stats.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct kw_stats {
    text_map *df[KW_STATS_LANGS];  /* term -> df over the stored articles */
    double docs[KW_STATS_LANGS];   /* articles behind each table */
    atomic_int refs;               /* holders; the builder's own is 1 */
};

int kw_stats_lang(const char *lang)
{
    if (lang && !strcmp(lang, "zh"))
        return 0;
    if (lang && !strcmp(lang, "en"))
        return 1;
    return -1;
}

kw_stats *kw_stats_new(void)
{
    kw_stats *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    for (int t = 0; t < KW_STATS_LANGS; t++) {
        s->df[t] = text_map_new();
        if (!s->df[t]) {
            kw_stats_free(s);
            return NULL;
        }
    }
    atomic_init(&s->refs, 1);
    return s;
}

void kw_stats_free(kw_stats *s)
{
    if (!s)
        return;
    for (int t = 0; t < KW_STATS_LANGS; t++)
        text_map_free(s->df[t]);
    free(s);
}

int kw_stats_set_docs(kw_stats *s, const char *lang, double n)
{
    int t = kw_stats_lang(lang);
    if (!s || t < 0 || n < 0)
        return -1;
    s->docs[t] = n;
    return 0;
}

int kw_stats_add(kw_stats *s, const char *lang, const char *term, size_t len, double df)
{
    int t = kw_stats_lang(lang);
    if (!s || t < 0 || !term || !len || len > KW_STATS_TERM_MAX || df < KW_STATS_MIN_DF ||
        text_map_size(s->df[t]) >= KW_STATS_MAX_TERMS)
        return 0;
    uint32_t id = text_map_put(s->df[t], term, len, NULL);
    if (id == TEXT_MAP_NONE)
        return -1;
    text_map_set_value(s->df[t], id, df);
    return 0;
}

double kw_stats_docs(const kw_stats *s, int t)
{
    return s && t >= 0 && t < KW_STATS_LANGS ? s->docs[t] : 0.0;
}

double kw_stats_df(const kw_stats *s, int t, const char *term, size_t len)
{
    if (!s || t < 0 || t >= KW_STATS_LANGS || !term)
        return 0.0;
    uint32_t id = text_map_get(s->df[t], term, len);
    return id == TEXT_MAP_NONE ? 0.0 : text_map_value(s->df[t], id);
}

size_t kw_stats_terms(const kw_stats *s, int t)
{
    return s && t >= 0 && t < KW_STATS_LANGS ? text_map_size(s->df[t]) : 0;
}

size_t kw_stats_bytes(const kw_stats *s)
{
    size_t n = 0;
    for (int t = 0; s && t < KW_STATS_LANGS; t++)
        n += text_map_bytes(s->df[t]);
    return n;
}

void kw_stats_hold(kw_stats *s)
{
    if (s)
        atomic_fetch_add(&s->refs, 1);
}

void kw_stats_drop(kw_stats *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1)
        kw_stats_free(s);
}

size_t kw_doc_terms(const text_doc *doc, const char **out, size_t cap)
{
    size_t n = 0;
    if (!doc || !out || kw_stats_lang(doc->lang) < 0)
        return 0;
    /* the rule of tools/build_idf.c, which made the shipped tables */
    for (size_t i = 0; i < doc->n_terms && n < cap; i++) {
        const text_term *t = &doc->terms[i];
        if (t->stop || t->kind == TEXT_TOK_NUM || (t->count == 0 && t->title_count == 0) ||
            !t->norm[0] || strlen(t->norm) > KW_STATS_TERM_MAX)
            continue;
        out[n++] = t->norm;
    }
    return n;
}
