/* events.h -- key events of an article: what happened, when, and who.
 *
 * An event is a clause with a trigger (发布, 宣布, 收购, 辞职, 死亡,
 * released, announced, resigned ...) and, for statements, a named actor.
 * Its text is trimmed to the event (at most EVENT_MAX_ZH_CHARS characters
 * for Chinese, by whole clauses); in other languages it is the whole
 * sentence (one over EVENT_MAX_EN_WORDS words loses whole trailing
 * clauses), its date normalised
 * against the publication date (dates.h), its actors found by patterns
 * (…公司/集团/大学, titles such as 教授/CEO before or after a name,
 * capitalised Latin names). Questions, hypotheticals, negated acts and
 * opinions without an act are left out; the same event told twice is
 * kept once.
 */
#ifndef SKIMD_EVENTS_H
#define SKIMD_EVENTS_H

#include <jansson.h>
#include "analyze/taxonomy.h"

#define EVENT_MAX 9
#define EVENT_MAX_ZH_CHARS 120
#define EVENT_MAX_EN_WORDS 60

/* Extract up to EVENT_MAX events, most important first. tx may be NULL
 * (unused for now beyond future actor hints); title, text, published_at
 * may be NULL (no publication date: dates relative to it stay null).
 * On success returns 0 and sets *events (returns new: array of
 * {"text","date" (string or null),"actors" [strings]}); -1 when out of
 * memory. */
int event_extract(const tag_taxonomy *tx, const char *title, const char *text,
                  const char *published_at, json_t **events);

/* The "text" of each event (borrowed array), joined with newlines, for
 * the tagger. Returns a malloc'd string the caller frees; NULL when out
 * of memory. */
char *event_join_texts(const json_t *events);

#endif
