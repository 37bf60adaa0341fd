/* extract_render.c -- the article as sanitized HTML and as CommonMark.
 *
 * Owns content_html and content_markdown. Both come from the same tree
 * and the same choice as the text: the emitter (extract_emit.c) numbers
 * the blocks it writes and marks the ones its line rules drop; this walk
 * writes exactly the text nodes, images and breaks of surviving blocks,
 * with the structure around them. Elements are opened lazily, only when
 * something inside them is written, so dropped parts leave no empty
 * shells. Output is built from an allow-list: headings, paragraphs,
 * lists, blockquote, pre/code, tables, figures with their captions,
 * images and links (made absolute; http, https and mailto links, http(s)
 * images or data:image/...;base64), and simple inline markup. Every other
 * element is unwrapped (its content kept, the tag not), every attribute
 * not named here is dropped and every text and value escaped, so nothing
 * script-capable can come out whatever the page holds (tools/fuzz_render.c
 * checks this by re-parsing the output). Text outside any block gets a
 * <p>. Markdown escapes ASCII punctuation that could start markup; tables
 * are written as HTML blocks (CommonMark has no tables).
 * Does not choose content, parse HTML or read metadata. (Over 800 lines:
 * the HTML and Markdown writers share one walk and its state; apart, they
 * would need that state in a header of its own.)
 */
#include "ingest/extract_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/url.h"

/* Each output stays under 4 MiB: four times the main text's cap (1 MiB,
 * extract_score.c), room for the markup and escapes of the longest text.
 * The text's last block may be cut at its cap while the render writes
 * the block's nodes whole: at 16 MiB a 10 MiB paragraph came out as two
 * 10 MiB outputs (stored and returned with the record, issue 12); now
 * such a page has neither (an output over the cap is dropped). */
#define OUT_CAP    (4u << 20)
#define STACK_MAX  600           /* source depth is capped at 512 */
#define SUBTREE_TEXT_CAP 65536   /* code spans and fences look this far */

enum { K_NONE = 0, K_BLOCK, K_INLINE, K_VOID };

typedef struct rnode {
    const ex_node *n;
    const char *tag;        /* output tag, NULL when unwrapped */
    char *href;             /* <a>: absolute URL (malloc'd) */
    uint8_t kind;           /* K_* */
    uint8_t opened;         /* start tag written */
    uint8_t mark_pending;   /* <li>: marker not yet written in Markdown */
    uint8_t md_muted;       /* this entry muted Markdown (table, code span) */
    uint8_t forced;         /* this entry forced its text (figcaption) */
    uint8_t inl;            /* opened block that takes inline content */
    uint8_t md_box;         /* Markdown container: 1 blockquote, 2 list item */
    char mark[16];          /* <li>: "- " or "3. " */
    int items;              /* <ol>/<ul>: items opened so far; <pre>: fence length */
    size_t html_at;         /* html length when opened (tables) */
} rnode;

typedef struct render {
    ex_buf html, md;
    const ex_doc *doc;
    const char *page_url;
    rnode stack[STACK_MAX];
    int depth;
    int auto_p;             /* a <p> of ours is open */
    int in_pre;             /* inside an opened <pre> */
    int md_mute;            /* Markdown is not written (inside tables, code spans) */
    int force;              /* write text even if unmarked (figure captions) */
    int md_need;            /* 1: newline, 2: blank line before next content */
    int md_prefix_due;      /* the current line's prefix is not written yet */
    int md_fresh;           /* with md_prefix_due: 1 after a newline, 2 after a blank line */
    int md_bol;             /* Markdown is at the start of a line's content */
    int html_space;         /* last HTML text output was a space or a boundary */
    int md_space;           /* same for Markdown */
} render;

/* ---- the allow-list ---- */
static int is_inline_name(const char *nm)
{
    if (strlen(nm) > 5)
        return 0;
    static const char *const names[] = { "sub", "sup", "cite", "abbr", "mark", "s", "del", "ins",
                                         "small", "kbd", "samp", "var", "u", NULL };
    for (int i = 0; names[i]; i++)
        if (!strcmp(nm, names[i]))
            return 1;
    return 0;
}

