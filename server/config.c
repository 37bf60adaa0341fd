/* config.c -- flags and environment into a srv_config.
 *
 * Owns parsing and validation of start-up settings: every flag and every
 * file a flag names (key file, data directory, taxonomy) is checked here,
 * before the daemon creates or opens anything, so that a mistake never
 * leaves an empty database behind. Nothing here writes to disk or talks to
 * the network; resolving --listen's host name is the one look-up, done
 * once (localhost comes from /etc/hosts).
 */
#include "server/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/taxonomy.h"
#include "server/webhook_file.h"

/* The install's data directory, compiled into main.c (srv_config_set_datadir). */
static const char *builtin_datadir = "/usr/local/share/skimd";

void srv_config_set_datadir(const char *dir)
{
    if (dir && *dir)
        builtin_datadir = dir;
}

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
    if (hl == 0 || hl >= sizeof cfg->listen_host || memchr(v, '/', hl)) {
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

/* The webhook settings (server/webhooks.c): 1 when name is not one,
 * else 0 or -1 (a bad value, message in err). */
static int apply_webhook(srv_config *cfg, const char *name, const char *v, char *err,
                         size_t errlen)
{
    long n = 0;
    int bad;
    if (!strcmp(name, "allow-private-webhooks")) {
        cfg->webhook_allow_private = !(v[0] == '0' || !strcmp(v, "false") || !strcmp(v, "no"));
        return 0;
    }
    if (!strcmp(name, "webhooks-file")) {
        if (!*v || copy_str(cfg->webhooks_file, sizeof cfg->webhooks_file, v) != 0) {
            snprintf(err, errlen, "bad value for --%s: '%s'", name, v);
            return -1;
        }
        return 0;
    }
    if (!strcmp(name, "webhook-retry-ms")) {
        if (!(bad = srv_parse_long(v, 1, 3600000, &n)))
            cfg->webhook_retry_ms = n;
    } else if (!strcmp(name, "webhook-max-age")) {
        if (!(bad = srv_parse_long(v, 0, 30L * 86400, &n)))
            cfg->webhook_max_age_s = n;
    } else if (!strcmp(name, "webhook-timeout")) {
        if (!(bad = srv_parse_long(v, 1, 600, &n)))
            cfg->webhook_timeout_s = n;
    } else if (!strcmp(name, "webhook-retention")) {
        if (!(bad = srv_parse_long(v, 0, 3650L * 86400, &n)))
            cfg->webhook_retention_s = n;
    } else {
        return 1;
    }
    if (bad)
        snprintf(err, errlen, "bad value for --%s: '%s'", name, v);
    return bad ? -1 : 0;
}

/* The polite-fetching and feed settings (server/polite.h, feeds.h): 1 when name is not
 * one, else 0 or -1 (a bad value, message in err). */
static int apply_polite(srv_config *cfg, const char *name, const char *v, char *err,
                        size_t errlen)
{
    long n = 0;
    int bad;
    if (!strcmp(name, "host-concurrency")) {
        if (!(bad = srv_parse_long(v, 1, 256, &n)))
            cfg->host_concurrency = (int)n;
    } else if (!strcmp(name, "host-gap-ms")) {
        if (!(bad = srv_parse_long(v, 0, 600000, &n)))
            cfg->host_gap_ms = n;
    } else if (!strcmp(name, "retry-after-max")) {
        if (!(bad = srv_parse_long(v, 0, 86400, &n)))
            cfg->retry_after_max_s = n;
    } else if (!strcmp(name, "retry-after-tries")) {
        if (!(bad = srv_parse_long(v, 1, 100, &n)))
            cfg->retry_after_tries = (int)n;
    } else if (!strcmp(name, "feed-min-interval")) {
        if (!(bad = srv_parse_long(v, 1, 7L * 86400, &n)))
            cfg->feed_min_interval_s = n;
    } else if (!strcmp(name, "feed-max-interval")) {
        if (!(bad = srv_parse_long(v, 1, 30L * 86400, &n)))
            cfg->feed_max_interval_s = n;
    } else {
        return 1;
    }
    if (bad)
        snprintf(err, errlen, "bad value for --%s: '%s'", name, v);
    return bad ? -1 : 0;
}

/* --api-key-file: one key per line; blank lines and lines starting with
 * '#' are skipped, spaces and a CR around a key are dropped. The keys go
 * into cfg->key_store (a key on the command line shows in `ps`, a file's
 * does not). A file with no key is an error: it would silently open the
 * writes. */
static int read_key_file(srv_config *cfg, const char *path, char *err, size_t errlen)
{
    char line[1024];
    size_t before = cfg->n_api_keys;
    int rc = -1;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "--api-key-file: cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            snprintf(err, errlen, "--api-key-file: a line of %s is over %zu bytes", path,
                     sizeof line - 2);
            goto done;
        }
        char *k = line;
        while (*k == ' ' || *k == '\t')
            k++;
        n = strlen(k);
        while (n && (k[n - 1] == '\n' || k[n - 1] == '\r' || k[n - 1] == ' ' || k[n - 1] == '\t'))
            k[--n] = '\0';
        if (!n || *k == '#')
            continue;
        if (cfg->key_store_len + n + 1 > sizeof cfg->key_store) {
            snprintf(err, errlen, "--api-key-file: the keys of %s are over %zu bytes", path,
                     sizeof cfg->key_store);
            goto done;
        }
        char *slot = cfg->key_store + cfg->key_store_len;
        memcpy(slot, k, n + 1);
        cfg->key_store_len += n + 1;
        if (list_add(cfg->api_keys, &cfg->n_api_keys, slot, "--api-key", err, errlen) != 0)
            goto done;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "--api-key-file: cannot read %s", path);
        goto done;
    }
    if (cfg->n_api_keys == before) {
        snprintf(err, errlen, "--api-key-file: %s holds no key", path);
        goto done;
    }
    rc = 0;
