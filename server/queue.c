/* queue.c -- worker threads that run queued jobs to ready or failed.
 *
 * A worker claims the oldest queued job in one transaction, so two
 * workers never take the same article. Between jobs it sleeps on a
 * condition variable (woken by srv_queue_notify, or every second to pick
 * up work another process queued). Fetching and analysis never run on
 * HTTP threads.
 */
#include "server/queue.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ingest/fetch.h"
#include "ingest/url.h"
#include "server/idf.h"
#include "server/metrics.h"
#include "server/pipeline.h"
#include "server/version.h"
#include "storage/store.h"

struct srv_queue {
    const srv_config *cfg;          /* borrowed */
    const analyze_ctx *actx;        /* borrowed */
    srv_queue_done_fn done;
    void *userdata;
    pthread_t *threads;
    int n_threads;
    pthread_mutex_t lock;           /* guards pending */
    pthread_cond_t wake;
    int pending;                    /* notifications not yet consumed */
    atomic_int stopping;            /* read by fetches to cancel */
    srv_idf idf;                    /* when to reload the stored-article IDF counts */
};

/* Media types we read; a missing type is sniffed by the extractor. */
static int content_type_is_html(const char *ct)
{
    if (!ct || !*ct)
        return 1;
    size_t n = strcspn(ct, ";");
    while (n > 0 && ct[n - 1] == ' ')
        n--;
    static const char *const ok[] = {"text/html", "application/xhtml+xml",
                                     "application/xml", "text/xml", NULL};
    for (int i = 0; ok[i]; i++)
        if (strlen(ok[i]) == n && !strncasecmp(ct, ok[i], n))
            return 1;
    return 0;
}

static void log_job(int64_t id, const char *status, const char *code, double ms)
{
    json_t *line = json_pack("{s:s, s:I, s:s, s:s?, s:f}", "event", "job", "id",
                             (json_int_t)id, "status", status, "error", code, "ms", (double)(long)(ms * 1000.0) / 1000.0);
    char *s = line ? json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    if (s)
        fprintf(stderr, "%s\n", s);
    free(s);
    json_decref(line);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Run one claimed job to its end. */
static void run_job(srv_queue *q, store *st, store_job *job)
{
    fetch_result fr = {0};
    fetch_error fe = {{0}, {0}};
    pipeline_error pe = {{0}, {0}};
    json_t *rec = NULL;
    analyze_terms terms = {0};
    char *canon = NULL;
    const char *code = NULL, *message = NULL;
    double t0 = now_ms();

    const char *bytes = job->html, *ctype = NULL, *page_url = job->url;
    size_t len = job->html_len;
    if (!job->html) {
        fetch_options fo = {
            .timeout_s = q->cfg->fetch_timeout_s, .max_bytes = q->cfg->max_page_bytes,
            .allow_private = q->cfg->allow_private, .allow_hosts = q->cfg->allow_hosts,
            .n_allow_hosts = q->cfg->n_allow_hosts, .user_agent = SKIMD_USER_AGENT,
            .cancel = &q->stopping,
        };
        if (fetch_url(job->url, &fo, &fr, &fe) != 0) {
            if (!strcmp(fe.code, "cancelled")) {
                /* shutting down: the job stays queued for the next start */
                store_job_requeue(st, job->id);
                log_job(job->id, "queued", "cancelled", now_ms() - t0);
                goto done;
            }
            code = fe.code;
            message = fe.message;
            goto failed;
        }
        bytes = fr.body;
        len = fr.len;
        ctype = fr.content_type;
        page_url = fr.final_url;
        if (!content_type_is_html(ctype)) {
            snprintf(pe.code, sizeof pe.code, "not_html");
            snprintf(pe.message, sizeof pe.message, "the page is %.200s, not HTML", ctype);
            code = pe.code;
            message = pe.message;
            goto failed;
        }
    }
    rec = json_object();
    if (!rec) {
        code = "internal";
        message = "out of memory";
        goto failed;
    }
    if (pipeline_process_page(q->actx, bytes, len, ctype, page_url, rec, &terms, &pe) != 0) {
        code = pe.code;
        message = pe.message;
        goto failed;
    }
    const char *cu = json_string_value(json_object_get(rec, "canonical_url"));
    if (cu && url_normalize(cu, &canon) != URL_OK)
        canon = NULL;
    store_terms st_terms = { terms.lang, terms.v, terms.n };
    store_rc rc = store_job_finish_ready(st, job->id, rec, canon, &st_terms);
    if (rc == STORE_ERROR) {
        code = "internal";
        message = "the record could not be stored";
        goto failed;
    }
    if (rc == STORE_OK && terms.n)
        srv_idf_counted(&q->idf, st, q->actx);
    log_job(job->id, rc == STORE_OK ? "ready" : "deleted", NULL, now_ms() - t0);
    if (q->done)
        q->done(job->id, q->userdata);
    goto done;

failed:
    srv_metrics_job_failure(code);
    store_job_finish_failed(st, job->id, code, message);
    log_job(job->id, "failed", code, now_ms() - t0);
    if (q->done)
        q->done(job->id, q->userdata);
done:
    analyze_terms_release(&terms);
    free(canon);
    json_decref(rec);
    fetch_result_release(&fr);
}

static void *worker_main(void *arg)
{
    srv_queue *q = arg;
    store *st = NULL;
    char err[256];

    if (store_open(q->cfg->db_path, &st, err, sizeof err) != 0) {
        fprintf(stderr, "{\"level\":\"error\",\"what\":\"worker store\",\"detail\":\"%s\"}\n",
                err);
        return NULL;
    }
    while (!atomic_load(&q->stopping)) {
        store_job job;
        store_rc rc = store_job_claim(st, &job);
        if (rc == STORE_OK) {
            run_job(q, st, &job);
            store_job_release(&job);
            continue;
        }
        /* Queue empty (or the database busy): sleep until notified. */
        pthread_mutex_lock(&q->lock);
        if (!atomic_load(&q->stopping) && q->pending == 0) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;
            pthread_cond_timedwait(&q->wake, &q->lock, &until);
        }
        if (q->pending > 0)
            q->pending--;
        pthread_mutex_unlock(&q->lock);
    }
    store_close(st);
    return NULL;
}

