/* sqlite/functions.c -- the SQL functions of SQLite's full-text index.
 *
 * skimd_fts_text(text) and skimd_cjk_chars(text) are storage/fts_text.c's
 * store_fts_text and store_fts_chars: the migrations that build the index
 * from stored articles call them, and skimd_cjk_chars fills the chars
 * column on every insert (SQL_INSERT_FTS).
 */
#include "storage/sqlite/sqlite.h"

#include <stdlib.h>

static void sql_result(sqlite3_context *ctx, sqlite3_value *v,
                       char *(*fn)(const char *, size_t, size_t *))
{
    const char *s = (const char *)sqlite3_value_text(v);
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    size_t len = 0;
    char *t = fn(s, (size_t)sqlite3_value_bytes(v), &len);
    if (!t) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, t, (int)len, free);
}

static void sql_fts_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sql_result(ctx, argv[0], store_fts_text);
}

static void sql_cjk_chars(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sql_result(ctx, argv[0], store_fts_chars);
}

int store_fts_register(sqlite3 *db)
{
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (sqlite3_create_function(db, "skimd_fts_text", 1, flags, NULL, sql_fts_text, NULL,
                                NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "skimd_cjk_chars", 1, flags, NULL, sql_cjk_chars, NULL,
                                NULL) != SQLITE_OK)
        return -1;
    return 0;
}

