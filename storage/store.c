/* store.c -- SQLite connections: opening, pragmas, statement cache,
 * per-thread connections and time helpers.
 *
 * Queries over articles, tags, events and jobs live in articles.c.
 */
#include "storage/store_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "storage/health.h"
#include "storage/schema.h"

static const char *const fixed_sql[SQL_COUNT_] = {
    [SQL_BEGIN] = "BEGIN IMMEDIATE",
    [SQL_COMMIT] = "COMMIT",
    [SQL_ROLLBACK] = "ROLLBACK",
    [SQL_FIND_BY_URL] =
        "SELECT id FROM articles WHERE norm_url = ?1 OR canonical_norm = ?1 "
        "ORDER BY norm_url = ?1 DESC, id LIMIT 1",
    [SQL_INSERT_ARTICLE] =
        "INSERT INTO articles(url, norm_url, status, user_tags, tags, sort_time, "
        "created_at, updated_at) VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?5, ?5)",
    [SQL_INSERT_JOB] =
        /* a requeue replaces the row: new generation, no lease */
        "INSERT OR REPLACE INTO jobs(article_id, generation, fetch, enqueued_ms) "
        "SELECT id, generation, ?2, ?3 FROM articles WHERE id = ?1",
    [SQL_INSERT_TAG] =
        "INSERT OR REPLACE INTO article_tags(article_id, facet, tag_id, label, "
        "label_fold, score) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [SQL_GET] =
        "SELECT id, url, norm_url, canonical_url, status, error_code, error_message, "
        "title, site_name, author, published_at, modified_at, language, summary, "
        "description, image_url, keywords, tags, events, word_count, created_at, "
        "updated_at, content, tag_evidence, last_refresh, "
        "(SELECT CASE WHEN lease_owner IS NULL THEN 'queued' ELSE 'running' END "
        " FROM jobs WHERE article_id = articles.id), authors, content_html, content_markdown "
        "FROM articles WHERE id = ?1",
    [SQL_GET_STATUS] = "SELECT status FROM articles WHERE id = ?1",
    [SQL_DELETE] = "DELETE FROM articles WHERE id = ?1",
    [SQL_DELETE_FTS] = "DELETE FROM articles_fts WHERE rowid = ?1",
    [SQL_REQUEUE] =
        /* a ready record stays ready (and searchable) while it is read again */
        "UPDATE articles SET generation = generation + 1, "
        "status = CASE WHEN content_gen > 0 THEN status ELSE 'queued' END, "
        "error_code = CASE WHEN content_gen > 0 THEN error_code END, "
        "error_message = CASE WHEN content_gen > 0 THEN error_message END, "
        "updated_at = ?2 WHERE id = ?1",
    [SQL_CLAIM] =
        "SELECT j.article_id, j.generation, j.fetch, a.norm_url, a.content_gen "
        "FROM jobs j JOIN articles a ON a.id = j.article_id "
        "WHERE j.lease_owner IS NULL AND j.not_before_ms <= ?1 "
        "ORDER BY j.enqueued_ms, j.article_id LIMIT 1",
    [SQL_MARK_FETCHING] =
        "UPDATE articles SET status = 'fetching', updated_at = ?2 WHERE id = ?1 "
        "AND status = 'queued'",
    [SQL_LEASE_TAKE] =
        "UPDATE jobs SET lease_owner = ?3, lease_expires_ms = ?4, attempts = attempts + 1 "
        "WHERE article_id = ?1 AND generation = ?2 AND lease_owner IS NULL",
    [SQL_LEASE_RENEW] =
        "UPDATE jobs SET lease_expires_ms = ?4 "
        "WHERE article_id = ?1 AND generation = ?2 AND lease_owner = ?3",
    [SQL_LEASE_HELD] =
        "SELECT 1 FROM jobs WHERE article_id = ?1 AND generation = ?2 AND lease_owner = ?3",
    [SQL_LEASE_GIVE_BACK] =
        "UPDATE jobs SET lease_owner = NULL, lease_expires_ms = NULL, not_before_ms = ?4 "
        "WHERE article_id = ?1 AND generation = ?2 AND lease_owner = ?3",
    [SQL_UNMARK_FETCHING] =
        "UPDATE articles SET status = 'queued' WHERE id = ?1 AND generation = ?2 "
        "AND status = 'fetching'",
    [SQL_REAP_ARTICLES] =
        "UPDATE articles SET status = 'queued' WHERE status = 'fetching' AND id IN "
        "(SELECT article_id FROM jobs WHERE lease_owner IS NOT NULL AND "
        " (lease_expires_ms < ?1 OR (?2 IS NOT NULL AND lease_owner <> ?2)))",
    [SQL_REAP_JOBS] =
        "UPDATE jobs SET lease_owner = NULL, lease_expires_ms = NULL "
        "WHERE lease_owner IS NOT NULL AND "
        "(lease_expires_ms < ?1 OR (?2 IS NOT NULL AND lease_owner <> ?2))",
    [SQL_PAGE_GET] = "SELECT html FROM pages WHERE article_id = ?1",
    [SQL_PAGE_PUT] = "INSERT OR REPLACE INTO pages(article_id, html) VALUES (?1, ?2)",
    [SQL_PAGE_DELETE] = "DELETE FROM pages WHERE article_id = ?1",
    [SQL_PAGE_EXISTS] = "SELECT 1 FROM pages WHERE article_id = ?1",
    [SQL_JOB_PENDING] = "SELECT generation FROM jobs WHERE article_id = ?1",
    [SQL_SET_USER_TAGS] = "UPDATE articles SET user_tags = ?2, tags = ?3, updated_at = ?4 WHERE id = ?1",
    [SQL_ARTICLE_TAGS] = "SELECT user_tags, tags FROM articles WHERE id = ?1",
    [SQL_DELETE_USER_TAGS] = "DELETE FROM article_tags WHERE article_id = ?1 AND facet = 'user'",
    [SQL_READY] =
        "UPDATE articles SET status = 'ready', error_code = NULL, error_message = NULL, "
        "canonical_url = ?2, canonical_norm = ?3, title = ?4, site_name = ?5, "
        "author = ?6, published_at = ?7, modified_at = ?8, language = ?9, "
        "summary = ?10, description = ?11, image_url = ?12, keywords = ?13, "
        "tags = ?14, tag_evidence = ?15, events = ?16, word_count = ?17, "
        "content = ?18, sort_time = coalesce(?19, created_at), updated_at = ?20, "
        "content_gen = ?21, authors = ?22, content_html = ?23, content_markdown = ?24, "
        "last_refresh = CASE WHEN ?21 > 1 THEN "
        "  json_object('at', ?20, 'status', 'ready', 'error', NULL) END "
        "WHERE id = ?1 AND generation = ?21",
    [SQL_FAILED] =
        /* a first read that failed: no analysis fields (the "user" tags stay) */
        "UPDATE articles SET status = 'failed', error_code = ?2, error_message = ?3, "
        "updated_at = ?4, title = NULL, site_name = NULL, author = NULL, "
        "published_at = NULL, modified_at = NULL, language = NULL, summary = NULL, "
        "description = NULL, image_url = NULL, keywords = '[]', tag_evidence = '{}', "
        "events = '[]', word_count = NULL, content = NULL, sort_time = created_at, "
        "authors = '[]', content_html = NULL, content_markdown = NULL, "
        "tags = CASE WHEN user_tags = '[]' THEN '{}' ELSE json_object('user', json(user_tags)) END, "
        "last_refresh = CASE WHEN ?5 > 1 THEN json_object('at', ?4, 'status', 'failed', "
        "  'error', json_object('code', ?2, 'message', ?3)) END "
        "WHERE id = ?1 AND generation = ?5 AND content_gen = 0",
    [SQL_REFRESH_FAILED] =
        /* a refresh that failed: the last good version stays */
        "UPDATE articles SET last_refresh = json_object('at', ?4, 'status', 'failed', "
        "  'error', json_object('code', ?2, 'message', ?3)), updated_at = ?4 "
        "WHERE id = ?1 AND generation = ?5 AND content_gen > 0",
    [SQL_DELETE_JOB] = "DELETE FROM jobs WHERE article_id = ?1 AND generation = ?2",
    [SQL_DELETE_TAGS] = "DELETE FROM article_tags WHERE article_id = ?1 AND facet <> 'user'",
    [SQL_DELETE_EVENTS] = "DELETE FROM events WHERE article_id = ?1",
    [SQL_INSERT_EVENT] =
        "INSERT INTO events(article_id, seq, text, date, actors) VALUES (?1, ?2, ?3, ?4, ?5)",
    /* chars from the stored text itself (written just before): the
     * index's text has lost which word touches which CJK character */
    [SQL_INSERT_FTS] = "INSERT INTO articles_fts(rowid, title, content, chars) "
                       "SELECT ?1, ?2, ?3, skimd_cjk_chars(coalesce(title, '') || char(10) || "
                       "coalesce(content, '')) FROM articles WHERE id = ?1",
    [SQL_COUNTS] = "SELECT status, count(*) FROM articles GROUP BY status",
    [SQL_TAGS_ALL] =
        "SELECT facet, label, tag_id, n FROM tag_counts "
        "ORDER BY n DESC, facet, label LIMIT 1000",
    [SQL_TAGS_FACET] =
        "SELECT facet, label, tag_id, n FROM tag_counts WHERE facet = ?1 "
        "ORDER BY n DESC, label LIMIT 1000",
    [SQL_USER_TAGS] = "SELECT user_tags FROM articles WHERE id = ?1",
    [SQL_TAG_PROBE] = "SELECT 1 FROM article_tags WHERE tag_id = ?1 LIMIT 1",
    [SQL_TAG_BY_LABEL] =
        "SELECT tag_id FROM article_tags WHERE label_fold = ?1 AND tag_id > ?2 "
        "ORDER BY tag_id LIMIT 1",
    [SQL_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [SQL_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
    [SQL_NEXT_READY] =
        "SELECT id, title, content, published_at, language, content_gen FROM articles "
        "WHERE status = 'ready' AND id > ?1 ORDER BY id LIMIT 1",
    [SQL_SET_TAGS] =
        "UPDATE articles SET tags = ?2, tag_evidence = ?3, events = ?4 "
        "WHERE id = ?1 AND status = 'ready' AND content_gen = ?5",
    /* document frequencies (df.c); ?1 is the article id, or the batch
     * size for the folds. Only a folded row has counts to take back. */
    [SQL_DF_DROP] =
        "DELETE FROM term_df WHERE df <= 1 "
        "AND lang = (SELECT lang FROM term_docs WHERE article_id = ?1 AND folded = 1) "
        "AND term IN (SELECT value FROM json_each((SELECT terms FROM term_docs WHERE article_id = ?1)))",
    [SQL_DF_DEC] =
        "UPDATE term_df SET df = df - 1 "
        "WHERE lang = (SELECT lang FROM term_docs WHERE article_id = ?1 AND folded = 1) "
        "AND term IN (SELECT value FROM json_each((SELECT terms FROM term_docs WHERE article_id = ?1)))",
    [SQL_DF_DOCS_DEC] =
        "UPDATE df_docs SET n = n - 1 "
        "WHERE lang = (SELECT lang FROM term_docs WHERE article_id = ?1 AND folded = 1)",
    [SQL_DF_FORGET] = "DELETE FROM term_docs WHERE article_id = ?1",
    [SQL_DF_REMEMBER] = "INSERT INTO term_docs(article_id, lang, terms) VALUES (?1, ?2, ?3)",
    [SQL_DF_FOLD_TERMS] =
        "INSERT INTO term_df(lang, term, df) "
        "SELECT lang, term, n FROM (SELECT d.lang AS lang, j.value AS term, "
        "  count(DISTINCT d.article_id) AS n FROM term_docs d, json_each(d.terms) j "
        "  WHERE d.article_id IN (SELECT article_id FROM term_docs WHERE folded = 0 "
        "                         ORDER BY article_id LIMIT ?1) AND j.type = 'text' "
        "  GROUP BY d.lang, j.value) WHERE 1 "
        "ON CONFLICT(lang, term) DO UPDATE SET df = df + excluded.df",
    [SQL_DF_FOLD_DOCS] =
        "INSERT INTO df_docs(lang, n) "
        "SELECT lang, count(*) FROM term_docs WHERE article_id IN "
        "  (SELECT article_id FROM term_docs WHERE folded = 0 ORDER BY article_id LIMIT ?1) "
        "GROUP BY lang ON CONFLICT(lang) DO UPDATE SET n = n + excluded.n",
    [SQL_DF_FOLD_MARK] =
        "UPDATE term_docs SET folded = 1 WHERE article_id IN "
        "  (SELECT article_id FROM term_docs WHERE folded = 0 ORDER BY article_id LIMIT ?1)",
    [SQL_DF_UNCOUNTED] =
        "SELECT 1 FROM articles WHERE id = ?1 AND status = 'ready' "
        "AND NOT EXISTS (SELECT 1 FROM term_docs WHERE article_id = ?1)",
    [SQL_DF_DOCS_ALL] = "SELECT lang, n FROM df_docs WHERE n > 0 ORDER BY lang",
    [SQL_DF_TERMS] =
        "SELECT term, df FROM term_df WHERE lang = ?1 AND df >= ?2 ORDER BY df DESC, term LIMIT ?3",
    /* webhooks (webhooks.c); ?1 of the outbox pair is the event bit */
    [SQL_WH_WANTED] = "SELECT 1 FROM webhooks WHERE events & ?1 LIMIT 1",
    [SQL_WH_OUTBOX] =
        "INSERT INTO webhook_deliveries(msg_id, webhook_id, event, article_id, payload, "
        "created_ms, next_ms) SELECT 'msg_' || lower(hex(randomblob(16))), id, ?2, ?3, ?4, ?5, ?5 "
        "FROM webhooks WHERE events & ?1",
    [SQL_WH_INSERT] =
        "INSERT INTO webhooks(url, events, secret, description, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)",
    [SQL_WH_GET] = "SELECT id, url, events, description, created_at FROM webhooks WHERE id = ?1",
    [SQL_WH_LIST] =
        "SELECT id, url, events, description, created_at FROM webhooks ORDER BY id LIMIT 1000",
    [SQL_WH_DELETE] = "DELETE FROM webhooks WHERE id = ?1",
    [SQL_WH_DELIVERIES] =
        "SELECT id, msg_id, event, article_id, state, attempts, created_ms, next_ms, "
        "last_status, last_error, done_ms FROM webhook_deliveries "
        "WHERE webhook_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
    [SQL_WH_ATTEMPTS] =
        "SELECT at_ms, status_code, error FROM webhook_attempts WHERE delivery_id = ?1 "
        "ORDER BY seq",
    [SQL_WH_DUE] =
        "SELECT d.id, d.msg_id, w.url, w.secret, d.payload, d.created_ms, d.attempts "
        "FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "
        "WHERE d.state = 'pending' AND d.next_ms <= ?1 ORDER BY d.next_ms, d.id LIMIT 1",
    [SQL_WH_NEXT_DUE] = "SELECT min(next_ms) FROM webhook_deliveries WHERE state = 'pending'",
    [SQL_WH_SETTLE] =
        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?2, "
        "last_error = ?3, state = CASE WHEN ?4 THEN 'delivered' WHEN ?5 = 0 THEN 'dead' "
        "ELSE 'pending' END, next_ms = CASE WHEN ?4 OR ?5 = 0 THEN NULL ELSE ?5 END, "
        "done_ms = CASE WHEN ?4 OR ?5 = 0 THEN ?6 END WHERE id = ?1 AND state = 'pending'",
    [SQL_WH_ATTEMPT_ADD] =
        "INSERT INTO webhook_attempts(delivery_id, seq, at_ms, status_code, error) "
        "SELECT id, attempts, ?2, ?3, ?4 FROM webhook_deliveries WHERE id = ?1",
    [SQL_WH_COUNTS] = "SELECT state, count(*) FROM webhook_deliveries GROUP BY state",
    /* batches, export, import (transfer.c, jobs.c) */
    [SQL_IMPORT_ARTICLE] =
        "INSERT INTO articles(id, url, norm_url, canonical_url, status, error_code, "
        "error_message, title, site_name, author, published_at, modified_at, language, "
        "summary, description, image_url, keywords, tags, tag_evidence, events, user_tags, "
        "word_count, content, sort_time, created_at, updated_at, generation, content_gen, "
        "last_refresh, authors, content_html, content_markdown) VALUES (?1, ?2, ?3, ?4, ?5, "
        "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, "
        "?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)",
    [SQL_EXPORT] =
        "SELECT id, url, norm_url, canonical_url, status, error_code, error_message, "
        "title, site_name, author, published_at, modified_at, language, summary, "
        "description, image_url, keywords, tags, events, word_count, created_at, "
        "updated_at, content, tag_evidence, last_refresh, "
        "(SELECT CASE WHEN lease_owner IS NULL THEN 'queued' ELSE 'running' END "
        " FROM jobs WHERE article_id = articles.id), authors, content_html, content_markdown, "
        "generation, content_gen, "
        "(SELECT lang FROM term_docs WHERE article_id = articles.id), "
        "(SELECT terms FROM term_docs WHERE article_id = articles.id) "
        "FROM articles WHERE id = ?1",
    [SQL_ID_FLOOR] =
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'articles'), 0), "
        "coalesce((SELECT max(id) FROM articles), 0))",
};

