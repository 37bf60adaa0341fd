/* webhooks.c -- webhook subscriptions and the outbox of their deliveries.
 *
 * Owns the tables of schema v7 (webhooks, webhook_deliveries,
 * webhook_attempts): adding and listing subscriptions, writing the outbox
 * inside a change's transaction (store_outbox_add, called by jobs.c and
 * articles.c), and the delivery thread's reads and writes (the next due
 * delivery, an attempt's outcome). Does not send anything, sign, or
 * decide retry times: that is server/webhooks.c.
 */
#include "storage/webhooks.h"
#include "storage/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const event_names[] = {
    "article.ready", "article.failed", "article.refreshed", "article.deleted",
};
#define N_EVENTS (sizeof event_names / sizeof event_names[0])

const char *store_event_name(unsigned bit)
{
    for (unsigned i = 0; i < N_EVENTS; i++)
        if (bit == 1u << i)
            return event_names[i];
    return NULL;
}

unsigned store_event_bit(const char *name)
{
    for (unsigned i = 0; name && i < N_EVENTS; i++)
        if (!strcmp(name, event_names[i]))
            return 1u << i;
    return 0;
}

/* ms since the epoch as UTC "YYYY-MM-DDTHH:MM:SS.mmmZ". */
static void ms_to_iso(int64_t ms, char out[32])
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    char base[24];
    if (!gmtime_r(&secs, &tm) || strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        base[0] = '\0';
    snprintf(out, 32, "%s.%03dZ", base, (int)(ms % 1000));
}

/* --- the outbox --------------------------------------------------- */

/* {"type":..., "timestamp":..., "data": record or {"id": N}} into b. */
static int build_payload(store *st, int64_t id, unsigned event, int64_t now_ms, store_jbuf *b)
{
    char ts[32], num[32];
    ms_to_iso(now_ms, ts);
    store_jbuf_add(b, "{\"type\":\"", 9);
    store_jbuf_add(b, store_event_name(event), strlen(store_event_name(event)));
    store_jbuf_add(b, "\",\"timestamp\":\"", 15);
    store_jbuf_add(b, ts, strlen(ts));
    store_jbuf_add(b, "\",\"data\":", 9);
    if (event == STORE_EV_DELETED) {
        int n = snprintf(num, sizeof num, "{\"id\":%lld}", (long long)id);
        store_jbuf_add(b, num, (size_t)n);
    } else if (store_article_get_text(st, id, 0, b) != STORE_OK) {
        return -1;
    }
    store_jbuf_add(b, "}", 1);
    return b->failed ? -1 : 0;
}

int store_outbox_add(store *st, int64_t id, unsigned event)
{
    store_jbuf b = {0};
    int ret = -1;
    db_stmt *s = store_stmt(st, SQL_WH_WANTED);
    if (!s || !store_event_name(event))
        return -1;
    db_bind_int64(s, 1, event);
    int rc = db_step(s);
    db_reset(s);
    if (rc == DB_DONE)
        return 0;                       /* nobody listens: the common case */
    if (rc != DB_ROW)
        return -1;
    int64_t now_ms = store_now_ms();
    if (build_payload(st, id, event, now_ms, &b) != 0 || !(s = store_stmt(st, SQL_WH_OUTBOX)))
        goto done;
    db_bind_int64(s, 1, event);
    store_bind_text(s, 2, store_event_name(event));
    db_bind_int64(s, 3, id);
    db_bind_text(s, 4, b.data, (int)b.len);
    db_bind_int64(s, 5, now_ms);
    rc = db_step(s);
    db_reset(s);
    ret = rc == DB_DONE ? 0 : -1;
done:
    store_jbuf_free(&b);
    return ret;
}

/* --- subscriptions ------------------------------------------------ */

