/* eval_extract.c -- measures the extraction stage on the dev corpora.
 *
 * `eval_extract eval CORPUS_DIR` scores decode+extract on CORPUS/web by
 * the snippet method (precision, recall, F1 over all `with`/`without`
 * segments) and on CORPUS/zh-news against the peer extractor's output
 * (title equality, text coverage), and prints how often author and date
 * are found. `eval_extract bench CORPUS_DIR [ROUNDS]` preloads every page
 * in memory and times decode+extract on one thread: pages per second and
 * the peak RSS added beyond the loaded pages.
 *
 * Pages are gunzipped with zlib (a libxml2 dependency, linked with -lz).
 * This is a measuring tool, not product code: it owns nothing the daemon
 * uses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <jansson.h>

#include "ingest/decode.h"
#include "ingest/extract.h"
#include "tools/tool_gz.h"

#define PAGE_CAP (64u << 20)

typedef struct page {
    char *name;    /* path relative to the set folder */
    char *url;     /* page URL or NULL */
    char *bytes;   /* raw page, malloc'd */
    size_t len;
} page;

/* Collapse whitespace runs to one space, trim; returns malloc'd copy. */
static char *squash(const char *s)
{
    size_t n = strlen(s);
    char *o = malloc(n + 1);
    size_t w = 0;
    int sp = 0;
    if (!o)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            sp = w > 0;
            continue;
        }
        /* U+00A0 and U+3000 are spaces too */
        if (c == 0xC2 && (unsigned char)s[i + 1] == 0xA0) { sp = w > 0; i++; continue; }
        if (c == 0xE3 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80) {
            sp = w > 0; i += 2; continue;
        }
        /* U+00AD (soft hyphen) is invisible: gold snippets hold it on
         * some pages and not on others, so neither side counts it */
        if (c == 0xC2 && (unsigned char)s[i + 1] == 0xAD) { i++; continue; }
        if (sp) { o[w++] = ' '; sp = 0; }
        o[w++] = (char)c;
    }
    o[w] = '\0';
    return o;
}

/* Decode and extract one page; returns the status, fills *a. */
static extract_status run_one(const page *p, extract_article *a)
{
    char *utf8 = NULL;
    size_t ulen = 0;
    memset(a, 0, sizeof *a);
    if (decode_to_utf8(p->bytes, p->len, NULL, &utf8, &ulen, NULL, 0) != 0)
        return EXTRACT_NOMEM;
    extract_status st = extract_article_from_html(utf8, ulen, p->url, a);
    free(utf8);
    return st;
}

static char *path_join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
    char *s = malloc(n);
    if (!s)
        return NULL;
    int w = snprintf(s, n, "%s/%s%s%s", a, b, c[0] ? "/" : "", c);
    if (w < 0 || (size_t)w >= n) { free(s); return NULL; }
    return s;
}

static int load_page(const char *dir, const char *name, const char *url, page *p)
{
    char *path = path_join(dir, name, "");
    int rc = -1;
    memset(p, 0, sizeof *p);
    if (!path)
        return -1;
    if (tool_read_gz(path, PAGE_CAP, &p->bytes, &p->len) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        goto done;
    }
    p->name = strdup(name);
    p->url = url ? strdup(url) : NULL;
    rc = p->name ? 0 : -1;
done:
    free(path);
    return rc;
}

static void free_pages(page *pages, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(pages[i].name);
        free(pages[i].url);
        free(pages[i].bytes);
    }
    free(pages);
}

/* Load web/snippets.json and its pages. */
static int load_web(const char *corpus, json_t **snip, page **out, size_t *n_out)
{
    char *dir = path_join(corpus, "web", "");
    char *jpath = path_join(corpus, "web", "snippets.json");
    json_error_t jerr;
    page *pages = NULL;
    size_t n = 0;
    int rc = -1;
    if (!dir || !jpath)
        goto done;
    *snip = json_load_file(jpath, 0, &jerr);
    if (!*snip || !json_is_array(*snip)) {
        fprintf(stderr, "cannot read %s: %s\n", jpath, jerr.text);
        goto done;
    }
    n = json_array_size(*snip);
    pages = calloc(n ? n : 1, sizeof *pages);
    if (!pages)
        goto done;
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(*snip, i);
        const char *name = json_string_value(json_object_get(it, "page"));
        const char *url = json_string_value(json_object_get(it, "url"));
        if (!name || load_page(dir, name, url, &pages[i]) != 0)
            goto done;
    }
    *out = pages;
    *n_out = n;
    pages = NULL;
    rc = 0;
