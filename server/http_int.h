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


/* Where a tracked connection's current request is. Moves HEADERS ->
 * BODY (headers complete, the handler's first call) -> HANDLING (body
 * complete or answered) -> HEADERS (completed: the next request's clock).
 * CUT is final: the timer or the shedder closed it. Every move is a
 * compare-and-swap, so a connection is never both answered and cut. */
enum { CT_HEADERS, CT_BODY, CT_HANDLING, CT_CUT };

/* A TCP connection, tracked so that skimd itself enforces the request
 * deadline, the minimum body rate and the connection limit:
 * libmicrohttpd's own timeout only counts idle time, so a client
 * trickling a byte a second would hold its slot for ever. */
typedef struct conn_track {
    int fd;
    /* Written by the connection's thread without the lock, read by the
     * timer and the shedder under it; the list links need the lock. */
    atomic_llong req_us;             /* the current request's clock: accepted or last done */
    atomic_llong body_us;            /* when its headers were complete */
    atomic_llong body_bytes;         /* body bytes received so far */
    atomic_int phase;                /* CT_* */
    atomic_int served;               /* requests completed on this connection */
    atomic_int long_body;            /* a streamed body (POST /import): no whole-request
                                      * deadline, only --min-body-rate */
    struct conn_track *next;
} conn_track;

struct srv_http {
    struct MHD_Daemon *daemon;
    conn_track *conns;               /* guarded by lock */
    unsigned n_conns;                /* length of conns; guarded by lock */
    unsigned n_cut;                  /* of them cut and not yet closed; lock */
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
    int big_body;                /* the body was >= TRIM_AFTER_BODY_BYTES (trim at the end) */
    int body_too_large;              /* the body passed the cap: answer 413 */
    const body_rule *body_rule;      /* the route's, or NULL (whole, --max-body-bytes) */
    int stream_checked;              /* BODY_STREAM: the key was checked ... */
    int stream_ok;                   /* ... and pieces go to body_rule->body */
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
    int64_t wait_id;                 /* the article waited for; -1 = srv_req_wait_until */
    double wait_deadline;
    int (*wait_ended)(void *arg);    /* srv_req_wait_until's end test, or NULL */
    void *wait_arg;
    int resumed;                     /* set by the waker, taken by the next call */
    int was_resumed;                 /* this call follows a wait */
    srv_request *next_waiter;
    void *ctx;                       /* the handler's, across calls */
    void (*ctx_free)(void *ctx);
};

/* Monotonic seconds. */
double srv_mono_now(void);

/* Connection tracking (http_park.c): libmicrohttpd's connection
 * notification callback (which also sheds the oldest unfinished request
 * when a new connection takes the count over --connection-limit), and
 * moving a connection's request from phase `from` to `to` (CT_*):
 * returns 0, or -1 when the connection was cut meanwhile (the caller
 * then drops it, MHD_NO). Untracked connections always succeed. */
void srv_conn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                     enum MHD_ConnectionNotificationCode toe);
int srv_conn_phase(struct MHD_Connection *conn, int from, int to);
/* Count body bytes toward the minimum rate. */
void srv_conn_body_bytes(struct MHD_Connection *conn, size_t n);
/* The current request streams its body (any length, read as it comes):
 * the --request-timeout deadline does not apply to it, the minimum rate
 * does. Until the request is done. */
void srv_conn_long_body(struct MHD_Connection *conn);
/* The request on conn completed: restart the clock for the next one. */
void srv_conn_request_done(struct MHD_Connection *conn);
/* libmicrohttpd's connection limit for ours: room above it for the new
 * connections that make the shedder drop the oldest unfinished ones. */
unsigned srv_conn_hard_limit(unsigned limit);

/* Parked ?wait= requests (http_park.c): resume those waiting for `id`,
 * or all of them; the timer thread resumes expired waits and cuts
 * slow-header connections every 50 ms until h->stopping. */
void srv_park_resume_id(srv_http *h, int64_t id);
void srv_park_resume_req(srv_http *h, const srv_request *r);
void srv_park_resume_all(srv_http *h);
void *srv_park_timer_main(void *arg);

#endif
