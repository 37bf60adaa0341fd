/* store.c -- connections of either backend: opening (SQLite or
 * PostgreSQL, by the --db value), the statement cache, transactions,
 * per-thread connections and time helpers.
 *
 * Queries over articles, tags, events and jobs live in articles.c.
 */
#include "storage/store_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "storage/health.h"
#include "storage/postgres/pg.h"
#include "storage/sqlite/sqlite.h"


void store_log_error(store *st, const char *what)
{
    json_t *line = json_pack("{s:s, s:s, s:s}", "level", "error", "what", what,
                             st && st->backend == STORE_POSTGRES ? "postgres" : "sqlite",
                             db_errmsg(st));
    char *s = line ? json_dumps(line, JSON_COMPACT) : NULL;
    if (s)
        fprintf(stderr, "%s\n", s);
    free(s);
    json_decref(line);
}

db_stmt *store_stmt(store *st, store_stmt_id id)
{
    if (!st || id >= SQL_COUNT_)
        return NULL;
    if (!st->stmts[id]) {
        st->stmts[id] = db_prepare(st, store_sql_text(st, id));
    } else {
        db_reset(st->stmts[id]);
        db_clear(st->stmts[id]);
    }
    return st->stmts[id];
}

static int exec_simple(store *st, store_stmt_id id)
{
    db_stmt *s = store_stmt(st, id);
    int rc = s ? db_step(s) : DB_FAIL;
    if (s)
        db_reset(s);
    return rc == DB_DONE ? 0 : -1;
}

store_rc store_row_by_id(store *st, store_stmt_id which, int64_t id,
                         json_t *(*conv)(db_stmt *s, unsigned flags), unsigned flags,
                         json_t **out)
{
    db_stmt *s = store_stmt(st, which);
    if (!s || !out)
        return STORE_ERROR;
    *out = NULL;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        *out = conv(s, flags);
    db_reset(s);
    if (rc == DB_DONE)
        return STORE_NOT_FOUND;
    return *out ? STORE_OK : STORE_ERROR;
}

int store_begin(store *st)
{
    if (exec_simple(st, SQL_BEGIN) != 0)
        return -1;
    st->in_tx = 1;
    return 0;
}

int store_read_begin(store *st)
{
    if (!st || exec_simple(st, SQL_READ_BEGIN) != 0) {
        store_log_error(st, "begin read");
        return -1;
    }
    st->in_tx = 1;
    return 0;
}

void store_read_end(store *st)
{
    if (st && st->in_tx) {
        exec_simple(st, SQL_COMMIT);
        st->in_tx = 0;
    }
}

int store_commit(store *st)
{
    if (exec_simple(st, SQL_COMMIT) != 0) {
        if (store_last_file_failure(st))
            store_health_write_failed(db_errmsg(st));
        return -1;
    }
    st->in_tx = 0;
    if (st->backend == STORE_POSTGRES) {
        store_health_write_ok();
        return 0;
    }
    /* only a commit that changed rows wrote pages: proof the file takes writes */
    long long changes = sqlite3_total_changes64(st->db);
    if (changes != st->changes_seen)
        store_health_write_ok();
    st->changes_seen = changes;
    return 0;
}

void store_rollback(store *st)
{
    if (!st)
        return;
    if (st->backend == STORE_SQLITE ? (st->db && !sqlite3_get_autocommit(st->db)) : st->in_tx)
        exec_simple(st, SQL_ROLLBACK);
    st->in_tx = 0;
}

store_rc store_end_write(store *st, store_rc ret, const char *what)
{
    if (ret == STORE_OK)
        return ret;
    if (ret == STORE_ERROR)
        ret = store_last_rc(st);
    return store_abort(st, ret, what);
}

store_rc store_abort(store *st, store_rc ret, const char *what)
{
    if (ret == STORE_ERROR || ret == STORE_BUSY) {
        store_log_error(st, what);
        if (store_last_file_failure(st))
            store_health_write_failed(db_errmsg(st));
    }
    store_rollback(st);
    return ret;
}

const char *store_backend_name(const store *st)
{
    return st && st->backend == STORE_POSTGRES ? "postgresql" : "sqlite";
}

int store_db_is_file(const char *db)
{
    return db && !pg_is_uri(db);
}

/* Replace out[from..to) by "***" in place (out holds a NUL-terminated
 * string in cap bytes). */
static void mask(char *out, size_t cap, size_t from, size_t to)
{
    size_t len = strlen(out);
    if (to - from < 3 && len + 3 - (to - from) >= cap)
        return;
    memmove(out + from + 3, out + to, len - to + 1);
    memcpy(out + from, "***", 3);
}

void store_db_display(const char *db, char *out, size_t cap)
{
    if (!cap)
        return;
    snprintf(out, cap, "%s", db ? db : "");
    if (store_db_is_file(out))
        return;
    char *host = strstr(out, "://");
    if (host) {                         /* scheme://user:PASSWORD@host/... */
        host += 3;
        size_t auth = strcspn(host, "/?");
        char *at = memchr(host, '@', auth);
        char *colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
        if (colon)
            mask(out, cap, (size_t)(colon + 1 - out), (size_t)(at - out));
    }
    for (char *p = strstr(out, "password="); p; p = strstr(p + 1, "password=")) {
        size_t from = (size_t)(p + 9 - out);
        mask(out, cap, from, from + strcspn(p + 9, "& "));
    }
}

int store_open(const char *path, store **out, char *err, size_t errlen)
{
    store *st = NULL;
    if (!path || !out) {
        snprintf(err, errlen, "store_open: bad arguments");
        return -1;
    }
    *out = NULL;
    st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    st->backend = pg_is_uri(path) ? STORE_POSTGRES : STORE_SQLITE;
    int rc = st->backend == STORE_POSTGRES ? pg_open(st, path, err, errlen)
                                           : lite_open(st, path, err, errlen);
    if (rc != 0) {
        store_close(st);
        return -1;
    }
    *out = st;
    return 0;
}

