/* articles.c -- queries over articles, tags, events, jobs and full text.
 *
 * Every multi-row write runs in one transaction (BEGIN IMMEDIATE, so the
 * write lock is taken up front and the busy handler applies). Records are
 * read back as the v1 JSON shape: as jansson trees (JSON columns parsed),
 * or, on the read path, as JSON text written straight from the row (JSON
 * columns spliced when they are in jansson's own compact form, which the
 * store always writes; parsed and dumped otherwise).
 */
#include "storage/store_int.h"
#include "storage/webhooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bind text or NULL. */
void store_bind_text(db_stmt *s, int i, const char *v)
{
    if (v)
        db_bind_text(s, i, v, -1);
    else
        db_bind_null(s, i);
}

/* Bind a JSON value serialised; `fallback` when v is not of the type. */
int store_bind_json(db_stmt *s, int i, json_t *v, const char *fallback)
{
    char *txt = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    if (!txt) {
        db_bind_text(s, i, fallback, -1);
        return 0;
    }
    db_bind_text(s, i, txt, -1);
    free(txt);
    return 0;
}

const char *store_obj_str(json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}

/* ASCII case folding for tag matching; other scripts have no case or
 * are matched through taxonomy ids. */
static char *fold(const char *s)
{
    char *f = strdup(s ? s : "");
    for (char *p = f; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return f;
}

/* Column value as a JSON string or null; returns new. */
static json_t *col_str(db_stmt *s, int i)
{
    const char *v = db_col_text(s, i);
    json_t *j = v ? json_string((const char *)v) : NULL;
    return j ? j : json_null();
}

/* Column holding JSON text; `empty` builds the default. Returns new. */
json_t *store_col_json(db_stmt *s, int i, json_t *(*empty)(void))
{
    const char *v = db_col_text(s, i);
    json_t *j = v ? json_loads(v, JSON_DECODE_ANY, NULL) : NULL;
    return j ? j : empty();
}

/* Build the record from a row shaped like SQL_GET. Returns new. */
static json_t *row_to_record(db_stmt *s, unsigned flags)
{
    json_t *r = json_object();
    if (!r)
        return NULL;
    json_object_set_new(r, "id", json_integer(db_col_int64(s, 0)));
    json_object_set_new(r, "url", col_str(s, 1));
    json_object_set_new(r, "normalized_url", col_str(s, 2));
    json_object_set_new(r, "canonical_url", col_str(s, 3));
    json_object_set_new(r, "status", col_str(s, 4));
    if (db_col_null(s, 5))
        json_object_set_new(r, "error", json_null());
    else
        json_object_set_new(r, "error", json_pack("{s:o, s:o}", "code", col_str(s, 5),
                                                  "message", col_str(s, 6)));
    static const char *const text_cols[] = {
        "title", "site_name", "author", "published_at", "modified_at", "language",
        "summary", "description", "image_url" };
    for (int i = 0; i < 9; i++)
        json_object_set_new(r, text_cols[i], col_str(s, 7 + i));
    json_object_set_new(r, "keywords", store_col_json(s, 16, json_array));
    json_object_set_new(r, "tags", store_col_json(s, 17, json_object));
    json_object_set_new(r, "events", store_col_json(s, 18, json_array));
    json_object_set_new(r, "word_count", db_col_null(s, 19)
                                             ? json_null()
                                             : json_integer(db_col_int64(s, 19)));
    json_object_set_new(r, "created_at", col_str(s, 20));
    json_object_set_new(r, "updated_at", col_str(s, 21));
    json_object_set_new(r, "last_refresh", store_col_json(s, 24, json_null));
    json_object_set_new(r, "checked_at", col_str(s, 29));
    json_object_set_new(r, "feed_id", db_col_null(s, 30)
                                          ? json_null()
                                          : json_integer(db_col_int64(s, 30)));
    json_t *job = db_col_null(s, 25)
                      ? json_null() : json_pack("{s:o}", "state", col_str(s, 25));
    json_object_set_new(r, "job", job ? job : json_null());
    json_object_set_new(r, "authors", store_col_json(s, 26, json_array));
    if (flags & STORE_WITH_CONTENT)
        json_object_set_new(r, "content", col_str(s, 22));
    if (flags & STORE_WITH_HTML)
        json_object_set_new(r, "content_html", col_str(s, 27));
    if (flags & STORE_WITH_MARKDOWN)
        json_object_set_new(r, "content_markdown", col_str(s, 28));
    if (flags & STORE_WITH_EVIDENCE)
        json_object_set_new(r, "tag_evidence", store_col_json(s, 23, json_object));
    return r;
}

/* --- records as JSON text (writer in json_text.c) ------------------- */

#define JSON_OUT_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)
#define PUT(b, lit) store_jbuf_add((b), (lit), sizeof(lit) - 1)

static void put_int(store_jbuf *b, int64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%lld", (long long)v);
    if (n > 0 && (size_t)n < sizeof t)
        store_jbuf_add(b, t, (size_t)n);
    else
        b->failed = 1;
}

/* A text column as a JSON string; null when NULL or not valid UTF-8
 * (what json_string() refuses). */
static void put_text_col(store_jbuf *b, db_stmt *s, int i)
{
    const char *v = db_col_text(s, i);
    if (!v || store_json_string(b, v, strlen(v)) != 0)
        PUT(b, "null");
}

/* A column holding JSON text: copied when canonical, else parsed and
 * dumped the way row_to_record() does (`empty` when it does not parse). */
static void put_json_col(store_jbuf *b, db_stmt *s, int i, const char *empty)
{
    const char *v = db_col_text(s, i);
    size_t n = v ? strlen(v) : 0;
    if (v && store_json_canonical(v, n)) {
        store_jbuf_add(b, v, n);
        return;
    }
    json_t *j = v ? json_loads(v, JSON_DECODE_ANY, NULL) : NULL;
    if (!j) {
        store_jbuf_add(b, empty, strlen(empty));
        return;
    }
    char *t = json_dumps(j, JSON_OUT_FLAGS | JSON_ENCODE_ANY);
    if (t)
        store_jbuf_add(b, t, strlen(t));
    else
        b->failed = 1;
    free(t);
    json_decref(j);
}

/* The record from a row shaped like SQL_GET, as row_to_record() and a
 * compact dump would write it. */
static void row_to_text(store_jbuf *b, db_stmt *s, unsigned flags)
{
    static const char *const text_keys[] = {
        ",\"title\":", ",\"site_name\":", ",\"author\":", ",\"published_at\":",
        ",\"modified_at\":", ",\"language\":", ",\"summary\":", ",\"description\":",
        ",\"image_url\":" };
    PUT(b, "{\"id\":");
    put_int(b, db_col_int64(s, 0));
    PUT(b, ",\"url\":");
    put_text_col(b, s, 1);
    PUT(b, ",\"normalized_url\":");
    put_text_col(b, s, 2);
    PUT(b, ",\"canonical_url\":");
    put_text_col(b, s, 3);
    PUT(b, ",\"status\":");
    put_text_col(b, s, 4);
    if (db_col_null(s, 5)) {
        PUT(b, ",\"error\":null");
    } else {
        PUT(b, ",\"error\":{\"code\":");
        put_text_col(b, s, 5);
        PUT(b, ",\"message\":");
        put_text_col(b, s, 6);
        PUT(b, "}");
    }
    for (int i = 0; i < 9; i++) {
        store_jbuf_add(b, text_keys[i], strlen(text_keys[i]));
        put_text_col(b, s, 7 + i);
    }
    PUT(b, ",\"keywords\":");
    put_json_col(b, s, 16, "[]");
    PUT(b, ",\"tags\":");
    put_json_col(b, s, 17, "{}");
    PUT(b, ",\"events\":");
    put_json_col(b, s, 18, "[]");
    PUT(b, ",\"word_count\":");
    if (db_col_null(s, 19))
        PUT(b, "null");
    else
        put_int(b, db_col_int64(s, 19));
    PUT(b, ",\"created_at\":");
    put_text_col(b, s, 20);
    PUT(b, ",\"updated_at\":");
    put_text_col(b, s, 21);
    PUT(b, ",\"last_refresh\":");
    put_json_col(b, s, 24, "null");
    PUT(b, ",\"checked_at\":");
    put_text_col(b, s, 29);
    PUT(b, ",\"feed_id\":");
    if (db_col_null(s, 30))
        PUT(b, "null");
    else
        put_int(b, db_col_int64(s, 30));
    if (db_col_null(s, 25)) {
        PUT(b, ",\"job\":null");
    } else {
        PUT(b, ",\"job\":{\"state\":");
        put_text_col(b, s, 25);
        PUT(b, "}");
    }
    PUT(b, ",\"authors\":");
    put_json_col(b, s, 26, "[]");
    if (flags & STORE_WITH_CONTENT) {
        PUT(b, ",\"content\":");
        put_text_col(b, s, 22);
    }
    if (flags & STORE_WITH_HTML) {
        PUT(b, ",\"content_html\":");
        put_text_col(b, s, 27);
    }
    if (flags & STORE_WITH_MARKDOWN) {
        PUT(b, ",\"content_markdown\":");
        put_text_col(b, s, 28);
    }
    if (flags & STORE_WITH_EVIDENCE) {
        PUT(b, ",\"tag_evidence\":");
        put_json_col(b, s, 23, "{}");
    }
    PUT(b, "}");
}

static store_rc find_by_url(store *st, const char *norm_url, int64_t *id)
{
    db_stmt *s = store_stmt(st, SQL_FIND_BY_URL);
    if (!s)
        return STORE_ERROR;
    store_bind_text(s, 1, norm_url);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *id = db_col_int64(s, 0);
        db_reset(s);
        return STORE_OK;
    }
    db_reset(s);
    return rc == DB_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

/* Write the article's job row for its current generation (a requeue
 * replaces the previous row and its lease); fetch 0 analyses the stored
 * page. Inside the caller's transaction. 0 or -1. */
int store_insert_job(store *st, int64_t id, int fetch)
{
    db_stmt *s = store_stmt(st, SQL_INSERT_JOB);
    if (!s)
        return -1;
    db_bind_int64(s, 1, id);
    db_bind_int64(s, 2, fetch ? 1 : 0);
    db_bind_int64(s, 3, store_now_ms());
    int rc = db_step(s);
    db_reset(s);
    /* other daemons' idle workers hear of it at the commit */
    return rc == DB_DONE && db_changes(st) == 1 && store_notify(st, 0) == 0 ? 0 : -1;
}

/* Keep the page a client pushed (inside the caller's transaction). */
int store_put_page(store *st, int64_t id, const char *html, size_t len)
{
    db_stmt *s = store_stmt(st, SQL_PAGE_PUT);
    if (!s)
        return -1;
    db_bind_int64(s, 1, id);
    db_bind_blob(s, 2, html, len);
    int rc = db_step(s);
    db_reset(s);
    return rc == DB_DONE ? 0 : -1;
}

int store_insert_tag(store *st, int64_t id, const char *facet, const char *tag_id,
                      const char *label, double score)
{
    db_stmt *s = store_stmt(st, SQL_INSERT_TAG);
    char *f = fold(label);
    char *fid = fold(tag_id);
    int rc = DB_FAIL;
    if (s && f && fid) {
        db_bind_int64(s, 1, id);
        store_bind_text(s, 2, facet);
        store_bind_text(s, 3, fid);
        store_bind_text(s, 4, label);
        store_bind_text(s, 5, f);
        db_bind_double(s, 6, score);
        rc = db_step(s);
        db_reset(s);
    }
    free(f);
    free(fid);
    return rc == DB_DONE ? 0 : -1;
}

/* Declared in store_int.h: one submission inside the caller's
 * transaction (store_article_submit, store_article_submit_many). */
store_rc store_submit_in_tx(store *st, const store_submit *sub, const char *now, int64_t *id,
                            int *existed)
{
    json_t *tags = NULL;
    store_rc ret = STORE_ERROR;
    *existed = 0;
    store_rc found = find_by_url(st, sub->norm_url, id);
    if (found == STORE_OK) {
        *existed = 1;
        return STORE_OK;
    }
    if (found != STORE_NOT_FOUND)
        return found;
    tags = json_object();
    if (!tags)
        goto done;
    if (json_array_size(sub->user_tags) > 0)
        json_object_set(tags, "user", sub->user_tags);
    db_stmt *s = store_stmt(st, SQL_INSERT_ARTICLE);
    if (!s)
        goto done;
    store_bind_text(s, 1, sub->url);
    store_bind_text(s, 2, sub->norm_url);
    store_bind_json(s, 3, sub->user_tags ? sub->user_tags : NULL, "[]");
    store_bind_json(s, 4, tags, "{}");
    store_bind_text(s, 5, now);
    int rc = db_step(s);
    if (rc == DB_ROW)
        *id = db_col_int64(s, 0);       /* RETURNING id */
    db_reset(s);
    if (rc == DB_DONE) {
        /* PostgreSQL: another daemon stored the URL meanwhile (ON CONFLICT
         * DO NOTHING waited for its commit); its record answers */
        ret = find_by_url(st, sub->norm_url, id);
        *existed = ret == STORE_OK;
        goto done;
    }
    if (rc != DB_ROW) {
        store_log_error(st, "insert article");
        goto done;
    }
    if ((sub->html && store_put_page(st, *id, sub->html, sub->html_len) != 0) ||
        store_insert_job(st, *id, !sub->html) != 0) {
        store_log_error(st, "insert job");
        goto done;
    }
    size_t i;
    json_t *t;
    json_array_foreach(sub->user_tags, i, t) {
        if (json_is_string(t) &&
            store_insert_tag(st, *id, "user", json_string_value(t), json_string_value(t), 1.0) != 0)
            goto done;
    }
    ret = STORE_OK;
done:
    json_decref(tags);
    return ret;
}

store_rc store_article_submit(store *st, const store_submit *sub, int64_t *id,
                              int *existed)
{
    char now[21];
    if (!st || !sub || !sub->url || !sub->norm_url || !id || !existed)
        return STORE_ERROR;
    *existed = 0;
    store_now_utc(now);
    if (store_begin(st) != 0) {
        store_log_error(st, "begin submit");
        return STORE_ERROR;
    }
    if (store_submit_in_tx(st, sub, now, id, existed) == STORE_OK && store_commit(st) == 0)
        return STORE_OK;
    return store_abort(st, store_last_rc(st), "submit");
}

store_rc store_article_get(store *st, int64_t id, unsigned flags, json_t **out)
{
    return store_row_by_id(st, SQL_GET, id, row_to_record, flags, out);
}

store_rc store_article_get_text(store *st, int64_t id, unsigned flags, store_jbuf *out)
{
    db_stmt *s = store_stmt(st, SQL_GET);
    if (!s || !out)
        return STORE_ERROR;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        row_to_text(out, s, flags);
    db_reset(s);
    if (rc == DB_DONE)
        return STORE_NOT_FOUND;
    return rc == DB_ROW && !out->failed ? STORE_OK : STORE_ERROR;
}

store_rc store_article_status(store *st, int64_t id, char *buf, size_t cap)
{
    db_stmt *s = store_stmt(st, SQL_GET_STATUS);
    if (!s || !buf || !cap)
        return STORE_ERROR;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        snprintf(buf, cap, "%s", db_col_text(s, 0));
    db_reset(s);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int store_exec_id(store *st, store_stmt_id which, int64_t id)
{
    db_stmt *s = store_stmt(st, which);
    if (!s)
        return -1;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    db_reset(s);
    return rc == DB_DONE ? 0 : -1;
}

store_rc store_article_delete(store *st, int64_t id)
{
    if (!st || store_begin(st) != 0)
        return STORE_ERROR;
    if (store_exec_id(st, SQL_DELETE_FTS, id) != 0 || store_df_uncount(st, id) != 0 ||
        store_exec_id(st, SQL_DELETE, id) != 0) {
        store_log_error(st, "delete");
        store_rollback(st);
        return STORE_ERROR;
    }
    int changed = db_changes(st) > 0;
    /* the webhook outbox, in the delete's transaction (webhooks.c) */
    if (changed && store_outbox_add(st, id, STORE_EV_DELETED) != 0) {
        store_log_error(st, "delete outbox");
        store_rollback(st);
        return STORE_ERROR;
    }
    if (store_commit(st) != 0) {
        store_rollback(st);
        return STORE_ERROR;
    }
    return changed ? STORE_OK : STORE_NOT_FOUND;
}

/* --- list ----------------------------------------------------------- */

/* Filters, a bit each; the statement for each combination is built once.
 *
 * Why the shapes below: "newest first, LIMIT 21" must be answered by
 * walking an index in id order and stopping, never by collecting every
 * match and sorting. A tag query walks article_tags_by_id(tag_id,
 * article_id) backwards for one tag id (F_TAG); a full-text query walks
 * the FTS5 table in rowid order (F_FTS). `a.id IN (SELECT ...)` would
 * materialise every match first: seconds for a common tag at 1 M rows.
 * Several tag ids at once (F_TAG_MANY, rare) pay for a sort. */
static db_stmt *list_stmt(store *st, unsigned variant)
{
    char sql[2048];
    if (variant >= STORE_LIST_VARIANTS)
        return NULL;
    if (st->list_stmts[variant]) {
        db_reset(st->list_stmts[variant]);
        db_clear(st->list_stmts[variant]);
        return st->list_stmts[variant];
    }
    if (store_list_sql(st, variant, sql, sizeof sql) != 0)
        return NULL;
    st->list_stmts[variant] = db_prepare(st, sql);
    return st->list_stmts[variant];
}

/* The tag ids a tag query means: the taxonomy's ids for it, and the ids
 * of stored tags whose label is the query (client tags; labels of an
 * older taxonomy), each kept only when some article carries it. Usually
 * one remains, which lets the ordered single-id walk run. Returns a new
 * array (at most MAX_TAG_IDS), or NULL on error. */
#define MAX_TAG_IDS 16
static json_t *tag_ids_in_use(store *st, const store_query *q)
{
    json_t *ids = json_array();
    char *label = fold(q->tag_label);
    db_stmt *probe = store_stmt(st, SQL_TAG_PROBE);
    db_stmt *by_label = store_stmt(st, SQL_TAG_BY_LABEL);
    if (!ids || !label || !probe || !by_label)
        goto fail;
    for (size_t i = 0; i < q->n_tag_ids && json_array_size(ids) < MAX_TAG_IDS; i++) {
        char *id = fold(q->tag_ids[i]);
        if (!id)
            goto fail;
        db_reset(probe);
        store_bind_text(probe, 1, id);
        if (db_step(probe) == DB_ROW)
            json_array_append_new(ids, json_string(id));
        free(id);
    }
    /* distinct ids under the label, one index step each */
    char last[256] = "";
    while (json_array_size(ids) < MAX_TAG_IDS) {
        db_reset(by_label);
        store_bind_text(by_label, 1, label);
        store_bind_text(by_label, 2, last);
        if (db_step(by_label) != DB_ROW)
            break;
        const char *id = db_col_text(by_label, 0);
        if (!id || strlen(id) >= sizeof last)
            break;
        snprintf(last, sizeof last, "%s", id);
        int seen = 0;
        for (size_t k = 0; k < json_array_size(ids); k++)
            seen |= !strcmp(json_string_value(json_array_get(ids, k)), id);
        if (!seen)
            json_array_append_new(ids, json_string(id));
    }
    db_reset(probe);
    db_reset(by_label);
    free(label);
    return ids;
fail:
    if (probe)
        db_reset(probe);
    if (by_label)
        db_reset(by_label);
    free(label);
    json_decref(ids);
    return NULL;
}

/* Called for each row of a list page (shaped like SQL_GET); returns 0 or
 * -1 to stop with an error. */
typedef int (*list_row_fn)(db_stmt *s, void *ctx);

/* Run the list query q, calling row() for each record of the page;
 * *empty is set when no article can match (row() never called). */
static store_rc list_run(store *st, const store_query *q, list_row_fn row, void *ctx,
                         int64_t *next_id)
{
    unsigned variant = 0;
    char *pattern = NULL, *ids_json = NULL;
    json_t *ids = NULL;
    db_stmt *s = NULL;
    store_rc ret = STORE_ERROR;
    if (!st || !q || !next_id || q->limit < 1 || q->limit > 100)
        return STORE_ERROR;
    *next_id = 0;
    if (q->before_id > 0) variant |= F_BEFORE;
    if (q->status) variant |= F_STATUS;
    if (q->language) variant |= F_LANG;
    if (q->since) variant |= F_SINCE;
    if (q->until) variant |= F_UNTIL;
    if (q->feed_id > 0) variant |= F_FEED;
    if (q->text && *q->text) {
        /* the index answers every q (store_fts_query); the caller has
         * refused one with no searchable token */
        if (!(pattern = store_text_query(st, q->text)))
            goto done;
        variant |= F_FTS;
    }
    if (q->tag_label) {
        ids = tag_ids_in_use(st, q);
        if (!ids)
            goto done;
        if (json_array_size(ids) == 0) {
            /* no article has this tag: an empty page, no query needed */
            ret = STORE_OK;
            goto done;
        }
        variant |= json_array_size(ids) == 1 ? F_TAG : F_TAG_MANY;
    }

    s = list_stmt(st, variant);
    if (!s)
        goto done;
    if (variant & F_BEFORE) db_bind_int64(s, 1, q->before_id);
    if (variant & F_STATUS) store_bind_text(s, 2, q->status);
    if (variant & F_LANG) store_bind_text(s, 3, q->language);
    if (variant & F_SINCE) store_bind_text(s, 4, q->since);
    if (variant & F_UNTIL) store_bind_text(s, 5, q->until);
    if (variant & F_FEED) db_bind_int64(s, 7, q->feed_id);
    if (variant & F_FTS)
        store_bind_text(s, 6, pattern);
    if (variant & F_TAG)
        store_bind_text(s, 8, json_string_value(json_array_get(ids, 0)));
    if (variant & F_TAG_MANY) {
        ids_json = json_dumps(ids, JSON_COMPACT);
        if (!ids_json)
            goto done;
        store_bind_text(s, 8, ids_json);
    }
    if (variant & (F_TAG | F_TAG_MANY))
        store_bind_text(s, 9, q->tag_facet);
    db_bind_int64(s, 10, q->limit + 1);

    int rc, count = 0;
    int64_t last_id = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (count == q->limit) {
            /* one more row exists: the cursor points below the last shown */
            *next_id = last_id;
            break;
        }
        if (row(s, ctx) != 0)
            goto done;
        last_id = db_col_int64(s, 0);
        count++;
    }
    if (rc != DB_ROW && rc != DB_DONE) {
        store_log_error(st, "list");
        goto done;
    }
    ret = STORE_OK;
done:
    if (s)
        db_reset(s);
    json_decref(ids);
    free(ids_json);
    free(pattern);
    return ret;
}

static int list_row_json(db_stmt *s, void *ctx)
{
    json_t *rec = row_to_record(s, 0);
    return rec && json_array_append_new(ctx, rec) == 0 ? 0 : -1;
}

store_rc store_article_list(store *st, const store_query *q, json_t **items,
                            int64_t *next_id)
{
    if (!items)
        return STORE_ERROR;
    json_t *arr = json_array();
    *items = NULL;
    if (!arr)
        return STORE_ERROR;
    store_rc rc = list_run(st, q, list_row_json, arr, next_id);
    if (rc == STORE_OK)
        *items = arr;
    else
        json_decref(arr);
    return rc;
}

typedef struct list_text_ctx {
    store_jbuf *out;
    int n;
} list_text_ctx;

static int list_row_text(db_stmt *s, void *ctx)
{
    list_text_ctx *c = ctx;
    if (c->n++ > 0)
        PUT(c->out, ",");
    row_to_text(c->out, s, 0);
    return c->out->failed ? -1 : 0;
}

store_rc store_article_list_text(store *st, const store_query *q, store_jbuf *out,
                                 int64_t *next_id)
{
    list_text_ctx c = {out, 0};
    if (!out)
        return STORE_ERROR;
    PUT(out, "[");
    store_rc rc = list_run(st, q, list_row_text, &c, next_id);
    PUT(out, "]");
    return rc == STORE_OK && out->failed ? STORE_ERROR : rc;
}

store_rc store_tags_list(store *st, const char *facet, json_t **items)
{
    db_stmt *s = store_stmt(st, facet ? SQL_TAGS_FACET : SQL_TAGS_ALL);
    json_t *arr = json_array();
    int rc;
    if (!s || !arr || !items) {
        json_decref(arr);
        return STORE_ERROR;
    }
    if (facet)
        store_bind_text(s, 1, facet);
    while ((rc = db_step(s)) == DB_ROW) {
        json_t *it = json_pack("{s:o, s:o, s:o, s:I}", "facet", col_str(s, 0),
                               "tag", col_str(s, 1), "id", col_str(s, 2),
                               "count", (json_int_t)db_col_int64(s, 3));
        if (!it || json_array_append_new(arr, it) != 0) {
            rc = DB_FAIL;
            break;
        }
    }
    db_reset(s);
    if (rc != DB_DONE) {
        json_decref(arr);
        return STORE_ERROR;
    }
    *items = arr;
    return STORE_OK;
}


/* --- for export (transfer.c) ---------------------------------------- */

void store_row_text(store_jbuf *b, db_stmt *s, unsigned flags)
{
    row_to_text(b, s, flags);
}

void store_jbuf_int(store_jbuf *b, int64_t v)
{
    put_int(b, v);
}

typedef struct list_ids_ctx {
    int64_t *ids;
    size_t n, cap;
} list_ids_ctx;

static int list_row_id(db_stmt *s, void *ctx)
{
    list_ids_ctx *c = ctx;
    if (c->n >= c->cap)
        return -1;
    c->ids[c->n++] = db_col_int64(s, 0);
    return 0;
}

store_rc store_article_list_ids(store *st, const store_query *q, int64_t *ids, size_t *n,
                                int64_t *next_id)
{
    if (!q || !ids || !n || q->limit < 1)
        return STORE_ERROR;
    list_ids_ctx c = {ids, 0, (size_t)q->limit};
    store_rc rc = list_run(st, q, list_row_id, &c, next_id);
    *n = c.n;
    return rc;
}
