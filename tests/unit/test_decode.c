/* test_decode.c -- unit tests of decode_to_utf8 and decode_to_utf8_take
 * (ingest/decode.c).
 *
 * Charset choice (BOM, header, <meta>, detection, browser label mapping,
 * the two repairs for lying pages), conversion of each supported legacy
 * charset, replacement of invalid bytes without truncation, NFC output,
 * argument checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/decode.h"

typedef struct dec {
    char *out;
    size_t len;
    char cs[64];
} dec;

static void run(dec *d, const char *bytes, size_t len, const char *ctype)
{
    memset(d, 0, sizeof *d);
    assert_int_equal(decode_to_utf8(bytes, len, ctype, &d->out, &d->len, d->cs, sizeof d->cs), 0);
    assert_non_null(d->out);
    assert_int_equal(strlen(d->out), d->len);
}

static void test_utf8_plain(void **state)
{
    (void)state;
    dec d;
    const char *s = "<p>Grüße, 世界</p>";
    run(&d, s, strlen(s), NULL);
    assert_string_equal(d.out, s);
    assert_string_equal(d.cs, "UTF-8");
    free(d.out);
}

static void test_boms(void **state)
{
    (void)state;
    dec d;
    run(&d, "\xEF\xBB\xBF<p>x</p>", 11, NULL);
    assert_string_equal(d.out, "<p>x</p>");
    free(d.out);
    /* UTF-16LE "<a>é" */
    run(&d, "\xFF\xFE<\0a\0>\0\xE9\0", 10, NULL);
    assert_string_equal(d.out, "<a>\xC3\xA9");
    assert_string_equal(d.cs, "UTF-16LE");
    free(d.out);
}

static void test_gbk_meta_http_equiv(void **state)
{
    (void)state;
    dec d;
    /* 中文 in GBK, declared by http-equiv as gb2312: read as GB18030 */
    const char *s = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
                    "<p>\xD6\xD0\xCE\xC4</p>";
    run(&d, s, strlen(s), NULL);
    assert_non_null(strstr(d.out, "<p>中文</p>"));
    assert_string_equal(d.cs, "GB18030");
    free(d.out);
}

static void test_header_wins_over_meta(void **state)
{
    (void)state;
    dec d;
    const char *s = "<meta charset=\"utf-8\"><p>\xE9t\xE9</p>";   /* latin-1 bytes */
    run(&d, s, strlen(s), "text/html; charset=ISO-8859-1");
    assert_non_null(strstr(d.out, "été"));
    assert_string_equal(d.cs, "windows-1252");
    free(d.out);
}

static void test_windows_1252_specials(void **state)
{
    (void)state;
    dec d;
    const char *s = "<meta charset=iso-8859-1><p>\x80 5 \x93quoted\x94</p>";
    run(&d, s, strlen(s), NULL);
    assert_non_null(strstr(d.out, "€ 5 “quoted”"));
    free(d.out);
}

