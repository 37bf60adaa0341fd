/* queue.h -- the job workers: claim queued articles, fetch, read, store.
 *
 * The queue itself lives in SQLite (storage/), so a restart resumes work;
 * this module owns the worker threads and their wake-ups.
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

/* Start cfg->workers threads over the database at cfg->db_path. cfg and
 * actx are borrowed and must outlive the queue. Returns 0 or -1. */
int srv_queue_start(srv_queue **out, const srv_config *cfg, const analyze_ctx *actx,
                    srv_queue_done_fn done, void *userdata);

/* A job was added: wake a sleeping worker. Accepts NULL. */
void srv_queue_notify(srv_queue *q);

/* Stop: running fetches are cancelled and their jobs go back to
 * "queued" (resumed at the next start); then join and free. Accepts NULL. */
void srv_queue_stop(srv_queue *q);

#endif
