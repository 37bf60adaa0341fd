/* extract_score.c -- finds the main text of a page and writes it out.
 *
 * Owns boilerplate marking, content scoring and text output. The method
 * combines three published ideas, re-implemented here:
 *  - Readability's candidate scoring: every paragraph-like block gives
 *    1 + punctuation + length/100 (capped) to its parent, half to its
 *    grandparent and less further up; candidates are scaled by their link
 *    density and weighted by their class/id; siblings of the best one that
 *    look like content join it;
 *  - trafilatura's rules: boilerplate by tag and class/id (navigation,
 *    comments, share bars, related links ...), conditional removal of
 *    link-heavy containers, tail lines (copyright, "责任编辑", "举报") cut;
 *  - GNE's text and punctuation density: only non-link text counts, CJK
 *    characters weigh like words and Chinese punctuation counts.
 * Every walk is iterative. Does not parse HTML and does not read metadata.
 */
#include "ingest/extract_int.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ANCESTOR_LEVELS 5
#define TEXT_CAP (8u << 20)     /* main text never exceeds 8 MiB */
#define TAIL_BLOCKS 8           /* trailing non-sentences cut at most */
#define TAIL_SHORT 80           /* bytes: a longer block is kept */

/* ---- class/id analysis ---- */

/* Negative words that mark boilerplate wherever they appear in a class
 * name or id (substring match). */
static const char *const strong_neg[] = {
    "comment", "disqus", "sidebar", "breadcrumb", "cookie", "consent", "gdpr",
    "newsletter", "related", "recommend", "sharing", "share", "social",
    "advert", "sponsor", "popup", "modal", "subscribe", "signup", "outbrain",
    "taboola", "pagination", "pager", "copyright", "footer", "navbar",
    "navigation", "masthead", "toolbar", "hotnews", "hot-news", "hotlist",
    "hot_list", "most-read", "mostread", "most-popular", "login", "tagcloud",
    "tag-cloud", "skip-link", "skiplink", "jump-to", "cmt", "reply", "replies",
    "relate", "author-info", "author-box", "authorbox", "follow", "banner",
    "print-only", "screen-reader", "sr-only", "visually-hidden", "report",
    "byline", "dateline", "disclaimer", "tooltip", "overlay", "lightbox", "post-meta", "entry-meta", "article-meta",
    "meta-data", "promo", "teaser", "carousel", "slider",
    NULL };
/* Negative class names matched as whole words (split on - _ space). */
static const char *const word_neg[] = {
    "nav", "menu", "ad", "ads", "hot", "tag", "tags", "foot", "header",
    "side", "aside", "rss", "meta", "share", "top", "bottom", "more", "links",
    "sns", "rank", "toc", "crumbs", "date", "time", "caption", "credit",
    "contact", "source", "search", "extra", "info", NULL };
/* Positive words (substring). */
static const char *const pos_words[] = {
    "article", "content", "entry", "post", "story", "text", "body", "main",
    "blog", "detail", "artibody", "trs_editor", "rich_media", "news_txt",
    "zhengwen", "正文", NULL };

/* Words among the negatives that stand for elements that are boilerplate
 * even inside the article (they do not count as a weak negative). */
static int has_word(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= n; i++) {
        if ((i == 0 || !isalnum((unsigned char)s[i - 1])) && !memcmp(s + i, w, wl) &&
            (i + wl == n || !isalnum((unsigned char)s[i + wl])))
            return 1;
    }
    return 0;
}

/* Class name prefixes that describe a state, not a part ("no-sidebar"). */
static int state_prefix(const char *s)
{
    return !strncmp(s, "no-", 3) || !strncmp(s, "has-", 4) || !strncmp(s, "with-", 5) ||
           !strncmp(s, "is-", 3) || !strncmp(s, "show-", 5) || !strncmp(s, "hide-", 5) ||
           !strncmp(s, "without-", 8) || !strncmp(s, "page-", 5) || !strncmp(s, "single", 6) ||
           !strncmp(s, "template-", 9) || !strncmp(s, "layout", 6) || !strncmp(s, "tag-", 4) ||
           !strncmp(s, "category-", 9) || !strncmp(s, "format-", 7) ||
           !strncmp(s, "status-", 7) || !strncmp(s, "type-", 5) || !strncmp(s, "postid-", 7);
}

