/* test_taxonomy.c -- taxonomy loading, validation and alias matching. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/taxonomy.h"

static tag_taxonomy *load_good(void)
{
    tag_taxonomy *tx = NULL;
    char err[512] = "";
    int rc = tag_taxonomy_load("tests/taxonomy/good.json", &tx, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    assert_non_null(tx);
    return tx;
}

/* Ids of the name hits in `text`, space separated, in order. */
static void hits_of(const tag_taxonomy *tx, const char *text, char *out, size_t cap)
{
    size_t nlen = 0, n = 0;
    char *norm = tag_normalize(text, strlen(text), &nlen);
    tag_hit *hits = NULL;
    assert_non_null(norm);
    assert_int_equal(tag_match(tx, norm, nlen, &hits, &n, 0), 0);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(out);
        int w = snprintf(out + used, cap - used, "%s%s%s", used ? " " : "",
                         tag_get(tx, (size_t)hits[i].tag)->id, hits[i].kind == TAG_HIT_CUE ? "~" : "");
        assert_true(w > 0 && (size_t)w < cap - used);
    }
    free(hits);
    free(norm);
}

static void test_case_and_width(void **state)
{
    (void)state;
    tag_taxonomy *tx = load_good();
    char got[256];
    hits_of(tx, "New LLM and an llm, plus ＬＬＭ in full width.", got, sizeof got);
    assert_string_equal(got, "llm llm llm");
    hits_of(tx, "A Large Language Model, and GENERATIVE ai", got, sizeof got);
    assert_string_equal(got, "llm genai");
    tag_taxonomy_free(tx);
}

static void test_word_boundaries(void **state)
{
    (void)state;
    tag_taxonomy *tx = load_good();
    char got[256];
    hits_of(tx, "We maintain the AI lead; FAIR play; AI芯片; 发展AI。", got, sizeof got);
    assert_string_equal(got, "ai ai ai");
    hits_of(tx, "LLMs are LLM-based", got, sizeof got);   /* plural alias, hyphen is a boundary */
    assert_string_equal(got, "llm llm");
    hits_of(tx, "LLMsX", got, sizeof got);
    assert_string_equal(got, "");
    tag_taxonomy_free(tx);
}

static void test_overlapping_aliases(void **state)
{
    (void)state;
    tag_taxonomy *tx = load_good();
    char got[256];
    /* the longer alias wins; a lone "diffusion" still counts */
    hits_of(tx, "Stable Diffusion is a diffusion model", got, sizeof got);
    assert_string_equal(got, "sd diffusion");
    hits_of(tx, "大语言模型", got, sizeof got);
    assert_string_equal(got, "llm");
    tag_taxonomy_free(tx);
}

static void test_vetoes_and_cues(void **state)
{
    (void)state;
    tag_taxonomy *tx = load_good();
    char got[256];
    hits_of(tx, "苹果公司发布新手机", got, sizeof got);
    assert_string_equal(got, "electronics electronics~");
    hits_of(tx, "果园里的苹果熟了", got, sizeof got);
    assert_string_equal(got, "");
    hits_of(tx, "玩家与NPC对话", got, sizeof got);
    assert_string_equal(got, "games~ games~");
    tag_taxonomy_free(tx);
}

static void test_lookup(void **state)
{
    (void)state;
    tag_taxonomy *tx = load_good();
    int ids[4];
    assert_int_equal(tag_lookup(tx, "大语言模型", -1, ids, 4), 1);
    assert_string_equal(tag_get(tx, (size_t)ids[0])->id, "llm");
    assert_int_equal(tag_lookup(tx, "Large Language Models", -1, ids, 4), 1);
    assert_int_equal(tag_lookup(tx, "LLM", tag_facet_find(tx, "industry"), ids, 4), 0);
    assert_int_equal(tag_lookup(tx, "llm", -1, ids, 4), 1);   /* the id itself */
    assert_int_equal(tag_lookup(tx, "nothing", -1, ids, 4), 0);
    assert_int_equal(tag_get(tx, (size_t)tag_find_id(tx, "llm"))->parent, tag_find_id(tx, "genai"));
    tag_taxonomy_free(tx);
}

static void expect_error(const char *path, const char *a, const char *b)
{
    tag_taxonomy *tx = NULL;
    char err[512] = "";
    assert_int_equal(tag_taxonomy_load(path, &tx, err, sizeof err), -1);
    assert_null(tx);
    if (!strstr(err, a) || !strstr(err, b))
        fprintf(stderr, "message was: %s\n", err);
    assert_non_null(strstr(err, a));
    assert_non_null(strstr(err, b));
}

static void test_broken_files(void **state)
{
    (void)state;
    expect_error("tests/taxonomy/broken-syntax.json", "broken-syntax.json:4:", "");
    expect_error("tests/taxonomy/missing-label.json", "missing-label.json:5:", "\"labels\" needs");
    expect_error("tests/taxonomy/bad-parent.json", "bad-parent.json:5:", "unknown parent \"nonexistent\"");
    expect_error("tests/taxonomy/unknown-field.json", "unknown-field.json:2:", "unknown field \"alias\"");
    expect_error("tests/taxonomy/does-not-exist.json", "cannot open", "");
}

static void test_daemon_refuses_broken_taxonomy(void **state)
{
    (void)state;
    analyze_ctx *ctx = NULL;
    char err[512] = "";
    analyze_config cfg = {.data_dir = "data", .taxonomy_path = "tests/taxonomy/missing-label.json"};
    assert_int_equal(analyze_ctx_new(&cfg, &ctx, err, sizeof err), -1);
    assert_null(ctx);
    assert_non_null(strstr(err, "missing-label.json:5:"));
    cfg.taxonomy_path = NULL;   /* the shipped one loads */
    assert_int_equal(analyze_ctx_new(&cfg, &ctx, err, sizeof err), 0);
    analyze_ctx_free(ctx);
}

static void test_shipped_taxonomy(void **state)
{
    (void)state;
    tag_taxonomy *tx = NULL;
    char err[512] = "";
    assert_int_equal(tag_taxonomy_load("data/taxonomy.json", &tx, err, sizeof err), 0);
    size_t per[2] = {0, 0};
    int tech = tag_facet_find(tx, "technology"), ind = tag_facet_find(tx, "industry");
    for (size_t i = 0; i < tag_count(tx); i++) {
        const tag_def *d = tag_get(tx, i);
        assert_true(d->label_zh[0] && d->label_en[0]);
        per[0] += d->facet == tech;
        per[1] += d->facet == ind;
    }
    assert_int_equal(strlen(tag_fingerprint(tx)), 16);
    assert_true(per[0] >= 60);
    assert_true(per[1] >= 40);
    tag_taxonomy_free(tx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_and_width),
        cmocka_unit_test(test_word_boundaries),
        cmocka_unit_test(test_overlapping_aliases),
        cmocka_unit_test(test_vetoes_and_cues),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_broken_files),
        cmocka_unit_test(test_daemon_refuses_broken_taxonomy),
        cmocka_unit_test(test_shipped_taxonomy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
