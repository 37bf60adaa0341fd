/* test_jsontext.c -- the read path's JSON text writer (storage/articles.c):
 * the string escaper against jansson's, the canonical-form check that lets
 * stored JSON columns be copied (copied => jansson would write the same
 * bytes), and the row-to-JSON writer against the jansson record on records
 * with Chinese text, quotes, backslashes, control characters, invalid
 * UTF-8, nulls, empty arrays and JSON columns not in jansson's form. */
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

#include "storage/store.h"
#include "tests/unit/tmpdb.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

/* --- the escaper --------------------------------------------------- */

/* What jansson writes for s[0..n), or NULL when it refuses the string. */
static char *jansson_string(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    char *t = j ? json_dumps(j, DUMP_FLAGS | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    return t;
}

static void check_escape(const char *s, size_t n)
{
    store_jbuf b = {0};
    store_jbuf_add(&b, "x", 1);
    int rc = store_json_string(&b, s, n);
    char *want = jansson_string(s, n);
    if (want) {
        assert_int_equal(rc, 0);
        assert_false(b.failed);
        assert_int_equal(b.len, strlen(want) + 1);
        assert_memory_equal(b.data + 1, want, strlen(want));
    } else {
        assert_int_equal(rc, -1);          /* refused, and nothing appended */
        assert_int_equal(b.len, 1);
        assert_string_equal(b.data, "x");
    }
    free(want);
    store_jbuf_free(&b);
}

static void test_escape_like_jansson(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "", "plain ascii", "中国大模型的真实水平", "say \"hi\"", "back\\slash\\",
        "tab\there\nnew line\r\f\b", "\x01\x02\x1f\x7f end", "/slash/ not escaped",
        "emoji 😀 and é ü ß", "\xef\xbf\xbf nonchar U+FFFF", "\xf4\x8f\xbf\xbf max",
        "mixed 引号\"和\\反斜杠\x1b[0m",
        /* invalid: jansson refuses them, so must we */
        "\xff", "ab\xc0\x80", "\xe0\x80\xaf", "\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80", "trunc \xe4\xb8", "lone \x80 cont", "\xc3", "\xf0\x9f\x98",
        "\xf8\x88\x80\x80\x80",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_escape(cases[i], strlen(cases[i]));
    /* every byte alone, and every control character inside text */
    for (int c = 1; c < 256; c++) {
        char one[4] = {'a', (char)c, 'b', 0};
        check_escape(one, 3);
    }
    /* an embedded NUL is a control character like the others */
    check_escape("a\0b", 3);
}

static void test_escape_fixed_buffer(void **state)
{
    char mem[16];
    store_jbuf b;
    (void)state;
    store_jbuf_fixed(&b, mem, sizeof mem);
    assert_int_equal(store_json_string(&b, "short", 5), 0);
    assert_false(b.failed);
    assert_string_equal(mem, "\"short\"");
    store_json_string(&b, "a longer string that does not fit", 33);
    assert_true(b.failed);                  /* never written past cap */
    assert_true(b.len < sizeof mem);
    assert_null(store_jbuf_take(&b, NULL)); /* fixed memory is not handed out */
    /* a heap buffer grows */
    store_jbuf h = {0};
    for (int i = 0; i < 2000; i++)
        store_json_string(&h, "\"\\\x01", 3);
    assert_false(h.failed);
    size_t len = 0;
    char *t = store_jbuf_take(&h, &len);
    assert_non_null(t);
    assert_int_equal(len, 2000u * 12u);   /* "\"\\\u0001" */
    assert_int_equal(strlen(t), len);
    free(t);
}

/* --- the canonical-form check --------------------------------------- */

/* canonical(s) must imply that parse + compact dump gives s back. */
static void check_canonical(const char *s, int expect)
{
    int got = store_json_canonical(s, strlen(s));
    if (expect >= 0 && got != expect)
        fail_msg("store_json_canonical(%s) = %d, expected %d", s, got, expect);
    if (got) {
        json_t *j = json_loads(s, JSON_DECODE_ANY, NULL);
        char *t = j ? json_dumps(j, DUMP_FLAGS | JSON_ENCODE_ANY) : NULL;
        if (!t || strcmp(t, s) != 0)
            fail_msg("canonical but jansson writes %s for %s", t ? t : "(nothing)", s);
        free(t);
        json_decref(j);
    }
}

static void test_canonical(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "[]", "{}", "null", "true", "false", "0", "-5", "123456789012345678", "\"\"",
        "[\"大模型\",\"AI\"]", "{\"technology\":[\"大模型\"],\"user\":[\"mine\"]}",
        "[{\"text\":\"OpenAI发布ChatGPT\",\"date\":\"2022-11\",\"actors\":[\"OpenAI\"]}]",
        "{\"t\":[{\"id\":\"llm\",\"label\":\"x\",\"score\":3.5,\"terms\":[]}]}",
        "[0.10000000000000001,1.0,-2.5,9.9999999999999995e-8,1.5000000000000001e300,123456.0,1e22]",
        "[\"q\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001F\\u000B\"]", "[[[[[]]]]]", "[{},{}]",
        "\"/ and \x7f kept\"", "[true,false,null]",
        "{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}],\"c\":{}}",
    };
    static const char *const no[] = {
        "", " []", "[] ", "[ ]", "[1, 2]", "{\"a\": 1}", "[\"\\/\"]", "[\"\\u0041\"]",
        "[\"\\u001f\"]", "[\"\\u000a\"]", "[\"\\u0000\"]", "[1e-7]", "[1.50]", "[1e5]",
        "[1E-7]", "{\"a\":1,\"b\":{\"a\":1},\"a\":2}", "{\"a\":1,\"a\":1}",
        "[-0]", "[01]", "[1234567890123456789]", "[.5]", "[1.]", "[+1]", "[1e+07]",
        "[\"a\"", "[\"a\"]]", "{\"a\"}", "{\"a\":}", "{1:2}", "[,]", "[1,]", "{,}",
        "nul", "tru", "[nulll]", "\"\xff\"", "\"\xed\xa0\x80\"", "\"a\nb\"", "[\"\\x\"]",
        "[\"\\u00zz\"]", "[1]x", "[][]", "[\"\\", "[-]", "[1e400]",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        check_canonical(yes[i], 1);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        check_canonical(no[i], 0);
    /* random texts over JSON's alphabet: whatever is called canonical
     * must survive jansson's round trip byte for byte */
    static const char *const atoms[] = {
        "[", "]", "{", "}", ",", ":", "\"", "\"a\"", "\"中\"", "\\", "\\n", "\\u001F",
        "\\u0041", "1", "0", "-", ".", "5", "e", "E", "+", "null", "true", " ", "\x01",
        "1.5", "2.0", "1e-7", "\"k\":",
    };
    unsigned seed = 12345;
    char buf[128];
    int canonical = 0;
    for (int round = 0; round < 200000; round++) {
        size_t len = 0;
        int parts = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 8;
        buf[0] = '\0';
        for (int k = 0; k < parts; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = atoms[(seed >> 16) % (sizeof atoms / sizeof atoms[0])];
            size_t al = strlen(a);
            if (len + al + 1 >= sizeof buf)
                break;
            memcpy(buf + len, a, al + 1);
            len += al;
        }
        canonical += store_json_canonical(buf, len);
        check_canonical(buf, -1);
    }
    assert_true(canonical > 100);           /* the property was exercised */
}

/* --- the row writer against the jansson record ----------------------- */

typedef tmpdb_fixture fixture;
#define setup tmpdb_setup
#define teardown tmpdb_teardown

static int64_t submit(store *st, const char *url, json_t *tags)
{
    int64_t id = 0;
    int ex = 0;
    store_submit s = {.url = url, .norm_url = url, .user_tags = tags};
    assert_int_equal(store_article_submit(st, &s, &id, &ex), STORE_OK);
    return id;
}

/* Claim the next job and finish it with `rec` (stolen). */
static int64_t finish(store *st, json_t *rec)
{
    store_job job;
    assert_non_null(rec);
    assert_int_equal(store_job_claim(st, "t", 30000, &job), STORE_OK);
    int64_t id = job.id;
    assert_int_equal(store_job_finish_ready(st, &job, "t", rec, NULL, NULL), STORE_OK);
    json_decref(rec);
    store_job_release(&job);
    return id;
}

/* Write odd rows through a second connection of our own. */
static void raw_exec(fixture *f, const char *sql)
{
    sqlite3 *raw = NULL;
    char *err = NULL;
    if (sqlite3_open(f->path, &raw) != SQLITE_OK)
        fail_msg("cannot open %s", f->path);
    sqlite3_busy_timeout(raw, 2000);
    int rc = sqlite3_exec(raw, sql, NULL, NULL, &err);
    sqlite3_close(raw);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : "?");
}

