/* decode.h -- fetched bytes to UTF-8.
 *
 * Everything inside skimd is UTF-8 (NFC) after this stage. The charset comes
 * from, in order: a byte order mark, the HTTP Content-Type header, a
 * <meta charset> or <meta http-equiv> in the first 8 KiB, then detection
 * (ICU). Labels are read as browsers read them (GB2312/GBK as GB18030,
 * ISO-8859-1 as windows-1252, Shift_JIS as windows-31j ...). A page
 * declared in a legacy charset whose bytes are valid UTF-8 is read as UTF-8.
 * Invalid sequences and NUL bytes are replaced (U+FFFD), never a reason to
 * fail or to truncate: the output never contains a NUL.
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
 * Thread-safe. Returns 0 on success, -1 on bad arguments or out of memory. */
int decode_to_utf8(const char *bytes, size_t len, const char *content_type,
                   char **out, size_t *out_len,
                   char *charset, size_t charset_cap);

/* As decode_to_utf8, but takes `bytes`: a malloc'd buffer of at least
 * len + 1 bytes (pages from fetch.h and store.h are). When the page is
 * NFC UTF-8 already, *out is that buffer itself, with no copy of a page
 * that may be 10 MiB (issue 12); otherwise the buffer is freed once
 * converted. Freed on failure too: the caller never frees it. */
int decode_to_utf8_take(char *bytes, size_t len, const char *content_type,
                        char **out, size_t *out_len, char *charset, size_t charset_cap);

#endif
