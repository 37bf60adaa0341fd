/* queue.c -- worker threads that run jobs to ready or failed, and the
 * lease keeper that renews their claims and reaps expired ones.
 *
 * The queue lives in the database (storage/jobs.c, invariants in
 * storage/schema.c): a worker claims a job as a lease owned by this
 * daemon (its id in q->owner) for one generation of the article. The
 * lease keeper renews the leases of running jobs every third of the
 * lease time; a renewal that finds the job replaced (a newer refresh, a
 * delete) cancels the worker's fetch, and the worker's finish, which is
 * conditional on generation and lease, would change nothing anyway: the
 * newest request wins. The keeper also frees expired leases (any
 * daemon's, and on a database this daemon holds alone every lease that
 * is not its own: a dead daemon's), so a crash needs no start-up
 * recovery. A transient store error (busy, disk full) is retried with
 * backoff while the lease is held; it never becomes a failed record.
 * Between jobs a worker sleeps on a condition variable (woken by
 * srv_queue_notify, or every second). Fetching and analysis never run on
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
#include <unistd.h>

#include "ingest/fetch.h"
#include "ingest/site.h"
#include "ingest/url.h"
#include "server/failpoint.h"
#include "server/idf.h"
#include "server/metrics.h"
#include "server/trim.h"
#include "server/pipeline.h"
#include "server/polite.h"
#include "server/version.h"
#include "storage/health.h"
#include "storage/store.h"

/* srv_trim_memory after a job whose page was at least this big */
#define TRIM_AFTER_BYTES ((size_t)1 << 20)

#define LEASE_MS_DEFAULT 30000
#define RETRY_FIRST_MS 50
#define RETRY_MAX_MS 5000
/* most jobs parked in memory for a slot of their host */
#define MAX_PARKED 100000
/* the shortest Retry-After deferral: "0" must not make a fast loop */
#define RETRY_AFTER_MIN_MS 1000

/* One worker's claim, as the lease keeper sees it. */
typedef struct worker_slot {
    int64_t id, generation;     /* the claimed job (under q->lock) */
    int active;                 /* a job is claimed (under q->lock) */
    double renew_until;         /* stop renewing after this (monotonic s) */
    atomic_int cancel;          /* set: stop the fetch (superseded or stopping) */
} worker_slot;

