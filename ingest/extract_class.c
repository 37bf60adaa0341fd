/* extract_class.c -- what class names, ids and roles say about an element.
 *
 * Owns the word lists and their matching: boilerplate names (navigation,
 * comments, share bars, related links, ...), content names (article,
 * content, post, ...), the containers content management systems name
 * for the article body (trafilatura's list, ranked), lead/standfirst
 * names, and a per-page cache of the analysis (pages repeat the same
 * class strings hundreds of times). Does not walk the tree or score.
 */
#include "ingest/extract_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    "relate", "author", "follow", "banner",
    "print-only", "screen-reader", "sr-only", "visually-hidden", "report",
    "byline", "dateline", "disclaimer", "tooltip", "overlay", "lightbox", "post-meta", "entry-meta", "article-meta",
    "meta-data", "promo", "carousel", "slider",
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
    if (strstr(w, "commentary"))
        return 0;   /* an opinion piece, not a comment thread */
    return strstr(w, "comment") || strstr(w, "disqus") || strstr(w, "reply") ||
           strstr(w, "replies") || strstr(w, "cmt");
}

/* Word lists indexed by first byte: class names are short, the lists
 * long, and this runs for every element of every page. */
#define BUCKET 24

typedef struct word_index {
    const char *const *list;
    uint8_t n[256];              /* entries starting with each byte */
    uint8_t at[256][BUCKET];     /* their positions in list */
} word_index;

static word_index neg_idx, pos_idx, wneg_idx, known1_idx, known3_idx, known4_idx;

static void index_build(word_index *x, const char *const *list)
{
    x->list = list;
    for (int i = 0; list[i] && i < 256; i++) {
        unsigned char c = (unsigned char)list[i][0];
        if (x->n[c] < BUCKET)
            x->at[c][x->n[c]++] = (uint8_t)i;
    }
}

