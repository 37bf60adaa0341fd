/* keywords.c -- keyword extraction for one text_doc (see keywords.h).
 *
 * Owns the background IDF tables (kw_model), candidate generation (single
 * words and runs of adjacent content words) and the ranking (TF x IDF,
 * TextRank over a co-occurrence window, first-position and title boosts).
 * The filters (bylines, speaker labels, site names) are in kw_filter.c;
 * segmentation in text.c; the record in analyze.c.
 */
#include "analyze/keywords.h"
#include "analyze/kw_filter.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kw_model {
    text_map *df[2];      /* 0: zh, 1: en (kw_stats_lang); word -> document frequency */
    double ndocs[2];      /* documents behind each table */
    double prior_docs;    /* the shipped table weighs as at least this many documents */
    pthread_mutex_t lock; /* guards the pointer `stored` (not the table: it is immutable) */
    kw_stats *stored;     /* counts over the stored articles, or NULL; refcounted */
};

static int load_table(const char *dir, const char *name, text_map **out, double *ndocs,
                      char *err, size_t errlen)
{
    char path[1024], line[512];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) {
        snprintf(err, errlen, "keywords: path too long");
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;   /* no table: flat IDF */
    text_map *m = text_map_new();
    int rc = -1;
    long lineno = 0;
    if (!m) {
        snprintf(err, errlen, "keywords: out of memory");
        goto done;
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t l = strlen(line);
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
            line[--l] = '\0';
        if (!l)
            continue;
        if (line[0] == '#') {
            const char *p = strstr(line, "docs ");
            if (p) {
                char *end;
                errno = 0;
                double d = strtod(p + 5, &end);
                if (!errno && d > 0)
                    *ndocs = d;
            }
            continue;
        }
        char *tab = strchr(line, '\t');
        char *end = NULL;
        errno = 0;
        long df = tab ? strtol(tab + 1, &end, 10) : -1;
        if (!tab || tab == line || errno || df < 1 || (end && *end)) {
            snprintf(err, errlen, "keywords: %s:%ld: expected WORD<TAB>COUNT", path, lineno);
            goto done;
        }
        uint32_t id = text_map_put(m, line, (size_t)(tab - line), NULL);
        if (id == TEXT_MAP_NONE) {
            snprintf(err, errlen, "keywords: out of memory reading %s", path);
            goto done;
        }
        text_map_set_value(m, id, (double)df);
    }
    if (*ndocs <= 0) {
        snprintf(err, errlen, "keywords: %s: no '# docs N' header", path);
        goto done;
    }
    *out = m;
    m = NULL;
    rc = 0;
done:
    text_map_free(m);
    fclose(f);
    return rc;
}

