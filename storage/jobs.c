/* jobs.c -- the job queue's life cycle in SQLite: claim, finish ready or
 * failed, give back, recover after a crash; and re-analysis of stored
 * articles (settings, next ready article, new tags).
 *
 * Records are written by store_job_finish_ready in one transaction: the
 * article row, its tag and event rows, its full-text row and its
 * document-frequency counts (df.c) together.
 * Split from articles.c, which owns submission, reading and listing.
 */
#include "storage/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- jobs ----------------------------------------------------------- */

void store_job_release(store_job *job)
{
    if (!job)
        return;
    free(job->url);
    free(job->html);
    memset(job, 0, sizeof *job);
}

store_rc store_job_claim(store *st, store_job *job)
{
    char now[21];
    store_rc ret = STORE_ERROR;
    if (!st || !job)
        return STORE_ERROR;
    memset(job, 0, sizeof *job);
    store_now_utc(now);
    if (store_begin(st) != 0)
        return STORE_ERROR;
    sqlite3_stmt *s = store_stmt(st, SQL_CLAIM);
    if (!s)
        goto done;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(s);
        ret = STORE_NOT_FOUND;
        goto done;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        goto done;
    }
    job->id = sqlite3_column_int64(s, 0);
    job->url = strdup((const char *)sqlite3_column_text(s, 1));
    if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
        int n = sqlite3_column_bytes(s, 2);
        job->html = malloc((size_t)n + 1);
        if (job->html) {
            if (n > 0)
                memcpy(job->html, sqlite3_column_blob(s, 2), (size_t)n);
            job->html[n] = '\0';
            job->html_len = (size_t)n;
        }
        if (!job->html) {
            sqlite3_reset(s);
            goto done;
        }
    }
    sqlite3_reset(s);
    if (!job->url)
        goto done;
    s = store_stmt(st, SQL_MARK_FETCHING);
    if (!s)
        goto done;
    sqlite3_bind_int64(s, 1, job->id);
    store_bind_text(s, 2, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        goto done;
    if (store_commit(st) == 0)
        return STORE_OK;
done:
    store_abort(st, ret, "claim job");
    store_job_release(job);
    return ret;
}

/* Tag rows from the evidence ({facet: [{id,label,score}]}), or from the
 * label lists when a facet has no evidence. */
static int write_tags(store *st, int64_t id, json_t *tags, json_t *evidence)
{
    const char *facet;
    json_t *list;
    json_object_foreach(tags, facet, list) {
        if (!strcmp(facet, "user"))
            continue;
        json_t *ev = json_object_get(evidence, facet);
        size_t i;
        json_t *v;
        if (json_array_size(ev) > 0) {
            json_array_foreach(ev, i, v) {
                const char *tid = store_obj_str(v, "id"), *lab = store_obj_str(v, "label");
                if (!tid || !lab)
                    continue;
                if (store_insert_tag(st, id, facet, tid, lab,
                               json_number_value(json_object_get(v, "score"))) != 0)
                    return -1;
            }
        } else {
            json_array_foreach(list, i, v) {
                const char *lab = json_string_value(v);
                if (lab && store_insert_tag(st, id, facet, lab, lab, 0.0) != 0)
                    return -1;
            }
        }
    }
    return 0;
}

static int write_events(store *st, int64_t id, json_t *events)
{
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) {
        sqlite3_stmt *s = store_stmt(st, SQL_INSERT_EVENT);
        const char *text = store_obj_str(ev, "text");
        if (!s)
            return -1;
        if (!text)
            continue;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        store_bind_text(s, 3, text);
        store_bind_text(s, 4, store_obj_str(ev, "date"));
        store_bind_json(s, 5, json_object_get(ev, "actors"), "[]");
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            return -1;
    }
    return 0;
}

/* Rewrite an article's tag and event rows from an analysis (inside the
 * caller's transaction); the "user" facet is left alone. */
static int replace_tag_rows(store *st, int64_t id, json_t *analysis)
{
    if (store_exec_id(st, SQL_DELETE_TAGS, id) != 0 || store_exec_id(st, SQL_DELETE_EVENTS, id) != 0 ||
        write_tags(st, id, json_object_get(analysis, "tags"),
                   json_object_get(analysis, "tag_evidence")) != 0 ||
        write_events(st, id, json_object_get(analysis, "events")) != 0)
        return -1;
    return 0;
}

