// idf.test.mjs -- the stored articles' document frequencies (schema v4,
// docs/analysis.md "IDF refinement from stored articles") through the
// daemon: each ready article counted once, a refresh does not count it
// twice, a delete takes it back, the counts survive a restart and are
// loaded at start, and a database from before v4 gets its articles
// counted by the background pass; the running daemon reloads the counts.
import { test } from './lib/runner.mjs';
import { eq, ok, sleep } from './lib/assert.mjs';
import { daemon, newFixture, unique } from './lib/shared.mjs';
import { expectRecord } from './lib/check.mjs';
import { PG, dbQuery as sql } from './lib/daemon.mjs';

// the sums folded so far plus the articles recorded since (folded at the
// next reload): what the daemon will load
const docsEn = (db) => Number(sql(db, "SELECT coalesce((SELECT n FROM df_docs WHERE lang = 'en'), 0) + " +
  "(SELECT count(*) FROM term_docs WHERE lang = 'en' AND folded = 0)"));
const dfEn = (db, term) =>
  Number(sql(db, `SELECT coalesce((SELECT df FROM term_df WHERE lang = 'en' AND term = '${term}'), 0) + ` +
    (PG ? `(SELECT count(*) FROM term_docs, json_array_elements_text(terms::json) AS j(value) `
      : '(SELECT count(*) FROM term_docs, json_each(terms) ') +
    `WHERE lang = 'en' AND folded = 0 AND value = '${term}')`));
const unfolded = (db) => Number(sql(db, 'SELECT count(*) FROM term_docs WHERE folded = 0'));

// every fixture page (lib/fixture.mjs articlePage) says "The reference for this story"
const TERM = 'reference';
// Undo schema v12 (webhook file), v11 (feeds), v10 (page validators), v9 (webhooks), v8 (tag counts), v7 (authors, content_html,
// content_markdown) and v6 (generations, leases, pages) so a v3 database
// can be staged (the index's chars column of v8 goes with the v4 -> v5
// rebuild).
const UNDO_V12 = 'DROP TABLE webhook_file; ';
const UNDO_V11 = UNDO_V12 + 'DROP TABLE feed_items; DROP TABLE feeds; DROP INDEX articles_feed; ALTER TABLE articles DROP COLUMN feed_id; ';
const UNDO_V10 = UNDO_V11 + 'DROP TABLE page_validators; ALTER TABLE articles DROP COLUMN checked_at; ';
const UNDO_V9 = UNDO_V10 + 'DROP TABLE webhook_attempts; DROP TABLE webhook_deliveries; DROP TABLE webhooks; ';
const UNDO_V8 = UNDO_V9 + 'DROP TRIGGER tag_counts_replaced; DROP TRIGGER tag_counts_inserted; ' +
  'DROP TRIGGER tag_counts_deleted; DROP TRIGGER tag_counts_updated; DROP TABLE tag_counts; ';
const UNDO_V7 = UNDO_V8 + 'ALTER TABLE articles DROP COLUMN authors; ALTER TABLE articles DROP COLUMN content_html; ' +
  'ALTER TABLE articles DROP COLUMN content_markdown; ';
const UNDO_V6 = UNDO_V7 + 'DROP TABLE jobs; DROP TABLE pages; ' +
  'CREATE TABLE jobs(article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE, ' +
  'html BLOB, enqueued_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0); ' +
  'ALTER TABLE articles DROP COLUMN generation; ALTER TABLE articles DROP COLUMN content_gen; ' +
  'ALTER TABLE articles DROP COLUMN last_refresh; ';

async function waitFor(fn, what, ms = 15000) {
  for (let t = 0; t < ms; t += 100) {
    if (fn()) return;
    await sleep(100);
  }
  ok(fn(), what);
}

