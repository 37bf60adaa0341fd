/* feeds.c -- the feeds and feed_items tables (schema v11), see feeds.h.
 *
 * Owns the statements on feeds and feed_items and the submission of a
 * poll's new items (through store_submit_in_tx, as a POST /articles
 * would, in the poll's transaction). Does not fetch or parse: the poller
 * (server/feeds.c) and ingest/feed.c do.
 */
#include "storage/feeds.h"
#include "storage/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

store_rc store_feed_create(store *st, const char *url, const char *norm_url, long interval_s,
                           int64_t *id, int *existed)
{
    char now[21];
    if (!st || !url || !norm_url || !id || !existed)
        return STORE_ERROR;
    *existed = 0;
    store_now_utc(now);
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), "begin feed create");
    db_stmt *s = store_stmt(st, SQL_FEED_FIND);
    if (!s)
        goto fail;
    store_bind_text(s, 1, norm_url);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *id = db_col_int64(s, 0);
        *existed = 1;
    }
    db_reset(s);
    if (rc != DB_ROW && rc != DB_DONE)
        goto fail;
    if (!*existed) {
        if (!(s = store_stmt(st, SQL_FEED_INSERT)))
            goto fail;
        store_bind_text(s, 1, url);
        store_bind_text(s, 2, norm_url);
        db_bind_int64(s, 3, interval_s);
        store_bind_text(s, 4, now);
        rc = db_step(s);
        if (rc == DB_ROW)
            *id = db_col_int64(s, 0);   /* RETURNING id */
        db_reset(s);
        if (rc != DB_ROW)
            goto fail;
    }
    if (store_commit(st) == 0)
        return STORE_OK;
fail:
    return store_end_write(st, STORE_ERROR, "feed create");
}

/* ms since the epoch as UTC "YYYY-MM-DDTHH:MM:SSZ" (JSON string), or null. */
static json_t *ms_time(db_stmt *s, int i)
{
    if (db_col_null(s, i))
        return json_null();
    time_t t = (time_t)(db_col_int64(s, i) / 1000);
    struct tm tm;
    char buf[32];
    if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return json_null();
    return json_string(buf);
}

static json_t *text_or_null(db_stmt *s, int i)
{
    const char *v = db_col_text(s, i);
    json_t *j = v ? json_string((const char *)v) : NULL;
    return j ? j : json_null();
}

/* A row of SQL_FEED_GET / SQL_FEED_LIST as the API shows it. Returns new. */
static json_t *row_to_feed(db_stmt *s, unsigned flags)
{
    (void)flags;
    json_t *f = json_object();
    if (!f)
        return NULL;
    json_object_set_new(f, "id", json_integer(db_col_int64(s, 0)));
    json_object_set_new(f, "url", text_or_null(s, 1));
    json_object_set_new(f, "interval_seconds", json_integer(db_col_int64(s, 2)));
    json_object_set_new(f, "created_at", text_or_null(s, 3));
    json_object_set_new(f, "status", text_or_null(s, 4));
    json_object_set_new(f, "last_poll_at", text_or_null(s, 5));
    /* a poll requested (0) is due now */
    json_object_set_new(f, "next_poll_at", db_col_int64(s, 10) == 0
                                               ? json_null() : ms_time(s, 10));
    json_object_set_new(f, "last_error", text_or_null(s, 6));
    json_object_set_new(f, "item_count", json_integer(db_col_int64(s, 7)));
    json_object_set_new(f, "polls", json_integer(db_col_int64(s, 8)));
    json_object_set_new(f, "failures", json_integer(db_col_int64(s, 9)));
    return f;
}

store_rc store_feed_get(store *st, int64_t id, json_t **out)
{
    return store_row_by_id(st, SQL_FEED_GET, id, row_to_feed, 0, out);
}

store_rc store_feed_list(store *st, json_t **items)
{
    db_stmt *s = st && items ? store_stmt(st, SQL_FEED_LIST) : NULL;
    if (!s || !(*items = json_array()))
        return STORE_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        if (json_array_append_new(*items, row_to_feed(s, 0)) != 0)
            break;
    db_reset(s);
    if (rc != DB_DONE) {
        json_decref(*items);
        *items = NULL;
        store_log_error(st, "list feeds");
        return store_last_rc(st);
    }
    return STORE_OK;
}

/* One statement on feed id; STORE_NOT_FOUND when it changed no row. */
static store_rc exec_feed(store *st, store_stmt_id which, int64_t id, const char *what)
{
    if (!st)
        return STORE_ERROR;
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), what);
    if (store_exec_id(st, which, id) != 0)
        return store_end_write(st, STORE_ERROR, what);
    if (db_changes(st) != 1) {
        store_rollback(st);
        return STORE_NOT_FOUND;
    }
    return store_commit(st) == 0 ? STORE_OK : store_end_write(st, STORE_ERROR, what);
}

