/* test_guard.c -- the SSRF address classifier over every refused range
 * and the odd spellings of loopback. Nothing here opens a connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "ingest/fetch.h"
#include "ingest/guard.h"

static guard_class v4(const char *s)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1)
        fail_msg("bad test address %s", s);
    return guard_classify_ipv4(ntohl(a.s_addr));
}

static guard_class v6(const char *s)
{
    struct in6_addr a;
    if (inet_pton(AF_INET6, s, &a) != 1)
        fail_msg("bad test address %s", s);
    return guard_classify_ipv6(a.s6_addr);
}

static void test_ipv4_ranges(void **state)
{
    (void)state;
    static const struct { const char *addr; guard_class want; } cases[] = {
        {"127.0.0.1", GUARD_LOOPBACK}, {"127.255.255.254", GUARD_LOOPBACK},
        {"0.0.0.0", GUARD_UNSPECIFIED}, {"0.1.2.3", GUARD_UNSPECIFIED},
        {"10.0.0.1", GUARD_PRIVATE}, {"10.255.255.255", GUARD_PRIVATE},
        {"172.16.0.1", GUARD_PRIVATE}, {"172.31.255.255", GUARD_PRIVATE},
        {"192.168.1.1", GUARD_PRIVATE},
        {"169.254.169.254", GUARD_LINK_LOCAL}, {"169.254.0.1", GUARD_LINK_LOCAL},
        {"100.64.0.1", GUARD_CGNAT}, {"100.127.255.255", GUARD_CGNAT},
        {"224.0.0.1", GUARD_MULTICAST}, {"239.255.255.250", GUARD_MULTICAST},
        {"240.0.0.1", GUARD_RESERVED}, {"255.255.255.255", GUARD_RESERVED},
        {"192.0.2.1", GUARD_RESERVED}, {"198.18.0.1", GUARD_RESERVED},
        {"198.51.100.7", GUARD_RESERVED}, {"203.0.113.9", GUARD_RESERVED},
        {"192.0.0.8", GUARD_RESERVED},
        /* just outside the ranges */
        {"172.15.255.255", GUARD_PUBLIC}, {"172.32.0.0", GUARD_PUBLIC},
        {"100.63.255.255", GUARD_PUBLIC}, {"100.128.0.0", GUARD_PUBLIC},
        {"11.0.0.1", GUARD_PUBLIC}, {"8.8.8.8", GUARD_PUBLIC},
        {"93.184.216.34", GUARD_PUBLIC}, {"223.255.255.255", GUARD_PUBLIC},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (v4(cases[i].addr) != cases[i].want)
            fail_msg("%s: got %s, want %s", cases[i].addr, guard_class_name(v4(cases[i].addr)),
                     guard_class_name(cases[i].want));
}

