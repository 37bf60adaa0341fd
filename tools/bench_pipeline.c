/* bench_pipeline.c -- `make bench` (ingest part): CPU time per page of
 * every worker stage after the fetch, on one core.
 *
 * usage: bench_pipeline [--data DIR] [--corpus DIR] [--seed FILE] [--pages N]
 *
 * Loads the seed page and up to N (default 600) pages of CORPUS/web/pages
 * into memory, then runs each through what a worker does once the page
 * has arrived: pipeline_process_page (decode, extract, analyze: text,
 * keywords, summary, events, tags), and the store's submit + claim +
 * finish-ready transactions on a fresh database in a temporary folder.
 * Decode and extract are also timed alone, in a pass of their own, to
 * split the pipeline's time. Times are the thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID), so other work on a shared machine moves them
 * less than wall-clock figures; they exclude fetching, HTTP and fsync
 * waits. It prints the mean per stage and the ingest rate that this CPU
 * cost allows with one and with two worker cores.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "analyze/analyze.h"
#include "ingest/decode.h"
#include "ingest/extract.h"
#include "server/pipeline.h"
#include "storage/store.h"
#include "tools/tool_gz.h"

#define PAGE_CAP (16u << 20)

typedef struct page {
    char *bytes;   /* raw page, malloc'd */
    size_t len;
} page;

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int read_page(const char *path, page *p)
{
    return tool_read_gz(path, PAGE_CAP, &p->bytes, &p->len);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The seed and the first n-1 corpus pages (sorted by name). Returns how
 * many were loaded into pages[0..cap). */
static size_t load_pages(const char *seed, const char *corpus, page *pages, size_t cap)
{
    size_t n = 0;
    if (seed && cap > 0 && read_page(seed, &pages[n]) == 0)
        n++;
    char dir[1024];
    int w = snprintf(dir, sizeof dir, "%s/web/pages", corpus);
    DIR *d = (w > 0 && (size_t)w < sizeof dir) ? opendir(dir) : NULL;
    if (!d)
        return n;
    char **names = NULL;
    size_t nn = 0, nc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".html"))
            continue;
        if (nn == nc) {
            size_t c2 = nc ? nc * 2 : 256;
            char **nb = realloc(names, c2 * sizeof *nb);
            if (!nb)
                break;
            names = nb;
            nc = c2;
        }
        if (!(names[nn] = strdup(e->d_name)))
            break;
        nn++;
    }
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof *names, cmp_str);
    for (size_t i = 0; i < nn; i++) {
        char path[2048];
        w = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (n < cap && w > 0 && (size_t)w < sizeof path && read_page(path, &pages[n]) == 0)
            n++;
        free(names[i]);
    }
    free(names);
    return n;
}

typedef struct stage_ms {
    double decode, extract, analyze, store;
} stage_ms;

/* CPU ms of decode and of extract alone on page p (a pass of its own,
 * for the split; the page then goes through the real pipeline). */
static void time_reading(const page *p, const char *url, stage_ms *t)
{
    char *utf8 = NULL;
    size_t utf8_len = 0;
    extract_article art = {0};
    double t0 = cpu_ms();
    if (decode_to_utf8(p->bytes, p->len, NULL, &utf8, &utf8_len, NULL, 0) == 0) {
        double t1 = cpu_ms();
        t->decode += t1 - t0;
        extract_article_from_html(utf8, utf8_len, url, &art);
        t->extract += cpu_ms() - t1;
    }
    extract_article_release(&art);
    free(utf8);
}

/* One page through what a worker does once it has the bytes: the store's
 * submit and claim, pipeline_process_page (the daemon's own decode ->
 * extract -> analyze, so the stored record is the real one) and the
 * finish. Adds CPU ms to *t: the pipeline's time less decode and extract
 * (timed by time_reading) is "analyze". Returns 1 when the page became
 * ready, 0 when it failed as a page would (not HTML, no text), -1 on a
 * store error. */
