/* fetch.c -- libcurl fetching with our own redirect loop and the guard.
 *
 * Owns: name resolution for the guard (the resolver thread, resolve.c,
 * when it runs; getaddrinfo otherwise), address pinning (CURLOPT_RESOLVE
 * plus a check in the open-socket callback), body size cap, timeouts,
 * mapping curl errors to failure codes; and the guarded POST that
 * webhook deliveries use (fetch_post). Does not decode or parse pages.
 */
#include "ingest/fetch.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>

#include "ingest/guard.h"
#include "ingest/resolve.h"
#include "ingest/url.h"

/* State of one hop, shared with libcurl's callbacks. */
typedef struct hop_ctx {
    char *buf;            /* body so far */
    size_t len;
    size_t cap;           /* allocated */
    size_t max_bytes;     /* refuse beyond this */
    int too_large;        /* set by the write callback */
    int guard_on;         /* check addresses in the open-socket callback */
    int refused;          /* the open-socket callback refused an address */
    char refused_why[128];
} hop_ctx;

static void set_err(fetch_error *err, fail_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(fetch_error *err, fail_code code, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    err->fail = code;
    snprintf(err->code, sizeof err->code, "%s", fail_code_str(code));
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

int fetch_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void fetch_global_cleanup(void)
{
    curl_global_cleanup();
}

void fetch_result_release(fetch_result *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->content_type);
    free(r->final_url);
    free(r->etag);
    free(r->last_modified);
    memset(r, 0, sizeof *r);
}

static int host_allowed(const fetch_options *opt, const char *host, long port)
{
    char want[300];
    int n = snprintf(want, sizeof want, "%s:%ld", host, port);
    if (n < 0 || (size_t)n >= sizeof want)
        return 0;
    for (size_t i = 0; i < opt->n_allow_hosts; i++)
        if (opt->allow_hosts[i] && !strcasecmp(opt->allow_hosts[i], want))
            return 1;
    return 0;
}

int fetch_is_localhost(const char *host)
{
    static const char suffix[] = ".localhost";
    size_t n = strlen(host), sl = sizeof suffix - 1;
    if (n && host[n - 1] == '.')
        n--;                            /* "localhost." is the same name */
    return (n == 9 && !strncasecmp(host, "localhost", 9)) ||
           (n > sl && !strncasecmp(host + n - sl, suffix, sl));
}

fetch_check fetch_check_addrs(const char *host, long port, const struct sockaddr_storage *a,
                              size_t n, char *pin, size_t pin_cap, char *why, size_t why_cap)
{
    size_t w = 0;
    if (pin && pin_cap) {
        int k = snprintf(pin, pin_cap, "%s:%ld:", host, port);
        w = k > 0 && (size_t)k < pin_cap ? (size_t)k : 0;
        if (!w)
            pin[0] = '\0';
    }
    for (size_t i = 0; i < n; i++) {
        const struct sockaddr *sa = (const struct sockaddr *)&a[i];
        char text[INET6_ADDRSTRLEN + 2] = "";
        guard_class cls = guard_classify_sockaddr(sa);
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                      text, sizeof text);
        else if (sa->sa_family == AF_INET6) {
            char v6[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                      v6, sizeof v6);
            snprintf(text, sizeof text, "[%s]", v6);
        }
        if (cls != GUARD_PUBLIC) {
            if (why)
                snprintf(why, why_cap, "%s resolves to %s, a %s address", host, text,
                         guard_class_name(cls));
            return FETCH_CHECK_REFUSED;
        }
        if (w && text[0] && !strstr(pin, text)) {
            int k = snprintf(pin + w, pin_cap - w, "%s%s", pin[w - 1] == ':' ? "" : ",", text);
            if (k > 0 && (size_t)k < pin_cap - w)
                w += (size_t)k;
        }
    }
    return FETCH_CHECK_OK;
}

/* The system resolver, where the resolver thread is not running
 * (skimd analyze, unit tests). */
static size_t lookup_system(const char *host, struct sockaddr_storage *out, size_t cap)
{
    struct addrinfo hints, *res = NULL;
    size_t n = 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
        return 0;
    for (struct addrinfo *ai = res; ai && n < cap; ai = ai->ai_next)
        if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
            ai->ai_addrlen <= sizeof out[0])
            memcpy(&out[n++], ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(res);
    return n;
}

