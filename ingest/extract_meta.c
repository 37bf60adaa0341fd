/* extract_meta.c -- article metadata from the light DOM.
 *
 * Owns title, author, published/modified time, site name, language,
 * canonical URL, lead image and description. Sources, best first:
 * JSON-LD (Article types), OpenGraph/article:* and other <meta> variants,
 * microdata (itemprop), <time datetime>, <link rel=canonical>, then what
 * the page shows: the <h1>, a byline element, a visible date near the
 * headline ("2024-03-16 08:45", "2024年3月16日", "March 20, 2024"). A
 * field nobody gives stays NULL. The title and site name are chosen and
 * cleaned from the candidates collected here by extract_title.c.
 * Does not choose the main text (extract_score.c) or parse dates
 * (extract_date.c).
 */
#include "ingest/extract_int.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/url.h"

#define META_TEXT_CAP 2048     /* longest metadata value kept */
#define DATE_SCAN_NODES 120    /* text nodes after the <h1> searched for a date */
#define MAX_ITEMPROPS 64
#define AUTHOR_SEP "\x1F"     /* between the names of a JSON-LD author list */
#define LD_BODY_CAP (1u << 20) /* longest JSON-LD articleBody kept */       /* microdata elements read (the first ones) */

/* A field with the priority of the source that set it (lower wins). */
typedef struct field {
    char *v;
    int prio;
} field;

typedef struct meta {
    field title, ld_title, title_tag, h1, description, site, author, published,
          modified, image, canonical, lang,
          publisher;         /* JSON-LD publisher name (also a site candidate) */
    ex_node *h1_node;        /* first non-empty <h1> */
    int itemprops;           /* itemprop elements looked at so far */
} meta;

/* Take ownership of v (malloc'd) when prio beats the current value. */
static void put(meta *m, field *f, char *v, int prio)
{
    (void)m;   /* kept for symmetry with the other put_* helpers */
    if (!v)
        return;
    if (!v[0] || (f->v && f->prio <= prio)) {
        free(v);
        return;
    }
    free(f->v);
    f->v = v;
    f->prio = prio;
}

/* Whitespace-collapsed, trimmed copy of s (capped), or NULL. */
static char *clean_dup(const char *s)
{
    ex_buf b = {0};
    b.limit = META_TEXT_CAP;
    if (!s)
        return NULL;
    ex_buf_put_text(&b, s, strnlen(s, META_TEXT_CAP * 2));
    b.failed = 0;
    char *r = ex_buf_take(&b);
    if (r && r[0] == ' ')
        memmove(r, r + 1, strlen(r));
    return r;
}

static void put_date(meta *m, field *f, const char *s, int prio)
{
    if (s && (!f->v || f->prio > prio))
        put(m, f, ex_date_iso(s, strlen(s)), prio);
}

static int is_url_like(const char *s)
{
    return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8) || s[0] == '/';
}

/* Strip a byline's lead-in ("By ", "von ", "| ") from a, in place. */
static void strip_byline_prefix(char *a)
{
    static const char *const prefixes[] = { "By ", "by ", "BY ", "Von ", "von ", "VON ", "Par ",
        "par ", "Door ", "door ", "Di ", "di ", "Por ", "por ", "Autor: ", "Autorin: ",
        "Author: ", "Text: ", "| ", "Posted by ", "posted by ", "Written by ", "written by ",
        "Eingestellt von ", "Geschrieben von ", "Verfasst von ", "Publi\xC3\xA9 par ", "\xE4\xBD\x9C\xE8\x80\x85\xEF\xBC\x9A",
        "\xE4\xBD\x9C\xE8\x80\x85:", NULL };  /* 作者： */
    for (int again = 0; again < 2; again++)
        for (int i = 0; prefixes[i]; i++) {
            size_t l = strlen(prefixes[i]);
            if (!strncmp(a, prefixes[i], l)) {
                memmove(a, a + l, strlen(a + l) + 1);
                break;
            }
        }
}

/* A visible byline often goes on with the date or a role: keep what
 * comes before " | ", " - ", "•", "·", a newline or a digit. */
