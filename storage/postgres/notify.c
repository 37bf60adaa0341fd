/* postgres/notify.c -- what one daemon learns of the others' work:
 * LISTEN skimd_jobs on a connection of its own.
 *
 * A transaction that queues work (a submission, a refresh, a batch) or
 * finishes a job sends NOTIFY skimd_jobs "<token> <id>" (id 0: work was
 * queued; store_notify, delivered at its commit, never for a rollback);
 * the listener thread of every other daemon -- a daemon skips its own
 * token, having acted already -- hands each to the daemon's callback: an
 * id wakes the requests waiting on that article (?wait=), 0 wakes idle
 * workers. After a lost connection the thread connects again (backing
 * off up to 5 s) and reports 0, so that idle workers look again; a
 * waiter that missed its job's notification meanwhile answers at its
 * deadline with the record as it then is.
 */
#include "storage/postgres/pg.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char self_token[40];
static pthread_once_t token_once = PTHREAD_ONCE_INIT;

static void make_token(void)
{
    unsigned char r[8] = {0};
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(r, 1, sizeof r, f) != sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        memcpy(r, &ts.tv_nsec, sizeof ts.tv_nsec < sizeof r ? sizeof ts.tv_nsec : sizeof r);
    }
    if (f)
        fclose(f);
    snprintf(self_token, sizeof self_token, "%d-%02x%02x%02x%02x%02x%02x%02x%02x", (int)getpid(),
             r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
}

const char *pg_self_token(void)
{
    pthread_once(&token_once, make_token);
    return self_token;
}

struct store_listener {
    char *uri;
    store_event_fn fn;
    void *arg;
    pthread_t thread;
    atomic_int stopping;
};

static PGconn *listen_connect(const char *uri)
{
    static const char *const keys[] = {"dbname", "application_name", NULL};
    const char *vals[] = {uri, "skimd-listen", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (c && PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, "LISTEN skimd_jobs");
        int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (ok)
            return c;
    }
    PQfinish(c);
    return NULL;
}

/* Hand every pending notification to the callback. */
static void drain(store_listener *l, PGconn *c)
{
    PGnotify *n;
    while ((n = PQnotifies(c)) != NULL) {
        const char *tok = pg_self_token(), *sp = strchr(n->extra, ' ');
        size_t tl = strlen(tok);
        int own = sp && (size_t)(sp - n->extra) == tl && !strncmp(n->extra, tok, tl);
        int64_t id = sp ? strtoll(sp + 1, NULL, 10) : -1;
        if (!own && id >= 0)
            l->fn(l->arg, id);
        PQfreemem(n);
    }
}

static void *listen_main(void *arg)
{
    store_listener *l = arg;
    PGconn *c = NULL;
    int backoff_ms = 100;
    while (!atomic_load(&l->stopping)) {
        if (!c) {
            if (!(c = listen_connect(l->uri))) {
                struct timespec ts = {backoff_ms / 1000, (backoff_ms % 1000) * 1000000L};
                nanosleep(&ts, NULL);
                backoff_ms = backoff_ms < 2500 ? backoff_ms * 2 : 5000;
                continue;
            }
            backoff_ms = 100;
            l->fn(l->arg, 0);       /* notifications may have been missed */
        }
        struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
        int rc = poll(&p, 1, 250);  /* the stop flag is looked at 4 times a second */
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0 && (!PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK)) {
            PQfinish(c);
            c = NULL;
            continue;
        }
        drain(l, c);
    }
    PQfinish(c);
    return NULL;
}

int store_listen_start(const char *db, store_event_fn fn, void *arg, store_listener **out)
{
    *out = NULL;
    if (!pg_is_uri(db))
        return 0;           /* SQLite: one daemon, its own calls tell it */
    store_listener *l = calloc(1, sizeof *l);
    if (!l || !(l->uri = strdup(db))) {
        free(l);
        return -1;
    }
    l->fn = fn;
    l->arg = arg;
    if (pthread_create(&l->thread, NULL, listen_main, l) != 0) {
        free(l->uri);
        free(l);
        return -1;
    }
    *out = l;
    return 0;
}

void store_listen_stop(store_listener *l)
{
    if (!l)
        return;
    atomic_store(&l->stopping, 1);
    pthread_join(l->thread, NULL);
    free(l->uri);
    free(l);
}
