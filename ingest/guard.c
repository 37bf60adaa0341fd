/* guard.c -- classify IP addresses for the SSRF guard.
 *
 * Pure functions over addresses; resolving names and pinning connections
 * is fetch.c's business. The tables follow the IANA special-purpose
 * address registries (RFC 6890 and updates).
 */
#include "ingest/guard.h"

#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/types.h>

typedef struct v4_range {
    uint32_t net;        /* network, host byte order */
    int prefix;          /* prefix length */
    guard_class cls;
} v4_range;

static const v4_range v4_ranges[] = {
    {0x00000000u, 8, GUARD_UNSPECIFIED},   /* 0.0.0.0/8 "this network" */
    {0x0A000000u, 8, GUARD_PRIVATE},       /* 10/8 */
    {0x64400000u, 10, GUARD_CGNAT},        /* 100.64/10 */
    {0x7F000000u, 8, GUARD_LOOPBACK},      /* 127/8 */
    {0xA9FE0000u, 16, GUARD_LINK_LOCAL},   /* 169.254/16 */
    {0xAC100000u, 12, GUARD_PRIVATE},      /* 172.16/12 */
    {0xC0000000u, 24, GUARD_RESERVED},     /* 192.0.0/24 IETF protocol */
    {0xC0000200u, 24, GUARD_RESERVED},     /* 192.0.2/24 TEST-NET-1 */
    {0xC0586300u, 24, GUARD_RESERVED},     /* 192.88.99/24 6to4 relay */
    {0xC0A80000u, 16, GUARD_PRIVATE},      /* 192.168/16 */
    {0xC6120000u, 15, GUARD_RESERVED},     /* 198.18/15 benchmarking */
    {0xC6336400u, 24, GUARD_RESERVED},     /* 198.51.100/24 TEST-NET-2 */
    {0xCB007100u, 24, GUARD_RESERVED},     /* 203.0.113/24 TEST-NET-3 */
    {0xE0000000u, 4, GUARD_MULTICAST},     /* 224/4 */
    {0xF0000000u, 4, GUARD_RESERVED},      /* 240/4 and 255.255.255.255 */
};

guard_class guard_classify_ipv4(uint32_t addr)
{
    for (size_t i = 0; i < sizeof v4_ranges / sizeof v4_ranges[0]; i++) {
        uint32_t mask = v4_ranges[i].prefix == 0 ? 0 : ~0u << (32 - v4_ranges[i].prefix);
        if ((addr & mask) == v4_ranges[i].net)
            return v4_ranges[i].cls;
    }
    return GUARD_PUBLIC;
}

static uint32_t v4_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

guard_class guard_classify_ipv6(const uint8_t a[16])
{
    static const uint8_t nat64[12] = {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    if (all_zero(a, 16))
        return GUARD_UNSPECIFIED;
    if (all_zero(a, 15) && a[15] == 1)
        return GUARD_LOOPBACK;
    /* ::ffff:a.b.c.d mapped, and ::a.b.c.d compatible (deprecated) */
    if (all_zero(a, 10) && a[10] == 0xff && a[11] == 0xff)
        return guard_classify_ipv4(v4_at(a + 12));
    if (all_zero(a, 12))
        return guard_classify_ipv4(v4_at(a + 12));
    /* ::ffff:0:a.b.c.d (SIIT translated) */
    if (all_zero(a, 8) && a[8] == 0xff && a[9] == 0xff && a[10] == 0 && a[11] == 0)
        return guard_classify_ipv4(v4_at(a + 12));
    /* 64:ff9b::/96 NAT64 well-known prefix carries an IPv4 address */
    if (!memcmp(a, nat64, 12))
        return guard_classify_ipv4(v4_at(a + 12));
    /* 64:ff9b:1::/48 local-use NAT64 */
    if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b &&
        a[4] == 0x00 && a[5] == 0x01)
        return GUARD_RESERVED;
    /* 2002::/16 6to4: the IPv4 address is in bytes 2..5 */
    if (a[0] == 0x20 && a[1] == 0x02) {
        guard_class c = guard_classify_ipv4(v4_at(a + 2));
        return c == GUARD_PUBLIC ? GUARD_PUBLIC : c;
    }
    /* 2001::/32 Teredo tunnels to an obfuscated IPv4 client: refuse all */
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && a[3] == 0x00)
        return GUARD_RESERVED;
    /* 2001:db8::/32 documentation, 2001:10::/28 ORCHID, 2001:20::/28 */
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)
        return GUARD_RESERVED;
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && (a[3] & 0xe0) == 0x00)
        return GUARD_RESERVED;
    /* 100::/64 discard-only */
    if (a[0] == 0x01 && a[1] == 0x00 && all_zero(a + 2, 6))
        return GUARD_RESERVED;
    if ((a[0] & 0xfe) == 0xfc)
        return GUARD_UNIQUE_LOCAL;           /* fc00::/7 */
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return GUARD_LINK_LOCAL;             /* fe80::/10 */
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
        return GUARD_RESERVED;               /* fec0::/10 site-local */
    if (a[0] == 0xff)
        return GUARD_MULTICAST;              /* ff00::/8 */
    /* Only 2000::/3 is allocated global unicast. */
    if ((a[0] & 0xe0) != 0x20)
        return GUARD_RESERVED;
    return GUARD_PUBLIC;
}

guard_class guard_classify_sockaddr(const struct sockaddr *sa)
{
    if (!sa)
        return GUARD_RESERVED;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        return guard_classify_ipv4(ntohl(in->sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        return guard_classify_ipv6(in6->sin6_addr.s6_addr);
    }
    return GUARD_RESERVED;
}

int guard_classify_literal(const char *host, guard_class *out)
{
    struct addrinfo hints, *res = NULL;
    char buf[256];
    size_t n;
    if (!host || !out)
        return -1;
    n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        if (n - 2 >= sizeof buf)
            return -1;
        memcpy(buf, host + 1, n - 2);
        buf[n - 2] = '\0';
        host = buf;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
        return -1;
    guard_class worst = GUARD_PUBLIC;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        guard_class c = guard_classify_sockaddr(ai->ai_addr);
        if (c != GUARD_PUBLIC)
            worst = c;
    }
    freeaddrinfo(res);
    *out = worst;
    return 0;
}

const char *guard_class_name(guard_class c)
{
    switch (c) {
    case GUARD_PUBLIC: return "public";
    case GUARD_LOOPBACK: return "loopback";
    case GUARD_UNSPECIFIED: return "unspecified";
    case GUARD_PRIVATE: return "private";
    case GUARD_CGNAT: return "carrier-grade NAT";
    case GUARD_LINK_LOCAL: return "link-local";
    case GUARD_MULTICAST: return "multicast";
    case GUARD_RESERVED: return "reserved";
    case GUARD_UNIQUE_LOCAL: return "unique-local";
    }
    return "reserved";
}
