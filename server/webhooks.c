/* webhooks.c -- the delivery thread, and Standard Webhooks signing.
 *
 * Owns sending the outbox (storage/webhooks.c holds it): which delivery
 * goes next, the signed POST (ingest/fetch.c's fetch_post, behind the
 * guard), the retry schedule, and recording each attempt. Secrets and
 * signatures use OpenSSL (RAND_bytes, HMAC-SHA256 through EVP_MAC, base64 via
 * EVP_EncodeBlock/EVP_DecodeBlock); nothing cryptographic is written here.
 * Does not decide which events exist or what a payload holds.
 */
#include "server/webhooks.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "server/version.h"
#include "storage/store.h"
#include "storage/webhooks.h"

#define SECRET_PREFIX "whsec_"
#define SECRET_NEW_BYTES 24
#define SECRET_MIN_BYTES 24
#define SECRET_MAX_BYTES 64
#define RETRY_CAP_MS (3600LL * 1000)
#define IDLE_POLL_MS 1000           /* look at the outbox at least this often */
#define PRUNE_EVERY_MS 60000       /* prune settled deliveries at most this often */
#define PRUNE_BATCH 1000            /* deliveries removed per transaction */
#define ANSWER_CAP_BYTES (64 * 1024) /* a receiver's answer is read and dropped */

/* --- secrets and signatures ----------------------------------------- */

int srv_webhook_secret_new(char *out, size_t cap)
{
    unsigned char raw[SECRET_NEW_BYTES];
    size_t pl = strlen(SECRET_PREFIX);
    if (!out || cap < pl + 4 * ((SECRET_NEW_BYTES + 2) / 3) + 1 ||
        RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    memcpy(out, SECRET_PREFIX, pl);
    EVP_EncodeBlock((unsigned char *)out + pl, raw, sizeof raw);
    return 0;
}

/* Decode the base64 part of a secret into key; its length, or -1 when the
 * secret is not "whsec_" + padded standard base64 of 24..64 bytes. */
static int secret_key(const char *secret, unsigned char key[SECRET_MAX_BYTES + 3])
{
    size_t pl = strlen(SECRET_PREFIX), n, pad = 0;
    if (!secret || strncmp(secret, SECRET_PREFIX, pl) != 0)
        return -1;
    const char *b = secret + pl;
    n = strlen(b);
    if (n == 0 || n % 4 != 0 || n > 4 * ((SECRET_MAX_BYTES + 2) / 3))
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '+' || c == '/';
        if (c == '=' && i >= n - 2) {
            pad++;
            continue;
        }
        if (!ok || pad)
            return -1;
    }
    int got = EVP_DecodeBlock(key, (const unsigned char *)b, (int)n);
    if (got < 0)
        return -1;
    got -= (int)pad;
    return got >= SECRET_MIN_BYTES && got <= SECRET_MAX_BYTES ? got : -1;
}

int srv_webhook_secret_check(const char *secret)
{
    unsigned char key[SECRET_MAX_BYTES + 3];
    int n = secret_key(secret, key);
    OPENSSL_cleanse(key, sizeof key);
    return n > 0 ? 0 : -1;
}

int srv_webhook_sign(const char *secret, const char *msg_id, long long timestamp,
                     const char *body, size_t len, char *out, size_t cap)
{
    unsigned char key[SECRET_MAX_BYTES + 3], mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;
    char head[160], digest[] = "SHA256";
    int ret = -1, kl = secret_key(secret, key);
    EVP_MAC *hmac = NULL;
    EVP_MAC_CTX *h = NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    int hl = msg_id ? snprintf(head, sizeof head, "%s.%lld.", msg_id, timestamp) : -1;
    if (kl < 0 || hl < 0 || (size_t)hl >= sizeof head || !out || cap < SRV_WH_SIGNATURE_MAX ||
        (!body && len))
        goto done;
    if (!(hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)) || !(h = EVP_MAC_CTX_new(hmac)) ||
        EVP_MAC_init(h, key, (size_t)kl, params) != 1 ||
        EVP_MAC_update(h, (const unsigned char *)head, (size_t)hl) != 1 ||
        (len && EVP_MAC_update(h, (const unsigned char *)body, len) != 1) ||
        EVP_MAC_final(h, mac, &mac_len, sizeof mac) != 1)
        goto done;
    memcpy(out, "v1,", 3);
    EVP_EncodeBlock((unsigned char *)out + 3, mac, (int)mac_len);
    ret = 0;
done:
    EVP_MAC_CTX_free(h);
    EVP_MAC_free(hmac);
    OPENSSL_cleanse(key, sizeof key);
    return ret;
}