done:
    fclose(f);
    return rc;
}

/* One setting: applied from the environment or from a flag. */
static int apply(srv_config *cfg, const char *name, const char *v, char *err, size_t errlen)
{
    long n;
    int wh = apply_webhook(cfg, name, v, err, errlen);
    if (wh != 1)
        return wh;
    if ((wh = apply_polite(cfg, name, v, err, errlen)) != 1)
        return wh;
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
    if (!strcmp(name, "request-timeout")) {
        if (srv_parse_long(v, 1, 3600, &n) != 0)
            goto bad;
        cfg->request_timeout_s = (unsigned)n;
        return 0;
    }
    if (!strcmp(name, "min-body-rate")) {
        if (srv_parse_long(v, 0, 1L << 30, &n) != 0)
            goto bad;
        cfg->min_body_rate = (unsigned)n;
        return 0;
    }
    if (!strcmp(name, "per-ip-connection-limit")) {
        if (srv_parse_long(v, 0, 100000, &n) != 0)
            goto bad;
        cfg->per_ip_conn_limit = (unsigned)n;
        return 0;
    }
    if (!strcmp(name, "dns-server")) {
        if (copy_str(cfg->dns_server, sizeof cfg->dns_server, v) != 0)
            goto bad;
        return 0;
    }
    if (!strcmp(name, "dns-timeout")) {
        if (srv_parse_long(v, 1, 60, &n) != 0)
            goto bad;
        cfg->dns_timeout_s = (unsigned)n;
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
    if (!strcmp(name, "insecure-open")) {
        cfg->insecure_open = !(v[0] == '0' || !strcmp(v, "false") || !strcmp(v, "no"));
        return 0;
    }
    if (!strcmp(name, "api-key-file"))
        return read_key_file(cfg, v, err, errlen);
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
    {"SKIMD_REQUEST_TIMEOUT", "request-timeout"},
    {"SKIMD_MIN_BODY_RATE", "min-body-rate"},
    {"SKIMD_SUMMARY_SENTENCES", "summary-sentences"},
    {"SKIMD_PER_IP_CONNECTION_LIMIT", "per-ip-connection-limit"},
    {"SKIMD_RATE_LIMIT", "rate-limit"},
    {"SKIMD_DNS_SERVER", "dns-server"}, {"SKIMD_DNS_TIMEOUT", "dns-timeout"},
    {"SKIMD_ALLOW_PRIVATE", "allow-private"}, {"SKIMD_INSECURE_OPEN", "insecure-open"},
    {"SKIMD_API_KEY_FILE", "api-key-file"},
    {"SKIMD_LEASE_SECONDS", "lease-seconds"},
    {"SKIMD_SKIP_QUICK_CHECK", "skip-quick-check"},
    {"SKIMD_ALLOW_PRIVATE_WEBHOOKS", "allow-private-webhooks"},
    {"SKIMD_WEBHOOK_RETRY_MS", "webhook-retry-ms"},
    {"SKIMD_WEBHOOK_MAX_AGE", "webhook-max-age"},
    {"SKIMD_WEBHOOK_TIMEOUT", "webhook-timeout"},
    {"SKIMD_WEBHOOK_RETENTION", "webhook-retention"},
    {"SKIMD_WEBHOOKS_FILE", "webhooks-file"},
    {"SKIMD_HOST_CONCURRENCY", "host-concurrency"}, {"SKIMD_HOST_GAP_MS", "host-gap-ms"},
    {"SKIMD_RETRY_AFTER_MAX", "retry-after-max"}, {"SKIMD_RETRY_AFTER_TRIES", "retry-after-tries"},
    {"SKIMD_FEED_MIN_INTERVAL", "feed-min-interval"},
    {"SKIMD_FEED_MAX_INTERVAL", "feed-max-interval"},
};

/* 1 when dir/taxonomy.json can be read. */
static int has_taxonomy(const char *dir)
{
    char path[PATH_MAX + 32];
    int n = snprintf(path, sizeof path, "%s/taxonomy.json", dir);
    return n > 0 && (size_t)n < sizeof path && access(path, R_OK) == 0;
}

/* The data directory when --data-dir was not given (order in config.h). */
static int find_data_dir(srv_config *cfg, char *err, size_t errlen)
{
    char exe[PATH_MAX], cand[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';              /* the binary's folder */
        static const char *const rel[] = {"/../data", "/../share/skimd"};
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            int m = snprintf(cand, sizeof cand, "%s%s", exe, rel[i]);
            if (m > 0 && (size_t)m < sizeof cand && has_taxonomy(cand)) {
                /* a clean name for logs: realpath drops the "bin/.." */
                char real[PATH_MAX];
                const char *use = realpath(cand, real) ? real : cand;
                return copy_str(cfg->data_dir, sizeof cfg->data_dir, use) ? -1 : 0;
            }
        }
    }
    if (has_taxonomy(builtin_datadir))
        return copy_str(cfg->data_dir, sizeof cfg->data_dir, builtin_datadir) ? -1 : 0;
    snprintf(err, errlen,
             "no data directory: no taxonomy.json in data/ or share/skimd/ beside %s, nor in "
             "%s; name one with --data-dir DIR (SKIMD_DATA_DIR)",
             n > 0 ? exe : "the binary's folder", builtin_datadir);
    return -1;
}

