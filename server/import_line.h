/* import_line.h -- one line of an import, read and checked (import_line.c).
 * Internal to server/transfer.c and its unit test. */
#ifndef SKIMD_IMPORT_LINE_H
#define SKIMD_IMPORT_LINE_H

#include <stddef.h>
#include <jansson.h>

#include "storage/store.h"

/* A checked line: imp points into doc and the buffers below. */
typedef struct srv_import_line {
    json_t *doc;                /* the parsed line; owned */
    store_import imp;           /* what store_article_import takes */
    store_terms terms;          /* imp.terms points here when the line has terms */
    const char **termv;         /* terms.v (malloc'd; strings borrowed from doc) */
    char *norm;                 /* imp.norm_url (malloc'd) */
    int64_t id;                 /* the line's record id, 0 when it has none */
} srv_import_line;

/* Parse and check line[0..len) (an export line, store_export_line). 0
 * with *out filled (release with srv_import_line_release), or -1 with a
 * sentence in why; out->id is still the record's id when one could be
 * read. Nothing is trusted: shapes, types, sizes, timestamps, the
 * invariants of the record's status (a failed or queued record carries
 * no analysis fields), and the URL, normalised again for the dedupe key. */
int srv_import_line_parse(const char *line, size_t len, srv_import_line *out, char *why,
                          size_t why_cap);
void srv_import_line_release(srv_import_line *l);

#endif