done:
    if (pages)
        free_pages(pages, n);
    free(dir);
    free(jpath);
    return rc;
}

static int contains(const char *hay, const char *needle)
{
    char *sn = squash(needle);
    int r = sn && hay && strstr(hay, sn) != NULL;
    free(sn);
    return r;
}

/* Does the raw page state an author / a publication date in markup any
 * reader could find (metadata, JSON-LD, microdata, rel=author, a byline
 * class)? A proxy independent of the extractor, for "found where stated". */
static int states_any(const page *p, const char *const *marks)
{
    for (int i = 0; marks[i]; i++)
        if (memmem(p->bytes, p->len, marks[i], strlen(marks[i])))
            return 1;
    return 0;
}

static int states_author(const page *p)
{
    static const char *const marks[] = {
        "<meta name=\"author\"", "<meta name='author'", "<meta name=author ",
        "property=\"article:author\"",
        "name=\"byl\"", "name=\"parsely-author\"", "name=\"dc.creator\"", "name=\"DC.creator\"",
        "name=\"sailthru.author\"", "\"author\":", "\"author\" :", "rel=\"author\"",
        "itemprop=\"author\"", "byline", "author-name", "author_name", "authorname", NULL };
    return states_any(p, marks);
}

static int states_date(const page *p)
{
    static const char *const marks[] = {
        "article:published_time", "datePublished", "<time", "pubdate", "name=\"date\"",
        "name=\"DC.date", "name=\"dc.date", "publish-date", "publish_date", "dateCreated",
        "parsely-pub-date", NULL };
    return states_any(p, marks);
}

/* Which half of the dev set a page is in (FNV-1a of its name, low bit):
 * rules are tuned on half 0 and checked on half 1, the held-out half. */
static int page_half(const char *name)
{
    unsigned h = 2166136261u;
    for (const unsigned char *s = (const unsigned char *)name; *s; s++)
        h = (h ^ *s) * 16777619u;
    return (int)((h >> 7) & 1u);
}

static void print_prf(const char *label, long tp, long fn, long fp)
{
    double p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
    double r = tp + fn ? (double)tp / (double)(tp + fn) : 0;
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    printf("%s: precision %.3f recall %.3f F1 %.3f\n", label, p, r, f);
}

