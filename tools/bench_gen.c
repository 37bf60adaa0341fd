/* bench_gen.c -- fill a skimd database with synthetic ready records.
 *
 * For the list/search benchmarks (tools/bench/run.sh). The schema comes
 * from store_open() (the daemon's migrations); rows are the ones
 * store_job_finish_ready() writes -- the article with its JSON columns,
 * one article_tags row per tag, events, the full-text row -- but inserted
 * in batches of 5000 per transaction on the generator's own connection
 * (the store API commits once per call, ~100 page writes each: 1 M
 * records would take an hour). At the end a record and a tag list are read
 * back through the store API to check the rows are what it expects.
 * Records mix English and Chinese text, three facets of tags drawn with
 * Zipf weights (a few tags on a large share of records, most rare),
 * keywords, events and a publication date. Deterministic (fixed seed).
 *
 *   build/bench_gen --db FILE --n N [--seed S]
 *
 * Prints records/s. A tool only: nothing in the daemon uses it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "server/config.h"
#include <sqlite3.h>

#include "storage/store.h"

#define GEN_MAX_TEXT 2048

static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;

static unsigned long long rng(void)
{
    unsigned long long x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

/* 0..n-1 with Zipf weights 1/(i+1): a few labels on a large share of
 * records, most rare. n is at most ZIPF_MAX. */
#define ZIPF_MAX 64
static size_t skewed(size_t n)
{
    double cdf[ZIPF_MAX], total = 0.0;
    if (n > ZIPF_MAX)
        n = ZIPF_MAX;
    for (size_t i = 0; i < n; i++) {
        total += 1.0 / (double)(i + 1);
        cdf[i] = total;
    }
    double u = (double)(rng() % 1000000) / 1000000.0 * total;
    for (size_t i = 0; i < n; i++)
        if (u < cdf[i])
            return i;
    return n - 1;
}

static const char *const topics[] = {
    "economy", "politics", "technology", "大模型", "climate", "health", "education",
    "sports", "culture", "science", "energy", "transport", "housing", "finance",
    "agriculture", "security", "law", "media", "travel", "food", "space", "芯片",
    "semiconductors", "trade", "labour", "elections", "defence", "water", "retail",
    "insurance", "tourism", "biotech", "robotics", "gaming", "fashion", "music",
    "film", "religion", "aviation", "shipping",
};
static const char *const regions[] = {
    "europe", "asia", "china", "germany", "france", "usa", "africa", "india",
    "brazil", "japan", "uk", "middle-east", "poland", "canada", "australia", "korea",
    "mexico", "nordics", "balkans", "oceania",
};
static const char *const industries[] = {
    "banking", "automotive", "互联网", "pharma", "utilities", "telecom", "steel",
    "chemicals", "software", "hardware", "construction", "logistics", "airlines",
    "mining", "oil-gas", "textiles", "publishing", "advertising", "hospitality",
    "real-estate", "semiconductor-equipment", "e-commerce", "gaming-industry",
    "medical-devices", "defence-industry", "agritech", "fintech", "cloud",
    "batteries", "solar",
};
static const char *const words_en[] = {
    "council", "river", "budget", "vote", "storm", "harbour", "museum", "railway",
    "hospital", "festival", "drought", "bridge", "factory", "election", "satellite",
    "vaccine", "orchestra", "market", "minister", "company", "shares", "growth",
    "inflation", "court", "ruling", "protest", "summit", "treaty", "model", "chip",
    "network", "research", "students", "teachers", "farmers", "prices", "exports",
    "launch", "mission", "report",
};
static const char *const words_zh[] = {
    "人工智能", "大模型", "芯片", "算力", "经济", "市场", "政策", "企业", "研究",
    "数据", "城市", "教育", "医疗", "能源", "汽车", "电池", "出口", "消费", "投资",
    "科技", "发布", "增长", "监管", "平台",
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Append text of about `words` words to buf (capped). */
static void gen_text(char *buf, size_t cap, int zh, int words)
{
    size_t w = strlen(buf);
    for (int i = 0; i < words && w + 32 < cap; i++) {
        const char *word = zh ? words_zh[rng() % COUNT(words_zh)]
                              : words_en[rng() % COUNT(words_en)];
        int n = snprintf(buf + w, cap - w, zh ? "%s%s" : "%s%s ", word,
                         (i % 12 == 11) ? (zh ? "。" : ".") : "");
        if (n < 0 || (size_t)n >= cap - w)
            break;
        w += (size_t)n;
    }
}

/* {facet: [labels]} and {facet: [{id,label,score,terms}]} */
static void add_facet(json_t *tags, json_t *ev, const char *facet,
                      const char *const *labels, size_t n, int count)
{
    json_t *list = json_array(), *evl = json_array();
    for (int i = 0; i < count; i++) {
        const char *l = labels[skewed(n)];
        int dup = 0;
        for (size_t k = 0; k < json_array_size(list); k++)
            dup |= !strcmp(json_string_value(json_array_get(list, k)), l);
        if (dup)
            continue;
        char id[96];
        snprintf(id, sizeof id, "%s/%s", facet, l);
        json_array_append_new(list, json_string(l));
        json_array_append_new(evl, json_pack("{s:s, s:s, s:f, s:[s]}", "id", id, "label", l,
                                             "score", 0.5 + (double)(rng() % 50) / 100.0,
                                             "terms", l));
    }
    json_object_set_new(tags, facet, list);
    json_object_set_new(ev, facet, evl);
}

static json_t *gen_record(long i)
{
    char title[256] = "", text[GEN_MAX_TEXT] = "", date[32];
    int zh = (rng() % 3) == 0;
    gen_text(title, sizeof title, zh, 6);
    gen_text(text, sizeof text, zh, zh ? 60 : 50);
    snprintf(date, sizeof date, "20%02d-%02d-%02dT%02d:00:00Z", 15 + (int)(i % 11),
             1 + (int)(rng() % 12), 1 + (int)(rng() % 28), (int)(rng() % 24));
    json_t *tags = json_object(), *ev = json_object();
    add_facet(tags, ev, "topic", topics, COUNT(topics), 2);
    add_facet(tags, ev, "region", regions, COUNT(regions), 1);
    add_facet(tags, ev, "industry", industries, COUNT(industries), 1);
    json_t *kw = json_array();
    for (int k = 0; k < 5; k++)
        json_array_append_new(kw, json_string(zh ? words_zh[rng() % COUNT(words_zh)]
                                                 : words_en[rng() % COUNT(words_en)]));
    char summary[400] = "";
    size_t sl = strlen(text) < 380 ? strlen(text) : 380;
    while (sl > 0 && ((unsigned char)text[sl] & 0xC0) == 0x80)
        sl--;                          /* cut on a UTF-8 boundary */
    memcpy(summary, text, sl);
    summary[sl] = '\0';
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:[{s:s, s:s, s:[s]}],"
                     " s:i, s:s}",
                     "title", title, "site_name", "Synthetic News", "author", "Bench Writer",
                     "published_at", date, "language", zh ? "zh" : "en", "summary", summary,
                     "description", summary, "keywords", kw, "tags", tags,
                     "tag_evidence", ev, "events", "text", title, "date", date, "actors",
                     "Bench Writer", "word_count", zh ? 300 : 50, "content", text);
}

