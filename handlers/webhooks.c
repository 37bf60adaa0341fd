/* webhooks.c -- the /webhooks resource: subscribe, list, read, remove,
 * and the deliveries of one subscription.
 *
 * Owns the request rules: the body of POST /webhooks (url, events,
 * secret, description), the SSRF guard on the target at creation (422, as
 * for a submitted page; server/webhooks.c checks it again at every
 * delivery), and the secret shown once. Storage keeps the rows
 * (storage/webhooks.c); the delivery thread sends (server/webhooks.c).
 */
#include "handlers/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "handlers/validate.h"
#include "ingest/fetch.h"
#include "ingest/url.h"
#include "server/webhooks.h"
#include "storage/webhooks.h"

#define MAX_DESCRIPTION_CHARS 200

/* A checked POST /webhooks body; strings borrowed from doc. */
typedef struct hook_req {
    json_t *doc;
    const char *url;
    unsigned events;
    const char *secret;         /* NULL: make one */
    const char *description;    /* NULL when absent */
} hook_req;

static int bad_body(srv_request *r, const char *detail)
{
    srv_reply_problem(r, 400, "invalid-body", "Invalid body", "%s", detail);
    return -1;
}

/* 'events': a non-empty array of known event names, each once. */
static int events_or_reply(srv_request *r, json_t *v, unsigned *mask)
{
    size_t i;
    json_t *e;
    *mask = STORE_EV_ALL;
    if (!v)
        return 0;
    if (!json_is_array(v) || json_array_size(v) == 0)
        return bad_body(r, "'events' must be a non-empty array of event names "
                           "(article.ready, article.failed, article.refreshed, article.deleted)");
    *mask = 0;
    json_array_foreach(v, i, e) {
        unsigned bit = store_event_bit(json_string_value(e));
        if (!bit || (*mask & bit)) {
            srv_reply_problem(r, 400, "invalid-body", "Invalid body",
                              "'events[%zu]' must be one of article.ready, article.failed, "
                              "article.refreshed, article.deleted, each once", i);
            return -1;
        }
        *mask |= bit;
    }
    return 0;
}