static void cut_byline_tail(char *a)
{
    static const char *const cuts[] = { " | ", "|", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
                                        "\xE2\x80\xA2", "\xC2\xB7", "\n", " am ", " on ", NULL };
    for (int i = 0; cuts[i]; i++) {
        char *c = strstr(a, cuts[i]);
        if (c && c > a)
            *c = '\0';
    }
    for (char *c = a; *c; c++)
        if (*c >= '0' && *c <= '9' && c > a && c[-1] == ' ') {
            *c = '\0';
            break;
        }
    size_t n = strlen(a);
    while (n > 0 && (a[n - 1] == ' ' || a[n - 1] == ',' || a[n - 1] == ':'))
        a[--n] = '\0';
}

static int is_name(const char *a)
{
    static const char *const not_names[] = {
        "\xE6\x9C\xAA\xE7\x9F\xA5", "\xE5\x8C\xBF\xE5\x90\x8D",  /* 未知 匿名 */
        "admin", "Admin", "administrator", "unknown", "Unknown", "null", "none", NULL };
    size_t n = strlen(a), letters = 0;
    for (size_t i = 0; i < n; i++)
        letters += isalpha((unsigned char)a[i]) || (unsigned char)a[i] >= 0x80;
    for (int i = 0; not_names[i]; i++)
        if (!strcmp(a, not_names[i]))
            return 0;
    return n > 0 && n <= 120 && letters && !is_url_like(a) && !strchr(a, '@') && !strchr(a, '{');
}

static void put_author(meta *m, const char *s, int prio)
{
    char *a = clean_dup(s);
    if (!a)
        return;
    strip_byline_prefix(a);
    if (prio >= 4)
        cut_byline_tail(a);
    size_t al = strlen(a);
    while (al > 0 && (a[al - 1] == ',' || a[al - 1] == ';' || a[al - 1] == ':' || a[al - 1] == ' '))
        a[--al] = '\0';
    /* a list (JSON-LD) is checked name by name */
    int ok = a[0] != '\0' && strlen(a) <= 1000;
    for (char *p = a; ok && p; ) {
        char *sep = strstr(p, AUTHOR_SEP);
        if (sep)
            *sep = '\0';
        ok = is_name(p);
        if (sep)
            *sep = AUTHOR_SEP[0];
        p = sep ? sep + 1 : NULL;
    }
    if (!ok) {
        free(a);
        return;
    }
    put(m, &m->author, a, prio);
}

