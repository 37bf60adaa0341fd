/* http.h -- HTTP plumbing on libmicrohttpd: requests, replies, routing.
 *
 * A handler (handlers/) receives a srv_request with the method, path,
 * path parameter and the whole body, and answers with one srv_reply_*
 * call. It never touches libmicrohttpd directly. Problem documents
 * (RFC 9457) are built in one place, srv_reply_problem().
 */
#ifndef SKIMD_HTTP_H
#define SKIMD_HTTP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "analyze/analyze.h"
#include "server/config.h"
#include "server/queue.h"
#include "server/feeds.h"
#include "server/webhooks.h"

/* What every handler may use; read-only after start-up. */
typedef struct srv_app {
    const srv_config *cfg;
    const analyze_ctx *actx;        /* actx and queue are swapped on SIGHUP ... */
    srv_queue *queue;
    srv_webhooks *webhooks;         /* notified of outbox writes; may be NULL */
    srv_feeds *feeds;               /* the feed poller, notified of new feeds; may be NULL */
    pthread_rwlock_t *swap_lock;    /* ... under this lock's write side; every handler
                                     * runs under its read side (NULL = never swapped) */
    const char *openapi;            /* the contract, served as is */
    size_t openapi_len;
} srv_app;

typedef struct srv_request srv_request;

/* Request accessors; returned strings are borrowed for the request's life. */
const srv_app *srv_req_app(const srv_request *r);
const char *srv_req_method(const srv_request *r);
const char *srv_req_path(const srv_request *r);
/* The {id} segment of the matched route, or NULL. */
const char *srv_req_param(const srv_request *r);
/* A query-string argument (decoded) or NULL; a key given twice is
 * reported by srv_req_query_repeated(). */
const char *srv_req_query(srv_request *r, const char *key);
const char *srv_req_header(srv_request *r, const char *key);
const char *srv_req_body(const srv_request *r, size_t *len);
/* 1 when this call follows a wait that srv_req_wait() asked for; the
 * article waited for is srv_req_waited_id(). */
int srv_req_resumed(const srv_request *r);
int64_t srv_req_waited_id(const srv_request *r);

/* Replies. Each returns 0, or -1 when out of memory (a 500 is then sent).
 * srv_reply_json steals `body`. */
int srv_reply_json(srv_request *r, int status, json_t *body);
/* A JSON body already written: steals `text` (malloc'd, len bytes; NULL
 * means out of memory and sends a 500), handed to libmicrohttpd as is. */
int srv_reply_json_text(srv_request *r, int status, char *text, size_t len);
int srv_reply_problem(srv_request *r, int status, const char *slug, const char *title,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int srv_reply_text(srv_request *r, int status, const char *content_type,
                   const char *text, size_t len);
int srv_reply_empty(srv_request *r, int status);
/* Add a header to the reply (copied); call after a srv_reply_*. */
int srv_reply_header(srv_request *r, const char *name, const char *value);

/* A streamed body (routes marked BODY_STREAM in http.c): called with each
 * piece as it arrives, after the method and the API key were checked and
 * before the handler. A piece may end anywhere (mid-line, mid-character).
 * Return 0 to go on, or -1 after a srv_reply_*: the rest of the body is
 * read and dropped, and that answer is sent when the body has ended
 * (the handler is then not called). */
typedef int (*srv_body_fn)(srv_request *r, const char *data, size_t n);

/* A streamed reply: fn fills buf (at most max bytes) and returns how
 * many, 0 at the end, or -1 on an error (the connection is then closed,
 * which a chunked reply's reader sees as a truncated body). release(cls)
 * runs when the reply is done or aborted. The status and headers go out
 * before the first call. Steals cls even on failure. */
typedef long (*srv_stream_fn)(void *cls, char *buf, size_t max);
int srv_reply_stream(srv_request *r, int status, const char *content_type, srv_stream_fn fn,
                     void *cls, void (*release)(void *));

/* Park the request until article `id` ends (ready or failed) or `seconds`
 * pass, without holding an HTTP thread; then the handler is called again
 * and srv_req_resumed() is 1. The request body is freed when it parks
 * (a pushed 10 MiB page would otherwise stay for the whole job): the
 * resumed call sees an empty body. */
void srv_req_wait(srv_request *r, int64_t id, double seconds);

/* Park the request until srv_req_wake() or `seconds` pass; `ended(arg)`
 * is asked once right after parking, to catch an end that came first
 * (then the request is woken at once). Used while a name resolves. */
void srv_req_wait_until(srv_request *r, double seconds, int (*ended)(void *arg), void *arg);

/* Wake a request parked by srv_req_wait_until(); any thread. r must not
 * have completed (the handler's ctx_free stops whoever calls this). */
void srv_req_wake(srv_request *r);

/* The handler's own state across calls of one request: ctx is kept
 * until the request completes, then ctx_free(ctx) (may be NULL) runs on
 * it. Setting a new one does not free the old one. */
void srv_req_set_ctx(srv_request *r, void *ctx, void (*ctx_free)(void *ctx));
void *srv_req_ctx(const srv_request *r);

/* Wake requests waiting for article `id` (called by the job workers). */
void srv_http_job_done(int64_t id, void *userdata);

typedef struct srv_http srv_http;

/* Start listening per cfg; app is borrowed and must outlive the server. */
int srv_http_start(srv_http **out, const srv_app *app, char *err, size_t errlen);

/* Stop accepting, resume every waiting request, finish in-flight
 * replies, free. Accepts NULL. */
void srv_http_stop(srv_http *h);

/* Stop accepting connections and close the listening socket; requests
 * in flight and parked go on until srv_http_stop. Accepts NULL. */
void srv_http_quiesce(srv_http *h);

#endif
