/* eval_analysis.c -- `make eval-analysis`: scores skimd's keywords and
 * summaries on the dev sets in the corpus folder, next to baselines
 * computed by the same code.
 *
 * usage: eval_analysis [--data DIR] [--corpus DIR] [--limit N] [--show N]
 * Keywords (keywords-en, keywords-zh): macro-averaged precision, recall and
 * F1 of the top 10 against the gold list; "exact" compares lower-cased,
 * space-collapsed strings; "norm" compares Snowball-stemmed words (en) or
 * strings with spaces, punctuation and width differences removed (zh).
 * Baseline: plain TF-IDF over single words (kw_baseline_tfidf).
 * With --heldout-idf DIR (idf-*.tsv built without the keyword sets), also
 * the keywords ranked with the IDF refined by the set's other articles
 * (leave-one-out; see eval_keywords_loo).
 * Summaries (summaries-en, summaries-zh): ROUGE-1/2/L F1, words (en,
 * lower-cased) or characters (zh) as tokens; baselines Lead-3 (en) and
 * Lead-1/Lead-3 (zh) use the same sentence splitter.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libstemmer.h>

#include "analyze/keywords.h"
#include "analyze/summary.h"
#include "analyze/text.h"

#define MAX_TOK 20000

/* ---- normalisation for matching ---- */

/* Lower-case; fold full-width ASCII; spaces collapsed. keep_space=0 drops
 * spaces and punctuation altogether (zh "norm" match). */
static void fold(const char *s, char *out, size_t cap, int keep_space)
{
    size_t l = 0, len = strlen(s);
    int sp = 0;
    for (size_t i = 0; i < len && l + 5 < cap;) {
        size_t at = i;
        uint32_t c = text_utf8_next(s, len, &i);
        if (c >= 0xFF01 && c <= 0xFF5E)
            c -= 0xFEE0;
        if (c == 0x3000)
            c = ' ';
        if (c < 0x80) {
            if (isalnum((int)c)) {
                if (sp && l)
                    out[l++] = ' ';
                sp = 0;
                out[l++] = (char)tolower((int)c);
            } else if (keep_space) {
                if (c == ' ' || c == '\t' || c == '-')
                    sp = 1;
                else if (c != '.' && c != '\'' && c != '"') {
                    if (sp && l)
                        out[l++] = ' ';
                    sp = 0;
                    out[l++] = (char)c;
                }
            }
        } else if (text_is_han(c) || (c >= 0xC0 && c < 0x2000) || !keep_space ? (text_is_han(c) || c >= 0xC0) : 1) {
            if (!keep_space && !(text_is_han(c) || (c >= 0xC0 && c < 0x2000)))
                continue;
            if (sp && l)
                out[l++] = ' ';
            sp = 0;
            memcpy(out + l, s + at, i - at);
            l += i - at;
        }
    }
    out[l] = '\0';
}

/* English: each word stemmed, joined by one space. */
static void stem_phrase(struct sb_stemmer *st, const char *s, char *out, size_t cap)
{
    char tmp[512];
    fold(s, tmp, sizeof tmp, 1);
    size_t l = 0;
    for (char *p = tmp; *p;) {
        while (*p == ' ')
            p++;
        char *e = p;
        while (*e && *e != ' ')
            e++;
        if (e == p)
            break;
        const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)p, (int)(e - p));
        int rl = sb_stemmer_length(st);
        if (r && l + (size_t)rl + 2 < cap) {
            if (l)
                out[l++] = ' ';
            memcpy(out + l, r, (size_t)rl);
            l += (size_t)rl;
        }
        p = e;
    }
    out[l] = '\0';
}

typedef struct prf {
    double p, r, f;
    size_t n;
} prf;

static void prf_add(prf *a, double p, double r)
{
    a->p += p;
    a->r += r;
    a->f += p + r > 0 ? 2 * p * r / (p + r) : 0;
    a->n++;
}

/* Score predictions against gold, both already normalised. */
static void match(char pred[][KW_TEXT_MAX * 2], size_t np, char gold[][KW_TEXT_MAX * 2], size_t ng, prf *acc)
{
    size_t hit_p = 0, hit_g = 0;
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; j < ng; j++)
            if (pred[i][0] && !strcmp(pred[i], gold[j])) {
                hit_p++;
                break;
            }
    for (size_t j = 0; j < ng; j++)
        for (size_t i = 0; i < np; i++)
            if (gold[j][0] && !strcmp(pred[i], gold[j])) {
                hit_g++;
                break;
            }
    prf_add(acc, np ? (double)hit_p / (double)np : 0, ng ? (double)hit_g / (double)ng : 0);
}

