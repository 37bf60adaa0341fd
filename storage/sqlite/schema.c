/* schema.c -- the database schema and its forward migrations.
 *
 * PRAGMA user_version holds the schema version. Each migration moves the
 * database from version i to i+1 inside one transaction; a database newer
 * than this binary is refused rather than guessed at.
 *
 * Invariants the rest of storage/ relies on:
 *  - articles.norm_url is unique: one article per normalised URL;
 *  - an article has at most one row in jobs: its newest request (see
 *    "Generations and leases" below); an article whose status is queued or
 *    fetching has one;
 *  - article_tags, events and articles_fts rows exist only for ready
 *    articles (client tags in facet "user" exist from submission on);
 *  - a term_docs row exists only for a ready article, and term_df /
 *    df_docs are exactly the sums over the folded term_docs rows (one
 *    count per article and distinct term);
 *  - tag_counts.n is the number of article_tags rows per (facet, tag_id)
 *    (triggers keep it; rows with n = 0 are removed);
 *  - ids come from AUTOINCREMENT, so a deleted id is never reused and a
 *    cursor ("ids below N") stays meaningful across deletes.
 *
 * Generations and leases (schema v6; storage/jobs.c enforces them):
 *  - articles.generation counts the requests to read the article: a
 *    submission makes it 1 and every (re)queue adds one in the same
 *    transaction that writes the job row, whose generation is the new
 *    value. jobs.generation = articles.generation always.
 *  - A worker claims a job by setting lease_owner (its daemon's id) and
 *    lease_expires (ms since the epoch) on a row whose lease_owner is
 *    NULL; it gets the generation with it. Only the owner renews the
 *    lease, and only while the row still has the claimed generation.
 *  - Finishing (ready or failed), and deleting the job row, happen only
 *    WHERE generation = the claimed one AND lease_owner = the claimant, in
 *    one transaction with the record's change. A requeue replaces the job
 *    row (new generation, no lease), so a stale worker's finish changes
 *    nothing: its result is dropped and counted, the newest request wins.
 *  - The reaper (any daemon) clears leases whose expiry has passed (or,
 *    on SQLite, whose owner is not the daemon holding the file lock); the
 *    job is then free to be claimed again. Start-up touches no live lease.
 *  - articles.content_gen is the generation whose result the record holds
 *    (0: none yet). Re-tagging writes only WHERE content_gen is the one it
 *    read the text under, so tags never come from an older text.
 *  - A refresh that fails leaves a ready record as it was (status, text,
 *    tags, index rows) and only sets last_refresh; a first read that fails
 *    makes a failed record with no analysis fields, tag, event or index
 *    rows (a client's "user" tags stay).
 *  - pages holds the page a client pushed (html): a refresh re-analyses
 *    it unless the job was asked to fetch (jobs.fetch = 1); a successful
 *    fetch replaces the pushed page and removes the row.
 *  - page_validators (v10) describes the page the record holds: written in
 *    the transaction that stores a fetched result (removed for a pushed
 *    page's), so a 304 to its validators means the record is current.
 *  - canonical_norm is set only from a page skimd fetched itself whose
 *    canonical URL has the final URL's registrable domain; only then does
 *    the canonical URL take part in dedupe (canonical_url is for display).
 */
#include "storage/sqlite/schema.h"

#include <stdio.h>
#include <sqlite3.h>

