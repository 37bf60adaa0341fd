/* text_mmseg.c -- friso's complex mode (MMSEG: the best chunk of up to
 * three words by total length, average length, length variance and
 * single-character frequency) with friso's exact rules, reads and
 * tie-breaks, but without its allocations and repeated probes: friso 1.6.4
 * allocates a string buffer and an array per dictionary probe and an array
 * and a chunk per candidate chunk, about 48 malloc/free pairs per word,
 * and probes the same strings again for every chunk; that was about half
 * of its time on the seed article (callgrind figures in docs/analysis.md).
 * Here every list lives on the stack and each (start, length) probe is
 * made once per call.
 *
 * Reads replicate friso's utf8_next_word (friso_UTF8.c) byte for byte, in
 * friso's order, so the task's state after the call (bytes, unicode,
 * buffer, which next_mmseg_token reads for mixed words such as 卡拉ok, even
 * when stale at the end of the text) is friso's too. Any other charset or
 * a max_len over MM_MAX_LEN goes to friso's own function.
 */
#include "analyze/text_mmseg.h"

#include <math.h>
#include <string.h>

#include <friso/friso_API.h>
#include <friso/friso_ctype.h>

#define MM_MAX_LEN 8                      /* config->max_len we handle (friso's default: 5) */
#define MM_KEY (MM_MAX_LEN * 8 + 1)       /* friso reads up to 8 bytes a character */
#define MM_SPAN (3 * MM_MAX_LEN + 2)      /* characters a call can reach */

/* friso's get_utf8_bytes: leading one bits of the byte, 1 for ASCII. */
static inline uint_t fr_bytes(unsigned char v)
{
    return v < 0x80 ? 1 : (uint_t)__builtin_clz(~((unsigned)v << 24));
}

/* friso's get_utf8_unicode: 1-3 byte sequences, 0 for longer ones (its
 * signed-char arithmetic keeps the low 8 bits, as here). */
static inline uint_t fr_unicode(const char *ch)
{
    const unsigned char *u = (const unsigned char *)ch;
    switch (fr_bytes(u[0])) {
    case 1:
        return u[0];
    case 2:
        return (uint_t)(unsigned char)((u[0] << 6) + (u[1] & 0x3F)) |
               (uint_t)((u[0] >> 2) & 0x07) << 8;
    case 3:
        return (uint_t)(unsigned char)((u[1] << 6) + (u[2] & 0x3F)) |
               (uint_t)(unsigned char)((u[0] << 4) + ((u[1] >> 2) & 0x0F)) << 8;
    default:
        return 0;
    }
}

/* friso's utf8_next_word: at *idx < length, the character there goes to
 * task->buffer, task->bytes and task->unicode; past the end nothing is
 * touched and 0 comes back. (friso copies a lead byte's count of bytes
 * whatever follows; on invalid UTF-8, which text.c never passes, we copy
 * no more than the text and the buffer hold.) */
static uint_t fr_read(friso_task_t task, uint_t *idx)
{
    if (*idx >= task->length)
        return 0;
    const char *p = task->text + *idx;
    uint_t b = fr_bytes((unsigned char)p[0]);
    if (b == 3 && task->length - *idx >= 3) {   /* CJK: the common case */
        const unsigned char *u = (const unsigned char *)p;
        task->buffer[0] = p[0];
        task->buffer[1] = p[1];
        task->buffer[2] = p[2];
        task->buffer[3] = '\0';
        task->bytes = 3;
        *idx += 3;
        task->unicode = (uint_t)(unsigned char)((u[1] << 6) + (u[2] & 0x3F)) |
                        (uint_t)(unsigned char)((u[0] << 4) + ((u[1] >> 2) & 0x0F)) << 8;
        return 3;
    }
    uint_t n = b < sizeof task->buffer - 1 ? b : (uint_t)sizeof task->buffer - 1;
    if (n > task->length - *idx)
        n = task->length - *idx;
    for (uint_t i = 0; i < n; i++)
        task->buffer[i] = p[i];
    task->buffer[n] = '\0';
    task->bytes = b;
    *idx += b;
    task->unicode = fr_unicode(task->buffer);
    return b;
}

/* Probes made in this call, by the character index (from the call's first
 * character) where the word starts and its length in characters. */