#define MAX_GOLD 200
typedef char normbuf[KW_TEXT_MAX * 2];

/* The doc of one keywords-set line (title + body as the set gives them);
 * 0, or -1 when the line has no text or gold list. */
static int kw_set_doc(const text_ctx *tc, json_t *o, int zh, text_doc *doc)
{
    const char *text = json_string_value(json_object_get(o, "text"));
    if (!text || !json_is_array(json_object_get(o, "keywords")))
        return -1;
    char *title = NULL, *body = NULL;
    if (zh) {
        const char *t = json_string_value(json_object_get(o, "title"));
        title = strdup(t ? t : "");
        body = strdup(text);
        size_t bl = body ? strlen(body) : 0, tl = title ? strlen(title) : 0;
        if (body && title && tl && bl > tl && !strcmp(body + bl - tl, title))
            body[bl - tl] = '\0';   /* text is abstract + " " + title */
    } else {
        const char *nl = strchr(text, '\n');
        title = nl ? strndup(text, (size_t)(nl - text)) : strdup("");
        body = strdup(nl ? nl + 1 : text);
    }
    int rc = title && body && text_doc_build(tc, title, body, zh ? "zh" : "en", doc) == 0 ? 0 : -1;
    free(title);
    free(body);
    return rc;
}

/* The next line of fp with a usable doc: *o (new) and *doc (release
 * both); 0 at the end of the file. */
static int next_kw_doc(FILE *fp, char **line, size_t *cap, const text_ctx *tc, int zh,
                       json_t **o, text_doc *doc)
{
    while (getline(line, cap, fp) > 0) {
        *o = json_loads(*line, 0, NULL);
        if (*o && kw_set_doc(tc, *o, zh, doc) == 0)
            return 1;
        json_decref(*o);
    }
    *o = NULL;
    return 0;
}

/* The gold list of line o, folded (gx: exact, gn: stemmed / no spaces). */
static size_t gold_of(json_t *o, int zh, struct sb_stemmer *st, normbuf *gx, normbuf *gn)
{
    json_t *keys = json_object_get(o, "keywords");
    size_t ng = 0;
    for (size_t i = 0; i < json_array_size(keys) && ng < MAX_GOLD; i++) {
        const char *g = json_string_value(json_array_get(keys, i));
        if (!g)
            continue;
        fold(g, gx[ng], sizeof gx[ng], 1);
        if (zh)
            fold(g, gn[ng], sizeof gn[ng], 0);
        else
            stem_phrase(st, g, gn[ng], sizeof gn[ng]);
        int dup = 0;
        for (size_t k = 0; k < ng; k++)
            dup |= !strcmp(gx[k], gx[ng]);
        if (!dup && gx[ng][0])
            ng++;
    }
    return ng;
}

/* Score np predicted keywords against the gold list: acc[0] exact,
 * acc[1] stemmed (en) / without spaces (zh). */
static void score_items(const kw_item *items, size_t np, int zh, struct sb_stemmer *st,
                        normbuf *gx, normbuf *gn, size_t ng, prf acc[2])
{
    static normbuf px[KW_MAX], pn[KW_MAX];
    for (size_t i = 0; i < np; i++) {
        fold(items[i].text, px[i], sizeof px[i], 1);
        if (zh)
            fold(items[i].text, pn[i], sizeof pn[i], 0);
        else
            stem_phrase(st, items[i].text, pn[i], sizeof pn[i]);
    }
    match(px, np, gx, ng, &acc[0]);
    match(pn, np, gn, ng, &acc[1]);
}

