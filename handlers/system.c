/* system.c -- /healthz, /metrics and /openapi.yaml: what the daemon says
 * about itself. The health rules are in storage/health.h. */
#include "handlers/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/metrics.h"
#include "server/queue.h"
#include "server/version.h"
#include "storage/health.h"
#include "storage/store.h"
#include "storage/webhooks.h"

/* 200 only when the database answers and can be trusted with a write
 * (storage/health.h: the last write, the file's identity and permissions,
 * the lock); else 503 with the reason. */
void hdl_healthz(srv_request *r)
{
    char why[512];
    store *st = store_for_thread();
    if (!st || !store_ping(st)) {
        srv_reply_problem(r, 503, "unavailable", "Service unavailable",
                          "the database does not answer");
        return;
    }
    if (store_health_check(why, sizeof why) != 0) {
        srv_reply_problem(r, 503, "unavailable", "Service unavailable", "%s", why);
        return;
    }
    srv_reply_json(r, 200, json_pack("{s:s, s:s, s:s, s:s}", "status", "ok", "database", "ok",
                                     "backend", store_backend_name(st), "version", SKIMD_VERSION));
}

/* text with add[0..w) appended (w from snprintf into cap bytes); text
 * as it was when w says the lines did not fit or memory is short. */
static char *append_text(char *text, size_t *len, const char *add, int w, size_t cap)
{
    if (!text || w <= 0 || (size_t)w >= cap)
        return text;
    char *grown = realloc(text, *len + (size_t)w + 1);
    if (!grown)
        return text;
    memcpy(grown + *len, add, (size_t)w + 1);
    *len += (size_t)w;
    return grown;
}

/* text + the webhook outbox gauge (storage/webhooks.h), or text as it
 * was when the counts cannot be read; frees text when it grows it. */
static char *add_webhook_gauge(store *st, char *text, size_t *len)
{
    static const char *const states[3] = {"pending", "delivered", "dead"};
    int64_t n[3];
    char add[384];
    if (!text || !st || store_delivery_counts(st, n) != STORE_OK)
        return text;
    int w = snprintf(add, sizeof add,
                     "# HELP skimd_webhook_deliveries Webhook deliveries by state.\n"
                     "# TYPE skimd_webhook_deliveries gauge\n");
    for (int i = 0; i < 3 && w > 0 && (size_t)w < sizeof add; i++)
        w += snprintf(add + w, sizeof add - (size_t)w, "skimd_webhook_deliveries{state=\"%s\"} %lld\n",
                      states[i], (long long)n[i]);
    return append_text(text, len, add, w, sizeof add);
}

/* text + the connection pool and lease gauges; as add_webhook_gauge. */
static char *add_pool_gauges(srv_request *r, store *st, char *text, size_t *len)
{
    int total = 0, idle = 0;
    int64_t leases[3];
    char add[768];
    store_pool_counts(&total, &idle);
    int w = snprintf(add, sizeof add,
                     "# HELP skimd_db_connections The HTTP threads' database connections.\n"
                     "# TYPE skimd_db_connections gauge\n"
                     "skimd_db_connections{state=\"idle\"} %d\n"
                     "skimd_db_connections{state=\"in_use\"} %d\n",
                     idle, total - idle);
    if (text && st && w > 0 && (size_t)w < sizeof add &&
        store_lease_counts(st, srv_queue_owner(srv_req_app(r)->queue), leases) == STORE_OK)
        w += snprintf(add + w, sizeof add - (size_t)w,
                      "# HELP skimd_job_leases Job leases by holder (all daemons on the database).\n"
                      "# TYPE skimd_job_leases gauge\n"
                      "skimd_job_leases{holder=\"this_daemon\"} %lld\n"
                      "skimd_job_leases{holder=\"other_daemons\"} %lld\n"
                      "skimd_job_leases{holder=\"expired\"} %lld\n",
                      (long long)leases[0], (long long)leases[1], (long long)leases[2]);
    return append_text(text, len, add, w, sizeof add);
}

void hdl_metrics(srv_request *r)
{
    int64_t counts[4];
    store *st = store_for_thread();
    int have = st && store_status_counts(st, counts) == STORE_OK;
    size_t len = 0;
    char *text = add_webhook_gauge(st, srv_metrics_render(have ? counts : NULL, &len), &len);
    text = add_pool_gauges(r, st, text, &len);
    if (!text) {
        srv_reply_problem(r, 500, "internal", "Internal error", "out of memory");
        return;
    }
    srv_reply_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free(text);
}

void hdl_openapi(srv_request *r)
{
    const srv_app *app = srv_req_app(r);
    srv_reply_text(r, 200, "application/yaml; charset=utf-8", app->openapi,
                   app->openapi_len);
}
