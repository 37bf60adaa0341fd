/* main.c -- skimd entry point: choose the subcommand, load configuration.
 *
 * `skimd [serve] [flags]` runs the daemon (server.c); `skimd analyze
 * FILE|URL [--url URL]` runs the pipeline once (cli_analyze.c); `skimd
 * export` / `skimd import` copy records to and from NDJSON (transfer.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/cli.h"
#include "server/config.h"
#include "server/server.h"
#include "server/transfer.h"
#include "server/version.h"

int main(int argc, char **argv)
{
    static srv_config cfg;
    char err[512];
    int first = 1;

    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
                     !strcmp(argv[1], "help"))) {
        srv_config_usage(argv[0]);
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "--version")) {
        printf("skimd %s\n", SKIMD_VERSION);
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "analyze")) {
        const char *source = NULL, *page_url = NULL;
        /* Pull out the positional source and --url; the rest are flags. */
        char **rest = calloc((size_t)argc + 1, sizeof *rest);
        int nrest = 0;
        if (!rest)
            return 1;
        rest[nrest++] = argv[0];
        for (int i = 2; i < argc; i++) {
            if (!strcmp(argv[i], "--url") && i + 1 < argc)
                page_url = argv[++i];
            else if (!strncmp(argv[i], "--url=", 6))
                page_url = argv[i] + 6;
            else if (!source && (argv[i][0] != '-' || !strcmp(argv[i], "-")))
                source = argv[i];
            else
                rest[nrest++] = argv[i];
        }
        int rc = 1;
        if (!source)
            fprintf(stderr, "usage: %s analyze FILE|URL [--url URL] [flags]\n", argv[0]);
        else if (srv_config_load(&cfg, nrest, rest, 1, err, sizeof err) != 0)
            fprintf(stderr, "skimd: %s\n", err);
        else
            rc = cli_analyze(&cfg, source, page_url);
        free(rest);
        return rc;
    }
    if (argc > 1 && !strcmp(argv[1], "export"))
        return cli_export(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "import"))
        return cli_import(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "serve"))
        first = 2;
    if (srv_config_load(&cfg, argc, argv, first, err, sizeof err) != 0) {
        fprintf(stderr, "skimd: %s (see --help)\n", err);
        return 2;
    }
    return srv_serve(&cfg);
}
