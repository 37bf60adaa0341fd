/* ratelimit.c -- fixed-size table of token buckets keyed by client address.
 *
 * Open addressing over RL_SLOTS slots, probing RL_PROBE neighbours; a
 * client that finds no free or matching slot takes over the least
 * recently seen one in its probe window (that client's burst is forgotten,
 * which errs on the side of letting requests through).
 */
#include "server/ratelimit.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RL_SLOTS 8192
#define RL_PROBE 8

typedef struct bucket {
    uint8_t key[16];      /* IPv4-mapped IPv6, or IPv6 /64 with zeroed host part */
    int used;
    double tokens;
    double last;          /* monotonic seconds of the last refill */
} bucket;

struct srv_ratelimit {
    pthread_mutex_t lock;
    double rate;          /* tokens per second */
    double burst;         /* bucket size */
    bucket slots[RL_SLOTS];
};

srv_ratelimit *srv_ratelimit_new(unsigned per_second, unsigned burst)
{
    srv_ratelimit *rl;
    if (per_second == 0)
        return NULL;
    rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    pthread_mutex_init(&rl->lock, NULL);
    rl->rate = per_second;
    rl->burst = burst > 0 ? burst : per_second;
    return rl;
}

void srv_ratelimit_free(srv_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

static int key_of(const struct sockaddr *sa, uint8_t key[16])
{
    memset(key, 0, 16);
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        key[10] = 0xff;
        key[11] = 0xff;
        memcpy(key + 12, &in->sin_addr, 4);
        return 0;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        const uint8_t *a = in6->sin6_addr.s6_addr;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (!memcmp(a, mapped, 12))
            memcpy(key, a, 16);       /* an IPv4 client on a dual-stack socket */
        else
            memcpy(key, a, 8);        /* one /64 = one client */
        return 0;
    }
    return -1;
}

static uint32_t hash_key(const uint8_t key[16])
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++) {
        h ^= key[i];
        h *= 16777619u;
    }
    return h;
}

unsigned srv_ratelimit_take(srv_ratelimit *rl, const struct sockaddr *sa, double now)
{
    uint8_t key[16];
    unsigned wait = 0;
    if (!rl || !sa || key_of(sa, key) != 0)
        return 0;
    uint32_t h = hash_key(key);
    pthread_mutex_lock(&rl->lock);
    bucket *b = NULL, *oldest = NULL;
    for (int i = 0; i < RL_PROBE; i++) {
        bucket *c = &rl->slots[(h + (uint32_t)i) % RL_SLOTS];
        if (c->used && !memcmp(c->key, key, 16)) {
            b = c;
            break;
        }
        if (!c->used) {
            if (!oldest || oldest->used)
                oldest = c;
        } else if (!oldest || (oldest->used && c->last < oldest->last)) {
            oldest = c;
        }
    }
    if (!b) {
        b = oldest;
        memcpy(b->key, key, 16);
        b->used = 1;
        b->tokens = rl->burst;
        b->last = now;
    }
    if (now > b->last) {
        b->tokens += (now - b->last) * rl->rate;
        if (b->tokens > rl->burst)
            b->tokens = rl->burst;
        b->last = now;
    }
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
    } else {
        double secs = (1.0 - b->tokens) / rl->rate;
        wait = (unsigned)secs + 1;
    }
    pthread_mutex_unlock(&rl->lock);
    return wait;
}
