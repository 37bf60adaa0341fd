/* summary.h -- extractive summary of one article (text_doc).
 *
 * Sentences are scored by centrality (cosine to the document's TF-IDF
 * centroid), coverage of the article's keywords and a mild lead bonus, then
 * picked by MMR (maximal marginal relevance) so that two picks do not say
 * the same thing, and printed in their original order. Questions, quote
 * fragments, datelines/bylines, captions and headings are never picked.
 */
#ifndef SKIMD_SUMMARY_H
#define SKIMD_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/keywords.h"
#include "analyze/text.h"

typedef struct sum_options {
    int sentences;   /* most sentences, any language; 0 = automatic: Chinese 3
                        (and zh_chars), others by the word target alone. When
                        set, the length targets grow to fit N sentences (a
                        third of the default per sentence) */
    int zh_chars;    /* Chinese target length in characters; 0 = 200 */
    int words;       /* other languages: target length in words; 0 = 60 */
} sum_options;

#define SUM_MAX_PICK 16

/* Choose the summary's sentences: writes up to cap sentence indices of doc
 * into idx, in text order, and returns how many (0 for an empty text).
 * kw (may be NULL when n_kw is 0) are the doc's keywords, best first; m
 * (may be NULL) gives IDF weights; opts may be NULL for the defaults. */
size_t sum_select(const kw_model *m, const text_doc *doc, const kw_item *kw, size_t n_kw,
                  const sum_options *opts, uint32_t *idx, size_t cap);

/* The text of sentences idx[0..n) of doc joined (a space between non-CJK
 * sentences), interview speaker labels ("沈为：") dropped. Returns a new
 * string the caller frees, or NULL when out of memory. */
char *sum_join(const text_doc *doc, const uint32_t *idx, size_t n);

/* sum_select + sum_join; "" for an empty text. Caller frees. */
char *sum_extract(const kw_model *m, const text_doc *doc, const kw_item *kw, size_t n_kw,
                  const sum_options *opts);

#endif
