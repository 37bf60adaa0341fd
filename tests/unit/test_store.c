/* test_store.c -- the SQLite store on a temporary database: submit and
 * dedupe, the job cycle, lists with every filter, paging, full text
 * (including two-character Chinese words), delete, a dead daemon's lease; the
 * document frequencies of the stored articles (df.c): counted once per
 * article, taken back on refresh, failure and delete, kept across a
 * restart, added by the v3 -> v4 migration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "storage/store.h"
#include "tests/unit/tmpdb.h"

typedef tmpdb_fixture fixture;
#define setup tmpdb_setup
#define teardown tmpdb_teardown

#define OWNER "test-daemon"

static int64_t submit(store *st, const char *url, json_t *tags, int *existed)
{
    int64_t id = 0;
    int ex = 0;
    store_submit s = {.url = url, .norm_url = url, .user_tags = tags};
    assert_int_equal(store_article_submit(st, &s, &id, &ex), STORE_OK);
    if (existed)
        *existed = ex;
    return id;
}

/* Claim the next job and finish it with a record built from the args. */
static int64_t finish(store *st, const char *title, const char *content, const char *lang,
                      const char *published, const char *canon)
{
    store_job job;
    assert_int_equal(store_job_claim(st, OWNER, 30000, &job), STORE_OK);
    json_t *rec = json_pack(
        "{s:s, s:s, s:s, s:s?, s:s?, s:[s,s], s:{s:[s]}, s:{s:[{s:s, s:s, s:f, s:[s]}]},"
        " s:[{s:s, s:s, s:[s]}], s:i}",
        "title", title, "content", content, "language", lang, "published_at", published,
        "canonical_url", canon, "keywords", "大模型", "AI", "tags", "technology", "大模型",
        "tag_evidence", "technology", "id", "llm", "label", "大模型", "score", 3.5, "terms",
        "大模型", "events", "text", "OpenAI发布ChatGPT", "date", "2022-11", "actors", "OpenAI",
        "word_count", 42);
    assert_non_null(rec);
    int64_t id = job.id;
    assert_int_equal(store_job_finish_ready(st, &job, OWNER, rec, canon, NULL), STORE_OK);
    json_decref(rec);
    store_job_release(&job);
    return id;
}

static json_t *list(store *st, store_query *q, int64_t *next)
{
    json_t *items = NULL;
    int64_t n = 0;
    if (q->limit == 0)
        q->limit = 20;
    assert_int_equal(store_article_list(st, q, &items, &n), STORE_OK);
    if (next)
        *next = n;
    return items;
}

