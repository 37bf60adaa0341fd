/* test_events.c -- event clauses: trimming, filters, dates, actors, the seed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/events.h"

static char *read_fixture(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static json_t *events_of(const char *text, const char *published)
{
    json_t *ev = NULL;
    assert_int_equal(event_extract(NULL, NULL, text, published, &ev), 0);
    assert_true(json_is_array(ev));
    return ev;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* index of the first event whose text holds every needle, or -1 */
static int find_event(json_t *ev, const char *a, const char *b)
{
    size_t i;
    json_t *e;
    json_array_foreach(ev, i, e) {
        const char *t = json_string_value(json_object_get(e, "text"));
        if (t && strstr(t, a) && (!b || strstr(t, b)))
            return (int)i;
    }
    return -1;
}

static int has_actor(json_t *e, const char *name)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(e, "actors"), i, a)
        if (!strcmp(json_string_value(a), name))
            return 1;
    return 0;
}

static void test_trim_zh(void **state)
{
    (void)state;
    /* one sentence of ~170 characters: the event keeps the trigger and stays within 120 */
    const char *text =
        "2023年5月10日，某某科技集团在北京举行的年度大会上正式宣布推出新一代智能芯片产品线，"
        "这一产品线覆盖云端训练、边缘推理、车载计算、智能终端、工业控制、医疗影像、金融风控、"
        "城市治理、能源调度、物流仓储、零售分析、教育辅助、农业监测、环境保护、航空航天、海洋探测"
        "等数十个应用领域和行业场景，预计将在未来三年内陆续落地并服务上千家企业客户。";
    json_t *ev = events_of(text, "2023-05-11");
    assert_true(json_array_size(ev) >= 1);
    const char *t = json_string_value(json_object_get(json_array_get(ev, 0), "text"));
    assert_true(utf8_chars(t) <= EVENT_MAX_ZH_CHARS);
    assert_non_null(strstr(t, "宣布"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "date")), "2023-05-10");
    assert_true(has_actor(json_array_get(ev, 0), "某某科技集团"));
    json_decref(ev);
}

static void test_trim_en(void **state)
{
    (void)state;
    const char *text =
        "Shares in the company, which has been struggling with falling sales across Europe and Asia for "
        "most of the past three years despite several attempts at reorganisation, jumped after Acme Corp "
        "announced on Tuesday that it had acquired its largest rival in a deal worth about two billion "
        "dollars, according to people familiar with the matter.";
    json_t *ev = events_of(text, "2005-02-10");
    assert_int_equal(json_array_size(ev), 1);
    const char *t = json_string_value(json_object_get(json_array_get(ev, 0), "text"));
    assert_string_equal(t, text);   /* the whole sentence, never cut mid-phrase */
    assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "date")), "2005-02-08");
    assert_true(has_actor(json_array_get(ev, 0), "Acme Corp"));
    json_decref(ev);
}

/* English sentences: abbreviations ICU's en@ss=standard list and ours
 * know do not end them; an event is a whole sentence */
static void test_sentences_en(void **state)
{
    (void)state;
    static const char *const whole[] = {
        "The embassy was bombed on Aug. 7 at 10:30 a.m. by a group that Acme Inc. had warned about.",
        "Officials in the U.S. said on Monday that they had arrested John F. Kennedy Jr. in Austin, Tex., "
        "after a chase.",
        "Iraq said on Tuesday the roundup was to protect them; the talks were suspended.",
        "Prices rose on Dec. 3, the agency said on Friday.",
    };
    for (size_t k = 0; k < sizeof whole / sizeof *whole; k++) {
        json_t *ev = events_of(whole[k], "1998-08-10");
        assert_int_equal(json_array_size(ev), 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "text")), whole[k]);
        json_decref(ev);
    }
    /* a line break always ends one; "Jan Kavan" is a minister, not a date */
    json_t *ev = events_of("Jan Kavan, the foreign minister, announced the plan.\nThe Pentagon said on Monday that the troops withdrew.", "1998-01-08");
    assert_int_equal(json_array_size(ev), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "text")),
                        "Jan Kavan, the foreign minister, announced the plan.");
    assert_true(json_is_null(json_object_get(json_array_get(ev, 0), "date")));
    json_decref(ev);
}

/* actors are names that act: no datelines, no capitalised common words,
 * no abbreviations cut at their dot, no nationality adjectives */
