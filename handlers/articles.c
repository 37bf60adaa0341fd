/* articles.c -- the /articles resource: submit, read, list, delete, refresh.
 *
 * Owns the request rules of the contract (DESIGN.md, "API contract"):
 * which parameters exist, their ranges, and which status each outcome
 * gets. Storage does the work; ingest/ normalises URLs and checks them
 * against the SSRF guard before anything is stored.
 */
#include "handlers/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers/validate.h"
#include "ingest/fetch.h"
#include "ingest/resolve.h"
#include "ingest/url.h"
#include "server/version.h"
#include "storage/health.h"
#include "storage/store.h"

#define MAX_WAIT_SECONDS 60
#define MAX_QUERY_CHARS 256
#define MAX_RESOLVED_TAGS HDL_MAX_RESOLVED_TAGS

/* Declared in handlers.h: the thread's store, or a 503 sent. */
store *hdl_store_or_reply(srv_request *r)
{
    store *st = store_for_thread();
    if (!st)
        srv_reply_problem(r, 503, "unavailable", "Service unavailable",
                          "the database cannot be opened");
    return st;
}

/* Declared in handlers.h. A failed store call: 503 when it may pass (busy, disk full, I/O), 500
 * otherwise; either way the request changed nothing. */
void hdl_reply_store_error(srv_request *r, store_rc rc)
{
    if (rc == STORE_BUSY) {
        srv_reply_problem(r, 503, "unavailable", "Service unavailable",
                          "the database cannot take the write now (busy, full or failing); "
                          "the request changed nothing, try again later");
        srv_reply_header(r, "Retry-After", "5");
        return;
    }
    srv_reply_problem(r, 500, "internal", "Internal error",
                      "the database failed; the request changed nothing");
}

/* Declared in handlers.h. 0 when the database can be trusted with a write (storage/health.h);
 * otherwise a 503 is sent and -1 returned. Called before a write, and
 * again before acknowledging one: a write that went to a removed file
 * is never answered as stored. */
int hdl_writable_or_reply(srv_request *r)
{
    char why[512];
    if (store_health_check(why, sizeof why) == 0)
        return 0;
    srv_reply_problem(r, 503, "unavailable", "Service unavailable",
                      "writes are refused: %s", why);
    srv_reply_header(r, "Retry-After", "30");
    return -1;
}

/* 0 when rc is STORE_OK; otherwise the 404 or 5xx is sent and -1 returned. */
static int found_or_reply(srv_request *r, store_rc rc, int64_t id)
{
    if (rc == STORE_OK)
        return 0;
    if (rc == STORE_NOT_FOUND)
        srv_reply_problem(r, 404, "not-found", "Not found", "there is no article %lld",
                          (long long)id);
    else
        hdl_reply_store_error(r, rc);
    return -1;
}

static int id_or_reply(srv_request *r, int64_t *id)
{
    if (hdl_parse_id(srv_req_param(r), id) == 0)
        return 0;
    srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                      "the article id must be a positive integer below 2^63, got '%.40s'",
                      srv_req_param(r));
    return -1;
}

/* Parse an integer query parameter within [min, max]; absent leaves *out.
 * Replies 400 and returns -1 when present and invalid. */
static int int_param_or_reply(srv_request *r, const char *key, long min, long max, long *out)
{
    const char *v = srv_req_query(r, key);
    if (!v)
        return 0;
    if (srv_parse_long(v, min, max, out) == 0)
        return 0;
    srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                      "'%s' must be an integer from %ld to %ld, got '%.40s'", key, min, max, v);
    return -1;
}

/* include=content,evidence,html,markdown -> STORE_WITH_* flags. */
static int include_or_reply(srv_request *r, unsigned *flags)
{
    const char *v = srv_req_query(r, "include");
    *flags = 0;
    if (!v)
        return 0;
    const char *p = v;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 7 && !strncmp(p, "content", 7))
            *flags |= STORE_WITH_CONTENT;
        else if (n == 8 && !strncmp(p, "evidence", 8))
            *flags |= STORE_WITH_EVIDENCE;
        else if (n == 4 && !strncmp(p, "html", 4))
            *flags |= STORE_WITH_HTML;
        else if (n == 8 && !strncmp(p, "markdown", 8))
            *flags |= STORE_WITH_MARKDOWN;
        else if (n > 0) {
            srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                              "'include' takes content, evidence, html and/or markdown, "
                              "got '%.60s'", v);
            return -1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* Reply with the record of `id` and, when location is set, its URL. */