static int eval_web(const char *corpus, int verbose)
{
    long htp[2] = {0, 0}, hfn[2] = {0, 0}, hfp[2] = {0, 0}, hn[2] = {0, 0};
    json_t *snip = NULL;
    page *pages = NULL;
    size_t n = 0;
    long tp = 0, fn = 0, fp = 0, tn = 0, authors = 0, dates = 0, titles = 0, empty = 0;
    long a_stated = 0, a_found = 0, d_stated = 0, d_found = 0;
    if (load_web(corpus, &snip, &pages, &n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        extract_article a;
        extract_status st = run_one(&pages[i], &a);
        char *text = squash(st == EXTRACT_OK && a.text ? a.text : "");
        json_t *it = json_array_get(snip, i), *v;
        size_t k;
        long ptp = 0, pfn = 0, pfp = 0;
        if (st != EXTRACT_OK || !a.text)
            empty++;
        json_array_foreach(json_object_get(it, "with"), k, v) {
            if (contains(text, json_string_value(v))) ptp++;
            else {
                pfn++;
                if (verbose > 1) printf("  MISS %s\n", json_string_value(v));
            }
        }
        json_array_foreach(json_object_get(it, "without"), k, v) {
            if (contains(text, json_string_value(v))) {
                pfp++;
                if (verbose > 1) printf("  JUNK %s\n", json_string_value(v));
            } else tn++;
        }
        if (verbose && (pfn || pfp))
            printf("%-60s tp=%ld fn=%ld fp=%ld half=%d\n", pages[i].name, ptp, pfn, pfp,
                   page_half(pages[i].name));
        tp += ptp; fn += pfn; fp += pfp;
        {
            int h = page_half(pages[i].name);
            htp[h] += ptp; hfn[h] += pfn; hfp[h] += pfp; hn[h]++;
        }
        authors += a.author != NULL;
        dates += a.published_at != NULL;
        titles += a.title != NULL;
        if (states_author(&pages[i])) {
            a_stated++;
            a_found += a.author != NULL;
            if (verbose > 2 && !a.author)
                printf("  NO AUTHOR %s\n", pages[i].name);
        }
        if (states_date(&pages[i])) {
            d_stated++;
            d_found += a.published_at != NULL;
            if (verbose > 2 && !a.published_at)
                printf("  NO DATE %s\n", pages[i].name);
        }
        if (getenv("DUMP_WEB")) {   /* DUMP_WEB=DIR: each page's text to DIR/NAME.txt */
            char opath[2048];
            const char *slash = strrchr(pages[i].name, '/');
            int ow = snprintf(opath, sizeof opath, "%s/%s.txt", getenv("DUMP_WEB"),
                              slash ? slash + 1 : pages[i].name);
            FILE *of = ow > 0 && (size_t)ow < sizeof opath ? fopen(opath, "w") : NULL;
            if (of) {
                fputs(a.text ? a.text : "", of);
                fclose(of);
            }
            ow = snprintf(opath, sizeof opath, "%s/titles.tsv", getenv("DUMP_WEB"));
            of = ow > 0 && (size_t)ow < sizeof opath ? fopen(opath, i ? "a" : "w") : NULL;
            if (of) {   /* page, title, site name: one line a page */
                fprintf(of, "%s\t%s\t%s\n", pages[i].name, a.title ? a.title : "",
                        a.site_name ? a.site_name : "");
                fclose(of);
            }
        }
        free(text);
        extract_article_release(&a);
    }
    printf("web: %zu pages, tp=%ld fn=%ld fp=%ld tn=%ld\n", n, tp, fn, fp, tn);
    print_prf("web", tp, fn, fp);
    for (int h = 0; h < 2; h++) {
        char label[64];
        snprintf(label, sizeof label, "web half %d (%s, %ld pages)", h,
                 h ? "held out" : "tuning", hn[h]);
        print_prf(label, htp[h], hfn[h], hfp[h]);
    }
    printf("web: no text %ld, title %ld/%zu, author %ld/%zu (%.0f%%), published %ld/%zu (%.0f%%)\n",
           empty, titles, n, authors, n, 100.0 * (double)authors / (double)n,
           dates, n, 100.0 * (double)dates / (double)n);
    printf("web: where the markup states one: author %ld/%ld (%.0f%%), published %ld/%ld (%.0f%%)\n",
           a_found, a_stated, a_stated ? 100.0 * (double)a_found / (double)a_stated : 0.0,
           d_found, d_stated, d_stated ? 100.0 * (double)d_found / (double)d_stated : 0.0);
    json_decref(snip);
    free_pages(pages, n);
    return 0;
}

/* Copy without any whitespace: GNE joins inline elements without the
 * space a browser shows between them, so lines are compared without. */
static char *nows(const char *s)
{
    char *o = squash(s);
    size_t w = 0;
    if (!o)
        return NULL;
    for (size_t r = 0; o[r]; r++)
        if (o[r] != ' ')
            o[w++] = o[r];
    o[w] = '\0';
    return o;
}

/* Share of the reference's non-empty lines found in our text. */
static double coverage(const char *ours, const char *ref, long *lines, long *found)
{
    const char *s = ref;
    *lines = 0;
    *found = 0;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char *line = strndup(s, len);
        char *sq = line ? nows(line) : NULL;
        if (sq && sq[0]) {
            (*lines)++;
            if (strstr(ours, sq))
                (*found)++;
        }
        free(sq);
        free(line);
        s += len;
        if (*s)
            s++;
    }
    return *lines ? (double)*found / (double)*lines : 1.0;
}

