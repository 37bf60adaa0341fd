/* db.h -- the one SQL interface storage/ is written against, whichever
 * database runs under it.
 *
 * The storage/ modules (articles, jobs, document frequencies, webhooks, transfer)
 * hold skimd's storage logic once; they run statements through db_stmt,
 * whose two drivers are storage/sqlite/driver.c (a sqlite3_stmt) and
 * storage/postgres/driver.c (a libpq prepared statement). Each driver
 * has its own text for every statement (storage/sqlite/sql.c,
 * storage/postgres/sql.c) and its own schema and migrations; the
 * statements take the same parameters (?1..?N in SQLite, $1..$N in
 * PostgreSQL) and return the same columns, so the logic above cannot
 * tell which one answers.
 *
 * The calls follow SQLite's shape: bind, step until DB_DONE, reset.
 * Values a column call returns stay valid until the next step or reset
 * of the statement. Parameters are copied when bound.
 */
#ifndef SKIMD_DB_H
#define SKIMD_DB_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;
typedef struct db_stmt db_stmt;

/* db_step's results (the values are SQLite's own). */
#define DB_OK   0
#define DB_FAIL 1
#define DB_ROW  100
#define DB_DONE 101

/* Run the statement: DB_ROW while rows come, then DB_DONE; DB_FAIL on an
 * error (the connection's error says which, db_errmsg). */
int db_step(db_stmt *s);
/* Ready the statement to run again; its bindings stay until rebound. */
void db_reset(db_stmt *s);
/* Forget every binding (all parameters NULL). */
void db_clear(db_stmt *s);

/* Parameter i (from 1). A NULL text is SQL NULL; n < 0: up to the NUL. */
void db_bind_int64(db_stmt *s, int i, int64_t v);
void db_bind_double(db_stmt *s, int i, double v);
void db_bind_text(db_stmt *s, int i, const char *v, int n);
void db_bind_blob(db_stmt *s, int i, const void *v, size_t n);
void db_bind_null(db_stmt *s, int i);

/* Column i (from 0) of the current row. */
int db_col_null(db_stmt *s, int i);
int64_t db_col_int64(db_stmt *s, int i);
double db_col_double(db_stmt *s, int i);
const char *db_col_text(db_stmt *s, int i);         /* NULL for SQL NULL */
const void *db_col_blob(db_stmt *s, int i);
int db_col_bytes(db_stmt *s, int i);                /* of text or blob */

/* Rows the last statement of st that finished changed. */
int64_t db_changes(store *st);
/* The last error of st's connection, for a log line. */
const char *db_errmsg(store *st);
/* Run sql (no parameters, no rows wanted): 0 or -1. */
int db_exec(store *st, const char *sql);

#endif
