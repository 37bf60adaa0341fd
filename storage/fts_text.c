/* fts_text.c -- what the full-text index sees, and how a query is put to it.
 *
 * articles_fts uses FTS5's unicode61 tokenizer (words, case and accents
 * folded). Chinese and Japanese have no spaces between words, so before
 * indexing every run of Han or kana characters is rewritten as its
 * overlapping bigrams ("大模型" -> " 大模 模型 "), the classic CJK indexing
 * (Lucene's CJKAnalyzer). A query gets the same rewriting and becomes one
 * phrase: consecutive bigrams must be consecutive in the text, so a
 * Chinese query of two or more characters finds exactly the texts that
 * contain it; Latin-script words match whole words (case and accents
 * folded; no stemming, no prefixes). The trigram index this replaces matched
 * any substring but cost about 2.2 ms of the ~7 ms a worker spends per
 * corpus page; this one about half of that (README, "Performance").
 */
#include "storage/store_int.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

/* Code point at s[*i] (advancing *i), U+FFFD for a bad sequence. */
static uint32_t next_cp(const char *s, size_t n, size_t *i)
{
    unsigned char c = (unsigned char)s[*i];
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (*i + len > n || len == 1) {
        (*i)++;
        return c < 0x80 ? c : 0xFFFD;
    }
    uint32_t cp = len == 2 ? c & 0x1Fu : len == 3 ? c & 0x0Fu : c & 0x07u;
    for (size_t k = 1; k < len; k++)
        cp = (cp << 6) | ((unsigned char)s[*i + k] & 0x3Fu);
    *i += len;
    return cp;
}

/* Han (CJK ideographs, extensions, compatibility) and kana. */
static int is_cjk(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF) ||
           (cp >= 0x3040 && cp <= 0x30FF) || cp == 0x3005;
}

/* Rewrite s[0..n): CJK runs as bigrams. *singles counts CJK runs of one
 * character (kept as they are). */
static char *rewrite(const char *s, size_t n, size_t *out_len, size_t *singles)
{
    store_jbuf b = {0};
    size_t i = 0;
    while (i < n) {
        size_t at = i;
        uint32_t cp = next_cp(s, n, &i);
        if (!is_cjk(cp)) {
            store_jbuf_add(&b, s + at, i - at);
            continue;
        }
        /* a run: starts of its characters, then the bigrams */
        size_t prev = at, chars = 1;
        store_jbuf_add(&b, " ", 1);
        for (;;) {
            size_t here = i;
            if (i >= n)
                break;
            uint32_t c2 = next_cp(s, n, &i);
            if (!is_cjk(c2)) {
                i = here;
                break;
            }
            if (chars > 1)
                store_jbuf_add(&b, " ", 1);
            store_jbuf_add(&b, s + prev, i - prev);   /* previous character + this one */
            prev = here;
            chars++;
        }
        if (chars == 1) {
            store_jbuf_add(&b, s + at, i - at);
            if (singles)
                (*singles)++;
        }
        store_jbuf_add(&b, " ", 1);
    }
    return store_jbuf_take(&b, out_len);
}

char *store_fts_text(const char *s, size_t n, size_t *out_len)
{
    return s ? rewrite(s, n, out_len, NULL) : NULL;
}

/* The SQL function skimd_fts_text(text): the migration that builds the
 * index from stored articles calls it. */
static void sql_fts_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    size_t len = 0;
    char *t = store_fts_text(s, (size_t)sqlite3_value_bytes(argv[0]), &len);
    if (!t) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, t, (int)len, free);
}

int store_fts_register(sqlite3 *db)
{
    return sqlite3_create_function(db, "skimd_fts_text", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                   NULL, sql_fts_text, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

char *store_fts_query(const char *q)
{
    if (!q)
        return NULL;
    size_t n = strlen(q), len = 0, singles = 0;
    char *t = rewrite(q, n, &len, &singles);
    int word_chars = 0;
    for (size_t i = 0; t && i < n;) {
        uint32_t cp = next_cp(q, n, &i);
        int cjk = is_cjk(cp);
        /* unicode61's token characters are letters and numbers */
        int alnum = cjk || u_isalnum((UChar32)cp);
        word_chars += alnum;
    }
    /* a lone CJK character matches no bigram: the caller scans instead */
    if (!t || word_chars == 0 || singles > 0) {
        free(t);
        return NULL;
    }
    /* one phrase, quotes doubled. No prefix on a last Latin word: FTS5
     * merges every matching term's whole list for a prefix, which made
     * q=council take 26 ms at 1 M records instead of 1 */
    store_jbuf b = {0};
    store_jbuf_add(&b, "\"", 1);
    for (size_t i = 0; i < len; i++)
        store_jbuf_add(&b, t[i] == '"' ? "\"\"" : t + i, t[i] == '"' ? 2 : 1);
    store_jbuf_add(&b, "\"", 1);
    free(t);
    return store_jbuf_take(&b, NULL);
}
