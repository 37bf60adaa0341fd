/* webhook_file.h -- the subscriptions --webhooks-file declares, kept in
 * step with the file at every start (schema v12; README "Webhooks").
 *
 * A subscription made from the file is marked (webhook_file); the sync
 * removes the marked ones the file no longer holds exactly (URL, events,
 * secret, description: a changed entry is a new subscription) and adds
 * the entries that have no marked row, in one transaction. Subscriptions
 * made through the API are never touched.
 */
#ifndef SKIMD_STORE_WEBHOOK_FILE_H
#define SKIMD_STORE_WEBHOOK_FILE_H

#include "storage/store.h"

/* One entry of the file (borrowed strings; description may be NULL). */
typedef struct store_hook_spec {
    const char *url;
    unsigned events;            /* STORE_EV_* mask */
    const char *secret;
    const char *description;
} store_hook_spec;

/* Make the marked subscriptions exactly specs[0..n). *added and
 * *removed (may be NULL) say how many rows changed. */
store_rc store_webhook_file_sync(store *st, const store_hook_spec *specs, size_t n,
                                 size_t *added, size_t *removed);

#endif
