/* fuzz_text.c -- libFuzzer harness for the text stages: sentences, words,
 * keywords and summary of arbitrary bytes. The input's first line is the
 * title, the rest the text; its first byte also picks the declared
 * language. Built and run by `make fuzz` (mk/analysis.mk); needs the data/
 * folder and friso's dictionary, loaded once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/keywords.h"
#include "analyze/summary.h"
#include "analyze/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static text_ctx *tc;
static kw_model *km;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[256];
    if (text_ctx_new("data", NULL, &tc, err, sizeof err) || kw_model_load("data", &km, err, sizeof err))
        abort();
    text_ctx_add_json_terms(tc, "data/taxonomy.json");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const langs[] = { NULL, "zh", "en", "ja", "fr", "xx", "zh-CN", "" };
    if (size > 1 << 16)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';   /* the stages take C strings: stop at the first NUL */
    char *nl = strchr(buf, '\n');
    const char *title = NULL, *text = buf;
    if (nl) {
        *nl = '\0';
        title = buf;
        text = nl + 1;
    }
    const char *lang = langs[size ? data[0] % 8 : 0];
    text_doc d;
    if (text_doc_build(tc, title, text, lang, &d) == 0) {
        kw_item k[KW_MAX];
        size_t n = kw_extract(km, &d, "https://www.example.com/a", k, KW_MAX);
        char *s = sum_extract(km, &d, k, n, NULL);
        free(s);
        text_doc_release(&d);
    }
    text_sentence s[64];
    text_split_sentences(text, strlen(text), "zh", s, 64);
    text_split_sentences(text, strlen(text), "en", s, 64);
    free(buf);
    return 0;
}