/* Comment sections stay boilerplate even when they outweigh the article. */
static int comment_word(const char *w)
{
    return strstr(w, "comment") || strstr(w, "disqus") || strstr(w, "reply") ||
           strstr(w, "replies") || strstr(w, "cmt");
}

/* Does any pattern of list occur in w? Checked position by position with a
 * first-byte filter: class names are short, the lists are long. */
static int contains_any(const char *w, size_t wl, const char *const *list,
                        const uint8_t *first)
{
    for (size_t i = 0; i + 1 < wl; i++) {
        if (!first[(unsigned char)w[i]])
            continue;
        for (int k = 0; list[k]; k++) {
            const char *p = list[k];
            if (p[0] != w[i] || p[1] != w[i + 1])
                continue;
            size_t j = 2;
            while (p[j] && i + j < wl && p[j] == w[i + j])
                j++;
            if (!p[j])
                return 1;
        }
    }
    return 0;
}

static uint8_t neg_first[256], pos_first[256];

static void init_first(void)
{
    for (int i = 0; strong_neg[i]; i++)
        neg_first[(unsigned char)strong_neg[i][0]] = 1;
    for (int i = 0; pos_words[i]; i++)
        pos_first[(unsigned char)pos_words[i][0]] = 1;
}

/* Classify class+id: returns a weight (+25/-25 Readability-style) and sets
 * *boiler to 1 when a strong negative matched, 2 for comment sections. */
static float class_weight(const ex_node *n, int *boiler)
{
    const char *vals[2] = { ex_attr_get(n, "class"), ex_attr_get(n, "id") };
    int neg = 0, pos = 0, pure_pos = 0, strong = 0;
    char word[128];
    for (int v = 0; v < 2; v++) {
        const char *s = vals[v];
        if (!s)
            continue;
        while (*s) {
            while (*s == ' ' || *s == '\t' || *s == '\n')
                s++;
            size_t k = 0;
            while (s[k] && s[k] != ' ' && s[k] != '\t' && s[k] != '\n')
                k++;
            if (k == 0)
                break;
            size_t m = k < sizeof word - 1 ? k : sizeof word - 1;
            for (size_t i = 0; i < m; i++)
                word[i] = (char)tolower((unsigned char)s[i]);
            word[m] = '\0';
            s += k;
            int state = state_prefix(word);
            int wpos = contains_any(word, m, pos_words, pos_first);
            pos |= wpos;
            if (state)
                continue;
            int wstrong = contains_any(word, m, strong_neg, neg_first);
            if (wstrong && strong < 2)
                strong = comment_word(word) ? 2 : 1;
            if (wpos && !wstrong)
                pure_pos = 1;
            for (int i = 0; !neg && word_neg[i]; i++)
                if (has_word(word, m, word_neg[i]))
                    neg = 1;
        }
    }
    /* "article-content sticky-sidebar": a class name that says content
     * outweighs another that says sidebar (Readability's "maybe" rule);
     * one name saying both ("related-articles") does not. */
    if (strong == 1 && pure_pos)
        strong = 0;
    *boiler = strong;
    return (float)((pos ? 25 : 0) - (neg || strong ? 25 : 0));
}

static int attr_is(const ex_node *n, const char *name, const char *val)
{
    const char *v = ex_attr_get(n, name);
    return v && !strcasecmp(v, val);
}

static int is_hidden(const ex_node *n)
{
    const char *st;
    if (ex_attr_get(n, "hidden") || attr_is(n, "aria-hidden", "true"))
        return 1;
    if ((st = ex_attr_get(n, "style")) != NULL &&
        (strcasestr(st, "none") || strcasestr(st, "hidden"))) {
        char c[256];
        size_t w = 0;
        for (size_t r = 0; st[r] && w + 1 < sizeof c; r++)
            if (st[r] != ' ')
                c[w++] = (char)tolower((unsigned char)st[r]);
        c[w] = '\0';
        return strstr(c, "display:none") || strstr(c, "visibility:hidden");
    }
    return 0;
}

