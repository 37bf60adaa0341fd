/* extract_int.h -- private interface shared by the extract_*.c files.
 *
 * Not for callers outside ingest/extract*.c: the public API is extract.h.
 * Holds the arena, the light DOM built by extract_html.c, the growable
 * text buffer and the per-stage entry points.
 */
#ifndef SKIMD_EXTRACT_INT_H
#define SKIMD_EXTRACT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ingest/extract.h"

/* ---- arena: every DOM allocation of one extraction, freed at once ---- */
typedef struct ex_chunk ex_chunk;
typedef struct ex_arena {
    ex_chunk *head;   /* newest chunk first */
    size_t used;      /* bytes used in head */
    size_t cap;       /* bytes in head */
    size_t total;     /* bytes of all chunks */
    size_t limit;     /* total never exceeds this; allocation fails */
    int capped;       /* an allocation was refused by the limit (not OOM) */
} ex_arena;

void *ex_alloc(ex_arena *a, size_t n);          /* NULL when over limit/OOM */
char *ex_strndup(ex_arena *a, const char *s, size_t n);
void ex_arena_release(ex_arena *a);

/* ---- tags ---- */
enum {
    T_OTHER = 0,
#define EX_TAG(id, name, flags) id,
#include "ingest/extract_tags.h"
#undef EX_TAG
    T_COUNT
};

/* tag flags */
#define TF_VOID    0x01  /* no end tag, no children */
#define TF_BLOCK   0x02  /* breaks text into blocks */
#define TF_RAW     0x04  /* raw text content (script, style ...) */
#define TF_SKIP    0x08  /* never text: script, style, forms controls ... */
#define TF_CLOSEP  0x10  /* start tag closes an open <p> */
#define TF_SCOPE   0x20  /* end-tag search stops here */

extern const uint8_t ex_tag_flags[T_COUNT];
int ex_tag_lookup(const char *name, size_t len);

/* ---- DOM ---- */
typedef struct ex_attr {
    const char *name;        /* lower-case */
    const char *value;       /* entities decoded, NUL-terminated */
    struct ex_attr *next;
} ex_attr;

#define NF_TEXT     0x0001   /* a text node */
#define NF_HIDDEN   0x0002   /* hidden by attribute or inline style */
#define NF_BOILER   0x0004   /* boilerplate by tag/class/id/role */
#define NF_LINK     0x0008   /* inside an <a href> */
#define NF_GOOD     0x0010   /* class/id says content */
#define NF_CAND     0x0020   /* scored as a candidate */
#define NF_DROP     0x0040   /* removed by the cleaner */
#define NF_KEEP     0x0080   /* selected for output */
#define NF_REPLY    0x0100   /* a comment's reply link or button is below */

typedef struct ex_node {
    struct ex_node *parent, *first, *last, *next, *prev;
    ex_attr *attrs;          /* elements only */
    const char *name;        /* lower-case tag name; NULL for text */
    const char *text;        /* text nodes: content (not NUL-terminated) */
    uint32_t len;            /* text nodes: bytes of text */
    uint16_t tag;            /* T_* */
    uint16_t flags;          /* NF_* */
    uint16_t reply_kids;     /* children with a reply link below (scorer) */
    /* statistics filled by the scorer (extract_score.c) */
    uint32_t raw;            /* non-blank text bytes below, boilerplate included */
    uint32_t raw_p;          /* of which inside <p> elements */
    uint32_t order;          /* element's place in document order (scorer) */
    uint32_t chars;          /* visible characters below (CJK = 1) */
    uint32_t link_chars;     /* of which inside links */
    uint32_t punct;          /* sentence punctuation below */
    uint32_t paras;          /* <p>-like blocks below with text */
    uint32_t wchars;         /* weighted non-link chars below (CJK = 3) */
    uint32_t own;            /* weighted non-link chars of own inline text */
    uint32_t own_punct;      /* punctuation in own inline text */
    uint32_t p_w;            /* of wchars, those inside <p> elements */
    uint32_t block;          /* text, <img>, <br>, <hr>: the emitter's block
                                number when written (0: never written);
                                extract_render.c renders what the text kept */
    float score;             /* content score as a candidate */
    float weight;            /* class/id weight */
} ex_node;

