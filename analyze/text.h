/* text.h -- language, sentences and words of one article.
 *
 * A text_ctx holds what is loaded once per process (the friso lexicon,
 * stop-word lists); after text_ctx_new() and any text_ctx_add_term() calls
 * it is read-only and may be shared by any number of threads.
 *
 * A text_doc is computed once per article by text_doc_build() and read by
 * keywords, summary and any other analyzer: sentences with byte offsets,
 * word tokens with byte offsets, sentence index and an interned term id.
 * Invariants: sentences are in text order, do not overlap, and each holds
 * the tokens [tok_begin, tok_end); tokens are in text order; every offset
 * is a valid UTF-8 boundary of doc->text.
 */
#ifndef SKIMD_TEXT_H
#define SKIMD_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/umachine.h>

#include "analyze/text_map.h"

typedef struct text_ctx text_ctx;

/* Load the lexicon and stop words. data_dir holds stopwords-zh.txt and
 * stopwords-en.txt (and, optional: stopwords-de/fr/es/it/pt/nl.txt;
 * lexicon-zh.txt, extra Chinese words);
 * friso_ini is friso's configuration file, or NULL for the default
 * (/usr/share/friso/friso.ini when present, else friso's defaults with the
 * dictionary in /usr/share/friso/dict/UTF-8/). Returns 0, or -1 with a
 * message naming the file at fault in err. Free with text_ctx_free(). */
int text_ctx_new(const char *data_dir, const char *friso_ini, text_ctx **out,
                 char *err, size_t errlen);
void text_ctx_free(text_ctx *ctx);   /* accepts NULL */

/* Add a word (UTF-8, copied) to the Chinese lexicon so the segmenter keeps
 * it whole. Only before the ctx is shared. Returns 0 or -1. */
int text_ctx_add_term(text_ctx *ctx, const char *term);

/* Add every Chinese string of a JSON file (2-10 characters, Han in it, no
 * space: the labels and aliases of data/taxonomy.json) as text_ctx_add_term
 * does; the file's shape does not matter. A missing or unreadable file adds
 * nothing and is not an error (its owner reports it). Returns 0 or -1 when
 * out of memory. */
int text_ctx_add_json_terms(text_ctx *ctx, const char *path);

/* Is the lower-cased word `norm` a stop word of lang? "zh" checks the
 * Chinese and the English list, "de"/"fr"/"es"/"it"/"pt"/"nl" their own
 * and the English one, every other language the English one. */
int text_is_stopword(const text_ctx *ctx, const char *lang, const char *norm);

/* Approximate bytes held by the lexicon and word lists. */
size_t text_ctx_bytes(const text_ctx *ctx);

/* ISO 639-1 code of text (static string), from its scripts and stop-word
 * profiles, with `declared` ("zh-CN", "en", NULL) as a hint. NULL when the
 * text has no letters and nothing is declared. */
const char *text_detect_language(const char *text, size_t len, const char *declared);

enum {
    TEXT_TOK_CJK = 1,      /* Han/Kana/Hangul word */
    TEXT_TOK_WORD = 2,     /* letters of another script (may hold digits) */
    TEXT_TOK_NUM = 3       /* a number, maybe with a unit ("3.5", "11月") */
};

enum {
    TEXT_TF_BREAK = 1,     /* punctuation (not just space) before this token */
    TEXT_TF_STOP = 2,      /* a stop word */
    TEXT_TF_SINGLE = 4     /* one CJK character */
};

typedef struct text_token {
    uint32_t start, end;   /* byte span in doc->text (or doc->title) */
    uint32_t sent;         /* sentence index (title tokens: 0) */
    uint32_t term;         /* id in doc->terms: the lower-cased form */
    uint8_t kind;          /* TEXT_TOK_* */
    uint8_t flags;         /* TEXT_TF_* */
} text_token;

