/* test_pgtext.c -- the PostgreSQL text index's side in C
 * (storage/postgres/tsearch.c): the tsquery has the FTS5 query's
 * conditions (phrases of words and CJK bigrams in title or content, lone
 * characters in chars), tokens are folded as unicode61 folds them, the
 * tsvector carries positions and column weights; and a --db URI's
 * password never reaches a log line (store_db_display). No server here:
 * tests/pg runs the same queries against PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "storage/postgres/pg.h"

static void query_is(const char *q, const char *want)
{
    char *got = store_pg_tsquery(q);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_tsquery(void **state)
{
    (void)state;
    query_is("Transformer", "('transformer':AB)");
    query_is("大模型 ChatGPT", "('大模':AB <-> '模型':AB) & ('chatgpt':AB)");
    query_is("\"large language\"", "('large':AB <-> 'language':AB)");
    query_is("Café", "('cafe':AB)");                 /* accents folded as unicode61 does */
    query_is("股", "('股':C)");                      /* a lone character: chars */
    query_is("A股", "('a股':C) & ('a':AB)");       /* glued to its word, and the word */
    query_is("it's", "('it':AB <-> 's':AB)");
    query_is("O'Brien\\", "('o':AB <-> 'brien':AB)"); /* quotes and backslashes never reach */
    query_is("***", NULL);
    query_is("", NULL);
}

static void test_tsvector(void **state)
{
    (void)state;
    char *v = store_pg_tsvector("Big News", "大模型 runs");
    assert_non_null(v);
    /* title A from position 1, content B after a gap, chars C */
    assert_non_null(strstr(v, "'big':1A 'news':2A "));
    assert_non_null(strstr(v, "'大模':4B '模型':5B 'runs':6B "));
    assert_non_null(strstr(v, "'大':1C"));
    assert_null(strstr(v, "\\"));
    free(v);
    v = store_pg_tsvector("", "");
    assert_non_null(v);
    assert_string_equal(v, "");
    free(v);
    v = store_pg_tsvector("a'b", "c\\d");
    assert_non_null(v);
    assert_string_equal(v, "'a':1A 'b':2A 'c':4B 'd':5B ");
    free(v);
}

static void shown_is(const char *db, const char *want)
{
    char out[256];
    store_db_display(db, out, sizeof out);
    assert_string_equal(out, want);
}

static void test_display_hides_passwords(void **state)
{
    (void)state;
    shown_is("./skimd.db", "./skimd.db");
    shown_is("/var/lib/skimd/user:pw@x.db", "/var/lib/skimd/user:pw@x.db");   /* a file name */
    shown_is("postgresql://skimd:s3cret@db.internal:5432/skimd",
             "postgresql://skimd:***@db.internal:5432/skimd");
    shown_is("postgres://skimd@db/skimd", "postgres://skimd@db/skimd");
    shown_is("postgresql:///skimd?host=/run/pg&password=hunter2&user=u",
             "postgresql:///skimd?host=/run/pg&password=***&user=u");
    shown_is("postgresql://a:b@h/d?password=c", "postgresql://a:***@h/d?password=***");
    assert_true(store_db_is_file("skimd.db"));
    assert_false(store_db_is_file("postgresql://h/d"));
    assert_true(pg_is_uri("postgres://h/d"));
    assert_false(pg_is_uri("postgresx://h/d"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tsquery),
        cmocka_unit_test(test_tsvector),
        cmocka_unit_test(test_display_hides_passwords),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
