/* fuzz_request.c -- libFuzzer harness for the POST /articles body checks.
 *
 * Feeds the input as a request body to hdl_submit_parse() (handlers/
 * validate.c) under a JSON content type, and as a string to the id and
 * cursor parsers. Checks the contract's invariants on every answer: a
 * success has a string url, at most HDL_MAX_USER_TAGS string tags and an
 * html that is a string; a refusal has a 4xx status, a slug and a detail.
 * Build: make fuzz (see mk/hardening.mk).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {
        "application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
        "text/plain", NULL,
    };
    hdl_submit sub;
    hdl_invalid why;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    /* The first byte picks the content type for a small share of inputs,
     * so most of the effort goes into the JSON checks. */
    const char *ct = types[0];
    if (size > 0 && (data[0] & 0xF0) == 0xF0)
        ct = types[data[0] % 5];

    memset(&why, 0, sizeof why);
    if (hdl_submit_parse(ct, text, size, &sub, &why) == 0) {
        check(sub.doc != NULL && json_is_object(sub.doc));
        check(sub.url != NULL);
        check(strlen(sub.url) == json_string_length(json_object_get(sub.doc, "url")));
        check(!sub.html || sub.html_len > 0);
        check(!sub.tags || (json_is_array(sub.tags) &&
                            json_array_size(sub.tags) <= HDL_MAX_USER_TAGS));
        check(hdl_json_depth(text, size) <= HDL_MAX_JSON_DEPTH);
        hdl_submit_release(&sub);
        check(sub.doc == NULL);
    } else {
        check(why.status == 400 || why.status == 415);
        check(why.slug != NULL && why.title != NULL);
        check(memchr(why.detail, '\0', sizeof why.detail) != NULL);
        check(why.detail[0] != '\0');
        check(sub.doc == NULL && sub.url == NULL);
    }

    int64_t id = 0;
    if (hdl_parse_id(text, &id) == 0)
        check(id > 0);
    if (hdl_cursor_decode(text, &id) == 0) {
        char again[HDL_CURSOR_LEN];
        check(id > 0);
        check(hdl_cursor_encode(id, again) == 0 && !strcmp(again, text));
    }
    free(text);
    return 0;
}
