/* polite.c -- the per-host fetch limiter and Retry-After parsing (see
 * polite.h).
 *
 * Owns a small table of the hosts that are being fetched, were started
 * within the gap, or have parked jobs; every other host is forgotten, so
 * the table stays as small as the fetches in flight. Does not touch the
 * database: the queue (server/queue.c) gives jobs back and wakes them.
 */
#include "server/polite.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A job waiting for a slot of its host. */
typedef struct parked_job {
    int64_t id, generation;
} parked_job;

typedef struct host_entry {
    char *host;                 /* malloc'd key */
    int active;                 /* fetches running */
    int started;                /* last_start is set */
    int64_t last_start;         /* when the newest fetch started */
    parked_job *q;              /* FIFO q[head .. head + n) */
    size_t head, n, cap;
} host_entry;

struct srv_polite {
    pthread_mutex_t lock;       /* guards everything below */
    int per_host;
    int64_t gap_ms;
    size_t max_parked, parked;  /* the cap, and jobs parked in all hosts */
    host_entry *hosts;
    size_t n_hosts, cap_hosts;
};

/* Hosts kept before idle ones are swept out. */
#define SWEEP_AT 64

srv_polite *srv_polite_new(int per_host, int64_t gap_ms, size_t max_parked)
{
    if (per_host < 1 || gap_ms < 0)
        return NULL;
    srv_polite *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    p->per_host = per_host;
    p->gap_ms = gap_ms;
    p->max_parked = max_parked;
    return p;
}

void srv_polite_free(srv_polite *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_hosts; i++) {
        free(p->hosts[i].host);
        free(p->hosts[i].q);
    }
    free(p->hosts);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* 1 when the entry holds nothing worth keeping at now. */
static int idle(const srv_polite *p, const host_entry *e, int64_t now)
{
    return e->active == 0 && e->n == 0 && (!e->started || now - e->last_start >= p->gap_ms);
}

static void sweep(srv_polite *p, int64_t now)
{
    size_t w = 0;
    for (size_t i = 0; i < p->n_hosts; i++) {
        if (idle(p, &p->hosts[i], now)) {
            free(p->hosts[i].host);
            free(p->hosts[i].q);
        } else {
            p->hosts[w++] = p->hosts[i];
        }
    }
    p->n_hosts = w;
}

static host_entry *find(srv_polite *p, const char *host)
{
    for (size_t i = 0; i < p->n_hosts; i++)
        if (!strcmp(p->hosts[i].host, host))
            return &p->hosts[i];
    return NULL;
}

/* The entry of host, made when missing (under the lock); NULL when out of memory. */
static host_entry *find_or_add(srv_polite *p, const char *host, int64_t now)
{
    host_entry *e = find(p, host);
    if (e)
        return e;
    if (p->n_hosts >= SWEEP_AT)
        sweep(p, now);
    if (p->n_hosts == p->cap_hosts) {
        size_t nc = p->cap_hosts ? p->cap_hosts * 2 : 16;
        host_entry *nh = realloc(p->hosts, nc * sizeof *nh);
        if (!nh)
            return NULL;
        p->hosts = nh;
        p->cap_hosts = nc;
    }
    e = &p->hosts[p->n_hosts];
    memset(e, 0, sizeof *e);
    if (!(e->host = strdup(host)))
        return NULL;
    p->n_hosts++;
    return e;
}

srv_polite_verdict srv_polite_acquire(srv_polite *p, const char *host, int64_t now_ms,
                                      int64_t *wait_ms)
{
    srv_polite_verdict v = SRV_POLITE_GO;
    *wait_ms = 0;
    pthread_mutex_lock(&p->lock);
    host_entry *e = find_or_add(p, host, now_ms);
    if (!e) {
        /* out of memory: let the fetch go rather than stall the job */
    } else if (e->active >= p->per_host) {
        v = SRV_POLITE_LIMIT;
    } else if (e->started && now_ms - e->last_start < p->gap_ms) {
        v = SRV_POLITE_GAP;
        *wait_ms = p->gap_ms - (now_ms - e->last_start);
    } else {
        e->active++;
        e->started = 1;
        e->last_start = now_ms;
    }
    pthread_mutex_unlock(&p->lock);
    return v;
}

void srv_polite_done(srv_polite *p, const char *host)
{
    pthread_mutex_lock(&p->lock);
    host_entry *e = find(p, host);
    if (e && e->active > 0)
        e->active--;
    pthread_mutex_unlock(&p->lock);
}

static int push(host_entry *e, int64_t id, int64_t generation)
{
    if (e->head > 0 && e->head + e->n == e->cap) {
        memmove(e->q, e->q + e->head, e->n * sizeof *e->q);
        e->head = 0;
    }
    if (e->head + e->n == e->cap) {
        size_t nc = e->cap ? e->cap * 2 : 8;
        parked_job *nq = realloc(e->q, nc * sizeof *nq);
        if (!nq)
            return -1;
        e->q = nq;
        e->cap = nc;
    }
    e->q[e->head + e->n] = (parked_job){ id, generation };
    e->n++;
    return 0;
}

