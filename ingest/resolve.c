/* resolve.c -- the resolver thread: every pending lookup in one c-ares
 * channel, hard deadlines, wake-ups for parked requests, and a blocking
 * wrapper for the workers.
 *
 * Owns: the channel, its sockets (poll(2), so descriptor numbers above
 * FD_SETSIZE are fine), the queue of jobs not yet handed to c-ares, and
 * every job's life: a job has two references while c-ares holds it (its
 * callback always fires, at the latest when the channel is destroyed)
 * and one for its owner. Everything c-ares does runs on the resolver
 * thread with R.lock held, so its callbacks run with the lock held too.
 * Does not: classify addresses (guard.c) or decide what a result means.
 */
#include "ingest/resolve.h"

#include <ares.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct resolve_job {
    char *host;
    resolve_status status;             /* R.lock */
    struct sockaddr_storage addrs[RESOLVE_MAX_ADDRS];
    size_t n_addrs;
    double deadline;                   /* monotonic seconds */
    void (*done)(void *arg);           /* NULL once released or called */
    void *arg;
    int refs;                          /* owner + c-ares while in flight */
    resolve_job *next;                 /* R.queue or R.inflight */
};

static struct {
    pthread_mutex_t lock;
    pthread_t thread;
    int running;                       /* thread started, not yet stopped */
    int stopping;
    int wake[2];                       /* pipe: a new job or stop */
    ares_channel ch;
    resolve_job *queue;                /* submitted, not yet given to c-ares */
    resolve_job *inflight;             /* given to c-ares, callback pending */
    double timeout_s;
} R = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = {-1, -1}};

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void job_unref(resolve_job *j)
{
    if (--j->refs == 0) {
        free(j->host);
        free(j);
    }
}

/* End a job (R.lock held): record the status and wake its owner once. */
static void job_end(resolve_job *j, resolve_status st)
{
    if (j->status != RESOLVE_PENDING)
        return;
    j->status = st;
    if (j->done) {
        void (*done)(void *) = j->done;
        j->done = NULL;
        done(j->arg);
    }
}

static void unlink_job(resolve_job **list, resolve_job *j)
{
    for (resolve_job **pp = list; *pp; pp = &(*pp)->next)
        if (*pp == j) {
            *pp = j->next;
            j->next = NULL;
            return;
        }
}

static void on_ares(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    resolve_job *j = arg;
    (void)timeouts;
    if (status == ARES_SUCCESS && res) {
        for (struct ares_addrinfo_node *n = res->nodes; n && j->n_addrs < RESOLVE_MAX_ADDRS;
             n = n->ai_next)
            if ((n->ai_family == AF_INET || n->ai_family == AF_INET6) &&
                n->ai_addrlen <= sizeof j->addrs[0])
                memcpy(&j->addrs[j->n_addrs++], n->ai_addr, n->ai_addrlen);
    }
    if (res)
        ares_freeaddrinfo(res);
    if (status == ARES_SUCCESS)
        job_end(j, j->n_addrs ? RESOLVE_OK : RESOLVE_NOT_FOUND);
    else if (status == ARES_ENOTFOUND || status == ARES_ENODATA || status == ARES_ENONAME)
        job_end(j, RESOLVE_NOT_FOUND);
    else if (status == ARES_ETIMEOUT)
        job_end(j, RESOLVE_TIMEOUT);
    else
        job_end(j, RESOLVE_ERROR);
    unlink_job(&R.inflight, j);
    job_unref(j);                      /* c-ares's reference */
}

/* Hand queued jobs to c-ares and end those past their deadline. */
static double start_and_expire(double now)
{
    double next = now + 1.0;
    while (R.queue) {
        resolve_job *j = R.queue;
        R.queue = j->next;
        j->next = R.inflight;
        R.inflight = j;                /* the queue's reference becomes c-ares's */
        struct ares_addrinfo_hints hints;
        memset(&hints, 0, sizeof hints);
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = ARES_AI_NOSORT;   /* sorting would connect() probes */
        ares_getaddrinfo(R.ch, j->host, NULL, &hints, on_ares, j);  /* may call back now */
    }
    for (resolve_job *j = R.inflight; j; j = j->next) {
        if (j->status == RESOLVE_PENDING && j->deadline <= now)
            job_end(j, RESOLVE_TIMEOUT);   /* c-ares gives up on its own later */
        else if (j->status == RESOLVE_PENDING && j->deadline < next)
            next = j->deadline;
    }
    return next;
}

