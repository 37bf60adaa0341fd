/* system.c -- /healthz, /metrics and /openapi.yaml: what the daemon says
 * about itself. The health rules are in storage/health.h. */
#include "handlers/handlers.h"

#include <stdlib.h>

#include "server/metrics.h"
#include "server/version.h"
#include "storage/health.h"
#include "storage/store.h"

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
                                     "backend", "sqlite", "version", SKIMD_VERSION));
}

void hdl_metrics(srv_request *r)
{
    int64_t counts[4];
    store *st = store_for_thread();
    int have = st && store_status_counts(st, counts) == STORE_OK;
    size_t len = 0;
    char *text = srv_metrics_render(have ? counts : NULL, &len);
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
