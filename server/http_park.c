/* http_park.c -- connections and requests that wait: parked ?wait=
 * requests (suspended connections resumed by job completion or their
 * deadline), and the connection tracking with which skimd itself
 * enforces the whole-request deadline, the minimum body rate, the
 * slow-header cut (slowloris) and, at the connection limit, sheds the
 * oldest unfinished request so that a new client gets in. One timer
 * thread serves both. Does not: parse or answer requests (http.c).
 */
#include "server/http_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

double srv_mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- connection tracking (slow clients) ------------------------- */

/* A body may start slowly: the minimum rate is owed only after this. */
#define BODY_RATE_GRACE_S 5.0

static long long now_us(void)
{
    return (long long)(srv_mono_now() * 1e6);
}

static conn_track *track_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

unsigned srv_conn_hard_limit(unsigned limit)
{
    return limit + limit / 8 + 16;
}

/* A short problem document written straight to the socket, best effort
 * and non-blocking: libmicrohttpd writes nothing on a connection whose
 * request is still arriving, and the phase move to CT_CUT keeps it from
 * starting now. */
static void send_problem(int fd, int status)
{
    const char *reason = status == 408 ? "Request Timeout" : "Service Unavailable";
    const char *slug = status == 408 ? "request-timeout" : "overloaded";
    const char *detail = status == 408
        ? "the request did not arrive in time (--request-timeout, --min-body-rate)"
        : "too many connections: the oldest unfinished request was dropped";
    char body[320], msg[640];
    int bl = snprintf(body, sizeof body,
                      "{\"type\":\"urn:skimd:problem:%s\",\"title\":\"%s\",\"status\":%d,"
                      "\"detail\":\"%s\"}", slug, reason, status, detail);
    if (bl < 0 || (size_t)bl >= sizeof body)
        return;
    int ml = snprintf(msg, sizeof msg,
                      "HTTP/1.1 %d %s\r\nContent-Type: application/problem+json\r\n"
                      "Connection: close\r\nContent-Length: %d\r\n\r\n%s",
                      status, reason, bl, body);
    if (ml < 0 || (size_t)ml >= sizeof msg)
        return;
    (void)send(fd, msg, (size_t)ml, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Cut t if it is still in phase `from`; with status, answer it first.
 * Call with h->lock held. */
static void cut(srv_http *h, conn_track *t, int from, int status)
{
    if (!atomic_compare_exchange_strong(&t->phase, &from, CT_CUT))
        return;
    if (status)
        send_problem(t->fd, status);
    shutdown(t->fd, SHUT_RDWR);      /* libmicrohttpd then closes it */
    h->n_cut++;
}

/* Over the limit: drop the connection whose unfinished request (or idle
 * wait) began first -- a client trickling its request has the oldest
 * clock, a new client the newest. Requests being answered are spared.
 * Call with h->lock held. */
static void shed_oldest(srv_http *h, const conn_track *fresh)
{
    conn_track *victim = NULL;
    long long oldest = 0;
    for (conn_track *t = h->conns; t; t = t->next) {
        int ph = atomic_load(&t->phase);
        long long at = atomic_load(&t->req_us);
        if (t == fresh || (ph != CT_HEADERS && ph != CT_BODY))
            continue;
        if (!victim || at < oldest) {
            victim = t;
            oldest = at;
        }
    }
    if (victim) {
        int ph = atomic_load(&victim->phase);
        int idle = ph == CT_HEADERS && atomic_load(&victim->served) > 0;
        cut(h, victim, ph, idle ? 0 : 503);
    }
}

void srv_conn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                     enum MHD_ConnectionNotificationCode toe)
{
    srv_http *h = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_track *t = calloc(1, sizeof *t);
        if (!t || !ci) {
            free(t);
            return;
        }
        t->fd = ci->connect_fd;
        atomic_store(&t->req_us, now_us());
        atomic_store(&t->phase, CT_HEADERS);
        pthread_mutex_lock(&h->lock);
        t->next = h->conns;
        h->conns = t;
        h->n_conns++;
        if (h->n_conns - h->n_cut > h->app->cfg->conn_limit)
            shed_oldest(h, t);
        pthread_mutex_unlock(&h->lock);
        *socket_context = t;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        conn_track *t = *socket_context;
        pthread_mutex_lock(&h->lock);
        for (conn_track **pp = &h->conns; *pp; pp = &(*pp)->next)
            if (*pp == t) {
                *pp = t->next;
                h->n_conns--;
                if (atomic_load(&t->phase) == CT_CUT)
                    h->n_cut--;
                break;
            }
        pthread_mutex_unlock(&h->lock);
        free(t);
        *socket_context = NULL;
    }
}

