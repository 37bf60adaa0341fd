/* cli_analyze.c -- `skimd analyze FILE|URL`: one page through the pipeline.
 *
 * Reads a file (or stdin for "-") or fetches a URL, runs the same
 * pipeline as the daemon's workers and prints the record as JSON on
 * stdout, content included. Stores nothing.
 */
#include "server/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "ingest/fetch.h"
#include "server/pipeline.h"
#include "server/version.h"

/* Read all of `path` ("-" = stdin) into a malloc'd buffer, at most cap
 * bytes. Returns 0 or -1 with a message on stderr. */
static int read_all(const char *path, size_t cap, char **out, size_t *out_len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    char *buf = NULL;
    size_t len = 0, bcap = 0;
    int rc = -1;
    if (!f) {
        fprintf(stderr, "skimd analyze: cannot open %s\n", path);
        return -1;
    }
    for (;;) {
        if (len + 65536 + 1 > bcap) {
            size_t nc = bcap ? bcap * 2 : 131072;
            char *nb = realloc(buf, nc);
            if (!nb)
                goto done;
            buf = nb;
            bcap = nc;
        }
        size_t n = fread(buf + len, 1, 65536, f);
        len += n;
        if (len > cap) {
            fprintf(stderr, "skimd analyze: %s is larger than %zu bytes\n", path, cap);
            goto done;
        }
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "skimd analyze: cannot read %s\n", path);
        goto done;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    buf = NULL;
    rc = 0;
done:
    free(buf);
    if (f != stdin)
        fclose(f);
    return rc;
}

void cli_analyze_usage(const char *prog)
{
    printf("usage: %s analyze FILE|URL [--url URL] [flags]\n\n"
           "Runs fetch, decode, extract and analyze once and prints the record as JSON\n"
           "on stdout (content included); nothing is stored.\n\n"
           "  FILE                an HTML file, - for stdin\n"
           "  URL                 an http(s) address, fetched behind the SSRF guard\n"
           "  --url URL           where the page came from (for FILE; dates, links)\n"
           "  --format F          json (the record, default), html (content_html) or\n"
           "                      markdown (content_markdown)\n"
           "  --data-dir PATH     shipped data [SKIMD_DATA_DIR]\n"
           "  --taxonomy PATH     tag taxonomy [SKIMD_TAXONOMY]\n"
           "  --summary-sentences N, --max-page-bytes N, --fetch-timeout S,\n"
           "  --allow-private, --allow-host HOST:PORT   as for serve (see --help)\n\n"
           "exit status: 0 the record is ready, 2 the page failed (the record with its\n"
           "error is still printed), 1 usage or system error.\n",
           prog);
}

int cli_analyze(const srv_config *cfg, const char *source, const char *page_url,
                const char *format)
{
    analyze_ctx *actx = NULL;
    json_t *record = NULL;
    fetch_result fr = {0};
    char *bytes = NULL, err[512];
    size_t len = 0;
    const char *ctype = NULL;
    int rc = 1;

    analyze_config acfg = {
        .data_dir = cfg->data_dir,
        .taxonomy_path = cfg->taxonomy_path[0] ? cfg->taxonomy_path : NULL,
        .summary_sentences = cfg->summary_sentences,
    };
    if (analyze_ctx_new(&acfg, &actx, err, sizeof err) != 0) {
        fprintf(stderr, "skimd analyze: %s\n", err);
        goto done;
    }
    record = json_object();
    if (!record)
        goto done;
    if (!strncmp(source, "http://", 7) || !strncmp(source, "https://", 8)) {
        fetch_error fe = {.fail = FAIL_NONE};
        fetch_options fo = {
            .timeout_s = cfg->fetch_timeout_s, .max_bytes = cfg->max_page_bytes,
            .allow_private = cfg->allow_private, .allow_hosts = cfg->allow_hosts,
            .n_allow_hosts = cfg->n_allow_hosts, .user_agent = SKIMD_USER_AGENT,
        };
        if (fetch_url(source, &fo, &fr, &fe) != 0) {
            fprintf(stderr, "skimd analyze: %s: %s\n", fe.code, fe.message);
            goto done;
        }
        bytes = fr.body;
        len = fr.len;
        ctype = fr.content_type;
        if (!page_url)
            page_url = fr.final_url;
    } else if (read_all(source, cfg->max_page_bytes, &bytes, &len) != 0) {
        goto done;
    }
    json_object_set_new(record, "url", page_url ? json_string(page_url) : json_null());
    pipeline_error pe = {{0}, {0}};
    if (pipeline_process_page(actx, bytes, len, ctype, page_url, record, NULL, &pe) != 0) {
        json_object_set_new(record, "status", json_string("failed"));
        json_object_set_new(record, "error",
                            json_pack("{s:s, s:s}", "code", pe.code, "message", pe.message));
        rc = 2;
    } else {
        json_object_set_new(record, "status", json_string("ready"));
        json_object_set_new(record, "error", json_null());
        rc = 0;
    }
    if (strcmp(format, "json")) {          /* html or markdown: the document alone */
        const char *doc = json_string_value(json_object_get(
            record, !strcmp(format, "html") ? "content_html" : "content_markdown"));
        if (!doc) {
            fprintf(stderr, "skimd analyze: no %s for this page (%s)\n", format,
                    rc ? pe.message : "no content");
            rc = 2;
        } else if (fputs(doc, stdout) < 0 || fputc('\n', stdout) == EOF) {
            rc = 1;
        }
        goto done;
    }
    if (json_dumpf(record, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        rc = 1;
    fputc('\n', stdout);
done:
    if (bytes != fr.body)
        free(bytes);
    fetch_result_release(&fr);
    json_decref(record);
    analyze_ctx_free(actx);
    return rc;
}
