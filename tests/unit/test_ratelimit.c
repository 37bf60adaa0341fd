/* test_ratelimit.c -- token buckets with explicit clock values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "server/ratelimit.h"

static struct sockaddr_in v4(const char *s)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    inet_pton(AF_INET, s, &a.sin_addr);
    return a;
}

static void test_burst_then_refill(void **state)
{
    (void)state;
    srv_ratelimit *rl = srv_ratelimit_new(2, 4);
    struct sockaddr_in a = v4("127.0.0.1"), b = v4("127.0.0.2");
    assert_non_null(rl);
    for (int i = 0; i < 4; i++)
        assert_int_equal(srv_ratelimit_take(rl, (struct sockaddr *)&a, 100.0), 0);
    unsigned wait = srv_ratelimit_take(rl, (struct sockaddr *)&a, 100.0);
    assert_true(wait >= 1);
    /* another client has its own bucket */
    assert_int_equal(srv_ratelimit_take(rl, (struct sockaddr *)&b, 100.0), 0);
    /* half a second refills one token at 2/s */
    assert_int_equal(srv_ratelimit_take(rl, (struct sockaddr *)&a, 100.5), 0);
    assert_true(srv_ratelimit_take(rl, (struct sockaddr *)&a, 100.5) >= 1);
    /* a long pause refills to the burst, not beyond */
    for (int i = 0; i < 4; i++)
        assert_int_equal(srv_ratelimit_take(rl, (struct sockaddr *)&a, 1000.0), 0);
    assert_true(srv_ratelimit_take(rl, (struct sockaddr *)&a, 1000.0) >= 1);
    srv_ratelimit_free(rl);
}

static void test_off_and_many_clients(void **state)
{
    (void)state;
    struct sockaddr_in a = v4("127.0.0.1");
    assert_null(srv_ratelimit_new(0, 0));
    assert_int_equal(srv_ratelimit_take(NULL, (struct sockaddr *)&a, 1.0), 0);
    srv_ratelimit *rl = srv_ratelimit_new(1, 1);
    /* more clients than slots: the table reuses old buckets, never fails */
    for (uint32_t i = 0; i < 20000; i++) {
        struct sockaddr_in c;
        memset(&c, 0, sizeof c);
        c.sin_family = AF_INET;
        c.sin_addr.s_addr = htonl(0x7f000000u + i);
        srv_ratelimit_take(rl, (struct sockaddr *)&c, 5.0);
    }
    srv_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_refill),
        cmocka_unit_test(test_off_and_many_clients),
    };
    return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