/* Resolve host and classify every address. On FETCH_CHECK_OK and when
 * pin is not NULL, writes "host:port:addr,addr" for CURLOPT_RESOLVE
 * (empty for IP literals, which cannot be rebound). Literals and
 * localhost are judged without a lookup; names go to the resolver
 * thread (bounded by its deadline, stopped by *cancel) when it runs. */
static fetch_check resolve_and_check(const char *host, long port, const atomic_int *cancel,
                                     char *pin, size_t pin_cap, char *why, size_t why_cap)
{
    struct sockaddr_storage addrs[RESOLVE_MAX_ADDRS];
    size_t n = 0;
    guard_class cls;
    if (pin && pin_cap)
        pin[0] = '\0';
    int judged = guard_classify_literal(host, &cls) == 0;
    if (!judged && fetch_is_localhost(host)) {
        cls = GUARD_LOOPBACK;
        judged = 1;
    }
    if (judged) {
        if (cls != GUARD_PUBLIC) {
            if (why)
                snprintf(why, why_cap, "%s is a %s address", host, guard_class_name(cls));
            return FETCH_CHECK_REFUSED;
        }
        return FETCH_CHECK_OK;
    }
    if (resolve_running()) {
        resolve_status st = resolve_wait(host, cancel, addrs, RESOLVE_MAX_ADDRS, &n);
        if (st != RESOLVE_OK) {
            if (why)
                snprintf(why, why_cap, "could not resolve host %s: %s", host,
                         resolve_status_message(st));
            return FETCH_CHECK_UNRESOLVED;
        }
    } else if ((n = lookup_system(host, addrs, RESOLVE_MAX_ADDRS)) == 0) {
        if (why)
            snprintf(why, why_cap, "could not resolve host %s", host);
        return FETCH_CHECK_UNRESOLVED;
    }
    return fetch_check_addrs(host, port, addrs, n, pin, pin_cap, why, why_cap);
}

int fetch_url_needs_dns(const char *url, const fetch_options *opt, char *host,
                        size_t host_cap, long *port)
{
    char scheme[16];
    guard_class cls;
    if (!url || !opt || url_host_port(url, host, host_cap, port, scheme, sizeof scheme) != 0)
        return 0;
    if (opt->allow_private || host_allowed(opt, host, *port))
        return 0;
    return guard_classify_literal(host, &cls) != 0 && !fetch_is_localhost(host);
}

fetch_check fetch_check_url(const char *url, const fetch_options *opt,
                            char *why, size_t why_cap)
{
    char host[256], scheme[16];
    long port;
    if (!url || !opt)
        return FETCH_CHECK_REFUSED;
    if (url_host_port(url, host, sizeof host, &port, scheme, sizeof scheme) != 0) {
        if (why)
            snprintf(why, why_cap, "url has no usable host");
        return FETCH_CHECK_REFUSED;
    }
    if (opt->allow_private || host_allowed(opt, host, port))
        return FETCH_CHECK_OK;
    return resolve_and_check(host, port, NULL, NULL, 0, why, why_cap);
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *userp)
{
    hop_ctx *h = userp;
    size_t n = size * nmemb;
    if (h->len + n > h->max_bytes) {
        h->too_large = 1;
        return 0;                       /* abort the transfer */
    }
    if (h->len + n + 1 > h->cap) {
        size_t nc = h->cap ? h->cap : 65536;
        while (nc < h->len + n + 1)
            nc *= 2;
        char *nb = realloc(h->buf, nc);
        if (!nb)
            return 0;
        h->buf = nb;
        h->cap = nc;
    }
    memcpy(h->buf + h->len, data, n);
    h->len += n;
    h->buf[h->len] = '\0';
    return n;
}

/* Last line of defence: whatever libcurl is about to connect to, the
 * guard sees it first (covers literals, pinned names, anything missed). */
static curl_socket_t on_open_socket(void *clientp, curlsocktype purpose,
                                    struct curl_sockaddr *addr)
{
    hop_ctx *h = clientp;
    if (purpose != CURLSOCKTYPE_IPCXN)
        return CURL_SOCKET_BAD;
    if (h->guard_on) {
        guard_class cls = guard_classify_sockaddr(&addr->addr);
        if (cls != GUARD_PUBLIC) {
            h->refused = 1;
            snprintf(h->refused_why, sizeof h->refused_why,
                     "connection to a %s address refused", guard_class_name(cls));
            return CURL_SOCKET_BAD;
        }
    }
    return socket(addr->family, addr->socktype, addr->protocol);
}

