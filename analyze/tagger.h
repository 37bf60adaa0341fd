/* tagger.h -- facet tags for one article, from a loaded taxonomy.
 *
 * Scores each tag from its matches in the normalised title and text:
 * occurrences, presence in the title and the lead, spread across the
 * article, cue words (weighted), and support between parents and
 * children. A tag needs TAG_MIN_SCORE to be kept, so one passing mention
 * in the body is not enough; at most TAG_MAX_PER_FACET per facet.
 */
#ifndef SKIMD_TAGGER_H
#define SKIMD_TAGGER_H

#include <jansson.h>
#include "analyze/taxonomy.h"

#define TAG_MAX_PER_FACET 5
#define TAG_MIN_SCORE 2.0

/* 1 when labels should be Chinese: the declared language starts with
 * "zh", or, with no declaration, Han characters outnumber Latin letters
 * in title + text. */
int tag_prefer_zh(const char *declared, const char *title, const char *text);

/* Tag an article. title, text and events (the key events' texts, one
 * string; a tag named there counts more) may be NULL. zh selects the label
 * language. On success returns 0 and sets *tags (returns new: object
 * facet -> array of labels, best first) and *evidence (returns new:
 * object facet -> array of {"id","label","score","terms"}); facets
 * without tags are left out. Returns -1 when out of memory. */
int tag_article(const tag_taxonomy *tx, const char *title, const char *text,
                const char *events, int zh, json_t **tags, json_t **evidence);

/* The taxonomy's names and cues found in s (tag_match on the normalised
 * text) that pass the case rule: a term written with capitals ("Total",
 * "BP") only as written, a lower-case term not as a capitalised word
 * inside a sentence ("Bonds" the player); is_title relaxes it for
 * title-cased headlines. *hits (malloc'd, caller frees) has spans in the
 * normalised text, whose length goes to *norm_len (may be NULL).
 * Returns 0, or -1 when out of memory. */
int tag_find_terms(const tag_taxonomy *tx, const char *s, int is_title, tag_hit **hits, size_t *n_hits,
                   size_t *norm_len);

#endif
