/* metrics.h -- in-process counters rendered in Prometheus text format.
 *
 * Thread-safe; all state is process-global and lives until exit.
 */
#ifndef SKIMD_METRICS_H
#define SKIMD_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* Count one answered request: route is a fixed label ("articles",
 * "article", ...; borrowed, must be a string literal), seconds its
 * latency. */
void srv_metrics_request(const char *route, int status, double seconds);

/* Count one failed job by its reason code (copied). */
void srv_metrics_job_failure(const char *reason);

/* Events in the job life cycle (generations and leases). */
typedef enum srv_job_event {
    SRV_JOB_STALE,          /* a result dropped: a newer request replaced its job */
    SRV_JOB_REAPED,         /* an expired (or dead daemon's) lease freed */
    SRV_JOB_STORE_RETRY,    /* a transient store error, retried */
    SRV_JOB_GIVEN_BACK,     /* a claimed job given back (shutdown) */
    SRV_JOB_EVENTS_
} srv_job_event;

/* Count n events of one kind. */
void srv_metrics_job_event(srv_job_event ev, unsigned n);

/* Why a claimed job was given back for later (polite fetching). */
typedef enum srv_defer_reason {
    SRV_DEFER_HOST_LIMIT,   /* its host had --host-concurrency fetches running */
    SRV_DEFER_HOST_GAP,     /* its host's last fetch started within --host-gap-ms */
    SRV_DEFER_RETRY_AFTER,  /* the server answered 429/503 with Retry-After */
    SRV_DEFER_REASONS_
} srv_defer_reason;

/* Count one deferred job. */
void srv_metrics_job_deferred(srv_defer_reason why);

/* Outcomes of feed polls (server/feeds.c). */
typedef enum srv_feed_outcome {
    SRV_FEED_OK,            /* read; its new items submitted */
    SRV_FEED_NOT_MODIFIED,  /* answered 304 */
    SRV_FEED_ERROR,         /* failed: fetch, HTTP or a document refused */
    SRV_FEED_OUTCOMES_
} srv_feed_outcome;

/* Count one recorded poll, and the articles it created. */
void srv_metrics_feed_poll(srv_feed_outcome outcome, size_t created);

/* Render every metric; job_counts[4] = queued, fetching, ready, failed
 * (NULL to omit). Returns a malloc'd NUL-terminated text the caller
 * frees, or NULL when out of memory. */
char *srv_metrics_render(const int64_t *job_counts, size_t *len);

#endif
