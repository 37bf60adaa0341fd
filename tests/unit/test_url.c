/* test_url.c -- URL normalisation, resolution and host extraction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/url.h"

static void expect_norm(const char *in, const char *want)
{
    char *out = NULL;
    url_status st = url_normalize(in, &out);
    if (st != URL_OK || !out || strcmp(out, want) != 0)
        fail_msg("normalize(%s): status %d, got %s, want %s", in, st, out ? out : "(null)",
                 want);
    free(out);
}

static void expect_bad(const char *in, url_status want)
{
    char *out = NULL;
    url_status st = url_normalize(in, &out);
    if (st != want)
        fail_msg("normalize(%s): status %d, want %d", in, st, want);
    assert_null(out);
}

static void test_case_port_fragment(void **state)
{
    (void)state;
    expect_norm("HTTP://Example.COM:80/a/B?x=1#frag", "http://example.com/a/B?x=1");
    expect_norm("https://example.com:443", "https://example.com/");
    expect_norm("https://example.com:8443/p", "https://example.com:8443/p");
    expect_norm("http://example.com./news", "http://example.com/news");
}

/* RFC 3986 6.2.2: unreserved characters decoded; the other escapes in
 * one case (libcurl's, lower-case hex), so %2F and %2f are one key. */
static void test_percent_escapes(void **state)
{
    (void)state;
    expect_norm("http://example.com/%6Fk", "http://example.com/ok");
    expect_norm("http://example.com/ok", "http://example.com/ok");
    expect_norm("http://example.com/a%2db%7Ec%5F%2E", "http://example.com/a-b~c_.");
    expect_norm("http://example.com/a%2Fb%C3%A9", "http://example.com/a%2fb%c3%a9");
    expect_norm("http://example.com/a%2fb%c3%a9", "http://example.com/a%2fb%c3%a9");
    expect_norm("http://example.com/p?q=%61%20b&r=%2F", "http://example.com/p?q=a%20b&r=%2f");
}

static void test_tracking_params(void **state)
{
    (void)state;
    expect_norm("https://ex.com/a?utm_source=x&id=7&utm_medium=y&fbclid=z&b=2",
                "https://ex.com/a?id=7&b=2");
    expect_norm("https://ex.com/a?gclid=1&spm=a.b", "https://ex.com/a");
    expect_norm("https://ex.com/a?b=2&a=1", "https://ex.com/a?b=2&a=1");
    expect_norm("https://baijiahao.baidu.com/s?id=1770461794592856916&wfr=spider&for=pc",
                "https://baijiahao.baidu.com/s?id=1770461794592856916&wfr=spider&for=pc");
}

static void test_bad_urls(void **state)
{
    (void)state;
    expect_bad("", URL_EMPTY);
    expect_bad("example.com/x", URL_MALFORMED);
    expect_bad("ftp://example.com/x", URL_BAD_SCHEME);
    expect_bad("file:///etc/passwd", URL_BAD_SCHEME);
    expect_bad("gopher://127.0.0.1:70/", URL_BAD_SCHEME);
    expect_bad("javascript:alert(1)", URL_MALFORMED);
    expect_bad("http://", URL_MALFORMED);
    expect_bad("http:///127.0.0.1:80/x", URL_NO_HOST);
    expect_bad("http://exa mple.com/", URL_MALFORMED);
    char *long_url = malloc(URL_MAX_LEN + 20);
    assert_non_null(long_url);
    strcpy(long_url, "https://example.com/");
    memset(long_url + 20, 'a', URL_MAX_LEN);
    long_url[URL_MAX_LEN + 19] = '\0';
    expect_bad(long_url, URL_TOO_LONG);
    free(long_url);
    assert_int_equal(url_normalize(NULL, NULL), URL_MALFORMED);
}

static void test_resolve(void **state)
{
    (void)state;
    char *u = url_resolve("http://a.com/x/y.html", "../z.html");
    assert_string_equal(u, "http://a.com/z.html");
    free(u);
    u = url_resolve("http://a.com/x/", "file:///etc/passwd");
    assert_string_equal(u, "file:///etc/passwd");
    free(u);
    u = url_resolve("http://a.com/x/", "//b.com/q");
    assert_string_equal(u, "http://b.com/q");
    free(u);
}

static void test_host_port(void **state)
{
    (void)state;
    char host[256], scheme[16];
    long port = 0;
    assert_int_equal(url_host_port("http://evil@127.0.0.1/", host, sizeof host, &port,
                                   scheme, sizeof scheme), 0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 80);
    assert_int_equal(url_host_port("https://[::1]:8443/x", host, sizeof host, &port,
                                   scheme, sizeof scheme), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 8443);
    assert_string_equal(scheme, "https");
    assert_int_equal(url_host_port("http://LOCALHOST./", host, sizeof host, &port,
                                   NULL, 0), 0);
    assert_string_equal(host, "localhost");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_port_fragment),
        cmocka_unit_test(test_percent_escapes),
        cmocka_unit_test(test_tracking_params),
        cmocka_unit_test(test_bad_urls),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_host_port),
    };
    return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