static int tag_boiler(int tag)
{
    return tag == T_NAV || tag == T_ASIDE || tag == T_FOOTER || tag == T_MENU ||
           tag == T_DIALOG || tag == T_FIGCAPTION;
}

static int under_article(const ex_node *n)
{
    for (n = n->parent; n; n = n->parent)
        if (n->tag == T_ARTICLE || n->tag == T_MAIN)
            return 1;
    return 0;
}

/* Count weighted characters and punctuation of a text node. */
static void text_stats(ex_node *t)
{
    uint32_t chars = 0, w = 0, punct = 0;
    const char *s = t->text;
    size_t n = t->len, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            if (c <= ' ')
                continue;
            chars++;
            w++;
            if (c == ',' || ((c == '.' || c == ';' || c == '!' || c == '?') &&
                             (i >= n || s[i] == ' ' || s[i] == '\n')))
                punct++;
            continue;
        }
        size_t adv;
        uint32_t cp = ex_utf8_next(s + i, n - i, &adv);
        i += adv;
        if (cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B))
            continue;
        chars++;
        if (ex_is_cjk(cp))
            w += 3;
        else if (cp == 0xFF0C || cp == 0x3002 || cp == 0x3001 || cp == 0xFF1B ||
                 cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1A)
            punct++, w++;
        else
            w++;
    }
    t->chars = chars;
    t->wchars = w;
    t->punct = punct;
}

#define KNOWN_RANKS 6

#define CLASS_CACHE 512

/* What a class attribute (without id) says; pages repeat the same class
 * strings hundreds of times, so each is analysed once per page. */
typedef struct class_memo {
    const char *cls;         /* arena string (NULL: empty slot) */
    float weight;
    int8_t boiler;
    int8_t rank;             /* known_rank, or -1 */
    uint16_t tag;            /* known_rank depends on the tag */
} class_memo;

typedef struct scorer {
    ex_node **cands;         /* nodes that received a score */
    size_t n, cap;
    int nomem;
    ex_node *known[KNOWN_RANKS]; /* first container of each known kind */
    class_memo *memo;        /* CLASS_CACHE slots, or NULL (no caching) */
} scorer;

/* Containers that content management systems name for the article body,
 * in trafilatura's order of trust (rank 0 best). Substring matches on a
 * lower-cased class name or id. */
static const char *const known1[] = {
    "post-text", "post_text", "post-body", "post_body", "post-entry", "postentry",
    "post-content", "post_content", "postcontent", "article-text", "articletext",
    "entry-content", "article-content", "article_content", "article__content",
    "article-body", "article_body", "article__body", "articlebody", "articlecontent",
    "text-content", "body-text", "article__container", "art-content", "artibody",
    "rich_media_content", "news_txt", "rm_txt_con", "trs_editor", "content-article",
    "article-detail", "article_detail", "detail-content", "news-content", "news_content",
    "newstext", "news-text", "story-body", "storybody", NULL };
static const char *const known3[] = {
    "post-bodycopy", "storycontent", "story-content", "postarea", "art-postcontent",
    "theme-content", "blog-content", "section-content", "single-content",
    "main-column", "wpb_text_column", "field-body", "fulltext", "field--name-body",
    "field-name-body", "blog-post", "blogpost", NULL };
static const char *const known4[] = {
    "content-main", "content_main", "content-body", "contentbody", "content__body",
    "main-content", "maincontent", "main_content", "page-content", "page_content", NULL };

static int word_has(const char *v, const char *const *list, int exact_only,
                    const char *const *exact)
{
    char w[128];
    while (v && *v) {
        while (*v == ' ' || *v == '\t' || *v == '\n')
            v++;
        size_t k = 0;
        while (v[k] && v[k] != ' ' && v[k] != '\t' && v[k] != '\n')
            k++;
        if (!k)
            break;
        size_t m = k < sizeof w - 1 ? k : sizeof w - 1;
        for (size_t i = 0; i < m; i++)
            w[i] = (char)tolower((unsigned char)v[i]);
        w[m] = '\0';
        v += k;
        for (int i = 0; exact && exact[i]; i++)
            if (!strcmp(w, exact[i]))
                return 1;
        for (int i = 0; !exact_only && list && list[i]; i++)
            if (strstr(w, list[i]))
                return 1;
    }
    return 0;
}

