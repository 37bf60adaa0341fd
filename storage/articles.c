/* articles.c -- queries over articles, tags, events, jobs and full text.
 *
 * Every multi-row write runs in one transaction (BEGIN IMMEDIATE, so the
 * write lock is taken up front and busy_timeout applies). Records are
 * read back as the v1 JSON shape: as jansson trees (JSON columns parsed),
 * or, on the read path, as JSON text written straight from the row (JSON
 * columns spliced when they are in jansson's own compact form, which the
 * store always writes; parsed and dumped otherwise).
 */
#include "storage/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bind text or NULL. */
static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* Bind a JSON value serialised; `fallback` when v is not of the type. */
static int bind_json(sqlite3_stmt *s, int i, json_t *v, const char *fallback)
{
    char *txt = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    if (!txt) {
        sqlite3_bind_text(s, i, fallback, -1, SQLITE_STATIC);
        return 0;
    }
    sqlite3_bind_text(s, i, txt, -1, free);
    return 0;
}

static const char *obj_str(json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}

/* ASCII case folding for tag matching; other scripts have no case or
 * are matched through taxonomy ids. */
static char *fold(const char *s)
{
    char *f = strdup(s ? s : "");
    for (char *p = f; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return f;
}

/* Column value as a JSON string or null; returns new. */
static json_t *col_str(sqlite3_stmt *s, int i)
{
    const unsigned char *v = sqlite3_column_text(s, i);
    json_t *j = v ? json_string((const char *)v) : NULL;
    return j ? j : json_null();
}

/* Column holding JSON text; `empty` builds the default. Returns new. */
static json_t *col_json(sqlite3_stmt *s, int i, json_t *(*empty)(void))
{
    const char *v = (const char *)sqlite3_column_text(s, i);
    json_t *j = v ? json_loads(v, JSON_DECODE_ANY, NULL) : NULL;
    return j ? j : empty();
}

/* Build the record from a row shaped like SQL_GET. Returns new. */
static json_t *row_to_record(sqlite3_stmt *s, unsigned flags)
{
    json_t *r = json_object();
    if (!r)
        return NULL;
    json_object_set_new(r, "id", json_integer(sqlite3_column_int64(s, 0)));
    json_object_set_new(r, "url", col_str(s, 1));
    json_object_set_new(r, "normalized_url", col_str(s, 2));
    json_object_set_new(r, "canonical_url", col_str(s, 3));
    json_object_set_new(r, "status", col_str(s, 4));
    if (sqlite3_column_type(s, 5) == SQLITE_NULL)
        json_object_set_new(r, "error", json_null());
    else
        json_object_set_new(r, "error", json_pack("{s:o, s:o}", "code", col_str(s, 5),
                                                  "message", col_str(s, 6)));
    static const char *const text_cols[] = {
        "title", "site_name", "author", "published_at", "modified_at", "language",
        "summary", "description", "image_url" };
    for (int i = 0; i < 9; i++)
        json_object_set_new(r, text_cols[i], col_str(s, 7 + i));
    json_object_set_new(r, "keywords", col_json(s, 16, json_array));
    json_object_set_new(r, "tags", col_json(s, 17, json_object));
    json_object_set_new(r, "events", col_json(s, 18, json_array));
    json_object_set_new(r, "word_count", sqlite3_column_type(s, 19) == SQLITE_NULL
                                             ? json_null()
                                             : json_integer(sqlite3_column_int64(s, 19)));
    json_object_set_new(r, "created_at", col_str(s, 20));
    json_object_set_new(r, "updated_at", col_str(s, 21));
    if (flags & STORE_WITH_CONTENT)
        json_object_set_new(r, "content", col_str(s, 22));
    if (flags & STORE_WITH_EVIDENCE)
        json_object_set_new(r, "tag_evidence", col_json(s, 23, json_object));
    return r;
}

/* --- records as JSON text ------------------------------------------- */

#define JBUF_START 4096
#define CANON_MAX_DEPTH 32
#define CANON_MAX_KEYS 256     /* keys of the objects open at once */
#define JSON_OUT_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)
#define PUT(b, lit) store_jbuf_add((b), (lit), sizeof(lit) - 1)

void store_jbuf_fixed(store_jbuf *b, char *mem, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->data = mem;
    b->cap = cap;
    b->fixed = 1;
    b->failed = !mem || cap == 0;
    if (!b->failed)
        mem[0] = '\0';
}

/* Room for n more bytes and a NUL; 0 or -1 (failed set). */
static int jbuf_reserve(store_jbuf *b, size_t n)
{
    if (b->failed)
        return -1;
    if (b->len + n < b->cap)
        return 0;
    if (b->fixed || n > ((size_t)-1) / 4 - b->len) {
        b->failed = 1;
        return -1;
    }
    size_t nc = b->cap ? b->cap : JBUF_START;
    while (nc <= b->len + n)
        nc *= 2;
    char *nd = realloc(b->data, nc);
    if (!nd) {
        b->failed = 1;
        return -1;
    }
    b->data = nd;
    b->cap = nc;
    return 0;
}

void store_jbuf_add(store_jbuf *b, const char *s, size_t n)
{
    if (jbuf_reserve(b, n) != 0)
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

char *store_jbuf_take(store_jbuf *b, size_t *len)
{
    char *t = NULL;
    if (!b->fixed && !b->failed && jbuf_reserve(b, 0) == 0) {
        b->data[b->len] = '\0';
        t = b->data;
        b->data = NULL;
        if (len)
            *len = b->len;
    }
    store_jbuf_free(b);
    return t;
}

void store_jbuf_free(store_jbuf *b)
{
    if (!b)
        return;
    if (!b->fixed)
        free(b->data);
    memset(b, 0, sizeof *b);
}

/* Length of the valid UTF-8 sequence at s[0..n) (which starts with a
 * byte >= 0x80), or 0 when it is not valid: the rules jansson checks. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;               /* overlong */
        if (c == 0xED) hi = 0x9F;               /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;               /* overlong */
        if (c == 0xF4) hi = 0x8F;               /* above U+10FFFF */
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

int store_json_string(store_jbuf *b, const char *str, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    size_t start_len = b->len, i = 0;
    if (jbuf_reserve(b, n + 2) != 0)
        return 0;
    b->data[b->len++] = '"';
    while (i < n) {
        size_t run = i;
        /* a run of bytes copied as they are */
        while (run < n) {
            unsigned char c = s[run];
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
                run++;
            else if (c >= 0x80) {
                size_t k = utf8_seq(s + run, n - run);
                if (k == 0) {
                    b->len = start_len;
                    if (b->data)
                        b->data[b->len] = '\0';
                    return -1;
                }
                run += k;
            } else
                break;
        }
        if (run > i) {
            if (jbuf_reserve(b, run - i + 1) != 0)
                return 0;
            memcpy(b->data + b->len, s + i, run - i);
            b->len += run - i;
            i = run;
            continue;
        }
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t el = 2;
        unsigned char c = s[i++];
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
        }
        if (jbuf_reserve(b, el + 1) != 0)
            return 0;
        memcpy(b->data + b->len, esc, el);
        b->len += el;
    }
    if (jbuf_reserve(b, 1) != 0)
        return 0;
    b->data[b->len++] = '"';
    b->data[b->len] = '\0';
    return 0;
}

/* A string at s[*i] == '"' in canonical form; *i moves past it. */
static int canon_string(const unsigned char *s, size_t n, size_t *i)
{
    size_t p = *i + 1;
    while (p < n) {
        unsigned char c = s[p];
        if (c == '"') {
            *i = p + 1;
            return 1;
        }
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            if (p + 1 >= n)
                return 0;
            c = s[p + 1];
            if (c == '"' || c == '\\' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
                c == 't') {
                p += 2;
                continue;
            }
            /* only \u00XX for a control without a short form, upper case */
            if (c != 'u' || p + 5 >= n || s[p + 2] != '0' || s[p + 3] != '0' ||
                (s[p + 4] != '0' && s[p + 4] != '1'))
                return 0;
            unsigned char d = s[p + 5];
            unsigned v;
            if (d >= '0' && d <= '9')
                v = (unsigned)(d - '0');
            else if (d >= 'A' && d <= 'F')
                v = (unsigned)(d - 'A' + 10);
            else
                return 0;
            v += s[p + 4] == '1' ? 16u : 0u;
            if (v == 0 || v == '\b' || v == '\f' || v == '\n' || v == '\r' || v == '\t')
                return 0;
            p += 6;
            continue;
        }
        if (c >= 0x80) {
            size_t k = utf8_seq(s + p, n - p);
            if (k == 0)
                return 0;
            p += k;
            continue;
        }
        p++;
    }
    return 0;
}

