/* handlers.h -- one function per endpoint of the v1 API.
 *
 * Each reads its request through srv_req_*() and answers with exactly one
 * srv_reply_*() (or srv_req_wait()). Validation helpers that reply
 * themselves return -1 after sending the 4xx, so handlers read straight.
 */
#ifndef SKIMD_HANDLERS_H
#define SKIMD_HANDLERS_H

#include "server/http.h"
#include "storage/store.h"

void hdl_articles_create(srv_request *r);   /* POST /articles */
void hdl_articles_list(srv_request *r);     /* GET /articles */
void hdl_article_get(srv_request *r);       /* GET /articles/{id} */
void hdl_article_delete(srv_request *r);    /* DELETE /articles/{id} */
void hdl_article_refresh(srv_request *r);   /* POST /articles/{id}/refresh */
void hdl_article_patch(srv_request *r);     /* PATCH /articles/{id} (client tags) */
void hdl_articles_batch(srv_request *r);    /* POST /articles/batch (batch.c) */
void hdl_export(srv_request *r);            /* GET /export (transfer.c) */
void hdl_import(srv_request *r);            /* POST /import (transfer.c) */
int hdl_import_body(srv_request *r, const char *data, size_t n); /* its streamed body */
void hdl_tags_list(srv_request *r);         /* GET /tags */
void hdl_webhooks_create(srv_request *r);  /* POST /webhooks */
void hdl_webhooks_list(srv_request *r);     /* GET /webhooks */
void hdl_webhook_get(srv_request *r);       /* GET /webhooks/{id} */
void hdl_webhook_delete(srv_request *r);    /* DELETE /webhooks/{id} */
void hdl_webhook_deliveries(srv_request *r); /* GET /webhooks/{id}/deliveries */
void hdl_feeds_create(srv_request *r);      /* POST /feeds (feeds.c) */
void hdl_feeds_list(srv_request *r);        /* GET /feeds */
void hdl_feed_get(srv_request *r);          /* GET /feeds/{id} */
void hdl_feed_delete(srv_request *r);       /* DELETE /feeds/{id} */
void hdl_feed_poll(srv_request *r);         /* POST /feeds/{id}/poll */
void hdl_healthz(srv_request *r);           /* GET /healthz */
void hdl_metrics(srv_request *r);           /* GET /metrics */
void hdl_openapi(srv_request *r);           /* GET /openapi.yaml */
void hdl_ui_index(srv_request *r);          /* GET /ui/ (handlers/ui.c) */
void hdl_ui_file_get(srv_request *r);       /* GET /ui/{file} */
void hdl_ui_redirect(srv_request *r);       /* GET / and /ui: 302 to /ui/ */

/* The calling thread's database connection, or NULL after sending a 503
 * problem document (the database cannot be opened). */
store *hdl_store_or_reply(srv_request *r);

/* A failed store call answered: 503 (with Retry-After) when it may pass
 * (busy, disk full, I/O), 500 otherwise; either way nothing changed. */
void hdl_reply_store_error(srv_request *r, store_rc rc);

/* 0 when the database can be trusted with a write (storage/health.h);
 * otherwise a 503 is sent and -1 returned. Called before a write, and
 * again before acknowledging one: a write that went to a removed file
 * is never answered as stored. */
int hdl_writable_or_reply(srv_request *r);

/* The filters of GET /articles (status, lang, since, until, tag, q,
 * cursor; not limit) parsed into p->q, which points into p and into the
 * request: valid while both live. 0, or -1 with the 400 sent. */
#define HDL_MAX_RESOLVED_TAGS 16
typedef struct hdl_list_params {
    store_query q;
    char since[21], until[21];      /* q.since / q.until point here */
    char facet[64];                 /* q.tag_facet */
    const char *ids[HDL_MAX_RESOLVED_TAGS]; /* q.tag_ids (the taxonomy's strings) */
} hdl_list_params;
int hdl_list_query_or_reply(srv_request *r, hdl_list_params *p);

#endif