static int known_rank(const ex_node *n)
{
    static const char *const exact1[] = { "post", "entry", NULL };
    static const char *const exact3[] = { "story", "text", "article", NULL };
    static const char *const exact4[] = { "content", NULL };
    const char *cls = ex_attr_get(n, "class"), *id = ex_attr_get(n, "id");
    const char *ip = ex_attr_get(n, "itemprop");
    int block = n->tag == T_DIV || n->tag == T_SECTION || n->tag == T_ARTICLE ||
                n->tag == T_MAIN;
    if (ip && strcasestr(ip, "articlebody"))
        return 0;
    if (block && (word_has(cls, known1, 0, exact1) || word_has(id, known1, 0, NULL)))
        return 1;
    if (n->tag == T_ARTICLE)
        return 2;
    if (block && (word_has(cls, known3, 0, exact3) || word_has(id, known3, 0, exact3) ||
                  attr_is(n, "role", "article")))
        return 3;
    if (block && (word_has(cls, known4, 0, exact4) || word_has(id, known4, 0, exact4)))
        return 4;
    if (n->tag == T_MAIN || attr_is(n, "role", "main"))
        return 5;
    return -1;
}

static void add_cand(scorer *sc, ex_node *n)
{
    if (n->flags & NF_CAND)
        return;
    if (sc->n == sc->cap) {
        size_t nc = sc->cap ? sc->cap * 2 : 64;
        ex_node **p = realloc(sc->cands, nc * sizeof *p);
        if (!p) { sc->nomem = 1; return; }
        sc->cands = p;
        sc->cap = nc;
    }
    n->flags |= NF_CAND;
    sc->cands[sc->n++] = n;
}

/* A block element with own inline text gives its score to its ancestors. */
static void score_paragraph(scorer *sc, ex_node *p)
{
    if (p->own < 25 || p->tag == T_TITLE)
        return;
    float s = 1.0f + (float)p->own_punct + fminf((float)p->own / 100.0f, 3.0f);
    ex_node *a = p->parent;
    for (int level = 0; a && level < ANCESTOR_LEVELS; level++, a = a->parent) {
        if (!a->parent)
            break;   /* the document node is no candidate */
        float div = level == 0 ? 1.0f : level == 1 ? 2.0f : (float)level * 3.0f;
        add_cand(sc, a);
        a->score += s / div;
    }
    if (p->tag == T_DIV || p->tag == T_SECTION || p->tag == T_TD || p->tag == T_ARTICLE) {
        add_cand(sc, p);   /* a block of bare text is a candidate itself */
        p->score += s;
    }
}

/* Non-blank text bytes of every element, boilerplate included, so that a
 * wrapper misnamed or left unclosed (<header> around the page) is not
 * thrown away with its content. */
static void raw_sizes(ex_doc *doc)
{
    ex_node *root = doc->root, *n = root->first;
    while (n) {
        if (n->flags & NF_TEXT) {
            uint32_t c = 0;
            for (uint32_t i = 0; i < n->len; i++)
                c += (unsigned char)n->text[i] > ' ';
            n->raw = c;
        } else if (n->first && !(ex_tag_flags[n->tag] & TF_SKIP)) {
            n = n->first;
            continue;
        }
        for (;;) {
            if (n->parent)
                n->parent->raw += n->raw;
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (!n || n == root) {
                n = NULL;
                break;
            }
        }
    }
}