/* Which of the emitter's blocks survived into the text (extract_emit.c
 * writes it, extract_render.c reads it). Block numbers start at 1. */
typedef struct ex_marks {
    uint8_t *dropped;        /* dropped[k]: block k is not in the text */
    uint32_t *start;         /* start[k]: its offset in the text */
    uint32_t n;              /* blocks numbered so far (the next is n) */
    uint32_t cap;            /* entries allocated */
    int failed;              /* out of memory: do not render */
} ex_marks;

typedef struct ex_doc {
    ex_arena arena;
    ex_node *root;           /* document node (tag T_OTHER, name "#doc") */
    ex_node *html, *head, *body;
    size_t elements;         /* element count */
    size_t nodes;            /* nodes of every kind made so far */
    int over;                /* the page passed EXTRACT_MAX_NODES or
                                EXTRACT_MAX_ATTRS: too large, parse stopped */
    const char *ld_body;     /* JSON-LD articleBody (arena), or NULL */
    ex_marks marks;          /* blocks of the main text (malloc'd arrays) */
} ex_doc;

/* Parse UTF-8 HTML into doc. Returns 0, or -1 when out of memory/limit
 * (the tree holds what was parsed so far; doc->over says the page passed
 * a bound of extract.h, then the page is refused). Never recursive. */
int ex_parse(ex_doc *doc, const char *html, size_t len);
void ex_doc_release(ex_doc *doc);

const char *ex_attr_get(const ex_node *n, const char *name);
/* Next node in document order under root (pre-order), skipping the
 * children of n when skip_children is set. */
ex_node *ex_next(const ex_node *root, ex_node *n, int skip_children);

/* ---- text buffer ---- */
typedef struct ex_buf {
    char *buf;               /* NUL-terminated when len > 0 */
    size_t len;
    size_t cap;
    size_t limit;            /* never grows beyond this many bytes */
    int failed;              /* OOM or limit hit: content is truncated */
    int capped;              /* ...and it was the limit, not OOM */
} ex_buf;

void ex_buf_put(ex_buf *b, const char *s, size_t n);
/* Append s collapsing whitespace runs (incl. NBSP, U+3000) to one space. */
void ex_buf_put_text(ex_buf *b, const char *s, size_t n);
void ex_buf_end_block(ex_buf *b);   /* "\n\n" unless at start/after one */
void ex_buf_trim(ex_buf *b);
char *ex_buf_take(ex_buf *b);       /* malloc'd string (caller frees) or NULL */

/* Text of a subtree, whitespace-collapsed, into a malloc'd string or NULL;
 * at most cap bytes, from at most the first 4096 nodes of the subtree. */
char *ex_node_text(const ex_node *n, size_t cap);

/* ---- class names and ids (extract_class.c) ---- */
#define EX_KNOWN_RANKS 6
typedef struct ex_class_cache ex_class_cache;
/* Per-page cache of class analysis; NULL on OOM (callers run uncached).
 * Free with ex_class_cache_free (accepts NULL). */
ex_class_cache *ex_class_cache_new(void);
void ex_class_cache_free(ex_class_cache *c);
/* Readability-style weight of n's class/id (+25 content, -25 boilerplate);
 * *boiler = 1 for boilerplate names, 2 for comment sections, else 0;
 * *rank = ex_known_rank(n). cache may be NULL. */
float ex_classify(ex_class_cache *cache, const ex_node *n, int *boiler, int *rank);
/* 0..5 when n is named like an article body container (0 best), else -1 */
int ex_known_rank(const ex_node *n);
/* n is named like a lead paragraph (standfirst, teaser text) */
int ex_lead_class(const ex_node *n);
int ex_attr_is(const ex_node *n, const char *name, const char *val);

/* ---- text output (extract_emit.c) ---- */
typedef struct ex_emitter {
    ex_buf b;                /* the text so far */
    size_t block_start;      /* where the current block began in b */
    const char *title;       /* a block equal to it is dropped; may be NULL */
    int all;                 /* last resort: ignore boilerplate marks */
    int stopped;             /* a tail marker was seen: nothing more */
    ex_marks *marks;         /* where blocks are numbered; NULL: not kept */
    uint64_t *seen;          /* hashes of blocks written (malloc'd lazily) */
    uint32_t seen_n;         /* of which used */
} ex_emitter;
/* Start the text again (the fallbacks): empty, nothing seen, not stopped. */
void ex_emit_restart(ex_emitter *e);
/* Free what the emitter holds (the text buffer too); accepts a zeroed one. */
void ex_emitter_release(ex_emitter *e);
/* Append the text of root's subtree; top is the chosen container (never
 * dropped by the cleaner). */