int srv_queue_start(srv_queue **out, const srv_config *cfg, const analyze_ctx *actx,
                    srv_queue_done_fn done, void *userdata)
{
    srv_queue *q;
    if (!out || !cfg || !actx || cfg->workers < 1)
        return -1;
    q = calloc(1, sizeof *q);
    if (!q)
        return -1;
    q->cfg = cfg;
    q->actx = actx;
    q->done = done;
    q->userdata = userdata;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->wake, NULL);
    /* the stored-article IDF counts, before the first job; without them
     * (logged by srv_idf_load) the shipped tables alone rank, and the
     * next reload tries again */
    store *st = NULL;
    char err[256];
    if (store_open(cfg->db_path, &st, err, sizeof err) != 0) {
        srv_queue_stop(q);
        return -1;
    }
    srv_idf_load(&q->idf, st, actx);
    store_close(st);
    q->threads = calloc((size_t)cfg->workers, sizeof *q->threads);
    if (!q->threads) {
        srv_queue_stop(q);
        return -1;
    }
    for (int i = 0; i < cfg->workers; i++) {
        if (pthread_create(&q->threads[i], NULL, worker_main, q) != 0) {
            srv_queue_stop(q);
            return -1;
        }
        q->n_threads++;
    }
    *out = q;
    return 0;
}

void srv_queue_notify(srv_queue *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->pending++;
    pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->lock);
}

void srv_queue_stop(srv_queue *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    atomic_store(&q->stopping, 1);
    pthread_cond_broadcast(&q->wake);
    pthread_mutex_unlock(&q->lock);
    for (int i = 0; i < q->n_threads; i++)
        pthread_join(q->threads[i], NULL);
    free(q->threads);
    pthread_cond_destroy(&q->wake);
    pthread_mutex_destroy(&q->lock);
    free(q);
}