/* ---- <meta> ---- */
static void on_meta(meta *m, const ex_node *n)
{
    const char *key = ex_attr_get(n, "property");
    const char *content = ex_attr_get(n, "content");
    char k[64];
    if (!key) key = ex_attr_get(n, "name");
    if (!key) key = ex_attr_get(n, "itemprop");
    if (!key) key = ex_attr_get(n, "http-equiv");
    if (!key || !content || !content[0])
        return;
    size_t i;
    for (i = 0; key[i] && i + 1 < sizeof k; i++)
        k[i] = (char)tolower((unsigned char)key[i]);
    k[i] = '\0';
    if (!strcmp(k, "og:title"))
        put(m, &m->title, clean_dup(content), 1);
    else if (!strcmp(k, "twitter:title") || !strcmp(k, "title") || !strcmp(k, "dc.title"))
        put(m, &m->title, clean_dup(content), 2);
    else if (!strcmp(k, "og:description"))
        put(m, &m->description, clean_dup(content), 1);
    else if (!strcmp(k, "description") || !strcmp(k, "twitter:description") ||
             !strcmp(k, "dc.description"))
        put(m, &m->description, clean_dup(content), 2);
    else if (!strcmp(k, "og:site_name"))
        put(m, &m->site, clean_dup(content), 1);
    else if (!strcmp(k, "application-name") || !strcmp(k, "publisher") ||
             !strcmp(k, "dc.publisher"))
        put(m, &m->site, clean_dup(content), 3);
    else if (!strcmp(k, "author") || !strcmp(k, "article:author") || !strcmp(k, "dc.creator") ||
             !strcmp(k, "byl") || !strcmp(k, "parsely-author") || !strcmp(k, "sailthru.author") ||
             !strcmp(k, "dcterms.creator") || !strcmp(k, "og:article:author") ||
             !strcmp(k, "shareaholic:article_author_name") || !strcmp(k, "article:author_name") ||
             !strcmp(k, "author_name") || !strcmp(k, "cxenseparse:author") || !strcmp(k, "dc.contributor"))
        put_author(m, content, 2);
    else if (!strcmp(k, "article:published_time") || !strcmp(k, "og:article:published_time") ||
             !strcmp(k, "datepublished") || !strcmp(k, "article:published") ||
             !strcmp(k, "og:published_time") || !strcmp(k, "parsely-pub-date") ||
             !strcmp(k, "sailthru.date"))
        put_date(m, &m->published, content, 1);
    else if (!strcmp(k, "pubdate") || !strcmp(k, "publishdate") || !strcmp(k, "publish-date") ||
             !strcmp(k, "publish_date") || !strcmp(k, "publishtime") || !strcmp(k, "date") ||
             !strcmp(k, "dc.date") || !strcmp(k, "dc.date.issued") || !strcmp(k, "dcterms.date") ||
             !strcmp(k, "dcterms.created") || !strcmp(k, "dcterms.issued") ||
             !strcmp(k, "article.published") || !strcmp(k, "created") ||
             !strcmp(k, "og:release_date") || !strcmp(k, "release_date"))
        put_date(m, &m->published, content, 3);
    else if (!strcmp(k, "article:modified_time") || !strcmp(k, "og:updated_time") ||
             !strcmp(k, "datemodified") || !strcmp(k, "dcterms.modified") ||
             !strcmp(k, "last-modified") || !strcmp(k, "article:modified") ||
             !strcmp(k, "dateupdate") || !strcmp(k, "lastmodifiedtime"))
        put_date(m, &m->modified, content, 2);
    else if (!strcmp(k, "og:image") || !strcmp(k, "og:image:url") ||
             !strcmp(k, "og:image:secure_url"))
        put(m, &m->image, clean_dup(content), 1);
    else if (!strcmp(k, "twitter:image") || !strcmp(k, "twitter:image:src") ||
             !strcmp(k, "thumbnailurl") || !strcmp(k, "image"))
        put(m, &m->image, clean_dup(content), 2);
    else if (!strcmp(k, "og:url"))
        put(m, &m->canonical, clean_dup(content), 2);
    else if (!strcmp(k, "content-language") || !strcmp(k, "dc.language") ||
             !strcmp(k, "language"))
        put(m, &m->lang, clean_dup(content), 2);
    else if (!strcmp(k, "og:locale"))
        put(m, &m->lang, clean_dup(content), 3);
}

/* ---- JSON-LD ---- */
static int is_article_type(json_t *t)
{
    static const char *const types[] = {
        "Article", "NewsArticle", "BlogPosting", "ReportageNews", "AnalysisNewsArticle",
        "OpinionNewsArticle", "TechArticle", "ScholarlyArticle", "Report", "LiveBlogPosting",
        "BackgroundNewsArticle", "ReviewNewsArticle", "SocialMediaPosting", "Blog", NULL };
    size_t i;
    json_t *v;
    if (json_is_array(t)) {
        json_array_foreach(t, i, v)
            if (is_article_type(v))
                return 1;
        return 0;
    }
    const char *s = json_string_value(t);
    for (int k = 0; s && types[k]; k++)
        if (!strcmp(s, types[k]))
            return 1;
    return 0;
}


/* Person/Organization objects of a JSON-LD document by "@id", so that an
 * author given as {"@id": ...} (Yoast's @graph) finds its name. */
#define LD_IDS 32
typedef struct ld_ids {
    const char *id[LD_IDS];
    const char *name[LD_IDS];
    int n;
} ld_ids;

static const char *ld_name(json_t *v, const ld_ids *ids)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (!json_is_object(v))
        return NULL;
    const char *nm = json_string_value(json_object_get(v, "name"));
    const char *id = json_string_value(json_object_get(v, "@id"));
    for (int i = 0; !nm && id && ids && i < ids->n; i++)
        if (!strcmp(ids->id[i], id))
            nm = ids->name[i];
    return nm;
}

