/* batch.c -- POST /articles/batch: many submissions in one request.
 *
 * Owns the batch's rules: at most HDL_MAX_BATCH items, each checked as a
 * POST /articles body would be (shape, URL normalisation, the address
 * guard), one result per item in order, and every valid item stored in
 * ONE transaction (store_article_submit_many): a batch is stored whole
 * or, when the database fails, not at all.
 *
 * The address guard here never waits for DNS: an item whose host is an
 * IP literal or a loopback name ("localhost", "*.localhost", answered from
 * /etc/hosts) is checked now exactly as POST /articles checks it; a host
 * name is checked by the worker before it connects (ingest/fetch.c pins
 * the addresses it checked), so a name that resolves to a refused
 * address ends as a failed record (refused_address) instead of a 422.
 * Does not: merge the client's tags into an existing record (POST
 * /articles does), wait for jobs, or refresh.
 */
#include "handlers/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/validate.h"
#include "ingest/fetch.h"
#include "ingest/guard.h"
#include "ingest/url.h"

#define HDL_MAX_BATCH 1000

/* What one item became before storage. */
typedef struct item_state {
    hdl_submit sub;             /* borrowed from the body's tree */
    char *norm;                 /* normalised URL (malloc'd) or NULL */
    hdl_invalid why;            /* when refused: the problem */
    int refused;
} item_state;

/* 1 when the guard can judge host without a DNS query. */
static int host_needs_no_dns(const char *host)
{
    guard_class cls;
    size_t n = strlen(host);
    if (guard_classify_literal(host, &cls) == 0)
        return 1;
    return !strcmp(host, "localhost") ||
           (n > 10 && !strcmp(host + n - 10, ".localhost"));
}

/* The guard for one item (see the header paragraph). 0, or -1 with why. */
static int guard_item(srv_request *r, const item_state *it, hdl_invalid *why)
{
    const srv_app *app = srv_req_app(r);
    char host[256], scheme[16], reason[256];
    long port;
    if (it->sub.html)
        return 0;
    if (url_host_port(it->norm, host, sizeof host, &port, scheme, sizeof scheme) != 0 ||
        !host_needs_no_dns(host))
        return 0;
    fetch_options fo = {
        .allow_private = app->cfg->allow_private, .allow_hosts = app->cfg->allow_hosts,
        .n_allow_hosts = app->cfg->n_allow_hosts,
    };
    reason[0] = '\0';
    if (fetch_check_url(it->norm, &fo, reason, sizeof reason) != FETCH_CHECK_REFUSED)
        return 0;
    why->status = 422;
    why->slug = "refused-address";
    why->title = "Refused address";
    snprintf(why->detail, sizeof why->detail, "skimd does not fetch this URL: %s", reason);
    return -1;
}

/* Check item i: shape, URL, guard. Fills st; returns 0 when valid. */
static int check_item(srv_request *r, json_t *item, item_state *st)
{
    if (hdl_submit_check(item, &st->sub, &st->why) != 0)
        goto refused;
    url_status us = url_normalize(st->sub.url, &st->norm);
    if (us != URL_OK) {
        st->why.status = 400;
        st->why.slug = "invalid-url";
        st->why.title = "Invalid URL";
        snprintf(st->why.detail, sizeof st->why.detail, "%s", url_status_message(us));
        goto refused;
    }
    if (guard_item(r, st, &st->why) != 0)
        goto refused;
    return 0;
refused:
    st->refused = 1;
    return -1;
}

/* The problem document of a refused item (as srv_reply_problem writes it,
 * without "instance"). Returns new. */
static json_t *item_problem(const hdl_invalid *why)
{
    char type[96];
    snprintf(type, sizeof type, "urn:skimd:problem:%s", why->slug);
    json_t *d = json_string(why->detail);
    return json_pack("{s:s, s:s, s:i, s:o}", "type", type, "title", why->title, "status",
                     why->status, "detail", d ? d : json_string("the item is invalid"));
}

