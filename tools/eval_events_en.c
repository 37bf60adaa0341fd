/* eval_events_en.c -- `make eval-tags` (events-en part): event dates and
 * whole-sentence events on English TimeML news, scored as
 * events-en/README.md says.
 *
 * Each document becomes the README's page and goes through the daemon's
 * pipeline (tools/eval_page.c). An event's text is found in the document
 * (exact; else, over 90 characters, its first and last 40; else the
 * sentence sharing >= 60 % of its word tokens), the sentences it overlaps
 * give its gold timexes, and absolute ones (days, months, years, weeks,
 * quarters, seasons) are compared as day intervals: a date agrees when the
 * gold interval lies inside ours. Sentences are the spans the set stores
 * (its own splitter's output). Offsets are code points in the set and
 * bytes here; they are converted once per document.
 *
 * usage: eval_events_en [--data DIR] [--verbose] [--half even|odd] CORPUS_DIR
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "analyze/analyze.h"
#include "analyze/dates.h"
#include "tools/eval_page.h"

static int verbose;
static int half = -1;

typedef struct span { long s, e; } span;

typedef struct doc {
    const char *text;   /* borrowed from the item */
    long len;
    long *cp2b;         /* code point offset -> byte offset, len_cp + 1 entries */
    long ncp;
    span *sent;         /* byte spans */
    size_t nsent;
    span *tx;           /* absolute gold timexes: byte span ... */
    long (*txday)[2];   /* ... and day interval */
    size_t ntx;
} doc;

typedef struct score {
    long events, matched, exact, ends, fuzzy, unmatched, cut;
    long dated, dated_ok, wrong_value, no_gold, dated_unmatched;
    long with_gold, with_gold_ok;
    long gold_sents, gold_sents_cov, docs, docs_empty;
} score;

/* ---- day intervals ---- */

static long days(long y, long m, long d) { return date_days_from_civil((int)y, (int)m, (int)d); }

