/* postgres/schema.c -- skimd's schema in PostgreSQL and its forward
 * migrations.
 *
 * The same tables, columns and invariants as SQLite's
 * (storage/sqlite/schema.c, where the invariants are written: one
 * article per normalised URL, one job row per article, generations and
 * leases, ...), built at once at the SQLite version 9 shape; each later
 * SQLite migration has its PostgreSQL twin appended here (SQLite's v10 is
 * PostgreSQL's v2, ...). skimd_schema holds the
 * version; each migration runs in its own transaction, and all of them
 * under a session advisory lock, so that daemons starting together
 * migrate once (the others wait, then find the work done). A database
 * newer than this binary is refused.
 *
 * PostgreSQL specifics: ids come from the sequence articles_id_seq
 * (never reused; an import sets it past the ids it restores); JSON stays
 * text, as skimd wrote it; the full-text index is a tsvector of skimd's
 * own tokens (postgres/tsearch.c) with a GIN index; tag_counts is kept
 * by a trigger; keys that are sorted use the "C" collation, so order is
 * by bytes as in SQLite, whatever the database's locale.
 *
 * Several daemons share the database: a row is changed only under the
 * rules of storage/sqlite/schema.c, with the row locks PostgreSQL takes
 * (postgres/sql.c says which statements lock what).
 */
#include "storage/postgres/pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pg_advisory_lock key of the migrations ("skimd-mi") */
#define PG_MIGRATE_LOCK "7596385261374840169"

