/* tag_stats.c -- measured ambiguity of taxonomy terms.
 *
 * Owns reading data/cue-stats.tsv (see taxonomy.h) and marking the
 * patterns it shows to be ambiguous ("total", "season", "model": words
 * that in the labelled dev sets mostly occur in articles of other
 * classes). It only sets pattern flags; how weak terms count is
 * tagger.c's, and how the statistics are measured is tools/cue_stats.c's.
 */
#include "analyze/tag_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATS_MAX_LINE 512

/* a non-negative decimal, whole field */
static int read_count(const char *s, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}

/* Mark weak the patterns of tag `id` whose normalised term is `term`'s. */
static int mark(tag_taxonomy *tx, const char *id, const char *term)
{
    int tag = tag_find_id(tx, id);
    size_t nlen = 0;
    if (tag < 0)
        return 0;
    char *norm = tag_normalize(term, strlen(term), &nlen);
    if (!norm)
        return -1;
    for (int p = tag_trie_find(tx, norm, nlen); p >= 0; p = tx->patterns[p].next_same)
        if (tx->patterns[p].tag == tag && tx->patterns[p].kind != TAG_PAT_VETO)
            tx->patterns[p].weak = 1;
    free(norm);
    return 0;
}

int tag_taxonomy_load_stats(tag_taxonomy *tx, const char *path, char *err, size_t errlen)
{
    char line[STATS_MAX_LINE];
    long lineno = 0;
    int rc = -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: cannot read", path), -1);
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *fld[5] = {line};
        for (int k = 1; k < 5; k++) {
            if (!(fld[k] = strchr(fld[k - 1], '\t')))
                goto bad;
            *fld[k]++ = '\0';
        }
        long docs = 0, in = 0;
        if (strchr(fld[4], '\t') || read_count(fld[3], &docs) || read_count(fld[4], &in) || in > docs || !*fld[1])
            goto bad;
        int weak = docs >= TAG_STATS_MIN_DOCS && (double)(in + 1) / (double)(docs + 2) < TAG_STATS_MIN_PREC;
        if (weak && mark(tx, fld[0], fld[1]) != 0) {
            snprintf(err, errlen, "%s:%ld: out of memory", path, lineno);
            goto done;
        }
    }
    rc = 0;
    goto done;
bad:
    snprintf(err, errlen, "%s:%ld: expected \"tag-id TAB term TAB set TAB docs TAB in-class\" (counts, in <= docs)",
             path, lineno);
done:
    fclose(f);
    return rc;
}

int tag_pattern_weak(const tag_taxonomy *tx, int p)
{
    return tx && p >= 0 && (size_t)p < tx->n_patterns && tx->patterns[p].weak;
}

int tag_pattern_info(const tag_taxonomy *tx, int p, const char **tag_id, const char **term)
{
    if (!tx || p < 0 || (size_t)p >= tx->n_patterns)
        return -1;
    if (tag_id)
        *tag_id = tx->tags[tx->patterns[p].tag].id;
    if (term)
        *term = tx->patterns[p].term;
    return 0;
}
