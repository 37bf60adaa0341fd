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

/* Render every metric; job_counts[4] = queued, fetching, ready, failed
 * (NULL to omit). Returns a malloc'd NUL-terminated text the caller
 * frees, or NULL when out of memory. */
char *srv_metrics_render(const int64_t *job_counts, size_t *len);

#endif
