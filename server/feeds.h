/* feeds.h -- the feed poller: one thread that fetches each subscribed
 * feed when it is due and submits its new items (README "Feeds").
 *
 * A poll is a conditional GET (the feed's last ETag / Last-Modified)
 * through fetch_url: the same SSRF guard, address pinning, size cap and
 * timeout as page fetches. The answer is parsed by ingest/feed.c and
 * recorded by storage/feeds.c in one transaction with the articles it
 * submits. The next poll is the feed's interval later; after a failure
 * it is interval * 2^(failures - 1), at most --feed-max-interval (or the
 * interval when it is longer), so a failing feed never loops fast.
 */
#ifndef SKIMD_SRV_FEEDS_H
#define SKIMD_SRV_FEEDS_H

#include <stdint.h>

#include "server/config.h"

typedef struct srv_feeds srv_feeds;

/* When to poll again (ms since the epoch) after a poll at now_ms of a
 * feed polled every interval_s: failures is the consecutive failed polls
 * including this one (0 after a success). */
int64_t srv_feed_next_poll(const srv_config *cfg, long interval_s, int failures, int64_t now_ms);

/* Prepare (no thread yet); cfg is borrowed and must outlive it. 0 or -1. */
int srv_feeds_new(srv_feeds **out, const srv_config *cfg);

/* Start the thread (it opens its own connection). 0 or -1. */
int srv_feeds_start(srv_feeds *f);

/* A feed was added or asked to poll: look now. Accepts NULL. */
void srv_feeds_notify(srv_feeds *f);

/* Cancel the fetch in flight and join the thread; then free. Accept NULL. */
void srv_feeds_stop(srv_feeds *f);
void srv_feeds_free(srv_feeds *f);

#endif
