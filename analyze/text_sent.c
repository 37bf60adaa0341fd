/* text_sent.c -- UTF-8 helpers, language identification and sentence
 * boundaries for the text module (see text.h). Owns the CJK sentence rules
 * (。！？；… with closing quotes kept, no split inside “…” quotes) and the
 * use of ICU's sentence iterator for other scripts; knows nothing about
 * words, lexicons or scoring.
 */
#include "analyze/text.h"
#include "analyze/text_brk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/ustring.h>

/* ---- UTF-8 ---- */

uint32_t text_utf8_decode(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t p = *i;
    unsigned char c = u[p];
    uint32_t cp;
    size_t n;
    if (c < 0x80) {
        *i = p + 1;
        return c;
    } else if ((c & 0xE0) == 0xC0) {
        cp = c & 0x1F; n = 1;
    } else if ((c & 0xF0) == 0xE0) {
        cp = c & 0x0F; n = 2;
    } else if ((c & 0xF8) == 0xF0) {
        cp = c & 0x07; n = 3;
    } else {
        *i = p + 1;
        return 0xFFFD;
    }
    for (size_t k = 1; k <= n; k++) {
        if (p + k >= len || (u[p + k] & 0xC0) != 0x80) {
            *i = p + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (u[p + k] & 0x3F);
    }
    *i = p + n + 1;
    return cp;
}

int text_is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F);
}

size_t text_utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; n++)
        text_utf8_next(s, len, &i);
    return n;
}

/* ---- language ---- */

enum { SC_HAN, SC_KANA, SC_HANGUL, SC_LATIN, SC_CYR, SC_GREEK, SC_ARABIC,
       SC_HEBREW, SC_THAI, SC_DEVA, SC_BENG, SC_TAML, SC_TELU, SC_GUJR, SC_GURU,
       SC_GEOR, SC_ARMN, SC_N };

static int script_of(uint32_t cp)
{
    if (text_is_han(cp))
        return SC_HAN;
    if (cp >= 0x3040 && cp <= 0x30FF)
        return SC_KANA;
    if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF))
        return SC_HANGUL;
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
        (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7))
        return SC_LATIN;
    if (cp >= 0x400 && cp <= 0x4FF)
        return SC_CYR;
    if (cp >= 0x370 && cp <= 0x3FF)
        return SC_GREEK;
    if (cp >= 0x600 && cp <= 0x6FF)
        return SC_ARABIC;
    if (cp >= 0x590 && cp <= 0x5FF)
        return SC_HEBREW;
    if (cp >= 0xE00 && cp <= 0xE7F)
        return SC_THAI;
    if (cp >= 0x900 && cp <= 0x97F)
        return SC_DEVA;
    if (cp >= 0x980 && cp <= 0x9FF)
        return SC_BENG;
    if (cp >= 0xA00 && cp <= 0xA7F)
        return SC_GURU;
    if (cp >= 0xA80 && cp <= 0xAFF)
        return SC_GUJR;
    if (cp >= 0xB80 && cp <= 0xBFF)
        return SC_TAML;
    if (cp >= 0xC00 && cp <= 0xC7F)
        return SC_TELU;
    if (cp >= 0x10A0 && cp <= 0x10FF)
        return SC_GEOR;
    if (cp >= 0x530 && cp <= 0x58F)
        return SC_ARMN;
    return -1;
}

/* Most frequent function words of Latin-script languages (our own short
 * lists); enough to tell these apart on a paragraph of text. */
static const struct profile {
    const char *lang;
    const char *words[16];
} profiles[] = {
    { "en", { "the", "and", "of", "to", "is", "in", "that", "it", "was", "for", "with", "he", "on", "are", "this", "by" } },
    { "fr", { "le", "la", "les", "et", "des", "est", "une", "du", "que", "pour", "dans", "qui", "pas", "sur", "au", "il" } },
    { "de", { "der", "die", "und", "das", "ist", "nicht", "ein", "eine", "zu", "den", "mit", "sich", "auf", "für", "von", "dem" } },
    { "es", { "el", "la", "los", "las", "y", "es", "que", "del", "por", "una", "con", "para", "se", "en", "como", "al" } },
    { "it", { "il", "che", "di", "la", "le", "della", "per", "una", "sono", "non", "gli", "del", "con", "è", "nel", "anche" } },
    { "pt", { "o", "os", "as", "que", "não", "uma", "para", "com", "do", "da", "dos", "em", "se", "por", "mais", "é" } },
    { "nl", { "de", "het", "een", "en", "van", "is", "dat", "niet", "op", "te", "zijn", "voor", "met", "die", "ook", "er" } },
};
#define N_PROFILES (sizeof profiles / sizeof profiles[0])

