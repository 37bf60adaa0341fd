/* tagger.c -- scoring taxonomy tags for one article.
 *
 * Owns the scoring formula and the selection per facet; matching itself
 * is tag_match.c's. Score of a tag:
 *   names   1 + log2(occurrences) when named in the body at all
 *   title   +1.5 when named in the title
 *   lead    +0.75 when named in the first part of the body
 *   spread  +0.4 per further quarter of the body it is named in
 *   events  +2 when named in one of the key events (events.c)
 *   cues    2 * log2(1 + sum of weight * min(count, 3)) over its cue words
 *           (title cues count double)
 *   title   the sum is multiplied by 1.5 when the title holds a name or cue
 *   family  a parent gains 0.3 of its best child's own score; a child
 *           named at least once gains 0.3 of its parent's own score
 * An ancestor with less evidence of its own than a kept descendant is
 * left out: the most specific tag wins.
 * Kept: score >= TAG_MIN_SCORE and >= 0.2 of the facet's best when the
 * text names the tag; a tag after the first known by cues only needs two
 * distinct cue words and 0.3 of the best, at most
 * TAG_MAX_PER_FACET per facet.
 */
#include "analyze/tagger.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RELATIVE_MIN 0.3       /* of the facet's best score, for a tag known by cues only */
#define RELATIVE_MIN_NAMED 0.2 /* ... for a tag the text names */
#define TITLE_FACTOR 1.5      /* evidence in the title confirms the body */
#define EVENT_BONUS 2.0       /* named in one of the article's key events */
#define MAX_TERMS 6           /* evidence terms shown per tag */
#define LEAD_MIN_BYTES 300    /* the lead: the first 15% of the body, at least this */
#define TITLE_CUE 2.0         /* a cue in the title counts this much */
#define LEAD_CUE 1.5          /* ... in the lead */
#define SHORT_BODY 600        /* bytes: a body this short is one paragraph */
#define TAG_MIN_SCORE_SHORT 1.0
#define WEAK_FACTOR 0.5       /* a weak term's weight, when it counts at all */
#define PHRASE_CUE 1.5        /* a cue of several words is less ambiguous than one word */

typedef struct tag_acc {
    int names;                /* name occurrences in the body */
    int title;                /* named in the title */
    int title_cue;            /* a cue word in the title */
    int cue_terms;            /* distinct (strong) cue terms seen */
    int lead;                 /* named in the lead */
    int event;                /* named in a key event */
    int suppressed;           /* an ancestor of a better-evidenced kept tag */
    unsigned quarters;        /* bit mask of body quarters with a name */
    double cue;               /* sum of cue weight * min(count, 3) */
    double weak;              /* the same for weak (measured ambiguous) names and cues */
    const char *weak_terms[MAX_TERMS]; /* shown only when the weak evidence counts */
    size_t n_weak_terms;
    double own;               /* score from its own evidence */
    double score;             /* final score */
    const char *terms[MAX_TERMS];
    size_t n_terms;
} tag_acc;

int tag_prefer_zh(const char *declared, const char *title, const char *text)
{
    if (declared && *declared)
        return !strncmp(declared, "zh", 2) || !strncmp(declared, "ZH", 2);
    size_t han = 0, latin = 0;
    const char *parts[2] = {title, text};
    for (int k = 0; k < 2; k++) {
        const unsigned char *s = (const unsigned char *)parts[k];
        for (size_t i = 0; s && s[i] && i < 200000; i++) {
            if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')
                latin++;
            else if (s[i] >= 0xE4 && s[i] <= 0xE9)  /* lead byte of U+4000..U+9FFF */
                han += 2;                          /* a Han char weighs about a word */
        }
    }
    return han > latin;
}

static void add_to(const char **v, size_t *n, const char *term)
{
    for (size_t i = 0; i < *n; i++)
        if (v[i] == term || !strcmp(v[i], term))
            return;
    if (*n < MAX_TERMS)
        v[(*n)++] = term;
}

static void add_term(tag_acc *a, const char *term) { add_to(a->terms, &a->n_terms, term); }