static int eval_keywords(const text_ctx *tc, const kw_model *m, const char *path, int zh,
                         long limit, int show)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "eval: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct sb_stemmer *st = sb_stemmer_new("english", "UTF_8");
    static normbuf gx[MAX_GOLD], gn[MAX_GOLD];
    prf acc[2][2] = {{{0}}};   /* [ours/base][exact/norm] */
    char *line = NULL;
    size_t cap = 0;
    long docs = 0;
    json_t *o;
    text_doc doc;
    while ((limit <= 0 || docs < limit) && next_kw_doc(fp, &line, &cap, tc, zh, &o, &doc)) {
        size_t ng = gold_of(o, zh, st, gx, gn);
        kw_item items[KW_MAX];
        for (int sys = 0; sys < 2; sys++) {
            size_t np = sys == 0 ? kw_extract(m, &doc, NULL, items, KW_MAX)
                                 : kw_baseline_tfidf(m, &doc, items, KW_MAX);
            score_items(items, np, zh, st, gx, gn, ng, acc[sys]);
            if (show > 0 && docs < show) {
                printf("  %s %s:", sys ? "tfidf" : "ours ", json_string_value(json_object_get(o, "id")));
                for (size_t i = 0; i < np; i++)
                    printf(" [%s]", items[i].text);
                printf("\n");
            }
        }
        if (show > 0 && docs < show) {
            printf("  gold:");
            for (size_t i = 0; i < ng && i < 20; i++)
                printf(" [%s]", gx[i]);
            printf("\n");
        }
        docs++;
        text_doc_release(&doc);
        json_decref(o);
    }
    free(line);
    fclose(fp);
    sb_stemmer_delete(st);
    printf("%s (%ld docs)      exact P@10  R@10  F1@10 | %s P@10  R@10  F1@10\n",
           zh ? "keywords-zh" : "keywords-en", docs, zh ? "norm" : "stem");
    for (int sys = 0; sys < 2; sys++) {
        double n0 = acc[sys][0].n ? (double)acc[sys][0].n : 1, n1 = acc[sys][1].n ? (double)acc[sys][1].n : 1;
        printf("  %-24s %.3f %.3f %.3f |      %.3f %.3f %.3f\n", sys ? "TF-IDF baseline" : "skimd",
               acc[sys][0].p / n0, acc[sys][0].r / n0, acc[sys][0].f / n0,
               acc[sys][1].p / n1, acc[sys][1].r / n1, acc[sys][1].f / n1);
    }
    return 0;
}

/* ---- keywords with the IDF refined by the set's other articles ----
 *
 * What a daemon that had stored the rest of the set would rank with: for
 * each article, kw_stats from the set's other articles (their counted
 * terms, df >= KW_STATS_MIN_DF, as the daemon loads them) next to a
 * shipped table. The shipped data/ tables were built from these very
 * sets, so the honest pair is the "held-out" table (built without the
 * keyword sets, `make eval-analysis` does it) alone vs with the others. */

#define LOO_SETUPS 5

