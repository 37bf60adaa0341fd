/* ratelimit.h -- per-client token buckets for the HTTP server.
 *
 * Each client address (IPv4, or IPv6 /64 so one host cannot rotate
 * through its own prefix) gets a bucket of `burst` tokens refilled at
 * `per_second`. A fixed table: memory does not grow with the number of
 * clients; when it is full the least recently seen bucket is reused.
 */
#ifndef SKIMD_RATELIMIT_H
#define SKIMD_RATELIMIT_H

#include <sys/socket.h>

typedef struct srv_ratelimit srv_ratelimit;

/* NULL when per_second is 0 (no limit) or out of memory. Free with
 * srv_ratelimit_free (accepts NULL). */
srv_ratelimit *srv_ratelimit_new(unsigned per_second, unsigned burst);
void srv_ratelimit_free(srv_ratelimit *rl);

/* Take a token for the client at `sa` at monotonic time `now` (seconds).
 * Returns 0 when the request may proceed, otherwise the whole seconds
 * after which a token will be there (for Retry-After, at least 1). A NULL
 * limiter or address always allows. Thread-safe. */
unsigned srv_ratelimit_take(srv_ratelimit *rl, const struct sockaddr *sa, double now);

#endif
