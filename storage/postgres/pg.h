/* postgres/pg.h -- the PostgreSQL driver's side of db.h
 * (postgres/driver.c), its schema (postgres/schema.c), its text search
 * (postgres/tsearch.c) and its notifications (postgres/notify.c).
 * Only storage/ calls these. */
#ifndef SKIMD_PG_DRIVER_H
#define SKIMD_PG_DRIVER_H

#include <libpq-fe.h>

#include "storage/store_int.h"

/* 1 when a --db value names a PostgreSQL database (a postgres:// or
 * postgresql:// URI). */
int pg_is_uri(const char *db);

/* Connect st to the database at uri and bring its schema up to date
 * (under an advisory lock: daemons starting together migrate once).
 * 0, or -1 with err (the URI's password never appears in it). */
int pg_open(store *st, const char *uri, char *err, size_t errlen);
void pg_close(store *st);
int pg_ping(store *st);

db_stmt *pg_prepare(store *st, const char *sql);
void pg_finalize(db_stmt *s);
int pg_step(db_stmt *s);
void pg_reset(db_stmt *s);
void pg_clear(db_stmt *s);
void pg_bind_int64(db_stmt *s, int i, int64_t v);
void pg_bind_double(db_stmt *s, int i, double v);
void pg_bind_text(db_stmt *s, int i, const char *v, int n);
void pg_bind_blob(db_stmt *s, int i, const void *v, size_t n);
int pg_col_null(db_stmt *s, int i);
int64_t pg_col_int64(db_stmt *s, int i);
double pg_col_double(db_stmt *s, int i);
const char *pg_col_text(db_stmt *s, int i);
const void *pg_col_blob(db_stmt *s, int i);
int pg_col_bytes(db_stmt *s, int i);
int64_t pg_changes(store *st);
const char *pg_errmsg(store *st);
int pg_exec(store *st, const char *sql);
store_rc pg_last_rc(store *st);
int pg_write_failure(store *st);

/* This process's token in NOTIFY payloads ("<token> <id>", id 0 for
 * queued work; postgres/notify.c): a daemon's listener skips its own
 * notifications, which its own code has acted on already. */
const char *pg_self_token(void);

/* The schema (postgres/schema.c): migrate conn; 0 or -1 with err. */
int pg_schema_migrate(PGconn *conn, char *err, size_t errlen);

/* The tsquery text for a user's q (postgres/tsearch.c), same meaning
 * as store_fts_query's FTS5 expression; new, NULL on error. */
char *store_pg_tsquery(const char *q);

/* The tsvector text (a literal for ::tsvector) of an article: title
 * words weight A, content words B, the distinct CJK characters and the
 * words glued to them C (postgres/tsearch.c). New, NULL on error. */
char *store_pg_tsvector(const char *title, const char *content);

#endif
