/* site.c -- registrable domains of URLs (libpsl), see site.h.
 *
 * Owns the loaded Public Suffix List (process-wide, read-only after
 * site_init). Does not normalise URLs (url.c) or judge addresses
 * (guard.c).
 */
#include "ingest/site.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const psl_ctx_t *psl;        /* NULL: compare whole hosts */
static psl_ctx_t *psl_loaded;       /* psl when it was loaded from a file */

int site_init(void)
{
    if (psl)
        return 0;
    psl_loaded = psl_latest(NULL);
    psl = psl_loaded ? psl_loaded : psl_builtin();
    return psl ? 0 : -1;
}

/* The host of an http(s) URL, lower case (curl_free it), or NULL. */
static char *url_host(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL, *scheme = NULL;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        curl_free(host);
        host = NULL;
    }
    curl_free(scheme);
    curl_url_cleanup(u);
    for (char *p = host; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return host;
}

/* The registrable domain of a lower-case host, or NULL (an IP literal,
 * a name with none, no list): a dotted IPv4 address is no domain, and
 * the list would make 10.0.0.1 and 127.0.0.1 the one "site" 0.1. */
static const char *registrable(const char *host)
{
    struct in_addr a4;
    if (!psl || host[0] == '[' || inet_pton(AF_INET, host, &a4) == 1)
        return NULL;
    return psl_registrable_domain(psl, host);
}

int site_same_site(const char *url_a, const char *url_b)
{
    char *a = url_a ? url_host(url_a) : NULL, *b = url_b ? url_host(url_b) : NULL;
    int same = 0;
    if (a && b) {
        const char *ra = registrable(a), *rb = registrable(b);
        same = ra && rb ? !strcmp(ra, rb) : !strcmp(a, b);
    }
    curl_free(a);
    curl_free(b);
    return same;
}

int site_host_key(const char *url, char *out, size_t cap)
{
    char *host = url ? url_host(url) : NULL;
    int rc = -1;
    if (host && cap > 0) {
        const char *rd = registrable(host);
        int n = snprintf(out, cap, "%s", rd ? rd : host);
        rc = n >= 0 && (size_t)n < cap ? 0 : -1;
    }
    curl_free(host);
    return rc;
}