static const char *const migrations[] = {
    /* 0 -> 1: everything SQLite has at its version 9 */
    "CREATE SEQUENCE articles_id_seq;"
    "CREATE TABLE articles("
    "  id BIGINT PRIMARY KEY DEFAULT nextval('articles_id_seq'),"
    "  url TEXT NOT NULL,"
    "  norm_url TEXT NOT NULL UNIQUE,"
    "  canonical_url TEXT,"
    "  canonical_norm TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('queued','fetching','ready','failed')),"
    "  error_code TEXT, error_message TEXT,"
    "  title TEXT, site_name TEXT, author TEXT,"
    "  published_at TEXT, modified_at TEXT, language TEXT,"
    "  summary TEXT, description TEXT, image_url TEXT,"
    "  keywords TEXT NOT NULL DEFAULT '[]',"
    "  tags TEXT NOT NULL DEFAULT '{}',"
    "  tag_evidence TEXT NOT NULL DEFAULT '{}',"
    "  events TEXT NOT NULL DEFAULT '[]',"
    "  user_tags TEXT NOT NULL DEFAULT '[]',"
    "  word_count BIGINT,"
    "  content TEXT,"
    "  sort_time TEXT COLLATE \"C\" NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  generation BIGINT NOT NULL DEFAULT 1,"
    "  content_gen BIGINT NOT NULL DEFAULT 0,"
    "  last_refresh TEXT,"
    "  authors TEXT NOT NULL DEFAULT '[]',"
    "  content_html TEXT,"
    "  content_markdown TEXT);"
    "ALTER SEQUENCE articles_id_seq OWNED BY articles.id;"
    "CREATE INDEX articles_canonical ON articles(canonical_norm);"
    "CREATE INDEX articles_status ON articles(status, id);"
    "CREATE INDEX articles_language ON articles(language, id);"
    "CREATE INDEX articles_sort_time ON articles(sort_time);"
    "CREATE TABLE article_tags("
    "  article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  facet TEXT COLLATE \"C\" NOT NULL,"
    "  tag_id TEXT COLLATE \"C\" NOT NULL,"
    "  label TEXT COLLATE \"C\" NOT NULL,"
    "  label_fold TEXT COLLATE \"C\" NOT NULL,"
    "  score DOUBLE PRECISION,"
    "  PRIMARY KEY (article_id, facet, tag_id));"
    "CREATE INDEX article_tags_by_id ON article_tags(tag_id, article_id);"
    "CREATE INDEX article_tags_by_label ON article_tags(label_fold, tag_id);"
    "CREATE INDEX article_tags_by_facet ON article_tags(facet, tag_id);"
    "CREATE TABLE events("
    "  article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  seq BIGINT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  date TEXT,"
    "  actors TEXT NOT NULL DEFAULT '[]',"
    "  PRIMARY KEY (article_id, seq));"
    "CREATE INDEX events_date ON events(date);"
    "CREATE TABLE jobs("
    "  article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
    "  generation BIGINT NOT NULL,"
    "  \"fetch\" INT NOT NULL DEFAULT 1,"
    "  enqueued_ms BIGINT NOT NULL,"
    "  not_before_ms BIGINT NOT NULL DEFAULT 0,"
    "  lease_owner TEXT,"
    "  lease_expires_ms BIGINT,"
    "  attempts INT NOT NULL DEFAULT 0);"
    "CREATE INDEX jobs_free ON jobs(enqueued_ms) WHERE lease_owner IS NULL;"
    "CREATE INDEX jobs_leased ON jobs(lease_expires_ms) WHERE lease_owner IS NOT NULL;"
    "CREATE TABLE pages("
    "  article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
    "  html BYTEA NOT NULL);"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE term_docs("
    "  article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
    "  lang TEXT NOT NULL,"
    "  terms TEXT NOT NULL,"
    "  folded INT NOT NULL DEFAULT 0);"
    "CREATE INDEX term_docs_unfolded ON term_docs(article_id) WHERE folded = 0;"
    "CREATE TABLE term_df("
    "  lang TEXT COLLATE \"C\" NOT NULL,"
    "  term TEXT COLLATE \"C\" NOT NULL,"
    "  df BIGINT NOT NULL,"
    "  PRIMARY KEY (lang, term));"
    "CREATE TABLE df_docs(lang TEXT COLLATE \"C\" PRIMARY KEY, n BIGINT NOT NULL);"
    "INSERT INTO meta(key, value) VALUES ('df_backfill', 'done');"
    "CREATE TABLE articles_fts("
    "  article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
    "  doc TSVECTOR NOT NULL);"
    "CREATE INDEX articles_fts_doc ON articles_fts USING gin(doc);"
    "CREATE TABLE tag_counts("
    "  facet TEXT COLLATE \"C\" NOT NULL,"
    "  tag_id TEXT COLLATE \"C\" NOT NULL,"
    "  label TEXT COLLATE \"C\" NOT NULL,"
    "  n BIGINT NOT NULL,"
    "  PRIMARY KEY (facet, tag_id));"
    /* tag_counts.n = article_tags rows per (facet, tag_id); an upsert's
     * UPDATE takes one back and adds one. Transactions of several daemons
     * change the same hot rows (a common tag) in different orders, which
     * deadlocked: the first tag change of a transaction takes a
     * transaction-scoped advisory lock, so they take their turns, and
     * nothing else is locked after it but rows of the transaction's own
     * article, locked before it */
    "CREATE FUNCTION skimd_tag_counts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  PERFORM pg_advisory_xact_lock(7596385261374833410);"
    "  IF TG_OP IN ('DELETE', 'UPDATE') THEN"
    "    UPDATE tag_counts SET n = n - 1 WHERE facet = OLD.facet AND tag_id = OLD.tag_id;"
    "    DELETE FROM tag_counts WHERE facet = OLD.facet AND tag_id = OLD.tag_id AND n <= 0;"
    "  END IF;"
    "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
    "    INSERT INTO tag_counts(facet, tag_id, label, n) VALUES (NEW.facet, NEW.tag_id, NEW.label, 1)"
    "      ON CONFLICT (facet, tag_id) DO UPDATE SET n = tag_counts.n + 1;"
    "  END IF;"
    "  RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER tag_counts_change AFTER INSERT OR DELETE OR UPDATE OF facet, tag_id, label"
    "  ON article_tags FOR EACH ROW EXECUTE FUNCTION skimd_tag_counts();"
    "CREATE TABLE webhooks("
    "  id BIGSERIAL PRIMARY KEY,"
    "  url TEXT NOT NULL,"
    "  events BIGINT NOT NULL,"
    "  secret TEXT NOT NULL,"
    "  description TEXT,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE webhook_deliveries("
    "  id BIGSERIAL PRIMARY KEY,"
    "  msg_id TEXT NOT NULL UNIQUE,"
    "  webhook_id BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,"
    "  event TEXT NOT NULL,"
    "  article_id BIGINT NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','delivered','dead')),"
    "  attempts INT NOT NULL DEFAULT 0,"
    "  created_ms BIGINT NOT NULL,"
    "  next_ms BIGINT,"
    "  last_status INT,"
    "  last_error TEXT,"
    "  done_ms BIGINT);"
    "CREATE INDEX webhook_due ON webhook_deliveries(next_ms) WHERE state = 'pending';"
    "CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries(webhook_id, id);"
    "CREATE TABLE webhook_attempts("
    "  delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,"
    "  seq INT NOT NULL,"
    "  at_ms BIGINT NOT NULL,"
    "  status_code INT,"
    "  error TEXT,"
    "  PRIMARY KEY (delivery_id, seq));",
    /* 1 -> 2: SQLite's 9 -> 10, conditional GET on refresh
     * (storage/validators.c) */
    ("ALTER TABLE articles ADD COLUMN checked_at TEXT;"
     "CREATE TABLE page_validators("
     "  article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
     "  etag TEXT,"
     "  last_modified TEXT);"),
    /* 2 -> 3: SQLite's 10 -> 11, feed subscriptions (storage/feeds.c) */
    ("CREATE TABLE feeds("
     "  id BIGSERIAL PRIMARY KEY,"
     "  url TEXT NOT NULL,"
     "  norm_url TEXT NOT NULL UNIQUE,"
     "  interval_s BIGINT NOT NULL,"
     "  created_at TEXT NOT NULL,"
     "  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','ok','not_modified','error')),"
     "  last_poll_at TEXT,"
     "  last_error TEXT,"
     "  item_count BIGINT NOT NULL DEFAULT 0,"
     "  polls BIGINT NOT NULL DEFAULT 0,"
     "  failures INT NOT NULL DEFAULT 0,"
     "  etag TEXT, last_modified TEXT,"
     "  next_poll_ms BIGINT NOT NULL DEFAULT 0);"
     "CREATE INDEX feeds_due ON feeds(next_poll_ms);"
     "CREATE TABLE feed_items("
     "  feed_id BIGINT NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,"
     "  norm_url TEXT NOT NULL,"
     "  PRIMARY KEY (feed_id, norm_url));"
     "ALTER TABLE articles ADD COLUMN feed_id BIGINT;"
     "CREATE INDEX articles_feed ON articles(feed_id, id) WHERE feed_id IS NOT NULL;"),
    /* 3 -> 4: SQLite's 11 -> 12, subscriptions from --webhooks-file */
    ("CREATE TABLE webhook_file("
     "  webhook_id BIGINT PRIMARY KEY REFERENCES webhooks(id) ON DELETE CASCADE);"),
};

#define PG_SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

/* Run sql; 0, or -1 with its error in err. */
static int run(PGconn *conn, const char *sql, const char *what, char *err, size_t errlen)
{
    PGresult *r = PQexec(conn, sql);
    ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    if (!ok) {
        const char *m = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
        snprintf(err, errlen, "%s: %.*s", what, (int)strcspn(m, "\n"), m);
    }
    PQclear(r);
    return ok ? 0 : -1;
}

/* The version recorded, 0 for a database skimd never used; -1 on error. */
static int read_version(PGconn *conn, char *err, size_t errlen)
{
    if (run(conn, "CREATE TABLE IF NOT EXISTS skimd_schema(version INT NOT NULL)",
            "cannot create the schema-version table", err, errlen) != 0)
        return -1;
    PGresult *r = PQexec(conn, "SELECT coalesce(max(version), 0) FROM skimd_schema");
    int v = -1;
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        v = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
    else
        snprintf(err, errlen, "cannot read the schema version: %s", PQerrorMessage(conn));
    PQclear(r);
    return v;
}

static int migrate_locked(PGconn *conn, char *err, size_t errlen)
{
    int version = read_version(conn, err, errlen);
    if (version < 0)
        return -1;
    if (version > PG_SCHEMA_VERSION) {
        snprintf(err, errlen, "database schema version %d is newer than this skimd (%d)",
                 version, PG_SCHEMA_VERSION);
        return -1;
    }
    for (int v = version; v < PG_SCHEMA_VERSION; v++) {
        char what[64], bump[96];
        snprintf(what, sizeof what, "migration %d -> %d failed", v, v + 1);
        snprintf(bump, sizeof bump, "DELETE FROM skimd_schema; INSERT INTO skimd_schema VALUES (%d)",
                 v + 1);
        if (run(conn, "BEGIN", what, err, errlen) != 0 ||
            run(conn, migrations[v], what, err, errlen) != 0 ||
            run(conn, bump, what, err, errlen) != 0 || run(conn, "COMMIT", what, err, errlen) != 0) {
            PQclear(PQexec(conn, "ROLLBACK"));
            return -1;
        }
    }
    return 0;
}

int pg_schema_migrate(PGconn *conn, char *err, size_t errlen)
{
    if (run(conn, "SELECT pg_advisory_lock(" PG_MIGRATE_LOCK ")",
            "cannot take the migration lock", err, errlen) != 0)
        return -1;
    int rc = migrate_locked(conn, err, errlen);
    char ignored[8];
    run(conn, "SELECT pg_advisory_unlock(" PG_MIGRATE_LOCK ")", "unlock", ignored,
        sizeof ignored);
    return rc;
}
