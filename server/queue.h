/* queue.h -- the job workers: claim queued articles, fetch, read, store.
 *
 * The queue itself lives in the database (storage/), so a restart
 * resumes work; this module owns the worker threads, their wake-ups and
 * the lease keeper (renewing claims, reaping expired ones).
 */
#ifndef SKIMD_QUEUE_H
#define SKIMD_QUEUE_H

#include <stdint.h>
#include "analyze/analyze.h"
#include "server/config.h"

typedef struct srv_queue srv_queue;

/* Called on a worker thread when article `id` has reached ready or
 * failed. */
typedef void (*srv_queue_done_fn)(int64_t id, void *userdata);

/* Make the queue over the database at cfg->db_path (nothing runs yet).
 * cfg and actx are borrowed and must outlive the queue. 0 or -1. */
int srv_queue_new(srv_queue **out, const srv_config *cfg, const analyze_ctx *actx,
                  srv_queue_done_fn done, void *userdata);

/* Start cfg->workers workers and the lease keeper. 0, or -1 (stop the
 * queue then: what started is joined). */
int srv_queue_run(srv_queue *q);

/* This daemon's lease owner id (host:pid:random), for logs and metrics. */
const char *srv_queue_owner(const srv_queue *q);

/* A job was added: wake a sleeping worker. Accepts NULL. */
void srv_queue_notify(srv_queue *q);

/* Stop: running fetches are cancelled and their jobs given back (free to
 * be claimed, resumed at the next start); the workers and the lease
 * keeper are joined, then everything is freed. Accepts NULL. */
void srv_queue_stop(srv_queue *q);

#endif