/* A number at s[*i] in the form jansson dumps it; *i moves past it. */
static int canon_number(const unsigned char *s, size_t n, size_t *i)
{
    size_t p = *i, digits = 0;
    int real = 0;
    char tok[40], again[48];
    while (p < n && ((s[p] >= '0' && s[p] <= '9') || s[p] == '-' || s[p] == '+' ||
                     s[p] == '.' || s[p] == 'e' || s[p] == 'E')) {
        if (s[p] >= '0' && s[p] <= '9')
            digits++;
        else if (s[p] != '-')
            real = 1;
        p++;
    }
    size_t len = p - *i;
    if (len == 0 || len >= sizeof tok)
        return 0;
    memcpy(tok, s + *i, len);
    tok[len] = '\0';
    if (!real) {
        /* -?(0|[1-9][0-9]*), not -0, and within long long for sure */
        const char *d = tok[0] == '-' ? tok + 1 : tok;
        if (digits == 0 || digits > 18 || strlen(d) != digits ||
            (d[0] == '0' && (digits > 1 || d != tok)))
            return 0;
        *i = p;
        return 1;
    }
    /* a real: jansson writes "%.17g", ".0" added when it looks like an
     * integer, "+" and leading zeros dropped from the exponent */
    char *end;
    double v = strtod(tok, &end);
    if (*end || !(v - v == 0.0))
        return 0;
    int w = snprintf(again, sizeof again, "%.17g", v);
    if (w < 0 || (size_t)w >= sizeof again - 3)
        return 0;
    if (!strchr(again, '.') && !strchr(again, 'e'))
        memcpy(again + w, ".0", 3);
    char *e = strchr(again, 'e');
    if (e) {
        char *from = e + 1, *to = e + 1;
        if (*from == '+')
            from++;
        else if (*from == '-')
            from++, to++;
        while (*from == '0' && from[1])
            from++;
        memmove(to, from, strlen(from) + 1);
    }
    if (strcmp(tok, again) != 0)
        return 0;
    *i = p;
    return 1;
}

/* Keys seen in the objects being checked, to refuse duplicates (jansson
 * keeps the last one): canonical keys are equal exactly when their bytes
 * are. */
typedef struct canon_keys {
    size_t off[CANON_MAX_KEYS], len[CANON_MAX_KEYS];
    size_t n;
    size_t first[CANON_MAX_DEPTH];   /* per open object: its first key */
} canon_keys;

/* A key string at s[*i] followed by ':'; *i moves past the colon. */
static int canon_key(const unsigned char *s, size_t n, size_t *i, canon_keys *k,
                     size_t depth)
{
    size_t start = *i;
    if (*i >= n || s[*i] != '"' || !canon_string(s, n, i) || *i >= n || s[*i] != ':')
        return 0;
    size_t len = *i - start;
    for (size_t j = k->first[depth - 1]; j < k->n; j++)
        if (k->len[j] == len && !memcmp(s + k->off[j], s + start, len))
            return 0;
    if (k->n == CANON_MAX_KEYS)
        return 0;
    k->off[k->n] = start;
    k->len[k->n++] = len;
    (*i)++;
    return 1;
}