void store_log_error(store *st, const char *what)
{
    json_t *line = json_pack("{s:s, s:s, s:s}", "level", "error", "what", what,
                             "sqlite", st && st->db ? sqlite3_errmsg(st->db) : "no connection");
    char *s = line ? json_dumps(line, JSON_COMPACT) : NULL;
    if (s)
        fprintf(stderr, "%s\n", s);
    free(s);
    json_decref(line);
}

sqlite3_stmt *store_stmt(store *st, store_stmt_id id)
{
    if (!st || id >= SQL_COUNT_)
        return NULL;
    if (!st->stmts[id]) {
        if (sqlite3_prepare_v3(st->db, fixed_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                               &st->stmts[id], NULL) != SQLITE_OK) {
            store_log_error(st, fixed_sql[id]);
            st->stmts[id] = NULL;
            return NULL;
        }
    } else {
        sqlite3_reset(st->stmts[id]);
        sqlite3_clear_bindings(st->stmts[id]);
    }
    return st->stmts[id];
}

static int exec_simple(store *st, store_stmt_id id)
{
    sqlite3_stmt *s = store_stmt(st, id);
    int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
    if (s)
        sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

store_rc store_row_by_id(store *st, store_stmt_id which, int64_t id,
                         json_t *(*conv)(sqlite3_stmt *s, unsigned flags), unsigned flags,
                         json_t **out)
{
    sqlite3_stmt *s = store_stmt(st, which);
    if (!s || !out)
        return STORE_ERROR;
    *out = NULL;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = conv(s, flags);
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return *out ? STORE_OK : STORE_ERROR;
}

store_rc store_rc_of(int sqlite_rc)
{
    switch (sqlite_rc & 0xff) {
    case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_FULL: case SQLITE_IOERR:
    case SQLITE_READONLY: case SQLITE_CANTOPEN: case SQLITE_PROTOCOL: case SQLITE_NOMEM:
        return STORE_BUSY;
    default:
        return STORE_ERROR;
    }
}

store_rc store_last_rc(store *st)
{
    return st && st->db ? store_rc_of(sqlite3_errcode(st->db)) : STORE_ERROR;
}

/* Errors that say the file cannot take writes (the health check's concern). */
static int file_failure(int sqlite_rc)
{
    switch (sqlite_rc & 0xff) {
    case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_READONLY: case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT: case SQLITE_NOTADB: case SQLITE_PROTOCOL:
        return 1;
    default:
        return 0;
    }
}

int store_begin(store *st) { return exec_simple(st, SQL_BEGIN); }

int store_commit(store *st)
{
    if (exec_simple(st, SQL_COMMIT) != 0) {
        if (st && st->db && file_failure(sqlite3_errcode(st->db)))
            store_health_write_failed(sqlite3_errmsg(st->db));
        return -1;
    }
    /* only a commit that changed rows wrote pages: proof the file takes writes */
    long long changes = sqlite3_total_changes64(st->db);
    if (changes != st->changes_seen)
        store_health_write_ok();
    st->changes_seen = changes;
    return 0;
}

void store_rollback(store *st)
{
    if (st && st->db && !sqlite3_get_autocommit(st->db))
        exec_simple(st, SQL_ROLLBACK);
}

store_rc store_end_write(store *st, store_rc ret, const char *what)
{
    if (ret == STORE_OK)
        return ret;
    if (ret == STORE_ERROR)
        ret = store_last_rc(st);
    return store_abort(st, ret, what);
}

store_rc store_abort(store *st, store_rc ret, const char *what)
{
    if (ret == STORE_ERROR || ret == STORE_BUSY) {
        store_log_error(st, what);
        if (st && st->db && file_failure(sqlite3_errcode(st->db)))
            store_health_write_failed(sqlite3_errmsg(st->db));
    }
    store_rollback(st);
    return ret;
}

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

int store_open(const char *path, store **out, char *err, size_t errlen)
{
    store *st = NULL;
    char *msg = NULL;
    if (!path || !out) {
        snprintf(err, errlen, "store_open: bad arguments");
        return -1;
    }
    *out = NULL;
    st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database %s: %s", path,
                 st->db ? sqlite3_errmsg(st->db) : "out of memory");
        goto fail;
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
        goto fail;
    }
    if (store_fts_register(st->db) != 0) {
        snprintf(err, errlen, "cannot register skimd_fts_text: %s", sqlite3_errmsg(st->db));
        goto fail;
    }
    if (store_schema_migrate(st->db, err, errlen) != 0)
        goto fail;
    *out = st;
    return 0;
