/* jobs.c -- the job queue's life cycle in SQLite: claim (a lease),
 * renew, finish ready or failed, give back, reap expired leases; and
 * re-analysis of stored articles (settings, next ready article, new
 * tags). Every change is conditional on the claimed generation and lease
 * (the invariants are in schema.c).
 *
 * Records are written by store_job_finish_ready in one transaction: the
 * article row, its tag and event rows, its full-text row and its
 * document-frequency counts (df.c) together.
 * Split from articles.c, which owns submission, reading and listing.
 */
#include "storage/store_int.h"
#include "storage/validators.h"
#include "storage/webhooks.h"

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
    free(job->etag);
    free(job->last_modified);
    memset(job, 0, sizeof *job);
}

/* Copy a BLOB/TEXT column into a NUL-terminated heap buffer. 0 or -1. */
static int col_blob_dup(db_stmt *s, int i, char **out, size_t *len)
{
    int n = db_col_bytes(s, i);
    const void *p = db_col_blob(s, i);
    *out = malloc((size_t)n + 1);
    if (!*out)
        return -1;
    if (n > 0 && p)
        memcpy(*out, p, (size_t)n);
    (*out)[n] = '\0';
    *len = (size_t)n;
    return 0;
}

/* The stored page of a job that analyses it (fetch == 0). A job whose
 * page has gone (a pushed page is never removed without a fetch job)
 * fetches instead. */
static int load_page(store *st, store_job *job)
{
    db_stmt *s = store_stmt(st, SQL_PAGE_GET);
    if (!s)
        return -1;
    db_bind_int64(s, 1, job->id);
    int rc = db_step(s), ret = 0;
    if (rc == DB_ROW)
        ret = col_blob_dup(s, 0, &job->html, &job->html_len);
    else if (rc == DB_DONE)
        job->fetch = 1;
    else
        ret = -1;
    db_reset(s);
    return ret;
}

/* Bind (article id, generation, owner) as ?1 ?2 ?3 of a lease statement. */
static db_stmt *lease_stmt(store *st, store_stmt_id which, const store_job *job,
                                const char *owner)
{
    db_stmt *s = store_stmt(st, which);
    if (!s)
        return NULL;
    db_bind_int64(s, 1, job->id);
    db_bind_int64(s, 2, job->generation);
    store_bind_text(s, 3, owner);
    return s;
}

/* Pick the oldest free job into job (id, generation, fetch, url). */
static store_rc pick_free_job(store *st, int64_t now, store_job *job)
{
    db_stmt *s = store_stmt(st, SQL_CLAIM);
    if (!s)
        return STORE_ERROR;
    db_bind_int64(s, 1, now);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        job->id = db_col_int64(s, 0);
        job->generation = db_col_int64(s, 1);
        job->fetch = (int)db_col_int64(s, 2) != 0;
        const char *u = db_col_text(s, 3);
        job->url = u ? strdup((const char *)u) : NULL;
        job->refresh = db_col_int64(s, 4) > 0;
        job->attempts = (int)db_col_int64(s, 5) + 1;
    }
    db_reset(s);
    if (rc == DB_DONE)
        return STORE_NOT_FOUND;
    return rc == DB_ROW && job->url ? STORE_OK : STORE_ERROR;
}

store_rc store_job_claim(store *st, const char *owner, int64_t lease_ms, store_job *job)
{
    char now[21];
    store_rc ret = STORE_ERROR;
    if (!st || !job || !owner)
        return STORE_ERROR;
    memset(job, 0, sizeof *job);
    store_now_utc(now);
    int64_t now_ms = store_now_ms();
    if (store_begin(st) != 0)
        return store_abort(st, STORE_ERROR, "begin claim");
    ret = pick_free_job(st, now_ms, job);
    if (ret != STORE_OK)
        goto done;
    ret = STORE_ERROR;
    db_stmt *s = lease_stmt(st, SQL_LEASE_TAKE, job, owner);
    if (!s)
        goto done;
    db_bind_int64(s, 4, now_ms + lease_ms);
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE || db_changes(st) != 1)
        goto done;
    if (!(s = store_stmt(st, SQL_MARK_FETCHING)))
        goto done;
    db_bind_int64(s, 1, job->id);
    store_bind_text(s, 2, now);
    rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE || (!job->fetch && load_page(st, job) != 0) ||
        (job->fetch && job->refresh && store_validators_load(st, job) != 0))
        goto done;
    if (store_commit(st) == 0)
        return STORE_OK;
