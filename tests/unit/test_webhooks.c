/* test_webhooks.c -- webhooks below HTTP: Standard Webhooks signatures
 * against the specification's published example (server/webhooks.c),
 * secret checks, the retry schedule, and the outbox on a temporary
 * database (storage/webhooks.c): rows written with the change that
 * happened, none for a stale job, a delivery's attempts and its end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "server/webhooks.h"
#include "storage/store.h"
#include "storage/webhooks.h"
#include "tests/unit/tmpdb.h"

#define ME "daemon-a"
#define LEASE 30000
#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

typedef tmpdb_fixture fixture;

/* The example of the Standard Webhooks specification and its reference
 * libraries (svix, standard-webhooks): this id, time and body with this
 * secret sign to this value; node's crypto.createHmac gives the same. */
static void test_sign_matches_the_specification_example(void **state)
{
    (void)state;
    char sig[SRV_WH_SIGNATURE_MAX];
    const char *body = "{\"test\": 2432232314}";
    assert_int_equal(srv_webhook_sign(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330LL,
                                      body, strlen(body), sig, sizeof sig), 0);
    assert_string_equal(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    /* one byte of body, id or time changes it */
    assert_int_equal(srv_webhook_sign(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331LL,
                                      body, strlen(body), sig, sizeof sig), 0);
    assert_string_not_equal(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assert_int_equal(srv_webhook_sign("whsec_short", "m", 1, "x", 1, sig, sizeof sig), -1);
    assert_int_equal(srv_webhook_sign(SECRET, "m", 1, "x", 1, sig, 10), -1);
}

static void test_secrets(void **state)
{
    (void)state;
    char a[SRV_WH_SECRET_MAX], b[SRV_WH_SECRET_MAX];
    assert_int_equal(srv_webhook_secret_new(a, sizeof a), 0);
    assert_int_equal(srv_webhook_secret_new(b, sizeof b), 0);
    assert_int_equal(strncmp(a, "whsec_", 6), 0);
    assert_int_equal(strlen(a), 6 + 32);             /* base64 of 24 bytes */
    assert_string_not_equal(a, b);
    assert_int_equal(srv_webhook_secret_check(a), 0);
    assert_int_equal(srv_webhook_secret_check(SECRET), 0);
    static const char *const bad[] = {
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",          /* no prefix */
        "whsec_",                                    /* nothing */
        "whsec_c2hvcnQ=",                            /* 5 bytes: too short */
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",     /* not a multiple of 4 */
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La=aSw",    /* padding inside */
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-w",    /* base64url, not base64 */
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La LaSw",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(srv_webhook_secret_check(bad[i]), -1);
    assert_int_equal(srv_webhook_secret_check(NULL), -1);
}

static void test_retry_schedule(void **state)
{
    (void)state;
    srv_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.webhook_retry_ms = 1000;
    cfg.webhook_max_age_s = 86400;
    const int64_t t0 = 1000000;
    /* no jitter (rnd 0): 1 s, 2 s, 4 s ...; capped at an hour */
    assert_int_equal(srv_webhook_retry_at(&cfg, 1, t0, t0, 0), t0 + 1000);
    assert_int_equal(srv_webhook_retry_at(&cfg, 2, t0, t0, 0), t0 + 2000);
    assert_int_equal(srv_webhook_retry_at(&cfg, 4, t0, t0, 0), t0 + 8000);
    assert_int_equal(srv_webhook_retry_at(&cfg, 40, t0, t0, 0), t0 + 3600000);
    /* jitter takes off at most half */
    for (uint32_t rnd = 0; rnd < 5000; rnd += 97) {
        int64_t at = srv_webhook_retry_at(&cfg, 3, t0, t0, rnd);
        assert_true(at >= t0 + 2000 && at <= t0 + 4000);
    }
    /* past the maximum age: dead */
    assert_int_equal(srv_webhook_retry_at(&cfg, 40, t0, t0 + 86400000 - 1000, 0), 0);
    cfg.webhook_max_age_s = 0;
    assert_int_equal(srv_webhook_retry_at(&cfg, 1, t0, t0, 0), 0);
}

static int64_t submit(store *st, const char *url)
{
    int64_t id = 0;
    int existed = 0;
    store_submit s = {.url = url, .norm_url = url};
    assert_int_equal(store_article_submit(st, &s, &id, &existed), STORE_OK);
    return id;
}

static int64_t subscribe(store *st, unsigned events)
{
    int64_t id = 0;
    assert_int_equal(store_webhook_create(st, "https://hooks.example/x", events, SECRET, NULL,
                                          &id), STORE_OK);
    return id;
}

static json_t *deliveries(store *st, int64_t hook)
{
    json_t *items = NULL;
    int64_t next = 0;
    assert_int_equal(store_webhook_deliveries(st, hook, 0, 100, &items, &next), STORE_OK);
    return items;
}

static const char *field(json_t *items, size_t i, const char *key)
{
    return json_string_value(json_object_get(json_array_get(items, i), key));
}

static void finish_ready(store *st, const store_job *job)
{
    json_t *rec = json_pack("{s:s, s:s, s:s}", "title", "T", "content", "text", "language", "en");
    assert_int_equal(store_job_finish_ready(st, job, ME, rec, NULL, NULL), STORE_OK);
    json_decref(rec);
}

/* ready, refreshed, failed refresh, delete: one row each, in order, with
 * the record as it was; a subscription gets only what it asked for. */
static void test_outbox_follows_the_changes(void **state)
{
    fixture *f = *state;
    store_job job;
    int64_t all = subscribe(f->st, STORE_EV_ALL), del = subscribe(f->st, STORE_EV_DELETED);
    int64_t id = submit(f->st, "https://a.example/1");
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &job), STORE_OK);
    finish_ready(f->st, &job);
    store_job_release(&job);
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 1), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &job), STORE_OK);
    finish_ready(f->st, &job);
    store_job_release(&job);
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 1), STORE_OK);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &job), STORE_OK);
    assert_int_equal(store_job_finish_failed(f->st, &job, ME, "http_404", "gone"), STORE_OK);
    store_job_release(&job);
    assert_int_equal(store_article_delete(f->st, id), STORE_OK);

    json_t *items = deliveries(f->st, all);
    assert_int_equal(json_array_size(items), 4);     /* newest first */
    assert_string_equal(field(items, 3, "event"), "article.ready");
    assert_string_equal(field(items, 2, "event"), "article.refreshed");
    assert_string_equal(field(items, 1, "event"), "article.refreshed");
    assert_string_equal(field(items, 0, "event"), "article.deleted");
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(field(items, i, "state"), "pending");
        assert_int_equal(strncmp(field(items, i, "id"), "msg_", 4), 0);
    }
    json_decref(items);
    items = deliveries(f->st, del);
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(field(items, 0, "event"), "article.deleted");
    json_decref(items);

    /* the payloads, in the order they are due */
    static const char *const want[] = {"article.ready", "article.refreshed"};
    store_delivery d;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(store_delivery_next(f->st, store_now_ms() + 1, 15000, &d, NULL), STORE_OK);
        json_t *p = json_loads(d.payload, 0, NULL);
        assert_non_null(p);
        assert_string_equal(json_string_value(json_object_get(p, "type")), want[i]);
        json_t *data = json_object_get(p, "data");
        assert_int_equal(json_integer_value(json_object_get(data, "id")), id);
        assert_string_equal(json_string_value(json_object_get(data, "status")), "ready");
        json_decref(p);
        store_attempt ok = {.at_ms = store_now_ms(), .status_code = 204, .delivered = 1};
        assert_int_equal(store_delivery_settle(f->st, &d, &ok), STORE_OK);
        assert_int_equal(store_delivery_settle(f->st, &d, &ok), STORE_NOT_FOUND);
        store_delivery_release(&d);
    }
}