/* Lets a shutting-down daemon cut a slow transfer short. */
static int on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow)
{
    const atomic_int *cancel = clientp;
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    return cancel && atomic_load(cancel) ? 1 : 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void map_curl_error(CURLcode cc, const hop_ctx *h, const fetch_options *opt,
                           const char *url, fetch_error *err)
{
    if (cc == CURLE_ABORTED_BY_CALLBACK) {
        set_err(err, FAIL_CANCELLED, "the fetch was cancelled by shutdown");
    } else if (h->refused) {
        set_err(err, FAIL_REFUSED_ADDRESS, "%s", h->refused_why);
    } else if (h->too_large || cc == CURLE_FILESIZE_EXCEEDED) {
        set_err(err, FAIL_TOO_LARGE, "the page is larger than %zu bytes", opt->max_bytes);
    } else if (cc == CURLE_OUT_OF_MEMORY) {
        /* libcurl 7.88 answers a response header over its 100 KiB cap
         * (CURL_MAX_HTTP_HEADER) with "out of memory" */
        set_err(err, FAIL_TOO_LARGE, "a response header is over libcurl's 100 KiB limit "
                "(or memory ran out)");
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        set_err(err, FAIL_FETCH_TIMEOUT, "no complete answer within %ld s", opt->timeout_s);
    } else if (cc == CURLE_COULDNT_RESOLVE_HOST) {
        set_err(err, FAIL_DNS, "could not resolve the host of %.180s", url);
    } else if (cc == CURLE_COULDNT_CONNECT) {
        set_err(err, FAIL_CONNECT, "could not connect to %.180s", url);
    } else if (cc == CURLE_SSL_CONNECT_ERROR || cc == CURLE_PEER_FAILED_VERIFICATION ||
               cc == CURLE_SSL_CERTPROBLEM || cc == CURLE_SSL_CIPHER ||
               cc == CURLE_SSL_CACERT_BADFILE) {
        set_err(err, FAIL_TLS, "TLS failed: %s", curl_easy_strerror(cc));
    } else if (cc == CURLE_BAD_CONTENT_ENCODING) {
        set_err(err, FAIL_BAD_ENCODING, "the page's content encoding is broken");
    } else {
        set_err(err, FAIL_FETCH_ERROR, "%s", curl_easy_strerror(cc));
    }
}

/* An HTTP status failure: its code, status and (429, 503) Retry-After. */
static void status_failure(CURL *curl, long status, fetch_error *err)
{
    struct curl_header *h = NULL;
    if (!err)
        return;
    snprintf(err->code, sizeof err->code, "http_%ld", status);
    err->http_status = status;
    if ((status == 429 || status == 503) &&
        curl_easy_header(curl, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h &&
        h->value && strlen(h->value) < sizeof err->retry_after)
        snprintf(err->retry_after, sizeof err->retry_after, "%s", h->value);
}

/* A copy of the last answer's header `name`, or NULL. */
static char *header_dup(CURL *curl, const char *name)
{
    struct curl_header *h = NULL;
    if (curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h || !h->value)
        return NULL;
    return strdup(h->value);
}

/* Append "Name: value" to *list when value is set and free of controls.
 * 0, or -1 when out of memory. */
static int add_conditional(struct curl_slist **list, const char *name, const char *value)
{
    char line[600];
    if (!value || !*value)
        return 0;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    int n = snprintf(line, sizeof line, "%s: %s", name, value);
    if (n < 0 || (size_t)n >= sizeof line)
        return 0;
    struct curl_slist *next = curl_slist_append(*list, line);
    if (!next)
        return -1;
    *list = next;
    return 0;
}

int fetch_url(const char *url, const fetch_options *opt, fetch_result *out,
              fetch_error *err)
{
    CURL *curl = NULL;
    struct curl_slist *pins = NULL;
    struct curl_slist *conditional = NULL;
    hop_ctx hop = {0};
    char *current = NULL;
    int rc = -1;
    double deadline;

    if (!url || !opt || !out) {
        set_err(err, FAIL_INTERNAL, "bad arguments to fetch_url");
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (err)
        memset(err, 0, sizeof *err);
    deadline = now_s() + (double)opt->timeout_s;
    current = strdup(url);
    curl = curl_easy_init();
    if (!current || !curl ||
        add_conditional(&conditional, "If-None-Match", opt->if_none_match) != 0 ||
        add_conditional(&conditional, "If-Modified-Since", opt->if_modified_since) != 0) {
        set_err(err, FAIL_INTERNAL, "out of memory");
        goto done;
    }

    for (int hops = 0;; hops++) {
        char host[256], scheme[16], pin[1024], why[256];
        long port, status = 0;
        char *ctype = NULL, *location = NULL;

        /* The scheme first: file:///etc/passwd has no host to parse. */
        if (strncasecmp(current, "http://", 7) != 0 && strncasecmp(current, "https://", 8) != 0) {
            set_err(err, FAIL_REFUSED_ADDRESS, "only http and https are fetched (%s %.150s)",
                    hops ? "redirect to" : "url", current);
            goto done;
        }
        if (url_host_port(current, host, sizeof host, &port, scheme, sizeof scheme) != 0) {
            set_err(err, hops ? FAIL_BAD_REDIRECT : FAIL_BAD_URL, "cannot parse %.200s", current);
            goto done;
        }
        hop.guard_on = !opt->allow_private && !host_allowed(opt, host, port);
        pin[0] = '\0';
        if (hop.guard_on) {
            fetch_check fc = resolve_and_check(host, port, opt->cancel, pin, sizeof pin, why,
                                               sizeof why);
            if (fc == FETCH_CHECK_REFUSED) {
                set_err(err, FAIL_REFUSED_ADDRESS, "%s", why);
                goto done;
            }
            if (fc == FETCH_CHECK_UNRESOLVED) {
                set_err(err, FAIL_DNS, "%s", why);
                goto done;
            }
        }
        double left = deadline - now_s();
        if (left <= 0) {
            set_err(err, FAIL_FETCH_TIMEOUT, "no complete answer within %ld s", opt->timeout_s);
            goto done;
        }

        curl_easy_reset(curl);
        curl_slist_free_all(pins);
        pins = NULL;
        if (pin[0]) {
            pins = curl_slist_append(NULL, pin);
            if (!pins) {
                set_err(err, FAIL_INTERNAL, "out of memory");
                goto done;
            }
            curl_easy_setopt(curl, CURLOPT_RESOLVE, pins);
        }
        hop.len = 0;
        hop.too_large = 0;
        hop.refused = 0;
        hop.max_bytes = opt->max_bytes;
        long ms = (long)(left * 1000.0);
        curl_easy_setopt(curl, CURLOPT_URL, current);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ms);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ms < 10000 ? ms : 10000L);
        curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(curl, CURLOPT_USERAGENT,
                         opt->user_agent ? opt->user_agent : "Mozilla/5.0 (compatible; skimd)");
        curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)opt->max_bytes);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &hop);
        curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
        curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &hop);
        /* A proxy from the environment would bypass the pinning. */
        curl_easy_setopt(curl, CURLOPT_PROXY, "");
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, conditional);
        if (opt->cancel) {
            curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
            curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
            curl_easy_setopt(curl, CURLOPT_XFERINFODATA, (void *)opt->cancel);
        }

        CURLcode cc = curl_easy_perform(curl);
        if (cc != CURLE_OK) {
            map_curl_error(cc, &hop, opt, current, err);
            goto done;
        }
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 300 && status < 400 && status != 304) {
            curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
            if (!location || !*location) {
                set_err(err, FAIL_BAD_REDIRECT, "HTTP %ld without a usable Location", status);
                goto done;
            }
            if (hops + 1 > FETCH_MAX_REDIRECTS) {
                set_err(err, FAIL_TOO_MANY_REDIRECTS, "more than %d redirects",
                        FETCH_MAX_REDIRECTS);
                goto done;
            }
            char *next = strdup(location);
            if (!next) {
                set_err(err, FAIL_INTERNAL, "out of memory");
                goto done;
            }
            free(current);
            current = next;
            out->redirects = hops + 1;
            continue;
        }
        if (status >= 400 || status < 200) {
            set_err(err, FAIL_HTTP_STATUS, "the server answered HTTP %ld", status);
            status_failure(curl, status, err);
            goto done;
        }
        curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ctype);
        out->http_status = status;
        out->content_type = ctype ? strdup(ctype) : NULL;
        out->etag = header_dup(curl, "ETag");
        out->last_modified = header_dup(curl, "Last-Modified");
        out->final_url = current;
        current = NULL;
        if (!hop.buf) {
            hop.buf = malloc(1);
            if (!hop.buf) {
                set_err(err, FAIL_INTERNAL, "out of memory");
                goto done;
            }
            hop.buf[0] = '\0';
        }
        out->body = hop.buf;
        out->len = hop.len;
        hop.buf = NULL;
        rc = 0;
        break;
    }