int srv_conn_phase(struct MHD_Connection *conn, int from, int to)
{
    conn_track *t = track_of(conn);
    int f = from;
    if (!t)
        return 0;
    if (to == CT_BODY) {             /* the body's clock starts with the move */
        atomic_store(&t->body_bytes, 0);
        atomic_store(&t->body_us, now_us());
    }
    if (atomic_compare_exchange_strong(&t->phase, &f, to))
        return 0;
    return f == CT_CUT ? -1 : 0;
}

void srv_conn_body_bytes(struct MHD_Connection *conn, size_t n)
{
    conn_track *t = track_of(conn);
    if (t)
        atomic_fetch_add(&t->body_bytes, (long long)n);
}

void srv_conn_long_body(struct MHD_Connection *conn)
{
    conn_track *t = track_of(conn);
    if (t)
        atomic_store(&t->long_body, 1);
}

void srv_conn_request_done(struct MHD_Connection *conn)
{
    conn_track *t = track_of(conn);
    if (!t)
        return;
    atomic_store(&t->long_body, 0);
    atomic_store(&t->req_us, now_us());
    atomic_fetch_add(&t->served, 1);
    int p = atomic_load(&t->phase);
    while (p != CT_CUT && !atomic_compare_exchange_weak(&t->phase, &p, CT_HEADERS))
        ;
}

/* The timer's pass: cut requests past the deadline (--request-timeout,
 * headers and body together), headers slower than --connection-timeout
 * (slowloris; also idle keep-alive), and bodies slower than
 * --min-body-rate once the grace is over. */
static void cut_slow(srv_http *h, double now)
{
    const srv_config *cfg = h->app->cfg;
    double idle_limit = (double)cfg->conn_timeout_s;
    double deadline = (double)cfg->request_timeout_s;
    pthread_mutex_lock(&h->lock);
    for (conn_track *t = h->conns; t; t = t->next) {
        int ph = atomic_load(&t->phase);
        double age = now - (double)atomic_load(&t->req_us) / 1e6;
        if (ph == CT_HEADERS && (age > idle_limit || age > deadline)) {
            /* a kept-alive connection between requests closes quietly */
            cut(h, t, CT_HEADERS, atomic_load(&t->served) > 0 ? 0 : 408);
        } else if (ph == CT_BODY) {
            double in_body = now - (double)atomic_load(&t->body_us) / 1e6;
            double owed = cfg->min_body_rate
                              ? BODY_RATE_GRACE_S +
                                    (double)atomic_load(&t->body_bytes) / cfg->min_body_rate
                              : in_body + 1.0;
            if ((age > deadline && !atomic_load(&t->long_body)) || in_body > owed)
                cut(h, t, CT_BODY, 408);
        }
    }
    pthread_mutex_unlock(&h->lock);
}

/* --- waiting -------------------------------------------------------- */

/* Unlink and resume every waiter for which pick() says so. */
static void resume_where(srv_http *h, int (*pick)(const srv_request *, const void *),
                         const void *arg)
{
    pthread_mutex_lock(&h->lock);
    srv_request **pp = &h->waiters;
    while (*pp) {
        srv_request *w = *pp;
        if (pick(w, arg)) {
            *pp = w->next_waiter;
            w->next_waiter = NULL;
            w->resumed = 1;
            MHD_resume_connection(w->conn);
        } else {
            pp = &w->next_waiter;
        }
    }
    pthread_mutex_unlock(&h->lock);
}

static int pick_id(const srv_request *w, const void *arg)
{
    return w->wait_id == *(const int64_t *)arg;
}

static int pick_req(const srv_request *w, const void *arg)
{
    return w == arg;
}

static int pick_expired(const srv_request *w, const void *arg)
{
    return w->wait_deadline <= *(const double *)arg;
}

static int pick_all(const srv_request *w, const void *arg)
{
    (void)w;
    (void)arg;
    return 1;
}


void *srv_park_timer_main(void *arg)
{
    srv_http *h = arg;
    pthread_mutex_lock(&h->lock);
    while (!h->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 50 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&h->tick, &h->lock, &until);
        if (h->stopping)
            break;
        pthread_mutex_unlock(&h->lock);
        double now = srv_mono_now();
        resume_where(h, pick_expired, &now);
        cut_slow(h, now);
        pthread_mutex_lock(&h->lock);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

void srv_park_resume_id(srv_http *h, int64_t id)
{
    resume_where(h, pick_id, &id);
}

void srv_park_resume_req(srv_http *h, const srv_request *r)
{
    resume_where(h, pick_req, r);
}

void srv_park_resume_all(srv_http *h)
{
    resume_where(h, pick_all, NULL);
}
