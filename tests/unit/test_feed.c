/* test_feed.c -- the feed parser (ingest/feed.c): RSS 2.0, RSS 1.0,
 * Atom and JSON Feed; CDATA, entities, relative links (xml:base and the
 * feed URL), a GBK-encoded RSS; what is refused: a DOCTYPE (XXE, billion
 * laughs), malformed XML and JSON, documents that are not feeds; caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/feed.h"

#define BASE "https://news.example/feeds/main.xml"

static feed_doc parse_ok(const char *doc, size_t len, const char *ctype)
{
    feed_doc d;
    char why[256] = "";
    if (feed_parse(doc, len, ctype, BASE, &d, why, sizeof why) != 0)
        fail_msg("refused: %s", why);
    return d;
}

static void refused(const char *doc, const char *want)
{
    feed_doc d;
    char why[256] = "";
    if (feed_parse(doc, strlen(doc), NULL, BASE, &d, why, sizeof why) == 0)
        fail_msg("accepted a document that should be refused (%s)", want);
    if (!strstr(why, want))
        fail_msg("reason '%s' lacks '%s'", why, want);
    assert_int_equal(d.n, 0);
    assert_null(d.items);
}

static void test_rss(void **state)
{
    (void)state;
    static const char doc[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rss version=\"2.0\"><channel><title>Example &amp; News</title>\n"
        "<item><title><![CDATA[Budget <b>vote</b> & more]]></title>"
        "<link>https://news.example/a/1</link><guid>tag:1</guid></item>\n"
        "<item><title>Caf&#233; &lt;opens&gt;</title><link> /a/2?x=1&amp;y=2 </link></item>\n"
        "<item><title>relative</title><link>../b/3</link></item>\n"
        "<item><title>guid only</title><guid>https://news.example/a/4</guid></item>\n"
        "<item><title>not a permalink</title><guid isPermaLink=\"false\">https://x/5</guid></item>\n"
        "<item><title>duplicate</title><link>https://news.example/a/1</link></item>\n"
        "<item><title>javascript</title><link>javascript:alert(1)</link></item>\n"
        "</channel></rss>";
    feed_doc d = parse_ok(doc, sizeof doc - 1, "application/rss+xml");
    assert_int_equal(d.kind, FEED_RSS);
    assert_string_equal(d.title, "Example & News");
    assert_int_equal(d.n, 4);
    assert_string_equal(d.items[0].url, "https://news.example/a/1");
    assert_string_equal(d.items[0].title, "Budget <b>vote</b> & more");
    assert_string_equal(d.items[0].id, "tag:1");
    assert_string_equal(d.items[1].url, "https://news.example/a/2?x=1&y=2");
    assert_string_equal(d.items[1].title, "Caf\xc3\xa9 <opens>");
    assert_null(d.items[1].id);
    assert_string_equal(d.items[2].url, "https://news.example/b/3");
    assert_string_equal(d.items[3].url, "https://news.example/a/4");
    assert_int_equal(d.skipped, 2);         /* no permalink, javascript: */
    feed_doc_release(&d);
    feed_doc_release(&d);                   /* twice is harmless */
    feed_doc_release(NULL);
}

static void test_rss1_and_gbk(void **state)
{
    (void)state;
    static const char rdf[] =
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns=\"http://purl.org/rss/1.0/\"><channel><title>One</title></channel>"
        "<item><title>first</title><link>http://old.example/1</link></item></rdf:RDF>";
    feed_doc d = parse_ok(rdf, sizeof rdf - 1, NULL);
    assert_int_equal(d.kind, FEED_RSS);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.items[0].url, "http://old.example/1");
    feed_doc_release(&d);
    /* 新闻标题：大模型 in GBK, declared in the XML declaration */
    static const char gbk[] =
        "<?xml version=\"1.0\" encoding=\"GBK\"?><rss version=\"2.0\"><channel>"
        "<title>\xd0\xc2\xce\xc5</title><item><title>\xd0\xc2\xce\xc5\xb1\xea\xcc\xe2\xa3\xba"
        "\xb4\xf3\xc4\xa3\xd0\xcd</title><link>/zh/1</link></item></channel></rss>";
    d = parse_ok(gbk, sizeof gbk - 1, "text/xml");
    assert_string_equal(d.title, "新闻");
    assert_string_equal(d.items[0].title, "新闻标题：大模型");
    assert_string_equal(d.items[0].url, "https://news.example/zh/1");
    feed_doc_release(&d);
}

