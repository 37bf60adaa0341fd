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
    char listen_host[256];       /* as given; numeric once srv_config_check_serve ran */
    unsigned short listen_port;
    char db_path[1024];
    int workers;                 /* job worker threads, >= 1 */
    int http_threads;            /* libmicrohttpd thread pool size */
    char taxonomy_path[1024];    /* "" = data_dir/taxonomy.json */
    char data_dir[1024];         /* "" until found (see srv_config_load) */
    const char *api_keys[SRV_MAX_LIST];     /* borrowed from argv/env, or in key_store */
    size_t n_api_keys;
    int insecure_open;           /* 1 = serve a non-loopback address with no key */
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
    unsigned request_timeout_s;  /* a request's headers and body arrive within this */
    unsigned min_body_rate;      /* bytes/s a body must keep up after a grace, 0 = off */
    char dns_server[256];        /* c-ares server list; "" = /etc/resolv.conf */
    unsigned dns_timeout_s;      /* hard limit on one name lookup */
    unsigned rate_limit;         /* requests/s per client IP (burst = 2x), 0 = off */
    int summary_sentences;
    int lease_seconds;           /* job lease time; renewed every third of it */
    int skip_quick_check;        /* 1 = no PRAGMA quick_check at start */
    int webhook_allow_private;   /* 1 = webhook targets may be private addresses */
    long webhook_retry_ms;       /* first retry delay; doubles per attempt */
    long webhook_max_age_s;      /* retry for this long after the change, then dead */
    long webhook_timeout_s;      /* one delivery attempt's time limit */
    char webhooks_file[1024];    /* --webhooks-file, "" = none (server/webhook_file.h) */
    long webhook_retention_s;    /* settled deliveries are removed after this; 0 = kept */
    int host_concurrency;        /* concurrent fetches per host (site_host_key), >= 1 */
    long host_gap_ms;            /* least time between two fetch starts of a host */
    long retry_after_max_s;      /* longest Retry-After obeyed (longer: this); 0 = fail */
    int retry_after_tries;       /* tries of one request before a 429/503 fails it */
    long feed_min_interval_s;    /* shortest polling interval a feed may ask for */
    long feed_max_interval_s;    /* longest; also the cap of a failing feed's backoff */
    char env_lists[3][2048];     /* storage for lists split from env vars */
    char key_store[4096];        /* keys read from --api-key-file, NUL-separated */
    size_t key_store_len;
} srv_config;

/* Defaults, then environment, then argv[first..argc); then the files the
 * settings name are checked: --api-key-file is read, the data directory
 * is found and the taxonomy parsed. Nothing is created or written. With
 * no --data-dir the first of these holding taxonomy.json is used:
 * data/ beside the binary's folder (the build tree: build/skimd ->
 * data/), share/skimd beside it (an install tree, also one staged with
 * DESTDIR or moved), then the install's own data directory
 * (srv_config_set_datadir). On a bad flag, value or file writes a message
 * into err and returns -1. */
int srv_config_load(srv_config *cfg, int argc, char **argv, int first,
                    char *err, size_t errlen);

/* The install's data directory ($(PREFIX)/share/skimd, compiled into
 * main.c so that only the entry point differs between installs); borrowed,
 * must outlive the process. Default /usr/local/share/skimd. */
void srv_config_set_datadir(const char *dir);

/* What `serve` needs beyond srv_config_load: --listen's host name is
 * resolved (once: listen_host becomes numeric), and a non-loopback
 * address with no API key is refused unless insecure_open (protected
 * mode). Returns 0, or -1 with the reason and the way out in err. */
int srv_config_check_serve(srv_config *cfg, char *err, size_t errlen);

/* 1 when the numeric address is loopback (127.0.0.0/8, ::1,
 * ::ffff:127.0.0.0/104), else 0. */
int srv_addr_is_loopback(const char *numeric);

/* Print the serve flags' help to stdout. */
void srv_config_usage(const char *prog);

/* Checked number parsing: the whole string must be a number within
 * [min, max]. Return 0, or -1 (and *out untouched). */
int srv_parse_long(const char *s, long min, long max, long *out);

#endif