int store_json_canonical(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    char stack[CANON_MAX_DEPTH];
    canon_keys keys;
    size_t depth = 0, i = 0;
    if (!s)
        return 0;
    keys.n = 0;
    for (;;) {
        /* a value is expected at s[i] */
        if (i >= n)
            return 0;
        unsigned char c = s[i];
        if (c == '{' || c == '[') {
            if (depth == CANON_MAX_DEPTH)
                return 0;
            keys.first[depth] = keys.n;
            stack[depth++] = (char)c;
            i++;
            if (i < n && s[i] == (c == '{' ? '}' : ']')) {
                depth--;
                i++;
                goto after_value;
            }
            if (c == '{' && !canon_key(s, n, &i, &keys, depth))
                return 0;
            continue;
        } else if (c == '"') {
            if (!canon_string(s, n, &i))
                return 0;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (!canon_number(s, n, &i))
                return 0;
        } else if (n - i >= 4 && !memcmp(s + i, "true", 4)) {
            i += 4;
        } else if (n - i >= 5 && !memcmp(s + i, "false", 5)) {
            i += 5;
        } else if (n - i >= 4 && !memcmp(s + i, "null", 4)) {
            i += 4;
        } else {
            return 0;
        }
    after_value:
        for (;;) {
            if (depth == 0)
                return i == n;
            if (i >= n)
                return 0;
            char top = stack[depth - 1];
            if (s[i] == (top == '{' ? '}' : ']')) {
                keys.n = keys.first[--depth];      /* forget the closed object's keys */
                i++;
                continue;
            }
            if (s[i] != ',')
                return 0;
            i++;
            if (top == '{' && !canon_key(s, n, &i, &keys, depth))
                return 0;
            break;
        }
    }
}

static void put_int(store_jbuf *b, int64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%lld", (long long)v);
    if (n > 0 && (size_t)n < sizeof t)
        store_jbuf_add(b, t, (size_t)n);
    else
        b->failed = 1;
}

/* A text column as a JSON string; null when NULL or not valid UTF-8
 * (what json_string() refuses). */
static void put_text_col(store_jbuf *b, sqlite3_stmt *s, int i)
{
    const char *v = (const char *)sqlite3_column_text(s, i);
    if (!v || store_json_string(b, v, strlen(v)) != 0)
        PUT(b, "null");
}

/* A column holding JSON text: copied when canonical, else parsed and
 * dumped the way row_to_record() does (`empty` when it does not parse). */
static void put_json_col(store_jbuf *b, sqlite3_stmt *s, int i, const char *empty)
{
    const char *v = (const char *)sqlite3_column_text(s, i);
    size_t n = v ? strlen(v) : 0;
    if (v && store_json_canonical(v, n)) {
        store_jbuf_add(b, v, n);
        return;
    }
    json_t *j = v ? json_loads(v, JSON_DECODE_ANY, NULL) : NULL;
    if (!j) {
        store_jbuf_add(b, empty, strlen(empty));
        return;
    }
    char *t = json_dumps(j, JSON_OUT_FLAGS | JSON_ENCODE_ANY);
    if (t)
        store_jbuf_add(b, t, strlen(t));
    else
        b->failed = 1;
    free(t);
    json_decref(j);
}

/* The record from a row shaped like SQL_GET, as row_to_record() and a
 * compact dump would write it. */
static void row_to_text(store_jbuf *b, sqlite3_stmt *s, unsigned flags)
{
    static const char *const text_keys[] = {
        ",\"title\":", ",\"site_name\":", ",\"author\":", ",\"published_at\":",
        ",\"modified_at\":", ",\"language\":", ",\"summary\":", ",\"description\":",
        ",\"image_url\":" };
    PUT(b, "{\"id\":");
    put_int(b, sqlite3_column_int64(s, 0));
    PUT(b, ",\"url\":");
    put_text_col(b, s, 1);
    PUT(b, ",\"normalized_url\":");
    put_text_col(b, s, 2);
    PUT(b, ",\"canonical_url\":");
    put_text_col(b, s, 3);
    PUT(b, ",\"status\":");
    put_text_col(b, s, 4);
    if (sqlite3_column_type(s, 5) == SQLITE_NULL) {
        PUT(b, ",\"error\":null");
    } else {
        PUT(b, ",\"error\":{\"code\":");
        put_text_col(b, s, 5);
        PUT(b, ",\"message\":");
        put_text_col(b, s, 6);
        PUT(b, "}");
    }
    for (int i = 0; i < 9; i++) {
        store_jbuf_add(b, text_keys[i], strlen(text_keys[i]));
        put_text_col(b, s, 7 + i);
    }
    PUT(b, ",\"keywords\":");
    put_json_col(b, s, 16, "[]");
    PUT(b, ",\"tags\":");
    put_json_col(b, s, 17, "{}");
    PUT(b, ",\"events\":");
    put_json_col(b, s, 18, "[]");
    PUT(b, ",\"word_count\":");
    if (sqlite3_column_type(s, 19) == SQLITE_NULL)
        PUT(b, "null");
    else
        put_int(b, sqlite3_column_int64(s, 19));
    PUT(b, ",\"created_at\":");
    put_text_col(b, s, 20);
    PUT(b, ",\"updated_at\":");
    put_text_col(b, s, 21);
    if (flags & STORE_WITH_CONTENT) {
        PUT(b, ",\"content\":");
        put_text_col(b, s, 22);
    }
    if (flags & STORE_WITH_EVIDENCE) {
        PUT(b, ",\"tag_evidence\":");
        put_json_col(b, s, 23, "{}");
    }
    PUT(b, "}");
}

