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
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <friso/friso_API.h>
#include <friso/friso_ctype.h>

#define MM_MAX_LEN 8                      /* config->max_len we handle (friso's default: 5) */
#define MM_KEY (MM_MAX_LEN * 8 + 1)       /* friso reads up to 8 bytes a character */

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

/* ---- dictionary filter ----
 * A Bloom filter over the CJK dictionary's words ("W" + word) and their
 * proper prefixes ("P" + prefix). A dictionary probe misses the CPU
 * caches (friso's table and entries spread over 22 MiB) and most probes
 * are of strings that are no word; the filter (about 10 bits an entry,
 * 1 MiB for friso's dictionary and ours, blocked so that a test reads one
 * cache line) answers "certainly not a word" and "no longer word starts
 * here" from cache, so the probe is skipped. A "maybe" still
 * probes: the result is friso's either way.
 * Invariant: every word in the friso dictionary it is attached to, and
 * every proper prefix of one, is in the filter (text_mmseg_attach builds
 * it from the dictionary; text_mmseg_filter_add adds later words). */
typedef struct mm_filter {
    uint64_t *bits;
    uint64_t mask;                        /* blocks - 1 (a power of two); 512 bits a block */
} mm_filter;

#define MM_FILTERS 8
static struct {
    _Atomic(friso_t) friso;               /* NULL = free */
    mm_filter *filter;                    /* written before friso is published */
} mm_filters[MM_FILTERS];

static uint64_t mm_hash(char kind, const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL ^ (unsigned char)kind;
    h *= 1099511628211ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;   /* murmur3's finaliser: every output bit depends on all input bits */
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

/* Blocked: the low bits pick a 512-bit block (one cache line), three
 * 9-bit slices of the high bits the bits in it, so a test touches one
 * cache line instead of three. */
static void mm_filter_set(mm_filter *f, uint64_t h)
{
    uint64_t *blk = f->bits + ((h & f->mask) << 3);
    for (int k = 0; k < 3; k++) {
        unsigned b = (unsigned)(h >> (37 + 9 * k)) & 511u;
        blk[b >> 6] |= 1ULL << (b & 63);
    }
}

static int mm_filter_has(const mm_filter *f, uint64_t h)
{
    const uint64_t *blk = f->bits + ((h & f->mask) << 3);
    for (int k = 0; k < 3; k++) {
        unsigned b = (unsigned)(h >> (37 + 9 * k)) & 511u;
        if (!(blk[b >> 6] >> (b & 63) & 1))
            return 0;
    }
    return 1;
}

/* Add a word and its proper prefixes (cut at UTF-8 character starts). */
static void mm_filter_word(mm_filter *f, const char *w)
{
    size_t n = strlen(w);
    mm_filter_set(f, mm_hash('W', w, n));
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)w[i] & 0xC0) != 0x80)
            mm_filter_set(f, mm_hash('P', w, i));
}

static const mm_filter *mm_filter_for(friso_t friso)
{
    for (int i = 0; i < MM_FILTERS; i++)
        if (atomic_load_explicit(&mm_filters[i].friso, memory_order_acquire) == friso)
            return mm_filters[i].filter;
    return NULL;
}