int srv_polite_park(srv_polite *p, const char *host, int64_t id, int64_t generation)
{
    int rc = -1;
    pthread_mutex_lock(&p->lock);
    host_entry *e = find(p, host);
    if (!e || e->active < p->per_host)
        rc = 0;             /* the slot freed meanwhile */
    else if (p->parked < p->max_parked && push(e, id, generation) == 0) {
        p->parked++;
        rc = 1;
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

int srv_polite_pop(srv_polite *p, const char *host, int64_t *id, int64_t *generation)
{
    int rc = 0;
    pthread_mutex_lock(&p->lock);
    host_entry *e = find(p, host);
    if (e && e->n > 0 && e->active < p->per_host) {
        *id = e->q[e->head].id;
        *generation = e->q[e->head].generation;
        e->head++;
        if (--e->n == 0)
            e->head = 0;
        p->parked--;
        rc = 1;
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

size_t srv_polite_parked(srv_polite *p)
{
    pthread_mutex_lock(&p->lock);
    size_t n = p->parked;
    pthread_mutex_unlock(&p->lock);
    return n;
}

/* --- Retry-After ------------------------------------------------------ */

#define RETRY_AFTER_CAP_S 1000000000LL

static int month_of(const char *m)
{
    static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; i++)
        if (!strcmp(m, names[i]))
            return i;
    return -1;
}

/* 1 when name is a day name: short (Mon) or, when long is set, in full. */
static int is_day(const char *name, int long_form)
{
    static const char *const d[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                    "Friday", "Saturday", "Sunday"};
    for (int i = 0; i < 7; i++)
        if (long_form ? !strcmp(name, d[i]) : !strncmp(name, d[i], 3) && strlen(name) == 3)
            return 1;
    return 0;
}

/* Fill *out from the parts, checking ranges (the day against its month). */
static int make_time(int y, int mon, int d, int hh, int mm, int ss, time_t *out)
{
    if (mon < 0 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 || y < 1900 || y > 9999 ||
        hh < 0 || mm < 0 || ss < 0)
        return -1;
    struct tm tm = {0}, back;
    tm.tm_year = y - 1900;
    tm.tm_mon = mon;
    tm.tm_mday = d;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss > 59 ? 59 : ss;      /* a leap second */
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mon)
        return -1;
    *out = t;
    return 0;
}

/* An HTTP-date (RFC 9110 §5.6.7) into *out. 0 or -1. */
static int http_date(const char *s, size_t len, time_t now, time_t *out)
{
    char wk[16], mon[4];
    int d, y, hh, mm, ss, n = -1;
    /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
    if (sscanf(s, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", wk, &d, mon, &y, &hh,
               &mm, &ss, &n) == 7 && n == (int)len && is_day(wk, 0))
        return make_time(y, month_of(mon), d, hh, mm, ss, out);
    n = -1;
    /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
    if (sscanf(s, "%9[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d GMT%n", wk, &d, mon, &y, &hh,
               &mm, &ss, &n) == 7 && n == (int)len && is_day(wk, 1)) {
        struct tm nt;
        gmtime_r(&now, &nt);
        int year = nt.tm_year + 1900, full = year - year % 100 + y;
        if (full > year + 50)
            full -= 100;            /* RFC 9110: more than 50 years ahead is the past */
        return make_time(full, month_of(mon), d, hh, mm, ss, out);
    }
    n = -1;
    /* asctime: Sun Nov  6 08:49:37 1994 */
    if (sscanf(s, "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", wk, mon, &d, &hh, &mm, &ss,
               &y, &n) == 7 && n == (int)len && is_day(wk, 0))
        return make_time(y, month_of(mon), d, hh, mm, ss, out);
    return -1;
}

int srv_polite_retry_after(const char *value, time_t now, int64_t *delay_ms)
{
    char buf[64];
    if (!value || !delay_ms)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    size_t len = strlen(value);
    while (len && (value[len - 1] == ' ' || value[len - 1] == '\t'))
        len--;
    if (!len || len >= sizeof buf)
        return -1;
    memcpy(buf, value, len);
    buf[len] = '\0';
    if (isdigit((unsigned char)buf[0])) {
        long long s = 0;
        for (size_t i = 0; i < len; i++) {
            if (!isdigit((unsigned char)buf[i]))
                return -1;
            if (s < RETRY_AFTER_CAP_S)
                s = s * 10 + (buf[i] - '0');
        }
        *delay_ms = (int64_t)(s < RETRY_AFTER_CAP_S ? s : RETRY_AFTER_CAP_S) * 1000;
        return 0;
    }
    time_t at;
    if (http_date(buf, len, now, &at) != 0)
        return -1;
    long long s = at > now ? (long long)(at - now) : 0;
    *delay_ms = (int64_t)(s < RETRY_AFTER_CAP_S ? s : RETRY_AFTER_CAP_S) * 1000;
    return 0;
}
