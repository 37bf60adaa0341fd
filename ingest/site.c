/* site.c -- registrable domains of URLs (libpsl), see site.h.
 *
 * Owns the loaded Public Suffix List (process-wide, read-only after
 * site_init). Does not normalise URLs (url.c) or judge addresses
 * (guard.c).
 */
#include "ingest/site.h"

#include <curl/curl.h>
#include <libpsl.h>
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

int site_same_site(const char *url_a, const char *url_b)
{
    char *a = url_a ? url_host(url_a) : NULL, *b = url_b ? url_host(url_b) : NULL;
    int same = 0;
    if (a && b) {
        const char *ra = psl ? psl_registrable_domain(psl, a) : NULL;
        const char *rb = psl ? psl_registrable_domain(psl, b) : NULL;
        same = ra && rb ? !strcmp(ra, rb) : !strcmp(a, b);
    }
    curl_free(a);
    curl_free(b);
    return same;
}
