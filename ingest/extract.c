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
#define ARENA_FACTOR 12
#define ARENA_FLOOR  (4u << 20)
/* The DOM of one page never takes more than this, whatever its shape:
 * 12x a 10 MiB page was 124 MiB per worker (issue 12). A real article
 * page (145 kB mean, a few MB at most) stays under it; a larger tree is
 * cut where the cap falls, as a parse cut short keeps what it built. */
#define ARENA_MAX    ((size_t)48 << 20)
#define LD_BODY_MIN  200         /* bytes: shorter declared bodies are teasers */

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

/* Not HTML: no '<' in the first KiB, or binary there (NUL bytes, many
 * control characters or U+FFFD, i.e. bytes no charset could read). */
static int looks_like_html(const char *s, size_t len)
{
    size_t scan = len < 1024 ? len : 1024, odd = 0, chars = 0;
    int lt = 0;
    for (size_t i = 0; i < scan; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\0')
            return 0;
        if (c == '<')
            lt = 1;
        if ((c & 0xC0) != 0x80)
            chars++;
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F)
            odd++;
        if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBF &&
            (unsigned char)s[i + 2] == 0xBD)
            odd++;
    }
    return lt && odd * 20 <= chars;
}

/* JSON-LD articleBody as blocks: one per non-empty line. NULL when it
 * holds markup (then it is no plain text) or nothing. */
static char *plain_blocks(const char *s)
{
    ex_buf b = {0};
    if (strstr(s, "</") || strstr(s, "<p") || strstr(s, "<br"))
        return NULL;
    while (*s) {
        size_t n = strcspn(s, "\n");
        ex_buf_put_text(&b, s, n);
        ex_buf_end_block(&b);
        s += n;
        if (*s)
            s++;
    }
    return ex_buf_take(&b);
}

/* Pages that render the article with scripts still give it to search
 * engines in JSON-LD: when the page's text is under a quarter of what the
 * publisher declares as the body, the declared body is the text. */
static int use_ld_body(ex_doc *doc, extract_article *out)
{
    size_t have = out->text ? strlen(out->text) : 0;
    if (!doc->ld_body || strlen(doc->ld_body) < LD_BODY_MIN || have * 4 >= strlen(doc->ld_body))
        return 0;
    char *t = plain_blocks(doc->ld_body);
    if (!t)
        return 0;
    free(out->text);
    out->text = t;
    return 1;
}

/* Cut s at its first invalid UTF-8 sequence. Input is valid UTF-8 (see
 * decode.h) and every cut above falls between characters; this keeps that
 * promise to the JSON layer even if a cap somewhere does not. */
static void keep_valid_utf8(char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    if (!s)
        return;
    while (u[i]) {
        unsigned char c = u[i];
        size_t n = c < 0x80 ? 0 : (c >= 0xC2 && c <= 0xDF) ? 1 : (c >= 0xE0 && c <= 0xEF) ? 2 :
                   (c >= 0xF0 && c <= 0xF4) ? 3 : 4;
        size_t k = 1;
        while (k <= n && n < 4 && (u[i + k] & 0xC0) == 0x80)
            k++;
        if (n == 4 || k <= n) {
            s[i] = '\0';
            return;
        }
        i += n + 1;
    }
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
    size_t limit = len > (ARENA_MAX - ARENA_FLOOR) / ARENA_FACTOR
                       ? ARENA_MAX : len * ARENA_FACTOR + ARENA_FLOOR;
    /* the tree gets all but the floor, so that metadata and scoring still
     * have room when the tree was cut at the cap */
    doc.arena.limit = limit - ARENA_FLOOR / 2;
    if (ex_parse(&doc, html, len) != 0 && doc.over) {
        st = EXTRACT_TOO_LARGE;      /* a bound of extract.h, not memory */
        goto done;
    }
    if (doc.root == NULL) {
        st = doc.arena.capped ? EXTRACT_TOO_LARGE : EXTRACT_NOMEM;
        goto done;
    }
    doc.arena.limit = limit;
    doc.arena.capped = 0;
    /* A parse cut short by the arena limit keeps what it built. */
    if (!doc.html && !doc.body && doc.elements == 0) {
        st = EXTRACT_NOT_HTML;
        goto done;
    }
    if (ex_metadata(&doc, page_url, out) != 0) {
        st = doc.arena.capped ? EXTRACT_TOO_LARGE : EXTRACT_NOMEM;
        goto done;
    }
    out->text = ex_main_text(&doc, out->title, &nomem);
    if (nomem) {
        st = nomem == 2 || doc.arena.capped ? EXTRACT_TOO_LARGE : EXTRACT_NOMEM;
        goto done;
    }
    int from_ld = use_ld_body(&doc, out);
    if (!out->text || !out->text[0]) {
        st = EXTRACT_EMPTY;
        goto done;
    }
    if (ex_render(&doc, page_url, from_ld ? out->text : NULL, &out->content_html,
                  &out->content_markdown) != 0) {
        st = EXTRACT_NOMEM;
        goto done;
    }
    char *fields[] = { out->title, out->text, out->author, out->published_at, out->modified_at,
                       out->site_name, out->language, out->canonical_url, out->image_url,
                       out->description };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        keep_valid_utf8(fields[i]);
    for (char **p = out->authors; p && *p; p++)
        keep_valid_utf8(*p);
    /* content_html and content_markdown need no cut: they are whole
     * (a capped output is dropped, never truncated) and made of the
     * page's valid UTF-8 and ASCII markup. */
    if (!out->text[0]) {
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
    free(a->content_html);
    free(a->content_markdown);
    for (char **p = a->authors; p && *p; p++)
        free(*p);
    free(a->authors);
    memset(a, 0, sizeof *a);
}
