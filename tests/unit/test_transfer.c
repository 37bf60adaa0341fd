/* test_transfer.c -- batches, export lines and imports on a temporary
 * database (storage/transfer.c, store_article_import in storage/jobs.c,
 * server/import_line.c): a batch is one transaction and dedupes within
 * itself; an imported record has exactly the rows the job model would
 * have written (schema.c invariants), its export line is the line it
 * came from; ids in use, deleted ids and known URLs are never
 * overwritten; damaged lines are refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "server/import_line.h"
#include "storage/store.h"
#include "tests/unit/tmpdb.h"

typedef tmpdb_fixture fixture;
#define setup tmpdb_setup
#define teardown tmpdb_teardown

/* One integer from SQL run on a second connection to the file. */
static long long sql_int(const fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    long long v = -1;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

#define READY_LINE(id, url)                                                                   \
    "{\"record\":{\"id\":" #id ",\"url\":\"" url "\",\"normalized_url\":\"" url "\","        \
    "\"canonical_url\":null,\"status\":\"ready\",\"error\":null,\"title\":\"Budget vote\","  \
    "\"site_name\":null,\"author\":\"Jane\",\"published_at\":\"2024-03-01T10:00:00+02:00\"," \
    "\"modified_at\":null,\"language\":\"en\",\"summary\":\"The council voted.\","           \
    "\"description\":null,\"image_url\":null,\"keywords\":[\"council\",\"budget\"],"         \
    "\"tags\":{\"industry\":[\"Economy\"],\"user\":[\"to-read\"]},"                         \
    "\"events\":[{\"text\":\"The council voted.\",\"date\":\"2024-03-01\",\"actors\":[]}],"  \
    "\"word_count\":3,\"created_at\":\"2024-03-02T00:00:00Z\","                             \
    "\"updated_at\":\"2024-03-02T00:00:01Z\",\"last_refresh\":null,"                        \
    "\"checked_at\":\"2024-03-02T00:00:01Z\",\"feed_id\":3,\"job\":null,"                     \
    "\"authors\":[\"Jane\"],\"content\":\"The council voted on the budget.\","              \
    "\"content_html\":null,\"content_markdown\":null,"                                      \
    "\"tag_evidence\":{\"industry\":[{\"id\":\"economy\",\"label\":\"Economy\","              \
    "\"score\":2.5,\"terms\":[\"budget\"]}]}},"                                              \
    "\"store\":{\"generation\":3,\"content_gen\":3,"                                        \
    "\"terms\":{\"lang\":\"en\",\"terms\":[\"council\",\"budget\"]}}}"

#define FAILED_LINE(id, url)                                                                  \
    "{\"record\":{\"id\":" #id ",\"url\":\"" url "\",\"normalized_url\":\"" url "\","        \
    "\"canonical_url\":null,\"status\":\"failed\",\"error\":{\"code\":\"http_404\","         \
    "\"message\":\"gone\"},\"title\":null,\"site_name\":null,\"author\":null,"              \
    "\"published_at\":null,\"modified_at\":null,\"language\":null,\"summary\":null,"         \
    "\"description\":null,\"image_url\":null,\"keywords\":[],\"tags\":{},\"events\":[],"     \
    "\"word_count\":null,\"created_at\":\"2024-03-02T00:00:00Z\","                          \
    "\"updated_at\":\"2024-03-02T00:00:00Z\",\"last_refresh\":null,\"checked_at\":null,"      \
    "\"feed_id\":null,\"job\":null,"                                                         \
    "\"authors\":[],\"content\":null,\"content_html\":null,\"content_markdown\":null,"       \
    "\"tag_evidence\":{}},\"store\":{\"generation\":1,\"content_gen\":0,\"terms\":null}}"

/* Import one line; returns the outcome (fails the test on errors). */
static store_import_outcome import_line(store *st, const char *line, int64_t floor)
{
    srv_import_line l;
    char why[300];
    store_import_outcome out;
    int64_t existing;
    if (srv_import_line_parse(line, strlen(line), &l, why, sizeof why) != 0)
        fail_msg("line refused: %s", why);
    l.imp.floor = floor;
    assert_int_equal(store_article_import(st, &l.imp, &out, &existing), STORE_OK);
    srv_import_line_release(&l);
    return out;
}

static void test_batch_one_transaction(void **state)
{
    fixture *f = *state;
    store_batch_item items[4];
    memset(items, 0, sizeof items);
    items[0].sub = (store_submit){.url = "http://a.test/1", .norm_url = "http://a.test/1"};
    items[1].sub = (store_submit){.url = "http://a.test/1#x", .norm_url = "http://a.test/1"};
    /* items[2] was refused before storage: url NULL, skipped */
    items[3].sub = (store_submit){.url = "http://a.test/2", .norm_url = "http://a.test/2",
                                  .html = "<p>x</p>", .html_len = 8};
    assert_int_equal(store_article_submit_many(f->st, items, 4), STORE_OK);
    assert_int_equal(items[0].existed, 0);
    assert_int_equal(items[1].existed, 1);
    assert_int_equal(items[1].id, items[0].id);
    assert_int_equal(items[3].existed, 0);
    assert_int_equal(items[2].id, 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM articles"), 2);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM jobs"), 2);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM pages"), 1);
}