enum { IN_BODY, IN_TITLE, IN_EVENTS };

static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

/* Does the text at `at` (in the cased text t) begin a sentence, so that
 * its capital says nothing? Start of text, or after . ! ? : ; a quote, a
 * bracket or a dash. */
static int sentence_start(const char *t, size_t at)
{
    while (at > 0 && t[at - 1] == ' ')
        at--;
    if (at == 0)
        return 1;
    unsigned char c = (unsigned char)t[at - 1];
    if (strchr(".!?:;\"'(-", c))
        return 1;
    /* — “ ‘ ” ’ end in 0x94 0x9C 0x98 0x9D 0x99 after E2 80 */
    return at >= 3 && (unsigned char)t[at - 3] == 0xE2 && (unsigned char)t[at - 2] == 0x80 &&
           (c == 0x94 || c == 0x9C || c == 0x98 || c == 0x9D || c == 0x99);
}

/* Most of its words capitalised (wire and AG headlines): case says nothing. */
static int title_cased(const char *t)
{
    int words = 0, caps = 0;
    for (size_t i = 0; t[i]; i++)
        if (is_alpha((unsigned char)t[i]) && (i == 0 || !is_alpha((unsigned char)t[i - 1]))) {
            words++;
            caps += is_upper((unsigned char)t[i]);
        }
    return words >= 3 && caps * 10 >= words * 6;
}

/* The case rule for Latin terms, on the text's own case (cased[start..end)):
 * a term written with capitals (a name: "Total", "Shell", "BP") matches
 * only as written, and a capitalised one-word name not at all where a
 * capital is no evidence (sentence start, a title-cased headline); a term
 * written in lower case ("bonds", "orange", "season") does not match a
 * capitalised word inside a sentence (Barry Bonds, the Orange Bowl). */
static int case_ok(const char *cased, size_t start, size_t end, const char *term, int caps_free)
{
    if (!is_alpha((unsigned char)term[0]))
        return 1;
    const char *sfc = cased + start;
    size_t n = end - start, upper = 0;
    for (const char *c = term; *c; c++)
        upper += is_upper((unsigned char)*c);
    if (upper > 0) {
        if (strlen(term) != n || strncmp(sfc, term, n))
            return caps_free && upper > 1 && !strncasecmp(sfc, term, n);   /* "Opec" for OPEC */
        return 1;
    }
    if (!is_upper((unsigned char)sfc[0]) || caps_free || sentence_start(cased, start))
        return 1;
    size_t w = 0;   /* an all-capitals word ("COL FB") is shouting, not a name */
    while (w < n && is_alpha((unsigned char)sfc[w]) && is_upper((unsigned char)sfc[w]))
        w++;
    return w > 1 && (w == n || !is_alpha((unsigned char)sfc[w]));
}

int tag_find_terms(const tag_taxonomy *tx, const char *s, int is_title, tag_hit **out, size_t *n_out,
                   size_t *norm_len)
{
    size_t nlen = 0, nh = 0, clen = 0, w = 0;
    tag_hit *hits = NULL;
    size_t len = strnlen(s, TAG_MAX_TEXT_BYTES);   /* longer texts: their first 2 MiB */
    if (len == TAG_MAX_TEXT_BYTES)
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;   /* not inside a character */
    char *norm = tag_normalize(s, len, &nlen), *cased = tag_normalize_cased(s, len, &clen);
    int rc = -1;
    *out = NULL;
    *n_out = 0;
    if (!norm || !cased || tag_match(tx, norm, nlen, &hits, &nh, 0) != 0)
        goto done;
    int aligned = clen == nlen, caps_free = is_title && title_cased(cased);
    for (size_t i = 0; i < nh; i++)
        if (!aligned || case_ok(cased, hits[i].start, hits[i].end, hits[i].term, caps_free))
            hits[w++] = hits[i];
    *out = hits;
    *n_out = w;
    if (norm_len)
        *norm_len = nlen;
    hits = NULL;
    rc = 0;
done:
    free(norm);
    free(cased);
    free(hits);
    return rc;
}

