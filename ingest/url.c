/* url.c -- URL normalisation and resolution on top of curl_url_*.
 *
 * No hand-written URL parsing: libcurl parses, we only lower-case the
 * host, filter the query, normalise percent-escapes in the path and the
 * query (RFC 3986 6.2.2) and choose what is kept.
 */
#include "ingest/url.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#define URL_MAX_HOST_LEN 255

/* RFC 3986 6.2.2.2: a percent-escape of an unreserved character (ALPHA,
 * DIGIT, "-", ".", "_", "~") is that character ("/%6Fk" is "/ok"); the
 * other escapes are kept, in one case (6.2.2.1 prefers upper-case, but
 * libcurl 7.88 stores every escape in lower-case and the key must
 * survive its re-parse: lower-case it is). In place; only shrinks. */
static void normalize_escapes(char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t r = 0, w = 0;
    while (s[r]) {
        if (s[r] == '%' && isxdigit((unsigned char)s[r + 1]) && isxdigit((unsigned char)s[r + 2])) {
            char pair[3] = {s[r + 1], s[r + 2], '\0'};
            int v = (int)strtol(pair, NULL, 16);
            if (isalnum(v) || v == '-' || v == '.' || v == '_' || v == '~') {
                s[w++] = (char)v;
            } else {
                s[w++] = '%';
                s[w++] = hex[v >> 4];
                s[w++] = hex[v & 15];
            }
            r += 3;
        } else {
            s[w++] = s[r++];
        }
    }
    s[w] = '\0';
}

/* The path and the query with their escapes normalised. Returns 0, or
 * -1 when libcurl refuses the result. */
static int normalize_part_escapes(CURLU *u, CURLUPart part)
{
    char *v = NULL;
    if (curl_url_get(u, part, &v, 0) != CURLUE_OK || !v) {
        curl_free(v);
        return 0;                      /* no such part */
    }
    normalize_escapes(v);
    CURLUcode rc = curl_url_set(u, part, v, 0);
    curl_free(v);
    return rc == CURLUE_OK ? 0 : -1;
}

/* Query keys that only track where a click came from. */
static int is_tracking_key(const char *key, size_t n)
{
    static const char *const exact[] = {
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "mc_cid",
        "mc_eid", "igshid", "spm", "_hsenc", "_hsmi", "mkt_tok", "ref_src",
        "scm", "wt.mc_id", "share_token", "from_source", NULL };
    if (n > 4 && !strncasecmp(key, "utm_", 4))
        return 1;
    for (int i = 0; exact[i]; i++)
        if (strlen(exact[i]) == n && !strncasecmp(key, exact[i], n))
            return 1;
    return 0;
}

/* Rebuild the query without tracking parameters; NULL when none remain.
 * Returns -1 when out of memory. */
static int filter_query(const char *q, char **out)
{
    size_t len = strlen(q), w = 0;
    char *buf = malloc(len + 1);
    *out = NULL;
    if (!buf)
        return -1;
    const char *p = q;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t seg = amp ? (size_t)(amp - p) : strlen(p);
        size_t keylen = strcspn(p, "=&");
        if (keylen > seg)
            keylen = seg;
        if (seg > 0 && !is_tracking_key(p, keylen)) {
            if (w > 0)
                buf[w++] = '&';
            memcpy(buf + w, p, seg);
            w += seg;
        }
        p += seg;
        if (*p == '&')
            p++;
    }
    buf[w] = '\0';
    if (w == 0) {
        free(buf);
        return 0;
    }
    *out = buf;
    return 0;
}

