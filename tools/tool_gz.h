/* tool_gz.h -- reading (possibly gzipped) corpus pages for the eval and
 * bench tools. Not part of the daemon. */
#ifndef SKIMD_TOOL_GZ_H
#define SKIMD_TOOL_GZ_H

#include <stddef.h>

/* Read all of path, gunzipping it when it is gzip (plain files pass
 * through), at most cap bytes. Returns 0 with *out malloc'd and
 * NUL-terminated (the caller frees it) and *out_len its length; -1 when
 * the file cannot be read or is larger than cap. */
int tool_read_gz(const char *path, size_t cap, char **out, size_t *out_len);

#endif
