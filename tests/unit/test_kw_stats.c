/* test_kw_stats.c -- the keyword IDF refined by the stored articles
 * (analyze/kw_stats.c, keywords.c): the terms an article is counted with
 * (analyze_article_terms), the ranking effect (a term common in the stored
 * articles loses rank; a small store barely moves the shipped IDF), and
 * swapping the counts while other threads rank. The database side is in
 * test_store.c. */
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


static const char *turbine_title = "Wind turbine maker opens a new factory in Aarhus";
static const char *turbine_text =
    "Vestas, the Danish wind turbine maker, opened a factory in Aarhus on Monday. "
    "The plant will build turbine blades and nacelles for offshore projects.\n\n"
    "The company said each turbine built there would be tested before shipping. "
    "Orders for offshore turbine parks rose sharply this year, it said.\n\n"
    "Engineers at the factory will also repair older turbine blades, and the "
    "turbine maker expects to hire 400 workers by 2026.";

/* loaded once: the segmenter, the shipped tables, the article as a doc */
static text_ctx *tc;
static kw_model *m;
static text_doc d;

static int setup(void **state)
{
    (void)state;
    char err[256];
    if (text_ctx_new("data", NULL, &tc, err, sizeof err) != 0 ||
        kw_model_load("data", &m, err, sizeof err) != 0 ||
        text_doc_build(tc, turbine_title, turbine_text, "en", &d) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    text_doc_release(&d);
    kw_model_free(m);
    text_ctx_free(tc);
    return 0;
}

static size_t rank_of(const kw_item *k, size_t n, const char *norm)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(k[i].norm, norm))
            return i;
    return n;
}

static void test_article_terms(void **state)
{
    (void)state;
    analyze_config cfg = { .data_dir = "data" };
    analyze_ctx *ac = NULL;
    char err[256];
    assert_int_equal(analyze_ctx_new(&cfg, &ac, err, sizeof err), 0);
    analyze_terms t = {0};
    json_t *rec = json_object();
    analyze_input in = { .title = turbine_title, .text = turbine_text };
    assert_int_equal(analyze_article_terms(ac, &in, rec, &t), 0);
    assert_string_equal(t.lang, "en");
    assert_true(t.n > 10);
    int turbine = 0;
    for (size_t i = 0; i < t.n; i++) {
        turbine += !strcmp(t.v[i], "turbine");
        assert_string_not_equal(t.v[i], "the");     /* stop word */
        assert_string_not_equal(t.v[i], "400");     /* number */
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(t.v[i], t.v[j]);  /* each once */
    }
    assert_int_equal(turbine, 1);
    /* nothing of it in the record */
    assert_null(json_object_get(rec, "terms"));
    /* a language without a shipped table is not counted */
    json_t *rec2 = json_object();
    analyze_input de = { .title = "Windkraft in Dänemark",
                         .text = "Die Firma baut eine neue Fabrik für Windräder und Rotorblätter. "
                                 "Die Fabrik soll im nächsten Jahr mit der Arbeit beginnen." };
    assert_int_equal(analyze_article_terms(ac, &de, rec2, &t), 0);
    assert_int_equal(t.n, 0);
    assert_string_equal(t.lang, "");
    analyze_terms_release(&t);
    json_decref(rec);
    json_decref(rec2);
    analyze_ctx_free(ac);
}

