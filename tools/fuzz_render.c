/* fuzz_render.c -- libFuzzer harness over the sanitizer (content_html,
 * content_markdown).
 *
 * The input is a page (decoded as UTF-8, bad bytes replaced); the first
 * byte picks the page URL the links are resolved against (none, http,
 * https with a path). Whatever the page holds, content_html re-parsed with
 * the WHATWG tokenizer and content_markdown read as CommonMark must hold
 * nothing script-capable (tools/render_check.h); any finding aborts.
 * Built by `make fuzz-render` (mk/extract.mk); seeds in tests/fuzz/render.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/decode.h"
#include "ingest/extract.h"
#include "tools/render_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const urls[] = { NULL, "http://example.com/", "https://example.com/a/b?c=d" };
    const char *url = NULL;
    char *utf8 = NULL;
    size_t ulen = 0;
    if (size > 0) {
        url = urls[data[0] % 3];
        data++;
        size--;
    }
    if (decode_to_utf8((const char *)data, size, "text/html; charset=utf-8", &utf8, &ulen,
                       NULL, 0) != 0)
        return 0;
    extract_article a;
    if (extract_article_from_html(utf8, ulen, url, &a) == EXTRACT_OK) {
        const char *why = NULL;
        if (a.content_html)
            why = rc_check_html(a.content_html, strlen(a.content_html));
        if (!why && a.content_markdown)
            why = rc_check_md(a.content_markdown, strlen(a.content_markdown));
        if (why) {
            fprintf(stderr, "render check: %s\n--- html\n%s\n--- markdown\n%s\n", why,
                    a.content_html ? a.content_html : "", a.content_markdown ? a.content_markdown : "");
            abort();
        }
    }
    extract_article_release(&a);
    free(utf8);
    return 0;
}
