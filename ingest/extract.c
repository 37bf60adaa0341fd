/* extract.c -- HTML to article, baseline: <title> and all visible text.
 *
 * This is the service core's baseline (issue 2): the title is the page's
 * <title>, the text every visible text node with scripts, styles and
 * hidden elements dropped, blocks separated by blank lines. The
 * extraction work (issue 3) replaces the body of this file.
 */
#include "ingest/extract.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

/* Growable string with a hard cap; on overflow or OOM it stops growing
 * and remembers the failure. */
typedef struct textbuf {
    char *buf;     /* NUL-terminated when len > 0 */
    size_t len;
    size_t cap;
    int failed;
} textbuf;

static void tb_append(textbuf *tb, const char *s, size_t n)
{
    if (tb->failed || n == 0)
        return;
    if (tb->len + n + 1 > tb->cap) {
        size_t nc = tb->cap ? tb->cap * 2 : 4096;
        while (nc < tb->len + n + 1)
            nc *= 2;
        char *nb = realloc(tb->buf, nc);
        if (!nb) { tb->failed = 1; return; }
        tb->buf = nb;
        tb->cap = nc;
    }
    memcpy(tb->buf + tb->len, s, n);
    tb->len += n;
    tb->buf[tb->len] = '\0';
}

static int is_block(const char *name)
{
    static const char *const blocks[] = {
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
        "table", "ul", "ol", "blockquote", "section", "article", "header",
        "footer", "pre", "dd", "dt", "td", "th", "form", "nav", "aside", NULL };
    for (int i = 0; blocks[i]; i++)
        if (!strcasecmp(name, blocks[i]))
            return 1;
    return 0;
}

static int is_dropped(xmlNode *n)
{
    static const char *const dropped[] = {
        "script", "style", "noscript", "template", "head", "svg", "iframe",
        "object", "button", "select", "textarea", "input", NULL };
    for (int i = 0; dropped[i]; i++)
        if (!strcasecmp((const char *)n->name, dropped[i]))
            return 1;
    if (xmlHasProp(n, (const xmlChar *)"hidden"))
        return 1;
    xmlChar *aria = xmlGetProp(n, (const xmlChar *)"aria-hidden");
    int hidden = aria && !strcasecmp((const char *)aria, "true");
    xmlFree(aria);
    if (hidden)
        return 1;
    xmlChar *style = xmlGetProp(n, (const xmlChar *)"style");
    if (style) {
        char *compact = (char *)style;
        size_t w = 0;
        for (size_t r = 0; compact[r]; r++)
            if (compact[r] != ' ')
                compact[w++] = compact[r];
        compact[w] = '\0';
        hidden = strcasestr(compact, "display:none") != NULL ||
                 strcasestr(compact, "visibility:hidden") != NULL;
    }
    xmlFree(style);
    return hidden;
}

/* Append the text of a node, collapsing whitespace runs to one space. */
static void append_text(textbuf *tb, const char *s)
{
    int pending_space = tb->len > 0 && tb->buf[tb->len - 1] != '\n';
    int at_start = 1;
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
            if (!at_start)
                pending_space = 1;
            continue;
        }
        if (pending_space && tb->len > 0 && tb->buf[tb->len - 1] != '\n' &&
            tb->buf[tb->len - 1] != ' ')
            tb_append(tb, " ", 1);
        pending_space = 0;
        at_start = 0;
        tb_append(tb, p, 1);
    }
}

static void end_block(textbuf *tb)
{
    while (tb->len > 0 && tb->buf[tb->len - 1] == ' ')
        tb->buf[--tb->len] = '\0';
    if (tb->len == 0)
        return;
    if (tb->len >= 2 && tb->buf[tb->len - 1] == '\n' && tb->buf[tb->len - 2] == '\n')
        return;
    if (tb->buf[tb->len - 1] == '\n')
        tb_append(tb, "\n", 1);
    else
        tb_append(tb, "\n\n", 2);
}

