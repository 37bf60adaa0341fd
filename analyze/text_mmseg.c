/* text_mmseg.c -- friso's complex mode (MMSEG: the best chunk of three
 * words by total length, average length, length variance and single-word
 * frequency) with friso's exact rules, reads and tie-breaks, but without
 * its allocations: friso 1.6.4 allocates a string buffer and an array per
 * dictionary probe and an array and a chunk per candidate chunk, about 48
 * malloc/free pairs per word, which made up about half of its time on the
 * seed article (callgrind, docs/analysis.md). Here every list lives on the
 * stack and each dictionary probe is made once per call.
 *
 * Reads go through friso's own utf8_next_word and character classes, in
 * friso's order, so the task's state after the call (bytes, unicode,
 * buffer, which next_mmseg_token reads for mixed words such as 卡拉ok) is
 * friso's too.
 */
#include "analyze/text_mmseg.h"

#include <math.h>
#include <string.h>

#include <friso/friso_API.h>
#include <friso/friso_ctype.h>

#define MM_MAX_LEN 8              /* config->max_len we handle (friso's default: 5) */
#define MM_KEY (MM_MAX_LEN * 6 + 1)

/* Dictionary probes already made in this call: (start, end) byte offsets
 * of the text to the entry (or none). A call probes at most 3 starting
 * points x max_len lengths, plus single characters. */
typedef struct mm_memo {
    uint_t start[64], end[64];
    lex_entry_t hit[64];
    size_t n;
} mm_memo;

static lex_entry_t probe(friso_t friso, friso_task_t task, mm_memo *m, uint_t start, uint_t end)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->start[i] == start && m->end[i] == end)
            return m->hit[i];
    char key[MM_KEY];
    lex_entry_t e = NULL;
    if (end > start && end - start < sizeof key) {
        memcpy(key, task->text + start, end - start);
        key[end - start] = '\0';
        e = friso_dic_get(friso->dic, __LEX_CJK_WORDS__, key);
    }
    if (m->n < sizeof m->hit / sizeof m->hit[0]) {
        m->start[m->n] = start;
        m->end[m->n] = end;
        m->hit[m->n++] = e;
    }
    return e;
}

/* Probe of the word in task->buffer, which friso sometimes holds stale
 * (a read past the end leaves it): looked up as friso does, by its bytes. */
static lex_entry_t probe_buffer(friso_t friso, friso_task_t task)
{
    return friso_dic_get(friso->dic, __LEX_CJK_WORDS__, task->buffer);
}

/* friso's get_next_match: the dictionary words starting at the character
 * in task->buffer (read at idx - its bytes... as friso: the buffer's word
 * first, then the buffer extended by each following CJK character).
 * start is the text offset where the buffer's word begins, or UINT_MAX
 * when the buffer is stale (then no memo for its extensions). */
static size_t next_match(friso_t friso, friso_config_t config, friso_task_t task, uint_t idx,
                         mm_memo *m, lex_entry_t *out)
{
    size_t n = 0;
    size_t blen = strlen(task->buffer);
    char sb[MM_KEY];
    memcpy(sb, task->buffer, blen + 1);
    uint_t start = (uint_t)(idx >= blen ? idx - blen : 0);
    int exact = idx >= blen && !memcmp(task->text + start, sb, blen);
    out[n++] = probe_buffer(friso, task);
    for (uint_t t = 1; t < config->max_len && (task->bytes = (uint_t)utf8_next_word(task, &idx, task->buffer)) != 0; t++) {
        if (friso_whitespace(friso->charset, task))
            break;
        if (!friso_cn_string(friso->charset, task))
            break;
        size_t l = strlen(task->buffer);
        if (blen + l >= sizeof sb)
            break;
        memcpy(sb + blen, task->buffer, l + 1);
        blen += l;
        lex_entry_t e;
        if (exact)
            e = probe(friso, task, m, start, idx);
        else
            e = friso_dic_get(friso->dic, __LEX_CJK_WORDS__, sb);
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
    return 0;   /* all NaN: friso keeps none and takes the first */
}

lex_entry_t text_mmseg_complex_cjk(friso_t friso, friso_config_t config, friso_task_t task)
{
    if (config->max_len > MM_MAX_LEN)   /* our arrays are too short: friso's own */
        return next_complex_cjk(friso, config, task);
    mm_memo memo;
    memo.n = 0;
    lex_entry_t fmatch[MM_MAX_LEN], smatch[MM_MAX_LEN], tmatch[MM_MAX_LEN];
    mm_chunk chunks[MM_MAX_LEN * MM_MAX_LEN * MM_MAX_LEN];
    size_t nc = 0;
    uint_t back = task->bytes;
    size_t nf = next_match(friso, config, task, task->idx, &memo, fmatch);
    lex_entry_t fe = fmatch[0];
    if (nf == 1)
        goto out;
    task->idx -= back;
    for (size_t x = 0; x < nf; x++) {
        fe = fmatch[x];
        uint_t idx = task->idx + fe->length;
        utf8_next_word(task, &idx, task->buffer);
        if (task->bytes != 0 && friso_cn_string(friso->charset, task) && probe_buffer(friso, task)) {
            size_t ns = next_match(friso, config, task, idx, &memo, smatch);
            for (size_t y = 0; y < ns; y++) {
                lex_entry_t se = smatch[y];
                idx = task->idx + fe->length + se->length;
                utf8_next_word(task, &idx, task->buffer);
                if (task->bytes != 0 && friso_cn_string(friso->charset, task) && probe_buffer(friso, task)) {
                    size_t nt = next_match(friso, config, task, idx, &memo, tmatch);
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
