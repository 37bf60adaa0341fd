/* validators.h -- the HTTP validators of a record's page (ETag,
 * Last-Modified) and when the page was last found current (checked_at),
 * for conditional GET on refresh (schema v10; README "Refresh with
 * conditional GET").
 *
 * Internal to storage/: jobs.c calls these inside its own transactions,
 * so the validators always describe the page the committed record was
 * read from. Nothing above storage/ sees the table; the worker gets the
 * validators with its claim (store_job.etag, .last_modified) and hands
 * the new ones back on the same struct.
 */
#ifndef SKIMD_STORE_VALIDATORS_H
#define SKIMD_STORE_VALIDATORS_H

#include "storage/store_int.h"

/* Longest validator kept; a longer header value is not stored (the next
 * refresh is then an unconditional GET). */
#define STORE_VALIDATOR_MAX 512

/* Read article id's validators into job->etag / job->last_modified
 * (malloc'd, NULL when none; released by store_job_release). 0 or -1. */
int store_validators_load(store *st, store_job *job);

/* Inside the caller's transaction: the record of article id now holds a
 * page read with these validators (either may be NULL; both NULL or
 * either over STORE_VALIDATOR_MAX drops the row), checked_at = checked
 * (UTC; NULL for a pushed page, which no source vouches for). 0 or -1. */
int store_validators_put(store *st, int64_t id, const char *etag, const char *last_modified,
                         const char *checked);

#endif
