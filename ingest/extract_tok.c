/* extract_tok.c -- the WHATWG HTML tokenizer used by the extractor.
 *
 * Owns the tokenization stage of HTML parsing (HTML Living Standard
 * 13.2.5): tags and attributes, character references (the full named
 * table of extract_entities.h, the legacy forms without ';', numeric
 * references with the windows-1252 remapping), comments including the
 * "<!-->" and "--!>" forms, bogus comments, DOCTYPEs, CDATA sections and
 * the RCDATA, RAWTEXT, script data (with its escaped and double-escaped
 * states) and PLAINTEXT content models. It does not build a tree, choose
 * content models (the tree builder in extract_html.c does) or report
 * parse errors. Rather than one state per character, each construct is
 * scanned by a function that mirrors the standard's states for it, so
 * plain text and attribute values are found with memchr; the html5lib
 * conformance cases (tests/unit/test_html5lib.c) check it is the same
 * machine. (Over 800 lines: it is one state machine, and splitting the
 * states of one construct across files would hide how they hand over.)
 */
#include "ingest/extract_tok.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small helpers ---- */
/* The tokenizer's ASCII whitespace. CR is one too: the standard turns it
 * into LF before tokenizing (ex_tok_newlines, which the conformance test
 * runs), and the tree builder skips that copy of the page, so a CR that
 * reaches the tokenizer must act as the LF it stands for. */
static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int is_alpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alnum(char c) { return is_alpha(c) || is_digit(c); }
static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

static void put_byte(ex_buf *b, char c)
{
    if (b->len + 2 <= b->cap && !b->failed) {
        b->buf[b->len++] = c;
        b->buf[b->len] = '\0';
    } else {
        ex_buf_put(b, &c, 1);
    }
}

static void put_cp(ex_buf *b, uint32_t cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) { o[0] = (char)cp; n = 1; }
    else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    ex_buf_put(b, o, n);
}

/* A tag, attribute or doctype name: ASCII lower-cased, U+0000 as U+FFFD. */
static void put_name(ex_buf *b, const char *s, size_t n)
{
    size_t plain = 0;
    while (plain < n && s[plain] != '\0' && !(s[plain] >= 'A' && s[plain] <= 'Z'))
        plain++;
    if (plain == n) {                /* the common case: already lower-case */
        ex_buf_put(b, s, n);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '\0')
            ex_buf_put(b, "\xEF\xBF\xBD", 3);
        else
            put_byte(b, lower(s[k]));
    }
}

static void reset(ex_buf *b)
{
    b->len = 0;
    if (b->buf)
        b->buf[0] = '\0';
}

/* ---- character references ---- */
typedef struct entity { const char *name; uint32_t cp1, cp2; } entity;
static const entity entities[] = {
#include "ingest/extract_entities.h"
};

static int entity_cmp(const void *k, const void *e)
{
    return strcmp((const char *)k, ((const entity *)e)->name);
}

static const entity *entity_find(const char *name)
{
    return bsearch(name, entities, sizeof entities / sizeof entities[0],
                   sizeof entities[0], entity_cmp);
}

/* Windows-1252 meanings of &#128;..&#159; (the standard's table; 0 means
 * the number stands for itself). */
static const uint16_t c1_map[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178 };