static void test_import_ready_rows_and_round_trip(void **state)
{
    fixture *f = *state;
    const char *line = READY_LINE(7, "http://b.test/news");
    assert_int_equal(import_line(f->st, line, 0), STORE_IMPORTED);
    assert_int_equal(sql_int(f, "SELECT generation = 3 AND content_gen = 3 AND status = 'ready' "
                                "AND sort_time = '2024-03-01T08:00:00Z' FROM articles WHERE id = 7"), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM article_tags WHERE article_id = 7 AND "
                                "((facet = 'industry' AND tag_id = 'economy') OR facet = 'user')"), 2);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM events WHERE article_id = 7"), 1);
    assert_int_equal(sql_int(f, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'budget'"), 7);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM term_docs WHERE article_id = 7 AND lang = 'en'"), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM jobs"), 0);
    store_jbuf b = {0};
    assert_int_equal(store_export_line(f->st, 7, &b), STORE_OK);
    assert_string_equal(b.data, line);
    store_jbuf_free(&b);
    /* the counts fold like a worker's */
    assert_true(store_df_fold(f->st) >= 1);
    assert_int_equal(sql_int(f, "SELECT df FROM term_df WHERE lang = 'en' AND term = 'budget'"), 1);
}

static void test_import_failed_and_queued(void **state)
{
    fixture *f = *state;
    assert_int_equal(import_line(f->st, FAILED_LINE(3, "http://c.test/x"), 0), STORE_IMPORTED);
    assert_int_equal(sql_int(f, "SELECT content_gen = 0 AND status = 'failed' AND content IS NULL "
                                "FROM articles WHERE id = 3"), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM articles_fts"), 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM article_tags"), 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM term_docs"), 0);
    /* a queued record comes back queued, with a job of its generation */
    char queued[2048];
    snprintf(queued, sizeof queued, "%s", FAILED_LINE(4, "http://c.test/q"));
    char *p = strstr(queued, "\"failed\",\"error\":{\"code\":\"http_404\",\"message\":\"gone\"}");
    assert_non_null(p);
    static const char rep[] = "\"queued\",\"error\":null";
    size_t old = strlen("\"failed\",\"error\":{\"code\":\"http_404\",\"message\":\"gone\"}");
    memmove(p + strlen(rep), p + old, strlen(p + old) + 1);
    memcpy(p, rep, strlen(rep));
    assert_int_equal(import_line(f->st, queued, 0), STORE_IMPORTED);
    assert_int_equal(sql_int(f, "SELECT j.generation = a.generation AND j.fetch = 1 AND "
                                "j.lease_owner IS NULL AND a.status = 'queued' "
                                "FROM jobs j JOIN articles a ON a.id = j.article_id WHERE a.id = 4"), 1);
}