done:
    store_abort(st, ret, "claim job");
    store_job_release(job);
    return ret == STORE_ERROR ? store_last_rc(st) : ret;
}

store_rc store_job_renew(store *st, const store_job *job, const char *owner, int64_t lease_ms)
{
    db_stmt *s = job && owner ? lease_stmt(st, SQL_LEASE_RENEW, job, owner) : NULL;
    if (!s)
        return STORE_ERROR;
    db_bind_int64(s, 4, store_now_ms() + lease_ms);
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE) {
        store_log_error(st, "renew lease");
        return store_last_rc(st);
    }
    return db_changes(st) == 1 ? STORE_OK : STORE_STALE;
}

/* Inside a transaction: is the job still the owner's, at its generation? */
static store_rc lease_held(store *st, const store_job *job, const char *owner)
{
    db_stmt *s = lease_stmt(st, SQL_LEASE_HELD, job, owner);
    if (!s)
        return STORE_ERROR;
    int rc = db_step(s);
    db_reset(s);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_STALE : store_last_rc(st);
}

/* Delete the job row of this generation (inside the caller's transaction). */
static int delete_job(store *st, const store_job *job)
{
    db_stmt *s = store_stmt(st, SQL_DELETE_JOB);
    if (!s)
        return -1;
    db_bind_int64(s, 1, job->id);
    db_bind_int64(s, 2, job->generation);
    int rc = db_step(s);
    db_reset(s);
    return rc == DB_DONE ? 0 : -1;
}

/* Drop the lease with statement which (give back or defer): the job is
 * free again from now + delay_ms, a first read "queued" again. */
static store_rc drop_lease(store *st, store_stmt_id which, const store_job *job,
                           const char *owner, int64_t delay_ms)
{
    store_rc ret = STORE_ERROR;
    if (!st || !job || !owner)
        return STORE_ERROR;
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), "begin give back");
    db_stmt *s = lease_stmt(st, which, job, owner);
    if (!s)
        goto done;
    db_bind_int64(s, 4, delay_ms > 0 ? store_now_ms() + delay_ms : 0);
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE)
        goto done;
    if (db_changes(st) != 1) {
        ret = STORE_STALE;
        goto done;
    }
    if (!(s = store_stmt(st, SQL_UNMARK_FETCHING)))
        goto done;
    db_bind_int64(s, 1, job->id);
    db_bind_int64(s, 2, job->generation);
    rc = db_step(s);
    db_reset(s);
    if (rc == DB_DONE && store_commit(st) == 0)
        return STORE_OK;
done:
    return store_end_write(st, ret, "give back job");
}

store_rc store_job_give_back(store *st, const store_job *job, const char *owner,
                             int64_t delay_ms)
{
    return drop_lease(st, SQL_LEASE_GIVE_BACK, job, owner, delay_ms);
}

store_rc store_job_defer(store *st, const store_job *job, const char *owner,
                         int64_t delay_ms)
{
    return drop_lease(st, SQL_LEASE_DEFER, job, owner, delay_ms);
}

store_rc store_job_wake(store *st, int64_t id, int64_t generation)
{
    db_stmt *s = st ? store_stmt(st, SQL_JOB_WAKE) : NULL;
    if (!s)
        return STORE_ERROR;
    db_bind_int64(s, 1, id);
    db_bind_int64(s, 2, generation);
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE) {
        store_log_error(st, "wake job");
        return store_last_rc(st);
    }
    return db_changes(st) == 1 ? STORE_OK : STORE_STALE;
}

