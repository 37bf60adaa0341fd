/* schema.h -- bring a database to the current schema version. */
#ifndef SKIMD_SCHEMA_H
#define SKIMD_SCHEMA_H

#include <stddef.h>
#include <sqlite3.h>

/* Apply every migration the database lacks. Returns 0, or -1 with a
 * message in err (the database is left at the last complete version). */
int store_schema_migrate(sqlite3 *db, char *err, size_t errlen);

#endif