/* Output kind of an element and the tag written for it. */
static int allowed(const ex_node *n, const char **tag)
{
    *tag = n->name;
    switch (n->tag) {
    case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6:
    case T_P: case T_UL: case T_OL: case T_LI: case T_DL: case T_DT: case T_DD:
    case T_BLOCKQUOTE: case T_PRE: case T_TABLE: case T_THEAD: case T_TBODY:
    case T_TFOOT: case T_TR: case T_TH: case T_TD: case T_CAPTION: case T_FIGURE:
    case T_FIGCAPTION:
        return K_BLOCK;
    case T_A: case T_EM: case T_STRONG: case T_CODE: case T_Q: case T_TIME:
        return K_INLINE;
    case T_B:
        *tag = "strong";
        return K_INLINE;
    case T_I:
        *tag = "em";
        return K_INLINE;
    case T_OTHER:
        return is_inline_name(n->name) ? K_INLINE : K_NONE;
    default:
        return K_NONE;
    }
}

/* Blocks whose content is inline (text may sit in them directly). */
static int holds_inline(const char *tag)
{
    static const char *const names[] = { "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt",
                                         "dd", "th", "td", "caption", "figcaption", "pre", NULL };
    for (int i = 0; names[i]; i++)
        if (!strcmp(tag, names[i]))
            return 1;
    return 0;
}

/* ---- URLs ---- */
static int scheme_is(const char *u, const char *scheme)
{
    size_t l = strlen(scheme);
    return !strncasecmp(u, scheme, l);
}

/* A data:image URL safe to keep: a raster type, base64, nothing else. */
static int data_image_ok(const char *u)
{
    static const char *const types[] = { "data:image/png;base64,", "data:image/jpeg;base64,",
                                         "data:image/gif;base64,", "data:image/webp;base64,", NULL };
    for (int i = 0; types[i]; i++) {
        size_t l = strlen(types[i]);
        if (!strncasecmp(u, types[i], l)) {
            for (const char *p = u + l; *p; p++)
                if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                      (*p >= '0' && *p <= '9') || *p == '+' || *p == '/' || *p == '='))
                    return 0;
            return 1;
        }
    }
    return 0;
}

/* Absolute form of ref with an allowed scheme, malloc'd, or NULL. */
static char *safe_url(const render *r, const char *ref, int image)
{
    while (ref && (*ref == ' ' || *ref == '\t' || *ref == '\n'))
        ref++;
    if (!ref || !*ref || strlen(ref) > URL_MAX_LEN)
        return NULL;
    if (image && scheme_is(ref, "data:"))
        return data_image_ok(ref) ? strdup(ref) : NULL;
    if (!image && scheme_is(ref, "mailto:"))
        return strdup(ref);
    if (ref[0] == '#')
        return NULL;                       /* in-page anchors lead nowhere here */
    char *u = NULL;
    if (scheme_is(ref, "http://") || scheme_is(ref, "https://"))
        u = url_resolve(ref, ref);         /* normalises and validates */
    else if (r->page_url)
        u = url_resolve(r->page_url, ref);
    if (u && !scheme_is(u, "http://") && !scheme_is(u, "https://")) {
        free(u);
        u = NULL;
    }
    return u;
}

static const char *img_src(const ex_node *n)
{
    static const char *const attrs[] = { "data-src", "data-original", "data-lazy-src", "src", NULL };
    for (int i = 0; attrs[i]; i++) {
        const char *v = ex_attr_get(n, attrs[i]);
        if (v && *v && !(i == 3 && scheme_is(v, "data:") && ex_attr_get(n, "data-src")))
            return v;
    }
    return NULL;
}

/* ---- writing ---- */
static void put(ex_buf *b, const char *s) { ex_buf_put(b, s, strlen(s)); }

static void html_escaped(ex_buf *b, const char *s, size_t n, int attr)
{
    size_t i = 0, run = 0;
    for (; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = attr ? "&quot;" : NULL; break;
        case '\0': rep = "\xEF\xBF\xBD"; break;
        default: break;
        }
        if (!rep)
            continue;
        ex_buf_put(b, s + run, i - run);
        put(b, rep);
        run = i + 1;
    }
    ex_buf_put(b, s + run, n - run);
}