/* Match `s` and add its hits to acc; `where` (IN_*) selects how they count. */
static int collect(const tag_taxonomy *tx, const char *s, int where,
                   tag_acc *acc, unsigned *cue_count)
{
    size_t nlen = 0, nh = 0;
    tag_hit *hits = NULL;
    if (tag_find_terms(tx, s, where == IN_TITLE, &hits, &nh, &nlen) != 0)
        return -1;
    size_t lead = nlen * 15 / 100;
    if (lead < LEAD_MIN_BYTES)
        lead = LEAD_MIN_BYTES;
    for (size_t i = 0; i < nh; i++) {
        tag_acc *a = &acc[hits[i].tag];
        int in_title = where == IN_TITLE;
        int weak = tag_pattern_weak(tx, hits[i].pattern);
        if (where == IN_EVENTS) {
            if (hits[i].kind == TAG_HIT_NAME && !weak)
                a->event = 1;
            continue;
        }
        if (weak) {   /* counted at scoring time, and only beside other evidence */
            unsigned *c = &cue_count[hits[i].pattern];
            if (*c < 3)
                a->weak += hits[i].kind == TAG_HIT_CUE ? hits[i].weight : 1.0;
            (*c)++;
            add_to(a->weak_terms, &a->n_weak_terms, hits[i].term);
            continue;
        }
        if (hits[i].kind == TAG_HIT_CUE) {
            unsigned *c = &cue_count[hits[i].pattern];
            double w = hits[i].weight * (in_title ? TITLE_CUE : hits[i].start < lead ? LEAD_CUE : 1.0);
            if (strchr(hits[i].term, ' '))
                w *= PHRASE_CUE;
            if (*c < 3)
                a->cue += w;
            if (in_title)
                a->title_cue = 1;
            a->cue_terms += *c == 0;
            (*c)++;
        } else if (in_title) {
            a->title = 1;
        } else {
            a->names++;
            if (hits[i].start < lead)
                a->lead = 1;
            size_t q = nlen ? hits[i].start * 4 / nlen : 0;
            a->quarters |= 1u << (q > 3 ? 3 : q);
        }
        add_term(a, hits[i].term);
    }
    free(hits);
    return 0;
}

static int popcount4(unsigned m)
{
    return (int)((m & 1u) + ((m >> 1) & 1u) + ((m >> 2) & 1u) + ((m >> 3) & 1u));
}

static json_t *terms_json(const tag_acc *a)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < a->n_terms; i++)
        json_array_append_new(arr, json_string(a->terms[i]));
    return arr;
}

/* Labels and evidence of one facet's candidates order[0..n) (best
 * first) into jt/je (borrowed): at most TAG_MAX_PER_FACET, each at least
 * RELATIVE_MIN_NAMED of the best; a later one the text does not name also
 * needs two distinct cue words and RELATIVE_MIN. Returns 0 or -1 (memory). */
static int emit_facet(const tag_taxonomy *tx, const tag_acc *acc, const int *order, size_t n, int zh,
                      const char *facet, json_t *jt, json_t *je)
{
    double best = acc[order[0]].score;
    json_t *labels = json_array(), *ev = json_array();
    if (!labels || !ev || json_object_set_new(jt, facet, labels) || json_object_set_new(je, facet, ev)) {
        json_decref(labels);
        json_decref(ev);
        return -1;
    }
    for (size_t k = 0; k < n && k < TAG_MAX_PER_FACET; k++) {
        const tag_def *d = tag_get(tx, (size_t)order[k]);
        const tag_acc *a = &acc[order[k]];
        int named = a->names > 0 || a->title;
        if (a->score < RELATIVE_MIN_NAMED * best)
            break;
        if (k > 0 && !named && (a->cue_terms < 2 || a->score < RELATIVE_MIN * best))
            continue;   /* a second tag from one cue word ("injury", "bands") is no evidence */
        const char *label = zh ? d->label_zh : d->label_en;
        json_t *item = json_pack("{s:s, s:s, s:f, s:o}", "id", d->id, "label", label,
                                 "score", round(a->score * 100.0) / 100.0, "terms", terms_json(a));
        if (!item || json_array_append_new(labels, json_string(label)) || json_array_append_new(ev, item))
            return -1;
    }
    return 0;
}