static int eval_keywords_loo(const text_ctx *tc, kw_model *shipped, kw_model *heldout,
                             const char *path, int zh, long limit)
{
    static const struct { const char *name; int heldout, refine; double prior; } setups[LOO_SETUPS] = {
        { "shipped IDF (default)", 0, 0, 0 },
        { "shipped + others", 0, 1, 0 },
        { "held-out IDF", 1, 0, 0 },
        { "held-out + others", 1, 1, 0 },
        { "held-out + others, prior 5000", 1, 1, 5000 },
    };
    const char *lang = zh ? "zh" : "en";
    text_map *all = text_map_new();
    struct sb_stemmer *st = sb_stemmer_new("english", "UTF_8");
    static normbuf gx[MAX_GOLD], gn[MAX_GOLD];
    static const char *terms[KW_STATS_DOC_TERMS];
    prf acc[LOO_SETUPS][2];
    uint8_t *own = NULL;
    char *line = NULL;
    size_t cap = 0;
    long docs = 0;
    int rc = -1;
    memset(acc, 0, sizeof acc);
    FILE *fp = fopen(path, "r");
    if (!fp || !all || !st)
        goto done;
    /* pass 1: document frequencies over the whole set */
    json_t *o;
    text_doc doc;
    while ((limit <= 0 || docs < limit) && next_kw_doc(fp, &line, &cap, tc, zh, &o, &doc)) {
        size_t n = kw_doc_terms(&doc, terms, KW_STATS_DOC_TERMS);
        for (size_t i = 0; i < n; i++) {
            uint32_t id = text_map_put(all, terms[i], strlen(terms[i]), NULL);
            if (id != TEXT_MAP_NONE)
                text_map_set_value(all, id, text_map_value(all, id) + 1);
        }
        docs++;
        text_doc_release(&doc);
        json_decref(o);
    }
    own = calloc(text_map_size(all) + 1, 1);
    if (!own)
        goto done;
    /* pass 2: each article against the others */
    rewind(fp);
    long seen = 0;
    while ((limit <= 0 || seen < limit) && next_kw_doc(fp, &line, &cap, tc, zh, &o, &doc)) {
        seen++;
        size_t n = kw_doc_terms(&doc, terms, KW_STATS_DOC_TERMS);
        for (size_t i = 0; i < n; i++) {
            uint32_t id = text_map_get(all, terms[i], strlen(terms[i]));
            if (id != TEXT_MAP_NONE)
                own[id] = 1;
        }
        kw_stats *others = kw_stats_new();
        if (!others || kw_stats_set_docs(others, lang, (double)(docs - 1)) != 0) {
            kw_stats_free(others);
            text_doc_release(&doc);
            json_decref(o);
            goto done;
        }
        for (uint32_t id = 0; id < text_map_size(all); id++) {
            const char *k = text_map_key(all, id);
            if (kw_stats_add(others, lang, k, strlen(k), text_map_value(all, id) - own[id]) != 0)
                break;
            own[id] = 0;
        }
        size_t ng = gold_of(o, zh, st, gx, gn);
        for (int u = 0; u < LOO_SETUPS; u++) {
            kw_model *m = setups[u].heldout ? heldout : shipped;
            kw_model_set_prior(m, setups[u].prior);
            if (setups[u].refine)
                kw_stats_hold(others);
            kw_model_set_stored(m, setups[u].refine ? others : NULL);
            kw_item items[KW_MAX];
            size_t np = kw_extract(m, &doc, NULL, items, KW_MAX);
            score_items(items, np, zh, st, gx, gn, ng, acc[u]);
            kw_model_set_stored(m, NULL);
        }
        kw_stats_drop(others);
        text_doc_release(&doc);
        json_decref(o);
    }
    printf("%s, IDF refined by the set's other %ld articles (leave-one-out)  F1@10 exact | %s\n",
           zh ? "keywords-zh" : "keywords-en", docs - 1, zh ? "norm" : "stem");
    for (int u = 0; u < LOO_SETUPS; u++) {
        double n0 = acc[u][0].n ? (double)acc[u][0].n : 1;
        printf("  %-34s %.4f | %.4f\n", setups[u].name, acc[u][0].f / n0, acc[u][1].f / n0);
    }
    kw_model_set_prior(shipped, KW_PRIOR_DOCS);
    kw_model_set_prior(heldout, KW_PRIOR_DOCS);
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "eval: leave-one-out on %s failed\n", path);
    if (fp)
        fclose(fp);
    free(line);
    free(own);
    text_map_free(all);
    sb_stemmer_delete(st);
    return rc;
}

/* ---- ROUGE ---- */

typedef struct toks {
    uint32_t v[MAX_TOK];
    size_t n;
} toks;

/* Tokens of s: lower-cased alphanumeric words (en) or single characters
 * other than spaces and punctuation (zh), interned in vocab. */
static void rouge_tokens(text_map *vocab, const char *s, int zh, toks *out)
{
    size_t len = strlen(s);
    out->n = 0;
    char w[64];
    size_t wl = 0;
    for (size_t i = 0; i <= len && out->n < MAX_TOK;) {
        size_t at = i;
        uint32_t c = i < len ? text_utf8_next(s, len, &i) : (i++, 0);
        if (c >= 0xFF01 && c <= 0xFF5E)
            c -= 0xFEE0;
        int word = c && ((c < 0x80 && isalnum((int)c)) || (!zh && c >= 0xC0 && !text_is_han(c) && c < 0x2000));
        if (zh && c && (text_is_han(c) || (c < 0x80 && isalnum((int)c)))) {
            char one[8];
            size_t ol = c < 0x80 ? 1 : i - at;
            if (c < 0x80)
                one[0] = (char)tolower((int)c);
            else
                memcpy(one, s + at, ol);
            uint32_t id = text_map_put(vocab, one, ol, NULL);
            if (id != TEXT_MAP_NONE)
                out->v[out->n++] = id;
            continue;
        }
        if (word) {
            if (c < 0x80 && wl < sizeof w)
                w[wl++] = (char)tolower((int)c);
            else if (c >= 0x80 && wl + (i - at) <= sizeof w) {
                memcpy(w + wl, s + at, i - at);
                wl += i - at;
            }
            continue;
        }
        if (wl) {
            uint32_t id = text_map_put(vocab, w, wl, NULL);
            if (id != TEXT_MAP_NONE)
                out->v[out->n++] = id;
            wl = 0;
        }
    }
}