int text_mmseg_attach(friso_t friso)
{
    if (!friso || !friso->dic || mm_filter_for(friso))
        return friso ? 0 : -1;
    friso_hash_t h = friso->dic[__LEX_CJK_WORDS__];
    size_t chars = 0;
    for (uint_t i = 0; h && i < h->length; i++)
        for (hash_entry_t e = h->table[i]; e; e = e->_next)
            if (e->_key)
                chars += strlen(e->_key) / 3 + 1;   /* entries: about a word and a prefix a character */
    /* about 10 bits an entry: 3 probes then give ~2 % false "maybe"s */
    uint64_t nbits = 1ULL << 16;
    while (nbits < (uint64_t)chars * 10 && nbits < (1ULL << 32))
        nbits <<= 1;
    mm_filter *f = calloc(1, sizeof *f);
    if (!f || !(f->bits = calloc(nbits / 64, sizeof *f->bits))) {
        free(f);
        return -1;
    }
    f->mask = nbits / 512 - 1;
    for (uint_t i = 0; h && i < h->length; i++)
        for (hash_entry_t e = h->table[i]; e; e = e->_next)
            if (e->_key)
                mm_filter_word(f, e->_key);
    for (int i = 0; i < MM_FILTERS; i++) {
        if (atomic_load_explicit(&mm_filters[i].friso, memory_order_relaxed) == NULL) {
            mm_filters[i].filter = f;
            atomic_store_explicit(&mm_filters[i].friso, friso, memory_order_release);
            return 0;
        }
    }
    free(f->bits);   /* all slots taken: this friso runs unfiltered */
    free(f);
    return 0;
}

void text_mmseg_filter_add(friso_t friso, const char *word)
{
    mm_filter *f = (mm_filter *)mm_filter_for(friso);
    if (f && word)
        mm_filter_word(f, word);
}

void text_mmseg_detach(friso_t friso)
{
    for (int i = 0; friso && i < MM_FILTERS; i++) {
        if (atomic_load_explicit(&mm_filters[i].friso, memory_order_acquire) == friso) {
            mm_filter *f = mm_filters[i].filter;
            atomic_store_explicit(&mm_filters[i].friso, NULL, memory_order_release);
            mm_filters[i].filter = NULL;
            free(f->bits);
            free(f);
        }
    }
}

/* Probes already made on the current text, by the byte offset where the
 * word starts and its length in characters. Consecutive calls look at
 * overlapping windows (the next call starts at the word this one chose),
 * so most probes repeat; each dictionary probe is a cache miss in a 22 MiB
 * table. One memo per thread (the hook has no room for state of its own).
 * Invariant: every slot with tag != 0 holds probes of the text
 * (friso, task, text, length) named in the memo; text_mmseg_reset() and a
 * change of any of those clear it. */
#define MM_SLOTS 256                      /* direct-mapped by start offset */
typedef struct mm_slot {
    uint_t tag;                           /* start offset + 1; 0 = empty */
    unsigned short known;                 /* bit n: hit[n] is the probe of n chars */
    lex_entry_t hit[MM_MAX_LEN + 1];
} mm_slot;

typedef struct mm_memo {
    const void *friso, *task, *text;
    uint_t length;
    const mm_filter *filter;              /* the friso's, or NULL */
    mm_slot slot[MM_SLOTS];
} mm_memo;

static _Thread_local mm_memo mm_cache;

void text_mmseg_reset(void)
{
    mm_cache.friso = mm_cache.task = mm_cache.text = NULL;
    mm_cache.length = 0;
    mm_cache.filter = NULL;
    memset(mm_cache.slot, 0, sizeof mm_cache.slot);
}

/* This thread's memo, cleared when the call is on another text. */
static mm_memo *memo_for(friso_t friso, friso_task_t task)
{
    mm_memo *m = &mm_cache;
    if (m->friso != friso || m->task != task || m->text != task->text || m->length != task->length) {
        text_mmseg_reset();
        m->friso = friso;
        m->task = task;
        m->text = task->text;
        m->length = task->length;
        m->filter = mm_filter_for(friso);
    }
    return m;
}

/* The dictionary entry spelled by text[start..end), nchars characters;
 * m NULL: not cached (the span is not nchars characters of the text). */