static void test_submit_dedupe_and_job_cycle(void **state)
{
    fixture *f = *state;
    int existed = 1;
    json_t *tags = json_pack("[s]", "mine");
    int64_t a = submit(f->st, "https://e.com/a", tags, &existed);
    assert_int_equal(existed, 0);
    int64_t again = submit(f->st, "https://e.com/a", NULL, &existed);
    assert_int_equal(existed, 1);
    assert_int_equal(again, a);
    json_decref(tags);

    char status[16];
    assert_int_equal(store_article_status(f->st, a, status, sizeof status), STORE_OK);
    assert_string_equal(status, "queued");
    int64_t done = finish(f->st, "中国大模型的真实水平", "大模型的核心壁垒包括数据、算力、算法。", "zh",
                          "2023-07-03T10:12:00+08:00", "https://e.com/canonical");
    assert_int_equal(done, a);

    json_t *rec = NULL;
    assert_int_equal(store_article_get(f->st, a, STORE_WITH_CONTENT | STORE_WITH_EVIDENCE, &rec),
                     STORE_OK);
    assert_string_equal(json_string_value(json_object_get(rec, "status")), "ready");
    assert_string_equal(json_string_value(json_object_get(rec, "url")), "https://e.com/a");
    json_t *t = json_object_get(rec, "tags");
    assert_string_equal(json_string_value(json_array_get(json_object_get(t, "user"), 0)), "mine");
    assert_string_equal(json_string_value(json_array_get(json_object_get(t, "technology"), 0)),
                        "大模型");
    assert_non_null(json_object_get(rec, "content"));
    assert_non_null(json_object_get(rec, "tag_evidence"));
    assert_int_equal(json_array_size(json_object_get(rec, "events")), 1);
    json_decref(rec);
    assert_int_equal(store_article_get(f->st, a, 0, &rec), STORE_OK);
    assert_null(json_object_get(rec, "content"));
    json_decref(rec);

    /* the canonical URL dedupes too, once known */
    int64_t via_canon = submit(f->st, "https://e.com/canonical", NULL, &existed);
    assert_int_equal(existed, 1);
    assert_int_equal(via_canon, a);

    /* a failure is stored with its reason */
    int64_t b = submit(f->st, "https://e.com/b", NULL, &existed);
    store_job job;
    assert_int_equal(store_job_claim(f->st, OWNER, 30000, &job), STORE_OK);
    assert_int_equal(job.id, b);
    assert_int_equal(store_job_finish_failed(f->st, &job, OWNER, "http_404", "HTTP 404"), STORE_OK);
    store_job_release(&job);
    assert_int_equal(store_article_get(f->st, b, 0, &rec), STORE_OK);
    assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "error"), "code")),
                        "http_404");
    json_decref(rec);
    assert_int_equal(store_job_claim(f->st, OWNER, 30000, &job), STORE_NOT_FOUND);

    /* refresh puts it back in the queue */
    assert_int_equal(store_article_requeue(f->st, b, NULL, 0, 0), STORE_OK);
    assert_int_equal(store_article_requeue(f->st, 999, NULL, 0, 0), STORE_NOT_FOUND);
    assert_int_equal(store_job_claim(f->st, OWNER, 30000, &job), STORE_OK);
    assert_int_equal(job.id, b);
    store_job_release(&job);
    /* a dead daemon's lease: the reaper of the daemon holding the file frees it */
    assert_int_equal(store_jobs_reap(f->st, OWNER), 0);
    assert_int_equal(store_jobs_reap(f->st, "another-daemon"), 1);
    assert_int_equal(store_article_status(f->st, b, status, sizeof status), STORE_OK);
    assert_string_equal(status, "queued");
    int64_t counts[4];
    assert_int_equal(store_status_counts(f->st, counts), STORE_OK);
    assert_int_equal(counts[0], 1);
    assert_int_equal(counts[2], 1);
}


/* Rows where tag_counts (kept by triggers, schema v6) and a count over
 * article_tags disagree, either way; 0 when they agree. */