int kw_model_load(const char *data_dir, kw_model **out, char *err, size_t errlen)
{
    kw_model *m = calloc(1, sizeof *m);
    if (!m || !out || !data_dir) {
        snprintf(err, errlen, "keywords: %s", m ? "bad arguments" : "out of memory");
        free(m);
        return -1;
    }
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        snprintf(err, errlen, "keywords: cannot create a lock");
        free(m);
        return -1;
    }
    m->prior_docs = KW_PRIOR_DOCS;
    if (load_table(data_dir, "idf-zh.tsv", &m->df[0], &m->ndocs[0], err, errlen) ||
        load_table(data_dir, "idf-en.tsv", &m->df[1], &m->ndocs[1], err, errlen)) {
        kw_model_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

void kw_model_free(kw_model *m)
{
    if (!m)
        return;
    text_map_free(m->df[0]);
    text_map_free(m->df[1]);
    kw_stats_drop(m->stored);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void kw_model_set_stored(kw_model *m, kw_stats *s)
{
    if (!m) {
        kw_stats_drop(s);
        return;
    }
    pthread_mutex_lock(&m->lock);
    kw_stats *old = m->stored;
    m->stored = s;
    pthread_mutex_unlock(&m->lock);
    kw_stats_drop(old);   /* freed here, or by the last reader still holding it */
}

void kw_model_set_prior(kw_model *m, double docs)
{
    if (m)
        m->prior_docs = docs > 0 ? docs : 0;
}

size_t kw_model_bytes(const kw_model *m)
{
    return m ? text_map_bytes(m->df[0]) + text_map_bytes(m->df[1]) : 0;
}

/* One formula for both sources: the shipped table (N0 documents, df0) and
 * the stored articles (N1, df1) are one corpus, the shipped part weighted
 * w = max(1, prior_docs / N0) so that a few stored articles cannot swing
 * it (docs/analysis.md). With nothing stored this is exactly
 * log((N0 + 1) / (df0 + 1)) + 1, the shipped-only IDF. */
double kw_idf_in(const kw_model *m, const kw_stats *held, const char *lang, const char *norm)
{
    int t = kw_stats_lang(lang);
    if (!m || t < 0 || !m->df[t] || !norm)
        return 1.0;
    size_t len = strlen(norm);
    uint32_t id = text_map_get(m->df[t], norm, len);
    double df0 = id == TEXT_MAP_NONE ? 0.0 : text_map_value(m->df[t], id);
    double n0 = m->ndocs[t];
    double n1 = kw_stats_docs(held, t);
    if (n1 <= 0)
        return log((n0 + 1.0) / (df0 + 1.0)) + 1.0;
    double df1 = kw_stats_df(held, t, norm, len);
    if (df1 > n1)
        df1 = n1;
    double w = n0 > 0 && m->prior_docs > n0 ? m->prior_docs / n0 : 1.0;
    return log((w * (n0 + 1.0) + n1) / (w * (df0 + 1.0) + df1)) + 1.0;
}

const kw_stats *kw_idf_hold(const kw_model *m)
{
    if (!m)
        return NULL;
    kw_model *mm = (kw_model *)m;   /* the lock is the one mutable part */
    pthread_mutex_lock(&mm->lock);
    kw_stats *s = mm->stored;
    kw_stats_hold(s);
    pthread_mutex_unlock(&mm->lock);
    return s;
}

void kw_idf_let_go(const kw_stats *held)
{
    kw_stats_drop((kw_stats *)held);   /* the count is the holder's to drop */
}

double kw_idf(const kw_model *m, const char *lang, const char *norm)
{
    const kw_stats *held = kw_idf_hold(m);
    double v = kw_idf_in(m, held, lang, norm);
    kw_idf_let_go(held);
    return v;
}

/* May this token stand as a keyword (single) / sit inside a phrase? */
/* Only hiragana: Japanese particles and endings (する, ない), never keywords. */
static int all_hiragana(const char *w)
{
    size_t len = strlen(w);
    for (size_t i = 0; i < len;) {
        uint32_t c = text_utf8_next(w, len, &i);
        if (c < 0x3040 || c > 0x309F)
            return 0;
    }
    return len > 0;
}

enum { OK_SINGLE = 1, OK_INNER = 2 };
enum { TF_NUM_KNOWN = 1, TF_NUM = 2, TF_HIRA_KNOWN = 4, TF_HIRA = 8 };

/* kw_cjk_number / all_hiragana of a term, asked once per term (cache[]
 * holds TF_* bits; asked per token they were a fifth of the keyword time) */
static int term_is(const text_doc *doc, uint8_t *cache, uint32_t term, int what)
{
    uint8_t known = what == TF_NUM ? TF_NUM_KNOWN : TF_HIRA_KNOWN;
    if (!(cache[term] & known)) {
        const char *w = doc->terms[term].norm;
        int yes = what == TF_NUM ? kw_cjk_number(w) : all_hiragana(w);
        cache[term] |= (uint8_t)(known | (yes ? what : 0));
    }
    return (cache[term] & what) != 0;
}

static int single_ok(const text_doc *doc, uint8_t *cache, const text_token *t)
{
    const text_term *tm = &doc->terms[t->term];
    if (tm->stop || t->kind == TEXT_TOK_NUM)
        return 0;
    if (t->kind == TEXT_TOK_CJK)
        return tm->chars >= 2 && !term_is(doc, cache, t->term, TF_NUM) &&
               !term_is(doc, cache, t->term, TF_HIRA);
    /* German capitalises its nouns: a lower-case word alone (neues,
     * beschlossen, sieht) is an adjective or a verb, no keyword */
    if (doc->lang[0] == 'd' && doc->lang[1] == 'e' && !doc->lang[2] && doc->text[t->start] >= 'a' &&
        doc->text[t->start] <= 'z')
        return 0;
    return tm->chars >= 2;
}

static int inner_ok(const text_doc *doc, uint8_t *cache, const text_token *t)
{
    const text_term *tm = &doc->terms[t->term];
    if (tm->stop)
        return 0;
    if (t->kind == TEXT_TOK_NUM)
        return 0;
    if (t->kind == TEXT_TOK_CJK)
        return !term_is(doc, cache, t->term, TF_NUM);
    return tm->chars >= 2;
}

/* May each token stand as a keyword (OK_SINGLE) / sit inside a phrase
 * (OK_INNER)? Caller frees; NULL when out of memory. */
static uint8_t *token_oks(const text_doc *doc)
{
    uint8_t *cache = calloc(doc->n_terms ? doc->n_terms : 1, 1);
    uint8_t *ok = malloc(doc->n_toks ? doc->n_toks : 1);
    if (!cache || !ok) {
        free(cache);
        free(ok);
        return NULL;
    }
    for (size_t i = 0; i < doc->n_toks; i++)
        ok[i] = (uint8_t)((single_ok(doc, cache, &doc->toks[i]) ? OK_SINGLE : 0) |
                          (inner_ok(doc, cache, &doc->toks[i]) ? OK_INNER : 0));
    free(cache);
    return ok;
}

/* ---- candidates ---- */

typedef struct cand {
    uint32_t stems[KW_MAX_TERMS]; /* key: stem ids */
    uint32_t terms[KW_MAX_TERMS]; /* term ids of the chosen surface */
    uint32_t n;
    uint32_t count;
    uint32_t first_sent;
    uint32_t surf_tok;    /* first token of the occurrence shown */
    int surf_initial;     /* that occurrence starts a sentence */
    int in_title;
    double score;
    char norm[KW_TEXT_MAX];
} cand;

typedef struct cands {
    cand *v;
    size_t n, cap;
    text_map *map;        /* binary stem-id key -> index */
} cands;

static cand *cand_get(cands *c, const uint32_t *stems, uint32_t n, int create)
{
    uint32_t id = text_map_get(c->map, (const char *)stems, n * sizeof *stems);
    if (id != TEXT_MAP_NONE)
        return &c->v[id];
    if (!create)
        return NULL;
    id = text_map_put(c->map, (const char *)stems, n * sizeof *stems, NULL);
    if (id == TEXT_MAP_NONE)
        return NULL;
    if (id >= c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        cand *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return NULL;
        c->v = v;
        c->cap = cap;
    }
    cand *k = &c->v[id];
    memset(k, 0, sizeof *k);
    memcpy(k->stems, stems, n * sizeof *stems);
    k->n = n;
    k->first_sent = UINT32_MAX;
    c->n = id + 1;
    return k;
}

/* Join the norms of terms into out (CJK: no space between CJK words). */
static int join_norm(const text_doc *doc, const uint32_t *terms, uint32_t n, char *out, size_t cap)
{
    size_t l = 0;
    for (uint32_t i = 0; i < n; i++) {
        const text_term *tm = &doc->terms[terms[i]];
        size_t wl = strlen(tm->norm);
        int space = i > 0 && !(doc->cjk && (tm->kind == TEXT_TOK_CJK ||
                                            doc->terms[terms[i - 1]].kind == TEXT_TOK_CJK));
        if (l + wl + (size_t)space + 1 > cap)
            return -1;
        if (space)
            out[l++] = ' ';
        memcpy(out + l, tm->norm, wl);
        l += wl;
    }
    out[l] = '\0';
    return 0;
}

/* A short line without sentence punctuation: a menu, a share widget, a
 * caption; its words do not count. */
static int junk_line(const text_doc *doc, const text_sentence *s)
{
    if (s >= doc->sents + doc->n_body_sents)
        return 1;   /* comments, related links after the article */
    if (!(s->flags & TEXT_SF_NOEND))
        return 0;
    return doc->cjk ? s->chars < 16 : s->tok_end - s->tok_begin < 6;
}

static int collect(const text_doc *doc, const uint8_t *ok, const kw_bans *b, cands *c)
{
    const text_token *tk = doc->toks;
    for (size_t i = 0; i < doc->n_toks; i++) {
        if (junk_line(doc, &doc->sents[tk[i].sent]))
            continue;
        uint32_t stems[KW_MAX_TERMS];
        for (uint32_t n = 1; n <= KW_MAX_TERMS && i + n <= doc->n_toks; n++) {
            const text_token *t = &tk[i + n - 1];
            if (n > 1 && (t->flags & TEXT_TF_BREAK))
                break;
            if (!(ok[i + n - 1] & OK_INNER))
                break;
            stems[n - 1] = doc->terms[t->term].stem_id;
            if (n == 1 && !(ok[i] & OK_SINGLE))
                continue;
            if (n > 1) {
                /* a phrase may only end in a single CJK character when it is
                 * the whole run (百模大战 yes, 模大战 no) */
                int edge_single = (tk[i].flags & TEXT_TF_SINGLE) || (t->flags & TEXT_TF_SINGLE);
                int maximal = (i == 0 || (tk[i].flags & TEXT_TF_BREAK) || !(ok[i - 1] & OK_INNER)) &&
                              (i + n >= doc->n_toks || (tk[i + n].flags & TEXT_TF_BREAK) ||
                               !(ok[i + n] & OK_INNER));
                if (edge_single && !maximal)
                    continue;
            }
            cand *k = cand_get(c, stems, n, 1);
            if (!k)
                return -1;
            if (k->count == 0) {
                uint32_t terms[KW_MAX_TERMS];
                for (uint32_t j = 0; j < n; j++)
                    terms[j] = tk[i + j].term;
                if (join_norm(doc, terms, n, k->norm, sizeof k->norm) != 0) {
                    k->norm[0] = '\0';
                } else if (kw_is_banned(b, k->norm)) {
                    k->norm[0] = '\0';
                }
                memcpy(k->terms, terms, sizeof terms);
                k->first_sent = t->sent;
                k->surf_tok = (uint32_t)i;
                k->surf_initial = doc->sents[tk[i].sent].tok_begin == i;
            } else if (n == 1 && tk[i].term != k->terms[0] &&
                       doc->terms[tk[i].term].count > doc->terms[k->terms[0]].count) {
                /* show the commonest form of the stem (film vs films) */
                k->terms[0] = tk[i].term;
                k->surf_tok = (uint32_t)i;
                k->surf_initial = doc->sents[tk[i].sent].tok_begin == i;
            } else if (k->surf_initial && doc->sents[tk[i].sent].tok_begin != i &&
                       (n > 1 || tk[i].term == k->terms[0])) {
                for (uint32_t j = 0; j < n; j++)
                    k->terms[j] = tk[i + j].term;
                k->surf_tok = (uint32_t)i;
                k->surf_initial = 0;
            }
            k->count++;
        }
    }
    /* title occurrences */
    const text_token *tt = doc->title_toks;
    for (size_t i = 0; i < doc->n_title_toks; i++) {
        uint32_t stems[KW_MAX_TERMS];
        for (uint32_t n = 1; n <= KW_MAX_TERMS && i + n <= doc->n_title_toks; n++) {
            if (n > 1 && (tt[i + n - 1].flags & TEXT_TF_BREAK))
                break;
            stems[n - 1] = doc->terms[tt[i + n - 1].term].stem_id;
            cand *k = cand_get(c, stems, n, 0);
            if (k)
                k->in_title = 1;
        }
    }
    return 0;
}

/* ---- TextRank over stems ---- */

static double *textrank(const text_doc *doc, const uint8_t *ok)
{
    size_t n = doc->n_stems;
    double *rank = calloc(n ? n : 1, sizeof *rank);
    double *next = calloc(n ? n : 1, sizeof *next);
    double *deg = calloc(n ? n : 1, sizeof *deg);
    text_map *edges = text_map_new();
    uint32_t *ea = NULL, *eb = NULL;
    double *ew = NULL;
    if (!rank || !next || !deg || !edges)
        goto fail;
    const text_token *tk = doc->toks;
    for (size_t i = 0; i < doc->n_toks; i++) {
        if (!(ok[i] & OK_SINGLE) || junk_line(doc, &doc->sents[tk[i].sent]))
            continue;
        for (size_t j = i + 1; j < doc->n_toks && j <= i + 4 && tk[j].sent == tk[i].sent; j++) {
            if (!(ok[j] & OK_SINGLE))
                continue;
            uint32_t a = doc->terms[tk[i].term].stem_id, bb = doc->terms[tk[j].term].stem_id;
            if (a == bb)
                continue;
            uint32_t key[2] = { a < bb ? a : bb, a < bb ? bb : a };
            uint32_t id = text_map_put(edges, (const char *)key, sizeof key, NULL);
            if (id == TEXT_MAP_NONE)
                goto fail;
            text_map_set_value(edges, id, text_map_value(edges, id) + 1);
        }
    }
    size_t ne = text_map_size(edges);
    ea = malloc((ne ? ne : 1) * sizeof *ea);
    eb = malloc((ne ? ne : 1) * sizeof *eb);
    ew = malloc((ne ? ne : 1) * sizeof *ew);
    if (!ea || !eb || !ew)
        goto fail;
    for (uint32_t e = 0; e < ne; e++) {
        uint32_t key[2];
        memcpy(key, text_map_key(edges, e), sizeof key);
        ea[e] = key[0];
        eb[e] = key[1];
        ew[e] = text_map_value(edges, e);
        deg[key[0]] += ew[e];
        deg[key[1]] += ew[e];
    }
    size_t nodes = 0;
    for (size_t v = 0; v < n; v++)
        if (deg[v] > 0)
            nodes++;
    for (size_t v = 0; v < n; v++)
        rank[v] = deg[v] > 0 ? 1.0 / (double)nodes : 0;
    /* each edge's share of its ends' rank, divided once rather than in
     * each of the 25 rounds */
    double *sa = malloc((ne ? ne : 1) * sizeof *sa), *sb = malloc((ne ? ne : 1) * sizeof *sb);
    if (!sa || !sb) {
        free(sa);
        free(sb);
        goto fail;
    }
    for (size_t e = 0; e < ne; e++) {
        sa[e] = 0.85 * ew[e] / deg[ea[e]];
        sb[e] = 0.85 * ew[e] / deg[eb[e]];
    }
    double base = nodes ? 0.15 / (double)nodes : 0;
    for (int it = 0; it < 25 && nodes; it++) {
        for (size_t v = 0; v < n; v++)
            next[v] = deg[v] > 0 ? base : 0;
        for (size_t e = 0; e < ne; e++) {
            next[eb[e]] += rank[ea[e]] * sa[e];
            next[ea[e]] += rank[eb[e]] * sb[e];
        }
        double *tmp = rank;
        rank = next;
        next = tmp;
    }
    for (size_t v = 0; v < n; v++)   /* mean 1 over the graph's nodes */
        rank[v] *= (double)nodes;
    free(sa);
    free(sb);
    free(next);
    free(deg);
    free(ea);
    free(eb);
    free(ew);
    text_map_free(edges);
    return rank;
fail:
    free(rank);
    free(next);
    free(deg);
    free(ea);
    free(eb);
    free(ew);
    text_map_free(edges);
    return NULL;
}

/* ---- ranking ---- */

static int by_score(const void *a, const void *b)
{
    const cand *x = *(const cand *const *)a, *y = *(const cand *const *)b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->first_sent < y->first_sent ? -1 : x->first_sent > y->first_sent;
}

/* The text of the chosen occurrence, possessive dropped. */
static int surface(const text_doc *doc, const cand *k, char *out, size_t cap)
{
    const text_token *a = &doc->toks[k->surf_tok], *z = &doc->toks[k->surf_tok + k->n - 1];
    size_t len = z->end - a->start;
    const char *s = doc->text + a->start;
    if (len > 2 && s[len - 2] == '\'' && s[len - 1] == 's')
        len -= 2;
    else if (len > 4 && !memcmp(s + len - 4, "\xE2\x80\x99s", 4))
        len -= 4;
    if (len + 1 > cap)
        return -1;
    memcpy(out, s, len);
    out[len] = '\0';
    for (size_t i = 0; i < len; i++)   /* "New\nYork" -> "New York" */
        if (out[i] == '\n' || out[i] == '\t')
            out[i] = ' ';
    return 0;
}

/* Is `small` a part of `big`: a substring (CJK) or whole words of it? */
static int part_of(const char *big, const char *small, int cjk)
{
    size_t sl = strlen(small);
    for (const char *p = big; (p = strstr(p, small)) != NULL; p++) {
        if (cjk)
            return 1;
        if ((p == big || p[-1] == ' ') && (p[sl] == '\0' || p[sl] == ' '))
            return 1;
    }
    return 0;
}

static int fill_item(const text_doc *doc, const cand *k, kw_item *it)
{
    kw_item tmp;
    memset(&tmp, 0, sizeof tmp);
    if (surface(doc, k, tmp.text, sizeof tmp.text) != 0)
        return -1;
    snprintf(tmp.norm, sizeof tmp.norm, "%s", k->norm);
    tmp.score = k->score;
    tmp.n_terms = k->n;
    memcpy(tmp.terms, k->terms, sizeof tmp.terms);
    tmp.count = k->count;
    *it = tmp;
    return 0;
}

static size_t select_top(const text_doc *doc, cand **order, size_t n, kw_item *out, size_t cap)
{
    size_t got = 0;
    for (size_t i = 0; i < n && got < cap; i++) {
        cand *k = order[i];
        if (k->score <= 0 || !k->norm[0])
            continue;
        int skip = 0;
        for (size_t j = 0; j < got && !skip; j++) {
            if (!strcmp(out[j].norm, k->norm))
                skip = 1;
            /* a part of a better keyword, unless it also stands alone */
            else if (part_of(out[j].norm, k->norm, doc->cjk) && k->count < out[j].count * 2 + 2)
                skip = 1;
        }
        if (skip)
            continue;
        /* a better keyword that never occurs outside a name (Domecq in
         * Allied Domecq) gives its place to the name; only for capitalised
         * names: elsewhere, and in Chinese (神经网络 in 卷积神经网络), the
         * part is usually a keyword of its own */
        size_t at = got;
        int name = !doc->cjk && k->n > 1;
        for (uint32_t w = 0; name && w < k->n; w++) {
            char c = doc->text[doc->toks[k->surf_tok + w].start];
            name = c >= 'A' && c <= 'Z';
        }
        for (size_t j = 0; j < got && name; j++) {
            if (!part_of(k->norm, out[j].norm, doc->cjk) || out[j].count > k->count)
                continue;
            if (at == got) {
                at = j;
            } else {
                memmove(&out[j], &out[j + 1], (got - j - 1) * sizeof *out);
                got--;
                j--;
            }
        }
        if (fill_item(doc, k, &out[at]) != 0)
            continue;
        if (at == got)
            got++;
        else
            out[at].score = at > 0 && out[at - 1].score < out[at].score ? out[at - 1].score : out[at].score;
    }
    /* keep scores non-increasing after replacements */
    for (size_t j = 1; j < got; j++)
        if (out[j].score > out[j - 1].score)
            out[j].score = out[j - 1].score;
    return got;
}

size_t kw_extract(const kw_model *m, const text_doc *doc, const char *url,
                  kw_item *out, size_t cap)
{
    cands c = {0};
    kw_bans *b = NULL;
    double *tr = NULL;
    cand **order = NULL;
    uint8_t *ok = NULL;
    const kw_stats *stored = NULL;
    size_t got = 0;
    if (!doc || !out || !cap || !doc->n_toks)
        return 0;
    stored = kw_idf_hold(m);   /* one view of the counts for the whole doc */
    b = calloc(1, sizeof *b);
    c.map = text_map_new();
    ok = token_oks(doc);
    if (!b || !c.map || !ok)
        goto done;
    kw_find_bans(doc, url, b);
    if (collect(doc, ok, b, &c) != 0)
        goto done;
    tr = textrank(doc, ok);
    if (!tr)
        goto done;
    /* per-stem IDF, from the first term carrying the stem */
    double ns = (double)(doc->n_sents ? doc->n_sents : 1);
    for (size_t i = 0; i < c.n; i++) {
        cand *k = &c.v[i];
        /* a phrase must repeat, or be a short one the headline uses too */
        int phrase_ok = k->n == 1 || k->count >= 2 || (k->in_title && k->n <= 3);
        if (doc->cjk && k->n > 1 && text_utf8_chars(k->norm, strlen(k->norm)) > 8)
            phrase_ok = 0;
        if (!k->norm[0] || !phrase_ok) {
            k->score = 0;
            continue;
        }
        double idf = 0, trs = 0;
        for (uint32_t j = 0; j < k->n; j++) {
            idf += kw_idf_in(m, stored, doc->lang, doc->terms[k->terms[j]].norm);
            trs += tr[k->stems[j]];
        }
        trs /= k->n;
        /* weights tuned on the dev sets (docs/analysis.md) */
        double s = pow((double)k->count, 1.2) * idf * (0.8 + 0.2 * sqrt(trs > 0 ? trs : 0));
        if (k->n > 1)
            s *= 0.45;
        s *= 1 + 0.6 * exp(-(double)k->first_sent / (1 + ns * 0.4));
        if (k->in_title)
            s *= 2.5;
        k->score = s;
    }
    order = malloc((c.n ? c.n : 1) * sizeof *order);
    if (!order)
        goto done;
    /* select_top passes over the rest: sort only what can be picked (the
     * order of these is the same, qsort being glibc's stable merge sort
     * and by_score breaking ties by position) */
    size_t live = 0;
    for (size_t i = 0; i < c.n; i++)
        if (c.v[i].score > 0 && c.v[i].norm[0])
            order[live++] = &c.v[i];
    qsort(order, live, sizeof *order, by_score);
    got = select_top(doc, order, live, out, cap);
done:
    free(ok);
    free(order);
    free(tr);
    free(c.v);
    text_map_free(c.map);
    free(b);
    kw_idf_let_go(stored);
    return got;
}

size_t kw_baseline_tfidf(const kw_model *m, const text_doc *doc, kw_item *out, size_t cap)
{
    cands c = {0};
    cand **order = NULL;
    size_t got = 0;
    if (!doc || !out || !cap || !doc->n_toks)
        return 0;
    c.map = text_map_new();
    if (!c.map)
        goto done;
    for (size_t i = 0; i < doc->n_toks; i++) {
        const text_token *t = &doc->toks[i];
        const text_term *tm = &doc->terms[t->term];
        if (tm->stop || t->kind == TEXT_TOK_NUM || tm->chars < 2)
            continue;
        uint32_t key = t->term;
        cand *k = cand_get(&c, &key, 1, 1);
        if (!k)
            goto done;
        if (!k->count) {
            k->terms[0] = t->term;
            k->surf_tok = (uint32_t)i;
            snprintf(k->norm, sizeof k->norm, "%s", tm->norm);
        }
        k->count++;
    }
    for (size_t i = 0; i < c.n; i++)
        c.v[i].score = c.v[i].count * kw_idf(m, doc->lang, c.v[i].norm);
    order = malloc((c.n ? c.n : 1) * sizeof *order);
    if (!order)
        goto done;
    for (size_t i = 0; i < c.n; i++)
        order[i] = &c.v[i];
    qsort(order, c.n, sizeof *order, by_score);
    for (size_t i = 0; i < c.n && got < cap; i++) {
        kw_item *it = &out[got];
        memset(it, 0, sizeof *it);
        snprintf(it->text, sizeof it->text, "%s", order[i]->norm);
        snprintf(it->norm, sizeof it->norm, "%s", order[i]->norm);
        it->score = order[i]->score;
        it->terms[0] = order[i]->terms[0];
        it->n_terms = 1;
        it->count = order[i]->count;
        got++;
    }
done:
    free(order);
    free(c.v);
    text_map_free(c.map);
    return got;
}
