/* test_validate.c -- request body checks, ids and cursors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "handlers/validate.h"

#define JSON "application/json"

static void expect_invalid(const char *ctype, const char *body, int status, const char *slug)
{
    hdl_submit s;
    hdl_invalid why;
    memset(&why, 0, sizeof why);
    int rc = hdl_submit_parse(ctype, body, body ? strlen(body) : 0, &s, &why);
    if (rc != -1 || why.status != status || strcmp(why.slug, slug) != 0 || !why.detail[0])
        fail_msg("body %.60s: rc %d status %d slug %s, want %d %s", body ? body : "(null)",
                 rc, why.status, why.slug ? why.slug : "-", status, slug);
    assert_null(s.doc);
}

static void test_valid_bodies(void **state)
{
    (void)state;
    hdl_submit s;
    hdl_invalid why;
    const char *b = "{\"url\":\"https://example.com/a\",\"tags\":[\"ai\",\"新闻\"],\"html\":\"<p>x</p>\"}";
    assert_int_equal(hdl_submit_parse("application/json; charset=utf-8", b, strlen(b), &s, &why), 0);
    assert_string_equal(s.url, "https://example.com/a");
    assert_string_equal(s.html, "<p>x</p>");
    assert_int_equal(json_array_size(s.tags), 2);
    hdl_submit_release(&s);
    b = "\xEF\xBB\xBF{\"url\":\"https://example.com/bom\"}";   /* a leading UTF-8 BOM */
    assert_int_equal(hdl_submit_parse("application/json", b, strlen(b), &s, &why), 0);
    assert_string_equal(s.url, "https://example.com/bom");
    hdl_submit_release(&s);
    b = "\xEF\xBB\xBF";                                           /* a BOM and nothing */
    assert_int_equal(hdl_submit_parse("application/json", b, strlen(b), &s, &why), -1);
    assert_int_equal(why.status, 400);
    b = "{\"url\":\"https://example.com/a\",\"tags\":null,\"html\":null}";
    assert_int_equal(hdl_submit_parse("Application/JSON", b, strlen(b), &s, &why), 0);
    assert_null(s.html);
    assert_null(s.tags);
    hdl_submit_release(&s);
}

static void test_invalid_bodies(void **state)
{
    (void)state;
    expect_invalid("text/plain", "{\"url\":\"https://e.com\"}", 415, "unsupported-media-type");
    expect_invalid(NULL, "{\"url\":\"https://e.com\"}", 415, "unsupported-media-type");
    expect_invalid("application/jsonx", "{}", 415, "unsupported-media-type");
    expect_invalid(JSON, "", 400, "invalid-json");
    expect_invalid(JSON, "{\"url\":", 400, "invalid-json");
    expect_invalid(JSON, "{url: 1}", 400, "invalid-json");
    expect_invalid(JSON, "{\"url\":\"https://e.com\"} x", 400, "invalid-json");
    expect_invalid(JSON, "[\"https://e.com\"]", 400, "invalid-body");
    expect_invalid(JSON, "\"https://e.com\"", 400, "invalid-body");
    expect_invalid(JSON, "42", 400, "invalid-body");
    expect_invalid(JSON, "{\"url\":\"https://e.com\",\"extra\":1}", 400, "invalid-body");
    expect_invalid(JSON, "{\"url\":\"https://e.com\",\"url\":\"https://f.com\"}", 400, "invalid-body");
    expect_invalid(JSON, "{}", 400, "invalid-url");
    expect_invalid(JSON, "{\"url\":5}", 400, "invalid-url");
    expect_invalid(JSON, "{\"url\":null}", 400, "invalid-url");
    expect_invalid(JSON, "{\"url\":[\"https://e.com\"]}", 400, "invalid-url");
    expect_invalid(JSON, "{\"url\":\"https://e.com/\\u0000x\"}", 400, "invalid-json");
    expect_invalid(JSON, "{\"url\":\"https://e.com\",\"html\":5}", 400, "invalid-body");
    expect_invalid(JSON, "{\"url\":\"https://e.com\",\"html\":\"\"}", 400, "invalid-body");
    expect_invalid(JSON, "{\"url\":\"https://e.com\",\"tags\":\"ai\"}", 400, "invalid-body");
    expect_invalid(JSON, "{\"url\":\"https://e.com\",\"tags\":[1]}", 400, "invalid-body");
    expect_invalid(JSON, "{\"url\":\"https://e.com\",\"tags\":[\"\"]}", 400, "invalid-body");
    expect_invalid(JSON, "{\"url\":\"https://e.com\",\"tags\":[\"a\\nb\"]}", 400, "invalid-body");
    /* invalid UTF-8 inside a string */
    expect_invalid(JSON, "{\"url\":\"https://e.com/\xff\xfe\"}", 400, "invalid-json");
    char big[200];
    snprintf(big, sizeof big, "{\"url\":\"https://e.com\",\"tags\":[%s]}",
             "\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\","
             "\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\"");
    expect_invalid(JSON, big, 400, "invalid-body");
    /* absurd nesting is refused before parsing */
    char *deep = malloc(20001);
    assert_non_null(deep);
    memset(deep, '[', 10000);
    memset(deep + 10000, ']', 10000);
    deep[20000] = '\0';
    expect_invalid(JSON, deep, 400, "invalid-json");
    free(deep);
}

