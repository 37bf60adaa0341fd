/* transfer.c -- GET /export and POST /import (NDJSON).
 *
 * GET /export takes the filters of GET /articles (hdl_list_query_or_reply)
 * and streams the matching records, newest first, one export line each
 * (storage/store.h, store_export_line), from a reader callback: the
 * reply holds one page of ids and one record at a time. It reads on a
 * connection of its own inside one read transaction, so the file is one
 * state of the database even while writes go on; at most MAX_EXPORTS run
 * at once (each holds a connection).
 *
 * POST /import is a streamed body (server/http.c, BODY_STREAM): pieces
 * are split into lines and each line restored as it completes
 * (server/transfer.c), so the body is never held whole; the answer, once
 * the body has ended, is the report (counts and each skipped line by its
 * number).
 */
#include "handlers/handlers.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/validate.h"
#include "server/transfer.h"

#define MAX_EXPORTS 4
#define MAX_IMPORT_PROBLEMS 1000

static atomic_int exports_running;

/* --- export ------------------------------------------------------------ */

typedef struct export_reply {
    hdl_list_params params;     /* the filters (q points into it) */
    store *st;                  /* the export's own connection */
    srv_export *ex;
    store_jbuf pending;         /* the line being sent */
    size_t sent;                /* bytes of pending already sent */
} export_reply;

static void export_free(void *cls)
{
    export_reply *e = cls;
    if (!e)
        return;
    srv_export_free(e->ex);
    store_close(e->st);
    store_jbuf_free(&e->pending);
    free(e);
    atomic_fetch_sub(&exports_running, 1);
}

static long export_read(void *cls, char *buf, size_t max)
{
    export_reply *e = cls;
    while (e->sent == e->pending.len) {
        e->pending.len = 0;
        e->sent = 0;
        int more = srv_export_next(e->ex, &e->pending);
        if (more <= 0)
            return more;
    }
    size_t n = e->pending.len - e->sent;
    if (n > max)
        n = max;
    memcpy(buf, e->pending.data + e->sent, n);
    e->sent += n;
    return (long)n;
}

void hdl_export(srv_request *r)
{
    char err[512];
    export_reply *e = calloc(1, sizeof *e);
    if (!e) {
        srv_reply_json_text(r, 500, NULL, 0);
        return;
    }
    atomic_fetch_add(&exports_running, 1);
    if (hdl_list_query_or_reply(r, &e->params) != 0)
        goto fail;
    if (atomic_load(&exports_running) > MAX_EXPORTS) {
        srv_reply_problem(r, 503, "unavailable", "Service unavailable",
                          "%d exports are running already; try again when one ends",
                          MAX_EXPORTS);
        srv_reply_header(r, "Retry-After", "10");
        goto fail;
    }
    if (store_open(srv_req_app(r)->cfg->db_path, &e->st, err, sizeof err) != 0 ||
        !(e->ex = srv_export_new(e->st, &e->params.q, 1))) {
        srv_reply_problem(r, 503, "unavailable", "Service unavailable",
                          "the database cannot be read for an export now");
        goto fail;
    }
    srv_reply_stream(r, 200, "application/x-ndjson", export_read, e, export_free);
    return;
fail:
    export_free(e);
}

/* --- import ------------------------------------------------------------ */

static int ndjson_type(const char *ct)
{
    return hdl_media_type_is(ct, "application/x-ndjson") ||
           hdl_media_type_is(ct, "application/jsonl");
}

static void import_free(void *im) { srv_import_free(im); }

/* The request's import, started on first use; NULL with the 4xx/5xx sent. */
static srv_import *import_or_reply(srv_request *r)
{
    srv_import *im = srv_req_ctx(r);
    store *st;
    if (im)
        return im;
    if (!ndjson_type(srv_req_header(r, "Content-Type"))) {
        srv_reply_problem(r, 415, "unsupported-media-type", "Unsupported media type",
                          "send the export lines as Content-Type: application/x-ndjson");
        return NULL;
    }
    if (hdl_writable_or_reply(r) != 0 || !(st = hdl_store_or_reply(r)))
        return NULL;
    im = srv_import_new(st, srv_req_app(r)->cfg->max_import_line_bytes, MAX_IMPORT_PROBLEMS);
    if (!im) {
        srv_reply_problem(r, 503, "unavailable", "Service unavailable",
                          "the database cannot be read for an import now");
        return NULL;
    }
    srv_req_set_ctx(r, im, import_free);
    return im;
}

/* The database stopped the import: what was restored stays. */
static void reply_stopped(srv_request *r, srv_import *im)
{
    json_t *rep = srv_import_report(im);
    json_int_t lines = json_integer_value(json_object_get(rep, "lines"));
    json_int_t done = json_integer_value(json_object_get(rep, "imported"));
    json_decref(rep);
    srv_reply_problem(r, srv_import_failure(im) == STORE_BUSY ? 503 : 500,
                      srv_import_failure(im) == STORE_BUSY ? "unavailable" : "internal",
                      "Import stopped", "the database failed at line %lld; the %lld records "
                      "imported before it stay, nothing after it was read",
                      (long long)lines, (long long)done);
    if (srv_import_failure(im) == STORE_BUSY)
        srv_reply_header(r, "Retry-After", "5");
}

int hdl_import_body(srv_request *r, const char *data, size_t n)
{
    srv_import *im = import_or_reply(r);
    if (!im)
        return -1;
    if (srv_import_feed(im, data, n) != 0) {
        reply_stopped(r, im);
        return -1;
    }
    return 0;
}

void hdl_import(srv_request *r)
{
    srv_import *im = import_or_reply(r);
    if (!im)
        return;
    if (srv_import_finish(im) != 0) {
        reply_stopped(r, im);
        return;
    }
    if (hdl_writable_or_reply(r) != 0)
        return;
    srv_reply_json(r, 200, srv_import_report(im));
    srv_queue_notify(srv_req_app(r)->queue);    /* queued records read again */
}
