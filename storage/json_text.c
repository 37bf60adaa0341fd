/* json_text.c -- JSON text without a jansson tree: a growing buffer, a
 * string escaper that writes exactly what jansson writes, and a check
 * that a stored JSON column is already in jansson's compact form (so the
 * read path can copy it as it is).
 *
 * Owns no SQLite and no records: articles.c uses these to write a record
 * straight from its row. Split from articles.c to keep each file to one
 * job.
 */
#include "storage/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JBUF_START 4096
#define CANON_MAX_DEPTH 32
#define CANON_MAX_KEYS 256     /* keys of the objects open at once */

void store_jbuf_fixed(store_jbuf *b, char *mem, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->data = mem;
    b->cap = cap;
    b->fixed = 1;
    b->failed = !mem || cap == 0;
    if (!b->failed)
        mem[0] = '\0';
}

/* Room for n more bytes and a NUL; 0 or -1 (failed set). */
static int jbuf_reserve(store_jbuf *b, size_t n)
{
    if (b->failed)
        return -1;
    if (b->len + n < b->cap)
        return 0;
    if (b->fixed || n > ((size_t)-1) / 4 - b->len) {
        b->failed = 1;
        return -1;
    }
    size_t nc = b->cap ? b->cap : JBUF_START;
    while (nc <= b->len + n)
        nc *= 2;
    char *nd = realloc(b->data, nc);
    if (!nd) {
        b->failed = 1;
        return -1;
    }
    b->data = nd;
    b->cap = nc;
    return 0;
}

void store_jbuf_add(store_jbuf *b, const char *s, size_t n)
{
    if (jbuf_reserve(b, n) != 0)
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

char *store_jbuf_take(store_jbuf *b, size_t *len)
{
    char *t = NULL;
    if (!b->fixed && !b->failed && jbuf_reserve(b, 0) == 0) {
        b->data[b->len] = '\0';
        t = b->data;
        b->data = NULL;
        if (len)
            *len = b->len;
    }
    store_jbuf_free(b);
    return t;
}

void store_jbuf_free(store_jbuf *b)
{
    if (!b)
        return;
    if (!b->fixed)
        free(b->data);
    memset(b, 0, sizeof *b);
}

/* Length of the valid UTF-8 sequence at s[0..n) (which starts with a
 * byte >= 0x80), or 0 when it is not valid: the rules jansson checks. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;               /* overlong */
        if (c == 0xED) hi = 0x9F;               /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;               /* overlong */
        if (c == 0xF4) hi = 0x8F;               /* above U+10FFFF */
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

int store_json_string(store_jbuf *b, const char *str, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    size_t start_len = b->len, i = 0;
    if (jbuf_reserve(b, n + 2) != 0)
        return 0;
    b->data[b->len++] = '"';
    while (i < n) {
        size_t run = i;
        /* a run of bytes copied as they are */
        while (run < n) {
            unsigned char c = s[run];
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
                run++;
            else if (c >= 0x80) {
                size_t k = utf8_seq(s + run, n - run);
                if (k == 0) {
                    b->len = start_len;
                    if (b->data)
                        b->data[b->len] = '\0';
                    return -1;
                }
                run += k;
            } else
                break;
        }
        if (run > i) {
            if (jbuf_reserve(b, run - i + 1) != 0)
                return 0;
            memcpy(b->data + b->len, s + i, run - i);
            b->len += run - i;
            i = run;
            continue;
        }
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t el = 2;
        unsigned char c = s[i++];
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
        }
        if (jbuf_reserve(b, el + 1) != 0)
            return 0;
        memcpy(b->data + b->len, esc, el);
        b->len += el;
    }
    if (jbuf_reserve(b, 1) != 0)
        return 0;
    b->data[b->len++] = '"';
    b->data[b->len] = '\0';
    return 0;
}

/* A string at s[*i] == '"' in canonical form; *i moves past it. */
static int canon_string(const unsigned char *s, size_t n, size_t *i)
{
    size_t p = *i + 1;
    while (p < n) {
        unsigned char c = s[p];
        if (c == '"') {
            *i = p + 1;
            return 1;
        }
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            if (p + 1 >= n)
                return 0;
            c = s[p + 1];
            if (c == '"' || c == '\\' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
                c == 't') {
                p += 2;
                continue;
            }
            /* only \u00XX for a control without a short form, upper case */
            if (c != 'u' || p + 5 >= n || s[p + 2] != '0' || s[p + 3] != '0' ||
                (s[p + 4] != '0' && s[p + 4] != '1'))
                return 0;
            unsigned char d = s[p + 5];
            unsigned v;
            if (d >= '0' && d <= '9')
                v = (unsigned)(d - '0');
            else if (d >= 'A' && d <= 'F')
                v = (unsigned)(d - 'A' + 10);
            else
                return 0;
            v += s[p + 4] == '1' ? 16u : 0u;
            if (v == 0 || v == '\b' || v == '\f' || v == '\n' || v == '\r' || v == '\t')
                return 0;
            p += 6;
            continue;
        }
        if (c >= 0x80) {
            size_t k = utf8_seq(s + p, n - p);
            if (k == 0)
                return 0;
            p += k;
            continue;
        }
        p++;
    }
    return 0;
}

