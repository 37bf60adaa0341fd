/* config.c -- flags and environment into a srv_config.
 *
 * Owns parsing and validation of start-up settings only; nothing here
 * touches the network or the database.
 */
#include "server/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int srv_parse_long(const char *s, long min, long max, long *out)
{
    char *end = NULL;
    long v;
    if (!s || !*s || !out)
        return -1;
    if (*s == ' ' || *s == '+' || *s == '\t')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || !end || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int copy_str(char *dst, size_t cap, const char *src)
{
    int n = snprintf(dst, cap, "%s", src);
    return (n < 0 || (size_t)n >= cap) ? -1 : 0;
}

static int set_listen(srv_config *cfg, const char *v, char *err, size_t errlen)
{
    const char *colon = strrchr(v, ':');
    long port;
    size_t hl;
    if (!colon || srv_parse_long(colon + 1, 1, 65535, &port) != 0) {
        snprintf(err, errlen, "--listen wants ADDR:PORT, got '%s'", v);
        return -1;
    }
    hl = (size_t)(colon - v);
    if (hl >= 2 && v[0] == '[' && v[hl - 1] == ']') {
        v++;
        hl -= 2;
    }
    if (hl == 0 || hl >= sizeof cfg->listen_host) {
        snprintf(err, errlen, "--listen: bad address in '%s'", v);
        return -1;
    }
    memcpy(cfg->listen_host, v, hl);
    cfg->listen_host[hl] = '\0';
    cfg->listen_port = (unsigned short)port;
    return 0;
}

static int list_add(const char **list, size_t *n, const char *v, const char *flag,
                    char *err, size_t errlen)
{
    if (*n >= SRV_MAX_LIST) {
        snprintf(err, errlen, "%s given more than %d times", flag, SRV_MAX_LIST);
        return -1;
    }
    if (!*v) {
        snprintf(err, errlen, "%s wants a value", flag);
        return -1;
    }
    list[(*n)++] = v;
    return 0;
}

/* Split a comma list from the environment into storage owned by cfg. */
static int list_from_env(const char *var, char *store, size_t cap, const char **list,
                         size_t *n, const char *flag, char *err, size_t errlen)
{
    const char *v = getenv(var);
    if (!v || !*v)
        return 0;
    if (copy_str(store, cap, v) != 0) {
        snprintf(err, errlen, "%s is too long", var);
        return -1;
    }
    for (char *save = NULL, *tok = strtok_r(store, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save))
        if (list_add(list, n, tok, flag, err, errlen) != 0)
            return -1;
    return 0;
}

/* One setting: applied from the environment or from a flag. */
static int apply(srv_config *cfg, const char *name, const char *v, char *err, size_t errlen)
{
    long n;
    if (!strcmp(name, "listen"))
        return set_listen(cfg, v, err, errlen);
    if (!strcmp(name, "db")) {
        if (!*v || copy_str(cfg->db_path, sizeof cfg->db_path, v) != 0)
            goto bad;
        return 0;
    }
    if (!strcmp(name, "workers")) {
        if (srv_parse_long(v, 1, 256, &n) != 0)
            goto bad;
        cfg->workers = (int)n;
        return 0;
    }
    if (!strcmp(name, "http-threads")) {
        if (srv_parse_long(v, 1, 256, &n) != 0)
            goto bad;
        cfg->http_threads = (int)n;
        return 0;
    }
    if (!strcmp(name, "taxonomy"))
        return copy_str(cfg->taxonomy_path, sizeof cfg->taxonomy_path, v) ? -1 : 0;
    if (!strcmp(name, "data-dir"))
        return copy_str(cfg->data_dir, sizeof cfg->data_dir, v) ? -1 : 0;
    if (!strcmp(name, "max-page-bytes")) {
        if (srv_parse_long(v, 1024, 1L << 30, &n) != 0)
            goto bad;
        cfg->max_page_bytes = (size_t)n;
        return 0;
    }
    if (!strcmp(name, "max-body-bytes")) {
        if (srv_parse_long(v, 1024, 64L << 20, &n) != 0)
            goto bad;
        cfg->max_body_bytes = (size_t)n;
        return 0;
    }
    if (!strcmp(name, "max-batch-bytes") || !strcmp(name, "max-import-line-bytes")) {
        if (srv_parse_long(v, 1024, 256L << 20, &n) != 0)
            goto bad;
        *(name[4] == 'b' ? &cfg->max_batch_bytes : &cfg->max_import_line_bytes) = (size_t)n;
        return 0;
    }
    if (!strcmp(name, "fetch-timeout")) {
        if (srv_parse_long(v, 1, 600, &n) != 0)
            goto bad;
        cfg->fetch_timeout_s = n;
        return 0;
    }
    if (!strcmp(name, "connection-limit")) {
        if (srv_parse_long(v, 1, 100000, &n) != 0)
            goto bad;
        cfg->conn_limit = (unsigned)n;
        return 0;
    }
    if (!strcmp(name, "connection-timeout")) {
        if (srv_parse_long(v, 1, 3600, &n) != 0)
            goto bad;
        cfg->conn_timeout_s = (unsigned)n;
        return 0;
    }
    if (!strcmp(name, "per-ip-connection-limit")) {
        if (srv_parse_long(v, 0, 100000, &n) != 0)
            goto bad;
        cfg->per_ip_conn_limit = (unsigned)n;
        return 0;
    }
    if (!strcmp(name, "rate-limit")) {
        if (srv_parse_long(v, 0, 1000000, &n) != 0)
            goto bad;
        cfg->rate_limit = (unsigned)n;
        return 0;
    }
    if (!strcmp(name, "summary-sentences")) {
        if (srv_parse_long(v, 1, 20, &n) != 0)
            goto bad;
        cfg->summary_sentences = (int)n;
        return 0;
    }
    if (!strcmp(name, "lease-seconds")) {
        if (srv_parse_long(v, 1, 3600, &n) != 0)
            goto bad;
        cfg->lease_seconds = (int)n;
        return 0;
    }
    if (!strcmp(name, "skip-quick-check")) {
        cfg->skip_quick_check = !(v[0] == '0' || !strcmp(v, "false") || !strcmp(v, "no"));
        return 0;
    }
    if (!strcmp(name, "allow-private")) {
        cfg->allow_private = !(v[0] == '0' || !strcmp(v, "false") || !strcmp(v, "no"));
        return 0;
    }
    snprintf(err, errlen, "unknown option --%s", name);
    return -1;
bad:
    snprintf(err, errlen, "bad value for --%s: '%s'", name, v);
    return -1;
}

static const char *const env_names[][2] = {
    {"SKIMD_LISTEN", "listen"}, {"SKIMD_DB", "db"}, {"SKIMD_WORKERS", "workers"},
    {"SKIMD_HTTP_THREADS", "http-threads"}, {"SKIMD_TAXONOMY", "taxonomy"},
    {"SKIMD_DATA_DIR", "data-dir"}, {"SKIMD_MAX_PAGE_BYTES", "max-page-bytes"},
    {"SKIMD_MAX_BODY_BYTES", "max-body-bytes"}, {"SKIMD_MAX_BATCH_BYTES", "max-batch-bytes"},
    {"SKIMD_MAX_IMPORT_LINE_BYTES", "max-import-line-bytes"}, {"SKIMD_FETCH_TIMEOUT", "fetch-timeout"},
    {"SKIMD_CONNECTION_LIMIT", "connection-limit"},
    {"SKIMD_CONNECTION_TIMEOUT", "connection-timeout"},
    {"SKIMD_SUMMARY_SENTENCES", "summary-sentences"},
    {"SKIMD_PER_IP_CONNECTION_LIMIT", "per-ip-connection-limit"},
    {"SKIMD_RATE_LIMIT", "rate-limit"},
    {"SKIMD_ALLOW_PRIVATE", "allow-private"},
    {"SKIMD_LEASE_SECONDS", "lease-seconds"},
    {"SKIMD_SKIP_QUICK_CHECK", "skip-quick-check"},
};

int srv_config_load(srv_config *cfg, int argc, char **argv, int first,
                    char *err, size_t errlen)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->listen_host, "127.0.0.1");
    cfg->listen_port = 8080;
    strcpy(cfg->db_path, "./skimd.db");
    strcpy(cfg->data_dir, "data");
    cfg->workers = cores > 0 && cores < 64 ? (int)cores : 2;
    cfg->http_threads = 4;
    cfg->max_page_bytes = 10u << 20;
    cfg->fetch_timeout_s = 20;
    cfg->max_body_bytes = 1u << 20;
    cfg->max_batch_bytes = 4u << 20;        /* 1 000 items of ~4 KiB without html */
    cfg->max_import_line_bytes = 32u << 20; /* a record with a 10 MiB page's text, escaped */
    cfg->conn_limit = 1024;
    cfg->conn_timeout_s = 30;
    cfg->per_ip_conn_limit = 256;
    cfg->rate_limit = 0;
    cfg->summary_sentences = 3;
    cfg->lease_seconds = 30;

    for (size_t i = 0; i < sizeof env_names / sizeof env_names[0]; i++) {
        const char *v = getenv(env_names[i][0]);
        if (v && apply(cfg, env_names[i][1], v, err, errlen) != 0)
            return -1;
    }
    if (list_from_env("SKIMD_API_KEY", cfg->env_lists[0], sizeof cfg->env_lists[0],
                      cfg->api_keys, &cfg->n_api_keys, "--api-key", err, errlen) ||
        list_from_env("SKIMD_CORS_ORIGIN", cfg->env_lists[1], sizeof cfg->env_lists[1],
                      cfg->cors_origins, &cfg->n_cors_origins, "--cors-origin", err, errlen) ||
        list_from_env("SKIMD_ALLOW_HOST", cfg->env_lists[2], sizeof cfg->env_lists[2],
                      cfg->allow_hosts, &cfg->n_allow_hosts, "--allow-host", err, errlen))
        return -1;

    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        char name[64];
        const char *val = NULL;
        if (strncmp(a, "--", 2) != 0) {
            snprintf(err, errlen, "unexpected argument '%s'", a);
            return -1;
        }
        const char *eq = strchr(a, '=');
        size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (nl >= sizeof name) {
            snprintf(err, errlen, "unknown option %s", a);
            return -1;
        }
        memcpy(name, a + 2, nl);
        name[nl] = '\0';
        if (!strcmp(name, "allow-private") && !eq) {
            cfg->allow_private = 1;
            continue;
        }
        if (!strcmp(name, "skip-quick-check") && !eq) {
            cfg->skip_quick_check = 1;
            continue;
        }
        if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            snprintf(err, errlen, "--%s wants a value", name);
            return -1;
        }
        int rc;
        if (!strcmp(name, "api-key"))
            rc = list_add(cfg->api_keys, &cfg->n_api_keys, val, "--api-key", err, errlen);
        else if (!strcmp(name, "cors-origin"))
            rc = list_add(cfg->cors_origins, &cfg->n_cors_origins, val, "--cors-origin", err, errlen);
        else if (!strcmp(name, "allow-host"))
            rc = list_add(cfg->allow_hosts, &cfg->n_allow_hosts, val, "--allow-host", err, errlen);
        else
            rc = apply(cfg, name, val, err, errlen);
        if (rc != 0)
            return -1;
    }
    return 0;
}

