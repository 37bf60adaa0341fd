/* retag.c -- the background pass over stored articles (see retag.h):
 * re-tagging after a taxonomy change, and counting the terms of articles
 * stored before schema v4 into the document frequencies.
 *
 * One thread, its own database connection, one article per transaction,
 * so HTTP reads and job workers are never blocked for long.
 */
#include "server/retag.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/failpoint.h"
#include "server/idf.h"
#include "storage/store.h"

#define FINGERPRINT_KEY "taxonomy_fingerprint"
#define BACKFILL_KEY "df_backfill"     /* "done": every stored article is counted */

struct srv_retag {
    pthread_t thread;
    const analyze_ctx *actx;    /* borrowed */
    store *st;                  /* owned by the thread once started */
    int retag;                  /* the taxonomy changed: rewrite tags */
    int backfill;               /* articles from before v4 may be uncounted */
    atomic_int stop;
};

static void log_retag(const char *status, long done)
{
    fprintf(stderr, "{\"event\":\"retag\",\"status\":\"%s\",\"articles\":%ld}\n", status, done);
}

static void *retag_main(void *arg)
{
    srv_retag *rt = arg;
    int64_t after = 0;
    long done = 0, counted = 0;
    analyze_terms terms = {0};
    for (;;) {
        store_stored_text t;
        if (atomic_load(&rt->stop)) {
            if (rt->retag)
                log_retag("interrupted", done);
            goto out;
        }
        store_rc rc = store_next_ready(rt->st, after, &t);
        if (rc == STORE_NOT_FOUND)
            break;
        if (rc != STORE_OK) {
            if (rt->retag)
                log_retag("failed", done);
            goto out;
        }
        after = t.id;
        json_t *analysis = json_object();
        analyze_input in = {
            .title = t.title, .text = t.content, .declared_language = t.language,
            .published_at = t.published_at,
        };
        if (analysis && analyze_article_terms(rt->actx, &in, analysis,
                                              rt->backfill ? &terms : NULL) == 0) {
            /* the keywords are not rewritten: the record keeps the ones it
             * was stored with, and the counts (made with the same terms)
             * are only added where missing */
            store_terms st_terms = { terms.lang, terms.v, terms.n };
            if (rt->backfill && terms.n &&
                store_df_count_missing(rt->st, t.id, &st_terms) == STORE_OK)
                counted++;
            srv_failpoint("retag.before_write");
            if (rt->retag && store_article_set_tags(rt->st, t.id, t.content_gen, analysis) != STORE_ERROR)
                done++;
        }
        json_decref(analysis);
        store_stored_text_release(&t);
    }
    if (rt->retag) {
        store_meta_set(rt->st, FINGERPRINT_KEY, analyze_taxonomy_fingerprint(rt->actx));
        log_retag("done", done);
    }
    if (rt->backfill) {
        store_meta_set(rt->st, BACKFILL_KEY, "done");
        fprintf(stderr, "{\"event\":\"idf_backfill\",\"articles\":%ld}\n", counted);
        if (counted)
            srv_idf_load(NULL, rt->st, rt->actx);
    }
out:
    analyze_terms_release(&terms);
    return NULL;
}

int srv_retag_start(srv_retag **out, const char *db_path, const analyze_ctx *actx)
{
    char stored[64], err[256];
    srv_retag *rt = NULL;
    if (!out || !db_path || !actx)
        return -1;
    *out = NULL;
    rt = calloc(1, sizeof *rt);
    if (!rt)
        return -1;
    rt->actx = actx;
    if (store_open(db_path, &rt->st, err, sizeof err) != 0)
        goto fail;
    const char *now = analyze_taxonomy_fingerprint(actx);
    store_rc rc = store_meta_get(rt->st, FINGERPRINT_KEY, stored, sizeof stored);
    if (rc == STORE_ERROR)
        goto fail;
    rt->retag = !(rc == STORE_OK && !strcmp(stored, now));
    rc = store_meta_get(rt->st, BACKFILL_KEY, stored, sizeof stored);
    if (rc == STORE_ERROR)
        goto fail;
    rt->backfill = !(rc == STORE_OK && !strcmp(stored, "done"));
    if (!rt->retag && !rt->backfill) {
        store_close(rt->st);
        free(rt);
        return 0;                      /* tags are current, every article counted */
    }
    if (pthread_create(&rt->thread, NULL, retag_main, rt) != 0)
        goto fail;
    *out = rt;
    return 0;
fail:
    store_close(rt->st);
    free(rt);
    return -1;
}

void srv_retag_stop(srv_retag *rt)
{
    if (!rt)
        return;
    atomic_store(&rt->stop, 1);
    pthread_join(rt->thread, NULL);
    store_close(rt->st);
    free(rt);
}
