/* resolve.h -- name resolution off the HTTP threads (c-ares).
 *
 * One resolver thread runs one c-ares channel holding every pending
 * lookup at once, so a name whose server never answers holds only its
 * own lookup, never a thread. Each lookup has a hard deadline. Servers
 * come from --dns-server ("127.0.0.1:5353,[::1]:53"), else from
 * /etc/resolv.conf; /etc/hosts is read first, as the system resolver does.
 *
 * Two ways in: resolve_submit() for callers that must not block (the
 * HTTP submit path: the request is parked and the callback wakes it) and
 * resolve_wait() for worker threads, which may block but must stop on
 * cancel. When the resolver is not running (skimd analyze, unit tests)
 * resolve_running() is 0 and callers use getaddrinfo themselves.
 */
#ifndef SKIMD_RESOLVE_H
#define SKIMD_RESOLVE_H

#include <stdatomic.h>
#include <stddef.h>
#include <sys/socket.h>

#define RESOLVE_MAX_ADDRS 16

typedef enum resolve_status {
    RESOLVE_PENDING = 0,
    RESOLVE_OK,                  /* at least one address */
    RESOLVE_NOT_FOUND,           /* no such name, or no address for it */
    RESOLVE_TIMEOUT,             /* no answer within the deadline */
    RESOLVE_ERROR                /* anything else, including shutdown */
} resolve_status;

typedef struct resolve_job resolve_job;

/* Start the resolver thread. servers: NULL or "" = the system's list;
 * timeout_s: each lookup's hard deadline. Returns 0, or -1 with err set
 * (bad server list, c-ares failed, thread failed). Call once. */
int resolve_start(const char *servers, double timeout_s, char *err, size_t errlen);

/* 1 between resolve_start() and resolve_stop(). */
int resolve_running(void);

/* Stop the thread; lookups still pending end RESOLVE_ERROR and their
 * callbacks run. Accepts being called when not running. */
void resolve_stop(void);

/* Start looking `host` up. `done(arg)` is called once, on the resolver
 * thread, when the job ends -- unless resolve_job_release() came first;
 * it must be quick and must not call back into this module. Returns NULL
 * when out of memory or not running. The caller owns the job and must
 * release it. */
resolve_job *resolve_submit(const char *host, void (*done)(void *arg), void *arg);

/* The job's state; RESOLVE_PENDING until it ends. Thread-safe. */
resolve_status resolve_job_status(resolve_job *j);

/* Copy up to cap of an ended job's addresses (port 0) into out; returns
 * how many. */
size_t resolve_job_addrs(resolve_job *j, struct sockaddr_storage *out, size_t cap);

/* Give the job up: its callback is not called after this returns.
 * Accepts NULL. */
void resolve_job_release(resolve_job *j);

/* Blocking lookup for worker threads: waits for the job, at most the
 * resolver's deadline, returning RESOLVE_ERROR early once *cancel (may be
 * NULL) becomes non-zero. *n receives how many addresses were copied. */
resolve_status resolve_wait(const char *host, const atomic_int *cancel,
                            struct sockaddr_storage *out, size_t cap, size_t *n);

/* A sentence for a status ("no answer from the DNS server within 5 s"). */
const char *resolve_status_message(resolve_status s);

#endif
