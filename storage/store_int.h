/* store_int.h -- what the storage .c files share and nobody else sees. */
#ifndef SKIMD_STORE_INT_H
#define SKIMD_STORE_INT_H

#include <sqlite3.h>
#include "storage/store.h"

/* Fixed statements, prepared once per connection on first use. */
typedef enum store_stmt_id {
    SQL_BEGIN, SQL_COMMIT, SQL_ROLLBACK,
    SQL_FIND_BY_URL, SQL_INSERT_ARTICLE, SQL_INSERT_JOB, SQL_INSERT_TAG,
    SQL_GET, SQL_GET_STATUS, SQL_DELETE, SQL_DELETE_FTS,
    SQL_REQUEUE, SQL_CLAIM, SQL_MARK_FETCHING,
    SQL_LEASE_TAKE, SQL_LEASE_RENEW, SQL_LEASE_HELD, SQL_LEASE_GIVE_BACK, SQL_LEASE_DEFER, SQL_JOB_WAKE,
    SQL_UNMARK_FETCHING,
    SQL_REAP_ARTICLES, SQL_REAP_JOBS,
    SQL_PAGE_GET, SQL_PAGE_PUT, SQL_PAGE_DELETE, SQL_PAGE_EXISTS, SQL_JOB_PENDING,
    SQL_SET_USER_TAGS, SQL_ARTICLE_TAGS, SQL_DELETE_USER_TAGS,
    SQL_READY, SQL_FAILED, SQL_REFRESH_FAILED, SQL_DELETE_JOB, SQL_DELETE_TAGS, SQL_DELETE_EVENTS,
    SQL_INSERT_EVENT, SQL_INSERT_FTS,
    SQL_COUNTS, SQL_TAGS_ALL, SQL_TAGS_FACET, SQL_USER_TAGS,
    SQL_META_GET, SQL_META_SET, SQL_NEXT_READY, SQL_SET_TAGS,
    SQL_TAG_PROBE, SQL_TAG_BY_LABEL,
    SQL_DF_DROP, SQL_DF_DEC, SQL_DF_DOCS_DEC, SQL_DF_FORGET,
    SQL_DF_REMEMBER, SQL_DF_FOLD_TERMS, SQL_DF_FOLD_DOCS, SQL_DF_FOLD_MARK, SQL_DF_UNCOUNTED,
    SQL_DF_DOCS_ALL, SQL_DF_TERMS,
    SQL_WH_WANTED, SQL_WH_OUTBOX, SQL_WH_INSERT, SQL_WH_GET, SQL_WH_LIST, SQL_WH_DELETE,
    SQL_WH_DELIVERIES, SQL_WH_ATTEMPTS, SQL_WH_DUE, SQL_WH_NEXT_DUE, SQL_WH_SETTLE,
    SQL_WH_ATTEMPT_ADD, SQL_WH_COUNTS, SQL_WH_PRUNE,
    SQL_IMPORT_ARTICLE, SQL_EXPORT, SQL_ID_FLOOR,
    SQL_VAL_GET, SQL_VAL_PUT, SQL_VAL_DELETE, SQL_VAL_CHECKED, SQL_UNCHANGED,
    SQL_FEED_FIND, SQL_FEED_INSERT, SQL_FEED_GET, SQL_FEED_LIST, SQL_FEED_DELETE,
    SQL_FEED_POLL_NOW, SQL_FEED_NEXT, SQL_FEED_ITEM_ADD, SQL_FEED_ARTICLE, SQL_FEED_POLLED,
    SQL_FEED_COUNT, SQL_WF_LIST, SQL_WF_MARK, SQL_WF_DROP,
    SQL_COUNT_
} store_stmt_id;

/* List queries are built from the filters present; one cached statement
 * per combination of filters (a bit each). */
#define STORE_LIST_VARIANTS 512

struct store {
    sqlite3 *db;
    sqlite3_stmt *stmts[SQL_COUNT_];              /* lazily prepared */
    sqlite3_stmt *list_stmts[STORE_LIST_VARIANTS]; /* lazily prepared */
    long long changes_seen;     /* sqlite3_total_changes64 at the last commit */
};

/* The prepared statement `id`, reset and unbound; NULL on error. */
sqlite3_stmt *store_stmt(store *st, store_stmt_id id);

