/* test_webhook_file.c -- --webhooks-file: the file's rules
 * (server/webhook_file.c) and the start-up sync on a temporary database
 * (storage/webhook_file.c): entries added once, a changed entry replaced,
 * a removed one deleted, the API's subscriptions never touched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "server/webhook_file.h"
#include "storage/webhook_file.h"
#include "storage/webhooks.h"
#include "tests/unit/tmpdb.h"

typedef tmpdb_fixture fixture;
#define setup tmpdb_setup
#define teardown tmpdb_teardown

#define SECRET "whsec_" "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static int check_text(const char *text, char *err, size_t cap)
{
    char path[] = "/tmp/skimd-whfile-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    int rc = srv_webhook_file_check(path, err, cap);
    unlink(path);
    return rc;
}

static void test_file_rules(void **state)
{
    (void)state;
    char err[300];
    assert_int_equal(check_text("{\"webhooks\": [{\"url\": \"https://h.example/a\", \"secret\": \""
                                SECRET "\", \"events\": [\"article.ready\"]}]}", err, sizeof err), 0);
    assert_int_equal(check_text("{\"webhooks\": []}", err, sizeof err), 0);
    static const char *const bad[] = {
        "", "[]", "{\"webhooks\": {}}", "{\"webhooks\": [], \"x\": 1}",
        "{\"webhooks\": [{\"url\": \"https://h.example/a\"}]}",                   /* no secret */
        "{\"webhooks\": [{\"url\": \"ftp://h.example/a\", \"secret\": \"" SECRET "\"}]}",
        "{\"webhooks\": [{\"url\": \"https://h.example/a\", \"secret\": \"hunter2\"}]}",
        "{\"webhooks\": [{\"url\": \"https://h.example/a\", \"secret\": \"" SECRET "\", \"events\": []}]}",
        "{\"webhooks\": [{\"url\": \"https://h.example/a\", \"secret\": \"" SECRET "\", "
        "\"events\": [\"article.created\"]}]}",
        "{\"webhooks\": [{\"url\": \"https://h.example/a\", \"secret\": \"" SECRET "\", \"x\": 1}]}",
        "{\"webhooks\": [{\"url\": \"https://h.example/a\", \"secret\": \"" SECRET "\"},"
        " {\"url\": \"https://h.example/a\", \"secret\": \"" SECRET "\"}]}",   /* repeated */
        "{\"webhooks\": [{\"url\": \"https://h.example/a\", \"url\": \"https://h.example/b\","
        " \"secret\": \"" SECRET "\"}]}",                                         /* duplicate key */
        NULL};
    for (int i = 0; bad[i]; i++) {
        err[0] = '\0';
        if (check_text(bad[i], err, sizeof err) != -1)
            fail_msg("accepted: %s", bad[i]);
        assert_non_null(strstr(err, "--webhooks-file"));
    }
    assert_int_equal(srv_webhook_file_check("/nonexistent/hooks.json", err, sizeof err), -1);
}

static size_t count_hooks(store *st)
{
    json_t *items = NULL;
    assert_int_equal(store_webhook_list(st, &items), STORE_OK);
    size_t n = json_array_size(items);
    json_decref(items);
    return n;
}

static void test_sync(void **state)
{
    fixture *f = *state;
    size_t added = 9, removed = 9;
    int64_t api = 0;
    assert_int_equal(store_webhook_create(f->st, "https://api.example/x", STORE_EV_ALL, SECRET,
                                          NULL, &api), STORE_OK);
    store_hook_spec two[] = {{"https://h.example/a", STORE_EV_READY, SECRET, NULL},
                             {"https://h.example/b", STORE_EV_ALL, SECRET, "crm"}};
    assert_int_equal(store_webhook_file_sync(f->st, two, 2, &added, &removed), STORE_OK);
    assert_int_equal(added, 2);
    assert_int_equal(removed, 0);
    assert_int_equal(count_hooks(f->st), 3);
    /* the same file again changes nothing */
    assert_int_equal(store_webhook_file_sync(f->st, two, 2, &added, &removed), STORE_OK);
    assert_int_equal(added + removed, 0);
    /* one entry changed (its description), the other removed */
    store_hook_spec one[] = {{"https://h.example/b", STORE_EV_ALL, SECRET, "billing"}};
    assert_int_equal(store_webhook_file_sync(f->st, one, 1, &added, &removed), STORE_OK);
    assert_int_equal(added, 1);
    assert_int_equal(removed, 2);
    assert_int_equal(count_hooks(f->st), 2);
    /* no entries: only the API's subscription is left */
    assert_int_equal(store_webhook_file_sync(f->st, NULL, 0, &added, &removed), STORE_OK);
    assert_int_equal(removed, 1);
    json_t *h = NULL;
    assert_int_equal(store_webhook_get(f->st, api, &h), STORE_OK);
    json_decref(h);
    assert_int_equal(count_hooks(f->st), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_rules),
        cmocka_unit_test_setup_teardown(test_sync, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