static store_rc find_by_url(store *st, const char *norm_url, int64_t *id)
{
    sqlite3_stmt *s = store_stmt(st, SQL_FIND_BY_URL);
    if (!s)
        return STORE_ERROR;
    bind_text(s, 1, norm_url);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        return STORE_OK;
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

static int insert_job(store *st, int64_t id, const char *html, size_t html_len,
                      const char *now)
{
    sqlite3_stmt *s = store_stmt(st, SQL_INSERT_JOB);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    if (html)
        sqlite3_bind_blob64(s, 2, html, html_len, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 2);
    bind_text(s, 3, now);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int insert_tag(store *st, int64_t id, const char *facet, const char *tag_id,
                      const char *label, double score)
{
    sqlite3_stmt *s = store_stmt(st, SQL_INSERT_TAG);
    char *f = fold(label);
    char *fid = fold(tag_id);
    int rc = SQLITE_ERROR;
    if (s && f && fid) {
        sqlite3_bind_int64(s, 1, id);
        bind_text(s, 2, facet);
        bind_text(s, 3, fid);
        bind_text(s, 4, label);
        bind_text(s, 5, f);
        sqlite3_bind_double(s, 6, score);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
    }
    free(f);
    free(fid);
    return rc == SQLITE_DONE ? 0 : -1;
}

store_rc store_article_submit(store *st, const store_submit *sub, int64_t *id,
                              int *existed)
{
    char now[21];
    json_t *tags = NULL;
    store_rc ret = STORE_ERROR;
    if (!st || !sub || !sub->url || !sub->norm_url || !id || !existed)
        return STORE_ERROR;
    *existed = 0;
    store_now_utc(now);
    if (store_begin(st) != 0) {
        store_log_error(st, "begin submit");
        return STORE_ERROR;
    }
    store_rc found = find_by_url(st, sub->norm_url, id);
    if (found == STORE_OK) {
        *existed = 1;
        ret = STORE_OK;
        goto done;
    }
    if (found != STORE_NOT_FOUND)
        goto done;
    tags = json_object();
    if (!tags)
        goto done;
    if (json_array_size(sub->user_tags) > 0)
        json_object_set(tags, "user", sub->user_tags);
    sqlite3_stmt *s = store_stmt(st, SQL_INSERT_ARTICLE);
    if (!s)
        goto done;
    bind_text(s, 1, sub->url);
    bind_text(s, 2, sub->norm_url);
    bind_json(s, 3, sub->user_tags ? sub->user_tags : NULL, "[]");
    bind_json(s, 4, tags, "{}");
    bind_text(s, 5, now);
    if (sqlite3_step(s) != SQLITE_DONE) {
        sqlite3_reset(s);
        store_log_error(st, "insert article");
        goto done;
    }
    sqlite3_reset(s);
    *id = sqlite3_last_insert_rowid(st->db);
    if (insert_job(st, *id, sub->html, sub->html_len, now) != 0) {
        store_log_error(st, "insert job");
        goto done;
    }
    size_t i;
    json_t *t;
    json_array_foreach(sub->user_tags, i, t) {
        if (json_is_string(t) &&
            insert_tag(st, *id, "user", json_string_value(t), json_string_value(t), 1.0) != 0)
            goto done;
    }
    ret = STORE_OK;
done:
    json_decref(tags);
    if (ret == STORE_OK && store_commit(st) == 0)
        return STORE_OK;
    store_rollback(st);
    return STORE_ERROR;
}

store_rc store_article_requeue(store *st, int64_t id, const char *html, size_t html_len)
{
    char now[21];
    store_rc ret = STORE_ERROR;
    if (!st)
        return STORE_ERROR;
    store_now_utc(now);
    if (store_begin(st) != 0)
        return STORE_ERROR;
    sqlite3_stmt *s = store_stmt(st, SQL_REQUEUE);
    if (!s)
        goto done;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, now);
    if (sqlite3_step(s) != SQLITE_DONE) {
        sqlite3_reset(s);
        goto done;
    }
    sqlite3_reset(s);
    if (sqlite3_changes(st->db) == 0) {
        ret = STORE_NOT_FOUND;
        goto done;
    }
    if (insert_job(st, id, html, html_len, now) != 0)
        goto done;
    if (store_commit(st) == 0)
        return STORE_OK;
done:
    if (ret == STORE_ERROR)
        store_log_error(st, "requeue");
    store_rollback(st);
    return ret;
}

store_rc store_article_get(store *st, int64_t id, unsigned flags, json_t **out)
{
    sqlite3_stmt *s = store_stmt(st, SQL_GET);
    if (!s || !out)
        return STORE_ERROR;
    *out = NULL;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = row_to_record(s, flags);
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return *out ? STORE_OK : STORE_ERROR;
}

store_rc store_article_get_text(store *st, int64_t id, unsigned flags, store_jbuf *out)
{
    sqlite3_stmt *s = store_stmt(st, SQL_GET);
    if (!s || !out)
        return STORE_ERROR;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        row_to_text(out, s, flags);
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW && !out->failed ? STORE_OK : STORE_ERROR;
}

store_rc store_article_status(store *st, int64_t id, char *buf, size_t cap)
{
    sqlite3_stmt *s = store_stmt(st, SQL_GET_STATUS);
    if (!s || !buf || !cap)
        return STORE_ERROR;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

static int exec_id(store *st, store_stmt_id which, int64_t id)
{
    sqlite3_stmt *s = store_stmt(st, which);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

store_rc store_article_delete(store *st, int64_t id)
{
    if (!st || store_begin(st) != 0)
        return STORE_ERROR;
    if (exec_id(st, SQL_DELETE_FTS, id) != 0 || exec_id(st, SQL_DELETE, id) != 0) {
        store_log_error(st, "delete");
        store_rollback(st);
        return STORE_ERROR;
    }
    int changed = sqlite3_changes(st->db);
    if (store_commit(st) != 0) {
        store_rollback(st);
        return STORE_ERROR;
    }
    return changed ? STORE_OK : STORE_NOT_FOUND;
}

/* --- list ----------------------------------------------------------- */

/* Filters, a bit each; the statement for each combination is built once.
 *
 * Why the shapes below: "newest first, LIMIT 21" must be answered by
 * walking an index in id order and stopping, never by collecting every
 * match and sorting. A tag query walks article_tags_by_id(tag_id,
 * article_id) backwards for one tag id (F_TAG); a full-text query walks
 * the FTS5 table in rowid order (F_FTS). `a.id IN (SELECT ...)` would
 * materialise every match first: seconds for a common tag at 1 M rows.
 * Several tag ids at once (F_TAG_MANY, rare) pay for a sort. */
enum {
    F_BEFORE = 1, F_STATUS = 2, F_LANG = 4, F_SINCE = 8, F_UNTIL = 16,
    F_FTS = 32, F_LIKE = 64, F_TAG = 128, F_TAG_MANY = 256
};

static const char list_columns[] =
    "SELECT a.id, a.url, a.norm_url, a.canonical_url, a.status, a.error_code, "
    "a.error_message, a.title, a.site_name, a.author, a.published_at, a.modified_at, "
    "a.language, a.summary, a.description, a.image_url, a.keywords, a.tags, a.events, "
    "a.word_count, a.created_at, a.updated_at, NULL, a.tag_evidence";

static sqlite3_stmt *list_stmt(store *st, unsigned variant)
{
    char sql[2048];
    size_t w = 0;
    const char *key;        /* the column that orders the walk */
    if (variant >= STORE_LIST_VARIANTS)
        return NULL;
    if (st->list_stmts[variant]) {
        sqlite3_reset(st->list_stmts[variant]);
        sqlite3_clear_bindings(st->list_stmts[variant]);
        return st->list_stmts[variant];
    }
    const char *from;
    if (variant & (F_TAG | F_TAG_MANY)) {
        from = (variant & F_TAG)
            ? " FROM article_tags t JOIN articles a ON a.id = t.article_id"
              " WHERE t.tag_id = ?8 AND (?9 IS NULL OR t.facet = ?9)"
            : " FROM article_tags t JOIN articles a ON a.id = t.article_id"
              " WHERE t.tag_id IN (SELECT value FROM json_each(?8))"
              " AND (?9 IS NULL OR t.facet = ?9)";
        key = "t.article_id";
    } else if (variant & F_FTS) {
        from = " FROM articles_fts f JOIN articles a ON a.id = f.rowid"
               " WHERE articles_fts MATCH ?6";
        key = "f.rowid";
    } else {
        from = " FROM articles a WHERE 1";
        key = "a.id";
    }
    int n = snprintf(sql, sizeof sql, "%s%s", list_columns, from);
    if (n < 0 || (size_t)n >= sizeof sql)
        return NULL;
    w = (size_t)n;
    static const struct { unsigned bit; const char *sql; } parts[] = {
        {F_STATUS, " AND a.status = ?2"},
        {F_LANG, " AND a.language = ?3"},
        {F_SINCE, " AND a.sort_time >= ?4"},
        {F_UNTIL, " AND a.sort_time <= ?5"},
        {F_LIKE, " AND (a.title LIKE ?6 ESCAPE '\\' OR a.content LIKE ?6 ESCAPE '\\')"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!(variant & parts[i].bit))
            continue;
        n = snprintf(sql + w, sizeof sql - w, "%s", parts[i].sql);
        if (n < 0 || (size_t)n >= sizeof sql - w)
            return NULL;
        w += (size_t)n;
    }
    /* full text together with a tag: the tag drives, the text filters */
    if ((variant & F_FTS) && (variant & (F_TAG | F_TAG_MANY))) {
        n = snprintf(sql + w, sizeof sql - w,
                     " AND a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?6)");
        if (n < 0 || (size_t)n >= sizeof sql - w)
            return NULL;
        w += (size_t)n;
    }
    if (variant & F_BEFORE) {
        n = snprintf(sql + w, sizeof sql - w, " AND %s < ?1", key);
        if (n < 0 || (size_t)n >= sizeof sql - w)
            return NULL;
        w += (size_t)n;
    }
    /* one row per article even when a tag id stands in two facets */
    n = snprintf(sql + w, sizeof sql - w, "%s ORDER BY %s DESC LIMIT ?10",
                 (variant & (F_TAG | F_TAG_MANY)) ? " GROUP BY t.article_id" : "", key);
    if (n < 0 || (size_t)n >= sizeof sql - w)
        return NULL;
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                           &st->list_stmts[variant], NULL) != SQLITE_OK) {
        store_log_error(st, "prepare list");
        st->list_stmts[variant] = NULL;
        return NULL;
    }
    return st->list_stmts[variant];
}

/* The tag ids a tag query means: the taxonomy's ids for it, and the ids
 * of stored tags whose label is the query (client tags; labels of an
 * older taxonomy), each kept only when some article carries it. Usually
 * one remains, which lets the ordered single-id walk run. Returns a new
 * array (at most MAX_TAG_IDS), or NULL on error. */
#define MAX_TAG_IDS 16
static json_t *tag_ids_in_use(store *st, const store_query *q)
{
    json_t *ids = json_array();
    char *label = fold(q->tag_label);
    sqlite3_stmt *probe = NULL, *by_label = NULL;
    if (!ids || !label)
        goto fail;
    if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM article_tags WHERE tag_id = ?1 LIMIT 1",
                           -1, &probe, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db,
                           "SELECT tag_id FROM article_tags WHERE label_fold = ?1 "
                           "AND tag_id > ?2 ORDER BY tag_id LIMIT 1", -1, &by_label,
                           NULL) != SQLITE_OK)
        goto fail;
    for (size_t i = 0; i < q->n_tag_ids && json_array_size(ids) < MAX_TAG_IDS; i++) {
        char *id = fold(q->tag_ids[i]);
        if (!id)
            goto fail;
        sqlite3_reset(probe);
        bind_text(probe, 1, id);
        if (sqlite3_step(probe) == SQLITE_ROW)
            json_array_append_new(ids, json_string(id));
        free(id);
    }
    /* distinct ids under the label, one index step each */
    char last[256] = "";
    while (json_array_size(ids) < MAX_TAG_IDS) {
        sqlite3_reset(by_label);
        bind_text(by_label, 1, label);
        bind_text(by_label, 2, last);
        if (sqlite3_step(by_label) != SQLITE_ROW)
            break;
        const char *id = (const char *)sqlite3_column_text(by_label, 0);
        if (!id || strlen(id) >= sizeof last)
            break;
        snprintf(last, sizeof last, "%s", id);
        int seen = 0;
        for (size_t k = 0; k < json_array_size(ids); k++)
            seen |= !strcmp(json_string_value(json_array_get(ids, k)), id);
        if (!seen)
            json_array_append_new(ids, json_string(id));
    }
    sqlite3_finalize(probe);
    sqlite3_finalize(by_label);
    free(label);
    return ids;
