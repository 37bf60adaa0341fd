/* test_summary.c -- extractive summaries (analyze/summary): length limits,
 * sentences never picked, the seed article end to end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/keywords.h"
#include "analyze/summary.h"
#include "analyze/text.h"

static text_ctx *ctx;
static kw_model *model;

static int setup(void **state)
{
    (void)state;
    char err[256];
    if (text_ctx_new("data", NULL, &ctx, err, sizeof err) != 0 ||
        kw_model_load("data", &model, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kw_model_free(model);
    text_ctx_free(ctx);
    return 0;
}

/* Summary of text; *n_sel gets how many sentences were picked. */
static char *summarize_opt(const char *title, const char *text, const sum_options *o, size_t *n_sel,
                           size_t *n_sents);

static char *summarize(const char *title, const char *text, size_t *n_sel, size_t *n_sents)
{
    return summarize_opt(title, text, NULL, n_sel, n_sents);
}

static char *summarize_opt(const char *title, const char *text, const sum_options *o, size_t *n_sel,
                           size_t *n_sents)
{
    text_doc d;
    kw_item k[KW_MAX];
    uint32_t idx[SUM_MAX_PICK];
    assert_int_equal(text_doc_build(ctx, title, text, NULL, &d), 0);
    size_t nk = kw_extract(model, &d, NULL, k, KW_MAX);
    size_t n = sum_select(model, &d, k, nk, o, idx, SUM_MAX_PICK);
    for (size_t i = 1; i < n; i++)   /* original order */
        assert_true(idx[i - 1] < idx[i]);
    for (size_t i = 0; i < n; i++)
        assert_false(d.sents[idx[i]].flags & TEXT_SF_QUESTION);
    char *s = sum_join(&d, idx, n);
    assert_non_null(s);
    if (n_sel)
        *n_sel = n;
    if (n_sents)
        *n_sents = d.n_sents;
    text_doc_release(&d);
    return s;
}

static char *read_seed(char **title)
{
    FILE *f = fopen("tests/fixtures/seed-article.txt", "r");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *nl = strchr(buf, '\n');
    assert_non_null(nl);
    *nl = '\0';
    *title = buf;
    return nl + 1;
}

static void test_seed_summary(void **state)
{
    (void)state;
    char *title, *text = read_seed(&title);
    size_t n, ns;
    char *s = summarize(title, text, &n, &ns);
    size_t chars = text_utf8_chars(s, strlen(s));
    assert_true(n >= 1 && n <= 3);
    assert_true(chars >= 20 && chars <= 260);
    /* about the article: large models and their barriers or their level */
    assert_non_null(strstr(s, "大模型"));
    assert_true(strstr(s, "壁垒") || strstr(s, "差距") || strstr(s, "水平"));
    /* not just the opening line; no interviewer label, no question */
    assert_null(strstr(s, "都快成红海了"));
    assert_null(strstr(s, "白马商评"));
    assert_null(strstr(s, "沈为："));
    assert_null(strstr(s, "？"));
    free(s);
}

static void test_short_post_gets_one_sentence(void **state)
{
    (void)state;
    size_t n;
    char *s = summarize(NULL, "雅虎发布第四季度财报，并推出剥离阿里巴巴股权的计划。"
                        "截止发稿前，雅虎股价上涨了大约7%。分析师认为剥离阿里巴巴股权有利于股东。",
                        &n, NULL);
    assert_int_equal(n, 1);
    assert_non_null(strstr(s, "阿里巴巴"));
    free(s);
}

static void test_english_length(void **state)
{
    (void)state;
    char text[8192] = "";
    const char *sent[] = {
        "The central bank raised interest rates by half a point on Thursday to fight inflation.",
        "Inflation reached its highest level in forty years last month, driven by energy prices.",
        "Economists had expected the central bank to raise interest rates by a quarter point.",
        "Will households cope with higher mortgage payments?",
        "Mortgage lenders said they would pass the higher interest rates on to borrowers quickly.",
        "The governor said further rises in interest rates could follow if inflation stays high.",
        "Shares in banks rose after the announcement while house builders fell sharply.",
        "The government welcomed the decision and promised help with energy bills.",
        "Opposition parties said the rise in interest rates would hurt families already struggling.",
        "Markets now expect interest rates to peak early next year.",
    };
    for (size_t i = 0; i < sizeof sent / sizeof sent[0]; i++) {
        strcat(text, sent[i]);
        strcat(text, i % 3 == 2 ? "\n\n" : " ");
    }
    size_t n, ns;
    char *s = summarize("Central bank raises interest rates", text, &n, &ns);
    size_t words = 0;
    for (const char *p = s; *p; p++)
        if (*p == ' ')
            words++;
    words++;
    assert_true(n >= 1 && n <= ns / 3);
    assert_true(words <= 80);   /* about 60 words */
    assert_non_null(strstr(s, "interest rates"));
    assert_null(strstr(s, "Will households"));
    free(s);
}

/* --summary-sentences N: at most N sentences in every language; the
 * English lead opens the summary; spans are printed as written */
