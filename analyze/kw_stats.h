/* kw_stats.h -- document frequencies counted over the stored articles,
 * the second source of the keyword IDF (see keywords.h, docs/analysis.md
 * "IDF refinement from stored articles").
 *
 * A kw_stats is built by one thread (kw_stats_new, kw_stats_set_docs,
 * kw_stats_add), then handed to kw_model_set_stored(), which takes it
 * over; from then on it is read-only and shared by every thread that
 * ranks keywords, and freed when the last of them lets go of it (a
 * reference count). Only the languages with a shipped table ("zh",
 * "en") are counted; anything else is ignored.
 *
 * kw_doc_terms() gives the terms of one article exactly as they are
 * counted: the same lower-cased forms kw_idf() looks up, each once.
 */
#ifndef SKIMD_KW_STATS_H
#define SKIMD_KW_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/text.h"

typedef struct kw_stats kw_stats;

#define KW_STATS_LANGS 2          /* "zh", "en" */
#define KW_STATS_TERM_MAX 64      /* longer words are not counted (bytes) */
#define KW_STATS_DOC_TERMS 4000   /* at most this many distinct terms per article */
#define KW_STATS_MIN_DF 2         /* a stored term counts from this df on */
#define KW_STATS_MAX_TERMS 200000 /* terms kept in memory per language */

/* 0 for "zh", 1 for "en", -1 for any other language (or NULL). */
int kw_stats_lang(const char *lang);

/* A new empty table (no documents), or NULL when out of memory. */
kw_stats *kw_stats_new(void);
/* Free a table nobody else holds (one never given to kw_model_set_stored,
 * or after its last kw_stats_drop); accepts NULL. */
void kw_stats_free(kw_stats *s);

/* Articles behind lang's counts. Returns 0, or -1 for another language. */
int kw_stats_set_docs(kw_stats *s, const char *lang, double n);
/* df of term[0..len) in lang. Terms with df < KW_STATS_MIN_DF, longer than
 * KW_STATS_TERM_MAX, or beyond KW_STATS_MAX_TERMS for the language are
 * skipped (return 0). Returns 0, or -1 when out of memory. */
int kw_stats_add(kw_stats *s, const char *lang, const char *term, size_t len, double df);

/* Reading (any thread, once built): documents of language index t, and
 * df of a term (0 when not kept). */
double kw_stats_docs(const kw_stats *s, int t);
double kw_stats_df(const kw_stats *s, int t, const char *term, size_t len);
size_t kw_stats_terms(const kw_stats *s, int t);
size_t kw_stats_bytes(const kw_stats *s);

/* Reference counting, for kw_model: hold adds a reference; drop removes
 * one and frees the table with the last. Both accept NULL. */
void kw_stats_hold(kw_stats *s);
void kw_stats_drop(kw_stats *s);

/* The distinct counted terms of doc: not stop words, not numbers, in the
 * body or the title, at most KW_STATS_TERM_MAX bytes; at most cap of them,
 * in order of first appearance. Writes pointers borrowed from doc (valid
 * while doc lives) and returns how many; 0 for a language without a
 * shipped table (kw_stats_lang(doc->lang) < 0). */
size_t kw_doc_terms(const text_doc *doc, const char **out, size_t cap);

#endif