done:
    if (rc != 0)
        fetch_result_release(out);
    free(hop.buf);
    free(current);
    curl_slist_free_all(pins);
    curl_slist_free_all(conditional);
    curl_easy_cleanup(curl);
    return rc;
}

/* Count and drop an answer's body (fetch_post), within the cap. */
static size_t on_discard(char *data, size_t size, size_t nmemb, void *userp)
{
    hop_ctx *h = userp;
    size_t n = size * nmemb;
    (void)data;
    if (h->len + n > h->max_bytes) {
        h->too_large = 1;
        return 0;
    }
    h->len += n;
    return n;
}

/* The guard for one POST target: pin receives CURLOPT_RESOLVE's line. */
static int post_check(const char *url, const fetch_options *opt, hop_ctx *hop, char *pin,
                      size_t pin_cap, fetch_error *err)
{
    char host[256], scheme[16], why[256];
    long port;
    pin[0] = '\0';
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0) {
        set_err(err, FAIL_REFUSED_ADDRESS, "only http and https are posted to");
        return -1;
    }
    if (url_host_port(url, host, sizeof host, &port, scheme, sizeof scheme) != 0) {
        set_err(err, FAIL_BAD_URL, "cannot parse %.200s", url);
        return -1;
    }
    hop->guard_on = !opt->allow_private && !host_allowed(opt, host, port);
    if (!hop->guard_on)
        return 0;
    fetch_check fc = resolve_and_check(host, port, opt->cancel, pin, pin_cap, why,
                                       sizeof why);
    if (fc != FETCH_CHECK_OK) {
        set_err(err, fc == FETCH_CHECK_REFUSED ? FAIL_REFUSED_ADDRESS : FAIL_DNS, "%s", why);
        return -1;
    }
    return 0;
}