/* An optional string field without NULs; *out NULL when absent or null. */
static int string_or_reply(srv_request *r, json_t *doc, const char *key, const char **out)
{
    json_t *v = json_object_get(doc, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || json_string_length(v) != strlen(json_string_value(v))) {
        srv_reply_problem(r, 400, "invalid-body", "Invalid body",
                          "'%s' must be a string without NUL characters", key);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

static int parse_or_reply(srv_request *r, hook_req *h)
{
    static const char *const allowed[] = {"url", "events", "secret", "description", NULL};
    hdl_invalid why;
    size_t len;
    const char *body = srv_req_body(r, &len);
    memset(h, 0, sizeof *h);
    h->doc = hdl_object_parse(srv_req_header(r, "Content-Type"), body, len, allowed,
                              "{\"url\": \"https://...\", \"events\": [\"article.ready\"]}", &why);
    if (!h->doc) {
        srv_reply_problem(r, why.status, why.slug, why.title, "%s", why.detail);
        return -1;
    }
    if (string_or_reply(r, h->doc, "url", &h->url) != 0 ||
        events_or_reply(r, json_object_get(h->doc, "events"), &h->events) != 0 ||
        string_or_reply(r, h->doc, "secret", &h->secret) != 0 ||
        string_or_reply(r, h->doc, "description", &h->description) != 0)
        return -1;
    if (!h->url) {
        srv_reply_problem(r, 400, "invalid-url", "Invalid URL", "the field 'url' is required");
        return -1;
    }
    if (h->secret && srv_webhook_secret_check(h->secret) != 0)
        return bad_body(r, "'secret' must be \"whsec_\" followed by the standard base64 "
                           "(padded) of 24 to 64 random bytes; leave it out to get one");
    if (h->description && (!hdl_utf8_valid(h->description) ||
                           hdl_utf8_chars(h->description) > MAX_DESCRIPTION_CHARS))
        return bad_body(r, "'description' must be at most 200 characters of UTF-8");
    return 0;
}

/* The target is checked like a submitted page: scheme, form, guard. */
static int target_or_reply(srv_request *r, const char *url)
{
    char *norm = NULL, reason[256] = "";
    url_status us = url_normalize(url, &norm);
    if (us != URL_OK) {
        srv_reply_problem(r, 400, "invalid-url", "Invalid URL", "%s", url_status_message(us));
        return -1;
    }
    fetch_options fo = srv_webhook_guard(srv_req_app(r)->cfg);
    fetch_check fc = fetch_check_url(norm, &fo, reason, sizeof reason);
    free(norm);
    if (fc != FETCH_CHECK_REFUSED)
        return 0;
    srv_reply_problem(r, 422, "refused-address", "Refused address",
                      "skimd does not deliver webhooks to this URL: %s", reason);
    return -1;
}

void hdl_webhooks_create(srv_request *r)
{
    hook_req h;
    char secret[SRV_WH_SECRET_MAX], loc[64];
    int64_t id = 0;
    json_t *rec = NULL;
    store *st;
    if (parse_or_reply(r, &h) != 0 || target_or_reply(r, h.url) != 0 ||
        hdl_writable_or_reply(r) != 0 || !(st = hdl_store_or_reply(r)))
        goto done;
    if (h.secret) {
        snprintf(secret, sizeof secret, "%s", h.secret);
    } else if (srv_webhook_secret_new(secret, sizeof secret) != 0) {
        srv_reply_problem(r, 500, "internal", "Internal error", "no random bytes for a secret");
        goto done;
    }
    store_rc rc = store_webhook_create(st, h.url, h.events, secret, h.description, &id);
    if (rc == STORE_OK)
        rc = store_webhook_get(st, id, &rec);
    if (rc != STORE_OK) {
        hdl_reply_store_error(r, rc);
        goto done;
    }
    if (hdl_writable_or_reply(r) != 0)
        goto done;
    json_object_set_new(rec, "secret", json_string(secret));
    srv_reply_json(r, 201, rec);
    rec = NULL;                         /* stolen */
    snprintf(loc, sizeof loc, "/webhooks/%lld", (long long)id);
    srv_reply_header(r, "Location", loc);
done:
    OPENSSL_cleanse(secret, sizeof secret);
    json_decref(rec);
    json_decref(h.doc);
}

void hdl_webhooks_list(srv_request *r)
{
    json_t *items = NULL;
    store *st = hdl_store_or_reply(r);
    if (!st)
        return;
    store_rc rc = store_webhook_list(st, &items);
    if (rc != STORE_OK) {
        hdl_reply_store_error(r, rc);
        return;
    }
    srv_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int hook_id_or_reply(srv_request *r, int64_t *id)
{
    if (hdl_parse_id(srv_req_param(r), id) == 0)
        return 0;
    srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                      "the webhook id must be a positive integer below 2^63, got '%.40s'",
                      srv_req_param(r));
    return -1;
}

static void reply_not_found(srv_request *r, store_rc rc, int64_t id)
{
    if (rc == STORE_NOT_FOUND)
        srv_reply_problem(r, 404, "not-found", "Not found", "there is no webhook %lld",
                          (long long)id);
    else
        hdl_reply_store_error(r, rc);
}

void hdl_webhook_get(srv_request *r)
{
    int64_t id;
    json_t *rec = NULL;
    store *st;
    if (hook_id_or_reply(r, &id) != 0 || !(st = hdl_store_or_reply(r)))
        return;
    store_rc rc = store_webhook_get(st, id, &rec);
    if (rc != STORE_OK)
        reply_not_found(r, rc, id);
    else
        srv_reply_json(r, 200, rec);
}

void hdl_webhook_delete(srv_request *r)
{
    int64_t id;
    store *st;
    if (hook_id_or_reply(r, &id) != 0 || hdl_writable_or_reply(r) != 0 ||
        !(st = hdl_store_or_reply(r)))
        return;
    store_rc rc = store_webhook_delete(st, id);
    if (rc != STORE_OK)
        reply_not_found(r, rc, id);
    else if (hdl_writable_or_reply(r) == 0)
        srv_reply_empty(r, 204);
}

/* limit= (1..100, default 20) and cursor= of a deliveries page. */
static int page_or_reply(srv_request *r, long *limit, int64_t *before)
{
    const char *l = srv_req_query(r, "limit"), *c = srv_req_query(r, "cursor");
    *limit = 20;
    *before = 0;
    if (l && srv_parse_long(l, 1, 100, limit) != 0) {
        srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                          "'limit' must be an integer from 1 to 100, got '%.40s'", l);
        return -1;
    }
    if (c && hdl_cursor_decode(c, before) != 0) {
        srv_reply_problem(r, 400, "invalid-cursor", "Invalid cursor",
                          "'cursor' is not one this server gave out");
        return -1;
    }
    return 0;
}

void hdl_webhook_deliveries(srv_request *r)
{
    int64_t id, before, next = 0;
    long limit;
    json_t *items = NULL;
    char cursor[HDL_CURSOR_LEN];
    store *st;
    if (hook_id_or_reply(r, &id) != 0 || page_or_reply(r, &limit, &before) != 0 ||
        !(st = hdl_store_or_reply(r)))
        return;
    store_rc rc = store_webhook_deliveries(st, id, before, (int)limit, &items, &next);
    if (rc != STORE_OK) {
        reply_not_found(r, rc, id);
        return;
    }
    int have_next = next > 0 && hdl_cursor_encode(next, cursor) == 0;
    srv_reply_json(r, 200, json_pack("{s:o, s:s?}", "items", items, "next_cursor",
                                     have_next ? cursor : NULL));
}