/* A number at s[*i] in the form jansson dumps it; *i moves past it. */
static int canon_number(const unsigned char *s, size_t n, size_t *i)
{
    size_t p = *i, digits = 0;
    int real = 0;
    char tok[40], again[48];
    while (p < n && ((s[p] >= '0' && s[p] <= '9') || s[p] == '-' || s[p] == '+' ||
                     s[p] == '.' || s[p] == 'e' || s[p] == 'E')) {
        if (s[p] >= '0' && s[p] <= '9')
            digits++;
        else if (s[p] != '-')
            real = 1;
        p++;
    }
    size_t len = p - *i;
    if (len == 0 || len >= sizeof tok)
        return 0;
    memcpy(tok, s + *i, len);
    tok[len] = '\0';
    if (!real) {
        /* -?(0|[1-9][0-9]*), not -0, and within long long for sure */
        const char *d = tok[0] == '-' ? tok + 1 : tok;
        if (digits == 0 || digits > 18 || strlen(d) != digits ||
            (d[0] == '0' && (digits > 1 || d != tok)))
            return 0;
        *i = p;
        return 1;
    }
    /* a real: jansson writes "%.17g", ".0" added when it looks like an
     * integer, "+" and leading zeros dropped from the exponent */
    char *end;
    double v = strtod(tok, &end);
    if (*end || !(v - v == 0.0))
        return 0;
    int w = snprintf(again, sizeof again, "%.17g", v);
    if (w < 0 || (size_t)w >= sizeof again - 3)
        return 0;
    if (!strchr(again, '.') && !strchr(again, 'e'))
        memcpy(again + w, ".0", 3);
    char *e = strchr(again, 'e');
    if (e) {
        char *from = e + 1, *to = e + 1;
        if (*from == '+')
            from++;
        else if (*from == '-')
            from++, to++;
        while (*from == '0' && from[1])
            from++;
        memmove(to, from, strlen(from) + 1);
    }
    if (strcmp(tok, again) != 0)
        return 0;
    *i = p;
    return 1;
}

/* Keys seen in the objects being checked, to refuse duplicates (jansson
 * keeps the last one): canonical keys are equal exactly when their bytes
 * are. */
typedef struct canon_keys {
    size_t off[CANON_MAX_KEYS], len[CANON_MAX_KEYS];
    size_t n;
    size_t first[CANON_MAX_DEPTH];   /* per open object: its first key */
} canon_keys;

/* A key string at s[*i] followed by ':'; *i moves past the colon. */
static int canon_key(const unsigned char *s, size_t n, size_t *i, canon_keys *k,
                     size_t depth)
{
    size_t start = *i;
    if (*i >= n || s[*i] != '"' || !canon_string(s, n, i) || *i >= n || s[*i] != ':')
        return 0;
    size_t len = *i - start;
    for (size_t j = k->first[depth - 1]; j < k->n; j++)
        if (k->len[j] == len && !memcmp(s + k->off[j], s + start, len))
            return 0;
    if (k->n == CANON_MAX_KEYS)
        return 0;
    k->off[k->n] = start;
    k->len[k->n++] = len;
    (*i)++;
    return 1;
}

int store_json_canonical(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    char stack[CANON_MAX_DEPTH];
    canon_keys keys;
    size_t depth = 0, i = 0;
    if (!s)
        return 0;
    keys.n = 0;
    for (;;) {
        /* a value is expected at s[i] */
        if (i >= n)
            return 0;
        unsigned char c = s[i];
        if (c == '{' || c == '[') {
            if (depth == CANON_MAX_DEPTH)
                return 0;
            keys.first[depth] = keys.n;
            stack[depth++] = (char)c;
            i++;
            if (i < n && s[i] == (c == '{' ? '}' : ']')) {
                depth--;
                i++;
                goto after_value;
            }
            if (c == '{' && !canon_key(s, n, &i, &keys, depth))
                return 0;
            continue;
        } else if (c == '"') {
            if (!canon_string(s, n, &i))
                return 0;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (!canon_number(s, n, &i))
                return 0;
        } else if (n - i >= 4 && !memcmp(s + i, "true", 4)) {
            i += 4;
        } else if (n - i >= 5 && !memcmp(s + i, "false", 5)) {
            i += 5;
        } else if (n - i >= 4 && !memcmp(s + i, "null", 4)) {
            i += 4;
        } else {
            return 0;
        }
    after_value:
        for (;;) {
            if (depth == 0)
                return i == n;
            if (i >= n)
                return 0;
            char top = stack[depth - 1];
            if (s[i] == (top == '{' ? '}' : ']')) {
                keys.n = keys.first[--depth];      /* forget the closed object's keys */
                i++;
                continue;
            }
            if (s[i] != ',')
                return 0;
            i++;
            if (top == '{' && !canon_key(s, n, &i, &keys, depth))
                return 0;
            break;
        }
    }
}

