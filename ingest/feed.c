/* feed.c -- RSS, Atom and JSON Feed documents into item links (see
 * feed.h).
 *
 * Owns the libxml2 parse (a DOCTYPE stops it in the SAX callback that
 * announces it, before any declaration is read), the walk over RSS
 * <item> and Atom <entry> elements, and JSON Feed's items through
 * jansson. Does not fetch, store or decide what is new: the feed poller
 * does (README "Feeds").
 */
#include "ingest/feed.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "ingest/url.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define MAX_TEXT 4096           /* longest title or id kept */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

static int fail(char *why, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    if (why && cap) {
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void feed_doc_release(feed_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].url);
        free(d->items[i].id);
        free(d->items[i].title);
    }
    free(d->items);
    free(d->title);
    memset(d, 0, sizeof *d);
}

/* s with runs of whitespace made one space, trimmed, at most MAX_TEXT
 * bytes (cut at a character boundary); malloc'd, NULL when empty. */
static char *collapse(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s), w = 0;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = w > 0;
            continue;
        }
        if (space)
            out[w++] = ' ';
        space = 0;
        out[w++] = (char)c;
    }
    if (w > MAX_TEXT) {
        w = MAX_TEXT;
        while (w > 0 && ((unsigned char)out[w] & 0xC0) == 0x80)
            w--;
    }
    out[w] = '\0';
    if (w == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* ref resolved against base, kept only when it is http(s); malloc'd or NULL. */
static char *absolute_link(const char *base, const char *ref)
{
    char *r = collapse(ref);
    char *abs = r ? url_resolve(base, r) : NULL;
    free(r);
    if (abs && strncasecmp(abs, "http://", 7) != 0 && strncasecmp(abs, "https://", 8) != 0) {
        free(abs);
        abs = NULL;
    }
    return abs;
}

/* Add an item (takes url, id, title; frees them when not added). */
static int add_item(feed_doc *d, char *url, char *id, char *title)
{
    int dup = 0;
    for (size_t i = 0; url && i < d->n && !dup; i++)
        dup = !strcmp(d->items[i].url, url);
    if (!url || dup || d->n >= FEED_MAX_ITEMS) {
        if (!url)
            d->skipped++;
        free(url);
        free(id);
        free(title);
        return 0;
    }
    if (!d->items && !(d->items = calloc(FEED_MAX_ITEMS, sizeof *d->items))) {
        free(url);
        free(id);
        free(title);
        return -1;
    }
    d->items[d->n++] = (feed_item){url, id, title};
    return 0;
}

/* --- XML ------------------------------------------------------------- */

static int named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static int in_atom(const xmlNode *n)
{
    return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ATOM_NS);
}

/* The collapsed text of n's first child element called name (in the
 * Atom namespace when atom is set, else in none or any); malloc'd or NULL. */
static char *child_text(const xmlNode *n, const char *name, int atom)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!named(c, name) || (atom && !in_atom(c)))
            continue;
        xmlChar *t = xmlNodeGetContent(c);
        char *r = collapse((const char *)t);
        xmlFree(t);
        return r;
    }
    return NULL;
}

/* The base URL in effect at n (xml:base, else the document's URL). */
static char *base_of(xmlDoc *doc, const xmlNode *n, const char *fallback)
{
    xmlChar *b = xmlNodeGetBase(doc, n);
    char *r = b ? absolute_link(fallback, (const char *)b) : NULL;
    xmlFree(b);
    return r ? r : strdup(fallback);
}

/* An RSS <item>: <link>, else a permalink <guid>. */
static int rss_item(feed_doc *d, xmlDoc *doc, const xmlNode *it, const char *base_url)
{
    char *base = base_of(doc, it, base_url);
    char *link = child_text(it, "link", 0), *guid = child_text(it, "guid", 0);
    char *url = NULL;
    if (base && link)
        url = absolute_link(base, link);
    if (!url && base && guid) {
        for (const xmlNode *c = it->children; c; c = c->next) {
            if (!named(c, "guid"))
                continue;
            xmlChar *perm = xmlGetProp(c, (const xmlChar *)"isPermaLink");
            if (!perm || strcasecmp((const char *)perm, "false") != 0)
                url = absolute_link(base, guid);
            xmlFree(perm);
            break;
        }
    }
    free(link);
    free(base);
    return add_item(d, url, guid, child_text(it, "title", 0));
}

/* An Atom <entry>: the first <link> whose rel is alternate (or absent). */
static int atom_entry(feed_doc *d, xmlDoc *doc, const xmlNode *e, const char *base_url)
{
    char *url = NULL;
    for (const xmlNode *c = e->children; c && !url; c = c->next) {
        if (!named(c, "link") || !in_atom(c))
            continue;
        xmlChar *rel = xmlGetProp(c, (const xmlChar *)"rel");
        xmlChar *href = xmlGetProp(c, (const xmlChar *)"href");
        if (href && (!rel || !strcmp((const char *)rel, "alternate"))) {
            char *base = base_of(doc, c, base_url);
            url = base ? absolute_link(base, (const char *)href) : NULL;
            free(base);
        }
        xmlFree(rel);
        xmlFree(href);
    }
    return add_item(d, url, child_text(e, "id", 1), child_text(e, "title", 1));
}

