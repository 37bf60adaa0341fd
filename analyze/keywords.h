/* keywords.h -- keywords of one article (text_doc) for the record.
 *
 * A kw_model holds the background document frequencies (data/idf-zh.tsv,
 * data/idf-en.tsv), loaded once and read-only afterwards: share it across
 * threads. The one change it accepts later, from any thread, is a new set
 * of counts over the stored articles (kw_model_set_stored): readers keep
 * the set they started a document with until they are done with it. kw_extract() ranks single words and multi-word phrases by term
 * frequency x background IDF, position and title boosts and a TextRank
 * co-occurrence score, and drops bylines, speaker labels, site names,
 * boilerplate, bare numbers and substrings of better keywords.
 */
#ifndef SKIMD_KEYWORDS_H
#define SKIMD_KEYWORDS_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/kw_stats.h"
#include "analyze/text.h"

typedef struct kw_model kw_model;

#define KW_MAX 10           /* keywords per article in the record */
#define KW_TEXT_MAX 128     /* bytes of one keyword's surface form */
#define KW_MAX_TERMS 4      /* words in a phrase */

typedef struct kw_item {
    char text[KW_TEXT_MAX]; /* surface form as in the text */
    char norm[KW_TEXT_MAX]; /* lower-cased form (words joined by ' ' or, in CJK, nothing) */
    double score;           /* higher is better; comparable within one doc */
    uint32_t terms[KW_MAX_TERMS]; /* its words: term ids of the doc */
    uint32_t n_terms;
    uint32_t count;         /* occurrences in the body */
} kw_item;

/* Load data_dir/idf-zh.tsv and data_dir/idf-en.tsv (missing files mean a
 * flat IDF; a malformed file is an error naming file and line). Returns 0
 * or -1 with err set. Free with kw_model_free(). */
int kw_model_load(const char *data_dir, kw_model **out, char *err, size_t errlen);
void kw_model_free(kw_model *m);   /* accepts NULL */
size_t kw_model_bytes(const kw_model *m);

/* The shipped table weighs as at least this many documents when it is
 * combined with stored-article counts (see kw_idf). */
#define KW_PRIOR_DOCS 0.0

/* Install the counts over the stored articles (takes s over, NULL
 * removes them). Thread-safe against kw_idf / kw_extract / sum_* on other
 * threads; the previous set is freed when its last reader is done. */
void kw_model_set_stored(kw_model *m, kw_stats *s);
/* Change the shipped table's minimum weight (evaluation; before sharing). */
void kw_model_set_prior(kw_model *m, double docs);

/* Many lookups with one set of stored counts (and one lock round trip
 * instead of one per word): kw_idf_hold returns the set (NULL when none),
 * kw_idf_in looks up with it, kw_idf_let_go releases it (accepts NULL). */
const kw_stats *kw_idf_hold(const kw_model *m);
double kw_idf_in(const kw_model *m, const kw_stats *held, const char *lang, const char *norm);
void kw_idf_let_go(const kw_stats *held);

/* Background IDF of a lower-cased word in lang; an unseen word gets the
 * highest IDF of the table; languages without a table get 1. With stored
 * counts (N1 articles, df1) next to the shipped ones (N0, df0):
 * log((w(N0+1) + N1) / (w(df0+1) + df1)) + 1, w = max(1, prior / N0);
 * without, log((N0+1) / (df0+1)) + 1. */
double kw_idf(const kw_model *m, const char *lang, const char *norm);

/* Up to cap (<= KW_MAX recommended) keywords of doc into out, best first.
 * `url` (may be NULL) helps recognise the site name. Returns how many. */
size_t kw_extract(const kw_model *m, const text_doc *doc, const char *url,
                  kw_item *out, size_t cap);

/* The plain TF-IDF baseline used by the evaluation: single non-stop words
 * ranked by count x IDF, nothing else. */
size_t kw_baseline_tfidf(const kw_model *m, const text_doc *doc, kw_item *out, size_t cap);

#endif