static int eval_zh(const char *corpus, int verbose)
{
    char *dir = path_join(corpus, "zh-news", "");
    char *pdir = path_join(corpus, "zh-news", "pages");
    char *rpath = path_join(corpus, "zh-news", "reference.jsonl");
    FILE *lf = NULL;
    json_t *refs = json_array();
    long pages = 0, with_title = 0, with_text = 0, authors = 0, dates = 0, bad = 0;
    long nref = 0, title_eq = 0;
    double cov_sum = 0;
    int rc = -1;
    if (!dir || !pdir || !rpath || !refs)
        goto done;
    {
        FILE *rf = fopen(rpath, "r");
        char line[1 << 16];
        if (!rf) { fprintf(stderr, "cannot open %s\n", rpath); goto done; }
        while (fgets(line, sizeof line, rf)) {
            json_t *j = json_loads(line, 0, NULL);
            if (j) json_array_append_new(refs, j);
        }
        fclose(rf);
    }
    {
        char cmd[4096];
        int w = snprintf(cmd, sizeof cmd, "ls '%s'", pdir);
        if (w < 0 || (size_t)w >= sizeof cmd || !(lf = popen(cmd, "r")))
            goto done;
    }
    char name[1024];
    while (fgets(name, sizeof name, lf)) {
        name[strcspn(name, "\n")] = '\0';
        if (!strstr(name, ".html.gz"))
            continue;
        char rel[1100];
        int w = snprintf(rel, sizeof rel, "pages/%s", name);
        if (w < 0 || (size_t)w >= sizeof rel)
            continue;
        page p;
        if (load_page(dir, rel, NULL, &p) != 0)
            continue;
        extract_article a;
        extract_status st = run_one(&p, &a);
        pages++;
        with_title += a.title && a.title[0];
        with_text += st == EXTRACT_OK && a.text && a.text[0];
        authors += a.author != NULL;
        dates += a.published_at != NULL;
        if (a.text && strstr(a.text, "\xEF\xBF\xBD"))
            bad++;
        size_t k;
        json_t *r;
        json_array_foreach(refs, k, r) {
            if (strcmp(json_string_value(json_object_get(r, "page")), rel) != 0)
                continue;
            const char *rt = json_string_value(json_object_get(r, "title"));
            const char *rc2 = json_string_value(json_object_get(r, "content"));
            char *st1 = squash(rt ? rt : ""), *st2 = squash(a.title ? a.title : "");
            char *ours = nows(a.text ? a.text : "");
            long lines, found;
            double c = coverage(ours ? ours : "", rc2 ? rc2 : "", &lines, &found);
            int teq = st1 && st2 && strcmp(st1, st2) == 0;
            nref++;
            title_eq += teq;
            cov_sum += c;
            if (verbose > 2) {
                const char *q = rc2 ? rc2 : "";
                while (*q) {
                    size_t l = strcspn(q, "\n");
                    char *ln = strndup(q, l), *nl = ln ? nows(ln) : NULL;
                    if (nl && nl[0] && !strstr(ours, nl))
                        printf("   missing: %s\n", ln);
                    free(nl);
                    free(ln);
                    q += l;
                    if (*q) q++;
                }
            }
            if (verbose && (!teq || c < 0.95))
                printf("%-32s title %s cover %.2f (%ld/%ld)\n   ours: %s\n   ref:  %s\n",
                       rel, teq ? "=" : "!=", c, found, lines, a.title ? a.title : "(null)",
                       rt ? rt : "");
            free(st1); free(st2); free(ours);
        }
        if (verbose > 1)
            printf("%-32s title=%s author=%s date=%s words=%ld\n", rel,
                   a.title ? a.title : "-", a.author ? a.author : "-",
                   a.published_at ? a.published_at : "-", a.word_count);
        extract_article_release(&a);
        free(p.name); free(p.url); free(p.bytes);
    }
    printf("zh-news: %ld pages, title %ld, text %ld, U+FFFD in text %ld, author %ld (%.0f%%), published %ld (%.0f%%)\n",
           pages, with_title, with_text, bad, authors, pages ? 100.0 * (double)authors / (double)pages : 0,
           dates, pages ? 100.0 * (double)dates / (double)pages : 0);
    printf("zh-news: vs GNE reference (%ld pages): title equal %ld (%.0f%%), mean share of its lines in our text %.3f (whitespace ignored)\n",
           nref, title_eq, nref ? 100.0 * (double)title_eq / (double)nref : 0,
           nref ? cov_sum / (double)nref : 0);
    rc = 0;
done:
    if (lf) pclose(lf);
    json_decref(refs);
    free(dir); free(pdir); free(rpath);
    return rc;
}

