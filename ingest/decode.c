/* decode.c -- fetched bytes to UTF-8 (NFC) with ICU.
 *
 * Owns charset selection and conversion. The charset comes from, in order:
 * a byte order mark, the HTTP Content-Type, a <meta charset> or
 * <meta http-equiv="Content-Type"> in the first 8 KiB, then ICU's detector
 * (ucsdet). Only the WHATWG Encoding Standard's labels count (any other
 * label is ignored), read the way browsers read them: GB2312/GBK as
 * GB18030, ISO-8859-1/ASCII as windows-1252, ISO-8859-9 as windows-1254,
 * Shift_JIS as windows-31j, EUC-KR as windows-949, Big5 as Big5-HKSCS; a
 * UTF-16 label counts in the HTTP header (not in a <meta>). Two
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

/* Every label of the WHATWG Encoding Standard (encoding.spec.whatwg.org,
 * "Encodings"), by encoding, with the ICU converter that decodes it the
 * way a browser does: GBK with the gb18030 decoder, Big5 as Big5-HKSCS,
 * Shift_JIS as windows-31j, EUC-KR as windows-949, ISO-8859-1 and ASCII
 * as windows-1252, ISO-8859-9 as windows-1254. The "replacement" labels
 * (ISO-2022-KR/CN, HZ) and x-user-defined are left out on purpose: no
 * page is read in them, so they fall to detection like any unknown label.
 * Only these labels are obeyed: ICU knows hundreds more (ibm-37,
 * bocu-1, ...), and an attacker's label must not turn an ASCII page into
 * EBCDIC. */