/* Numeric reference at s[i] == '&', s[i+1] == '#'. */
static size_t numeric_ref(ex_buf *o, const char *s, size_t n, size_t i)
{
    size_t k = i + 2;
    int hex = 0;
    uint32_t v = 0;
    if (k < n && (s[k] == 'x' || s[k] == 'X')) {
        hex = 1;
        k++;
    }
    size_t digits_at = k;
    for (; k < n; k++) {
        int d;
        if (is_digit(s[k])) d = s[k] - '0';
        else if (hex && (s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'f') d = (s[k] | 0x20) - 'a' + 10;
        else break;
        v = v * (hex ? 16u : 10u) + (uint32_t)d;
        if (v > 0x10FFFF)
            v = 0x110000;          /* saturate: still out of range */
    }
    if (k == digits_at) {          /* no digits: "&#" or "&#x" stays as is */
        ex_buf_put(o, s + i, k - i);
        return k;
    }
    if (k < n && s[k] == ';')
        k++;
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        v = 0xFFFD;
    else if (v >= 0x80 && v <= 0x9F && c1_map[v - 0x80])
        v = c1_map[v - 0x80];
    put_cp(o, v);
    return k;
}

/* Reference at s[i] == '&': appends what it stands for (or the '&' alone
 * when it is none) and returns the index after the consumed bytes. */
static size_t char_ref(ex_buf *o, const char *s, size_t n, size_t i, int in_attr)
{
    if (i + 1 < n && s[i + 1] == '#')
        return numeric_ref(o, s, n, i);
    size_t run = 0;
    while (i + 1 + run < n && is_alnum(s[i + 1 + run]) && run < 40)
        run++;
    char key[48];
    const entity *e = NULL;
    size_t used = 0;
    if (run && run <= 31 && i + 1 + run < n && s[i + 1 + run] == ';') {
        memcpy(key, s + i + 1, run);
        key[run] = ';';
        key[run + 1] = '\0';
        if ((e = entity_find(key)))
            used = run + 1;
    }
    for (size_t l = run < 6 ? run : 6; !e && l >= 2; l--) {   /* legacy bare forms */
        memcpy(key, s + i + 1, l);
        key[l] = '\0';
        if ((e = entity_find(key)))
            used = l;
    }
    if (!e) {
        put_byte(o, '&');
        return i + 1;
    }
    size_t next = i + 1 + used;
    if (in_attr && s[i + used] != ';' && next < n && (s[next] == '=' || is_alnum(s[next]))) {
        put_byte(o, '&');          /* "&not=": kept as written in attributes */
        return i + 1;
    }
    put_cp(o, e->cp1);
    if (e->cp2)
        put_cp(o, e->cp2);
    return next;
}

void ex_tok_decode(ex_buf *out, const char *s, size_t n, int in_attr, int nul_fffd)
{
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && s[run] != '&' && (s[run] != '\0' || !nul_fffd))
            run++;
        if (run > i)
            ex_buf_put(out, s + i, run - i);
        i = run;
        if (i >= n)
            break;
        if (s[i] == '\0') {
            ex_buf_put(out, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            i = char_ref(out, s, n, i, in_attr);
        }
    }
}

/* ---- text ---- */
/* A text token of s[a..b): zero copy unless references (refs) or U+0000
 * (nul) need rewriting. */
static int emit_text(ex_tokenizer *t, ex_token *tok, size_t a, size_t b, int refs, int nul)
{
    const char *s = t->s + a;
    size_t n = b - a;
    tok->kind = EX_TOK_TEXT;
    if ((refs && memchr(s, '&', n)) || (nul && memchr(s, '\0', n))) {
        reset(&t->data);
        ex_tok_decode(&t->data, s, n, 0, nul);
        char *copy = t->data.failed ? NULL : ex_strndup(t->arena, t->data.buf, t->data.len);
        if (!copy) {
            t->failed = 1;
            return -1;
        }
        tok->data = copy;
        tok->data_len = t->data.len;
    } else {
        tok->data = s;
        tok->data_len = n;
    }
    return 1;
}

/* "</" at p starts the appropriate end tag (last start tag's name, then
 * whitespace, '/' or '>'). */
static int appropriate_end(const ex_tokenizer *t, size_t p)
{
    size_t l = t->last_start_len, e = p + 2 + l;
    return l && e < t->len && t->s[p] == '<' && t->s[p + 1] == '/' &&
           !strncasecmp(t->s + p + 2, t->last_start, l) &&
           (is_ws(t->s[e]) || t->s[e] == '/' || t->s[e] == '>');
}

/* Offset of the appropriate end tag in RCDATA/RAWTEXT from i, or len. */
static size_t raw_end(const ex_tokenizer *t, size_t i)
{
    while (i < t->len) {
        const char *lt = memchr(t->s + i, '<', t->len - i);
        if (!lt)
            return t->len;
        i = (size_t)(lt - t->s);
        if (appropriate_end(t, i))
            return i;
        i++;
    }
    return t->len;
}

/* ASCII letters from i compare equal to "script" and are followed by
 * whitespace, '/' or '>'; *after gets the index after the letters. */
