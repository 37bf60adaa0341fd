/* event_lex.h -- the trigger lexicon of events.c (internal to analyze/). */
#ifndef SKIMD_EVENT_LEX_H
#define SKIMD_EVENT_LEX_H

#include <stddef.h>

enum { EV_ACT = 0, EV_STATEMENT = 1, EV_HAPPENING = 2 };

typedef struct event_trigger {
    const char *w;      /* the trigger as written */
    double weight;      /* importance of what it reports */
    int kind;           /* EV_* */
} event_trigger;

/* Best trigger in t[a..b): the heaviest one, the first on ties. zh selects
 * the Chinese lexicon (substring match) or the English one (whole words).
 * Returns its index (for event_trigger_get) or -1; *pos its offset. */
int event_find_trigger(const char *t, size_t a, size_t b, int zh, size_t *pos);
const event_trigger *event_trigger_get(int zh, int idx);
/* A trigger of two or more characters starting exactly at t[i]: its index or -1. */
int event_trigger_at(const char *t, size_t i, size_t b, int zh);

#endif
