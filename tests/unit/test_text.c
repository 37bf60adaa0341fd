/* test_text.c -- language, sentence boundaries and words (analyze/text). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/text.h"
#include "analyze/text_mmseg.h"

static text_ctx *ctx;

static int setup(void **state)
{
    (void)state;
    char err[256];
    if (text_ctx_new("data", NULL, &ctx, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return text_ctx_add_term(ctx, "生成式AI");
}

static int teardown(void **state)
{
    (void)state;
    text_ctx_free(ctx);
    return 0;
}

/* Split text and compare with the expected sentences. */
static void expect_sentences(const char *text, const char *lang, const char *const *want, size_t n)
{
    text_sentence s[32];
    size_t got = text_split_sentences(text, strlen(text), lang, s, 32);
    if (got != n) {
        for (size_t i = 0; i < got && i < 32; i++)
            fprintf(stderr, "  got [%.*s]\n", (int)(s[i].end - s[i].start), text + s[i].start);
        fail_msg("%zu sentences, want %zu: %s", got, n, text);
    }
    for (size_t i = 0; i < n; i++) {
        size_t l = s[i].end - s[i].start;
        if (l != strlen(want[i]) || memcmp(text + s[i].start, want[i], l))
            fail_msg("sentence %zu is [%.*s], want [%s]", i, (int)l, text + s[i].start, want[i]);
    }
}

static void test_chinese_quotes(void **state)
{
    (void)state;
    const char *a[] = { "“都快成红海了。”", "当我和一个创业者聊起大模型的时候，他直接甩了这句话给我。" };
    expect_sentences("“都快成红海了。”当我和一个创业者聊起大模型的时候，他直接甩了这句话给我。", "zh", a, 2);
    const char *b[] = { "他说：“我们要做。我们能做。”", "然后走了。" };
    expect_sentences("他说：“我们要做。我们能做。”然后走了。", "zh", b, 2);
    const char *c[] = { "那么，大模型的核心壁垒是什么？", "中国大模型到底什么水平？", "他想了想……", "又回来了！" };
    expect_sentences("那么，大模型的核心壁垒是什么？中国大模型到底什么水平？他想了想……又回来了！", "zh", c, 4);
    /* GPT-3.5 and 1.5亿: a dot inside a Chinese sentence is not an end */
    const char *d[] = { "OpenAI发布基于GPT-3.5的ChatGPT，参数达到1.5亿。", "第二句。" };
    expect_sentences("OpenAI发布基于GPT-3.5的ChatGPT，参数达到1.5亿。第二句。", "zh", d, 2);
}

static void test_english_abbreviations(void **state)
{
    (void)state;
    const char *a[] = { "The U.S. economy grew 3.5 percent in May.", "Dr. Smith agreed...",
                        "He left the U.S. Senate at 5 p.m. on Monday.", "Was it true?",
                        "Mr. Jones said \"yes.\"" };
    expect_sentences("The U.S. economy grew 3.5 percent in May. Dr. Smith agreed... He left the "
                     "U.S. Senate at 5 p.m. on Monday. Was it true? Mr. Jones said \"yes.\"", "en", a, 5);
    const char *b[] = { "Paragraph one has no full stop", "Paragraph two." };
    expect_sentences("Paragraph one has no full stop\n\nParagraph two.", "en", b, 2);
}

static void test_sentence_flags_and_paragraphs(void **state)
{
    (void)state;
    text_sentence s[8];
    const char *t = "Is this a question? A statement.\n\nA caption without end";
    size_t n = text_split_sentences(t, strlen(t), "en", s, 8);
    assert_int_equal(n, 3);
    assert_true(s[0].flags & TEXT_SF_QUESTION);
    assert_false(s[1].flags & (TEXT_SF_QUESTION | TEXT_SF_NOEND));
    assert_true(s[2].flags & TEXT_SF_NOEND);
    assert_int_equal(s[0].para, 0);
    assert_int_equal(s[2].para, 1);
}

static void test_long_sentence_is_cut(void **state)
{
    (void)state;
    char buf[8192];
    size_t l = 0;
    for (int i = 0; i < 120; i++) {   /* 120 x 9 chars, commas, one full stop */
        memcpy(buf + l, "大模型发展很快，", strlen("大模型发展很快，"));
        l += strlen("大模型发展很快，");
    }
    memcpy(buf + l, "完。", strlen("完。") + 1);
    l += strlen("完。");
    text_sentence s[16];
    size_t n = text_split_sentences(buf, l, "zh", s, 16);
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++) {
        assert_true(s[i].chars <= TEXT_MAX_SENTENCE_CHARS);
        if (i + 1 < n) {   /* cut after a comma */
            assert_true(s[i].flags & TEXT_SF_CUT);
            assert_memory_equal(buf + s[i].end - 3, "，", 3);
        }
    }
}