struct srv_queue {
    const srv_config *cfg;          /* borrowed */
    const analyze_ctx *actx;        /* borrowed */
    srv_queue_done_fn done;
    void *userdata;
    pthread_t *threads;
    int n_threads;
    worker_slot *slots;             /* one per worker */
    pthread_t keeper;
    int keeper_started;
    pthread_mutex_t lock;           /* guards pending and the slots' claims */
    pthread_cond_t wake;
    int pending;                    /* notifications not yet consumed */
    atomic_int stopping;
    atomic_int next_slot;
    int64_t lease_ms;
    char owner[96];                 /* this daemon's lease owner id */
    srv_idf idf;                    /* when to reload the stored-article IDF counts */
    srv_polite *polite;             /* per-host limits (polite fetching) */
    int64_t park_ms;                /* give-back delay of a job parked for its host */
    _Atomic int64_t next_due_ms;    /* earliest known deferral end (store_now_ms), 0 none */
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

static void log_job(const store_job *job, const char *status, const char *code, double ms)
{
    json_t *line = json_pack("{s:s, s:I, s:I, s:s, s:s?, s:f}", "event", "job", "id",
                             (json_int_t)job->id, "generation", (json_int_t)job->generation,
                             "status", status, "error", code,
                             "ms", (double)(long)(ms * 1000.0) / 1000.0);
    char *s = line ? json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    if (s)
        fprintf(stderr, "%s\n", s);
    free(s);
    json_decref(line);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A deferred job falls due at at_ms (store_now_ms): idle workers wake by then. */
static void note_due(srv_queue *q, int64_t at_ms)
{
    int64_t cur = atomic_load(&q->next_due_ms);
    while ((cur == 0 || at_ms < cur) &&
           !atomic_compare_exchange_weak(&q->next_due_ms, &cur, at_ms))
        ;
}

/* How long an idle worker sleeps: a second, or until the next deferred
 * job falls due (a due time long past is forgotten). */
static long idle_wait_ms(srv_queue *q)
{
    int64_t due = atomic_load(&q->next_due_ms), now = store_now_ms();
    if (due == 0)
        return 1000;
    if (due + 100 < now) {
        atomic_compare_exchange_strong(&q->next_due_ms, &due, 0);
        return 1000;
    }
    int64_t left = due - now + 5;
    return left < 5 ? 5 : left > 1000 ? 1000 : (long)left;
}

/* Sleep up to ms unless the queue is stopping or notified. */
static void nap(srv_queue *q, long ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&q->lock);
    if (!atomic_load(&q->stopping))
        pthread_cond_timedwait(&q->wake, &q->lock, &until);
    pthread_mutex_unlock(&q->lock);
}

/* What the reading of one job produced. */
typedef struct job_outcome {
    fetch_result fr;
    json_t *rec;                    /* the record, when read */
    analyze_terms terms;
    char *canon;                    /* trusted canonical URL (dedupe key) or NULL */
    const char *code, *message;     /* the failure, when not read */
    int cancelled;                  /* the fetch was cancelled */
    size_t page_len;                /* bytes of the page read (for the trim) */
    fetch_error fe;
    pipeline_error pe;
    int unchanged;                  /* a conditional refresh answered 304 */
    int deferred;                   /* 1 + srv_defer_reason: give the job back for later */
    int64_t defer_ms;               /* ... after this long (host_gap, retry_after) */
    char host[256];                 /* the politeness key of the fetched URL */
} job_outcome;

/* The canonical URL takes part in dedupe only when skimd fetched the page
 * itself and the canonical names the same site (registrable domain) as
 * the page's final URL; otherwise it is kept for display only. */
static void trusted_canonical(const store_job *job, job_outcome *o, const char *page_url)
{
    const char *cu = json_string_value(json_object_get(o->rec, "canonical_url"));
    if (!cu || !job->fetch || !site_same_site(cu, page_url))
        return;
    if (url_normalize(cu, &o->canon) != URL_OK)
        o->canon = NULL;
}

/* A slot of host is free again: the oldest job parked for it that is
 * still waiting becomes due now. */
static void polite_release(srv_queue *q, store *st, const char *host)
{
    int64_t id, generation;
    srv_polite_done(q->polite, host);
    while (srv_polite_pop(q->polite, host, &id, &generation))
        if (store_job_wake(st, id, generation) == STORE_OK) {
            srv_queue_notify(q);
            break;
        }
}

/* May the fetch of job start now? 1 when it may (a slot of o->host is
 * taken when o->host is set); 0 when the job must wait (o->deferred). */
static int polite_admit(srv_queue *q, const store_job *job, job_outcome *o)
{
    int64_t wait_ms = 0;
    if (site_host_key(job->url, o->host, sizeof o->host) != 0) {
        o->host[0] = '\0';         /* no key (cannot happen for a stored URL): unlimited */
        return 1;
    }
    srv_polite_verdict v = srv_polite_acquire(q->polite, o->host, mono_ms(), &wait_ms);
    if (v == SRV_POLITE_GO)
        return 1;
    o->deferred = 1 + (v == SRV_POLITE_LIMIT ? SRV_DEFER_HOST_LIMIT : SRV_DEFER_HOST_GAP);
    o->defer_ms = v == SRV_POLITE_LIMIT ? q->park_ms : wait_ms;
    return 0;                       /* o->host is kept to park the job */
}

/* A 429 or 503 with a Retry-After this request may still wait for:
 * 1 with o->deferred set. */
static int retry_later(srv_queue *q, const store_job *job, job_outcome *o)
{
    int64_t ms;
    long max_s = q->cfg->retry_after_max_s;
    if ((o->fe.http_status != 429 && o->fe.http_status != 503) || !o->fe.retry_after[0] ||
        max_s <= 0 || job->attempts >= q->cfg->retry_after_tries ||
        srv_polite_retry_after(o->fe.retry_after, time(NULL), &ms) != 0)
        return 0;
    if (ms > (int64_t)max_s * 1000)
        ms = (int64_t)max_s * 1000;
    o->deferred = 1 + SRV_DEFER_RETRY_AFTER;
    o->defer_ms = ms < RETRY_AFTER_MIN_MS ? RETRY_AFTER_MIN_MS : ms;
    return 1;
}

/* A 304: the record is current when the fetch was conditional; a 304 to
 * an unconditional GET is a broken answer, failed as http_304. */
static void not_modified(const store_job *job, job_outcome *o, int conditional)
{
    if (conditional && job->refresh) {
        o->unchanged = 1;
        return;
    }
    o->fe.fail = FAIL_HTTP_STATUS;
    snprintf(o->fe.code, sizeof o->fe.code, "http_304");
    snprintf(o->fe.message, sizeof o->fe.message,
             "the server answered 304 Not Modified to a request that was not conditional");
    o->code = o->fe.code;
    o->message = o->fe.message;
}

/* Fetch (unless the job has its page) and read it into o. */
static void read_job(srv_queue *q, store *st, store_job *job, worker_slot *slot,
                     job_outcome *o)
{
    char **bytes = &job->html;       /* taken by the pipeline */
    const char *ctype = NULL, *page_url = job->url;
    size_t len = job->html_len;
    if (job->fetch) {
        fetch_options fo = {
            .timeout_s = q->cfg->fetch_timeout_s, .max_bytes = q->cfg->max_page_bytes,
            .allow_private = q->cfg->allow_private, .allow_hosts = q->cfg->allow_hosts,
            .n_allow_hosts = q->cfg->n_allow_hosts, .user_agent = SKIMD_USER_AGENT,
            .cancel = &slot->cancel,
            /* a refresh of a fetched record asks whether the page changed */
            .if_none_match = job->refresh ? job->etag : NULL,
            .if_modified_since = job->refresh ? job->last_modified : NULL,
        };
        if (!polite_admit(q, job, o))
            return;
        int frc = fetch_url(job->url, &fo, &o->fr, &o->fe);
        if (o->host[0])
            polite_release(q, st, o->host);
        if (frc != 0) {
            if (retry_later(q, job, o))
                return;
            o->cancelled = o->fe.fail == FAIL_CANCELLED;
            o->code = o->fe.code;
            o->message = o->fe.message;
            return;
        }
        if (o->fr.http_status == 304) {
            not_modified(job, o, fo.if_none_match || fo.if_modified_since);
            return;
        }
        bytes = &o->fr.body;
        len = o->fr.len;
        ctype = o->fr.content_type;
        page_url = o->fr.final_url;
        if (!content_type_is_html(ctype)) {
            pipeline_error_set(&o->pe, FAIL_NOT_HTML, "the page is %.200s, not HTML", ctype);
            o->code = o->pe.code;
            o->message = o->pe.message;
            return;
        }
    }
    srv_failpoint("job.fetched");
    o->page_len = len;
    if (!(o->rec = json_object())) {
        o->code = fail_code_str(FAIL_INTERNAL);
        o->message = "out of memory";
        return;
    }
    if (pipeline_process_taken(q->actx, bytes, len, ctype, page_url, o->rec, &o->terms,
                               &o->pe) != 0) {
        o->code = o->pe.code;
        o->message = o->pe.message;
        json_decref(o->rec);
        o->rec = NULL;
        return;
    }
    trusted_canonical(job, o, page_url);
}

/* Store the outcome, retrying transient errors with backoff while the
 * daemon runs. Returns the final store_rc. */
static store_rc store_outcome(srv_queue *q, store *st, const store_job *claimed,
                              job_outcome *o)
{
    long wait_ms = RETRY_FIRST_MS;
    /* the claim with the validators of the page read (a 304 may omit
     * them: the ones sent stay); borrowed, never released */
    store_job with = *claimed;
    const store_job *job = &with;
    if (claimed->fetch && !o->unchanged) {
        with.etag = o->fr.etag;
        with.last_modified = o->fr.last_modified;
    } else if (o->unchanged) {
        with.etag = o->fr.etag ? o->fr.etag : claimed->etag;
        with.last_modified = o->fr.last_modified ? o->fr.last_modified : claimed->last_modified;
    }
    for (;;) {
        store_rc rc;
        if (o->unchanged) {
            rc = store_job_finish_unchanged(st, job, q->owner);
        } else if (o->rec) {
            store_terms t = { o->terms.lang, o->terms.v, o->terms.n };
            rc = store_job_finish_ready(st, job, q->owner, o->rec, o->canon, &t);
            if (rc == STORE_ERROR) {           /* permanent: the record cannot be stored */
                json_decref(o->rec);
                o->rec = NULL;
                o->code = fail_code_str(FAIL_INTERNAL);
                o->message = "the record could not be stored";
                continue;
            }
        } else {
            rc = store_job_finish_failed(st, job, q->owner, o->code, o->message);
        }
        if (rc != STORE_BUSY || atomic_load(&q->stopping))
            return rc;
        srv_metrics_job_event(SRV_JOB_STORE_RETRY, 1);
        nap(q, wait_ms);
        wait_ms = wait_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : wait_ms * 2;
    }
}

static void outcome_release(job_outcome *o)
{
    analyze_terms_release(&o->terms);
    free(o->canon);
    json_decref(o->rec);
    fetch_result_release(&o->fr);
}

/* Give a job back for later (o->deferred): parked for a slot of its
 * host, or due after o->defer_ms. A job replaced meanwhile (STALE) or a
 * failing store (its lease lapses, the reaper frees it) is left as is. */
static void defer_job(srv_queue *q, store *st, const store_job *job, job_outcome *o,
                      double t0)
{
    srv_defer_reason why = (srv_defer_reason)(o->deferred - 1);
    static const char *const names[] = {"host_limit", "host_gap", "retry_after"};
    store_rc rc = why == SRV_DEFER_RETRY_AFTER
                      ? store_job_give_back(st, job, q->owner, o->defer_ms)   /* it was tried */
                      : store_job_defer(st, job, q->owner, o->defer_ms);
    if (rc != STORE_OK) {
        log_job(job, rc == STORE_STALE ? "superseded" : "unstored", names[why],
                (mono_s() - t0) * 1000.0);
        return;
    }
    srv_metrics_job_deferred(why);
    if (why == SRV_DEFER_HOST_LIMIT) {
        if (srv_polite_park(q->polite, o->host, job->id, job->generation) == 0 &&
            store_job_wake(st, job->id, job->generation) == STORE_OK)
            srv_queue_notify(q);        /* a slot freed meanwhile */
    } else {
        note_due(q, store_now_ms() + o->defer_ms);
    }
    log_job(job, "deferred", names[why], (mono_s() - t0) * 1000.0);
}

/* Run one claimed job to its end. Returns the bytes of the page it read
 * (0 when none), for the trim after the job. */
static size_t run_job(srv_queue *q, store *st, store_job *job, worker_slot *slot)
{
    job_outcome o;
    double t0 = mono_s();
    memset(&o, 0, sizeof o);
    read_job(q, st, job, slot, &o);
    if (o.deferred) {
        defer_job(q, st, job, &o, t0);
        goto done;
    }
    srv_failpoint("job.before_finish");
    store_rc rc = STORE_STALE;
    if (atomic_load(&q->stopping) && (o.cancelled || (!o.rec && !o.unchanged))) {
        /* shutting down: the job goes back, to be resumed at the next start */
        if (store_job_give_back(st, job, q->owner, 0) == STORE_OK)
            srv_metrics_job_event(SRV_JOB_GIVEN_BACK, 1);
        log_job(job, "queued", fail_code_str(FAIL_CANCELLED), (mono_s() - t0) * 1000.0);
        goto done;
    }
    if (!o.cancelled)
        rc = store_outcome(q, st, job, &o);
    if (rc == STORE_STALE) {
        srv_metrics_job_event(SRV_JOB_STALE, 1);
        log_job(job, "superseded", NULL, (mono_s() - t0) * 1000.0);
        goto done;
    }
    if (rc != STORE_OK) {
        /* stopping while the store was failing: the lease lapses and the
         * next start (or another daemon) runs the job again */
        log_job(job, "unstored", o.code, (mono_s() - t0) * 1000.0);
        goto done;
    }
    if (o.rec && o.terms.n)
        srv_idf_counted(&q->idf, st, q->actx);
    if (!o.rec && !o.unchanged)
        srv_metrics_job_failure(o.code);
    log_job(job, o.unchanged ? "not_modified" : o.rec ? "ready" : "failed", o.code,
            (mono_s() - t0) * 1000.0);
    if (q->done)
        q->done(job->id, q->userdata);
done:
    outcome_release(&o);
    return o.page_len;
}

static void slot_set(srv_queue *q, worker_slot *slot, const store_job *job)
{
    pthread_mutex_lock(&q->lock);
    slot->active = job != NULL;
    if (job) {
        slot->id = job->id;
        slot->generation = job->generation;
        /* a job that runs past its fetch limit by far is stuck: let its lease lapse */
        slot->renew_until = mono_s() + (double)q->cfg->fetch_timeout_s + 120.0;
        atomic_store(&slot->cancel, atomic_load(&q->stopping));
    }
    pthread_mutex_unlock(&q->lock);
}

static void *worker_main(void *arg)
{
    srv_queue *q = arg;
    worker_slot *slot = &q->slots[atomic_fetch_add(&q->next_slot, 1)];
    store *st = NULL;
    char err[256];
    long idle_ms = RETRY_FIRST_MS;

    if (store_open(q->cfg->db_path, &st, err, sizeof err) != 0) {
        fprintf(stderr, "{\"level\":\"error\",\"what\":\"worker store\",\"detail\":\"%s\"}\n",
                err);
        return NULL;
    }
    while (!atomic_load(&q->stopping)) {
        store_job job;
        store_rc rc = store_job_claim(st, q->owner, q->lease_ms, &job);
        if (rc == STORE_OK) {
            slot_set(q, slot, &job);
            size_t page_len = run_job(q, st, &job, slot);
            slot_set(q, slot, NULL);
            store_job_release(&job);
            /* after a big page, once its last copy (the claimed job's) is
             * freed: the SQLite connection drops what it holds of the
             * page and the record (bound values, cache pages), and the
             * free pages go back to the kernel, so RSS after the job is
             * back near idle (issue 12, docs/memory.md) */
            if (page_len >= TRIM_AFTER_BYTES) {
                store_shed_memory(st);
                srv_trim_memory();
            }
            idle_ms = RETRY_FIRST_MS;
            continue;
        }
        if (rc != STORE_NOT_FOUND) {       /* the store is failing: back off */
            nap(q, idle_ms);
            idle_ms = idle_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : idle_ms * 2;
            continue;
        }
        /* Queue empty: sleep until notified. */
        pthread_mutex_lock(&q->lock);
        if (!atomic_load(&q->stopping) && q->pending == 0) {
            struct timespec until;
            long ms = idle_wait_ms(q);
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += ms / 1000;
            until.tv_nsec += (ms % 1000) * 1000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&q->wake, &q->lock, &until);
        }
        if (q->pending > 0)
            q->pending--;
        pthread_mutex_unlock(&q->lock);
    }
    store_close(st);
    return NULL;
}

