/* decode.c -- fetched bytes to UTF-8 (NFC) with ICU.
 *
 * Owns charset selection and conversion. The charset comes from, in order:
 * a byte order mark, the HTTP Content-Type, a <meta charset> or
 * <meta http-equiv="Content-Type"> in the first 8 KiB, then ICU's detector
 * (ucsdet). Labels are read the way browsers read them: GB2312/GBK as
 * GB18030, ISO-8859-1/ASCII as windows-1252, ISO-8859-9 as windows-1254,
 * Shift_JIS as windows-31j, EUC-KR as windows-949, Big5 as Big5-HKSCS. Two
 * repairs for pages that lie: a page declared in a legacy charset whose
 * bytes are valid UTF-8 with non-ASCII text is read as UTF-8 (the odds of
 * legacy text being valid UTF-8 by chance are negligible), and a page
 * declared UTF-8 with many invalid sequences goes to the detector.
 * Invalid or unmappable sequences become U+FFFD; nothing is truncated.
 * Output is NFC (unorm2); valid NFC UTF-8 input is copied without a round
 * trip through UTF-16. Does not parse HTML beyond the <meta> scan.
 */
#include "ingest/decode.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#define META_SCAN_BYTES 8192
#define DETECT_BYTES    (256 * 1024)
#define NAME_CAP        64

/* Copy the token after "charset" '=' in s[0..len) into buf (lower-case). */
static int charset_param(const char *s, size_t len, char *buf, size_t cap)
{
    static const char key[] = "charset";
    const size_t kl = sizeof key - 1;
    for (size_t i = 0; i + kl < len; i++) {
        if (strncasecmp(s + i, key, kl) != 0)
            continue;
        size_t j = i + kl;
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
            buf[n++] = (char)tolower((unsigned char)s[j++]);
        buf[n] = '\0';
        if (n > 0)
            return 0;
    }
    return -1;
}

/* Look for a charset inside <meta ...> tags of the first bytes. */
static int charset_from_meta(const char *s, size_t len, char *buf, size_t cap)
{
    if (len > META_SCAN_BYTES)
        len = META_SCAN_BYTES;
    for (size_t i = 0; i + 5 < len; i++) {
        if (s[i] != '<' || strncasecmp(s + i + 1, "meta", 4) != 0)
            continue;
        const char *gt = memchr(s + i, '>', len - i);
        size_t end = gt ? (size_t)(gt - s) : len;
        if (charset_param(s + i, end - i, buf, cap) == 0)
            return 0;
        i = end;
    }
    return -1;
}

