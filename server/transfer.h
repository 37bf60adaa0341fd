/* transfer.h -- export and import of records as NDJSON, shared by the
 * HTTP endpoints (GET /export, POST /import) and the offline
 * subcommands (`skimd export`, `skimd import`).
 *
 * The line format is store_export_line's (storage/store.h): one JSON
 * object per line, {"record": {...}, "store": {...}}. An export walks the
 * ids of a list query page by page (a cursor over ids, newest first), so
 * memory holds one page of ids and one record, never the whole output.
 * An import reads lines as they arrive, keeps at most one line (capped),
 * and restores each in its own transaction: a damaged line is reported
 * by its number and the rest go on.
 */
#ifndef SKIMD_TRANSFER_H
#define SKIMD_TRANSFER_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "storage/store.h"

/* --- export ---------------------------------------------------------- */

typedef struct srv_export srv_export;

/* An export of the records matching q (q->limit is ignored; borrowed
 * strings in q must outlive the export). `st` is borrowed; with
 * snapshot set the export runs in one read transaction on st, so it
 * sees one state of the database (st must then serve nobody else until
 * srv_export_free). NULL when out of memory. */
srv_export *srv_export_new(store *st, const store_query *q, int snapshot);

/* Append the next line (with its "\n") to out: 1 when a line was added,
 * 0 at the end, -1 on a database error (logged). */
int srv_export_next(srv_export *ex, store_jbuf *out);

/* Lines written so far. */
int64_t srv_export_count(const srv_export *ex);

/* Ends the read transaction. Accepts NULL. */
void srv_export_free(srv_export *ex);

/* --- import ---------------------------------------------------------- */

typedef struct srv_import srv_import;

/* An import into st (borrowed), refusing lines longer than max_line
 * bytes and listing at most max_problems problems in its report. NULL
 * when out of memory or the database cannot be read. */
srv_import *srv_import_new(store *st, size_t max_line, size_t max_problems);

/* Feed bytes; each complete line is imported before this returns.
 * Returns 0, or -1 when the database failed (srv_import_failure): the
 * lines before the one that failed stay imported, nothing after is
 * read. */
int srv_import_feed(srv_import *im, const char *data, size_t n);

/* The last line when it has no newline. 0 or -1 as srv_import_feed. */
int srv_import_finish(srv_import *im);

/* STORE_OK, or the store failure that stopped the import. */
store_rc srv_import_failure(const srv_import *im);

/* The report: {"lines": n, "imported": n, "duplicates": n, "invalid": n,
 * "problems": [{"line": n, "id": n|null, "problem": "duplicate-id" |
 * "duplicate-url" | "invalid", "detail": "...", "existing_id"?: n}],
 * "problems_truncated": bool}. Returns new. */
json_t *srv_import_report(const srv_import *im);

void srv_import_free(srv_import *im);

/* --- the subcommands -------------------------------------------------- */

/* `skimd export --db PATH`: every record to stdout; `skimd import --db
 * PATH`: lines from stdin, the report on stdout. Both take the
 * database's lock (no daemon may be using the file). Return the exit
 * code: 0 done (import: even with skipped lines), 1 on errors, 2 on
 * usage. */
int cli_export(int argc, char **argv);
int cli_import(int argc, char **argv);

#endif
