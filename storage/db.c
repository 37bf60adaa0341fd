/* db.c -- db.h's calls, sent to the driver of the statement's connection
 * (storage/sqlite/driver.c or storage/postgres/driver.c), and what a
 * connection's backend decides: errors, pings, checks. */
#include "storage/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/postgres/pg.h"
#include "storage/sqlite/sqlite.h"

db_stmt *db_prepare(store *st, const char *sql)
{
    return st->backend == STORE_POSTGRES ? pg_prepare(st, sql) : lite_prepare(st, sql);
}

void db_finalize(db_stmt *s)
{
    if (!s)
        return;
    if (s->pg)
        pg_finalize(s);
    else
        lite_finalize(s);
}

int db_step(db_stmt *s) { return s->pg ? pg_step(s) : lite_step(s); }

void db_reset(db_stmt *s)
{
    if (s->pg)
        pg_reset(s);
    else
        sqlite3_reset(s->lite);
}

void db_clear(db_stmt *s)
{
    if (s->pg)
        pg_clear(s);
    else
        sqlite3_clear_bindings(s->lite);
}

void db_bind_int64(db_stmt *s, int i, int64_t v)
{
    if (s->pg)
        pg_bind_int64(s, i, v);
    else
        sqlite3_bind_int64(s->lite, i, v);
}

void db_bind_double(db_stmt *s, int i, double v)
{
    if (s->pg)
        pg_bind_double(s, i, v);
    else
        sqlite3_bind_double(s->lite, i, v);
}

void db_bind_text(db_stmt *s, int i, const char *v, int n)
{
    if (s->pg)
        pg_bind_text(s, i, v, n);
    else
        lite_bind_text(s, i, v, n);
}

void db_bind_blob(db_stmt *s, int i, const void *v, size_t n)
{
    if (s->pg)
        pg_bind_blob(s, i, v, n);
    else
        lite_bind_blob(s, i, v, n);
}

void db_bind_null(db_stmt *s, int i)
{
    if (s->pg)
        pg_bind_text(s, i, NULL, 0);
    else
        sqlite3_bind_null(s->lite, i);
}

int db_col_null(db_stmt *s, int i)
{
    return s->pg ? pg_col_null(s, i) : sqlite3_column_type(s->lite, i) == SQLITE_NULL;
}

int64_t db_col_int64(db_stmt *s, int i)
{
    return s->pg ? pg_col_int64(s, i) : sqlite3_column_int64(s->lite, i);
}

double db_col_double(db_stmt *s, int i)
{
    return s->pg ? pg_col_double(s, i) : sqlite3_column_double(s->lite, i);
}

const char *db_col_text(db_stmt *s, int i)
{
    return s->pg ? pg_col_text(s, i) : (const char *)sqlite3_column_text(s->lite, i);
}

const void *db_col_blob(db_stmt *s, int i)
{
    return s->pg ? pg_col_blob(s, i) : sqlite3_column_blob(s->lite, i);
}

int db_col_bytes(db_stmt *s, int i)
{
    return s->pg ? pg_col_bytes(s, i) : sqlite3_column_bytes(s->lite, i);
}

int64_t db_changes(store *st)
{
    return st->backend == STORE_POSTGRES ? pg_changes(st) : sqlite3_changes(st->db);
}

const char *db_errmsg(store *st)
{
    if (!st)
        return "no connection";
    if (st->backend == STORE_POSTGRES)
        return pg_errmsg(st);
    return st->db ? sqlite3_errmsg(st->db) : "no connection";
}

int db_exec(store *st, const char *sql)
{
    return st->backend == STORE_POSTGRES ? pg_exec(st, sql) : lite_exec(st, sql);
}

/* --- what the backend decides ------------------------------------------ */

const char *store_sql_text(const store *st, store_stmt_id id)
{
    return st->backend == STORE_POSTGRES ? store_pg_sql(id) : store_sqlite_sql(id);
}

int store_list_sql(const store *st, unsigned variant, char *buf, size_t cap)
{
    return store_list_sql_build(st->backend == STORE_POSTGRES ? &store_pg_list
                                                               : &store_sqlite_list,
                                variant, buf, cap);
}

store_rc store_last_rc(store *st)
{
    if (!st || (!st->db && !st->pg))
        return STORE_ERROR;
    return st->backend == STORE_POSTGRES ? pg_last_rc(st) : lite_last_rc(st);
}

int store_last_file_failure(store *st)
{
    if (!st || (!st->db && !st->pg))
        return 0;
    return st->backend == STORE_POSTGRES ? pg_write_failure(st) : lite_file_failure(st);
}

int store_quick_check(store *st, char *err, size_t errlen)
{
    if (!st) {
        snprintf(err, errlen, "cannot check the database: no connection");
        return -1;
    }
    /* PostgreSQL checks its own pages (data checksums, amcheck) */
    return st->backend == STORE_POSTGRES ? 0 : lite_quick_check(st, err, errlen);
}

int store_ping(store *st)
{
    if (!st || (!st->db && !st->pg))
        return 0;
    return st->backend == STORE_POSTGRES ? pg_ping(st) : lite_ping(st);
}

char *store_text_query(const store *st, const char *q)
{
    return st->backend == STORE_POSTGRES ? store_pg_tsquery(q) : store_fts_query(q);
}

int store_notify(store *st, int64_t id)
{
    if (st->backend != STORE_POSTGRES)
        return 0;
    char payload[96];
    db_stmt *s = store_stmt(st, SQL_NOTIFY);
    if (!s)
        return -1;
    snprintf(payload, sizeof payload, "%s %lld", pg_self_token(), (long long)(id > 0 ? id : 0));
    db_bind_text(s, 1, payload, -1);
    int rc = db_step(s);
    db_reset(s);
    return rc == DB_ROW ? 0 : -1;
}

int store_index_texts(const store *st, const char *title, const char *content, char **a,
                      char **b)
{
    const char *t = title ? title : "", *c = content ? content : "";
    if (st->backend == STORE_POSTGRES) {
        *a = store_pg_tsvector(t, c);
        *b = strdup("");
    } else {
        *a = store_fts_text(t, strlen(t), NULL);
        *b = store_fts_text(c, strlen(c), NULL);
    }
    return *a && *b ? 0 : -1;
}
