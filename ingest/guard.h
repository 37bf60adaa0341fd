/* guard.h -- the SSRF address guard: which addresses skimd may fetch.
 *
 * A fetcher of user-given URLs must not reach the machine it runs on or
 * the networks behind it. Every address a host resolves to is classified
 * before connecting; one refused address refuses the host.
 */
#ifndef SKIMD_GUARD_H
#define SKIMD_GUARD_H

#include <stdint.h>
#include <sys/socket.h>

typedef enum guard_class {
    GUARD_PUBLIC = 0,      /* the only class that may be fetched */
    GUARD_LOOPBACK,        /* 127/8, ::1 */
    GUARD_UNSPECIFIED,     /* 0/8, :: */
    GUARD_PRIVATE,         /* 10/8, 172.16/12, 192.168/16 */
    GUARD_CGNAT,           /* 100.64/10 */
    GUARD_LINK_LOCAL,      /* 169.254/16 (cloud metadata), fe80::/10 */
    GUARD_MULTICAST,       /* 224/4, ff00::/8 */
    GUARD_RESERVED,        /* 240/4, broadcast, documentation, benchmarking,
                              IETF protocol ranges, site-local, Teredo ... */
    GUARD_UNIQUE_LOCAL     /* fc00::/7 */
} guard_class;

/* Classify an IPv4 address given in host byte order. */
guard_class guard_classify_ipv4(uint32_t addr);

/* Classify an IPv6 address (16 bytes, network order). Embedded IPv4
 * forms (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96, 2002::/16) are judged
 * by the IPv4 address they carry. */
guard_class guard_classify_ipv6(const uint8_t addr[16]);

/* Classify a socket address (AF_INET or AF_INET6; anything else is
 * GUARD_RESERVED). */
guard_class guard_classify_sockaddr(const struct sockaddr *sa);

/* Classify a textual IP literal in any spelling getaddrinfo accepts
 * ("127.1", "0x7f000001", "2130706433", "::ffff:127.0.0.1").
 * Returns 0 and sets *out, or -1 when `host` is not an IP literal. */
int guard_classify_literal(const char *host, guard_class *out);

/* A short name for the class ("loopback", "private", ...). */
const char *guard_class_name(guard_class c);

#endif
