/* idf.h -- keeps the keyword IDF in step with the stored articles.
 *
 * The workers record each ready article's terms in the database
 * (storage/df.c, same transaction as the record). This module folds them
 * into the sums and reads those into the analysis context
 * (analyze_ctx_set_stored_df): once when the queue starts, then again, on
 * the worker that stored the article, every max(SRV_IDF_EVERY_MIN,
 * articles / SRV_IDF_EVERY_DIV) new ready articles. Deletes are picked up
 * at the next reload.
 */
#ifndef SKIMD_SRV_IDF_H
#define SKIMD_SRV_IDF_H

#include <stdatomic.h>

#include "analyze/analyze.h"
#include "storage/store.h"

#define SRV_IDF_EVERY_MIN 50   /* reload after at least this many new articles */
#define SRV_IDF_EVERY_DIV 20   /* ... or 5% of the articles counted at the last load */

typedef struct srv_idf {
    atomic_long since;     /* articles counted since the last load */
    atomic_long every;     /* reload when `since` reaches this */
    atomic_int busy;       /* a worker is reloading */
} srv_idf;

/* Fold the articles counted since the last load into the sums
 * (store_df_fold), read the sums from st into actx (min df KW_STATS_MIN_DF, at most
 * KW_STATS_MAX_TERMS terms per language), log one line, and set the next
 * reload point in idf (may be NULL). Returns the articles counted (all
 * languages), or -1 on a database error or out of memory (the previous
 * counts stay; the next try comes after SRV_IDF_EVERY_MIN articles). */
long srv_idf_load(srv_idf *idf, store *st, const analyze_ctx *actx);

/* One more article was counted (on a worker, with its connection st):
 * reload when it is time and no other worker is at it. */
void srv_idf_counted(srv_idf *idf, store *st, const analyze_ctx *actx);

#endif