fetch_options srv_webhook_guard(const srv_config *cfg)
{
    fetch_options fo = {
        .timeout_s = cfg->webhook_timeout_s,
        .max_bytes = ANSWER_CAP_BYTES,
        .allow_private = cfg->webhook_allow_private,
        .allow_hosts = cfg->allow_hosts,
        .n_allow_hosts = cfg->n_allow_hosts,
        .user_agent = "skimd/" SKIMD_VERSION " (webhooks)",
    };
    return fo;
}

int64_t srv_webhook_retry_at(const srv_config *cfg, int attempts, int64_t created_ms,
                             int64_t now_ms, uint32_t rnd)
{
    int64_t delay = cfg->webhook_retry_ms > 0 ? cfg->webhook_retry_ms : 1;
    for (int i = 1; i < attempts && delay < RETRY_CAP_MS; i++)
        delay *= 2;
    if (delay > RETRY_CAP_MS)
        delay = RETRY_CAP_MS;
    delay -= (int64_t)(rnd % (uint32_t)(delay / 2 + 1));
    int64_t at = now_ms + delay;
    return at > created_ms + cfg->webhook_max_age_s * 1000 ? 0 : at;
}

/* --- the delivery thread ---------------------------------------------- */

struct srv_webhooks {
    const srv_config *cfg;
    store *st;                  /* the thread's own connection */
    pthread_t thread;
    int started;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int notified;               /* under lock: look at the outbox now */
    atomic_int stopping;        /* also cancels the POST in flight */
    int64_t pruned_ms;          /* when settled deliveries were last pruned */
};

int srv_webhooks_new(srv_webhooks **out, const srv_config *cfg)
{
    srv_webhooks *w = calloc(1, sizeof *w);
    if (!w || !cfg) {
        free(w);
        return -1;
    }
    w->cfg = cfg;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    atomic_init(&w->stopping, 0);
    *out = w;
    return 0;
}

static void log_attempt(const store_delivery *d, long status, const char *error, int64_t retry)
{
    json_t *line = json_pack("{s:s, s:s, s:s, s:i, s:I, s:s?, s:s}", "event", "webhook",
                             "id", d->msg_id, "url", d->url, "attempt", d->attempts + 1,
                             "status", (json_int_t)status, "error", error, "outcome",
                             !error ? "delivered" : retry ? "retry" : "dead");
    char *s = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (s)
        fprintf(stderr, "%s\n", s);
    free(s);
    json_decref(line);
}

/* POST one delivery, signed for this attempt. 0 with *status when the
 * receiver answered; -1 with err (a cancelled one: err->fail). */
static int post_delivery(srv_webhooks *w, const store_delivery *d, long *status,
                         fetch_error *err)
{
    char sig[SRV_WH_SIGNATURE_MAX], h_id[160], h_ts[64], h_sig[SRV_WH_SIGNATURE_MAX + 32];
    long long ts = (long long)time(NULL);
    if (srv_webhook_sign(d->secret, d->msg_id, ts, d->payload, d->payload_len, sig,
                         sizeof sig) != 0) {
        snprintf(err->code, sizeof err->code, "bad_secret");
        snprintf(err->message, sizeof err->message, "the subscription's secret cannot sign");
        err->fail = FAIL_INTERNAL;
        return -1;
    }
    snprintf(h_id, sizeof h_id, "webhook-id: %s", d->msg_id);
    snprintf(h_ts, sizeof h_ts, "webhook-timestamp: %lld", ts);
    snprintf(h_sig, sizeof h_sig, "webhook-signature: %s", sig);
    const char *headers[] = {"Content-Type: application/json", h_id, h_ts, h_sig, "Expect:"};
    fetch_options fo = srv_webhook_guard(w->cfg);
    fo.cancel = &w->stopping;
    return fetch_post(d->url, &fo, headers, sizeof headers / sizeof headers[0], d->payload,
                      d->payload_len, status, err);
}

/* Make one attempt and record it (unless shutdown cut it short: then it
 * stays pending as it was). Returns the recording's result: anything but
 * STORE_OK / STORE_NOT_FOUND means the database did not take it. */