static void test_ipv6_ranges(void **state)
{
    (void)state;
    static const struct { const char *addr; guard_class want; } cases[] = {
        {"::1", GUARD_LOOPBACK}, {"::", GUARD_UNSPECIFIED},
        {"fc00::1", GUARD_UNIQUE_LOCAL}, {"fd12:3456::1", GUARD_UNIQUE_LOCAL},
        {"fe80::1", GUARD_LINK_LOCAL}, {"febf::1", GUARD_LINK_LOCAL},
        {"fec0::1", GUARD_RESERVED}, {"ff02::1", GUARD_MULTICAST},
        /* IPv4-mapped, -compatible and translated forms judged by the IPv4 */
        {"::ffff:127.0.0.1", GUARD_LOOPBACK}, {"::ffff:10.1.2.3", GUARD_PRIVATE},
        {"::ffff:169.254.169.254", GUARD_LINK_LOCAL}, {"::ffff:8.8.8.8", GUARD_PUBLIC},
        {"::127.0.0.1", GUARD_LOOPBACK}, {"::ffff:0:192.168.0.1", GUARD_PRIVATE},
        /* NAT64 well-known prefix */
        {"64:ff9b::127.0.0.1", GUARD_LOOPBACK}, {"64:ff9b::10.0.0.1", GUARD_PRIVATE},
        {"64:ff9b::8.8.8.8", GUARD_PUBLIC}, {"64:ff9b:1::1", GUARD_RESERVED},
        /* 6to4 embedding IPv4 in bytes 2..5 */
        {"2002:7f00:1::", GUARD_LOOPBACK}, {"2002:c0a8:101::1", GUARD_PRIVATE},
        {"2002:a9fe:a9fe::", GUARD_LINK_LOCAL}, {"2002:808:808::1", GUARD_PUBLIC},
        /* Teredo carries an obfuscated IPv4: refused whole */
        {"2001:0:4136:e378:8000:63bf:3fff:fdd2", GUARD_RESERVED},
        {"2001:db8::1", GUARD_RESERVED}, {"100::1", GUARD_RESERVED},
        {"2606:4700::1111", GUARD_PUBLIC}, {"2a00:1450:4001::200e", GUARD_PUBLIC},
        {"4000::1", GUARD_RESERVED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (v6(cases[i].addr) != cases[i].want)
            fail_msg("%s: got %s, want %s", cases[i].addr, guard_class_name(v6(cases[i].addr)),
                     guard_class_name(cases[i].want));
}

static void test_literal_spellings(void **state)
{
    (void)state;
    static const char *const loopbacks[] = {
        "127.0.0.1", "127.1", "2130706433", "0x7f000001", "017700000001",
        "127.000.000.001", "0x7f.0.0.1", "0177.0.0.1", "[::1]", "::1",
        "[::ffff:127.0.0.1]", "::ffff:7f00:1", "127.0.0.2",
    };
    for (size_t i = 0; i < sizeof loopbacks / sizeof loopbacks[0]; i++) {
        guard_class c = GUARD_PUBLIC;
        if (guard_classify_literal(loopbacks[i], &c) != 0 || c != GUARD_LOOPBACK)
            fail_msg("%s should be loopback, got %s", loopbacks[i], guard_class_name(c));
    }
    guard_class c;
    assert_int_equal(guard_classify_literal("0.0.0.0", &c), 0);
    assert_int_equal(c, GUARD_UNSPECIFIED);
    assert_int_equal(guard_classify_literal("[::]", &c), 0);
    assert_int_equal(c, GUARD_UNSPECIFIED);
    assert_int_equal(guard_classify_literal("example.com", &c), -1);
}

/* fetch_check_url classifies without connecting: literals directly,
 * "localhost" through the resolver (/etc/hosts). */
static void test_check_url(void **state)
{
    (void)state;
    fetch_options fo;
    char why[256];
    memset(&fo, 0, sizeof fo);
    static const char *const refused[] = {
        "http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0x7f000001/",
        "http://017700000001/", "http://127.000.000.001/", "http://[::1]/", "http://[::]/",
        "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://localhost/",
        "http://LOCALHOST./", "http://evil@127.0.0.1/", "http://127.0.0.2:8080/",
        "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/",
        "http://[fd00::1]/", "http://[fe80::1]/",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (fetch_check_url(refused[i], &fo, why, sizeof why) != FETCH_CHECK_REFUSED)
            fail_msg("%s was not refused", refused[i]);
    /* the operator's switches */
    const char *allow[] = {"127.0.0.1:8080"};
    fo.allow_hosts = allow;
    fo.n_allow_hosts = 1;
    assert_int_equal(fetch_check_url("http://127.0.0.1:8080/x", &fo, why, sizeof why),
                     FETCH_CHECK_OK);
    assert_int_equal(fetch_check_url("http://127.0.0.1:8081/x", &fo, why, sizeof why),
                     FETCH_CHECK_REFUSED);
    fo.n_allow_hosts = 0;
    fo.allow_private = 1;
    assert_int_equal(fetch_check_url("http://127.0.0.1/", &fo, why, sizeof why),
                     FETCH_CHECK_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_ranges),
        cmocka_unit_test(test_ipv6_ranges),
        cmocka_unit_test(test_literal_spellings),
        cmocka_unit_test(test_check_url),
    };
    return cmocka_run_group_tests_name("guard", tests, NULL, NULL);
}