/* After parsing: the files the settings name, read but never written. */
static int check_files(srv_config *cfg, char *err, size_t errlen)
{
    struct stat sb;
    char path[PATH_MAX + 32];
    tag_taxonomy *tx = NULL;
    if (!cfg->data_dir[0]) {
        if (find_data_dir(cfg, err, errlen) != 0)
            return -1;
    } else if (stat(cfg->data_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "--data-dir: %s is not a folder", cfg->data_dir);
        return -1;
    }
    int n = cfg->taxonomy_path[0]
                ? snprintf(path, sizeof path, "%s", cfg->taxonomy_path)
                : snprintf(path, sizeof path, "%s/taxonomy.json", cfg->data_dir);
    if (n < 0 || (size_t)n >= sizeof path) {
        snprintf(err, errlen, "the taxonomy path is too long");
        return -1;
    }
    /* parsed now, so that a broken taxonomy stops the start before the
     * database is created; the daemon loads it again with the rest */
    if (tag_taxonomy_load(path, &tx, err, errlen) != 0)
        return -1;
    tag_taxonomy_free(tx);
    return 0;
}

int srv_addr_is_loopback(const char *numeric)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (!numeric)
        return 0;
    if (inet_pton(AF_INET, numeric, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, numeric, &a6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&a6))
            return 1;
        return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
    }
    return 0;
}

/* --listen's host as a numeric address: kept when it is one, else looked
 * up once (the first address the resolver gives). */
