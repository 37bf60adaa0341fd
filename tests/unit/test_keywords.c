/* test_keywords.c -- keyword ranking and filtering (analyze/keywords),
 * the seed article end to end. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/analyze.h"
#include "analyze/keywords.h"
#include "analyze/text.h"
#include "server/pipeline.h"

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

static size_t run(const char *title, const char *text, const char *url, kw_item *out)
{
    text_doc d;
    assert_int_equal(text_doc_build(ctx, title, text, NULL, &d), 0);
    size_t n = kw_extract(model, &d, url, out, KW_MAX);
    text_doc_release(&d);
    return n;
}

static int contains(const kw_item *k, size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(k[i].text, word))
            return 1;
    return 0;
}

static int mentions(const kw_item *k, size_t n, const char *part)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(k[i].text, part))
            return 1;
    return 0;
}

/* tests/fixtures/seed-article.txt: title line, then the article text */
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

static void test_seed_keywords(void **state)
{
    (void)state;
    char *title, *text = read_seed(&title);
    kw_item k[KW_MAX];
    size_t n = run(title, text, "https://baijiahao.baidu.com/s?id=1770461794592856916", k);
    assert_true(n >= 5);
    assert_string_equal(k[0].text, "大模型");
    const char *banned[] = { "白马", "商评", "白马商评", "文", "沈为", "记者", "编辑" };
    for (size_t b = 0; b < sizeof banned / sizeof banned[0]; b++)
        if (contains(k, n, banned[b]) || (b < 3 && mentions(k, n, banned[b])))
            fail_msg("keyword %s must not appear", banned[b]);
    assert_true(contains(k, n, "ChatGPT") || contains(k, n, "算力") || contains(k, n, "人工智能"));
    /* best first, no duplicates */
    for (size_t i = 1; i < n; i++) {
        assert_true(k[i - 1].score >= k[i].score);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(k[i].norm, k[j].norm);
    }
}

static void test_bylines_and_boilerplate_dropped(void **state)
{
    (void)state;
    kw_item k[KW_MAX];
    const char *t =
        "新华社北京3月5日电（记者 王小明 李大海）国务院今天发布新能源汽车产业规划。\n"
        "规划提出，到2025年新能源汽车销量占比达到20%左右。新能源汽车产业链将持续完善。\n"
        "王小明报道说，新能源汽车的充电设施也将加快建设。动力电池技术是新能源汽车的核心。\n"
        "责任编辑：张三丰";
    size_t n = run("国务院发布新能源汽车产业规划", t, NULL, k);
    assert_true(n > 0);
    assert_true(mentions(k, n, "新能源汽车"));
    assert_false(mentions(k, n, "王小明"));
    assert_false(mentions(k, n, "李大海"));
    assert_false(mentions(k, n, "张三丰"));
    assert_false(contains(k, n, "记者"));
    assert_false(contains(k, n, "责任编辑"));
    for (size_t i = 0; i < n; i++) {   /* no bare numbers */
        const char *s = k[i].text;
        assert_false(strspn(s, "0123456789.%年月日") == strlen(s));
    }
}

static void test_speaker_labels_dropped(void **state)
{
    (void)state;
    kw_item k[KW_MAX];
    const char *t =
        "钱塘观察：芯片产业最大的难题是什么？\n张德胜：芯片产业的难题在光刻机和人才。\n"
        "钱塘观察：光刻机能突破吗？\n张德胜：光刻机需要长期投入，芯片人才也需要培养。\n"
        "钱塘观察：芯片的未来在哪里？\n张德胜：芯片会越来越重要。";
    size_t n = run("芯片产业访谈", t, NULL, k);
    assert_true(n > 0);
    assert_string_equal(k[0].text, "芯片");
    assert_false(mentions(k, n, "钱塘"));
    assert_false(mentions(k, n, "张德胜"));
}

static void test_english_phrases_and_sites(void **state)
{
    (void)state;
    kw_item k[KW_MAX];
    const char *t =
        "By Jane Doe\n\n"
        "Regulators in Brussels are studying how a large language model is trained. "
        "The large language model at the centre of the inquiry was built by a start-up. "
        "Critics say every large language model needs audits. Brussels wants answers by June. "
        "The start-up said its large language model was safe.\n\n"
        "Reporting by Jane Doe; Editing by Tom Roe";
    size_t n = run("EU regulators examine a large language model - Example News", t,
                   "https://www.examplenews.com/tech/1", k);
    assert_true(n > 0);
    assert_true(contains(k, n, "large language model"));
    assert_false(mentions(k, n, "Jane"));
    assert_false(mentions(k, n, "Doe"));
    assert_false(mentions(k, n, "Roe"));
    assert_false(mentions(k, n, "Example News"));
    /* a part of a better keyword is dropped when it never stands alone */
    if (contains(k, n, "large language model"))
        assert_false(contains(k, n, "language model"));
}