static void test_atom(void **state)
{
    (void)state;
    static const char doc[] =
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\" "
        "xml:base=\"https://blog.example/posts/\"><title type=\"text\">A  blog\n</title>"
        "<entry><title>one</title><id>urn:1</id>"
        "<link rel=\"edit\" href=\"/edit/1\"/><link rel=\"alternate\" href=\"one.html\"/></entry>"
        "<entry><title>two</title><link href=\"https://other.example/two\"/></entry>"
        "<entry xml:base=\"/deep/\"><title>three</title><link href=\"three\"/></entry>"
        "<entry><title>no link</title><link rel=\"enclosure\" href=\"a.mp3\"/></entry>"
        "</feed>";
    feed_doc d = parse_ok(doc, sizeof doc - 1, "application/atom+xml");
    assert_int_equal(d.kind, FEED_ATOM);
    assert_string_equal(d.title, "A blog");
    assert_int_equal(d.n, 3);
    assert_string_equal(d.items[0].url, "https://blog.example/posts/one.html");
    assert_string_equal(d.items[0].id, "urn:1");
    assert_string_equal(d.items[1].url, "https://other.example/two");
    assert_string_equal(d.items[2].url, "https://blog.example/deep/three");
    assert_int_equal(d.skipped, 1);
    feed_doc_release(&d);
    /* a <feed> outside the Atom namespace is not Atom */
    refused("<feed><entry><link href=\"x\"/></entry></feed>", "not a feed");
}

static void test_json_feed(void **state)
{
    (void)state;
    static const char doc[] =
        "\xEF\xBB\xBF {\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"J\","
        " \"items\": [{\"id\": \"1\", \"url\": \"https://j.example/1\", \"title\": \"First\"},"
        " {\"id\": 2, \"external_url\": \"/2\"}, {\"id\": \"3\"},"
        " {\"id\": \"4\", \"url\": \"mailto:x@y\"}]}";
    feed_doc d = parse_ok(doc, sizeof doc - 1, "application/feed+json");
    assert_int_equal(d.kind, FEED_JSON);
    assert_string_equal(d.title, "J");
    assert_int_equal(d.n, 2);
    assert_string_equal(d.items[0].title, "First");
    assert_string_equal(d.items[1].url, "https://news.example/2");
    assert_string_equal(d.items[1].id, "2");
    assert_int_equal(d.skipped, 2);
    feed_doc_release(&d);
    refused("{\"version\": \"1\", \"items\": []}", "not a JSON Feed");
    refused("{\"version\": \"https://jsonfeed.org/version/1\", \"items\": [", "malformed JSON");
    refused("{\"a\": 1, \"a\": 2}", "malformed JSON");
}

static void test_refused(void **state)
{
    (void)state;
    /* XXE: an external entity would read a local file */
    refused("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            "<rss><channel><item><title>&x;</title><link>/a</link></item></channel></rss>",
            "DOCTYPE");
    /* billion laughs */
    refused("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
            "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
            "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
            "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>"
            "<rss><channel><title>&lol4;</title></channel></rss>", "DOCTYPE");
    /* an external DTD */
    refused("<!DOCTYPE rss SYSTEM \"http://127.0.0.1:9/x.dtd\"><rss><channel/></rss>", "DOCTYPE");
    refused("<rss><channel><item><title>unclosed</channel></rss>", "malformed XML");
    refused("<rss><channel><title>&nbsp;</title></channel></rss>", "malformed XML");
    refused("<html><body>not a feed</body></html>", "not a feed");
    refused("<rss version=\"2.0\"></rss>", "without a <channel>");
    refused("   \n ", "empty");
    refused("", "empty");
    feed_doc d;
    char why[64];
    assert_int_equal(feed_parse(NULL, 3, NULL, BASE, &d, why, sizeof why), -1);
}

static void test_item_cap(void **state)
{
    (void)state;
    size_t cap = 64 + (FEED_MAX_ITEMS + 10) * 64, w = 0;
    char *doc = malloc(cap);
    assert_non_null(doc);
    w += (size_t)snprintf(doc + w, cap - w, "<rss><channel>");
    for (int i = 0; i < FEED_MAX_ITEMS + 10; i++)
        w += (size_t)snprintf(doc + w, cap - w, "<item><link>/i/%d</link></item>", i);
    w += (size_t)snprintf(doc + w, cap - w, "</channel></rss>");
    feed_doc d = parse_ok(doc, w, NULL);
    assert_int_equal(d.n, FEED_MAX_ITEMS);
    assert_string_equal(d.items[FEED_MAX_ITEMS - 1].url, "https://news.example/i/499");
    feed_doc_release(&d);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rss),       cmocka_unit_test(test_rss1_and_gbk),
        cmocka_unit_test(test_atom),      cmocka_unit_test(test_json_feed),
        cmocka_unit_test(test_refused),   cmocka_unit_test(test_item_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
