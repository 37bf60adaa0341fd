/* fts_text.c -- what the full-text index sees, and how a query is put to it.
 *
 * articles_fts uses FTS5's unicode61 tokenizer (words, case and accents
 * folded). Chinese and Japanese have no spaces between words, so before
 * indexing every run of Han or kana characters is rewritten as its
 * overlapping bigrams ("大模型" -> " 大模 模型 "), the classic CJK indexing
 * (Lucene's CJKAnalyzer); a run of one character stays a unigram. A third
 * column, chars, holds each distinct CJK character of the article once
 * (skimd_cjk_chars), so that a single character is a token look-up too.
 *
 * A query is a list of terms, all of which must match (AND): each
 * whitespace-separated word, or each "quoted string", is one phrase of
 * its words and bigrams, so a Chinese term of two or more characters finds
 * exactly the texts that contain it and Latin-script words match whole
 * words (case and accents folded; no stemming). A lone CJK character in a
 * term (q=股, q=A股) is answered by the index too: at the end of a term
 * it is a prefix on the phrase's last token (A股 -> "a 股"*: 股 starts the
 * CJK run that follows A in the text, as a bigram or a unigram); between
 * Latin letters it is a unigram in the text; at the start, or alone, it
 * is looked up in chars. No query scans the table. The trigram index this
 * replaces matched any substring but cost about 2.2 ms of the ~7 ms a
 * worker spends per corpus page; this one about half of that (README).
 */
#include "storage/store_int.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

/* Longest word (bytes) glued to a CJK character in chars ("A股",
 * "2023年"); the query side uses the same cap. */
#define FTS_BOUNDARY_WORD_MAX 32

/* Code point at s[*i] (advancing *i), U+FFFD for a bad sequence. */
static uint32_t next_cp(const char *s, size_t n, size_t *i)
{
    unsigned char c = (unsigned char)s[*i];
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (*i + len > n || len == 1) {
        (*i)++;
        return c < 0x80 ? c : 0xFFFD;
    }
    uint32_t cp = len == 2 ? c & 0x1Fu : len == 3 ? c & 0x0Fu : c & 0x07u;
    for (size_t k = 1; k < len; k++)
        cp = (cp << 6) | ((unsigned char)s[*i + k] & 0x3Fu);
    *i += len;
    return cp;
}

/* Han (CJK ideographs, extensions, compatibility) and kana. */
static int is_cjk(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF) ||
           (cp >= 0x3040 && cp <= 0x30FF) || cp == 0x3005;
}

/* Rewrite s[0..n): CJK runs as bigrams. *singles counts CJK runs of one
 * character (kept as they are). */
static char *rewrite(const char *s, size_t n, size_t *out_len, size_t *singles)
{
    store_jbuf b = {0};
    size_t i = 0;
    while (i < n) {
        size_t at = i;
        uint32_t cp = next_cp(s, n, &i);
        if (!is_cjk(cp)) {
            store_jbuf_add(&b, s + at, i - at);
            continue;
        }
        /* a run: starts of its characters, then the bigrams */
        size_t prev = at, chars = 1;
        store_jbuf_add(&b, " ", 1);
        for (;;) {
            size_t here = i;
            if (i >= n)
                break;
            uint32_t c2 = next_cp(s, n, &i);
            if (!is_cjk(c2)) {
                i = here;
                break;
            }
            if (chars > 1)
                store_jbuf_add(&b, " ", 1);
            store_jbuf_add(&b, s + prev, i - prev);   /* previous character + this one */
            prev = here;
            chars++;
        }
        if (chars == 1) {
            store_jbuf_add(&b, s + at, i - at);
            if (singles)
                (*singles)++;
        }
        store_jbuf_add(&b, " ", 1);
    }
    return store_jbuf_take(&b, out_len);
}

char *store_fts_text(const char *s, size_t n, size_t *out_len)
{
    return s ? rewrite(s, n, out_len, NULL) : NULL;
}

/* A set of 64-bit token hashes (open addressing, a power of 2, at most
 * half full; 0 marks a free slot). A collision only drops a duplicate
 * token of another spelling, with odds of 2^-64. */
typedef struct tok_set {
    uint64_t *slot;
    size_t size, used;
} tok_set;

static uint64_t tok_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h ? h : 1;
}

/* 1 when the token was new (and is now in the set), 0 when seen, -1 when
 * out of memory. */
