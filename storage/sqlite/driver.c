/* sqlite/driver.c -- db.h over SQLite: a db_stmt is a sqlite3_stmt;
 * connections open in WAL mode with skimd's busy handler, the SQL
 * functions of the full-text index and the schema brought up to date.
 *
 * storage/db.c sends every db_* call of a SQLite connection here.
 */
#include "storage/sqlite/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "storage/sqlite/schema.h"

/* --- statements ------------------------------------------------------ */

db_stmt *lite_prepare(store *st, const char *sql)
{
    db_stmt *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->st = st;
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->lite, NULL) !=
        SQLITE_OK) {
        store_log_error(st, sql);
        free(s);
        return NULL;
    }
    return s;
}

void lite_finalize(db_stmt *s)
{
    sqlite3_finalize(s->lite);
    free(s);
}

int lite_step(db_stmt *s)
{
    int rc = sqlite3_step(s->lite);
    return rc == SQLITE_ROW ? DB_ROW : rc == SQLITE_DONE ? DB_DONE : DB_FAIL;
}

void lite_bind_text(db_stmt *s, int i, const char *v, int n)
{
    if (v)
        sqlite3_bind_text(s->lite, i, v, n, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s->lite, i);
}

void lite_bind_blob(db_stmt *s, int i, const void *v, size_t n)
{
    sqlite3_bind_blob64(s->lite, i, v, n, SQLITE_TRANSIENT);
}

int lite_exec(store *st, const char *sql)
{
    return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* --- errors ---------------------------------------------------------- */

store_rc lite_last_rc(store *st)
{
    switch (sqlite3_errcode(st->db) & 0xff) {
    case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_FULL: case SQLITE_IOERR:
    case SQLITE_READONLY: case SQLITE_CANTOPEN: case SQLITE_PROTOCOL: case SQLITE_NOMEM:
        return STORE_BUSY;
    default:
        return STORE_ERROR;
    }
}

int lite_file_failure(store *st)
{
    switch (sqlite3_errcode(st->db) & 0xff) {
    case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_READONLY: case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT: case SQLITE_NOTADB: case SQLITE_PROTOCOL:
        return 1;
    default:
        return 0;
    }
}

/* --- connections ----------------------------------------------------- */

/* Busy handler: wait for another connection's write lock in short steps.
 * SQLite's default handler sleeps 1, 2, 5, 10, 15, 20, 25... ms between
 * tries; a worker waiting behind a 2 ms commit then often sleeps 5-25 ms
 * after the lock is free, which halved ingest throughput with 2 workers.
 * Here: 50 us doubling to 1 ms, then every 1 ms, up to STORE_BUSY_MS. */
#define STORE_BUSY_MS 5000
static int store_busy_wait(void *unused, int count)
{
    (void)unused;
    long us = count < 5 ? 50L << count : 1000L;
    long waited_us = count < 5 ? 50L * ((1L << count) - 1) : 1550L + (long)(count - 5) * 1000L;
    if (waited_us >= STORE_BUSY_MS * 1000L)
        return 0;   /* give up: the caller gets SQLITE_BUSY */
    struct timespec ts = { .tv_sec = 0, .tv_nsec = us * 1000L };
    nanosleep(&ts, NULL);
    return 1;
}

int lite_open(store *st, const char *path, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database %s: %s", path,
                 st->db ? sqlite3_errmsg(st->db) : "out of memory");
        return -1;
    }
    sqlite3_busy_handler(st->db, store_busy_wait, NULL);
    /* WAL: readers never block the writer. synchronous=NORMAL: a commit
     * survives a crash of skimd; only a power loss may lose the last
     * transactions, never corrupt the file. */
    if (sqlite3_exec(st->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
                     NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot configure database %s: %s", path,
                 msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return -1;
    }
    if (store_fts_register(st->db) != 0) {
        snprintf(err, errlen, "cannot register skimd_fts_text: %s", sqlite3_errmsg(st->db));
        return -1;
    }
    return store_schema_migrate(st->db, err, errlen);
}

void lite_close(store *st)
{
    sqlite3_close(st->db);
    st->db = NULL;
}

int lite_quick_check(store *st, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot check the database: %s", sqlite3_errmsg(st->db));
        return -1;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(s, 0);
        ok = r && !strcmp(r, "ok");
        if (!ok)
            snprintf(err, errlen, "the database is damaged (PRAGMA quick_check: %.200s); "
                     "restore it from a backup, or try the sqlite3 .recover command on a copy",
                     r ? r : "?");
    } else {
        snprintf(err, errlen, "the database cannot be checked: %s", sqlite3_errmsg(st->db));
    }
    sqlite3_finalize(s);
    return ok ? 0 : -1;
}

int lite_ping(store *st)
{
    sqlite3_stmt *s = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL) ==
        SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        ok = 1;
    sqlite3_finalize(s);
    return ok;
}