int store_jobs_reap(store *st, const char *exclusive_owner)
{
    int64_t now = store_now_ms();
    if (!st || store_begin(st) != 0) {
        store_abort(st, STORE_ERROR, "begin reap");
        return -1;
    }
    /* on a shared server every other owner's lease is live until it expires */
    if (st->backend == STORE_POSTGRES)
        exclusive_owner = NULL;
    int n = -1;
    for (int which = SQL_REAP_ARTICLES; which <= SQL_REAP_JOBS; which++) {
        db_stmt *s = store_stmt(st, (store_stmt_id)which);
        if (!s)
            goto done;
        db_bind_int64(s, 1, now);
        store_bind_text(s, 2, exclusive_owner);
        int rc = db_step(s);
        db_reset(s);
        if (rc != DB_DONE)
            goto done;
        n = (int)db_changes(st);
    }
    if (store_commit(st) == 0)
        return n;
done:
    store_abort(st, STORE_ERROR, "reap leases");
    return -1;
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
        db_stmt *s = store_stmt(st, SQL_INSERT_EVENT);
        const char *text = store_obj_str(ev, "text");
        if (!s)
            return -1;
        if (!text)
            continue;
        db_bind_int64(s, 1, id);
        db_bind_int64(s, 2, (int64_t)i);
        store_bind_text(s, 3, text);
        store_bind_text(s, 4, store_obj_str(ev, "date"));
        store_bind_json(s, 5, json_object_get(ev, "actors"), "[]");
        int rc = db_step(s);
        db_reset(s);
        if (rc != DB_DONE)
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
    db_stmt *s = store_stmt(st, SQL_USER_TAGS);
    if (!out || !s)
        return out;
    db_bind_int64(s, 1, id);
    if (db_step(s) == DB_ROW) {
        json_t *user = store_col_json(s, 0, json_array);
        if (json_array_size(user) > 0)
            json_object_set_new(out, "user", user);
        else
            json_decref(user);
    }
    db_reset(s);
    return out;
}

/* The analysis fields of rec as ?first.. of a statement: the nine text
 * fields (title .. image_url), then keywords, tags, tag_evidence, events
 * (SQL_READY and SQL_IMPORT_ARTICLE list them in this order). */
static void bind_analysis(db_stmt *s, int first, json_t *rec, json_t *tags)
{
    static const char *const cols[] = {
        "title", "site_name", "author", "published_at", "modified_at", "language",
        "summary", "description", "image_url" };
    for (int i = 0; i < 9; i++)
        store_bind_text(s, first + i, store_obj_str(rec, cols[i]));
    store_bind_json(s, first + 9, json_object_get(rec, "keywords"), "[]");
    store_bind_json(s, first + 10, tags, "{}");
    store_bind_json(s, first + 11, json_object_get(rec, "tag_evidence"), "{}");
    store_bind_json(s, first + 12, json_object_get(rec, "events"), "[]");
}

/* The article row of a ready record (SQL_READY), inside the transaction. */
static store_rc write_ready_row(store *st, const store_job *job, json_t *rec, json_t *tags,
                                const char *canonical_norm, const char *now)
{
    char sort_time[21];
    const char *published = store_obj_str(rec, "published_at");
    int have_sort = published && store_iso_to_utc(published, 0, sort_time) == 0;
    db_stmt *s = store_stmt(st, SQL_READY);
    if (!s)
        return STORE_ERROR;
    db_bind_int64(s, 1, job->id);
    store_bind_text(s, 2, store_obj_str(rec, "canonical_url"));
    store_bind_text(s, 3, canonical_norm);
    bind_analysis(s, 4, rec, tags);
    json_t *wc = json_object_get(rec, "word_count");
    if (json_is_integer(wc))
        db_bind_int64(s, 17, json_integer_value(wc));
    store_bind_text(s, 18, store_obj_str(rec, "content"));
    store_bind_text(s, 19, have_sort ? sort_time : NULL);
    store_bind_text(s, 20, now);
    db_bind_int64(s, 21, job->generation);
    store_bind_json(s, 22, json_object_get(rec, "authors"), "[]");
    store_bind_text(s, 23, store_obj_str(rec, "content_html"));
    store_bind_text(s, 24, store_obj_str(rec, "content_markdown"));
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE)
        return store_last_rc(st);
    return db_changes(st) == 1 ? STORE_OK : STORE_STALE;
}

static int insert_fts(store *st, int64_t id, const char *title, const char *content)
{
    db_stmt *s = store_stmt(st, SQL_INSERT_FTS);
    if (!s)
        return -1;
    db_bind_int64(s, 1, id);
    store_bind_text(s, 2, title);
    store_bind_text(s, 3, content);
    int rc = db_step(s);
    db_reset(s);
    return rc == DB_DONE ? 0 : -1;
}

