/* extract_html.c -- a small, fast HTML tokenizer and tree builder.
 *
 * Owns turning UTF-8 HTML into the light DOM of extract_int.h: elements,
 * attributes (entities decoded, names lower-cased) and text nodes, all in
 * one arena freed at once. It follows the HTML5 parsing rules that matter
 * for reading articles (void and raw-text elements, implied </p>, </li>,
 * </td>, </tr>, end tags searched within scope, head closed by body
 * content) and ignores the rest (no foster parenting, no adoption agency
 * beyond nested <a>). It never recurses and caps the open-element stack,
 * so deeply nested or hostile markup costs linear time and bounded
 * memory. Does not score, clean or read metadata.
 *
 * Why not libxml2's htmlReadMemory: measured on the dev corpus, libxml2
 * 2.9.14 parses 223 pages/s on this machine, under half the 500 pages/s the
 * whole stage must reach; this parser does the same pages several times
 * faster (see docs/extraction.md).
 */
#include "ingest/extract_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EX_MAX_DEPTH 512
#define EX_MAX_ATTRS 64          /* attributes kept per element */
#define CHUNK_MIN    (64u * 1024u)

/* ---- arena ---- */
struct ex_chunk {
    ex_chunk *next;
    size_t size;
    /* payload follows, 16-byte aligned */
};

void *ex_alloc(ex_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->used + n > a->cap) {
        size_t sz = n > CHUNK_MIN ? n : CHUNK_MIN;
        if (a->limit && a->total + sz > a->limit) {
            a->capped = 1;
            return NULL;
        }
        ex_chunk *c = malloc(sizeof(ex_chunk) + 16 + sz);
        if (!c)
            return NULL;
        c->next = a->head;
        c->size = sz;
        a->head = c;
        a->used = 0;
        a->cap = sz;
        a->total += sz;
    }
    char *base = (char *)a->head + ((sizeof(ex_chunk) + 15) & ~(size_t)15);
    void *p = base + a->used;
    a->used += n;
    return p;
}

