/* article_edit.c -- changes a client asks of an existing article: read it
 * again (a refresh: a new generation and job), look at its pending job,
 * set or merge its own tags.
 *
 * The job rules (generations, leases) are in schema.c; submission,
 * reading and listing are in articles.c, the job life cycle in jobs.c.
 */
#include "storage/store_int.h"

#include <stdlib.h>
#include <string.h>

static int page_exists(store *st, int64_t id)
{
    db_stmt *s = store_stmt(st, SQL_PAGE_EXISTS);
    if (!s)
        return -1;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    db_reset(s);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

store_rc store_article_requeue(store *st, int64_t id, const char *html, size_t html_len,
                               int fetch)
{
    char now[21];
    store_rc ret = STORE_ERROR;
    if (!st)
        return STORE_ERROR;
    store_now_utc(now);
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), "begin requeue");
    db_stmt *s = store_stmt(st, SQL_REQUEUE);
    if (!s)
        goto done;
    db_bind_int64(s, 1, id);
    store_bind_text(s, 2, now);
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE)
        goto done;
    if (db_changes(st) == 0) {
        ret = STORE_NOT_FOUND;
        goto done;
    }
    int have_page = 0;
    if (html) {
        if (store_put_page(st, id, html, html_len) != 0)
            goto done;
        have_page = 1;
    } else if (!fetch && (have_page = page_exists(st, id)) < 0) {
        goto done;
    }
    if (store_insert_job(st, id, !have_page) != 0)
        goto done;
    if (store_commit(st) == 0)
        return STORE_OK;
done:
    return store_end_write(st, ret, "requeue");
}

store_rc store_article_job_pending(store *st, int64_t id, int64_t *generation)
{
    db_stmt *s = store_stmt(st, SQL_JOB_PENDING);
    if (!s)
        return STORE_ERROR;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW && generation)
        *generation = db_col_int64(s, 0);
    db_reset(s);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : store_last_rc(st);
}

/* 1 when the array of strings holds s. */
static int has_string(json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
        if (json_is_string(v) && !strcmp(json_string_value(v), s))
            return 1;
    return 0;
}

/* The new user tag list: tags alone, or old then the new ones not in it.
 * Returns new. */
static json_t *user_list(json_t *old, json_t *tags, int merge, size_t max)
{
    json_t *out = json_array();
    size_t i;
    json_t *v;
    if (!out)
        return NULL;
    if (merge)
        json_array_foreach(old, i, v)
            if (json_is_string(v) && !has_string(out, json_string_value(v)))
                json_array_append(out, v);
    json_array_foreach(tags, i, v)
        if (json_is_string(v) && !has_string(out, json_string_value(v)) &&
            json_array_size(out) < max)
            json_array_append(out, v);
    return out;
}

/* Read user_tags and tags of article id (new references). */
static store_rc read_tags(store *st, int64_t id, json_t **user, json_t **tags)
{
    db_stmt *s = store_stmt(st, SQL_ARTICLE_TAGS);
    if (!s)
        return STORE_ERROR;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *user = store_col_json(s, 0, json_array);
        *tags = store_col_json(s, 1, json_object);
    }
    db_reset(s);
    if (rc == DB_DONE)
        return STORE_NOT_FOUND;
    return rc == DB_ROW && *user && *tags ? STORE_OK : STORE_ERROR;
}

static int write_user_rows(store *st, int64_t id, json_t *list)
{
    size_t i;
    json_t *v;
    if (store_exec_id(st, SQL_DELETE_USER_TAGS, id) != 0)
        return -1;
    json_array_foreach(list, i, v)
        if (store_insert_tag(st, id, "user", json_string_value(v), json_string_value(v), 1.0) != 0)
            return -1;
    return 0;
}

store_rc store_article_set_user_tags(store *st, int64_t id, json_t *tags, int merge,
                                     size_t max)
{
    char now[21];
    json_t *old = NULL, *all = NULL, *list = NULL;
    store_rc ret = STORE_ERROR;
    if (!st || !json_is_array(tags))
        return STORE_ERROR;
    store_now_utc(now);
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), "begin user tags");
    if ((ret = read_tags(st, id, &old, &all)) != STORE_OK)
        goto done;
    ret = STORE_ERROR;
    if (!(list = user_list(old, tags, merge, max)))
        goto done;
    if (json_array_size(list) > 0)
        json_object_set(all, "user", list);
    else
        json_object_del(all, "user");
    db_stmt *s = store_stmt(st, SQL_SET_USER_TAGS);
    if (!s)
        goto done;
    db_bind_int64(s, 1, id);
    store_bind_json(s, 2, list, "[]");
    store_bind_json(s, 3, all, "{}");
    store_bind_text(s, 4, now);
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE || write_user_rows(st, id, list) != 0)
        goto done;
    if (store_commit(st) == 0)
        ret = STORE_OK;
done:
    json_decref(old);
    json_decref(all);
    json_decref(list);
    return store_end_write(st, ret, "user tags");
}
