/* feeds.c -- the feed poller thread (see feeds.h).
 *
 * Owns the poll loop: the feed due soonest is fetched (conditional GET,
 * behind the guard), parsed (ingest/feed.c), its links normalised, and
 * the outcome recorded (storage/feeds.c: new items become articles in
 * the same transaction). Between polls it sleeps until the next feed is
 * due, a notify (a new feed, POST /feeds/{id}/poll) or a second. New
 * articles are picked up by the workers' own idle look (at most a second
 * later). Does not decide the request rules: handlers/feeds.c does.
 */
#include "server/feeds.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ingest/feed.h"
#include "ingest/fetch.h"
#include "ingest/url.h"
#include "server/metrics.h"
#include "server/version.h"
#include "storage/feeds.h"

#define IDLE_POLL_MS 1000
#define BACKOFF_MAX_SHIFT 16

struct srv_feeds {
    const srv_config *cfg;          /* borrowed */
    pthread_t thread;
    int started;
    pthread_mutex_t lock;           /* guards notified */
    pthread_cond_t wake;
    int notified;
    atomic_int stopping;            /* also the fetch's cancel flag */
    store *st;                      /* the thread's own connection */
};

int64_t srv_feed_next_poll(const srv_config *cfg, long interval_s, int failures, int64_t now_ms)
{
    int64_t delay = interval_s > 0 ? interval_s : 1;
    if (failures > 0) {
        int64_t cap = cfg->feed_max_interval_s > delay ? cfg->feed_max_interval_s : delay;
        int shift = failures - 1 > BACKOFF_MAX_SHIFT ? BACKOFF_MAX_SHIFT : failures - 1;
        delay = delay << shift;
        if (delay > cap)
            delay = cap;
    }
    return now_ms + delay * 1000;
}

static void log_poll(const store_feed_due *d, const char *status, size_t items, size_t created,
                     const char *error)
{
    json_t *line = json_pack("{s:s, s:I, s:s, s:I, s:I, s:s?}", "event", "feed", "id",
                             (json_int_t)d->id, "status", status, "items", (json_int_t)items,
                             "new", (json_int_t)created, "error", error);
    char *text = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        fprintf(stderr, "%s\n", text);
    free(text);
    json_decref(line);
}

/* The feed's items as normalised links (into links, n of them). */
static size_t links_of(const feed_doc *doc, store_feed_link *links, char **norms)
{
    size_t n = 0;
    for (size_t i = 0; i < doc->n; i++) {
        char *norm = NULL;
        if (url_normalize(doc->items[i].url, &norm) != URL_OK) {
            free(norm);
            continue;
        }
        norms[n] = norm;
        links[n] = (store_feed_link){doc->items[i].url, norm};
        n++;
    }
    return n;
}

/* Parse a fetched answer into p (links owned by the caller's arrays);
 * the reason of a failure into why. 0 or -1. */
static int read_answer(const fetch_result *fr, feed_doc *doc, store_feed_link *links,
                       char **norms, store_feed_poll *p, char *why, size_t cap)
{
    if (feed_parse(fr->body, fr->len, fr->content_type, fr->final_url, doc, why, cap) != 0)
        return -1;
    p->status = "ok";
    p->etag = fr->etag;
    p->last_modified = fr->last_modified;
    p->links = links;
    p->n = links_of(doc, links, norms);
    return 0;
}

