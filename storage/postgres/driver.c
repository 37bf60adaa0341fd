/* postgres/driver.c -- db.h over libpq.
 *
 * A db_stmt is a statement prepared on the connection (PQprepare, named
 * s1, s2, ...) with its parameters as text (numbers in decimal) or
 * binary (pages' bytes). Statements are written with SQLite's ?N
 * placeholders, rewritten $N here, so both dialects' tables read alike;
 * a parameter the text never names is declared text, so that PostgreSQL
 * need not infer a type it has no context for. db_step runs the
 * statement on its first call and walks the rows of the one result
 * after. A lost connection is reset at the next statement outside a
 * transaction and every statement prepared again on the new one.
 */
#include "storage/postgres/pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_TEXTOID  25
#define PG_BYTEAOID 17
#define PG_MAX_PARAMS 64

/* The connection. */
struct pg_conn {
    PGconn *conn;
    unsigned epoch;             /* +1 at each reconnect */
    unsigned next_name;
    int64_t changes;            /* rows the last finished statement changed */
    char sqlstate[6];           /* of the last error, "" when none */
    char errmsg[512];
};

/* A statement. */
struct pg_stmt {
    char name[16];
    char *sql;                  /* with $N */
    unsigned epoch;             /* the connection's when prepared */
    int nparams;
    Oid types[PG_MAX_PARAMS];
    char *vals[PG_MAX_PARAMS];
    int lens[PG_MAX_PARAMS], fmts[PG_MAX_PARAMS];
    PGresult *res;
    int row, nrows;
    unsigned char *blob;        /* the unescaped bytea of (blob_row, blob_col) */
    size_t blob_len;
    int blob_row, blob_col;
};

int pg_is_uri(const char *db)
{
    return db && (!strncmp(db, "postgres://", 11) || !strncmp(db, "postgresql://", 13));
}

static void set_error(struct pg_conn *c, const PGresult *r, const char *fallback)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorMessage(r) : NULL;
    if (!msg || !*msg)
        msg = PQerrorMessage(c->conn);
    if (!msg || !*msg)
        msg = fallback;
    /* no SQLSTATE: the server never answered (a lost connection) */
    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "08006");
    snprintf(c->errmsg, sizeof c->errmsg, "%s", msg);
    size_t n = strlen(c->errmsg);
    while (n > 0 && (c->errmsg[n - 1] == '\n' || c->errmsg[n - 1] == ' '))
        c->errmsg[--n] = '\0';
}

/* ?N -> $N outside quotes; the highest N into *max and a mark for each
 * N used. New, NULL on error. */
static char *dollar_params(const char *sql, int *max, unsigned char used[PG_MAX_PARAMS + 1])
{
    size_t n = strlen(sql);
    char *out = malloc(n + 1);
    char quote = 0;
    size_t w = 0;
    if (!out)
        return NULL;
    *max = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = sql[i];
        if (quote) {
            quote = ch == quote ? 0 : quote;
        } else if (ch == '\'' || ch == '"') {
            quote = ch;
        } else if (ch == '?' && sql[i + 1] >= '1' && sql[i + 1] <= '9') {
            int v = 0;
            out[w++] = '$';
            while (sql[i + 1] >= '0' && sql[i + 1] <= '9') {
                v = v * 10 + (sql[i + 1] - '0');
                out[w++] = sql[++i];
            }
            if (v > PG_MAX_PARAMS) {
                free(out);
                return NULL;
            }
            used[v] = 1;
            if (v > *max)
                *max = v;
            continue;
        }
        out[w++] = ch;
    }
    out[w] = '\0';
    return out;
}

/* Prepare s on the connection as it is now. 0 or -1. */
static int prepare_now(struct pg_conn *c, struct pg_stmt *p)
{
    snprintf(p->name, sizeof p->name, "s%u", ++c->next_name);
    PGresult *r = PQprepare(c->conn, p->name, p->sql, p->nparams, p->types);
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        set_error(c, r, "prepare failed");
    PQclear(r);
    p->epoch = c->epoch;
    return ok ? 0 : -1;
}

db_stmt *pg_prepare(store *st, const char *sql)
{
    unsigned char used[PG_MAX_PARAMS + 1] = {0};
    db_stmt *s = calloc(1, sizeof *s);
    struct pg_stmt *p = calloc(1, sizeof *p);
    if (!s || !p)
        goto fail;
    s->st = st;
    s->pg = p;
    p->sql = dollar_params(sql, &p->nparams, used);
    if (!p->sql)
        goto fail;
    for (int i = 0; i < p->nparams; i++)
        p->types[i] = used[i + 1] ? 0 : PG_TEXTOID;
    if (prepare_now(st->pg, p) != 0) {
        store_log_error(st, sql);
        goto fail;
    }
    return s;
fail:
    if (p)
        free(p->sql);
    free(p);
    free(s);
    return NULL;
}

