/* text.c -- the per-article text_doc: sentences (text_sent.c), word
 * tokens, interned terms and stems. Chinese goes through friso's complex
 * mode, other scripts through ICU's word break iterator; pieces friso cuts
 * out of a repeated name or term (白马+商+评) are glued back. Owns no
 * scoring: keywords.c and summary.c read the doc. The shared context
 * (lexicon, stop words) is text_ctx.c.
 *
 * Threads: friso_t and friso_config_t live in text_ctx and are only read
 * while segmenting (friso keeps per-call state in the friso_task_t, which
 * we create per call), so one ctx serves every worker.
 */
#include "analyze/text_int.h"
#include "analyze/text_brk.h"
#include "analyze/text_mmseg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <friso/friso.h>
#include <libstemmer.h>
#include <unicode/ubrk.h>
#include <unicode/ustring.h>

/* ---- tokens ---- */

typedef struct tok_buf {
    text_token *v;
    size_t n, cap;
} tok_buf;

static int tok_push(tok_buf *b, text_token t)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        text_token *v = realloc(b->v, cap * sizeof *v);
        if (!v)
            return -1;
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = t;
    return 0;
}

static const char *snowball_name(const char *lang)
{
    static const char *const map[][2] = {
        { "en", "english" }, { "fr", "french" }, { "de", "german" }, { "es", "spanish" },
        { "it", "italian" }, { "pt", "portuguese" }, { "nl", "dutch" }, { "sv", "swedish" },
        { "da", "danish" }, { "no", "norwegian" }, { "nb", "norwegian" }, { "fi", "finnish" },
        { "ru", "russian" }, { "hu", "hungarian" }, { "ro", "romanian" }, { "tr", "turkish" },
    };
    for (size_t i = 0; lang && i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(lang, map[i][0]))
            return map[i][1];
    return NULL;
}

static uint8_t kind_of(const char *w, size_t len)
{
    if (len && ((w[0] >= '0' && w[0] <= '9') || (w[0] == '.' && len > 1 && w[1] >= '0' && w[1] <= '9')))
        return TEXT_TOK_NUM;   /* 3.5, 2025年, 11月, 100% */
    for (size_t i = 0; i < len;) {
        uint32_t c = text_utf8_next(w, len, &i);
        if (text_is_han(c) || (c >= 0x3040 && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7AF))
            return TEXT_TOK_CJK;
    }
    return TEXT_TOK_WORD;
}

/* Intern norm[0..len) as a term of doc; returns its id or TEXT_MAP_NONE. */
static uint32_t intern(const text_ctx *ctx, text_doc *doc, const char *norm, size_t len, size_t *term_cap)
{
    int added = 0;
    uint32_t id = text_map_put(doc->term_map, norm, len, &added);
    if (id == TEXT_MAP_NONE || !added)
        return id;
    if (id >= *term_cap) {
        size_t cap = *term_cap ? *term_cap * 2 : 256;
        text_term *t = realloc(doc->terms, cap * sizeof *t);
        if (!t)
            return TEXT_MAP_NONE;
        doc->terms = t;
        *term_cap = cap;
    }
    text_term *t = &doc->terms[id];
    memset(t, 0, sizeof *t);
    t->norm = text_map_key(doc->term_map, id);
    t->first = UINT32_MAX;
    t->kind = kind_of(norm, len);
    t->chars = (uint32_t)text_utf8_chars(norm, len);
    t->stop = (uint8_t)text_is_stopword(ctx, doc->lang, t->norm);
    doc->n_terms = id + 1;
    return id;
}

/* Is there anything but white space in s[a..b)? */
static int has_punct(const char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b;) {
        uint32_t c = text_utf8_next(s, b, &i);
        if (!(c == ' ' || c == '\t' || c == 0xA0 || c == 0x3000))
            return 1;
    }
    return 0;
}

