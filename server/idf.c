/* idf.c -- reloads the stored-article document frequencies into the
 * keyword model (see idf.h).
 *
 * Owns when to reload and the start-up load; the counting itself is
 * storage/df.c, the table kept in memory analyze/kw_stats.c and the IDF
 * formula analyze/keywords.c.
 */
#include "server/idf.h"

#include <stdio.h>
#include <time.h>

typedef struct load_state {
    kw_stats *s;
    long docs;
    int failed;
} load_state;

static int on_row(void *arg, const char *lang, const char *term, size_t len, int64_t df)
{
    load_state *ls = arg;
    if (!term) {
        if (kw_stats_set_docs(ls->s, lang, (double)df) == 0)
            ls->docs += (long)df;
        return 0;
    }
    if (kw_stats_add(ls->s, lang, term, len, (double)df) != 0) {
        ls->failed = 1;
        return -1;
    }
    return 0;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1000.0 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

long srv_idf_load(srv_idf *idf, store *st, const analyze_ctx *actx)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    load_state ls = { kw_stats_new(), 0, 0 };
    long folded = store_df_fold(st);   /* the articles counted since the last load */
    if (!ls.s || folded < 0 ||
        store_df_load(st, KW_STATS_MIN_DF, KW_STATS_MAX_TERMS, on_row, &ls) != STORE_OK) {
        fprintf(stderr, "{\"level\":\"error\",\"what\":\"idf load\",\"detail\":\"%s\"}\n",
                ls.failed || !ls.s ? "out of memory" : "database");
        kw_stats_free(ls.s);
        if (idf) {   /* try again after as many articles, not at each */
            atomic_store(&idf->since, 0);
            if (atomic_load(&idf->every) < SRV_IDF_EVERY_MIN)
                atomic_store(&idf->every, SRV_IDF_EVERY_MIN);
        }
        return -1;
    }
    fprintf(stderr, "{\"event\":\"idf\",\"articles_zh\":%.0f,\"articles_en\":%.0f,"
            "\"folded\":%ld,\"terms_zh\":%zu,\"terms_en\":%zu,\"kib\":%zu,\"ms\":%.1f}\n",
            kw_stats_docs(ls.s, 0), kw_stats_docs(ls.s, 1), folded, kw_stats_terms(ls.s, 0),
            kw_stats_terms(ls.s, 1), kw_stats_bytes(ls.s) / 1024, ms_since(&t0));
    analyze_ctx_set_stored_df(actx, ls.s);   /* taken over */
    if (idf) {
        long every = ls.docs / SRV_IDF_EVERY_DIV;
        atomic_store(&idf->every, every > SRV_IDF_EVERY_MIN ? every : SRV_IDF_EVERY_MIN);
        atomic_store(&idf->since, 0);
    }
    return ls.docs;
}

void srv_idf_counted(srv_idf *idf, store *st, const analyze_ctx *actx)
{
    if (!idf)
        return;
    long n = atomic_fetch_add(&idf->since, 1) + 1;
    int idle = 0;
    if (n < atomic_load(&idf->every) || !atomic_compare_exchange_strong(&idf->busy, &idle, 1))
        return;
    srv_idf_load(idf, st, actx);
    atomic_store(&idf->busy, 0);
}