static void html_attr(render *r, const char *name, const char *value)
{
    put(&r->html, " ");
    put(&r->html, name);
    put(&r->html, "=\"");
    html_escaped(&r->html, value, strlen(value), 1);
    put(&r->html, "\"");
}

/* Markdown: the line prefix of the open containers (blockquote "> ",
 * list item indentation or its pending marker). */
static void md_prefix(render *r, int blank)
{
    size_t at = r->md.len;
    for (int i = 0; i < r->depth; i++) {
        rnode *e = &r->stack[i];
        if (!e->opened || !e->tag)
            continue;
        if (e->md_box == 1) {
            put(&r->md, "> ");
        } else if (e->md_box == 2) {
            if (e->mark_pending && !blank) {
                put(&r->md, e->mark);
                e->mark_pending = 0;
            } else {
                for (size_t k = strlen(e->mark); k > 0; k--)
                    put(&r->md, " ");
            }
        }
    }
    if (blank)
        while (r->md.len > at && r->md.buf[r->md.len - 1] == ' ')
            r->md.buf[--r->md.len] = '\0';
}

/* Write the separation asked for (a newline, or a blank line carrying
 * the prefix of the containers open now); the prefix of the next line
 * is written by md_begin. */
static void md_separate(render *r)
{
    if (r->md_mute || !r->md_need)
        return;
    if (r->md.len > 0) {
        int have = r->md_prefix_due ? r->md_fresh : 0;   /* already at a new line */
        if (have < 1)
            put(&r->md, "\n");
        if (r->md_need == 2 && have < 2) {
            md_prefix(r, 1);
            put(&r->md, "\n");
        }
        r->md_fresh = have > r->md_need ? have : r->md_need;
    }
    r->md_need = 0;
    r->md_prefix_due = 1;
}

/* Before any Markdown content: the separation, then the line prefix. */
static void md_begin(render *r)
{
    if (r->md_mute)
        return;
    md_separate(r);
    if (r->md_prefix_due) {
        md_prefix(r, 0);
        r->md_prefix_due = 0;
        r->md_fresh = 0;
        r->md_bol = 1;
        r->md_space = 1;
    }
}

/* A container (blockquote, list, item) opens: the blank line before it
 * must not carry its own prefix. */
static void md_separate_before(render *r, rnode *e)
{
    e->opened = 0;
    md_separate(r);
    e->opened = 1;
}

static void md_sep(render *r, int k)
{
    if (r->md_need < k)
        r->md_need = k;
}

static void md_put(render *r, const char *s)
{
    if (r->md_mute)
        return;
    md_begin(r);
    put(&r->md, s);
    r->md_bol = 0;
    r->md_space = 0;
}

/* "](url)" closing a Markdown link or image: no space, parenthesis,
 * bracket, backtick (it would open a code span) or backslash in the
 * destination (percent-encoded). */
static void md_url(render *r, const char *u)
{
    md_put(r, "](");
    for (const char *p = u; p && *p && !r->md_mute; p++) {
        if ((unsigned char)*p <= ' ' || strchr("()<>`[]\\\"{}|^", *p)) {
            char enc[4];
            snprintf(enc, sizeof enc, "%%%02X", (unsigned char)*p);
            put(&r->md, enc);
        } else {
            ex_buf_put(&r->md, p, 1);
        }
    }
    md_put(r, ")");
}

/* Markdown text: whitespace collapsed, punctuation that could start
 * markup escaped (at a line start also '#', '+', '-', '=', "1."). */
/* Bytes md_text must look at: whitespace, punctuation it escapes, NUL. */
static int md_special(unsigned char c)
{
    return c <= ' ' || c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' || c == ']' ||
           c == '<' || c == '>' || c == '&' || c == '|' || c == '~' || c == '!';
}

