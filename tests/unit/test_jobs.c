/* test_jobs.c -- the job model on a temporary database (storage/jobs.c,
 * article_edit.c; the invariants in storage/schema.c): generations make
 * the newest request win, leases expire and are reaped, a refresh never
 * destroys a good record, a first failure leaves no analysis, a pushed
 * page is kept and re-read, re-tagging writes only over the text it
 * read, client tags merge and are replaced. */
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
#include "tests/unit/tmpdb.h"

#define ME "daemon-a"
#define LEASE 30000

typedef tmpdb_fixture fixture;
#define setup tmpdb_setup
#define teardown tmpdb_teardown

static int64_t submit(store *st, const char *url, const char *html)
{
    int64_t id = 0;
    int existed = 0;
    store_submit s = {.url = url, .norm_url = url, .html = html, .html_len = html ? strlen(html) : 0};
    assert_int_equal(store_article_submit(st, &s, &id, &existed), STORE_OK);
    return id;
}

static json_t *record(const char *title, const char *content)
{
    json_t *rec = json_pack("{s:s, s:s, s:s, s:{s:[s]}, s:{s:[{s:s, s:s, s:f, s:[s]}]}}",
                            "title", title, "content", content, "language", "en",
                            "tags", "technology", "LLM", "tag_evidence", "technology", "id",
                            "llm", "label", "LLM", "score", 2.0, "terms", "llm");
    assert_non_null(rec);
    return rec;
}

static json_t *get(store *st, int64_t id)
{
    json_t *rec = NULL;
    assert_int_equal(store_article_get(st, id, STORE_WITH_CONTENT, &rec), STORE_OK);
    return rec;
}

static const char *str(json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}

static size_t count_q(store *st, const char *text)
{
    store_query q;
    json_t *items = NULL;
    int64_t next = 0;
    memset(&q, 0, sizeof q);
    q.text = text;
    q.limit = 10;
    assert_int_equal(store_article_list(st, &q, &items, &next), STORE_OK);
    size_t n = json_array_size(items);
    json_decref(items);
    return n;
}

static void test_newest_request_wins(void **state)
{
    fixture *f = *state;
    store_job j1, j2;
    int64_t id = submit(f->st, "https://a.example/1", NULL);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j1), STORE_OK);
    assert_int_equal(j1.generation, 1);
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 0), STORE_OK);
    /* the claimed job was replaced: its renewal and its finish are refused */
    assert_int_equal(store_job_renew(f->st, &j1, ME, LEASE), STORE_STALE);
    json_t *v1 = record("Version one", "first text");
    assert_int_equal(store_job_finish_ready(f->st, &j1, ME, v1, NULL, NULL), STORE_STALE);
    assert_int_equal(store_job_finish_failed(f->st, &j1, ME, "http_404", "gone"), STORE_STALE);
    json_t *rec = get(f->st, id);
    assert_string_equal(str(rec, "status"), "queued");
    assert_null(str(rec, "title"));
    json_decref(rec);
    /* the same owner with the new generation: only that one finishes */
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j2), STORE_OK);
    assert_int_equal(j2.generation, 2);
    json_t *v2 = record("Version two", "second text");
    assert_int_equal(store_job_finish_ready(f->st, &j1, ME, v1, NULL, NULL), STORE_STALE);
    assert_int_equal(store_job_finish_ready(f->st, &j2, ME, v2, NULL, NULL), STORE_OK);
    assert_int_equal(store_job_finish_ready(f->st, &j2, ME, v2, NULL, NULL), STORE_STALE);
    rec = get(f->st, id);
    assert_string_equal(str(rec, "title"), "Version two");
    assert_true(json_is_null(json_object_get(rec, "job")));
    json_decref(rec);
    assert_int_equal(store_article_job_pending(f->st, id, NULL), STORE_NOT_FOUND);
    json_decref(v1);
    json_decref(v2);
    store_job_release(&j1);
    store_job_release(&j2);
}

