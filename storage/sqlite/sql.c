/* sqlite/sql.c -- every statement of storage/ in SQLite's dialect.
 *
 * The table is indexed by store_stmt_id (store_int.h); the PostgreSQL
 * table (storage/postgres/sql.c) has the same entries with the same
 * parameters and result columns. The list query is built per
 * combination of filters (store_list_sql).
 */
#include "storage/store_int.h"

#include <stdio.h>

static const char *const sqlite_sql[SQL_COUNT_] = {
    [SQL_BEGIN] = "BEGIN IMMEDIATE",
    [SQL_COMMIT] = "COMMIT",
    [SQL_ROLLBACK] = "ROLLBACK",
    [SQL_READ_BEGIN] = "BEGIN DEFERRED",
    [SQL_FIND_BY_URL] =
        "SELECT id FROM articles WHERE norm_url = ?1 OR canonical_norm = ?1 "
        "ORDER BY norm_url = ?1 DESC, id LIMIT 1",
    [SQL_INSERT_ARTICLE] =
        "INSERT INTO articles(url, norm_url, status, user_tags, tags, sort_time, "
        "created_at, updated_at) VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?5, ?5) RETURNING id",
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
        " FROM jobs WHERE article_id = articles.id), authors, content_html, content_markdown, "
        "checked_at, feed_id FROM articles WHERE id = ?1",
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
        "SELECT j.article_id, j.generation, j.fetch, a.norm_url, a.content_gen, j.attempts "
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
    [SQL_LEASE_DEFER] =
        /* given back before it was tried (polite fetching): not an attempt */
        "UPDATE jobs SET lease_owner = NULL, lease_expires_ms = NULL, not_before_ms = ?4, "
        "attempts = max(attempts - 1, 0) "
        "WHERE article_id = ?1 AND generation = ?2 AND lease_owner = ?3",
    [SQL_JOB_WAKE] =
        "UPDATE jobs SET not_before_ms = 0 "
        "WHERE article_id = ?1 AND generation = ?2 AND lease_owner IS NULL",
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
        "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
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
    [SQL_WH_PRUNE] =
        /* settled (delivered or dead) before ?1; their attempts go by cascade */
        "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries "
        "WHERE state <> 'pending' AND done_ms < ?1 LIMIT ?2)",
    /* batches, export, import (transfer.c, jobs.c) */
    [SQL_IMPORT_ARTICLE] =
        "INSERT INTO articles(id, url, norm_url, canonical_url, status, error_code, "
        "error_message, title, site_name, author, published_at, modified_at, language, "
        "summary, description, image_url, keywords, tags, tag_evidence, events, user_tags, "
        "word_count, content, sort_time, created_at, updated_at, generation, content_gen, "
        "last_refresh, authors, content_html, content_markdown, checked_at, feed_id) VALUES (?1, "
        "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
        "?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)",
    [SQL_EXPORT] =
        "SELECT id, url, norm_url, canonical_url, status, error_code, error_message, "
        "title, site_name, author, published_at, modified_at, language, summary, "
        "description, image_url, keywords, tags, events, word_count, created_at, "
        "updated_at, content, tag_evidence, last_refresh, "
        "(SELECT CASE WHEN lease_owner IS NULL THEN 'queued' ELSE 'running' END "
        " FROM jobs WHERE article_id = articles.id), authors, content_html, content_markdown, "
        "checked_at, feed_id, generation, content_gen, "
        "(SELECT lang FROM term_docs WHERE article_id = articles.id), "
        "(SELECT terms FROM term_docs WHERE article_id = articles.id) "
        "FROM articles WHERE id = ?1",
    [SQL_ID_FLOOR] =
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'articles'), 0), "
        "coalesce((SELECT max(id) FROM articles), 0))",
    /* validators.c: the page a record holds (schema v10) */
    [SQL_VAL_GET] = "SELECT etag, last_modified FROM page_validators WHERE article_id = ?1",
    [SQL_VAL_PUT] = "INSERT OR REPLACE INTO page_validators(article_id, etag, last_modified) "
                    "VALUES (?1, ?2, ?3)",
    [SQL_VAL_DELETE] = "DELETE FROM page_validators WHERE article_id = ?1",
    [SQL_VAL_CHECKED] = "UPDATE articles SET checked_at = ?2 WHERE id = ?1",
    [SQL_UNCHANGED] =
        /* a refresh answered 304: the record stays, its refresh succeeded */
        "UPDATE articles SET last_refresh = json_object('at', ?2, 'status', 'ready', "
        "'error', NULL), updated_at = ?2 WHERE id = ?1 AND generation = ?3 AND content_gen > 0",
    /* feeds.c: subscriptions and their items (schema v11) */
    [SQL_FEED_FIND] = "SELECT id FROM feeds WHERE norm_url = ?1",
    [SQL_FEED_INSERT] = "INSERT INTO feeds(url, norm_url, interval_s, created_at) "
                        "VALUES (?1, ?2, ?3, ?4) RETURNING id",
    [SQL_FEED_GET] = "SELECT id, url, interval_s, created_at, status, last_poll_at, last_error, "
                     "item_count, polls, failures, next_poll_ms FROM feeds WHERE id = ?1",
    [SQL_FEED_LIST] = "SELECT id, url, interval_s, created_at, status, last_poll_at, last_error, "
                      "item_count, polls, failures, next_poll_ms FROM feeds ORDER BY id LIMIT 1000",
    [SQL_FEED_DELETE] = "DELETE FROM feeds WHERE id = ?1",
    [SQL_FEED_POLL_NOW] = "UPDATE feeds SET next_poll_ms = 0 WHERE id = ?1",
    [SQL_FEED_NEXT] = "SELECT id, norm_url, interval_s, etag, last_modified, next_poll_ms, failures "
                      "FROM feeds ORDER BY next_poll_ms, id LIMIT 1",
    [SQL_FEED_ITEM_ADD] = "INSERT OR IGNORE INTO feed_items(feed_id, norm_url) VALUES (?1, ?2)",
    [SQL_FEED_ARTICLE] = "UPDATE articles SET feed_id = ?2 WHERE id = ?1",
    [SQL_FEED_POLLED] =
        /* ok: new validators; not_modified: kept; error: kept, one more failure */
        "UPDATE feeds SET status = ?2, last_poll_at = ?3, last_error = ?4, polls = polls + 1, "
        "etag = CASE WHEN ?5 THEN ?6 ELSE etag END, "
        "last_modified = CASE WHEN ?5 THEN ?7 ELSE last_modified END, "
        "next_poll_ms = ?8, failures = CASE WHEN ?9 THEN failures + 1 ELSE 0 END WHERE id = ?1",
    [SQL_FEED_COUNT] = "UPDATE feeds SET item_count = item_count + ?2 WHERE id = ?1",
    /* webhook_file.c: subscriptions from --webhooks-file (schema v12) */
    [SQL_WF_LIST] = "SELECT w.id, w.url, w.events, w.secret, w.description FROM webhook_file f "
                    "JOIN webhooks w ON w.id = f.webhook_id ORDER BY w.id",
    [SQL_WF_MARK] = "INSERT INTO webhook_file(webhook_id) VALUES (?1)",
    [SQL_WF_DROP] = "DELETE FROM webhooks WHERE id = ?1 "
                    "AND id IN (SELECT webhook_id FROM webhook_file)",
    /* AUTOINCREMENT follows an explicit id by itself; one writer folds */
    [SQL_ID_BUMP] = "SELECT ?1",
    [SQL_DF_FOLD_LOCK] = "SELECT 1",
    [SQL_LEASE_COUNTS] =
        "SELECT coalesce(sum(lease_owner = ?1 AND lease_expires_ms >= ?2), 0), "
        "coalesce(sum(lease_owner <> ?1 AND lease_expires_ms >= ?2), 0), "
        "coalesce(sum(lease_expires_ms < ?2), 0) FROM jobs WHERE lease_owner IS NOT NULL",
    [SQL_NOTIFY] = "SELECT ?1",          /* unused: one daemon per file */
};

const char *store_sqlite_sql(store_stmt_id id)
{
    return id < SQL_COUNT_ ? sqlite_sql[id] : NULL;
}

/* The list query's SQLite parts (storage/list_sql.c puts them together):
 * the FTS5 table is walked in rowid order. */
const store_list_dialect store_sqlite_list = {
    .tag_one = " FROM article_tags t JOIN articles a ON a.id = t.article_id"
               " WHERE t.tag_id = ?8 AND (?9 IS NULL OR t.facet = ?9)",
    .tag_many = " FROM article_tags t JOIN articles a ON a.id = t.article_id"
                " WHERE t.tag_id IN (SELECT value FROM json_each(?8))"
                " AND (?9 IS NULL OR t.facet = ?9)",
    .tag_group = " GROUP BY t.article_id",
    .fts_from = " FROM articles_fts f JOIN articles a ON a.id = f.rowid"
                " WHERE articles_fts MATCH ?6",
    .fts_key = "f.rowid",
    .fts_filter = " AND a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?6)",
    .all_from = " FROM articles a WHERE 1",
};
