/* feeds.c -- the /feeds resource: subscribe, list, read, remove, and
 * ask for a poll now.
 *
 * Owns the request rules: the body of POST /feeds (url, interval_seconds
 * within --feed-min-interval .. --feed-max-interval, default an hour),
 * the SSRF guard on the feed URL at subscription (422, as for a page;
 * every poll goes through fetch_url's guard again). Storage keeps the
 * rows (storage/feeds.c); the poller fetches (server/feeds.c).
 */
#include "handlers/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/validate.h"
#include "ingest/fetch.h"
#include "ingest/url.h"
#include "server/feeds.h"
#include "server/version.h"
#include "storage/feeds.h"

#define DEFAULT_INTERVAL_S 3600

/* The body: url and interval; *norm malloc'd (the caller frees). */
static int parse_or_reply(srv_request *r, json_t **doc, const char **url, long *interval)
{
    static const char *const allowed[] = {"url", "interval_seconds", NULL};
    const srv_config *cfg = srv_req_app(r)->cfg;
    hdl_invalid why;
    size_t len;
    const char *body = srv_req_body(r, &len);
    *doc = hdl_object_parse(srv_req_header(r, "Content-Type"), body, len, allowed,
                            "{\"url\": \"https://.../feed.xml\", \"interval_seconds\": 3600}", &why);
    if (!*doc) {
        srv_reply_problem(r, why.status, why.slug, why.title, "%s", why.detail);
        return -1;
    }
    json_t *u = json_object_get(*doc, "url"), *iv = json_object_get(*doc, "interval_seconds");
    if (!u || !json_is_string(u) || json_string_length(u) != strlen(json_string_value(u))) {
        srv_reply_problem(r, 400, "invalid-url", "Invalid URL",
                          "the field 'url' is required: a string without NUL characters");
        return -1;
    }
    *url = json_string_value(u);
    long dflt = DEFAULT_INTERVAL_S < cfg->feed_min_interval_s ? cfg->feed_min_interval_s
                                                              : DEFAULT_INTERVAL_S;
    *interval = dflt > cfg->feed_max_interval_s ? cfg->feed_max_interval_s : dflt;
    if (!iv)
        return 0;
    if (!json_is_integer(iv) || json_integer_value(iv) < cfg->feed_min_interval_s ||
        json_integer_value(iv) > cfg->feed_max_interval_s) {
        srv_reply_problem(r, 400, "invalid-body", "Invalid body",
                          "'interval_seconds' must be an integer from %ld to %ld",
                          cfg->feed_min_interval_s, cfg->feed_max_interval_s);
        return -1;
    }
    *interval = (long)json_integer_value(iv);
    return 0;
}

/* The feed URL is checked like a submitted page: scheme, form, guard. */
static int target_or_reply(srv_request *r, const char *url, char **norm)
{
    char reason[256] = "";
    const srv_config *cfg = srv_req_app(r)->cfg;
    url_status us = url_normalize(url, norm);
    if (us != URL_OK) {
        srv_reply_problem(r, 400, "invalid-url", "Invalid URL", "%s", url_status_message(us));
        return -1;
    }
    fetch_options fo = {
        .timeout_s = cfg->fetch_timeout_s, .max_bytes = cfg->max_page_bytes,
        .allow_private = cfg->allow_private, .allow_hosts = cfg->allow_hosts,
        .n_allow_hosts = cfg->n_allow_hosts, .user_agent = SKIMD_USER_AGENT,
    };
    if (fetch_check_url(*norm, &fo, reason, sizeof reason) != FETCH_CHECK_REFUSED)
        return 0;
    srv_reply_problem(r, 422, "refused-address", "Refused address",
                      "skimd does not fetch this feed: %s", reason);
    return -1;
}

static void reply_feed(srv_request *r, store *st, int64_t id, int status)
{
    json_t *rec = NULL;
    char loc[64];
    store_rc rc = store_feed_get(st, id, &rec);
    if (rc != STORE_OK) {
        hdl_reply_store_error(r, rc);
        return;
    }
    srv_reply_json(r, status, rec);
    snprintf(loc, sizeof loc, "/feeds/%lld", (long long)id);
    srv_reply_header(r, "Location", loc);
}

void hdl_feeds_create(srv_request *r)
{
    json_t *doc = NULL;
    const char *url = NULL;
    char *norm = NULL;
    long interval = 0;
    int64_t id = 0;
    int existed = 0;
    store *st;
    if (parse_or_reply(r, &doc, &url, &interval) != 0 || target_or_reply(r, url, &norm) != 0 ||
        hdl_writable_or_reply(r) != 0 || !(st = hdl_store_or_reply(r)))
        goto done;
    store_rc rc = store_feed_create(st, url, norm, interval, &id, &existed);
    if (rc != STORE_OK) {
        hdl_reply_store_error(r, rc);
        goto done;
    }
    if (hdl_writable_or_reply(r) != 0)
        goto done;
    if (!existed)
        srv_feeds_notify(srv_req_app(r)->feeds);
    reply_feed(r, st, id, existed ? 200 : 201);
done:
    free(norm);
    json_decref(doc);
}

void hdl_feeds_list(srv_request *r)
{
    json_t *items = NULL;
    store *st = hdl_store_or_reply(r);
    if (!st)
        return;
    store_rc rc = store_feed_list(st, &items);
    if (rc != STORE_OK) {
        hdl_reply_store_error(r, rc);
        return;
    }
    srv_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int feed_id_or_reply(srv_request *r, int64_t *id)
{
    if (hdl_parse_id(srv_req_param(r), id) == 0)
        return 0;
    srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                      "the feed id must be a positive integer below 2^63, got '%.40s'",
                      srv_req_param(r));
    return -1;
}

static void reply_not_found(srv_request *r, store_rc rc, int64_t id)
{
    if (rc == STORE_NOT_FOUND)
        srv_reply_problem(r, 404, "not-found", "Not found", "there is no feed %lld",
                          (long long)id);
    else
        hdl_reply_store_error(r, rc);
}

void hdl_feed_get(srv_request *r)
{
    int64_t id;
    json_t *rec = NULL;
    store *st;
    if (feed_id_or_reply(r, &id) != 0 || !(st = hdl_store_or_reply(r)))
        return;
    store_rc rc = store_feed_get(st, id, &rec);
    if (rc != STORE_OK)
        reply_not_found(r, rc, id);
    else
        srv_reply_json(r, 200, rec);
}

void hdl_feed_delete(srv_request *r)
{
    int64_t id;
    store *st;
    if (feed_id_or_reply(r, &id) != 0 || hdl_writable_or_reply(r) != 0 ||
        !(st = hdl_store_or_reply(r)))
        return;
    store_rc rc = store_feed_delete(st, id);
    if (rc != STORE_OK)
        reply_not_found(r, rc, id);
    else if (hdl_writable_or_reply(r) == 0)
        srv_reply_empty(r, 204);
}

void hdl_feed_poll(srv_request *r)
{
    int64_t id;
    store *st;
    if (feed_id_or_reply(r, &id) != 0 || hdl_writable_or_reply(r) != 0 ||
        !(st = hdl_store_or_reply(r)))
        return;
    store_rc rc = store_feed_poll_now(st, id);
    if (rc != STORE_OK) {
        reply_not_found(r, rc, id);
        return;
    }
    if (hdl_writable_or_reply(r) != 0)
        return;
    srv_feeds_notify(srv_req_app(r)->feeds);
    reply_feed(r, st, id, 202);
}