static void test_leases_expire_and_are_reaped(void **state)
{
    fixture *f = *state;
    store_job j, k;
    submit(f->st, "https://a.example/2", NULL);
    /* a lease already past its expiry (a daemon that stopped renewing) */
    assert_int_equal(store_job_claim(f->st, "daemon-b", -1000, &j), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &k), STORE_NOT_FOUND);
    assert_int_equal(store_jobs_reap(f->st, NULL), 1);
    assert_int_equal(store_job_renew(f->st, &j, "daemon-b", LEASE), STORE_STALE);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &k), STORE_OK);
    assert_int_equal(k.generation, j.generation);
    /* a live lease is not reaped, unless the caller holds the file alone */
    assert_int_equal(store_job_renew(f->st, &k, ME, LEASE), STORE_OK);
    assert_int_equal(store_jobs_reap(f->st, NULL), 0);
    assert_int_equal(store_jobs_reap(f->st, ME), 0);
    assert_int_equal(store_jobs_reap(f->st, "daemon-c"), 1);
    /* the old claimant cannot finish it */
    assert_int_equal(store_job_finish_failed(f->st, &j, "daemon-b", "dns", "x"), STORE_STALE);
    store_job_release(&j);
    store_job_release(&k);
}

/* Polite fetching: a deferred job keeps its generation, is not claimed
 * before its time unless woken, a wake of a replaced job changes
 * nothing, and only real tries count in attempts. */
static void test_defer_and_wake(void **state)
{
    fixture *f = *state;
    store_job j, k;
    char st[16];
    int64_t id = submit(f->st, "https://a.example/defer", NULL);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_int_equal(j.attempts, 1);
    assert_int_equal(store_job_defer(f->st, &j, ME, 60000), STORE_OK);
    assert_int_equal(store_article_status(f->st, id, st, sizeof st), STORE_OK);
    assert_string_equal(st, "queued");
    /* deferred for a minute: not claimable, and the old lease is gone */
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &k), STORE_NOT_FOUND);
    assert_int_equal(store_job_defer(f->st, &j, ME, 0), STORE_STALE);
    assert_int_equal(store_job_wake(f->st, j.id, j.generation + 1), STORE_STALE);
    assert_int_equal(store_job_wake(f->st, j.id, j.generation), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &k), STORE_OK);
    assert_int_equal(k.generation, j.generation);
    assert_int_equal(k.attempts, 1);               /* the deferral was not a try */
    /* a leased job is not woken; a give back counts the try */
    assert_int_equal(store_job_wake(f->st, k.id, k.generation), STORE_STALE);
    assert_int_equal(store_job_give_back(f->st, &k, ME, 60000), STORE_OK);
    store_job_release(&k);
    /* a refresh replaces the deferred job: the old wake is stale, the new job free now */
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 1), STORE_OK);
    assert_int_equal(store_job_wake(f->st, j.id, j.generation), STORE_STALE);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &k), STORE_OK);
    assert_int_equal(k.generation, j.generation + 1);
    assert_int_equal(k.attempts, 1);
    store_job_release(&j);
    store_job_release(&k);
}

/* Conditional GET: a fetched record keeps its page's validators and
 * checked_at; a refresh's claim carries them; a 304 keeps the record,
 * ends the job and moves checked_at; a pushed page drops them. */