static void test_actors_en(void **state)
{
    (void)state;
    const char *text =
        "WASHINGTON (AP) — Gen. Colin Powell said on Monday that Iraqi troops had left Kuwait.\n"
        "Shares of Acme Corp. fell after Acme announced on Tuesday that it would cut jobs.\n"
        "Analysts said on Wednesday that the Pentagon had ordered more troops.";
    json_t *ev = events_of(text, "1990-08-15");
    assert_true(json_array_size(ev) >= 2);
    size_t i;
    json_t *e;
    json_array_foreach(ev, i, e) {
        assert_false(has_actor(e, "WASHINGTON"));
        assert_false(has_actor(e, "Gen"));
        assert_false(has_actor(e, "Iraqi"));
        assert_false(has_actor(e, "Shares"));
        assert_false(has_actor(e, "Analysts"));
    }
    int k = find_event(ev, "Colin Powell", NULL);
    assert_true(k >= 0);
    assert_true(has_actor(json_array_get(ev, (size_t)k), "Colin Powell"));
    k = find_event(ev, "Pentagon", NULL);
    assert_true(k >= 0);
    assert_true(has_actor(json_array_get(ev, (size_t)k), "Pentagon"));
    json_decref(ev);
}

static void test_filters(void **state)
{
    (void)state;
    /* a question, a hypothetical, a negated act, an opinion: none is an event */
    json_t *ev = events_of("腾讯公司会不会发布新产品？如果阿里巴巴集团宣布收购，市场将震动。"
                           "百度公司没有发布任何消息。张三教授认为大模型很重要。", "2023-07-03");
    assert_int_equal(json_array_size(ev), 0);
    json_decref(ev);
    ev = events_of("Will Acme Corp buy it? If Acme Corp announced a deal, shares would rise.", "2005-02-10");
    assert_int_equal(json_array_size(ev), 0);
    json_decref(ev);
}

static void test_merge_and_no_anchor(void **state)
{
    (void)state;
    /* the same event told twice is kept once; without a publication date relative dates stay null */
    json_t *ev = events_of("去年11月，OpenAI发布ChatGPT。去年11月，OpenAI发布了ChatGPT。2017年，谷歌公司发布Transformer。",
                           NULL);
    assert_int_equal(json_array_size(ev), 2);
    int a = find_event(ev, "ChatGPT", NULL), b = find_event(ev, "Transformer", NULL);
    assert_true(a >= 0 && b >= 0);
    assert_true(json_is_null(json_object_get(json_array_get(ev, (size_t)a), "date")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(ev, (size_t)b), "date")), "2017");
    json_decref(ev);
}

static void test_bad_bytes(void **state)
{
    (void)state;
    /* bytes that are not UTF-8 inside an event: that event is left out, nothing fails */
    json_t *ev = events_of("去年11月，OpenAI发布\xff\xe4" "ChatGPT。2017年，谷歌公司发布Transformer。", "2023-07-03");
    assert_int_equal(json_array_size(ev), 1);
    assert_true(find_event(ev, "Transformer", NULL) == 0);
    json_decref(ev);
}

static void test_seed(void **state)
{
    (void)state;
    char *text = read_fixture("tests/fixtures/seed_article.txt");
    json_t *ev = events_of(text, "2023-07-03T10:12:00+08:00");
    assert_true(json_array_size(ev) >= 4 && json_array_size(ev) <= EVENT_MAX);
    /* the ChatGPT release, dated 2022-11, by OpenAI */
    int i = find_event(ev, "OpenAI发布", "ChatGPT");
    assert_true(i >= 0);
    json_t *e = json_array_get(ev, (size_t)i);
    assert_string_equal(json_string_value(json_object_get(e, "date")), "2022-11");
    assert_true(has_actor(e, "OpenAI"));
    /* the 百模大战 */
    assert_true(find_event(ev, "百模大战", "宣布") >= 0);
    /* 周鸿祎's statement and its reversal */
    i = find_event(ev, "周鸿祎", "吹牛");
    assert_true(i >= 0);
    assert_true(has_actor(json_array_get(ev, (size_t)i), "周鸿祎"));
    assert_true(find_event(ev, "周鸿祎", "收回") >= 0);
    int later = find_event(ev, "一个月后", "周鸿祎");   /* chained: a month after 5月初 */
    assert_true(later >= 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ev, (size_t)later), "date")), "2023-06");
    size_t k;
    json_array_foreach(ev, k, e)
        assert_true(utf8_chars(json_string_value(json_object_get(e, "text"))) <= EVENT_MAX_ZH_CHARS);
    json_decref(ev);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trim_zh),
        cmocka_unit_test(test_trim_en),
        cmocka_unit_test(test_sentences_en),
        cmocka_unit_test(test_actors_en),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_merge_and_no_anchor),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
