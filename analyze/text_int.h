/* text_int.h -- the text context's insides, shared by text_ctx.c (which
 * builds it) and text.c (which segments with it); not part of the
 * analyze API. Invariant: after text_ctx_new() and the text_ctx_add_term()
 * calls, nothing in it changes, so every thread may read it. */
#ifndef SKIMD_TEXT_INT_H
#define SKIMD_TEXT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <friso/friso.h>

#include "analyze/text.h"
#include "analyze/text_map.h"

#define MAX_WORD_BYTES 64

/* Optional stop-word lists, data/stopwords-<lang>.txt. */
#define N_OTHER_STOP 6   /* text_ctx.c: other_stop_langs */

struct text_ctx {
    friso_t friso;          /* lexicon, read-only after load */
    friso_config_t fcfg;    /* segmentation settings, read-only */
    text_map *stop_zh;      /* Chinese stop words */
    text_map *stop_en;      /* English stop words (also checked for every language) */
    text_map *stop_other[N_OTHER_STOP]; /* other_stop_langs[i]'s list, or empty */
    size_t extra_terms;     /* words we added to the lexicon */
    text_map *compounds;    /* lexicon words friso may still cut (生成式ai), lower-cased */
    uint64_t compound_first[64]; /* bit first_char_bit(w) set for each compound w */
};

/* A 12-bit hash of the first character of w (glue_compounds skips tokens
 * no compound starts with). */
static inline unsigned first_char_bit(const char *w)
{
    size_t n = (unsigned char)w[0] < 0x80 ? 1 : (unsigned char)w[0] < 0xE0 ? 2 : (unsigned char)w[0] < 0xF0 ? 3 : 4;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n && w[i]; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h & 4095u;
}

#endif