/* Does any word of the index occur in w[0..wl)? */
static int index_any(const word_index *x, const char *w, size_t wl)
{
    for (size_t i = 0; i + 1 < wl; i++) {
        unsigned char c = (unsigned char)w[i];
        for (int k = 0; k < x->n[c]; k++) {
            const char *p = x->list[x->at[c][k]];
            if (p[1] != w[i + 1])
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

/* Does a word of the index occur in w as a whole word (bounded by the
 * ends of w or by non-alphanumerics: "nav" in "main-nav", not "canvas")? */
static int index_word(const word_index *x, const char *w, size_t wl)
{
    for (size_t i = 0; i < wl; i++) {
        if (i > 0 && isalnum((unsigned char)w[i - 1]))
            continue;
        unsigned char c = (unsigned char)w[i];
        for (int k = 0; k < x->n[c]; k++) {
            const char *p = x->list[x->at[c][k]];
            size_t j = 1;
            while (p[j] && i + j < wl && p[j] == w[i + j])
                j++;
            if (!p[j] && (i + j == wl || !isalnum((unsigned char)w[i + j])))
                return 1;
        }
    }
    return 0;
}

static void init_known_index(void);

static void init_first(void)
{
    index_build(&neg_idx, strong_neg);
    index_build(&pos_idx, pos_words);
    index_build(&wneg_idx, word_neg);
    init_known_index();
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
            int wpos = index_any(&pos_idx, word, m);
            pos |= wpos;
            if (state)
                continue;
            int wstrong = !strstr(word, "commentary") && index_any(&neg_idx, word, m);
            if (wstrong && strong < 2)
                strong = comment_word(word) ? 2 : 1;
            if (wpos && !wstrong)
                pure_pos = 1;
            if (!neg && index_word(&wneg_idx, word, m))
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

int ex_attr_is(const ex_node *n, const char *name, const char *val)
{
    const char *v = ex_attr_get(n, name);
    return v && !strcasecmp(v, val);
}

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

struct ex_class_cache {
    class_memo slot[CLASS_CACHE];
};





static int word_has(const char *v, const word_index *idx, const char *const *exact);

/* Does a part of a class name of v, split at '-' and '_', equal one of
 * parts (case-insensitive)? */
static int class_part_has(const char *v, const char *const *parts)
{
    while (*v) {
        size_t k = strcspn(v, " \t\n-_");
        char c0 = (char)tolower((unsigned char)v[0]);
        for (int i = 0; k && parts[i]; i++)
            if (parts[i][0] == c0 && !strncasecmp(v, parts[i], k) && parts[i][k] == '\0')
                return 1;
        v += k;
        if (*v)
            v++;
    }
    return 0;
}

/* Lead paragraphs (standfirst, teaser text) often sit in the article
 * header, outside the body container. */
int ex_lead_class(const ex_node *n)
{
    /* whole class names (the single words are among the parts below) */
    static const char *const words[] = {
        "teaser-text", "teaser__text", "subline", "article-description", "article__description",
        "td-post-sub-title", NULL };
    /* parts of a class name ("article-lead", "entry-summary", "att-full-intro") */
    static const char *const parts[] = {
        "lead", "intro", "standfirst", "subheadline", "summary", "teaser", "deck", "dek", "sapo",
        "excerpt", "epigraph", "subtitle", "abstract", "bajada", "entradilla", "chapo", NULL };
    const char *c = ex_attr_get(n, "class");
    const char *ip = ex_attr_get(n, "itemprop");
    if (ip && !strcasecmp(ip, "description"))
        return 1;
    if (!c)
        return 0;
    if (word_has(c, NULL, words))
        return 1;
    return class_part_has(c, parts);
}

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

static void init_known_index(void)
{
    index_build(&known1_idx, known1);
    index_build(&known3_idx, known3);
    index_build(&known4_idx, known4);
}

/* Is a class name (or id) of v one of exact, or does it contain a word of
 * idx (when idx is not NULL)? */
static int word_has(const char *v, const word_index *idx, const char *const *exact)
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
        if (idx && index_any(idx, w, m))
            return 1;
    }
    return 0;
}

int ex_known_rank(const ex_node *n)
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
    if (block && (word_has(cls, &known1_idx, exact1) || word_has(id, &known1_idx, NULL)))
        return 1;
    if (n->tag == T_ARTICLE)
        return 2;
    if (block && (word_has(cls, &known3_idx, exact3) || word_has(id, &known3_idx, exact3) ||
                  ex_attr_is(n, "role", "article")))
        return 3;
    if (block && (word_has(cls, &known4_idx, exact4) || word_has(id, &known4_idx, exact4)))
        return 4;
    if (n->tag == T_MAIN || ex_attr_is(n, "role", "main"))
        return 5;
    return -1;
}

ex_class_cache *ex_class_cache_new(void)
{
    return calloc(1, sizeof(ex_class_cache));
}

void ex_class_cache_free(ex_class_cache *c)
{
    free(c);
}

float ex_classify(ex_class_cache *cache, const ex_node *n, int *boiler, int *rank)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    const char *cls = ex_attr_get(n, "class");
    class_memo *slot = NULL;
    int only_class = cls && !ex_attr_get(n, "id") && !ex_attr_get(n, "itemprop") &&
                     !ex_attr_get(n, "role");
    pthread_once(&once, init_first);
    if (only_class && cache) {
        uint32_t h = 2166136261u;
        for (const char *p = cls; *p; p++)
            h = (h ^ (unsigned char)*p) * 16777619u;
        h = (h ^ n->tag) * 16777619u;
        slot = &cache->slot[h % CLASS_CACHE];
        if (slot->cls && slot->tag == n->tag && !strcmp(slot->cls, cls)) {
            *boiler = slot->boiler;
            *rank = slot->rank;
            return slot->weight;
        }
    }
    float w = class_weight(n, boiler);
    *rank = ex_known_rank(n);
    if (slot) {
        slot->cls = cls;
        slot->tag = n->tag;
        slot->weight = w;
        slot->boiler = (int8_t)*boiler;
        slot->rank = (int8_t)*rank;
    }
    return w;
}