fail:
    store_close(st);
    return -1;
}

void store_close(store *st)
{
    if (!st)
        return;
    for (int i = 0; i < SQL_COUNT_; i++)
        sqlite3_finalize(st->stmts[i]);
    for (int i = 0; i < STORE_LIST_VARIANTS; i++)
        sqlite3_finalize(st->list_stmts[i]);
    sqlite3_close(st->db);
    free(st);
}

void store_shed_memory(store *st)
{
    if (!st)
        return;
    for (int i = 0; i < SQL_COUNT_; i++)
        if (st->stmts[i]) {
            sqlite3_reset(st->stmts[i]);
            sqlite3_clear_bindings(st->stmts[i]);
        }
    for (int i = 0; i < STORE_LIST_VARIANTS; i++)
        if (st->list_stmts[i]) {
            sqlite3_reset(st->list_stmts[i]);
            sqlite3_clear_bindings(st->list_stmts[i]);
        }
    sqlite3_db_release_memory(st->db);
}

int store_quick_check(store *st, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    int ok = 0;
    if (!st || sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot check the database: %s",
                 st ? sqlite3_errmsg(st->db) : "no connection");
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

int store_ping(store *st)
{
    sqlite3_stmt *s = NULL;
    int ok = 0;
    if (!st || !st->db)
        return 0;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL) ==
        SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        ok = 1;
    sqlite3_finalize(s);
    return ok;
}

