/* postgres/sql.c -- the statements whose PostgreSQL text differs from
 * SQLite's; every other id runs SQLite's text (storage/sqlite/sql.c),
 * which is standard SQL. Same parameters (?N, rewritten $N by the
 * driver), same result columns.
 *
 * What differs, and why:
 *  - upserts are ON CONFLICT ... DO UPDATE (SQLite: INSERT OR REPLACE);
 *    a replaced job row gets the defaults back, as REPLACE gives;
 *  - JSON is built with json_build_object and stored as text (byte for
 *    byte what skimd wrote: jsonb would reorder keys);
 *  - concurrency across daemons, where SQLite has one writer at a time:
 *    a claim takes its job row FOR UPDATE SKIP LOCKED, so daemons never
 *    wait for one another's claims; the lease check locks the job row,
 *    so no reaper frees it under a finishing worker; a submission of a
 *    URL another daemon is inserting at the same moment waits for it and
 *    then finds it (ON CONFLICT DO NOTHING); the document-frequency fold
 *    holds a transaction-scoped advisory lock; a webhook delivery is
 *    taken by postponing its next attempt by one attempt's limit and a
 *    margin (a lease: a daemon that dies mid-send leaves it to another);
 *  - parameters a context does not type (SELECT lists, CASE results,
 *    function arguments) are cast.
 */
#include "storage/store_int.h"

#define PG_TS(p) "json_build_object('at', " p "::text, "