static int tag_counts_drift(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int n = -1;
    static const char sql[] =
        "SELECT (SELECT count(*) FROM ("
        "  SELECT facet, tag_id, count(*) FROM article_tags GROUP BY facet, tag_id"
        "  EXCEPT SELECT facet, tag_id, n FROM tag_counts))"
        " + (SELECT count(*) FROM ("
        "  SELECT facet, tag_id, n FROM tag_counts"
        "  EXCEPT SELECT facet, tag_id, count(*) FROM article_tags GROUP BY facet, tag_id))";
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}
static void test_list_filters_and_paging(void **state)
{
    fixture *f = *state;
    char url[64];
    for (int i = 0; i < 25; i++) {
        snprintf(url, sizeof url, "https://e.com/%d", i);
        submit(f->st, url, NULL, NULL);
        finish(f->st, i % 2 ? "Chip makers" : "芯片与算力", i % 2 ? "GPU supply is tight." : "芯片短缺，算力紧张。",
               i % 2 ? "en" : "zh", i < 5 ? "2020-01-0" "1T00:00:00Z" : NULL, NULL);
    }
    store_query q;
    memset(&q, 0, sizeof q);
    int64_t next = 0;
    json_t *items = list(f->st, &q, &next);
    assert_int_equal(json_array_size(items), 20);
    int64_t first = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
    int64_t second = json_integer_value(json_object_get(json_array_get(items, 1), "id"));
    assert_true(first > second);                        /* newest first */
    assert_true(next > 0);
    json_decref(items);
    q.before_id = next;
    items = list(f->st, &q, &next);
    assert_int_equal(json_array_size(items), 5);
    assert_int_equal(next, 0);
    json_decref(items);

    memset(&q, 0, sizeof q);
    q.language = "en";
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 12);
    json_decref(items);

    memset(&q, 0, sizeof q);
    q.text = "算力";                                    /* two characters: one bigram */
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 13);
    json_decref(items);
    q.text = "芯片短缺";                                /* three bigrams in a row */
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 13);
    json_decref(items);
    q.text = "gpu supply";                             /* case-insensitive */
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 12);
    json_decref(items);
    q.text = "\"quoted\" 100%_";                       /* hostile text is just text */
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);

    memset(&q, 0, sizeof q);
    q.tag_label = "大模型";
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 20);
    json_decref(items);
    const char *ids[] = {"llm"};
    q.tag_label = "LLM";
    q.tag_ids = ids;
    q.n_tag_ids = 1;
    q.tag_facet = "industry";                           /* wrong facet */
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    q.tag_facet = "technology";
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 20);
    json_decref(items);

    memset(&q, 0, sizeof q);
    q.until = "2020-12-31T23:59:59Z";
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 5);
    json_decref(items);
    q.until = NULL;
    q.since = "2021-01-01T00:00:00Z";
    q.status = "ready";
    q.limit = 100;
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 20);
    json_decref(items);

    json_t *tags = NULL;
    assert_int_equal(store_tags_list(f->st, "technology", &tags), STORE_OK);
    assert_int_equal(json_array_size(tags), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(tags, 0), "count")), 25);
    json_decref(tags);

    assert_int_equal(tag_counts_drift(f->path), 0);
    /* delete removes the row, its tags and its text */
    assert_int_equal(store_article_delete(f->st, first), STORE_OK);
    assert_int_equal(tag_counts_drift(f->path), 0);
    assert_int_equal(store_article_delete(f->st, first), STORE_NOT_FOUND);
    memset(&q, 0, sizeof q);
    q.text = "芯片短缺";
    items = list(f->st, &q, NULL);
    size_t left = json_array_size(items);
    json_decref(items);
    q.text = "gpu supply";
    items = list(f->st, &q, NULL);
    assert_int_equal(left + json_array_size(items), 24);
    json_decref(items);
}

