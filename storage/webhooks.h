/* webhooks.h -- webhook subscriptions and their outbox in the store.
 *
 * Invariants (schema v7, storage/schema.c):
 *  - a delivery row (the outbox) is written in the same transaction as
 *    the change it reports: store_job_finish_ready / _failed and
 *    store_article_delete add one per subscription wanting the event, so
 *    a change that rolls back (a stale job, a crash) reports nothing and
 *    a committed change is never lost;
 *  - the payload is the record as it was in that transaction;
 *  - a delivery is pending until an attempt gets a 2xx (delivered) or its
 *    retry time runs out (dead); every attempt is recorded.
 * Records cross this API as jansson objects ("returns new": the caller
 * owns the reference); strings in store_delivery are the caller's.
 */
#ifndef SKIMD_STORE_WEBHOOKS_H
#define SKIMD_STORE_WEBHOOKS_H

#include "storage/store.h"

/* The events, one bit each (webhooks.events is a mask of them). */
#define STORE_EV_READY      1u   /* "article.ready": a first read succeeded */
#define STORE_EV_FAILED     2u   /* "article.failed": a first read failed */
#define STORE_EV_REFRESHED  4u   /* "article.refreshed": a refresh finished
                                  * (its outcome in the record's last_refresh) */
#define STORE_EV_DELETED    8u   /* "article.deleted": data is {"id": N} */
#define STORE_EV_ALL        15u

/* "article.ready" ... for one bit; NULL for anything else. */
const char *store_event_name(unsigned bit);
/* The bit of an event name; 0 when unknown. */
unsigned store_event_bit(const char *name);

/* Add a subscription (strings borrowed; description may be NULL). *id
 * receives its id. */
store_rc store_webhook_create(store *st, const char *url, unsigned events, const char *secret,
                              const char *description, int64_t *id);

/* One subscription as {id, url, events, description, created_at} (the
 * secret is never read back); returns new in *out. */
store_rc store_webhook_get(store *st, int64_t id, json_t **out);

/* Every subscription, oldest first (at most 1000); *items returns new. */
store_rc store_webhook_list(store *st, json_t **items);

/* Remove a subscription and its deliveries (pending ones are not sent). */
store_rc store_webhook_delete(store *st, int64_t id);

/* The deliveries of subscription hook_id, newest first, ids below
 * before_id (0: from the newest), at most limit (1..100); each with its
 * attempts. *next_id: the cursor id for the next page, 0 at the end.
 * STORE_NOT_FOUND when there is no such subscription. */
store_rc store_webhook_deliveries(store *st, int64_t hook_id, int64_t before_id, int limit,
                                  json_t **items, int64_t *next_id);

/* A delivery due to be attempted; the strings are malloc'd. */
typedef struct store_delivery {
    int64_t id;                 /* row id */
    char *msg_id;               /* the webhook-id header: the same on every retry */
    char *url;                  /* the subscription's target */
    char *secret;               /* its "whsec_..." secret */
    char *payload;              /* the body, as written with the change */
    size_t payload_len;
    int64_t created_ms;         /* when the change happened */
    int attempts;               /* attempts made so far */
} store_delivery;

/* The pending delivery due soonest at now_ms. STORE_NOT_FOUND when none
 * is due; then *next_due_ms (may be NULL) is when the next one is, or -1
 * when nothing is pending. Release with store_delivery_release. On a
 * shared database (PostgreSQL) the delivery is taken for lease_ms: its
 * next attempt moves that far ahead, so no other daemon sends it
 * meanwhile, and another does if this one dies before settling it. */
store_rc store_delivery_next(store *st, int64_t now_ms, int64_t lease_ms, store_delivery *d,
                             int64_t *next_due_ms);
void store_delivery_release(store_delivery *d);

/* One attempt's outcome. */
typedef struct store_attempt {
    int64_t at_ms;              /* when it was made */
    long status_code;           /* the HTTP status; 0: no answer */
    const char *error;          /* why it failed, or NULL; borrowed */
    int delivered;              /* 1: a 2xx, the delivery is done */
    int64_t retry_ms;           /* not delivered: next attempt at, or 0: dead */
} store_attempt;

/* Record the attempt and the delivery's new state in one transaction.
 * STORE_NOT_FOUND when the delivery is gone (its subscription deleted)
 * or no longer pending. */
store_rc store_delivery_settle(store *st, const store_delivery *d, const store_attempt *a);

/* Remove at most limit deliveries settled (delivered or dead) before
 * before_ms, with their attempts, in one transaction; pending ones are
 * never removed. Returns how many, or -1 on error. */
long store_deliveries_prune(store *st, int64_t before_ms, int limit);

/* Count deliveries by state into counts[3] (pending, delivered, dead). */
store_rc store_delivery_counts(store *st, int64_t counts[3]);

#endif
