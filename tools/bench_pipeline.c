/* bench_pipeline.c -- `make bench` (ingest part): CPU time per page of
 * every worker stage after the fetch, on one core.
 *
 * usage: bench_pipeline [--data DIR] [--corpus DIR] [--seed FILE] [--pages N]
 *
 * Loads the seed page and up to N (default 600) pages of CORPUS/web/pages
 * into memory, then runs each through what a worker does once the page
 * has arrived: decode, extract, analyze (text, keywords, summary, events,
 * tags), and the store's submit + claim + finish-ready transactions on a
 * fresh database in a temporary folder. Times are the thread's CPU time
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

/* One page through the worker's stages; adds CPU ms to *t. Returns 1 when
 * the page became ready, 0 when it failed as a page would (not HTML, no
 * text), -1 on a store error. */
static int run_page(const analyze_ctx *actx, store *st, const page *p, size_t idx, stage_ms *t)
{
    char url[96], *utf8 = NULL;
    size_t utf8_len = 0;
    extract_article art = {0};
    json_t *rec = NULL;
    analyze_terms terms = {0};
    store_job job = {0};
    int64_t id = 0;
    int existed = 0, rc = -1;

    double t0 = cpu_ms();
    snprintf(url, sizeof url, "http://127.0.0.1/bench/p%zu.html", idx);
    store_submit sub = { .url = url, .norm_url = url };
    if (store_article_submit(st, &sub, &id, &existed) != STORE_OK || store_job_claim(st, &job) != STORE_OK)
        goto done;
    double t1 = cpu_ms();
    t->store += t1 - t0;
    if (decode_to_utf8(p->bytes, p->len, NULL, &utf8, &utf8_len, NULL, 0) != 0)
        goto done;
    double t2 = cpu_ms();
    t->decode += t2 - t1;
    int er = extract_article_from_html(utf8, utf8_len, url, &art);
    double t3 = cpu_ms();
    t->extract += t3 - t2;
    if (er != EXTRACT_OK) {
        rc = store_job_finish_failed(st, job.id, "empty", "no text") == STORE_OK ? 0 : -1;
        t->store += cpu_ms() - t3;
        goto done;
    }
    if (!(rec = json_object()))
        goto done;
    /* the fields pipeline.c sets, so the stored row has its real size */
    json_object_set_new(rec, "title", art.title ? json_string(art.title) : json_null());
    json_object_set_new(rec, "content", art.text ? json_string(art.text) : json_null());
    json_object_set_new(rec, "published_at", art.published_at ? json_string(art.published_at) : json_null());
    json_object_set_new(rec, "word_count", json_integer(art.word_count));
    analyze_input in = { .title = art.title, .text = art.text, .declared_language = art.language,
                         .published_at = art.published_at, .url = url };
    /* as the worker does: the terms for the stored-article IDF counts too */
    if (analyze_article_terms(actx, &in, rec, &terms) != 0)
        goto done;
    double t4 = cpu_ms();
    t->analyze += t4 - t3;
    store_terms st_terms = { terms.lang, terms.v, terms.n };
    if (store_job_finish_ready(st, job.id, rec, NULL, &st_terms) != STORE_OK)
        goto done;
    if (idx % 50 == 49 && store_df_fold(st) < 0)   /* the daemon folds at each reload */
        goto done;
    t->store += cpu_ms() - t4;
    rc = 1;
done:
    analyze_terms_release(&terms);
    store_job_release(&job);
    json_decref(rec);
    extract_article_release(&art);
    free(utf8);
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