static int tok_set_add(tok_set *t, const char *p, size_t n)
{
    uint64_t h = tok_hash(p, n);
    if ((t->used + 1) * 2 > t->size) {
        size_t ns = t->size ? t->size * 2 : 4096;
        uint64_t *bigger = calloc(ns, sizeof *bigger);
        if (!bigger)
            return -1;
        for (size_t k = 0; k < t->size; k++)
            if (t->slot[k]) {
                size_t j = t->slot[k] & (ns - 1);
                while (bigger[j])
                    j = (j + 1) & (ns - 1);
                bigger[j] = t->slot[k];
            }
        free(t->slot);
        t->slot = bigger;
        t->size = ns;
    }
    size_t i = h & (t->size - 1);
    while (t->slot[i]) {
        if (t->slot[i] == h)
            return 0;
        i = (i + 1) & (t->size - 1);
    }
    t->slot[i] = h;
    t->used++;
    return 1;
}

/* A letter or digit outside CJK: what a Latin word is made of. */
static int is_word_cp(uint32_t cp)
{
    return !is_cjk(cp) && u_isalnum((UChar32)cp);
}

/* Append s[0..n) and a space to b unless the set has it. */
static void add_token(store_jbuf *b, tok_set *seen, const char *s, size_t n)
{
    int r = tok_set_add(seen, s, n);
    if (r < 0)
        b->failed = 1;
    if (r > 0) {
        store_jbuf_add(b, s, n);
        store_jbuf_add(b, " ", 1);
    }
}

char *store_fts_chars(const char *s, size_t n, size_t *out_len)
{
    tok_set seen = {0};
    store_jbuf b = {0};
    size_t word_at = 0, word_len = 0;   /* the word run just before, if any */
    size_t i = 0;
    while (s && i < n) {
        size_t at = i;
        uint32_t cp = next_cp(s, n, &i);
        if (is_word_cp(cp)) {
            if (!word_len)
                word_at = at;
            word_len = i - word_at;
            continue;
        }
        if (is_cjk(cp)) {
            add_token(&b, &seen, s + at, i - at);
            /* the word right before, glued to it: A股 -> "A股" */
            if (word_len && word_len <= FTS_BOUNDARY_WORD_MAX)
                add_token(&b, &seen, s + word_at, i - word_at);
            /* and the word right after: 股A -> "股A" */
            size_t j = i, end = i;
            while (j < n) {
                size_t k = j;
                if (!is_word_cp(next_cp(s, n, &k)))
                    break;
                end = j = k;
            }
            if (end > i && end - i <= FTS_BOUNDARY_WORD_MAX)
                add_token(&b, &seen, s + at, end - at);
        }
        word_len = 0;
    }
    free(seen.slot);
    if (!b.data && !b.failed)
        store_jbuf_add(&b, "", 0);
    return store_jbuf_take(&b, out_len);
}

/* Text that holds at least one word character (a letter, a digit, CJK). */
static int piece_has_word(const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp = next_cp(p, n, &i);
        if (is_cjk(cp) || u_isalnum((UChar32)cp))
            return 1;
    }
    return 0;
}

/* A lone CJK character at an edge of a term: in the text it may sit
 * inside a longer run (炒股, 股市), where it has no token of its own, so
 * it is looked up in chars -- glued to the word it touches in the term
 * when there is one (A股 -> "A股", 股A -> "股A"), else alone. Sets
 * t[*x..*xe) to the character and t[*w..*we) to that word (empty when
 * none); returns 1 when the edge holds a lone CJK character. */
static int edge_lone(const char *t, size_t tn, int at_end, size_t *x, size_t *xe,
                     size_t *w, size_t *we)
{
    size_t i = 0, j;
    if (!at_end) {
        uint32_t c0 = next_cp(t, tn, &i);
        j = i;
        if (!is_cjk(c0) || (j < tn && is_cjk(next_cp(t, tn, &j))))
            return 0;
        *x = 0;
        *xe = *w = *we = i;
        for (j = i; j < tn && is_word_cp(next_cp(t, tn, &j));)
            *we = j;
        return 1;
    }
    size_t last = 0, n_cp = 0, run_start = 0;
    int in_run = 0, prev_cjk = 0, last_cjk = 0;
    while (i < tn) {                     /* find the last character */
        size_t here = i;
        uint32_t cp = next_cp(t, tn, &i);
        prev_cjk = last_cjk;
        last_cjk = is_cjk(cp);
        if (i < tn) {                    /* not the last: track word runs */
            if (is_word_cp(cp)) {
                if (!in_run)
                    run_start = here;
                in_run = 1;
            } else {
                in_run = 0;
            }
        }
        last = here;
        n_cp++;
    }
    if (n_cp < 2 || !last_cjk || prev_cjk)
        return 0;
    *x = last;
    *xe = tn;
    *w = in_run ? run_start : last;
    *we = last;
    return 1;
}

