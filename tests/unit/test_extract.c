/* test_extract.c -- data-driven tests of decode + extract.
 *
 * Walks tests/extract/<case>/ (run from the repository root): each case
 * holds one input file (input.html or input.bin) and expected.json:
 *   status        "ok" | "not_html" | "empty"
 *   content_type  HTTP Content-Type given to the decoder (optional)
 *   url           page URL given to the extractor (optional)
 *   charset       charset the decoder must choose (optional)
 *   authors       the list, in order (author must be its first)
 *   title, author, published_at, modified_at, site_name, language,
 *   canonical_url, image_url, description: exact value, or null for
 *                 "must be absent"; a key left out is not checked
 *   must / must_not  snippets the text must / must not contain
 *   html_must / html_must_not, md_must / md_must_not: the same for
 *                 content_html and content_markdown
 * Every case's content_html and content_markdown must also pass the
 * sanitizer check of tools/render_check.h (nothing script-capable).
 *   text_nows     the whole text, compared with all whitespace removed
 * Generated cases (not committed): a 5 MiB page, 10 000 nested elements,
 * unclosed and stray tags in bulk.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <jansson.h>

#include "ingest/decode.h"
#include "ingest/extract.h"
#include "tools/render_check.h"

#define CASES_DIR "tests/extract"
#define INPUT_CAP (16u << 20)

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && st.st_size >= 0 && (size_t)st.st_size < INPUT_CAP) {
        buf = malloc((size_t)st.st_size + 1);
        if (buf) {
            *len = fread(buf, 1, (size_t)st.st_size, f);
            buf[*len] = '\0';
        }
    }
    fclose(f);
    return buf;
}

/* Remove all ASCII whitespace (and U+3000) for whole-text comparison. */
static char *no_ws(const char *s)
{
    size_t n = strlen(s), w = 0;
    char *o = malloc(n + 1);
    assert_non_null(o);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
            continue;
        if (c == 0xE3 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80) {
            i += 2;
            continue;
        }
        o[w++] = (char)c;
    }
    o[w] = '\0';
    return o;
}

static const char *status_name(extract_status st)
{
    switch (st) {
    case EXTRACT_OK: return "ok";
    case EXTRACT_NOT_HTML: return "not_html";
    case EXTRACT_EMPTY: return "empty";
    case EXTRACT_NOMEM: return "nomem";
    case EXTRACT_TOO_LARGE: return "too_large";
    default: return "badarg";
    }
}

static void check_field(const char *cs, json_t *exp, const char *key, const char *got)
{
    json_t *v = json_object_get(exp, key);
    if (!v)
        return;
    if (json_is_null(v)) {
        if (got)
            fail_msg("%s: %s should be null, got \"%s\"", cs, key, got);
        return;
    }
    const char *want = json_string_value(v);
    if (!got || strcmp(want, got) != 0)
        fail_msg("%s: %s: want \"%s\", got \"%s\"", cs, key, want, got ? got : "(null)");
}

/* Every snippet of exp[key] in (must) or not in (!must) got. */
static void check_snippets(const char *cs, json_t *exp, const char *key, const char *got,
                           int must)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(exp, key), i, v) {
        int has = got && strstr(got, json_string_value(v));
        if (has != must)
            fail_msg("%s: %s: \"%s\"\n--- got:\n%s", cs, key, json_string_value(v),
                     got ? got : "(null)");
    }
}