int fetch_post(const char *url, const fetch_options *opt, const char *const *headers,
               size_t n_headers, const char *body, size_t len, long *status,
               fetch_error *err)
{
    CURL *curl = NULL;
    struct curl_slist *pins = NULL, *hdrs = NULL;
    hop_ctx hop = {0};
    char pin[1024];
    int rc = -1;

    if (!url || !opt || !status || (!body && len)) {
        set_err(err, FAIL_INTERNAL, "bad arguments to fetch_post");
        return -1;
    }
    *status = 0;
    if (post_check(url, opt, &hop, pin, sizeof pin, err) != 0)
        return -1;
    if (!(curl = curl_easy_init()) || (pin[0] && !(pins = curl_slist_append(NULL, pin))))
        goto oom;
    for (size_t i = 0; i < n_headers; i++) {
        struct curl_slist *next = curl_slist_append(hdrs, headers[i]);
        if (!next)
            goto oom;
        hdrs = next;
    }
    hop.max_bytes = opt->max_bytes;
    long ms = opt->timeout_s * 1000L;
    if (pins)
        curl_easy_setopt(curl, CURLOPT_RESOLVE, pins);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ms < 10000 ? ms : 10000L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT,
                     opt->user_agent ? opt->user_agent : "skimd-webhooks");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_discard);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &hop);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &hop);
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    if (opt->cancel) {
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, (void *)opt->cancel);
    }
    CURLcode cc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    if (cc == CURLE_OK || (hop.too_large && *status > 0))
        rc = 0;
    else
        map_curl_error(cc, &hop, opt, url, err);
    goto done;
oom:
    set_err(err, FAIL_INTERNAL, "out of memory");
done:
    curl_slist_free_all(pins);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(curl);
    return rc;
}