static lex_entry_t probe(friso_t friso, friso_task_t task, mm_memo *m, uint_t start,
                         uint_t end, uint_t nchars)
{
    mm_slot *sl = m ? &m->slot[start % MM_SLOTS] : NULL;
    int memo = sl && nchars <= MM_MAX_LEN;
    if (memo && sl->tag == start + 1 && (sl->known >> nchars & 1u))
        return sl->hit[nchars];
    char key[MM_KEY];
    lex_entry_t e = NULL;
    if (end - start < sizeof key) {
        memcpy(key, task->text + start, end - start);
        key[end - start] = '\0';
        e = friso_dic_get(friso->dic, __LEX_CJK_WORDS__, key);
    }
    if (memo) {
        if (sl->tag != start + 1) {
            sl->tag = start + 1;
            sl->known = 0;
        }
        sl->known |= (unsigned short)(1u << nchars);
        sl->hit[nchars] = e;
    }
    return e;
}

/* Is the character friso just read (task->buffer) a dictionary word? got
 * is fr_read's result: 0 means the buffer is stale and is probed as is. */
static int buffer_is_word(friso_t friso, friso_task_t task, mm_memo *m, uint_t got, uint_t idx)
{
    if (!got)
        return friso_dic_match(friso->dic, __LEX_CJK_WORDS__, task->buffer);
    return probe(friso, task, m, idx - got, idx, 1) != NULL;
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
    if (got) {
        out[n++] = probe(friso, task, m, start, idx, 1);
    } else {
        out[n++] = friso_dic_get(friso->dic, __LEX_CJK_WORDS__, task->buffer);
    }
    /* the filter (when got: the span is then the text's own) says when
     * text[start..idx) cannot be a word, and when no word starts with it:
     * the reads go on (friso's state after the call depends on them), the
     * probes stop */
    const mm_filter *f = got ? m->filter : NULL;
    int dead = f && !mm_filter_has(f, mm_hash('P', task->text + start, idx - start));
    /* a stale buffer means idx is at the end: the first read fails */
    for (uint_t t = 1; t < config->max_len && (task->bytes = fr_read(task, &idx)) != 0; t++) {
        if (task->unicode == 32 || task->unicode == 12288)   /* utf8_whitespace */
            break;
        if (!utf8_cjk_string(task->unicode))
            break;
        if (dead)
            continue;
        const char *span = task->text + start;
        if (f && !mm_filter_has(f, mm_hash('W', span, idx - start))) {
            dead = !mm_filter_has(f, mm_hash('P', span, idx - start));
            continue;
        }
        /* after a stale buffer (got 0) the span is not t + 1 characters of
         * the text: not cached */
        lex_entry_t e = probe(friso, task, got ? m : NULL, start, idx, t + 1);
        if (e)
            out[n++] = e;
        if (f)
            dead = !mm_filter_has(f, mm_hash('P', span, idx - start));
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
    mm_memo *memo = memo_for(friso, task);
    lex_entry_t fmatch[MM_MAX_LEN], smatch[MM_MAX_LEN], tmatch[MM_MAX_LEN];
    mm_chunk chunks[MM_MAX_LEN * MM_MAX_LEN * MM_MAX_LEN];
    size_t nc = 0;
    uint_t back = task->bytes;
    size_t nf = next_match(friso, config, task, task->idx, back, memo, fmatch);
    lex_entry_t fe = fmatch[0];
    if (nf == 1)
        goto out;
    task->idx -= back;
    for (size_t x = 0; x < nf; x++) {
        fe = fmatch[x];
        uint_t idx = task->idx + fe->length;
        uint_t got = fr_read(task, &idx);
        if (task->bytes != 0 && utf8_cjk_string(task->unicode) && buffer_is_word(friso, task, memo, got, idx)) {
            size_t ns = next_match(friso, config, task, idx, got, memo, smatch);
            for (size_t y = 0; y < ns; y++) {
                lex_entry_t se = smatch[y];
                idx = task->idx + fe->length + se->length;
                got = fr_read(task, &idx);
                if (task->bytes != 0 && utf8_cjk_string(task->unicode) &&
                    buffer_is_word(friso, task, memo, got, idx)) {
                    size_t nt = next_match(friso, config, task, idx, got, memo, tmatch);
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