static void run_case(const char *name)
{
    char dir[512], path[600];
    int w = snprintf(dir, sizeof dir, "%s/%s", CASES_DIR, name);
    assert_true(w > 0 && (size_t)w < sizeof dir);
    w = snprintf(path, sizeof path, "%s/expected.json", dir);
    assert_true(w > 0 && (size_t)w < sizeof path);
    json_error_t jerr;
    json_t *exp = json_load_file(path, 0, &jerr);
    if (!exp)
        fail_msg("%s: bad expected.json: %s", name, jerr.text);
    size_t len = 0;
    w = snprintf(path, sizeof path, "%s/input.html", dir);
    assert_true(w > 0 && (size_t)w < sizeof path);
    char *input = read_file(path, &len);
    if (!input) {
        w = snprintf(path, sizeof path, "%s/input.bin", dir);
        assert_true(w > 0 && (size_t)w < sizeof path);
        input = read_file(path, &len);
    }
    if (!input)
        fail_msg("%s: no input.html or input.bin", name);

    char *utf8 = NULL, charset[64] = "";
    size_t ulen = 0;
    const char *ctype = json_string_value(json_object_get(exp, "content_type"));
    assert_int_equal(decode_to_utf8(input, len, ctype, &utf8, &ulen, charset, sizeof charset), 0);
    assert_non_null(utf8);
    assert_int_equal(strlen(utf8), ulen);           /* no NUL inside */
    check_field(name, exp, "charset", charset);

    extract_article a;
    const char *url = json_string_value(json_object_get(exp, "url"));
    extract_status st = extract_article_from_html(utf8, ulen, url, &a);
    const char *want_st = json_string_value(json_object_get(exp, "status"));
    if (want_st && strcmp(want_st, status_name(st)) != 0)
        fail_msg("%s: status: want %s, got %s", name, want_st, status_name(st));
    if (st == EXTRACT_OK) {
        assert_non_null(a.text);
        assert_true(a.word_count > 0);
        check_field(name, exp, "title", a.title);
        check_field(name, exp, "author", a.author);
        check_field(name, exp, "published_at", a.published_at);
        json_t *want_authors = json_object_get(exp, "authors");
        if (want_authors) {
            size_t k = 0;
            for (; a.authors && a.authors[k]; k++)
                if (k >= json_array_size(want_authors) ||
                    strcmp(a.authors[k], json_string_value(json_array_get(want_authors, k))))
                    fail_msg("%s: authors[%zu] is \"%s\"", name, k, a.authors[k]);
            if (k != json_array_size(want_authors))
                fail_msg("%s: %zu authors, want %zu", name, k, json_array_size(want_authors));
            if (k && strcmp(a.author, a.authors[0]))
                fail_msg("%s: author is not the first of authors", name);
        }
        check_field(name, exp, "modified_at", a.modified_at);
        check_field(name, exp, "site_name", a.site_name);
        check_field(name, exp, "language", a.language);
        check_field(name, exp, "canonical_url", a.canonical_url);
        check_field(name, exp, "image_url", a.image_url);
        check_field(name, exp, "description", a.description);
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(exp, "must"), i, v)
            if (!strstr(a.text, json_string_value(v)))
                fail_msg("%s: text lacks \"%s\"\n--- text:\n%s", name, json_string_value(v), a.text);
        json_array_foreach(json_object_get(exp, "must_not"), i, v)
            if (strstr(a.text, json_string_value(v)))
                fail_msg("%s: text has \"%s\"\n--- text:\n%s", name, json_string_value(v), a.text);
        check_snippets(name, exp, "html_must", a.content_html, 1);
        check_snippets(name, exp, "html_must_not", a.content_html, 0);
        check_snippets(name, exp, "md_must", a.content_markdown, 1);
        check_snippets(name, exp, "md_must_not", a.content_markdown, 0);
        const char *why = a.content_html ? rc_check_html(a.content_html, strlen(a.content_html)) : NULL;
        if (!why && a.content_markdown)
            why = rc_check_md(a.content_markdown, strlen(a.content_markdown));
        if (why)
            fail_msg("%s: sanitizer check: %s\n--- html:\n%s\n--- markdown:\n%s", name, why,
                     a.content_html, a.content_markdown);
        const char *whole = json_string_value(json_object_get(exp, "text_nows"));
        if (whole) {
            char *x = no_ws(whole), *y = no_ws(a.text);
            if (strcmp(x, y) != 0)
                fail_msg("%s: text differs from text_nows\n--- got:\n%s", name, a.text);
            free(x);
            free(y);
        }
    } else {
        assert_null(a.text);
        assert_null(a.title);
    }
    extract_article_release(&a);
    free(utf8);
    free(input);
    json_decref(exp);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_case_folders(void **state)
{
    (void)state;
    DIR *d = opendir(CASES_DIR);
    char *names[256];
    size_t n = 0;
    if (!d)
        fail_msg("cannot open %s (run from the repository root)", CASES_DIR);
    struct dirent *e;
    while ((e = readdir(d)) && n < 256)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], name_cmp);
    assert_true(n >= 15);
    for (size_t i = 0; i < n; i++) {
        print_message("  case %s\n", names[i]);
        run_case(names[i]);
        free(names[i]);
    }
}

