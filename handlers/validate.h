/* validate.h -- checks on client input that handlers share.
 *
 * Pure functions (no HTTP, no database), so unit tests call them
 * directly. The *_or_reply wrappers in articles.c turn a failure into a
 * problem document.
 */
#ifndef SKIMD_VALIDATE_H
#define SKIMD_VALIDATE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define HDL_MAX_USER_TAGS 20
#define HDL_MAX_TAG_CHARS 64
#define HDL_MAX_JSON_DEPTH 32

/* A checked POST /articles body. The strings are borrowed from doc. */
typedef struct hdl_submit {
    json_t *doc;          /* the parsed body; owned, see hdl_submit_release */
    const char *url;
    const char *html;     /* NULL when absent */
    size_t html_len;
    json_t *tags;         /* array of strings, or NULL; borrowed from doc */
} hdl_submit;

/* A validation failure: HTTP status, problem slug, and what was wrong. */
typedef struct hdl_invalid {
    int status;
    const char *slug;
    const char *title;
    char detail[256];
} hdl_invalid;

/* Check a POST /articles request: content type, JSON, shape, url, html,
 * tags. Returns 0 with *out filled, or -1 with *why filled and *out
 * zeroed. The url is checked for presence and type only; normalisation
 * and scheme checks are url_normalize()'s. */
int hdl_submit_parse(const char *content_type, const char *body, size_t len,
                     hdl_submit *out, hdl_invalid *why);
void hdl_submit_release(hdl_submit *s);

/* One item of a batch, already parsed: the checks of hdl_submit_parse on
 * a borrowed object; out->doc stays NULL (nothing to release), its
 * strings are borrowed from item. 0 or -1 with *why filled. */
int hdl_submit_check(json_t *item, hdl_submit *out, hdl_invalid *why);

/* A POST /articles/batch body: content type, depth, duplicate keys, an
 * object whose only key is "items". *out returns new, or NULL with -1. */
int hdl_batch_parse(const char *content_type, const char *body, size_t len, json_t **out,
                  hdl_invalid *why);

/* A PATCH /articles/{id} body: {"tags": [...]} and nothing else; only
 * out->tags is set. As hdl_submit_parse otherwise. */
int hdl_tags_parse(const char *content_type, const char *body, size_t len,
                   hdl_submit *out, hdl_invalid *why);

/* A request body that must be a JSON object (Content-Type application/
 * json, depth-checked, no duplicate keys) with keys among `allowed`
 * (NULL-terminated); `example` goes into the problem's detail. Returns
 * new, or NULL with *why filled. */
json_t *hdl_object_parse(const char *content_type, const char *body, size_t len,
                         const char *const *allowed, const char *example, hdl_invalid *why);

/* A positive decimal id below 2^63, nothing else. Returns 0 or -1. */
int hdl_parse_id(const char *s, int64_t *out);

/* Opaque list cursors: encode the id the next page starts below; decode
 * refuses anything this server did not produce (forged, truncated).
 * out must hold HDL_CURSOR_LEN bytes. Return 0 or -1. */
#define HDL_CURSOR_LEN 32
int hdl_cursor_encode(int64_t id, char out[HDL_CURSOR_LEN]);
int hdl_cursor_decode(const char *s, int64_t *id);

/* Depth of the deepest array/object nesting in a JSON text (counting
 * brackets outside strings); used to refuse absurd nesting before
 * parsing. */
size_t hdl_json_depth(const char *text, size_t len);

/* 1 when s is well-formed UTF-8 (no overlongs, surrogates or values past
 * U+10FFFF), else 0. */
int hdl_utf8_valid(const char *s);

/* 1 when the Content-Type ct (may be NULL) has the media type want
 * (case-insensitive; parameters such as charset ignored). */
int hdl_media_type_is(const char *ct, const char *want);

/* Characters (code points) in a NUL-terminated UTF-8 string. */
size_t hdl_utf8_chars(const char *s);

#endif