typedef struct mm_memo {
    uint_t base;                       /* byte offset of character 0 */
    uint_t off[MM_SPAN + 1];           /* byte offset of character i, i < n_off */
    uint_t n_off;
    unsigned char known[MM_SPAN][MM_MAX_LEN + 1];
    lex_entry_t hit[MM_SPAN][MM_MAX_LEN + 1];
} mm_memo;

/* Character index of byte offset pos, or -1 when out of the memo's span. */
static int char_index(mm_memo *m, const friso_task_t task, uint_t pos)
{
    while (m->n_off <= MM_SPAN && m->off[m->n_off - 1] < pos && m->off[m->n_off - 1] < task->length) {
        uint_t at = m->off[m->n_off - 1];
        m->off[m->n_off++] = at + fr_bytes((unsigned char)task->text[at]);
    }
    for (uint_t i = 0; i < m->n_off; i++)
        if (m->off[i] == pos)
            return (int)i;
    return -1;
}

/* The dictionary entry spelled by text[start..end): nchars characters
 * from start, whose character index in the memo is ci (-1: none). */
static lex_entry_t probe(friso_t friso, friso_task_t task, mm_memo *m, int ci, uint_t start,
                         uint_t end, uint_t nchars)
{
    int memo = ci >= 0 && ci < MM_SPAN && nchars <= MM_MAX_LEN;
    if (memo && m->known[ci][nchars])
        return m->hit[ci][nchars];
    char key[MM_KEY];
    lex_entry_t e = NULL;
    if (end - start < sizeof key) {
        memcpy(key, task->text + start, end - start);
        key[end - start] = '\0';
        e = friso_dic_get(friso->dic, __LEX_CJK_WORDS__, key);
    }
    if (memo) {
        m->known[ci][nchars] = 1;
        m->hit[ci][nchars] = e;
    }
    return e;
}

/* Is the character friso just read (task->buffer) a dictionary word? got
 * is fr_read's result: 0 means the buffer is stale and is probed as is. */
static int buffer_is_word(friso_t friso, friso_task_t task, mm_memo *m, uint_t got, uint_t idx)
{
    if (!got)
        return friso_dic_match(friso->dic, __LEX_CJK_WORDS__, task->buffer);
    return probe(friso, task, m, char_index(m, task, idx - got), idx - got, idx, 1) != NULL;
}

/* friso's get_next_match: the entry of the word in task->buffer, then
 * each longer dictionary word made by appending the following CJK
 * characters (up to max_len in all). idx is the offset after the buffer's
 * character in the text; got 0 when the buffer is stale. */
static size_t next_match(friso_t friso, friso_config_t config, friso_task_t task, uint_t idx,
                         uint_t got, mm_memo *m, lex_entry_t *out)
{
    size_t n = 0;
    uint_t start = idx - got;
    int ci = -1;
    if (got) {
        ci = char_index(m, task, start);
        out[n++] = probe(friso, task, m, ci, start, idx, 1);
    } else {
        out[n++] = friso_dic_get(friso->dic, __LEX_CJK_WORDS__, task->buffer);
    }
    /* a stale buffer means idx is at the end: the first read fails */
    for (uint_t t = 1; t < config->max_len && (task->bytes = fr_read(task, &idx)) != 0; t++) {
        if (task->unicode == 32 || task->unicode == 12288)   /* utf8_whitespace */
            break;
        if (!utf8_cjk_string(task->unicode))
            break;
        lex_entry_t e = probe(friso, task, m, ci, start, idx, t + 1);
        if (e)
            out[n++] = e;
    }
    return n;
}

typedef struct mm_chunk {
    lex_entry_t w[3];
    uint_t nw, length;
    float avl, var, mdf;
} mm_chunk;

/* friso's mmseg_core_invoke: filter by the four rules in turn, keeping
 * the chunks' order; the first survivor wins. */
