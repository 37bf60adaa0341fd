/* extract.c -- HTML page to article: the stage's entry point.
 *
 * Owns the public API of extract.h: input checks, the parse, the order of
 * the stages (metadata first, then the main text, which uses the title to
 * drop a repeated headline), word counting and releasing results. The
 * parser is extract_html.c, the main text extract_score.c, metadata
 * extract_meta.c and dates extract_date.c.
 */
#include "ingest/extract.h"

#include <stdlib.h>
#include <string.h>

#include "ingest/extract_int.h"

/* The arena never holds more than this many times the page (plus a floor):
 * a hostile page cannot make one extraction eat the machine. */
#define ARENA_FACTOR 24
#define ARENA_FLOOR  (4u << 20)

long extract_count_words(const char *text)
{
    long words = 0;
    int in_word = 0;
    if (!text)
        return 0;
    size_t n = strlen(text), i = 0;
    while (i < n) {
        size_t adv;
        uint32_t cp = ex_utf8_next(text + i, n - i, &adv);
        i += adv;
        int cjk = ex_is_cjk(cp);
        int alnum = (cp < 0x80 && (((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ||
                                   (cp >= '0' && cp <= '9'))) ||
                    (cp >= 0xC0 && !cjk && cp < 0x2000 && cp != 0xD7 && cp != 0xF7) ||
                    (cp >= 0x0400 && cp < 0x0530) || (cp >= 0x0E00 && cp < 0x0E80);
        if (cjk) {
            words++;
            in_word = 0;
        } else if (alnum || (in_word && (cp == '\'' || cp == 0x2019 || cp == '-'))) {
            if (!in_word)
                words++;
            in_word = 1;
        } else {
            in_word = 0;
        }
    }
    return words;
}

/* Not HTML: NUL bytes or no '<' in the first KiB. */
static int looks_like_html(const char *s, size_t len)
{
    size_t scan = len < 1024 ? len : 1024;
    int lt = 0;
    for (size_t i = 0; i < scan; i++) {
        if (s[i] == '\0')
            return 0;
        if (s[i] == '<')
            lt = 1;
    }
    return lt;
}

extract_status extract_article_from_html(const char *html, size_t len,
                                         const char *page_url, extract_article *out)
{
    ex_doc doc;
    extract_status st = EXTRACT_OK;
    int nomem = 0;

    if (!out || (!html && len))
        return EXTRACT_BADARG;
    memset(out, 0, sizeof *out);
    memset(&doc, 0, sizeof doc);
    if (len == 0 || !looks_like_html(html, len))
        return EXTRACT_NOT_HTML;
    doc.arena.limit = len > (SIZE_MAX - ARENA_FLOOR) / ARENA_FACTOR
                          ? SIZE_MAX : len * ARENA_FACTOR + ARENA_FLOOR;
    if (ex_parse(&doc, html, len) != 0 && !doc.root) {
        st = EXTRACT_NOMEM;
        goto done;
    }
    /* A parse cut short by the arena limit keeps what it built. */
    if (!doc.html && !doc.body && doc.elements == 0) {
        st = EXTRACT_NOT_HTML;
        goto done;
    }
    if (ex_metadata(&doc, page_url, out) != 0) {
        st = EXTRACT_NOMEM;
        goto done;
    }
    out->text = ex_main_text(&doc, out->title, &nomem);
    if (nomem) {
        st = EXTRACT_NOMEM;
        goto done;
    }
    if (!out->text || !out->text[0]) {
        st = EXTRACT_EMPTY;
        goto done;
    }
    out->word_count = extract_count_words(out->text);
    if (!out->language)
        out->language = ex_guess_language(out->text);
done:
    ex_doc_release(&doc);
    if (st != EXTRACT_OK)
        extract_article_release(out);
    return st;
}

void extract_article_release(extract_article *a)
{
    if (!a)
        return;
    free(a->title);
    free(a->text);
    free(a->author);
    free(a->published_at);
    free(a->modified_at);
    free(a->site_name);
    free(a->language);
    free(a->canonical_url);
    free(a->image_url);
    free(a->description);
    memset(a, 0, sizeof *a);
}
