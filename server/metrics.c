/* metrics.c -- request counters, latency histograms, failure counters.
 *
 * Fixed-size tables under one mutex: a scrape or an update costs
 * microseconds and nothing grows without bound (labels beyond the table
 * sizes fold into "other").
 */
#include "server/metrics.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "server/version.h"

#define MAX_ROUTES 16
#define MAX_STATUS_ROWS 128
#define MAX_REASONS 32
#define NBUCKETS 12

static const double buckets[NBUCKETS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0 };

typedef struct route_hist {
    const char *route;              /* borrowed string literal */
    uint64_t counts[NBUCKETS + 1];  /* last = +Inf */
    double sum;
    uint64_t total;
} route_hist;

typedef struct status_row {
    const char *route;
    int status;
    uint64_t count;
} status_row;

typedef struct reason_row {
    char reason[32];
    uint64_t count;
} reason_row;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static route_hist hists[MAX_ROUTES];
static size_t n_hists;
static status_row rows[MAX_STATUS_ROWS];
static size_t n_rows;
static reason_row reasons[MAX_REASONS];
static size_t n_reasons;

void srv_metrics_request(const char *route, int status, double seconds)
{
    size_t i;
    if (!route)
        route = "other";
    pthread_mutex_lock(&lock);
    for (i = 0; i < n_rows; i++)
        if (rows[i].status == status && !strcmp(rows[i].route, route))
            break;
    if (i == n_rows && n_rows < MAX_STATUS_ROWS) {
        rows[n_rows].route = route;
        rows[n_rows].status = status;
        n_rows++;
    }
    if (i < n_rows)
        rows[i].count++;
    for (i = 0; i < n_hists; i++)
        if (!strcmp(hists[i].route, route))
            break;
    if (i == n_hists && n_hists < MAX_ROUTES)
        hists[n_hists++].route = route;
    if (i < n_hists) {
        size_t b = 0;
        while (b < NBUCKETS && seconds > buckets[b])
            b++;
        hists[i].counts[b]++;
        hists[i].sum += seconds;
        hists[i].total++;
    }
    pthread_mutex_unlock(&lock);
}

void srv_metrics_job_failure(const char *reason)
{
    size_t i;
    if (!reason || !*reason)
        reason = "unknown";
    pthread_mutex_lock(&lock);
    for (i = 0; i < n_reasons; i++)
        if (!strcmp(reasons[i].reason, reason))
            break;
    if (i == n_reasons && n_reasons < MAX_REASONS) {
        snprintf(reasons[n_reasons].reason, sizeof reasons[0].reason, "%s", reason);
        /* reason codes are [a-z0-9_]; anything else would break the format */
        for (char *p = reasons[n_reasons].reason; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
                *p = '_';
        n_reasons++;
    }
    if (i < n_reasons)
        reasons[i].count++;
    pthread_mutex_unlock(&lock);
}

static uint64_t job_events[SRV_JOB_EVENTS_];
static const char *const job_event_names[SRV_JOB_EVENTS_] = {
    "stale_result", "lease_reaped", "store_retry", "given_back" };

void srv_metrics_job_event(srv_job_event ev, unsigned n)
{
    if ((unsigned)ev >= SRV_JOB_EVENTS_)
        return;
    pthread_mutex_lock(&lock);
    job_events[ev] += n;
    pthread_mutex_unlock(&lock);
}

static uint64_t deferred[SRV_DEFER_REASONS_];
static const char *const defer_names[SRV_DEFER_REASONS_] = {
    "host_limit", "host_gap", "retry_after" };

void srv_metrics_job_deferred(srv_defer_reason why)
{
    if ((unsigned)why >= SRV_DEFER_REASONS_)
        return;
    pthread_mutex_lock(&lock);
    deferred[why]++;
    pthread_mutex_unlock(&lock);
}

static uint64_t feed_polls[SRV_FEED_OUTCOMES_], feed_items;
static const char *const feed_names[SRV_FEED_OUTCOMES_] = {"ok", "not_modified", "error"};

void srv_metrics_feed_poll(srv_feed_outcome outcome, size_t created)
{
    if ((unsigned)outcome >= SRV_FEED_OUTCOMES_)
        return;
    pthread_mutex_lock(&lock);
    feed_polls[outcome]++;
    feed_items += created;
    pthread_mutex_unlock(&lock);
}

typedef struct outbuf {
    char *buf;
    size_t len, cap;
    int failed;
} outbuf;

static void out(outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out(outbuf *o, const char *fmt, ...)
{
    va_list ap;
    if (o->failed)
        return;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->failed = 1;
            return;
        }
        if ((size_t)n < o->cap - o->len) {
            o->len += (size_t)n;
            return;
        }
        size_t nc = o->cap * 2 + (size_t)n;
        char *nb = realloc(o->buf, nc);
        if (!nb) {
            o->failed = 1;
            return;
        }
        o->buf = nb;
        o->cap = nc;
    }
}

/* The process_* figures Prometheus client libraries export, from /proc
 * (Linux): CPU time, memory, descriptors, start time. A figure that
 * cannot be read is left out rather than reported as 0. */
