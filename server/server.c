/* server.c -- daemon start-up and shutdown.
 *
 * Order matters. Start: the database's lock file (one daemon per SQLite
 * file; a second one exits before touching anything), the database
 * (opened, migrated, PRAGMA quick_check, HTTP connections opened and
 * checked), analysis resources, HTTP bound, then the workers, the lease
 * keeper, the webhook sender and the re-tagging pass. Failing at any step leaves every job
 * and lease as it was: there is no start-up recovery, the lease keeper
 * frees a dead daemon's leases. Stop on SIGTERM/SIGINT: HTTP stops
 * accepting (the socket is closed), the workers cancel their fetches and
 * give those jobs back and are joined, the webhook sender stops (an
 * attempt in flight stays pending), then parked ?wait= requests answer
 * with the record as it stands, in-flight replies go out, HTTP is freed.
 * SIGHUP reloads the taxonomy (reload() below).
 */
#include "server/server.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "ingest/fetch.h"
#include "ingest/resolve.h"
#include "ingest/site.h"
#include "server/failpoint.h"
#include "server/http.h"
#include "server/queue.h"
#include "server/retag.h"
#include "server/version.h"
#include "server/feeds.h"
#include "server/webhook_file.h"
#include "server/webhooks.h"
#include "storage/health.h"
#include "storage/store.h"

/* The contract, embedded at build time from openapi.yaml. */
extern const unsigned char srv_openapi_yaml[];
extern const unsigned long srv_openapi_yaml_len;

static void log_line(const char *event, const char *detail)
{
    json_t *line = json_pack("{s:s, s:s}", "event", event, "detail", detail);
    char *s = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (s)
        fprintf(stderr, "%s\n", s);
    free(s);
    json_decref(line);
}

/* Lock, open and check the database: nothing in it changes before the
 * lock is ours, and a damaged file is refused. 0 or -1 (logged). */
static int open_database(const srv_config *cfg, store **st)
{
    char err[1536];
    struct stat sb;
    if (store_lock_acquire(cfg->db_path, err, sizeof err) != 0) {
        log_line("error", err);
        return -1;
    }
    if (store_db_is_file(cfg->db_path) && stat(cfg->db_path, &sb) != 0) {
        snprintf(err, sizeof err, "creating a NEW, EMPTY database at %s (no file was there); "
                 "if you expected your records, stop now and check --db", cfg->db_path);
        log_line("warning", err);
    }
    if (store_open(cfg->db_path, st, err, sizeof err) != 0) {
        log_line("error", err);
        return -1;
    }
    if (!cfg->skip_quick_check && store_quick_check(*st, err, sizeof err) != 0) {
        log_line("error", err);
        return -1;
    }
    if (store_health_watch(cfg->db_path) != 0 ||
        store_thread_init(cfg->db_path, cfg->http_threads + 2, err, sizeof err) != 0) {
        log_line("error", err[0] ? err : "cannot read the database file");
        return -1;
    }
    return 0;
}

/* Block the stop and reload signals in every thread; the main thread waits. */
static void block_signals(sigset_t *sigs)
{
    sigemptyset(sigs);
    sigaddset(sigs, SIGTERM);
    sigaddset(sigs, SIGINT);
    sigaddset(sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);       /* a file-size limit is a write error, not a kill */
}

/* A job ended: wake ?wait= requests and the webhook sender (its
 * outbox row, if any, was committed with the change). */
static void job_done(int64_t id, void *userdata)
{
    srv_http_job_done(id, NULL);
    srv_webhooks_notify(userdata);
}

/* What the daemon hears from the others on a shared database
 * (store_listen_start): a job that ended there wakes this daemon's
 * waiters and webhook sender; queued work wakes its idle workers. */
typedef struct peer_events {
    srv_queue **queue;          /* replaced by a reload, under swap_lock */
    pthread_rwlock_t *swap_lock;
    srv_webhooks *webhooks;
} peer_events;

static void peer_event(void *arg, int64_t id)
{
    peer_events *pe = arg;
    if (id > 0) {
        job_done(id, pe->webhooks);
        return;
    }
    pthread_rwlock_rdlock(pe->swap_lock);
    if (*pe->queue)
        srv_queue_notify(*pe->queue);
    pthread_rwlock_unlock(pe->swap_lock);
}

