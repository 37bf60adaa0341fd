/* validate.c -- request body, id and cursor checks.
 *
 * Owns the exact rules for what clients may send; replies are built by
 * the handlers from the hdl_invalid these functions fill.
 */
#include "handlers/validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int invalid(hdl_invalid *why, int status, const char *slug, const char *title,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int invalid(hdl_invalid *why, int status, const char *slug, const char *title,
                   const char *fmt, ...)
{
    va_list ap;
    if (!why)
        return -1;
    why->status = status;
    why->slug = slug;
    why->title = title;
    va_start(ap, fmt);
    vsnprintf(why->detail, sizeof why->detail, fmt, ap);
    va_end(ap);
    return -1;
}

size_t hdl_json_depth(const char *text, size_t len)
{
    size_t depth = 0, max = 0;
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                max = depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return max;
}

int hdl_media_type_is(const char *ct, const char *want)
{
    if (!ct)
        return 0;
    while (*ct == ' ')
        ct++;
    size_t n = strcspn(ct, "; ");
    return n == strlen(want) && !strncasecmp(ct, want, n);
}

static int media_type_is_json(const char *ct)
{
    return hdl_media_type_is(ct, "application/json");
}

int hdl_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        unsigned c = *p;
        size_t n;
        unsigned cp, min;
        if (c < 0x80) { p++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; min = 0x10000; }
        else return 0;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        p += n + 1;
    }
    return 1;
}

size_t hdl_utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

/* -1 with why filled when the object doc has a key not in allowed. */
static int unknown_key(json_t *doc, const char *const *allowed, const char *example,
                       hdl_invalid *why)
{
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v) {
        int ok = 0;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = !strcmp(key, allowed[i]);
        if (!ok)
            return invalid(why, 400, "invalid-body", "Invalid body",
                           "unknown field '%.64s'; send %s", key, example);
    }
    return 0;
}

/* The body as a JSON object (depth-checked, no duplicate keys) whose
 * keys are among `allowed` (NULL-terminated). Returns new, or NULL with
 * why filled. */
static json_t *parse_object(const char *content_type, const char *body, size_t len,
                            const char *const *allowed, const char *example, hdl_invalid *why)
{
    json_error_t jerr;
    if (!media_type_is_json(content_type)) {
        invalid(why, 415, "unsupported-media-type", "Unsupported media type",
                "the body must be sent as Content-Type: application/json");
        return NULL;
    }
    /* a UTF-8 byte-order mark (RFC 8259 8.1 lets a parser ignore it;
     * some Windows tools write one) is not part of the JSON text */
    if (body && len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3)) {
        body += 3;
        len -= 3;
    }
    if (!body || len == 0) {
        invalid(why, 400, "invalid-json", "Malformed JSON", "the body is empty; send %s", example);
        return NULL;
    }
    if (hdl_json_depth(body, len) > HDL_MAX_JSON_DEPTH) {
        invalid(why, 400, "invalid-json", "Malformed JSON",
                "the JSON nests deeper than %d levels", HDL_MAX_JSON_DEPTH);
        return NULL;
    }
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!doc) {
        int dup = strstr(jerr.text, "duplicate") != NULL;
        invalid(why, 400, dup ? "invalid-body" : "invalid-json",
                dup ? "Invalid body" : "Malformed JSON",
                "%s at line %d, column %d", jerr.text, jerr.line, jerr.column);
        return NULL;
    }
    if (!json_is_object(doc)) {
        json_decref(doc);
        invalid(why, 400, "invalid-body", "Invalid body", "the body must be a JSON object like %s",
                example);
        return NULL;
    }
    if (unknown_key(doc, allowed, example, why) != 0) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* 'tags': an array of at most HDL_MAX_USER_TAGS short strings. 0 or -1. */
