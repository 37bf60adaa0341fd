/* transfer.c -- export and import sessions, and `skimd export|import`.
 *
 * Owns: the walk over a list query's ids for an export (one page of ids
 * in memory), the line splitting of an import (one capped line in
 * memory, lines numbered from 1), the import's counts and problem list,
 * and the two offline subcommands. The line format and the checks of a
 * line are storage/transfer.c's and import_line.c's; the HTTP side is
 * handlers/transfer.c.
 */
#include "server/transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/config.h"
#include "server/import_line.h"
#include "storage/health.h"

#define EXPORT_PAGE 100

struct srv_export {
    store *st;
    store_query q;              /* the filters; before_id moves down page by page */
    int64_t ids[EXPORT_PAGE];   /* the current page */
    size_t n, next;             /* ids in it, the next to write */
    int last_page;              /* the current page is the last */
    int in_tx;                  /* a read transaction is open */
    int64_t count;
};

srv_export *srv_export_new(store *st, const store_query *q, int snapshot)
{
    srv_export *ex = calloc(1, sizeof *ex);
    if (!ex)
        return NULL;
    ex->st = st;
    ex->q = *q;
    ex->q.limit = EXPORT_PAGE;
    if (snapshot) {
        if (store_read_begin(st) != 0) {
            free(ex);
            return NULL;
        }
        ex->in_tx = 1;
    }
    return ex;
}

int srv_export_next(srv_export *ex, store_jbuf *out)
{
    for (;;) {
        if (ex->next < ex->n) {
            store_rc rc = store_export_line(ex->st, ex->ids[ex->next++], out);
            if (rc == STORE_NOT_FOUND)
                continue;           /* deleted since its page was read */
            if (rc != STORE_OK)
                return -1;
            store_jbuf_add(out, "\n", 1);
            ex->count++;
            return out->failed ? -1 : 1;
        }
        if (ex->last_page)
            return 0;
        int64_t next_id = 0;
        if (store_article_list_ids(ex->st, &ex->q, ex->ids, &ex->n, &next_id) != STORE_OK)
            return -1;
        ex->next = 0;
        ex->last_page = next_id == 0;
        ex->q.before_id = next_id;
    }
}

int64_t srv_export_count(const srv_export *ex) { return ex ? ex->count : 0; }

void srv_export_free(srv_export *ex)
{
    if (!ex)
        return;
    if (ex->in_tx)
        store_read_end(ex->st);
    free(ex);
}

/* --- import ---------------------------------------------------------- */

struct srv_import {
    store *st;
    int64_t floor;              /* ids at or below it are not restored */
    char *line;                 /* the line being read */
    size_t len, cap, max_line;
    int too_long;               /* the current line passed max_line: skip to its end */
    int64_t lines, imported, duplicates, invalid;
    json_t *problems;
    size_t max_problems;
    int truncated;
    store_rc failure;
};

srv_import *srv_import_new(store *st, size_t max_line, size_t max_problems)
{
    srv_import *im = calloc(1, sizeof *im);
    if (!im || !(im->problems = json_array()) || store_id_floor(st, &im->floor) != STORE_OK) {
        srv_import_free(im);
        return NULL;
    }
    im->st = st;
    im->max_line = max_line;
    im->max_problems = max_problems;
    return im;
}

/* Note a problem of line `line` (id 0: unknown). */
static void problem(srv_import *im, const char *kind, int64_t id, const char *detail,
                    int64_t existing)
{
    if (json_array_size(im->problems) >= im->max_problems) {
        im->truncated = 1;
        return;
    }
    json_t *p = json_pack("{s:I, s:o, s:s, s:s}", "line", (json_int_t)im->lines, "id",
                          id > 0 ? json_integer(id) : json_null(), "problem", kind,
                          "detail", detail);
    if (p && existing > 0)
        json_object_set_new(p, "existing_id", json_integer(existing));
    if (p)
        json_array_append_new(im->problems, p);
}

/* Import the line in im->line (numbered im->lines). 0, or -1 when the
 * database failed. */
static int import_one(srv_import *im)
{
    srv_import_line l;
    char why[300], detail[320];
    size_t n = im->len;
    while (n > 0 && (im->line[n - 1] == '\r' || im->line[n - 1] == ' ' ||
                     im->line[n - 1] == '\t'))
        n--;
    if (n == 0)
        return 0;                   /* blank lines are allowed, and skipped */
    if (srv_import_line_parse(im->line, n, &l, why, sizeof why) != 0) {
        im->invalid++;
        problem(im, "invalid", l.id, why, 0);
        srv_import_line_release(&l);
        return 0;
    }
    l.imp.floor = im->floor;
    store_import_outcome outcome;
    int64_t existing = 0;
    store_rc rc = store_article_import(im->st, &l.imp, &outcome, &existing);
    if (rc != STORE_OK) {
        im->failure = rc;
        problem(im, "invalid", l.id, "the database failed; this line and those after it "
                "were not imported", 0);
    } else if (outcome == STORE_IMPORT_ID_TAKEN) {
        im->duplicates++;
        snprintf(detail, sizeof detail, "id %lld is in use or was used before; the stored "
                 "record was kept", (long long)l.id);
        problem(im, "duplicate-id", l.id, detail, existing);
    } else if (outcome == STORE_IMPORT_URL_TAKEN) {
        im->duplicates++;
        snprintf(detail, sizeof detail, "article %lld has this URL; the stored record was kept",
                 (long long)existing);
        problem(im, "duplicate-url", l.id, detail, existing);
    } else {
        im->imported++;
    }
    srv_import_line_release(&l);
    return rc == STORE_OK ? 0 : -1;
}