/* A stale worker's finish changes nothing, so it reports nothing; a
 * failed first read is article.failed. */
static void test_stale_finish_writes_no_event(void **state)
{
    fixture *f = *state;
    store_job old, cur;
    int64_t hook = subscribe(f->st, STORE_EV_ALL);
    int64_t id = submit(f->st, "https://a.example/2");
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &old), STORE_OK);
    assert_int_equal(store_article_requeue(f->st, id, NULL, 0, 1), STORE_OK);
    json_t *rec = json_pack("{s:s}", "title", "stale");
    assert_int_equal(store_job_finish_ready(f->st, &old, ME, rec, NULL, NULL), STORE_STALE);
    assert_int_equal(store_job_finish_failed(f->st, &old, ME, "dns", "x"), STORE_STALE);
    json_decref(rec);
    json_t *items = deliveries(f->st, hook);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    assert_int_equal(store_job_claim(f->st, ME, LEASE, &cur), STORE_OK);
    assert_int_equal(store_job_finish_failed(f->st, &cur, ME, "dns", "no such host"), STORE_OK);
    items = deliveries(f->st, hook);
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(field(items, 0, "event"), "article.failed");
    json_decref(items);
    store_job_release(&old);
    store_job_release(&cur);
}

/* Attempts are recorded; a retry time keeps it pending (not due before
 * then), none makes it dead; a deleted subscription takes its rows. */
