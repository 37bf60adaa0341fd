/* import_line.c -- read and check one line of an import.
 *
 * Owns what an import accepts: the line is hostile input, so every field
 * of the record is checked for its type, size and encoding, timestamps
 * must be in the form skimd writes them, and a record must be in a state
 * the job model can produce (storage/schema.c): a ready record has
 * content_gen >= 1; a failed one has an error and no analysis fields; a
 * queued or fetching one neither. The URL is normalised again (the
 * dedupe key is this binary's, not the file's). Does not: touch the
 * database (server/transfer.c and store_article_import do).
 */
#include "server/import_line.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/validate.h"
#include "ingest/url.h"

#define MAX_TERMS 100000
#define MAX_TERM_LANG 16

static int fail(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return -1;
}

/* A string without NUL, or (nullable) JSON null. */
static int is_text(json_t *v, int nullable)
{
    if (nullable && json_is_null(v))
        return 1;
    return json_is_string(v) && json_string_length(v) == strlen(json_string_value(v));
}

/* The keys of a record, in the order GET writes them; job (not restored),
 * checked_at and feed_id (not in exports made before schema v10 and v11)
 * may be missing. */
static const char *const record_keys[] = {
    "id", "url", "normalized_url", "canonical_url", "status", "error", "title",
    "site_name", "author", "published_at", "modified_at", "language", "summary",
    "description", "image_url", "keywords", "tags", "events", "word_count", "created_at",
    "updated_at", "last_refresh", "checked_at", "feed_id", "job", "authors", "content", "content_html",
    "content_markdown", "tag_evidence", NULL };
static const char *const analysis_text[] = {
    "title", "site_name", "author", "published_at", "modified_at", "language", "summary",
    "description", "image_url", "content", "content_html", "content_markdown", NULL };

static int known_key(const char *k, const char *const *keys)
{
    for (int i = 0; keys[i]; i++)
        if (!strcmp(k, keys[i]))
            return 1;
    return 0;
}

/* A UTC timestamp exactly as skimd writes it ("YYYY-MM-DDTHH:MM:SSZ"). */
static int is_utc_stamp(json_t *v)
{
    char norm[21];
    const char *s = json_string_value(v);
    return s && strlen(s) == 20 && store_iso_to_utc(s, 0, norm) == 0 && !strcmp(norm, s);
}

/* tags: {facet: [label, ...]}; user labels follow the submission rules. */
static int check_tags(json_t *tags, int analysis_allowed, char *why, size_t cap)
{
    const char *facet;
    json_t *list;
    if (!json_is_object(tags))
        return fail(why, cap, "'tags' must be an object of arrays of strings");
    json_object_foreach(tags, facet, list) {
        size_t i;
        json_t *t;
        int user = !strcmp(facet, "user");
        if (!user && !analysis_allowed)
            return fail(why, cap, "a record that is not ready has only 'user' tags, not '%.40s'",
                        facet);
        if (!json_is_array(list) || (user && json_array_size(list) > HDL_MAX_USER_TAGS))
            return fail(why, cap, "'tags.%.40s' must be an array of strings%s", facet,
                        user ? " (at most 20)" : "");
        json_array_foreach(list, i, t) {
            size_t chars = json_is_string(t) ? hdl_utf8_chars(json_string_value(t)) : 0;
            if (!is_text(t, 0) || chars == 0 || (user && chars > HDL_MAX_TAG_CHARS))
                return fail(why, cap, "'tags.%.40s[%zu]' must be a non-empty string", facet, i);
        }
    }
    return 0;
}