/* The full-text index's texts for rec in st's dialect (store_index_texts);
 * the caller frees both, also on failure (-1, out of memory). */
static int fts_texts(store *st, json_t *rec, char **title, char **content)
{
    return store_index_texts(st, store_obj_str(rec, "title"), store_obj_str(rec, "content"),
                             title, content);
}

store_rc store_job_finish_ready(store *st, const store_job *job, const char *owner,
                                json_t *rec, const char *canonical_norm,
                                const store_terms *terms)
{
    char now[21];
    json_t *tags = NULL;
    store_rc ret = STORE_ERROR;
    if (!st || !job || !owner || !json_is_object(rec))
        return STORE_ERROR;
    store_now_utc(now);
    /* the index's text (fts_text.c), made before the write lock is taken */
    char *fts_title = NULL, *fts_content = NULL;
    if (fts_texts(st, rec, &fts_title, &fts_content) != 0)
        goto done;
    if (store_begin(st) != 0) {
        ret = store_last_rc(st);
        goto done;
    }
    if ((ret = lease_held(st, job, owner)) != STORE_OK)
        goto done;
    ret = STORE_ERROR;
    if (!(tags = merged_tags(st, job->id, json_object_get(rec, "tags"))))
        goto done;
    if ((ret = write_ready_row(st, job, rec, tags, canonical_norm, now)) != STORE_OK)
        goto done;
    ret = STORE_ERROR;
    if (delete_job(st, job) != 0 || store_exec_id(st, SQL_DELETE_FTS, job->id) != 0 ||
        replace_tag_rows(st, job->id, rec) != 0 ||
        store_df_uncount(st, job->id) != 0 || store_df_count(st, job->id, terms) != 0 ||
        insert_fts(st, job->id, fts_title, fts_content) != 0)
        goto done;
    /* a fetched page replaces a pushed one, and its validators describe
     * the record from now on (a pushed page's record has none); the
     * webhook outbox reports the record as committed here (webhooks.c) */
    if ((job->fetch && store_exec_id(st, SQL_PAGE_DELETE, job->id) != 0) ||
        store_validators_put(st, job->id, job->fetch ? job->etag : NULL,
                             job->fetch ? job->last_modified : NULL,
                             job->fetch ? now : NULL) != 0 ||
        store_outbox_add(st, job->id, job->refresh ? STORE_EV_REFRESHED : STORE_EV_READY) != 0 ||
        store_notify(st, job->id) != 0)
        goto done;
    if (store_commit(st) == 0)
        ret = STORE_OK;
done:
    free(fts_title);
    free(fts_content);
    json_decref(tags);
    return store_end_write(st, ret, "finish job");
}

store_rc store_job_finish_unchanged(store *st, const store_job *job, const char *owner)
{
    char now[21];
    store_rc ret = STORE_ERROR;
    if (!st || !job || !owner || !job->refresh || !job->fetch)
        return STORE_ERROR;
    store_now_utc(now);
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), "begin unchanged");
    if ((ret = lease_held(st, job, owner)) != STORE_OK)
        goto done;
    ret = STORE_ERROR;
    db_stmt *s = store_stmt(st, SQL_UNCHANGED);
    if (!s)
        goto done;
    db_bind_int64(s, 1, job->id);
    store_bind_text(s, 2, now);
    db_bind_int64(s, 3, job->generation);
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE)
        goto done;
    if (db_changes(st) != 1) {
        ret = STORE_STALE;      /* no good version to keep (cannot happen for a refresh) */
        goto done;
    }
    /* no webhook event: nothing a receiver holds has changed */
    if (delete_job(st, job) == 0 &&
        store_validators_put(st, job->id, job->etag, job->last_modified, now) == 0 &&
        store_commit(st) == 0)
        return STORE_OK;
done:
    return store_end_write(st, ret, "finish unchanged");
}

/* The failure's row change: a first read fails the record, a refresh
 * keeps the good version (see schema.c). *event: the webhook event it is
 * (article.failed, or article.refreshed when the good version stays). */