static store_rc attempt(srv_webhooks *w, const store_delivery *d)
{
    fetch_error err = {0};
    long status = 0;
    char why[320];
    uint32_t rnd = 0;
    store_attempt a = {.at_ms = store_now_ms()};
    int rc = post_delivery(w, d, &status, &err);
    if (rc != 0 && err.fail == FAIL_CANCELLED)
        return STORE_OK;
    a.status_code = status;
    a.delivered = rc == 0 && status >= 200 && status < 300;
    if (!a.delivered) {
        if (rc == 0)
            snprintf(why, sizeof why, "the receiver answered HTTP %ld", status);
        else
            snprintf(why, sizeof why, "%s: %s", err.code, err.message);
        a.error = why;
        if (RAND_bytes((unsigned char *)&rnd, sizeof rnd) != 1)
            rnd = (uint32_t)a.at_ms;
        a.retry_ms = srv_webhook_retry_at(w->cfg, d->attempts + 1, d->created_ms,
                                          store_now_ms(), rnd);
    }
    log_attempt(d, status, a.error, a.retry_ms);
    return store_delivery_settle(w->st, d, &a);
}

/* Sleep until until_ms (-1: the idle poll), a notify, or stop. */
static void nap(srv_webhooks *w, int64_t until_ms)
{
    int64_t now = store_now_ms();
    if (until_ms < 0 || until_ms > now + IDLE_POLL_MS)
        until_ms = now + IDLE_POLL_MS;
    struct timespec until = {.tv_sec = (time_t)(until_ms / 1000),
                             .tv_nsec = (long)(until_ms % 1000) * 1000000L};
    pthread_mutex_lock(&w->lock);
    if (!w->notified && !atomic_load(&w->stopping))
        pthread_cond_timedwait(&w->wake, &w->lock, &until);
    w->notified = 0;
    pthread_mutex_unlock(&w->lock);
}

/* Open the thread's connection; on failure say why and try again after
 * a poll (a start racing a busy file must not lose the sender). */
static int open_store(srv_webhooks *w)
{
    char err[512];
    if (w->st)
        return 0;
    if (store_open(w->cfg->db_path, &w->st, err, sizeof err) == 0)
        return 0;
    w->st = NULL;
    json_t *line = json_pack("{s:s, s:s, s:s}", "event", "error", "what",
                             "webhooks: cannot open the database, trying again", "detail", err);
    char *text = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        fprintf(stderr, "%s\n", text);
    free(text);
    json_decref(line);
    return -1;
}

/* At most once a minute: remove deliveries settled longer ago than
 * --webhook-retention (0 keeps them), a batch at a time so that no
 * transaction holds the file long. */
static void prune(srv_webhooks *w)
{
    int64_t now = store_now_ms();
    if (w->cfg->webhook_retention_s <= 0 || now - w->pruned_ms < PRUNE_EVERY_MS)
        return;
    w->pruned_ms = now;
    long n, total = 0;
    do {
        n = store_deliveries_prune(w->st, now - w->cfg->webhook_retention_s * 1000,
                                   PRUNE_BATCH);
        total += n > 0 ? n : 0;
    } while (n == PRUNE_BATCH && !atomic_load(&w->stopping));
    if (total > 0)
        fprintf(stderr, "{\"event\":\"webhook_prune\",\"deliveries\":%ld}\n", total);
}

static void *run(void *arg)
{
    srv_webhooks *w = arg;
    while (!atomic_load(&w->stopping)) {
        if (open_store(w) != 0) {
            nap(w, -1);
            continue;
        }
        prune(w);
        store_delivery d;
        int64_t due = -1;
        /* taken (shared database) for one attempt's limit and a margin */
        int64_t lease_ms = ((int64_t)w->cfg->webhook_timeout_s + 5) * 1000;
        store_rc rc = store_delivery_next(w->st, store_now_ms(), lease_ms, &d, &due);
        if (rc == STORE_OK) {
            store_rc kept = attempt(w, &d);
            store_delivery_release(&d);
            /* an attempt the database did not record is made again, but
             * not at once: the file may be failing */
            if (kept == STORE_OK || kept == STORE_NOT_FOUND)
                continue;
            rc = kept;
        }
        nap(w, rc == STORE_NOT_FOUND ? due : -1);
    }
    return NULL;
}

int srv_webhooks_start(srv_webhooks *w)
{
    if (!w || w->started || pthread_create(&w->thread, NULL, run, w) != 0)
        return -1;
    w->started = 1;
    return 0;
}

void srv_webhooks_notify(srv_webhooks *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->notified = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void srv_webhooks_stop(srv_webhooks *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    atomic_store(&w->stopping, 1);
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    if (w->started) {
        pthread_join(w->thread, NULL);
        w->started = 0;
    }
    store_close(w->st);
    w->st = NULL;
}

void srv_webhooks_free(srv_webhooks *w)
{
    if (!w)
        return;
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    free(w);
}
