/* postgres/tsearch.c -- the full-text index in PostgreSQL: skimd's own
 * tokens in a tsvector, and the user's query as a tsquery.
 *
 * The tokens are the SQLite index's (storage/fts_text.c): the text with
 * every CJK run rewritten as its bigrams, cut into runs of letters and
 * digits, case and accents folded as FTS5's unicode61 folds them; no
 * stemming, no stop words. They are written as a tsvector literal (so no
 * text search configuration takes part), with positions for phrases and
 * a weight for the column: title A, content B, and C for chars, the
 * distinct CJK characters and the words glued to them. A query has the
 * same conditions as the FTS5 one (store_fts_walk): a phrase becomes
 * 't1':AB <-> 't2':AB ..., a chars token 't':C, all joined by &.
 *
 * Limits PostgreSQL sets: positions stop at 16383 (a phrase past the
 * 16 383rd token of an article is not found), a lexeme keeps 256
 * positions, a tsvector holds at most 1 MiB: tokens past
 * PG_TSV_MAX_BYTES of literal are not indexed.
 */
#include "storage/postgres/pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>

#include "analyze/text.h"

#define PG_TSV_MAX_POS 16383
#define PG_TSV_MAX_BYTES (900 * 1024)
#define PG_LEXEME_MAX 2046

/* A token character as unicode61 sees it: letters, numbers, private use. */
static int token_cp(UChar32 c)
{
    int8_t t = u_charType(c);
    return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK)) || t == U_PRIVATE_USE_CHAR;
}

/* c case-folded and without its accents (é -> e). */
static UChar32 fold_cp(UChar32 c)
{
    UErrorCode e = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&e);
    UChar d[8];
    c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
    if (c < 0x80 || U_FAILURE(e))
        return c;
    int32_t n = unorm2_getDecomposition(nfd, c, d, 8, &e);
    if (n <= 0 || U_FAILURE(e))
        return c;
    UChar32 base;
    int32_t i = 0;
    U16_NEXT(d, i, n, base);
    for (; i < n;) {            /* keep c unless the rest are marks */
        UChar32 m;
        U16_NEXT(d, i, n, m);
        if (!(U_GET_GC_MASK(m) & U_GC_M_MASK))
            return c;
    }
    return u_foldCase(base, U_FOLD_CASE_DEFAULT);
}

