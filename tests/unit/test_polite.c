/* test_polite.c -- the per-host limiter (explicit clock values), its
 * parked jobs, the politeness key, and Retry-After in every form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "ingest/site.h"
#include "server/polite.h"

static void test_limit_per_host(void **state)
{
    (void)state;
    int64_t w = -1;
    srv_polite *p = srv_polite_new(2, 0, 100);
    assert_non_null(p);
    assert_int_equal(srv_polite_acquire(p, "a.test", 0, &w), SRV_POLITE_GO);
    assert_int_equal(srv_polite_acquire(p, "a.test", 0, &w), SRV_POLITE_GO);
    assert_int_equal(srv_polite_acquire(p, "a.test", 0, &w), SRV_POLITE_LIMIT);
    assert_int_equal(w, 0);
    /* another host has its own slots */
    assert_int_equal(srv_polite_acquire(p, "b.test", 0, &w), SRV_POLITE_GO);
    srv_polite_done(p, "a.test");
    assert_int_equal(srv_polite_acquire(p, "a.test", 1, &w), SRV_POLITE_GO);
    assert_int_equal(srv_polite_acquire(p, "a.test", 1, &w), SRV_POLITE_LIMIT);
    /* done for a host never seen is harmless */
    srv_polite_done(p, "nobody.test");
    srv_polite_free(p);
    assert_null(srv_polite_new(0, 0, 1));
    assert_null(srv_polite_new(1, -1, 1));
    srv_polite_free(NULL);
}

static void test_gap(void **state)
{
    (void)state;
    int64_t w = 0;
    srv_polite *p = srv_polite_new(4, 500, 100);
    assert_int_equal(srv_polite_acquire(p, "h", 1000, &w), SRV_POLITE_GO);
    assert_int_equal(srv_polite_acquire(p, "h", 1200, &w), SRV_POLITE_GAP);
    assert_int_equal(w, 300);
    assert_int_equal(srv_polite_acquire(p, "h", 1499, &w), SRV_POLITE_GAP);
    assert_int_equal(w, 1);
    assert_int_equal(srv_polite_acquire(p, "h", 1500, &w), SRV_POLITE_GO);
    /* the gap counts from the newest start, whether or not it ended */
    srv_polite_done(p, "h");
    srv_polite_done(p, "h");
    assert_int_equal(srv_polite_acquire(p, "h", 1700, &w), SRV_POLITE_GAP);
    assert_int_equal(w, 300);
    srv_polite_free(p);
}

static void test_park_and_pop(void **state)
{
    (void)state;
    int64_t w, id = 0, gen = 0;
    srv_polite *p = srv_polite_new(1, 0, 3);
    assert_int_equal(srv_polite_acquire(p, "h", 0, &w), SRV_POLITE_GO);
    /* no free slot: nothing to pop */
    assert_int_equal(srv_polite_park(p, "h", 10, 1), 1);
    assert_int_equal(srv_polite_park(p, "h", 11, 2), 1);
    assert_int_equal(srv_polite_park(p, "h", 12, 1), 1);
    assert_int_equal(srv_polite_park(p, "h", 13, 1), -1);     /* the cap */
    assert_int_equal(srv_polite_parked(p), 3);
    assert_int_equal(srv_polite_pop(p, "h", &id, &gen), 0);
    srv_polite_done(p, "h");
    /* oldest first, as long as a slot is free */
    assert_int_equal(srv_polite_pop(p, "h", &id, &gen), 1);
    assert_int_equal(id, 10);
    assert_int_equal(gen, 1);
    assert_int_equal(srv_polite_pop(p, "h", &id, &gen), 1);
    assert_int_equal(id, 11);
    assert_int_equal(gen, 2);
    assert_int_equal(srv_polite_acquire(p, "h", 1, &w), SRV_POLITE_GO);
    assert_int_equal(srv_polite_pop(p, "h", &id, &gen), 0);
    /* a slot that freed before the job was parked: wake it at once */
    srv_polite_done(p, "h");
    assert_int_equal(srv_polite_park(p, "h", 14, 1), 0);
    assert_int_equal(srv_polite_park(p, "other", 15, 1), 0);
    assert_int_equal(srv_polite_parked(p), 1);
    assert_int_equal(srv_polite_pop(p, "h", &id, &gen), 1);
    assert_int_equal(id, 12);
    assert_int_equal(srv_polite_parked(p), 0);
    srv_polite_free(p);
}

