/* test_url_fuzzfound.c -- URL normalisation cases found by tools/fuzz_url.c:
 * the dedupe key must be stable (normalising it again changes nothing)
 * and always a URL whose host can be read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/url.h"

/* normalize(in) == want, and normalize(want) == want. */
static void expect_stable(const char *in, const char *want)
{
    char *out = NULL, *again = NULL;
    url_status st = url_normalize(in, &out);
    if (st != URL_OK || !out || strcmp(out, want) != 0)
        fail_msg("normalize(%s): status %d, got %s, want %s", in, st, out ? out : "(null)",
                 want);
    st = url_normalize(out, &again);
    if (st != URL_OK || !again || strcmp(again, out) != 0)
        fail_msg("normalize(%s) again: status %d, got %s", out, st, again ? again : "(null)");
    free(out);
    free(again);
}

static void test_trailing_dots(void **state)
{
    (void)state;
    expect_stable("http://example.com../news", "http://example.com/news");
    expect_stable("http://example.com.../", "http://example.com/");
    /* without its dot the host reads as a number */
    expect_stable("http://0x7f./", "http://0.0.0.127/");
}

static void test_long_host(void **state)
{
    char url[600], *out = NULL;
    (void)state;
    memcpy(url, "http://", 7);
    memset(url + 7, 'a', 300);
    memcpy(url + 307, ".com/", 6);
    assert_int_equal(url_normalize(url, &out), URL_MALFORMED);
    assert_null(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trailing_dots),
        cmocka_unit_test(test_long_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