fail:
    sqlite3_finalize(probe);
    sqlite3_finalize(by_label);
    free(label);
    json_decref(ids);
    return NULL;
}

/* Characters in a UTF-8 string. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* "q" as an FTS5 phrase: the whole query, quotes doubled. */
static char *fts_phrase(const char *q)
{
    size_t n = strlen(q), w = 0;
    char *out = malloc(n * 2 + 3);
    if (!out)
        return NULL;
    out[w++] = '"';
    for (const char *p = q; *p; p++) {
        if (*p == '"')
            out[w++] = '"';
        out[w++] = *p;
    }
    out[w++] = '"';
    out[w] = '\0';
    return out;
}

/* "%q%" for LIKE, with %, _ and \ escaped. */
static char *like_pattern(const char *q)
{
    size_t n = strlen(q), w = 0;
    char *out = malloc(n * 2 + 3);
    if (!out)
        return NULL;
    out[w++] = '%';
    for (const char *p = q; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            out[w++] = '\\';
        out[w++] = *p;
    }
    out[w++] = '%';
    out[w] = '\0';
    return out;
}

/* Called for each row of a list page (shaped like SQL_GET); returns 0 or
 * -1 to stop with an error. */
typedef int (*list_row_fn)(sqlite3_stmt *s, void *ctx);