/* {"items": [...results in order...], "created": n, "existing": n,
 * "invalid": n}. Returns new or NULL. */
static json_t *batch_result(const item_state *st, const store_batch_item *items, size_t n)
{
    json_t *out = json_array();
    json_int_t counts[3] = {0, 0, 0};
    for (size_t i = 0; out && i < n; i++) {
        json_t *res;
        if (st[i].refused) {
            counts[2]++;
            res = json_pack("{s:I, s:s, s:o}", "index", (json_int_t)i, "result", "invalid",
                            "problem", item_problem(&st[i].why));
        } else {
            counts[items[i].existed ? 1 : 0]++;
            res = json_pack("{s:I, s:s, s:I}", "index", (json_int_t)i, "result",
                            items[i].existed ? "existing" : "created", "id",
                            (json_int_t)items[i].id);
        }
        if (!res || json_array_append_new(out, res) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out ? json_pack("{s:o, s:I, s:I, s:I}", "items", out, "created", counts[0],
                           "existing", counts[1], "invalid", counts[2])
               : NULL;
}

/* The body's items array, or NULL with the 4xx sent. Borrowed from *doc. */
static json_t *items_or_reply(srv_request *r, json_t **doc)
{
    hdl_invalid why;
    size_t len;
    const char *body = srv_req_body(r, &len);
    if (hdl_batch_parse(srv_req_header(r, "Content-Type"), body, len, doc, &why) != 0) {
        srv_reply_problem(r, why.status, why.slug, why.title, "%s", why.detail);
        return NULL;
    }
    json_t *items = json_object_get(*doc, "items");
    if (!json_is_array(items)) {
        srv_reply_problem(r, 400, "invalid-body", "Invalid body",
                          "'items' must be an array of {\"url\", \"html\"?, \"tags\"?} objects");
        return NULL;
    }
    if (json_array_size(items) > HDL_MAX_BATCH) {
        srv_reply_problem(r, 413, "body-too-large", "Request body too large",
                          "a batch holds at most %d items, this one %zu", HDL_MAX_BATCH,
                          json_array_size(items));
        return NULL;
    }
    return items;
}

void hdl_articles_batch(srv_request *r)
{
    json_t *doc = NULL, *items;
    item_state *st = NULL;
    store_batch_item *batch = NULL;
    store *db;
    if (!(items = items_or_reply(r, &doc)))
        goto done;
    size_t n = json_array_size(items);
    st = calloc(n ? n : 1, sizeof *st);
    batch = calloc(n ? n : 1, sizeof *batch);
    if (!st || !batch) {
        srv_reply_json_text(r, 500, NULL, 0);
        goto done;
    }
    size_t valid = 0;
    for (size_t i = 0; i < n; i++) {
        if (check_item(r, json_array_get(items, i), &st[i]) != 0)
            continue;
        batch[i].sub = (store_submit){
            .url = st[i].sub.url, .norm_url = st[i].norm, .user_tags = st[i].sub.tags,
            .html = st[i].sub.html, .html_len = st[i].sub.html_len,
        };
        valid++;
    }
    if (valid > 0) {
        if (hdl_writable_or_reply(r) != 0 || !(db = hdl_store_or_reply(r)))
            goto done;
        store_rc rc = store_article_submit_many(db, batch, n);
        if (rc != STORE_OK) {
            hdl_reply_store_error(r, rc);
            goto done;
        }
        if (hdl_writable_or_reply(r) != 0)
            goto done;
    }
    srv_reply_json(r, 200, batch_result(st, batch, n));
    /* one wake-up per worker that can start on the new jobs */
    for (size_t k = 0; k < valid && k < (size_t)srv_req_app(r)->cfg->workers; k++)
        srv_queue_notify(srv_req_app(r)->queue);
done:
    for (size_t i = 0; st && i < json_array_size(items); i++)
        free(st[i].norm);
    free(st);
    free(batch);
    json_decref(doc);
}
