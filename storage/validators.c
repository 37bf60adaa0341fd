/* validators.c -- page_validators rows and articles.checked_at (schema
 * v10), see validators.h.
 *
 * Owns the statements on page_validators and the one that sets
 * checked_at. Does not decide when a refresh is conditional or what a
 * 304 means: server/queue.c does, and jobs.c ends the job
 * (store_job_finish_unchanged).
 */
#include "storage/validators.h"

#include <stdlib.h>
#include <string.h>

/* A copy of a text column, or NULL (also when out of memory: the fetch is
 * then unconditional, which is always correct). */
static char *col_dup(db_stmt *s, int i)
{
    const char *v = db_col_text(s, i);
    return v ? strdup((const char *)v) : NULL;
}

int store_validators_load(store *st, store_job *job)
{
    db_stmt *s = store_stmt(st, SQL_VAL_GET);
    if (!s)
        return -1;
    db_bind_int64(s, 1, job->id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        job->etag = col_dup(s, 0);
        job->last_modified = col_dup(s, 1);
    }
    db_reset(s);
    return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
}

/* 1 when v may be stored and sent back as a header value. */
static int storable(const char *v)
{
    if (!v || !*v || strlen(v) > STORE_VALIDATOR_MAX)
        return 0;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

int store_validators_put(store *st, int64_t id, const char *etag, const char *last_modified,
                         const char *checked)
{
    if (!storable(etag))
        etag = NULL;
    if (!storable(last_modified))
        last_modified = NULL;
    int keep = etag || last_modified;
    db_stmt *s = store_stmt(st, keep ? SQL_VAL_PUT : SQL_VAL_DELETE);
    if (!s)
        return -1;
    db_bind_int64(s, 1, id);
    if (keep) {
        store_bind_text(s, 2, etag);
        store_bind_text(s, 3, last_modified);
    }
    int rc = db_step(s);
    db_reset(s);
    if (rc != DB_DONE || !(s = store_stmt(st, SQL_VAL_CHECKED)))
        return -1;
    db_bind_int64(s, 1, id);
    store_bind_text(s, 2, checked);
    rc = db_step(s);
    db_reset(s);
    return rc == DB_DONE ? 0 : -1;
}