/* What the index is given and what a query finds (storage/fts_text.c). */
static void test_fts_text_and_queries(void **state)
{
    fixture *f = *state;
    char *t = store_fts_text("GPT大模型时代, 中 x", strlen("GPT大模型时代, 中 x"), NULL);
    assert_non_null(t);
    assert_string_equal(t, "GPT 大模 模型 型时 时代 ,  中  x");
    free(t);
    static const struct { const char *q, *want; } queries[] = {
        {"council me", "{title content} : \"council\" AND {title content} : \"me\""},
        {"大模型", "{title content} : \"大模 模型\""},
        {"say \"hi there\"", "{title content} : \"say\" AND {title content} : \"hi there\""},
        {"a\"b", "{title content} : \"a\" AND {title content} : \"b\""},
        {"A股", "chars : \"A股\" AND {title content} : \"A\""},   /* glued: A, then 股 */
        {"股", "chars : \"股\""},
        {"股A", "chars : \"股A\" AND {title content} : \"A\""},
        {"x,股", "chars : \"股\" AND {title content} : \"x,\""},  /* touches no word */
        {"A股B", "{title content} : \"A 股 B\""},       /* between letters: a unigram */
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *qq = store_fts_query(queries[i].q);
        assert_non_null(qq);
        if (strcmp(qq, queries[i].want) != 0)
            fail_msg("q=%s: got %s, want %s", queries[i].q, qq, queries[i].want);
        free(qq);
    }
    assert_null(store_fts_query("，。!"));             /* nothing to look up */
    assert_null(store_fts_query("***"));
    assert_null(store_fts_query("\""));
    assert_int_equal(store_fts_searchable("***"), 0);
    assert_int_equal(store_fts_searchable("\" \""), 0);
    assert_int_equal(store_fts_searchable("x"), 1);
    assert_int_equal(store_fts_searchable("股"), 1);
    char *chars = store_fts_chars("股A股票大", strlen("股A股票大"), NULL);
    assert_string_equal(chars, "股 股A A股 票 大 ");
    free(chars);

    struct { const char *title, *content; } docs[] = {
        {"大模型的时代", "周鸿祎说，大模型的核心壁垒是数据。"},
        {"Council meets", "The councillors started the meeting with the harbour budget."},
        {"Art fair", "Modern art and the GPT-4 model were on show."},
        {"A股大涨", "炒股的人说 Nvidia chips are dear."},
    };
    int64_t id[4];
    for (int i = 0; i < 4; i++) {
        char url[64];
        snprintf(url, sizeof url, "https://e.com/fts/%d", i);
        submit(f->st, url, NULL, NULL);
        id[i] = finish(f->st, docs[i].title, docs[i].content, i == 1 || i == 2 ? "en" : "zh",
                       NULL, NULL);
    }
    static const struct { const char *q; int hits[4]; } cases[] = {
        {"大模型", {1, 0, 0, 0}},      /* a Chinese word inside a longer run */
        {"模型", {1, 0, 0, 0}},        /* two characters: one bigram */
        {"核心壁垒", {1, 0, 0, 0}},
        {"壁垒是", {1, 0, 0, 0}},      /* across a word boundary, as a substring */
        {"型核", {0, 0, 0, 0}},        /* not consecutive in the text */
        {"council", {0, 1, 0, 0}},     /* the title's word */
        {"councillor", {0, 0, 0, 0}},  /* a whole word, not a prefix of "councillors" */
        {"councillors started", {0, 1, 0, 0}},
        {"started councillors", {0, 1, 0, 0}},       /* words: all of them, any order */
        {"\"started councillors\"", {0, 0, 0, 0}},   /* a quoted phrase keeps its order */
        {"\"councillors started\"", {0, 1, 0, 0}},
        {"art", {0, 0, 1, 0}},         /* a word, not "started" or "harbour" */
        {"GPT-4", {0, 0, 1, 0}},
        {"gpt 4 model", {0, 0, 1, 0}},
        {"nvidia chips", {0, 0, 0, 1}},
        {"chips nvidia", {0, 0, 0, 1}},
        {"nvidia budget", {0, 0, 0, 0}},             /* AND: both words */
        {"周", {1, 0, 0, 0}},          /* one character: the chars column */
        {"股", {0, 0, 0, 1}},          /* in A股 and at the end of 炒股 */
        {"涨", {0, 0, 0, 1}},          /* the last character of a run */
        {"A股", {0, 0, 0, 1}},
        {"a股", {0, 0, 0, 1}},         /* case folded */
        {"A大", {0, 0, 0, 0}},
        {"说 Nvidia", {0, 0, 0, 1}},
        {"股nvidia", {0, 0, 0, 0}},    /* not glued in the text */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        store_query q;
        memset(&q, 0, sizeof q);
        q.text = cases[c].q;
        json_t *items = list(f->st, &q, NULL);
        for (int i = 0; i < 4; i++) {
            int found = 0;
            for (size_t k = 0; k < json_array_size(items); k++)
                found |= json_integer_value(json_object_get(json_array_get(items, k), "id")) == id[i];
            if (found != cases[c].hits[i])
                fail_msg("q=%s: article %d %s", cases[c].q, i, found ? "found" : "not found");
        }
        json_decref(items);
    }
}