/* The user facet survives re-analysis: merge it into the new tags. */
static json_t *merged_tags(store *st, int64_t id, json_t *tags)
{
    json_t *out = json_is_object(tags) ? json_deep_copy(tags) : json_object();
    sqlite3_stmt *s = store_stmt(st, SQL_USER_TAGS);
    if (!out || !s)
        return out;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        json_t *user = store_col_json(s, 0, json_array);
        if (json_array_size(user) > 0)
            json_object_set_new(out, "user", user);
        else
            json_decref(user);
    }
    sqlite3_reset(s);
    return out;
}

store_rc store_job_finish_ready(store *st, int64_t id, json_t *rec, const char *canonical_norm,
                                const store_terms *terms)
{
    char now[21], sort_time[21];
    json_t *tags = NULL;
    store_rc ret = STORE_ERROR;
    if (!st || !json_is_object(rec))
        return STORE_ERROR;
    store_now_utc(now);
    const char *published = store_obj_str(rec, "published_at");
    int have_sort = published && store_iso_to_utc(published, 0, sort_time) == 0;
    /* the index's text (fts_text.c), made before the write lock is taken */
    const char *title = store_obj_str(rec, "title"), *content = store_obj_str(rec, "content");
    char *fts_title = store_fts_text(title ? title : "", title ? strlen(title) : 0, NULL);
    char *fts_content = store_fts_text(content ? content : "", content ? strlen(content) : 0, NULL);
    if (!fts_title || !fts_content || store_begin(st) != 0) {
        free(fts_title);
        free(fts_content);
        return STORE_ERROR;
    }
    tags = merged_tags(st, id, json_object_get(rec, "tags"));
    sqlite3_stmt *s = store_stmt(st, SQL_READY);
    if (!s || !tags)
        goto done;
    sqlite3_bind_int64(s, 1, id);
    store_bind_text(s, 2, store_obj_str(rec, "canonical_url"));
    store_bind_text(s, 3, canonical_norm);
    static const char *const cols[] = {
        "title", "site_name", "author", "published_at", "modified_at", "language",
        "summary", "description", "image_url" };
    for (int i = 0; i < 9; i++)
        store_bind_text(s, 4 + i, store_obj_str(rec, cols[i]));
    store_bind_json(s, 13, json_object_get(rec, "keywords"), "[]");
    store_bind_json(s, 14, tags, "{}");
    store_bind_json(s, 15, json_object_get(rec, "tag_evidence"), "{}");
    store_bind_json(s, 16, json_object_get(rec, "events"), "[]");
    json_t *wc = json_object_get(rec, "word_count");
    if (json_is_integer(wc))
        sqlite3_bind_int64(s, 17, json_integer_value(wc));
    store_bind_text(s, 18, store_obj_str(rec, "content"));
    store_bind_text(s, 19, have_sort ? sort_time : NULL);
    store_bind_text(s, 20, now);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        goto done;
    if (sqlite3_changes(st->db) == 0) {
        ret = STORE_NOT_FOUND;        /* deleted while it was being read */
        goto done;
    }
    if (store_exec_id(st, SQL_DELETE_JOB, id) != 0 || store_exec_id(st, SQL_DELETE_FTS, id) != 0 ||
        replace_tag_rows(st, id, rec) != 0 ||
        store_df_uncount(st, id) != 0 || store_df_count(st, id, terms) != 0)
        goto done;
    s = store_stmt(st, SQL_INSERT_FTS);
    if (!s)
        goto done;
    sqlite3_bind_int64(s, 1, id);
    store_bind_text(s, 2, fts_title);
    store_bind_text(s, 3, fts_content);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        goto done;
    if (store_commit(st) == 0)
        ret = STORE_OK;
done:
    free(fts_title);
    free(fts_content);
    json_decref(tags);
    return ret == STORE_OK ? ret : store_abort(st, ret, "finish job");
}