/* Run the list query q, calling row() for each record of the page;
 * *empty is set when no article can match (row() never called). */
static store_rc list_run(store *st, const store_query *q, list_row_fn row, void *ctx,
                         int64_t *next_id)
{
    unsigned variant = 0;
    char *pattern = NULL, *ids_json = NULL;
    json_t *ids = NULL;
    sqlite3_stmt *s = NULL;
    store_rc ret = STORE_ERROR;
    if (!st || !q || !next_id || q->limit < 1 || q->limit > 100)
        return STORE_ERROR;
    *next_id = 0;
    if (q->before_id > 0) variant |= F_BEFORE;
    if (q->status) variant |= F_STATUS;
    if (q->language) variant |= F_LANG;
    if (q->since) variant |= F_SINCE;
    if (q->until) variant |= F_UNTIL;
    if (q->text && *q->text)
        variant |= utf8_chars(q->text) >= 3 ? F_FTS : F_LIKE;
    if (q->tag_label) {
        ids = tag_ids_in_use(st, q);
        if (!ids)
            goto done;
        if (json_array_size(ids) == 0) {
            /* no article has this tag: an empty page, no query needed */
            ret = STORE_OK;
            goto done;
        }
        variant |= json_array_size(ids) == 1 ? F_TAG : F_TAG_MANY;
    }

    s = list_stmt(st, variant);
    if (!s)
        goto done;
    if (variant & F_BEFORE) sqlite3_bind_int64(s, 1, q->before_id);
    if (variant & F_STATUS) bind_text(s, 2, q->status);
    if (variant & F_LANG) bind_text(s, 3, q->language);
    if (variant & F_SINCE) bind_text(s, 4, q->since);
    if (variant & F_UNTIL) bind_text(s, 5, q->until);
    if (variant & (F_FTS | F_LIKE)) {
        pattern = (variant & F_FTS) ? fts_phrase(q->text) : like_pattern(q->text);
        if (!pattern)
            goto done;
        bind_text(s, 6, pattern);
    }
    if (variant & F_TAG)
        bind_text(s, 8, json_string_value(json_array_get(ids, 0)));
    if (variant & F_TAG_MANY) {
        ids_json = json_dumps(ids, JSON_COMPACT);
        if (!ids_json)
            goto done;
        bind_text(s, 8, ids_json);
    }
    if (variant & (F_TAG | F_TAG_MANY))
        bind_text(s, 9, q->tag_facet);
    sqlite3_bind_int(s, 10, q->limit + 1);

    int rc, count = 0;
    int64_t last_id = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (count == q->limit) {
            /* one more row exists: the cursor points below the last shown */
            *next_id = last_id;
            break;
        }
        if (row(s, ctx) != 0)
            goto done;
        last_id = sqlite3_column_int64(s, 0);
        count++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        store_log_error(st, "list");
        goto done;
    }
    ret = STORE_OK;
done:
    if (s)
        sqlite3_reset(s);
    json_decref(ids);
    free(ids_json);
    free(pattern);
    return ret;
}

static int list_row_json(sqlite3_stmt *s, void *ctx)
{
    json_t *rec = row_to_record(s, 0);
    return rec && json_array_append_new(ctx, rec) == 0 ? 0 : -1;
}

store_rc store_article_list(store *st, const store_query *q, json_t **items,
                            int64_t *next_id)
{
    if (!items)
        return STORE_ERROR;
    json_t *arr = json_array();
    *items = NULL;
    if (!arr)
        return STORE_ERROR;
    store_rc rc = list_run(st, q, list_row_json, arr, next_id);
    if (rc == STORE_OK)
        *items = arr;
    else
        json_decref(arr);
    return rc;
}

typedef struct list_text_ctx {
    store_jbuf *out;
    int n;
} list_text_ctx;

static int list_row_text(sqlite3_stmt *s, void *ctx)
{
    list_text_ctx *c = ctx;
    if (c->n++ > 0)
        PUT(c->out, ",");
    row_to_text(c->out, s, 0);
    return c->out->failed ? -1 : 0;
}

store_rc store_article_list_text(store *st, const store_query *q, store_jbuf *out,
                                 int64_t *next_id)
{
    list_text_ctx c = {out, 0};
    if (!out)
        return STORE_ERROR;
    PUT(out, "[");
    store_rc rc = list_run(st, q, list_row_text, &c, next_id);
    PUT(out, "]");
    return rc == STORE_OK && out->failed ? STORE_ERROR : rc;
}