static void reply_record(srv_request *r, store *st, int64_t id, int status, int location,
                         unsigned flags)
{
    store_jbuf b = {0};
    if (found_or_reply(r, store_article_get_text(st, id, flags, &b), id) != 0) {
        store_jbuf_free(&b);
        return;
    }
    size_t len = 0;
    char *text = store_jbuf_take(&b, &len);
    srv_reply_json_text(r, status, text, len);
    if (location) {
        char loc[64];
        snprintf(loc, sizeof loc, "/articles/%lld", (long long)id);
        srv_reply_header(r, "Location", loc);
    }
}

/* After a parked ?wait=: 201 with the record when the job ended in
 * time, else 202 with it as it stands. */
static void reply_after_wait(srv_request *r)
{
    store *st = hdl_store_or_reply(r);
    char status[16];
    int64_t id = srv_req_waited_id(r);
    if (!st)
        return;
    if (store_article_status(st, id, status, sizeof status) != STORE_OK) {
        srv_reply_problem(r, 404, "not-found", "Not found",
                          "article %lld was deleted while waiting", (long long)id);
        return;
    }
    int ended = store_article_job_pending(st, id, NULL) == STORE_NOT_FOUND;
    reply_record(r, st, id, ended ? 201 : 202, 1, 0);
}

/* The resolver's callbacks for a parked submit. */
static void wake_request(void *r) { srv_req_wake(r); }
static void release_job(void *job) { resolve_job_release(job); }
static int lookup_ended(void *job) { return resolve_job_status(job) != RESOLVE_PENDING; }

/* The submit path's guard check, on the HTTP thread only when no DNS is
 * needed: literals and localhost are judged at once (422); a name is
 * looked up by the resolver thread while the request is parked, and the
 * next call of the handler reads the answer here. Returns 0 to go on
 * (allowed, or the name did not resolve now: the worker's fetch will
 * fail it as `dns`), 1 when the request was answered or parked. */
static int guard_or_reply(srv_request *r, const hdl_submit *sub, const char *norm)
{
    const srv_config *cfg = srv_req_app(r)->cfg;
    fetch_options fo = {
        .allow_private = cfg->allow_private, .allow_hosts = cfg->allow_hosts,
        .n_allow_hosts = cfg->n_allow_hosts,
    };
    char reason[256] = "", host[256];
    long port = 0;
    resolve_job *job = srv_req_ctx(r);
    fetch_check fc = FETCH_CHECK_OK;
    if (sub->html)
        return 0;                    /* nothing will be fetched */
    if (!fetch_url_needs_dns(norm, &fo, host, sizeof host, &port)) {
        fc = fetch_check_url(norm, &fo, reason, sizeof reason);
    } else if (!job && resolve_running()) {
        if (!(job = resolve_submit(host, wake_request, r))) {
            srv_reply_problem(r, 503, "unavailable", "Service unavailable",
                              "cannot look the host up now");
            return 1;
        }
        srv_req_set_ctx(r, job, release_job);
        /* the resolver's deadline ends the wait; the extra second only
         * guards against a lost wake-up */
        srv_req_wait_until(r, (double)cfg->dns_timeout_s + 1.0,
                           lookup_ended, job);
        return 1;
    } else if (job) {
        struct sockaddr_storage addrs[RESOLVE_MAX_ADDRS];
        size_t n = resolve_job_addrs(job, addrs, RESOLVE_MAX_ADDRS);
        resolve_status rs = resolve_job_status(job);
        srv_req_set_ctx(r, NULL, NULL);
        resolve_job_release(job);
        if (rs == RESOLVE_PENDING) {     /* woken by the shutdown */
            srv_reply_problem(r, 503, "unavailable", "Service unavailable",
                              "skimd is stopping; submit again later");
            return 1;
        }
        if (rs == RESOLVE_OK)
            fc = fetch_check_addrs(host, port, addrs, n, NULL, 0, reason, sizeof reason);
    } else {
        fc = fetch_check_url(norm, &fo, reason, sizeof reason);
    }
    if (fc == FETCH_CHECK_REFUSED) {
        srv_reply_problem(r, 422, "refused-address", "Refused address",
                          "skimd does not fetch this URL: %s", reason);
        return 1;
    }
    return 0;
}