static size_t pick(mm_chunk *c, size_t n)
{
    size_t k, i;
    float max = (float)c[0].length;
    for (i = 1; i < n; i++)
        if ((float)c[i].length > max)
            max = (float)c[i].length;
    for (i = k = 0; i < n; i++)
        if ((float)c[i].length >= max)
            c[k++] = c[i];
    if ((n = k) == 1)
        return 0;

    for (i = 0; i < n; i++)
        c[i].avl = ((float)c[i].length) / (float)c[i].nw;
    max = c[0].avl;
    for (i = 1; i < n; i++)
        if (c[i].avl > max)
            max = c[i].avl;
    for (i = k = 0; i < n; i++)
        if (c[i].avl >= max)
            c[k++] = c[i];
    if ((n = k) == 1)
        return 0;

    for (i = 0; i < n; i++) {
        float var = 0;
        for (uint_t t = 0; t < c[i].nw; t++) {
            float d = (float)c[i].w[t]->length - c[i].avl;
            var += d * d;
        }
        c[i].var = var / (float)c[i].nw;
    }
    max = c[0].var;
    for (i = 1; i < n; i++)
        if (c[i].var < max)
            max = c[i].var;
    for (i = k = 0; i < n; i++)
        if (c[i].var <= max)
            c[k++] = c[i];
    if ((n = k) == 1)
        return 0;

    for (i = 0; i < n; i++) {
        float mdf = 0;
        for (uint_t t = 0; t < c[i].nw; t++) {
            const lex_entry_t e = c[i].w[t];
            if (e->length == 3 || e->length == 2)
                mdf += (float)log((float)e->fre);
        }
        c[i].mdf = mdf;
    }
    max = c[0].mdf;
    for (i = 1; i < n; i++)
        if (c[i].mdf > max)
            max = c[i].mdf;
    for (i = 0; i < n; i++)
        if (c[i].mdf >= max)
            return i;
    return 0;
}

lex_entry_t text_mmseg_complex_cjk(friso_t friso, friso_config_t config, friso_task_t task)
{
    if (config->max_len > MM_MAX_LEN || friso->charset != FRISO_UTF8)
        return next_complex_cjk(friso, config, task);   /* beyond our arrays: friso's own */
    mm_memo memo;
    lex_entry_t fmatch[MM_MAX_LEN], smatch[MM_MAX_LEN], tmatch[MM_MAX_LEN];
    mm_chunk chunks[MM_MAX_LEN * MM_MAX_LEN * MM_MAX_LEN];
    size_t nc = 0;
    uint_t back = task->bytes;
    memo.base = task->idx - back;
    memo.off[0] = memo.base;
    memo.n_off = 1;
    memset(memo.known, 0, sizeof memo.known);
    size_t nf = next_match(friso, config, task, task->idx, back, &memo, fmatch);
    lex_entry_t fe = fmatch[0];
    if (nf == 1)
        goto out;
    task->idx -= back;
    for (size_t x = 0; x < nf; x++) {
        fe = fmatch[x];
        uint_t idx = task->idx + fe->length;
        uint_t got = fr_read(task, &idx);
        if (task->bytes != 0 && utf8_cjk_string(task->unicode) && buffer_is_word(friso, task, &memo, got, idx)) {
            size_t ns = next_match(friso, config, task, idx, got, &memo, smatch);
            for (size_t y = 0; y < ns; y++) {
                lex_entry_t se = smatch[y];
                idx = task->idx + fe->length + se->length;
                got = fr_read(task, &idx);
                if (task->bytes != 0 && utf8_cjk_string(task->unicode) &&
                    buffer_is_word(friso, task, &memo, got, idx)) {
                    size_t nt = next_match(friso, config, task, idx, got, &memo, tmatch);
                    for (size_t z = 0; z < nt; z++)
                        chunks[nc++] = (mm_chunk){ .w = { fe, se, tmatch[z] }, .nw = 3,
                                                   .length = (uint_t)fe->length + se->length + tmatch[z]->length };
                } else {
                    chunks[nc++] = (mm_chunk){ .w = { fe, se, NULL }, .nw = 2,
                                               .length = (uint_t)fe->length + se->length };
                }
            }
        } else {
            chunks[nc++] = (mm_chunk){ .w = { fe, NULL, NULL }, .nw = 1, .length = fe->length };
        }
    }
    fe = chunks[nc > 1 ? pick(chunks, nc) : 0].w[0];
    task->idx += fe->length;
out:
    if (config->clr_stw && friso_dic_match(friso->dic, __LEX_STOPWORDS__, fe->word))
        return NULL;
    return fe;
}