/* The chars token for a lone character: glued to the word it touches
 * ("A股"), or the character alone when it touches no word or one longer
 * than the index glues. [g, ge) is the glued span in t, [x, xe) the
 * character. */
static void chars_term(const store_fts_emit *e, const char *t, size_t g, size_t ge, size_t x,
                       size_t xe, size_t word_len)
{
    if (word_len > 0 && word_len <= FTS_BOUNDARY_WORD_MAX)
        e->chars(e->ctx, t + g, ge - g);
    else
        e->chars(e->ctx, t + x, xe - x);
}

/* One term (a word, or a quoted string's inside) as conditions: a lone
 * CJK character at an edge goes to chars (edge_lone); the rest is one
 * phrase of its words, bigrams and the unigrams of lone characters
 * inside it (between letters in the term, so between letters in the
 * text too). 0 or -1 (out of memory). */
static int walk_term(const store_fts_emit *e, const char *term, size_t tn)
{
    size_t from = 0, to = tn, x, xe, w, we;
    if (edge_lone(term, tn, 0, &x, &xe, &w, &we)) {
        chars_term(e, term, x, we, x, xe, we - w);          /* 股A: "股A" */
        from = xe;
    }
    if (from < tn && edge_lone(term + from, tn - from, 1, &x, &xe, &w, &we)) {
        chars_term(e, term + from, w, xe, x, xe, we - w);   /* A股: "A股" */
        to = from + x;
    }
    size_t rn = 0;
    char *rw = rewrite(term + from, to - from, &rn, NULL);
    if (!rw)
        return -1;
    if (piece_has_word(rw, rn))
        e->phrase(e->ctx, rw, rn);
    free(rw);
    return 0;
}

int store_fts_walk(const char *q, const store_fts_emit *e)
{
    if (!q)
        return -1;
    for (const char *p = q; *p;) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            p++;
            continue;
        }
        const char *end;
        if (*p == '"') {                 /* a quoted phrase, to the next quote or the end */
            p++;
            end = strchr(p, '"');
            if (!end)
                end = p + strlen(p);
        } else {
            end = p + strcspn(p, " \t\r\n\"");
        }
        if (walk_term(e, p, (size_t)(end - p)) != 0)
            return -1;
        p = *end == '"' ? end + 1 : end;
    }
    return 0;
}

/* --- the FTS5 expression -------------------------------------------------- */

typedef struct fts5_query {
    store_jbuf b;
    int conds;
} fts5_query;

/* FTS5 string literal: s[0..n) in double quotes, quotes doubled. */
static void add_string(store_jbuf *b, const char *s, size_t n)
{
    store_jbuf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++)
        store_jbuf_add(b, s[i] == '"' ? "\"\"" : s + i, s[i] == '"' ? 2 : 1);
    store_jbuf_add(b, "\"", 1);
}


/* " AND " before every condition but the first. */
static void add_cond(store_jbuf *b, int *conds, const char *column_filter)
{
    if (*conds)
        store_jbuf_add(b, " AND ", 5);
    store_jbuf_add(b, column_filter, strlen(column_filter));
    (*conds)++;
}

static void fts5_chars(void *ctx, const char *s, size_t n)
{
    fts5_query *f = ctx;
    add_cond(&f->b, &f->conds, "chars : ");
    add_string(&f->b, s, n);
}

/* {title content} : "the phrase", its tokens one space apart */
static void fts5_phrase(void *ctx, const char *rw, size_t rn)
{
    fts5_query *f = ctx;
    store_jbuf *b = &f->b;
    add_cond(b, &f->conds, "{title content} : \"");
    int space = 0, any = 0;
    for (size_t i = 0; i < rn; i++) {
        if (rw[i] == ' ') {
            space = any;
            continue;
        }
        if (space)
            store_jbuf_add(b, " ", 1);
        space = 0;
        any = 1;
        store_jbuf_add(b, rw[i] == '"' ? "\"\"" : rw + i, rw[i] == '"' ? 2 : 1);
    }
    store_jbuf_add(b, "\"", 1);
}

char *store_fts_query(const char *q)
{
    fts5_query f = {0};
    store_fts_emit e = {fts5_chars, fts5_phrase, &f};
    if (store_fts_walk(q, &e) != 0 || f.conds == 0 || f.b.failed) {
        store_jbuf_free(&f.b);
        return NULL;
    }
    return store_jbuf_take(&f.b, NULL);
}

int store_fts_searchable(const char *q)
{
    size_t n = q ? strlen(q) : 0;
    return piece_has_word(q ? q : "", n);
}