static void *resolver_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&R.lock);
    while (!R.stopping) {
        double now = mono_now();
        double next = start_and_expire(now);
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        struct pollfd fds[ARES_GETSOCK_MAXNUM + 1];
        nfds_t nf = 0;
        /* c-ares's ARES_GETSOCK_WRITABLE shifts a signed 1 by up to 31:
         * undefined behaviour (UBSan says so); the same bits, unsigned */
        unsigned bits = (unsigned)ares_getsock(R.ch, socks, ARES_GETSOCK_MAXNUM);
        for (unsigned i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            short ev = (short)((bits & (1u << i) ? POLLIN : 0) |
                               (bits & (1u << (i + ARES_GETSOCK_MAXNUM)) ? POLLOUT : 0));
            if (ev)
                fds[nf++] = (struct pollfd){.fd = socks[i], .events = ev};
        }
        fds[nf++] = (struct pollfd){.fd = R.wake[0], .events = POLLIN};
        struct timeval maxtv = {1, 0}, tv, *tp = ares_timeout(R.ch, &maxtv, &tv);
        double wait = (double)tp->tv_sec + (double)tp->tv_usec / 1e6;
        if (next - now < wait)
            wait = next - now;
        int ms = wait > 0 ? (int)(wait * 1000.0) + 1 : 0;
        pthread_mutex_unlock(&R.lock);
        int rc = poll(fds, nf, ms);
        pthread_mutex_lock(&R.lock);
        if (rc < 0 && errno != EINTR)
            break;
        for (nfds_t i = 0; rc > 0 && i + 1 < nf; i++)
            if (fds[i].revents)
                ares_process_fd(R.ch,
                                fds[i].revents & (POLLIN | POLLERR | POLLHUP) ? fds[i].fd
                                                                              : ARES_SOCKET_BAD,
                                fds[i].revents & POLLOUT ? fds[i].fd : ARES_SOCKET_BAD);
        ares_process_fd(R.ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);   /* timeouts */
        if (fds[nf - 1].revents) {
            char drain[64];
            while (read(R.wake[0], drain, sizeof drain) > 0)
                ;
        }
    }
    pthread_mutex_unlock(&R.lock);
    return NULL;
}

static int set_options(const char *servers, double timeout_s, char *err, size_t errlen)
{
    struct ares_options opts;
    int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
    memset(&opts, 0, sizeof opts);
    /* two tries that fit in the deadline; the deadline is enforced here */
    opts.timeout = (int)(timeout_s * 1000.0 / 3.0) + 1;
    opts.tries = 2;
    if (servers && *servers) {
        mask |= ARES_OPT_DOMAINS;      /* the system's search list is for its servers */
        opts.ndomains = 0;
        opts.domains = NULL;
    }
    int rc = ares_init_options(&R.ch, &opts, mask);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
        return -1;
    }
    if (servers && *servers && (rc = ares_set_servers_ports_csv(R.ch, servers)) != ARES_SUCCESS) {
        snprintf(err, errlen, "--dns-server: bad list '%s' (%s)", servers, ares_strerror(rc));
        ares_destroy(R.ch);
        return -1;
    }
    return 0;
}

int resolve_start(const char *servers, double timeout_s, char *err, size_t errlen)
{
    int rc = ares_library_init(ARES_LIB_INIT_ALL);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
        return -1;
    }
    R.timeout_s = timeout_s > 0 ? timeout_s : 5.0;
    if (set_options(servers, R.timeout_s, err, errlen) != 0)
        goto fail_lib;
    if (pipe(R.wake) != 0) {
        snprintf(err, errlen, "cannot make the resolver's wake pipe");
        goto fail_ch;
    }
    fcntl(R.wake[0], F_SETFL, O_NONBLOCK);
    fcntl(R.wake[1], F_SETFL, O_NONBLOCK);
    R.stopping = 0;
    if (pthread_create(&R.thread, NULL, resolver_main, NULL) != 0) {
        snprintf(err, errlen, "cannot start the resolver thread");
        goto fail_pipe;
    }
    pthread_mutex_lock(&R.lock);
    R.running = 1;
    pthread_mutex_unlock(&R.lock);
    return 0;
fail_pipe:
    close(R.wake[0]);
    close(R.wake[1]);
    R.wake[0] = R.wake[1] = -1;
fail_ch:
    ares_destroy(R.ch);
fail_lib:
    ares_library_cleanup();
    return -1;
}

int resolve_running(void)
{
    pthread_mutex_lock(&R.lock);
    int r = R.running && !R.stopping;
    pthread_mutex_unlock(&R.lock);
    return r;
}