/* Park the request until article id's pending job ends (or wait seconds),
 * after waking a worker. */
static void park(srv_request *r, int64_t id, long wait)
{
    srv_queue_notify(srv_req_app(r)->queue);
    srv_req_wait(r, id, (double)wait);
}

/* ?fetch=1 on a refresh: fetch the URL even when the client pushed a page. */
static int refresh_params_or_reply(srv_request *r, long *wait, long *fetch)
{
    return int_param_or_reply(r, "wait", 0, MAX_WAIT_SECONDS, wait) != 0 ||
           int_param_or_reply(r, "fetch", 0, 1, fetch) != 0 ? -1 : 0;
}

/* The URL is known already: merge the client's tags, then answer 200 (or
 * wait for its running job), or queue it again when refresh is asked. */
static void submit_existing(srv_request *r, store *st, const hdl_submit *sub, int64_t id,
                            long refresh, long fetch, long wait)
{
    store_rc rc = STORE_OK;
    if (json_array_size(sub->tags) > 0)
        rc = store_article_set_user_tags(st, id, sub->tags, 1, HDL_MAX_USER_TAGS);
    if (rc == STORE_OK && refresh)
        rc = store_article_requeue(st, id, sub->html, sub->html_len, (int)fetch);
    if (found_or_reply(r, rc, id) != 0 || hdl_writable_or_reply(r) != 0)
        return;
    if (wait > 0 && (refresh || store_article_job_pending(st, id, NULL) == STORE_OK)) {
        park(r, id, wait);
        return;
    }
    reply_record(r, st, id, refresh ? 202 : 200, 1, 0);
    if (refresh)
        srv_queue_notify(srv_req_app(r)->queue);
}

void hdl_articles_create(srv_request *r)
{
    hdl_submit sub;
    hdl_invalid why;
    char *norm = NULL;
    long wait = 0, refresh = 0, fetch = 0;
    size_t len;
    const char *body = srv_req_body(r, &len);
    store *st;

    if (srv_req_resumed(r) && !srv_req_ctx(r)) {
        reply_after_wait(r);
        return;
    }
    if (refresh_params_or_reply(r, &wait, &fetch) != 0 ||
        int_param_or_reply(r, "refresh", 0, 1, &refresh) != 0)
        return;
    if (hdl_submit_parse(srv_req_header(r, "Content-Type"), body, len, &sub, &why) != 0) {
        srv_reply_problem(r, why.status, why.slug, why.title, "%s", why.detail);
        return;
    }
    url_status us = url_normalize(sub.url, &norm);
    if (us != URL_OK) {
        srv_reply_problem(r, 400, "invalid-url", "Invalid URL", "%s", url_status_message(us));
        goto done;
    }
    if (guard_or_reply(r, &sub, norm) != 0 || hdl_writable_or_reply(r) != 0 ||
        !(st = hdl_store_or_reply(r)))
        goto done;
    store_submit ss = {
        .url = sub.url, .norm_url = norm, .user_tags = sub.tags,
        .html = sub.html, .html_len = sub.html_len,
    };
    int64_t id = 0;
    int existed = 0;
    store_rc rc = store_article_submit(st, &ss, &id, &existed);
    if (rc != STORE_OK) {
        hdl_reply_store_error(r, rc);
        goto done;
    }
    if (existed) {
        submit_existing(r, st, &sub, id, refresh, fetch, wait);
        goto done;
    }
    if (hdl_writable_or_reply(r) != 0)
        goto done;
    if (wait > 0) {
        park(r, id, wait);
        goto done;
    }
    /* Read the record before waking a worker, so the answer shows the
     * state the request left it in ("queued"), not a worker's. */
    reply_record(r, st, id, 202, 1, 0);
    srv_queue_notify(srv_req_app(r)->queue);
done:
    free(norm);
    hdl_submit_release(&sub);
}

