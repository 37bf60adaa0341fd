/* fetch.h -- fetch a page over http(s) with libcurl, behind the SSRF guard.
 *
 * Redirects are followed here, not by libcurl, so that every hop is
 * checked: scheme http/https, every resolved address public (guard.h)
 * unless the hop's HOST:PORT is allowed, at most FETCH_MAX_REDIRECTS hops.
 * Connections are pinned to the addresses that were checked, so a DNS
 * answer that changes between check and connect (rebinding) cannot slip
 * through.
 */
#ifndef SKIMD_FETCH_H
#define SKIMD_FETCH_H

#include <stdatomic.h>
#include "ingest/failure.h"
#include <stddef.h>
#include <sys/socket.h>

#define FETCH_MAX_REDIRECTS 5

typedef struct fetch_options {
    long timeout_s;               /* whole fetch, all hops */
    size_t max_bytes;             /* largest decoded body */
    int allow_private;            /* 1 = guard off */
    const char *const *allow_hosts; /* "host:port" let through; borrowed */
    size_t n_allow_hosts;
    const char *user_agent;       /* borrowed */
    const atomic_int *cancel;    /* when it becomes non-zero the fetch
                                     stops with code "cancelled"; may be NULL */
    const char *if_none_match;    /* conditional GET (fetch_url): sent as
                                   * If-None-Match / If-Modified-Since when not
                                   * NULL; a value with a control character is
                                   * not sent. A 304 is then an answer (rc 0,
                                   * http_status 304, empty body) */
    const char *if_modified_since;
} fetch_options;

typedef struct fetch_result {
    char *body;                   /* malloc'd, NUL-terminated; may hold NULs */
    size_t len;
    char *content_type;           /* malloc'd or NULL */
    char *final_url;              /* malloc'd: the URL the body came from */
    long http_status;
    int redirects;                /* hops followed */
    char *etag;                   /* the answer's ETag / Last-Modified, malloc'd or NULL */
    char *last_modified;
} fetch_result;

/* Why a fetch failed: a stable code (fetch_timeout, dns, connect,
 * refused_address, too_large, too_many_redirects, bad_redirect, tls,
 * http_404, ...) and a sentence. */
typedef struct fetch_error {
    fail_code fail;               /* the failure (ingest/failure.h) */
    char code[32];                /* its code string; "http_404" for HTTP statuses */
    char message[256];
    long http_status;             /* the HTTP status of an http_<status> failure, else 0 */
    char retry_after[64];         /* that answer's Retry-After value ("" when none or
                                   * longer), for 429 and 503 (server/polite.h) */
} fetch_error;

typedef enum fetch_check {
    FETCH_CHECK_OK = 0,
    FETCH_CHECK_REFUSED,          /* resolves to a refused address */
    FETCH_CHECK_UNRESOLVED        /* name did not resolve (now) */
} fetch_check;

/* Call once at start-up, before threads (wraps curl_global_init). */
int fetch_global_init(void);
void fetch_global_cleanup(void);

/* Check the host of `url` against the guard without connecting.
 * `why` (may be NULL) receives a sentence when refused. */
fetch_check fetch_check_url(const char *url, const fetch_options *opt,
                            char *why, size_t why_cap);

/* 1 when checking `url` against the guard needs a DNS lookup (a name,
 * not an IP literal nor localhost, with the guard on for its origin);
 * then host (host_cap bytes) and *port are set. */
int fetch_url_needs_dns(const char *url, const fetch_options *opt, char *host,
                        size_t host_cap, long *port);

/* Classify addresses that `host` resolved to (n of them, any port): the
 * first non-public one refuses the host (`why`, may be NULL, says which).
 * pin (may be NULL) receives "host:port:addr,..." for CURLOPT_RESOLVE. */
fetch_check fetch_check_addrs(const char *host, long port, const struct sockaddr_storage *a,
                              size_t n, char *pin, size_t pin_cap, char *why, size_t why_cap);

/* 1 for "localhost" and names under ".localhost" (RFC 6761): loopback
 * by definition, refused without asking any resolver. */
int fetch_is_localhost(const char *host);

/* Fetch `url`. Returns 0 with *out filled (release with
 * fetch_result_release()) for any HTTP status below 400; otherwise -1 with
 * *err filled and *out zeroed. Thread-safe; blocks for at most about
 * opt->timeout_s seconds. */
int fetch_url(const char *url, const fetch_options *opt, fetch_result *out,
              fetch_error *err);

/* POST body[0..len) to `url` with the extra header lines (borrowed,
 * "Name: value"), behind the same guard and address pinning as
 * fetch_url; no redirect is followed (a 3xx is the answer). The answer's
 * body is read and dropped (beyond opt->max_bytes the transfer stops).
 * Returns 0 with *status set when the server answered, whatever the
 * status; -1 with *err filled otherwise (refused address, connect,
 * timeout, cancelled...). Thread-safe. */
int fetch_post(const char *url, const fetch_options *opt, const char *const *headers,
               size_t n_headers, const char *body, size_t len, long *status,
               fetch_error *err);

/* Free the fields of r and zero it. Accepts NULL. */
void fetch_result_release(fetch_result *r);

#endif