/* Many hosts come and go: idle ones are forgotten, busy ones kept. */
static void test_many_hosts(void **state)
{
    (void)state;
    int64_t w;
    char h[32];
    srv_polite *p = srv_polite_new(1, 10, 10);
    assert_int_equal(srv_polite_acquire(p, "busy", 0, &w), SRV_POLITE_GO);
    for (int i = 0; i < 1000; i++) {
        snprintf(h, sizeof h, "h%d", i);
        assert_int_equal(srv_polite_acquire(p, h, 100 + i * 20, &w), SRV_POLITE_GO);
        srv_polite_done(p, h);
    }
    assert_int_equal(srv_polite_acquire(p, "busy", 30000, &w), SRV_POLITE_LIMIT);
    /* a host started 5 ms ago is still inside its gap */
    assert_int_equal(srv_polite_acquire(p, "h999", 100 + 999 * 20 + 5, &w), SRV_POLITE_GAP);
    srv_polite_free(p);
}

static void test_host_key(void **state)
{
    (void)state;
    char k[256];
    assert_int_equal(site_init(), 0);
    assert_int_equal(site_host_key("http://News.Example.co.uk/a", k, sizeof k), 0);
    assert_string_equal(k, "example.co.uk");
    assert_int_equal(site_host_key("https://www.example.co.uk:8443/b", k, sizeof k), 0);
    assert_string_equal(k, "example.co.uk");
    assert_int_equal(site_host_key("http://127.0.0.1:8080/x", k, sizeof k), 0);
    assert_string_equal(k, "127.0.0.1");
    assert_int_equal(site_host_key("http://127.0.0.2:8080/x", k, sizeof k), 0);
    assert_string_equal(k, "127.0.0.2");
    assert_int_equal(site_host_key("http://localhost:1/x", k, sizeof k), 0);
    assert_string_equal(k, "localhost");
    assert_int_equal(site_host_key("http://[::1]:1/x", k, sizeof k), 0);
    assert_string_equal(k, "[::1]");
    /* an IP literal is its own site (the list would say "0.1" for both) */
    assert_int_equal(site_same_site("http://10.0.0.1/a", "http://127.0.0.1/a"), 0);
    assert_int_equal(site_same_site("http://127.0.0.1/a", "http://127.0.0.1:81/b"), 1);
    assert_int_equal(site_host_key("ftp://example.com/x", k, sizeof k), -1);
    assert_int_equal(site_host_key("not a url", k, sizeof k), -1);
    assert_int_equal(site_host_key("http://example.com/", k, 4), -1);
}

static void test_retry_after(void **state)
{
    (void)state;
    int64_t ms = -1;
    /* Sun, 06 Nov 1994 08:49:37 GMT */
    const time_t t0 = 784111777;
    static const struct { const char *v; time_t now; int64_t ms; } good[] = {
        {"2", t0, 2000}, {" 120 ", t0, 120000}, {"0", t0, 0},
        {"99999999999999999999999", t0, (int64_t)1000000000 * 1000},
        /* the three HTTP-date forms, 10 s after t0 */
        {"Sun, 06 Nov 1994 08:49:47 GMT", t0, 10000},
        {"Sunday, 06-Nov-94 08:49:47 GMT", t0, 10000},
        {"Sun Nov  6 08:49:47 1994", t0, 10000},
        /* a date in the past is "now" */
        {"Sat, 05 Nov 1994 08:49:37 GMT", t0, 0},
        /* an hour after: across midnight, on a leap day */
        {"Thu, 29 Feb 2024 00:30:00 GMT", 1709166600 - 3600, 3600000},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        ms = -1;
        if (srv_polite_retry_after(good[i].v, good[i].now, &ms) != 0 || ms != good[i].ms)
            fail_msg("'%s': %lld ms, want %lld", good[i].v, (long long)ms, (long long)good[i].ms);
    }
    static const char *const bad[] = {
        "", "   ", "-1", "1.5", "2 s", "+3", "0x10", "soon",
        "Sun, 06 Nov 1994 08:49:37",            /* no GMT */
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 31 Feb 1994 08:49:37 GMT",        /* no such day */
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT trailing",
        "Sunday, 06 Nov 1994 08:49:37 GMT",     /* long day name in IMF form */
        "Sun Nov  6 08:49:47 1994 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT                                               long",
        NULL};
    for (int i = 0; bad[i]; i++) {
        ms = 42;
        if (srv_polite_retry_after(bad[i], t0, &ms) != -1)
            fail_msg("accepted: '%s'", bad[i]);
        assert_int_equal(ms, 42);
    }
    assert_int_equal(srv_polite_retry_after(NULL, t0, &ms), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_per_host), cmocka_unit_test(test_gap),
        cmocka_unit_test(test_park_and_pop),   cmocka_unit_test(test_many_hosts),
        cmocka_unit_test(test_host_key),       cmocka_unit_test(test_retry_after),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