/* error, events, keywords, evidence and the rest, against the status. */
static int check_fields(json_t *rec, const char *status, char *why, size_t cap)
{
    int ready = !strcmp(status, "ready"), failed = !strcmp(status, "failed");
    json_t *err = json_object_get(rec, "error");
    if (failed) {
        if (!json_is_object(err) || json_object_size(err) != 2 ||
            !is_text(json_object_get(err, "code"), 0) ||
            !is_text(json_object_get(err, "message"), 0))
            return fail(why, cap, "a failed record has 'error': {\"code\", \"message\"}");
    } else if (!json_is_null(err)) {
        return fail(why, cap, "only a failed record has an 'error'");
    }
    for (int i = 0; analysis_text[i]; i++) {
        json_t *v = json_object_get(rec, analysis_text[i]);
        if (!is_text(v, 1) || (!ready && !json_is_null(v)))
            return fail(why, cap, "'%s' must be %s", analysis_text[i],
                        ready ? "a string or null" : "null in a record that is not ready");
    }
    json_t *kw = json_object_get(rec, "keywords"), *ev = json_object_get(rec, "events");
    json_t *evid = json_object_get(rec, "tag_evidence"), *wc = json_object_get(rec, "word_count");
    size_t i;
    json_t *v;
    if (!json_is_array(kw) || !json_is_array(ev) || !json_is_object(evid))
        return fail(why, cap, "'keywords' and 'events' must be arrays, 'tag_evidence' an object");
    json_t *au = json_object_get(rec, "authors");
    if (!json_is_array(au) || (!ready && json_array_size(au)))
        return fail(why, cap, "'authors' must be an array (empty unless ready)");
    json_array_foreach(au, i, v)
        if (!is_text(v, 0))
            return fail(why, cap, "'authors[%zu]' must be a string", i);
    json_array_foreach(kw, i, v)
        if (!is_text(v, 0))
            return fail(why, cap, "'keywords[%zu]' must be a string", i);
    json_array_foreach(ev, i, v)
        if (!json_is_object(v) || !is_text(json_object_get(v, "text"), 0))
            return fail(why, cap, "'events[%zu]' must be an object with a 'text'", i);
    if (!(json_is_null(wc) || (json_is_integer(wc) && json_integer_value(wc) >= 0)))
        return fail(why, cap, "'word_count' must be a non-negative integer or null");
    if (!ready && (json_array_size(kw) || json_array_size(ev) || json_object_size(evid) ||
                   !json_is_null(wc)))
        return fail(why, cap, "a record that is not ready has no keywords, events, evidence "
                              "or word count");
    json_t *lr = json_object_get(rec, "last_refresh");
    if (!json_is_null(lr) && !json_is_object(lr))
        return fail(why, cap, "'last_refresh' must be an object or null");
    if (!is_text(json_object_get(rec, "canonical_url"), 1) ||
        !is_text(json_object_get(rec, "normalized_url"), 0))
        return fail(why, cap, "'canonical_url' and 'normalized_url' must be strings");
    if (!is_utc_stamp(json_object_get(rec, "created_at")) ||
        !is_utc_stamp(json_object_get(rec, "updated_at")))
        return fail(why, cap, "'created_at' and 'updated_at' must be UTC times "
                              "like 2024-01-31T08:00:00Z");
    json_t *ck = json_object_get(rec, "checked_at");
    if (ck && !json_is_null(ck) && !is_utc_stamp(ck))
        return fail(why, cap, "'checked_at' must be null or a UTC time like 2024-01-31T08:00:00Z");
    json_t *feed = json_object_get(rec, "feed_id");
    if (feed && !json_is_null(feed) && !(json_is_integer(feed) && json_integer_value(feed) > 0))
        return fail(why, cap, "'feed_id' must be null or a positive integer");
    return check_tags(json_object_get(rec, "tags"), ready, why, cap);
}