static const char *const insert_sql[] = {
    "INSERT INTO articles(id, url, norm_url, status, title, site_name, author, "
    "published_at, language, summary, description, keywords, tags, tag_evidence, events, "
    "word_count, content, sort_time, created_at, updated_at) VALUES (?1, ?2, ?2, 'ready', "
    "?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?6, ?15, ?15)",
    "INSERT INTO article_tags(article_id, facet, tag_id, label, label_fold, score) "
    "VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
    "INSERT INTO events(article_id, seq, text, date, actors) VALUES (?1, 0, ?2, ?3, '[]')",
    "INSERT INTO articles_fts(rowid, title, content) VALUES (?1, ?2, ?3)",
};
enum { INS_ARTICLE, INS_TAG, INS_EVENT, INS_FTS, INS_COUNT };

static const char *str(json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}

static void bind_str(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static int bind_json(sqlite3_stmt *s, int i, json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT);
    if (!text)
        return -1;
    sqlite3_bind_text(s, i, text, -1, free);
    return 0;
}

static int step(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The rows store_job_finish_ready() would write for record `rec`. */
static int insert_record(sqlite3_stmt **ins, long id, json_t *rec, const char *now)
{
    char url[128];
    snprintf(url, sizeof url, "https://synthetic.example/news/%ld", id);
    sqlite3_stmt *a = ins[INS_ARTICLE];
    sqlite3_bind_int64(a, 1, id);
    bind_str(a, 2, url);
    bind_str(a, 3, str(rec, "title"));
    bind_str(a, 4, str(rec, "site_name"));
    bind_str(a, 5, str(rec, "author"));
    bind_str(a, 6, str(rec, "published_at"));
    bind_str(a, 7, str(rec, "language"));
    bind_str(a, 8, str(rec, "summary"));
    if (bind_json(a, 9, json_object_get(rec, "keywords")) || bind_json(a, 10, json_object_get(rec, "tags")) ||
        bind_json(a, 11, json_object_get(rec, "tag_evidence")) ||
        bind_json(a, 12, json_object_get(rec, "events")))
        return -1;
    sqlite3_bind_int64(a, 13, json_integer_value(json_object_get(rec, "word_count")));
    bind_str(a, 14, str(rec, "content"));
    bind_str(a, 15, now);
    if (step(a) != 0)
        return -1;
    const char *facet;
    json_t *list;
    json_object_foreach(json_object_get(rec, "tag_evidence"), facet, list) {
        size_t i;
        json_t *t;
        json_array_foreach(list, i, t) {
            sqlite3_stmt *s = ins[INS_TAG];
            sqlite3_bind_int64(s, 1, id);
            bind_str(s, 2, facet);
            bind_str(s, 3, str(t, "id"));
            bind_str(s, 4, str(t, "label"));
            sqlite3_bind_double(s, 5, json_number_value(json_object_get(t, "score")));
            if (step(s) != 0)
                return -1;
        }
    }
    sqlite3_stmt *e = ins[INS_EVENT];
    sqlite3_bind_int64(e, 1, id);
    bind_str(e, 2, str(rec, "title"));
    bind_str(e, 3, str(rec, "published_at"));
    if (step(e) != 0)
        return -1;
    sqlite3_stmt *f = ins[INS_FTS];
    sqlite3_bind_int64(f, 1, id);
    bind_str(f, 2, str(rec, "title"));
    bind_str(f, 3, str(rec, "content"));
    return step(f);
}

/* Read back through the store API: the last record and a tag page. */
static int check_with_store(const char *db, long n)
{
    store *st = NULL;
    json_t *rec = NULL, *items = NULL;
    char err[256];
    int64_t next = 0;
    int rc = -1;
    if (store_open(db, &st, err, sizeof err) != 0) {
        fprintf(stderr, "bench_gen: %s\n", err);
        return -1;
    }
    store_query q = {.tag_label = "economy", .limit = 20};
    if (store_article_get(st, n, STORE_WITH_CONTENT | STORE_WITH_EVIDENCE, &rec) != STORE_OK ||
        strcmp(json_string_value(json_object_get(rec, "status")), "ready") != 0 ||
        store_article_list(st, &q, &items, &next) != STORE_OK || json_array_size(items) == 0) {
        fprintf(stderr, "bench_gen: the store API cannot read the generated rows back\n");
        goto done;
    }
    rc = 0;
done:
    json_decref(rec);
    json_decref(items);
    store_close(st);
    return rc;
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    long n = 0, seed = 1;
    store *st = NULL;
    sqlite3 *conn = NULL;
    sqlite3_stmt *ins[INS_COUNT] = {NULL};
    char err[256], now[21];
    int rc = 1, in_tx = 0;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--n") && srv_parse_long(argv[i + 1], 1, 100000000L, &n) == 0)
            continue;
        else if (!strcmp(argv[i], "--seed") && srv_parse_long(argv[i + 1], 1, 1L << 40, &seed) == 0)
            continue;
        else
            db = NULL, n = 0, i = argc;
    }
    if (!db || n <= 0) {
        fprintf(stderr, "usage: %s --db FILE --n N [--seed S]\n", argv[0]);
        return 2;
    }
    rng_state ^= (unsigned long long)seed * 0x2545F4914F6CDD1Dull;
    json_object_seed(1);
    /* the daemon's schema, then our own connection for the bulk insert */
    if (store_open(db, &st, err, sizeof err) != 0) {
        fprintf(stderr, "bench_gen: %s\n", err);
        return 1;
    }
    store_close(st);
    if (sqlite3_open(db, &conn) != SQLITE_OK ||
        sqlite3_exec(conn, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
                           "PRAGMA cache_size=-200000;", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_gen: cannot open %s\n", db);
        goto done;
    }
    for (int i = 0; i < INS_COUNT; i++)
        if (sqlite3_prepare_v2(conn, insert_sql[i], -1, &ins[i], NULL) != SQLITE_OK) {
            fprintf(stderr, "bench_gen: %s\n", sqlite3_errmsg(conn));
            goto done;
        }
    store_now_utc(now);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 1; i <= n; i++) {
        if (!in_tx) {
            if (sqlite3_exec(conn, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
                goto fail;
            in_tx = 1;
        }
        json_t *rec = gen_record(i);
        int r = rec ? insert_record(ins, i, rec, now) : -1;
        json_decref(rec);
        if (r != 0)
            goto fail;
        if (i % 5000 == 0 || i == n) {
            if (sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                goto fail;
            in_tx = 0;
        }
        if (i % 100000 == 0) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
            fprintf(stderr, "bench_gen: %ld records, %.0f/s\n", i, (double)i / s);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    sqlite3_exec(conn, "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;", NULL, NULL, NULL);
    for (int i = 0; i < INS_COUNT; i++) {
        sqlite3_finalize(ins[i]);
        ins[i] = NULL;
    }
    sqlite3_close(conn);
    conn = NULL;
    if (check_with_store(db, n) != 0)
        goto done;
    printf("bench_gen: %ld records in %.1f s (%.0f records/s) into %s\n", n, secs,
           (double)n / secs, db);
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "bench_gen: insert failed: %s\n", sqlite3_errmsg(conn));
done:
    for (int i = 0; i < INS_COUNT; i++)
        sqlite3_finalize(ins[i]);
    if (conn)
        sqlite3_close(conn);
    return rc;
}
