/* test_feeds.c -- feed subscriptions on a temporary database
 * (storage/feeds.c) and the poller's backoff (server/feeds.c): an item is
 * submitted once however often it is seen, feed_id is set only on
 * articles the feed created, a failing feed waits longer each time but
 * never beyond the cap, and a poll request makes it due. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "server/feeds.h"
#include "storage/feeds.h"
#include "tests/unit/tmpdb.h"

typedef tmpdb_fixture fixture;
#define setup tmpdb_setup
#define teardown tmpdb_teardown

static void test_backoff(void **state)
{
    (void)state;
    srv_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.feed_max_interval_s = 3600;
    assert_int_equal(srv_feed_next_poll(&cfg, 600, 0, 1000), 1000 + 600000);
    assert_int_equal(srv_feed_next_poll(&cfg, 600, 1, 0), 600000);
    assert_int_equal(srv_feed_next_poll(&cfg, 600, 2, 0), 1200000);
    assert_int_equal(srv_feed_next_poll(&cfg, 600, 3, 0), 2400000);
    assert_int_equal(srv_feed_next_poll(&cfg, 600, 4, 0), 3600000);      /* the cap */
    assert_int_equal(srv_feed_next_poll(&cfg, 600, 1000, 0), 3600000);
    /* an interval above the cap is kept: a failure never polls sooner */
    assert_int_equal(srv_feed_next_poll(&cfg, 7200, 5, 0), 7200000);
}

static int64_t article_feed(store *st, int64_t id)
{
    json_t *rec = NULL;
    assert_int_equal(store_article_get(st, id, 0, &rec), STORE_OK);
    json_t *f = json_object_get(rec, "feed_id");
    int64_t v = json_is_integer(f) ? json_integer_value(f) : 0;
    json_decref(rec);
    return v;
}

static void test_items_once(void **state)
{
    fixture *f = *state;
    int64_t id = 0, other = 0, due_ms = 0;
    int existed = 1;
    size_t created = 99;
    assert_int_equal(store_feed_create(f->st, "https://f.example/rss", "https://f.example/rss",
                                       600, &id, &existed), STORE_OK);
    assert_int_equal(existed, 0);
    assert_int_equal(store_feed_create(f->st, "https://F.example/rss", "https://f.example/rss",
                                       60, &other, &existed), STORE_OK);
    assert_int_equal(existed, 1);
    assert_int_equal(other, id);
    /* an article submitted by hand before the feed shows it keeps no feed_id */
    int64_t mine = 0;
    int ex = 0;
    store_submit sub = {.url = "https://f.example/a/2", .norm_url = "https://f.example/a/2"};
    assert_int_equal(store_article_submit(f->st, &sub, &mine, &ex), STORE_OK);
    store_feed_due d;
    assert_int_equal(store_feed_next(f->st, store_now_ms(), &d, &due_ms), STORE_OK);
    assert_int_equal(d.id, id);
    assert_null(d.etag);
    store_feed_due_release(&d);
    store_feed_link links[] = {{"https://f.example/a/1", "https://f.example/a/1"},
                               {"https://f.example/a/2", "https://f.example/a/2"}};
    store_feed_poll p = {.id = id, .status = "ok", .etag = "\"e1\"", .links = links, .n = 2,
                         .next_poll_ms = store_now_ms() + 600000};
    assert_int_equal(store_feed_polled(f->st, &p, &created), STORE_OK);
    assert_int_equal(created, 1);
    assert_int_equal(article_feed(f->st, mine), 0);
    /* seen again: nothing new */
    assert_int_equal(store_feed_polled(f->st, &p, &created), STORE_OK);
    assert_int_equal(created, 0);
    json_t *feed = NULL;
    assert_int_equal(store_feed_get(f->st, id, &feed), STORE_OK);
    assert_int_equal(json_integer_value(json_object_get(feed, "item_count")), 1);
    assert_int_equal(json_integer_value(json_object_get(feed, "polls")), 2);
    assert_string_equal(json_string_value(json_object_get(feed, "status")), "ok");
    json_decref(feed);
    /* not due for ten minutes; a poll request makes it due, with its ETag */
    assert_int_equal(store_feed_next(f->st, store_now_ms(), &d, &due_ms), STORE_NOT_FOUND);
    assert_true(due_ms > store_now_ms());
    assert_int_equal(store_feed_poll_now(f->st, id), STORE_OK);
    assert_int_equal(store_feed_next(f->st, store_now_ms(), &d, &due_ms), STORE_OK);
    assert_string_equal(d.etag, "\"e1\"");
    store_feed_due_release(&d);
    /* a failure keeps the ETag and counts; a success resets the count */
    store_feed_poll bad = {.id = id, .status = "error", .error = "dns: no such host",
                           .next_poll_ms = store_now_ms() + 1000};
    assert_int_equal(store_feed_polled(f->st, &bad, NULL), STORE_OK);
    assert_int_equal(store_feed_polled(f->st, &bad, NULL), STORE_OK);
    assert_int_equal(store_feed_poll_now(f->st, id), STORE_OK);
    assert_int_equal(store_feed_next(f->st, store_now_ms(), &d, &due_ms), STORE_OK);
    assert_int_equal(d.failures, 2);
    assert_string_equal(d.etag, "\"e1\"");
    store_feed_due_release(&d);
    assert_int_equal(store_feed_delete(f->st, id), STORE_OK);
    assert_int_equal(store_feed_delete(f->st, id), STORE_NOT_FOUND);
    assert_int_equal(store_feed_poll_now(f->st, id), STORE_NOT_FOUND);
    assert_int_equal(store_feed_polled(f->st, &bad, NULL), STORE_NOT_FOUND);
    /* the articles stay with their feed_id */
    store_query q = {.feed_id = id, .limit = 10};
    json_t *items = NULL;
    int64_t next = 0;
    assert_int_equal(store_article_list(f->st, &q, &items, &next), STORE_OK);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff),
        cmocka_unit_test_setup_teardown(test_items_once, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
