/* event_names.h -- names of actors for events.c (internal to analyze/).
 *
 * Finds people and organisations in a text by patterns: a title before a
 * name (掌门人周鸿祎, CEO Tim Cook) or after it (沈为教授, 张先生),
 * …公司/集团/大学/研究院 and other organisation suffixes, names joined by a
 * middle dot (杰弗里·辛顿), capitalised Latin words (OpenAI, Tony Blair).
 * Names the taxonomy knows as technologies (ChatGPT, Transformer) are
 * products, not actors, and are left out.
 */
#ifndef SKIMD_EVENT_NAMES_H
#define SKIMD_EVENT_NAMES_H

#include <stddef.h>
#include "analyze/taxonomy.h"

#define EVENT_MAX_NAMES 256
#define EVENT_NAME_BYTES 64

typedef struct event_names {
    char name[EVENT_MAX_NAMES][EVENT_NAME_BYTES];  /* NUL-terminated, distinct */
    int n;
} event_names;

/* Add the names found in t[0..len) to *en (which the caller zeroes
 * first). tx may be NULL (no technology filter). */
void event_names_find(event_names *en, const tag_taxonomy *tx, const char *t, size_t len);

/* Characters that end a name (function words: 的 了 在 和 …), and nouns
 * for groups that act (警方, 消防官兵, 专家 …); NULL-terminated. */
extern const char *const EVENT_STOP_CHARS[];
extern const char *const EVENT_GROUP_ACTORS[];

#endif