/* The two encodings of the seed give the same record. */
static void test_seed_same_record(void **state)
{
    (void)state;
    const char *files[2] = { CASES_DIR "/seed-utf8/input.html", CASES_DIR "/seed-gbk/input.html" };
    extract_article a[2];
    for (int k = 0; k < 2; k++) {
        size_t len = 0, ulen = 0;
        char *in = read_file(files[k], &len), *u = NULL;
        assert_non_null(in);
        assert_int_equal(decode_to_utf8(in, len, NULL, &u, &ulen, NULL, 0), 0);
        assert_int_equal(extract_article_from_html(u, ulen, NULL, &a[k]), EXTRACT_OK);
        free(u);
        free(in);
    }
    assert_string_equal(a[0].title, a[1].title);
    assert_string_equal(a[0].text, a[1].text);
    assert_string_equal(a[0].author, a[1].author);
    assert_string_equal(a[0].published_at, a[1].published_at);
    assert_int_equal(a[0].word_count, a[1].word_count);
    extract_article_release(&a[0]);
    extract_article_release(&a[1]);
}

static char *repeat(const char *unit, size_t times, const char *prefix, const char *suffix)
{
    size_t ul = strlen(unit), pl = strlen(prefix), sl = strlen(suffix);
    char *s = malloc(pl + ul * times + sl + 1);
    assert_non_null(s);
    memcpy(s, prefix, pl);
    for (size_t i = 0; i < times; i++)
        memcpy(s + pl + i * ul, unit, ul);
    memcpy(s + pl + ul * times, suffix, sl + 1);
    return s;
}

static void test_five_mib_page(void **state)
{
    (void)state;
    const char *para = "<p>This paragraph is one of many in a very large page, and it says "
                       "thing 0000000 again, with commas, so that it scores as prose.</p>\n"
                       "<div class=\"sidebar\"><a href=\"/x\">link</a></div>\n";
    size_t times = (5u << 20) / strlen(para) + 1;
    char *html = repeat(para, times, "<html><head><title>Big</title></head><body><div class=\"content\">",
                        "</div></body></html>");
    /* number the paragraphs: identical blocks would be deduplicated */
    size_t k = 0;
    for (char *q = strstr(html, "thing 0000000"); q; q = strstr(q + 13, "thing 0000000"), k++)
        for (size_t d = 0, v = k; d < 7; d++, v /= 10)
            q[12 - d] = (char)('0' + v % 10);
    size_t len = strlen(html);
    assert_true(len >= 5u << 20);
    extract_article a;
    assert_int_equal(extract_article_from_html(html, len, NULL, &a), EXTRACT_OK);
    assert_non_null(strstr(a.text, "very large page"));
    assert_null(strstr(a.text, "link"));
    /* the text is cut at its 1 MiB cap (issue 12), not refused */
    assert_true(strlen(a.text) <= 1u << 20);
    assert_true(a.word_count > 100000);
    extract_article_release(&a);
    free(html);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    const char *kinds[3][2] = { { "<div>", "</div>" }, { "<b>", "</b>" }, { "<p><span>", "" } };
    for (int k = 0; k < 3; k++) {
        char *open = repeat(kinds[k][0], 10000, "<html><body>", "");
        char *close = repeat(kinds[k][1], 10000, "Deep text at the bottom of the tree, with a comma.", "</body></html>");
        size_t ol = strlen(open), cl = strlen(close);
        char *html = malloc(ol + cl + 1);
        assert_non_null(html);
        memcpy(html, open, ol);
        memcpy(html + ol, close, cl + 1);
        extract_article a;
        extract_status st = extract_article_from_html(html, ol + cl, NULL, &a);
        assert_true(st == EXTRACT_OK || st == EXTRACT_EMPTY || st == EXTRACT_NOT_HTML);
        if (st == EXTRACT_OK)
            assert_non_null(strstr(a.text, "Deep text at the bottom"));
        extract_article_release(&a);
        free(html);
        free(open);
        free(close);
    }
}

