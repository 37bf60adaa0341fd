/* summary.c -- extractive summaries (see summary.h). Owns sentence
 * eligibility (no questions, quote fragments, bylines, captions), sentence
 * scoring and the MMR pick; reads the text_doc and keywords, never the raw
 * page.
 */
#include "analyze/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct svec {
    uint32_t *stem;    /* sorted stem ids */
    double *w;         /* weights */
    size_t n;
    double norm;
} svec;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int content(const text_doc *doc, const text_token *t)
{
    const text_term *tm = &doc->terms[t->term];
    return !tm->stop && t->kind != TEXT_TOK_NUM && !(t->flags & TEXT_TF_SINGLE);
}

static double cosine(const svec *a, const svec *b)
{
    if (!a->n || !b->n || a->norm <= 0 || b->norm <= 0)
        return 0;
    double dot = 0;
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        if (a->stem[i] == b->stem[j])
            dot += a->w[i++] * b->w[j++];
        else if (a->stem[i] < b->stem[j])
            i++;
        else
            j++;
    }
    return dot / (a->norm * b->norm);
}

/* Length of a leading "Name：" / "Q:" speaker label, 0 when none. */
static size_t label_len(const text_doc *doc, const text_sentence *s)
{
    const char *t = doc->text;
    size_t p = s->start, n = 0;
    while (p < s->end && n <= 8) {
        uint32_t c = text_utf8_next(t, s->end, &p);
        if ((c == 0xFF1A || c == ':') && n >= 1) {
            while (p < s->end && t[p] == ' ')
                p++;
            return p < s->end ? p - s->start : 0;
        }
        if (!(text_is_han(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' '))
            return 0;
        n++;
    }
    return 0;
}

/* Does t[i..end) start with the literal lit? */
static int starts(const char *t, size_t i, size_t end, const char *lit)
{
    size_t l = strlen(lit);
    return i + l <= end && !memcmp(t + i, lit, l);
}

/* Skip spaces and ideographic spaces from i. */
static size_t skip_spaces(const char *t, size_t i, size_t end)
{
    for (;;) {
        if (i < end && t[i] == ' ')
            i++;
        else if (starts(t, i, end, "\xE3\x80\x80"))
            i += 3;
        else
            return i;
    }
}

/* Length of a leading wire dateline, 0 when none: "新浪体育讯　",
 * "新华社北京3月5日电（记者 王小明）", "LONDON (Reuters) - ". */
static size_t dateline_len(const text_doc *doc, const text_sentence *s)
{
    const char *t = doc->text;
    size_t p = s->start, n = 0, end = 0;
    int day = 0;
    while (p < s->end && n < 24) {
        uint32_t c = text_utf8_next(t, s->end, &p);
        n++;
        if (c == 0x65E5)   /* 日 */
            day = 1;
        if ((c == 0x8BAF || (c == 0x7535 && day)) && p < s->end) {   /* 讯, 日电 */
            size_t q = p;
            uint32_t d = text_utf8_next(t, s->end, &q);
            if (d == ' ' || d == 0x3000 || d == 0xFF08 || d == '(' || d == 0xFF1A) {
                end = p;
                break;
            }
        }
        if (!(text_is_han(c) || (c >= '0' && c <= '9') || c == ' ' || c == 0x3000))
            break;
    }
    if (!end && !doc->cjk) {   /* "LONDON (Reuters) - " */
        for (size_t i = s->start; i < s->end && i < s->start + 60; i++) {
            if (starts(t, i, s->end, ") - "))
                end = i + 4;
            else if (starts(t, i, s->end, ") \xE2\x80\x94 "))
                end = i + 6;
            if (end)
                break;
        }
        return end > s->start && end < s->end ? end - s->start : 0;
    }
    if (!end)
        return 0;
    /* then "（记者 王小明）" */
    size_t q = skip_spaces(t, end, s->end);
    if (starts(t, q, s->end, "\xEF\xBC\x88") || starts(t, q, s->end, "(")) {
        for (size_t c = q; c < s->end && c < q + 90; c++) {
            if (starts(t, c, s->end, "\xEF\xBC\x89")) {
                end = c + 3;
                break;
            }
            if (t[c] == ')') {
                end = c + 1;
                break;
            }
        }
    }
    end = skip_spaces(t, end, s->end);
    return end < s->end ? end - s->start : 0;
}

/* Where the sentence's own words begin: after a speaker label or a
 * dateline. */
static size_t body_start(const text_doc *doc, const text_sentence *s)
{
    size_t l = label_len(doc, s);
    return s->start + (l ? l : dateline_len(doc, s));
}

/* Is needle inside t[a..b)? (memmem: a memcmp per byte here was a
 * tenth of the summary's time) */
static int has(const char *t, size_t a, size_t b, const char *needle)
{
    return b > a && memmem(t + a, b - a, needle, strlen(needle)) != NULL;
}

/* Can sentence s stand in a summary? */
static int eligible(const text_doc *doc, size_t si)
{
    const text_sentence *s = &doc->sents[si];
    const char *t = doc->text;
    if (s->flags & (TEXT_SF_QUESTION | TEXT_SF_QUOTE | TEXT_SF_NOEND))
        return 0;
    size_t words = s->tok_end - s->tok_begin;
    if (doc->cjk ? s->chars < 10 : words < 5)
        return 0;
    /* datelines, bylines, credits */
    size_t from = body_start(doc, s);
    size_t head = from + 60 < s->end ? from + 60 : s->end;
    static const char *const zh_marks[] = { "记者", "编辑", "来源：", "原标题", "图片来源", "摄影", "供图",
                                            "文|", "文丨", "作者：", "电（", "讯（", "网友评论", "不代表",
                                            "仅代表", "免责声明", "版权所有", "未经授权", "转载", NULL };
    for (size_t i = 0; doc->cjk && zh_marks[i]; i++)
        if (has(t, from, head, zh_marks[i]))
            return 0;
    static const char *const en_marks[] = { "(Reuters)", "(AP)", "(AFP)", "Photo:", "Image caption",
                                            "Reporting by", "Editing by", "Copyright", "Getty Images",
                                            "Click here", "Read more", "Follow us", "All rights reserved",
                                            "Terms of use", "Sign up", NULL };
    for (size_t i = 0; !doc->cjk && en_marks[i]; i++)
        if (has(t, from, s->end, en_marks[i]))
            return 0;
    if (!doc->cjk && s->end - s->start > 3 && !memcmp(t + s->start, "By ", 3) && words < 12)
        return 0;
    /* the headline repeated in the body, or a line cut short with "..." */
    size_t sl = s->end - s->start;
    if (sl >= 3 && !memcmp(t + s->end - 3, "...", 3))
        return 0;
    if (doc->title && sl <= strlen(doc->title)) {
        for (const char *q = doc->title; (q = strchr(q, t[s->start])) != NULL; q++)
            if (!strncmp(q, t + s->start, sl))
                return 0;
    }
    /* a sentence opening with a closing quote or in lower case continues
     * another one (a quotation, a cut paragraph) */
    size_t p = s->start;
    uint32_t c = text_utf8_next(t, s->end, &p);
    if (c == 0x201D || c == 0x300D || c == 0x2019 || (c >= 'a' && c <= 'z'))
        return 0;
    return 1;
}

/* Does the sentence lean on the one before (他…, 但…, However, It …)?
 * Out of context such an opener reads badly in a summary. */
static int leans_back(const text_doc *doc, const text_sentence *s)
{
    static const char *const zh[] = { "他", "她", "它", "这", "那", "其", "此", "但", "不过", "而", "所以",
        "因此", "因而", "此外", "同时", "另外", "然而", "于是", "对此", "该", "如今", "后来", "随后", NULL };
    static const char *const en[] = { "He ", "She ", "It ", "They ", "This ", "That ", "These ", "Those ",
        "But ", "However", "And ", "So ", "Also", "Meanwhile", "His ", "Her ", "Their ", "Its ", NULL };
    const char *t = doc->text + body_start(doc, s);
    size_t len = doc->text + s->end - t;
    const char *const *list = doc->cjk ? zh : en;
    for (size_t i = 0; list[i]; i++) {
        size_t l = strlen(list[i]);
        if (len > l && !memcmp(t, list[i], l))
            return 1;
    }
    return 0;
}

static void svec_free(svec *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].stem);
        free(v[i].w);
    }
    free(v);
}