static void test_iso_to_utc(void **state)
{
    (void)state;
    char out[21];
    assert_int_equal(store_iso_to_utc("2023-07-03", 0, out), 0);
    assert_string_equal(out, "2023-07-03T00:00:00Z");
    assert_int_equal(store_iso_to_utc("2023-07-03", 1, out), 0);
    assert_string_equal(out, "2023-07-03T23:59:59Z");
    assert_int_equal(store_iso_to_utc("2023-07-03T10:12:00+08:00", 0, out), 0);
    assert_string_equal(out, "2023-07-03T02:12:00Z");
    assert_int_equal(store_iso_to_utc("2023-07-03T10:12+0800", 0, out), 0);
    assert_string_equal(out, "2023-07-03T02:12:00Z");
    assert_int_equal(store_iso_to_utc("2023-07-03 10:12:30.123Z", 0, out), 0);
    assert_string_equal(out, "2023-07-03T10:12:30Z");
    static const char *const bad[] = {"", "2023", "2023-13-01", "2023-02-30", "2023-07-03T25:00",
                                      "yesterday", "2023-07-03T10:12:00+08", "2023-07-03Tx",
                                      "2023-07-03T10:12:00Zjunk", NULL};
    for (int i = 0; bad[i]; i++)
        if (store_iso_to_utc(bad[i], 0, out) == 0)
            fail_msg("'%s' accepted as %s", bad[i], out);
}

/* --- document frequencies (storage/df.c) ---------------------------- */

/* What store_df_load gives back: docs per language and a few dfs. */
typedef struct seen {
    int64_t docs_en, docs_zh;
    char terms[32][32];
    int64_t df[32];
    size_t n;
} seen;

static int collect(void *arg, const char *lang, const char *term, size_t len, int64_t df)
{
    seen *s = arg;
    if (!term) {
        if (!strcmp(lang, "en"))
            s->docs_en = df;
        else if (!strcmp(lang, "zh"))
            s->docs_zh = df;
        return 0;
    }
    if (s->n < 32 && len < 32) {
        memcpy(s->terms[s->n], term, len);
        s->terms[s->n][len] = '\0';
        s->df[s->n++] = df;
    }
    return 0;
}

/* The sums after a fold (as the daemon's reload sees them). */
static seen load(store *st)
{
    seen s;
    memset(&s, 0, sizeof s);
    assert_true(store_df_fold(st) >= 0);
    assert_int_equal(store_df_load(st, 1, 1000, collect, &s), STORE_OK);
    return s;
}

static int64_t df_of(const seen *s, const char *term)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->terms[i], term))
            return s->df[i];
    return 0;
}

/* Claim the next job and store it ready, counted with terms. */
static int64_t finish_counted(store *st, const char *lang, const char *const *terms, size_t n)
{
    store_job job;
    assert_int_equal(store_job_claim(st, OWNER, 30000, &job), STORE_OK);
    json_t *rec = json_pack("{s:s, s:s, s:s}", "title", "t", "content", "c", "language", lang);
    assert_non_null(rec);
    store_terms t = { lang, terms, n };
    int64_t id = job.id;
    assert_int_equal(store_job_finish_ready(st, &job, OWNER, rec, NULL, &t), STORE_OK);
    json_decref(rec);
    store_job_release(&job);
    return id;
}

