/* decode.h -- fetched bytes to UTF-8.
 *
 * Everything inside skimd is UTF-8 after this stage. The charset comes from,
 * in order: the HTTP Content-Type header, a byte order mark, a <meta charset>
 * or <meta http-equiv> in the first bytes, then detection. Invalid sequences
 * are replaced (U+FFFD), never a reason to fail or to truncate.
 */
#ifndef SKIMD_DECODE_H
#define SKIMD_DECODE_H

#include <stddef.h>

/* Convert `len` bytes of a page to NUL-terminated UTF-8.
 *
 * content_type: the HTTP Content-Type value, or NULL when unknown.
 * out/out_len:  on success *out is a malloc'd buffer the caller frees,
 *               *out_len its length without the NUL.
 * charset:      when not NULL, receives the name of the charset used
 *               (at most charset_cap bytes, NUL-terminated).
 *
 * Returns 0 on success, -1 on bad arguments or out of memory. */
int decode_to_utf8(const char *bytes, size_t len, const char *content_type,
                   char **out, size_t *out_len,
                   char *charset, size_t charset_cap);

#endif