/* The label as a browser reads it, in ICU's spelling. */
static const char *charset_canonical(const char *name)
{
    static const struct { const char *label, *icu; } map[] = {
        {"gb2312", "GB18030"}, {"gbk", "GB18030"}, {"x-gbk", "GB18030"},
        {"cp936", "GB18030"}, {"gb_2312-80", "GB18030"}, {"euc-cn", "GB18030"},
        {"chinese", "GB18030"}, {"csgb2312", "GB18030"}, {"gb18030", "GB18030"},
        {"windows-936", "GB18030"}, {"hz-gb-2312", "HZ-GB-2312"},
        {"iso-8859-1", "windows-1252"}, {"iso8859-1", "windows-1252"},
        {"latin1", "windows-1252"}, {"l1", "windows-1252"}, {"us-ascii", "windows-1252"},
        {"ascii", "windows-1252"}, {"cp1252", "windows-1252"}, {"iso_8859-1", "windows-1252"},
        {"iso-8859-9", "windows-1254"}, {"latin5", "windows-1254"},
        {"iso-8859-11", "windows-874"}, {"tis-620", "windows-874"},
        {"big5", "Big5-HKSCS"}, {"big5-hkscs", "Big5-HKSCS"}, {"cn-big5", "Big5-HKSCS"},
        {"x-x-big5", "Big5-HKSCS"},
        {"shift_jis", "windows-31j"}, {"shift-jis", "windows-31j"}, {"sjis", "windows-31j"},
        {"x-sjis", "windows-31j"}, {"ms_kanji", "windows-31j"}, {"windows-31j", "windows-31j"},
        {"euc-kr", "windows-949"}, {"ks_c_5601-1987", "windows-949"}, {"cp949", "windows-949"},
        {"utf8", "UTF-8"}, {"utf-8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"},
        {"koi8-r", "KOI8-R"}, {"koi8-u", "KOI8-U"}, {"koi8", "KOI8-R"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcasecmp(name, map[i].label))
            return map[i].icu;
    return name;
}

#define ASCII_MASK 0x8080808080808080ull

static uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Counts invalid sequences and non-ASCII characters of UTF-8 input. */
static void utf8_check(const unsigned char *s, size_t len, size_t *bad, size_t *nonascii)
{
    size_t i = 0;
    *bad = 0;
    *nonascii = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        if (c < 0x80) {
            i++;
            while (i + 8 <= len && !(load64(s + i) & ASCII_MASK))
                i += 8;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) n = 1;
        else if (c >= 0xE0 && c <= 0xEF) n = 2;
        else if (c >= 0xF0 && c <= 0xF4) n = 3;
        else { (*bad)++; i++; continue; }
        size_t k = 1;
        while (k <= n && i + k < len && (s[i + k] & 0xC0) == 0x80)
            k++;
        if (k <= n ||
            (c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
            (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F)) {
            (*bad)++;
            i++;
            continue;
        }
        (*nonascii)++;
        i += n + 1;
    }
}

static int charset_detect(const char *bytes, size_t len, char *buf, size_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    UCharsetDetector *det = ucsdet_open(&st);
    int rc = -1;
    if (U_FAILURE(st))
        return -1;
    int32_t n = len > DETECT_BYTES ? DETECT_BYTES : (int32_t)len;
    ucsdet_enableInputFilter(det, 1);   /* ignore markup */
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

/* Is valid UTF-8 already NFC? Checks only code points that may not be. */
static int utf8_is_nfc(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0xCC) {           /* below U+0300: always NFC, never combining */
            i += c < 0x80 ? 1 : 2;
            while (i + 8 <= len && !(load64(s + i) & ASCII_MASK))
                i += 8;
            continue;
        }
        UChar32 cp;
        size_t n;
        if (c < 0xE0) { cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F); n = 2; }
        else if (c < 0xF0) {
            cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
            n = 3;
        } else {
            cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) |
                 (s[i + 3] & 0x3F);
            n = 4;
        }
        i += n;
        if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
            (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x2010 && cp <= 0x2027))
            continue;
        if (u_getIntPropertyValue(cp, UCHAR_NFC_QUICK_CHECK) != UNORM_YES)
            return 0;
    }
    return 1;
}

/* UTF-16 to NUL-terminated UTF-8 (lone surrogates become U+FFFD). */
static int utf16_to_utf8(const UChar *u, int32_t ulen, char **out, size_t *out_len)
{
    UErrorCode st = U_ZERO_ERROR;
    size_t cap = (size_t)ulen * 3 + 1;
    char *buf = malloc(cap);
    int32_t n = 0;
    if (!buf)
        return -1;
    u_strToUTF8WithSub(buf, (int32_t)cap, &n, u, ulen, 0xFFFD, NULL, &st);
    if (U_FAILURE(st) || (size_t)n >= cap) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = (size_t)n;
    return 0;
}