/* class_weight and known_rank of n, memoised for class-only elements. */
static float classify(scorer *sc, const ex_node *n, int *boiler, int *rank)
{
    const char *cls = ex_attr_get(n, "class");
    class_memo *slot = NULL;
    int only_class = cls && !ex_attr_get(n, "id") && !ex_attr_get(n, "itemprop") &&
                     !ex_attr_get(n, "role");
    if (only_class && sc->memo) {
        uint32_t h = 2166136261u;
        for (const char *p = cls; *p; p++)
            h = (h ^ (unsigned char)*p) * 16777619u;
        h = (h ^ n->tag) * 16777619u;
        slot = &sc->memo[h % CLASS_CACHE];
        if (slot->cls && slot->tag == n->tag && !strcmp(slot->cls, cls)) {
            *boiler = slot->boiler;
            *rank = slot->rank;
            return slot->weight;
        }
    }
    float w = class_weight(n, boiler);
    *rank = known_rank(n);
    if (slot) {
        slot->cls = cls;
        slot->tag = n->tag;
        slot->weight = w;
        slot->boiler = (int8_t)*boiler;
        slot->rank = (int8_t)*rank;
    }
    return w;
}

/* Mark hidden and boilerplate subtrees, compute statistics bottom-up and
 * give paragraph scores to ancestors: one iterative walk. */
static void mark_and_score(ex_doc *doc, scorer *sc)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    ex_node *root = doc->root, *n = root->first;
    uint32_t page_raw;
    pthread_once(&once, init_first);
    raw_sizes(doc);
    page_raw = doc->body ? doc->body->raw : root->raw;
    while (n) {
        int descend = 0;
        if (n->flags & NF_TEXT) {
            text_stats(n);
            if (n->parent->flags & NF_LINK) {
                n->link_chars = n->chars;
                n->wchars = 0;
                n->punct = 0;
            }
        } else {
            uint8_t f = ex_tag_flags[n->tag];
            int boiler = 0;
            if (n->parent->flags & NF_LINK)
                n->flags |= NF_LINK;
            if (n->tag == T_A && ex_attr_get(n, "href"))
                n->flags |= NF_LINK;
            if ((f & TF_SKIP) || n->tag == T_TITLE)
                descend = 0;
            else if (is_hidden(n))
                n->flags |= NF_HIDDEN;
            else {
                int rank = -1;
                if (n->attrs)
                    n->weight = classify(sc, n, &boiler, &rank);
                else if (n->tag == T_ARTICLE || n->tag == T_MAIN)
                    rank = known_rank(n);
                if ((n->tag == T_ARTICLE || n->tag == T_MAIN) && boiler == 1)
                    boiler = 0;
                if (!boiler && (tag_boiler(n->tag) || (n->tag == T_HEADER && !under_article(n))))
                    boiler = 1;
                if (!boiler && (attr_is(n, "role", "navigation") ||
                                attr_is(n, "role", "complementary") ||
                                attr_is(n, "role", "contentinfo") || attr_is(n, "role", "banner")))
                    boiler = 1;
                if (boiler == 1 && (n->raw * 2 > page_raw ||
                                    (n->weight >= 0 && n->raw * 4 > page_raw)))
                    boiler = 0;   /* a wrapper of most of the page */
                if (boiler && n != doc->body && n != doc->html) {
                    n->flags |= NF_BOILER;
                } else {
                    descend = n->first != NULL;
                    if (rank >= 0 && !sc->known[rank])
                        sc->known[rank] = n;
                }
            }
        }
        if (descend) {
            n = n->first;
            continue;
        }
        /* leave n and every ancestor whose last child it is */
        for (;;) {
            ex_node *p = n->parent;
            int counted = !(n->flags & (NF_HIDDEN | NF_BOILER)) &&
                          ((n->flags & NF_TEXT) || !(ex_tag_flags[n->tag] & TF_SKIP));
            if (!(n->flags & NF_TEXT) && counted) {
                if (ex_tag_flags[n->tag] & TF_BLOCK)
                    score_paragraph(sc, n);
            }
            if (p && counted) {
                p->chars += n->chars;
                p->link_chars += n->link_chars;
                p->punct += n->punct;
                p->wchars += n->wchars;
                if ((n->flags & NF_TEXT) || !(ex_tag_flags[n->tag] & TF_BLOCK)) {
                    p->own += (n->flags & NF_TEXT) ? n->wchars : n->own;
                    p->own_punct += (n->flags & NF_TEXT) ? n->punct : n->own_punct;
                } else {
                    p->paras++;
                }
            }
            if (n->next) {
                n = n->next;
                break;
            }
            if (!p || p == root) {
                n = NULL;
                break;
            }
            n = p;
        }
    }
}