static int segment_friso(const text_ctx *ctx, text_doc *doc, const char *s, size_t len,
                         tok_buf *out, size_t *term_cap)
{
    friso_task_t task = friso_new_task();
    if (!task)
        return -1;
    int rc = 0;
    size_t prev_end = 0;
    text_mmseg_reset();   /* the task may reuse the last text's buffer */
    friso_set_text(task, (fstring)s);
    friso_config_t cfg = ctx->fcfg;
    while (cfg->next_token(ctx->friso, cfg, task)) {
        friso_token_t ft = task->token;
        size_t wlen = strnlen(ft->word, sizeof ft->word);
        if (!wlen)
            continue;
        size_t k = 0;
        uint32_t c0 = text_utf8_next(ft->word, wlen, &k);
        int han = text_is_han(c0);
        /* friso reports a Han character missing from its lexicon as
         * punctuation: it is a word to us */
        if (ft->type == __LEX_PUNC_WORDS__ && !(han && k == wlen))
            continue;
        if (k == wlen && !(c0 >= '0' && c0 <= '9') && !(c0 >= 'a' && c0 <= 'z') && !han &&
            c0 < 0x3040)
            continue;   /* a lone symbol */
        /* friso writes a word's offset into the shared dictionary entry
         * and reads it back (next_mmseg_token): with several threads it
         * may read another thread's. Chinese words are verbatim bytes of
         * the text, so we find them ourselves; Latin words are built per
         * task and their offsets are safe. */
        size_t start, end;
        const char *hit = NULL;
        if (c0 >= 0x80) {
            /* usually right where the last word ended */
            size_t window = len - prev_end < 256 + wlen ? len - prev_end : 256 + wlen;
            if (window >= wlen && !memcmp(s + prev_end, ft->word, wlen))
                hit = s + prev_end;
            else
                hit = memmem(s + prev_end, window, ft->word, wlen);
        }
        if (hit) {
            start = (size_t)(hit - s);
            end = start + wlen;
        } else {
            if (ft->offset < 0)
                continue;
            start = (size_t)ft->offset;
            end = start + ft->rlen;
            if (end > len || start < prev_end || end <= start)
                continue;
        }
        uint32_t id = intern(ctx, doc, ft->word, wlen, term_cap);
        if (id == TEXT_MAP_NONE) {
            rc = -1;
            break;
        }
        text_token t = { .start = (uint32_t)start, .end = (uint32_t)end, .term = id,
                         .kind = doc->terms[id].kind };
        if (out->n == 0 || has_punct(s, prev_end, start))
            t.flags |= TEXT_TF_BREAK;
        if (t.kind == TEXT_TOK_CJK && doc->terms[id].chars == 1)
            t.flags |= TEXT_TF_SINGLE;
        if (tok_push(out, t) != 0) {
            rc = -1;
            break;
        }
        prev_end = end;
    }
    friso_free_task(task);
    return rc;
}

static int segment_icu(const text_ctx *ctx, text_doc *doc, const char *s, size_t len, tok_buf *out, size_t *term_cap)
{
    UChar *u = NULL;
    uint32_t *map = NULL;
    UBreakIterator *bi = NULL;
    int rc = -1;
    int32_t ulen = 0;
    UErrorCode st = U_ZERO_ERROR;
    size_t prev_end = 0;
    if (text_utf16_map(s, len, &u, &map, &ulen) != 0)
        goto done;
    bi = text_brk_get(UBRK_WORD, doc->lang[0] ? doc->lang : "en", u, ulen, &st);   /* cached: not closed */
    if (U_FAILURE(st) || !bi)
        goto done;
    int32_t a = ubrk_first(bi);
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; a = b, b = ubrk_next(bi)) {
        int32_t status = ubrk_getRuleStatus(bi);
        if (status < UBRK_WORD_NUMBER || b - a > 48)
            continue;
        UChar low[64];
        char w[MAX_WORD_BYTES * 3];
        UErrorCode e2 = U_ZERO_ERROR;
        int32_t ll = u_strToLower(low, 64, u + a, b - a, "", &e2);
        int32_t wl = 0;
        if (U_SUCCESS(e2))
            u_strToUTF8(w, (int32_t)sizeof w, &wl, low, ll, &e2);
        if (U_FAILURE(e2) || wl <= 0 || (size_t)wl >= sizeof w)
            continue;
        /* drop a possessive: company's -> company */
        if (wl > 3 && w[wl - 2] == '\'' && w[wl - 1] == 's')
            wl -= 2;
        else if (wl > 5 && !memcmp(w + wl - 4, "\xE2\x80\x99s", 4))
            wl -= 4;
        /* French and Italian elision: l'énergie -> énergie */
        size_t elide = 0;
        if (!strcmp(doc->lang, "fr") || !strcmp(doc->lang, "it") || !strcmp(doc->lang, "ca")) {
            for (size_t q = 1; q <= 3 && q + 1 < (size_t)wl; q++) {
                if (w[q] == '\'') {
                    elide = q + 1;
                    break;
                }
                if (q + 3 < (size_t)wl && !memcmp(w + q, "\xE2\x80\x99", 3)) {
                    elide = q + 3;
                    break;
                }
            }
        }
        uint32_t id = intern(ctx, doc, w + elide, (size_t)wl - elide, term_cap);
        if (id == TEXT_MAP_NONE)
            goto done;
        size_t start = map[a] + elide, end = map[b];
        text_token t = { .start = (uint32_t)start, .end = (uint32_t)end, .term = id,
                         .kind = status < UBRK_WORD_LETTER ? TEXT_TOK_NUM : doc->terms[id].kind };
        if (out->n == 0 || has_punct(s, prev_end, start))
            t.flags |= TEXT_TF_BREAK;
        if (t.kind == TEXT_TOK_CJK && doc->terms[id].chars == 1)
            t.flags |= TEXT_TF_SINGLE;
        if (tok_push(out, t) != 0)
            goto done;
        prev_end = end;
    }
    rc = 0;