static void test_name_replaces_its_part(void **state)
{
    (void)state;
    kw_item k[KW_MAX];
    const char *t =
        "Shares in Allied Domecq rose on Monday. Traders said Allied Domecq could attract a bid. "
        "A rival bid for Allied Domecq would value the drinks group highly. "
        "The drinks group makes whisky and gin.";
    size_t n = run("Bid talk lifts drinks group", t, NULL, k);
    assert_true(contains(k, n, "Allied Domecq"));
    assert_false(contains(k, n, "Domecq"));
}

static void test_other_languages(void **state)
{
    (void)state;
    kw_item k[KW_MAX];
    const char *de =
        "Die Bundesregierung will den Ausbau der Windkraft beschleunigen. Die Windkraft soll bis 2030 "
        "die Hälfte des Stroms liefern. Der Ausbau der Windkraft stockt aber seit Jahren, sagen die Verbände. "
        "Für die Windkraft fehlen vor allem Flächen und Genehmigungen.";
    size_t n = run("Regierung will Windkraft schneller ausbauen", de, NULL, k);
    assert_true(n > 0);
    assert_string_equal(k[0].text, "Windkraft");
    for (size_t i = 0; i < n; i++) {   /* no German function words */
        assert_string_not_equal(k[i].norm, "die");
        assert_string_not_equal(k[i].norm, "der");
        assert_string_not_equal(k[i].norm, "und");
    }
    const char *fr =
        "Le gouvernement veut accélérer l'énergie solaire. L'énergie solaire doit fournir la moitié de "
        "l'électricité en 2030. Les producteurs d'énergie solaire demandent des terrains.";
    n = run("L'énergie solaire accélère", fr, NULL, k);
    assert_true(n > 0);
    assert_true(contains(k, n, "énergie solaire") || contains(k, n, "énergie"));
    assert_false(mentions(k, n, "l'"));
    /* German keywords alone are nouns (capitalised); calendar words are no keywords */
    const char *de2 =
        "Die Bundesregierung hat am Mittwoch ein neues Klimaschutzgesetz beschlossen. Das neue Gesetz sieht vor, "
        "dass Deutschland bis 2045 klimaneutral wird. Am Mittwoch sprach die Ministerin von einem neuen Gesetz. "
        "Das Klimaschutzgesetz soll im Mai im Bundestag beraten werden, sagte sie am Mittwoch.";
    n = run("Bundesregierung beschließt neues Klimaschutzgesetz", de2, NULL, k);
    assert_true(contains(k, n, "Klimaschutzgesetz"));
    for (size_t i = 0; i < n; i++) {
        assert_false(k[i].text[0] >= 'a' && k[i].text[0] <= 'z' && !strchr(k[i].text, ' '));
        assert_string_not_equal(k[i].norm, "mittwoch");
        assert_string_not_equal(k[i].norm, "mai");
    }
}

static void test_substring_standing_alone_kept(void **state)
{
    (void)state;
    kw_item k[KW_MAX];
    const char *t =
        "人工智能安全是今年的焦点。人工智能安全研究需要投入。人工智能安全标准正在制定。"
        "人工智能正在改变医疗。人工智能也在改变教育。人工智能改变金融。人工智能改变交通。"
        "人工智能改变制造业。人工智能改变农业。人工智能改变零售。";
    size_t n = run(NULL, t, NULL, k);
    assert_true(contains(k, n, "人工智能"));
    assert_true(contains(k, n, "人工智能安全"));
}

static void test_degenerate_inputs(void **state)
{
    (void)state;
    kw_item k[KW_MAX];
    assert_int_equal(run(NULL, "", NULL, k), 0);
    assert_int_equal(run(NULL, "2023 2024 100%", NULL, k), 0);
    assert_int_equal(run(NULL, "的了是在和。", NULL, k), 0);
    size_t n = run(NULL, "ภาษาไทยเป็นภาษาราชการของประเทศไทย", NULL, k);
    assert_true(n <= KW_MAX);
    n = run(NULL, "One sentence about quantum computing.", NULL, k);
    assert_true(n >= 1 && n <= KW_MAX);
    text_doc d;
    assert_int_equal(text_doc_build(ctx, NULL, "x", NULL, &d), 0);
    assert_int_equal(kw_extract(NULL, &d, NULL, k, KW_MAX), 0);   /* no model: flat IDF */
    text_doc_release(&d);
}

