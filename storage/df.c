/* df.c -- document frequencies over the stored articles (tables term_docs,
 * term_df, df_docs; schema v4), for the keyword IDF.
 *
 * Owns counting an article in and out. Its terms (a JSON array) go into
 * term_docs inside the caller's transaction (the one that stores the
 * record); a delete, a refresh or a failure removes that row and, when it
 * was already folded into the sums, subtracts exactly what it added. The
 * sums (term_df, df_docs) are brought up to date in batches by
 * store_df_fold: one upsert per distinct term of the batch rather than
 * one per term of each article, which kept the write lock ten times
 * longer per article (docs/analysis.md). Each fold is one transaction, so
 * a row is summed once or not yet, never twice. Counting an article
 * stored before v4 has its own transaction (store_df_count_missing).
 * Reading the sums back for the analyzer: store_df_load. What the
 * counts mean for ranking is analyze/keywords.c's business.
 */
#include "storage/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_df_uncount(store *st, int64_t id)
{
    /* counts that reach 0 go, the rest go down by one, then the article */
    if (store_exec_id(st, SQL_DF_DROP, id) != 0 || store_exec_id(st, SQL_DF_DEC, id) != 0 ||
        store_exec_id(st, SQL_DF_DOCS_DEC, id) != 0 || store_exec_id(st, SQL_DF_FORGET, id) != 0)
        return -1;
    return 0;
}

/* terms as a JSON array of strings (caller frees); NULL when out of memory.
 * A term that is not valid UTF-8 is left out. */
static char *terms_json(const store_terms *t)
{
    store_jbuf b = {0};
    store_jbuf_add(&b, "[", 1);
    int first = 1;
    for (size_t i = 0; i < t->n; i++) {
        if (!t->v[i] || !t->v[i][0])
            continue;
        if (!first)
            store_jbuf_add(&b, ",", 1);
        size_t before = b.len;
        if (store_json_string(&b, t->v[i], strlen(t->v[i])) != 0) {
            b.len = before - (first ? 0 : 1);   /* drop the comma too */
            if (b.data)
                b.data[b.len] = '\0';
            continue;
        }
        first = 0;
    }
    store_jbuf_add(&b, "]", 1);
    return store_jbuf_take(&b, NULL);
}

int store_df_count(store *st, int64_t id, const store_terms *t)
{
    if (!t || !t->lang || !t->lang[0] || !t->n || !t->v)
        return 0;
    char *json = terms_json(t);
    db_stmt *s = json ? store_stmt(st, SQL_DF_REMEMBER) : NULL;
    int rc = DB_FAIL;
    if (s) {
        db_bind_int64(s, 1, id);
        store_bind_text(s, 2, t->lang);
        store_bind_text(s, 3, json);
        rc = db_step(s);
        db_reset(s);
    }
    free(json);
    return rc == DB_DONE ? 0 : -1;
}

#define FOLD_BATCH 500   /* articles per fold transaction: the write lock stays short */

long store_df_fold(store *st)
{
    static const store_stmt_id steps[] = { SQL_DF_FOLD_TERMS, SQL_DF_FOLD_DOCS, SQL_DF_FOLD_MARK };
    long total = 0;
    for (;;) {
        if (!st || store_begin(st) != 0)
            return -1;
        /* one folder at a time across daemons (PostgreSQL; SQLite has
         * one writer anyway): a second would count the same rows */
        db_stmt *lock = store_stmt(st, SQL_DF_FOLD_LOCK);
        int lrc = lock ? db_step(lock) : DB_FAIL;
        if (lock)
            db_reset(lock);
        if (lrc != DB_ROW) {
            store_abort(st, STORE_ERROR, "fold df lock");
            return -1;
        }
        int marked = -1;
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            db_stmt *s = store_stmt(st, steps[i]);
            int rc = DB_FAIL;
            if (s) {
                db_bind_int64(s, 1, FOLD_BATCH);
                rc = db_step(s);
                db_reset(s);
            }
            if (rc != DB_DONE) {
                marked = -1;
                break;
            }
            marked = (int)db_changes(st);   /* the last step's: rows folded */
        }
        if (marked < 0 || store_commit(st) != 0) {
            store_abort(st, STORE_ERROR, "fold df");
            return -1;
        }
        total += marked;
        if (marked < FOLD_BATCH)
            return total;
    }
}

store_rc store_df_count_missing(store *st, int64_t id, const store_terms *terms)
{
    store_rc ret = STORE_ERROR;
    if (!st || store_begin(st) != 0)
        return STORE_ERROR;
    db_stmt *s = store_stmt(st, SQL_DF_UNCOUNTED);
    if (!s)
        goto done;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    db_reset(s);
    if (rc == DB_DONE) {
        ret = STORE_NOT_FOUND;
        goto done;
    }
    if (rc != DB_ROW || store_df_count(st, id, terms) != 0)
        goto done;
    if (store_commit(st) == 0)
        ret = STORE_OK;
done:
    return ret == STORE_OK ? ret : store_abort(st, ret, "count terms");
}

#define DF_LANGS 16   /* languages read back; only zh and en are counted today */

store_rc store_df_load(store *st, int64_t min_df, int64_t cap, store_df_fn fn, void *arg)
{
    char langs[DF_LANGS][16];
    int64_t docs[DF_LANGS];
    size_t nl = 0;
    store_rc ret = STORE_ERROR;
    if (!st || !fn)
        return STORE_ERROR;
    /* one read snapshot: counts and terms agree */
    if (store_read_begin(st) != 0)
        return STORE_ERROR;
    db_stmt *s = store_stmt(st, SQL_DF_DOCS_ALL);
    int rc = DB_FAIL;
    while (s && (rc = db_step(s)) == DB_ROW) {
        const char *l = db_col_text(s, 0);
        if (nl < DF_LANGS && l && strlen(l) < sizeof langs[0]) {
            snprintf(langs[nl], sizeof langs[nl], "%s", l);
            docs[nl++] = db_col_int64(s, 1);
        }
    }
    if (s)
        db_reset(s);
    if (rc != DB_DONE)
        goto done;
    for (size_t i = 0; i < nl; i++) {
        if (fn(arg, langs[i], NULL, 0, docs[i]) != 0)
            goto done;
        s = store_stmt(st, SQL_DF_TERMS);
        if (!s)
            goto done;
        store_bind_text(s, 1, langs[i]);
        db_bind_int64(s, 2, min_df);
        db_bind_int64(s, 3, cap);
        while ((rc = db_step(s)) == DB_ROW) {
            const char *term = db_col_text(s, 0);
            int len = db_col_bytes(s, 0);
            if (term && fn(arg, langs[i], term, (size_t)len, db_col_int64(s, 1)) != 0)
                break;
        }
        db_reset(s);
        if (rc != DB_DONE)
            goto done;
    }
    ret = STORE_OK;
done:
    if (ret != STORE_OK && rc != DB_ROW)
        store_log_error(st, "load df");
    store_read_end(st);
    return ret;
}
