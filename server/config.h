/* config.h -- daemon configuration from flags and SKIMD_* variables.
 *
 * Every flag has an environment twin (--db <-> SKIMD_DB); a flag given on
 * the command line wins over its variable. Repeatable flags (--api-key,
 * --cors-origin, --allow-host) take comma-separated lists in the variable.
 */
#ifndef SKIMD_CONFIG_H
#define SKIMD_CONFIG_H

#include <stddef.h>

#define SRV_MAX_LIST 16

typedef struct srv_config {
    char listen_host[64];        /* numeric address to bind */
    unsigned short listen_port;
    char db_path[1024];
    int workers;                 /* job worker threads, >= 1 */
    int http_threads;            /* libmicrohttpd thread pool size */
    char taxonomy_path[1024];    /* "" = data_dir/taxonomy.json */
    char data_dir[1024];
    const char *api_keys[SRV_MAX_LIST];     /* borrowed from argv/env */
    size_t n_api_keys;
    const char *cors_origins[SRV_MAX_LIST];
    size_t n_cors_origins;
    const char *allow_hosts[SRV_MAX_LIST];  /* "host:port" */
    size_t n_allow_hosts;
    int allow_private;           /* 1 = SSRF guard off */
    size_t max_page_bytes;
    long fetch_timeout_s;
    size_t max_body_bytes;       /* request body cap */
    size_t max_batch_bytes;      /* POST /articles/batch body cap */
    size_t max_import_line_bytes; /* one NDJSON line of POST /import */
    unsigned conn_limit;
    unsigned conn_timeout_s;
    unsigned per_ip_conn_limit;  /* concurrent connections per client IP, 0 = off */
    unsigned rate_limit;         /* requests/s per client IP (burst = 2x), 0 = off */
    int summary_sentences;
    int lease_seconds;           /* job lease time; renewed every third of it */
    int skip_quick_check;        /* 1 = no PRAGMA quick_check at start */
    char env_lists[3][2048];     /* storage for lists split from env vars */
} srv_config;

/* Defaults, then environment, then argv[first..argc). On a bad flag or
 * value writes a message into err and returns -1. */
int srv_config_load(srv_config *cfg, int argc, char **argv, int first,
                    char *err, size_t errlen);

/* Print flag help to stdout. */
void srv_config_usage(const char *prog);

/* Checked number parsing: the whole string must be a number within
 * [min, max]. Return 0, or -1 (and *out untouched). */
int srv_parse_long(const char *s, long min, long max, long *out);

#endif
