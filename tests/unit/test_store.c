/* test_store.c -- the SQLite store on a temporary database: submit and
 * dedupe, the job cycle, lists with every filter, paging, full text
 * (including two-character Chinese words), delete, crash recovery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "storage/store.h"

typedef struct fixture {
    char dir[64];
    char path[96];
    store *st;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char err[256];
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/skimd-test-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    if (store_open(f->path, &f->st, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char p[128];
    store_close(f->st);
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

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
    assert_int_equal(store_job_claim(st, &job), STORE_OK);
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
    assert_int_equal(store_job_finish_ready(st, id, rec, canon, NULL), STORE_OK);
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
    assert_int_equal(store_job_claim(f->st, &job), STORE_OK);
    assert_int_equal(job.id, b);
    assert_int_equal(store_job_finish_failed(f->st, b, "http_404", "HTTP 404"), STORE_OK);
    store_job_release(&job);
    assert_int_equal(store_article_get(f->st, b, 0, &rec), STORE_OK);
    assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "error"), "code")),
                        "http_404");
    json_decref(rec);
    assert_int_equal(store_job_claim(f->st, &job), STORE_NOT_FOUND);

    /* refresh puts it back in the queue */
    assert_int_equal(store_article_requeue(f->st, b, NULL, 0), STORE_OK);
    assert_int_equal(store_article_requeue(f->st, 999, NULL, 0), STORE_NOT_FOUND);
    assert_int_equal(store_job_claim(f->st, &job), STORE_OK);
    assert_int_equal(job.id, b);
    store_job_release(&job);
    /* a crash leaves it "fetching": recovery queues it again */
    assert_int_equal(store_jobs_recover(f->st), 1);
    assert_int_equal(store_article_status(f->st, b, status, sizeof status), STORE_OK);
    assert_string_equal(status, "queued");
    int64_t counts[4];
    assert_int_equal(store_status_counts(f->st, counts), STORE_OK);
    assert_int_equal(counts[0], 1);
    assert_int_equal(counts[2], 1);
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
    q.text = "算力";                                    /* two characters: scan */
    items = list(f->st, &q, NULL);
    assert_int_equal(json_array_size(items), 13);
    json_decref(items);
    q.text = "芯片短缺";                                /* trigram index */
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

    /* delete removes the row, its tags and its text */
    assert_int_equal(store_article_delete(f->st, first), STORE_OK);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_submit_dedupe_and_job_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters_and_paging, setup, teardown),
        cmocka_unit_test(test_iso_to_utc),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
