/* batch.c -- POST /articles/batch: many submissions in one request.
 *
 * Owns the batch's rules: at most HDL_MAX_BATCH items, each checked as a
 * POST /articles body would be (shape, URL normalisation, the address
 * guard), one result per item in order, and every valid item stored in
 * ONE transaction (store_article_submit_many): a batch is stored whole
 * or, when the database fails, not at all.
 *
 * The address guard: an item whose host is an IP literal or localhost is
 * judged at once, as POST /articles judges it; the names of the others
 * are looked up all at once by the resolver thread (ingest/resolve.h)
 * while the request is parked, as POST /articles parks for its one name,
 * so no HTTP thread waits for DNS. When the lookups are done the handler
 * runs again, reads the body again (the checks are deterministic) and
 * judges each name by its addresses. A name that did not resolve now is
 * let through: the worker's fetch fails it (`dns`). Without the resolver
 * (not started) names are checked with getaddrinfo, as POST /articles
 * does.
 * Does not: merge the client's tags into an existing record (POST
 * /articles does), wait for jobs, or refresh.
 */
#include "handlers/handlers.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/validate.h"
#include "ingest/fetch.h"
#include "ingest/resolve.h"
#include "ingest/url.h"

#define HDL_MAX_BATCH 1000

/* What one item became before storage. */
typedef struct item_state {
    hdl_submit sub;             /* borrowed from the body's tree */
    char *norm;                 /* normalised URL (malloc'd) or NULL */
    hdl_invalid why;            /* when refused: the problem */
    int refused;
    int needs_dns;              /* its host is a name the resolver looks up */
    char host[256];             /* then: the host and port */
    long port;
} item_state;

/* The lookups of one batch: one resolver job per item that needs one
 * (the request's ctx while it is parked and after). */
typedef struct batch_dns {
    srv_request *r;
    size_t n;                   /* items */
    resolve_job **jobs;         /* per item, NULL when its host needs none */
    atomic_size_t pending;      /* jobs not ended yet */
} batch_dns;

static void batch_dns_free(void *p)
{
    batch_dns *d = p;
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        resolve_job_release(d->jobs[i]);      /* no callback after this */
    free(d->jobs);
    free(d);
}

/* A lookup ended (resolver thread): the last one wakes the request. */
static void batch_dns_done(void *p)
{
    batch_dns *d = p;
    if (atomic_fetch_sub(&d->pending, 1) == 1)
        srv_req_wake(d->r);
}

static int batch_dns_ended(void *p)
{
    return atomic_load(&((batch_dns *)p)->pending) == 0;
}

static fetch_options guard_options(srv_request *r)
{
    const srv_config *cfg = srv_req_app(r)->cfg;
    return (fetch_options){
        .allow_private = cfg->allow_private, .allow_hosts = cfg->allow_hosts,
        .n_allow_hosts = cfg->n_allow_hosts,
    };
}

static void refuse(hdl_invalid *why, const char *reason)
{
    why->status = 422;
    why->slug = "refused-address";
    why->title = "Refused address";
    snprintf(why->detail, sizeof why->detail, "skimd does not fetch this URL: %s", reason);
}

/* The guard for one item without DNS: literals and localhost now; a name
 * sets *needs_dns (host and port into it->host / it->port). 0, or -1
 * with the item's problem. */
static int guard_item(srv_request *r, item_state *it, int *needs_dns)
{
    fetch_options fo = guard_options(r);
    char reason[256] = "";
    *needs_dns = 0;
    if (it->sub.html)
        return 0;                    /* nothing will be fetched */
    if (fetch_url_needs_dns(it->norm, &fo, it->host, sizeof it->host, &it->port)) {
        if (resolve_running()) {
            *needs_dns = 1;
            return 0;
        }
    }
    if (fetch_check_url(it->norm, &fo, reason, sizeof reason) != FETCH_CHECK_REFUSED)
        return 0;
    refuse(&it->why, reason);
    return -1;
}

