/* fuzz_extract.c -- libFuzzer harness over decode + extract.
 *
 * The first byte picks an HTTP Content-Type (none, a few charsets), the
 * rest is the page. The decoder's output must be NUL-free valid UTF-8 of
 * the length reported; every field of a result valid UTF-8, the word count
 * consistent, everything released without leaks. Built by `make fuzz`
 * (mk/extract.mk) with clang -fsanitize=fuzzer,address,undefined.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/decode.h"
#include "ingest/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every string skimd hands to JSON must be valid UTF-8. */
static void check_utf8(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (!s)
        return;
    for (size_t i = 0; u[i];) {
        unsigned char c = u[i];
        size_t n = c < 0x80 ? 0 : (c >= 0xC2 && c <= 0xDF) ? 1 : (c >= 0xE0 && c <= 0xEF) ? 2 :
                   (c >= 0xF0 && c <= 0xF4) ? 3 : 9;
        if (n == 9)
            abort();
        for (size_t k = 1; k <= n; k++)
            if ((u[i + k] & 0xC0) != 0x80)
                abort();
        i += n + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ctypes[] = {
        NULL, "text/html; charset=utf-8", "text/html; charset=gbk", "text/html; charset=big5",
        "text/html; charset=shift_jis", "text/html; charset=koi8-r", "text/html",
        "text/html; charset=utf-16le" };
    const char *ctype = NULL;
    char *utf8 = NULL;
    size_t ulen = 0;
    char cs[64];
    if (size > 0) {
        ctype = ctypes[data[0] % (sizeof ctypes / sizeof ctypes[0])];
        data++;
        size--;
    }
    if (decode_to_utf8((const char *)data, size, ctype, &utf8, &ulen, cs, sizeof cs) != 0)
        return 0;
    if (strlen(utf8) != ulen)
        abort();
    check_utf8(utf8);
    extract_article a;
    extract_status st = extract_article_from_html(utf8, ulen, "https://example.com/a/b", &a);
    if (st == EXTRACT_OK) {
        if (!a.text || !a.text[0])
            abort();
        const char *f[] = { a.title, a.text, a.author, a.published_at, a.modified_at,
                            a.site_name, a.language, a.canonical_url, a.image_url, a.description };
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
            check_utf8(f[i]);
        if (extract_count_words(a.text) != a.word_count)
            abort();
    }
    extract_article_release(&a);
    free(utf8);
    return 0;
}