static int script_word(const ex_tokenizer *t, size_t i, size_t *after)
{
    size_t k = i;
    while (k < t->len && is_alpha(t->s[k]))
        k++;
    *after = k;
    return k - i == 6 && !strncasecmp(t->s + i, "script", 6) && k < t->len &&
           (is_ws(t->s[k]) || t->s[k] == '/' || t->s[k] == '>');
}

enum { SD_NORMAL, SD_ESC, SD_ESC_DASH, SD_ESC_DASH2, SD_DESC, SD_DESC_DASH, SD_DESC_DASH2 };

/* Offset of the </script> that ends script data begun at i, or len: the
 * standard's script data states, escaped ("<!--") and double escaped
 * ("<!--<script>") included. */
static size_t script_end(const ex_tokenizer *t, size_t i)
{
    const char *s = t->s;
    size_t n = t->len, after;
    int st = SD_NORMAL;
    while (i < n) {
        char c = s[i];
        if (st == SD_NORMAL) {
            const char *lt = memchr(s + i, '<', n - i);
            if (!lt)
                return n;
            i = (size_t)(lt - s);
            if (appropriate_end(t, i))
                return i;
            if (i + 3 < n && s[i + 1] == '!' && s[i + 2] == '-' && s[i + 3] == '-') {
                st = SD_ESC_DASH2;
                i += 4;
            } else {
                i += 1 + (i + 1 < n && s[i + 1] == '/');
            }
            continue;
        }
        int base = st >= SD_DESC ? SD_DESC : SD_ESC;
        if (c == '-' || (c == '>' && st == base + 2)) {
            st = c == '>' ? SD_NORMAL : st == base ? base + 1 : base + 2;   /* "-->" */
            i++;
            continue;
        }
        if (base == SD_ESC) {
            if (c == '<') {
                if (appropriate_end(t, i))
                    return i;
                st = SD_ESC;
                if (i + 1 < n && s[i + 1] == '/') {
                    i += 2;
                } else if (i + 1 < n && is_alpha(s[i + 1])) {
                    if (script_word(t, i + 1, &after)) {
                        st = SD_DESC;
                        after++;           /* the delimiter is consumed */
                    }
                    i = after;
                } else {
                    i++;
                }
            } else {
                st = SD_ESC;
                i++;
            }
            continue;
        }
        /* double escaped */
        if (c == '<') {
            st = SD_DESC;
            i++;
            if (i < n && s[i] == '/') {
                i++;
                if (script_word(t, i, &after)) {
                    st = SD_ESC;
                    after++;
                }
                i = after;
            }
        } else {
            st = SD_DESC;
            i++;
        }
    }
    return n;
}

/* ---- tags ---- */
/* Append the attribute name s[a..b) lower-cased (U+0000 as U+FFFD) to a
 * start tag's list unless it is a duplicate or the list is full. */
static int add_attr(ex_tokenizer *t, ex_attr ***tail, ex_attr *head, int *count,
                    size_t a, size_t b, size_t va, size_t vb)
{
    const char *s = t->s;
    t->attrs_seen++;
    reset(&t->name);
    put_name(&t->name, s + a, b - a);
    if (t->name.failed)
        return -1;
    const char *nm = t->name.buf;
    for (ex_attr *x = head; x; x = x->next)
        if (x->name[0] == nm[0] && !strcmp(x->name, nm))
            return 0;                 /* the first of duplicates wins */
    if (*count >= EX_TOK_MAX_ATTRS)
        return 0;
    ex_attr *at = ex_alloc(t->arena, sizeof *at);
    char *name = ex_strndup(t->arena, nm, t->name.len);
    char *value;
    const char *v = s + va;
    size_t vn = vb - va;
    if (memchr(v, '&', vn) || memchr(v, '\0', vn)) {
        reset(&t->data);
        ex_tok_decode(&t->data, v, vn, 1, 1);
        value = t->data.failed ? NULL : ex_strndup(t->arena, t->data.buf, t->data.len);
    } else {
        value = ex_strndup(t->arena, v, vn);
    }
    if (!at || !name || !value)
        return -1;
    at->name = name;
    at->value = value;
    at->next = NULL;
    **tail = at;
    *tail = &at->next;
    (*count)++;
    return 0;
}

#define IN_TAG_EOF ((size_t)-1)