/* The jansson record and the text record of `id` must be the same bytes. */
static void check_record(fixture *f, int64_t id, unsigned flags)
{
    json_t *rec = NULL;
    store_jbuf b = {0};
    assert_int_equal(store_article_get(f->st, id, flags, &rec), STORE_OK);
    char *want = json_dumps(rec, DUMP_FLAGS);
    assert_non_null(want);
    assert_int_equal(store_article_get_text(f->st, id, flags, &b), STORE_OK);
    assert_false(b.failed);
    if (b.len != strlen(want) || memcmp(b.data, want, b.len) != 0)
        fail_msg("record %lld flags %u:\n jansson %s\n text    %s", (long long)id, flags,
                 want, b.data);
    free(want);
    json_decref(rec);
    store_jbuf_free(&b);
}

static void check_list(fixture *f, store_query *q)
{
    json_t *items = NULL;
    int64_t n1 = -1, n2 = -1;
    store_jbuf b = {0};
    assert_int_equal(store_article_list(f->st, q, &items, &n1), STORE_OK);
    assert_int_equal(store_article_list_text(f->st, q, &b, &n2), STORE_OK);
    char *want = json_dumps(items, DUMP_FLAGS);
    assert_non_null(want);
    assert_false(b.failed);
    assert_string_equal(b.data, want);
    assert_int_equal(n1, n2);
    free(want);
    json_decref(items);
    store_jbuf_free(&b);
}

