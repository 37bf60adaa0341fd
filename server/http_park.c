/* http_park.c -- connections and requests that wait: parked ?wait=
 * requests (suspended connections resumed by job completion or their
 * deadline) and the tracking that cuts off clients trickling their
 * headers (slowloris). One timer thread serves both.
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
        atomic_store(&t->started_us, (long long)(srv_mono_now() * 1e6));
        pthread_mutex_lock(&h->lock);
        t->next = h->conns;
        h->conns = t;
        pthread_mutex_unlock(&h->lock);
        *socket_context = t;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        conn_track *t = *socket_context;
        pthread_mutex_lock(&h->lock);
        for (conn_track **pp = &h->conns; *pp; pp = &(*pp)->next)
            if (*pp == t) {
                *pp = t->next;
                break;
            }
        pthread_mutex_unlock(&h->lock);
        free(t);
        *socket_context = NULL;
    }
}

/* Mark the connection's current request as having its headers (or, with
 * in_request 0, as waiting for the next request's). */
void srv_conn_track_request(srv_http *h, struct MHD_Connection *conn, int in_request)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_track *t = ci ? ci->socket_context : NULL;
    (void)h;
    if (!t)
        return;
    atomic_store(&t->started_us, (long long)(srv_mono_now() * 1e6));
    atomic_store(&t->in_request, in_request);
}

/* Cut connections whose request headers took longer than the timeout. */
static void cut_slow_headers(srv_http *h, double now)
{
    double limit = (double)h->app->cfg->conn_timeout_s;
    pthread_mutex_lock(&h->lock);
    for (conn_track *t = h->conns; t; t = t->next)
        if (!atomic_load(&t->in_request) && !t->cut &&
            now - (double)atomic_load(&t->started_us) / 1e6 > limit) {
            shutdown(t->fd, SHUT_RDWR);    /* libmicrohttpd then closes it */
            t->cut = 1;
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
        cut_slow_headers(h, now);
        pthread_mutex_lock(&h->lock);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

void srv_park_resume_id(srv_http *h, int64_t id)
{
    resume_where(h, pick_id, &id);
}

void srv_park_resume_all(srv_http *h)
{
    resume_where(h, pick_all, NULL);
}