/* Renew the leases of running jobs; cancel those that were replaced. */
static void renew_leases(srv_queue *q, store *st)
{
    double now = mono_s();
    for (int i = 0; i < q->cfg->workers; i++) {
        worker_slot *slot = &q->slots[i];
        store_job job = {0};
        pthread_mutex_lock(&q->lock);
        int active = slot->active && now < slot->renew_until;
        job.id = slot->id;
        job.generation = slot->generation;
        pthread_mutex_unlock(&q->lock);
        if (active && store_job_renew(st, &job, q->owner, q->lease_ms) == STORE_STALE) {
            pthread_mutex_lock(&q->lock);
            if (slot->active && slot->id == job.id && slot->generation == job.generation)
                atomic_store(&slot->cancel, 1);
            pthread_mutex_unlock(&q->lock);
        }
    }
}

/* The lease keeper: renew, reap, and probe a failing database. */
static void *keeper_main(void *arg)
{
    srv_queue *q = arg;
    store *st = NULL;
    char err[256];
    if (store_open(q->cfg->db_path, &st, err, sizeof err) != 0) {
        fprintf(stderr, "{\"level\":\"error\",\"what\":\"lease keeper store\",\"detail\":\"%s\"}\n",
                err);
        return NULL;
    }
    long tick_ms = (long)(q->lease_ms / 3 < 1000 ? q->lease_ms / 3 : 1000);
    while (!atomic_load(&q->stopping)) {
        renew_leases(q, st);
        int reaped = store_jobs_reap(st, q->owner);
        if (reaped > 0) {
            srv_metrics_job_event(SRV_JOB_REAPED, (unsigned)reaped);
            fprintf(stderr, "{\"event\":\"leases_reaped\",\"jobs\":%d}\n", reaped);
            srv_queue_notify(q);
        }
        if (store_health_write_failing())
            store_probe_write(st);      /* clears the failure once writes work again */
        nap(q, tick_ms);
    }
    store_close(st);
    return NULL;
}