static void test_attempts_retry_and_dead(void **state)
{
    fixture *f = *state;
    store_delivery d;
    int64_t due = 0;
    int64_t hook = subscribe(f->st, STORE_EV_DELETED);
    int64_t id = submit(f->st, "https://a.example/3");
    assert_int_equal(store_article_delete(f->st, id), STORE_OK);
    int64_t now = store_now_ms() + 1;
    assert_int_equal(store_delivery_next(f->st, now, 15000, &d, NULL), STORE_OK);
    store_attempt fail = {.at_ms = now, .status_code = 500, .error = "HTTP 500",
                          .retry_ms = now + 60000};
    assert_int_equal(store_delivery_settle(f->st, &d, &fail), STORE_OK);
    store_delivery_release(&d);
    assert_int_equal(store_delivery_next(f->st, now, 15000, &d, &due), STORE_NOT_FOUND);
    assert_int_equal(due, now + 60000);
    assert_int_equal(store_delivery_next(f->st, now + 60000, 15000, &d, NULL), STORE_OK);
    assert_int_equal(d.attempts, 1);
    store_attempt last = {.at_ms = now + 60000, .error = "connect: refused"};
    assert_int_equal(store_delivery_settle(f->st, &d, &last), STORE_OK);
    store_delivery_release(&d);
    assert_int_equal(store_delivery_next(f->st, INT64_MAX, 15000, &d, &due), STORE_NOT_FOUND);
    assert_int_equal(due, -1);

    json_t *items = deliveries(f->st, hook);
    json_t *one = json_array_get(items, 0);
    assert_string_equal(json_string_value(json_object_get(one, "state")), "dead");
    assert_int_equal(json_integer_value(json_object_get(one, "attempts")), 2);
    assert_true(json_is_null(json_object_get(one, "last_status_code")));
    json_t *log = json_object_get(one, "attempt_log");
    assert_int_equal(json_array_size(log), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(log, 0), "status_code")),
                     500);
    json_decref(items);
    int64_t counts[3];
    assert_int_equal(store_delivery_counts(f->st, counts), STORE_OK);
    assert_int_equal(counts[2], 1);
    assert_int_equal(store_webhook_delete(f->st, hook), STORE_OK);
    json_t *gone = NULL;
    int64_t next = 0;
    assert_int_equal(store_webhook_deliveries(f->st, hook, 0, 10, &gone, &next), STORE_NOT_FOUND);
    assert_int_equal(store_delivery_counts(f->st, counts), STORE_OK);
    assert_int_equal(counts[0] + counts[1] + counts[2], 0);
}

/* Pruning removes settled deliveries older than the limit, a batch at a
 * time, with their attempts; a pending one stays whatever its age. */
static void test_prune_settled(void **state)
{
    fixture *f = *state;
    store_delivery d;
    int64_t counts[3];
    subscribe(f->st, STORE_EV_DELETED);
    for (int i = 0; i < 3; i++) {
        char url[64];
        snprintf(url, sizeof url, "https://a.example/prune/%d", i);
        assert_int_equal(store_article_delete(f->st, submit(f->st, url)), STORE_OK);
    }
    int64_t t = store_now_ms() + 1;
    store_attempt ok = {.at_ms = t, .status_code = 204, .delivered = 1};
    store_attempt dead = {.at_ms = t, .error = "connect: refused"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(store_delivery_next(f->st, t, 15000, &d, NULL), STORE_OK);
        assert_int_equal(store_delivery_settle(f->st, &d, i ? &dead : &ok), STORE_OK);
        store_delivery_release(&d);
    }
    assert_int_equal(store_deliveries_prune(f->st, t, 10), 0);      /* not older than t */
    assert_int_equal(store_deliveries_prune(f->st, t + 1, 1), 1);   /* a batch of one */
    assert_int_equal(store_deliveries_prune(f->st, INT64_MAX, 10), 1);
    assert_int_equal(store_deliveries_prune(f->st, INT64_MAX, 10), 0);
    assert_int_equal(store_deliveries_prune(f->st, INT64_MAX, 0), -1);
    assert_int_equal(store_delivery_counts(f->st, counts), STORE_OK);
    assert_int_equal(counts[0], 1);
    assert_int_equal(counts[1] + counts[2], 0);
    assert_int_equal(store_delivery_next(f->st, t, 15000, &d, NULL), STORE_OK);  /* still sent */
    store_delivery_release(&d);
}

/* Nobody subscribed: a change writes no outbox row. */
static void test_no_subscription_no_rows(void **state)
{
    fixture *f = *state;
    int64_t counts[3];
    int64_t id = submit(f->st, "https://a.example/4");
    assert_int_equal(store_article_delete(f->st, id), STORE_OK);
    assert_int_equal(store_delivery_counts(f->st, counts), STORE_OK);
    assert_int_equal(counts[0] + counts[1] + counts[2], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_matches_the_specification_example),
        cmocka_unit_test(test_secrets),
        cmocka_unit_test(test_retry_schedule),
        cmocka_unit_test_setup_teardown(test_outbox_follows_the_changes, tmpdb_setup,
                                        tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_stale_finish_writes_no_event, tmpdb_setup,
                                        tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_attempts_retry_and_dead, tmpdb_setup,
                                        tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_no_subscription_no_rows, tmpdb_setup,
                                        tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_prune_settled, tmpdb_setup, tmpdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