static void md_text(render *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
            if (!r->md_space && !r->md_need && !r->md_prefix_due) {
                put(&r->md, " ");
                r->md_space = 1;
            }
            continue;
        }
        md_begin(r);
        if (r->md_bol && c >= '0' && c <= '9') {
            size_t k = i;
            while (k < n && s[k] >= '0' && s[k] <= '9')
                k++;
            ex_buf_put(&r->md, s + i, k - i);
            if (k < n && (s[k] == '.' || s[k] == ')'))
                put(&r->md, "\\");
            i = k - 1;
        } else if (c == '\0') {
            put(&r->md, "\xEF\xBF\xBD");
        } else if (md_special(c) || (r->md_bol && (c == '#' || c == '+' || c == '-' || c == '='))) {
            put(&r->md, "\\");
            ex_buf_put(&r->md, s + i, 1);
        } else {                             /* a run of plain bytes at once */
            size_t k = i + 1;
            while (k < n && !md_special((unsigned char)s[k]))
                k++;
            ex_buf_put(&r->md, s + i, k - i);
            i = k - 1;
        }
        r->md_bol = 0;
        r->md_space = 0;
    }
}

/* Text of a subtree (raw, bounded) into b: code spans and fences need
 * their content before they are written. */
static void subtree_text(const ex_node *root, ex_buf *b)
{
    size_t visits = 0;
    for (const ex_node *n = root->first; n && visits < 4096; visits++) {
        if (n->flags & NF_TEXT)
            ex_buf_put(b, n->text, n->len);
        n = ex_next(root, (ex_node *)n, 0);
    }
}

/* Longest run of backticks in s. */
static size_t backtick_run(const char *s, size_t n)
{
    size_t best = 0, cur = 0;
    for (size_t i = 0; i < n; i++) {
        cur = s[i] == '`' ? cur + 1 : 0;
        if (cur > best)
            best = cur;
    }
    return best;
}

static void close_auto_p(render *r)
{
    if (!r->auto_p)
        return;
    put(&r->html, "</p>\n");
    r->auto_p = 0;
    r->html_space = 1;
    md_sep(r, 2);
}

/* Does the innermost opened output element take inline content? */
static int inline_context(const render *r)
{
    if (r->auto_p)
        return 1;
    for (int i = r->depth - 1; i >= 0; i--) {
        const rnode *e = &r->stack[i];
        if (!e->opened || !e->tag)
            continue;
        return e->kind == K_INLINE || e->inl;
    }
    return 0;
}

static void open_auto_p(render *r)
{
    put(&r->html, "<p>");
    r->auto_p = 1;
    r->html_space = 1;
    md_sep(r, 2);
}

/* Markdown side of opening e. */
static void md_open(render *r, rnode *e)
{
    const char *t = e->tag;
    if (r->in_pre > (strcmp(t, "pre") ? 0 : 1))
        return;                  /* inside a code block everything is code */
    if (t[0] == 'h' && t[1] >= '1' && t[1] <= '6') {
        md_sep(r, 2);
        for (int k = 0; k < t[1] - '0'; k++)
            md_put(r, "#");
        md_put(r, " ");
        r->md_space = 1;
    } else if (!strcmp(t, "li")) {
        rnode *list = NULL;
        for (int i = (int)(e - r->stack) - 1; i >= 0 && !list; i--)
            if (r->stack[i].opened && r->stack[i].tag &&
                (!strcmp(r->stack[i].tag, "ol") || !strcmp(r->stack[i].tag, "ul")))
                list = &r->stack[i];
        int num = list ? ++list->items : 1;
        if (list && !strcmp(list->tag, "ol"))
            snprintf(e->mark, sizeof e->mark, "%d. ", num > 999999 ? 999999 : num);
        else
            snprintf(e->mark, sizeof e->mark, "- ");
        md_sep(r, 1);
        md_separate_before(r, e);
        e->mark_pending = 1;
    } else if (!strcmp(t, "table")) {
        md_sep(r, 2);
        r->md_mute++;
        e->md_muted = 1;
    } else if (!strcmp(t, "pre")) {
        ex_buf code = {0};
        code.limit = SUBTREE_TEXT_CAP;
        subtree_text(e->n, &code);
        size_t fence = backtick_run(code.buf ? code.buf : "", code.len) + 1;
        free(code.buf);
        e->items = fence < 3 ? 3 : fence > 64 ? 64 : (int)fence;   /* the fence's length */
        md_sep(r, 2);
        for (int k = 0; k < e->items; k++)
            md_put(r, "`");
        md_sep(r, 1);
    } else if (!strcmp(t, "code") && !r->in_pre) {
        ex_buf code = {0};
        code.limit = SUBTREE_TEXT_CAP;
        subtree_text(e->n, &code);
        size_t fence = backtick_run(code.buf ? code.buf : "", code.len) + 1;
        for (size_t k = 0; k < fence && k < 64; k++)
            md_put(r, "`");
        md_put(r, " ");
        for (size_t k = 0; k < code.len; k++)       /* code spans are literal */
            if (!r->md_mute)
                ex_buf_put(&r->md, code.buf[k] == '\n' ? " " : code.buf + k, 1);
        md_put(r, " ");
        for (size_t k = 0; k < fence && k < 64; k++)
            md_put(r, "`");
        free(code.buf);
        r->md_mute++;
        e->md_muted = 1;
    } else if (e->kind == K_BLOCK && strcmp(t, "figure") && strcmp(t, "ul") && strcmp(t, "ol") &&
               strcmp(t, "blockquote")) {
        md_sep(r, 2);
    } else if (!strcmp(t, "ul") || !strcmp(t, "ol") || !strcmp(t, "blockquote")) {
        md_sep(r, 2);
        md_separate_before(r, e);
    } else if (!strcmp(t, "a")) {
        md_put(r, "[");
        r->md_space = 1;
    } else if (!strcmp(t, "em")) {
        md_put(r, "*");
        r->md_space = 1;
    } else if (!strcmp(t, "strong")) {
        md_put(r, "**");
        r->md_space = 1;
    }
}