static const char *const latin_codes[] = {
    "en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "nb", "fi", "pl", "cs",
    "sk", "ro", "hu", "tr", "id", "ms", "vi", "ca", "hr", "sl", "et", "lv", "lt", NULL };

static int in_list(const char *code, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(code, list[i]))
            return 1;
    return 0;
}

/* "zh-Hans-CN" -> "zh"; "" when it is not a language tag. */
static void norm_declared(const char *d, char out[4])
{
    out[0] = '\0';
    if (!d)
        return;
    while (*d == ' ')
        d++;
    size_t n = 0;
    while (n < 3 && ((d[n] >= 'a' && d[n] <= 'z') || (d[n] >= 'A' && d[n] <= 'Z')))
        n++;
    if (n < 2 || (d[n] && d[n] != '-' && d[n] != '_' && d[n] != ' ' && d[n] != ';'))
        return;
    if (n == 3)
        return;     /* three-letter codes: not ours to map */
    out[0] = (char)(d[0] | 0x20);
    out[1] = (char)(d[1] | 0x20);
    out[2] = '\0';
}

static const char *intern_code(const char *c)
{
    static const char *const all[] = { "zh", "ja", "ko", "ru", "uk", "bg", "sr", "mk", "be",
        "kk", "el", "ar", "fa", "ur", "he", "yi", "th", "hi", "mr", "ne", "en", "fr", "de", "es",
        "it", "pt", "nl", "sv", "da", "no", "nb", "fi", "pl", "cs", "sk", "ro", "hu", "tr",
        "id", "ms", "vi", "ca", "hr", "sl", "et", "lv", "lt", "bn", "as", "pa", "gu", "ta", "te",
        "ka", "hy", NULL };
    for (size_t i = 0; all[i]; i++)
        if (!strcmp(all[i], c))
            return all[i];
    return NULL;
}

/* Count profile words among the first ~400 Latin words. */
static void latin_scores(const char *s, size_t len, int *score)
{
    char w[24];
    size_t wl = 0, words = 0;
    for (size_t i = 0; i <= len && words < 400;) {
        size_t at = i;
        uint32_t cp = i < len ? text_utf8_next(s, len, &i) : (i++, 0);
        if (cp && script_of(cp) == SC_LATIN) {
            if (cp < 0x80) {
                if (wl < sizeof w - 1)
                    w[wl++] = (char)(cp | 0x20);
            } else if (wl + (i - at) < sizeof w - 1) {
                memcpy(w + wl, s + at, i - at);
                wl += i - at;
            }
            continue;
        }
        if (wl) {
            w[wl] = '\0';
            words++;
            for (size_t p = 0; p < N_PROFILES; p++)
                for (size_t k = 0; k < 16 && profiles[p].words[k]; k++)
                    if (profiles[p].words[k][0] == w[0] && !strcmp(w, profiles[p].words[k])) {
                        score[p]++;
                        break;
                    }
            wl = 0;
        }
    }
}