/* Append code point c to tok[*tl] when it fits under PG_LEXEME_MAX. */
static void put_cp(char *tok, size_t *tl, uint32_t c)
{
    unsigned char *p = (unsigned char *)tok + *tl;
    if (*tl + 4 > PG_LEXEME_MAX)
        return;
    if (c < 0x80) {
        p[0] = (unsigned char)c;
        *tl += 1;
    } else if (c < 0x800) {
        p[0] = (unsigned char)(0xC0 | (c >> 6));
        p[1] = (unsigned char)(0x80 | (c & 0x3F));
        *tl += 2;
    } else if (c < 0x10000) {
        p[0] = (unsigned char)(0xE0 | (c >> 12));
        p[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        p[2] = (unsigned char)(0x80 | (c & 0x3F));
        *tl += 3;
    } else {
        p[0] = (unsigned char)(0xF0 | (c >> 18));
        p[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        p[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        p[3] = (unsigned char)(0x80 | (c & 0x3F));
        *tl += 4;
    }
}

/* Call fn for each token of s[0..n), folded, NUL-terminated. 0 or -1. */
typedef int (*token_fn)(void *ctx, const char *tok, size_t len);
static int each_token(const char *s, size_t n, token_fn fn, void *ctx)
{
    char tok[PG_LEXEME_MAX + 8];
    size_t tl = 0, i = 0;
    while (i <= n) {
        uint32_t c = 0;
        int is_tok = 0;
        if (i < n) {
            c = text_utf8_next(s, n, &i);
            is_tok = token_cp((UChar32)c);
        } else {
            i++;
        }
        if (is_tok) {
            put_cp(tok, &tl, (uint32_t)fold_cp((UChar32)c));
            continue;
        }
        if (tl > 0) {
            tok[tl] = '\0';
            if (fn(ctx, tok, tl) != 0)
                return -1;
            tl = 0;
        }
    }
    return 0;
}

/* 'tok' quoted for a tsvector or tsquery literal. */
static void add_lexeme(store_jbuf *b, const char *tok, size_t len)
{
    store_jbuf_add(b, "'", 1);
    for (size_t k = 0; k < len; k++) {
        if (tok[k] == '\'' || tok[k] == '\\')
            store_jbuf_add(b, tok[k] == '\'' ? "''" : "\\\\", 2);
        else
            store_jbuf_add(b, tok + k, 1);
    }
    store_jbuf_add(b, "'", 1);
}

/* --- the tsvector ----------------------------------------------------------- */

typedef struct tsv_build {
    store_jbuf b;
    int pos;
    char weight;
    int full;
} tsv_build;

static int tsv_token(void *ctx, const char *tok, size_t len)
{
    tsv_build *t = ctx;
    char num[16];
    if (t->full || t->b.len + len + 16 > PG_TSV_MAX_BYTES) {
        t->full = 1;
        return 0;
    }
    if (t->weight != 'C' && t->pos < PG_TSV_MAX_POS)
        t->pos++;
    add_lexeme(&t->b, tok, len);
    int n = snprintf(num, sizeof num, ":%d%c ", t->weight == 'C' ? 1 : t->pos, t->weight);
    store_jbuf_add(&t->b, num, (size_t)n);
    return 0;
}

/* The column's rewritten text (CJK bigrams) as tokens of weight w. */
static int tsv_column(tsv_build *t, const char *s, char w)
{
    size_t n = 0;
    char *rw = store_fts_text(s, strlen(s), &n);
    if (!rw)
        return -1;
    t->weight = w;
    int rc = each_token(rw, n, tsv_token, t);
    free(rw);
    if (t->pos < PG_TSV_MAX_POS)
        t->pos++;                           /* no phrase spans two columns */
    return rc;
}

char *store_pg_tsvector(const char *title, const char *content)
{
    tsv_build t = {0};
    size_t tn = strlen(title), cn = strlen(content), cl = 0;
    char *both = malloc(tn + cn + 2), *chars = NULL;
    if (!both)
        return NULL;
    memcpy(both, title, tn);
    both[tn] = '\n';
    memcpy(both + tn + 1, content, cn + 1);
    chars = store_fts_chars(both, tn + cn + 1, &cl);
    free(both);
    if (!chars || tsv_column(&t, title, 'A') != 0 || tsv_column(&t, content, 'B') != 0)
        goto fail;
    t.weight = 'C';
    if (each_token(chars, cl, tsv_token, &t) != 0)
        goto fail;
    free(chars);
    if (!t.b.data)
        store_jbuf_add(&t.b, "", 0);
    return store_jbuf_take(&t.b, NULL);
fail:
    free(chars);
    store_jbuf_free(&t.b);
    return NULL;
}

/* --- the tsquery ------------------------------------------------------------ */

typedef struct tsq_build {
    store_jbuf b;
    int conds;          /* conditions written */
    int in_phrase;      /* tokens of the current phrase so far */
    const char *weights;
} tsq_build;

static int tsq_token(void *ctx, const char *tok, size_t len)
{
    tsq_build *q = ctx;
    if (q->in_phrase++)
        store_jbuf_add(&q->b, q->weights[0] == 'C' ? " & " : " <-> ", q->weights[0] == 'C' ? 3 : 5);
    add_lexeme(&q->b, tok, len);
    store_jbuf_add(&q->b, ":", 1);
    store_jbuf_add(&q->b, q->weights, strlen(q->weights));
    return 0;
}

static void tsq_condition(tsq_build *q, const char *s, size_t n, const char *weights)
{
    size_t at = q->b.len;
    if (q->conds)
        store_jbuf_add(&q->b, " & ", 3);
    store_jbuf_add(&q->b, "(", 1);
    q->in_phrase = 0;
    q->weights = weights;
    if (each_token(s, n, tsq_token, q) != 0)
        q->b.failed = 1;
    if (q->in_phrase == 0) {            /* nothing to look up: no condition */
        q->b.len = at;
        return;
    }
    store_jbuf_add(&q->b, ")", 1);
    q->conds++;
}

static void tsq_chars(void *ctx, const char *s, size_t n) { tsq_condition(ctx, s, n, "C"); }
static void tsq_phrase(void *ctx, const char *s, size_t n) { tsq_condition(ctx, s, n, "AB"); }

char *store_pg_tsquery(const char *q)
{
    tsq_build t = {0};
    store_fts_emit e = {tsq_chars, tsq_phrase, &t};
    if (store_fts_walk(q, &e) != 0 || t.conds == 0 || t.b.failed) {
        store_jbuf_free(&t.b);
        return NULL;
    }
    return store_jbuf_take(&t.b, NULL);
}