static void test_legacy_charsets(void **state)
{
    (void)state;
    static const struct { const char *ctype, *bytes, *want; } cases[] = {
        { "text/html; charset=big5", "<p>\xA4\xA4\xA4\xE5</p>", "<p>中文</p>" },
        { "text/html; charset=shift_jis", "<p>\x93\xFA\x96\x7B</p>", "<p>日本</p>" },
        { "text/html; charset=euc-kr", "<p>\xC7\xD1\xB1\xB9</p>", "<p>한국</p>" },
        { "text/html; charset=koi8-r", "<p>\xED\xEF\xF3\xEB\xF7\xE1" "</p>", "<p>МОСКВА</p>" },
        { "text/html; charset=windows-1251", "<p>\xCC\xEE\xF1\xEA\xE2\xE0</p>", "<p>Москва</p>" },
        { "text/html; charset=iso-8859-2", "<p>\xB3\xF3" "d\xBC</p>", "<p>łódź</p>" },
        { "text/html; charset=iso-8859-7", "<p>\xC1\xE8\xDE\xED\xE1</p>", "<p>Αθήνα</p>" },
        { "text/html; charset=windows-1250", "<p>\x9Al\xE1" "gr</p>", "<p>šlágr</p>" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dec d;
        run(&d, cases[i].bytes, strlen(cases[i].bytes), cases[i].ctype);
        if (strcmp(d.out, cases[i].want) != 0)
            fail_msg("%s: got %s", cases[i].ctype, d.out);
        free(d.out);
    }
}

static void test_invalid_bytes_replaced(void **state)
{
    (void)state;
    dec d;
    /* declared UTF-8, one stray byte in the middle: replaced, rest kept */
    const char *s = "<meta charset=utf-8><p>before \xFF after, and more text that is plain ASCII so "
                    "that detection has no reason to pick another charset.</p>";
    run(&d, s, strlen(s), NULL);
    assert_non_null(strstr(d.out, "before \xEF\xBF\xBD after"));
    assert_non_null(strstr(d.out, "another charset.</p>"));
    free(d.out);
    /* NUL bytes never truncate the output */
    run(&d, "<p>a\0b</p>", 10, NULL);
    assert_string_equal(d.out, "<p>a\xEF\xBF\xBD" "b</p>");
    assert_string_equal(d.cs, "UTF-8");
    free(d.out);
}

static void test_declared_legacy_but_utf8(void **state)
{
    (void)state;
    dec d;
    const char *s = "<meta charset=gb2312><p>这是UTF-8的字节</p>";
    run(&d, s, strlen(s), NULL);
    assert_non_null(strstr(d.out, "这是UTF-8的字节"));
    assert_string_equal(d.cs, "UTF-8");
    free(d.out);
}

static void test_declared_utf8_but_gbk(void **state)
{
    (void)state;
    dec d;
    /* a page that says UTF-8 while its text is GBK goes to detection */
    const char *s = "<meta charset=utf-8><p>\xD6\xD0\xB9\xFA\xC8\xCB\xC3\xF1\xD2\xF8\xD0\xD0"
                    "\xD0\xFB\xB2\xBC\xA3\xAC\xBD\xF1\xC4\xEA\xBE\xAD\xBC\xC3\xD4\xF6\xB3\xA4"
                    "\xCE\xC8\xB6\xA8\xA1\xA3\xD6\xD0\xB9\xFA\xC8\xCB\xC3\xF1\xD2\xF8\xD0\xD0</p>";
    run(&d, s, strlen(s), NULL);
    assert_non_null(strstr(d.out, "中国人民银行"));
    free(d.out);
}

static void test_nfc(void **state)
{
    (void)state;
    dec d;
    const char *s = "<p>Cafe\xCC\x81</p>";   /* e + U+0301 */
    run(&d, s, strlen(s), NULL);
    assert_string_equal(d.out, "<p>Caf\xC3\xA9</p>");
    free(d.out);
}

static void test_unknown_charset_label(void **state)
{
    (void)state;
    dec d;
    const char *s = "<meta charset=x-no-such-charset><p>plain \xE9</p>";
    run(&d, s, strlen(s), NULL);
    assert_non_null(strstr(d.out, "plain "));
    free(d.out);
}

/* Issue 12: only WHATWG labels are obeyed; ICU's others (EBCDIC ibm-37,
 * bocu-1) would turn an ASCII page into noise. */
static void test_non_whatwg_labels_ignored(void **state)
{
    (void)state;
    static const char *const ctypes[] = {
        "text/html; charset=ibm-37", "text/html; charset=bocu-1", "text/html; charset=cp037",
        "text/html; charset=scsu", NULL };
    const char *page = "<html><head><title>Plain news</title></head><body><p>An ASCII page.</p>";
    for (int i = 0; ctypes[i]; i++) {
        dec d;
        run(&d, page, strlen(page), ctypes[i]);
        if (strcmp(d.out, page) != 0)
            fail_msg("%s: got %s", ctypes[i], d.out);
        free(d.out);
    }
    dec d;
    const char *meta = "<meta charset=\"ibm-37\"><p>plain</p>";
    run(&d, meta, strlen(meta), NULL);
    assert_string_equal(d.out, meta);
    free(d.out);
    /* a bad header label falls through to a good <meta> */
    const char *gbk = "<meta charset=gbk><p>\xD6\xD0\xCE\xC4</p>";
    run(&d, gbk, strlen(gbk), "text/html; charset=bocu-1");
    assert_non_null(strstr(d.out, "中文"));
    free(d.out);
}

/* A UTF-16 label in the HTTP header is obeyed (no BOM needed). */
static void test_utf16_header(void **state)
{
    (void)state;
    static const char ascii[] = "<html><p>News \xE4\xB8\xAD</p></html>";   /* UTF-8 source */
    /* the same text in UTF-16LE, by hand: ASCII bytes then 00, 中 = 4E2D */
    unsigned char le[128];
    size_t n = 0;
    for (const char *p = "<html><p>News "; *p; p++) {
        le[n++] = (unsigned char)*p;
        le[n++] = 0;
    }
    le[n++] = 0x2D;
    le[n++] = 0x4E;
    for (const char *p = "</p></html>"; *p; p++) {
        le[n++] = (unsigned char)*p;
        le[n++] = 0;
    }
    dec d;
    run(&d, (const char *)le, n, "text/html; charset=utf-16");
    assert_string_equal(d.out, ascii);
    free(d.out);
    run(&d, (const char *)le, n, "text/html; charset=UTF-16LE");
    assert_string_equal(d.out, ascii);
    free(d.out);
}

/* A malloc'd copy of s[0..n) with its NUL, as fetch and store give pages. */
static char *owned(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    assert_non_null(p);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Issue 12: decode_to_utf8_take reads a UTF-8 page in place (the output
 * is the buffer it took); a page it converts gets a new
 * buffer and the one taken is freed (the ASan build's leak check sees it);
 * on bad arguments the buffer is freed too. */
static void test_take(void **state)
{
    (void)state;
    char *out = NULL, cs[32];
    size_t len = 0;
    const char *s = "<p>Grüße, 世界</p>";
    char *in = owned(s, strlen(s));
    assert_int_equal(decode_to_utf8_take(in, strlen(s), NULL, &out, &len, cs, sizeof cs), 0);
    assert_ptr_equal(out, in);
    assert_string_equal(out, s);
    assert_int_equal(len, strlen(s));
    free(out);
    /* a BOM settles the charset before the bytes are checked: converted */
    in = owned("\xEF\xBB\xBF<p>x</p>", 11);
    assert_int_equal(decode_to_utf8_take(in, 11, NULL, &out, &len, NULL, 0), 0);
    assert_string_equal(out, "<p>x</p>");
    assert_int_equal(len, 8);
    free(out);
    const char *gbk = "<meta charset=gbk><p>\xD6\xD0\xCE\xC4</p>";
    in = owned(gbk, strlen(gbk));
    assert_int_equal(decode_to_utf8_take(in, strlen(gbk), NULL, &out, &len, cs, sizeof cs), 0);
    assert_non_null(strstr(out, "<p>中文</p>"));
    assert_string_equal(cs, "GB18030");
    free(out);
    in = owned("x", 1);
    assert_int_equal(decode_to_utf8_take(in, 1, NULL, NULL, &len, NULL, 0), -1);
}

static void test_arguments(void **state)
{
    (void)state;
    char *out = (char *)1;
    size_t len = 7;
    assert_int_equal(decode_to_utf8(NULL, 3, NULL, &out, &len, NULL, 0), -1);
    assert_int_equal(decode_to_utf8("x", 1, NULL, NULL, &len, NULL, 0), -1);
    assert_int_equal(decode_to_utf8(NULL, 0, NULL, &out, &len, NULL, 0), 0);
    assert_non_null(out);
    assert_int_equal(len, 0);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_plain),
        cmocka_unit_test(test_boms),
        cmocka_unit_test(test_gbk_meta_http_equiv),
        cmocka_unit_test(test_header_wins_over_meta),
        cmocka_unit_test(test_windows_1252_specials),
        cmocka_unit_test(test_legacy_charsets),
        cmocka_unit_test(test_invalid_bytes_replaced),
        cmocka_unit_test(test_declared_legacy_but_utf8),
        cmocka_unit_test(test_declared_utf8_but_gbk),
        cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_unknown_charset_label),
        cmocka_unit_test(test_non_whatwg_labels_ignored),
        cmocka_unit_test(test_utf16_header),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
