/* fuzz_extract.c -- libFuzzer harness over decode + extract.
 *
 * The first byte picks an HTTP Content-Type (none, a few charsets), the
 * rest is the page. Every successful result must be NUL-free UTF-8 of the
 * length reported, fields released without leaks. Built by `make fuzz`
 * (mk/extract.mk) with clang -fsanitize=fuzzer,address,undefined.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/decode.h"
#include "ingest/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    extract_article a;
    extract_status st = extract_article_from_html(utf8, ulen, "https://example.com/a/b", &a);
    if (st == EXTRACT_OK) {
        if (!a.text || !a.text[0])
            abort();
        if (extract_count_words(a.text) != a.word_count)
            abort();
    }
    extract_article_release(&a);
    free(utf8);
    return 0;
}