/* The row that statement `which` finds for ?1 = id, as conv(row, flags)
 * makes it (returns new in *out). STORE_NOT_FOUND when there is none. */
store_rc store_row_by_id(store *st, store_stmt_id which, int64_t id,
                         json_t *(*conv)(sqlite3_stmt *s, unsigned flags), unsigned flags,
                         json_t **out);

/* Log a SQLite failure on stderr (one JSON line). */
void store_log_error(store *st, const char *what);

/* Register the SQL function skimd_fts_text() (store_fts_text) on db: the
 * schema migration that fills the index uses it. Returns 0 or -1. */
int store_fts_register(sqlite3 *db);

/* The end of a write transaction's function: ret as is when STORE_OK
 * (committed); else rolled back (store_abort), STORE_ERROR refined into
 * STORE_BUSY when the connection's error is transient. */
store_rc store_end_write(store *st, store_rc ret, const char *what);

/* The store_rc for a SQLite result code: busy, locked, full, I/O and
 * read-only errors are STORE_BUSY (transient), the rest STORE_ERROR. */
store_rc store_rc_of(int sqlite_rc);
/* The same for the connection's last error. */
store_rc store_last_rc(store *st);

int store_begin(store *st);
int store_commit(store *st);
void store_rollback(store *st);

/* End a write that did not complete: log it when ret is STORE_ERROR or
 * STORE_BUSY (a missing row or a stale job is no error; a failure of the
 * file is also reported to the health check, health.c), roll back,
 * return ret. */
store_rc store_abort(store *st, store_rc ret, const char *what);

/* Helpers shared by articles.c and jobs.c (defined in articles.c). */
void store_bind_text(sqlite3_stmt *s, int i, const char *v);   /* text or NULL */
int store_bind_json(sqlite3_stmt *s, int i, json_t *v, const char *fallback);
const char *store_obj_str(json_t *rec, const char *key);        /* borrowed */
json_t *store_col_json(sqlite3_stmt *s, int i, json_t *(*empty)(void)); /* new */
int store_exec_id(store *st, store_stmt_id which, int64_t id);  /* 0 or -1 */
/* Document frequencies (df.c), inside the caller's transaction: take
 * back what article id was counted with (nothing when it was not), and
 * count it with terms (NULL or none: not counted; the sums follow at the
 * next store_df_fold). 0 or -1. */
int store_df_uncount(store *st, int64_t id);
int store_df_count(store *st, int64_t id, const store_terms *terms);

/* Job and page rows (articles.c), inside the caller's transaction. 0 or -1. */
int store_insert_job(store *st, int64_t id, int fetch);
int store_put_page(store *st, int64_t id, const char *html, size_t len);

/* The outbox (webhooks.c), inside the caller's transaction: one delivery
 * of event (a STORE_EV_* bit) about article id per subscription that
 * wants it, its payload the record as this transaction sees it (or {"id"}
 * for a delete). Nothing when nobody wants the event. 0 or -1. */
int store_outbox_add(store *st, int64_t id, unsigned event);

/* A subscription row inside the caller's transaction (webhooks.c): the
 * API's create and the --webhooks-file sync (webhook_file.c). 0 or -1. */
int store_webhook_insert_tx(store *st, const char *url, unsigned events, const char *secret,
                            const char *description, int64_t *id);

/* Rows (name, count) of statement `which` into counts[i] for names[i]
 * (0 for a name without a row). */
store_rc store_count_by_name(store *st, store_stmt_id which, const char *const *names,
                             int n, int64_t *counts);
/* One submission inside the caller's transaction (articles.c). */
store_rc store_submit_in_tx(store *st, const store_submit *sub, const char *now, int64_t *id,
                            int *existed);

/* A record from a row shaped like SQL_GET (columns 0-30) appended as
 * JSON text, as GET /articles/{id} writes it (articles.c). */
void store_row_text(store_jbuf *b, sqlite3_stmt *s, unsigned flags);
/* v in decimal (articles.c). */
void store_jbuf_int(store_jbuf *b, int64_t v);

int store_insert_tag(store *st, int64_t id, const char *facet, const char *tag_id,
                     const char *label, double score);

#endif