static void log_reload(const char *status, const char *detail)
{
    json_t *line = json_pack("{s:s, s:s, s:s}", "event", "reload", "status", status,
                             "detail", detail);
    char *s = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (s)
        fprintf(stderr, "%s\n", s);
    free(s);
    json_decref(line);
}

/* SIGHUP: build a new analysis context from the taxonomy file; when its
 * fingerprint differs, the re-tag pass and the workers stop (jobs in
 * flight are given back, as at a stop), HTTP handlers switch to the new
 * context and queue under the write side of app->swap_lock, the old
 * context is freed and both start again on the new one (the re-tag pass
 * sees the new fingerprint and re-tags every stored record). A file that
 * does not load changes nothing. Returns -1 only when the workers cannot
 * start again (the daemon then stops). */
static int reload(const srv_config *cfg, const analyze_config *acfg, srv_app *app,
                  analyze_ctx **actx, srv_queue **queue, srv_retag **retag)
{
    analyze_ctx *fresh = NULL;
    char err[512];
    if (analyze_ctx_new(acfg, &fresh, err, sizeof err) != 0) {
        log_reload("failed", err);             /* the taxonomy in use is kept */
        return 0;
    }
    if (!strcmp(analyze_taxonomy_fingerprint(fresh), analyze_taxonomy_fingerprint(*actx))) {
        analyze_ctx_free(fresh);
        log_reload("unchanged", "the taxonomy is the one in use");
        return 0;
    }
    srv_retag_stop(*retag);
    *retag = NULL;
    srv_queue_stop(*queue);
    *queue = NULL;
    pthread_rwlock_wrlock(app->swap_lock);
    analyze_ctx *old = *actx;
    *actx = fresh;
    app->actx = fresh;
    int rc = srv_queue_new(queue, cfg, fresh, job_done, app->webhooks);
    app->queue = *queue;
    pthread_rwlock_unlock(app->swap_lock);
    analyze_ctx_free(old);
    if (rc != 0 || srv_queue_run(*queue) != 0) {
        log_reload("failed", "cannot start the workers again");
        return -1;
    }
    log_reload("ok", "new taxonomy; re-tagging stored records in the background");
    if (srv_retag_start(retag, cfg->db_path, fresh) != 0)
        log_reload("failed", "cannot start re-tagging stored articles");
    srv_queue_notify(*queue);
    return 0;
}

/* Blocks of this size or more are mapped on their own and unmapped when
 * freed (issue 12, docs/memory.md). glibc's default threshold slides up
 * to the largest block freed so far (up to 32 MiB), and its trim
 * threshold with it: after one 10 MiB page, the next page's buffers came
 * from the heaps, and 30-50 MiB stayed resident after every job (the top
 * of a thread's heap is never trimmed by malloc_trim). A fixed threshold
 * stops the sliding; 256 KiB keeps an ordinary page's buffers (145 kB on
 * average) in the heaps. MALLOC_MMAP_THRESHOLD_ in the environment wins. */
#define MMAP_THRESHOLD_BYTES (256 * 1024)
/* One malloc arena for all threads: malloc_trim(0) gives back the top of
 * the main arena's heap but not the top of a thread arena's; with the
 * default (8 per core) a worker's arena kept 2 MiB more after each of
 * three 10 MiB pages in a row (+20 % RSS, issue 12). Measured cost with
 * one arena: none within the noise (wrk read path 18.0-18.3 k req/s
 * against 18.4-18.5 k; 300 pushed pages with 2 workers 1.7-1.8 s both
 * ways): glibc's per-thread cache serves the small blocks without the
 * arena's lock. MALLOC_ARENA_MAX in the environment wins. */
#define ARENA_MAX 1