char *ex_strndup(ex_arena *a, const char *s, size_t n)
{
    char *d = ex_alloc(a, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void ex_arena_release(ex_arena *a)
{
    ex_chunk *c = a ? a->head : NULL;
    while (c) {
        ex_chunk *next = c->next;
        free(c);
        c = next;
    }
    if (a)
        memset(a, 0, sizeof *a);
}

/* ---- tags ---- */
static const char *const tag_names[T_COUNT] = {
    [T_OTHER] = "",
#define EX_TAG(id, name, flags) [id] = name,
#include "ingest/extract_tags.h"
#undef EX_TAG
};

const uint8_t ex_tag_flags[T_COUNT] = {
    [T_OTHER] = 0,
#define EX_TAG(id, name, flags) [id] = (flags),
#include "ingest/extract_tags.h"
#undef EX_TAG
};

/* name is already lower-case, len bytes */
int ex_tag_lookup(const char *name, size_t len)
{
    int lo = 1, hi = T_COUNT - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const char *t = tag_names[mid];
        int c = strncmp(name, t, len);
        if (c == 0 && t[len] != '\0')
            c = -1;
        if (c == 0)
            return mid;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return T_OTHER;
}

/* ---- entities ---- */
typedef struct entity { const char *name; uint32_t cp; } entity;
static const entity entities[] = {
#include "ingest/extract_entities.h"
};

static int entity_cmp(const void *k, const void *e)
{
    return strcmp((const char *)k, ((const entity *)e)->name);
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Windows-1252 meanings of &#128;..&#159;, as browsers read them. */
static const uint16_t c1_map[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178 };

/* Decode one character reference at s[0] == '&'. Returns the bytes
 * consumed (0: not a reference) and writes the code point. */
static size_t decode_ref(const char *s, size_t n, uint32_t *cp)
{
    size_t i = 1;
    if (i < n && s[i] == '#') {
        uint32_t v = 0;
        int hex = 0, digits = 0;
        i++;
        if (i < n && (s[i] == 'x' || s[i] == 'X')) { hex = 1; i++; }
        while (i < n) {
            char c = s[i];
            int d;
            if (c >= '0' && c <= '9') d = c - '0';
            else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') d = (c | 0x20) - 'a' + 10;
            else break;
            if (v < 0x110000)
                v = v * (hex ? 16u : 10u) + (uint32_t)d;
            digits++;
            i++;
        }
        if (!digits)
            return 0;
        if (i < n && s[i] == ';')
            i++;
        if (v >= 0x80 && v < 0xA0) v = c1_map[v - 0x80];
        if (v == 0 || v >= 0x110000 || (v >= 0xD800 && v <= 0xDFFF)) v = 0xFFFD;
        *cp = v;
        return i;
    }
    char name[16];
    size_t k = 0;
    while (i < n && k + 1 < sizeof name &&
           (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') || (s[i] >= '0' && s[i] <= '9')))
        name[k++] = s[i++];
    name[k] = '\0';
    if (!k)
        return 0;
    const entity *e = bsearch(name, entities, sizeof entities / sizeof entities[0],
                              sizeof entities[0], entity_cmp);
    if (!e)
        return 0;
    if (i < n && s[i] == ';')
        i++;
    else if (strcmp(name, "amp") && strcmp(name, "lt") && strcmp(name, "gt") &&
             strcmp(name, "quot") && strcmp(name, "nbsp") && strcmp(name, "copy"))
        return 0;   /* only the legacy few work without ';' */
    *cp = e->cp;
    return i;
}

/* Decode entities of s[0..n). Returns s itself when there is nothing to
 * decode, else an arena copy; *out_len gets the length. NULL on OOM. */
static const char *decode_text(ex_arena *a, const char *s, size_t n, size_t *out_len)
{
    const char *amp = memchr(s, '&', n);
    if (!amp) {
        *out_len = n;
        return s;
    }
    char *o = ex_alloc(a, n + 1);    /* a reference never grows */
    size_t w = 0, i = 0;
    if (!o)
        return NULL;
    while (i < n) {
        if (s[i] == '&') {
            uint32_t cp;
            size_t used = decode_ref(s + i, n - i, &cp);
            if (used) {
                w += put_utf8(o + w, cp);
                i += used;
                continue;
            }
        }
        o[w++] = s[i++];
    }
    o[w] = '\0';
    *out_len = w;
    return o;
}

/* ---- tree builder ---- */
typedef struct builder {
    ex_doc *doc;
    ex_node *stack[EX_MAX_DEPTH];
    int depth;               /* stack[0] is the document node */
    int failed;
    int open_p, open_a;      /* <p> and <a> on the stack: skip searches */
} builder;

static void push(builder *b, ex_node *n)
{
    b->stack[b->depth++] = n;
    b->open_p += n->tag == T_P;
    b->open_a += n->tag == T_A;
}

static ex_node *cur(builder *b) { return b->stack[b->depth - 1]; }

static void append_child(ex_node *parent, ex_node *n)
{
    n->parent = parent;
    n->prev = parent->last;
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
}

static ex_node *new_node(builder *b)
{
    ex_node *n = ex_alloc(&b->doc->arena, sizeof *n);
    if (!n) {
        b->failed = 1;
        return NULL;
    }
    memset(n, 0, sizeof *n);
    return n;
}

static void pop_to(builder *b, int i)   /* pops stack[i] and above */
{
    if (i < 1)
        return;
    while (b->depth > i) {
        ex_node *n = b->stack[--b->depth];
        b->open_p -= n->tag == T_P;
        b->open_a -= n->tag == T_A;
    }
}

static int find_open(builder *b, int tag, const char *name, int stop_at_block)
{
    for (int i = b->depth - 1; i >= 1; i--) {
        ex_node *n = b->stack[i];
        if (n->tag == tag && (tag != T_OTHER || !strcmp(n->name, name)))
            return i;
        if (ex_tag_flags[n->tag] & TF_SCOPE)
            return -1;
        if (stop_at_block && (ex_tag_flags[n->tag] & TF_BLOCK) && n->tag != T_DIV &&
            n->tag != T_P && n->tag != T_ADDRESS)
            return -1;
    }
    return -1;
}

static int in_head_content(int tag)
{
    return tag == T_TITLE || tag == T_META || tag == T_LINK || tag == T_SCRIPT ||
           tag == T_STYLE || tag == T_BASE || tag == T_NOSCRIPT || tag == T_TEMPLATE;
}

static void close_head(builder *b)
{
    ex_node *h = b->doc->head;
    if (!h)
        return;
    for (int i = b->depth - 1; i >= 1; i--)
        if (b->stack[i] == h) {
            pop_to(b, i);
            return;
        }
}

static void add_text(builder *b, const char *s, size_t n, int decode)
{
    size_t len = n;
    if (!n || b->failed)
        return;
    if (cur(b) == b->doc->head) {
        size_t k = 0;
        while (k < n && (s[k] == ' ' || s[k] == '\n' || s[k] == '\t' || s[k] == '\r'))
            k++;
        if (k == n)
            return;
        close_head(b);
    }
    const char *t = decode ? decode_text(&b->doc->arena, s, n, &len) : s;
    ex_node *node = t ? new_node(b) : NULL;
    if (!node) {
        b->failed = 1;
        return;
    }
    node->flags = NF_TEXT;
    node->text = t;
    node->len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    append_child(cur(b), node);
}

/* Apply the implied end tags of a start tag. */
static void implied_ends(builder *b, int tag)
{
    int i;
    uint8_t f = ex_tag_flags[tag];
    if ((f & TF_CLOSEP) && b->open_p > 0) {
        if ((i = find_open(b, T_P, NULL, 0)) > 0)
            pop_to(b, i);
    }
    switch (tag) {
    case T_LI:
        for (i = b->depth - 1; i >= 1; i--) {
            int t = b->stack[i]->tag;
            if (t == T_LI) { pop_to(b, i); break; }
            if (t == T_UL || t == T_OL || t == T_MENU || (ex_tag_flags[t] & TF_SCOPE))
                break;
        }
        break;
    case T_DT: case T_DD:
        for (i = b->depth - 1; i >= 1; i--) {
            int t = b->stack[i]->tag;
            if (t == T_DT || t == T_DD) { pop_to(b, i); break; }
            if (t == T_DL || (ex_tag_flags[t] & TF_SCOPE))
                break;
        }
        break;
    case T_TR:
        for (i = b->depth - 1; i >= 1; i--) {
            int t = b->stack[i]->tag;
            if (t == T_TR) { pop_to(b, i); break; }
            if (t == T_TABLE || t == T_TBODY || t == T_THEAD || t == T_TFOOT)
                break;
        }
        break;
    case T_TD: case T_TH:
        for (i = b->depth - 1; i >= 1; i--) {
            int t = b->stack[i]->tag;
            if (t == T_TD || t == T_TH) { pop_to(b, i); break; }
            if (t == T_TR || t == T_TABLE)
                break;
        }
        break;
    case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6: {
        int t = cur(b)->tag;
        if (t >= T_H1 && t <= T_H6)
            pop_to(b, b->depth - 1);
        break;
    }
    case T_A:
        if (b->open_a > 0 && (i = find_open(b, T_A, NULL, 1)) > 0)
            pop_to(b, i);
        break;
    case T_OPTION:
        if (cur(b)->tag == T_OPTION)
            pop_to(b, b->depth - 1);
        break;
    default:
        break;
    }
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int is_alpha(char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* Parse the attributes of a start tag from s[*pos], up to '>'.
 * Returns 1 when the tag ends with "/>". */
static int parse_attrs(builder *b, ex_node *n, const char *s, size_t len, size_t *pos)
{
    size_t i = *pos;
    int self_closing = 0;
    ex_attr **tail = &n->attrs;
    unsigned kept = 0;
    while (i < len && s[i] != '>') {
        if (is_space(s[i])) { i++; continue; }
        if (s[i] == '/') { self_closing = 1; i++; continue; }
        self_closing = 0;
        size_t ns = i;
        while (i < len && !is_space(s[i]) && s[i] != '>' && s[i] != '=' &&
               !(s[i] == '/' && i + 1 < len && s[i + 1] == '>'))
            i++;
        size_t nlen = i - ns;
        while (i < len && is_space(s[i]))
            i++;
        const char *vs = "";
        size_t vlen = 0;
        if (i < len && s[i] == '=') {
            i++;
            while (i < len && is_space(s[i]))
                i++;
            if (i < len && (s[i] == '"' || s[i] == '\'')) {
                char q = s[i++];
                const char *e = memchr(s + i, q, len - i);
                size_t end = e ? (size_t)(e - s) : len;
                vs = s + i;
                vlen = end - i;
                i = e ? end + 1 : len;
            } else {
                vs = s + i;
                while (i < len && !is_space(s[i]) && s[i] != '>')
                    i++;
                vlen = (size_t)(s + i - vs);
            }
        }
        /* an article's elements carry a handful of attributes: past the
         * cap they are read over, not kept (a million on one tag was
         * ~70 MB of DOM) */
        if (nlen == 0 || nlen > 64 || kept >= EX_MAX_ATTRS)
            continue;
        kept++;
        ex_attr *a = ex_alloc(&b->doc->arena, sizeof *a);
        char *name = ex_strndup(&b->doc->arena, s + ns, nlen);
        size_t dl;
        const char *dv = decode_text(&b->doc->arena, vs, vlen, &dl);
        char *value = dv ? ex_strndup(&b->doc->arena, dv, dl) : NULL;
        if (!a || !name || !value) {
            b->failed = 1;
            break;
        }
        for (char *p = name; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        a->name = name;
        a->value = value;
        a->next = NULL;
        *tail = a;
        tail = &a->next;
    }
    *pos = i < len ? i + 1 : len;
    return self_closing;
}

/* Find "</name" (case-insensitive) from s[i]; returns its offset or len. */
static size_t find_raw_end(const char *s, size_t len, size_t i, const char *name)
{
    size_t nl = strlen(name);
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (!lt)
            return len;
        i = (size_t)(lt - s);
        if (i + 2 + nl <= len && s[i + 1] == '/' && !strncasecmp(s + i + 2, name, nl) &&
            (i + 2 + nl == len || !is_alpha(s[i + 2 + nl])))
            return i;
        i++;
    }
    return len;
}

static int in_foreign(const builder *b)
{
    for (int i = b->depth - 1; i >= 1; i--)
        if (b->stack[i]->tag == T_SVG || b->stack[i]->tag == T_MATH)
            return 1;
    return 0;
}

static void start_tag(builder *b, const char *s, size_t len, size_t *pos)
{
    size_t i = *pos + 1, ns = i;
    char lname[32];
    while (i < len && !is_space(s[i]) && s[i] != '>' && s[i] != '/')
        i++;
    size_t nlen = i - ns;
    size_t k;
    for (k = 0; k < nlen && k + 1 < sizeof lname; k++)
        lname[k] = (char)((s[ns + k] >= 'A' && s[ns + k] <= 'Z') ? s[ns + k] + 32 : s[ns + k]);
    lname[k] = '\0';
    int tag = nlen < sizeof lname ? ex_tag_lookup(lname, nlen) : T_OTHER;
    ex_node *n = new_node(b);
    if (!n)
        return;
    n->tag = (uint16_t)tag;
    n->name = tag != T_OTHER ? tag_names[tag] : ex_strndup(&b->doc->arena, lname, k);
    if (!n->name) { b->failed = 1; return; }
    int self_closing = parse_attrs(b, n, s, len, &i);
    *pos = i;
    b->doc->elements++;

    if (tag == T_HTML) {
        if (!b->doc->html && b->depth == 1) {
            append_child(cur(b), n);
            b->doc->html = n;
            push(b, n);
        } else if (b->doc->html && !b->doc->html->attrs) {
            b->doc->html->attrs = n->attrs;
        }
        return;
    }
    if (tag == T_HEAD) {
        if (b->doc->head || b->doc->body)
            return;
        b->doc->head = n;
    } else if (tag == T_BODY) {
        if (b->doc->body)
            return;
        close_head(b);
        b->doc->body = n;
    } else if (b->doc->head && !in_head_content(tag)) {
        close_head(b);
    }
    implied_ends(b, tag);
    append_child(cur(b), n);
    uint8_t f = ex_tag_flags[tag];
    if ((f & TF_RAW) && tag != T_SCRIPT && tag != T_STYLE && in_foreign(b)) {
        /* <title> inside <svg> is an ordinary element, often self-closed */
        f = 0;
        if (self_closing)
            return;
    }
    if (f & TF_RAW) {
        if (tag == T_PLAINTEXT) {
            add_text(b, s + i, len - i, 0);
            *pos = len;
            return;
        }
        size_t end = find_raw_end(s, len, i, n->name);
        if (end > i) {
            ex_node *saved = b->stack[b->depth - 1];
            b->stack[b->depth - 1] = n;   /* text goes into n */
            int decode = tag == T_TITLE || tag == T_TEXTAREA;
            add_text(b, s + i, end - i, decode);
            b->stack[b->depth - 1] = saved;
        }
        const char *gt = end < len ? memchr(s + end, '>', len - end) : NULL;
        *pos = gt ? (size_t)(gt - s) + 1 : len;
        return;
    }
    /* "/>" means nothing on HTML elements, except that a self-closed
     * <button/> or <select/> left open would hide the rest of the page. */
    if ((f & TF_VOID) || (self_closing && (tag == T_OTHER || (f & TF_SKIP))))
        return;
    if (b->depth < EX_MAX_DEPTH)
        push(b, n);
}

static void end_tag(builder *b, const char *s, size_t len, size_t *pos)
{
    size_t i = *pos + 2, ns = i;
    char lname[32];
    while (i < len && !is_space(s[i]) && s[i] != '>' && s[i] != '/')
        i++;
    size_t nlen = i - ns, k;
    for (k = 0; k < nlen && k + 1 < sizeof lname; k++)
        lname[k] = (char)((s[ns + k] >= 'A' && s[ns + k] <= 'Z') ? s[ns + k] + 32 : s[ns + k]);
    lname[k] = '\0';
    const char *gt = memchr(s + i, '>', len - i);
    *pos = gt ? (size_t)(gt - s) + 1 : len;
    if (nlen >= sizeof lname)
        return;
    int tag = ex_tag_lookup(lname, nlen);
    if (tag == T_BR) {            /* </br> acts as <br> */
        ex_node *n = new_node(b);
        if (n) {
            n->tag = T_BR;
            n->name = tag_names[T_BR];
            append_child(cur(b), n);
        }
        return;
    }
    if (tag == T_HTML || tag == T_BODY)
        return;                   /* content after </body> stays in body */
    int at = find_open(b, tag, lname, 0);
    if (at > 0)
        pop_to(b, at);
}

int ex_parse(ex_doc *doc, const char *s, size_t len)
{
    builder *b = calloc(1, sizeof *b);
    int rc = -1;
    if (!b)
        return -1;
    b->doc = doc;
    doc->root = new_node(b);
    if (!doc->root)
        goto done;
    doc->root->name = "#doc";
    b->stack[0] = doc->root;
    b->depth = 1;
    size_t i = 0;
    while (i < len && !b->failed) {
        const char *lt = memchr(s + i, '<', len - i);
        size_t t = lt ? (size_t)(lt - s) : len;
        if (t > i)
            add_text(b, s + i, t - i, 1);
        i = t;
        if (i >= len)
            break;
        if (i + 1 >= len) {
            add_text(b, s + i, 1, 0);
            break;
        }
        char c = s[i + 1];
        if (c == '!' && i + 3 < len && s[i + 2] == '-' && s[i + 3] == '-') {
            const char *e = i + 4 <= len ? memmem(s + i + 4, len - i - 4, "-->", 3) : NULL;
            i = e ? (size_t)(e - s) + 3 : len;
        } else if (c == '!' || c == '?') {
            const char *e = memchr(s + i, '>', len - i);
            i = e ? (size_t)(e - s) + 1 : len;
        } else if (c == '/' && i + 2 < len && is_alpha(s[i + 2])) {
            end_tag(b, s, len, &i);
        } else if (is_alpha(c)) {
            start_tag(b, s, len, &i);
        } else if (c == '/') {     /* "</>" or "</ junk>": bogus comment */
            const char *e = memchr(s + i, '>', len - i);
            i = e ? (size_t)(e - s) + 1 : len;
        } else {
            add_text(b, s + i, 1, 0);
            i++;
        }
    }
    rc = b->failed ? -1 : 0;
done:
    free(b);
    return rc;
}

void ex_doc_release(ex_doc *doc)
{
    if (!doc)
        return;
    ex_arena_release(&doc->arena);
    memset(doc, 0, sizeof *doc);
}

const char *ex_attr_get(const ex_node *n, const char *name)
{
    for (const ex_attr *a = n ? n->attrs : NULL; a; a = a->next)
        if (a->name[0] == name[0] && !strcmp(a->name, name))
            return a->value;
    return NULL;
}

ex_node *ex_next(const ex_node *root, ex_node *n, int skip_children)
{
    if (!skip_children && n->first)
        return n->first;
    while (n && n != root) {
        if (n->next)
            return n->next;
        n = n->parent;
    }
    return NULL;
}
