/* test_dates.c -- time expressions x publication dates -> ISO 8601. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "analyze/dates.h"

typedef struct row {
    const char *text;
    const char *published;   /* NULL = no anchor */
    const char *want;        /* NULL = nothing resolved */
} row;

static const row ROWS[] = {
    {"去年11月，OpenAI发布ChatGPT", "2023-07-03", "2022-11"},
    {"去年11月，OpenAI发布ChatGPT", "2024-01-15T08:00:00+08:00", "2023-11"},
    {"今年5月谷歌首席科学家辞职", "2023-07-03", "2023-05"},
    {"今年3月包括马斯克在内的1000多人签署了一份公开信", "2023-07-03", "2023-03"},
    {"5月初，周鸿祎对外称", "2023-07-03", "2023-05"},
    {"11月底发布", "2023-07-03", "2022-11"},
    {"3月15日，公司宣布", "2023-07-03", "2023-03-15"},
    {"12月28日晚发生火灾", "2009-01-03", "2008-12-28"},
    {"１５日上午", "2008-05-17", "2008-05-15"},
    {"28日凌晨", "2008-05-02", "2008-04-28"},
    {"十月八日下午", "2008-10-09", "2008-10-08"},
    {"十二日晚", "2008-05-13", "2008-05-12"},
    {"2012-2017年是第一个阶段", "2023-07-03", "2012/2017"},
    {"2012-2017年是第一个阶段", NULL, "2012/2017"},
    {"2017年，Transformer问世", NULL, "2017"},
    {"2008年5月12日14时28分", NULL, "2008-05-12"},
    {"二〇〇八年五月十二日", NULL, "2008-05-12"},
    {"2022-11-30 released", NULL, "2022-11-30"},
    {"上周，公司宣布裁员", "2023-07-05", "2023-W26"},
    {"上周三签约", "2023-07-05", "2023-06-28"},
    {"周二发布", "2023-07-05", "2023-07-04"},
    {"上个月", "2023-01-10", "2022-12"},
    {"昨天下午1点多，两车相撞", "2008-04-05", "2008-04-04"},
    {"昨天下午1点多，两车相撞", NULL, NULL},
    {"今天已经接近国际水平", "2023-07-03", NULL},
    {"今天上午10时", "2023-07-03", "2023-07-03"},
    {"明年将上市", "2023-07-03", "2024"},
    {"3个月后", "2023-07-03", NULL},
    {"OpenAI released it last November.", "2023-07-03", "2022-11"},
    {"OpenAI released it last November.", "2023-11-20", "2022-11"},
    {"The firm said on Tuesday that", "2005-02-10", "2005-02-08"},
    {"shares fell in January", "2005-03-01", "2005-01"},
    {"will launch in January", "2004-12-10", "2005-01"},
    {"profits will rise next year", "2005-03-01", "2006"},
    {"on 15 March 2005 the board", NULL, "2005-03-15"},
    {"on March 15, 2005 the board", NULL, "2005-03-15"},
    {"It may rain", "2005-03-01", NULL},
    {"sales in 2004 rose", NULL, "2004"},
    {"yesterday", "2005-03-01", "2005-02-28"},
    {"Today, the firm said", "2005-03-01", "2005-03-01"},
    {"He told BBC Radio 4's Today programme", "2005-03-01", NULL},
    {"no date here at all", "2005-03-01", NULL},
    /* a month name only in a date context */
    {"Jan Kavan, the foreign minister, said", "1998-01-08", NULL},
    {"May I ask a question", "2005-03-01", NULL},
    {"March on the capital", "2005-03-01", NULL},
    {"the deal closed in March", "2005-06-01", "2005-03"},
    {"since January sales fell", "2005-06-01", "2005-01"},
    {"As of Sept. 30, the bank had", "1989-11-02", "1989-09-30"},
    {"expires Jan. 5", "1989-12-20", "1990-01-05"},
    /* relative to the publication date */
    {"reported a third-quarter loss", "1989-11-02", "1989"},
    {"net income in the fourth quarter", "1990-02-10", "1989"},
    {"the loss for the quarter", "1990-01-10", "1989"},
    {"up from seven a year ago", "1989-11-02", "1988"},
    {"year-earlier profit", "1989-11-02", "1988"},
    {"five years ago in a share offering", "1989-11-02", "1984"},
    {"said a month ago", "1989-01-20", "1988-12"},
    {"CBS reported last night", "1998-01-08", "1998-01-07"},
    {"this summer, he said", "1998-04-01", "1998"},
    {"last winter was cold", "1998-04-01", "1997"},
    {"In nineteen ninety-one Keating was convicted", "1998-01-08", "1991"},
    {"sales in fiscal 1989 rose", NULL, "1989"},
    {"he will begin withdrawing on Friday", "1990-08-15", "1990-08-17"},
    {"began withdrawing on Friday", "1990-08-15", "1990-08-10"},
    {"an editorial on Saturday, April 25: The", "1998-04-27", "1998-04-25"},
    {"speaking on ABC's \"This Week,\" said", "1990-08-19", NULL},
};