void pg_clear(db_stmt *s)
{
    struct pg_stmt *p = s->pg;
    for (int i = 0; i < PG_MAX_PARAMS; i++) {
        free(p->vals[i]);
        p->vals[i] = NULL;
        p->lens[i] = p->fmts[i] = 0;
    }
}

void pg_reset(db_stmt *s)
{
    struct pg_stmt *p = s->pg;
    PQclear(p->res);
    p->res = NULL;
    p->row = p->nrows = 0;
    PQfreemem(p->blob);
    p->blob = NULL;
}

void pg_finalize(db_stmt *s)
{
    struct pg_stmt *p = s->pg;
    pg_reset(s);
    pg_clear(s);
    free(p->sql);
    free(p);
    free(s);
}

/* Outside a transaction, a connection found broken is made again (in
 * one, the transaction is lost: the caller rolls back). */
static int ensure_connected(store *st)
{
    struct pg_conn *c = st->pg;
    if (PQstatus(c->conn) == CONNECTION_OK)
        return 0;
    if (st->in_tx) {
        set_error(c, NULL, "the connection to the database was lost");
        return -1;
    }
    PQreset(c->conn);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        set_error(c, NULL, "the database cannot be reached");
        return -1;
    }
    c->epoch++;
    return 0;
}

int pg_step(db_stmt *s)
{
    struct pg_stmt *p = s->pg;
    struct pg_conn *c = s->st->pg;
    if (p->res) {
        if (++p->row < p->nrows)
            return DB_ROW;
        return DB_DONE;
    }
    if (ensure_connected(s->st) != 0 || (p->epoch != c->epoch && prepare_now(c, p) != 0))
        return DB_FAIL;
    p->res = PQexecPrepared(c->conn, p->name, p->nparams, (const char *const *)p->vals,
                            p->lens, p->fmts, 0);
    ExecStatusType status = p->res ? PQresultStatus(p->res) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        set_error(c, p->res, "statement failed");
        PQclear(p->res);
        p->res = NULL;
        return DB_FAIL;
    }
    c->sqlstate[0] = '\0';
    const char *tuples = PQcmdTuples(p->res);
    c->changes = tuples && *tuples ? strtoll(tuples, NULL, 10) : 0;
    p->nrows = status == PGRES_TUPLES_OK ? PQntuples(p->res) : 0;
    p->row = 0;
    return p->nrows > 0 ? DB_ROW : DB_DONE;
}

static void put_param(struct pg_stmt *p, int i, char *v, int len, int fmt)
{
    if (i < 1 || i > p->nparams) {     /* a parameter the text does not name */
        free(v);
        return;
    }
    free(p->vals[i - 1]);
    p->vals[i - 1] = v;
    p->lens[i - 1] = len;
    p->fmts[i - 1] = fmt;
}

void pg_bind_int64(db_stmt *s, int i, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    put_param(s->pg, i, strdup(buf), 0, 0);
}

void pg_bind_double(db_stmt *s, int i, double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.17g", v);
    put_param(s->pg, i, strdup(buf), 0, 0);
}

void pg_bind_text(db_stmt *s, int i, const char *v, int n)
{
    if (!v) {
        put_param(s->pg, i, NULL, 0, 0);
        return;
    }
    size_t len = n < 0 ? strlen(v) : (size_t)n;
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, v, len);
        copy[len] = '\0';
    }
    put_param(s->pg, i, copy, 0, 0);
}

void pg_bind_blob(db_stmt *s, int i, const void *v, size_t n)
{
    char *copy = malloc(n ? n : 1);
    if (copy && n)
        memcpy(copy, v, n);
    put_param(s->pg, i, copy, (int)n, 1);
}

int pg_col_null(db_stmt *s, int i)
{
    struct pg_stmt *p = s->pg;
    return !p->res || p->row >= p->nrows || i >= PQnfields(p->res) ||
           PQgetisnull(p->res, p->row, i);
}

const char *pg_col_text(db_stmt *s, int i)
{
    return pg_col_null(s, i) ? NULL : PQgetvalue(s->pg->res, s->pg->row, i);
}

int64_t pg_col_int64(db_stmt *s, int i)
{
    const char *v = pg_col_text(s, i);
    if (!v)
        return 0;
    if (!strcmp(v, "t") || !strcmp(v, "f"))     /* a boolean column */
        return *v == 't';
    return strtoll(v, NULL, 10);
}