int srv_serve(const srv_config *cfg)
{
    static pthread_rwlock_t swap_lock = PTHREAD_RWLOCK_INITIALIZER;
    store *st = NULL;
    analyze_ctx *actx = NULL;
    srv_queue *queue = NULL;
    srv_http *http = NULL;
    srv_retag *retag = NULL;
    store_listener *listener = NULL;
    peer_events peers;
    srv_webhooks *webhooks = NULL;
    srv_feeds *feeds = NULL;
    char err[512], msg[4096];
    sigset_t sigs;
    int sig = 0, rc = 1;

    block_signals(&sigs);
    if (!getenv("MALLOC_MMAP_THRESHOLD_"))
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
    if (!getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, ARENA_MAX);
    json_object_seed(0);
    srv_failpoint_init();
    if (fetch_global_init() != 0) {
        log_line("error", "libcurl failed to initialise");
        return 1;
    }
    if (resolve_start(cfg->dns_server, (double)cfg->dns_timeout_s, err, sizeof err) != 0) {
        log_line("error", err);
        goto done;
    }
    if (site_init() != 0)
        log_line("warning", "no Public Suffix List: canonical URLs dedupe only on the same host");
    if (open_database(cfg, &st) != 0)
        goto done;
    analyze_config acfg = {
        .data_dir = cfg->data_dir,
        .taxonomy_path = cfg->taxonomy_path[0] ? cfg->taxonomy_path : NULL,
        .summary_sentences = cfg->summary_sentences,
    };
    if (analyze_ctx_new(&acfg, &actx, err, sizeof err) != 0) {
        log_line("error", err);
        goto done;
    }
    if (srv_webhooks_new(&webhooks, cfg) != 0 || srv_feeds_new(&feeds, cfg) != 0 ||
        srv_queue_new(&queue, cfg, actx, job_done, webhooks) != 0) {
        log_line("error", "cannot prepare the workers");
        goto done;
    }
    srv_app app = {
        .cfg = cfg, .actx = actx, .queue = queue, .webhooks = webhooks, .feeds = feeds,
        .swap_lock = &swap_lock,
        .openapi = (const char *)srv_openapi_yaml, .openapi_len = srv_openapi_yaml_len,
    };
    /* the file's subscriptions before the first request can read them
     * (the one write before binding: the file is the operator's truth) */
    if (srv_webhook_file_sync(st, cfg, err, sizeof err) != 0) {
        log_line("error", err);
        goto done;
    }
    /* bind before any worker runs: a daemon that cannot listen changes nothing */
    if (srv_http_start(&http, &app, err, sizeof err) != 0) {
        log_line("error", err);
        goto done;
    }
    if (srv_queue_run(queue) != 0) {
        log_line("error", "cannot start the workers");
        goto done;
    }
    if (srv_webhooks_start(webhooks) != 0) {
        log_line("error", "cannot start the webhook sender");
        goto done;
    }
    if (srv_feeds_start(feeds) != 0) {
        log_line("error", "cannot start the feed poller");
        goto done;
    }
    peers = (peer_events){.queue = &queue, .swap_lock = &swap_lock, .webhooks = webhooks};
    if (store_listen_start(cfg->db_path, peer_event, &peers, &listener) != 0) {
        log_line("error", "cannot listen for the other daemons' jobs");
        goto done;
    }
    if (srv_retag_start(&retag, cfg->db_path, actx) != 0) {
        log_line("error", "cannot start re-tagging stored articles");
        goto done;
    }
    char shown[1100];
    store_db_display(cfg->db_path, shown, sizeof shown);
    snprintf(msg, sizeof msg,
             "skimd %s listening on %s:%u, database %s, data %s, %d workers, lease owner %s%s",
             SKIMD_VERSION, cfg->listen_host, (unsigned)cfg->listen_port, shown,
             cfg->data_dir, cfg->workers, srv_queue_owner(queue),
             cfg->allow_private ? ", SSRF guard OFF" : "");
    log_line("start", msg);
    srv_queue_notify(queue);

    for (;;) {
        if (sigwait(&sigs, &sig) != 0)
            continue;
        if (sig == SIGTERM || sig == SIGINT)
            break;
        if (sig == SIGHUP) {
            log_reload("started", "SIGHUP: reading the taxonomy again");
            if (reload(cfg, &acfg, &app, &actx, &queue, &retag) != 0)
                goto done;
        }
    }
    log_line("stop", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    rc = 0;
done:
    /* no new connections; workers stop (their jobs given back) and are
     * joined while HTTP still runs, so their completions reach it; then
     * parked and in-flight requests answer and HTTP is freed */
    srv_http_quiesce(http);
    srv_retag_stop(retag);
    store_listen_stop(listener);
    srv_queue_stop(queue);
    srv_webhooks_stop(webhooks);
    srv_feeds_stop(feeds);
    resolve_stop();                 /* after the workers, the webhook sender and the poller:
                                     * they may be resolving */
    srv_http_stop(http);
    srv_webhooks_free(webhooks);
    srv_feeds_free(feeds);
    store_thread_shutdown();
    analyze_ctx_free(actx);
    store_close(st);
    fetch_global_cleanup();
    if (rc == 0)
        log_line("stopped", "clean shutdown");
    return rc;
}