static long mdays(long y, long m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : n[m - 1];
}

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static long num(const char *s, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Read v (its part before any 'T' already cut) as a day interval. xx: drop
 * trailing -XX parts first (gold values). Returns 1 and fills iv. */
static int interval(const char *v, int xx, long iv[2])
{
    char b[32];
    snprintf(b, sizeof b, "%s", v);
    char *t = strchr(b, 'T');
    if (t)
        *t = '\0';
    size_t n = strlen(b);
    while (xx && n >= 3 && !strcmp(b + n - 3, "-XX"))
        b[n -= 3] = '\0';
    if (n < 4 || !digits(b, 4))
        return 0;
    long y = num(b, 4);
    if (n == 4) {
        iv[0] = days(y, 1, 1), iv[1] = days(y, 12, 31);
        return 1;
    }
    if (b[4] != '-')
        return 0;
    const char *r = b + 5;
    size_t rn = n - 5;
    if (rn == 2 && digits(r, 2)) {
        long m = num(r, 2);
        if (m < 1 || m > 12)
            return 0;
        iv[0] = days(y, m, 1), iv[1] = days(y, m, mdays(y, m));
        return 1;
    }
    if (rn == 5 && digits(r, 2) && r[2] == '-' && digits(r + 3, 2)) {
        long m = num(r, 2), d = num(r + 3, 2);
        if (m < 1 || m > 12 || d < 1 || d > mdays(y, m))
            return 0;
        iv[0] = iv[1] = days(y, m, d);
        return 1;
    }
    if (rn == 3 && r[0] == 'W' && digits(r + 1, 2)) {   /* ISO week: Monday of week 1 holds Jan 4 */
        long w = num(r + 1, 2), j4 = days(y, 1, 4);
        long wd = ((j4 + 3) % 7 + 7) % 7;                 /* 0 = Monday (1970-01-01 was a Thursday) */
        long mon = j4 - wd + (w - 1) * 7;
        if (w < 1 || w > 53)
            return 0;
        iv[0] = mon, iv[1] = mon + 6;
        return 1;
    }
    if (rn == 2 && r[0] == 'Q' && r[1] >= '1' && r[1] <= '4') {
        long q = r[1] - '0';
        iv[0] = days(y, 3 * q - 2, 1), iv[1] = days(y, 3 * q, mdays(y, 3 * q));
        return 1;
    }
    static const struct { const char *k; int m0, m1; } SEASON[] = {
        {"SP", 3, 5}, {"SU", 6, 8}, {"FA", 9, 11}, {"AU", 9, 11}, {"WI", 1, 12}};
    for (size_t k = 0; k < sizeof SEASON / sizeof *SEASON; k++)
        if (rn == 2 && !strcmp(r, SEASON[k].k)) {
            iv[0] = days(y, SEASON[k].m0, 1), iv[1] = days(y, SEASON[k].m1, mdays(y, SEASON[k].m1));
            return 1;
        }
    return 0;
}

static int gold_absolute(json_t *tx, long iv[2])
{
    const char *type = json_string_value(json_object_get(tx, "type"));
    const char *value = json_string_value(json_object_get(tx, "value"));
    const char *mod = json_string_value(json_object_get(tx, "mod"));
    if (!type || !value)
        return 0;
    if (mod && (!strcmp(mod, "BEFORE") || !strcmp(mod, "AFTER") || !strcmp(mod, "ON_OR_BEFORE") ||
                !strcmp(mod, "ON_OR_AFTER")))
        return 0;
    int full_day = strlen(value) >= 10 && digits(value, 4) && value[4] == '-' && digits(value + 5, 2) &&
                   value[7] == '-' && digits(value + 8, 2);
    if (strcmp(type, "DATE") && strcmp(type, "TIME") && !full_day)
        return 0;
    return interval(value, 1, iv);
}

/* ---- the document ---- */

static void doc_free(doc *d)
{
    free(d->cp2b);
    free(d->sent);
    free(d->tx);
    free(d->txday);
    memset(d, 0, sizeof *d);
}

static long cpb(const doc *d, json_int_t cp)
{
    return cp < 0 ? 0 : cp > d->ncp ? d->len : d->cp2b[cp];
}

static int doc_load(doc *d, json_t *it)
{
    memset(d, 0, sizeof *d);
    if (!it)
        return -1;
    d->text = json_string_value(json_object_get(it, "text"));
    if (!d->text)
        return -1;
    d->len = (long)strlen(d->text);
    d->cp2b = malloc(((size_t)d->len + 2) * sizeof *d->cp2b);
    json_t *ss = json_object_get(it, "sentences"), *tt = json_object_get(it, "timexes");
    d->sent = malloc((json_array_size(ss) + 1) * sizeof *d->sent);
    d->tx = malloc((json_array_size(tt) + 1) * sizeof *d->tx);
    d->txday = malloc((json_array_size(tt) + 1) * sizeof *d->txday);
    if (!d->cp2b || !d->sent || !d->tx || !d->txday)
        return -1;
    for (long b = 0; b <= d->len; b++)
        if (b == d->len || ((unsigned char)d->text[b] & 0xC0) != 0x80)
            d->cp2b[d->ncp++] = b;
    d->ncp--;   /* the last entry is the end */
    size_t i;
    json_t *v;
    json_array_foreach(ss, i, v) {
        d->sent[d->nsent].s = cpb(d, json_integer_value(json_array_get(v, 0)));
        d->sent[d->nsent++].e = cpb(d, json_integer_value(json_array_get(v, 1)));
    }
    json_array_foreach(tt, i, v) {
        long iv[2];
        if (!gold_absolute(v, iv))
            continue;
        d->tx[d->ntx].s = cpb(d, json_integer_value(json_object_get(v, "start")));
        d->tx[d->ntx].e = cpb(d, json_integer_value(json_object_get(v, "end")));
        d->txday[d->ntx][0] = iv[0];
        d->txday[d->ntx++][1] = iv[1];
    }
    return 0;
}

/* ---- matching ---- */

static char *collapse(const char *s)
{
    size_t n = strlen(s), k = 0;
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    while (*s && isspace((unsigned char)*s))
        s++;
    for (int sp = 0; *s; s++) {
        if (isspace((unsigned char)*s)) {
            sp = 1;
            continue;
        }
        if (sp)
            o[k++] = ' ';
        sp = 0;
        o[k++] = *s;
    }
    o[k] = '\0';
    return o;
}

/* byte length of the first / last n code points of s */
static size_t head_bytes(const char *s, size_t n)
{
    size_t b = 0;
    for (size_t c = 0; s[b] && c < n; c++)
        for (b++; ((unsigned char)s[b] & 0xC0) == 0x80; b++)
            ;
    return b;
}

static size_t cp_count(const char *s)
{
    size_t c = 0;
    for (; *s; s++)
        c += ((unsigned char)*s & 0xC0) != 0x80;
    return c;
}

static int is_w(unsigned char c) { return isalnum(c) || c == '_' || c >= 0x80; }

/* lower-cased \w+ tokens of s[0..n) as "tok\0tok\0..."; returns count */
static size_t tokens(const char *s, size_t n, char ***out, char **store)
{
    char *st = malloc(n + 1);
    char **v = malloc((n / 2 + 2) * sizeof *v);
    size_t k = 0, c = 0;
    if (!st || !v) {
        free(st);
        free(v);
        *out = NULL, *store = NULL;
        return 0;
    }
    for (size_t i = 0; i < n;) {
        if (!is_w((unsigned char)s[i])) {
            i++;
            continue;
        }
        v[c++] = st + k;
        while (i < n && is_w((unsigned char)s[i]))
            st[k++] = (char)tolower((unsigned char)s[i++]);
        st[k++] = '\0';
    }
    *out = v, *store = st;
    return c;
}

static int cmp_s(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* multiset intersection size of two sorted token lists */
static size_t common(char **a, size_t na, char **b, size_t nb)
{
    size_t i = 0, j = 0, c = 0;
    while (i < na && j < nb) {
        int r = strcmp(a[i], b[j]);
        if (!r)
            c++, i++, j++;
        else if (r < 0)
            i++;
        else
            j++;
    }
    return c;
}

/* 0 unmatched, 1 exact, 2 ends, 3 fuzzy; sp = the byte span */
static int match_event(const doc *d, const char *ev, span *sp)
{
    const char *hit = *ev ? strstr(d->text, ev) : NULL;
    if (hit) {
        sp->s = hit - d->text, sp->e = sp->s + (long)strlen(ev);
        return 1;
    }
    if (cp_count(ev) > 90) {
        size_t hb = head_bytes(ev, 40), n = strlen(ev), tb = n - head_bytes(ev, cp_count(ev) - 40);
        char *h = strndup(ev, hb), *t = strdup(ev + n - tb);
        const char *a = h ? strstr(d->text, h) : NULL, *b = a && t ? strstr(a, t) : NULL;
        free(h);
        free(t);
        if (a && b) {
            sp->s = a - d->text, sp->e = (b - d->text) + (long)tb;
            return 2;
        }
    }
    char **et, *es;
    size_t ne = tokens(ev, strlen(ev), &et, &es), best = d->nsent;
    double bs = 0;
    if (ne) {
        qsort(et, ne, sizeof *et, cmp_s);
        for (size_t k = 0; k < d->nsent; k++) {
            char **st, *ss;
            size_t ns = tokens(d->text + d->sent[k].s, (size_t)(d->sent[k].e - d->sent[k].s), &st, &ss);
            if (st)
                qsort(st, ns, sizeof *st, cmp_s);
            double sh = st ? (double)common(et, ne, st, ns) / (double)ne : 0;
            if (sh > bs)
                bs = sh, best = k;
            free(st);
            free(ss);
        }
    }
    free(et);
    free(es);
    if (best < d->nsent && bs >= 0.6) {
        *sp = d->sent[best];
        return 3;
    }
    return 0;
}

/* ---- whole sentences ---- */

static const char ABBR[] = " mr mrs ms dr prof st jr sr co inc ltd corp gov gen sen rep rev mt no vs etc jan feb mar "
                           "apr jun jul aug sep sept oct nov dec e.g i.e a.m p.m mo n.y ala fla calif mass wash conn "
                           "pa va ga tenn ky la md mich minn ore tex wis colo ariz ill ind kan neb nev okla d.c lt col "
                           "capt sgt adm ";

static int is_close(unsigned char c) { return c == '"' || c == '\'' || c == ')' || c == ']'; }

/* does s[0..n) end like a sentence (README's rule)? */
static int ends_like_sentence(const char *s, long n)
{
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    for (;;) {   /* closing quotes/brackets, ASCII or ” ’ */
        if (n > 0 && is_close((unsigned char)s[n - 1]))
            n--;
        else if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
                 ((unsigned char)s[n - 1] == 0x9D || (unsigned char)s[n - 1] == 0x99))
            n -= 3;
        else
            break;
    }
    if (n <= 0 || !strchr(".!?", s[n - 1]))
        return 0;
    if (s[n - 1] != '.')
        return 1;
    long e = n - 1, b = e;
    while (b > 0 && s[b - 1] == '.')   /* the run of dots */
        b--;
    e = b;
    while (b > 0 && !isspace((unsigned char)s[b - 1]))
        b--;
    char w[40];
    long k = 0;
    for (long i = b; i < e && k < 38; i++)
        if (!(k == 0 && (s[i] == '(' || s[i] == '"')))
            w[k++] = (char)tolower((unsigned char)s[i]);
    w[k] = '\0';
    char key[44];
    snprintf(key, sizeof key, " %s ", w);
    if (k == 1 && isalpha((unsigned char)w[0]))
        return 0;
    return !strstr(ABBR, key);
}

static int line_edge_before(const doc *d, long p)
{
    long i = p;
    while (i > 0 && d->text[i - 1] == ' ')
        i--;
    return i == 0 || d->text[i - 1] == '\n';
}

static int whole_start(const doc *d, long p)
{
    if (line_edge_before(d, p))
        return 1;
    for (size_t k = 0; k < d->nsent; k++)
        if (d->sent[k].s == p)
            return 1;
    long i = p;
    while (i > 0 && isspace((unsigned char)d->text[i - 1]))
        i--;
    if (i >= 4 && (!strncmp(d->text + i - 4, "U.S.", 4) || !strncmp(d->text + i - 4, "U.K.", 4)))
        return 0;
    return ends_like_sentence(d->text, i);
}

static int whole_end(const doc *d, long s, long p)
{
    long i = p;
    while (i < d->len && d->text[i] == ' ')
        i++;
    if (i == d->len || d->text[i] == '\n')
        return 1;
    for (size_t k = 0; k < d->nsent; k++)
        if (d->sent[k].e == p)
            return 1;
    if (!ends_like_sentence(d->text + s, p - s))
        return 0;
    unsigned char c = (unsigned char)d->text[p];
    return isspace(c) || is_close(c) || (c == 0xE2 && !strncmp(d->text + p, "\xE2\x80\x9D", 3)) ||
           (c == 0xE2 && !strncmp(d->text + p, "\xE2\x80\x99", 3));
}

/* ---- one document ---- */

static void score_event(const doc *d, json_t *ev, score *sc, unsigned char *covered)
{
    const char *t = json_string_value(json_object_get(ev, "text"));
    const char *date = json_string_value(json_object_get(ev, "date"));
    int is_dated = date && *date;
    long iv[2] = {0, 0};
    int readable = is_dated && interval(date, 0, iv);
    char *c = collapse(t ? t : "");
    span sp;
    int how = c ? match_event(d, c, &sp) : 0;
    sc->events++;
    sc->dated += is_dated;
    if (!how) {
        sc->unmatched++;
        sc->dated_unmatched += is_dated;
        if (verbose)
            printf("  unmatched: %s\n", c ? c : "");
        free(c);
        return;
    }
    sc->matched++;
    sc->exact += how == 1, sc->ends += how == 2, sc->fuzzy += how == 3;
    if (how != 3 && !(whole_start(d, sp.s) && whole_end(d, sp.s, sp.e))) {
        sc->cut++;
        if (verbose)
            printf("  cut: %s\n", c);
    }
    long s0 = sp.s, e0 = sp.e;
    size_t first = d->nsent, last = 0;
    for (size_t k = 0; k < d->nsent; k++)
        if (d->sent[k].s < sp.e && d->sent[k].e > sp.s) {
            if (first == d->nsent)
                first = k;
            last = k;
        }
    if (first < d->nsent)
        s0 = d->sent[first].s, e0 = d->sent[last].e;
    int has_gold = 0, agrees = 0;
    for (size_t x = 0; x < d->ntx; x++) {
        if (d->tx[x].s < s0 || d->tx[x].e > e0)
            continue;
        has_gold = 1;
        if (readable && iv[0] <= d->txday[x][0] && d->txday[x][1] <= iv[1])
            agrees = 1;
    }
    if (is_dated) {
        sc->dated_ok += agrees;
        sc->wrong_value += has_gold && !agrees;
        sc->no_gold += !has_gold;
        if (verbose && !agrees)
            printf("  date %s (%s): %s\n", date, has_gold ? "wrong value" : "no gold date", c);
    }
    if (has_gold) {
        sc->with_gold++;
        sc->with_gold_ok += agrees;
        if (verbose && !is_dated)
            printf("  undated (gold has a date): %s\n", c);
    }
    if (agrees && first < d->nsent)   /* coverage: sentences with an agreeing timex of their own */
        for (size_t k = first; k <= last; k++)
            for (size_t x = 0; x < d->ntx; x++)
                if (d->tx[x].s >= d->sent[k].s && d->tx[x].e <= d->sent[k].e && iv[0] <= d->txday[x][0] &&
                    d->txday[x][1] <= iv[1])
                    covered[k] = 1;
    free(c);
}

static void score_doc(const doc *d, json_t *rec, score *sc)
{
    unsigned char *covered = calloc(d->nsent + 1, 1);
    json_t *evs = json_object_get(rec, "events"), *ev;
    size_t i;
    if (!covered)
        return;
    sc->docs++;
    sc->docs_empty += json_array_size(evs) == 0;
    json_array_foreach(evs, i, ev)
        if (json_is_object(ev))
            score_event(d, ev, sc, covered);
    for (size_t k = 0; k < d->nsent; k++) {
        int g = 0;
        for (size_t x = 0; x < d->ntx; x++)
            g |= d->tx[x].s >= d->sent[k].s && d->tx[x].e <= d->sent[k].e;
        sc->gold_sents += g;
        sc->gold_sents_cov += g && covered[k];
    }
    free(covered);
}

static double ratio(long a, long b) { return b ? (double)a / (double)b : 0.0; }

static void print_score(const score *s)
{
    double p = ratio(s->dated_ok, s->dated), r = ratio(s->with_gold_ok, s->with_gold);
    printf("events-en (%ld documents, %ld events): date precision %.3f (%ld/%ld), recall %.3f (%ld/%ld), F1 %.3f\n",
           s->docs, s->events, p, s->dated_ok, s->dated, r, s->with_gold_ok, s->with_gold,
           p + r > 0 ? 2 * p * r / (p + r) : 0.0);
    printf("  date misses: wrong value %ld, no gold date %ld, unmatched %ld\n", s->wrong_value, s->no_gold,
           s->dated_unmatched);
    printf("  whole-sentence events %.3f (cut %ld of %ld matched); matched exact %ld, ends %ld, fuzzy %ld, "
           "unmatched %ld\n", 1.0 - ratio(s->cut, s->matched), s->cut, s->matched, s->exact, s->ends, s->fuzzy,
           s->unmatched);
    printf("  coverage %.3f (%ld/%ld sentences with an absolute date); events per document %.2f; "
           "documents without events %ld\n", ratio(s->gold_sents_cov, s->gold_sents), s->gold_sents_cov,
           s->gold_sents, ratio(s->events, s->docs), s->docs_empty);
}

int main(int argc, char **argv)
{
    eval_args a;
    char path[1024];
    if (eval_parse_args(argc, argv, "eval_events_en", &a) != 0)
        return 2;
    verbose = a.verbose;
    half = a.half;
    analyze_ctx *ctx = eval_ctx_new(&a, "eval_events_en");
    if (!ctx)
        return 1;
    const char *dir = a.corpus;
    snprintf(path, sizeof path, "%s/events-en/items.jsonl", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "eval_events_en: cannot open %s\n", path);
        analyze_ctx_free(ctx);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    score sc = {0};
    while (getline(&line, &cap, f) > 0) {
        if (half >= 0 && (lineno++ & 1) != half)
            continue;
        json_t *it = json_loads(line, 0, NULL);
        doc d = {0};
        if (!it || doc_load(&d, it) != 0) {
            doc_free(&d);
            json_decref(it);
            continue;
        }
        eval_item ei = {
            .set = "events-en", .id = json_string_value(json_object_get(it, "id")),
            .title = json_string_value(json_object_get(it, "title")), .page_title = "Example News",
            .site_name = "Example News", .published = json_string_value(json_object_get(it, "dct")),
            .text = d.text,
        };
        json_t *rec = eval_page_analyze(ctx, &ei);
        if (verbose)
            printf("doc %s\n", ei.id);
        if (!rec)
            rec = json_object();
        if (rec)
            score_doc(&d, rec, &sc);
        json_decref(rec);
        doc_free(&d);
        json_decref(it);
    }
    free(line);
    fclose(f);
    print_score(&sc);
    analyze_ctx_free(ctx);
    return 0;
}