static const struct { const char *icu, *labels; } whatwg[] = {
    {"UTF-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"},
    {"IBM866", "866 cp866 csibm866 ibm866"},
    {"ISO-8859-2", "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 "
                   "iso_8859-2:1987 l2 latin2"},
    {"ISO-8859-3", "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 "
                   "iso_8859-3:1988 l3 latin3"},
    {"ISO-8859-4", "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 "
                   "iso_8859-4:1988 l4 latin4"},
    {"ISO-8859-5", "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 "
                   "iso_8859-5 iso_8859-5:1988"},
    {"ISO-8859-6", "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 "
                   "iso-8859-6 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 "
                   "iso_8859-6 iso_8859-6:1987"},
    {"ISO-8859-7", "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 "
                   "iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek"},
    {"ISO-8859-8", "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 "
                   "iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual "
                   "csiso88598i iso-8859-8-i logical"},
    {"ISO-8859-10", "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6"},
    {"ISO-8859-13", "iso-8859-13 iso8859-13 iso885913"},
    {"ISO-8859-14", "iso-8859-14 iso8859-14 iso885914"},
    {"ISO-8859-15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"},
    {"ISO-8859-16", "iso-8859-16"},
    {"KOI8-R", "cskoi8r koi koi8 koi8-r koi8_r"},
    {"KOI8-U", "koi8-ru koi8-u"},
    {"macintosh", "csmacintosh mac macintosh x-mac-roman"},
    {"windows-874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"},
    {"windows-1250", "cp1250 windows-1250 x-cp1250"},
    {"windows-1251", "cp1251 windows-1251 x-cp1251"},
    {"windows-1252", "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 "
                     "iso-ir-100 iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 "
                     "us-ascii windows-1252 x-cp1252"},
    {"windows-1253", "cp1253 windows-1253 x-cp1253"},
    {"windows-1254", "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 "
                     "iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254"},
    {"windows-1255", "cp1255 windows-1255 x-cp1255"},
    {"windows-1256", "cp1256 windows-1256 x-cp1256"},
    {"windows-1257", "cp1257 windows-1257 x-cp1257"},
    {"windows-1258", "cp1258 windows-1258 x-cp1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic x-mac-ukrainian"},
    {"GB18030", "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 "
                "x-gbk gb18030"},
    {"Big5-HKSCS", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"},
    {"EUC-JP", "cseucpkdfmtjapanese euc-jp x-euc-jp"},
    {"ISO-2022-JP", "csiso2022jp iso-2022-jp"},
    {"windows-31j", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"},
    {"windows-949", "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 "
                    "ks_c_5601-1989 ksc5601 ksc_5601 windows-949"},
    {"UTF-16BE", "unicodefffe utf-16be"},
    {"UTF-16LE", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le"},
};

/* The ICU converter for a WHATWG label (any case), or NULL when the
 * label is not one. */
static const char *charset_canonical(const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; nl && i < sizeof whatwg / sizeof whatwg[0]; i++)
        for (const char *p = whatwg[i].labels; *p;) {
            size_t l = strcspn(p, " ");
            if (l == nl && !strncasecmp(p, name, nl))
                return whatwg[i].icu;
            p += l;
            while (*p == ' ')
                p++;
        }
    return NULL;
}

#define ASCII_MASK 0x8080808080808080ull

static uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static int has_zero(uint64_t v)
{
    return ((v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull) != 0;
}

/* Counts invalid sequences and non-ASCII characters of UTF-8 input. */
static void utf8_check(const unsigned char *s, size_t len, size_t *bad, size_t *nonascii,
                       size_t *nul)
{
    size_t i = 0;
    *bad = 0;
    *nonascii = 0;
    *nul = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        if (c < 0x80) {
            if (c == 0)
                (*nul)++;      /* NUL: replaced, so C strings stay whole */
            i++;
            while (i + 8 <= len && !(load64(s + i) & ASCII_MASK) && !has_zero(load64(s + i)))
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

/* decode_to_utf8 and decode_to_utf8_take: owned, when not NULL, is bytes
 * itself, malloc'd and the caller's no more. */
static int decode_impl(const char *bytes, size_t len, char *owned, const char *content_type,
                       char **out, size_t *out_len, char *charset, size_t charset_cap)
{
    char name[NAME_CAP] = "";
    const char *use;
    size_t bad = 0, nonascii = 0, nul = 0;
    int declared = 0, from_header = 0;
    if (!out || !out_len || (!bytes && len)) {
        free(owned);
        return -1;
    }
    *out = NULL;
    *out_len = 0;
    if (!bytes)
        bytes = "";

    if (len >= 3 && !memcmp(bytes, "\xEF\xBB\xBF", 3)) {
        if (owned) {                 /* keep the buffer freeable */
            memmove(owned, owned + 3, len - 3);
            bytes = owned;
        } else {
            bytes += 3;
        }
        len -= 3;
        set_name(name, "UTF-8");
        declared = 2;                /* a BOM is not overridden */
    } else if (len >= 2 && (!memcmp(bytes, "\xFF\xFE", 2) || !memcmp(bytes, "\xFE\xFF", 2))) {
        set_name(name, bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE");
        bytes += 2;
        len -= 2;
        declared = 2;
    } else if (content_type &&
               charset_param(content_type, strlen(content_type), name, sizeof name) == 0 &&
               charset_canonical(name)) {
        from_header = 1;
        declared = 1;
    } else if (charset_from_meta(bytes, len, name, sizeof name) == 0 && charset_canonical(name)) {
        declared = 1;                /* a label that is not WHATWG's is no label */
    }
    if (declared < 2) {
        utf8_check((const unsigned char *)bytes, len, &bad, &nonascii, &nul);
        const char *said = declared ? charset_canonical(name) : NULL;
        if (said && from_header && !strncasecmp(said, "UTF-16", 6) && nul > 0)
            ;                                    /* UTF-16 as the header says: NULs show it */
        else if (bad == 0 && (!declared || nonascii > 0))
            set_name(name, "UTF-8");             /* valid UTF-8 wins */
        else if (said && !strcmp(said, "UTF-8") && bad > 0 &&
                 bad > 3 && bad * 20 > nonascii && charset_detect(bytes, len, name, sizeof name) != 0)
            set_name(name, "UTF-8");
        else if (!declared && charset_detect(bytes, len, name, sizeof name) != 0)
            set_name(name, "windows-1252");
    }
    /* the detector names only WHATWG encodings it is allowed to pick */
    use = charset_canonical(name);
    if (!use)
        use = "windows-1252";
    /* UTF-16 from a <meta> cannot be: the meta itself was read as ASCII;
     * nor from a header over bytes without a NUL (no ASCII markup in it) */
    if (declared == 1 && !strncasecmp(use, "UTF-16", 6) && (!from_header || nul == 0))
        use = "UTF-8";

    int rc;
    if (!strcmp(use, "UTF-8") && bad == 0 && nul == 0 && declared < 2 &&
        utf8_is_nfc((const unsigned char *)bytes, len) && owned) {
        owned[len] = '\0';          /* the page itself is the output: no copy */
        *out = owned;
        *out_len = len;
        owned = NULL;
        rc = 0;
    } else if (!strcmp(use, "UTF-8") && bad == 0 && nul == 0 && declared < 2 &&
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
    free(owned);
    if (rc != 0)
        return -1;
    if (charset && charset_cap)
        snprintf(charset, charset_cap, "%s", use);
    return 0;
}

int decode_to_utf8(const char *bytes, size_t len, const char *content_type,
                   char **out, size_t *out_len, char *charset, size_t charset_cap)
{
    return decode_impl(bytes, len, NULL, content_type, out, out_len, charset, charset_cap);
}

int decode_to_utf8_take(char *bytes, size_t len, const char *content_type,
                        char **out, size_t *out_len, char *charset, size_t charset_cap)
{
    return decode_impl(bytes, len, bytes, content_type, out, out_len, charset, charset_cap);
}