static void render_process(outbuf *o)
{
    char buf[2048];
    long tick = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
    FILE *f = fopen("/proc/self/stat", "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    /* fields after the ")" that closes the command name: 3 state ... 14
     * utime 15 stime ... 22 starttime 23 vsize 24 rss */
    const char *p = strrchr(buf, ')');
    unsigned long long ut, stt, start, vsize, rss;
    if (p && tick > 0 && page > 0 &&
        sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d "
                      "%*d %*d %llu %llu %llu", &ut, &stt, &start, &vsize, &rss) == 5) {
        out(o, "# HELP process_cpu_seconds_total User and system CPU time spent, in seconds.\n"
               "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.2f\n",
            (double)(ut + stt) / (double)tick);
        out(o, "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
               "# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes %llu\n",
            vsize);
        out(o, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
               "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %llu\n",
            rss * (unsigned long long)page);
        unsigned long long btime = 0;
        char line[256];
        FILE *st = fopen("/proc/stat", "r");
        while (st && fgets(line, sizeof line, st))
            if (sscanf(line, "btime %llu", &btime) == 1)
                break;
        if (st)
            fclose(st);
        if (btime)
            out(o, "# HELP process_start_time_seconds Start time of the process since the "
                   "Unix epoch, in seconds.\n# TYPE process_start_time_seconds gauge\n"
                   "process_start_time_seconds %.2f\n",
                (double)btime + (double)start / (double)tick);
    }
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        long fds = -1;                 /* the DIR's own descriptor is not counted */
        struct dirent *e;
        while ((e = readdir(d)))
            if (e->d_name[0] != '.')
                fds++;
        closedir(d);
        out(o, "# HELP process_open_fds Number of open file descriptors.\n"
               "# TYPE process_open_fds gauge\nprocess_open_fds %ld\n", fds);
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        out(o, "# HELP process_max_fds Maximum number of open file descriptors.\n"
               "# TYPE process_max_fds gauge\nprocess_max_fds %llu\n",
            (unsigned long long)rl.rlim_cur);
}

char *srv_metrics_render(const int64_t *job_counts, size_t *len)
{
    static const char *const states[4] = {"queued", "fetching", "ready", "failed"};
    outbuf o = {malloc(8192), 0, 8192, 0};
    if (!o.buf)
        return NULL;
    o.buf[0] = '\0';
    pthread_mutex_lock(&lock);
    out(&o, "# HELP skimd_http_requests_total HTTP requests answered, by route and status.\n"
            "# TYPE skimd_http_requests_total counter\n");
    for (size_t i = 0; i < n_rows; i++)
        out(&o, "skimd_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
            rows[i].route, rows[i].status, (unsigned long long)rows[i].count);
    out(&o, "# HELP skimd_http_request_duration_seconds Time to answer a request.\n"
            "# TYPE skimd_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < n_hists; i++) {
        uint64_t cum = 0;
        for (size_t b = 0; b < NBUCKETS; b++) {
            cum += hists[i].counts[b];
            out(&o, "skimd_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                hists[i].route, buckets[b], (unsigned long long)cum);
        }
        cum += hists[i].counts[NBUCKETS];
        out(&o, "skimd_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
                "skimd_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                "skimd_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
            hists[i].route, (unsigned long long)cum, hists[i].route, hists[i].sum,
            hists[i].route, (unsigned long long)hists[i].total);
    }
    out(&o, "# HELP skimd_fetch_failures_total Jobs that ended failed, by reason.\n"
            "# TYPE skimd_fetch_failures_total counter\n");
    for (size_t i = 0; i < n_reasons; i++)
        out(&o, "skimd_fetch_failures_total{reason=\"%s\"} %llu\n", reasons[i].reason,
            (unsigned long long)reasons[i].count);
    out(&o, "# HELP skimd_job_events_total Job life-cycle events: stale results dropped, "
            "leases reaped, store errors retried, jobs given back.\n"
            "# TYPE skimd_job_events_total counter\n");
    for (int i = 0; i < SRV_JOB_EVENTS_; i++)
        out(&o, "skimd_job_events_total{event=\"%s\"} %llu\n", job_event_names[i],
            (unsigned long long)job_events[i]);
    out(&o, "# HELP skimd_jobs_deferred_total Jobs given back to wait (polite fetching), "
            "by reason.\n# TYPE skimd_jobs_deferred_total counter\n");
    for (int i = 0; i < SRV_DEFER_REASONS_; i++)
        out(&o, "skimd_jobs_deferred_total{reason=\"%s\"} %llu\n", defer_names[i],
            (unsigned long long)deferred[i]);
    out(&o, "# HELP skimd_feed_polls_total Feed polls recorded, by outcome.\n"
            "# TYPE skimd_feed_polls_total counter\n");
    for (int i = 0; i < SRV_FEED_OUTCOMES_; i++)
        out(&o, "skimd_feed_polls_total{status=\"%s\"} %llu\n", feed_names[i],
            (unsigned long long)feed_polls[i]);
    out(&o, "# HELP skimd_feed_items_total Articles created from feed items.\n"
            "# TYPE skimd_feed_items_total counter\nskimd_feed_items_total %llu\n",
        (unsigned long long)feed_items);
    pthread_mutex_unlock(&lock);
    out(&o, "# HELP skimd_build_info The running skimd's version (always 1).\n"
            "# TYPE skimd_build_info gauge\nskimd_build_info{version=\"%s\"} 1\n",
        SKIMD_VERSION);
    render_process(&o);
    if (job_counts) {
        out(&o, "# HELP skimd_jobs Articles by job state.\n# TYPE skimd_jobs gauge\n");
        for (int i = 0; i < 4; i++)
            out(&o, "skimd_jobs{state=\"%s\"} %lld\n", states[i], (long long)job_counts[i]);
    }
    if (o.failed) {
        free(o.buf);
        return NULL;
    }
    if (len)
        *len = o.len;
    return o.buf;
}