int store_webhook_insert_tx(store *st, const char *url, unsigned events, const char *secret,
                            const char *description, int64_t *id)
{
    char now[21];
    store_now_utc(now);
    db_stmt *s = store_stmt(st, SQL_WH_INSERT);
    if (!s)
        return -1;
    store_bind_text(s, 1, url);
    db_bind_int64(s, 2, events);
    store_bind_text(s, 3, secret);
    store_bind_text(s, 4, description);
    store_bind_text(s, 5, now);
    int rc = db_step(s);
    if (rc == DB_ROW)
        *id = db_col_int64(s, 0);   /* RETURNING id */
    db_reset(s);
    return rc == DB_ROW ? 0 : -1;
}

store_rc store_webhook_create(store *st, const char *url, unsigned events, const char *secret,
                              const char *description, int64_t *id)
{
    if (!st || !url || !secret || !id)
        return STORE_ERROR;
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), "begin webhook create");
    if (store_webhook_insert_tx(st, url, events, secret, description, id) != 0 ||
        store_commit(st) != 0)
        return store_end_write(st, STORE_ERROR, "webhook create");
    return STORE_OK;
}

/* The row at s (id, url, events, description, created_at) as an object. */
static json_t *hook_from_row(db_stmt *s, unsigned flags)
{
    (void)flags;
    json_t *events = json_array();
    unsigned mask = (unsigned)db_col_int64(s, 2);
    for (unsigned bit = 1; events && bit <= STORE_EV_ALL; bit <<= 1)
        if (mask & bit)
            json_array_append_new(events, json_string(store_event_name(bit)));
    const char *desc = db_col_text(s, 3);
    return json_pack("{s:I, s:s, s:o, s:s?, s:s}",
                     "id", (json_int_t)db_col_int64(s, 0),
                     "url", db_col_text(s, 1),
                     "events", events ? events : json_array(),
                     "description", desc,
                     "created_at", db_col_text(s, 4));
}

store_rc store_webhook_get(store *st, int64_t id, json_t **out)
{
    return store_row_by_id(st, SQL_WH_GET, id, hook_from_row, 0, out);
}

store_rc store_webhook_list(store *st, json_t **items)
{
    db_stmt *s = store_stmt(st, SQL_WH_LIST);
    int rc;
    if (!s || !items || !(*items = json_array()))
        return STORE_ERROR;
    while ((rc = db_step(s)) == DB_ROW)
        if (json_array_append_new(*items, hook_from_row(s, 0)) != 0)
            break;
    db_reset(s);
    if (rc == DB_DONE)
        return STORE_OK;
    json_decref(*items);
    *items = NULL;
    return STORE_ERROR;
}

store_rc store_webhook_delete(store *st, int64_t id)
{
    if (!st)
        return STORE_ERROR;
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), "begin webhook delete");
    if (store_exec_id(st, SQL_WH_DELETE, id) != 0)
        return store_end_write(st, STORE_ERROR, "webhook delete");
    int changed = db_changes(st) > 0;
    if (store_commit(st) != 0)
        return store_end_write(st, STORE_ERROR, "webhook delete");
    return changed ? STORE_OK : STORE_NOT_FOUND;
}

/* --- deliveries ---------------------------------------------------- */

/* An optional ms column as an ISO time, or JSON null. */
static json_t *col_time(db_stmt *s, int i)
{
    char iso[32];
    if (db_col_null(s, i))
        return json_null();
    ms_to_iso(db_col_int64(s, i), iso);
    return json_string(iso);
}

static json_t *col_int_or_null(db_stmt *s, int i)
{
    if (db_col_null(s, i))
        return json_null();
    return json_integer(db_col_int64(s, i));
}

static json_t *col_text_or_null(db_stmt *s, int i)
{
    const char *v = db_col_text(s, i);
    return v ? json_string((const char *)v) : json_null();
}