static void test_table(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof ROWS / sizeof *ROWS; i++) {
        date_anchor a = {0, 0, 0};
        if (ROWS[i].published)
            assert_int_equal(date_anchor_parse(ROWS[i].published, &a), 0);
        date_match m;
        int found = date_find(ROWS[i].text, strlen(ROWS[i].text), ROWS[i].published ? &a : NULL, &m);
        const char *got = found ? m.iso : NULL;
        int ok = ROWS[i].want ? got && !strcmp(got, ROWS[i].want) : !got;
        if (!ok) {
            fprintf(stderr, "row %zu: \"%s\" @ %s: want %s got %s\n", i, ROWS[i].text,
                    ROWS[i].published ? ROWS[i].published : "-", ROWS[i].want ? ROWS[i].want : "null",
                    got ? got : "null");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_anchor_forms(void **state)
{
    (void)state;
    date_anchor a;
    assert_int_equal(date_anchor_parse("2008年04月05日 09:12", &a), 0);
    assert_true(a.y == 2008 && a.m == 4 && a.d == 5);
    assert_int_equal(date_anchor_parse("2006-8-14 9:34:32", &a), 0);
    assert_true(a.y == 2006 && a.m == 8 && a.d == 14);
    assert_int_equal(date_anchor_parse("2023-07-03T10:12:00+08:00", &a), 0);
    assert_true(a.y == 2023 && a.m == 7 && a.d == 3);
    assert_int_equal(date_anchor_parse("not a date", &a), -1);
    assert_int_equal(date_anchor_parse(NULL, &a), -1);
}

static void test_deictic_flag(void **state)
{
    (void)state;
    date_anchor a;
    date_match m;
    assert_int_equal(date_anchor_parse("2008-05-13", &a), 0);
    assert_int_equal(date_find("昨天", strlen("昨天"), &a, &m), 1);
    assert_int_equal(m.deictic, 1);
    assert_int_equal(date_find("5月12日", strlen("5月12日"), &a, &m), 1);
    assert_int_equal(m.deictic, 0);
    assert_int_equal(date_find("据悉，12日下午", strlen("据悉，12日下午"), &a, &m), 1);
    assert_int_equal(m.start, strlen("据悉，"));
    assert_string_equal(m.iso, "2008-05-12");
}

/* dates told from the event before: 一个月后, 次日, a month later, the next day */
static void test_chain(void **state)
{
    (void)state;
    static const struct { const char *text, *prev, *want; } C[] = {
        {"仅仅一个月后，周鸿祎就表示", "2023-05", "2023-06"},
        {"次日凌晨，火被扑灭", "2008-12-28", "2008-12-29"},
        {"当天下午", "2008-05-12", "2008-05-12"},
        {"两天后", "2008-12-30", "2009-01-01"},
        {"3个月后", "2023-11", "2024-02"},
        {"A month later the firm said", "2005-01-20", "2005-02"},
        {"the next day, police said", "1998-08-07", "1998-08-08"},
        {"three days later", "1998-02-27", "1998-03-02"},
        {"two years later", "1998", "2000"},
        {"次日", "2008-05", NULL},          /* a day offset needs a day */
        {"两年前", "2008-05-12", NULL},     /* not a chained expression */
        {"no offset here", "2008-05-12", NULL},
    };
    for (size_t i = 0; i < sizeof C / sizeof *C; i++) {
        char out[24] = "";
        int got = date_chain(C[i].text, strlen(C[i].text), C[i].prev, out, sizeof out);
        if (!C[i].want) {
            assert_int_equal(got, 0);
        } else {
            assert_int_equal(got, 1);
            assert_string_equal(out, C[i].want);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_anchor_forms),
        cmocka_unit_test(test_deictic_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
