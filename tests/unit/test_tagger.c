/* test_tagger.c -- tag scoring, labels per language, tag queries, the seed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "analyze/tagger.h"
#include "analyze/taxonomy.h"

static analyze_ctx *ctx_shipped(void)
{
    analyze_ctx *ctx = NULL;
    char err[512] = "";
    analyze_config cfg = {.data_dir = "data"};
    assert_int_equal(analyze_ctx_new(&cfg, &ctx, err, sizeof err), 0);
    return ctx;
}

static int has_label(json_t *rec, const char *facet, const char *label)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(json_object_get(rec, "tags"), facet), i, v)
        if (!strcmp(json_string_value(v), label))
            return 1;
    return 0;
}

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

static void test_seed(void **state)
{
    (void)state;
    analyze_ctx *ctx = ctx_shipped();
    char *text = read_fixture("tests/fixtures/seed_article.txt");
    char *title = read_fixture("tests/fixtures/seed_title.txt");
    analyze_input in = {.title = title, .text = text, .published_at = "2023-07-03T10:12:00+08:00"};
    json_t *rec = json_object();
    assert_int_equal(analyze_article(ctx, &in, rec), 0);
    assert_true(has_label(rec, "technology", "大模型"));
    assert_true(has_label(rec, "technology", "ChatGPT"));
    assert_true(has_label(rec, "technology", "Transformer"));
    assert_true(has_label(rec, "industry", "互联网"));
    assert_true(has_label(rec, "industry", "人工智能"));
    assert_true(json_array_size(json_object_get(json_object_get(rec, "tags"), "technology")) <= TAG_MAX_PER_FACET);
    /* evidence: id, label, score, matched terms */
    json_t *ev0 = json_array_get(json_object_get(json_object_get(rec, "tag_evidence"), "technology"), 0);
    assert_string_equal(json_string_value(json_object_get(ev0, "id")), "llm");
    assert_true(json_real_value(json_object_get(ev0, "score")) >= TAG_MIN_SCORE);
    assert_true(json_array_size(json_object_get(ev0, "terms")) >= 1);
    json_decref(rec);
    free(text);
    free(title);
    analyze_ctx_free(ctx);
}

static void test_threshold_and_language(void **state)
{
    (void)state;
    analyze_ctx *ctx = ctx_shipped();
    json_t *rec = json_object();
    /* one passing mention of Transformer in a long text about something else: not a tag */
    analyze_input in = {
        .title = "Chelsea beat Arsenal in the cup",
        .text = "Chelsea beat Arsenal 2-1 in the FA Cup on Saturday. The striker scored twice in the second half "
                "and the manager praised his players. Fans celebrated the victory after the match. One fan wore "
                "a transformer costume. The club will play Liverpool in the next round of the competition.",
    };
    assert_int_equal(analyze_article(ctx, &in, rec), 0);
    assert_false(has_label(rec, "technology", "Transformer"));
    /* English text: English labels */
    assert_true(has_label(rec, "industry", "Sports") || has_label(rec, "industry", "Football"));
    assert_false(has_label(rec, "industry", "体育"));
    json_decref(rec);
    analyze_ctx_free(ctx);
    assert_int_equal(tag_prefer_zh(NULL, "大模型", "大模型的发展"), 1);
    assert_int_equal(tag_prefer_zh(NULL, "LLM news", "Large language models are growing"), 0);
    assert_int_equal(tag_prefer_zh("zh-CN", NULL, "English words only"), 1);
    assert_int_equal(tag_prefer_zh("en", NULL, "大模型"), 0);
}

static void test_resolve(void **state)
{
    (void)state;
    analyze_ctx *ctx = ctx_shipped();
    const char *ids[8], *facets[8];
    static const char *const llm[] = {"LLM", "大语言模型", "large language model", "Large Language Models", "大模型",
                                      "llm"};
    for (size_t i = 0; i < sizeof llm / sizeof *llm; i++) {
        size_t n = analyze_resolve_tag(ctx, NULL, llm[i], ids, facets, 8);
        assert_int_equal(n, 1);
        assert_string_equal(ids[0], "llm");
        assert_string_equal(facets[0], "technology");
    }
    assert_int_equal(analyze_resolve_tag(ctx, NULL, "industry:互联网", ids, facets, 8), 1);
    assert_string_equal(ids[0], "internet");
    assert_int_equal(analyze_resolve_tag(ctx, "industry", "Internet", ids, facets, 8), 1);
    assert_int_equal(analyze_resolve_tag(ctx, "technology", "互联网", ids, facets, 8), 0);
    assert_int_equal(analyze_resolve_tag(ctx, "nosuchfacet", "LLM", ids, facets, 8), 0);
    assert_int_equal(analyze_resolve_tag(ctx, NULL, "no such tag", ids, facets, 8), 0);
    const char *f = NULL, *zh = NULL, *en = NULL;
    assert_int_equal(analyze_tag_info(ctx, "llm", &f, &zh, &en), 0);
    assert_string_equal(f, "technology");
    assert_string_equal(zh, "大模型");
    assert_string_equal(en, "Large language model");
    assert_int_equal(analyze_tag_info(ctx, "nope", &f, NULL, NULL), -1);
    assert_int_equal(strlen(analyze_taxonomy_fingerprint(ctx)), 16);
    analyze_ctx_free(ctx);
}