static int run_page(const analyze_ctx *actx, store *st, const page *p, size_t idx, stage_ms *t)
{
    char url[96];
    json_t *rec = NULL;
    analyze_terms terms = {0};
    pipeline_error pe = {{0}, {0}};
    store_job job = {0};
    int64_t id = 0;
    int existed = 0, rc = -1;

    snprintf(url, sizeof url, "http://127.0.0.1/bench/p%zu.html", idx);
    stage_ms reading = {0};
    time_reading(p, url, &reading);
    t->decode += reading.decode;
    t->extract += reading.extract;
    double t0 = cpu_ms();
    store_submit sub = { .url = url, .norm_url = url };
    if (store_article_submit(st, &sub, &id, &existed) != STORE_OK || store_job_claim(st, "bench", 30000, &job) != STORE_OK ||
        !(rec = json_object()))
        goto done;
    double t1 = cpu_ms();
    t->store += t1 - t0;
    int pr = pipeline_process_page(actx, p->bytes, p->len, NULL, url, rec, &terms, &pe);
    double t2 = cpu_ms();
    t->analyze += t2 - t1 - reading.decode - reading.extract;
    if (pr != 0) {
        rc = store_job_finish_failed(st, &job, "bench", pe.code, pe.message) == STORE_OK ? 0 : -1;
        t->store += cpu_ms() - t2;
        goto done;
    }
    store_terms st_terms = { terms.lang, terms.v, terms.n };
    if (store_job_finish_ready(st, &job, "bench", rec, NULL, &st_terms) != STORE_OK)
        goto done;
    if (idx % 50 == 49 && store_df_fold(st) < 0)   /* the daemon folds at each reload */
        goto done;
    t->store += cpu_ms() - t2;
    rc = 1;
done:
    analyze_terms_release(&terms);
    store_job_release(&job);
    json_decref(rec);
    return rc;
}

int main(int argc, char **argv)
{
    const char *data = "data", *corpus = "../shared/corpus";
    const char *seed = "../shared/examples/seed/article.html";
    size_t want = 600;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc)
            data = argv[++i];
        else if (!strcmp(argv[i], "--corpus") && i + 1 < argc)
            corpus = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = argv[++i];
        else if (!strcmp(argv[i], "--pages") && i + 1 < argc)
            want = strtoul(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: bench_pipeline [--data DIR] [--corpus DIR] [--seed FILE] [--pages N]\n");
            return 2;
        }
    }
    int status = 1;
    page *pages = calloc(want ? want : 1, sizeof *pages);
    analyze_ctx *actx = NULL;
    store *st = NULL;
    char dir[] = "/tmp/skimd-bench-pipeline.XXXXXX", db[64] = "", err[256] = "";
    size_t n = 0;
    if (!pages || !mkdtemp(dir))
        goto done;
    n = load_pages(seed, corpus, pages, want);
    if (n == 0) {
        fprintf(stderr, "bench_pipeline: no pages (seed %s, corpus %s)\n", seed, corpus);
        goto done;
    }
    analyze_config cfg = { .data_dir = data };
    snprintf(db, sizeof db, "%s/bench.db", dir);
    if (analyze_ctx_new(&cfg, &actx, err, sizeof err) != 0 || store_open(db, &st, err, sizeof err) != 0) {
        fprintf(stderr, "bench_pipeline: %s\n", err);
        goto done;
    }
    size_t bytes = 0, ready = 0, failed = 0;
    stage_ms t = {0};
    for (size_t i = 0; i < n; i++) {
        bytes += pages[i].len;
        int r = run_page(actx, st, &pages[i], i, &t);
        if (r < 0) {
            fprintf(stderr, "bench_pipeline: page %zu: store error\n", i);
            goto done;
        }
        if (r)
            ready++;
        else
            failed++;
    }
    double total = t.decode + t.extract + t.analyze + t.store, per = total / (double)n;
    printf("ingest CPU per page after the fetch (%zu pages, mean %.0f kB; %zu ready, %zu failed), one thread:\n",
           n, (double)bytes / (double)n / 1024.0, ready, failed);
    printf("  decode %.2f  extract %.2f  analyze %.2f  store %.2f  total %.2f ms/page\n",
           t.decode / (double)n, t.extract / (double)n, t.analyze / (double)n, t.store / (double)n, per);
    printf("  CPU bound on this work alone: %.0f pages/s per worker core, %.0f with 2 (fetch, HTTP and fsync not included)\n",
           1000.0 / per, 2000.0 / per);
    status = 0;
done:
    store_close(st);
    analyze_ctx_free(actx);
    for (size_t i = 0; i < n; i++)
        free(pages[i].bytes);
    free(pages);
    if (db[0]) {
        char side[80];
        unlink(db);
        snprintf(side, sizeof side, "%s-wal", db);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", db);
        unlink(side);
    }
    rmdir(dir);
    return status;
}