void store_close(store *st)
{
    if (!st)
        return;
    for (int i = 0; i < SQL_COUNT_; i++)
        db_finalize(st->stmts[i]);
    for (int i = 0; i < STORE_LIST_VARIANTS; i++)
        db_finalize(st->list_stmts[i]);
    if (st->backend == STORE_POSTGRES)
        pg_close(st);
    else
        lite_close(st);
    free(st);
}

void store_shed_memory(store *st)
{
    if (!st)
        return;
    for (int i = 0; i < SQL_COUNT_; i++)
        if (st->stmts[i]) {
            db_reset(st->stmts[i]);
            db_clear(st->stmts[i]);
        }
    for (int i = 0; i < STORE_LIST_VARIANTS; i++)
        if (st->list_stmts[i]) {
            db_reset(st->list_stmts[i]);
            db_clear(st->list_stmts[i]);
        }
    if (st->backend == STORE_SQLITE && st->db)
        sqlite3_db_release_memory(st->db);
}

/* --- per-thread connections ---------------------------------------
 *
 * HTTP threads are libmicrohttpd's, created after start-up; a connection
 * opened lazily by one of them would map the WAL index (-shm) in the
 * middle of a request, where a file made immutable or a vanished
 * directory turns into a SIGBUS. So every connection they may use is
 * opened and checked at start (store_thread_init) and kept in a free
 * list; a thread takes one on first use and gives it back when it exits.
 * The list is guarded by pool_lock; a connection belongs to one thread at
 * a time. */

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static store *pool_free[64];
static int pool_n, pool_made;

static void thread_store_give_back(void *p)
{
    pthread_mutex_lock(&pool_lock);
    if (pool_n < (int)(sizeof pool_free / sizeof pool_free[0]))
        pool_free[pool_n++] = p;
    else
        store_close(p);
    pthread_mutex_unlock(&pool_lock);
}

static void thread_key_create(void)
{
    pthread_key_create(&thread_key, thread_store_give_back);
}

int store_thread_init(const char *path, int n, char *err, size_t errlen)
{
    if (!path || n < 1 || n > (int)(sizeof pool_free / sizeof pool_free[0]) ||
        pthread_once(&thread_once, thread_key_create) != 0) {
        snprintf(err, errlen, "bad connection pool size %d", n);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        store *st = NULL;
        if (store_open(path, &st, err, errlen) != 0)
            return -1;
        if (!store_ping(st)) {              /* maps the WAL index now */
            snprintf(err, errlen, "cannot read the database: %s", db_errmsg(st));
            store_close(st);
            return -1;
        }
        thread_store_give_back(st);
        pthread_mutex_lock(&pool_lock);
        pool_made++;
        pthread_mutex_unlock(&pool_lock);
    }
    return 0;
}

void store_pool_counts(int *total, int *idle)
{
    pthread_mutex_lock(&pool_lock);
    *total = pool_made;
    *idle = pool_n;
    pthread_mutex_unlock(&pool_lock);
}

void store_thread_shutdown(void)
{
    pthread_mutex_lock(&pool_lock);
    while (pool_n > 0)
        store_close(pool_free[--pool_n]);
    pthread_mutex_unlock(&pool_lock);
}

store *store_for_thread(void)
{
    store *st = pthread_getspecific(thread_key);
    if (st)
        return st;
    pthread_mutex_lock(&pool_lock);
    st = pool_n > 0 ? pool_free[--pool_n] : NULL;
    pthread_mutex_unlock(&pool_lock);
    if (!st) {
        fprintf(stderr, "{\"level\":\"error\",\"what\":\"no free database connection\"}\n");
        return NULL;
    }
    pthread_setspecific(thread_key, st);
    return st;
}

/* --- time --------------------------------------------------------- */

int64_t store_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void store_now_utc(char out[21])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int store_iso_to_utc(const char *s, int end_of_day, char out[21])
{
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    struct tm tm;
    size_t n;
    if (!s)
        return -1;
    n = strlen(s);
    if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
        s[7] != '-' || digits(s + 8, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1)
        return -1;
    if (n == 10) {
        if (end_of_day) {
            h = 23; mi = 59; sec = 59;
        }
    } else {
        const char *p = s + 10;
        if ((*p != 'T' && *p != 't' && *p != ' ') || n < 16 || digits(p + 1, 2, &h) ||
            p[3] != ':' || digits(p + 4, 2, &mi))
            return -1;
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &sec))
                return -1;
            p += 3;
            if (*p == '.') {       /* fractions of a second are dropped */
                p++;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            int sign = *p == '-' ? -1 : 1;
            if (digits(p + 1, 2, &oh))
                return -1;
            if (p[3] == ':') {
                if (digits(p + 4, 2, &om))
                    return -1;
                p += 6;
            } else {
                if (digits(p + 3, 2, &om))
                    return -1;
                p += 5;
            }
            if (oh > 23 || om > 59)
                return -1;
            off = sign * (oh * 3600 + om * 60);
        }
        if (*p != '\0' || h > 23 || mi > 59 || sec > 60)
            return -1;
    }
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 && y != 1969)
        return -1;
    /* timegm normalises 2023-02-31 to March: refuse such dates. */
    struct tm back;
    gmtime_r(&t, &back);
    if (back.tm_mday != d || back.tm_mon != mo - 1)
        return -1;
    t -= off;
    gmtime_r(&t, &tm);
    if (tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1)
        return -1;
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}