static void test_df_counts_each_article_once(void **state)
{
    fixture *f = *state;
    static const char *const a[] = { "alpha", "beta", "beta" };   /* a repeat counts once */
    static const char *const b[] = { "alpha", "gamma" };
    static const char *const z[] = { "模型" };
    submit(f->st, "https://a.example/1", NULL, NULL);
    int64_t id1 = finish_counted(f->st, "en", a, 3);
    submit(f->st, "https://a.example/2", NULL, NULL);
    int64_t id2 = finish_counted(f->st, "en", b, 2);
    submit(f->st, "https://a.example/3", NULL, NULL);
    finish_counted(f->st, "zh", z, 1);
    seen s = load(f->st);
    assert_int_equal(s.docs_en, 2);
    assert_int_equal(s.docs_zh, 1);
    assert_int_equal(df_of(&s, "alpha"), 2);
    assert_int_equal(df_of(&s, "beta"), 1);
    assert_int_equal(df_of(&s, "gamma"), 1);
    assert_int_equal(df_of(&s, "模型"), 1);

    /* a refresh takes back the old terms and counts the new ones */
    static const char *const a2[] = { "alpha", "delta" };
    assert_int_equal(store_article_requeue(f->st, id1, NULL, 0, 0), STORE_OK);
    assert_int_equal(finish_counted(f->st, "en", a2, 2), id1);
    s = load(f->st);
    assert_int_equal(s.docs_en, 2);
    assert_int_equal(df_of(&s, "alpha"), 2);
    assert_int_equal(df_of(&s, "beta"), 0);
    assert_int_equal(df_of(&s, "delta"), 1);

    /* the counts only come from the load's min df on */
    seen m;
    memset(&m, 0, sizeof m);
    assert_int_equal(store_df_load(f->st, 2, 1000, collect, &m), STORE_OK);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.terms[0], "alpha");

    /* delete: its counts go */
    assert_int_equal(store_article_delete(f->st, id2), STORE_OK);
    s = load(f->st);
    assert_int_equal(s.docs_en, 1);
    assert_int_equal(df_of(&s, "alpha"), 1);
    assert_int_equal(df_of(&s, "gamma"), 0);

    /* a refresh that fails: the good version stays, and its counts */
    assert_int_equal(store_article_requeue(f->st, id1, NULL, 0, 0), STORE_OK);
    store_job job;
    assert_int_equal(store_job_claim(f->st, OWNER, 30000, &job), STORE_OK);
    assert_int_equal(store_job_finish_failed(f->st, &job, OWNER, "http_404", "gone"), STORE_OK);
    store_job_release(&job);
    s = load(f->st);
    assert_int_equal(s.docs_en, 1);
    assert_int_equal(df_of(&s, "alpha"), 1);
    assert_int_equal(s.docs_zh, 1);
    /* deleted: no longer counted */
    assert_int_equal(store_article_delete(f->st, id1), STORE_OK);
    s = load(f->st);
    assert_int_equal(s.docs_en, 0);
    assert_int_equal(df_of(&s, "alpha"), 0);

    /* recorded, deleted before any fold: never summed */
    static const char *const e[] = { "epsilon", "alpha" };
    submit(f->st, "https://a.example/4", NULL, NULL);
    int64_t id4 = finish_counted(f->st, "zh", e, 2);
    assert_int_equal(store_article_delete(f->st, id4), STORE_OK);
    assert_int_equal(store_df_fold(f->st), 0);
    s = load(f->st);
    assert_int_equal(s.docs_zh, 1);
    assert_int_equal(df_of(&s, "epsilon"), 0);

    /* recorded, not yet folded: the sums lag, the fold catches up once */
    submit(f->st, "https://a.example/5", NULL, NULL);
    finish_counted(f->st, "zh", e, 2);
    seen lag;
    memset(&lag, 0, sizeof lag);
    assert_int_equal(store_df_load(f->st, 1, 1000, collect, &lag), STORE_OK);
    assert_int_equal(lag.docs_zh, 1);
    assert_int_equal(store_df_fold(f->st), 1);
    assert_int_equal(store_df_fold(f->st), 0);
    s = load(f->st);
    assert_int_equal(s.docs_zh, 2);
    assert_int_equal(df_of(&s, "epsilon"), 1);

    /* the pass over old articles never counts one twice */
    static const char *const again[] = { "模型", "数据" };
    store_terms t = { "zh", again, 2 };
    assert_int_equal(store_df_count_missing(f->st, 3, &t), STORE_NOT_FOUND);
    s = load(f->st);
    assert_int_equal(s.docs_zh, 2);
    assert_int_equal(df_of(&s, "数据"), 0);
}