store_rc store_feed_delete(store *st, int64_t id)
{
    return exec_feed(st, SQL_FEED_DELETE, id, "delete feed");
}

store_rc store_feed_poll_now(store *st, int64_t id)
{
    return exec_feed(st, SQL_FEED_POLL_NOW, id, "poll feed");
}

void store_feed_due_release(store_feed_due *d)
{
    if (!d)
        return;
    free(d->url);
    free(d->etag);
    free(d->last_modified);
    memset(d, 0, sizeof *d);
}

static char *col_dup(db_stmt *s, int i)
{
    const char *v = db_col_text(s, i);
    return v ? strdup((const char *)v) : NULL;
}

store_rc store_feed_next(store *st, int64_t now_ms, store_feed_due *out, int64_t *due_ms)
{
    db_stmt *s = st && out && due_ms ? store_stmt(st, SQL_FEED_NEXT) : NULL;
    if (!s)
        return STORE_ERROR;
    memset(out, 0, sizeof *out);
    *due_ms = -1;
    int rc = db_step(s);
    store_rc ret = STORE_NOT_FOUND;
    if (rc == DB_ROW) {
        int64_t next = db_col_int64(s, 5);
        if (next <= now_ms) {
            out->id = db_col_int64(s, 0);
            out->url = col_dup(s, 1);
            out->interval_s = (long)db_col_int64(s, 2);
            out->failures = (int)db_col_int64(s, 6);
            out->etag = col_dup(s, 3);
            out->last_modified = col_dup(s, 4);
            ret = out->url ? STORE_OK : STORE_ERROR;
        } else {
            *due_ms = next;
        }
    } else if (rc != DB_DONE) {
        ret = store_last_rc(st);
    }
    db_reset(s);
    if (ret == STORE_ERROR)
        store_feed_due_release(out);
    return ret;
}

/* Inside the poll's transaction: remember each new link and submit it. */
static int submit_links(store *st, const store_feed_poll *p, const char *now, size_t *created)
{
    for (size_t i = 0; i < p->n; i++) {
        db_stmt *s = store_stmt(st, SQL_FEED_ITEM_ADD);
        if (!s)
            return -1;
        db_bind_int64(s, 1, p->id);
        store_bind_text(s, 2, p->links[i].norm_url);
        int rc = db_step(s);
        db_reset(s);
        if (rc != DB_DONE)
            return -1;
        if (db_changes(st) == 0)
            continue;                   /* seen in an earlier poll */
        store_submit sub = {.url = p->links[i].url, .norm_url = p->links[i].norm_url};
        int64_t aid = 0;
        int existed = 0;
        if (store_submit_in_tx(st, &sub, now, &aid, &existed) != STORE_OK)
            return -1;
        if (existed)
            continue;
        if (!(s = store_stmt(st, SQL_FEED_ARTICLE)))
            return -1;
        db_bind_int64(s, 1, aid);
        db_bind_int64(s, 2, p->id);
        rc = db_step(s);
        db_reset(s);
        if (rc != DB_DONE)
            return -1;
        (*created)++;
    }
    return 0;
}

store_rc store_feed_polled(store *st, const store_feed_poll *p, size_t *created)
{
    char now[21];
    size_t n = 0;
    if (!st || !p || !p->status)
        return STORE_ERROR;
    store_now_utc(now);
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), "begin feed poll");
    int ok = !strcmp(p->status, "ok"), failed = !strcmp(p->status, "error");
    db_stmt *s = store_stmt(st, SQL_FEED_POLLED);
    if (!s)
        goto fail;
    db_bind_int64(s, 1, p->id);
    store_bind_text(s, 2, p->status);
    store_bind_text(s, 3, now);
    store_bind_text(s, 4, failed ? p->error : NULL);
    db_bind_int64(s, 5, ok);
    store_bind_text(s, 6, p->etag);
    store_bind_text(s, 7, p->last_modified);
    db_bind_int64(s, 8, p->next_poll_ms);
    db_bind_int64(s, 9, failed);
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE)
        goto fail;
    if (db_changes(st) != 1) {
        store_rollback(st);
        return STORE_NOT_FOUND;
    }
    if (ok && submit_links(st, p, now, &n) != 0)
        goto fail;
    if (n > 0) {
        if (!(s = store_stmt(st, SQL_FEED_COUNT)))
            goto fail;
        db_bind_int64(s, 1, p->id);
        db_bind_int64(s, 2, (int64_t)n);
        rc = db_step(s);
        db_reset(s);
        if (rc != DB_DONE)
            goto fail;
    }
    if (store_commit(st) != 0)
        goto fail;
    if (created)
        *created = n;
    return STORE_OK;
fail:
    return store_end_write(st, STORE_ERROR, "feed poll");
}