done:
    free(u);
    free(map);
    return rc;
}

static int segment(const text_ctx *ctx, text_doc *doc, const char *s, size_t len,
                   tok_buf *out, size_t *term_cap)
{
    if (!len)
        return 0;
    if (doc->cjk)
        return segment_friso(ctx, doc, s, len, out, term_cap);
    return segment_icu(ctx, doc, s, len, out, term_cap);
}

/* Glue runs of 2-4 adjacent tokens that spell a lexicon word. */
static int glue_compounds(const text_ctx *ctx, text_doc *doc, tok_buf *b, size_t *term_cap)
{
    if (!text_map_size(ctx->compounds))
        return 0;
    char key[4 * MAX_WORD_BYTES];
    text_token *v = b->v;
    size_t w = 0;
    for (size_t i = 0; i < b->n; i++) {
        text_token t = v[i];
        size_t kl = 0;
        const char *first = doc->terms[t.term].norm;
        unsigned bit = first_char_bit(first);
        if (first[0] && !(ctx->compound_first[bit / 64] & ((uint64_t)1 << (bit % 64)))) {
            t.sent = 0;
            v[w++] = t;   /* no compound starts with this character */
            continue;
        }
        for (size_t n = 1; n <= 4 && i + n <= b->n; n++) {
            const text_token *u = &v[i + n - 1];
            if (n > 1 && (u->flags & TEXT_TF_BREAK))
                break;
            const char *nm = doc->terms[u->term].norm;
            size_t l = strlen(nm);
            if (kl + l >= sizeof key)
                break;
            memcpy(key + kl, nm, l);
            kl += l;
            if (n > 1 && text_map_get(ctx->compounds, key, kl) != TEXT_MAP_NONE) {
                uint32_t id = intern(ctx, doc, key, kl, term_cap);
                if (id == TEXT_MAP_NONE)
                    return -1;
                t.term = id;
                t.end = u->end;
                t.kind = TEXT_TOK_CJK;
                t.flags &= (uint8_t)~TEXT_TF_SINGLE;
                t.sent = (uint32_t)n;   /* tokens consumed; reset below */
            }
        }
        size_t used = t.term != v[i].term ? t.sent : 1;
        t.sent = 0;
        v[w++] = t;
        i += used - 1;
    }
    b->n = w;
    return 0;
}

/* Glue runs of 2-3 adjacent Chinese tokens, one of them a single
 * character, that repeat (3+ times, or 2+ and in the title): names and
 * terms the lexicon does not know (周+鸿+祎, 白马+商+评). */