static int check_tags(json_t *v, hdl_invalid *why)
{
    size_t i;
    json_t *t;
    if (!json_is_array(v))
        return invalid(why, 400, "invalid-body", "Invalid body",
                       "'tags' must be an array of strings");
    if (json_array_size(v) > HDL_MAX_USER_TAGS)
        return invalid(why, 400, "invalid-body", "Invalid body",
                       "'tags' holds more than %d tags", HDL_MAX_USER_TAGS);
    json_array_foreach(v, i, t) {
        const char *s = json_string_value(t);
        if (!s)
            return invalid(why, 400, "invalid-body", "Invalid body",
                           "'tags[%zu]' must be a string", i);
        size_t chars = hdl_utf8_chars(s);
        if (chars == 0 || chars > HDL_MAX_TAG_CHARS || json_string_length(t) != strlen(s) ||
            has_control(s))
            return invalid(why, 400, "invalid-body", "Invalid body",
                           "'tags[%zu]' must be 1 to %d characters without control characters",
                           i, HDL_MAX_TAG_CHARS);
    }
    return 0;
}

/* 'url' (required) and 'html' (optional) into out. 0 or -1. */
static int check_url_html(json_t *doc, hdl_submit *out, hdl_invalid *why)
{
    json_t *v = json_object_get(doc, "url");
    if (!v)
        return invalid(why, 400, "invalid-url", "Invalid URL", "the field 'url' is required");
    if (!json_is_string(v))
        return invalid(why, 400, "invalid-url", "Invalid URL", "'url' must be a string");
    if (json_string_length(v) != strlen(json_string_value(v)))
        return invalid(why, 400, "invalid-url", "Invalid URL", "'url' contains a NUL character");
    out->url = json_string_value(v);
    v = json_object_get(doc, "html");
    if (v && !json_is_null(v)) {
        if (!json_is_string(v))
            return invalid(why, 400, "invalid-body", "Invalid body", "'html' must be a string");
        if (json_string_length(v) == 0)
            return invalid(why, 400, "invalid-body", "Invalid body", "'html' is empty");
        out->html = json_string_value(v);
        out->html_len = json_string_length(v);
    }
    return 0;
}

static const char *const submit_keys[] = {"url", "html", "tags", NULL};
#define SUBMIT_EXAMPLE "{\"url\": \"https://...\"}"

/* url, html and tags of a submission object into out (borrowed). 0 or -1. */
static int check_submit(json_t *doc, hdl_submit *out, hdl_invalid *why)
{
    if (check_url_html(doc, out, why) != 0)
        return -1;
    json_t *v = json_object_get(doc, "tags");
    if (v && !json_is_null(v)) {
        if (check_tags(v, why) != 0)
            return -1;
        out->tags = v;
    }
    return 0;
}

int hdl_submit_parse(const char *content_type, const char *body, size_t len,
                     hdl_submit *out, hdl_invalid *why)
{
    if (!out)
        return invalid(why, 500, "internal", "Internal error", "bad arguments");
    memset(out, 0, sizeof *out);
    out->doc = parse_object(content_type, body, len, submit_keys, SUBMIT_EXAMPLE, why);
    if (!out->doc)
        return -1;
    if (check_submit(out->doc, out, why) == 0)
        return 0;
    hdl_submit_release(out);
    return -1;
}

int hdl_submit_check(json_t *item, hdl_submit *out, hdl_invalid *why)
{
    if (!out)
        return invalid(why, 500, "internal", "Internal error", "bad arguments");
    memset(out, 0, sizeof *out);
    if (!json_is_object(item))
        return invalid(why, 400, "invalid-body", "Invalid body",
                       "each item must be a JSON object like %s", SUBMIT_EXAMPLE);
    if (unknown_key(item, submit_keys, SUBMIT_EXAMPLE, why) != 0 ||
        check_submit(item, out, why) != 0) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    return 0;
}

int hdl_batch_parse(const char *content_type, const char *body, size_t len, json_t **out,
                  hdl_invalid *why)
{
    static const char *const keys[] = {"items", NULL};
    *out = parse_object(content_type, body, len, keys, "{\"items\": [{\"url\": \"https://...\"}]}",
                        why);
    return *out ? 0 : -1;
}

