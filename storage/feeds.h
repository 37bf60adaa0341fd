/* feeds.h -- feed subscriptions in the store (schema v11; README "Feeds").
 *
 * Invariants (storage/schema.c):
 *  - one feed per normalised URL;
 *  - feed_items holds every item link (normalised) a feed has shown; an
 *    item is submitted as an article only the first time, in the same
 *    transaction that records it, so a crash neither loses nor repeats
 *    one;
 *  - articles.feed_id is set on an article created from a feed's item
 *    (an article that existed already keeps its own);
 *  - next_poll_ms is when the poller fetches the feed next; a poll
 *    request (store_feed_poll_now) makes it 0.
 * Feeds cross this API as jansson objects ("returns new").
 */
#ifndef SKIMD_STORE_FEEDS_H
#define SKIMD_STORE_FEEDS_H

#include "storage/store.h"

/* Subscribe (strings borrowed). *existed = 1 and *id the existing feed's
 * when norm_url is subscribed already (nothing changes then). */
store_rc store_feed_create(store *st, const char *url, const char *norm_url, long interval_s,
                           int64_t *id, int *existed);

/* One feed: {id, url, interval_seconds, created_at, status, last_poll_at,
 * next_poll_at, last_error, item_count, polls, failures}; new in *out. */
store_rc store_feed_get(store *st, int64_t id, json_t **out);

/* Every feed, oldest first (at most 1000); *items returns new. */
store_rc store_feed_list(store *st, json_t **items);

/* Remove a feed and its item list; its articles stay (feed_id kept). */
store_rc store_feed_delete(store *st, int64_t id);

/* Make the feed due now. STORE_NOT_FOUND when there is none. */
store_rc store_feed_poll_now(store *st, int64_t id);

/* A feed due to be polled; the strings are malloc'd (store_feed_due_release). */
typedef struct store_feed_due {
    int64_t id;
    long interval_s;
    int failures;               /* consecutive failed polls before this one */
    char *url;                  /* the normalised URL to fetch */
    char *etag, *last_modified; /* of the last answer read, or NULL */
} store_feed_due;

/* The feed due soonest with next_poll_ms <= now_ms into *out; else
 * STORE_NOT_FOUND and *due_ms the earliest next poll (-1: no feed). */
store_rc store_feed_next(store *st, int64_t now_ms, store_feed_due *out, int64_t *due_ms);
void store_feed_due_release(store_feed_due *d);

/* One item link of a poll (borrowed). */
typedef struct store_feed_link {
    const char *url;            /* as the feed gave it, made absolute */
    const char *norm_url;       /* normalised: the dedupe key */
} store_feed_link;

/* What a poll found. */
typedef struct store_feed_poll {
    int64_t id;
    const char *status;         /* "ok", "not_modified" or "error" */
    const char *error;          /* the reason, for "error" */
    const char *etag, *last_modified;   /* "ok": the answer's (NULL: none) */
    const store_feed_link *links;       /* "ok": the items, n of them */
    size_t n;
    int64_t next_poll_ms;       /* when to poll again */
} store_feed_poll;

/* Record a poll in one transaction: for "ok", every link not seen
 * before is remembered and submitted as an article (feed_id set when it
 * is created; *created how many were); the state columns, counters and
 * next poll time are set. STORE_NOT_FOUND when the feed is gone. */
store_rc store_feed_polled(store *st, const store_feed_poll *p, size_t *created);

#endif