/* This daemon's lease owner id: host, pid and 64 random bits. */
static void make_owner(char *out, size_t cap)
{
    char host[64] = "host";
    unsigned long long rnd = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(&rnd, sizeof rnd, 1, f) != 1)
        rnd = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
    if (f)
        fclose(f);
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    snprintf(out, cap, "%s:%ld:%016llx", host, (long)getpid(), rnd);
}

const char *srv_queue_owner(const srv_queue *q)
{
    return q ? q->owner : NULL;
}

static int start_threads(srv_queue *q)
{
    q->threads = calloc((size_t)q->cfg->workers, sizeof *q->threads);
    q->slots = calloc((size_t)q->cfg->workers, sizeof *q->slots);
    if (!q->threads || !q->slots)
        return -1;
    if (pthread_create(&q->keeper, NULL, keeper_main, q) != 0)
        return -1;
    q->keeper_started = 1;
    for (int i = 0; i < q->cfg->workers; i++) {
        if (pthread_create(&q->threads[i], NULL, worker_main, q) != 0)
            return -1;
        q->n_threads++;
    }
    return 0;
}

int srv_queue_new(srv_queue **out, const srv_config *cfg, const analyze_ctx *actx,
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
    q->lease_ms = cfg->lease_seconds > 0 ? (int64_t)cfg->lease_seconds * 1000 : LEASE_MS_DEFAULT;
    make_owner(q->owner, sizeof q->owner);
    /* a parked job is woken when a slot frees; should that be missed (a
     * crash, another daemon's fetch), it is due once any fetch has ended */
    q->park_ms = (int64_t)cfg->fetch_timeout_s * 1000 + 5000;
    q->polite = srv_polite_new(cfg->host_concurrency > 0 ? cfg->host_concurrency : 2,
                               cfg->host_gap_ms, MAX_PARKED);
    if (!q->polite) {
        free(q);
        return -1;
    }
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->wake, NULL);
    *out = q;
    return 0;
}