static store_rc write_failure(store *st, const store_job *job, const char *code,
                              const char *message, const char *now, unsigned *event)
{
    for (int which = SQL_FAILED; which <= SQL_REFRESH_FAILED; which++) {
        db_stmt *s = store_stmt(st, (store_stmt_id)which);
        if (!s)
            return STORE_ERROR;
        db_bind_int64(s, 1, job->id);
        store_bind_text(s, 2, code ? code : "internal");
        store_bind_text(s, 3, message ? message : "");
        store_bind_text(s, 4, now);
        db_bind_int64(s, 5, job->generation);
        int rc = db_step(s);
        db_reset(s);
        if (rc != DB_DONE)
            return store_last_rc(st);
        if (db_changes(st) == 1) {
            *event = which == SQL_FAILED ? STORE_EV_FAILED : STORE_EV_REFRESHED;
            return STORE_OK;
        }
    }
    return STORE_STALE;
}

store_rc store_job_finish_failed(store *st, const store_job *job, const char *owner,
                                 const char *code, const char *message)
{
    char now[21];
    store_rc ret;
    unsigned event = 0;
    if (!st || !job || !owner)
        return STORE_ERROR;
    store_now_utc(now);
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), "begin fail job");
    if ((ret = lease_held(st, job, owner)) != STORE_OK ||
        (ret = write_failure(st, job, code, message, now, &event)) != STORE_OK)
        goto done;
    ret = STORE_ERROR;
    if (delete_job(st, job) != 0 || store_outbox_add(st, job->id, event) != 0 ||
        store_notify(st, job->id) != 0)
        goto done;
    if (store_commit(st) == 0)
        return STORE_OK;
done:
    return store_end_write(st, ret, "fail job");
}

void store_probe_write(store *st)
{
    char now[21];
    store_now_utc(now);
    if (store_begin(st) != 0 || store_meta_set(st, "health_probe", now) != STORE_OK ||
        store_commit(st) != 0)
        store_abort(st, store_last_rc(st), "health probe write");
}

store_rc store_count_by_name(store *st, store_stmt_id which, const char *const *names,
                             int n, int64_t *counts)
{
    db_stmt *s = store_stmt(st, which);
    int rc;
    if (!s)
        return STORE_ERROR;
    for (int i = 0; i < n; i++)
        counts[i] = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *name = db_col_text(s, 0);
        for (int i = 0; i < n; i++)
            if (name && !strcmp(name, names[i]))
                counts[i] = db_col_int64(s, 1);
    }
    db_reset(s);
    return rc == DB_DONE ? STORE_OK : STORE_ERROR;
}

store_rc store_lease_counts(store *st, const char *owner, int64_t n[3])
{
    db_stmt *s = store_stmt(st, SQL_LEASE_COUNTS);
    if (!s || !owner)
        return STORE_ERROR;
    store_bind_text(s, 1, owner);
    db_bind_int64(s, 2, store_now_ms());
    int rc = db_step(s);
    for (int i = 0; i < 3; i++)
        n[i] = rc == DB_ROW ? db_col_int64(s, i) : 0;
    db_reset(s);
    return rc == DB_ROW ? STORE_OK : STORE_ERROR;
}

store_rc store_status_counts(store *st, int64_t counts[4])
{
    static const char *const names[4] = {"queued", "fetching", "ready", "failed"};
    return store_count_by_name(st, SQL_COUNTS, names, 4, counts);
}

/* --- settings and re-analysis ------------------------------------- */