const char *text_detect_language(const char *text, size_t len, const char *declared)
{
    char dec[4];
    norm_declared(declared, dec);
    const char *dcode = dec[0] ? intern_code(dec) : NULL;
    size_t count[SC_N] = {0}, letters = 0;
    size_t scan = len > 20000 ? 20000 : len;
    for (size_t i = 0; text && i < scan;) {
        int sc = script_of(text_utf8_next(text, len, &i));
        if (sc >= 0) {
            count[sc]++;
            letters++;
        }
    }
    if (letters < 2)
        return dcode;
    /* CJK characters carry a word each: weigh them up against letters. */
    size_t w[SC_N];
    for (int k = 0; k < SC_N; k++)
        w[k] = count[k];
    w[SC_HAN] *= 3;
    w[SC_KANA] *= 3;
    w[SC_HANGUL] *= 3;
    int best = 0;
    for (int k = 1; k < SC_N; k++)
        if (w[k] > w[best])
            best = k;
    switch (best) {
    case SC_HAN:
    case SC_KANA:
        if (count[SC_KANA] * 10 >= count[SC_HAN] + count[SC_KANA] && count[SC_KANA] > 0)
            return "ja";
        return "zh";
    case SC_HANGUL:
        return "ko";
    case SC_CYR:
        if (dcode && in_list(dcode, (const char *const[]){ "ru", "uk", "bg", "sr", "mk", "be", "kk", NULL }))
            return dcode;
        return "ru";
    case SC_GREEK:
        return "el";
    case SC_ARABIC:
        if (dcode && in_list(dcode, (const char *const[]){ "ar", "fa", "ur", NULL }))
            return dcode;
        return "ar";
    case SC_HEBREW:
        return dcode && !strcmp(dcode, "yi") ? dcode : "he";
    case SC_THAI:
        return "th";
    case SC_DEVA:
        if (dcode && in_list(dcode, (const char *const[]){ "hi", "mr", "ne", NULL }))
            return dcode;
        return "hi";
    case SC_BENG:
        return dcode && !strcmp(dcode, "as") ? dcode : "bn";
    case SC_GURU:
        return "pa";
    case SC_GUJR:
        return "gu";
    case SC_TAML:
        return "ta";
    case SC_TELU:
        return "te";
    case SC_GEOR:
        return "ka";
    case SC_ARMN:
        return "hy";
    default:
        break;
    }
    int score[N_PROFILES] = {0};
    latin_scores(text, scan, score);
    size_t bp = 0;
    for (size_t p = 1; p < N_PROFILES; p++)
        if (score[p] > score[bp])
            bp = p;
    if (dcode && in_list(dcode, latin_codes)) {
        /* Trust the page unless the text clearly says otherwise. */
        int dscore = -1;
        for (size_t p = 0; p < N_PROFILES; p++)
            if (!strcmp(profiles[p].lang, dcode))
                dscore = score[p];
        if (dscore < 0)   /* a language without a profile */
            return score[bp] >= 8 && score[bp] * 4 > (int)(letters / 5) ? profiles[bp].lang : dcode;
        if (score[bp] >= 2 * dscore + 4)
            return profiles[bp].lang;
        return dcode;
    }
    return score[bp] > 0 ? profiles[bp].lang : "en";
}

/* ---- sentences ---- */

static int is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
           c == 0xA0 || c == 0x3000 || c == 0x200B || c == 0xFEFF || (c >= 0x2000 && c <= 0x200A);
}

static int is_terminator(uint32_t c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B || c == 0x2026 ||
           c == '!' || c == '?' || c == ';' || c == 0xFF0E;
}

static int is_closer(uint32_t c)
{
    return c == 0x201D || c == 0x2019 || c == 0x300D || c == 0x300F || c == 0xFF09 ||
           c == ')' || c == 0x3011 || c == 0x300B || c == '"' || c == '\'';
}

static int is_open_quote(uint32_t c)
{
    return c == 0x201C || c == 0x2018 || c == 0x300C || c == 0x300E;
}

static int is_close_quote(uint32_t c)
{
    return c == 0x201D || c == 0x2019 || c == 0x300D || c == 0x300F;
}

typedef struct sent_out {
    const char *text;
    size_t len;
    text_sentence *out;
    size_t cap, n;
    uint32_t para;
    size_t last_end;
} sent_out;

static void push(sent_out *so, size_t a, size_t b, uint8_t extra)
{
    if (so->n < so->cap) {
        text_sentence *s = &so->out[so->n];
        memset(s, 0, sizeof *s);
        s->start = (uint32_t)a;
        s->end = (uint32_t)b;
        s->para = so->para;
        s->chars = (uint32_t)text_utf8_chars(so->text + a, b - a);
        s->flags = extra;
        /* flags from the sentence's own characters */
        uint32_t last = 0, lastreal = 0;
        int open = 0, close = 0, first_close = -1, ascii_q = 0;
        for (size_t i = a; i < b;) {
            uint32_t c = text_utf8_next(so->text, b, &i);
            if (first_close < 0 && !is_space_cp(c))
                first_close = is_close_quote(c);
            if (c == '"')
                ascii_q++;
            if (c == 0x201C || c == 0x300C || c == 0x300E)
                open++;
            else if (c == 0x201D || c == 0x300D || c == 0x300F)
                close++;
            last = c;
            if (!is_closer(c) && !is_space_cp(c))
                lastreal = c;
        }
        (void)last;
        if (lastreal == '?' || lastreal == 0xFF1F)
            s->flags |= TEXT_SF_QUESTION;
        if (!(is_terminator(lastreal) || lastreal == '.' || lastreal == 0x3002))
            s->flags |= TEXT_SF_NOEND;
        if (open != close || first_close == 1 || (ascii_q & 1))
            s->flags |= TEXT_SF_QUOTE;
    }
    so->n++;
}