static void poll_one(srv_feeds *f, const store_feed_due *d)
{
    const srv_config *cfg = f->cfg;
    fetch_options fo = {
        .timeout_s = cfg->fetch_timeout_s, .max_bytes = cfg->max_page_bytes,
        .allow_private = cfg->allow_private, .allow_hosts = cfg->allow_hosts,
        .n_allow_hosts = cfg->n_allow_hosts, .user_agent = SKIMD_USER_AGENT,
        .cancel = &f->stopping, .if_none_match = d->etag, .if_modified_since = d->last_modified,
    };
    fetch_result fr;
    fetch_error fe;
    feed_doc doc = {0};
    static store_feed_link links[FEED_MAX_ITEMS];
    static char *norms[FEED_MAX_ITEMS];
    char why[300] = "";
    size_t created = 0;
    store_feed_poll p = {.id = d->id, .status = "error", .error = why};
    memset(norms, 0, sizeof norms);
    if (fetch_url(d->url, &fo, &fr, &fe) != 0) {
        if (fe.fail == FAIL_CANCELLED)
            return;                     /* stopping: polled again at the next start */
        snprintf(why, sizeof why, "%s: %s", fe.code, fe.message);
    } else if (fr.http_status == 304 && (d->etag || d->last_modified)) {
        p.status = "not_modified";
    } else if (fr.http_status == 304) {
        snprintf(why, sizeof why, "http_304: a 304 answer to a request that was not conditional");
    } else {
        read_answer(&fr, &doc, links, norms, &p, why, sizeof why);
    }
    int failed = !strcmp(p.status, "error");
    p.next_poll_ms = srv_feed_next_poll(cfg, d->interval_s, failed ? d->failures + 1 : 0,
                                        store_now_ms());
    store_rc rc = store_feed_polled(f->st, &p, &created);
    if (rc == STORE_OK)
        srv_metrics_feed_poll(failed ? SRV_FEED_ERROR
                              : !strcmp(p.status, "ok") ? SRV_FEED_OK : SRV_FEED_NOT_MODIFIED,
                              created);
    log_poll(d, rc == STORE_OK ? p.status : "unstored", p.n, created, failed ? why : NULL);
    for (size_t i = 0; i < p.n; i++)
        free(norms[i]);
    feed_doc_release(&doc);
    fetch_result_release(&fr);
}

/* Sleep until until_ms (-1: the idle poll), a notify, or stop. */
static void nap(srv_feeds *f, int64_t until_ms)
{
    int64_t now = store_now_ms();
    if (until_ms < 0 || until_ms > now + IDLE_POLL_MS)
        until_ms = now + IDLE_POLL_MS;
    struct timespec until = {.tv_sec = (time_t)(until_ms / 1000),
                             .tv_nsec = (long)(until_ms % 1000) * 1000000L};
    pthread_mutex_lock(&f->lock);
    if (!f->notified && !atomic_load(&f->stopping))
        pthread_cond_timedwait(&f->wake, &f->lock, &until);
    f->notified = 0;
    pthread_mutex_unlock(&f->lock);
}

static void *run(void *arg)
{
    srv_feeds *f = arg;
    char err[512];
    while (!atomic_load(&f->stopping)) {
        if (!f->st && store_open(f->cfg->db_path, &f->st, err, sizeof err) != 0) {
            f->st = NULL;
            fprintf(stderr, "{\"event\":\"error\",\"what\":\"feeds: cannot open the database, "
                            "trying again\"}\n");
            nap(f, -1);
            continue;
        }
        store_feed_due d;
        int64_t due = -1;
        store_rc rc = store_feed_next(f->st, store_now_ms(), &d, &due);
        if (rc == STORE_OK) {
            poll_one(f, &d);
            store_feed_due_release(&d);
            continue;
        }
        nap(f, rc == STORE_NOT_FOUND ? due : -1);
    }
    return NULL;
}

int srv_feeds_new(srv_feeds **out, const srv_config *cfg)
{
    srv_feeds *f = out && cfg ? calloc(1, sizeof *f) : NULL;
    if (!f)
        return -1;
    f->cfg = cfg;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->wake, NULL);
    *out = f;
    return 0;
}

int srv_feeds_start(srv_feeds *f)
{
    if (!f || f->started || pthread_create(&f->thread, NULL, run, f) != 0)
        return -1;
    f->started = 1;
    return 0;
}

void srv_feeds_notify(srv_feeds *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->notified = 1;
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->lock);
}

void srv_feeds_stop(srv_feeds *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    atomic_store(&f->stopping, 1);
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->lock);
    if (f->started) {
        pthread_join(f->thread, NULL);
        f->started = 0;
    }
    store_close(f->st);
    f->st = NULL;
}

void srv_feeds_free(srv_feeds *f)
{
    if (!f)
        return;
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->wake);
    free(f);
}
