/* main.c -- skimd entry point: choose the subcommand, load configuration.
 *
 * `skimd [serve] [flags]` runs the daemon (server.c); `skimd analyze
 * FILE|URL [--url URL] [--format json|html|markdown]` runs the pipeline
 * once (cli_analyze.c); `skimd export` / `skimd import` copy records to
 * and from NDJSON (transfer.c);
 * `skimd --version` and `--help` (also after a subcommand) print and exit.
 * Every flag and every file a flag names is checked here, through
 * config.c, before the daemon opens or creates anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/cli.h"
#include "server/config.h"
#include "server/server.h"
#include "server/transfer.h"
#include "server/version.h"

#ifndef SKIMD_DATADIR
#define SKIMD_DATADIR "/usr/local/share/skimd"     /* the Makefile sets $(DATADIR) */
#endif

/* 1 when one of argv[from..argc) asks for help. */
static int wants_help(int argc, char **argv, int from)
{
    for (int i = from; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

static int run_analyze(srv_config *cfg, int argc, char **argv)
{
    const char *source = NULL, *page_url = NULL, *format = "json";
    char err[512];
    /* Pull out the positional source and --url; the rest are flags. */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0, rc = 1;
    if (!rest)
        return 1;
    rest[nrest++] = argv[0];
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--url") && i + 1 < argc)
            page_url = argv[++i];
        else if (!strncmp(argv[i], "--url=", 6))
            page_url = argv[i] + 6;
        else if (!strcmp(argv[i], "--format") && i + 1 < argc)
            format = argv[++i];
        else if (!strncmp(argv[i], "--format=", 9))
            format = argv[i] + 9;
        else if (!source && (argv[i][0] != '-' || !strcmp(argv[i], "-")))
            source = argv[i];
        else
            rest[nrest++] = argv[i];
    }
    if (!source || (strcmp(format, "json") && strcmp(format, "html") && strcmp(format, "markdown")))
        fprintf(stderr, "usage: %s analyze FILE|URL [--url URL] [--format json|html|markdown] "
                "[flags] (see --help)\n", argv[0]);
    else if (srv_config_load(cfg, nrest, rest, 1, err, sizeof err) != 0)
        fprintf(stderr, "skimd: %s\n", err);
    else
        rc = cli_analyze(cfg, source, page_url, format);
    free(rest);
    return rc;
}

int main(int argc, char **argv)
{
    static srv_config cfg;
    char err[1024];
    int first = 1;

    srv_config_set_datadir(SKIMD_DATADIR);

    if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") ||
                     !strcmp(argv[1], "version"))) {
        printf("skimd %s\n", SKIMD_VERSION);
        return 0;
    }
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
                     !strcmp(argv[1], "help"))) {
        srv_config_usage(argv[0]);
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "analyze")) {
        if (wants_help(argc, argv, 2)) {
            cli_analyze_usage(argv[0]);
            return 0;
        }
        return run_analyze(&cfg, argc, argv);
    }
    if (argc > 1 && !strcmp(argv[1], "export"))
        return cli_export(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "import"))
        return cli_import(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "serve"))
        first = 2;
    if (wants_help(argc, argv, first)) {
        srv_config_usage(argv[0]);
        return 0;
    }
    if (srv_config_load(&cfg, argc, argv, first, err, sizeof err) != 0 ||
        srv_config_check_serve(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "skimd: %s (see --help)\n", err);
        return 2;
    }
    return srv_serve(&cfg);
}