store_rc store_tags_list(store *st, const char *facet, json_t **items)
{
    sqlite3_stmt *s = store_stmt(st, facet ? SQL_TAGS_FACET : SQL_TAGS_ALL);
    json_t *arr = json_array();
    int rc;
    if (!s || !arr || !items) {
        json_decref(arr);
        return STORE_ERROR;
    }
    if (facet)
        bind_text(s, 1, facet);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *it = json_pack("{s:o, s:o, s:o, s:I}", "facet", col_str(s, 0),
                               "tag", col_str(s, 1), "id", col_str(s, 2),
                               "count", (json_int_t)sqlite3_column_int64(s, 3));
        if (!it || json_array_append_new(arr, it) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return STORE_ERROR;
    }
    *items = arr;
    return STORE_OK;
}

/* --- jobs ----------------------------------------------------------- */

void store_job_release(store_job *job)
{
    if (!job)
        return;
    free(job->url);
    free(job->html);
    memset(job, 0, sizeof *job);
}

store_rc store_job_claim(store *st, store_job *job)
{
    char now[21];
    store_rc ret = STORE_ERROR;
    if (!st || !job)
        return STORE_ERROR;
    memset(job, 0, sizeof *job);
    store_now_utc(now);
    if (store_begin(st) != 0)
        return STORE_ERROR;
    sqlite3_stmt *s = store_stmt(st, SQL_CLAIM);
    if (!s)
        goto done;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(s);
        ret = STORE_NOT_FOUND;
        goto done;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        goto done;
    }
    job->id = sqlite3_column_int64(s, 0);
    job->url = strdup((const char *)sqlite3_column_text(s, 1));
    if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
        int n = sqlite3_column_bytes(s, 2);
        job->html = malloc((size_t)n + 1);
        if (job->html) {
            if (n > 0)
                memcpy(job->html, sqlite3_column_blob(s, 2), (size_t)n);
            job->html[n] = '\0';
            job->html_len = (size_t)n;
        }
        if (!job->html) {
            sqlite3_reset(s);
            goto done;
        }
    }
    sqlite3_reset(s);
    if (!job->url)
        goto done;
    s = store_stmt(st, SQL_MARK_FETCHING);
    if (!s)
        goto done;
    sqlite3_bind_int64(s, 1, job->id);
    bind_text(s, 2, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        goto done;
    if (store_commit(st) == 0)
        return STORE_OK;
done:
    if (ret == STORE_ERROR)
        store_log_error(st, "claim job");
    store_rollback(st);
    store_job_release(job);
    return ret;
}

/* Tag rows from the evidence ({facet: [{id,label,score}]}), or from the
 * label lists when a facet has no evidence. */
static int write_tags(store *st, int64_t id, json_t *tags, json_t *evidence)
{
    const char *facet;
    json_t *list;
    json_object_foreach(tags, facet, list) {
        if (!strcmp(facet, "user"))
            continue;
        json_t *ev = json_object_get(evidence, facet);
        size_t i;
        json_t *v;
        if (json_array_size(ev) > 0) {
            json_array_foreach(ev, i, v) {
                const char *tid = obj_str(v, "id"), *lab = obj_str(v, "label");
                if (!tid || !lab)
                    continue;
                if (insert_tag(st, id, facet, tid, lab,
                               json_number_value(json_object_get(v, "score"))) != 0)
                    return -1;
            }
        } else {
            json_array_foreach(list, i, v) {
                const char *lab = json_string_value(v);
                if (lab && insert_tag(st, id, facet, lab, lab, 0.0) != 0)
                    return -1;
            }
        }
    }
    return 0;
}

static int write_events(store *st, int64_t id, json_t *events)
{
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) {
        sqlite3_stmt *s = store_stmt(st, SQL_INSERT_EVENT);
        const char *text = obj_str(ev, "text");
        if (!s)
            return -1;
        if (!text)
            continue;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        bind_text(s, 3, text);
        bind_text(s, 4, obj_str(ev, "date"));
        bind_json(s, 5, json_object_get(ev, "actors"), "[]");
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            return -1;
    }
    return 0;
}

/* Rewrite an article's tag and event rows from an analysis (inside the
 * caller's transaction); the "user" facet is left alone. */
static int replace_tag_rows(store *st, int64_t id, json_t *analysis)
{
    if (exec_id(st, SQL_DELETE_TAGS, id) != 0 || exec_id(st, SQL_DELETE_EVENTS, id) != 0 ||
        write_tags(st, id, json_object_get(analysis, "tags"),
                   json_object_get(analysis, "tag_evidence")) != 0 ||
        write_events(st, id, json_object_get(analysis, "events")) != 0)
        return -1;
    return 0;
}

/* The user facet survives re-analysis: merge it into the new tags. */
static json_t *merged_tags(store *st, int64_t id, json_t *tags)
{
    json_t *out = json_is_object(tags) ? json_deep_copy(tags) : json_object();
    sqlite3_stmt *s = store_stmt(st, SQL_USER_TAGS);
    if (!out || !s)
        return out;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        json_t *user = col_json(s, 0, json_array);
        if (json_array_size(user) > 0)
            json_object_set_new(out, "user", user);
        else
            json_decref(user);
    }
    sqlite3_reset(s);
    return out;
}

