/* text_brk.c -- per-thread cache of ICU break iterators (see text_brk.h).
 *
 * Each thread has a few slots keyed by (type, locale). Invariant: a slot
 * with bi != NULL owns that iterator; it is closed when evicted or when
 * the thread exits (pthread key destructor). Iterators are never shared
 * between threads: ICU iterators are not thread-safe.
 */
#include "analyze/text_brk.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BRK_SLOTS 6

typedef struct brk_slot {
    UBreakIterator *bi;       /* owned; NULL = free slot */
    UBreakIteratorType type;
    char locale[32];
    unsigned long used;       /* last use, for eviction */
} brk_slot;

typedef struct brk_cache {
    brk_slot slot[BRK_SLOTS];
    unsigned long clock;
} brk_cache;

static pthread_key_t brk_key;
static pthread_once_t brk_once = PTHREAD_ONCE_INIT;
static int brk_key_ok;

static void brk_cache_free(void *p)
{
    brk_cache *c = p;
    if (!c)
        return;
    for (int i = 0; i < BRK_SLOTS; i++)
        if (c->slot[i].bi)
            ubrk_close(c->slot[i].bi);
    free(c);
}

static void brk_key_init(void)
{
    brk_key_ok = pthread_key_create(&brk_key, brk_cache_free) == 0;
}

/* This thread's cache, created on first use; NULL when out of memory. */
static brk_cache *brk_cache_get(void)
{
    pthread_once(&brk_once, brk_key_init);
    if (!brk_key_ok)
        return NULL;
    brk_cache *c = pthread_getspecific(brk_key);
    if (c)
        return c;
    c = calloc(1, sizeof *c);
    if (c && pthread_setspecific(brk_key, c) != 0) {
        free(c);
        c = NULL;
    }
    return c;
}

UBreakIterator *text_brk_get(UBreakIteratorType type, const char *locale,
                             const UChar *u, int32_t ulen, UErrorCode *status)
{
    if (!status || U_FAILURE(*status))
        return NULL;
    if (!locale)
        locale = "";
    brk_cache *c = brk_cache_get();
    size_t ll = strlen(locale);
    if (!c || ll >= sizeof c->slot[0].locale) {
        /* no cache (or an absurd locale): an uncached iterator would leak,
         * since callers do not close; refuse instead */
        *status = U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    brk_slot *victim = &c->slot[0];
    for (int i = 0; i < BRK_SLOTS; i++) {
        brk_slot *s = &c->slot[i];
        if (s->bi && s->type == type && !strcmp(s->locale, locale)) {
            ubrk_setText(s->bi, u, ulen, status);
            s->used = ++c->clock;
            return U_SUCCESS(*status) ? s->bi : NULL;
        }
        if (!s->bi || (victim->bi && s->used < victim->used))
            victim = s;
    }
    UBreakIterator *bi = ubrk_open(type, locale, u, ulen, status);
    if (U_FAILURE(*status) || !bi) {
        if (bi)
            ubrk_close(bi);
        return NULL;
    }
    if (victim->bi)
        ubrk_close(victim->bi);
    victim->bi = bi;
    victim->type = type;
    memcpy(victim->locale, locale, ll + 1);
    victim->used = ++c->clock;
    return bi;
}