/* Walk iteratively: deeply nested pages must not exhaust the stack. */
static void collect_text(xmlNode *root, textbuf *tb)
{
    xmlNode *n = root;
    while (n) {
        int descend = 0;
        if (n->type == XML_ELEMENT_NODE) {
            if (!is_dropped(n)) {
                if (is_block((const char *)n->name))
                    end_block(tb);
                descend = n->children != NULL;
            }
        } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                append_text(tb, (const char *)n->content);
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n->type == XML_ELEMENT_NODE && is_block((const char *)n->name))
                end_block(tb);
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
}

static char *find_title(xmlNode *root)
{
    xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && !strcasecmp((const char *)n->name, "title")) {
            xmlChar *c = xmlNodeGetContent(n);
            textbuf tb = {0};
            if (c)
                append_text(&tb, (const char *)c);
            xmlFree(c);
            if (tb.failed) { free(tb.buf); return NULL; }
            return tb.buf;
        }
        if (n->children && n->type == XML_ELEMENT_NODE &&
            strcasecmp((const char *)n->name, "body") != 0) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
    return NULL;
}

static char *html_lang(xmlNode *root)
{
    xmlChar *lang = xmlGetProp(root, (const xmlChar *)"lang");
    char *out = NULL;
    if (lang && lang[0]) {
        size_t n = strcspn((const char *)lang, "-_");
        if (n >= 2 && n <= 3) {
            out = strndup((const char *)lang, n);
            for (char *p = out; p && *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p - 'A' + 'a');
        }
    }
    xmlFree(lang);
    return out;
}

long extract_count_words(const char *text)
{
    long words = 0;
    int in_word = 0;
    const unsigned char *p = (const unsigned char *)text;
    if (!text)
        return 0;
    while (*p) {
        unsigned int cp = *p;
        int n = 1;
        if (cp >= 0xF0) { n = 4; cp &= 0x07; }
        else if (cp >= 0xE0) { n = 3; cp &= 0x0F; }
        else if (cp >= 0xC0) { n = 2; cp &= 0x1F; }
        for (int k = 1; k < n && p[k]; k++)
            cp = (cp << 6) | (p[k] & 0x3F);
        int cjk = (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                  (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
                  (cp >= 0x20000 && cp <= 0x2FFFF);
        int alnum = (cp < 0x80 && ((cp | 0x20) - 'a' < 26 || cp - '0' < 10)) ||
                    (cp >= 0xC0 && !cjk && cp < 0x2000);
        if (cjk) {
            words++;
            in_word = 0;
        } else if (alnum) {
            if (!in_word)
                words++;
            in_word = 1;
        } else {
            in_word = 0;
        }
        for (int k = 0; k < n && *p; k++)
            p++;
    }
    return words;
}

static int looks_like_html(const char *s, size_t len)
{
    size_t scan = len < 1024 ? len : 1024;
    for (size_t i = 0; i < scan; i++)
        if (s[i] == '\0')
            return 0;
    for (size_t i = 0; i < scan; i++)
        if (s[i] == '<')
            return 1;
    return 0;
}

extract_status extract_article_from_html(const char *html, size_t len,
                                         const char *page_url, extract_article *out)
{
    htmlDocPtr doc = NULL;
    textbuf tb = {0};
    extract_status st = EXTRACT_OK;
    (void)page_url;

    if (!out || (!html && len))
        return EXTRACT_BADARG;
    memset(out, 0, sizeof *out);
    if (len == 0 || len > (size_t)INT32_MAX || !looks_like_html(html, len))
        return EXTRACT_NOT_HTML;

    doc = htmlReadMemory(html, (int)len, page_url, "UTF-8",
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                         HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        st = EXTRACT_NOT_HTML;
        goto done;
    }
    collect_text(root, &tb);
    end_block(&tb);
    if (tb.failed) {
        st = EXTRACT_NOMEM;
        goto done;
    }
    while (tb.len > 0 && tb.buf[tb.len - 1] == '\n')
        tb.buf[--tb.len] = '\0';
    if (tb.len == 0) {
        st = EXTRACT_EMPTY;
        goto done;
    }
    out->text = tb.buf;
    tb.buf = NULL;
    out->title = find_title(root);
    out->language = html_lang(root);
    out->word_count = extract_count_words(out->text);

done:
    free(tb.buf);
    if (doc)
        xmlFreeDoc(doc);
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