/* Trim, count paragraphs, split over-long spans, then push. */
static void emit(sent_out *so, size_t a, size_t b)
{
    const char *t = so->text;
    size_t raw_end = b;
    for (size_t i = so->last_end; i < a && i < so->len; i++)
        if (t[i] == '\n') {
            if (so->n > 0)
                so->para++;
            break;
        }
    if (a > so->last_end)
        so->last_end = a;
    while (a < b) {
        size_t i = a;
        if (!is_space_cp(text_utf8_next(t, b, &i)))
            break;
        a = i;
    }
    while (b > a) {
        size_t k = b - 1;
        while (k > a && ((unsigned char)t[k] & 0xC0) == 0x80)
            k--;
        size_t i = k;
        if (!is_space_cp(text_utf8_next(t, b, &i)))
            break;
        b = k;
    }
    if (a >= b) {
        so->last_end = raw_end;   /* a blank line: counted once */
        return;
    }
    so->last_end = b;
    uint8_t cut = 0;
    while (a < b) {
        /* find the byte after TEXT_MAX_SENTENCE_CHARS code points */
        size_t i = a, n = 0, soft = 0;
        while (i < b && n < TEXT_MAX_SENTENCE_CHARS) {
            uint32_t c = text_utf8_next(t, b, &i);
            n++;
            if (c == 0xFF0C || c == ',' || c == ';' || c == 0xFF1B || c == 0xFF1A ||
                c == 0x3001)
                soft = i;
        }
        if (i >= b) {
            push(so, a, b, cut);
            return;
        }
        size_t end = soft > a ? soft : i;
        push(so, a, end, TEXT_SF_CUT);
        cut = TEXT_SF_CUT;
        a = end;
        while (a < b && (t[a] == ' ' || t[a] == '\n'))
            a++;
    }
}

/* The word before an ASCII '.' at p: is it an abbreviation or initial? */
static int dot_is_abbrev(const char *t, size_t p)
{
    size_t k = p, n = 0;
    while (k > 0 && ((t[k - 1] >= 'a' && t[k - 1] <= 'z') || (t[k - 1] >= 'A' && t[k - 1] <= 'Z'))) {
        k--;
        n++;
    }
    if (n == 0)
        return 1;   /* "3." or "..": not an end for CJK text */
    if (n == 1)
        return 1;   /* initials, U.S. */
    static const char *const ab[] = { "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr",
        "Inc", "Ltd", "Co", "Corp", "vs", "etc", "No", "Gen", "Sen", "Rep", "Gov", NULL };
    for (size_t i = 0; ab[i]; i++)
        if (strlen(ab[i]) == n && !strncmp(t + k, ab[i], n))
            return 1;
    return 0;
}

/* Does t[a..b) end (spaces aside) with an abbreviation that does not end
 * a sentence in news text, beyond ICU's own en@ss=standard list: titles
 * before a name, month and state abbreviations, Inc./Corp./Co., a.m. and
 * p.m., U.S.-style initialisms and a single initial ("John F. Kennedy")? */
static int ends_with_title_abbrev(const char *t, size_t a, size_t b)
{
    static const char *const ab[] = { "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Gen.",
        "Sen.", "Rep.", "Gov.", "Lt.", "Col.", "Capt.", "Sgt.", "Adm.", "Rev.", "Hon.", "Mt.",
        "Jr.", "Sr.", "No.", "vs.", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.",
        "Sept.", "Oct.", "Nov.", "Dec.", "Inc.", "Corp.", "Co.", "Ltd.", "a.m.", "p.m.", "e.g.",
        "i.e.", "etc.", "Calif.", "Fla.", "Mass.", "Conn.", "Tenn.", "Mich.", "Minn.", "Ore.",
        "Tex.", "Wis.", "Colo.", "Ariz.", "Ill.", "Ind.", "Kan.", "Neb.", "Nev.", "Okla.", "Ala.",
        "Pa.", "Va.", "Ga.", "Ky.", "La.", "Md.", "Wash.", "Mo.", NULL };
    while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\n'))
        b--;
    for (size_t i = 0; ab[i]; i++) {
        size_t l = strlen(ab[i]);
        if (b - a < l || memcmp(t + b - l, ab[i], l))
            continue;
        if (b - a == l)
            return 1;
        char c = t[b - l - 1];
        if (c == ' ' || c == '(' || c == '"' || c == '\n')
            return 1;
    }
    /* X. or X.Y. (initials, U.S., N.Y., D.C.): capitals each followed by a dot */
    size_t k = b;
    int letters = 0;
    while (k >= a + 2 && t[k - 1] == '.' && t[k - 2] >= 'A' && t[k - 2] <= 'Z') {
        k -= 2;
        letters++;
    }
    return letters > 0 && (k == a || t[k - 1] == ' ' || t[k - 1] == '(' || t[k - 1] == '"');
}