static void test_import_never_overwrites(void **state)
{
    fixture *f = *state;
    int64_t floor = 0;
    assert_int_equal(import_line(f->st, READY_LINE(5, "http://d.test/a"), 0), STORE_IMPORTED);
    assert_int_equal(import_line(f->st, READY_LINE(5, "http://d.test/other"), 0),
                     STORE_IMPORT_ID_TAKEN);
    assert_int_equal(import_line(f->st, READY_LINE(6, "http://d.test/a"), 0),
                     STORE_IMPORT_URL_TAKEN);
    assert_int_equal(store_article_delete(f->st, 5), STORE_OK);
    assert_int_equal(store_id_floor(f->st, &floor), STORE_OK);
    assert_int_equal(floor, 5);
    assert_int_equal(import_line(f->st, READY_LINE(5, "http://d.test/a"), floor),
                     STORE_IMPORT_ID_TAKEN);
    assert_int_equal(import_line(f->st, READY_LINE(8, "http://d.test/a"), floor), STORE_IMPORTED);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM articles"), 1);
}

/* A line with `from` replaced by `to` is refused. */
static void refused(const char *line, const char *from, const char *to)
{
    char buf[4096], why[300];
    srv_import_line l;
    const char *p = strstr(line, from);
    assert_non_null(p);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - line), line, to, p + strlen(from));
    if (srv_import_line_parse(buf, strlen(buf), &l, why, sizeof why) == 0)
        fail_msg("accepted: %s -> %s", from, to);
    assert_true(why[0] != '\0');
    srv_import_line_release(&l);
}

static void test_damaged_lines_refused(void **state)
{
    (void)state;
    const char *ready = READY_LINE(9, "http://e.test/a");
    const char *failed = FAILED_LINE(9, "http://e.test/a");
    refused(ready, "\"content_gen\":3", "\"content_gen\":0");
    refused(ready, "\"content_gen\":3", "\"content_gen\":4");
    refused(ready, "\"id\":9", "\"id\":0");
    refused(ready, "\"id\":9", "\"id\":\"9\"");
    refused(ready, "\"url\":\"http://e.test/a\"", "\"url\":\"ftp://e.test/a\"");
    refused(ready, "2024-03-02T00:00:00Z", "2024-03-02");
    refused(ready, "\"job\":null", "\"job\":null,\"extra\":1");
    refused(ready, "\"status\":\"ready\"", "\"status\":\"done\"");
    refused(ready, "\"error\":null", "\"error\":{\"code\":\"x\",\"message\":\"y\"}");
    refused(ready, "\"keywords\":[", "\"keywords\":[1,");
    refused(ready, "{\"record\"", "{\"record\":1,\"record\"");
    refused(failed, "\"title\":null", "\"title\":\"leftover\"");
    refused(failed, "\"tags\":{}", "\"tags\":{\"industry\":[\"Economy\"]}");
    refused(failed, "\"terms\":null", "\"terms\":{\"lang\":\"en\",\"terms\":[\"a\"]}");
    refused(failed, "\"error\":{\"code\":\"http_404\",\"message\":\"gone\"}", "\"error\":null");
    refused(failed, "\"authors\":[]", "\"authors\":[\"x\"]");
    refused(ready, "\"checked_at\":\"2024-03-02T00:00:01Z\"", "\"checked_at\":\"yesterday\"");
    refused(ready, "\"checked_at\":\"2024-03-02T00:00:01Z\"", "\"checked_at\":17");
    refused(ready, "\"feed_id\":3", "\"feed_id\":0");
    refused(ready, "\"feed_id\":3", "\"feed_id\":\"3\"");
    /* an export made before schema v10 has no checked_at nor feed_id: accepted */
    char old[4096], why[300];
    srv_import_line l;
    static const char gone[] = "\"checked_at\":\"2024-03-02T00:00:01Z\",\"feed_id\":3,";
    const char *p = strstr(ready, gone);
    assert_non_null(p);
    snprintf(old, sizeof old, "%.*s%s", (int)(p - ready), ready, p + strlen(gone));
    if (srv_import_line_parse(old, strlen(old), &l, why, sizeof why) != 0)
        fail_msg("an export without checked_at refused: %s", why);
    srv_import_line_release(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_batch_one_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_ready_rows_and_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_failed_and_queued, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_never_overwrites, setup, teardown),
        cmocka_unit_test(test_damaged_lines_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
