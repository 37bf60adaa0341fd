/* health.h -- whether the database the daemon opened can still be trusted
 * with a write, and the lock that makes one daemon the only writer of a
 * SQLite file.
 *
 * Process-wide state, safe from any thread. The checks are cheap (a few
 * stat calls): handlers run store_health_check() before acknowledging a
 * write, /healthz reports it.
 *
 * What "healthy" means:
 *  - the last write that failed has been followed by one that succeeded
 *    (a full disk, an I/O or read-only error sets the failure; a commit
 *    that changed rows clears it);
 *  - the path given to --db still leads to the file that was opened (same
 *    device and inode: a removed or replaced file or directory is not);
 *  - the file and its directory are writable;
 *  - the lock file still is the one locked (not removed or replaced).
 */
#ifndef SKIMD_HEALTH_H
#define SKIMD_HEALTH_H

#include <stddef.h>

/* Take the exclusive lock on "<db_path>.lock" (flock, not waiting),
 * creating the lock file. -1 with a message in err when the directory
 * does not exist, the file cannot be created, or another process holds
 * the lock. Held until the process exits. */
int store_lock_acquire(const char *db_path, char *err, size_t errlen);

/* Remember the device and inode of the database file (after it was
 * opened) for the path check. -1 when it cannot be read. */
int store_health_watch(const char *db_path);

/* Record a failed write (message copied) / a write that succeeded. */
void store_health_write_failed(const char *message);
void store_health_write_ok(void);

/* 1 while a failed write has not been followed by a good one. */
int store_health_write_failing(void);

/* 0 when healthy; else -1 with the reason in why (NUL-terminated). A
 * process that never called store_health_watch is always healthy. */
int store_health_check(char *why, size_t cap);

#endif