test('idf: each ready article counted once; refresh keeps one count, delete takes it back; kept across restart', async () => {
  const f = await newFixture();
  const d = await daemon({ name: 'idf-a', workers: 2, fetchTimeout: 5 });
  const ids = [];
  for (let i = 0; i < 4; i++) {
    const rec = expectRecord(await d.post('/articles?wait=10', { url: f.url(`/gen/${unique('idf')}`) }), 201, 'submit');
    eq(rec.status, 'ready', `ready (${JSON.stringify(rec.error)})`);
    ids.push(rec.id);
  }
  eq(docsEn(d.db), 4, 'articles counted');
  eq(dfEn(d.db, TERM), 4, `df of "${TERM}"`);
  eq(Number(sql(d.db, 'SELECT count(*) FROM term_docs')), 4, 'one term row per article');
  ok(!('terms' in (await d.get(`/articles/${ids[0]}`)).json()), 'no terms in the record');

  expectRecord(await d.post(`/articles/${ids[0]}/refresh`), 202, 'refresh');
  const again = await d.waitStatus(ids[0], ['ready', 'failed'], 15000);
  eq(again.status, 'ready', 'ready again');
  eq(docsEn(d.db), 4, 'a refresh does not count twice');
  eq(dfEn(d.db, TERM), 4, 'df after refresh');

  eq((await d.del(`/articles/${ids[1]}`)).status, 204, 'delete');
  eq(docsEn(d.db), 3, 'delete takes the article back');
  eq(dfEn(d.db, TERM), 3, 'df after delete');

  await d.stop('SIGTERM');
  await d.start();
  eq(docsEn(d.db), 3, 'counts after restart');
  eq(unfolded(d.db), 0, 'folded at start');
  await waitFor(() => /"event":"idf","articles_zh":0,"articles_en":3,/.test(d.logText()), 'start-up load logged');
}, { timeout: 90000 });

// (SQLite's own migrations; PostgreSQL's schema starts at SQLite's v9)
if (!PG) test('idf: a database from before v4 gets its stored articles counted once at start', async () => {
  const f = await newFixture();
  const d = await daemon({ name: 'idf-b', workers: 1, fetchTimeout: 5 });
  for (let i = 0; i < 2; i++) {
    const rec = expectRecord(await d.post('/articles?wait=10', { url: f.url(`/gen/${unique('old')}`) }), 201, 'submit');
    eq(rec.status, 'ready', 'ready');
  }
  await d.stop('SIGTERM');
  // back to schema v3: no v4 tables, no backfill mark
  sql(d.db, UNDO_V6 + "DROP TABLE term_docs; DROP TABLE term_df; DROP TABLE df_docs; " +
            "DELETE FROM meta WHERE key = 'df_backfill'; PRAGMA user_version = 3;");
  await d.start();
  await waitFor(() => /"event":"idf_backfill","articles":2/.test(d.logText()), 'backfill logged');
  eq(Number(sql(d.db, 'PRAGMA user_version')), 12, 'migrated to the current schema (v12)');
  eq(docsEn(d.db), 2, 'old articles counted');
  eq(dfEn(d.db, TERM), 2, `df of "${TERM}"`);
  eq(sql(d.db, "SELECT value FROM meta WHERE key = 'df_backfill'"), 'done', 'backfill marked done');
  await d.stop('SIGTERM');
  await d.start();
  await sleep(300);
  eq(docsEn(d.db), 2, 'not counted again at the next start');
  ok(!/"event":"idf_backfill","articles":[1-9]/.test(d.logText().split('"event":"start"').slice(-1)[0]),
     'no second backfill');
}, { timeout: 90000 });

test('idf: the running daemon reloads the counts after 50 new articles (SRV_IDF_EVERY_MIN)', async () => {
  const f = await newFixture();
  const d = await daemon({ name: 'idf-c', workers: 2, fetchTimeout: 5 });
  const ids = [];
  for (let i = 0; i < 50; i++)
    ids.push(expectRecord(await d.post('/articles', { url: f.url(`/gen/${unique('many')}`) }), 202, 'submit').id);
  for (const id of ids) eq((await d.waitStatus(id, ['ready', 'failed'], 30000)).status, 'ready', `article ${id}`);
  await waitFor(() => /"event":"idf","articles_zh":0,"articles_en":5[0-9],/.test(d.logText()),
                `a reload after 50 articles is logged:\n${d.tail(5)}`);
  eq(docsEn(d.db), 50, 'articles counted');
  ok(unfolded(d.db) < 50, 'folded at the reload');
}, { timeout: 120000 });