static void split_cjk(sent_out *so)
{
    const char *t = so->text;
    size_t len = so->len, start = 0, i = 0;
    int depth = 0;
    size_t qchars = 0;
    while (i < len) {
        size_t at = i;
        uint32_t c = text_utf8_next(t, len, &i);
        if (c == '\n') {
            emit(so, start, at);
            start = i;
            depth = 0;
            continue;
        }
        if (depth > 0)
            qchars++;
        if (is_open_quote(c)) {
            if (depth == 0)
                qchars = 0;
            depth++;
        } else if (is_close_quote(c) && depth > 0) {
            depth--;
        }
        int term = is_terminator(c);
        if (c == '.' && i < len && (t[i] == ' ') && !dot_is_abbrev(t, at))
            term = 1;
        if (!term)
            continue;
        size_t j = i;
        while (j < len) {
            size_t k = j;
            uint32_t d = text_utf8_next(t, len, &k);
            if (is_terminator(d) || d == 0x3002 || is_closer(d) || d == '.') {
                if (is_close_quote(d) && depth > 0)
                    depth--;
                j = k;
            } else {
                break;
            }
        }
        if (depth == 0 || qchars > 150) {
            emit(so, start, j);
            start = j;
            depth = 0;
        }
        i = j;
    }
    emit(so, start, len);
}

int text_utf16_map(const char *s, size_t len, UChar **out_u, uint32_t **out_map,
                   int32_t *out_len)
{
    UChar *u;
    uint32_t *map;
    int32_t ulen = 0;
    if (len > INT32_MAX / 2)
        return -1;
    u = malloc((len + 1) * sizeof *u);
    map = malloc((len + 2) * sizeof *map);
    if (!u || !map) {
        free(u);
        free(map);
        return -1;
    }
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t c = text_utf8_next(s, len, &i);
        if (c >= 0x10000) {
            map[ulen] = (uint32_t)at;
            u[ulen++] = (UChar)(0xD800 + ((c - 0x10000) >> 10));
            map[ulen] = (uint32_t)at;
            u[ulen++] = (UChar)(0xDC00 + ((c - 0x10000) & 0x3FF));
        } else {
            map[ulen] = (uint32_t)at;
            u[ulen++] = (UChar)c;
        }
    }
    map[ulen] = (uint32_t)len;
    *out_u = u;
    *out_map = map;
    *out_len = ulen;
    return 0;
}

static void split_icu(sent_out *so, const char *lang)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar *u = NULL;
    uint32_t *map = NULL;
    UBreakIterator *bi = NULL;
    int32_t ulen = 0;
    const char *t = so->text;
    size_t len = so->len;
    if (text_utf16_map(t, len, &u, &map, &ulen) != 0)
        goto fallback;
    char loc[32];
    int ln = snprintf(loc, sizeof loc, "%s@ss=standard", lang && lang[0] ? lang : "en");
    if (ln < 0 || (size_t)ln >= sizeof loc)
        goto fallback;
    bi = text_brk_get(UBRK_SENTENCE, loc, u, ulen, &st);   /* cached: not closed */
    if (U_FAILURE(st) || !bi)
        goto fallback;
    int32_t prev = ubrk_first(bi);
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
        if (b < ulen && ends_with_title_abbrev(t, map[prev], map[b]))
            continue;   /* "Dr. | Smith": ICU's own exception list misses some */
        emit(so, map[prev], map[b]);
        prev = b;
    }
    goto done;
fallback:
    so->n = 0;
    so->para = 0;
    so->last_end = 0;
    split_cjk(so);
done:
    free(u);
    free(map);
}

size_t text_split_sentences(const char *text, size_t len, const char *lang,
                            text_sentence *out, size_t cap)
{
    sent_out so = { .text = text, .len = len, .out = out, .cap = out ? cap : 0 };
    if (!text || !len)
        return 0;
    if (lang && (!strcmp(lang, "zh") || !strcmp(lang, "ja")))
        split_cjk(&so);
    else
        split_icu(&so, lang);
    return so.n;
}