static void test_df_survives_restart(void **state)
{
    fixture *f = *state;
    static const char *const a[] = { "wind", "turbine" };
    char err[256];
    for (int i = 0; i < 3; i++) {
        char url[64];
        snprintf(url, sizeof url, "https://b.example/%d", i);
        submit(f->st, url, NULL, NULL);
        finish_counted(f->st, "en", a, 2);
    }
    store_close(f->st);
    f->st = NULL;
    assert_int_equal(store_open(f->path, &f->st, err, sizeof err), 0);
    seen s = load(f->st);
    assert_int_equal(s.docs_en, 3);
    assert_int_equal(df_of(&s, "turbine"), 3);
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s\n", msg ? msg : "?");
    sqlite3_free(msg);
    sqlite3_close(db);
    assert_int_equal(rc, SQLITE_OK);
}

/* Undo schema v12 (webhook file marks), v11 (feeds), v10 (page validators, checked_at), v9 (webhooks), v8 (tag counts), v7 (authors, content_html,
 * content_markdown) and v6 (generations, leases, pages) on a current
 * database, so the older migrations can be tested from a database of
 * their time. (The index's chars column of v8 goes with the v4 -> v5
 * rebuild.) */
#define UNDO_V12 "DROP TABLE webhook_file;"
#define UNDO_V11 UNDO_V12 "DROP TABLE feed_items; DROP TABLE feeds; DROP INDEX articles_feed;" \
                 "ALTER TABLE articles DROP COLUMN feed_id;"
#define UNDO_V10 UNDO_V11 "DROP TABLE page_validators; ALTER TABLE articles DROP COLUMN checked_at;"
#define UNDO_V9 UNDO_V10 "DROP TABLE webhook_attempts; DROP TABLE webhook_deliveries; DROP TABLE webhooks;"
#define UNDO_V8 UNDO_V9 "DROP TRIGGER tag_counts_replaced; DROP TRIGGER tag_counts_inserted;" \
                "DROP TRIGGER tag_counts_deleted; DROP TRIGGER tag_counts_updated;" \
                "DROP TABLE tag_counts;"
#define UNDO_V7 UNDO_V8 \
    "ALTER TABLE articles DROP COLUMN authors; ALTER TABLE articles DROP COLUMN content_html;" \
    "ALTER TABLE articles DROP COLUMN content_markdown;"
#define UNDO_V6 UNDO_V7 \
    "DROP TABLE jobs; DROP TABLE pages;" \
    "CREATE TABLE jobs(article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE," \
    "  html BLOB, enqueued_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);" \
    "ALTER TABLE articles DROP COLUMN generation; ALTER TABLE articles DROP COLUMN content_gen;" \
    "ALTER TABLE articles DROP COLUMN last_refresh;"

static void test_migration_from_v3(void **state)
{
    fixture *f = *state;
    char err[256], buf[32];
    /* a v3 database holding one ready article: the v4 tables and the
     * backfill mark are not there yet */
    submit(f->st, "https://c.example/old", NULL, NULL);
    int64_t id = finish_counted(f->st, "en", NULL, 0);
    store_close(f->st);
    f->st = NULL;
    exec_sql(f->path, UNDO_V6 "DROP TABLE term_docs; DROP TABLE term_df; DROP TABLE df_docs;"
                      "DELETE FROM meta WHERE key = 'df_backfill'; PRAGMA user_version = 3;");
    assert_int_equal(store_open(f->path, &f->st, err, sizeof err), 0);
    seen s = load(f->st);
    assert_int_equal(s.docs_en, 0);
    /* a ready article stored before: the background pass must count it */
    assert_int_equal(store_meta_get(f->st, "df_backfill", buf, sizeof buf), STORE_NOT_FOUND);
    static const char *const t[] = { "legacy", "article" };
    store_terms terms = { "en", t, 2 };
    assert_int_equal(store_df_count_missing(f->st, id, &terms), STORE_OK);
    assert_int_equal(store_df_count_missing(f->st, id, &terms), STORE_NOT_FOUND);
    s = load(f->st);
    assert_int_equal(s.docs_en, 1);
    assert_int_equal(df_of(&s, "legacy"), 1);
    /* new articles are counted as usual */
    submit(f->st, "https://c.example/new", NULL, NULL);
    finish_counted(f->st, "en", t, 2);
    s = load(f->st);
    assert_int_equal(s.docs_en, 2);
    assert_int_equal(df_of(&s, "article"), 2);
}