void srv_config_usage(const char *prog)
{
    printf("usage: %s [serve] [flags]\n"
           "       %s analyze FILE|URL [--url URL] [flags]\n"
           "       %s export [--db PATH] [filters as GET /articles] > FILE.ndjson\n"
           "       %s import [--db PATH] < FILE.ndjson\n\n"
           "flags (environment twin in brackets):\n"
           "  --listen ADDR:PORT       where to serve, 127.0.0.1:8080 [SKIMD_LISTEN]\n"
           "  --db PATH                SQLite file, ./skimd.db [SKIMD_DB]\n"
           "  --workers N              fetch/analyse workers, cores [SKIMD_WORKERS]\n"
           "  --http-threads N         HTTP thread pool, 4 [SKIMD_HTTP_THREADS]\n"
           "  --taxonomy PATH          tag taxonomy, data/taxonomy.json [SKIMD_TAXONOMY]\n"
           "  --data-dir PATH          shipped data, data [SKIMD_DATA_DIR]\n"
           "  --api-key KEY            writes need 'Authorization: Bearer KEY' [SKIMD_API_KEY]\n"
           "  --cors-origin ORIGIN     browser origin allowed to call [SKIMD_CORS_ORIGIN]\n"
           "  --allow-private          fetch loopback/private addresses [SKIMD_ALLOW_PRIVATE]\n"
           "  --allow-host HOST:PORT   one origin let through the guard [SKIMD_ALLOW_HOST]\n"
           "  --max-page-bytes N       largest page fetched, 10485760 [SKIMD_MAX_PAGE_BYTES]\n"
           "  --max-body-bytes N       largest request body, 1048576 [SKIMD_MAX_BODY_BYTES]\n"
           "  --max-batch-bytes N      largest POST /articles/batch body, 4194304\n"
           "                           [SKIMD_MAX_BATCH_BYTES]\n"
           "  --max-import-line-bytes N  longest line of an import, 33554432\n"
           "                           [SKIMD_MAX_IMPORT_LINE_BYTES]\n"
           "  --fetch-timeout S        whole-fetch limit, 20 [SKIMD_FETCH_TIMEOUT]\n"
           "  --connection-limit N     concurrent connections, 1024 [SKIMD_CONNECTION_LIMIT]\n"
           "  --connection-timeout S   idle connection timeout, 30 [SKIMD_CONNECTION_TIMEOUT]\n"
           "  --per-ip-connection-limit N  connections per client IP, 256, 0 = off\n"
           "                           [SKIMD_PER_IP_CONNECTION_LIMIT]\n"
           "  --rate-limit N           requests/s per client IP (burst 2N), 0 = off\n"
           "                           [SKIMD_RATE_LIMIT]\n"
           "  --summary-sentences N    summary length, 3 [SKIMD_SUMMARY_SENTENCES]\n"
           "  --lease-seconds S        job lease, renewed while working, 30 [SKIMD_LEASE_SECONDS]\n"
           "  --skip-quick-check       no integrity check of the database at start\n"
           "                           [SKIMD_SKIP_QUICK_CHECK]\n",
           prog, prog, prog, prog);
}