/* Write the start tags of every pending entry, outermost first, giving
 * inline content a <p> when no block around it takes it. */
static void flush(render *r, int for_inline)
{
    for (int i = 0; i < r->depth; i++) {
        rnode *e = &r->stack[i];
        if (e->opened || !e->tag)
            continue;
        if (e->n->tag == T_A && !e->href) {  /* resolved only for links with content */
            e->href = safe_url(r, ex_attr_get(e->n, "href"), 0);
            if (!e->href) {
                e->kind = K_NONE;
                e->tag = NULL;
                continue;
            }
        }
        if (e->kind == K_BLOCK) {
            close_auto_p(r);
        } else if (!inline_context(r)) {
            open_auto_p(r);
        }
        e->opened = 1;
        e->inl = (uint8_t)(e->kind == K_BLOCK && holds_inline(e->tag));
        e->md_box = !strcmp(e->tag, "blockquote") ? 1 : !strcmp(e->tag, "li") ? 2 : 0;
        e->html_at = r->html.len;
        put(&r->html, "<");
        put(&r->html, e->tag);
        if (e->href)
            html_attr(r, "href", e->href);
        const char *v;
        if ((e->n->tag == T_TD || e->n->tag == T_TH)) {
            if ((v = ex_attr_get(e->n, "colspan")) && strspn(v, "0123456789") == strlen(v) && *v)
                html_attr(r, "colspan", v);
            if ((v = ex_attr_get(e->n, "rowspan")) && strspn(v, "0123456789") == strlen(v) && *v)
                html_attr(r, "rowspan", v);
        }
        put(&r->html, ">");
        if (!strcmp(e->tag, "pre"))
            r->in_pre++;
        r->html_space = e->kind == K_BLOCK;
        md_open(r, e);
    }
    if (for_inline && !inline_context(r))
        open_auto_p(r);
}

static void close_entry(render *r, rnode *e)
{
    const char *t = e->tag;
    if (!e->opened)
        goto done;
    if (e->kind == K_BLOCK)
        close_auto_p(r);
    put(&r->html, "</");
    put(&r->html, t);
    put(&r->html, ">");
    if (e->kind == K_BLOCK && !r->in_pre)
        put(&r->html, "\n");
    if (!strcmp(t, "pre"))
        r->in_pre--;
    if (r->in_pre > 0) {
        ;                        /* inside a code block: no Markdown structure */
    } else if (e->md_muted) {
        r->md_mute--;
        if (!strcmp(t, "table") && !r->md_mute) {   /* CommonMark: an HTML block */
            md_begin(r);
            size_t from = e->html_at, to = r->html.len;
            while (to > from && r->html.buf[to - 1] == '\n')
                to--;
            /* one line: a blank line (a <pre> inside) would end the block */
            for (size_t k = from; k < to; k++) {
                size_t run = k;
                while (run < to && r->html.buf[run] != '\n')
                    run++;
                ex_buf_put(&r->md, r->html.buf + k, run - k);
                if (run < to)
                    put(&r->md, "&#10;");
                k = run;
            }
            md_sep(r, 2);
        }
    } else if (!strcmp(t, "pre")) {
        md_sep(r, 1);
        for (int k = 0; k < e->items; k++)
            md_put(r, "`");
        md_sep(r, 2);
    } else if (!strcmp(t, "a")) {
        md_url(r, e->href);
    } else if (!strcmp(t, "em")) {
        md_put(r, "*");
    } else if (!strcmp(t, "strong")) {
        md_put(r, "**");
    } else if (!strcmp(t, "li")) {
        md_sep(r, 1);
    } else if (e->kind == K_BLOCK) {
        md_sep(r, 2);
    }
done:
    if (e->forced)
        r->force--;
    free(e->href);
    e->href = NULL;
}