/* Authors of a JSON-LD object: one name or a list, kept apart by
 * AUTHOR_SEP for extract_split_authors. */
static void ld_authors(meta *m, json_t *a, const ld_ids *ids, int prio)
{
    char buf[1024];
    size_t len = 0;
    if (json_is_array(a)) {
        size_t i;
        json_t *v;
        buf[0] = '\0';
        json_array_foreach(a, i, v) {
            const char *nm = ld_name(v, ids);
            if (!nm || !nm[0] || i >= 10 || is_url_like(nm))
                continue;
            int w = snprintf(buf + len, sizeof buf - len, "%s%s", len ? AUTHOR_SEP : "", nm);
            if (w < 0 || (size_t)w >= sizeof buf - len)
                break;
            len += (size_t)w;
        }
        if (len)
            put_author(m, buf, prio);
        return;
    }
    const char *nm = ld_name(a, ids);
    if (nm)
        put_author(m, nm, prio);
}

static void ld_image(meta *m, json_t *img, int prio)
{
    if (json_is_array(img))
        img = json_array_get(img, 0);
    if (json_is_object(img))
        img = json_object_get(img, "url");
    if (json_is_string(img))
        put(m, &m->image, clean_dup(json_string_value(img)), prio);
}

static void ld_object(meta *m, ex_doc *doc, json_t *o, const ld_ids *ids)
{
    json_t *type = json_object_get(o, "@type");
    int art = is_article_type(type);
    const char *ts = json_string_value(type);
    int page = ts && (!strcmp(ts, "WebPage") || !strcmp(ts, "ItemPage"));
    if (!art && !page)
        return;
    int p = art ? 0 : 4;
    const char *h = json_string_value(json_object_get(o, "headline"));
    if (!h && art)
        h = json_string_value(json_object_get(o, "name"));
    if (h && art)
        put(m, &m->ld_title, clean_dup(h), p);
    put_date(m, &m->published, json_string_value(json_object_get(o, "datePublished")), p);
    put_date(m, &m->modified, json_string_value(json_object_get(o, "dateModified")), p);
    if (!art)
        return;
    ld_authors(m, json_object_get(o, "author"), ids, 0);
    ld_image(m, json_object_get(o, "image"), 3);
    const char *pub = ld_name(json_object_get(o, "publisher"), ids);
    if (pub) {
        put(m, &m->site, clean_dup(pub), 2);
        put(m, &m->publisher, clean_dup(pub), 2);
    }
    const char *d = json_string_value(json_object_get(o, "description"));
    if (d)
        put(m, &m->description, clean_dup(d), 3);
    const char *lang = json_string_value(json_object_get(o, "inLanguage"));
    if (lang)
        put(m, &m->lang, clean_dup(lang), 1);
    const char *body = json_string_value(json_object_get(o, "articleBody"));
    if (body && !doc->ld_body)
        doc->ld_body = ex_strndup(&doc->arena, body, strnlen(body, LD_BODY_CAP));
}

/* Visit every object of a JSON-LD document (iteratively, capped): with
 * collect set, only record the named objects' @id; else read them. */
static void ld_walk(meta *m, ex_doc *doc, json_t *root, ld_ids *ids, int collect)
{
    json_t *stack[64];
    int sp = 0, visited = 0;
    stack[sp++] = root;
    while (sp > 0 && visited++ < 2000) {
        json_t *v = stack[--sp];
        if (json_is_array(v)) {
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e)
                if (sp < 64 && (json_is_object(e) || json_is_array(e)))
                    stack[sp++] = e;
        } else if (json_is_object(v)) {
            const char *id = json_string_value(json_object_get(v, "@id"));
            const char *nm = json_string_value(json_object_get(v, "name"));
            if (!collect)
                ld_object(m, doc, v, ids);
            else if (id && nm && nm[0] && ids->n < LD_IDS) {
                ids->id[ids->n] = id;
                ids->name[ids->n++] = nm;
            }
            json_t *g = json_object_get(v, "@graph");
            if (g && sp < 64)
                stack[sp++] = g;
            json_t *me = json_object_get(v, "mainEntity");
            if (me && sp < 64)
                stack[sp++] = me;
        }
    }
}