static const char *const migrations[] = {
    /* 0 -> 1: the v1 record */
    "CREATE TABLE articles("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  url TEXT NOT NULL,"
    "  norm_url TEXT NOT NULL UNIQUE,"
    "  canonical_url TEXT,"
    "  canonical_norm TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('queued','fetching','ready','failed')),"
    "  error_code TEXT,"
    "  error_message TEXT,"
    "  title TEXT, site_name TEXT, author TEXT,"
    "  published_at TEXT, modified_at TEXT, language TEXT,"
    "  summary TEXT, description TEXT, image_url TEXT,"
    "  keywords TEXT NOT NULL DEFAULT '[]',"        /* JSON array */
    "  tags TEXT NOT NULL DEFAULT '{}',"            /* JSON facet -> labels */
    "  tag_evidence TEXT NOT NULL DEFAULT '{}',"    /* JSON facet -> evidence */
    "  events TEXT NOT NULL DEFAULT '[]',"          /* JSON, mirrors table events */
    "  user_tags TEXT NOT NULL DEFAULT '[]',"       /* client's own tags */
    "  word_count INTEGER,"
    "  content TEXT,"
    "  sort_time TEXT NOT NULL,"  /* UTC published_at, else created_at */
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX articles_canonical ON articles(canonical_norm);"
    "CREATE INDEX articles_status ON articles(status, id);"
    "CREATE INDEX articles_language ON articles(language, id);"
    "CREATE INDEX articles_sort_time ON articles(sort_time);"
    "CREATE TABLE article_tags("
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  facet TEXT NOT NULL,"
    "  tag_id TEXT NOT NULL,"
    "  label TEXT NOT NULL,"
    "  label_fold TEXT NOT NULL,"
    "  score REAL,"
    "  PRIMARY KEY (article_id, facet, tag_id)) WITHOUT ROWID;"
    "CREATE INDEX article_tags_by_id ON article_tags(tag_id, article_id);"
    "CREATE INDEX article_tags_by_label ON article_tags(label_fold, article_id);"
    "CREATE INDEX article_tags_by_facet ON article_tags(facet, tag_id);"
    "CREATE TABLE events("
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  text TEXT NOT NULL,"
    "  date TEXT,"
    "  actors TEXT NOT NULL DEFAULT '[]',"
    "  PRIMARY KEY (article_id, seq)) WITHOUT ROWID;"
    "CREATE INDEX events_date ON events(date);"
    "CREATE TABLE jobs("
    "  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
    "  html BLOB,"                 /* the page when the client sent it */
    "  enqueued_at TEXT NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0);"
    /* trigram finds substrings, Chinese included; shorter queries fall
     * back to a scan (see articles.c). rowid = articles.id */
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, content, tokenize='trigram');",
    /* 1 -> 2: settings the daemon remembers between starts (the
     * fingerprint of the taxonomy the stored tags were made with) */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",
    /* 2 -> 3: labels lead to tag ids (a few), ids to articles in order;
     * the old (label, article) index made a common label cost a scan */
    ("DROP INDEX article_tags_by_label;"
     "CREATE INDEX article_tags_by_label ON article_tags(label_fold, tag_id);"),
    /* 3 -> 4: document frequencies over the stored articles, for the
     * keyword IDF (docs/analysis.md, "IDF refinement"). term_docs holds
     * the terms each ready article is counted with (a JSON array), written
     * with the article, so a delete, a refresh or a failure takes back
     * exactly what was added; term_df and df_docs are the sums per
     * language over the rows already folded in (folded = 1; storage/df.c
     * folds in batches). Articles stored before this version have no
     * term_docs row: the start-up pass (server/retag.c) counts them. */
    ("CREATE TABLE term_docs("
     "  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
     "  lang TEXT NOT NULL,"
     "  terms TEXT NOT NULL,"
     "  folded INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX term_docs_unfolded ON term_docs(article_id) WHERE folded = 0;"
     "CREATE TABLE term_df("
     "  lang TEXT NOT NULL,"
     "  term TEXT NOT NULL,"
     "  df INTEGER NOT NULL,"
     "  PRIMARY KEY (lang, term)) WITHOUT ROWID;"
     "CREATE TABLE df_docs(lang TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
     /* nothing stored yet: nothing to count later */
     "INSERT INTO meta(key, value) SELECT 'df_backfill', 'done' "
     "WHERE NOT EXISTS (SELECT 1 FROM articles WHERE status = 'ready');"),
    /* 4 -> 5: words and CJK bigrams instead of trigrams (storage/fts_text.c):
     * about half the indexing cost per article; rebuilt from the stored
     * articles (skimd_fts_text is registered by store_open) */
    ("DROP TABLE articles_fts;"
     "CREATE VIRTUAL TABLE articles_fts USING fts5(title, content,"
     "  tokenize='unicode61 remove_diacritics 2');"
     "INSERT INTO articles_fts(rowid, title, content)"
     "  SELECT id, skimd_fts_text(coalesce(title, '')), skimd_fts_text(coalesce(content, ''))"
     "  FROM articles WHERE status = 'ready';"),
    /* 5 -> 6: generations and leases (see the invariants above). Jobs left
     * "fetching" by a daemon without leases are queued again here, once;
     * canonical URLs seen so far were not checked for trust, so none of
     * them dedupes until its page is fetched again; failed records lose
     * the analysis an older refresh left on them. */
    ("ALTER TABLE articles ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;"
     "ALTER TABLE articles ADD COLUMN content_gen INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE articles ADD COLUMN last_refresh TEXT;"      /* JSON or NULL */
     "UPDATE articles SET content_gen = 1 WHERE status = 'ready';"
     "UPDATE articles SET status = 'queued' WHERE status = 'fetching';"
     "UPDATE articles SET canonical_norm = NULL;"
     "CREATE TABLE pages("
     "  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
     "  html BLOB NOT NULL);"
     "INSERT INTO pages(article_id, html) SELECT article_id, html FROM jobs WHERE html IS NOT NULL;"
     "CREATE TABLE jobs6("
     "  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
     "  generation INTEGER NOT NULL,"
     "  fetch INTEGER NOT NULL DEFAULT 1,"       /* 0: analyse the page in pages */
     "  enqueued_ms INTEGER NOT NULL,"
     "  not_before_ms INTEGER NOT NULL DEFAULT 0,"
     "  lease_owner TEXT,"
     "  lease_expires_ms INTEGER,"
     "  attempts INTEGER NOT NULL DEFAULT 0);"
     "INSERT INTO jobs6(article_id, generation, fetch, enqueued_ms, attempts)"
     "  SELECT j.article_id, 1, j.html IS NULL, j.rowid, j.attempts FROM jobs j;"
     "DROP TABLE jobs;"
     "ALTER TABLE jobs6 RENAME TO jobs;"
     "CREATE INDEX jobs_free ON jobs(enqueued_ms) WHERE lease_owner IS NULL;"
     "CREATE INDEX jobs_leased ON jobs(lease_expires_ms) WHERE lease_owner IS NOT NULL;"
     "DELETE FROM articles_fts WHERE rowid IN (SELECT id FROM articles WHERE status = 'failed');"
     "DELETE FROM article_tags WHERE facet <> 'user' "
     "  AND article_id IN (SELECT id FROM articles WHERE status = 'failed');"
     "DELETE FROM events WHERE article_id IN (SELECT id FROM articles WHERE status = 'failed');"
     "UPDATE articles SET title = NULL, site_name = NULL, author = NULL, published_at = NULL,"
     "  modified_at = NULL, language = NULL, description = NULL, image_url = NULL,"
     "  summary = NULL, keywords = '[]', tag_evidence = '{}', events = '[]',"
     "  word_count = NULL, content = NULL, sort_time = created_at,"
     "  tags = CASE WHEN user_tags = '[]' THEN '{}' ELSE json_object('user', json(user_tags)) END"
     "  WHERE status = 'failed';"),
    /* 6 -> 7: the article's authors as a list (author stays the first)
     * and its structure as sanitized HTML and Markdown (ingest/
     * extract_render.c). Records stored before have their one author as
     * the list and no HTML or Markdown until they are read again. */
    ("ALTER TABLE articles ADD COLUMN authors TEXT NOT NULL DEFAULT '[]';"   /* JSON array */
     "ALTER TABLE articles ADD COLUMN content_html TEXT;"
     "ALTER TABLE articles ADD COLUMN content_markdown TEXT;"
     "UPDATE articles SET authors = json_array(author) WHERE author IS NOT NULL;"),
    /* 7 -> 8 (issue 12): no query scans the table. The index gains a
     * column of each article's distinct CJK characters (a lone character
     * is a token look-up, storage/fts_text.c), and GET /tags reads
     * tag_counts, kept by triggers in the very statements that change
     * article_tags. INSERT OR REPLACE does not fire delete triggers (no
     * recursive triggers), so a replaced row is taken back BEFORE the
     * insert; article_tags must not be written with OR IGNORE. */
    ("DROP TABLE articles_fts;"
     "CREATE VIRTUAL TABLE articles_fts USING fts5(title, content, chars,"
     "  tokenize='unicode61 remove_diacritics 2');"
     "INSERT INTO articles_fts(rowid, title, content, chars)"
     "  SELECT id, skimd_fts_text(coalesce(title, '')), skimd_fts_text(coalesce(content, '')),"
     "         skimd_cjk_chars(coalesce(title, '') || char(10) || coalesce(content, ''))"
     "  FROM articles WHERE status = 'ready';"
     "CREATE TABLE tag_counts("
     "  facet TEXT NOT NULL,"
     "  tag_id TEXT NOT NULL,"
     "  label TEXT NOT NULL,"   /* the first label written: stable, whatever the language */
     "  n INTEGER NOT NULL,"
     "  PRIMARY KEY (facet, tag_id)) WITHOUT ROWID;"
     "INSERT INTO tag_counts(facet, tag_id, label, n)"
     "  SELECT facet, tag_id, label, count(*) FROM article_tags GROUP BY facet, tag_id;"
     "CREATE TRIGGER tag_counts_replaced BEFORE INSERT ON article_tags BEGIN"
     "  UPDATE tag_counts SET n = n - 1 WHERE facet = new.facet AND tag_id = new.tag_id"
     "    AND EXISTS (SELECT 1 FROM article_tags WHERE article_id = new.article_id"
     "                AND facet = new.facet AND tag_id = new.tag_id);"
     "END;"
     "CREATE TRIGGER tag_counts_inserted AFTER INSERT ON article_tags BEGIN"
     "  INSERT INTO tag_counts(facet, tag_id, label, n) VALUES (new.facet, new.tag_id, new.label, 1)"
     "    ON CONFLICT(facet, tag_id) DO UPDATE SET n = n + 1;"
     "END;"
     "CREATE TRIGGER tag_counts_deleted AFTER DELETE ON article_tags BEGIN"
     "  UPDATE tag_counts SET n = n - 1 WHERE facet = old.facet AND tag_id = old.tag_id;"
     "  DELETE FROM tag_counts WHERE facet = old.facet AND tag_id = old.tag_id AND n <= 0;"
     "END;"
     "CREATE TRIGGER tag_counts_updated AFTER UPDATE OF facet, tag_id, label ON article_tags BEGIN"
     "  UPDATE tag_counts SET n = n - 1 WHERE facet = old.facet AND tag_id = old.tag_id;"
     "  DELETE FROM tag_counts WHERE facet = old.facet AND tag_id = old.tag_id AND n <= 0;"
     "  INSERT INTO tag_counts(facet, tag_id, label, n) VALUES (new.facet, new.tag_id, new.label, 1)"
     "    ON CONFLICT(facet, tag_id) DO UPDATE SET n = n + 1;"
     "END;"),
    /* 8 -> 9: webhooks (storage/webhooks.c). webhook_deliveries is the
     * outbox: its rows are written in the transaction of the change they
     * report (finish ready/failed, delete), one per subscription wanting
     * the event, with the payload as it was then; the delivery thread
     * (server/webhooks.c) sends them and records every attempt. events is
     * a bit mask (STORE_EV_*). article_id has no foreign key: a delete's
     * event outlives its article. */
    ("CREATE TABLE webhooks("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  url TEXT NOT NULL,"
     "  events INTEGER NOT NULL,"
     "  secret TEXT NOT NULL,"
     "  description TEXT,"
     "  created_at TEXT NOT NULL);"
     "CREATE TABLE webhook_deliveries("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  msg_id TEXT NOT NULL UNIQUE,"                 /* webhook-id, kept across retries */
     "  webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,"
     "  event TEXT NOT NULL,"
     "  article_id INTEGER NOT NULL,"
     "  payload TEXT NOT NULL,"
     "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','delivered','dead')),"
     "  attempts INTEGER NOT NULL DEFAULT 0,"
     "  created_ms INTEGER NOT NULL,"
     "  next_ms INTEGER,"                             /* pending: next attempt due */
     "  last_status INTEGER,"                         /* HTTP status of the last attempt */
     "  last_error TEXT,"
     "  done_ms INTEGER);"                            /* delivered or dead since */
     "CREATE INDEX webhook_due ON webhook_deliveries(next_ms) WHERE state = 'pending';"
     "CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries(webhook_id, id);"
     "CREATE TABLE webhook_attempts("
     "  delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,"
     "  seq INTEGER NOT NULL,"
     "  at_ms INTEGER NOT NULL,"
     "  status_code INTEGER,"                         /* NULL: no HTTP answer */
     "  error TEXT,"
     "  PRIMARY KEY (delivery_id, seq)) WITHOUT ROWID;"),
    /* 9 -> 10: conditional GET on refresh (storage/validators.c).
     * page_validators holds the ETag and Last-Modified of the page a
     * fetched record was read from, written with the record (a record
     * read from a pushed page has none); articles.checked_at is when skimd
     * last found the page current: a fetch that read it, or a refresh
     * answered 304 Not Modified. Records stored before: NULL, and their
     * first refresh is an unconditional GET. */
    ("ALTER TABLE articles ADD COLUMN checked_at TEXT;"
     "CREATE TABLE page_validators("
     "  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
     "  etag TEXT,"
     "  last_modified TEXT);"),
    /* 10 -> 11: feed subscriptions (storage/feeds.c). feed_items holds
     * every item link a feed has shown (normalised), so an item is
     * submitted once however often it is seen; articles.feed_id names the
     * feed an article was first submitted from (no foreign key: the
     * articles stay when their feed is deleted). next_poll_ms: when the
     * poller (server/feeds.c) fetches it next; failures: consecutive
     * failed polls, for the backoff. */
    ("CREATE TABLE feeds("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  url TEXT NOT NULL,"
     "  norm_url TEXT NOT NULL UNIQUE,"
     "  interval_s INTEGER NOT NULL,"
     "  created_at TEXT NOT NULL,"
     "  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','ok','not_modified','error')),"
     "  last_poll_at TEXT,"
     "  last_error TEXT,"
     "  item_count INTEGER NOT NULL DEFAULT 0,"        /* articles submitted from it */
     "  polls INTEGER NOT NULL DEFAULT 0,"
     "  failures INTEGER NOT NULL DEFAULT 0,"
     "  etag TEXT, last_modified TEXT,"
     "  next_poll_ms INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX feeds_due ON feeds(next_poll_ms);"
     "CREATE TABLE feed_items("
     "  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,"
     "  norm_url TEXT NOT NULL,"
     "  PRIMARY KEY (feed_id, norm_url)) WITHOUT ROWID;"
     "ALTER TABLE articles ADD COLUMN feed_id INTEGER;"
     "CREATE INDEX articles_feed ON articles(feed_id, id) WHERE feed_id IS NOT NULL;"),
    /* 11 -> 12: which subscriptions came from --webhooks-file
     * (storage/webhook_file.c): the start-up sync adds and removes only
     * those; the API's stay as they are. */
    ("CREATE TABLE webhook_file("
     "  webhook_id INTEGER PRIMARY KEY REFERENCES webhooks(id) ON DELETE CASCADE);"),
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_migrate(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *stmt = NULL;
    int version = 0;
    char *msg = NULL;

    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW) {
        snprintf(err, errlen, "cannot read schema version: %s", sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
        return -1;
    }
    version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    if (version > SCHEMA_VERSION) {
        snprintf(err, errlen, "database schema version %d is newer than this skimd (%d)",
                 version, SCHEMA_VERSION);
        return -1;
    }
    for (int v = version; v < SCHEMA_VERSION; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d", v + 1);
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, bump, NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
            snprintf(err, errlen, "migration %d -> %d failed: %s", v, v + 1,
                     msg ? msg : sqlite3_errmsg(db));
            sqlite3_free(msg);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    return 0;
}
