/* failure.h -- why a page could not be read: the one table of failure
 * codes, in the manner of curl's CURLcode and curl_easy_strerror().
 *
 * Every failed record's error.code comes from this table (openapi.yaml's
 * FailureCode lists the same codes; tests/unit/test_failure.c checks the
 * two agree). Each code has its string, the HTTP status a gateway would
 * answer for it (502 for an origin that failed, 504 for one too slow,
 * 422 for a page skimd will not read, 500 for skimd's own fault; logged
 * and usable by clients that map failures to statuses), and a default
 * sentence for people.
 */
#ifndef SKIMD_FAILURE_H
#define SKIMD_FAILURE_H

typedef enum fail_code {
    FAIL_NONE = 0,
    FAIL_FETCH_TIMEOUT,         /* no complete answer in time */
    FAIL_DNS,                   /* the host name did not resolve */
    FAIL_CONNECT,               /* no connection to the host */
    FAIL_TLS,                   /* the TLS handshake or certificate failed */
    FAIL_HTTP_STATUS,           /* the origin answered an error status: "http_<status>" */
    FAIL_TOO_LARGE,             /* the page, a header or a word is over a cap */
    FAIL_NOT_HTML,              /* not an HTML document */
    FAIL_EMPTY,                 /* no readable text */
    FAIL_REFUSED_ADDRESS,       /* a hop to a refused address or scheme */
    FAIL_TOO_MANY_REDIRECTS,
    FAIL_BAD_REDIRECT,          /* a redirect without a usable Location */
    FAIL_BAD_URL,               /* the URL cannot be parsed for fetching */
    FAIL_BAD_ENCODING,          /* the content or character encoding is broken */
    FAIL_FETCH_ERROR,           /* another transfer error (libcurl's message) */
    FAIL_CANCELLED,             /* stopped by shutdown or a newer request; never stored */
    FAIL_INTERNAL,              /* skimd's own fault (out of memory, store) */
    FAIL_COUNT_
} fail_code;

/* The code string ("fetch_timeout"; "http" for FAIL_HTTP_STATUS, whose
 * stored code is "http_<status>"). Never NULL. */
const char *fail_code_str(fail_code c);

/* The HTTP status that stands for this failure. */
int fail_http_status(fail_code c);

/* A default sentence for people. Never NULL. */
const char *fail_message(fail_code c);

/* The code for a stored code string ("http_404" -> FAIL_HTTP_STATUS);
 * FAIL_NONE when it is not one of ours. */
fail_code fail_from_str(const char *s);

#endif