static float link_density(const ex_node *n)
{
    return n->chars ? (float)n->link_chars / (float)n->chars : 0.0f;
}

static float tag_base(int tag)
{
    switch (tag) {
    case T_ARTICLE: return 10;
    case T_MAIN: case T_DIV: case T_SECTION: return 5;
    case T_PRE: case T_TD: case T_BLOCKQUOTE: return 3;
    case T_ADDRESS: case T_OL: case T_UL: case T_DL: case T_DD: case T_DT:
    case T_LI: case T_FORM: return -3;
    case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6:
    case T_TH: return -5;
    default: return 0;
    }
}

static float final_score(const ex_node *n)
{
    return (n->score + tag_base(n->tag) + n->weight) * (1.0f - link_density(n));
}

/* Best candidate, then its parent when the paragraphs are spread over
 * several children (the parent scores nearly as well). */
static ex_node *pick_top(scorer *sc)
{
    ex_node *top = NULL;
    float best = 0;
    for (size_t i = 0; i < sc->n; i++) {
        float f = final_score(sc->cands[i]);
        sc->cands[i]->score = f;   /* from here on score is final */
        if (!top || f > best) {
            top = sc->cands[i];
            best = f;
        }
    }
    if (!top)
        return NULL;
    /* Readability: climb while the parent has the same text (single
     * child wrappers) or scores close to the top. */
    for (ex_node *p = top->parent; p && p->parent && p->tag != T_BODY; p = p->parent) {
        if ((p->flags & NF_CAND) && p->score >= best * 0.9f && p->wchars < top->wchars * 2) {
            top = p;
            continue;
        }
        if (p->wchars == top->wchars) {
            top = p;
            continue;
        }
        break;
    }
    return top;
}

/* Siblings of the top candidate that belong to the article. */
static void mark_siblings(ex_node *top)
{
    float thr = top->score * 0.2f > 10 ? top->score * 0.2f : 10;
    ex_node *parent = top->parent;
    top->flags |= NF_KEEP;
    if (!parent)
        return;
    const char *tcls = ex_attr_get(top, "class");
    for (ex_node *s = parent->first; s; s = s->next) {
        if (s == top || (s->flags & (NF_TEXT | NF_HIDDEN | NF_BOILER)))
            continue;
        float bonus = 0;
        const char *c = ex_attr_get(s, "class");
        if (tcls && c && *c && !strcmp(tcls, c))
            bonus = top->score * 0.2f;
        if ((s->flags & NF_CAND) && s->score + bonus >= thr) {
            s->flags |= NF_KEEP;
            continue;
        }
        if (s->tag == T_P || s->tag == T_BLOCKQUOTE || s->tag == T_PRE) {
            float ld = link_density(s);
            if ((s->wchars > 80 && ld < 0.25f) || (s->wchars > 0 && ld == 0 && s->punct > 0))
                s->flags |= NF_KEEP;
        }
    }
}

/* Containers inside the article that Readability's cleaner would drop:
 * weakly negative class/id, or mostly links with little prose. */
static int drop_container(const ex_node *n, const ex_node *top)
{
    if (n == top || (n->flags & NF_KEEP))
        return 0;
    switch (n->tag) {
    case T_DIV: case T_SECTION: case T_UL: case T_OL: case T_TABLE: case T_DL:
    case T_FORM: case T_HEADER: case T_FIGURE: case T_SPAN: case T_CENTER:
    case T_P: case T_LI:
        break;
    default:
        return 0;
    }
    float ld = link_density(n);
    if (n->weight < 0 && n->wchars < 1000)
        return 1;
    if (n->chars > 0 && ld > 0.5f && n->tag != T_P)
        return 1;
    if (n->chars > 0 && ld > 0.8f)
        return 1;
    if (ld > 0.3f && n->punct < 2 && n->tag != T_P && n->tag != T_LI)
        return 1;
    return 0;
}

static int ends_sentence(const char *s, size_t n);

