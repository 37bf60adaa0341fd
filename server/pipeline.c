/* pipeline.c -- runs decode, extract and analyze for one page.
 *
 * Owns the mapping from stage results to record fields and failure codes.
 * Does not fetch (see ingest/fetch.c) and does not store.
 */
#include "server/pipeline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/decode.h"
#include "ingest/extract.h"

void pipeline_error_set(pipeline_error *err, fail_code code, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    snprintf(err->code, sizeof err->code, "%s", fail_code_str(code));
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

/* Set key to a string, or to null when s is NULL. */
static int set_string_or_null(json_t *obj, const char *key, const char *s)
{
    json_t *v = s ? json_string(s) : json_null();
    if (!v)   /* invalid UTF-8 cannot happen after decode; be safe */
        v = json_null();
    return json_object_set_new(obj, key, v);
}

/* pipeline_process_page, pipeline_process_taken: owned is bytes itself
 * when the call has taken it (decode_to_utf8_take), else NULL. */
static int process(const analyze_ctx *actx, const char *bytes, char *owned, size_t len,
                   const char *content_type, const char *url,
                   json_t *record, analyze_terms *terms, pipeline_error *err)
{
    char *utf8 = NULL;
    size_t utf8_len = 0;
    extract_article art = {0};
    int rc = -1;

    if (!actx || !record || (!bytes && len)) {
        free(owned);
        pipeline_error_set(err, FAIL_INTERNAL, "bad arguments to the pipeline");
        return -1;
    }
    if ((owned ? decode_to_utf8_take(owned, len, content_type, &utf8, &utf8_len, NULL, 0)
               : decode_to_utf8(bytes, len, content_type, &utf8, &utf8_len, NULL, 0)) != 0) {
        pipeline_error_set(err, FAIL_BAD_ENCODING, "the page could not be decoded to UTF-8");
        goto done;
    }
    switch (extract_article_from_html(utf8, utf8_len, url, &art)) {
    case EXTRACT_OK:
        break;
    case EXTRACT_NOT_HTML:
        pipeline_error_set(err, FAIL_NOT_HTML, "the page is not an HTML document");
        goto done;
    case EXTRACT_EMPTY:
        pipeline_error_set(err, FAIL_EMPTY, "the page has no readable text");
        goto done;
    case EXTRACT_TOO_LARGE:
        pipeline_error_set(err, FAIL_TOO_LARGE,
                           "the page passes a bound skimd reads pages within (more than "
                           "%d nodes or %d attributes, or a word or text block over 1 MiB)",
                           EXTRACT_MAX_NODES, EXTRACT_MAX_ATTRS);
        goto done;
    default:
        pipeline_error_set(err, FAIL_INTERNAL, "out of memory while extracting the page");
        goto done;
    }

    json_t *authors = json_array();
    for (char **a = art.authors; authors && a && *a; a++)
        json_array_append_new(authors, json_string(*a));
    if (!authors || json_object_set_new(record, "authors", authors) ||
        set_string_or_null(record, "title", art.title) ||
        set_string_or_null(record, "site_name", art.site_name) ||
        set_string_or_null(record, "author", art.author) ||
        set_string_or_null(record, "published_at", art.published_at) ||
        set_string_or_null(record, "modified_at", art.modified_at) ||
        set_string_or_null(record, "canonical_url", art.canonical_url) ||
        set_string_or_null(record, "image_url", art.image_url) ||
        set_string_or_null(record, "description", art.description) ||
        set_string_or_null(record, "content", art.text) ||
        set_string_or_null(record, "content_html", art.content_html) ||
        set_string_or_null(record, "content_markdown", art.content_markdown) ||
        json_object_set_new(record, "word_count", json_integer(art.word_count))) {
        pipeline_error_set(err, FAIL_INTERNAL, "out of memory while building the record");
        goto done;
    }
    analyze_input in = {
        .title = art.title, .text = art.text, .declared_language = art.language,
        .published_at = art.published_at, .url = url,
    };
    if (analyze_article_terms(actx, &in, record, terms) != 0) {
        pipeline_error_set(err, FAIL_INTERNAL, "out of memory while analysing the page");
        goto done;
    }
    rc = 0;
done:
    extract_article_release(&art);
    free(utf8);
    return rc;
}

int pipeline_process_page(const analyze_ctx *actx, const char *bytes, size_t len,
                          const char *content_type, const char *url,
                          json_t *record, analyze_terms *terms, pipeline_error *err)
{
    return process(actx, bytes, NULL, len, content_type, url, record, terms, err);
}

int pipeline_process_taken(const analyze_ctx *actx, char **bytes, size_t len,
                           const char *content_type, const char *url,
                           json_t *record, analyze_terms *terms, pipeline_error *err)
{
    char *owned = bytes ? *bytes : NULL;
    if (bytes)
        *bytes = NULL;
    return process(actx, owned, owned, len, content_type, url, record, terms, err);
}