void hdl_article_get(srv_request *r)
{
    int64_t id;
    unsigned flags;
    store *st;
    if (id_or_reply(r, &id) != 0 || include_or_reply(r, &flags) != 0 ||
        !(st = hdl_store_or_reply(r)))
        return;
    reply_record(r, st, id, 200, 0, flags);
}

void hdl_article_delete(srv_request *r)
{
    int64_t id;
    store *st;
    if (id_or_reply(r, &id) != 0 || hdl_writable_or_reply(r) != 0 ||
        !(st = hdl_store_or_reply(r)))
        return;
    if (found_or_reply(r, store_article_delete(st, id), id) != 0)
        return;
    srv_webhooks_notify(srv_req_app(r)->webhooks);     /* the outbox has its event */
    if (hdl_writable_or_reply(r) == 0)
        srv_reply_empty(r, 204);
}

void hdl_article_refresh(srv_request *r)
{
    int64_t id;
    long wait = 0, fetch = 0;
    store *st;
    size_t len;
    srv_req_body(r, &len);
    if (srv_req_resumed(r)) {
        reply_after_wait(r);
        return;
    }
    if (id_or_reply(r, &id) != 0 || refresh_params_or_reply(r, &wait, &fetch) != 0 ||
        hdl_writable_or_reply(r) != 0 || !(st = hdl_store_or_reply(r)))
        return;
    if (found_or_reply(r, store_article_requeue(st, id, NULL, 0, (int)fetch), id) != 0 ||
        hdl_writable_or_reply(r) != 0)
        return;
    if (wait > 0) {
        park(r, id, wait);
        return;
    }
    reply_record(r, st, id, 202, 1, 0);
    srv_queue_notify(srv_req_app(r)->queue);
}

void hdl_article_patch(srv_request *r)
{
    int64_t id;
    hdl_submit sub;
    hdl_invalid why;
    size_t len;
    store *st;
    const char *body = srv_req_body(r, &len);
    if (id_or_reply(r, &id) != 0)
        return;
    if (hdl_tags_parse(srv_req_header(r, "Content-Type"), body, len, &sub, &why) != 0) {
        srv_reply_problem(r, why.status, why.slug, why.title, "%s", why.detail);
        return;
    }
    if (hdl_writable_or_reply(r) == 0 && (st = hdl_store_or_reply(r)) &&
        found_or_reply(r, store_article_set_user_tags(st, id, sub.tags, 0, HDL_MAX_USER_TAGS),
                       id) == 0 &&
        hdl_writable_or_reply(r) == 0)
        reply_record(r, st, id, 200, 0, 0);
    hdl_submit_release(&sub);
}

/* A list filter that must be one of a few words. */
static int status_or_reply(srv_request *r, const char **out)
{
    static const char *const ok[] = {"queued", "fetching", "ready", "failed", NULL};
    const char *v = srv_req_query(r, "status");
    *out = NULL;
    if (!v)
        return 0;
    for (int i = 0; ok[i]; i++)
        if (!strcmp(v, ok[i])) {
            *out = ok[i];
            return 0;
        }
    srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                      "'status' must be queued, fetching, ready or failed, got '%.40s'", v);
    return -1;
}

/* feed= : a feed id (README "Feeds"). */
static int feed_or_reply(srv_request *r, int64_t *out)
{
    const char *v = srv_req_query(r, "feed");
    *out = 0;
    if (!v || hdl_parse_id(v, out) == 0)
        return 0;
    srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                      "'feed' must be a feed id (a positive integer), got '%.40s'", v);
    return -1;
}

static int lang_or_reply(srv_request *r, const char **out)
{
    const char *v = srv_req_query(r, "lang");
    size_t n = v ? strlen(v) : 0;
    *out = v;
    if (!v)
        return 0;
    int ok = n >= 2 && n <= 3;
    for (size_t i = 0; ok && i < n; i++)
        ok = v[i] >= 'a' && v[i] <= 'z';
    if (ok)
        return 0;
    srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                      "'lang' must be an ISO 639 code like zh or en, got '%.40s'", v);
    return -1;
}

static int time_or_reply(srv_request *r, const char *key, int end_of_day, char out[21],
                         const char **ptr)
{
    const char *v = srv_req_query(r, key);
    *ptr = NULL;
    if (!v)
        return 0;
    if (store_iso_to_utc(v, end_of_day, out) == 0) {
        *ptr = out;
        return 0;
    }
    srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                      "'%s' must be an ISO 8601 date or date-time, got '%.40s'", key, v);
    return -1;
}

