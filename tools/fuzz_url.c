/* fuzz_url.c -- libFuzzer harness for URL normalisation (ingest/url.c).
 *
 * Feeds the input as a URL to url_normalize(), and checks what a dedupe
 * key must be: an http(s) URL no longer than the cap, with a host that
 * url_host_port() can read, and stable (normalising it again changes
 * nothing). Also resolves the input against a fixed base the way a
 * redirect's Location header is resolved.
 * Build: make fuzz (see mk/hardening.mk).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what, const char *a, const char *b)
{
    if (cond)
        return;
    fprintf(stderr, "fuzz_url: %s\n  in:  %s\n  out: %s\n", what, a ? a : "(null)",
            b ? b : "(null)");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1), *out = NULL, *again = NULL, *resolved = NULL;
    char host[256], scheme[16];
    long port = 0;
    if (!in)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';

    url_status st = url_normalize(in, &out);
    check(url_status_message(st) != NULL, "no message", in, NULL);
    if (st == URL_OK) {
        check(out != NULL, "URL_OK without output", in, NULL);
        check(!strncmp(out, "http://", 7) || !strncmp(out, "https://", 8),
              "not http(s)", in, out);
        check(!strchr(out, '#'), "fragment kept", in, out);
        check(url_host_port(out, host, sizeof host, &port, scheme, sizeof scheme) == 0,
              "normalised URL has no readable host", in, out);
        check(port >= 0 && port < 65536, "port out of range", in, out);
        url_status st2 = url_normalize(out, &again);
        check(st2 == URL_OK || st2 == URL_TOO_LONG, "normalised URL refused", in, out);
        if (st2 == URL_OK)
            check(!strcmp(out, again), "normalisation is not stable", out, again);
    } else {
        check(out == NULL, "output on failure", in, out);
    }

    resolved = url_resolve("https://example.com/news/a/b?x=1", in);
    if (resolved)
        check(strlen(resolved) > 0, "empty resolution", in, resolved);

    free(resolved);
    free(again);
    free(out);
    free(in);
    return 0;
}
