/* polite.h -- polite fetching: a per-host limit on concurrent fetches, a
 * minimum gap between the starts of two fetches of one host, and the
 * parsing of Retry-After (README "Polite fetching").
 *
 * The limiter is in-process state of one daemon (the jobs themselves are
 * in the database): a worker that claimed a job asks srv_polite_acquire
 * before fetching. When the host is at its limit or inside its gap the
 * worker gives the job back with a delay (store_job_defer) and goes on
 * with other jobs, so a busy host never holds a worker nor blocks other
 * hosts. A job deferred for the limit is parked here as (id,
 * generation); when a fetch of its host ends, srv_polite_pop hands it
 * back so the worker can make it due at once (store_job_wake). Every
 * function is thread-safe. Times are milliseconds of one clock the
 * caller chooses (the queue uses CLOCK_MONOTONIC; tests pass their own).
 */
#ifndef SKIMD_POLITE_H
#define SKIMD_POLITE_H

#include <stdint.h>
#include <time.h>

typedef struct srv_polite srv_polite;

typedef enum srv_polite_verdict {
    SRV_POLITE_GO = 0,          /* a slot was taken: call srv_polite_done after the fetch */
    SRV_POLITE_LIMIT,           /* per_host fetches of the host are running */
    SRV_POLITE_GAP              /* the host's last fetch started less than gap_ms ago */
} srv_polite_verdict;

/* A limiter allowing per_host (>= 1) concurrent fetches per host and
 * starts at least gap_ms (>= 0) apart; at most max_parked jobs parked in
 * all. NULL when out of memory or on bad arguments. */
srv_polite *srv_polite_new(int per_host, int64_t gap_ms, size_t max_parked);
void srv_polite_free(srv_polite *p);        /* accepts NULL */

/* May a fetch of `host` (a site_host_key) start at now_ms? GO takes a
 * slot and marks the start; GAP sets *wait_ms to the time left in the
 * gap; LIMIT sets *wait_ms to 0 (unknown: park the job). */
srv_polite_verdict srv_polite_acquire(srv_polite *p, const char *host, int64_t now_ms,
                                      int64_t *wait_ms);

/* A fetch that acquire let go has ended: its slot is free. */
void srv_polite_done(srv_polite *p, const char *host);

/* After a LIMIT verdict the job was given back: remember it, to be woken
 * when a slot of host frees. 1 parked; 0 not parked because a slot is
 * free already (wake it now); -1 not parked (max_parked reached or out of
 * memory: its give-back delay brings it back). */
int srv_polite_park(srv_polite *p, const char *host, int64_t id, int64_t generation);

/* When host has a free slot and a parked job, take the oldest parked job
 * out (1, *id and *generation set), else 0. A job that is no longer
 * waiting (replaced, deleted) is simply not woken by store_job_wake: pop
 * again. */
int srv_polite_pop(srv_polite *p, const char *host, int64_t *id, int64_t *generation);

/* Jobs parked right now (for /metrics). */
size_t srv_polite_parked(srv_polite *p);

/* Retry-After (RFC 9110 §10.2.3): delay-seconds (digits only), or an
 * HTTP-date in any of the three forms a recipient must accept
 * (IMF-fixdate, RFC 850, asctime), counted from now. 0 with *delay_ms
 * (>= 0; a date in the past is 0) or -1 when value is not one of them.
 * Delays are capped at 10^9 s before conversion. */
int srv_polite_retry_after(const char *value, time_t now, int64_t *delay_ms);

#endif
