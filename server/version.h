/* version.h -- skimd's version and the User-Agent that names it.
 *
 * The one place the version is written: the binary (--version), /healthz,
 * /metrics (skimd_build_info), the fetcher's User-Agent, the Debian
 * package (the Makefile reads it from here) and CHANGELOG.md share it,
 * and tests/ship checks that openapi.yaml's info.version says the same. */
#ifndef SKIMD_VERSION_H
#define SKIMD_VERSION_H

#define SKIMD_VERSION "1.0.0"
#define SKIMD_USER_AGENT \
    "Mozilla/5.0 (compatible; skimd/" SKIMD_VERSION "; +https://github.com/skimd/skimd)"

#endif