store_rc store_meta_get(store *st, const char *key, char *buf, size_t cap)
{
    db_stmt *s = store_stmt(st, SQL_META_GET);
    if (!s || !key || !buf || !cap)
        return STORE_ERROR;
    store_bind_text(s, 1, key);
    int rc = db_step(s);
    if (rc == DB_ROW)
        snprintf(buf, cap, "%s", db_col_text(s, 0));
    db_reset(s);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

store_rc store_meta_set(store *st, const char *key, const char *value)
{
    db_stmt *s = store_stmt(st, SQL_META_SET);
    if (!s || !key || !value)
        return STORE_ERROR;
    store_bind_text(s, 1, key);
    store_bind_text(s, 2, value);
    int rc = db_step(s);
    db_reset(s);
    return rc == DB_DONE ? STORE_OK : STORE_ERROR;
}

static char *col_dup(db_stmt *s, int i)
{
    const char *v = db_col_text(s, i);
    return v ? strdup((const char *)v) : NULL;
}

store_rc store_next_ready(store *st, int64_t after_id, store_stored_text *out)
{
    db_stmt *s = store_stmt(st, SQL_NEXT_READY);
    if (!s || !out)
        return STORE_ERROR;
    memset(out, 0, sizeof *out);
    db_bind_int64(s, 1, after_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->id = db_col_int64(s, 0);
        out->title = col_dup(s, 1);
        out->content = col_dup(s, 2);
        out->published_at = col_dup(s, 3);
        out->language = col_dup(s, 4);
        out->content_gen = db_col_int64(s, 5);
    }
    db_reset(s);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : STORE_ERROR;
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

store_rc store_article_set_tags(store *st, int64_t id, int64_t content_gen, json_t *analysis)
{
    json_t *tags = NULL;
    store_rc ret = STORE_ERROR;
    if (!st || !json_is_object(analysis) || store_begin(st) != 0)
        return STORE_ERROR;
    tags = merged_tags(st, id, json_object_get(analysis, "tags"));
    db_stmt *s = store_stmt(st, SQL_SET_TAGS);
    if (!s || !tags)
        goto done;
    db_bind_int64(s, 1, id);
    store_bind_json(s, 2, tags, "{}");
    store_bind_json(s, 3, json_object_get(analysis, "tag_evidence"), "{}");
    store_bind_json(s, 4, json_object_get(analysis, "events"), "[]");
    db_bind_int64(s, 5, content_gen);
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE)
        goto done;
    if (db_changes(st) == 0) {
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

/* --- import (server/transfer.c checks the line; here it is written) --
 *
 * An imported record obeys the invariants of schema.c as if the job
 * model had made it: ready with generation = content_gen and the rows
 * store_job_finish_ready writes (tags from the evidence, events, the
 * full-text row, the document-frequency terms, folded by the next
 * store_df_fold); failed with content_gen 0 and no analysis rows;
 * queued with a job row of its generation that fetches. The client's
 * "user" tag rows exist in every state. canonical_norm stays NULL: an
 * imported canonical URL is not one skimd checked, so it does not take
 * part in dedupe until the page is fetched again. */

/* Bind a JSON column: NULL for JSON null or absent. */
static void bind_json_or_null(db_stmt *s, int i, json_t *v)
{
    if (!v || json_is_null(v))
        db_bind_null(s, i);
    else
        store_bind_json(s, i, v, "null");
}

/* The article row of an import (SQL_IMPORT_ARTICLE). */
static int import_row(store *st, const store_import *imp, const char *status)
{
    json_t *rec = imp->record;
    json_t *err = json_object_get(rec, "error");
    char sort_time[21];
    const char *published = store_obj_str(rec, "published_at");
    int ready = imp->content_gen > 0;
    int have_sort = ready && published && store_iso_to_utc(published, 0, sort_time) == 0;
    db_stmt *s = store_stmt(st, SQL_IMPORT_ARTICLE);
    if (!s)
        return -1;
    db_bind_int64(s, 1, imp->id);
    store_bind_text(s, 2, store_obj_str(rec, "url"));
    store_bind_text(s, 3, imp->norm_url);
    store_bind_text(s, 4, store_obj_str(rec, "canonical_url"));
    store_bind_text(s, 5, status);
    store_bind_text(s, 6, store_obj_str(err, "code"));
    store_bind_text(s, 7, store_obj_str(err, "message"));
    bind_analysis(s, 8, rec, json_object_get(rec, "tags"));
    store_bind_json(s, 21, imp->user_tags, "[]");
    json_t *wc = json_object_get(rec, "word_count");
    if (json_is_integer(wc))
        db_bind_int64(s, 22, json_integer_value(wc));
    store_bind_text(s, 23, store_obj_str(rec, "content"));
    store_bind_text(s, 24, have_sort ? sort_time : store_obj_str(rec, "created_at"));
    store_bind_text(s, 25, store_obj_str(rec, "created_at"));
    store_bind_text(s, 26, store_obj_str(rec, "updated_at"));
    db_bind_int64(s, 27, imp->generation);
    db_bind_int64(s, 28, imp->content_gen);
    bind_json_or_null(s, 29, json_object_get(rec, "last_refresh"));
    store_bind_json(s, 30, json_object_get(rec, "authors"), "[]");
    store_bind_text(s, 31, store_obj_str(rec, "content_html"));
    store_bind_text(s, 32, store_obj_str(rec, "content_markdown"));
    store_bind_text(s, 33, store_obj_str(rec, "checked_at"));
    json_t *feed = json_object_get(rec, "feed_id");
    if (json_is_integer(feed))
        db_bind_int64(s, 34, json_integer_value(feed));
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE)
        return -1;
    /* ids handed out later stay above the restored one (PostgreSQL's
     * sequence; SQLite's AUTOINCREMENT follows by itself) */
    s = store_stmt(st, SQL_ID_BUMP);
    if (!s)
        return -1;
    db_bind_int64(s, 1, imp->id);
    rc = db_step(s);
    db_reset(s);
    return rc == DB_ROW ? 0 : -1;
}

/* The rows around the article row: user tags always; a ready record's
 * analysis rows as store_job_finish_ready writes them; a queued one's job. */
static int import_rows(store *st, const store_import *imp, const char *fts_title,
                       const char *fts_content)
{
    size_t i;
    json_t *t;
    json_array_foreach(imp->user_tags, i, t) {
        if (store_insert_tag(st, imp->id, "user", json_string_value(t),
                             json_string_value(t), 1.0) != 0)
            return -1;
    }
    if (imp->content_gen > 0)
        return replace_tag_rows(st, imp->id, imp->record) != 0 ||
               store_df_count(st, imp->id, imp->terms) != 0 ||
               insert_fts(st, imp->id, fts_title, fts_content) != 0 ? -1 : 0;
    const char *status = store_obj_str(imp->record, "status");
    if (status && strcmp(status, "failed") != 0)
        return store_insert_job(st, imp->id, 1);
    return 0;
}

/* STORE_OK when neither the id nor the URL is taken (*outcome set otherwise). */
static store_rc import_free(store *st, const store_import *imp,
                            store_import_outcome *outcome, int64_t *existing)
{
    db_stmt *s = store_stmt(st, SQL_GET_STATUS);
    if (!s)
        return STORE_ERROR;
    db_bind_int64(s, 1, imp->id);
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_ROW && rc != DB_DONE)
        return STORE_ERROR;
    if (rc == DB_ROW || imp->id <= imp->floor) {
        *outcome = STORE_IMPORT_ID_TAKEN;
        *existing = imp->id;
        return STORE_OK;
    }
    if (!(s = store_stmt(st, SQL_FIND_BY_URL)))
        return STORE_ERROR;
    store_bind_text(s, 1, imp->norm_url);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *outcome = STORE_IMPORT_URL_TAKEN;
        *existing = db_col_int64(s, 0);
    }
    db_reset(s);
    return rc == DB_ROW || rc == DB_DONE ? STORE_OK : STORE_ERROR;
}