static const char *const pg_sql[SQL_COUNT_] = {
    [SQL_BEGIN] = "BEGIN",
    [SQL_READ_BEGIN] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    [SQL_INSERT_ARTICLE] =
        "INSERT INTO articles(url, norm_url, status, user_tags, tags, sort_time, "
        "created_at, updated_at) VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?5, ?5) "
        "ON CONFLICT (norm_url) DO NOTHING RETURNING id",
    [SQL_INSERT_JOB] =
        "INSERT INTO jobs(article_id, generation, \"fetch\", enqueued_ms) "
        "SELECT id, generation, ?2::int, ?3::bigint FROM articles WHERE id = ?1 "
        "ON CONFLICT (article_id) DO UPDATE SET generation = excluded.generation, "
        "\"fetch\" = excluded.\"fetch\", enqueued_ms = excluded.enqueued_ms, not_before_ms = 0, "
        "lease_owner = NULL, lease_expires_ms = NULL, attempts = 0",
    [SQL_INSERT_TAG] =
        "INSERT INTO article_tags(article_id, facet, tag_id, label, label_fold, score) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (article_id, facet, tag_id) DO UPDATE "
        "SET label = excluded.label, label_fold = excluded.label_fold, score = excluded.score",
    [SQL_DELETE_FTS] = "DELETE FROM articles_fts WHERE article_id = ?1",
    [SQL_CLAIM] =
        "SELECT j.article_id, j.generation, j.fetch, a.norm_url, a.content_gen, j.attempts "
        "FROM jobs j JOIN articles a ON a.id = j.article_id "
        "WHERE j.lease_owner IS NULL AND j.not_before_ms <= ?1 "
        "ORDER BY j.enqueued_ms, j.article_id LIMIT 1 FOR UPDATE OF j SKIP LOCKED",
    [SQL_LEASE_HELD] =
        "SELECT 1 FROM jobs WHERE article_id = ?1 AND generation = ?2 AND lease_owner = ?3 "
        "FOR UPDATE",
    [SQL_REAP_ARTICLES] =
        "UPDATE articles SET status = 'queued' WHERE status = 'fetching' AND id IN "
        "(SELECT article_id FROM jobs WHERE lease_owner IS NOT NULL AND "
        " (lease_expires_ms < ?1 OR (?2::text IS NOT NULL AND lease_owner <> ?2::text)))",
    [SQL_REAP_JOBS] =
        "UPDATE jobs SET lease_owner = NULL, lease_expires_ms = NULL "
        "WHERE lease_owner IS NOT NULL AND "
        "(lease_expires_ms < ?1 OR (?2::text IS NOT NULL AND lease_owner <> ?2::text))",
    [SQL_PAGE_PUT] =
        "INSERT INTO pages(article_id, html) VALUES (?1, ?2) "
        "ON CONFLICT (article_id) DO UPDATE SET html = excluded.html",
    [SQL_READY] =
        "UPDATE articles SET status = 'ready', error_code = NULL, error_message = NULL, "
        "canonical_url = ?2, canonical_norm = ?3, title = ?4, site_name = ?5, "
        "author = ?6, published_at = ?7, modified_at = ?8, language = ?9, "
        "summary = ?10, description = ?11, image_url = ?12, keywords = ?13, "
        "tags = ?14, tag_evidence = ?15, events = ?16, word_count = ?17, "
        "content = ?18, sort_time = coalesce(?19::text, created_at), updated_at = ?20, "
        "content_gen = ?21, authors = ?22, content_html = ?23, content_markdown = ?24, "
        "last_refresh = CASE WHEN ?21::bigint > 1 THEN "
        "  " PG_TS("?20") "'status', 'ready', 'error', NULL)::text END "
        "WHERE id = ?1 AND generation = ?21",
    [SQL_FAILED] =
        "UPDATE articles SET status = 'failed', error_code = ?2, error_message = ?3, "
        "updated_at = ?4, title = NULL, site_name = NULL, author = NULL, "
        "published_at = NULL, modified_at = NULL, language = NULL, summary = NULL, "
        "description = NULL, image_url = NULL, keywords = '[]', tag_evidence = '{}', "
        "events = '[]', word_count = NULL, content = NULL, sort_time = created_at, "
        "authors = '[]', content_html = NULL, content_markdown = NULL, "
        "tags = CASE WHEN user_tags = '[]' THEN '{}' "
        "  ELSE json_build_object('user', user_tags::json)::text END, "
        "last_refresh = CASE WHEN ?5::bigint > 1 THEN " PG_TS("?4") "'status', 'failed', "
        "  'error', json_build_object('code', ?2::text, 'message', ?3::text))::text END "
        "WHERE id = ?1 AND generation = ?5 AND content_gen = 0",
    [SQL_REFRESH_FAILED] =
        "UPDATE articles SET last_refresh = " PG_TS("?4") "'status', 'failed', "
        "  'error', json_build_object('code', ?2::text, 'message', ?3::text))::text, "
        "updated_at = ?4 WHERE id = ?1 AND generation = ?5 AND content_gen > 0",
    [SQL_INSERT_FTS] = "INSERT INTO articles_fts(article_id, doc) VALUES (?1, ?2::tsvector)",
    [SQL_META_SET] =
        "INSERT INTO meta(key, value) VALUES (?1, ?2) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [SQL_DF_DROP] =
        "DELETE FROM term_df WHERE df <= 1 "
        "AND lang = (SELECT lang FROM term_docs WHERE article_id = ?1 AND folded = 1) "
        "AND term IN (SELECT json_array_elements_text(terms::json) FROM term_docs "
        "             WHERE article_id = ?1)",
    [SQL_DF_DEC] =
        "UPDATE term_df SET df = df - 1 "
        "WHERE lang = (SELECT lang FROM term_docs WHERE article_id = ?1 AND folded = 1) "
        "AND term IN (SELECT json_array_elements_text(terms::json) FROM term_docs "
        "             WHERE article_id = ?1)",
    [SQL_DF_FOLD_TERMS] =
        "INSERT INTO term_df(lang, term, df) "
        "SELECT d.lang, j.v #>> '{}', count(DISTINCT d.article_id) "
        "FROM term_docs d CROSS JOIN LATERAL json_array_elements(d.terms::json) AS j(v) "
        "WHERE d.article_id IN (SELECT article_id FROM term_docs WHERE folded = 0 "
        "                       ORDER BY article_id LIMIT ?1) "
        "AND json_typeof(j.v) = 'string' GROUP BY d.lang, j.v #>> '{}' "
        "ON CONFLICT (lang, term) DO UPDATE SET df = term_df.df + excluded.df",
    [SQL_DF_FOLD_DOCS] =
        "INSERT INTO df_docs(lang, n) "
        "SELECT lang, count(*) FROM term_docs WHERE article_id IN "
        "  (SELECT article_id FROM term_docs WHERE folded = 0 ORDER BY article_id LIMIT ?1) "
        "GROUP BY lang ON CONFLICT (lang) DO UPDATE SET n = df_docs.n + excluded.n",
    [SQL_LEASE_COUNTS] =
        "SELECT count(*) FILTER (WHERE lease_owner = ?1 AND lease_expires_ms >= ?2), "
        "count(*) FILTER (WHERE lease_owner <> ?1 AND lease_expires_ms >= ?2), "
        "count(*) FILTER (WHERE lease_expires_ms < ?2) FROM jobs WHERE lease_owner IS NOT NULL",
    [SQL_NOTIFY] = "SELECT pg_notify('skimd_jobs', ?1::text)",
    [SQL_DF_FOLD_LOCK] = "SELECT pg_advisory_xact_lock(7596385261374833409)",
    [SQL_WH_WANTED] = "SELECT 1 FROM webhooks WHERE (events & ?1) <> 0 LIMIT 1",
    [SQL_WH_OUTBOX] =
        "INSERT INTO webhook_deliveries(msg_id, webhook_id, event, article_id, payload, "
        "created_ms, next_ms) SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), "
        "id, ?2::text, ?3::bigint, ?4::text, ?5::bigint, ?5::bigint "
        "FROM webhooks WHERE (events & ?1) <> 0",
    [SQL_WH_DUE] =
        "UPDATE webhook_deliveries d SET next_ms = ?1::bigint + ?2::bigint FROM webhooks w "
        "WHERE w.id = d.webhook_id AND d.id = (SELECT id FROM webhook_deliveries "
        "  WHERE state = 'pending' AND next_ms <= ?1 ORDER BY next_ms, id LIMIT 1 "
        "  FOR UPDATE SKIP LOCKED) "
        "RETURNING d.id, d.msg_id, w.url, w.secret, d.payload, d.created_ms, d.attempts",
    [SQL_WH_SETTLE] =
        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?2::int, "
        "last_error = ?3::text, state = CASE WHEN ?4::int <> 0 THEN 'delivered' "
        "WHEN ?5::bigint = 0 THEN 'dead' ELSE 'pending' END, "
        "next_ms = CASE WHEN ?4::int <> 0 OR ?5::bigint = 0 THEN NULL ELSE ?5::bigint END, "
        "done_ms = CASE WHEN ?4::int <> 0 OR ?5::bigint = 0 THEN ?6::bigint END "
        "WHERE id = ?1 AND state = 'pending'",
    [SQL_WH_ATTEMPT_ADD] =
        "INSERT INTO webhook_attempts(delivery_id, seq, at_ms, status_code, error) "
        "SELECT id, attempts, ?2::bigint, ?3::int, ?4::text FROM webhook_deliveries "
        "WHERE id = ?1",
    [SQL_LEASE_DEFER] =
        "UPDATE jobs SET lease_owner = NULL, lease_expires_ms = NULL, not_before_ms = ?4, "
        "attempts = greatest(attempts - 1, 0) "
        "WHERE article_id = ?1 AND generation = ?2 AND lease_owner = ?3",
    [SQL_VAL_PUT] =
        "INSERT INTO page_validators(article_id, etag, last_modified) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (article_id) DO UPDATE SET etag = excluded.etag, "
        "last_modified = excluded.last_modified",
    [SQL_UNCHANGED] =
        "UPDATE articles SET last_refresh = " PG_TS("?2") "'status', 'ready', 'error', NULL)::text, "
        "updated_at = ?2 WHERE id = ?1 AND generation = ?3 AND content_gen > 0",
    [SQL_FEED_ITEM_ADD] =
        "INSERT INTO feed_items(feed_id, norm_url) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    [SQL_FEED_POLLED] =
        "UPDATE feeds SET status = ?2, last_poll_at = ?3, last_error = ?4, polls = polls + 1, "
        "etag = CASE WHEN ?5::int <> 0 THEN ?6::text ELSE etag END, "
        "last_modified = CASE WHEN ?5::int <> 0 THEN ?7::text ELSE last_modified END, "
        "next_poll_ms = ?8, failures = CASE WHEN ?9::int <> 0 THEN failures + 1 ELSE 0 END "
        "WHERE id = ?1",
    [SQL_ID_FLOOR] =
        "SELECT greatest((SELECT CASE WHEN is_called THEN last_value ELSE 0 END "
        "                 FROM articles_id_seq), coalesce((SELECT max(id) FROM articles), 0))",
    [SQL_ID_BUMP] =
        "SELECT setval('articles_id_seq', greatest(?1::bigint, "
        "  (SELECT CASE WHEN is_called THEN last_value ELSE 1 END FROM articles_id_seq)))",
};

const char *store_pg_sql(store_stmt_id id)
{
    if (id >= SQL_COUNT_)
        return NULL;
    return pg_sql[id] ? pg_sql[id] : store_sqlite_sql(id);
}

/* The list query's PostgreSQL parts: the text index is a GIN index on a
 * tsvector; grouping by a.id lets the article's columns be selected. */
const store_list_dialect store_pg_list = {
    .tag_one = " FROM article_tags t JOIN articles a ON a.id = t.article_id"
               " WHERE t.tag_id = ?8 AND (?9::text IS NULL OR t.facet = ?9::text)",
    .tag_many = " FROM article_tags t JOIN articles a ON a.id = t.article_id"
                " WHERE t.tag_id IN (SELECT json_array_elements_text(?8::json))"
                " AND (?9::text IS NULL OR t.facet = ?9::text)",
    .tag_group = " GROUP BY t.article_id, a.id",
    .fts_from = " FROM articles_fts f JOIN articles a ON a.id = f.article_id"
                " WHERE f.doc @@ ?6::tsquery",
    .fts_key = "f.article_id",
    .fts_filter = " AND a.id IN (SELECT article_id FROM articles_fts WHERE doc @@ ?6::tsquery)",
    .all_from = " FROM articles a WHERE true",
};
