/* http.c -- libmicrohttpd daemon, request state, routing, replies.
 *
 * Owns: the MHD daemon (internal polling thread + thread pool), request
 * bodies (accumulated across callbacks into a capped buffer), routing and
 * 404/405, CORS, Bearer auth on writes, problem documents, access logs and
 * request metrics, and the parking of `?wait=` requests (suspended
 * connections, resumed by job completion or a timer thread).
 * Does not: know what any endpoint does (handlers/).
 */
#include "server/http_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "handlers/handlers.h"
#include "server/metrics.h"
#include "server/trim.h"
#include "server/ratelimit.h"
#include "storage/store.h"

#define STOP_GRACE_S 5.0
#define DRAIN_FACTOR 16              /* read and drop bodies up to 16x the cap */
#define PROBLEM_TYPE_PREFIX "urn:skimd:problem:"

/* Each connection's buffer (request line and headers, reply headers):
 * 36 KiB, not 32, on purpose. libmicrohttpd malloc()s a pool of 32 KiB
 * or less, and mmap()s a larger one and munmap()s it when the connection
 * closes (MHD_pool_create in its memorypool.c; seen with strace on
 * 0.9.75). A malloc'd pool comes from the arena of whichever pool thread
 * accepted the connection and stays there after the close, so each
 * thread's arena kept the most connections it had ever held at once: 100
 * keep-alive clients split differently over the 4 threads on every run
 * and RSS grew by ~1.7 MiB per run (41.2 -> 44.9 -> 46.7 -> 48.4 MiB).
 * Mapped, the pool goes back to the kernel at the close and RSS after a
 * run is the same run after run. The price: with a new connection per
 * request, mmap/munmap contend for the address-space lock (30-40 % fewer
 * connections/s at saturation; keep-alive unaffected). docs/memory.md. */
#define CONN_POOL_BYTES ((size_t)(36 * 1024))