/* After the lookups: judge the item's name by the addresses it got. */
static int guard_resolved(resolve_job *job, item_state *it)
{
    struct sockaddr_storage addrs[RESOLVE_MAX_ADDRS];
    char reason[256] = "";
    if (resolve_job_status(job) != RESOLVE_OK)
        return 0;                    /* the worker's fetch will fail it as `dns` */
    size_t n = resolve_job_addrs(job, addrs, RESOLVE_MAX_ADDRS);
    if (fetch_check_addrs(it->host, it->port, addrs, n, NULL, 0, reason, sizeof reason) !=
        FETCH_CHECK_REFUSED)
        return 0;
    refuse(&it->why, reason);
    it->refused = 1;
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
    if (guard_item(r, st, &st->needs_dns) != 0)
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

/* First pass: start a lookup for each item whose host is a name and
 * park the request until they end. 1 when parked or answered (503), 0
 * when no item needs one. */
static int lookups_or_park(srv_request *r, const item_state *st, size_t n)
{
    size_t need = 0;
    for (size_t i = 0; i < n; i++)
        need += st[i].needs_dns && !st[i].refused;
    if (need == 0)
        return 0;
    batch_dns *d = calloc(1, sizeof *d);
    if (!d || !(d->jobs = calloc(n, sizeof *d->jobs))) {
        free(d);
        srv_reply_json_text(r, 500, NULL, 0);
        return 1;
    }
    d->r = r;
    d->n = n;
    atomic_store(&d->pending, need);
    srv_req_set_ctx(r, d, batch_dns_free);      /* released when the request ends */
    for (size_t i = 0; i < n; i++) {
        if (!st[i].needs_dns || st[i].refused)
            continue;
        if (!(d->jobs[i] = resolve_submit(st[i].host, batch_dns_done, d))) {
            srv_reply_problem(r, 503, "unavailable", "Service unavailable",
                              "cannot look the hosts up now");
            return 1;
        }
    }
    /* the resolver's deadline ends every lookup; the extra second only
     * guards against a lost wake-up */
    srv_req_wait_until(r, (double)srv_req_app(r)->cfg->dns_timeout_s + 1.0, batch_dns_ended, d);
    return 1;
}

/* Second pass: judge the names by their addresses. 0, or -1 with a 503
 * sent when the lookups did not end (the daemon is stopping). */
static int lookups_judged(srv_request *r, item_state *st, size_t n)
{
    batch_dns *d = srv_req_ctx(r);
    if (!batch_dns_ended(d) || d->n != n) {
        srv_reply_problem(r, 503, "unavailable", "Service unavailable",
                          "skimd is stopping; submit again later");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (st[i].needs_dns && !st[i].refused && d->jobs[i])
            guard_resolved(d->jobs[i], &st[i]);
    return 0;
}

/* Store the items that passed, in one transaction; reply. */
static void store_and_reply(srv_request *r, item_state *st, store_batch_item *batch, size_t n)
{
    size_t valid = 0;
    store *db;
    for (size_t i = 0; i < n; i++) {
        if (st[i].refused)
            continue;
        batch[i].sub = (store_submit){
            .url = st[i].sub.url, .norm_url = st[i].norm, .user_tags = st[i].sub.tags,
            .html = st[i].sub.html, .html_len = st[i].sub.html_len,
        };
        valid++;
    }
    if (valid > 0) {
        if (hdl_writable_or_reply(r) != 0 || !(db = hdl_store_or_reply(r)))
            return;
        store_rc rc = store_article_submit_many(db, batch, n);
        if (rc != STORE_OK) {
            hdl_reply_store_error(r, rc);
            return;
        }
        if (hdl_writable_or_reply(r) != 0)
            return;
    }
    srv_reply_json(r, 200, batch_result(st, batch, n));
    /* one wake-up per worker that can start on the new jobs */
    for (size_t k = 0; k < valid && k < (size_t)srv_req_app(r)->cfg->workers; k++)
        srv_queue_notify(srv_req_app(r)->queue);
}

void hdl_articles_batch(srv_request *r)
{
    json_t *doc = NULL, *items;
    item_state *st = NULL;
    store_batch_item *batch = NULL;
    /* the body is read again after the lookups: the checks give the same */
    if (!(items = items_or_reply(r, &doc)))
        goto done;
    size_t n = json_array_size(items);
    st = calloc(n ? n : 1, sizeof *st);
    batch = calloc(n ? n : 1, sizeof *batch);
    if (!st || !batch) {
        srv_reply_json_text(r, 500, NULL, 0);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        check_item(r, json_array_get(items, i), &st[i]);
    if (srv_req_ctx(r) ? lookups_judged(r, st, n) != 0 : lookups_or_park(r, st, n) != 0)
        goto done;
    store_and_reply(r, st, batch, n);
done:
    for (size_t i = 0; st && i < json_array_size(items); i++)
        free(st[i].norm);
    free(st);
    free(batch);
    json_decref(doc);
}