static void test_sentences_option_and_lead(void **state)
{
    (void)state;
    const char *text =
        "Acme Corp said on Monday it would buy its rival Widget Inc for two billion dollars.\n\n"
        "The deal, which needs the approval of regulators, would create the largest maker of widgets.\n\n"
        "Widget shareholders will receive cash for each share, a premium of a third on Friday's price.\n\n"
        "Regulators in Europe are expected to examine the deal closely, analysts said.\n\n"
        "Acme has bought three smaller widget makers in the past five years.\n\n"
        "Shares in Widget rose sharply in early trading while Acme shares fell.";
    for (int k = 1; k <= 3; k++) {
        sum_options o = {.sentences = k};
        size_t n;
        char *s = summarize_opt("Acme to buy Widget", text, &o, &n, NULL);
        assert_true(k < 3 ? n == (size_t)k : n >= 2 && n <= 3);   /* at most a third of a short article */
        assert_non_null(strstr(s, "Acme Corp said on Monday"));   /* the lead */
        free(s);
    }
    size_t n;
    char *s = summarize("大模型发展", "大模型的发展很快；但是算力仍然不足。行业竞争激烈。大模型需要大量数据。", &n, NULL);
    assert_null(strstr(s, "很快。"));   /* a clause cut at ； gains no 。 */
    free(s);
}

static void test_never_quote_fragment_dateline_caption(void **state)
{
    (void)state;
    size_t n;
    const char *t =
        "LONDON (Reuters) - Oil prices fell sharply on Monday as oil demand worries grew.\n\n"
        "Photo: oil tanks at a terminal in Rotterdam\n\n"
        "\"We are seeing oil demand weaken across Europe. And it will go on\n\n"
        "for months,\" one oil trader said. Oil prices have fallen for five days in a row.\n\n"
        "Oil producers meet next week to discuss output cuts as oil prices slide further.\n\n"
        "Analysts expect oil producers to agree on deeper output cuts at the meeting.";
    char *s = summarize("Oil prices fall on demand worries", t, &n, NULL);
    assert_true(n >= 1);
    assert_null(strstr(s, "Reuters"));
    assert_null(strstr(s, "Photo"));
    assert_null(strstr(s, "for months,\""));
    free(s);
}

static void test_dateline_dropped(void **state)
{
    (void)state;
    size_t n;
    const char *t =
        "新华社北京3月5日电（记者 王小明 李大海）国务院今天发布新能源汽车产业规划，新能源汽车销量将继续增长。\n"
        "规划提出，到2025年新能源汽车销量占比达到20%左右。新能源汽车产业链将持续完善。\n"
        "动力电池技术是新能源汽车的核心。充电设施将加快建设。电池回收也将规范。";
    char *s = summarize("国务院发布新能源汽车产业规划", t, &n, NULL);
    assert_true(n >= 1);
    assert_null(strstr(s, "新华社"));
    assert_null(strstr(s, "记者"));
    assert_non_null(strstr(s, "国务院今天发布新能源汽车产业规划"));
    free(s);
}

static void test_comments_after_article_ignored(void **state)
{
    (void)state;
    size_t n;
    const char *t =
        "新能源汽车销量今年继续增长。新能源汽车的电池成本下降了两成。\n\n"
        "多家车企表示，新能源汽车的价格还会继续下调。充电设施的建设也在加快。\n\n"
        "分析人士认为，新能源汽车市场的竞争将更加激烈。\n\n评论\n\n网友8265\n\n"
        "新能源汽车太好了，新能源汽车电池便宜，新能源汽车价格下调，点赞！\n\n相关推荐\n\n"
        "新能源汽车降价潮来了";
    char *s = summarize("新能源汽车销量继续增长", t, &n, NULL);
    assert_true(n >= 1);
    assert_null(strstr(s, "点赞"));
    assert_null(strstr(s, "降价潮"));
    free(s);
    text_doc d;
    assert_int_equal(text_doc_build(ctx, NULL, t, NULL, &d), 0);
    assert_int_equal(d.n_body_sents, 5);   /* "评论" is the sixth */
    assert_true(d.n_sents > d.n_body_sents);
    text_doc_release(&d);
}

static void test_degenerate(void **state)
{
    (void)state;
    size_t n;
    char *s = summarize(NULL, "", &n, NULL);
    assert_int_equal(n, 0);
    assert_string_equal(s, "");
    free(s);
    s = summarize(NULL, "Only one sentence in this article about rising sea levels.", &n, NULL);
    assert_int_equal(n, 1);
    assert_string_equal(s, "Only one sentence in this article about rising sea levels.");
    free(s);
    s = summarize(NULL, "为什么？", &n, NULL);
    assert_int_equal(n, 0);
    free(s);
    s = summarize(NULL, "தமிழ் ஒரு மொழி ஆகும். இது மிகவும் பழமையான மொழிகளில் ஒன்றாகும், இன்றும் பேசப்படுகிறது.", &n, NULL);
    assert_true(n <= 1);
    free(s);
    text_doc d;
    assert_int_equal(text_doc_build(ctx, NULL, "Some words here. More words there.", NULL, &d), 0);
    char *x = sum_extract(NULL, &d, NULL, 0, NULL);   /* no model, no keywords */
    assert_non_null(x);
    free(x);
    text_doc_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_summary),
        cmocka_unit_test(test_short_post_gets_one_sentence),
        cmocka_unit_test(test_english_length),
        cmocka_unit_test(test_sentences_option_and_lead),
        cmocka_unit_test(test_never_quote_fragment_dateline_caption),
        cmocka_unit_test(test_dateline_dropped),
        cmocka_unit_test(test_comments_after_article_ignored),
        cmocka_unit_test(test_degenerate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