static const route routes[] = {
    {"/articles/batch", NULL, "articles_batch", "POST, OPTIONS",
     {{"POST", hdl_articles_batch, 1}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/export", NULL, "export", "GET, HEAD, OPTIONS",
     {{"GET", hdl_export, 0}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/import", NULL, "import", "POST, OPTIONS",
     {{"POST", hdl_import, 1}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/articles", NULL, "articles", "GET, HEAD, POST, OPTIONS",
     {{"GET", hdl_articles_list, 0}, {"POST", hdl_articles_create, 1}, {NULL, NULL, 0}}},
    {"/articles/", "/refresh", "article_refresh", "POST, OPTIONS",
     {{"POST", hdl_article_refresh, 1}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/articles/", "", "article", "GET, HEAD, PATCH, DELETE, OPTIONS",
     {{"GET", hdl_article_get, 0}, {"DELETE", hdl_article_delete, 1},
      {"PATCH", hdl_article_patch, 1}}},
    {"/tags", NULL, "tags", "GET, HEAD, OPTIONS",
     {{"GET", hdl_tags_list, 0}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/webhooks", NULL, "webhooks", "GET, HEAD, POST, OPTIONS",
     {{"GET", hdl_webhooks_list, 0}, {"POST", hdl_webhooks_create, 1}, {NULL, NULL, 0}}},
    {"/webhooks/", "/deliveries", "webhook_deliveries", "GET, HEAD, OPTIONS",
     {{"GET", hdl_webhook_deliveries, 0}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/webhooks/", "", "webhook", "GET, HEAD, DELETE, OPTIONS",
     {{"GET", hdl_webhook_get, 0}, {"DELETE", hdl_webhook_delete, 1}, {NULL, NULL, 0}}},
    {"/feeds", NULL, "feeds", "GET, HEAD, POST, OPTIONS",
     {{"GET", hdl_feeds_list, 0}, {"POST", hdl_feeds_create, 1}, {NULL, NULL, 0}}},
    {"/feeds/", "/poll", "feed_poll", "POST, OPTIONS",
     {{"POST", hdl_feed_poll, 1}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/feeds/", "", "feed", "GET, HEAD, DELETE, OPTIONS",
     {{"GET", hdl_feed_get, 0}, {"DELETE", hdl_feed_delete, 1}, {NULL, NULL, 0}}},
    {"/healthz", NULL, "healthz", "GET, HEAD, OPTIONS",
     {{"GET", hdl_healthz, 0}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/metrics", NULL, "metrics", "GET, HEAD, OPTIONS",
     {{"GET", hdl_metrics, 0}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/openapi.yaml", NULL, "openapi", "GET, HEAD, OPTIONS",
     {{"GET", hdl_openapi, 0}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    /* the web page (handlers/ui.c) */
    {"/", NULL, "ui", "GET, HEAD, OPTIONS",
     {{"GET", hdl_ui_redirect, 0}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/ui", NULL, "ui", "GET, HEAD, OPTIONS",
     {{"GET", hdl_ui_redirect, 0}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/ui/", NULL, "ui", "GET, HEAD, OPTIONS",
     {{"GET", hdl_ui_index, 0}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
    {"/ui/", "", "ui", "GET, HEAD, OPTIONS",
     {{"GET", hdl_ui_file_get, 0}, {NULL, NULL, 0}, {NULL, NULL, 0}}},
};

static const body_rule body_rules[] = {
    {"/articles/batch", "POST", BODY_BATCH, NULL},
    {"/import", "POST", BODY_STREAM, hdl_import_body},
};

/* Query strings larger than these are refused (431) before libmicrohttpd
 * splits them: the API's own take a handful of parameters. */
#define MAX_QUERY_BYTES 8192
/* srv_trim_memory after a request whose body buffer was at least this big */
#define TRIM_AFTER_BODY_BYTES ((size_t)1 << 20)
#define MAX_QUERY_PARAMS 64

/* on_uri's mark, the first *req_cls of a request whose query was cut. */
static char query_too_big;

/* The srv_http the job-done callback reaches (one daemon per process). */
static srv_http *the_http;

/* --- accessors ------------------------------------------------------ */

const srv_app *srv_req_app(const srv_request *r) { return r->http->app; }
const char *srv_req_method(const srv_request *r) { return r->method; }
const char *srv_req_path(const srv_request *r) { return r->path; }
const char *srv_req_param(const srv_request *r) { return r->param; }
int srv_req_resumed(const srv_request *r) { return r->was_resumed; }
void *srv_req_ctx(const srv_request *r) { return r->ctx; }

void srv_req_set_ctx(srv_request *r, void *ctx, void (*ctx_free)(void *ctx))
{
    r->ctx = ctx;
    r->ctx_free = ctx_free;
}
int64_t srv_req_waited_id(const srv_request *r) { return r->wait_id; }

const char *srv_req_query(srv_request *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *srv_req_header(srv_request *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, key);
}

const char *srv_req_body(const srv_request *r, size_t *len)
{
    if (len)
        *len = r->body_len;
    return r->body ? r->body : "";
}


/* --- replies -------------------------------------------------------- */

static void reply_clear(srv_request *r)
{
    if (r->stream_free)
        r->stream_free(r->stream_cls);
    r->stream_fn = NULL;
    r->stream_cls = NULL;
    r->stream_free = NULL;
    free(r->resp);
    r->resp = NULL;
    r->resp_len = 0;
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    r->n_headers = 0;
    r->have_reply = 0;
}

static int reply_set(srv_request *r, int status, const char *type, char *body, size_t len)
{
    reply_clear(r);
    r->status = status;
    r->resp_type = type;
    r->resp = body;
    r->resp_len = len;
    r->have_reply = 1;
    return 0;
}

int srv_reply_json_text(srv_request *r, int status, char *text, size_t len)
{
    if (!text) {
        static const char oom[] = "{\"type\":\"" PROBLEM_TYPE_PREFIX "internal\","
                                  "\"title\":\"Internal error\",\"status\":500,"
                                  "\"detail\":\"out of memory\"}";
        char *copy = strdup(oom);
        reply_set(r, 500, "application/problem+json", copy, copy ? strlen(copy) : 0);
        return -1;
    }
    return reply_set(r, status, "application/json; charset=utf-8", text, len);
}

int srv_reply_json(srv_request *r, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(body);
    return srv_reply_json_text(r, status, text, text ? strlen(text) : 0);
}

int srv_reply_problem(srv_request *r, int status, const char *slug, const char *title,
                      const char *fmt, ...)
{
    char detail[512], type[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(type, sizeof type, PROBLEM_TYPE_PREFIX "%s", slug);
    json_t *doc = json_object();
    if (doc) {
        json_object_set_new(doc, "type", json_string(type));
        json_object_set_new(doc, "title", json_string(title));
        json_object_set_new(doc, "status", json_integer(status));
        /* detail may quote client bytes: keep it valid UTF-8 */
        json_t *d = json_string(detail);
        json_object_set_new(doc, "detail", d ? d : json_string("the request is invalid"));
        json_t *inst = r->path ? json_string(r->path) : NULL;
        if (inst)
            json_object_set_new(doc, "instance", inst);
    }
    int rc = srv_reply_json(r, status, doc);
    r->resp_type = "application/problem+json";
    return rc;
}

int srv_reply_text(srv_request *r, int status, const char *content_type,
                   const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return srv_reply_json(r, 500, NULL);
    memcpy(copy, text, len);
    copy[len] = '\0';
    return reply_set(r, status, content_type, copy, len);
}

int srv_reply_stream(srv_request *r, int status, const char *content_type, srv_stream_fn fn,
                     void *cls, void (*release)(void *))
{
    reply_set(r, status, content_type, NULL, 0);
    r->stream_fn = fn;
    r->stream_cls = cls;
    r->stream_free = release;
    return 0;
}

int srv_reply_empty(srv_request *r, int status)
{
    return reply_set(r, status, NULL, NULL, 0);
}

int srv_reply_header(srv_request *r, const char *name, const char *value)
{
    if (r->n_headers >= MAX_REPLY_HEADERS)
        return -1;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return -1;
    }
    r->headers[r->n_headers].name = n;
    r->headers[r->n_headers].value = v;
    r->n_headers++;
    return 0;
}

void srv_req_wait(srv_request *r, int64_t id, double seconds)
{
    r->wait_requested = 1;
    r->wait_id = id;
    r->wait_deadline = srv_mono_now() + seconds;
    r->wait_ended = NULL;
}

void srv_req_wait_until(srv_request *r, double seconds, int (*ended)(void *arg), void *arg)
{
    srv_req_wait(r, -1, seconds);
    r->wait_ended = ended;
    r->wait_arg = arg;
}

void srv_req_wake(srv_request *r)
{
    srv_park_resume_req(r->http, r);
}

/* --- waiting ----------------------------------------------------- */

void srv_http_job_done(int64_t id, void *userdata)
{
    srv_http *h = userdata ? userdata : the_http;
    if (h)
        srv_park_resume_id(h, id);
}

/* --- the request cycle ---------------------------------------------- */

static const char *match_route(srv_request *r)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const route *rt = &routes[i];
        size_t pl = strlen(rt->prefix);
        if (!rt->suffix) {
            if (!strcmp(r->path, rt->prefix)) {
                r->route = rt;
                return rt->name;
            }
            continue;
        }
        if (strncmp(r->path, rt->prefix, pl) != 0)
            continue;
        const char *seg = r->path + pl;
        const char *slash = strchr(seg, '/');
        size_t sl = slash ? (size_t)(slash - seg) : strlen(seg);
        if (sl == 0 || strcmp(seg + sl, rt->suffix) != 0)
            continue;
        r->param = strndup(seg, sl);
        r->route = rt;
        return rt->name;
    }
    return "other";
}

static int origin_allowed(srv_request *r, const char **origin)
{
    const srv_config *cfg = r->http->app->cfg;
    *origin = srv_req_header(r, "Origin");
    if (!*origin)
        return 0;
    for (size_t i = 0; i < cfg->n_cors_origins; i++)
        if (!strcmp(cfg->cors_origins[i], *origin))
            return 1;
    return 0;
}

/* Constant-time comparison: the time taken does not depend on where the
 * first difference is. */
static int key_equal(const char *given, size_t given_len, const char *key)
{
    size_t kl = strlen(key);
    unsigned char diff = (unsigned char)(given_len != kl);
    for (size_t i = 0; i < kl; i++)
        diff |= (unsigned char)(key[i] ^ (i < given_len ? given[i] : 0));
    return diff == 0;
}

static int authorized(srv_request *r)
{
    const srv_config *cfg = r->http->app->cfg;
    const char *auth;
    int ok = 0;
    if (cfg->n_api_keys == 0)
        return 1;
    auth = srv_req_header(r, "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
        return 0;
    auth += 7;
    while (*auth == ' ')
        auth++;
    size_t n = strlen(auth);
    for (size_t i = 0; i < cfg->n_api_keys; i++)
        ok |= key_equal(auth, n, cfg->api_keys[i]);
    return ok;
}

/* The route's entry for the request's method (HEAD takes GET's), or NULL. */
static const route_method *find_method(const srv_request *r)
{
    const route_method *rm = NULL;
    if (!r->route)
        return NULL;
    for (int i = 0; i < 3 && r->route->methods[i].method; i++) {
        const char *want = r->route->methods[i].method;
        if (!strcmp(r->method, want) || (!strcmp(r->method, "HEAD") && !strcmp(want, "GET")))
            rm = &r->route->methods[i];
    }
    return rm;
}

static const body_rule *find_body_rule(const srv_request *r)
{
    if (!r->route || r->route->suffix)
        return NULL;
    for (size_t i = 0; i < sizeof body_rules / sizeof body_rules[0]; i++)
        if (!strcmp(body_rules[i].path, r->route->prefix) &&
            !strcmp(body_rules[i].method, r->method))
            return &body_rules[i];
    return NULL;
}

static int body_streamed(const srv_request *r)
{
    return r->body_rule && r->body_rule->kind == BODY_STREAM;
}

/* The body cap of the request's route (a streamed body has none: its
 * handler caps what it keeps). */
static size_t body_cap(const srv_request *r)
{
    const srv_config *cfg = r->http->app->cfg;
    return r->body_rule && r->body_rule->kind == BODY_BATCH ? cfg->max_batch_bytes
                                                            : cfg->max_body_bytes;
}

static void reply_unauthorized(srv_request *r)
{
    srv_reply_problem(r, 401, "unauthorized", "Unauthorized",
                      "this write needs 'Authorization: Bearer <key>' with a valid key");
    srv_reply_header(r, "WWW-Authenticate", "Bearer realm=\"skimd\"");
}

static void dispatch(srv_request *r)
{
    const char *m = r->method;
    if (!r->route) {
        srv_reply_problem(r, 404, "not-found", "Not found", "no resource at %.200s", r->path);
        return;
    }
    if (!strcmp(m, "OPTIONS")) {
        const char *origin;
        srv_reply_empty(r, 204);
        srv_reply_header(r, "Allow", r->route->allow);
        if (origin_allowed(r, &origin)) {
            srv_reply_header(r, "Access-Control-Allow-Methods", r->route->allow);
            srv_reply_header(r, "Access-Control-Allow-Headers", "Content-Type, Authorization");
            srv_reply_header(r, "Access-Control-Max-Age", "600");
        }
        return;
    }
    const route_method *rm = find_method(r);
    if (!rm) {
        srv_reply_problem(r, 405, "method-not-allowed", "Method not allowed",
                          "%.16s is not allowed on %.200s; allowed: %s", m, r->path,
                          r->route->allow);
        srv_reply_header(r, "Allow", r->route->allow);
        return;
    }
    if (rm->write && !authorized(r)) {
        reply_unauthorized(r);
        return;
    }
    if (r->body_too_large) {
        srv_reply_problem(r, 413, "body-too-large", "Request body too large",
                          "the request body is larger than %zu bytes", body_cap(r));
        return;
    }
    rm->fn(r);
    if (!r->have_reply && !r->wait_requested)
        srv_reply_problem(r, 500, "internal", "Internal error", "the handler gave no answer");
}

/* Write the whole line, retrying short writes: one write(2) in the usual
 * case, so lines from several threads do not interleave. */
static void write_line(const char *line, size_t len)
{
    while (len > 0) {
        ssize_t w = write(STDERR_FILENO, line, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        line += w;
        len -= (size_t)w;
    }
}

/* Decimal digits of v at p (room for 20); returns how many. */
static size_t put_uint(char *p, unsigned long long v)
{
    char t[20];
    size_t n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < sizeof t);
    for (size_t i = 0; i < n; i++)
        p[i] = t[n - 1 - i];
    return n;
}

/* The access-log line; `ms` truncated to microseconds, written as a JSON
 * number without trailing zeros ("0.125", "3.0"). */
static void log_line(store_jbuf *b, srv_request *r, double ms)
{
    static const char ev[] = "{\"event\":\"request\",\"method\":";
    char tail[96];
    size_t n = 0;
    const char *m = r->method ? r->method : "";
    const char *path = r->path ? r->path : "";
    store_jbuf_add(b, ev, sizeof ev - 1);
    if (store_json_string(b, m, strlen(m)) != 0)
        store_jbuf_add(b, "\"\"", 2);
    store_jbuf_add(b, ",\"path\":", 8);
    if (store_json_string(b, path, strlen(path)) != 0)
        store_jbuf_add(b, "\"(not utf-8)\"", 13);
    unsigned long long us = ms > 0 && ms < 1e15 ? (unsigned long long)(ms * 1000.0) : 0;
    unsigned frac = (unsigned)(us % 1000);
    memcpy(tail + n, ",\"status\":", 10);
    n += 10;
    if (r->status < 0)
        tail[n++] = '-';
    n += put_uint(tail + n, (unsigned long long)(r->status < 0 ? -(long long)r->status
                                                                : r->status));
    memcpy(tail + n, ",\"ms\":", 6);
    n += 6;
    n += put_uint(tail + n, us / 1000);
    tail[n++] = '.';
    tail[n++] = (char)('0' + frac / 100);
    if (frac % 100) {
        tail[n++] = (char)('0' + frac / 10 % 10);
        if (frac % 10)
            tail[n++] = (char)('0' + frac % 10);
    }
    tail[n++] = '}';
    tail[n++] = '\n';
    store_jbuf_add(b, tail, n);
}

/* One JSON line per request, built on the stack (the heap only for a
 * path too long for it). */
static void log_request(srv_request *r, double ms)
{
    char mem[2048];
    store_jbuf b;
    store_jbuf_fixed(&b, mem, sizeof mem);
    log_line(&b, r, ms);
    if (!b.failed) {
        write_line(b.data, b.len);
        return;
    }
    memset(&b, 0, sizeof b);
    log_line(&b, r, ms);
    if (!b.failed)
        write_line(b.data, b.len);
    store_jbuf_free(&b);
}

/* A streamed reply handed to libmicrohttpd, which owns it from then on. */
typedef struct stream_reply {
    srv_stream_fn fn;
    void *cls;
    void (*release)(void *);
} stream_reply;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream_reply *sr = cls;
    (void)pos;
    long n = sr->fn(sr->cls, buf, max);
    if (n > 0)
        return (ssize_t)n;
    return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void stream_release(void *cls)
{
    stream_reply *sr = cls;
    if (sr->release)
        sr->release(sr->cls);
    free(sr);
}

static struct MHD_Response *stream_response(srv_request *r)
{
    stream_reply *sr = malloc(sizeof *sr);
    if (!sr)
        return NULL;
    *sr = (stream_reply){r->stream_fn, r->stream_cls, r->stream_free};
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, sr,
                                          stream_release);
    if (!resp) {
        free(sr);
        return NULL;
    }
    r->stream_fn = NULL;            /* owned by the response now */
    r->stream_cls = NULL;
    r->stream_free = NULL;
    return resp;
}

static enum MHD_Result send_reply(srv_request *r)
{
    struct MHD_Response *resp;
    const char *origin;
    enum MHD_Result ret;

    if (!r->have_reply)
        srv_reply_problem(r, 500, "internal", "Internal error", "no answer was produced");
    if (r->stream_fn) {
        resp = stream_response(r);
    } else {
        resp = MHD_create_response_from_buffer_with_free_callback(r->resp_len, r->resp, free);
        if (resp)
            r->resp = NULL;         /* owned by the response now */
    }
    if (!resp)
        return MHD_NO;
    if (r->resp_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->resp_type);
    for (size_t i = 0; i < r->n_headers; i++)
        MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
    if (r->http->app->cfg->n_cors_origins > 0) {
        MHD_add_response_header(resp, "Vary", "Origin");
        if (origin_allowed(r, &origin)) {
            MHD_add_response_header(resp, "Access-Control-Allow-Origin", origin);
            MHD_add_response_header(resp, "Access-Control-Expose-Headers", "Location");
        }
    }
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (srv_conn_phase(r->conn, CT_BODY, CT_HANDLING) != 0) {
        MHD_destroy_response(resp);  /* cut by the deadline meanwhile */
        return MHD_NO;
    }
    ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    r->answered = 1;
    double secs = srv_mono_now() - r->started;
    srv_metrics_request(r->route_name, r->status, secs);
    log_request(r, secs * 1000.0);
    return ret;
}

/* Free the body before a long park; after a big one, the connection's
 * copy of it (bound to the insert that stored the page) and the free
 * pages go too, so a parked ?wait= holds no page while the job runs. */
static void drop_body(srv_request *r, store *st)
{
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
    r->body_cap = 0;
    if (r->big_body) {
        store_shed_memory(st);
        srv_trim_memory();
    }
}

static int body_append(srv_request *r, const char *data, size_t n, size_t cap)
{
    if (r->body_too_large)
        return 0;
    if (r->body_len + n > cap) {
        r->body_too_large = 1;
        free(r->body);
        r->body = NULL;
        r->body_len = 0;
        return 0;
    }
    if (r->body_len + n + 1 > r->body_cap) {
        size_t nc = r->body_cap ? r->body_cap * 2 : 4096;
        while (nc < r->body_len + n + 1)
            nc *= 2;
        if (nc > cap + 1)
            nc = cap + 1;
        char *nb = realloc(r->body, nc);
        if (!nb)
            return -1;
        r->body = nb;
        r->body_cap = nc;
        r->big_body |= nc >= TRIM_AFTER_BODY_BYTES;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return 0;
}

/* A transfer coding we do not read ("gzip, chunked", "xchunked") would
 * leave libmicrohttpd reading the body until the client closes; a query
 * string too large for the connection's pool (on_uri) would leave it
 * without room to answer. Both are answered here, on the first call,
 * and the connection closed. Returns 1 when a reply was set. */
static int refuse_framing(srv_request *r, int query_cut)
{
    const char *te = srv_req_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (query_cut) {
        srv_reply_problem(r, 431, "request-too-large", "Request header fields too large",
                          "the query string is over %d bytes or %d parameters",
                          MAX_QUERY_BYTES, MAX_QUERY_PARAMS);
    } else if (te && strcasecmp(te, "chunked") != 0) {
        srv_reply_problem(r, 501, "unsupported-transfer-coding",
                          "Transfer coding not implemented",
                          "only 'Transfer-Encoding: chunked' is read");
    } else if (te && srv_req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        srv_reply_problem(r, 400, "invalid-framing", "Invalid message framing",
                          "Transfer-Encoding and Content-Length together");
    } else {
        return 0;
    }
    srv_reply_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    return 1;
}

/* libmicrohttpd calls this with the raw request target before it splits
 * the query string into its connection pool (about 56 bytes a
 * parameter): a few thousand parameters exhaust the pool, and then it
 * has no room left to send its own 431 and the client waits for the
 * idle timeout. An oversized query is cut off here -- the target is the
 * connection's read buffer, writable; libmicrohttpd then parses an empty
 * query -- and the returned mark makes on_request answer 431. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    char *q = uri ? strchr(uri, '?') : NULL;
    if (!q)
        return NULL;
    size_t len = strlen(q + 1), params = 1;
    for (const char *p = q + 1; *p; p++)
        params += *p == '&' || *p == ';';
    if (len <= MAX_QUERY_BYTES && params <= MAX_QUERY_PARAMS)
        return NULL;
    q[1] = '\0';
    return (void *)&query_too_big;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    srv_http *h = cls;
    srv_request *r = *req_cls;
    (void)version;

    if (!r || r == (void *)&query_too_big) {
        int too_big = r != NULL;
        *req_cls = NULL;
        if (srv_conn_phase(conn, CT_HEADERS, CT_BODY) != 0)
            return MHD_NO;           /* cut by the deadline meanwhile */
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        atomic_fetch_add(&h->live_requests, 1);
        r->conn = conn;
        r->http = h;
        r->method = method;
        r->path = url;
        r->started = srv_mono_now();
        r->status = 500;
        r->route_name = match_route(r);
        r->body_rule = find_body_rule(r);
        *req_cls = r;
        if (refuse_framing(r, too_big))
            return send_reply(r);
        /* Health checks and scrapes are never rate limited. */
        if (h->limiter && strcmp(url, "/healthz") != 0 && strcmp(url, "/metrics") != 0) {
            const union MHD_ConnectionInfo *ci =
                MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
            unsigned wait = srv_ratelimit_take(h->limiter, ci ? ci->client_addr : NULL,
                                               r->started);
            if (wait > 0) {
                char secs[16];
                snprintf(secs, sizeof secs, "%u", wait);
                srv_reply_problem(r, 429, "rate-limited", "Too many requests",
                                  "more than %u requests per second from this client; "
                                  "retry after %u s", h->app->cfg->rate_limit, wait);
                srv_reply_header(r, "Retry-After", secs);
                return send_reply(r);
            }
        }
        /* A declared oversized body: a modest excess is read and thrown
         * away, then answered 413 -- closing on a client that is still
         * sending makes its kernel drop our answer (RST). An absurd one
         * is answered at once and the connection closed. */
        size_t cap = body_cap(r);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        long declared;
        if (body_streamed(r)) {
            cl = NULL;              /* no cap: the handler keeps only a line */
            srv_conn_long_body(conn);
        }
        if (cl && (srv_parse_long(cl, 0, 0x7fffffffffffffffL, &declared) != 0 ||
                   (size_t)declared > cap)) {
            r->body_too_large = 1;
            if (srv_parse_long(cl, 0, 0x7fffffffffffffffL, &declared) != 0 ||
                (size_t)declared > DRAIN_FACTOR * cap) {
                srv_reply_problem(r, 413, "body-too-large", "Request body too large",
                                  "the request body is larger than %zu bytes", cap);
                return send_reply(r);
            }
        }
        return MHD_YES;
    }
    if (r->answered) {
        *upload_data_size = 0;       /* discard the rest of a refused body */
        return MHD_YES;
    }
    if (*upload_data_size && body_streamed(r)) {
        /* pieces go to the route's body function once the key is known
         * good; after a refusal (or the function's own answer) the rest
         * is read and dropped, and the answer goes out at the end: one
         * sent while the client is still sending would be lost (RST) */
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        srv_conn_body_bytes(conn, n);
        if (!r->stream_checked) {
            const route_method *rm = find_method(r);
            r->stream_ok = !(rm && rm->write && !authorized(r));
            r->stream_checked = 1;
        }
        if (r->stream_ok && !r->have_reply)
            r->body_rule->body(r, upload_data, n);
        return MHD_YES;
    }
    if (*upload_data_size) {
        srv_conn_body_bytes(conn, *upload_data_size);
        if (body_append(r, upload_data, *upload_data_size, body_cap(r)) != 0)
            return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (srv_conn_phase(conn, CT_BODY, CT_HANDLING) != 0)
        return MHD_NO;               /* cut by the deadline meanwhile */
    /* First pass, or the pass after a parked wait ended: either way the
     * handler runs and, on the first pass only, may ask to wait. */
    if (body_streamed(r) && r->have_reply)
        return send_reply(r);        /* the body function answered */
    r->wait_requested = 0;
    r->was_resumed = r->resumed;
    r->resumed = 0;
    if (h->app->swap_lock)
        pthread_rwlock_rdlock(h->app->swap_lock);
    dispatch(r);
    if (h->app->swap_lock)
        pthread_rwlock_unlock(h->app->swap_lock);
    if (r->wait_requested) {
        store *st = store_for_thread();
        if (r->wait_id >= 0 && !r->wait_ended)
            drop_body(r, st);        /* a job wait: the next pass reads no body */
        MHD_suspend_connection(conn);
        pthread_mutex_lock(&h->lock);
        int stopping = h->stopping;
        if (!stopping) {
            r->next_waiter = h->waiters;
            h->waiters = r;
        }
        pthread_mutex_unlock(&h->lock);
        if (stopping) {
            r->resumed = 1;
            MHD_resume_connection(conn);
        } else if (r->wait_ended ? r->wait_ended(r->wait_arg)
                                 : (!st ||
                                    store_article_job_pending(st, r->wait_id, NULL) != STORE_OK)) {
            /* it ended before we parked: wake now */
            srv_park_resume_req(h, r);
        }
        return MHD_YES;
    }
    return send_reply(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    srv_http *h = cls;
    srv_request *r = *req_cls;
    (void)toe;
    srv_conn_request_done(conn);                /* keep-alive: the next one's clock */
    if (!r || r == (void *)&query_too_big)
        return;
    atomic_fetch_sub(&h->live_requests, 1);
    if (r->ctx_free)
        r->ctx_free(r->ctx);
    int big = r->big_body;
    reply_clear(r);
    free(r->param);
    free(r->body);
    free(r);
    *req_cls = NULL;
    if (big) {                       /* a big pushed page: give its pages back */
        store_shed_memory(store_for_thread());   /* the page bound to the insert */
        srv_trim_memory();
    }
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* libmicrohttpd's messages per second that reach the log; the rest are
 * counted and reported once the second is over. A flood of refused
 * connections (one message each) once filled the stderr pipe, and a
 * pool thread blocked in write(2) stopped serving everyone (issue 12). */
#define HTTPD_LOG_PER_SECOND 20

/* 1 when this message may be logged now; *dropped receives how many
 * were held back in the second that just ended (logged first). */
static int httpd_log_admit(long *dropped)
{
    static atomic_llong second;
    static atomic_int in_second, held;
    long long now = (long long)srv_mono_now();
    long long was = atomic_load(&second);
    *dropped = 0;
    if (now != was && atomic_compare_exchange_strong(&second, &was, now)) {
        atomic_store(&in_second, 0);
        *dropped = atomic_exchange(&held, 0);
    }
    if (atomic_fetch_add(&in_second, 1) < HTTPD_LOG_PER_SECOND)
        return 1;
    atomic_fetch_add(&held, 1);
    return 0;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    long dropped;
    (void)cls;
    int admit = httpd_log_admit(&dropped);
    if (dropped > 0) {
        char line[128];
        int n = snprintf(line, sizeof line,
                         "{\"event\":\"httpd\",\"message\":\"%ld messages not logged "
                         "(over %d a second)\"}\n", dropped, HTTPD_LOG_PER_SECOND);
        if (n > 0 && (size_t)n < sizeof line)
            write_line(line, (size_t)n);
    }
    if (!admit)
        return;
    char mem[sizeof msg * 6 + 64];   /* the message escaped, at worst */
    store_jbuf b;
    static const char head[] = "{\"event\":\"httpd\",\"message\":";
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    /* built on the stack and written whole: a flood of refused
     * connections logs one line each, cheaply */
    store_jbuf_fixed(&b, mem, sizeof mem);
    store_jbuf_add(&b, head, sizeof head - 1);
    if (store_json_string(&b, msg, strlen(msg)) != 0)
        store_jbuf_add(&b, "\"(not utf-8)\"", 13);
    store_jbuf_add(&b, "}\n", 2);
    if (!b.failed)
        write_line(b.data, b.len);
}

/* Percent-decoding that keeps %00 as it is: a NUL would cut "1%00" to
 * "1" behind the handler's back; kept encoded, the validators refuse it. */
static size_t on_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    size_t r = 0, w = 0;
    (void)cls;
    (void)conn;
    while (s[r]) {
        if (s[r] == '%' && isxdigit((unsigned char)s[r + 1]) &&
            isxdigit((unsigned char)s[r + 2]) && !(s[r + 1] == '0' && s[r + 2] == '0')) {
            char hex[3] = {s[r + 1], s[r + 2], '\0'};
            s[w++] = (char)strtol(hex, NULL, 16);
            r += 3;
        } else {
            s[w++] = s[r++];
        }
    }
    s[w] = '\0';
    return w;
}

/* Room for every connection libmicrohttpd may hold, plus the database,
 * the fetches and the logs: a soft limit of 1024 descriptors (the usual
 * default) is below the default --connection-limit's 1168, and accept()
 * would fail with EMFILE before the shedder could make room. Raised up to
 * the hard limit; a lower hard limit is logged. */
static void raise_fd_limit(unsigned conns)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)conns + 256;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want) {
        char line[160];
        int n = snprintf(line, sizeof line,
                         "{\"event\":\"warning\",\"detail\":\"open-file limit %llu is below "
                         "the %llu descriptors --connection-limit may need\"}\n",
                         (unsigned long long)rl.rlim_cur, (unsigned long long)want);
        if (n > 0 && (size_t)n < sizeof line)
            write_line(line, (size_t)n);
    }
}

int srv_http_start(srv_http **out, const srv_app *app, char *err, size_t errlen)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    const struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    srv_http *h;

    if (!out || !app || !app->cfg)
        return -1;
    memset(&sin, 0, sizeof sin);
    memset(&sin6, 0, sizeof sin6);
    if (inet_pton(AF_INET, app->cfg->listen_host, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons(app->cfg->listen_port);
        sa = (const struct sockaddr *)&sin;
    } else if (inet_pton(AF_INET6, app->cfg->listen_host, &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(app->cfg->listen_port);
        sa = (const struct sockaddr *)&sin6;
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, errlen, "--listen wants a numeric address, got '%s'",
                 app->cfg->listen_host);
        return -1;
    }
    h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    h->app = app;
    h->limiter = srv_ratelimit_new(app->cfg->rate_limit, app->cfg->rate_limit * 2);
    raise_fd_limit(srv_conn_hard_limit(app->cfg->conn_limit));
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->tick, NULL);
    if (pthread_create(&h->timer, NULL, srv_park_timer_main, h) != 0) {
        snprintf(err, errlen, "cannot start the wait timer");
        srv_http_stop(h);
        return -1;
    }
    h->timer_started = 1;
    h->daemon = MHD_start_daemon(
        flags, app->cfg->listen_port, NULL, NULL, on_request, h,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg->http_threads,
        MHD_OPTION_CONNECTION_LIMIT, srv_conn_hard_limit(app->cfg->conn_limit),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, app->cfg->per_ip_conn_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, app->cfg->conn_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_POOL_BYTES,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_NOTIFY_CONNECTION, srv_conn_notify, h,
        MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, NULL,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_END);
    if (!h->daemon) {
        snprintf(err, errlen, "cannot listen on %s:%u (in use, or not an address of this host)",
                 app->cfg->listen_host, (unsigned)app->cfg->listen_port);
        srv_http_stop(h);
        return -1;
    }
    the_http = h;
    *out = h;
    return 0;
}

void srv_http_quiesce(srv_http *h)
{
    if (!h || !h->daemon || h->quiesced)
        return;
    MHD_socket fd = MHD_quiesce_daemon(h->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);          /* libmicrohttpd hands it over and never closes it */
    h->quiesced = 1;
}

void srv_http_stop(srv_http *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    h->stopping = 1;
    pthread_cond_broadcast(&h->tick);
    pthread_mutex_unlock(&h->lock);
    if (h->timer_started)
        pthread_join(h->timer, NULL);
    if (h->daemon) {
        /* Stop accepting; parked requests answer now with what is known;
         * give in-flight answers up to STOP_GRACE_S to go out. */
        srv_http_quiesce(h);
        srv_park_resume_all(h);
        double until = srv_mono_now() + STOP_GRACE_S;
        while (atomic_load(&h->live_requests) > 0 && srv_mono_now() < until) {
            struct timespec pause = {0, 10 * 1000000L};
            nanosleep(&pause, NULL);
        }
        MHD_stop_daemon(h->daemon);
    }
    if (the_http == h)
        the_http = NULL;
    pthread_cond_destroy(&h->tick);
    pthread_mutex_destroy(&h->lock);
    srv_ratelimit_free(h->limiter);
    free(h);
}