size_t sum_select(const kw_model *m, const text_doc *doc, const kw_item *kw, size_t n_kw,
                  const sum_options *opts, uint32_t *idx, size_t cap)
{
    size_t ns = doc ? doc->n_body_sents : 0, got = 0;   /* the article, not what follows it */
    if (!ns || !idx || !cap)
        return 0;
    int asked = opts && opts->sentences > 0 ? opts->sentences : 0;
    int zh_chars = opts && opts->zh_chars > 0 ? opts->zh_chars : 200;
    int en_words = opts && opts->words > 0 ? opts->words : 60;
    /* automatic: Chinese 3 sentences, others as many as the word target takes */
    int max_sent = asked ? asked : doc->cjk ? 3 : SUM_MAX_PICK;
    if (asked && asked * (zh_chars / 3) > zh_chars)
        zh_chars = asked * (zh_chars / 3);
    if (asked && asked * (en_words / 3) > en_words)
        en_words = asked * (en_words / 3);
    svec *vec = calloc(ns, sizeof *vec);
    double *idf = calloc(doc->n_stems ? doc->n_stems : 1, sizeof *idf);
    double *cen = calloc(doc->n_stems ? doc->n_stems : 1, sizeof *cen);
    double *rel = calloc(ns, sizeof *rel);
    unsigned char *ok = calloc(ns, 1), *picked = calloc(ns, 1);
    uint32_t *buf = malloc((doc->n_toks ? doc->n_toks : 1) * sizeof *buf);
    if (!vec || !idf || !cen || !rel || !ok || !picked || !buf)
        goto done;
    const kw_stats *held = kw_idf_hold(m);   /* one view of the stored counts */
    for (size_t i = 0; i < doc->n_terms; i++) {
        const text_term *tm = &doc->terms[i];
        if (idf[tm->stem_id] == 0)
            idf[tm->stem_id] = kw_idf_in(m, held, doc->lang, tm->norm);
    }
    kw_idf_let_go(held);
    /* sentence vectors (tf x idf over stems) and the centroid */
    for (size_t s = 0; s < ns; s++) {
        const text_sentence *se = &doc->sents[s];
        size_t k = 0, body = body_start(doc, se);
        for (size_t i = se->tok_begin; i < se->tok_end; i++)
            if (doc->toks[i].start >= body && content(doc, &doc->toks[i]))
                buf[k++] = doc->terms[doc->toks[i].term].stem_id;
        qsort(buf, k, sizeof *buf, cmp_u32);
        vec[s].stem = malloc((k ? k : 1) * sizeof *vec[s].stem);
        vec[s].w = malloc((k ? k : 1) * sizeof *vec[s].w);
        if (!vec[s].stem || !vec[s].w)
            goto done;
        size_t n = 0;
        for (size_t i = 0; i < k; i++) {
            if (n && vec[s].stem[n - 1] == buf[i]) {
                vec[s].w[n - 1] += idf[buf[i]];
            } else {
                vec[s].stem[n] = buf[i];
                vec[s].w[n++] = idf[buf[i]];
            }
            cen[buf[i]] += idf[buf[i]];
        }
        vec[s].n = n;
        double nn = 0;
        for (size_t i = 0; i < n; i++)
            nn += vec[s].w[i] * vec[s].w[i];
        vec[s].norm = sqrt(nn);
        ok[s] = (unsigned char)eligible(doc, s);
    }
    /* the headline says what the article is about */
    svec tv = {0};
    size_t tk = 0;
    for (size_t i = 0; i < doc->n_title_toks && tk < doc->n_toks; i++)
        if (content(doc, &doc->title_toks[i]))
            buf[tk++] = doc->terms[doc->title_toks[i].term].stem_id;
    qsort(buf, tk, sizeof *buf, cmp_u32);
    tv.stem = malloc((tk ? tk : 1) * sizeof *tv.stem);
    tv.w = malloc((tk ? tk : 1) * sizeof *tv.w);
    if (!tv.stem || !tv.w) {
        free(tv.stem);
        free(tv.w);
        goto done;
    }
    for (size_t i = 0; i < tk; i++) {
        if (tv.n && tv.stem[tv.n - 1] == buf[i])
            continue;
        tv.stem[tv.n] = buf[i];
        tv.w[tv.n] = idf[buf[i]];
        tv.norm += tv.w[tv.n] * tv.w[tv.n];
        tv.n++;
    }
    tv.norm = sqrt(tv.norm);
    double cn = 0;
    for (size_t i = 0; i < doc->n_stems; i++)
        cn += cen[i] * cen[i];
    cn = sqrt(cn);
    /* relevance: centrality + keyword coverage + lead */
    double top_kw = n_kw ? kw[0].score : 1;
    double best = 0;
    size_t n_ok = 0;
    for (size_t s = 0; s < ns; s++) {
        if (!ok[s])
            continue;
        n_ok++;
        /* leave-one-out centroid: what the rest of the article says */
        double dot = 0;
        for (size_t i = 0; i < vec[s].n; i++) {
            double c = cen[vec[s].stem[i]] - vec[s].w[i];
            dot += vec[s].w[i] * c;
        }
        double central = vec[s].norm > 0 && cn > 0 ? dot / (vec[s].norm * cn) : 0;
        double cover = 0;
        const text_sentence *se = &doc->sents[s];
        for (size_t k = 0; k < n_kw; k++) {
            for (size_t i = se->tok_begin; i + kw[k].n_terms <= se->tok_end; i++) {
                size_t j = 0;
                while (j < kw[k].n_terms &&
                       doc->terms[doc->toks[i + j].term].stem_id == doc->terms[kw[k].terms[j]].stem_id)
                    j++;
                if (j == kw[k].n_terms) {
                    cover += top_kw > 0 ? kw[k].score / top_kw : 0;
                    break;
                }
            }
        }
        double len = doc->cjk ? se->chars / 20.0 : (se->tok_end - se->tok_begin) / 10.0;
        cover /= 1.0 + len;   /* keyword density, not length */
        double lead = s == 0 ? 0.15 : (double)s < (double)ns * 0.2 ? 0.05 : 0;
        /* weights tuned on the dev sets (docs/analysis.md) */
        rel[s] = central + cover + lead + 0.5 * cosine(&vec[s], &tv) - (leans_back(doc, se) ? 0.2 : 0);
        if (rel[s] > best)
            best = rel[s];
    }
    free(tv.stem);
    free(tv.w);
    if (!n_ok) {   /* nothing clean: fall back to the first sentence with words */
        for (size_t s = 0; s < ns; s++)
            if (doc->sents[s].tok_end > doc->sents[s].tok_begin &&
                !(doc->sents[s].flags & TEXT_SF_QUESTION)) {
                idx[got++] = (uint32_t)s;
                break;
            }
        goto done;
    }
    size_t limit = ns / 3 ? ns / 3 : 1;
    if (limit > (size_t)max_sent)   /* --summary-sentences: in every language */
        limit = (size_t)max_sent;
    if (limit > cap)
        limit = cap;
    if (limit > SUM_MAX_PICK)
        limit = SUM_MAX_PICK;
    size_t total = 0, whole = 0;
    size_t budget = doc->cjk ? (size_t)zh_chars : (size_t)en_words;
    for (size_t s = 0; s < ns; s++)
        whole += doc->cjk ? doc->sents[s].chars : doc->sents[s].tok_end - doc->sents[s].tok_begin;
    size_t ceiling = budget + budget / 4;   /* at most about a third of the article */
    if (ceiling > whole / 3 && !asked)
        ceiling = whole / 3;
    /* an English (non-CJK) news lead states the news: it opens the summary */
    for (size_t s = 0; !doc->cjk && s < ns && s < 2 && got < limit; s++)
        if (ok[s]) {
            picked[s] = 1;
            idx[got++] = (uint32_t)s;
            total += doc->sents[s].tok_end - doc->sents[s].tok_begin;
            break;
        }
    while (got < limit && total < budget) {
        double bv = -1e9;
        size_t bs = ns;
        for (size_t s = 0; s < ns; s++) {
            if (!ok[s] || picked[s])
                continue;
            double red = 0;
            for (size_t j = 0; j < got; j++) {
                double c = cosine(&vec[s], &vec[idx[j]]);
                if (c > red)
                    red = c;
            }
            double v = 0.7 * rel[s] / (best > 0 ? best : 1) - 0.3 * red;   /* MMR */
            if (v > bv) {
                bv = v;
                bs = s;
            }
        }
        if (bs == ns)
            break;
        const text_sentence *se = &doc->sents[bs];
        size_t size = doc->cjk ? se->chars : se->tok_end - se->tok_begin;
        if (got && total + size > ceiling) {
            picked[bs] = 1;   /* too long to add: try a shorter one */
            continue;
        }
        picked[bs] = 1;
        idx[got++] = (uint32_t)bs;
        total += size;
        if (total >= budget)
            break;
    }
    qsort(idx, got, sizeof *idx, cmp_u32);
done:
    svec_free(vec, ns);
    free(idf);
    free(cen);
    free(rel);
    free(ok);
    free(picked);
    free(buf);
    return got;
}

char *sum_join(const text_doc *doc, const uint32_t *idx, size_t n)
{
    size_t cap = 1;
    for (size_t i = 0; doc && i < n; i++)
        cap += doc->sents[idx[i]].end - doc->sents[idx[i]].start + 1;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t l = 0;
    for (size_t i = 0; doc && i < n; i++) {
        const text_sentence *s = &doc->sents[idx[i]];
        size_t a = body_start(doc, s);
        if (l && !doc->cjk)
            out[l++] = ' ';
        for (size_t k = a; k < s->end; k++)   /* the span as written, nothing added */
            out[l++] = doc->text[k] == '\n' ? ' ' : doc->text[k];
    }
    out[l] = '\0';
    return out;
}

char *sum_extract(const kw_model *m, const text_doc *doc, const kw_item *kw, size_t n_kw,
                  const sum_options *opts)
{
    uint32_t idx[SUM_MAX_PICK];
    size_t n = sum_select(m, doc, kw, n_kw, opts, idx, SUM_MAX_PICK);
    return sum_join(doc, idx, n);
}