static void on_ld_json(meta *m, ex_doc *doc, const ex_node *script)
{
    ld_ids ids = { .n = 0 };
    const ex_node *t = script->first;
    if (!t || !(t->flags & NF_TEXT) || t->len == 0)
        return;
    json_t *root = json_loadb(t->text, t->len, JSON_DISABLE_EOF_CHECK, NULL);
    if (!root)
        return;
    ld_walk(m, doc, root, &ids, 1);
    ld_walk(m, doc, root, &ids, 0);
    json_decref(root);
}

/* ---- the page itself ---- */
static int attr_name_is(const ex_node *n)
{
    const char *ip = ex_attr_get(n, "itemprop");
    return ip && !strcasecmp(ip, "name");
}

static int class_has(const ex_node *n, const char *word)
{
    const char *c = ex_attr_get(n, "class");
    return c && strcasestr(c, word) != NULL;
}

/* n or one of its near ancestors is named as a comment (a commenter's
 * vcard is no byline). */
static int in_comments(const ex_node *n)
{
    for (int up = 0; n && up < 8; up++, n = n->parent) {
        const char *c = ex_attr_get(n, "class"), *id = ex_attr_get(n, "id");
        if ((c && strcasestr(c, "comment")) || (id && strcasestr(id, "comment")))
            return 1;
    }
    return 0;
}

static void on_element(meta *m, ex_doc *doc, ex_node *n)
{
    const char *ip = ex_attr_get(n, "itemprop");
    switch (n->tag) {
    case T_META:
        on_meta(m, n);
        return;
    case T_LINK: {
        const char *rel = ex_attr_get(n, "rel"), *href = ex_attr_get(n, "href");
        if (rel && href && !strcasecmp(rel, "canonical"))
            put(m, &m->canonical, clean_dup(href), 1);
        else if (rel && href && !strcasecmp(rel, "image_src"))
            put(m, &m->image, clean_dup(href), 3);
        return;
    }
    case T_TITLE:
        if (!m->title_tag.v)
            put(m, &m->title_tag, ex_node_text(n, META_TEXT_CAP), 1);
        return;
    case T_SCRIPT: {
        const char *type = ex_attr_get(n, "type");
        if (type && strcasestr(type, "ld+json"))
            on_ld_json(m, doc, n);
        return;
    }
    case T_H1:
        if (!m->h1_node && n != doc->root) {
            char *h = ex_node_text(n, META_TEXT_CAP);
            if (h && strlen(h) > 1) {
                m->h1_node = n;
                put(m, &m->h1, h, 1);
            } else {
                free(h);
            }
        }
        break;
    case T_TIME: {
        const char *dt = ex_attr_get(n, "datetime");
        int pub = ip && !strcasecmp(ip, "datePublished");
        if (dt)
            put_date(m, ip && !strcasecmp(ip, "dateModified") ? &m->modified : &m->published,
                     dt, pub ? 2 : 5);
        break;
    }
    default:
        break;
    }
    if (ip && n->tag != T_META && m->itemprops++ < MAX_ITEMPROPS) {
        if (!strcasecmp(ip, "datePublished") || !strcasecmp(ip, "dateModified")) {
            const char *v = ex_attr_get(n, "content");
            if (!v) v = ex_attr_get(n, "datetime");
            field *f = (ip[4] == 'P' || ip[4] == 'p') ? &m->published : &m->modified;
            if (v) {
                put_date(m, f, v, 2);
            } else {
                char *t = ex_node_text(n, 200);
                put_date(m, f, t, 3);
                free(t);
            }
        } else if (!strcasecmp(ip, "author") || !strcasecmp(ip, "creator")) {
            ex_node *nm = NULL;
            int looked = 0;
            for (ex_node *c = n->first; c && !nm && looked < 256; c = ex_next(n, c, 0), looked++)
                if (!(c->flags & NF_TEXT) && attr_name_is(c))
                    nm = c;
            const char *mc = nm && nm->tag == T_META ? ex_attr_get(nm, "content") : NULL;
            char *t = mc ? strdup(mc) : ex_node_text(nm ? nm : n, 200);
            put_author(m, t, 3);
            free(t);
        } else if (!strcasecmp(ip, "headline") && n->tag != T_META) {
            put(m, &m->ld_title, ex_node_text(n, META_TEXT_CAP), 2);
        }
    }
    const char *rel = n->tag == T_A ? ex_attr_get(n, "rel") : NULL;
    const char *cls = ex_attr_get(n, "class");
    if (cls && n->tag != T_BODY && n->tag != T_ARTICLE && n->tag != T_SECTION &&
        (strstr(cls, "byline") || (strstr(cls, "vcard") && strstr(cls, "author"))) &&
        !in_comments(n)) {
        char *t = ex_node_text(n, 200);      /* WordPress: "byline" > "author vcard" > "fn" */
        put_author(m, t, class_has(n, "vcard") ? 4 : 5);
        free(t);
    }
    if ((rel && !strcasecmp(rel, "author")) ||
        (n->tag != T_BODY && n->tag != T_ARTICLE && n->tag != T_DIV && n->tag != T_SECTION &&
         class_has(n, "name") &&
         (class_has(n, "author-name") || class_has(n, "author_name") ||
          class_has(n, "byline__name") || class_has(n, "authorname")))) {
        char *t = ex_node_text(n, 200);
        put_author(m, t, 4);
        free(t);
    }
}