/* --- per-thread connections ---------------------------------------
 *
 * HTTP threads are libmicrohttpd's, created after start-up; a connection
 * opened lazily by one of them would map the WAL index (-shm) in the
 * middle of a request, where a file made immutable or a vanished
 * directory turns into a SIGBUS. So every connection they may use is
 * opened and checked at start (store_thread_init) and kept in a free
 * list; a thread takes one on first use and gives it back when it exits.
 * The list is guarded by pool_lock; a connection belongs to one thread at
 * a time. */

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static store *pool_free[64];
static int pool_n;

static void thread_store_give_back(void *p)
{
    pthread_mutex_lock(&pool_lock);
    if (pool_n < (int)(sizeof pool_free / sizeof pool_free[0]))
        pool_free[pool_n++] = p;
    else
        store_close(p);
    pthread_mutex_unlock(&pool_lock);
}

static void thread_key_create(void)
{
    pthread_key_create(&thread_key, thread_store_give_back);
}

int store_thread_init(const char *path, int n, char *err, size_t errlen)
{
    if (!path || n < 1 || n > (int)(sizeof pool_free / sizeof pool_free[0]) ||
        pthread_once(&thread_once, thread_key_create) != 0) {
        snprintf(err, errlen, "bad connection pool size %d", n);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        store *st = NULL;
        if (store_open(path, &st, err, errlen) != 0)
            return -1;
        if (!store_ping(st)) {              /* maps the WAL index now */
            snprintf(err, errlen, "cannot read %s: %s", path, sqlite3_errmsg(st->db));
            store_close(st);
            return -1;
        }
        thread_store_give_back(st);
    }
    return 0;
}