static const char CASE_TX[] =
    "{\"version\": 1, \"facets\": {\"industry\": ["
    "{\"id\": \"energy\", \"labels\": {\"zh\": \"能源\", \"en\": \"Energy\"}, \"aliases\": [\"Total\", \"OPEC\"],"
    " \"cues\": {\"barrels\": 1.0}},"
    "{\"id\": \"finance\", \"labels\": {\"zh\": \"金融\", \"en\": \"Finance\"}, \"cues\": {\"bonds\": 1.0}},"
    "{\"id\": \"sports\", \"labels\": {\"zh\": \"体育\", \"en\": \"Sports\"},"
    " \"cues\": {\"season\": 1.0, \"touchdown\": 1.0}}]}}";

static size_t count_term(const tag_taxonomy *tx, const char *s, int is_title, const char *term)
{
    tag_hit *hits = NULL;
    size_t n = 0, c = 0;
    assert_int_equal(tag_find_terms(tx, s, is_title, &hits, &n, NULL), 0);
    for (size_t i = 0; i < n; i++)
        c += !strcmp(hits[i].term, term);
    free(hits);
    return c;
}

/* proper-noun terms match as written; common-word cues not as a name */
static void test_case_rule(void **state)
{
    (void)state;
    tag_taxonomy *tx = NULL;
    char err[256];
    assert_int_equal(tag_taxonomy_parse(CASE_TX, sizeof CASE_TX - 1, "case", &tx, err, sizeof err), 0);
    assert_int_equal(count_term(tx, "Exports reached a total 118,350 tonnes.", 0, "Total"), 0);
    assert_int_equal(count_term(tx, "French oil group Total said on Monday.", 0, "Total"), 1);
    assert_int_equal(count_term(tx, "Barry Bonds hit a homer.", 0, "bonds"), 0);
    assert_int_equal(count_term(tx, "Treasury bonds rose.", 0, "bonds"), 1);
    assert_int_equal(count_term(tx, "Bonds rose sharply.", 0, "bonds"), 1);          /* sentence start */
    assert_int_equal(count_term(tx, "Prices fell. \"Bonds are cheap,\" he said.", 0, "bonds"), 1);
    assert_int_equal(count_term(tx, "Giants Sign Bonds To New Deal", 1, "bonds"), 1);  /* title case: no evidence */
    assert_int_equal(count_term(tx, "BONDS RALLY", 0, "bonds"), 1);                   /* shouting */
    assert_int_equal(count_term(tx, "Opec Sets Output Ceiling", 1, "OPEC"), 1);
    assert_int_equal(count_term(tx, "The opec of it", 0, "OPEC"), 0);
    tag_taxonomy_free(tx);
}

/* a term the stats show ambiguous supports a tag but never makes it */
static void test_weak_terms(void **state)
{
    (void)state;
    tag_taxonomy *tx = NULL;
    char err[256], path[] = "/tmp/skimd-test-statsXXXXXX";
    assert_int_equal(tag_taxonomy_parse(CASE_TX, sizeof CASE_TX - 1, "case", &tx, err, sizeof err), 0);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("# test\nsports\tseason\tnews\t40\t5\nsports\tseason\tsport\t90\t85\nsports\ttouchdown\tsport\t30\t29\nnope\tseason\tx\t9\t0\n", f);
    fclose(f);
    assert_int_equal(tag_taxonomy_load_stats(tx, path, err, sizeof err), 0);
    json_t *tags = NULL, *ev = NULL;
    const char *palm = "Palm oil output this season rose. The season was dry. A long season ahead.";
    assert_int_equal(tag_article(tx, "Palm oil", palm, NULL, 0, &tags, &ev), 0);
    assert_null(json_object_get(tags, "industry"));
    json_decref(tags);
    json_decref(ev);
    const char *game = "He ran for a touchdown and another touchdown late in the season.";
    assert_int_equal(tag_article(tx, "Game", game, NULL, 0, &tags, &ev), 0);
    json_t *e0 = json_array_get(json_object_get(ev, "industry"), 0);
    assert_string_equal(json_string_value(json_object_get(e0, "id")), "sports");
    json_t *terms = json_object_get(e0, "terms");
    assert_int_equal(json_array_size(terms), 2);   /* the weak term counts, and shows, beside strong ones */
    json_decref(tags);
    json_decref(ev);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("sports\tseason\tx\tmany\t1\n", f);
    fclose(f);
    assert_int_equal(tag_taxonomy_load_stats(tx, path, err, sizeof err), -1);
    assert_non_null(strstr(err, ":1:"));
    unlink(path);
    assert_int_equal(tag_taxonomy_load_stats(tx, path, err, sizeof err), 0);   /* no file: no stats */
    tag_taxonomy_free(tx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_threshold_and_language),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_case_rule),
        cmocka_unit_test(test_weak_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
