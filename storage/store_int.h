/* store_int.h -- what the storage .c files share and nobody else sees. */
#ifndef SKIMD_STORE_INT_H
#define SKIMD_STORE_INT_H

#include <sqlite3.h>
#include "storage/db.h"
#include "storage/store.h"

struct pg_conn;     /* storage/postgres/pg.h */
struct pg_stmt;

/* Fixed statements, prepared once per connection on first use. */
typedef enum store_stmt_id {
    SQL_BEGIN, SQL_COMMIT, SQL_ROLLBACK, SQL_READ_BEGIN,
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
    SQL_IMPORT_ARTICLE, SQL_EXPORT, SQL_ID_FLOOR, SQL_ID_BUMP, SQL_DF_FOLD_LOCK, SQL_NOTIFY,
    SQL_LEASE_COUNTS,
    SQL_VAL_GET, SQL_VAL_PUT, SQL_VAL_DELETE, SQL_VAL_CHECKED, SQL_UNCHANGED,
    SQL_FEED_FIND, SQL_FEED_INSERT, SQL_FEED_GET, SQL_FEED_LIST, SQL_FEED_DELETE,
    SQL_FEED_POLL_NOW, SQL_FEED_NEXT, SQL_FEED_ITEM_ADD, SQL_FEED_ARTICLE, SQL_FEED_POLLED,
    SQL_FEED_COUNT, SQL_WF_LIST, SQL_WF_MARK, SQL_WF_DROP,
    SQL_COUNT_
} store_stmt_id;

/* List queries are built from the filters present; one cached statement
 * per combination of filters (a bit each). */
#define STORE_LIST_VARIANTS 512
enum {
    F_BEFORE = 1, F_STATUS = 2, F_LANG = 4, F_SINCE = 8, F_UNTIL = 16,
    F_FTS = 32, F_TAG = 64, F_TAG_MANY = 128, F_FEED = 256
};

/* What differs between the dialects' list queries (list_sql.c). */
typedef struct store_list_dialect {
    const char *tag_one, *tag_many;  /* FROM ... WHERE for one tag id / a JSON array */
    const char *tag_group;           /* one row per article of a tag walk */
    const char *fts_from, *fts_key;  /* FROM ... WHERE for a text query; its id column */
    const char *fts_filter;          /* AND ...: the text query beside a tag walk */
    const char *all_from;            /* FROM ... WHERE with no text or tag */
} store_list_dialect;
extern const store_list_dialect store_sqlite_list, store_pg_list;
/* The list query for the filters in variant, into sql (list_sql.c). */
int store_list_sql_build(const store_list_dialect *d, unsigned variant, char *sql, size_t cap);
/* The statement texts of each dialect, by id. */
const char *store_sqlite_sql(store_stmt_id id);
const char *store_pg_sql(store_stmt_id id);

typedef enum store_backend { STORE_SQLITE = 0, STORE_POSTGRES } store_backend;

/* One connection. Exactly one of db and pg is set, as backend says. */
struct store {
    store_backend backend;
    sqlite3 *db;                /* SQLite (storage/sqlite/) */
    struct pg_conn *pg;         /* PostgreSQL (storage/postgres/) */
    db_stmt *stmts[SQL_COUNT_];              /* lazily prepared */
    db_stmt *list_stmts[STORE_LIST_VARIANTS]; /* lazily prepared */
    long long changes_seen;     /* sqlite3_total_changes64 at the last commit */
    int in_tx;                  /* a transaction is open (store_begin, store_read_begin) */
};

/* A statement of one connection: one of the drivers' own. */
struct db_stmt {
    store *st;
    sqlite3_stmt *lite;
    struct pg_stmt *pg;
};

/* The prepared statement `id`, reset and unbound; NULL on error. */
db_stmt *store_stmt(store *st, store_stmt_id id);

/* Prepare sql on st's connection in its driver's dialect (?N parameters
 * are written $N for PostgreSQL by the statement tables themselves);
 * NULL on error (logged). Freed by db_finalize. */
db_stmt *db_prepare(store *st, const char *sql);
void db_finalize(db_stmt *s);

/* The text of statement id in st's dialect. */
const char *store_sql_text(const store *st, store_stmt_id id);
/* The list query for a combination of filters (F_* bits) in st's
 * dialect, into buf; 0 or -1 when it does not fit. */
int store_list_sql(const store *st, unsigned variant, char *buf, size_t cap);

/* The row that statement `which` finds for ?1 = id, as conv(row, flags)
 * makes it (returns new in *out). STORE_NOT_FOUND when there is none. */
store_rc store_row_by_id(store *st, store_stmt_id which, int64_t id,
                         json_t *(*conv)(db_stmt *s, unsigned flags), unsigned flags,
                         json_t **out);

/* Log a SQLite failure on stderr (one JSON line). */
void store_log_error(store *st, const char *what);

/* Register the SQL function skimd_fts_text() (store_fts_text) on db: the
 * schema migration that fills the index uses it. Returns 0 or -1. */
int store_fts_register(sqlite3 *db);

/* Tell the other daemons (PostgreSQL NOTIFY skimd_jobs, sent at this
 * transaction's commit) that article id's job ended, or with id 0 that
 * work was queued; nothing for SQLite. 0 or -1. */
int store_notify(store *st, int64_t id);

/* What SQL_INSERT_FTS binds as ?2 and ?3 for an article's title and
 * content (either NULL): for SQLite the two texts as fts_text.c
 * rewrites them; for PostgreSQL the tsvector of both in ?2 (?3 empty).
 * The caller frees both, also on failure (-1). */
int store_index_texts(const store *st, const char *title, const char *content, char **a,
                      char **b);

/* The full-text query for q in st's dialect: an FTS5 MATCH expression
 * (store_fts_query) or a PostgreSQL tsquery (storage/postgres/). New. */
char *store_text_query(const store *st, const char *q);

/* The end of a write transaction's function: ret as is when STORE_OK
 * (committed); else rolled back (store_abort), STORE_ERROR refined into
 * STORE_BUSY when the connection's error is transient. */
store_rc store_end_write(store *st, store_rc ret, const char *what);

/* The store_rc for the connection's last error: transient ones (busy,
 * locked, disk full, I/O, read-only; for PostgreSQL serialisation
 * failures, deadlocks, lost connections) are STORE_BUSY, the rest
 * STORE_ERROR. */
store_rc store_last_rc(store *st);
/* 1 when the connection's last error says the database cannot take
 * writes (the health check's concern). */
int store_last_file_failure(store *st);

int store_begin(store *st);
int store_commit(store *st);
void store_rollback(store *st);

/* End a write that did not complete: log it when ret is STORE_ERROR or
 * STORE_BUSY (a missing row or a stale job is no error; a failure of the
 * file is also reported to the health check, health.c), roll back,
 * return ret. */
store_rc store_abort(store *st, store_rc ret, const char *what);

/* Helpers shared by articles.c and jobs.c (defined in articles.c). */
void store_bind_text(db_stmt *s, int i, const char *v);   /* text or NULL */
int store_bind_json(db_stmt *s, int i, json_t *v, const char *fallback);
const char *store_obj_str(json_t *rec, const char *key);        /* borrowed */
json_t *store_col_json(db_stmt *s, int i, json_t *(*empty)(void)); /* new */
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
void store_row_text(store_jbuf *b, db_stmt *s, unsigned flags);
/* v in decimal (articles.c). */
void store_jbuf_int(store_jbuf *b, int64_t v);

int store_insert_tag(store *st, int64_t id, const char *facet, const char *tag_id,
                     const char *label, double score);

#endif