/* Lines that end or decorate an article without being part of it. */
static const char *const junk_prefix[] = {
    "责任编辑", "责编", "编辑：", "编辑:", "举报", "声明：", "免责声明", "版权所有",
    "版权声明", "分享到", "扫一扫", "扫描二维码", "关注我们", "相关阅读", "相关新闻",
    "相关推荐", "热门推荐", "延伸阅读", "返回搜狐", "查看更多", "点击进入", "本文来自",
    "Copyright", "copyright", "COPYRIGHT", "\xC2\xA9", "All rights reserved",
    "Share this", "Share on", "Share:", "Follow us", "Sign up", "Subscribe",
    "Related:", "Related Articles", "Related Posts", "Read more", "Read More",
    "Advertisement", "ADVERTISEMENT", "Tags:", "Posted in", "Filed under",
    "Click here", "Print this", "Teilen", "Anzeige", "Werbung", "Mehr zum Thema",
    NULL };

/* Photo credits and captions: "Foto: dpa", "(Bild: Stefan Müller)". */
static const char *const credit_marks[] = {
    "Foto:", "Fotos:", "Foto :", "Bild:", "Bilder:", "Photo:", "photo:", "Photo :", "Photos:",
    "Image:", "Credit:", "Credits:", "Quelle:", "Kuva:", "Imagen:", "Fuente:", "Cr\xC3\xA9" "dit",
    "(Foto", "(Bild", "(Photo", "(REUTERS", "(AFP", "(AP Photo", "Getty Images", "\xC2\xA9",
    "Vergr\xC3\xB6\xC3\x9F" "ern", NULL };

static int junk_block(const char *s, size_t n, const char *title)
{
    if (n == 0)
        return 0;
    if (n < 250) {
        for (int i = 0; credit_marks[i]; i++)
            if (memmem(s, n, credit_marks[i], strlen(credit_marks[i])))
                return 1;
    }
    if (n < 90 && !ends_sentence(s, n)) {
        char *d = ex_date_iso(s, n);    /* a dateline: "Aktualisiert: 11.04.2020" */
        free(d);
        if (d)
            return 1;
    }
    if (title && strlen(title) == n && !memcmp(s, title, n))
        return 1;
    if (n > 300)
        return 0;
    for (int i = 0; junk_prefix[i]; i++) {
        size_t l = strlen(junk_prefix[i]);
        if (n >= l && !memcmp(s, junk_prefix[i], l))
            return 1;
    }
    if (memmem(s, n, "ICP备", 5) || memmem(s, n, "ICP证", 5) ||
        memmem(s, n, "All Rights Reserved", 19) || memmem(s, n, "All rights reserved", 19))
        return 1;
    return 0;
}

typedef struct emitter {
    ex_buf b;
    size_t block_start;      /* where the current block began in b */
    const char *title;
    int all;                 /* last resort: ignore boilerplate marks */
} emitter;

static void end_block(emitter *e)
{
    ex_buf *b = &e->b;
    while (b->len > e->block_start &&
           (b->buf[b->len - 1] == ' ' || b->buf[b->len - 1] == '\n'))
        b->len--;
    size_t s = e->block_start;
    while (s < b->len && (b->buf[s] == ' ' || b->buf[s] == '\n'))
        s++;
    if (junk_block(b->buf + s, b->len - s, e->title))
        b->len = e->block_start;
    if (b->buf)
        b->buf[b->len] = '\0';
    if (b->len > e->block_start)
        ex_buf_put(b, "\n\n", 2);
    e->block_start = b->len;
}

static void emit(emitter *e, ex_node *root, const ex_node *top)
{
    ex_node *n = root;
    while (n) {
        int descend = 0;
        if (n->flags & NF_TEXT) {
            ex_buf_put_text(&e->b, n->text, n->len);
        } else if (!(n->flags & NF_HIDDEN) && !(ex_tag_flags[n->tag] & TF_SKIP) &&
                   n->tag != T_TITLE &&
                   (e->all || (!(n->flags & NF_BOILER) && !drop_container(n, top)))) {
            if (ex_tag_flags[n->tag] & TF_BLOCK)
                end_block(e);
            else if (n->tag == T_BR)
                ex_buf_put(&e->b, "\n", 1);
            descend = n->first != NULL;
        }
        if (descend) {
            n = n->first;
            continue;
        }
        for (;;) {
            if (!(n->flags & NF_TEXT) && (ex_tag_flags[n->tag] & TF_BLOCK))
                end_block(e);
            if (n == root) {
                n = NULL;
                break;
            }
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
        }
        if (e->b.failed)
            return;
    }
}