static void test_language(void **state)
{
    (void)state;
    const char *zh = "中国大模型到底什么水平？半年就追上ChatGPT了。";
    assert_string_equal(text_detect_language(zh, strlen(zh), NULL), "zh");
    assert_string_equal(text_detect_language(zh, strlen(zh), "en"), "zh");
    const char *en = "The company said on Monday that the new model would be released next year.";
    assert_string_equal(text_detect_language(en, strlen(en), NULL), "en");
    assert_string_equal(text_detect_language(en, strlen(en), "en-GB"), "en");
    const char *fr = "Le gouvernement a annoncé que les prix de l'énergie vont baisser dans les mois qui viennent.";
    assert_string_equal(text_detect_language(fr, strlen(fr), NULL), "fr");
    assert_string_equal(text_detect_language(fr, strlen(fr), "en"), "fr");
    const char *ja = "今日は東京で会議があります。";
    assert_string_equal(text_detect_language(ja, strlen(ja), NULL), "ja");
    const char *ru = "Правительство объявило о снижении цен.";
    assert_string_equal(text_detect_language(ru, strlen(ru), NULL), "ru");
    const char *sv = "Regeringen meddelade i dag att priserna kommer att sjunka.";
    assert_string_equal(text_detect_language(sv, strlen(sv), "sv-SE"), "sv");
    assert_null(text_detect_language("", 0, NULL));
    assert_string_equal(text_detect_language("123 456", 7, "zh-CN"), "zh");
}

static int has_token(const text_doc *d, const char *word)
{
    for (size_t i = 0; i < d->n_toks; i++)
        if (!strcmp(d->terms[d->toks[i].term].norm, word))
            return 1;
    return 0;
}

static void test_taxonomy_terms_stay_whole(void **state)
{
    (void)state;
    text_doc d;
    const char *t = "国内有些生成式AI产品还有差距，中国大模型到底什么水平？大模型的核心壁垒包括数据、算力、算法。";
    assert_int_equal(text_doc_build(ctx, NULL, t, NULL, &d), 0);
    assert_string_equal(d.lang, "zh");
    assert_true(has_token(&d, "大模型"));
    assert_true(has_token(&d, "生成式ai"));
    assert_false(has_token(&d, "模型"));
    assert_int_equal(d.n_sents, 2);
    /* tokens sit inside their sentences, offsets on the text */
    for (size_t i = 0; i < d.n_toks; i++) {
        const text_sentence *s = &d.sents[d.toks[i].sent];
        assert_true(d.toks[i].start >= s->start && d.toks[i].end <= s->end);
    }
    text_doc_release(&d);
}

static void test_repeated_name_glued(void **state)
{
    (void)state;
    text_doc d;
    const char *t = "周鸿祎对外称，要做大模型。周鸿祎就表示，已经接近国际水平。周鸿祎最近说他收回这句话。";
    assert_int_equal(text_doc_build(ctx, NULL, t, "zh", &d), 0);
    assert_true(has_token(&d, "周鸿祎"));
    text_doc_release(&d);
}

static void test_english_words_and_stems(void **state)
{
    (void)state;
    text_doc d;
    const char *t = "Large language models are growing. The company's language model grew.";
    assert_int_equal(text_doc_build(ctx, "Models", t, NULL, &d), 0);
    assert_string_equal(d.lang, "en");
    assert_true(has_token(&d, "language"));
    assert_true(has_token(&d, "company"));   /* possessive dropped */
    const text_term *models = NULL, *model = NULL;
    for (size_t i = 0; i < d.n_terms; i++) {
        if (!strcmp(d.terms[i].norm, "models"))
            models = &d.terms[i];
        if (!strcmp(d.terms[i].norm, "model"))
            model = &d.terms[i];
    }
    assert_non_null(models);
    assert_non_null(model);
    assert_int_equal(models->stem_id, model->stem_id);
    assert_int_equal(models->title_count, 1);
    assert_true(d.terms[d.toks[0].term].stop == 0);
    text_doc_release(&d);
}

static void test_empty_odd_inputs(void **state)
{
    (void)state;
    text_doc d;
    assert_int_equal(text_doc_build(ctx, NULL, NULL, NULL, &d), 0);
    assert_int_equal(d.n_sents, 0);
    assert_int_equal(d.n_toks, 0);
    text_doc_release(&d);
    assert_int_equal(text_doc_build(ctx, "", "", "xx", &d), 0);
    text_doc_release(&d);
    /* Tamil and Thai: no lexicon, no stemmer; sane, never a crash */
    assert_int_equal(text_doc_build(ctx, NULL, "தமிழ் ஒரு மொழி ஆகும். இது பழமையானது.", NULL, &d), 0);
    assert_true(d.n_sents >= 1);
    text_doc_release(&d);
    assert_int_equal(text_doc_build(ctx, NULL, "ภาษาไทยเป็นภาษาราชการของประเทศไทย", NULL, &d), 0);
    assert_string_equal(d.lang, "th");
    assert_true(d.n_toks >= 2);
    text_doc_release(&d);
    /* invalid UTF-8 and control bytes */
    assert_int_equal(text_doc_build(ctx, "\xff\xfe", "abc \xe4\xb8 def\x01\xc3. 中\xe6文。", NULL, &d), 0);
    text_doc_release(&d);
    text_doc_release(&d);   /* twice is fine */
}