static void test_common_stored_term_loses_rank(void **state)
{
    (void)state;
    kw_item before[KW_MAX], after[KW_MAX];
    size_t nb = kw_extract(m, &d, NULL, before, KW_MAX);
    size_t rb = rank_of(before, nb, "turbine");
    assert_true(rb < 2);   /* the article's main word */
    double idf0 = kw_idf(m, "en", "turbine"), nac0 = kw_idf(m, "en", "nacelles");

    /* a store of 3000 articles, "turbine" in nearly all of them */
    kw_stats *s = kw_stats_new();
    assert_non_null(s);
    assert_int_equal(kw_stats_set_docs(s, "en", 3000), 0);
    assert_int_equal(kw_stats_add(s, "en", "turbine", 7, 2900), 0);
    assert_int_equal(kw_stats_add(s, "en", "turbines", 8, 2000), 0);
    kw_model_set_stored(m, s);
    double idf1 = kw_idf(m, "en", "turbine");
    assert_true(idf1 < idf0 - 1.0);
    /* a term the store lacks gains a little: more documents, same df */
    assert_true(kw_idf(m, "en", "nacelles") > nac0);
    size_t na = kw_extract(m, &d, NULL, after, KW_MAX);
    size_t ra = rank_of(after, na, "turbine");
    assert_true(ra > rb);
    /* the zh table is untouched by en counts */
    assert_true(kw_stats_docs(s, 0) == 0);

    /* a small store barely moves a word the shipped table knows ("wind":
     * df 7 of 1300): the shipped documents outnumber the stored ones */
    double wind0 = kw_idf(m, "en", "wind");
    kw_model_set_stored(m, NULL);
    assert_true(kw_idf(m, "en", "wind") < wind0);   /* the big store lacked it */
    wind0 = kw_idf(m, "en", "wind");
    kw_stats *small = kw_stats_new();
    assert_non_null(small);
    assert_int_equal(kw_stats_set_docs(small, "en", 20), 0);
    assert_int_equal(kw_stats_add(small, "en", "wind", 4, 2), 0);
    kw_model_set_stored(m, small);
    double wind1 = kw_idf(m, "en", "wind");
    assert_true(wind1 < wind0 && wind1 > wind0 - 0.3);

    /* removed: back to the shipped IDF exactly */
    kw_model_set_stored(m, NULL);
    assert_true(kw_idf(m, "en", "turbine") == idf0);
}

/* Four threads rank while the main thread swaps the stored counts: every
 * IDF seen is the one of a complete set (old or new), never a torn one,
 * and no set is freed under a reader (the asan build checks that). */
typedef struct reader {
    kw_model *m;
    const text_doc *doc;
    double lo, hi;   /* the IDFs of "turbine" with the two sets */
    int bad;
} reader;

static void *read_loop(void *arg)
{
    reader *r = arg;
    kw_item k[KW_MAX];
    for (int i = 0; i < 300; i++) {
        double v = kw_idf(r->m, "en", "turbine");
        if (v != r->lo && v != r->hi)
            r->bad++;
        if (i % 10 == 0 && kw_extract(r->m, r->doc, NULL, k, KW_MAX) == 0)
            r->bad++;
    }
    return NULL;
}

static kw_stats *make_set(double docs, double df)
{
    kw_stats *s = kw_stats_new();
    assert_non_null(s);
    assert_int_equal(kw_stats_set_docs(s, "en", docs), 0);
    for (int i = 0; i < 200; i++) {   /* some bulk, so a free would show */
        char w[16];
        int n = snprintf(w, sizeof w, "w%d", i);
        assert_int_equal(kw_stats_add(s, "en", w, (size_t)n, df), 0);
    }
    assert_int_equal(kw_stats_add(s, "en", "turbine", 7, df), 0);
    return s;
}

static void test_swap_while_ranking(void **state)
{
    (void)state;
    kw_model_set_stored(m, make_set(1000, 10));
    double lo = kw_idf(m, "en", "turbine");
    kw_model_set_stored(m, make_set(1000, 900));
    double hi = kw_idf(m, "en", "turbine");
    assert_true(lo != hi);
    reader r[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        r[i] = (reader){ m, &d, lo, hi, 0 };
        assert_int_equal(pthread_create(&th[i], NULL, read_loop, &r[i]), 0);
    }
    for (int i = 0; i < 200; i++)
        kw_model_set_stored(m, make_set(1000, i % 2 ? 10 : 900));
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(r[i].bad, 0);
    }
    kw_model_set_stored(m, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_article_terms),
        cmocka_unit_test(test_common_stored_term_loses_rank),
        cmocka_unit_test(test_swap_while_ranking),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
