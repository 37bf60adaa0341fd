/* pipeline.h -- one page through decode -> extract -> analyze.
 *
 * The single place that runs the reading stages in order; the job workers
 * and `skimd analyze` both call it, so the daemon and the command line
 * produce the same record from the same bytes.
 */
#ifndef SKIMD_PIPELINE_H
#define SKIMD_PIPELINE_H

#include <stddef.h>
#include <jansson.h>
#include "analyze/analyze.h"
#include "ingest/failure.h"

/* Why a page could not be read: a code of ingest/failure.h's table for
 * machines ("not_html", "empty", ...) and a sentence for people. */
typedef struct pipeline_error {
    char code[32];
    char message[256];
} pipeline_error;

/* Read the page in `bytes` (as fetched: any charset) and set the article
 * fields on `record` (borrowed): title, site_name, author, authors (a list,
 * author is its first), published_at,
 * modified_at, canonical_url, image_url, description, word_count, content,
 * content_html, content_markdown, and the analysis fields of analyze_article().
 * content_type and url may be NULL. When terms is not NULL it receives
 * the article's counted terms (analyze_article_terms; release it with
 * analyze_terms_release, on failure too). Returns 0, or -1 with *err
 * filled. */
int pipeline_process_page(const analyze_ctx *actx, const char *bytes, size_t len,
                          const char *content_type, const char *url,
                          json_t *record, analyze_terms *terms, pipeline_error *err);

/* As pipeline_process_page, but takes the page: *bytes is a malloc'd
 * buffer of at least len + 1 bytes (a fetch_result's body, a store_job's
 * html), set to NULL here and freed by the pipeline as soon as the page
 * is decoded; a page that is UTF-8 already is read in place (no 10 MiB
 * copy, issue 12). */
int pipeline_process_taken(const analyze_ctx *actx, char **bytes, size_t len,
                           const char *content_type, const char *url,
                           json_t *record, analyze_terms *terms, pipeline_error *err);

/* Fill *err; used by every stage that reports a failure. */
void pipeline_error_set(pipeline_error *err, fail_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