/* The "store" object: generations and the document-frequency terms. */
static int check_store(json_t *sto, int ready, srv_import_line *out, char *why, size_t cap)
{
    json_t *gen = json_object_get(sto, "generation"), *cg = json_object_get(sto, "content_gen");
    json_t *terms = json_object_get(sto, "terms");
    if (!json_is_object(sto) || json_object_size(sto) != 3 || !json_is_integer(gen) ||
        !json_is_integer(cg) || !terms)
        return fail(why, cap, "'store' must be {\"generation\", \"content_gen\", \"terms\"}");
    json_int_t g = json_integer_value(gen), c = json_integer_value(cg);
    if (g < 1 || c < 0 || c > g || (ready && c < 1) || (!ready && c != 0))
        return fail(why, cap, "'store': generation >= 1, content_gen from 1 to generation when "
                              "ready, 0 otherwise");
    /* a ready record holds the result of its newest request */
    out->imp.generation = ready ? c : g;
    out->imp.content_gen = c;
    if (json_is_null(terms))
        return 0;
    json_t *lang = json_object_get(terms, "lang"), *list = json_object_get(terms, "terms");
    if (!ready || !json_is_object(terms) || json_object_size(terms) != 2 || !is_text(lang, 0) ||
        json_string_length(lang) == 0 || json_string_length(lang) > MAX_TERM_LANG ||
        !json_is_array(list) || json_array_size(list) > MAX_TERMS)
        return fail(why, cap, "'store.terms' must be null, or for a ready record "
                              "{\"lang\", \"terms\": [at most %d strings]}", MAX_TERMS);
    size_t n = json_array_size(list);
    out->termv = calloc(n ? n : 1, sizeof *out->termv);
    if (!out->termv)
        return fail(why, cap, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(list, i);
        if (!is_text(t, 0) || json_string_length(t) == 0)
            return fail(why, cap, "'store.terms.terms[%zu]' must be a non-empty string", i);
        out->termv[i] = json_string_value(t);
    }
    out->terms = (store_terms){json_string_value(lang), out->termv, n};
    out->imp.terms = &out->terms;
    return 0;
}

/* The record object: keys, id, url, status, then the rest. */
static int check_record(json_t *rec, srv_import_line *out, char *why, size_t cap)
{
    const char *key;
    json_t *v;
    if (!json_is_object(rec))
        return fail(why, cap, "'record' must be an object");
    json_object_foreach(rec, key, v)
        if (!known_key(key, record_keys))
            return fail(why, cap, "unknown record field '%.40s'", key);
    for (int i = 0; record_keys[i]; i++)
        if (strcmp(record_keys[i], "job") != 0 && strcmp(record_keys[i], "checked_at") != 0 &&
            strcmp(record_keys[i], "feed_id") != 0 && !json_object_get(rec, record_keys[i]))
            return fail(why, cap, "the record has no '%s'", record_keys[i]);
    json_t *id = json_object_get(rec, "id");
    if (!json_is_integer(id) || json_integer_value(id) < 1)
        return fail(why, cap, "'id' must be a positive integer");
    out->id = out->imp.id = json_integer_value(id);
    json_t *url = json_object_get(rec, "url");
    if (!is_text(url, 0))
        return fail(why, cap, "'url' must be a string");
    url_status us = url_normalize(json_string_value(url), &out->norm);
    if (us != URL_OK)
        return fail(why, cap, "'url': %s", url_status_message(us));
    out->imp.norm_url = out->norm;
    const char *status = json_string_value(json_object_get(rec, "status"));
    static const char *const statuses[] = {"queued", "fetching", "ready", "failed", NULL};
    if (!status || !known_key(status, statuses))
        return fail(why, cap, "'status' must be queued, fetching, ready or failed");
    if (check_fields(rec, status, why, cap) != 0)
        return -1;
    out->imp.record = rec;
    json_t *user = json_object_get(json_object_get(rec, "tags"), "user");
    out->imp.user_tags = user;
    return 0;
}

int srv_import_line_parse(const char *line, size_t len, srv_import_line *out, char *why,
                          size_t why_cap)
{
    json_error_t jerr;
    memset(out, 0, sizeof *out);
    if (hdl_json_depth(line, len) > HDL_MAX_JSON_DEPTH)
        return fail(why, why_cap, "the JSON nests deeper than %d levels", HDL_MAX_JSON_DEPTH);
    out->doc = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!out->doc)
        return fail(why, why_cap, "not JSON: %s at column %d", jerr.text, jerr.column);
    json_t *rec = json_object_get(out->doc, "record"), *sto = json_object_get(out->doc, "store");
    if (!json_is_object(out->doc) || json_object_size(out->doc) != 2 || !rec || !sto)
        return fail(why, why_cap, "a line is {\"record\": {...}, \"store\": {...}}");
    if (check_record(rec, out, why, why_cap) != 0)
        return -1;
    const char *status = json_string_value(json_object_get(rec, "status"));
    return check_store(sto, !strcmp(status, "ready"), out, why, why_cap);
}

void srv_import_line_release(srv_import_line *l)
{
    if (!l)
        return;
    json_decref(l->doc);
    free(l->termv);
    free(l->norm);
    memset(l, 0, sizeof *l);
}
