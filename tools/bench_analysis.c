/* bench_analysis.c -- `make bench` (analysis part): time per article of
 * the text stages on one core, and the memory the shared lexicon takes.
 *
 * usage: bench_analysis [--data DIR] [--seed FILE] [--corpus DIR] [--rounds N]
 * FILE is a text file: title on the first line, article after it (default
 * tests/fixtures/seed-article.txt, the seed interview, ~3 300 characters).
 * With --corpus, also the mean over the first 200 articles of
 * summaries-en (English) and topics-zh (Chinese news). Prints milliseconds
 * of the thread's CPU time per article for text (sentences + words), keywords, summary and total
 * (the mean, and for the seed also the fastest run, which a loaded machine
 * disturbs least), and the resident memory added by loading the lexicon
 * and tables. For scale, it also times friso's complex-mode segmentation
 * alone on the same text (a second friso instance, default dictionary),
 * with libfriso's own next_complex_cjk and with ours (text_mmseg.c), since
 * the machine's load moves every figure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <friso/friso.h>
#include <jansson.h>

#include "analyze/keywords.h"
#include "analyze/summary.h"
#include "analyze/text.h"
#include "analyze/text_mmseg.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The thread's CPU time: the per-article figures use it, so that time the
 * thread spends descheduled on a shared machine does not count. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) {
            char *end;
            errno = 0;
            long v = strtol(line + 6, &end, 10);
            if (!errno)
                kib = v;
        }
    if (f)
        fclose(f);
    return kib;
}

typedef struct times {
    double text, kw, sum;
    double best;   /* fastest whole run */
    long n;
} times;

static void run_one(const text_ctx *tc, const kw_model *m, const char *title, const char *text,
                    times *t)
{
    text_doc d;
    kw_item k[KW_MAX];
    double a = cpu_ms();
    if (text_doc_build(tc, title, text, NULL, &d) != 0)
        return;
    double b = cpu_ms();
    size_t nk = kw_extract(m, &d, NULL, k, KW_MAX);
    double c = cpu_ms();
    char *s = sum_extract(m, &d, k, nk, NULL);
    double e = cpu_ms();
    free(s);
    text_doc_release(&d);
    t->text += b - a;
    t->kw += c - b;
    t->sum += e - c;
    if (t->n == 0 || e - a < t->best)
        t->best = e - a;
    t->n++;
}

static void report(const char *what, const times *t)
{
    double n = t->n ? (double)t->n : 1;
    printf("  %-34s text %6.2f  keywords %6.2f  summary %6.2f  total %6.2f ms/article (%ld runs)\n",
           what, t->text / n, t->kw / n, t->sum / n, (t->text + t->kw + t->sum) / n, t->n);
}