static void test_record_text_like_jansson(void **state)
{
    fixture *f = *state;
    int64_t ids[16];
    size_t n = 0;
    json_t *user = json_pack("[s,s]", "读后感", "with \"quotes\"");

    /* a Chinese record with every field */
    ids[n++] = submit(f->st, "https://e.com/zh?a=1&b=\"2\"", user);
    json_decref(user);
    finish(f->st, json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s,s],"
        " s:{s:[s]}, s:{s:[{s:s, s:s, s:f, s:[s]}]}, s:[{s:s, s:s, s:[s]}], s:i}",
        "title", "中国大模型的真实水平：\"引号\"与\\反斜杠", "content",
        "第一段。\n第二段\t制表\x01控制\x1f。", "language", "zh", "site_name", "新闻网",
        "author", "张三", "published_at", "2023-07-03T10:12:00+08:00", "canonical_url",
        "https://e.com/zh", "summary", "摘要\r\n换行", "description", "desc \b\f",
        "image_url", "https://e.com/i.png?x=<y>", "keywords", "大模型", "A\\I", "tags",
        "technology", "大模型", "tag_evidence", "technology", "id", "llm", "label", "大模型",
        "score", 0.1 + 0.2, "terms", "大模型", "events", "text", "OpenAI发布\"ChatGPT\"",
        "date", "2022-11", "actors", "OpenAI", "word_count", 42));

    /* a record with empty arrays and null fields */
    ids[n++] = submit(f->st, "https://e.com/empty", NULL);
    finish(f->st, json_pack("{s:s, s:[], s:{}, s:{}, s:[]}", "title", "", "keywords",
                            "tags", "tag_evidence", "events"));

    /* queued and failed records */
    ids[n++] = submit(f->st, "https://e.com/queued", NULL);
    ids[n++] = submit(f->st, "https://e.com/failed", NULL);
    store_job job;
    assert_int_equal(store_job_claim(f->st, "t", 30000, &job), STORE_OK);
    assert_int_equal(store_job_finish_failed(f->st, &job, "t", "http_404", "HTTP 404 \"Not Found\""),
                     STORE_OK);
    store_job_release(&job);

    /* rows nobody writes through the store: invalid UTF-8 text, JSON
     * columns in other forms, not JSON at all, numbers as text */
    int64_t odd[6];
    char url[64], sql[512];
    for (int i = 0; i < 6; i++) {
        snprintf(url, sizeof url, "https://e.com/odd/%d", i);
        odd[i] = ids[n++] = submit(f->st, url, NULL);
        finish(f->st, json_pack("{s:s, s:s}", "title", "odd", "content", "odd"));
    }
    snprintf(sql, sizeof sql,
             "UPDATE articles SET title = CAST(X'41FF42' AS TEXT),"
             " author = CAST(X'EDA080' AS TEXT),"
             " content = CAST(X'E4B8' AS TEXT), keywords = ' [ \"a\" , \"\\u00e9\\/\" ] ',"
             " tags = '{\"x\": [1.50, 1e2, -0]}', events = 'not json', tag_evidence = ''"
             " WHERE id = %lld", (long long)odd[0]);
    raw_exec(f, sql);
    snprintf(sql, sizeof sql,
             "UPDATE articles SET keywords = '5', tags = 'null', events = '\"s\"',"
             " tag_evidence = '{\"a\":1,\"a\":2}', word_count = NULL, summary = 12.5,"
             " description = 7 WHERE id = %lld", (long long)odd[1]);
    raw_exec(f, sql);
    snprintf(sql, sizeof sql,
             "UPDATE articles SET keywords = '[\"\\u0000\"]',"
             " tags = '{\"a\":[1234567890123456789]}',"
             " events = '[99999999999999999999]', tag_evidence = '[[[[[[[[[[[[[[[[[[[[[[[[[[[["
             "[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]' WHERE id = %lld",
             (long long)odd[2]);
    raw_exec(f, sql);
    snprintf(sql, sizeof sql,
             "UPDATE articles SET keywords = '[\"\\u001f\",\"\\u000A\"]', tags = '{}  ',"
             " events = '[1e400]', title = CAST(X'610062' AS TEXT) WHERE id = %lld",
             (long long)odd[3]);
    raw_exec(f, sql);
    snprintf(sql, sizeof sql,
             "UPDATE articles SET keywords = '[\"\xe4\xb8\"]', tags = '{\"a\":\"\xff\"}',"
             " events = '[\"a\nb\"]' WHERE id = %lld", (long long)odd[4]);
    raw_exec(f, sql);
    snprintf(sql, sizeof sql,
             "UPDATE articles SET status = 'failed', error_code = 'x', error_message = NULL"
             " WHERE id = %lld", (long long)odd[5]);
    raw_exec(f, sql);

    for (size_t i = 0; i < n; i++)
        for (unsigned flags = 0; flags < 4; flags++)
            check_record(f, ids[i], flags);

    /* unknown id */
    store_jbuf b = {0};
    assert_int_equal(store_article_get_text(f->st, 99999, 0, &b), STORE_NOT_FOUND);
    store_jbuf_free(&b);

    /* lists: whole, paged, filtered, empty */
    store_query q;
    memset(&q, 0, sizeof q);
    q.limit = 100;
    check_list(f, &q);
    q.limit = 3;
    check_list(f, &q);
    q.before_id = ids[5];
    check_list(f, &q);
    memset(&q, 0, sizeof q);
    q.limit = 20;
    q.status = "failed";
    check_list(f, &q);
    q.status = NULL;
    q.tag_label = "no-such-tag";
    check_list(f, &q);
    q.tag_label = "大模型";
    check_list(f, &q);
    q.tag_label = NULL;
    q.text = "大模型的";
    check_list(f, &q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_like_jansson),
        cmocka_unit_test(test_escape_fixed_buffer),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test_setup_teardown(test_record_text_like_jansson, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
