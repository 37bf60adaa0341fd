/* transfer.c -- many records at once: a batch of submissions in one
 * transaction, the export line of a record, the id floor of an import.
 *
 * Owns the shape of an export line (store.h, store_export_line): the
 * record exactly as GET /articles/{id}?include=content,evidence writes
 * it, and what a restore needs beyond it. Writing an imported record is
 * store_article_import (jobs.c, next to store_job_finish_ready, whose
 * rows it must match); reading and checking import lines is
 * server/transfer.c's.
 */
#include "storage/store_int.h"

#include <stdio.h>
#include <string.h>

#define PUT(b, lit) store_jbuf_add((b), (lit), sizeof(lit) - 1)

store_rc store_article_submit_many(store *st, store_batch_item *items, size_t n)
{
    char now[21];
    if (!st || (!items && n))
        return STORE_ERROR;
    store_now_utc(now);
    if (store_begin(st) != 0)
        return store_abort(st, store_last_rc(st), "begin batch");
    for (size_t i = 0; i < n; i++) {
        store_batch_item *it = &items[i];
        if (!it->sub.url)
            continue;
        if (!it->sub.norm_url ||
            store_submit_in_tx(st, &it->sub, now, &it->id, &it->existed) != STORE_OK)
            return store_abort(st, store_last_rc(st), "batch submit");
    }
    if (store_commit(st) != 0)
        return store_abort(st, store_last_rc(st), "commit batch");
    return STORE_OK;
}

store_rc store_export_line(store *st, int64_t id, store_jbuf *out)
{
    db_stmt *s = store_stmt(st, SQL_EXPORT);
    if (!s || !out)
        return STORE_ERROR;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        PUT(out, "{\"record\":");
        store_row_text(out, s, STORE_WITH_CONTENT | STORE_WITH_HTML | STORE_WITH_MARKDOWN |
                                   STORE_WITH_EVIDENCE);
        PUT(out, ",\"store\":{\"generation\":");
        store_jbuf_int(out, db_col_int64(s, 31));
        PUT(out, ",\"content_gen\":");
        store_jbuf_int(out, db_col_int64(s, 32));
        const char *lang = db_col_text(s, 33);
        const char *terms = db_col_text(s, 34);
        /* term_docs.terms is written by df.c as a compact JSON array */
        if (lang && terms && store_json_canonical(terms, strlen(terms)) && terms[0] == '[') {
            PUT(out, ",\"terms\":{\"lang\":");
            if (store_json_string(out, lang, strlen(lang)) != 0)
                out->failed = 1;
            PUT(out, ",\"terms\":");
            store_jbuf_add(out, terms, strlen(terms));
            PUT(out, "}}}");
        } else {
            PUT(out, ",\"terms\":null}}");
        }
    }
    db_reset(s);
    if (rc == DB_DONE)
        return STORE_NOT_FOUND;
    return rc == DB_ROW && !out->failed ? STORE_OK : STORE_ERROR;
}

store_rc store_id_floor(store *st, int64_t *floor)
{
    db_stmt *s = store_stmt(st, SQL_ID_FLOOR);
    if (!s || !floor)
        return STORE_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW)
        *floor = db_col_int64(s, 0);
    db_reset(s);
    return rc == DB_ROW ? STORE_OK : STORE_ERROR;
}