static void test_through_analyze_article(void **state)
{
    (void)state;
    char *title, *text = read_seed(&title);
    analyze_config cfg = { .data_dir = "data" };
    analyze_ctx *ac = NULL;
    char err[256];
    assert_int_equal(analyze_ctx_new(&cfg, &ac, err, sizeof err), 0);
    json_t *rec = json_object();
    analyze_input in = { .title = title, .text = text, .declared_language = "zh-CN" };
    assert_int_equal(analyze_article(ac, &in, rec), 0);
    assert_string_equal(json_string_value(json_object_get(rec, "language")), "zh");
    json_t *kw = json_object_get(rec, "keywords");
    assert_true(json_array_size(kw) >= 5 && json_array_size(kw) <= 10);
    assert_string_equal(json_string_value(json_array_get(kw, 0)), "大模型");
    assert_true(json_is_object(json_object_get(rec, "tags")));
    assert_true(json_is_array(json_object_get(rec, "events")));
    json_decref(rec);
    analyze_ctx_free(ac);
}

/* The seed page (UTF-8 and GBK) through decode, extract and analyze: the
 * same keywords, 大模型 first, no byline; a summary without comments. */
static void test_seed_pages_through_pipeline(void **state)
{
    (void)state;
    analyze_config cfg = { .data_dir = "data" };
    analyze_ctx *ac = NULL;
    char err[256];
    assert_int_equal(analyze_ctx_new(&cfg, &ac, err, sizeof err), 0);
    const char *pages[] = { "tests/fixtures/seed.html", "tests/fixtures/seed-gbk.html" };
    char *first = NULL;
    for (size_t p = 0; p < 2; p++) {
        FILE *f = fopen(pages[p], "rb");
        assert_non_null(f);
        static char buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        json_t *rec = json_object();
        pipeline_error pe;
        assert_int_equal(pipeline_process_page(ac, buf, n, NULL,
                         "https://baijiahao.baidu.com/s?id=1770461794592856916", rec, NULL, &pe), 0);
        json_t *kw = json_object_get(rec, "keywords");
        assert_string_equal(json_string_value(json_array_get(kw, 0)), "大模型");
        for (size_t i = 0; i < json_array_size(kw); i++) {
            const char *k = json_string_value(json_array_get(kw, i));
            assert_null(strstr(k, "白马"));
            assert_null(strstr(k, "商评"));
            assert_string_not_equal(k, "文");
        }
        const char *sum = json_string_value(json_object_get(rec, "summary"));
        assert_non_null(sum);
        assert_non_null(strstr(sum, "大模型"));
        assert_null(strstr(sum, "点赞"));
        char *dump = json_dumps(kw, 0);
        if (!first)
            first = dump;
        else {
            assert_string_equal(first, dump);   /* GBK page: same keywords */
            free(dump);
        }
        json_decref(rec);
    }
    free(first);
    analyze_ctx_free(ac);
}

/* One shared analyze_ctx, four threads at once: every result equals the
 * single-threaded one (friso's dictionary and config are only read). */
typedef struct job {
    const analyze_ctx *ac;
    const char *title, *text;
    char *out;   /* keywords + summary as JSON */
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    char *acc = NULL;
    for (int r = 0; r < 3; r++) {
        json_t *rec = json_object();
        analyze_input in = { .title = j->title, .text = j->text };
        if (analyze_article(j->ac, &in, rec) == 0) {
            json_t *pick = json_pack("{s:O, s:O}", "k", json_object_get(rec, "keywords"),
                                     "s", json_object_get(rec, "summary"));
            char *d = pick ? json_dumps(pick, JSON_SORT_KEYS) : NULL;
            json_decref(pick);
            if (acc && d && strcmp(acc, d))
                d[0] = '!';   /* differs between rounds */
            free(acc);
            acc = d;
        }
        json_decref(rec);
    }
    j->out = acc;
    return NULL;
}

static void test_shared_ctx_threads(void **state)
{
    (void)state;
    char *title, *text = read_seed(&title);
    analyze_config cfg = { .data_dir = "data" };
    analyze_ctx *ac = NULL;
    char err[256];
    assert_int_equal(analyze_ctx_new(&cfg, &ac, err, sizeof err), 0);
    job one = { ac, title, text, NULL };
    run_job(&one);
    assert_non_null(one.out);
    job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (job){ ac, title, text, NULL };
        assert_int_equal(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_non_null(jobs[i].out);
        assert_string_equal(jobs[i].out, one.out);
        free(jobs[i].out);
    }
    free(one.out);
    analyze_ctx_free(ac);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_keywords),
        cmocka_unit_test(test_bylines_and_boilerplate_dropped),
        cmocka_unit_test(test_speaker_labels_dropped),
        cmocka_unit_test(test_english_phrases_and_sites),
        cmocka_unit_test(test_name_replaces_its_part),
        cmocka_unit_test(test_other_languages),
        cmocka_unit_test(test_substring_standing_alone_kept),
        cmocka_unit_test(test_degenerate_inputs),
        cmocka_unit_test(test_through_analyze_article),
        cmocka_unit_test(test_seed_pages_through_pipeline),
        cmocka_unit_test(test_shared_ctx_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