int hdl_tags_parse(const char *content_type, const char *body, size_t len,
                   hdl_submit *out, hdl_invalid *why)
{
    static const char *const allowed[] = {"tags", NULL};
    if (!out)
        return invalid(why, 500, "internal", "Internal error", "bad arguments");
    memset(out, 0, sizeof *out);
    out->doc = parse_object(content_type, body, len, allowed, "{\"tags\": [\"...\"]}", why);
    if (!out->doc)
        return -1;
    json_t *v = json_object_get(out->doc, "tags");
    if (!v) {
        invalid(why, 400, "invalid-body", "Invalid body", "the field 'tags' is required");
        goto fail;
    }
    if (check_tags(v, why) != 0)
        goto fail;
    out->tags = v;
    return 0;
fail:
    hdl_submit_release(out);
    return -1;
}

json_t *hdl_object_parse(const char *content_type, const char *body, size_t len,
                         const char *const *allowed, const char *example, hdl_invalid *why)
{
    return parse_object(content_type, body, len, allowed, example, why);
}

void hdl_submit_release(hdl_submit *s)
{
    if (!s)
        return;
    json_decref(s->doc);
    memset(s, 0, sizeof *s);
}

int hdl_parse_id(const char *s, int64_t *out)
{
    int64_t v = 0;
    if (!s || !*s || !out || strlen(s) > 19)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        int d = *p - '0';
        if (v > (INT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (v <= 0 || s[0] == '0')
        return -1;
    *out = v;
    return 0;
}

/* Cursor: "c1" + base64url(8-byte big-endian id, 4-byte check). The check
 * is not a secret (cursors are not access tokens); it makes forged and
 * truncated cursors fail loudly instead of silently paging wrong. */
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static uint32_t cursor_check(const unsigned char id[8])
{
    uint32_t h = 2166136261u ^ 0x736b696du;   /* FNV-1a, salted with "skim" */
    for (int i = 0; i < 8; i++) {
        h ^= id[i];
        h *= 16777619u;
    }
    return h;
}

int hdl_cursor_encode(int64_t id, char out[HDL_CURSOR_LEN])
{
    unsigned char raw[12];
    size_t w = 0;
    if (id <= 0 || !out)
        return -1;
    for (int i = 0; i < 8; i++)
        raw[i] = (unsigned char)((uint64_t)id >> (56 - 8 * i));
    uint32_t c = cursor_check(raw);
    for (int i = 0; i < 4; i++)
        raw[8 + i] = (unsigned char)(c >> (24 - 8 * i));
    out[w++] = 'c';
    out[w++] = '1';
    for (int i = 0; i < 12; i += 3) {
        uint32_t v = ((uint32_t)raw[i] << 16) | ((uint32_t)raw[i + 1] << 8) | raw[i + 2];
        out[w++] = b64[(v >> 18) & 63];
        out[w++] = b64[(v >> 12) & 63];
        out[w++] = b64[(v >> 6) & 63];
        out[w++] = b64[v & 63];
    }
    out[w] = '\0';
    return 0;
}

int hdl_cursor_decode(const char *s, int64_t *id)
{
    unsigned char raw[12];
    if (!s || !id || strlen(s) != 18 || s[0] != 'c' || s[1] != '1')
        return -1;
    for (int i = 0; i < 4; i++) {
        uint32_t v = 0;
        for (int k = 0; k < 4; k++) {
            const char *p = strchr(b64, s[2 + i * 4 + k]);
            if (!p || !*p)
                return -1;
            v = (v << 6) | (uint32_t)(p - b64);
        }
        raw[i * 3] = (unsigned char)(v >> 16);
        raw[i * 3 + 1] = (unsigned char)(v >> 8);
        raw[i * 3 + 2] = (unsigned char)v;
    }
    uint32_t c = ((uint32_t)raw[8] << 24) | ((uint32_t)raw[9] << 16) |
                 ((uint32_t)raw[10] << 8) | raw[11];
    if (c != cursor_check(raw))
        return -1;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | raw[i];
    if (v == 0 || v > (uint64_t)INT64_MAX)
        return -1;
    *id = (int64_t)v;
    return 0;
}