/* ---- the walk ---- */
static int written(const render *r, const ex_node *n)
{
    const ex_marks *m = &r->doc->marks;
    return n->block && n->block < m->cap && !m->dropped[n->block];
}

static void write_text(render *r, const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\f'))
        k++;
    if (k == n && !r->in_pre) {            /* blank: a space inside what is open */
        if (inline_context(r) && !r->html_space) {
            put(&r->html, " ");
            r->html_space = 1;
            md_text(r, " ", 1);
        }
        return;
    }
    flush(r, 1);
    if (r->in_pre) {
        html_escaped(&r->html, s, n, 0);
        if (!r->md_mute) {
            md_begin(r);
            for (size_t i = 0; i < n; i++) {
                if (s[i] == '\n') {
                    put(&r->md, "\n");
                    md_prefix(r, 0);
                } else {
                    ex_buf_put(&r->md, s + i, 1);
                }
            }
        }
        return;
    }
    /* collapse whitespace as the text does */
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && !(s[run] == ' ' || s[run] == '\t' || s[run] == '\n' || s[run] == '\f'))
            run++;
        if (run > i) {
            html_escaped(&r->html, s + i, run - i, 0);
            if (!r->md_mute)
                md_text(r, s + i, run - i);
            r->html_space = 0;
        }
        if (run < n && !r->html_space) {
            put(&r->html, " ");
            r->html_space = 1;
            if (!r->md_mute)
                md_text(r, " ", 1);
        }
        i = run;
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f'))
            i++;
    }
}

static void write_img(render *r, const ex_node *n)
{
    char *src = safe_url(r, img_src(n), 1);
    if (!src)
        return;
    const char *alt = ex_attr_get(n, "alt");
    flush(r, 1);
    put(&r->html, "<img");
    html_attr(r, "src", src);
    if (alt)
        html_attr(r, "alt", alt);
    put(&r->html, ">");
    r->html_space = 0;
    if (!r->md_mute) {
        md_put(r, "![");
        r->md_space = 1;
        if (alt)
            md_text(r, alt, strlen(alt));
        md_url(r, src);
    }
    free(src);
}

/* A figure caption is shown when its figure's image is. */
static int figure_shown(const render *r, const ex_node *cap)
{
    const ex_node *fig = cap->parent;
    while (fig && fig->tag != T_FIGURE)
        fig = fig->parent;
    if (!fig)
        return 0;
    size_t visits = 0;
    for (const ex_node *n = fig->first; n && visits < 256; visits++) {
        if (n->tag == T_IMG && written(r, n))
            return 1;
        n = ex_next(fig, (ex_node *)n, 0);
    }
    return 0;
}

