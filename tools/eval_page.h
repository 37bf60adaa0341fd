/* eval_page.h -- the corpus READMEs' "how an item is given to skimd", for
 * the eval tools: an item becomes a small UTF-8 HTML page that goes
 * through the daemon's own pipeline (decode, extract, analyze), exactly
 * as `skimd analyze - --url URL` would read it. Also the READMEs' mapping
 * of a record's tag labels to taxonomy ids. Not part of the daemon.
 */
#ifndef SKIMD_EVAL_PAGE_H
#define SKIMD_EVAL_PAGE_H

#include <stddef.h>
#include <jansson.h>

#include "analyze/analyze.h"

/* One item as the page builder needs it; NULL fields are left out. */
typedef struct eval_item {
    const char *set;          /* corpus folder name, for the URL */
    const char *id;           /* item id, hashed into the URL */
    const char *title;        /* <title> and <h1>; NULL/"" = no headline */
    const char *page_title;   /* <title> when title is empty (events-en: "Example News") */
    const char *site_name;    /* og:site_name */
    const char *published;    /* article:published_time and the byline <time>; may be NULL */
    const char *text;         /* body: one <p> per line ('\n' separated) */
} eval_item;

/* Build the page for `it` and run it through pipeline_process_page.
 * Returns a new record (the caller json_decref's it), or NULL when the
 * pipeline failed or memory ran out (a message goes to stderr). */
json_t *eval_page_analyze(const analyze_ctx *ctx, const eval_item *it);

/* The taxonomy id of a record's tag label in `facet`, as the READMEs
 * score it: the id of the tag_evidence entry of that facet with the same
 * label, else the taxonomy's id for that label (any language) or id;
 * labels compared lower-cased with whitespace runs collapsed. Writes the
 * id (or "label:<text>") into out. */
void eval_label_id(const analyze_ctx *ctx, json_t *record, const char *facet,
                   const char *label, char *out, size_t cap);

/* The eval tools' common command line: [--data DIR] [--verbose]
 * [--only SET] [--half even|odd] CORPUS_DIR. */
typedef struct eval_args {
    const char *data;     /* data folder; "data" */
    const char *corpus;   /* CORPUS_DIR; NULL when not given */
    const char *only;     /* one set, or NULL */
    int verbose;
    int half;             /* -1 every item, 0 even lines, 1 odd lines (0-based) */
} eval_args;

/* Parse argv into *a. Returns 0, or -1 (usage printed to stderr naming
 * `tool`) when CORPUS_DIR is missing. */
int eval_parse_args(int argc, char **argv, const char *tool, eval_args *a);

/* A context for a->data; NULL (message on stderr) on failure. */
analyze_ctx *eval_ctx_new(const eval_args *a, const char *tool);

#endif