static int resolve_listen(srv_config *cfg, char *err, size_t errlen)
{
    struct in_addr a4;
    struct in6_addr a6;
    struct addrinfo hints, *res = NULL;
    char num[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET, cfg->listen_host, &a4) == 1 ||
        inet_pton(AF_INET6, cfg->listen_host, &a6) == 1)
        return 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(cfg->listen_host, NULL, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, errlen, "--listen: cannot resolve '%s': %s", cfg->listen_host,
                 rc ? gai_strerror(rc) : "no address");
        return -1;
    }
    const void *addr = res->ai_family == AF_INET
                           ? (const void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr
                           : (const void *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
    rc = inet_ntop(res->ai_family, addr, num, sizeof num) ? 0 : -1;
    freeaddrinfo(res);
    if (rc != 0 || copy_str(cfg->listen_host, sizeof cfg->listen_host, num) != 0) {
        snprintf(err, errlen, "--listen: cannot use the address of '%s'", cfg->listen_host);
        return -1;
    }
    return 0;
}

int srv_config_check_serve(srv_config *cfg, char *err, size_t errlen)
{
    if (resolve_listen(cfg, err, errlen) != 0)
        return -1;
    if (cfg->n_api_keys || cfg->insecure_open || srv_addr_is_loopback(cfg->listen_host))
        return 0;
    snprintf(err, errlen,
             "protected mode: refusing to listen on %s:%u with no API key, since anyone who "
             "reaches it could add and delete articles. Give a key with --api-key-file FILE "
             "(SKIMD_API_KEY_FILE) or SKIMD_API_KEY, listen on 127.0.0.1 behind a reverse "
             "proxy, or pass --insecure-open (SKIMD_INSECURE_OPEN=1) to accept open writes",
             cfg->listen_host, (unsigned)cfg->listen_port);
    return -1;
}

int srv_config_load(srv_config *cfg, int argc, char **argv, int first,
                    char *err, size_t errlen)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    memset(cfg, 0, sizeof *cfg);
    copy_str(cfg->listen_host, sizeof cfg->listen_host, "127.0.0.1");
    cfg->listen_port = 8080;
    copy_str(cfg->db_path, sizeof cfg->db_path, "./skimd.db");
    cfg->workers = cores > 0 && cores < 64 ? (int)cores : 2;
    cfg->http_threads = 4;
    cfg->max_page_bytes = 10u << 20;
    cfg->fetch_timeout_s = 20;
    cfg->max_body_bytes = 1u << 20;
    cfg->max_batch_bytes = 4u << 20;        /* 1 000 items of ~4 KiB without html */
    cfg->max_import_line_bytes = 32u << 20; /* a record with a 10 MiB page's text, escaped */
    cfg->conn_limit = 1024;
    cfg->conn_timeout_s = 30;
    cfg->request_timeout_s = 30;
    cfg->min_body_rate = 1024;
    /* 1/16 of the default limit: it takes 16 addresses, not 4, to fill
     * every slot (and the oldest unfinished requests are shed first) */
    cfg->per_ip_conn_limit = 64;
    cfg->rate_limit = 0;
    cfg->dns_timeout_s = 5;
    cfg->summary_sentences = 0;   /* automatic: see analyze/summary.h */
    cfg->lease_seconds = 30;
    cfg->webhook_retry_ms = 5000;
    cfg->webhook_max_age_s = 86400;
    cfg->webhook_timeout_s = 10;
    cfg->webhook_retention_s = 7L * 86400;
    cfg->host_concurrency = 2;
    cfg->host_gap_ms = 0;
    cfg->retry_after_max_s = 3600;
    cfg->retry_after_tries = 5;
    cfg->feed_min_interval_s = 60;
    cfg->feed_max_interval_s = 86400;

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
        if (!strcmp(name, "allow-private-webhooks") && !eq) {
            cfg->webhook_allow_private = 1;
            continue;
        }
        if (!strcmp(name, "insecure-open") && !eq) {
            cfg->insecure_open = 1;
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
    if (cfg->webhooks_file[0] && srv_webhook_file_check(cfg->webhooks_file, err, errlen) != 0)
        return -1;
    if (cfg->feed_min_interval_s > cfg->feed_max_interval_s) {
        snprintf(err, errlen, "--feed-min-interval (%ld) is above --feed-max-interval (%ld)",
                 cfg->feed_min_interval_s, cfg->feed_max_interval_s);
        return -1;
    }
    return check_files(cfg, err, errlen);
}

void srv_config_usage(const char *prog)
{
    printf("usage: %s [serve] [flags]      run the daemon\n"
           "       %s analyze FILE|URL [--url URL] [flags]   one page, printed (--help)\n"
           "       %s export [--db PATH] > FILE.ndjson   every record, offline\n"
           "       %s import [--db PATH] < FILE.ndjson   restore records, offline\n"
           "       %s --version | -V     print the version\n"
           "       %s --help | -h        this help (also: %s serve --help)\n\n"
           "serve flags (environment twin in brackets):\n"
           "  --listen HOST:PORT       where to serve, 127.0.0.1:8080; a name is resolved\n"
           "                           once (localhost), [::1]:PORT for IPv6 [SKIMD_LISTEN]\n"
           "  --db PATH|URI            SQLite file, ./skimd.db, or postgresql://... shared\n"
           "                           by several daemons [SKIMD_DB]\n"
           "  --workers N              fetch/analyse workers, cores [SKIMD_WORKERS]\n"
           "  --http-threads N         HTTP thread pool, 4 [SKIMD_HTTP_THREADS]\n"
           "  --taxonomy PATH          tag taxonomy, DATA_DIR/taxonomy.json [SKIMD_TAXONOMY]\n"
           "  --data-dir PATH          shipped data; default: data/ or share/skimd/ beside\n"
           "                           the binary's folder, else %s\n"
           "                           [SKIMD_DATA_DIR]\n"
           "  --api-key KEY            writes need 'Authorization: Bearer KEY'; repeatable\n"
           "                           [SKIMD_API_KEY, comma list]\n"
           "  --api-key-file FILE      keys, one per line (not shown by ps) [SKIMD_API_KEY_FILE]\n"
           "  --insecure-open          allow a non-loopback --listen with no key\n"
           "                           [SKIMD_INSECURE_OPEN=1]\n"
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
           "  --request-timeout S      whole request (headers + body) limit, 30\n"
           "                           [SKIMD_REQUEST_TIMEOUT]\n"
           "  --min-body-rate N        body bytes/s after a 5 s grace, 1024, 0 = off\n"
           "                           [SKIMD_MIN_BODY_RATE]\n"
           "  --per-ip-connection-limit N  connections per client IP, 64, 0 = off\n"
           "                           [SKIMD_PER_IP_CONNECTION_LIMIT]\n"
           "  --rate-limit N           requests/s per client IP (burst 2N), 0 = off\n"
           "                           [SKIMD_RATE_LIMIT]\n"
           "  --dns-server LIST        DNS servers, IP[:PORT],... (/etc/resolv.conf)\n"
           "                           [SKIMD_DNS_SERVER]\n"
           "  --dns-timeout S          limit on one name lookup, 5 [SKIMD_DNS_TIMEOUT]\n"
           "  --summary-sentences N    at most N summary sentences, any language; default\n"
           "                           automatic (zh 3 / 200 chars, others ~60 words)\n"
           "                           [SKIMD_SUMMARY_SENTENCES]\n"
           "  --lease-seconds S        job lease, renewed while working, 30 [SKIMD_LEASE_SECONDS]\n"
           "  --skip-quick-check       no integrity check of the database at start\n"
           "                           [SKIMD_SKIP_QUICK_CHECK]\n"
           "  --allow-private-webhooks webhook targets may be loopback/private addresses\n"
           "                           [SKIMD_ALLOW_PRIVATE_WEBHOOKS]\n"
           "  --webhook-retry-ms N     first webhook retry delay, doubling, 5000\n"
           "                           [SKIMD_WEBHOOK_RETRY_MS]\n"
           "  --webhook-max-age S      retry a delivery this long, then dead, 86400\n"
           "                           [SKIMD_WEBHOOK_MAX_AGE]\n"
           "  --webhook-timeout S      one delivery attempt's limit, 10 [SKIMD_WEBHOOK_TIMEOUT]\n"
           "  --webhooks-file FILE     webhook subscriptions declared in a JSON file, synced\n"
           "                           at every start [SKIMD_WEBHOOKS_FILE]\n"
           "  --webhook-retention S    delivered/dead deliveries are removed after S s,\n"
           "                           604800, 0 = kept [SKIMD_WEBHOOK_RETENTION]\n"
           "  --host-concurrency N     concurrent fetches per host (registrable domain), 2\n"
           "                           [SKIMD_HOST_CONCURRENCY]\n"
           "  --host-gap-ms N          least time between two fetches of one host, 0\n"
           "                           [SKIMD_HOST_GAP_MS]\n"
           "  --retry-after-max S      a 429/503 with Retry-After requeues the job for at\n"
           "                           most S s, 3600; 0 = fail it [SKIMD_RETRY_AFTER_MAX]\n"
           "  --retry-after-tries N    tries of one request before a 429/503 fails it, 5\n"
           "                           [SKIMD_RETRY_AFTER_TRIES]\n"
           "  --feed-min-interval S    shortest polling interval of a feed, 60\n"
           "                           [SKIMD_FEED_MIN_INTERVAL]\n"
           "  --feed-max-interval S    longest, and the cap of a failing feed's backoff,\n"
           "                           86400 [SKIMD_FEED_MAX_INTERVAL]\n\n"
           "signals: SIGTERM/SIGINT stop cleanly; SIGHUP reloads the taxonomy.\n"
           "exit status: 0 clean stop, 1 start-up or runtime failure, 2 bad flags.\n"
           "See skimd(1).\n",
           prog, prog, prog, prog, prog, prog, prog, builtin_datadir);
}