static double f1(double hit, double nc, double nr)
{
    if (hit <= 0 || nc <= 0 || nr <= 0)
        return 0;
    double p = hit / nc, r = hit / nr;
    return 2 * p * r / (p + r);
}

static double rouge_n(const toks *c, const toks *r, int n)
{
    if (c->n < (size_t)n || r->n < (size_t)n)
        return 0;
    text_map *ref = text_map_new();
    if (!ref)
        return 0;
    for (size_t i = 0; i + (size_t)n <= r->n; i++) {
        uint32_t id = text_map_put(ref, (const char *)&r->v[i], (size_t)n * sizeof(uint32_t), NULL);
        if (id != TEXT_MAP_NONE)
            text_map_set_value(ref, id, text_map_value(ref, id) + 1);
    }
    double hit = 0;
    for (size_t i = 0; i + (size_t)n <= c->n; i++) {
        uint32_t id = text_map_get(ref, (const char *)&c->v[i], (size_t)n * sizeof(uint32_t));
        if (id != TEXT_MAP_NONE && text_map_value(ref, id) > 0) {
            hit++;
            text_map_set_value(ref, id, text_map_value(ref, id) - 1);
        }
    }
    text_map_free(ref);
    return f1(hit, (double)(c->n - (size_t)n + 1), (double)(r->n - (size_t)n + 1));
}

static double rouge_l(const toks *c, const toks *r)
{
    if (!c->n || !r->n)
        return 0;
    size_t *prev = calloc(r->n + 1, sizeof *prev), *cur = calloc(r->n + 1, sizeof *cur);
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return 0;
    }
    for (size_t i = 1; i <= c->n; i++) {
        for (size_t j = 1; j <= r->n; j++)
            cur[j] = c->v[i - 1] == r->v[j - 1] ? prev[j - 1] + 1
                                                 : (prev[j] > cur[j - 1] ? prev[j] : cur[j - 1]);
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    double lcs = (double)prev[r->n];
    free(prev);
    free(cur);
    return f1(lcs, (double)c->n, (double)r->n);
}

#define N_SUMSYS 3
static int eval_summaries(const text_ctx *tc, const kw_model *m, const char *path, int zh,
                          long limit, int show)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "eval: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    static toks ct, rt;
    text_map *vocab = text_map_new();
    double acc[N_SUMSYS][3] = {{0}}, len[N_SUMSYS] = {0};
    const char *names[N_SUMSYS] = { "skimd", "Lead-1", "Lead-3" };
    char *line = NULL;
    size_t cap = 0;
    long docs = 0;
    while (vocab && getline(&line, &cap, fp) > 0 && (limit <= 0 || docs < limit)) {
        json_t *o = json_loads(line, 0, NULL);
        const char *text = json_string_value(json_object_get(o, "text"));
        const char *ref = json_string_value(json_object_get(o, "summary"));
        const char *title = json_string_value(json_object_get(o, "title"));
        text_doc doc;
        if (!text || !ref || text_doc_build(tc, title, text, zh ? "zh" : "en", &doc) != 0) {
            json_decref(o);
            continue;
        }
        kw_item kw[KW_MAX];
        size_t nk = kw_extract(m, &doc, NULL, kw, KW_MAX);
        rouge_tokens(vocab, ref, zh, &rt);
        for (int sys = 0; sys < N_SUMSYS; sys++) {
            char *cand = NULL;
            if (sys == 0) {
                cand = sum_extract(m, &doc, kw, nk, NULL);
            } else {
                uint32_t idx[3] = { 0, 1, 2 };
                size_t n = sys == 1 ? 1 : 3;
                cand = sum_join(&doc, idx, n < doc.n_sents ? n : doc.n_sents);
            }
            if (!cand)
                continue;
            rouge_tokens(vocab, cand, zh, &ct);
            acc[sys][0] += rouge_n(&ct, &rt, 1);
            acc[sys][1] += rouge_n(&ct, &rt, 2);
            acc[sys][2] += rouge_l(&ct, &rt);
            len[sys] += (double)ct.n;
            if (show > 0 && docs < show)
                printf("  %s: %s\n", names[sys], cand);
            free(cand);
        }
        if (show > 0 && docs < show)
            printf("  ref: %s\n", ref);
        docs++;
        text_doc_release(&doc);
        json_decref(o);
    }
    free(line);
    fclose(fp);
    text_map_free(vocab);
    double n = docs ? (double)docs : 1;
    printf("%s (%ld docs, %s as tokens)  ROUGE-1  ROUGE-2  ROUGE-L  avg len\n",
           zh ? "summaries-zh" : "summaries-en", docs, zh ? "chars" : "words");
    for (int sys = 0; sys < N_SUMSYS; sys++)
        printf("  %-24s %.3f    %.3f    %.3f    %.1f\n", names[sys], acc[sys][0] / n,
               acc[sys][1] / n, acc[sys][2] / n, len[sys] / n);
    return 0;
}