void store_thread_shutdown(void)
{
    pthread_mutex_lock(&pool_lock);
    while (pool_n > 0)
        store_close(pool_free[--pool_n]);
    pthread_mutex_unlock(&pool_lock);
}

store *store_for_thread(void)
{
    store *st = pthread_getspecific(thread_key);
    if (st)
        return st;
    pthread_mutex_lock(&pool_lock);
    st = pool_n > 0 ? pool_free[--pool_n] : NULL;
    pthread_mutex_unlock(&pool_lock);
    if (!st) {
        fprintf(stderr, "{\"level\":\"error\",\"what\":\"no free database connection\"}\n");
        return NULL;
    }
    pthread_setspecific(thread_key, st);
    return st;
}

/* --- time --------------------------------------------------------- */

int64_t store_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void store_now_utc(char out[21])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int store_iso_to_utc(const char *s, int end_of_day, char out[21])
{
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    struct tm tm;
    size_t n;
    if (!s)
        return -1;
    n = strlen(s);
    if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
        s[7] != '-' || digits(s + 8, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1)
        return -1;
    if (n == 10) {
        if (end_of_day) {
            h = 23; mi = 59; sec = 59;
        }
    } else {
        const char *p = s + 10;
        if ((*p != 'T' && *p != 't' && *p != ' ') || n < 16 || digits(p + 1, 2, &h) ||
            p[3] != ':' || digits(p + 4, 2, &mi))
            return -1;
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &sec))
                return -1;
            p += 3;
            if (*p == '.') {       /* fractions of a second are dropped */
                p++;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            int sign = *p == '-' ? -1 : 1;
            if (digits(p + 1, 2, &oh))
                return -1;
            if (p[3] == ':') {
                if (digits(p + 4, 2, &om))
                    return -1;
                p += 6;
            } else {
                if (digits(p + 3, 2, &om))
                    return -1;
                p += 5;
            }
            if (oh > 23 || om > 59)
                return -1;
            off = sign * (oh * 3600 + om * 60);
        }
        if (*p != '\0' || h > 23 || mi > 59 || sec > 60)
            return -1;
    }
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 && y != 1969)
        return -1;
    /* timegm normalises 2023-02-31 to March: refuse such dates. */
    struct tm back;
    gmtime_r(&t, &back);
    if (back.tm_mday != d || back.tm_mon != mo - 1)
        return -1;
    t -= off;
    gmtime_r(&t, &tm);
    if (tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1)
        return -1;
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}