void ex_emit(ex_emitter *e, ex_node *root, const ex_node *top);
/* Cut trailing short blocks that are no sentences. */
void ex_trim_tail(ex_buf *b);
/* After the text is final: blocks beginning at or after text_len, and
 * (all_before) every block numbered so far, are marked dropped. */
void ex_marks_cut(ex_marks *m, size_t text_len, int all_before);
void ex_marks_release(ex_marks *m);

/* ---- the article as HTML and Markdown (extract_render.c) ---- */
/* Render what the main text kept (doc->marks, the nodes' block numbers)
 * as sanitized HTML (*html) and CommonMark (*md), malloc'd; links and
 * images made absolute against page_url (dropped when they cannot be).
 * When ld_text is set, the text came from JSON-LD: it is rendered as
 * paragraphs instead. Returns 0, or -1 when out of memory (both NULL). */
int ex_render(ex_doc *doc, const char *page_url, const char *ld_text, char **html, char **md);

/* Is n a comment thread: at least 3 of its children, and half of its
 * blocks, carry a reply link ("Reply", "Antworten", 回复)? Such a node is
 * never the article and is dropped from inside it, whatever its class. */
static inline int ex_thread_like(const ex_node *n)
{
    return n->reply_kids >= 3 && (uint32_t)n->reply_kids * 2 >= n->paras;
}

/* Is s[0..n) the label of a reply link (data/extract-words.txt
 * [reply_words]), spaces around it aside? (extract_emit.c) */
int ex_reply_label(const char *s, size_t n);

static inline float ex_link_density(const ex_node *n)
{
    return n->chars ? (float)n->link_chars / (float)n->chars : 0.0f;
}

/* ---- stages ---- */
/* Main text (extract_score.c): malloc'd text (caller frees) or NULL when
 * the page has none; *nomem is set when memory ran out instead (1), or
 * when one piece of text was over the text cap (2: the page is too large). */
char *ex_main_text(ex_doc *doc, const char *title, int *nomem);
/* Metadata (extract_meta.c): fills every field of out except text and
 * word_count with malloc'd strings; a field the page does not give (or
 * that cannot be allocated) stays NULL. Returns 0. */
int ex_metadata(ex_doc *doc, const char *page_url, extract_article *out);
/* Title and site name (extract_title.c). The candidates a page declares,
 * any of them NULL; borrowed. */
typedef struct ex_title_candidates {
    const char *declared;    /* og:title, twitter:title, <meta name=title> */
    const char *ld_title;    /* JSON-LD headline */
    const char *title_tag;   /* <title> */
    const char *h1;          /* the first non-empty <h1> */
    const char *site;        /* the site name as declared (before cleaning) */
} ex_title_candidates;
/* The title: the <h1> when a declared title contains it, else the JSON-LD
 * headline, else the declared title or <title> without the site's name
 * (a segment naming the site or page_url's host, or short next to the
 * rest); a candidate that is only the site's name is passed over.
 * malloc'd, or NULL when the page gives none. page_url may be NULL. */
char *ex_choose_title(const ex_title_candidates *c, const char *page_url);
/* The site name: declared, or the publisher when the declared one does not
 * name page_url's host and the publisher does; a one-word domain name
 * loses its suffix ("Libération.fr"), a company its legal form ("… Inc").
 * malloc'd, or NULL. */
char *ex_site_name(const char *declared, const char *publisher, const char *page_url);
/* Dates (extract_date.c): ISO 8601 from a machine or visible date; NULL
 * when s holds no complete date. */
char *ex_date_iso(const char *s, size_t n);
/* Language of a text from its script and common words ("en", "zh" ...),
 * malloc'd, or NULL when unsure. */
char *ex_guess_language(const char *text);

/* UTF-8 decode one code point at s (n bytes available); *adv its length. */
uint32_t ex_utf8_next(const char *s, size_t n, size_t *adv);
int ex_is_cjk(uint32_t cp);

#endif
