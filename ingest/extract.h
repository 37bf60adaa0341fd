/* extract.h -- HTML page to article: main text and metadata.
 *
 * Input is UTF-8 HTML (see decode.h). Output is an extract_article whose
 * string fields are malloc'd UTF-8 or NULL when the page does not give
 * them: absent is NULL, never a guess.
 */
#ifndef SKIMD_EXTRACT_H
#define SKIMD_EXTRACT_H

#include <stddef.h>

typedef struct extract_article {
    char *title;          /* headline, site-name suffix removed */
    char *text;           /* main text; blocks separated by "\n\n" */
    char *author;         /* the first of authors (kept for compatibility) */
    char **authors;       /* every author named, in the page's order: a
                             NULL-terminated malloc'd list, or NULL */
    char *published_at;   /* ISO 8601 with the precision and zone the page
                             gives: "2024-03-16", "2023-07-03T10:12",
                             "2024-03-20T09:30:00-05:00"; no zone given, no
                             offset written (a local time, not a guess) */
    char *modified_at;    /* ISO 8601, as published_at */
    char *site_name;
    char *language;       /* ISO 639-1: declared by the page, else guessed
                             from the text when the guess is clear */
    char *canonical_url;  /* absolute */
    char *image_url;      /* lead image, absolute */
    char *description;
    char *content_html;     /* the article as sanitized HTML (allow-listed
                               elements, absolute links and images), or NULL */
    char *content_markdown; /* the same as CommonMark, or NULL */
    long word_count;      /* words of text; each CJK character counts one */
} extract_article;

typedef enum extract_status {
    EXTRACT_OK = 0,
    EXTRACT_NOT_HTML,     /* the bytes are not an HTML document */
    EXTRACT_EMPTY,        /* HTML, but no readable text in it */
    EXTRACT_NOMEM,
    EXTRACT_TOO_LARGE,    /* the page passes a bound: more nodes or
                             attributes than below, or one word or block
                             of text over the 1 MiB text cap */
    EXTRACT_BADARG
} extract_status;

/* Bounds of one page (issue 12). Past either, the page is EXTRACT_TOO_LARGE
 * and its parse stops there. Nodes are elements, text runs and the
 * document: a 5 MiB page of real paragraphs has about 250 000; each takes
 * about 150 bytes of DOM, so the bound keeps a tree under ~45 MiB. The
 * attributes bound counts every attribute read, kept or not. */
#define EXTRACT_MAX_NODES 300000
#define EXTRACT_MAX_ATTRS 1000000

/* Extract the article from `len` bytes of UTF-8 HTML. Thread-safe and
 * reentrant; never recursive (any nesting depth is safe); the DOM's memory
 * is capped at about 12 times the page plus 4 MiB, and at 48 MiB whatever
 * the page (a larger tree is cut there); at most 64 attributes are kept
 * per element.
 * page_url: where the page came from (to make links absolute); may be NULL,
 *           then relative canonical/image URLs are left NULL.
 * On EXTRACT_OK *out holds the article, release it with
 * extract_article_release(). On any other status *out is left zeroed. */
extract_status extract_article_from_html(const char *html, size_t len,
                                         const char *page_url,
                                         extract_article *out);

/* Free every field of `a` and zero it. Accepts NULL. */
void extract_article_release(extract_article *a);

/* Number of words in UTF-8 `text`: runs of letters/digits for alphabetic
 * scripts, one per CJK character. */
long extract_count_words(const char *text);

#endif
