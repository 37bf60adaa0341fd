/* cli.h -- the command-line subcommands other than `serve`. */
#ifndef SKIMD_CLI_H
#define SKIMD_CLI_H

#include "server/config.h"

/* `skimd analyze FILE|URL [--url URL] [--format F]`: print the record of
 * one page (format "json"), or only its content_html ("html") or
 * content_markdown ("markdown"). page_url may be NULL. Returns the process exit code: 0 ready,
 * 2 the page failed (the record with its error is still printed),
 * 1 on usage or system errors. */
int cli_analyze(const srv_config *cfg, const char *source, const char *page_url,
                const char *format);

/* Print `skimd analyze --help` to stdout. */
void cli_analyze_usage(const char *prog);

#endif