static void test_bad_arguments(void **state)
{
    (void)state;
    extract_article a;
    assert_int_equal(extract_article_from_html(NULL, 10, NULL, &a), EXTRACT_BADARG);
    assert_int_equal(extract_article_from_html("<p>x</p>", 8, NULL, NULL), EXTRACT_BADARG);
    assert_int_equal(extract_article_from_html("", 0, NULL, &a), EXTRACT_NOT_HTML);
    assert_null(a.text);
    extract_article_release(NULL);
}

/* Issue 12: a page over a cap is "too large", not "out of memory". */
static void test_too_large_word(void **state)
{
    (void)state;
    static const char head[] = "<html><head><title>x</title></head><body><p>", tail[] = "</p>";
    size_t word = 10u << 20, n = sizeof head - 1 + word + sizeof tail - 1;
    char *page = malloc(n + 1);
    assert_non_null(page);
    memcpy(page, head, sizeof head - 1);
    memset(page + sizeof head - 1, 'a', word);
    memcpy(page + sizeof head - 1 + word, tail, sizeof tail);
    extract_article a;
    assert_int_equal(extract_article_from_html(page, n, NULL, &a), EXTRACT_TOO_LARGE);
    assert_null(a.text);
    free(page);
}

/* Issue 12: the node and attribute bounds of extract.h refuse a page as
 * too large (not a cut tree read as "empty"); a page just under them is
 * read. Each unit below makes two nodes (an element and its text). */
static void test_node_and_attribute_bounds(void **state)
{
    (void)state;
    static const char head[] = "<html><head><title>Bounds</title></head><body><article>";
    static const char tail[] = "</article></body></html>";
    /* long enough that the DOM's cap of 12x the page does not bind first */
    const char *unit = "<b>a word, with more words in it. </b>";
    extract_article a;
    char *over = repeat(unit, EXTRACT_MAX_NODES / 2 + 1, head, tail);
    assert_int_equal(extract_article_from_html(over, strlen(over), NULL, &a), EXTRACT_TOO_LARGE);
    assert_null(a.text);
    free(over);
    char *under = repeat(unit, EXTRACT_MAX_NODES / 2 - 64, head, tail);
    assert_int_equal(extract_article_from_html(under, strlen(under), NULL, &a), EXTRACT_OK);
    assert_non_null(strstr(a.text, "a word"));
    extract_article_release(&a);
    free(under);
    /* attributes: counted whether kept or not (all but the first "a" are
     * duplicates here, and at most 64 are kept anyway) */
    char *attrs = repeat("a=b ", EXTRACT_MAX_ATTRS + 1, "<html><body><p ", ">Some text here.</p></body></html>");
    assert_int_equal(extract_article_from_html(attrs, strlen(attrs), NULL, &a), EXTRACT_TOO_LARGE);
    free(attrs);
    char *fewer = repeat("a=b ", EXTRACT_MAX_ATTRS - 1, "<html><body><p ", ">Some text here, read.</p></body></html>");
    assert_int_equal(extract_article_from_html(fewer, strlen(fewer), NULL, &a), EXTRACT_OK);
    extract_article_release(&a);
    free(fewer);
}

static void test_word_count(void **state)
{
    (void)state;
    assert_int_equal(extract_count_words(NULL), 0);
    assert_int_equal(extract_count_words(""), 0);
    assert_int_equal(extract_count_words("Hello, world! It's 2024."), 4);
    assert_int_equal(extract_count_words("大模型的热潮"), 6);
    assert_int_equal(extract_count_words("GPT-4 与 ChatGPT"), 3);
    assert_int_equal(extract_count_words("Größe über alles"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_folders),
        cmocka_unit_test(test_seed_same_record),
        cmocka_unit_test(test_five_mib_page),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_too_large_word),
        cmocka_unit_test(test_node_and_attribute_bounds),
        cmocka_unit_test(test_word_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