/* Does a container named like an article body agree with the scorer?
 * It may hold the best-scored block, sit inside it with a fair share of
 * its text, or stand apart with as much text. */
static int agrees(const ex_node *k, const ex_node *top)
{
    if (!top)
        return 1;
    return top->wchars <= k->wchars * 3;
}

/* Does a block end like a sentence? */
static int ends_sentence(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '"' || s[n - 1] == ')'))
        n--;
    if (n == 0)
        return 0;
    char c = s[n - 1];
    if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';')
        return 1;
    if (n >= 3) {
        const unsigned char *u = (const unsigned char *)s + n - 3;
        /* 。！？”」 */
        if (u[0] == 0xE3 && u[1] == 0x80 && (u[2] == 0x82 || u[2] == 0x8D))
            return 1;
        if (u[0] == 0xEF && u[1] == 0xBC && (u[2] == 0x81 || u[2] == 0x9F))
            return 1;
        if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x9D || u[2] == 0x99))
            return 1;
    }
    return 0;
}

/* Cut short trailing blocks that are no sentences: share prompts, tags,
 * "Mehr aus dem Channel", credits. A long text keeps its last real
 * paragraph; at most a few blocks go. */
static void trim_tail(ex_buf *b)
{
    for (int k = 0; k < TAIL_BLOCKS && b->len > 0; k++) {
        ex_buf_trim(b);
        char *last = NULL;
        for (size_t i = b->len; i >= 2; i--)
            if (b->buf[i - 1] == '\n' && b->buf[i - 2] == '\n') {
                last = b->buf + i;
                break;
            }
        if (!last)
            return;
        size_t n = b->len - (size_t)(last - b->buf);
        if (n >= TAIL_SHORT || ends_sentence(last, n))
            return;
        b->len = (size_t)(last - b->buf);
        b->buf[b->len] = '\0';
    }
}

char *ex_main_text(ex_doc *doc, const char *title, int *nomem)
{
    scorer sc = {0};
    emitter e = {0};
    char *out = NULL;
    e.b.limit = TEXT_CAP;
    e.title = title;
    *nomem = 0;
    if (!doc->root)
        return NULL;
    sc.memo = calloc(CLASS_CACHE, sizeof *sc.memo);   /* NULL: just slower */
    mark_and_score(doc, &sc);
    if (sc.nomem) {
        *nomem = 1;
        goto done;
    }
    ex_node *top = pick_top(&sc);
    ex_node *known = NULL;
    for (int r = 0; r < KNOWN_RANKS && !known; r++)
        if (sc.known[r] && sc.known[r]->wchars >= 100 && agrees(sc.known[r], top))
            known = sc.known[r];
    if (known) {
        known->flags |= NF_KEEP;
        emit(&e, known, known);
    } else if (top) {
        mark_siblings(top);
        if (top->parent) {
            for (ex_node *s = top->parent->first; s; s = s->next)
                if (s->flags & NF_KEEP)
                    emit(&e, s, top);
        } else {
            emit(&e, top, top);
        }
    }
    if (e.b.len < 50 && !e.b.failed) {   /* no article found: the visible text */
        ex_node *body = doc->body ? doc->body : doc->root;
        e.b.len = 0;
        e.block_start = 0;
        emit(&e, body, body);
        if (e.b.len == 0 && !e.b.failed) {
            e.all = 1;
            emit(&e, body, body);
        }
    }
    if (e.b.failed) {
        if (e.b.len + 65536 < TEXT_CAP)
            *nomem = 1;
        else
            e.b.failed = 0;   /* capped: keep the first 8 MiB */
    }
    trim_tail(&e.b);
    out = ex_buf_take(&e.b);
done:
    free(e.b.buf);
    free(sc.cands);
    free(sc.memo);
    return out;
}
