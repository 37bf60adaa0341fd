/* failure.c -- the failure table (see failure.h). Nothing else in skimd
 * spells a failure code. */
#include "ingest/failure.h"

#include <string.h>

static const struct {
    const char *code;
    int status;
    const char *message;
} table[FAIL_COUNT_] = {
    [FAIL_NONE] = {"none", 200, "no failure"},
    [FAIL_FETCH_TIMEOUT] = {"fetch_timeout", 504, "no complete answer in time"},
    [FAIL_DNS] = {"dns", 502, "the host name did not resolve"},
    [FAIL_CONNECT] = {"connect", 502, "could not connect to the host"},
    [FAIL_TLS] = {"tls", 502, "the TLS connection failed"},
    [FAIL_HTTP_STATUS] = {"http", 502, "the server answered with an error status"},
    [FAIL_TOO_LARGE] = {"too_large", 413, "the page is larger than skimd reads"},
    [FAIL_NOT_HTML] = {"not_html", 422, "the page is not an HTML document"},
    [FAIL_EMPTY] = {"empty", 422, "the page has no readable text"},
    [FAIL_REFUSED_ADDRESS] = {"refused_address", 422, "a refused address or scheme"},
    [FAIL_TOO_MANY_REDIRECTS] = {"too_many_redirects", 502, "too many redirects"},
    [FAIL_BAD_REDIRECT] = {"bad_redirect", 502, "a redirect without a usable Location"},
    [FAIL_BAD_URL] = {"bad_url", 400, "the URL cannot be fetched"},
    [FAIL_BAD_ENCODING] = {"bad_encoding", 502, "the page's encoding is broken"},
    [FAIL_FETCH_ERROR] = {"fetch_error", 502, "the transfer failed"},
    [FAIL_CANCELLED] = {"cancelled", 503, "the work was cancelled"},
    [FAIL_INTERNAL] = {"internal", 500, "skimd failed internally"},
};

const char *fail_code_str(fail_code c)
{
    return (unsigned)c < FAIL_COUNT_ ? table[c].code : table[FAIL_INTERNAL].code;
}

int fail_http_status(fail_code c)
{
    return (unsigned)c < FAIL_COUNT_ ? table[c].status : 500;
}

const char *fail_message(fail_code c)
{
    return (unsigned)c < FAIL_COUNT_ ? table[c].message : table[FAIL_INTERNAL].message;
}

fail_code fail_from_str(const char *s)
{
    if (!s)
        return FAIL_NONE;
    if (!strncmp(s, "http_", 5) && strlen(s) == 8 && s[5] >= '1' && s[5] <= '5' &&
        s[6] >= '0' && s[6] <= '9' && s[7] >= '0' && s[7] <= '9')
        return FAIL_HTTP_STATUS;
    for (int i = 1; i < FAIL_COUNT_; i++)
        if (i != FAIL_HTTP_STATUS && !strcmp(s, table[i].code))
            return (fail_code)i;
    return FAIL_NONE;
}