/* Append to the current line; past max_line the line is marked too long
 * and what follows is dropped until its end. 0 or -1 (out of memory). */
static int line_add(srv_import *im, const char *p, size_t n)
{
    if (im->too_long || n == 0)
        return 0;
    if (im->len + n > im->max_line) {
        im->too_long = 1;
        return 0;
    }
    if (im->len + n > im->cap) {
        size_t nc = im->cap ? im->cap : 65536;
        while (nc < im->len + n)
            nc *= 2;
        char *nb = realloc(im->line, nc);
        if (!nb)
            return -1;
        im->line = nb;
        im->cap = nc;
    }
    memcpy(im->line + im->len, p, n);
    im->len += n;
    return 0;
}

/* The current line is complete. */
static int line_end(srv_import *im)
{
    im->lines++;
    int rc = 0;
    if (im->too_long) {
        char why[128];
        snprintf(why, sizeof why, "the line is longer than %zu bytes (--max-import-line-bytes)",
                 im->max_line);
        im->invalid++;
        problem(im, "invalid", 0, why, 0);
    } else {
        rc = import_one(im);
    }
    im->len = 0;
    im->too_long = 0;
    return rc;
}

int srv_import_feed(srv_import *im, const char *data, size_t n)
{
    if (im->failure != STORE_OK)
        return -1;
    while (n > 0) {
        const char *nl = memchr(data, '\n', n);
        size_t take = nl ? (size_t)(nl - data) : n;
        if (line_add(im, data, take) != 0) {
            im->failure = STORE_ERROR;
            return -1;
        }
        if (!nl)
            break;
        if (line_end(im) != 0)
            return -1;
        data += take + 1;
        n -= take + 1;
    }
    return 0;
}

int srv_import_finish(srv_import *im)
{
    if (im->failure != STORE_OK)
        return -1;
    if (im->len > 0 || im->too_long)
        return line_end(im);
    return 0;
}

store_rc srv_import_failure(const srv_import *im) { return im->failure; }

json_t *srv_import_report(const srv_import *im)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:O, s:b}", "lines", (json_int_t)im->lines,
                     "imported", (json_int_t)im->imported, "duplicates",
                     (json_int_t)im->duplicates, "invalid", (json_int_t)im->invalid,
                     "problems", im->problems, "problems_truncated", im->truncated);
}

void srv_import_free(srv_import *im)
{
    if (!im)
        return;
    free(im->line);
    json_decref(im->problems);
    free(im);
}

/* --- the subcommands -------------------------------------------------- */

/* Flags of export/import (--db and the rest of srv_config), locked and
 * opened. 0, or the exit code. */
static int cli_open(int argc, char **argv, srv_config *cfg, store **st)
{
    char err[1536];
    if (srv_config_load(cfg, argc, argv, 2, err, sizeof err) != 0) {
        fprintf(stderr, "skimd: %s (see --help)\n", err);
        return 2;
    }
    if (store_lock_acquire(cfg->db_path, err, sizeof err) != 0 ||
        store_open(cfg->db_path, st, err, sizeof err) != 0) {
        fprintf(stderr, "skimd: %s\n", err);
        return 1;
    }
    return 0;
}

int cli_export(int argc, char **argv)
{
    static srv_config cfg;
    store *st = NULL;
    store_query q;
    store_jbuf b = {0};
    int rc = cli_open(argc, argv, &cfg, &st), more = 0;
    if (rc != 0)
        return rc;
    memset(&q, 0, sizeof q);
    srv_export *ex = srv_export_new(st, &q, 1);
    rc = 1;
    while (ex && (more = srv_export_next(ex, &b)) == 1) {
        if (fwrite(b.data, 1, b.len, stdout) != b.len)
            break;
        b.len = 0;
    }
    if (ex && more == 0 && fflush(stdout) == 0) {
        fprintf(stderr, "skimd: exported %lld records\n", (long long)srv_export_count(ex));
        rc = 0;
    } else {
        fprintf(stderr, "skimd: the export failed (database or output error)\n");
    }
    store_jbuf_free(&b);
    srv_export_free(ex);
    store_close(st);
    return rc;
}

int cli_import(int argc, char **argv)
{
    static srv_config cfg;
    static char buf[65536];
    store *st = NULL;
    int rc = cli_open(argc, argv, &cfg, &st);
    if (rc != 0)
        return rc;
    srv_import *im = srv_import_new(st, cfg.max_import_line_bytes, 1000);
    size_t n;
    int ok = im != NULL;
    while (ok && (n = fread(buf, 1, sizeof buf, stdin)) > 0)
        ok = srv_import_feed(im, buf, n) == 0;
    ok = ok && !ferror(stdin) && srv_import_finish(im) == 0;
    if (im)
        store_df_fold(st);          /* the daemon would fold them at its next pass */
    json_t *report = im ? srv_import_report(im) : NULL;
    char *text = report ? json_dumps(report, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        printf("%s\n", text);
    if (!ok)
        fprintf(stderr, "skimd: the import stopped (database or input error)\n");
    free(text);
    json_decref(report);
    srv_import_free(im);
    store_close(st);
    return ok ? 0 : 1;
}
