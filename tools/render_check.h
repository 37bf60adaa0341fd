/* render_check.h -- does sanitizer output hold anything script-capable?
 *
 * Shared by tools/fuzz_render.c (libFuzzer) and tests/unit/test_render.c.
 * content_html is re-parsed with the extractor's own WHATWG tokenizer
 * (the one a browser-compatible reader would use) and every token
 * checked against the allow-list of extract_render.c: only allowed tag
 * names, only href/src/alt/colspan/rowspan attributes, links http(s) or
 * mailto, images http(s) or data:image/<raster>;base64, no comments,
 * doctypes or CDATA. content_markdown is checked as CommonMark would read
 * it: outside code spans, every '<' is escaped except the HTML blocks of
 * tables (which must pass the HTML check), and every link or image
 * destination has an allowed scheme. Header-only: static functions.
 * Returns NULL when clean, else a static string naming the problem.
 */
#ifndef SKIMD_RENDER_CHECK_H
#define SKIMD_RENDER_CHECK_H

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/extract_tok.h"

static int rc_tag_ok(const char *t)
{
    static const char *const ok[] = {
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "dl", "dt", "dd",
        "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
        "figure", "figcaption", "a", "em", "strong", "code", "q", "time", "img", "br", "hr",
        "sub", "sup", "cite", "abbr", "mark", "s", "del", "ins", "small", "kbd", "samp", "var",
        "u", NULL };
    for (int i = 0; ok[i]; i++)
        if (!strcmp(t, ok[i]))
            return 1;
    return 0;
}

static int rc_url_ok(const char *u, int image)
{
    if (!strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8))
        return 1;
    if (!image)
        return !strncasecmp(u, "mailto:", 7);
    static const char *const types[] = { "data:image/png;base64,", "data:image/jpeg;base64,",
                                         "data:image/gif;base64,", "data:image/webp;base64,", NULL };
    for (int i = 0; types[i]; i++)
        if (!strncasecmp(u, types[i], strlen(types[i])))
            return strspn(u + strlen(types[i]),
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
                   strlen(u + strlen(types[i]));
    return 0;
}

static const char *rc_check_html(const char *html, size_t len)
{
    ex_arena arena = {0};
    ex_tokenizer t;
    ex_token tok;
    const char *bad = NULL;
    ex_tok_init(&t, html, len, &arena);
    while (!bad && ex_tok_next(&t, &tok) > 0) {
        if (tok.kind == EX_TOK_COMMENT || tok.kind == EX_TOK_DOCTYPE) {
            bad = "comment or doctype in content_html";
        } else if (tok.kind == EX_TOK_START || tok.kind == EX_TOK_END) {
            if (!rc_tag_ok(tok.name))
                bad = "a tag outside the allow-list";
            for (ex_attr *a = tok.attrs; a && !bad; a = a->next) {
                if (!strcmp(a->name, "href") && !rc_url_ok(a->value, 0))
                    bad = "a link with a refused scheme";
                else if (!strcmp(a->name, "src") && !rc_url_ok(a->value, 1))
                    bad = "an image with a refused scheme";
                else if (strcmp(a->name, "href") && strcmp(a->name, "src") &&
                         strcmp(a->name, "alt") && strcmp(a->name, "colspan") &&
                         strcmp(a->name, "rowspan"))
                    bad = "an attribute outside the allow-list";
            }
        }
    }
    ex_tok_release(&t);
    ex_arena_release(&arena);
    return bad;
}

/* A copy of md with code spans and fences blanked out (CommonMark reads
 * them literally): a run of n backticks up to the next run of exactly n. */
static char *rc_strip_code(const char *md, size_t len)
{
    char *c = malloc(len + 1);
    if (!c)
        return NULL;
    memcpy(c, md, len);
    c[len] = '\0';
    for (size_t i = 0; i < len;) {
        if (c[i] == '\\' && i + 1 < len) {
            i += 2;
            continue;
        }
        if (c[i] != '`') {
            i++;
            continue;
        }
        size_t n = 0;
        while (i + n < len && c[i + n] == '`')
            n++;
        size_t k = i + n, close = 0;
        while (k < len) {
            size_t m = 0;
            while (k + m < len && c[k + m] == '`')
                m++;
            if (m == n) {
                close = k;
                break;
            }
            k += m ? m : 1;
        }
        if (!close) {
            i += n;
            continue;
        }
        memset(c + i + n, ' ', close - i - n);
        i = close + n;
    }
    return c;
}

static const char *rc_check_md(const char *md, size_t len)
{
    const char *bad = NULL;
    char *c = rc_strip_code(md, len);
    if (!c)
        return NULL;
    for (size_t i = 0; i < len && !bad; i++) {
        int escaped = i > 0 && c[i - 1] == '\\';
        if (c[i] == '\\' && i + 1 < len) {
            i++;
            continue;
        }
        if (c[i] == '<' && !escaped) {
            /* an HTML block: only a table, and it must be clean HTML up
             * to the blank line that ends it */
            if (strncmp(c + i, "<table", 6)) {
                bad = "an unescaped '<' in content_markdown";
                break;
            }
            const char *end = strstr(c + i, "\n\n");
            size_t n = end ? (size_t)(end - (c + i)) : len - i;
            bad = rc_check_html(md + i, n);
            i += n;
        } else if (c[i] == ']' && !escaped && i + 1 < len && c[i + 1] == '(') {
            size_t a = i + 2, e = a;
            while (e < len && c[e] != ')' && c[e] != ' ' && c[e] != '\n')
                e++;
            char *dest = strndup(md + a, e - a);
            if (dest && !rc_url_ok(dest, 1) && !rc_url_ok(dest, 0))
                bad = "a Markdown link with a refused scheme";
            free(dest);
        }
    }
    free(c);
    return bad;
}

#endif