int srv_queue_run(srv_queue *q)
{
    if (!q || q->threads)
        return -1;
    /* the stored-article IDF counts (folding them is a write, so not
     * before the daemon is bound), before the first job; without them
     * (logged by srv_idf_load) the shipped tables alone rank, and the
     * next reload tries again */
    store *st = NULL;
    char err[256];
    if (store_open(q->cfg->db_path, &st, err, sizeof err) != 0)
        return -1;
    srv_idf_load(&q->idf, st, q->actx);
    store_close(st);
    return start_threads(q);
}

void srv_queue_notify(srv_queue *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->pending++;
    pthread_cond_broadcast(&q->wake);
    pthread_mutex_unlock(&q->lock);
}

void srv_queue_stop(srv_queue *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    atomic_store(&q->stopping, 1);
    for (int i = 0; q->slots && i < q->cfg->workers; i++)
        atomic_store(&q->slots[i].cancel, 1);
    pthread_cond_broadcast(&q->wake);
    pthread_mutex_unlock(&q->lock);
    for (int i = 0; i < q->n_threads; i++)
        pthread_join(q->threads[i], NULL);
    if (q->keeper_started)
        pthread_join(q->keeper, NULL);
    free(q->threads);
    free(q->slots);
    srv_polite_free(q->polite);
    pthread_cond_destroy(&q->wake);
    pthread_mutex_destroy(&q->lock);
    free(q);
}