store_rc store_job_finish_failed(store *st, int64_t id, const char *code,
                                 const char *message)
{
    char now[21];
    if (!st || store_begin(st) != 0)
        return STORE_ERROR;
    store_now_utc(now);
    sqlite3_stmt *s = store_stmt(st, SQL_FAILED);
    int rc = SQLITE_ERROR;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        store_bind_text(s, 2, code ? code : "error");
        store_bind_text(s, 3, message ? message : "");
        store_bind_text(s, 4, now);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
    }
    if (rc != SQLITE_DONE || store_exec_id(st, SQL_DELETE_JOB, id) != 0 ||
        store_df_uncount(st, id) != 0 || store_commit(st) != 0) {
        store_log_error(st, "fail job");
        store_rollback(st);
        return STORE_ERROR;
    }
    return STORE_OK;
}

store_rc store_job_requeue(store *st, int64_t id)
{
    char now[21];
    sqlite3_stmt *s = store_stmt(st, SQL_JOB_REQUEUE);
    if (!s)
        return STORE_ERROR;
    store_now_utc(now);
    sqlite3_bind_int64(s, 1, id);
    store_bind_text(s, 2, now);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int store_jobs_recover(store *st)
{
    sqlite3_stmt *s = store_stmt(st, SQL_RECOVER);
    if (!s)
        return -1;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? sqlite3_changes(st->db) : -1;
}

store_rc store_status_counts(store *st, int64_t counts[4])
{
    static const char *const names[4] = {"queued", "fetching", "ready", "failed"};
    sqlite3_stmt *s = store_stmt(st, SQL_COUNTS);
    int rc;
    if (!s)
        return STORE_ERROR;
    for (int i = 0; i < 4; i++)
        counts[i] = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        for (int i = 0; i < 4; i++)
            if (name && !strcmp(name, names[i]))
                counts[i] = sqlite3_column_int64(s, 1);
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* --- settings and re-analysis ------------------------------------- */

store_rc store_meta_get(store *st, const char *key, char *buf, size_t cap)
{
    sqlite3_stmt *s = store_stmt(st, SQL_META_GET);
    if (!s || !key || !buf || !cap)
        return STORE_ERROR;
    store_bind_text(s, 1, key);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

store_rc store_meta_set(store *st, const char *key, const char *value)
{
    sqlite3_stmt *s = store_stmt(st, SQL_META_SET);
    if (!s || !key || !value)
        return STORE_ERROR;
    store_bind_text(s, 1, key);
    store_bind_text(s, 2, value);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

static char *col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *v = sqlite3_column_text(s, i);
    return v ? strdup((const char *)v) : NULL;
}

store_rc store_next_ready(store *st, int64_t after_id, store_stored_text *out)
{
    sqlite3_stmt *s = store_stmt(st, SQL_NEXT_READY);
    if (!s || !out)
        return STORE_ERROR;
    memset(out, 0, sizeof *out);
    sqlite3_bind_int64(s, 1, after_id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(s, 0);
        out->title = col_dup(s, 1);
        out->content = col_dup(s, 2);
        out->published_at = col_dup(s, 3);
        out->language = col_dup(s, 4);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

void store_stored_text_release(store_stored_text *t)
{
    if (!t)
        return;
    free(t->title);
    free(t->content);
    free(t->published_at);
    free(t->language);
    memset(t, 0, sizeof *t);
}

store_rc store_article_set_tags(store *st, int64_t id, json_t *analysis)
{
    json_t *tags = NULL;
    store_rc ret = STORE_ERROR;
    if (!st || !json_is_object(analysis) || store_begin(st) != 0)
        return STORE_ERROR;
    tags = merged_tags(st, id, json_object_get(analysis, "tags"));
    sqlite3_stmt *s = store_stmt(st, SQL_SET_TAGS);
    if (!s || !tags)
        goto done;
    sqlite3_bind_int64(s, 1, id);
    store_bind_json(s, 2, tags, "{}");
    store_bind_json(s, 3, json_object_get(analysis, "tag_evidence"), "{}");
    store_bind_json(s, 4, json_object_get(analysis, "events"), "[]");
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        goto done;
    if (sqlite3_changes(st->db) == 0) {
        ret = STORE_NOT_FOUND;
        goto done;
    }
    if (replace_tag_rows(st, id, analysis) != 0)
        goto done;
    if (store_commit(st) == 0)
        ret = STORE_OK;
done:
    json_decref(tags);
    return ret == STORE_OK ? ret : store_abort(st, ret, "set tags");
}