/* `dump CORPUS OUT`: every zh-news page's title and text to OUT/NAME.txt,
 * so that two builds can be compared page by page (diff -r). */
static int dump_zh(const char *corpus, const char *out)
{
    char cmd[4096];
    char *dir = path_join(corpus, "zh-news", "");
    int rc = -1;
    FILE *lf = NULL;
    int w = snprintf(cmd, sizeof cmd, "ls '%s/pages'", dir ? dir : ".");
    if (!dir || w < 0 || (size_t)w >= sizeof cmd || !(lf = popen(cmd, "r")))
        goto done;
    char name[1024];
    while (fgets(name, sizeof name, lf)) {
        name[strcspn(name, "\n")] = '\0';
        char rel[1100], opath[2200];
        page p;
        extract_article a;
        if (snprintf(rel, sizeof rel, "pages/%s", name) >= (int)sizeof rel ||
            snprintf(opath, sizeof opath, "%s/%s.txt", out, name) >= (int)sizeof opath ||
            load_page(dir, rel, NULL, &p) != 0)
            continue;
        run_one(&p, &a);
        FILE *of = fopen(opath, "w");
        if (of) {
            fprintf(of, "%s\n\n%s\n", a.title ? a.title : "", a.text ? a.text : "");
            fclose(of);
        }
        extract_article_release(&a);
        free(p.name); free(p.url); free(p.bytes);
    }
    rc = 0;
done:
    if (lf) pclose(lf);
    free(dir);
    return rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int bench(const char *corpus, int rounds)
{
    json_t *snip = NULL;
    page *pages = NULL;
    size_t n = 0, bytes = 0;
    long fails = 0;
    if (load_web(corpus, &snip, &pages, &n) != 0)
        return -1;
    json_decref(snip);
    for (size_t i = 0; i < n; i++)
        bytes += pages[i].len;
    long base = peak_rss_kib();
    double t0 = now_s(), c0 = cpu_s();
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < n; i++) {
            extract_article a;
            if (run_one(&pages[i], &a) != EXTRACT_OK)
                fails++;
            extract_article_release(&a);
        }
    }
    double dt = now_s() - t0, dc = cpu_s() - c0;
    long peak = peak_rss_kib();
    double np = (double)n * rounds;
    printf("bench: %zu pages (%.1f MiB raw) x %d rounds on one thread: %.2f s, %.0f pages/s, %.1f MiB/s\n",
           n, (double)bytes / 1048576.0, rounds, dt, np / dt,
           (double)bytes * rounds / 1048576.0 / dt);
    printf("bench: CPU time %.2f s: %.0f pages/s per core (wall figure drops when the machine is shared)\n",
           dc, np / dc);
    printf("bench: peak RSS %.1f MiB, of which %.1f MiB beyond the loaded pages; %ld pages without text\n",
           (double)peak / 1024.0, (double)(peak - base) / 1024.0, fails / rounds);
    free_pages(pages, n);
    return 0;
}

int main(int argc, char **argv)
{
    const char *corpus = argc > 2 ? argv[2] : "../shared/corpus";
    const char *v = getenv("VERBOSE");
    int verbose = v ? (int)strtol(v, NULL, 10) : 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s eval|eval-web|eval-zh|bench [CORPUS_DIR] [ROUNDS] | dump CORPUS_DIR OUT_DIR\n", argv[0]);
        return 2;
    }
    if (!strcmp(argv[1], "eval"))
        return eval_web(corpus, verbose) || eval_zh(corpus, verbose) ? 1 : 0;
    if (!strcmp(argv[1], "eval-web"))
        return eval_web(corpus, verbose) ? 1 : 0;
    if (!strcmp(argv[1], "eval-zh"))
        return eval_zh(corpus, verbose) ? 1 : 0;
    if (!strcmp(argv[1], "dump") && argc > 3)
        return dump_zh(corpus, argv[3]) ? 1 : 0;
    if (!strcmp(argv[1], "bench")) {
        long r = argc > 3 ? strtol(argv[3], NULL, 10) : 3;
        return bench(corpus, r > 0 && r < 1000 ? (int)r : 3) ? 1 : 0;
    }
    fprintf(stderr, "unknown command %s\n", argv[1]);
    return 2;
}