static int glue_pieces(const text_ctx *ctx, text_doc *doc, tok_buf *b, size_t *term_cap)
{
    text_map *grams = text_map_new();
    if (!grams)
        return -1;
    int rc = -1;
    char key[3 * MAX_WORD_BYTES];
    text_token *v = b->v;
    for (int pass = 0; pass < 2; pass++) {
        size_t w = 0;
        for (size_t i = 0; i < b->n; i++) {
            size_t best = 1;
            for (size_t n = 3; n >= 2 && best == 1; n--) {
                if (i + n > b->n)
                    continue;
                int single = 0, ok = 1;
                size_t kl = 0;
                for (size_t k = 0; k < n && ok; k++) {
                    const text_token *t = &v[i + k];
                    const text_term *tm = &doc->terms[t->term];
                    if (t->kind != TEXT_TOK_CJK || (k && (t->flags & TEXT_TF_BREAK)) || tm->stop) {
                        ok = 0;
                        break;
                    }
                    single |= (t->flags & TEXT_TF_SINGLE) != 0;
                    size_t l = strlen(tm->norm);
                    if (kl + l >= sizeof key) {
                        ok = 0;
                        break;
                    }
                    memcpy(key + kl, tm->norm, l);
                    kl += l;
                }
                if (!ok || !single)
                    continue;
                if (pass == 0) {
                    uint32_t id = text_map_put(grams, key, kl, NULL);
                    if (id == TEXT_MAP_NONE)
                        goto done;
                    text_map_set_value(grams, id, text_map_value(grams, id) + 1);
                } else {
                    uint32_t id = text_map_get(grams, key, kl);
                    double c = text_map_value(grams, id);
                    key[kl] = '\0';
                    if (c >= 3 || (c >= 2 && strstr(doc->title, key)))
                        best = n;
                }
            }
            if (pass == 0)
                continue;
            text_token t = v[i];
            if (best > 1) {
                size_t kl = 0;
                for (size_t k = 0; k < best; k++) {
                    const char *nm = doc->terms[v[i + k].term].norm;
                    size_t l = strlen(nm);
                    memcpy(key + kl, nm, l);
                    kl += l;
                }
                uint32_t id = intern(ctx, doc, key, kl, term_cap);
                if (id == TEXT_MAP_NONE)
                    goto done;
                t.term = id;
                t.end = v[i + best - 1].end;
                t.flags &= (uint8_t)~TEXT_TF_SINGLE;
                i += best - 1;
            }
            v[w++] = t;
        }
        if (pass == 1)
            b->n = w;
    }
    rc = 0;
done:
    text_map_free(grams);
    return rc;
}

/* ---- the doc ---- */

/* First sentence that is a heading of what follows an article (comments,
 * related links, hot lists) in the later three quarters of the text; the
 * extractor may leave these in. n_sents when there is none. */
static size_t find_body_end(const text_doc *doc)
{
    static const char *const heads[] = { "评论", "网友评论", "热门评论", "最新评论", "相关推荐",
        "相关阅读", "相关新闻", "相关文章", "延伸阅读", "热搜榜", "热门推荐", "猜你喜欢", "推荐阅读",
        "举报/反馈", "Comments", "Related", "Related articles", "Related stories", "Related content",
        "More on this story", "Read more", "You may also like", "Most read", "Most popular",
        "Share this article", NULL };
    for (size_t s = 0; s < doc->n_sents; s++) {
        const text_sentence *se = &doc->sents[s];
        if (se->start * 4 < doc->len || se->chars > 24)
            continue;
        size_t l = se->end - se->start;
        for (size_t i = 0; heads[i]; i++)
            if (strlen(heads[i]) == l && !strncasecmp(doc->text + se->start, heads[i], l))
                return s;
    }
    return doc->n_sents;
}

void text_doc_release(text_doc *doc)
{
    if (!doc)
        return;
    free(doc->text);
    free(doc->title);
    free(doc->sents);
    free(doc->toks);
    free(doc->title_toks);
    free(doc->terms);
    text_map_free(doc->term_map);
    text_map_free(doc->stem_map);
    memset(doc, 0, sizeof *doc);
}

static char *dup_text(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++)   /* CR -> LF */
        d[i] = s[i] == '\r' ? '\n' : s[i];
    d[n] = '\0';
    /* Invalid UTF-8 becomes '?', byte for byte (offsets stay): friso trusts
     * lead bytes and would read past the end. */
    for (size_t i = 0; i < n;) {
        size_t at = i;
        text_utf8_next(d, n, &i);
        if (i == at + 1 && (unsigned char)d[at] >= 0x80)
            d[at] = '?';
    }
    return d;
}

