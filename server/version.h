/* version.h -- skimd's version and the User-Agent that names it. */
#ifndef SKIMD_VERSION_H
#define SKIMD_VERSION_H

#define SKIMD_VERSION "0.1.0"
#define SKIMD_USER_AGENT \
    "Mozilla/5.0 (compatible; skimd/" SKIMD_VERSION "; +https://github.com/skimd/skimd)"

#endif
