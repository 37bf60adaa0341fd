/* webhook_file.c -- the webhook_file table (schema v12), see
 * webhook_file.h.
 *
 * Owns the marking of file subscriptions and the sync. The subscription
 * rows themselves are written by webhooks.c (store_webhook_insert_tx);
 * reading and checking the file is server/webhook_file.c.
 */
#include "storage/webhook_file.h"
#include "storage/store_int.h"

#include <stdlib.h>
#include <string.h>

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp((const char *)a, b));
}

/* Inside the transaction: drop each marked row that no spec matches;
 * kept[i] is set for the specs that have one. 0 or -1. */
static int drop_stale(store *st, const store_hook_spec *specs, size_t n, char *kept,
                      size_t *removed)
{
    int64_t stale[256];
    size_t n_stale = 0;
    db_stmt *s = store_stmt(st, SQL_WF_LIST);
    if (!s)
        return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        size_t i = 0;
        for (; i < n; i++)
            if (!kept[i] && same_text(db_col_text(s, 1), specs[i].url) &&
                (unsigned)db_col_int64(s, 2) == specs[i].events &&
                same_text(db_col_text(s, 3), specs[i].secret) &&
                same_text(db_col_text(s, 4), specs[i].description))
                break;
        if (i < n)
            kept[i] = 1;
        else if (n_stale < sizeof stale / sizeof stale[0])
            stale[n_stale++] = db_col_int64(s, 0);
    }
    db_reset(s);
    if (rc != DB_DONE)
        return -1;
    for (size_t i = 0; i < n_stale; i++) {
        if (store_exec_id(st, SQL_WF_DROP, stale[i]) != 0)
            return -1;
        (*removed)++;
    }
    return 0;
}

store_rc store_webhook_file_sync(store *st, const store_hook_spec *specs, size_t n,
                                 size_t *added, size_t *removed)
{
    size_t a = 0, r = 0;
    char *kept = calloc(n ? n : 1, 1);
    if (!st || (n && !specs) || !kept) {
        free(kept);
        return STORE_ERROR;
    }
    if (store_begin(st) != 0) {
        free(kept);
        return store_abort(st, store_last_rc(st), "begin webhook file sync");
    }
    if (drop_stale(st, specs, n, kept, &r) != 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        int64_t id = 0;
        if (kept[i])
            continue;
        if (store_webhook_insert_tx(st, specs[i].url, specs[i].events, specs[i].secret,
                                    specs[i].description, &id) != 0 ||
            store_exec_id(st, SQL_WF_MARK, id) != 0)
            goto fail;
        a++;
    }
    if (store_commit(st) != 0)
        goto fail;
    free(kept);
    if (added)
        *added = a;
    if (removed)
        *removed = r;
    return STORE_OK;
fail:
    free(kept);
    return store_end_write(st, STORE_ERROR, "webhook file sync");
}