/* Convert from charset `from` through UTF-16, normalise to NFC. */
static int convert(const char *from, const char *bytes, size_t len,
                   char **out, size_t *out_len)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cv = NULL;
    UChar *u = NULL, *nfc = NULL;
    int rc = -1;
    if (len >= INT32_MAX / 2 - 16)
        return -1;
    cv = ucnv_open(from, &st);
    if (U_FAILURE(st)) {
        rc = 1;                      /* unknown charset: caller falls back */
        goto done;
    }
    ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_SUBSTITUTE, NULL, NULL, NULL, &st);
    int32_t ucap = (int32_t)len + 16;   /* never more units than bytes */
    u = malloc((size_t)ucap * sizeof *u);
    if (!u || U_FAILURE(st))
        goto done;
    int32_t un = ucnv_toUChars(cv, u, ucap, bytes, (int32_t)len, &st);
    if (U_FAILURE(st) || un >= ucap)
        goto done;
    for (int32_t i = 0; i < un; i++)   /* SBCS substitution char -> U+FFFD */
        if (u[i] == 0x1A || u[i] == 0)
            u[i] = 0xFFFD;
    const UNormalizer2 *norm = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st))
        goto done;
    if (unorm2_quickCheck(norm, u, un, &st) != UNORM_YES && U_SUCCESS(st)) {
        int32_t ncap = un * 3 + 16;
        nfc = malloc((size_t)ncap * sizeof *nfc);
        if (!nfc)
            goto done;
        st = U_ZERO_ERROR;
        int32_t nn = unorm2_normalize(norm, u, un, nfc, ncap, &st);
        if (U_FAILURE(st))
            goto done;
        rc = utf16_to_utf8(nfc, nn, out, out_len);
    } else {
        rc = utf16_to_utf8(u, un, out, out_len);
    }
done:
    if (cv)
        ucnv_close(cv);
    free(u);
    free(nfc);
    return rc;
}

static void set_name(char *dst, const char *src)
{
    snprintf(dst, NAME_CAP, "%s", src);
}

int decode_to_utf8(const char *bytes, size_t len, const char *content_type,
                   char **out, size_t *out_len, char *charset, size_t charset_cap)
{
    char name[NAME_CAP] = "";
    const char *use;
    size_t bad = 0, nonascii = 0;
    int declared = 0;
    if (!out || !out_len || (!bytes && len))
        return -1;
    *out = NULL;
    *out_len = 0;
    if (!bytes)
        bytes = "";

    if (len >= 3 && !memcmp(bytes, "\xEF\xBB\xBF", 3)) {
        bytes += 3;
        len -= 3;
        set_name(name, "UTF-8");
        declared = 2;                /* a BOM is not overridden */
    } else if (len >= 2 && (!memcmp(bytes, "\xFF\xFE", 2) || !memcmp(bytes, "\xFE\xFF", 2))) {
        set_name(name, bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE");
        bytes += 2;
        len -= 2;
        declared = 2;
    } else if ((content_type &&
                charset_param(content_type, strlen(content_type), name, sizeof name) == 0) ||
               charset_from_meta(bytes, len, name, sizeof name) == 0) {
        declared = 1;
    }
    if (declared < 2) {
        utf8_check((const unsigned char *)bytes, len, &bad, &nonascii);
        if (bad == 0 && (!declared || nonascii > 0))
            set_name(name, "UTF-8");             /* valid UTF-8 wins */
        else if (!strcasecmp(charset_canonical(name), "UTF-8") && bad > 0 &&
                 bad * 20 > nonascii && charset_detect(bytes, len, name, sizeof name) != 0)
            set_name(name, "UTF-8");
        else if (!declared && charset_detect(bytes, len, name, sizeof name) != 0)
            set_name(name, "windows-1252");
    }
    use = charset_canonical(name);
    /* UTF-16 from a mislabelled meta cannot be: the meta itself was ASCII. */
    if (declared == 1 && !strncasecmp(use, "UTF-16", 6))
        use = "UTF-8";

    int rc;
    if (!strcmp(use, "UTF-8") && bad == 0 && declared < 2 &&
        utf8_is_nfc((const unsigned char *)bytes, len)) {
        char *copy = malloc(len + 1);
        rc = copy ? 0 : -1;
        if (copy) {
            memcpy(copy, bytes, len);
            copy[len] = '\0';
            *out = copy;
            *out_len = len;
        }
    } else {
        rc = convert(use, bytes, len, out, out_len);
        if (rc > 0) {
            use = "windows-1252";
            rc = convert(use, bytes, len, out, out_len);
        }
    }
    if (rc != 0)
        return -1;
    if (charset && charset_cap)
        snprintf(charset, charset_cap, "%s", use);
    return 0;
}