store_rc store_article_import(store *st, const store_import *imp,
                              store_import_outcome *outcome, int64_t *existing)
{
    store_rc ret = STORE_ERROR;
    char *fts_title = NULL, *fts_content = NULL;
    if (!st || !imp || !json_is_object(imp->record) || !imp->norm_url || !outcome || !existing)
        return STORE_ERROR;
    *outcome = STORE_IMPORTED;
    *existing = 0;
    const char *status = store_obj_str(imp->record, "status");
    if (!status)
        return STORE_ERROR;
    if (imp->content_gen > 0 && fts_texts(st, imp->record, &fts_title, &fts_content) != 0)
        goto done;
    if (store_begin(st) != 0) {
        ret = store_last_rc(st);
        goto done;
    }
    if ((ret = import_free(st, imp, outcome, existing)) != STORE_OK ||
        *outcome != STORE_IMPORTED)
        goto done;
    ret = STORE_ERROR;
    const char *row_status = !strcmp(status, "fetching") ? "queued" : status;
    if (import_row(st, imp, row_status) != 0 || import_rows(st, imp, fts_title, fts_content) != 0)
        goto done;
    if (store_commit(st) == 0)
        ret = STORE_OK;
done:
    free(fts_title);
    free(fts_content);
    if (ret == STORE_OK && *outcome != STORE_IMPORTED) {
        store_rollback(st);
        return STORE_OK;
    }
    return store_end_write(st, ret, "import");
}
