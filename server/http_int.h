/* http_int.h -- what server/http.c and server/http_park.c share: the
 * request and server structures. Nobody outside server/http*.c sees them. */
#ifndef SKIMD_HTTP_INT_H
#define SKIMD_HTTP_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "server/http.h"
#include "server/ratelimit.h"

#define MAX_REPLY_HEADERS 8

typedef void (*handler_fn)(srv_request *r);

typedef struct route_method {
    const char *method;
    handler_fn fn;
    int write;                       /* needs the API key when keys are set */
} route_method;

/* How a route takes its body, when not whole and capped by
 * --max-body-bytes (http.c, body_rules). */
enum { BODY_WHOLE = 0, BODY_BATCH, BODY_STREAM };
typedef struct body_rule {
    const char *path;                /* the route's path (no {id}) */
    const char *method;
    int kind;                        /* BODY_BATCH: whole, capped by --max-batch-bytes;
                                      * BODY_STREAM: handed to `body` as it arrives */
    srv_body_fn body;
} body_rule;

typedef struct route {
    const char *prefix;              /* path before {id}, or the whole path */
    const char *suffix;              /* after {id}; NULL = no {id} */
    const char *name;                /* metrics label */
    const char *allow;               /* the Allow header */
    route_method methods[3];
} route;


/* A TCP connection, tracked so that one trickling its headers byte by
 * byte (slowloris) is cut off after the connection timeout: libmicrohttpd's
 * own timeout only counts idle time. */
typedef struct conn_track {
    int fd;
    /* Written by the connection's thread without the lock (started
     * first), read by the timer under it; the list links need the lock. */
    atomic_llong started_us;         /* when the current request began */
    atomic_int in_request;           /* headers complete: the handler runs */
    int cut;                         /* already shut down; timer only */
    struct conn_track *next;
} conn_track;

struct srv_http {
    struct MHD_Daemon *daemon;
    conn_track *conns;               /* guarded by lock */
    const srv_app *app;
    pthread_mutex_t lock;            /* guards waiters and stopping */
    pthread_cond_t tick;
    srv_request *waiters;            /* parked ?wait= requests */
    int stopping;
    pthread_t timer;
    int timer_started;
    srv_ratelimit *limiter;          /* NULL = no per-client rate limit */
    atomic_int live_requests;        /* allocated and not yet completed */
    int quiesced;                   /* the listening socket is closed (main thread) */
};

typedef struct reply_header {
    char *name;
    char *value;
} reply_header;

struct srv_request {
    struct MHD_Connection *conn;
    srv_http *http;
    const char *method;              /* borrowed from MHD */
    const char *path;                /* borrowed from MHD, decoded */
    char *param;                     /* the {id} segment, malloc'd */
    const route *route;
    const char *route_name;          /* metrics label */
    char *body;                      /* NUL-terminated, at most max_body_bytes */
    size_t body_len;
    size_t body_cap;
    int body_too_large;              /* the body passed the cap: answer 413 */
    const body_rule *body_rule;      /* the route's, or NULL (whole, --max-body-bytes) */
    int stream_checked;              /* BODY_STREAM: the key was checked ... */
    int stream_ok;                   /* ... and pieces go to body_rule->body */
    void *state;                     /* the handler's, see srv_req_set_state */
    void (*state_free)(void *);
    /* a streamed reply (srv_reply_stream) instead of resp */
    srv_stream_fn stream_fn;
    void *stream_cls;
    void (*stream_free)(void *);
    int answered;                    /* a response was queued */
    double started;                  /* monotonic seconds */
    /* the reply being built */
    int status;
    char *resp;                      /* malloc'd body, handed to MHD */
    size_t resp_len;
    const char *resp_type;           /* string literal */
    reply_header headers[MAX_REPLY_HEADERS];
    size_t n_headers;
    int have_reply;
    /* ?wait= parking; next_waiter links srv_http.waiters */
    int wait_requested;
    int64_t wait_id;
    double wait_deadline;
    int resumed;
    srv_request *next_waiter;
};

/* Monotonic seconds. */
double srv_mono_now(void);

/* Connection tracking (http_park.c): libmicrohttpd's connection
 * notification callback, and marking a connection's request as having
 * its headers (in_request 1) or waiting for the next one's (0). */
void srv_conn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                     enum MHD_ConnectionNotificationCode toe);
void srv_conn_track_request(srv_http *h, struct MHD_Connection *conn, int in_request);

/* Parked ?wait= requests (http_park.c): resume those waiting for `id`,
 * or all of them; the timer thread resumes expired waits and cuts
 * slow-header connections every 50 ms until h->stopping. */
void srv_park_resume_id(srv_http *h, int64_t id);
void srv_park_resume_all(srv_http *h);
void *srv_park_timer_main(void *arg);

#endif