/* "作者：张三", "文|白马商评", "记者 李四" in a short text node. */
static void visible_author(meta *m, const ex_node *t)
{
    static const char *const keys[] = {
        "\xE4\xBD\x9C\xE8\x80\x85\xEF\xBC\x9A", "\xE4\xBD\x9C\xE8\x80\x85:",  /* 作者： 作者: */
        "\xE6\x96\x87|", "\xE6\x96\x87\xEF\xBD\x9C", "\xE6\x96\x87/",           /* 文| 文｜ 文/ */
        "\xE8\xAE\xB0\xE8\x80\x85\xEF\xBC\x9A", "\xE8\xAE\xB0\xE8\x80\x85 ",    /* 记者： 记者  */
        NULL };
    if (t->len > 120)
        return;
    for (int k = 0; keys[k]; k++) {
        size_t kl = strlen(keys[k]);
        const char *hit = memmem(t->text, t->len, keys[k], kl);
        if (!hit)
            continue;
        const char *s = hit + kl, *end = t->text + t->len;
        while (s < end && *s == ' ')
            s++;
        /* the name runs to a space or punctuation, whole characters only */
        const char *e = s;
        while (e < end) {
            size_t adv;
            uint32_t cp = ex_utf8_next(e, (size_t)(end - e), &adv);
            if (cp == ' ' || cp == '\n' || cp == '\t' || cp == '|' || cp == ',' || cp == 0xA0 ||
                cp == 0x3000 || cp == 0xFF09 || cp == 0xFF1A || cp == 0xFF0C || cp == 0x3001 ||
                (size_t)(e - s) + adv > 30)
                break;
            e += adv;
        }
        if (e > s) {
            char *a = strndup(s, (size_t)(e - s));
            put_author(m, a, 5);
            free(a);
        }
        return;
    }
}

/* Dates and bylines shown near the headline. */
static void visible_near_h1(meta *m, ex_doc *doc)
{
    ex_node *start = m->h1_node ? m->h1_node : doc->body;
    int seen = 0;
    if (!start)
        return;
    for (ex_node *n = ex_next(doc->root, start, start == m->h1_node); n && seen < DATE_SCAN_NODES;
         n = ex_next(doc->root, n, !(n->flags & NF_TEXT) && (ex_tag_flags[n->tag] & TF_SKIP))) {
        if (!(n->flags & NF_TEXT) || n->len < 4)
            continue;
        seen++;
        if (!m->published.v && n->len < 200) {
            char *d = ex_date_iso(n->text, n->len);
            if (d && strlen(d) >= 10)
                put(m, &m->published, d, 6);
            else
                free(d);
        }
        if (!m->author.v || m->author.prio > 5)
            visible_author(m, n);
        if (m->published.v && m->author.v)
            break;
    }
}

