/* webhooks.h -- webhook delivery: the thread that empties the outbox,
 * and the Standard Webhooks secrets and signatures it uses.
 *
 * The outbox (storage/webhooks.h) is written with the changes; this
 * module sends it: one thread with its own database connection takes the
 * delivery due soonest, POSTs its payload to the subscription's URL
 * behind the SSRF guard (ingest/fetch.h, fetch_post: the same checks and
 * address pinning as page fetches; --allow-private-webhooks and
 * --allow-host let a private target through), signed per
 * standardwebhooks.com, and records the attempt: a 2xx delivers it;
 * anything else is retried with exponential backoff and jitter until
 * --webhook-max-age after the change, then the delivery is dead.
 * Delivery is at least once: a receiver dedupes by webhook-id.
 */
#ifndef SKIMD_SRV_WEBHOOKS_H
#define SKIMD_SRV_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "ingest/fetch.h"
#include "server/config.h"

/* The longest secret accepted or made ("whsec_" + base64 of 64 bytes). */
#define SRV_WH_SECRET_MAX 96
/* Room for "v1," + base64 of a SHA-256 MAC. */
#define SRV_WH_SIGNATURE_MAX 64

/* A new secret: "whsec_" + base64 of 24 random bytes (OpenSSL's
 * RAND_bytes) into out (at least SRV_WH_SECRET_MAX bytes). 0 or -1. */
int srv_webhook_secret_new(char *out, size_t cap);

/* 0 when secret is "whsec_" + standard base64 (padded) of 24 to 64
 * bytes; -1 otherwise. */
int srv_webhook_secret_check(const char *secret);

/* The webhook-signature value for one attempt: "v1," + base64 of
 * HMAC-SHA256 keyed with the secret's decoded bytes over
 * "msg_id.timestamp.body". 0, or -1 (bad secret, out too small). */
int srv_webhook_sign(const char *secret, const char *msg_id, long long timestamp,
                     const char *body, size_t len, char *out, size_t cap);

/* The guard settings for webhook targets (allow_hosts borrowed from cfg). */
fetch_options srv_webhook_guard(const srv_config *cfg);

/* When to try again after `attempts` attempts (>= 1) of a delivery made
 * at created_ms, at now_ms: base * 2^(attempts-1), at most an hour, less
 * a random part of up to half (rnd), so receivers coming back are not hit
 * by every sender at once; 0 when that is past the maximum age (dead). */
int64_t srv_webhook_retry_at(const srv_config *cfg, int attempts, int64_t created_ms,
                             int64_t now_ms, uint32_t rnd);

typedef struct srv_webhooks srv_webhooks;

/* Prepare (no thread yet); cfg is borrowed and must outlive it. 0 or -1. */
int srv_webhooks_new(srv_webhooks **out, const srv_config *cfg);

/* Start the thread; it opens its own connection (retrying each poll
 * while the file cannot be opened). 0 or -1. */
int srv_webhooks_start(srv_webhooks *w);

/* Something was written to the outbox: look now. Accepts NULL; safe
 * from any thread, before start and after stop. */
void srv_webhooks_notify(srv_webhooks *w);

/* Cancel the attempt in flight (it stays pending, to be sent again) and
 * join the thread. Accepts NULL and a never-started one. */
void srv_webhooks_stop(srv_webhooks *w);

/* Free (after stop, once nothing can notify any more). Accepts NULL. */
void srv_webhooks_free(srv_webhooks *w);

#endif