store_rc store_job_finish_ready(store *st, int64_t id, json_t *rec, const char *canonical_norm)
{
    char now[21], sort_time[21];
    json_t *tags = NULL;
    store_rc ret = STORE_ERROR;
    if (!st || !json_is_object(rec))
        return STORE_ERROR;
    store_now_utc(now);
    const char *published = obj_str(rec, "published_at");
    int have_sort = published && store_iso_to_utc(published, 0, sort_time) == 0;
    if (store_begin(st) != 0)
        return STORE_ERROR;
    tags = merged_tags(st, id, json_object_get(rec, "tags"));
    sqlite3_stmt *s = store_stmt(st, SQL_READY);
    if (!s || !tags)
        goto done;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, obj_str(rec, "canonical_url"));
    bind_text(s, 3, canonical_norm);
    static const char *const cols[] = {
        "title", "site_name", "author", "published_at", "modified_at", "language",
        "summary", "description", "image_url" };
    for (int i = 0; i < 9; i++)
        bind_text(s, 4 + i, obj_str(rec, cols[i]));
    bind_json(s, 13, json_object_get(rec, "keywords"), "[]");
    bind_json(s, 14, tags, "{}");
    bind_json(s, 15, json_object_get(rec, "tag_evidence"), "{}");
    bind_json(s, 16, json_object_get(rec, "events"), "[]");
    json_t *wc = json_object_get(rec, "word_count");
    if (json_is_integer(wc))
        sqlite3_bind_int64(s, 17, json_integer_value(wc));
    bind_text(s, 18, obj_str(rec, "content"));
    bind_text(s, 19, have_sort ? sort_time : NULL);
    bind_text(s, 20, now);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        goto done;
    if (sqlite3_changes(st->db) == 0) {
        ret = STORE_NOT_FOUND;        /* deleted while it was being read */
        goto done;
    }
    if (exec_id(st, SQL_DELETE_JOB, id) != 0 || exec_id(st, SQL_DELETE_FTS, id) != 0 ||
        replace_tag_rows(st, id, rec) != 0)
        goto done;
    s = store_stmt(st, SQL_INSERT_FTS);
    if (!s)
        goto done;
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, obj_str(rec, "title"));
    bind_text(s, 3, obj_str(rec, "content"));
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        goto done;
    if (store_commit(st) == 0)
        ret = STORE_OK;
done:
    json_decref(tags);
    if (ret != STORE_OK) {
        if (ret == STORE_ERROR)
            store_log_error(st, "finish job");
        store_rollback(st);
    }
    return ret;
}

store_rc store_job_finish_failed(store *st, int64_t id, const char *code,
                                 const char *message)
{
    char now[21];
    if (!st || store_begin(st) != 0)
        return STORE_ERROR;
    store_now_utc(now);
    sqlite3_stmt *s = store_stmt(st, SQL_FAILED);
    int rc = SQLITE_ERROR;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        bind_text(s, 2, code ? code : "error");
        bind_text(s, 3, message ? message : "");
        bind_text(s, 4, now);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
    }
    if (rc != SQLITE_DONE || exec_id(st, SQL_DELETE_JOB, id) != 0 || store_commit(st) != 0) {
        store_log_error(st, "fail job");
        store_rollback(st);
        return STORE_ERROR;
    }
    return STORE_OK;
}

store_rc store_job_requeue(store *st, int64_t id)
{
    char now[21];
    sqlite3_stmt *s = store_stmt(st, SQL_JOB_REQUEUE);
    if (!s)
        return STORE_ERROR;
    store_now_utc(now);
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, now);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int store_jobs_recover(store *st)
{
    sqlite3_stmt *s = store_stmt(st, SQL_RECOVER);
    if (!s)
        return -1;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? sqlite3_changes(st->db) : -1;
}

store_rc store_status_counts(store *st, int64_t counts[4])
{
    static const char *const names[4] = {"queued", "fetching", "ready", "failed"};
    sqlite3_stmt *s = store_stmt(st, SQL_COUNTS);
    int rc;
    if (!s)
        return STORE_ERROR;
    for (int i = 0; i < 4; i++)
        counts[i] = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        for (int i = 0; i < 4; i++)
            if (name && !strcmp(name, names[i]))
                counts[i] = sqlite3_column_int64(s, 1);
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* --- settings and re-analysis ------------------------------------- */

store_rc store_meta_get(store *st, const char *key, char *buf, size_t cap)
{
    sqlite3_stmt *s = store_stmt(st, SQL_META_GET);
    if (!s || !key || !buf || !cap)
        return STORE_ERROR;
    bind_text(s, 1, key);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

store_rc store_meta_set(store *st, const char *key, const char *value)
{
    sqlite3_stmt *s = store_stmt(st, SQL_META_SET);
    if (!s || !key || !value)
        return STORE_ERROR;
    bind_text(s, 1, key);
    bind_text(s, 2, value);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

static char *col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *v = sqlite3_column_text(s, i);
    return v ? strdup((const char *)v) : NULL;
}

store_rc store_next_ready(store *st, int64_t after_id, store_stored_text *out)
{
    sqlite3_stmt *s = store_stmt(st, SQL_NEXT_READY);
    if (!s || !out)
        return STORE_ERROR;
    memset(out, 0, sizeof *out);
    sqlite3_bind_int64(s, 1, after_id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(s, 0);
        out->title = col_dup(s, 1);
        out->content = col_dup(s, 2);
        out->published_at = col_dup(s, 3);
        out->language = col_dup(s, 4);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

void store_stored_text_release(store_stored_text *t)
{
    if (!t)
        return;
    free(t->title);
    free(t->content);
    free(t->published_at);
    free(t->language);
    memset(t, 0, sizeof *t);
}

store_rc store_article_set_tags(store *st, int64_t id, json_t *analysis)
{
    json_t *tags = NULL;
    store_rc ret = STORE_ERROR;
    if (!st || !json_is_object(analysis) || store_begin(st) != 0)
        return STORE_ERROR;
    tags = merged_tags(st, id, json_object_get(analysis, "tags"));
    sqlite3_stmt *s = store_stmt(st, SQL_SET_TAGS);
    if (!s || !tags)
        goto done;
    sqlite3_bind_int64(s, 1, id);
    bind_json(s, 2, tags, "{}");
    bind_json(s, 3, json_object_get(analysis, "tag_evidence"), "{}");
    bind_json(s, 4, json_object_get(analysis, "events"), "[]");
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        goto done;
    if (sqlite3_changes(st->db) == 0) {
        ret = STORE_NOT_FOUND;
        goto done;
    }
    if (replace_tag_rows(st, id, analysis) != 0)
        goto done;
    if (store_commit(st) == 0)
        ret = STORE_OK;
done:
    json_decref(tags);
    if (ret != STORE_OK) {
        if (ret == STORE_ERROR)
            store_log_error(st, "set tags");
        store_rollback(st);
    }
    return ret;
}