double pg_col_double(db_stmt *s, int i)
{
    const char *v = pg_col_text(s, i);
    return v ? strtod(v, NULL) : 0.0;
}

/* A bytea column, unescaped once per row. */
static int load_blob(struct pg_stmt *p, int i)
{
    if (p->blob && p->blob_row == p->row && p->blob_col == i)
        return 0;
    PQfreemem(p->blob);
    p->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(p->res, p->row, i),
                              &p->blob_len);
    p->blob_row = p->row;
    p->blob_col = i;
    return p->blob ? 0 : -1;
}

const void *pg_col_blob(db_stmt *s, int i)
{
    struct pg_stmt *p = s->pg;
    if (pg_col_null(s, i))
        return NULL;
    if (PQftype(p->res, i) != PG_BYTEAOID)
        return PQgetvalue(p->res, p->row, i);
    return load_blob(p, i) == 0 ? p->blob : NULL;
}

int pg_col_bytes(db_stmt *s, int i)
{
    struct pg_stmt *p = s->pg;
    if (pg_col_null(s, i))
        return 0;
    if (PQftype(p->res, i) != PG_BYTEAOID)
        return PQgetlength(p->res, p->row, i);
    return load_blob(p, i) == 0 ? (int)p->blob_len : 0;
}

int64_t pg_changes(store *st) { return st->pg->changes; }

const char *pg_errmsg(store *st)
{
    return st->pg->errmsg[0] ? st->pg->errmsg : PQerrorMessage(st->pg->conn);
}

int pg_exec(store *st, const char *sql)
{
    struct pg_conn *c = st->pg;
    if (ensure_connected(st) != 0)
        return -1;
    PGresult *r = PQexec(c->conn, sql);
    ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    int ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (!ok)
        set_error(c, r, "statement failed");
    else
        c->sqlstate[0] = '\0';
    PQclear(r);
    return ok ? 0 : -1;
}

/* SQLSTATE classes that pass: serialisation failures and deadlocks (40),
 * lost connections (08), no resources (53: disk full, out of memory,
 * too many connections), operator intervention (57: shutdown, a
 * cancelled statement), lock timeouts (55P03), system errors (58). */
store_rc pg_last_rc(store *st)
{
    const char *s = st->pg->sqlstate;
    if (!s[0])
        return STORE_ERROR;
    if (!strncmp(s, "40", 2) || !strncmp(s, "08", 2) || !strncmp(s, "53", 2) ||
        !strncmp(s, "57", 2) || !strncmp(s, "58", 2) || !strcmp(s, "55P03") ||
        !strcmp(s, "25006"))
        return STORE_BUSY;
    return STORE_ERROR;
}

/* The database cannot take writes: disk full, I/O error, a read-only
 * (standby) server, or no server at all. */
int pg_write_failure(store *st)
{
    const char *s = st->pg->sqlstate;
    return !strcmp(s, "53100") || !strncmp(s, "58", 2) || !strcmp(s, "25006") ||
           !strncmp(s, "08", 2);
}

/* --- connections ---------------------------------------------------------- */

/* NOTICEs ("relation ... already exists, skipping") are not errors. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int pg_open(store *st, const char *uri, char *err, size_t errlen)
{
    static const char *const keys[] = {"dbname", "application_name", "client_encoding",
                                       NULL};
    const char *vals[] = {uri, "skimd", "UTF8", NULL};
    struct pg_conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    st->pg = c;
    /* expand_dbname: the URI's own fields; its password stays in libpq */
    c->conn = PQconnectdbParams(keys, vals, 1);
    if (!c->conn || PQstatus(c->conn) != CONNECTION_OK) {
        const char *m = c->conn ? PQerrorMessage(c->conn) : "out of memory";
        snprintf(err, errlen, "cannot connect to PostgreSQL: %.*s", (int)strcspn(m, "\n"), m);
        return -1;
    }
    PQsetNoticeProcessor(c->conn, ignore_notice, NULL);
    /* timestamps and text are skimd's own; no server setting changes them */
    if (pg_exec(st, "SET TIME ZONE 'UTC'; SET standard_conforming_strings = on") != 0) {
        snprintf(err, errlen, "cannot configure the PostgreSQL session: %s", c->errmsg);
        return -1;
    }
    return pg_schema_migrate(c->conn, err, errlen);
}

void pg_close(store *st)
{
    if (!st->pg)
        return;
    PQfinish(st->pg->conn);
    free(st->pg);
    st->pg = NULL;
}

int pg_ping(store *st)
{
    return pg_exec(st, "SELECT 1") == 0;
}
