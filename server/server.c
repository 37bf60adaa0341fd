/* server.c -- daemon start-up and shutdown.
 *
 * Order matters. Start: database (schema migrations, crash recovery of
 * jobs left "fetching"), analysis resources, workers, then HTTP. Stop on
 * SIGTERM/SIGINT: HTTP stops accepting and answers what is in flight
 * (parked ?wait= requests answer with the record as it stands), then the
 * workers cancel their fetches and leave those jobs "queued" for the next
 * start. SIGHUP reloads the taxonomy (reload() below).
 */
#include "server/server.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/fetch.h"
#include "server/http.h"
#include "server/queue.h"
#include "server/retag.h"
#include "server/version.h"
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
 * fingerprint differs, the workers and the re-tag pass stop (jobs in
 * flight go back to queued, as at a stop), HTTP handlers switch to the
 * new context under the write side of app->swap_lock, the old context is
 * freed and both start again on the new one (the re-tag pass sees the
 * new fingerprint and re-tags every stored record). A file that does not
 * load changes nothing. Returns -1 only when the workers cannot start
 * again (the daemon then stops). */
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
    int rc = srv_queue_start(queue, cfg, fresh, srv_http_job_done, NULL);
    app->queue = *queue;
    pthread_rwlock_unlock(app->swap_lock);
    analyze_ctx_free(old);
    if (rc != 0) {
        log_reload("failed", "cannot start the workers again");
        return -1;
    }
    log_reload("ok", "new taxonomy; re-tagging stored records in the background");
    if (srv_retag_start(retag, cfg->db_path, fresh) != 0)
        log_reload("failed", "cannot start re-tagging stored articles");
    srv_queue_notify(*queue);
    return 0;
}

int srv_serve(const srv_config *cfg)
{
    static pthread_rwlock_t swap_lock = PTHREAD_RWLOCK_INITIALIZER;
    store *st = NULL;
    analyze_ctx *actx = NULL;
    srv_queue *queue = NULL;
    srv_http *http = NULL;
    srv_retag *retag = NULL;
    char err[512], msg[4096];
    sigset_t sigs;
    int sig = 0, rc = 1;

    /* Block the stop signals in every thread; the main thread waits. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    json_object_seed(0);

    if (fetch_global_init() != 0) {
        log_line("error", "libcurl failed to initialise");
        return 1;
    }
    if (store_open(cfg->db_path, &st, err, sizeof err) != 0) {
        log_line("error", err);
        goto done;
    }
    int recovered = store_jobs_recover(st);
    if (recovered < 0) {
        log_line("error", "cannot recover interrupted jobs");
        goto done;
    }
    if (store_thread_init(cfg->db_path) != 0) {
        log_line("error", "database path too long");
        goto done;
    }
    analyze_config acfg = {
        .data_dir = cfg->data_dir,
        .taxonomy_path = cfg->taxonomy_path[0] ? cfg->taxonomy_path : NULL,
        .summary_sentences = cfg->summary_sentences,
    };
    if (analyze_ctx_new(&acfg, &actx, err, sizeof err) != 0) {
        log_line("error", err);
        goto done;
    }
    if (srv_queue_start(&queue, cfg, actx, srv_http_job_done, NULL) != 0) {
        log_line("error", "cannot start the workers");
        goto done;
    }
    if (srv_retag_start(&retag, cfg->db_path, actx) != 0) {
        log_line("error", "cannot start re-tagging stored articles");
        goto done;
    }
    srv_app app = {
        .cfg = cfg, .actx = actx, .queue = queue, .swap_lock = &swap_lock,
        .openapi = (const char *)srv_openapi_yaml, .openapi_len = srv_openapi_yaml_len,
    };
    if (srv_http_start(&http, &app, err, sizeof err) != 0) {
        log_line("error", err);
        goto done;
    }
    snprintf(msg, sizeof msg,
             "skimd %s listening on %s:%u, database %s, data %s, %d workers, %d jobs resumed%s",
             SKIMD_VERSION, cfg->listen_host, (unsigned)cfg->listen_port, cfg->db_path,
             cfg->data_dir, cfg->workers, recovered,
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
    srv_http_stop(http);
    srv_retag_stop(retag);
    srv_queue_stop(queue);
    analyze_ctx_free(actx);
    store_close(st);
    fetch_global_cleanup();
    if (rc == 0)
        log_line("stopped", "clean shutdown");
    return rc;
}