/* Walk the items of the root element into d. */
static int walk_xml(feed_doc *d, xmlDoc *doc, const char *base_url, char *why, size_t cap)
{
    const xmlNode *root = xmlDocGetRootElement(doc), *list = NULL;
    if (!root)
        return fail(why, cap, "the document has no root element");
    if (named(root, "feed") && in_atom(root)) {
        d->kind = FEED_ATOM;
        d->title = child_text(root, "title", 1);
        for (const xmlNode *c = root->children; c; c = c->next)
            if (named(c, "entry") && in_atom(c) && atom_entry(d, doc, c, base_url) != 0)
                return fail(why, cap, "out of memory");
        return 0;
    }
    if (named(root, "rss")) {
        for (const xmlNode *c = root->children; c && !list; c = c->next)
            if (named(c, "channel"))
                list = c;
        if (!list)
            return fail(why, cap, "an RSS document without a <channel>");
    } else if (named(root, "RDF")) {
        list = root;            /* RSS 1.0: items beside the channel */
    } else {
        return fail(why, cap, "not a feed: the root element is <%.40s>", (const char *)root->name);
    }
    d->kind = FEED_RSS;
    for (const xmlNode *c = root->children; c && !d->title; c = c->next)
        if (named(c, "channel"))
            d->title = child_text(c, "title", 0);
    for (const xmlNode *c = list->children; c; c = c->next)
        if (named(c, "item") && rss_item(d, doc, c, base_url) != 0)
            return fail(why, cap, "out of memory");
    return 0;
}

/* SAX: a DOCTYPE is announced before any of its declarations is read. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    xmlParserCtxtPtr c = ctx;
    (void)name; (void)ext; (void)sys;
    c->_private = c;            /* mark: refused */
    xmlStopParser(c);
}

static int parse_xml(const char *body, size_t len, const char *base_url, feed_doc *d,
                     char *why, size_t cap)
{
    if (len > (size_t)0x7fffffff)
        return fail(why, cap, "the document is too large");
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return fail(why, cap, "out of memory");
    ctxt->sax->internalSubset = on_doctype;
    ctxt->sax->externalSubset = on_doctype;
    ctxt->_private = NULL;
    /* no NOENT (entities stay unexpanded), no DTDLOAD, no network */
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, body, (int)len, base_url, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
                                        XML_PARSE_NOWARNING);
    int rc;
    if (ctxt->_private) {
        rc = fail(why, cap, "a feed with a DOCTYPE is refused (no DTDs or entities are read)");
    } else if (!doc || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char msg[160];
        snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "not well-formed");
        msg[strcspn(msg, "\n")] = '\0';
        rc = fail(why, cap, "malformed XML (line %d): %s", e ? e->line : 0, msg);
    } else {
        rc = walk_xml(d, doc, base_url, why, cap);
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return rc;
}

/* --- JSON Feed --------------------------------------------------------- */

static char *json_text(json_t *v)
{
    char num[32];
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return strdup(num);
    }
    return json_is_string(v) ? collapse(json_string_value(v)) : NULL;
}

static int parse_json(const char *body, size_t len, const char *base_url, feed_doc *d,
                      char *why, size_t cap)
{
    json_error_t err;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        return fail(why, cap, "malformed JSON (line %d): %s", err.line, err.text);
    int rc = 0;
    const char *version = json_string_value(json_object_get(root, "version"));
    json_t *items = json_object_get(root, "items");
    if (!version || strncmp(version, "https://jsonfeed.org/version/", 29) != 0 ||
        !json_is_array(items)) {
        rc = fail(why, cap, "not a JSON Feed: no jsonfeed.org version or no items array");
        goto done;
    }
    d->kind = FEED_JSON;
    d->title = json_text(json_object_get(root, "title"));
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        const char *u = json_string_value(json_object_get(it, "url"));
        if (!u)
            u = json_string_value(json_object_get(it, "external_url"));
        char *url = u ? absolute_link(base_url, u) : NULL;
        if (add_item(d, url, json_text(json_object_get(it, "id")),
                     json_text(json_object_get(it, "title"))) != 0) {
            rc = fail(why, cap, "out of memory");
            goto done;
        }
    }
done:
    json_decref(root);
    return rc;
}

int feed_parse(const char *body, size_t len, const char *content_type, const char *base_url,
               feed_doc *out, char *why, size_t why_cap)
{
    if (!out || !base_url || (!body && len))
        return fail(why, why_cap, "bad arguments");
    memset(out, 0, sizeof *out);
    pthread_once(&xml_once, xml_init);
    size_t i = 0;
    if (len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3))
        i = 3;                  /* a UTF-8 BOM (JSON has none; XML keeps it) */
    while (i < len && isspace((unsigned char)body[i]))
        i++;
    if (i == len)
        return fail(why, why_cap, "the document is empty");
    int json = body[i] == '{' || (content_type && strstr(content_type, "json"));
    int rc = json ? parse_json(body + i, len - i, base_url, out, why, why_cap)
                  : parse_xml(body, len, base_url, out, why, why_cap);
    if (rc != 0)
        feed_doc_release(out);
    return rc;
}