static void test_validators_and_unchanged(void **state)
{
    fixture *f = *state;
    store_job j;
    int64_t id = submit(f->st, "https://a.example/etag", NULL);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_null(j.etag);                           /* a first read is unconditional */
    assert_int_equal(store_job_finish_unchanged(f->st, &j, ME), STORE_ERROR);
    j.etag = strdup("\"v1\"");
    j.last_modified = strdup("Wed, 21 Oct 2015 07:28:00 GMT");
    json_t *rec = record("One", "first text");
    assert_int_equal(store_job_finish_ready(f->st, &j, ME, rec, NULL, NULL), STORE_OK);
    json_decref(rec);
    store_job_release(&j);
    rec = get(f->st, id);
    assert_non_null(str(rec, "checked_at"));
    json_decref(rec);
    /* a refresh that fetches: the claim has the validators */
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 1), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_true(j.refresh && j.fetch);
    assert_string_equal(j.etag, "\"v1\"");
    assert_string_equal(j.last_modified, "Wed, 21 Oct 2015 07:28:00 GMT");
    /* another owner cannot end it; the owner's 304 keeps the record */
    assert_int_equal(store_job_finish_unchanged(f->st, &j, "daemon-z"), STORE_STALE);
    free(j.etag);
    j.etag = strdup("\"v2\"");
    assert_int_equal(store_job_finish_unchanged(f->st, &j, ME), STORE_OK);
    assert_int_equal(store_job_finish_unchanged(f->st, &j, ME), STORE_STALE);
    store_job_release(&j);
    rec = get(f->st, id);
    assert_string_equal(str(rec, "content"), "first text");
    assert_string_equal(str(rec, "status"), "ready");
    assert_string_equal(str(json_object_get(rec, "last_refresh"), "status"), "ready");
    assert_true(json_is_null(json_object_get(rec, "job")));
    assert_non_null(str(rec, "checked_at"));
    json_decref(rec);
    assert_int_equal(store_article_job_pending(f->st, id, NULL), STORE_NOT_FOUND);
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 1), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_string_equal(j.etag, "\"v2\"");          /* the 304's new ETag */
    store_job_release(&j);
    /* a pushed page replaces the fetched one: no validators, no checked_at */
    assert_int_equal(store_article_requeue(f->st, id, "<p>pushed</p>", 13, 0), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_false(j.fetch);
    assert_null(j.etag);
    rec = record("Two", "pushed text");
    assert_int_equal(store_job_finish_ready(f->st, &j, ME, rec, NULL, NULL), STORE_OK);
    json_decref(rec);
    store_job_release(&j);
    rec = get(f->st, id);
    assert_true(json_is_null(json_object_get(rec, "checked_at")));
    json_decref(rec);
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 1), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_true(j.fetch && j.refresh);
    assert_null(j.etag);
    assert_null(j.last_modified);
    store_job_release(&j);
}

static void test_refresh_never_destroys(void **state)
{
    fixture *f = *state;
    store_job j;
    int64_t id = submit(f->st, "https://a.example/3", NULL);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    json_t *v = record("Good version", "council budget text");
    assert_int_equal(store_job_finish_ready(f->st, &j, ME, v, NULL, NULL), STORE_OK);
    store_job_release(&j);
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 0), STORE_OK);
    json_t *rec = get(f->st, id);
    assert_string_equal(str(rec, "status"), "ready");          /* still ready while re-read */
    assert_string_equal(str(json_object_get(rec, "job"), "state"), "queued");
    json_decref(rec);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_int_equal(j.refresh, 1);
    assert_int_equal(store_job_finish_failed(f->st, &j, ME, "http_503", "down"), STORE_OK);
    store_job_release(&j);
    rec = get(f->st, id);
    assert_string_equal(str(rec, "status"), "ready");
    assert_string_equal(str(rec, "title"), "Good version");
    assert_true(json_is_null(json_object_get(rec, "error")));
    json_t *lr = json_object_get(rec, "last_refresh");
    assert_string_equal(str(lr, "status"), "failed");
    assert_string_equal(str(json_object_get(lr, "error"), "code"), "http_503");
    json_decref(rec);
    assert_int_equal(count_q(f->st, "council"), 1);             /* still found */
    json_decref(v);
}

static void test_first_failure_leaves_no_analysis(void **state)
{
    fixture *f = *state;
    store_job j;
    int64_t id = submit(f->st, "https://a.example/4", NULL);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_int_equal(j.refresh, 0);
    assert_int_equal(store_job_finish_failed(f->st, &j, ME, "not_html", "a PDF"), STORE_OK);
    store_job_release(&j);
    json_t *rec = get(f->st, id);
    assert_string_equal(str(rec, "status"), "failed");
    assert_null(str(rec, "summary"));
    assert_int_equal(json_array_size(json_object_get(rec, "keywords")), 0);
    assert_true(json_is_null(json_object_get(rec, "last_refresh")));
    json_decref(rec);
}

