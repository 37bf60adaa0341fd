/* taxonomy.h -- the tag taxonomy: loading, validation, alias matching.
 *
 * A taxonomy is a set of facets ("technology", "industry", ...), each a
 * list of tags. A tag has a stable id, a label per language (zh and en at
 * least), aliases in any language, an optional parent in the same facet,
 * optional veto words (a veto word near a match cancels it) and optional
 * cues (words that are not names of the tag but point to it, each with a
 * weight). The file format is described in docs/tags.md.
 *
 * Matching works on normalised text (tag_normalize: NFKC + case folding,
 * whitespace runs collapsed to one space). All aliases, labels, cues and
 * vetoes go into one Aho-Corasick automaton built at load time; a loaded
 * taxonomy is read-only and may be shared by any number of threads.
 */
#ifndef SKIMD_TAXONOMY_H
#define SKIMD_TAXONOMY_H

#include <stddef.h>

#define TAG_MAX_FILE_BYTES (8u << 20)  /* larger taxonomy files are refused */
#define TAG_MAX_TEXT_BYTES (2u << 20)  /* tag_normalize input cap */

typedef struct tag_taxonomy tag_taxonomy;

typedef struct tag_def {
    const char *id;        /* stable id, unique over all facets */
    const char *label_zh;  /* label shown for Chinese articles */
    const char *label_en;  /* label shown for other articles */
    int facet;             /* facet index, see tag_facet_name() */
    int parent;            /* tag index of the parent, or -1 */
} tag_def;

typedef enum tag_hit_kind {
    TAG_HIT_NAME,  /* an alias or a label: the text names the tag */
    TAG_HIT_CUE,   /* a weighted cue word */
} tag_hit_kind;

typedef struct tag_hit {
    size_t start, end;     /* byte span in the normalised text */
    int tag;               /* tag index */
    tag_hit_kind kind;
    double weight;         /* 1 for names, the cue weight for cues */
    int pattern;           /* pattern index (distinct per term and tag) */
    const char *term;      /* the term as the taxonomy writes it; borrowed */
} tag_hit;

/* Load and validate a taxonomy file. On failure returns -1 and writes
 * into err a message naming the file and line ("path:12: ..."); *out is
 * left NULL. Free with tag_taxonomy_free(). */
int tag_taxonomy_load(const char *path, tag_taxonomy **out,
                      char *err, size_t errlen);

/* Same from a buffer; `name` is used in messages. */
int tag_taxonomy_parse(const char *buf, size_t len, const char *name,
                       tag_taxonomy **out, char *err, size_t errlen);

/* Accepts NULL. */
void tag_taxonomy_free(tag_taxonomy *tx);

size_t tag_count(const tag_taxonomy *tx);
const tag_def *tag_get(const tag_taxonomy *tx, size_t i);
size_t tag_facet_count(const tag_taxonomy *tx);
const char *tag_facet_name(const tag_taxonomy *tx, size_t i);
/* Facet index by name, or -1. */
int tag_facet_find(const tag_taxonomy *tx, const char *name);
/* Tag index by id, or -1. */
int tag_find_id(const tag_taxonomy *tx, const char *id);

/* Tags whose id, label (any language) or alias equals `name` after
 * normalisation; `facet` (-1 = any) restricts the search. Writes up to
 * cap tag indexes into out and returns how many were found. */
size_t tag_lookup(const tag_taxonomy *tx, const char *name, int facet,
                  int *out, size_t cap);

/* NFKC + case folding + whitespace collapsing of s[0..len) (UTF-8;
 * invalid bytes become U+FFFD). Returns a malloc'd NUL-terminated string
 * the caller frees, its length in *outlen; NULL when out of memory or
 * when len exceeds TAG_MAX_TEXT_BYTES. */
char *tag_normalize(const char *s, size_t len, size_t *outlen);

/* As tag_normalize without the case folding (NFKC, whitespace
 * collapsed): when both results have the same length (all but a few
 * scripts' special letters: ß, ﬁ ...) its bytes line up with
 * tag_normalize's, so a match's span there gives the text's own case. */
char *tag_normalize_cased(const char *s, size_t len, size_t *outlen);

/* Find every name and cue of the taxonomy in normalised text. Latin
 * aliases match on word boundaries only; a match inside a longer match
 * is dropped; a match with one of its tag's veto words within a few
 * characters is dropped. Writes a malloc'd array sorted by start (caller
 * frees) into *hits. Returns 0, or -1 when out of memory. At most
 * `max_hits` hits are kept (0 = 20000). */
int tag_match(const tag_taxonomy *tx, const char *norm, size_t len,
              tag_hit **hits, size_t *n_hits, size_t max_hits);

/* 16 hex digits that change whenever the taxonomy file's bytes do
 * (FNV-1a 64); borrowed from tx. */
const char *tag_fingerprint(const tag_taxonomy *tx);

/* Term statistics measured on labelled dev sets (data/cue-stats.tsv,
 * written by tools/cue_stats.c): lines "tag-id TAB term TAB set TAB docs
 * TAB in-class", '#' comments. A term of a tag that occurred, in some
 * set, in at least TAG_STATS_MIN_DOCS articles and there mostly in
 * articles of classes the tag does not fit ((in + 1) / (docs + 2) <
 * TAG_STATS_MIN_PREC) is marked weak: the tagger counts it only beside
 * other evidence of the tag ("season" on palm oil in a newswire set is
 * weak even if sports pages use it well).
 * Lines naming an unknown tag or term are skipped (the stats may be
 * older than a replaced taxonomy). A missing file is no error (returns
 * 0, nothing marked); a malformed line is (-1, "path:line: ..." in err). */
#define TAG_STATS_MIN_DOCS 8
#define TAG_STATS_MIN_PREC 0.5
int tag_taxonomy_load_stats(tag_taxonomy *tx, const char *path, char *err, size_t errlen);

/* The owning tag's id and the term as written of pattern p (borrowed);
 * returns 0, or -1 for a bad p. */
int tag_pattern_info(const tag_taxonomy *tx, int p, const char **tag_id, const char **term);

/* 1 when pattern p was marked weak by the stats. */
int tag_pattern_weak(const tag_taxonomy *tx, int p);

/* Number of patterns (for per-pattern counters sized by callers). */
size_t tag_pattern_count(const tag_taxonomy *tx);

#endif
