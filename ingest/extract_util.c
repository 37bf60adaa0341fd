/* extract_util.c -- small helpers shared by the extract_*.c files.
 *
 * Owns the capped text buffer (whitespace collapsing, block breaks), UTF-8
 * decoding of single code points, the CJK test and subtree text. Knows
 * nothing about scoring or metadata.
 */
#include "ingest/extract_int.h"

#include <stdlib.h>
#include <string.h>

/* ex_node_text looks at this many nodes at most: metadata text comes from
 * small elements, and a hostile page must not make it quadratic. */
#define NODE_TEXT_VISITS 4096

void ex_buf_put(ex_buf *b, const char *s, size_t n)
{
    if (b->failed || n == 0)
        return;
    if (b->limit && b->len + n > b->limit) {
        b->failed = 1;
        b->capped = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 1024;
        while (nc < b->len + n + 1)
            nc *= 2;
        char *nb = realloc(b->buf, nc);
        if (!nb) {
            b->failed = 1;
            return;
        }
        b->buf = nb;
        b->cap = nc;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static int at_break(const ex_buf *b)
{
    return b->len == 0 || b->buf[b->len - 1] == '\n' || b->buf[b->len - 1] == ' ';
}

void ex_buf_put_text(ex_buf *b, const char *s, size_t n)
{
    size_t i = 0, run = 0;
    int space = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t sp = 0;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
            sp = 1;
        else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
            sp = 2;
        else if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                 (unsigned char)s[i + 2] == 0x80)
            sp = 3;
        else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                 ((unsigned char)s[i + 2] == 0x8B || (unsigned char)s[i + 2] == 0x89 ||
                  (unsigned char)s[i + 2] == 0xAF))
            sp = 3;   /* zero width space, thin space, narrow nbsp */
        if ((c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xAD) ||
            (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBB &&
             (unsigned char)s[i + 2] == 0xBF)) {
            /* soft hyphen, zero width no-break space: invisible, and
             * words carrying them ("Mit\u00ADtel\u00ADal\u00ADter") must read whole */
            if (run) {
                ex_buf_put(b, s + i - run, run);
                run = 0;
            }
            i += c == 0xC2 ? 2 : 3;
            continue;
        }
        if (sp) {
            if (run) {
                ex_buf_put(b, s + i - run, run);
                run = 0;
            }
            space = 1;
            i += sp;
            continue;
        }
        if (space && run == 0 && !at_break(b))
            ex_buf_put(b, " ", 1);
        space = 0;
        run++;
        i++;
    }
    if (run)
        ex_buf_put(b, s + n - run, run);
    if (space && !at_break(b))
        ex_buf_put(b, " ", 1);
}

void ex_buf_trim(ex_buf *b)
{
    while (b->len > 0 && (b->buf[b->len - 1] == ' ' || b->buf[b->len - 1] == '\n'))
        b->buf[--b->len] = '\0';
}

void ex_buf_end_block(ex_buf *b)
{
    while (b->len > 0 && b->buf[b->len - 1] == ' ')
        b->buf[--b->len] = '\0';
    if (b->len == 0)
        return;
    if (b->len >= 2 && b->buf[b->len - 1] == '\n' && b->buf[b->len - 2] == '\n')
        return;
    ex_buf_put(b, b->buf[b->len - 1] == '\n' ? "\n" : "\n\n", b->buf[b->len - 1] == '\n' ? 1 : 2);
}

char *ex_buf_take(ex_buf *b)
{
    char *s = NULL;
    ex_buf_trim(b);
    if (b->len > 0 && !b->failed) {
        s = b->buf;
        b->buf = NULL;
    }
    free(b->buf);
    memset(b, 0, sizeof *b);
    return s;
}

uint32_t ex_utf8_next(const char *str, size_t n, size_t *adv)
{
    const unsigned char *s = (const unsigned char *)str;
    uint32_t c = s[0];
    size_t k = 1;
    if (c >= 0xF0 && n >= 4) { c = ((c & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu); k = 4; }
    else if (c >= 0xE0 && n >= 3) { c = ((c & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu); k = 3; }
    else if (c >= 0xC0 && n >= 2) { c = ((c & 0x1F) << 6) | (s[1] & 0x3Fu); k = 2; }
    *adv = k;
    return c;
}

int ex_is_cjk(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
           (cp >= 0x20000 && cp <= 0x2FFFF);
}

char *ex_node_text(const ex_node *root, size_t cap)
{
    ex_buf b = {0};
    b.limit = cap;
    if (!root)
        return NULL;
    if (root->flags & NF_TEXT) {
        ex_buf_put_text(&b, root->text, root->len);
        return ex_buf_take(&b);
    }
    size_t visited = 0;
    for (ex_node *n = root->first; n && visited < NODE_TEXT_VISITS; visited++) {
        int skip = 0;
        if (n->flags & NF_TEXT)
            ex_buf_put_text(&b, n->text, n->len);
        else if ((ex_tag_flags[n->tag] & TF_SKIP) && n->tag != T_TITLE)
            skip = 1;
        else if (n->tag == T_BR || (ex_tag_flags[n->tag] & TF_BLOCK))
            ex_buf_put_text(&b, " ", 1);
        if (b.failed)
            break;
        n = ex_next(root, n, skip);
    }
    b.failed = 0;   /* a capped prefix is fine for metadata */
    return ex_buf_take(&b);
}