int main(int argc, char **argv)
{
    const char *data = "data", *corpus = "../shared/corpus", *only = NULL, *heldout_dir = NULL;
    long limit = 0;
    int show = 0;
    char err[512], path[2048];
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--data"))
            data = argv[i + 1];
        else if (!strcmp(argv[i], "--corpus"))
            corpus = argv[i + 1];
        else if (!strcmp(argv[i], "--only"))
            only = argv[i + 1];
        else if (!strcmp(argv[i], "--heldout-idf"))
            heldout_dir = argv[i + 1];
        else if (!strcmp(argv[i], "--limit") || !strcmp(argv[i], "--show")) {
            char *end;
            errno = 0;
            long v = strtol(argv[i + 1], &end, 10);
            if (errno || *end || v < 0 || v > 1000000) {
                fprintf(stderr, "eval: bad number %s\n", argv[i + 1]);
                return 2;
            }
            if (argv[i][2] == 'l')
                limit = v;
            else
                show = (int)v;
        } else {
            fprintf(stderr, "usage: eval_analysis [--data DIR] [--corpus DIR] [--only SET] [--limit N] [--show N]"
                            " [--heldout-idf DIR]\n");
            return 2;
        }
    }
    text_ctx *tc = NULL;
    kw_model *m = NULL, *held = NULL;
    int rc = 0, n_tax;
    if (text_ctx_new(data, NULL, &tc, err, sizeof err) || kw_model_load(data, &m, err, sizeof err)) {
        fprintf(stderr, "eval: %s\n", err);
        text_ctx_free(tc);
        return 1;
    }
    /* as the daemon does: the taxonomy's terms join the lexicon */
    n_tax = snprintf(path, sizeof path, "%s/taxonomy.json", data);
    if (n_tax > 0 && (size_t)n_tax < sizeof path && text_ctx_add_json_terms(tc, path) != 0) {
        fprintf(stderr, "eval: out of memory\n");
        rc = 1;
    }
    static const struct { const char *set; int kind, zh; } sets[] = {
        { "keywords-en", 0, 0 }, { "keywords-zh", 0, 1 },
        { "summaries-en", 1, 0 }, { "summaries-zh", 1, 1 } };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        if (only && strcmp(only, sets[i].set))
            continue;
        int n = snprintf(path, sizeof path, "%s/%s/items.jsonl", corpus, sets[i].set);
        if (n < 0 || (size_t)n >= sizeof path)
            continue;
        int r = sets[i].kind ? eval_summaries(tc, m, path, sets[i].zh, limit, show)
                             : eval_keywords(tc, m, path, sets[i].zh, limit, show);
        if (r)
            rc = 1;
    }
    if (heldout_dir && kw_model_load(heldout_dir, &held, err, sizeof err) != 0) {
        fprintf(stderr, "eval: %s\n", err);
        rc = 1;
    }
    for (size_t i = 0; held && i < 2; i++) {
        if (only && strcmp(only, sets[i].set))
            continue;
        int n = snprintf(path, sizeof path, "%s/%s/items.jsonl", corpus, sets[i].set);
        if (n > 0 && (size_t)n < sizeof path && eval_keywords_loo(tc, m, held, path, sets[i].zh, limit) != 0)
            rc = 1;
    }
    kw_model_free(held);
    kw_model_free(m);
    text_ctx_free(tc);
    return rc;
}