/* Entering element n: write what it is, push it. Returns 1 to descend. */
static int enter(render *r, const ex_node *n)
{
    uint8_t f = ex_tag_flags[n->tag];
    if ((f & (TF_SKIP | TF_RAW)) || (n->flags & NF_HIDDEN) || n->tag == T_TITLE)
        return 0;
    if (f & TF_BLOCK)
        close_auto_p(r);
    if (n->tag == T_IMG) {
        if (written(r, n) || r->force)
            write_img(r, n);
        return 0;
    }
    if (n->tag == T_BR) {
        if ((written(r, n) || r->force) && inline_context(r) && !r->in_pre) {
            put(&r->html, "<br>");
            const char *t = NULL;
            for (int i = r->depth - 1; i >= 0 && !t; i--)
                if (r->stack[i].opened && r->stack[i].tag)
                    t = r->stack[i].tag;
            if (t && t[0] == 'h' && t[1] >= '1' && t[1] <= '6')
                md_text(r, " ", 1);
            else if (!r->md_mute && !r->md_need && !r->md_prefix_due) {
                put(&r->md, "\\\n");
                md_prefix(r, 0);
                r->md_bol = 1;
                r->md_space = 1;
            }
            r->html_space = 1;
        }
        return 0;
    }
    if (n->tag == T_HR) {
        if (written(r, n)) {
            flush(r, 0);
            close_auto_p(r);
            put(&r->html, "<hr>\n");
            md_sep(r, 2);
            md_put(r, "---");
            md_sep(r, 2);
        }
        return 0;
    }
    if (!n->first || r->depth >= STACK_MAX)
        return 0;
    rnode *e = &r->stack[r->depth];
    memset(e, 0, sizeof *e);
    e->n = n;
    e->kind = (uint8_t)allowed(n, &e->tag);
    if (e->kind == K_NONE)
        e->tag = NULL;
    if (n->tag == T_A && !ex_attr_get(n, "href")) {
        e->kind = K_NONE;            /* no link: unwrapped (the URL is resolved in flush) */
        e->tag = NULL;
    }
    if (n->tag == T_FIGCAPTION && figure_shown(r, n)) {
        e->forced = 1;
        r->force++;
    }
    r->depth++;
    return 1;
}

static void leave(render *r, const ex_node *n)
{
    if (r->depth > 0 && r->stack[r->depth - 1].n == n) {
        close_entry(r, &r->stack[r->depth - 1]);
        r->depth--;
    }
    if (ex_tag_flags[n->tag] & TF_BLOCK)
        close_auto_p(r);
}

static void walk(render *r, const ex_node *root)
{
    if (!enter(r, root))
        return;
    const ex_node *n = root->first;
    while (n && !r->html.failed && !r->md.failed) {
        if (n->flags & NF_TEXT) {
            if (written(r, n) || r->force)
                write_text(r, n->text, n->len);
        } else if (enter(r, n)) {            /* pushed, has children */
            n = n->first;
            continue;
        }
        while (n != root && !n->next) {      /* climb, leaving finished parents */
            n = n->parent ? n->parent : root;
            if (n != root)
                leave(r, n);
        }
        n = n != root ? n->next : NULL;
    }
    while (r->depth > 0) {
        close_entry(r, &r->stack[r->depth - 1]);
        r->depth--;
    }
    close_auto_p(r);
}

/* Text that came from JSON-LD: one paragraph per block. */
static void render_plain(render *r, const char *text)
{
    while (*text) {
        size_t n = 0;
        const char *e = strstr(text, "\n\n");
        n = e ? (size_t)(e - text) : strlen(text);
        if (n) {
            open_auto_p(r);
            write_text(r, text, n);
            close_auto_p(r);
        }
        text += n;
        while (*text == '\n')
            text++;
    }
}

static char *take(ex_buf *b)
{
    while (b->len > 0 && b->buf[b->len - 1] == '\n')
        b->buf[--b->len] = '\0';
    if (b->failed || !b->len) {
        free(b->buf);
        return NULL;
    }
    return b->buf;
}

int ex_render(ex_doc *doc, const char *page_url, const char *ld_text, char **html, char **md)
{
    render *r = calloc(1, sizeof *r);
    *html = *md = NULL;
    if (!r)
        return -1;
    r->doc = doc;
    r->page_url = page_url;
    r->html.limit = r->md.limit = OUT_CAP;
    r->html_space = r->md_space = 1;
    r->md_prefix_due = 1;
    if (ld_text)
        render_plain(r, ld_text);
    else if (!doc->marks.failed && doc->root)
        walk(r, doc->body ? doc->body : doc->root);
    int failed = r->html.failed || r->md.failed;
    if (!r->md.failed)
        put(&r->md, "\n");
    *html = take(&r->html);
    *md = take(&r->md);
    if (*md && failed) {
        free(*md);
        *md = NULL;
    }
    if (*html && failed) {
        free(*html);
        *html = NULL;
    }
    free(r);
    return 0;
}