/* "de-DE", "zh_CN", "en" -> "de", "zh", "en"; NULL when not a code. */
static char *lang_code(const char *s)
{
    char c[4];
    size_t n = 0;
    if (!s)
        return NULL;
    while (*s == ' ')
        s++;
    while (s[n] && isalpha((unsigned char)s[n]) && n < 3) {
        c[n] = (char)tolower((unsigned char)s[n]);
        n++;
    }
    if (n < 2 || (s[n] && s[n] != '-' && s[n] != '_' && s[n] != ',' && s[n] != ';' && s[n] != ' '))
        return NULL;
    c[n] = '\0';
    return strdup(c);
}

static char *absolute(const char *page_url, const char *u)
{
    if (!u || !u[0] || !strncasecmp(u, "data:", 5) || !strncasecmp(u, "javascript:", 11))
        return NULL;
    if (!strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8))
        return strdup(u);
    if (!page_url)
        return NULL;        /* relative and no base: not an absolute URL */
    char *r = url_resolve(page_url, u);
    if (r && strncasecmp(r, "http://", 7) && strncasecmp(r, "https://", 8)) {
        free(r);
        r = NULL;
    }
    return r;
}

/* Split at every occurrence of sep; with need_space, only when every
 * part holds a space or a non-ASCII letter ("Jane Doe, John Roe", not
 * "Doe, Jane"). Each separator becomes AUTHOR_SEP, in place. */
static int split_at(char *a, const char *sep, int need_space)
{
    size_t l = strlen(sep);
    if (!strstr(a, sep))
        return 0;
    if (need_space) {
        for (char *p = a; p; ) {
            char *e = strstr(p, sep);
            int ok = 0;
            for (char *c = p; c < (e ? e : p + strlen(p)); c++)
                ok |= *c == ' ' || (unsigned char)*c >= 0x80;
            if (!ok)
                return 0;
            p = e ? e + l : NULL;
        }
    }
    for (char *p = strstr(a, sep); p; p = strstr(p + 1, sep)) {
        *p = AUTHOR_SEP[0];
        memmove(p + 1, p + l, strlen(p + l) + 1);
    }
    return 1;
}

/* The author field as a list: a JSON-LD list as given, a single string
 * split at "and", "&", ";", "、" and (between full names) commas.
 * Returns a NULL-terminated malloc'd list, or NULL. */
static char **split_authors(const char *author)
{
    static const char *const seps[] = { " and ", " & ", " und ", " et ", " y ", ";", " / ",
                                        "\xE3\x80\x81", "\xEF\xBC\x8C", NULL };   /* 、 ， */
    char *a = author ? strdup(author) : NULL;
    char **list = a ? calloc(11, sizeof *list) : NULL;
    int n = 0;
    if (!list)
        goto done;
    if (!strstr(a, AUTHOR_SEP)) {
        for (int i = 0; seps[i]; i++)
            split_at(a, seps[i], 0);
        split_at(a, ", ", 1);
    }
    for (char *p = a; p && n < 10; ) {
        char *e = strstr(p, AUTHOR_SEP);
        if (e)
            *e = '\0';
        char *nm = clean_dup(p);
        if (nm)
            strip_byline_prefix(nm);
        int dup = 0;
        for (int k = 0; nm && k < n; k++)
            dup |= !strcmp(list[k], nm);
        if (nm && !dup && is_name(nm))
            list[n++] = nm;
        else
            free(nm);
        p = e ? e + 1 : NULL;
    }
    if (n == 0) {
        free(list);
        list = NULL;
    }
done:
    free(a);
    return list;
}

static void release(meta *m)
{
    field *fs[] = { &m->title, &m->ld_title, &m->title_tag, &m->h1, &m->description, &m->site,
                    &m->publisher,
                    &m->author, &m->published, &m->modified, &m->image, &m->canonical, &m->lang };
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        free(fs[i]->v);
        fs[i]->v = NULL;
    }
}