static void test_pushed_page_is_kept(void **state)
{
    fixture *f = *state;
    store_job j;
    int64_t id = submit(f->st, "https://a.example/5", "<p>pushed page</p>");
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_int_equal(j.fetch, 0);
    assert_string_equal(j.html, "<p>pushed page</p>");
    json_t *v = record("Pushed", "pushed page");
    assert_int_equal(store_job_finish_ready(f->st, &j, ME, v, NULL, NULL), STORE_OK);
    store_job_release(&j);
    /* a plain refresh re-reads the stored page */
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 0), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_int_equal(j.fetch, 0);
    assert_string_equal(j.html, "<p>pushed page</p>");
    store_job_release(&j);
    /* new html replaces it */
    assert_int_equal(store_article_requeue(f->st, id, "<p>new</p>", 10, 0), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_string_equal(j.html, "<p>new</p>");
    store_job_release(&j);
    /* fetch=1 fetches; once the fetched page is stored, the pushed one is gone */
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 1), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_int_equal(j.fetch, 1);
    assert_null(j.html);
    assert_int_equal(store_job_finish_ready(f->st, &j, ME, v, NULL, NULL), STORE_OK);
    store_job_release(&j);
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 0), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_int_equal(j.fetch, 1);
    store_job_release(&j);
    json_decref(v);
}

static void test_retag_only_over_the_text_it_read(void **state)
{
    fixture *f = *state;
    store_job j;
    store_stored_text t;
    int64_t id = submit(f->st, "https://a.example/6", NULL);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    json_t *v = record("Text", "old text");
    assert_int_equal(store_job_finish_ready(f->st, &j, ME, v, NULL, NULL), STORE_OK);
    store_job_release(&j);
    assert_int_equal(store_next_ready(f->st, 0, &t), STORE_OK);
    int64_t read_under = t.content_gen;
    store_stored_text_release(&t);
    /* a refresh stores a new text meanwhile */
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 0), STORE_OK);
    json_t *analysis = json_pack("{s:{s:[s]}, s:{}, s:[]}", "tags", "industry", "Sports",
                                 "tag_evidence", "events");
    /* still the old text while the refresh is pending: the write is fine */
    assert_int_equal(store_article_set_tags(f->st, id, read_under, analysis), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &j), STORE_OK);
    assert_int_equal(store_job_finish_ready(f->st, &j, ME, v, NULL, NULL), STORE_OK);
    store_job_release(&j);
    assert_int_equal(store_article_set_tags(f->st, id, read_under, analysis), STORE_NOT_FOUND);
    json_t *rec = get(f->st, id);
    assert_non_null(json_object_get(json_object_get(rec, "tags"), "technology"));
    assert_null(json_object_get(json_object_get(rec, "tags"), "industry"));
    json_decref(rec);
    json_decref(analysis);
    json_decref(v);
}

static void test_client_tags_merge_and_replace(void **state)
{
    fixture *f = *state;
    int64_t id = submit(f->st, "https://a.example/7", NULL);
    json_t *a = json_pack("[s,s]", "to-read", "ai"), *b = json_pack("[s,s]", "ai", "later");
    assert_int_equal(store_article_set_user_tags(f->st, id, a, 1, 20), STORE_OK);
    assert_int_equal(store_article_set_user_tags(f->st, id, b, 1, 20), STORE_OK);
    json_t *rec = get(f->st, id);
    json_t *user = json_object_get(json_object_get(rec, "tags"), "user");
    assert_int_equal(json_array_size(user), 3);
    assert_string_equal(json_string_value(json_array_get(user, 2)), "later");
    json_decref(rec);
    assert_int_equal(store_article_set_user_tags(f->st, id, b, 0, 20), STORE_OK);
    rec = get(f->st, id);
    user = json_object_get(json_object_get(rec, "tags"), "user");
    assert_int_equal(json_array_size(user), 2);
    assert_string_equal(json_string_value(json_array_get(user, 0)), "ai");
    json_decref(rec);
    json_t *none = json_array();
    assert_int_equal(store_article_set_user_tags(f->st, id, none, 0, 20), STORE_OK);
    rec = get(f->st, id);
    assert_null(json_object_get(json_object_get(rec, "tags"), "user"));
    json_decref(rec);
    assert_int_equal(store_article_set_user_tags(f->st, 999, a, 0, 20), STORE_NOT_FOUND);
    json_decref(a);
    json_decref(b);
    json_decref(none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_newest_request_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leases_expire_and_are_reaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defer_and_wake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validators_and_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_never_destroys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_failure_leaves_no_analysis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pushed_page_is_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retag_only_over_the_text_it_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_tags_merge_and_replace, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