url_status url_normalize(const char *in, char **out)
{
    CURLU *u = NULL;
    char *scheme = NULL, *host = NULL, *query = NULL, *filtered = NULL, *full = NULL;
    url_status st = URL_OK;

    if (!out)
        return URL_MALFORMED;
    *out = NULL;
    if (!in || !*in)
        return URL_EMPTY;
    if (strlen(in) > URL_MAX_LEN)
        return URL_TOO_LONG;
    for (const char *p = in; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return URL_MALFORMED;

    /* "scheme://host": libcurl forgives "http:///host", a client that
     * sends it has lost its host somewhere. */
    if (!strncasecmp(in, "http:///", 8) || !strncasecmp(in, "https:///", 9))
        return URL_NO_HOST;

    u = curl_url();
    if (!u)
        return URL_NOMEM;
    /* No scheme guessing: "example.com" is not a URL a client meant. */
    if (curl_url_set(u, CURLUPART_URL, in, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
        st = URL_MALFORMED;
        goto done;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
        st = URL_MALFORMED;
        goto done;
    }
    if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0) {
        st = URL_BAD_SCHEME;
        goto done;
    }
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
        st = URL_NO_HOST;
        goto done;
    }
    /* A DNS name is at most 253 bytes (+ brackets for IPv6 literals):
     * a longer host can never be fetched. */
    if (strlen(host) > URL_MAX_HOST_LEN) {
        st = URL_MALFORMED;
        goto done;
    }
    for (char *h = host; *h; h++)
        *h = (char)tolower((unsigned char)*h);
    /* Trailing dots name the same host; strip them all so that the key
     * is stable (normalising a normalised URL changes nothing). */
    size_t hl = strlen(host);
    while (hl > 1 && host[hl - 1] == '.')
        host[--hl] = '\0';
    for (char *s = scheme; *s; s++)
        *s = (char)tolower((unsigned char)*s);
    if (curl_url_set(u, CURLUPART_SCHEME, scheme, 0) != CURLUE_OK ||
        curl_url_set(u, CURLUPART_HOST, host, 0) != CURLUE_OK ||
        curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK) {
        st = URL_MALFORMED;
        goto done;
    }
    if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query) {
        if (filter_query(query, &filtered) != 0) {
            st = URL_NOMEM;
            goto done;
        }
        if (curl_url_set(u, CURLUPART_QUERY, filtered, 0) != CURLUE_OK) {
            st = URL_MALFORMED;
            goto done;
        }
    }
    if (normalize_part_escapes(u, CURLUPART_PATH) != 0 ||
        normalize_part_escapes(u, CURLUPART_QUERY) != 0 ||
        curl_url_get(u, CURLUPART_URL, &full, CURLU_NO_DEFAULT_PORT) != CURLUE_OK) {
        st = URL_MALFORMED;
        goto done;
    }
    {
        /* Parse the result once more and keep what the parser gives:
         * a host set piecewise is not read the way a whole URL is
         * ("0x7f." loses its dot and then reads as 0.0.0.127; some
         * percent-encoded hosts are accepted alone but not in a URL).
         * The key is then stable and always a URL we can fetch. */
        char *again = NULL;
        if (curl_url_set(u, CURLUPART_URL, full, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
            curl_url_get(u, CURLUPART_URL, &again, CURLU_NO_DEFAULT_PORT) != CURLUE_OK) {
            curl_free(again);
            st = URL_MALFORMED;
            goto done;
        }
        curl_free(full);
        full = again;
    }
    *out = strdup(full);
    if (!*out)
        st = URL_NOMEM;
done:
    curl_free(full);
    free(filtered);
    curl_free(query);
    curl_free(host);
    curl_free(scheme);
    curl_url_cleanup(u);
    return st;
}

const char *url_status_message(url_status st)
{
    switch (st) {
    case URL_OK: return "ok";
    case URL_EMPTY: return "url is empty";
    case URL_TOO_LONG: return "url is longer than 4096 bytes";
    case URL_MALFORMED: return "url is not a valid absolute URL";
    case URL_BAD_SCHEME: return "url must use http or https";
    case URL_NO_HOST: return "url has no host";
    case URL_NOMEM: return "out of memory";
    }
    return "url is not valid";
}

char *url_resolve(const char *base, const char *ref)
{
    CURLU *u = NULL;
    char *full = NULL, *out = NULL;
    if (!base || !ref || strlen(ref) > URL_MAX_LEN)
        return NULL;
    u = curl_url();
    if (!u)
        return NULL;
    if (curl_url_set(u, CURLUPART_URL, base, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, ref, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK)
        out = strdup(full);
    curl_free(full);
    curl_url_cleanup(u);
    return out;
}

int url_host_port(const char *url, char *host, size_t host_cap, long *port,
                  char *scheme, size_t scheme_cap)
{
    CURLU *u = NULL;
    char *h = NULL, *p = NULL, *s = NULL;
    int rc = -1;
    if (!url || !host || !port || !host_cap)
        return -1;
    u = curl_url();
    if (!u)
        return -1;
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &s, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) != CURLUE_OK)
        goto done;
    size_t n = strlen(h);
    const char *hs = h;
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
        hs = h + 1;
        n -= 2;
    }
    if (n > 1 && hs[n - 1] == '.')
        n--;
    if (n == 0 || n >= host_cap)
        goto done;
    for (size_t i = 0; i < n; i++)
        host[i] = (char)tolower((unsigned char)hs[i]);
    host[n] = '\0';
    *port = strtol(p, NULL, 10);
    if (scheme && scheme_cap) {
        size_t sl = strlen(s);
        if (sl >= scheme_cap)
            goto done;
        for (size_t i = 0; i <= sl; i++)
            scheme[i] = (char)tolower((unsigned char)s[i]);
    }
    rc = 0;
done:
    curl_free(h);
    curl_free(p);
    curl_free(s);
    curl_url_cleanup(u);
    return rc;
}