int ex_metadata(ex_doc *doc, const char *page_url, extract_article *out)
{
    meta m;
    memset(&m, 0, sizeof m);
    if (!doc->root)
        return 0;
    for (ex_node *n = doc->root; n; ) {
        int skip = 0;
        if (!(n->flags & NF_TEXT)) {
            if (n->tag == T_HTML) {
                const char *l = ex_attr_get(n, "lang");
                if (!l) l = ex_attr_get(n, "xml:lang");
                put(&m, &m.lang, l ? strdup(l) : NULL, 0);
            }
            if (n->attrs || n->tag == T_TITLE || n->tag == T_H1)
                on_element(&m, doc, n);
            skip = (ex_tag_flags[n->tag] & TF_RAW) != 0;
        }
        n = ex_next(doc->root, n, skip);
    }
    visible_near_h1(&m, doc);

    ex_title_candidates tc = { m.title.v, m.ld_title.v, m.title_tag.v, m.h1.v, m.site.v };
    out->title = ex_choose_title(&tc, page_url);
    out->authors = split_authors(m.author.v);
    out->author = out->authors ? strdup(out->authors[0]) : NULL;
    out->published_at = m.published.v;
    m.published.v = NULL;
    out->modified_at = m.modified.v;
    m.modified.v = NULL;
    out->site_name = ex_site_name(m.site.v, m.publisher.v, page_url);
    out->description = m.description.v;
    m.description.v = NULL;
    out->language = lang_code(m.lang.v);
    out->canonical_url = absolute(page_url, m.canonical.v);
    out->image_url = absolute(page_url, m.image.v);
    release(&m);
    return 0;
}

/* ---- language from the text ---- */
char *ex_guess_language(const char *text)
{
    static const struct { const char *code; const char *words; } langs[] = {
        {"en", " the and of to is in that for with was "},
        {"de", " der die und das ist nicht mit den auch sich "},
        {"fr", " le la les et des est une pour dans que "},
        {"es", " el la los que del las por una para con "},
        {"it", " il di che della per una sono non con gli "},
        {"pt", " o que do da em um para com uma os "},
        {"nl", " de het een en van is dat niet op zijn "},
        {"pl", " i w na nie się że do jest to z "},
    };
    size_t cjk = 0, kana = 0, hangul = 0, cyr = 0, letters = 0, i = 0, n;
    int score[8] = {0};
    char w[16];
    if (!text)
        return NULL;
    n = strnlen(text, 20000);
    while (i < n) {
        size_t adv;
        uint32_t cp = ex_utf8_next(text + i, n - i, &adv);
        if (cp >= 0x3040 && cp <= 0x30FF) kana++;
        else if (cp >= 0xAC00 && cp <= 0xD7AF) hangul++;
        else if (ex_is_cjk(cp)) cjk++;
        else if (cp >= 0x400 && cp < 0x500) cyr++;
        else if (cp < 0x80 && isalpha((int)cp)) letters++;
        if (cp < 0x80 && isalpha((int)cp)) {
            size_t k = 0, j = i;
            while (j < n && k + 2 < sizeof w && isalpha((unsigned char)text[j]))
                w[++k] = (char)tolower((unsigned char)text[j++]);
            if (k + 2 < sizeof w && (j >= n || !isalpha((unsigned char)text[j]))) {
                w[0] = ' ';
                w[k + 1] = ' ';
                w[k + 2] = '\0';
                for (int l = 0; l < 8; l++)
                    if (strstr(langs[l].words, w))
                        score[l]++;
            }
            i = j > i ? j : i + adv;
            continue;
        }
        i += adv;
    }
    size_t total = cjk + kana + hangul + cyr + letters;
    if (total < 20)
        return NULL;
    if (kana * 10 > total) return strdup("ja");
    if (hangul * 4 > total) return strdup("ko");
    if (cjk * 4 > total) return strdup("zh");
    if (cyr * 2 > total) return strdup("ru");
    int best = -1, bs = 0, second = 0;
    for (int l = 0; l < 8; l++) {
        if (score[l] > bs) { second = bs; bs = score[l]; best = l; }
        else if (score[l] > second) second = score[l];
    }
    if (best < 0 || bs < 5 || bs < second * 3 / 2)
        return NULL;
    return strdup(langs[best].code);
}