/* The attempts of delivery id, in order; returns new or NULL. */
static json_t *attempts_of(store *st, int64_t id)
{
    db_stmt *s = store_stmt(st, SQL_WH_ATTEMPTS);
    json_t *list = json_array();
    int rc;
    if (!s || !list) {
        json_decref(list);
        return NULL;
    }
    db_bind_int64(s, 1, id);
    while ((rc = db_step(s)) == DB_ROW)
        json_array_append_new(list, json_pack("{s:o, s:o, s:o}", "at", col_time(s, 0),
                                              "status_code", col_int_or_null(s, 1),
                                              "error", col_text_or_null(s, 2)));
    db_reset(s);
    if (rc != DB_DONE) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* The delivery row at s (SQL_WH_DELIVERIES) as an object, without its
 * attempts; returns new or NULL. */
static json_t *delivery_from_row(db_stmt *s)
{
    return json_pack("{s:s, s:s, s:I, s:s, s:i, s:o, s:o, s:o, s:o, s:o}",
                     "id", db_col_text(s, 1),
                     "event", db_col_text(s, 2),
                     "article_id", (json_int_t)db_col_int64(s, 3),
                     "state", db_col_text(s, 4),
                     "attempts", (int)db_col_int64(s, 5),
                     "created_at", col_time(s, 6),
                     "next_attempt_at", col_time(s, 7),
                     "last_status_code", col_int_or_null(s, 8),
                     "last_error", col_text_or_null(s, 9),
                     "done_at", col_time(s, 10));
}

/* Read the page of deliveries into items; the row ids into ids[]. */
static store_rc read_deliveries(store *st, int64_t hook_id, int64_t before_id, int limit,
                                json_t *items, int64_t *ids)
{
    db_stmt *s = store_stmt(st, SQL_WH_DELIVERIES);
    int rc, n = 0;
    if (!s)
        return STORE_ERROR;
    db_bind_int64(s, 1, hook_id);
    db_bind_int64(s, 2, before_id > 0 ? before_id : INT64_MAX);
    db_bind_int64(s, 3, limit + 1);
    while ((rc = db_step(s)) == DB_ROW) {
        ids[n++] = db_col_int64(s, 0);
        if (json_array_append_new(items, delivery_from_row(s)) != 0)
            break;
    }
    db_reset(s);
    return rc == DB_DONE ? STORE_OK : STORE_ERROR;
}

store_rc store_webhook_deliveries(store *st, int64_t hook_id, int64_t before_id, int limit,
                                  json_t **items, int64_t *next_id)
{
    int64_t ids[101];
    json_t *hook = NULL;
    store_rc ret;
    if (!st || !items || !next_id || limit < 1 || limit > 100)
        return STORE_ERROR;
    *items = NULL;
    *next_id = 0;
    if ((ret = store_webhook_get(st, hook_id, &hook)) != STORE_OK)
        return ret;
    json_decref(hook);
    if (!(*items = json_array()))
        return STORE_ERROR;
    if ((ret = read_deliveries(st, hook_id, before_id, limit, *items, ids)) != STORE_OK)
        goto fail;
    size_t n = json_array_size(*items);
    if (n > (size_t)limit) {
        json_array_remove(*items, (size_t)limit);
        *next_id = ids[limit - 1];
        n = (size_t)limit;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *log = attempts_of(st, ids[i]);
        if (!log || json_object_set_new(json_array_get(*items, i), "attempt_log", log) != 0) {
            ret = STORE_ERROR;
            goto fail;
        }
    }
    return STORE_OK;
fail:
    json_decref(*items);
    *items = NULL;
    return ret;
}

static char *col_strdup(db_stmt *s, int i, size_t *len)
{
    const char *v = db_col_text(s, i);
    int n = db_col_bytes(s, i);
    char *out = v ? malloc((size_t)n + 1) : NULL;
    if (!out)
        return NULL;
    memcpy(out, v, (size_t)n);
    out[n] = '\0';
    if (len)
        *len = (size_t)n;
    return out;
}

/* When the next pending delivery is due, or -1 when none is pending. */
static int64_t next_due(store *st)
{
    db_stmt *s = store_stmt(st, SQL_WH_NEXT_DUE);
    int64_t at = -1;
    if (s && db_step(s) == DB_ROW && !db_col_null(s, 0))
        at = db_col_int64(s, 0);
    if (s)
        db_reset(s);
    return at;
}

store_rc store_delivery_next(store *st, int64_t now_ms, int64_t lease_ms, store_delivery *d,
                             int64_t *next_due_ms)
{
    db_stmt *s = store_stmt(st, SQL_WH_DUE);
    if (!s || !d)
        return STORE_ERROR;
    memset(d, 0, sizeof *d);
    db_bind_int64(s, 1, now_ms);
    db_bind_int64(s, 2, lease_ms);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        d->id = db_col_int64(s, 0);
        d->msg_id = col_strdup(s, 1, NULL);
        d->url = col_strdup(s, 2, NULL);
        d->secret = col_strdup(s, 3, NULL);
        d->payload = col_strdup(s, 4, &d->payload_len);
        d->created_ms = db_col_int64(s, 5);
        d->attempts = (int)db_col_int64(s, 6);
    }
    db_reset(s);
    if (rc == DB_DONE) {
        if (next_due_ms)
            *next_due_ms = next_due(st);
        return STORE_NOT_FOUND;
    }
    if (rc != DB_ROW || !d->msg_id || !d->url || !d->secret || !d->payload) {
        store_delivery_release(d);
        return rc == DB_ROW ? STORE_ERROR : store_last_rc(st);
    }
    return STORE_OK;
}