/* tag= "label", "alias", or "facet:label"; resolved through the taxonomy. */
static int tag_or_reply(srv_request *r, store_query *q, char *facet_buf, size_t cap,
                        const char **ids)
{
    const char *v = srv_req_query(r, "tag");
    const char *facets[MAX_RESOLVED_TAGS];
    if (!v)
        return 0;
    if (!*v || !hdl_utf8_valid(v) || hdl_utf8_chars(v) > 128) {
        srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                          "'tag' must be 1 to 128 characters of valid UTF-8");
        return -1;
    }
    const char *colon = strchr(v, ':');
    const char *label = v;
    if (colon && colon != v && (size_t)(colon - v) < cap) {
        int word = 1;
        for (const char *p = v; p < colon; p++)
            word &= (*p >= 'a' && *p <= 'z') || *p == '_' || *p == '-';
        if (word && colon[1]) {
            memcpy(facet_buf, v, (size_t)(colon - v));
            facet_buf[colon - v] = '\0';
            q->tag_facet = facet_buf;
            label = colon + 1;
        }
    }
    q->tag_label = label;
    q->n_tag_ids = analyze_resolve_tag(srv_req_app(r)->actx, q->tag_facet, label, ids,
                                       facets, MAX_RESOLVED_TAGS);
    q->tag_ids = ids;
    return 0;
}

int hdl_list_query_or_reply(srv_request *r, hdl_list_params *p)
{
    store_query *q = &p->q;
    memset(p, 0, sizeof *p);
    if (status_or_reply(r, &q->status) != 0 || lang_or_reply(r, &q->language) != 0 ||
        time_or_reply(r, "since", 0, p->since, &q->since) != 0 ||
        time_or_reply(r, "until", 1, p->until, &q->until) != 0 ||
        tag_or_reply(r, q, p->facet, sizeof p->facet, p->ids) != 0 ||
        feed_or_reply(r, &q->feed_id) != 0)
        return -1;
    const char *c = srv_req_query(r, "cursor");
    if (c && hdl_cursor_decode(c, &q->before_id) != 0) {
        srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                          "'cursor' is not a cursor this server gave out");
        return -1;
    }
    q->text = srv_req_query(r, "q");
    if (q->text && (!*q->text || !hdl_utf8_valid(q->text) ||
                    hdl_utf8_chars(q->text) > MAX_QUERY_CHARS)) {
        srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                          "'q' must be 1 to %d characters of valid UTF-8", MAX_QUERY_CHARS);
        return -1;
    }
    if (q->text && !store_fts_searchable(q->text)) {
        srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                          "'q' has nothing to search for: no letter, digit or CJK character");
        return -1;
    }
    return 0;
}

void hdl_articles_list(srv_request *r)
{
    hdl_list_params p;
    long limit = 20;
    char cursor[HDL_CURSOR_LEN];
    int64_t next = 0;
    store *st;

    if (int_param_or_reply(r, "limit", 1, 100, &limit) != 0 ||
        hdl_list_query_or_reply(r, &p) != 0)
        return;
    p.q.limit = (int)limit;
    if (!(st = hdl_store_or_reply(r)))
        return;
    store_jbuf b = {0};
    static const char head[] = "{\"items\":", tail[] = ",\"next_cursor\":";
    store_jbuf_add(&b, head, sizeof head - 1);
    store_rc lrc = store_article_list_text(st, &p.q, &b, &next);
    if (lrc != STORE_OK) {
        store_jbuf_free(&b);
        hdl_reply_store_error(r, lrc);
        return;
    }
    store_jbuf_add(&b, tail, sizeof tail - 1);
    if (next > 0 && hdl_cursor_encode(next, cursor) == 0)
        store_json_string(&b, cursor, strlen(cursor));
    else
        store_jbuf_add(&b, "null", 4);
    store_jbuf_add(&b, "}", 1);
    size_t len = 0;
    char *text = store_jbuf_take(&b, &len);
    srv_reply_json_text(r, 200, text, len);
}
