/* sqlite/sqlite.h -- the SQLite driver's side of db.h (sqlite/driver.c).
 * Only storage/db.c and storage/store.c call these; the simple calls
 * (bind a number, read a column) are inline. */
#ifndef SKIMD_SQLITE_DRIVER_H
#define SKIMD_SQLITE_DRIVER_H

#include "storage/store_int.h"

/* Open path into st->db, configured and migrated; 0 or -1 with err. */
int lite_open(store *st, const char *path, char *err, size_t errlen);
void lite_close(store *st);
int lite_quick_check(store *st, char *err, size_t errlen);
int lite_ping(store *st);

db_stmt *lite_prepare(store *st, const char *sql);
void lite_finalize(db_stmt *s);
int lite_step(db_stmt *s);
void lite_bind_text(db_stmt *s, int i, const char *v, int n);
void lite_bind_blob(db_stmt *s, int i, const void *v, size_t n);
int lite_exec(store *st, const char *sql);
store_rc lite_last_rc(store *st);
int lite_file_failure(store *st);

#endif