static void bench_corpus(const text_ctx *tc, const kw_model *m, const char *path, const char *what)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    times t = {0};
    char *line = NULL;
    size_t cap = 0;
    double chars = 0;
    for (int i = 0; i < 200 && getline(&line, &cap, f) > 0; i++) {
        json_t *o = json_loads(line, 0, NULL);
        const char *text = json_string_value(json_object_get(o, "text"));
        if (text) {
            run_one(tc, m, json_string_value(json_object_get(o, "title")), text, &t);
            chars += (double)text_utf8_chars(text, strlen(text));
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    char label[96];
    snprintf(label, sizeof label, "%s (mean %.0f chars)", what, t.n ? chars / (double)t.n : 0);
    report(label, &t);
}

/* friso complex mode alone over text, ms per pass (negative: no friso);
 * ours: with text_mmseg_complex_cjk as the next_cjk hook, as text.c does. */
static double friso_alone(const char *text, long rounds, int ours)
{
    friso_t f = friso_new();
    friso_config_t c = friso_new_config();
    friso_task_t task = friso_new_task();
    double ms = -1;
    if (!f || !c || !task)
        goto done;
    friso_init_config(c);
    c->add_syn = 0;
    c->clr_stw = 0;
    c->keep_urec = 1;
    c->en_sseg = 0;
    friso_set_mode(c, __FRISO_COMPLEX_MODE__);
    if (ours)
        c->next_cjk = text_mmseg_complex_cjk;
    f->charset = FRISO_UTF8;
    f->dic = friso_dic_new();
    friso_dic_load_from_ifile(f, c, (fstring)"/usr/share/friso/dict/UTF-8/", (uint_t)c->max_len * 3);
    double a = cpu_ms();
    for (long r = 0; r < rounds; r++) {
        text_mmseg_reset();
        friso_set_text(task, (fstring)text);
        while (c->next_token(f, c, task))
            ;
    }
    ms = (cpu_ms() - a) / (double)rounds;
done:
    if (task)
        friso_free_task(task);
    if (c)
        friso_free_config(c);
    if (f)
        friso_free(f);
    return ms;
}

int main(int argc, char **argv)
{
    const char *data = "data", *seed = "tests/fixtures/seed-article.txt", *corpus = NULL;
    long rounds = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--data"))
            data = argv[i + 1];
        else if (!strcmp(argv[i], "--seed"))
            seed = argv[i + 1];
        else if (!strcmp(argv[i], "--corpus"))
            corpus = argv[i + 1];
        else if (!strcmp(argv[i], "--rounds")) {
            char *end;
            errno = 0;
            rounds = strtol(argv[i + 1], &end, 10);
            if (errno || *end || rounds < 1 || rounds > 100000)
                rounds = 200;
        }
    }
    char err[512];
    text_ctx *tc = NULL;
    kw_model *m = NULL;
    long before = rss_kib();
    double t0 = now_ms();
    if (text_ctx_new(data, NULL, &tc, err, sizeof err) || kw_model_load(data, &m, err, sizeof err)) {
        fprintf(stderr, "bench: %s\n", err);
        text_ctx_free(tc);
        return 1;
    }
    char tax[1024];   /* the daemon adds the taxonomy's terms to the lexicon: so do we */
    if (snprintf(tax, sizeof tax, "%s/taxonomy.json", data) < (int)sizeof tax)
        text_ctx_add_json_terms(tc, tax);
    double t1 = now_ms();
    long after = rss_kib();
    printf("analysis: lexicon + stop words + IDF load %.0f ms, resident memory +%.1f MiB "
           "(IDF tables %.1f MiB), shared by all workers\n",
           t1 - t0, (double)(after - before) / 1024.0, (double)kw_model_bytes(m) / 1048576.0);

    static char buf[1 << 20];
    FILE *f = fopen(seed, "r");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        char *nl = strchr(buf, '\n');
        const char *title = nl ? buf : NULL, *text = nl ? nl + 1 : buf;
        if (nl)
            *nl = '\0';
        times t = {0};
        run_one(tc, m, title, text, &t);   /* warm up */
        t = (times){0};
        for (long r = 0; r < rounds; r++)
            run_one(tc, m, title, text, &t);
        char label[96];
        snprintf(label, sizeof label, "seed article (%zu chars, zh)", text_utf8_chars(text, strlen(text)));
        report(label, &t);
        printf("  %-34s fastest run: total %.2f ms\n", "", t.best);
        double fr = friso_alone(text, rounds, 0), fo = friso_alone(text, rounds, 1);
        if (fr >= 0 && fo >= 0)
            printf("  %-34s friso complex-mode segmentation alone: %.2f ms (libfriso), %.2f ms (text_mmseg)\n",
                   "", fr, fo);
    } else {
        fprintf(stderr, "bench: cannot open %s\n", seed);
    }
    if (corpus) {
        char path[2048];
        int n = snprintf(path, sizeof path, "%s/summaries-en/items.jsonl", corpus);
        if (n > 0 && (size_t)n < sizeof path)
            bench_corpus(tc, m, path, "summaries-en, 200 articles");
        n = snprintf(path, sizeof path, "%s/topics-zh/items.jsonl", corpus);
        if (n > 0 && (size_t)n < sizeof path)
            bench_corpus(tc, m, path, "topics-zh, 200 articles");
    }
    kw_model_free(m);
    text_ctx_free(tc);
    return 0;
}