static int stem_terms(text_doc *doc)
{
    const char *alg = snowball_name(doc->lang);
    struct sb_stemmer *st = alg ? sb_stemmer_new(alg, "UTF_8") : NULL;
    int rc = 0;
    for (size_t i = 0; i < doc->n_terms; i++) {
        text_term *t = &doc->terms[i];
        const char *stem = t->norm;
        size_t sl = strlen(stem);
        if (st && t->kind == TEXT_TOK_WORD) {
            const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)t->norm, (int)strlen(t->norm));
            if (r) {
                stem = (const char *)r;
                sl = (size_t)sb_stemmer_length(st);
            }
        }
        int added = 0;
        uint32_t id = text_map_put(doc->stem_map, stem, sl, &added);
        if (id == TEXT_MAP_NONE) {
            rc = -1;
            break;
        }
        t->stem_id = id;
        t->stem = text_map_key(doc->stem_map, id);
    }
    doc->n_stems = text_map_size(doc->stem_map);
    if (st)
        sb_stemmer_delete(st);
    return rc;
}

int text_doc_build(const text_ctx *ctx, const char *title, const char *text,
                   const char *declared_lang, text_doc *doc)
{
    tok_buf body = {0}, head = {0};
    size_t term_cap = 0;
    if (!ctx || !doc)
        return -1;
    memset(doc, 0, sizeof *doc);
    doc->text = dup_text(text);
    doc->title = dup_text(title);
    doc->term_map = text_map_new();
    doc->stem_map = text_map_new();
    if (!doc->text || !doc->title || !doc->term_map || !doc->stem_map)
        goto fail;
    doc->len = strlen(doc->text);
    const char *lang = doc->len ? text_detect_language(doc->text, doc->len, declared_lang)
                                : text_detect_language(doc->title, strlen(doc->title), declared_lang);
    snprintf(doc->lang, sizeof doc->lang, "%s", lang ? lang : "");
    doc->cjk = !strcmp(doc->lang, "zh");

    /* sentences */
    size_t cap = doc->len / 16 + 16;
    for (;;) {
        doc->sents = malloc(cap * sizeof *doc->sents);
        if (!doc->sents)
            goto fail;
        doc->n_sents = text_split_sentences(doc->text, doc->len, doc->lang, doc->sents, cap);
        if (doc->n_sents <= cap)
            break;
        free(doc->sents);
        cap = doc->n_sents;
    }

    doc->n_body_sents = find_body_end(doc);

    /* words */
    if (segment(ctx, doc, doc->text, doc->len, &body, &term_cap) ||
        segment(ctx, doc, doc->title, strlen(doc->title), &head, &term_cap))
        goto fail;
    if (doc->cjk && (glue_compounds(ctx, doc, &body, &term_cap) ||
                     glue_compounds(ctx, doc, &head, &term_cap) ||
                     glue_pieces(ctx, doc, &body, &term_cap)))
        goto fail;
    doc->toks = body.v;
    doc->n_toks = body.n;
    doc->title_toks = head.v;
    doc->n_title_toks = head.n;
    body.v = head.v = NULL;

    /* tokens to sentences; counts */
    size_t s = 0;
    for (size_t i = 0; i < doc->n_toks; i++) {
        text_token *t = &doc->toks[i];
        while (s + 1 < doc->n_sents && t->start >= doc->sents[s].end)
            s++;
        if (s < doc->n_sents && i > 0 && doc->toks[i - 1].sent != s)
            t->flags |= TEXT_TF_BREAK;
        t->sent = (uint32_t)s;
        text_term *tm = &doc->terms[t->term];
        tm->count++;
        if (tm->first == UINT32_MAX)
            tm->first = (uint32_t)i;
        doc->words += t->kind == TEXT_TOK_CJK ? tm->chars : 1;
    }
    for (size_t k = 0; k < doc->n_sents; k++) {
        doc->sents[k].tok_begin = doc->sents[k].tok_end = 0;
    }
    for (size_t i = 0; i < doc->n_toks; i++) {
        text_sentence *se = &doc->sents[doc->toks[i].sent];
        if (se->tok_end == 0)
            se->tok_begin = (uint32_t)i;
        se->tok_end = (uint32_t)i + 1;
    }
    for (size_t i = 0; i < doc->n_title_toks; i++)
        doc->terms[doc->title_toks[i].term].title_count++;
    for (size_t i = 0; i < doc->n_toks; i++)
        if (doc->terms[doc->toks[i].term].stop)
            doc->toks[i].flags |= TEXT_TF_STOP;
    for (size_t i = 0; i < doc->n_title_toks; i++)
        if (doc->terms[doc->title_toks[i].term].stop)
            doc->title_toks[i].flags |= TEXT_TF_STOP;
    if (stem_terms(doc))
        goto fail;
    return 0;
fail:
    free(body.v);
    free(head.v);
    text_doc_release(doc);
    return -1;
}
