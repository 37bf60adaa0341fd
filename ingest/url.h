/* url.h -- URL checks and normalisation (libcurl's URL API).
 *
 * The normalised form is the dedupe key: scheme and host lower-cased,
 * default port dropped, fragment dropped, tracking parameters (utm_*,
 * fbclid, gclid, spm, ...) removed, the remaining query kept in order,
 * an empty path written "/".
 */
#ifndef SKIMD_URL_H
#define SKIMD_URL_H

#include <stddef.h>

#define URL_MAX_LEN 4096

typedef enum url_status {
    URL_OK = 0,
    URL_EMPTY,        /* "" */
    URL_TOO_LONG,     /* over URL_MAX_LEN bytes */
    URL_MALFORMED,    /* libcurl cannot parse it */
    URL_BAD_SCHEME,   /* not http or https */
    URL_NO_HOST,
    URL_NOMEM
} url_status;

/* Normalise `in`. On URL_OK *out is a malloc'd string the caller frees;
 * otherwise *out is NULL. */
url_status url_normalize(const char *in, char **out);

/* A sentence saying what is wrong, for problem documents. */
const char *url_status_message(url_status st);

/* Resolve `ref` (a Location header, possibly relative) against `base`.
 * Returns a malloc'd absolute URL, or NULL when it cannot be parsed. Any
 * scheme is returned as given: callers check it. */
char *url_resolve(const char *base, const char *ref);

/* Split an absolute URL into host (lower-case, no brackets) and port
 * (default port of the scheme when absent). Returns 0 or -1. */
int url_host_port(const char *url, char *host, size_t host_cap, long *port,
                  char *scheme, size_t scheme_cap);

#endif
