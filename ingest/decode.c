/* decode.c -- fetched bytes to UTF-8 with ICU.
 *
 * Owns charset selection (header, BOM, <meta>, detection) and conversion.
 * Does not parse HTML beyond scanning the first bytes for a <meta> charset.
 */
#include "ingest/decode.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#define META_SCAN_BYTES 4096

/* Copy the charset named after "charset=" in s[0..len) into buf. */
static int charset_from_param(const char *s, size_t len, char *buf, size_t cap)
{
    static const char key[] = "charset";
    for (size_t i = 0; i + sizeof key - 1 < len; i++) {
        if (strncasecmp(s + i, key, sizeof key - 1) != 0)
            continue;
        size_t j = i + sizeof key - 1;
        while (j < len && (s[j] == ' ' || s[j] == '\t'))
            j++;
        if (j >= len || s[j] != '=')
            continue;
        j++;
        while (j < len && (s[j] == ' ' || s[j] == '"' || s[j] == '\''))
            j++;
        size_t n = 0;
        while (j < len && n + 1 < cap &&
               (isalnum((unsigned char)s[j]) || s[j] == '-' || s[j] == '_' ||
                s[j] == '.' || s[j] == ':'))
            buf[n++] = s[j++];
        buf[n] = '\0';
        if (n > 0)
            return 0;
    }
    return -1;
}

/* GB2312 and GBK pages use GB18030 characters in practice; ASCII and
 * Latin-1 labels mean windows-1252 on the web. */
static const char *charset_canonical(const char *name)
{
    if (!strcasecmp(name, "gb2312") || !strcasecmp(name, "gbk") ||
        !strcasecmp(name, "x-gbk") || !strcasecmp(name, "cp936") ||
        !strcasecmp(name, "gb_2312-80") || !strcasecmp(name, "euc-cn"))
        return "GB18030";
    if (!strcasecmp(name, "iso-8859-1") || !strcasecmp(name, "latin1") ||
        !strcasecmp(name, "us-ascii") || !strcasecmp(name, "ascii"))
        return "windows-1252";
    if (!strcasecmp(name, "big5"))
        return "Big5-HKSCS";
    return name;
}

static int is_valid_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) n = 1;
        else if (c >= 0xE0 && c <= 0xEF) n = 2;
        else if (c >= 0xF0 && c <= 0xF4) n = 3;
        else return 0;
        for (size_t k = 1; k <= n; k++)
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                return 0;
        i += n + 1;
    }
    return 1;
}

static int charset_detect(const char *bytes, size_t len, char *buf, size_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    UCharsetDetector *det = ucsdet_open(&st);
    int rc = -1;
    if (U_FAILURE(st))
        return -1;
    int32_t n = len > (1u << 20) ? (1 << 20) : (int32_t)len;
    ucsdet_setText(det, bytes, n, &st);
    const UCharsetMatch *m = ucsdet_detect(det, &st);
    if (U_SUCCESS(st) && m) {
        const char *name = ucsdet_getName(m, &st);
        if (U_SUCCESS(st) && name && strlen(name) < cap) {
            memcpy(buf, name, strlen(name) + 1);
            rc = 0;
        }
    }
    ucsdet_close(det);
    return rc;
}

/* Convert with ICU; unknown or broken charsets fall back to windows-1252,
 * which maps every byte, so conversion itself cannot fail on content. */
static int convert(const char *from, const char *bytes, size_t len,
                   char **out, size_t *out_len)
{
    UErrorCode st = U_ZERO_ERROR;
    if (len > INT32_MAX / 4)
        return -1;
    int32_t cap = (int32_t)len * 3 + 4;
    char *buf = malloc((size_t)cap);
    if (!buf)
        return -1;
    int32_t n = ucnv_convert("UTF-8", from, buf, cap, bytes, (int32_t)len, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        char *bigger = realloc(buf, (size_t)n + 1);
        if (!bigger) { free(buf); return -1; }
        buf = bigger;
        st = U_ZERO_ERROR;
        n = ucnv_convert("UTF-8", from, buf, n + 1, bytes, (int32_t)len, &st);
    }
    if (U_FAILURE(st)) {
        free(buf);
        return 1;
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = (size_t)n;
    return 0;
}

int decode_to_utf8(const char *bytes, size_t len, const char *content_type,
                   char **out, size_t *out_len, char *charset, size_t charset_cap)
{
    char name[64] = "";
    const char *use;
    if (!out || !out_len || (!bytes && len))
        return -1;
    *out = NULL;
    *out_len = 0;

    if (len >= 3 && !memcmp(bytes, "\xEF\xBB\xBF", 3)) {
        bytes += 3; len -= 3;
        strcpy(name, "UTF-8");
    } else if (len >= 2 && (!memcmp(bytes, "\xFF\xFE", 2) || !memcmp(bytes, "\xFE\xFF", 2))) {
        strcpy(name, bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE");
        bytes += 2; len -= 2;
    } else if (content_type &&
               charset_from_param(content_type, strlen(content_type), name, sizeof name) == 0) {
        /* header wins */
    } else if (charset_from_param(bytes, len < META_SCAN_BYTES ? len : META_SCAN_BYTES,
                                  name, sizeof name) == 0) {
        /* <meta charset> or http-equiv content="...; charset=..." */
    } else if (is_valid_utf8((const unsigned char *)bytes, len)) {
        strcpy(name, "UTF-8");
    } else if (charset_detect(bytes, len, name, sizeof name) != 0) {
        strcpy(name, "windows-1252");
    }
    /* A page that declares UTF-8 but is not, is read by detection. */
    if (!strcasecmp(name, "utf-8") && !is_valid_utf8((const unsigned char *)bytes, len) &&
        charset_detect(bytes, len, name, sizeof name) != 0)
        strcpy(name, "UTF-8");
    use = charset_canonical(name);

    int rc = convert(use, bytes, len, out, out_len);
    if (rc > 0) {
        use = "windows-1252";
        rc = convert(use, bytes, len, out, out_len);
    }
    if (rc != 0)
        return -1;
    if (charset && charset_cap) {
        size_t n = strlen(use);
        if (n >= charset_cap) n = charset_cap - 1;
        memcpy(charset, use, n);
        charset[n] = '\0';
    }
    return 0;
}
