/* test_failure.c -- the failure table (ingest/failure.c) and the contract:
 * every code a failed record can carry is in openapi.yaml's FailureCode,
 * and every code listed there is in the table. Run from the repository
 * root (as tests/run-all.sh does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/failure.h"

/* The codes of FailureCode's enum line in openapi.yaml, comma-separated,
 * into buf. */
static void contract_codes(char *buf, size_t cap)
{
    FILE *f = fopen("openapi.yaml", "r");
    char line[4096];
    int in_block = 0;
    assert_non_null(f);
    buf[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        if (!strcmp(line, "    FailureCode:\n"))
            in_block = 1;
        else if (in_block && !strncmp(line, "    ", 4) && line[4] != ' ')
            break;
        char *e = in_block ? strstr(line, "enum: [") : NULL;
        if (e) {
            char *end = strchr(e, ']');
            assert_non_null(end);
            *end = '\0';
            snprintf(buf, cap, "%s", e + 7);
        }
    }
    fclose(f);
    assert_true(buf[0] != '\0');
}

/* 1 when the comma-separated list holds code. */
static int listed(const char *list, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = list; (p = strstr(p, code)); p += n) {
        int start = p == list || p[-1] == ' ' || p[-1] == ',';
        int end = p[n] == '\0' || p[n] == ',';
        if (start && end)
            return 1;
    }
    return 0;
}

static void test_table_matches_contract(void **state)
{
    char list[2048];
    (void)state;
    contract_codes(list, sizeof list);
    int n = 0;
    for (int c = FAIL_NONE + 1; c < FAIL_COUNT_; c++) {
        if (c == FAIL_HTTP_STATUS || c == FAIL_CANCELLED)
            continue;               /* a pattern in the contract; never stored */
        if (!listed(list, fail_code_str((fail_code)c)))
            fail_msg("%s is not in openapi.yaml's FailureCode", fail_code_str((fail_code)c));
        n++;
    }
    /* and nothing listed that the table does not have */
    int m = 0;
    for (char *p = list; *p; ) {
        p += strspn(p, ", ");
        size_t len = strcspn(p, ", ");
        if (!len)
            break;
        char tok[64];
        snprintf(tok, sizeof tok, "%.*s", (int)len, p);
        if (fail_from_str(tok) == FAIL_NONE)
            fail_msg("openapi.yaml lists %s, the table has no such code", tok);
        m++;
        p += len;
    }
    assert_int_equal(n, m);
}

static void test_codes_statuses_messages(void **state)
{
    (void)state;
    assert_string_equal(fail_code_str(FAIL_FETCH_TIMEOUT), "fetch_timeout");
    assert_int_equal(fail_http_status(FAIL_FETCH_TIMEOUT), 504);
    assert_int_equal(fail_http_status(FAIL_INTERNAL), 500);
    assert_int_equal(fail_from_str("http_404"), FAIL_HTTP_STATUS);
    assert_int_equal(fail_from_str("http_4x4"), FAIL_NONE);
    assert_int_equal(fail_from_str("bad_encoding"), FAIL_BAD_ENCODING);
    assert_int_equal(fail_from_str("nonsense"), FAIL_NONE);
    assert_string_equal(fail_code_str((fail_code)999), "internal");
    for (int c = 0; c < FAIL_COUNT_; c++) {
        assert_true(fail_message((fail_code)c)[0] != '\0');
        assert_true(fail_http_status((fail_code)c) >= 200);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_matches_contract),
        cmocka_unit_test(test_codes_statuses_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