void store_delivery_release(store_delivery *d)
{
    if (!d)
        return;
    free(d->msg_id);
    free(d->url);
    free(d->secret);
    free(d->payload);
    memset(d, 0, sizeof *d);
}

store_rc store_delivery_settle(store *st, const store_delivery *d, const store_attempt *a)
{
    if (!st || !d || !a)
        return STORE_ERROR;
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), "begin delivery settle");
    store_rc ret = STORE_ERROR;
    db_stmt *s = store_stmt(st, SQL_WH_SETTLE);
    if (!s)
        goto done;
    db_bind_int64(s, 1, d->id);
    if (a->status_code > 0)
        db_bind_int64(s, 2, a->status_code);
    store_bind_text(s, 3, a->error);
    db_bind_int64(s, 4, a->delivered != 0);
    db_bind_int64(s, 5, a->delivered ? 0 : a->retry_ms);
    db_bind_int64(s, 6, a->at_ms);
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE)
        goto done;
    if (db_changes(st) != 1) {
        ret = STORE_NOT_FOUND;
        goto done;
    }
    if (!(s = store_stmt(st, SQL_WH_ATTEMPT_ADD)))
        goto done;
    db_bind_int64(s, 1, d->id);
    db_bind_int64(s, 2, a->at_ms);
    if (a->status_code > 0)
        db_bind_int64(s, 3, a->status_code);
    store_bind_text(s, 4, a->error);
    rc = db_step(s);
    db_reset(s);
    if (rc == DB_DONE && store_commit(st) == 0)
        return STORE_OK;
done:
    return store_end_write(st, ret, "delivery settle");
}

long store_deliveries_prune(store *st, int64_t before_ms, int limit)
{
    if (!st || limit < 1 || store_begin(st) != 0) {
        store_abort(st, STORE_ERROR, "begin prune deliveries");
        return -1;
    }
    db_stmt *s = store_stmt(st, SQL_WH_PRUNE);
    if (!s) {
        store_abort(st, STORE_ERROR, "prune deliveries");
        return -1;
    }
    db_bind_int64(s, 1, before_ms);
    db_bind_int64(s, 2, limit);
    int rc = db_step(s);
    db_reset(s);
    long n = rc == DB_DONE ? (long)db_changes(st) : -1;
    if (n < 0 || store_commit(st) != 0) {
        store_abort(st, STORE_ERROR, "prune deliveries");
        return -1;
    }
    return n;
}

store_rc store_delivery_counts(store *st, int64_t counts[3])
{
    static const char *const names[3] = {"pending", "delivered", "dead"};
    return store_count_by_name(st, SQL_WH_COUNTS, names, 3, counts);
}
