/* feed.h -- parse a news feed: RSS 2.0 (and RSS 0.9x/1.0 items), Atom
 * 1.0 or JSON Feed 1.x, into its items' links (README "Feeds").
 *
 * XML is parsed by libxml2 with the network off and entities left
 * unexpanded; a document with a DOCTYPE is refused before any of its
 * declarations is read (no external entity, no entity expansion: XXE
 * and "billion laughs" cannot happen). The encoding is the document's
 * own (its BOM or XML declaration: UTF-8, UTF-16, GBK, GB18030, Big5,
 * Shift_JIS, ISO-8859-x, windows-125x through iconv); everything
 * returned is UTF-8. JSON Feed is read with jansson. Relative links are
 * resolved against xml:base and then the feed's own URL; only http(s)
 * links are kept.
 */
#ifndef SKIMD_FEED_H
#define SKIMD_FEED_H

#include <stddef.h>

/* Items kept from one document (the rest are ignored). */
#define FEED_MAX_ITEMS 500

typedef enum feed_kind { FEED_RSS = 1, FEED_ATOM, FEED_JSON } feed_kind;

typedef struct feed_item {
    char *url;                  /* absolute http(s) link of the article (malloc'd) */
    char *id;                   /* guid / id, or NULL (malloc'd) */
    char *title;                /* or NULL (malloc'd, whitespace collapsed) */
} feed_item;

typedef struct feed_doc {
    feed_kind kind;
    char *title;                /* the feed's title or NULL (malloc'd) */
    feed_item *items;           /* in document order, n of them, each url once */
    size_t n;
    size_t skipped;             /* items without a usable link */
} feed_doc;

/* Parse body[0..len) fetched from base_url (the final URL of the fetch).
 * content_type (may be NULL) only chooses JSON when it says json; the
 * content decides otherwise. Returns 0 with *out filled (release with
 * feed_doc_release), or -1 with a sentence in why (malformed, not a
 * feed, a DOCTYPE, too deep...). */
int feed_parse(const char *body, size_t len, const char *content_type, const char *base_url,
               feed_doc *out, char *why, size_t why_cap);

void feed_doc_release(feed_doc *d);     /* accepts NULL; zeroes it */

#endif