int tag_article(const tag_taxonomy *tx, const char *title, const char *text,
                const char *events, int zh, json_t **tags, json_t **evidence)
{
    size_t nt = tag_count(tx);
    tag_acc *acc = calloc(nt + 1, sizeof *acc);
    unsigned *cue_count = calloc(tag_pattern_count(tx) + 1, sizeof *cue_count);
    int *order = calloc(nt + 1, sizeof *order);
    json_t *jt = json_object(), *je = json_object();
    int rc = -1;
    *tags = *evidence = NULL;
    if (!acc || !cue_count || !order || !jt || !je)
        goto done;
    if ((title && collect(tx, title, IN_TITLE, acc, cue_count)) ||
        (text && collect(tx, text, IN_BODY, acc, cue_count)) ||
        (events && collect(tx, events, IN_EVENTS, acc, cue_count)))
        goto done;
    /* a one-paragraph story has room for one mention: it needs less */
    double min_score = text && strlen(text) < SHORT_BODY ? TAG_MIN_SCORE_SHORT : TAG_MIN_SCORE;
    for (size_t i = 0; i < nt; i++) {
        tag_acc *a = &acc[i];
        double s = 0;
        if (a->names > 0)
            s += 1.0 + log2((double)a->names) + 0.4 * (popcount4(a->quarters) - 1) + 0.75 * a->lead;
        if (a->title)
            s += 1.5;
        if (a->event && (a->names > 0 || a->title))
            s += EVENT_BONUS;
        if (a->weak > 0 && s + a->cue > 0) {   /* weak terms support, never found a tag */
            a->cue += WEAK_FACTOR * a->weak;
            for (size_t k = 0; k < a->n_weak_terms; k++)
                add_term(a, a->weak_terms[k]);
        }
        if (a->cue > 0)
            s += 2.0 * log2(1.0 + a->cue);
        if (a->title || a->title_cue)
            s *= TITLE_FACTOR;
        a->own = a->score = s;
    }
    for (size_t i = 0; i < nt; i++) {
        int p = tag_get(tx, i)->parent;
        if (p < 0 || acc[i].own <= 0)
            continue;
        double gain = 0.3 * acc[i].own;
        if (acc[p].score < acc[p].own + gain)   /* best child only */
            acc[p].score = acc[p].own + gain;
        if (acc[i].names > 0 || acc[i].title)
            acc[i].score += 0.3 * acc[p].own;
    }
    /* the most specific wins: an ancestor with less evidence of its own
     * than a kept descendant is left out (ChatGPT without 生成式AI) */
    for (size_t i = 0; i < nt; i++) {
        if (acc[i].score < min_score)
            continue;
        size_t steps = 0;
        for (int p = tag_get(tx, i)->parent; p >= 0 && steps < nt; p = tag_get(tx, (size_t)p)->parent, steps++)
            if (acc[p].own < acc[i].own)
                acc[p].suppressed = 1;
    }
    for (size_t f = 0; f < tag_facet_count(tx); f++) {
        size_t n = 0;
        for (size_t i = 0; i < nt; i++)
            if (tag_get(tx, i)->facet == (int)f && acc[i].score >= min_score && !acc[i].suppressed)
                order[n++] = (int)i;
        /* selection sort of the few candidates, best first; ties by taxonomy order */
        for (size_t a = 0; a < n; a++)
            for (size_t b = a + 1; b < n; b++)
                if (acc[order[b]].score > acc[order[a]].score) {
                    int t = order[a];
                    order[a] = order[b];
                    order[b] = t;
                }
        if (n == 0)
            continue;
        if (emit_facet(tx, acc, order, n, zh, tag_facet_name(tx, f), jt, je) != 0)
            goto done;
    }
    *tags = jt;
    *evidence = je;
    jt = je = NULL;
    rc = 0;
done:
    free(acc);
    free(cue_count);
    free(order);
    json_decref(jt);
    json_decref(je);
    return rc;
}