/* Attributes from i to the tag's '>'; returns the index after it, or
 * IN_TAG_EOF when the input ends inside the tag (the tag is dropped). */
static size_t lex_attrs(ex_tokenizer *t, ex_token *tok, size_t i, int keep)
{
    const char *s = t->s;
    size_t n = t->len;
    ex_attr *head = NULL, **tail = &head;
    int count = 0;
    tok->self_closing = 0;
    for (;;) {
        while (i < n && is_ws(s[i]))
            i++;
        if (i >= n)
            return IN_TAG_EOF;
        if (s[i] == '>')
            break;
        if (s[i] == '/') {               /* self-closing start tag state */
            if (++i >= n)
                return IN_TAG_EOF;
            if (s[i] == '>') {
                tok->self_closing = 1;
                break;
            }
            continue;
        }
        size_t na = i;
        if (s[i] == '=')
            i++;                         /* a name may begin with '=' */
        while (i < n && !is_ws(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=')
            i++;
        size_t nb = i, va = i, vb = i;
        while (i < n && is_ws(s[i]))
            i++;
        if (i < n && s[i] == '=') {
            i++;
            while (i < n && is_ws(s[i]))
                i++;
            if (i < n && (s[i] == '"' || s[i] == '\'')) {
                const char *q = memchr(s + i + 1, s[i], n - i - 1);
                if (!q)
                    return IN_TAG_EOF;
                va = i + 1;
                vb = (size_t)(q - s);
                i = vb + 1;
            } else {
                va = i;
                while (i < n && !is_ws(s[i]) && s[i] != '>')
                    i++;
                vb = i;
            }
        }
        if (i >= n)
            return IN_TAG_EOF;
        if (keep && add_attr(t, &tail, head, &count, na, nb, va, vb) < 0) {
            t->failed = 1;
            return IN_TAG_EOF;
        }
    }
    tok->attrs = keep ? head : NULL;
    return i + 1;
}

/* A start or end tag whose name begins at i. 1: token; 0: the input
 * ended inside the tag (nothing emitted, pos at the end). */
static int lex_tag(ex_tokenizer *t, ex_token *tok, size_t i, int end)
{
    const char *s = t->s;
    size_t n = t->len;
    reset(&t->name);
    size_t a = i;
    while (i < n && !is_ws(s[i]) && s[i] != '/' && s[i] != '>')
        i++;
    put_name(&t->name, s + a, i - a);
    if (t->name.failed) {
        t->failed = 1;
        return -1;
    }
    /* the name must outlive add_attr's use of the scratch: keep a copy */
    size_t name_len = t->name.len;
    char small[64];
    char *name = name_len < sizeof small ? small : ex_strndup(t->arena, t->name.buf, name_len);
    if (!name) {
        t->failed = 1;
        return -1;
    }
    if (name == small)
        memcpy(small, t->name.buf, name_len + 1);
    i = lex_attrs(t, tok, i, !end);
    if (t->failed)
        return -1;
    if (i == IN_TAG_EOF) {
        t->pos = n;
        return 0;
    }
    t->pos = i;
    reset(&t->name);
    ex_buf_put(&t->name, name, name_len);
    if (t->name.failed) {
        t->failed = 1;
        return -1;
    }
    tok->kind = end ? EX_TOK_END : EX_TOK_START;
    tok->name = t->name.buf;
    tok->name_len = name_len;
    if (end) {
        tok->attrs = NULL;
        tok->self_closing = 0;
    } else if (name_len < sizeof t->last_start) {
        memcpy(t->last_start, tok->name, name_len + 1);
        t->last_start_len = name_len;
    } else {
        t->last_start_len = 0;
    }
    return 1;
}

/* ---- comments and doctypes ---- */
/* Append s[0..n) with U+0000 as U+FFFD. */
static void put_nul_fffd(ex_buf *b, const char *s, size_t n)
{
    while (n) {
        const char *z = memchr(s, '\0', n);
        size_t run = z ? (size_t)(z - s) : n;
        ex_buf_put(b, s, run);
        if (!z)
            break;
        ex_buf_put(b, "\xEF\xBF\xBD", 3);
        s += run + 1;
        n -= run + 1;
    }
}

static int emit_comment(ex_tokenizer *t, ex_token *tok, size_t a, size_t b)
{
    reset(&t->data);
    put_nul_fffd(&t->data, t->s + a, b - a);
    if (t->data.failed) {
        t->failed = 1;
        return -1;
    }
    tok->kind = EX_TOK_COMMENT;
    tok->data = t->data.buf ? t->data.buf : "";
    tok->data_len = t->data.len;
    return 1;
}

/* Comment whose data begins at i (after "<!--"). */
static int lex_comment(ex_tokenizer *t, ex_token *tok, size_t i)
{
    const char *s = t->s;
    size_t n = t->len, k = i;
    if (i < n && s[i] == '>') {                             /* <!--> */
        t->pos = i + 1;
        return emit_comment(t, tok, i, i);
    }
    if (i + 1 < n && s[i] == '-' && s[i + 1] == '>') {      /* <!---> */
        t->pos = i + 2;
        return emit_comment(t, tok, i, i);
    }
    while (k < n) {
        const char *d = memchr(s + k, '-', n - k);
        if (!d)
            break;
        k = (size_t)(d - s);
        if (k + 2 < n && s[k + 1] == '-' && s[k + 2] == '>') {
            t->pos = k + 3;
            return emit_comment(t, tok, i, k);
        }
        if (k + 3 < n && s[k + 1] == '-' && s[k + 2] == '!' && s[k + 3] == '>') {
            t->pos = k + 4;                                 /* --!> */
            return emit_comment(t, tok, i, k);
        }
        k++;
    }
    /* the input ends inside the comment: a trailing "-", "--" or "--!" is
     * the start of an end that never came */
    size_t e = n;
    if (e - i >= 3 && !memcmp(s + e - 3, "--!", 3)) e -= 3;
    else if (e - i >= 2 && !memcmp(s + e - 2, "--", 2)) e -= 2;
    else if (e - i >= 1 && s[e - 1] == '-') e -= 1;
    t->pos = n;
    return emit_comment(t, tok, i, e);
}

/* Bogus comment from i up to '>'. */
static int lex_bogus(ex_tokenizer *t, ex_token *tok, size_t i)
{
    const char *gt = memchr(t->s + i, '>', t->len - i);
    size_t e = gt ? (size_t)(gt - t->s) : t->len;
    t->pos = gt ? e + 1 : t->len;
    return emit_comment(t, tok, i, e);
}

/* A quoted doctype identifier at s[*i] (the quote) into b. Returns 1 when
 * closed by its quote (*i after it), 0 when '>' or the end came first
 * (*i after the '>', or at the end). */
static int doctype_id(ex_tokenizer *t, ex_buf *b, size_t *i)
{
    const char *s = t->s;
    char q = s[*i];
    size_t k = *i + 1, a = k;
    while (k < t->len && s[k] != q && s[k] != '>')
        k++;
    reset(b);
    put_nul_fffd(b, s + a, k - a);
    if (k < t->len && s[k] == q) {
        *i = k + 1;
        return 1;
    }
    *i = k < t->len ? k + 1 : k;
    return 0;
}

static size_t skip_ws(const ex_tokenizer *t, size_t i)
{
    while (i < t->len && is_ws(t->s[i]))
        i++;
    return i;
}

/* After the doctype name, from i (not whitespace, not '>', not the end):
 * the PUBLIC/SYSTEM keyword and identifiers, as the standard's states
 * from "after DOCTYPE name" to "bogus DOCTYPE" read them. Returns the
 * index after the doctype. */
static size_t doctype_ids(ex_tokenizer *t, ex_token *tok, size_t i, int *have_pub, int *have_sys)
{
    const char *s = t->s;
    size_t n = t->len;
    int pub;
    if (i + 6 <= n && !strncasecmp(s + i, "public", 6)) pub = 1;
    else if (i + 6 <= n && !strncasecmp(s + i, "system", 6)) pub = 0;
    else goto bogus_quirks;
    i = skip_ws(t, i + 6);
    if (i >= n || s[i] == '>')
        goto quirks_end;
    if (s[i] != '"' && s[i] != '\'')
        goto bogus_quirks;
    *(pub ? have_pub : have_sys) = 1;
    if (!doctype_id(t, pub ? &t->pub : &t->sys, &i))
        goto quirks_at;
    if (pub) {                       /* a system identifier may follow */
        i = skip_ws(t, i);
        if (i >= n)
            goto quirks_at;
        if (s[i] == '>')
            return i + 1;
        if (s[i] != '"' && s[i] != '\'')
            goto bogus_quirks;
        *have_sys = 1;
        if (!doctype_id(t, &t->sys, &i))
            goto quirks_at;
    }
    i = skip_ws(t, i);
    if (i >= n)
        goto quirks_at;
    if (s[i] == '>')
        return i + 1;
    goto bogus;                      /* junk after the system identifier: no quirks */
quirks_end:
    tok->force_quirks = 1;
    return i < n ? i + 1 : n;
quirks_at:
    tok->force_quirks = 1;
    return i;
bogus_quirks:
    tok->force_quirks = 1;
bogus: {
        const char *gt = memchr(s + i, '>', n - i);
        return gt ? (size_t)(gt - s) + 1 : n;
    }
}

/* DOCTYPE from i (after "<!DOCTYPE"). */
static int lex_doctype(ex_tokenizer *t, ex_token *tok, size_t i)
{
    const char *s = t->s;
    size_t n = t->len;
    int have_name = 0, have_pub = 0, have_sys = 0;
    tok->kind = EX_TOK_DOCTYPE;
    tok->force_quirks = 0;
    reset(&t->name);
    reset(&t->pub);
    reset(&t->sys);
    i = skip_ws(t, i);
    if (i >= n || s[i] == '>') {
        tok->force_quirks = 1;
        i = i < n ? i + 1 : n;
    } else {
        have_name = 1;
        size_t a = i;
        while (i < n && !is_ws(s[i]) && s[i] != '>')
            i++;
        put_name(&t->name, s + a, i - a);
        i = skip_ws(t, i);
        if (i >= n)
            tok->force_quirks = 1;
        else if (s[i] == '>')
            i++;
        else
            i = doctype_ids(t, tok, i, &have_pub, &have_sys);
    }
    t->pos = i;
    if (t->name.failed || t->pub.failed || t->sys.failed) {
        t->failed = 1;
        return -1;
    }
    tok->name = have_name ? (t->name.buf ? t->name.buf : "") : NULL;
    tok->name_len = t->name.len;
    tok->public_id = have_pub ? (t->pub.buf ? t->pub.buf : "") : NULL;
    tok->public_len = have_pub ? t->pub.len : 0;
    tok->system_id = have_sys ? (t->sys.buf ? t->sys.buf : "") : NULL;
    tok->system_len = have_sys ? t->sys.len : 0;
    return 1;
}

/* "<!" at p: a comment, doctype, CDATA section or bogus comment. 0 means
 * no token (a CDATA section opened): call again. */
static int markup_decl(ex_tokenizer *t, ex_token *tok, size_t p)
{
    const char *s = t->s;
    size_t n = t->len;
    if (p + 3 < n && s[p + 2] == '-' && s[p + 3] == '-')
        return lex_comment(t, tok, p + 4);
    if (p + 9 <= n && !strncasecmp(s + p + 2, "doctype", 7))
        return lex_doctype(t, tok, p + 9);
    if (t->cdata_ok && p + 9 <= n && !memcmp(s + p + 2, "[CDATA[", 7)) {
        t->pos = p + 9;
        t->state = EX_TS_CDATA;
        return 0;
    }
    return lex_bogus(t, tok, p + 2);
}

/* ---- the content models ---- */
/* Data state: text up to a '<' that opens markup, or that markup. */
static int lex_data(ex_tokenizer *t, ex_token *tok)
{
    const char *s = t->s;
    size_t n = t->len;
    for (;;) {
        size_t start = t->pos, i = start, p;
        for (;;) {
            const char *lt = memchr(s + i, '<', n - i);
            if (!lt) { i = n; break; }
            p = (size_t)(lt - s);
            if (p + 1 >= n || (s[p + 1] == '/' && p + 2 >= n)) { i = n; break; }  /* "<", "</" at the end */
            char c = s[p + 1];
            if (is_alpha(c) || c == '!' || c == '?' || c == '/') { i = p; break; }
            i = p + 1;
        }
        if (i > start) {
            t->pos = i;
            return emit_text(t, tok, start, i, 1, 0);
        }
        if (i >= n)
            return 0;
        p = i;
        char c = s[p + 1];
        int r;
        if (is_alpha(c))
            r = lex_tag(t, tok, p + 1, 0);
        else if (c == '!')
            r = markup_decl(t, tok, p);
        else if (c == '?')
            r = lex_bogus(t, tok, p + 1);
        else if (is_alpha(s[p + 2]))
            r = lex_tag(t, tok, p + 2, 1);
        else if (s[p + 2] == '>') {
            t->pos = p + 3;              /* "</>" is dropped */
            continue;
        } else
            r = lex_bogus(t, tok, p + 2);
        if (r != 0 || t->pos >= n || t->state != EX_TS_DATA)
            return r;
    }
}

/* RCDATA, RAWTEXT, script data: text up to the appropriate end tag, then it. */
static int lex_raw(ex_tokenizer *t, ex_token *tok)
{
    size_t e = t->state == EX_TS_SCRIPT ? script_end(t, t->pos) : raw_end(t, t->pos);
    if (e > t->pos) {
        size_t a = t->pos;
        t->pos = e;
        int r = emit_text(t, tok, a, e, t->state == EX_TS_RCDATA, 1);
        tok->unterminated = e >= t->len;
        return r;
    }
    if (e >= t->len)
        return 0;
    t->state = EX_TS_DATA;
    return lex_tag(t, tok, e + 2, 1);
}

int ex_tok_next(ex_tokenizer *t, ex_token *tok)
{
    memset(tok, 0, sizeof *tok);
    while (!t->failed && t->pos < t->len) {
        int r;
        size_t a = t->pos;
        switch (t->state) {
        case EX_TS_RCDATA: case EX_TS_RAWTEXT: case EX_TS_SCRIPT:
            r = lex_raw(t, tok);
            break;
        case EX_TS_PLAINTEXT:
            t->pos = t->len;
            r = emit_text(t, tok, a, t->len, 0, 1);
            break;
        case EX_TS_CDATA: {
            const char *e = memmem(t->s + a, t->len - a, "]]>", 3);
            size_t end = e ? (size_t)(e - t->s) : t->len;
            t->pos = e ? end + 3 : t->len;
            t->state = EX_TS_DATA;
            if (end == a)
                continue;
            r = emit_text(t, tok, a, end, 0, 0);
            break;
        }
        default:
            r = lex_data(t, tok);
            break;
        }
        if (r != 0)
            return t->failed ? -1 : r;
    }
    tok->kind = EX_TOK_EOF;
    return t->failed ? -1 : 0;
}

const char *ex_tok_newlines(ex_arena *arena, const char *s, size_t len, size_t *out_len)
{
    const char *cr = memchr(s, '\r', len);
    *out_len = len;
    if (!cr)
        return s;
    char *o = ex_alloc(arena, len + 1);
    if (!o)
        return NULL;
    size_t w = (size_t)(cr - s), i = w;
    memcpy(o, s, w);
    while (i < len) {
        if (s[i] == '\r') {
            o[w++] = '\n';
            i += (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
        } else {
            o[w++] = s[i++];
        }
    }
    o[w] = '\0';
    *out_len = w;
    return o;
}

void ex_tok_init(ex_tokenizer *t, const char *s, size_t len, ex_arena *arena)
{
    memset(t, 0, sizeof *t);
    t->s = s;
    t->len = len;
    t->arena = arena;
    t->name.limit = t->data.limit = t->pub.limit = t->sys.limit = len * 3 + 64;
}

void ex_tok_set_last_start(ex_tokenizer *t, const char *name)
{
    size_t l = name ? strlen(name) : 0;
    if (l >= sizeof t->last_start)
        l = 0;
    memcpy(t->last_start, name ? name : "", l);
    t->last_start[l] = '\0';
    t->last_start_len = l;
}

void ex_tok_release(ex_tokenizer *t)
{
    if (!t)
        return;
    free(t->name.buf);
    free(t->data.buf);
    free(t->pub.buf);
    free(t->sys.buf);
    t->name.buf = t->data.buf = t->pub.buf = t->sys.buf = NULL;
}