static void test_ids(void **state)
{
    (void)state;
    int64_t id = 0;
    assert_int_equal(hdl_parse_id("1", &id), 0);
    assert_int_equal(id, 1);
    assert_int_equal(hdl_parse_id("9223372036854775807", &id), 0);
    assert_int_equal(id, INT64_MAX);
    static const char *const bad[] = {"", "0", "-1", "+1", "01", "1.5", "abc", "1e3", " 1",
                                      "1 ", "9223372036854775808", "99999999999999999999",
                                      "0x10", NULL};
    for (int i = 0; bad[i]; i++)
        if (hdl_parse_id(bad[i], &id) == 0)
            fail_msg("id '%s' accepted", bad[i]);
    assert_int_equal(hdl_parse_id(NULL, &id), -1);
}

static void test_cursor(void **state)
{
    (void)state;
    char c[HDL_CURSOR_LEN];
    int64_t id = 0;
    static const int64_t ids[] = {1, 2, 255, 1000000, INT64_MAX};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        assert_int_equal(hdl_cursor_encode(ids[i], c), 0);
        assert_int_equal(hdl_cursor_decode(c, &id), 0);
        assert_int_equal(id, ids[i]);
    }
    assert_int_equal(hdl_cursor_encode(0, c), -1);
    assert_int_equal(hdl_cursor_encode(42, c), 0);
    /* truncated, extended, every single-character forgery */
    char t[HDL_CURSOR_LEN + 2];
    snprintf(t, sizeof t, "%.*s", (int)strlen(c) - 1, c);
    assert_int_equal(hdl_cursor_decode(t, &id), -1);
    snprintf(t, sizeof t, "%sA", c);
    assert_int_equal(hdl_cursor_decode(t, &id), -1);
    for (size_t i = 0; i < strlen(c); i++) {
        snprintf(t, sizeof t, "%s", c);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        if (hdl_cursor_decode(t, &id) == 0)
            fail_msg("forged cursor %s accepted", t);
    }
    assert_int_equal(hdl_cursor_decode("", &id), -1);
    assert_int_equal(hdl_cursor_decode("c1!!!!!!!!!!!!!!!!", &id), -1);
    assert_int_equal(hdl_cursor_decode(NULL, &id), -1);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(hdl_utf8_valid("plain ascii"));
    assert_true(hdl_utf8_valid("大模型 ChatGPT é 😀"));
    static const char *const bad[] = {"\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                                      "\xf4\x90\x80\x80", "\xe5\xa4", "a\x80" "b", NULL};
    for (int i = 0; bad[i]; i++)
        if (hdl_utf8_valid(bad[i]))
            fail_msg("invalid UTF-8 #%d accepted", i);
    assert_int_equal(hdl_utf8_chars("大模型ab"), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_bodies),
        cmocka_unit_test(test_invalid_bodies),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_cursor),
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