static void poke(void)
{
    char c = 1;
    (void)!write(R.wake[1], &c, 1);
}

void resolve_stop(void)
{
    pthread_mutex_lock(&R.lock);
    if (!R.running) {
        pthread_mutex_unlock(&R.lock);
        return;
    }
    R.stopping = 1;
    poke();
    pthread_mutex_unlock(&R.lock);
    pthread_join(R.thread, NULL);
    pthread_mutex_lock(&R.lock);
    while (R.queue) {                  /* never given to c-ares */
        resolve_job *j = R.queue;
        R.queue = j->next;
        job_end(j, RESOLVE_ERROR);
        job_unref(j);                  /* the queue's stand-in for c-ares's */
    }
    ares_destroy(R.ch);                /* calls back every in-flight job */
    R.running = 0;
    close(R.wake[0]);
    close(R.wake[1]);
    R.wake[0] = R.wake[1] = -1;
    pthread_mutex_unlock(&R.lock);
    ares_library_cleanup();
}

resolve_job *resolve_submit(const char *host, void (*done)(void *arg), void *arg)
{
    resolve_job *j = calloc(1, sizeof *j);
    if (!j || !(j->host = strdup(host))) {
        free(j);
        return NULL;
    }
    j->done = done;
    j->arg = arg;
    j->refs = 2;                       /* owner, and the queue/c-ares */
    pthread_mutex_lock(&R.lock);
    if (!R.running || R.stopping) {
        pthread_mutex_unlock(&R.lock);
        free(j->host);
        free(j);
        return NULL;
    }
    j->deadline = mono_now() + R.timeout_s;
    j->next = R.queue;
    R.queue = j;
    poke();
    pthread_mutex_unlock(&R.lock);
    return j;
}

resolve_status resolve_job_status(resolve_job *j)
{
    pthread_mutex_lock(&R.lock);
    resolve_status s = j->status;
    pthread_mutex_unlock(&R.lock);
    return s;
}

size_t resolve_job_addrs(resolve_job *j, struct sockaddr_storage *out, size_t cap)
{
    pthread_mutex_lock(&R.lock);
    size_t n = j->status == RESOLVE_OK ? j->n_addrs : 0;
    if (n > cap)
        n = cap;
    memcpy(out, j->addrs, n * sizeof *out);
    pthread_mutex_unlock(&R.lock);
    return n;
}

void resolve_job_release(resolve_job *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&R.lock);
    j->done = NULL;
    job_unref(j);
    pthread_mutex_unlock(&R.lock);
}

/* resolve_wait's rendezvous with the resolver thread. */
typedef struct waiter {
    pthread_mutex_t m;
    pthread_cond_t c;
    int done;
} waiter;

static void wake_waiter(void *arg)
{
    waiter *w = arg;
    pthread_mutex_lock(&w->m);
    w->done = 1;
    pthread_cond_signal(&w->c);
    pthread_mutex_unlock(&w->m);
}

resolve_status resolve_wait(const char *host, const atomic_int *cancel,
                            struct sockaddr_storage *out, size_t cap, size_t *n)
{
    waiter w = {.m = PTHREAD_MUTEX_INITIALIZER, .c = PTHREAD_COND_INITIALIZER, .done = 0};
    resolve_status st = RESOLVE_ERROR;
    *n = 0;
    resolve_job *j = resolve_submit(host, wake_waiter, &w);
    if (!j)
        return RESOLVE_ERROR;
    pthread_mutex_lock(&w.m);
    while (!w.done && !(cancel && atomic_load(cancel))) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000000L;   /* look at cancel every 100 ms */
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w.c, &w.m, &until);
    }
    int ended = w.done;
    pthread_mutex_unlock(&w.m);
    if (ended) {
        st = resolve_job_status(j);
        *n = resolve_job_addrs(j, out, cap);
    }
    resolve_job_release(j);            /* after this, wake_waiter cannot run */
    pthread_mutex_destroy(&w.m);
    pthread_cond_destroy(&w.c);
    return st;
}

const char *resolve_status_message(resolve_status s)
{
    switch (s) {
    case RESOLVE_OK: return "resolved";
    case RESOLVE_NOT_FOUND: return "no such host";
    case RESOLVE_TIMEOUT: return "no answer from the DNS server in time";
    case RESOLVE_PENDING: return "still resolving";
    case RESOLVE_ERROR: break;
    }
    return "name resolution failed";
}
