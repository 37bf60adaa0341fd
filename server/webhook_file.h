/* webhook_file.h -- --webhooks-file: webhook subscriptions an operator
 * declares in a file (README "Webhooks").
 *
 * The file is JSON: {"webhooks": [{"url", "events"?, "secret",
 * "description"?}, ...]}, at most SRV_WH_FILE_MAX entries, each checked
 * as POST /webhooks checks a body (the secret is required: the
 * operator's receivers need it). srv_config_load checks the file (a bad
 * one stops the start with exit 2, nothing created); at start-up, before
 * the daemon is bound, srv_webhook_file_sync applies the SSRF guard to
 * every target and makes the file's subscriptions exactly the entries
 * (storage/webhook_file.h). Subscriptions made through the API are
 * never touched.
 */
#ifndef SKIMD_SRV_WEBHOOK_FILE_H
#define SKIMD_SRV_WEBHOOK_FILE_H

#include <stddef.h>

#include "server/config.h"

struct store;                   /* storage/store.h (not included: config.c names a local "store") */

#define SRV_WH_FILE_MAX 64

/* Read and check the file. 0, or -1 with the file, entry and reason in err. */
int srv_webhook_file_check(const char *path, char *err, size_t errlen);

/* Check the file again, apply the guard to its targets (a refused one is
 * an error), and sync the store. Nothing is done when cfg names no file.
 * 0, or -1 with the reason in err (nothing changed). */
int srv_webhook_file_sync(struct store *st, const srv_config *cfg, char *err, size_t errlen);

#endif