/* v6 -> v7: a stored author becomes the authors list; HTML and Markdown
 * are null until the page is read again. */
static void test_migration_to_v7_authors(void **state)
{
    fixture *f = *state;
    char err[256];
    submit(f->st, "https://c.example/v7", NULL, NULL);
    int64_t id = finish(f->st, "Old record", "stored before v7", "en", NULL, NULL);
    submit(f->st, "https://c.example/v7-none", NULL, NULL);
    int64_t none = finish(f->st, "No author", "stored before v7 too", "en", NULL, NULL);
    store_close(f->st);
    f->st = NULL;
    char sql[1024];
    int n = snprintf(sql, sizeof sql, UNDO_V7 "UPDATE articles SET author = 'Jane Doe' WHERE id = %lld;"
                     "PRAGMA user_version = 6;", (long long)id);
    assert_true(n > 0 && (size_t)n < sizeof sql);
    exec_sql(f->path, sql);
    assert_int_equal(store_open(f->path, &f->st, err, sizeof err), 0);
    json_t *rec = NULL;
    assert_int_equal(store_article_get(f->st, id, STORE_WITH_HTML | STORE_WITH_MARKDOWN, &rec), STORE_OK);
    json_t *authors = json_object_get(rec, "authors");
    assert_int_equal(json_array_size(authors), 1);
    assert_string_equal(json_string_value(json_array_get(authors, 0)), "Jane Doe");
    assert_true(json_is_null(json_object_get(rec, "content_html")));
    assert_true(json_is_null(json_object_get(rec, "content_markdown")));
    json_decref(rec);
    assert_int_equal(store_article_get(f->st, none, 0, &rec), STORE_OK);
    assert_int_equal(json_array_size(json_object_get(rec, "authors")), 0);
    assert_null(json_object_get(rec, "content_html"));
    json_decref(rec);
}

/* v4 -> v5 -> v8: the trigram index is rebuilt as words and bigrams
 * (and, v8, each article's CJK characters) from the stored articles. */
static void test_migration_to_v5_rebuilds_index(void **state)
{
    fixture *f = *state;
    char err[256];
    submit(f->st, "https://c.example/fts", NULL, NULL);
    int64_t id = finish(f->st, "旧文章", "大模型的核心壁垒", "zh", NULL, NULL);
    store_close(f->st);
    f->st = NULL;
    exec_sql(f->path, UNDO_V6 "DROP TABLE articles_fts;"
                      "CREATE VIRTUAL TABLE articles_fts USING fts5(title, content, tokenize='trigram');"
                      "INSERT INTO articles_fts(rowid, title, content) SELECT id, title, content FROM articles;"
                      "PRAGMA user_version = 4;");
    assert_int_equal(store_open(f->path, &f->st, err, sizeof err), 0);
    store_query q;
    memset(&q, 0, sizeof q);
    q.text = "模型";   /* a bigram: the trigram index had no answer for two characters */
    json_t *items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), id);
    json_decref(items);
    q.text = "壁";     /* one character: the chars column v6 adds */
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);
}

static void test_fresh_database_needs_no_backfill(void **state)
{
    fixture *f = *state;
    char buf[32];
    assert_int_equal(store_meta_get(f->st, "df_backfill", buf, sizeof buf), STORE_OK);
    assert_string_equal(buf, "done");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_submit_dedupe_and_job_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters_and_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fts_text_and_queries, setup, teardown),
        cmocka_unit_test(test_iso_to_utc),
        cmocka_unit_test_setup_teardown(test_df_counts_each_article_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_df_survives_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_from_v3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_to_v5_rebuilds_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_to_v7_authors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fresh_database_needs_no_backfill, setup, teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