/* Segment text with friso's complex mode as configured by cfg; compare
 * every token with the other configuration's. */
static void expect_same_tokens(friso_t f, friso_config_t a, friso_config_t b, const char *text)
{
    friso_task_t ta = friso_new_task(), tb = friso_new_task();
    assert_non_null(ta);
    assert_non_null(tb);
    text_mmseg_reset();
    friso_set_text(ta, (fstring)text);
    friso_set_text(tb, (fstring)text);
    size_t n = 0;
    for (;;) {
        friso_token_t x = a->next_token(f, a, ta), y = b->next_token(f, b, tb);
        if (!x || !y) {
            if (x || y)
                fail_msg("token streams differ in length after %zu tokens: %s", n, text);
            break;
        }
        if (strcmp(x->word, y->word) || x->offset != y->offset || x->rlen != y->rlen ||
            x->type != y->type || x->length != y->length)
            fail_msg("token %zu: friso [%s] at %d, ours [%s] at %d", n, x->word, x->offset, y->word, y->offset);
        n++;
    }
    friso_free_task(ta);
    friso_free_task(tb);
}

/* text_mmseg_complex_cjk is friso's complex mode word for word: same
 * words, offsets, lengths and types, on the seed article and on the edge
 * cases of friso's reader (text ending inside a word, CJK then Latin,
 * full-width letters, spaces, 4-byte characters, unknown characters). */
static void test_mmseg_matches_friso(void **state)
{
    (void)state;
    friso_t f = friso_new();
    friso_config_t a = friso_new_config(), b = friso_new_config();
    assert_non_null(f);
    assert_non_null(a);
    assert_non_null(b);
    friso_init_config(a);
    a->add_syn = 0;
    a->clr_stw = 0;
    a->keep_urec = 1;
    a->en_sseg = 0;
    friso_set_mode(a, __FRISO_COMPLEX_MODE__);
    *b = *a;
    b->next_cjk = text_mmseg_complex_cjk;
    f->charset = FRISO_UTF8;
    f->dic = friso_dic_new();
    friso_dic_load_from_ifile(f, a, (fstring)"/usr/share/friso/dict/UTF-8/", (uint_t)a->max_len * 3);
    assert_true(friso_dic_match(f->dic, __LEX_CJK_WORDS__, (fstring)"中国"));

    static char seed[1 << 16];
    FILE *fp = fopen("tests/fixtures/seed-article.txt", "r");
    assert_non_null(fp);
    size_t n = fread(seed, 1, sizeof seed - 1, fp);
    fclose(fp);
    seed[n] = '\0';
    assert_true(n > 5000);
    expect_same_tokens(f, a, b, seed);
    static const char *const edge[] = {
        "我们都是中国人", "中国人", "中", "研究生命起源", "结婚的和尚未结婚的", "卡拉OK歌厅很热闹",
        "基于GPT-3.5的ChatGPT", "ＡＩ模型和ＧＰＵ算力", "大 模 型　的 时 代", "𠮷野家的牛肉饭，𠮷野家",
        "5月初，360掌门人周鸿祎对外称", "2017年，transformer的问世", "他说：“我们要做。”然后走了。",
        "南京市长江大桥", "乒乓球拍卖完了", "abc", "", "。，、", "工信处女干事每月经过下属科室",
    };
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        expect_same_tokens(f, a, b, edge[i]);
    /* again with the dictionary filter, which only skips certain misses;
     * then with a word added after the filter was built */
    assert_int_equal(text_mmseg_attach(f), 0);
    expect_same_tokens(f, a, b, seed);
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        expect_same_tokens(f, a, b, edge[i]);
    char *added = strdup("熵增鸿祎");   /* the dictionary owns it */
    assert_non_null(added);
    friso_dic_add(f->dic, __LEX_CJK_WORDS__, added, NULL);
    text_mmseg_filter_add(f, added);
    expect_same_tokens(f, a, b, "这是熵增鸿祎的时代，熵增鸿祎");
    /* the same with stop-word removal and synonyms on */
    a->clr_stw = b->clr_stw = 1;
    a->add_syn = b->add_syn = 1;
    expect_same_tokens(f, a, b, seed);
    text_mmseg_detach(f);
    friso_free_config(a);
    friso_free_config(b);
    friso_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chinese_quotes),
        cmocka_unit_test(test_english_abbreviations),
        cmocka_unit_test(test_sentence_flags_and_paragraphs),
        cmocka_unit_test(test_long_sentence_is_cut),
        cmocka_unit_test(test_language),
        cmocka_unit_test(test_taxonomy_terms_stay_whole),
        cmocka_unit_test(test_repeated_name_glued),
        cmocka_unit_test(test_english_words_and_stems),
        cmocka_unit_test(test_empty_odd_inputs),
        cmocka_unit_test(test_mmseg_matches_friso),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