typedef struct text_term {
    const char *norm;      /* lower-cased form (owned by doc) */
    const char *stem;      /* Snowball stem for en/..., else == norm */
    uint32_t stem_id;      /* id of stem among the doc's stems */
    uint32_t count;        /* occurrences in the body */
    uint32_t title_count;  /* occurrences in the title */
    uint32_t first;        /* index of the first body token, or UINT32_MAX */
    uint32_t chars;        /* code points */
    uint8_t kind;          /* TEXT_TOK_* */
    uint8_t stop;          /* stop word */
} text_term;

enum {
    TEXT_SF_QUESTION = 1,  /* ends with ? or ？ */
    TEXT_SF_NOEND = 2,     /* no sentence-final punctuation (caption, heading) */
    TEXT_SF_QUOTE = 4,     /* unbalanced quotes: a quote fragment */
    TEXT_SF_CUT = 8        /* split from an over-long sentence */
};

typedef struct text_sentence {
    uint32_t start, end;   /* byte span in doc->text, trimmed of spaces */
    uint32_t tok_begin, tok_end; /* its tokens */
    uint32_t para;         /* paragraph (text block) index */
    uint32_t chars;        /* code points */
    uint8_t flags;         /* TEXT_SF_* */
} text_sentence;

#define TEXT_MAX_SENTENCE_CHARS 500

typedef struct text_doc {
    char *text;            /* owned copy of the body, NUL-terminated */
    size_t len;
    char *title;           /* owned copy of the title, "" when none */
    char lang[8];          /* ISO 639-1, "" when unknown */
    int cjk;               /* segmented with friso (zh) */
    text_sentence *sents; size_t n_sents;
    size_t n_body_sents;   /* sentences before a tail section ("评论", "相关推荐",
                            * "Related stories" ...); analyzers read only these */
    text_token *toks; size_t n_toks;         /* body tokens */
    text_token *title_toks; size_t n_title_toks; /* spans in doc->title */
    text_term *terms; size_t n_terms;
    size_t n_stems;        /* distinct stem ids */
    size_t words;          /* word count: tokens, CJK counted by characters */
    text_map *term_map;    /* norm -> term id (internal) */
    text_map *stem_map;    /* stem -> stem id (internal) */
} text_doc;

/* Analyse title (may be NULL) and text (may be NULL or empty) into *doc.
 * Returns 0, or -1 when out of memory (doc then released). Release with
 * text_doc_release(); a zeroed doc may be released too. */
int text_doc_build(const text_ctx *ctx, const char *title, const char *text,
                   const char *declared_lang, text_doc *doc);
void text_doc_release(text_doc *doc);

/* Sentence boundaries only (no words), for callers and tests: fills up to
 * cap spans of text; returns how many sentences there are. lang "zh"/"ja"
 * uses the CJK rules, others ICU's. */
size_t text_split_sentences(const char *text, size_t len, const char *lang,
                            text_sentence *out, size_t cap);

/* Helpers shared with the other analyzers. */
/* Decode one UTF-8 code point at s[*i] (i < len), advance *i; bad bytes
 * decode as U+FFFD one byte at a time. ASCII and well-formed 3-byte
 * sequences (CJK) are decoded inline: every stage walks the text with it. */
uint32_t text_utf8_decode(const char *s, size_t len, size_t *i);
static inline uint32_t text_utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    if (u[0] < 0x80) {
        *i += 1;
        return u[0];
    }
    if ((u[0] & 0xF0) == 0xE0 && *i + 2 < len && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        *i += 3;
        return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (uint32_t)(u[2] & 0x3F);
    }
    return text_utf8_decode(s, len, i);
}
int text_is_han(uint32_t cp);
size_t text_utf8_chars(const char *s, size_t len);

/* UTF-8 s[0..len) to UTF-16 for ICU's break iterators, with map[k] the
 * byte offset in s of UTF-16 unit k and map[ulen] = len. On success
 * returns 0 and *u, *map (malloc'd, the caller frees both) and *ulen;
 * -1 when len is too large or out of memory (nothing to free). */
int text_utf16_map(const char *s, size_t len, UChar **u, uint32_t **map, int32_t *ulen);

#endif
