/* extract_date.c -- dates in pages to ISO 8601.
 *
 * Owns reading one date out of a short string: machine forms (ISO 8601,
 * RFC 2822, "2024/03/16 08:45") and visible ones in Chinese
 * ("2024年3月16日 08:45"), English ("March 20, 2024", "20 Mar 2024") and
 * German/European ("20. März 2024", "20.03.2024"). The result keeps the
 * precision and the zone the page gives: "2024-03-16", "2024-03-16T08:45",
 * "2024-03-16T08:45:10+08:00". A time without a zone stays local (no
 * offset): inventing one would be a guess. Does not search pages.
 */
#include "ingest/extract_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct date_parts {
    int y, mo, d, h, mi, s;       /* h < 0: no time; s < 0: no seconds */
    int tz;                       /* 0 none, 1 Z, 2 offset */
    int off_min;                  /* offset in minutes when tz == 2 */
} date_parts;

static int digits(const char *s, size_t n, size_t i, int count, int *out)
{
    int v = 0;
    if (i + (size_t)count > n)
        return 0;
    for (int k = 0; k < count; k++) {
        char c = s[i + k];
        if (c < '0' || c > '9')
            return 0;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return 1;
}

/* 1 or 2 digits at i; returns digits consumed */
static int num12(const char *s, size_t n, size_t i, int *out)
{
    if (i < n && s[i] >= '0' && s[i] <= '9') {
        if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
            if (i + 2 < n && s[i + 2] >= '0' && s[i + 2] <= '9')
                return 0;
            *out = (s[i] - '0') * 10 + (s[i + 1] - '0');
            return 2;
        }
        *out = s[i] - '0';
        return 1;
    }
    return 0;
}

static int valid(const date_parts *p)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (p->y < 1970 || p->y > 2100 || p->mo < 1 || p->mo > 12 || p->d < 1 ||
        p->d > mdays[p->mo - 1])
        return 0;
    if (p->h >= 0 && (p->h > 23 || p->mi < 0 || p->mi > 59 || p->s > 60))
        return 0;
    return 1;
}

/* Time and zone after a date: "T08:45", " 08:45:10", "T08:45:10.123Z",
 * " 08:45 +0800". */
static void parse_time(const char *s, size_t n, size_t i, date_parts *p)
{
    p->h = -1;
    p->s = -1;
    p->tz = 0;
    while (i < n && (s[i] == ' ' || s[i] == 'T' || s[i] == ',' || s[i] == '\t'))
        i++;
    if (n - i >= 3 && !memcmp(s + i, "\xE6\x97\xA5", 3))   /* 日 */
        i += 3;
    while (i < n && s[i] == ' ')
        i++;
    int h, mi, sec, k;
    if (!(k = num12(s, n, i, &h)) || i + (size_t)k >= n || s[i + (size_t)k] != ':' ||
        !digits(s, n, i + (size_t)k + 1, 2, &mi))
        return;
    p->h = h;
    p->mi = mi;
    i += (size_t)k + 3;
    if (i < n && s[i] == ':' && digits(s, n, i + 1, 2, &sec)) {
        p->s = sec;
        i += 3;
        if (i < n && (s[i] == '.' || s[i] == ','))
            for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
                ;
    }
    while (i < n && s[i] == ' ')
        i++;
    if (i < n && s[i] == 'Z') {
        p->tz = 1;
        return;
    }
    if (n - i >= 3 && (!strncmp(s + i, "GMT", 3) || !strncmp(s + i, "UTC", 3))) {
        i += 3;
        if (i >= n || (s[i] != '+' && s[i] != '-')) {
            p->tz = 1;
            return;
        }
    }
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i] == '-' ? -1 : 1, oh, om = 0;
        if (digits(s, n, i + 1, 2, &oh)) {
            if (i + 3 < n && s[i + 3] == ':')
                digits(s, n, i + 4, 2, &om);
            else
                digits(s, n, i + 3, 2, &om);
            if (oh <= 14 && om < 60) {
                p->tz = 2;
                p->off_min = sign * (oh * 60 + om);
            }
        }
    }
}

static int month_name(const char *s, size_t n, size_t i, size_t *len)
{
    static const char *const names[] = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        "januar", "februar", "m\xC3\xA4rz", "april", "mai", "juni", "juli", "august",
        "september", "oktober", "november", "dezember", "janv", "f\xC3\xA9vr", "mars",
        "avr", "mai", "juin", "juil", "ao\xC3\xBBt", "sept", "oct", "nov", "d\xC3\xA9" "c",
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
        "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
        "sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "pa\xC5\xBA", "lis", "gru",
        NULL };
    int best = 0;
    size_t best_len = 0;
    if (i >= n || (i > 0 && (((s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z'))) ||
        (s[i] | 0x20) < 'a' || (s[i] | 0x20) > 'z')
        return 0;           /* not at the start of a word */
    for (int k = 0; names[k]; k++) {
        if ((names[k][0] | 0x20) != (s[i] | 0x20))
            continue;
        size_t l = strlen(names[k]);
        if (i + l <= n && !strncasecmp(s + i, names[k], l) && l > best_len) {
            best = k % 12 + 1;
            best_len = l;
        }
    }
    if (!best)
        return 0;
    /* the rest of the word: "March", "Sept.", "Dezember" */
    size_t e = i + best_len;
    while (e < n && ((s[e] | 0x20) >= 'a' && (s[e] | 0x20) <= 'z'))
        e++;
    if (e < n && s[e] == '.')
        e++;
    *len = e - i;
    return best;
}

static int try_at(const char *s, size_t n, size_t i, date_parts *p)
{
    int y, mo, d, k, k2;
    size_t ml;
    memset(p, 0, sizeof *p);
    /* YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日 */
    if (digits(s, n, i, 4, &y) && (i == 0 || s[i - 1] < '0' || s[i - 1] > '9')) {
        size_t j = i + 4;
        int cjk = n - j >= 3 && !memcmp(s + j, "\xE5\xB9\xB4", 3);   /* 年 */
        char sep = j < n ? s[j] : 0;
        if (cjk || sep == '-' || sep == '/' || sep == '.') {
            j += cjk ? 3 : 1;
            if ((k = num12(s, n, j, &mo))) {
                j += (size_t)k;
                int ok = cjk ? (n - j >= 3 && !memcmp(s + j, "\xE6\x9C\x88", 3)) : (j < n && s[j] == sep);
                if (ok) {
                    j += cjk ? 3 : 1;
                    if ((k2 = num12(s, n, j, &d))) {
                        p->y = y; p->mo = mo; p->d = d;
                        parse_time(s, n, j + (size_t)k2, p);
                        return valid(p);
                    }
                }
            }
        }
    }
    /* DD.MM.YYYY */
    if ((k = num12(s, n, i, &d)) && (i == 0 || s[i - 1] < '0' || s[i - 1] > '9') &&
        i + (size_t)k < n && s[i + (size_t)k] == '.') {
        size_t j = i + (size_t)k + 1;
        while (j < n && s[j] == ' ')
            j++;
        if ((k2 = num12(s, n, j, &mo)) && j + (size_t)k2 < n && s[j + (size_t)k2] == '.' &&
            digits(s, n, j + (size_t)k2 + 1, 4, &y)) {
            p->y = y; p->mo = mo; p->d = d;
            parse_time(s, n, j + (size_t)k2 + 5, p);
            return valid(p);
        }
        /* "20. März 2024" */
        if ((mo = month_name(s, n, j, &ml))) {
            size_t e = j + ml;
            while (e < n && s[e] == ' ')
                e++;
            if (digits(s, n, e, 4, &y)) {
                p->y = y; p->mo = mo; p->d = d;
                parse_time(s, n, e + 4, p);
                return valid(p);
            }
        }
    }
    /* "20 March 2024", "Tue, 20 Mar 2024 08:45:00 +0000" */
    if ((k = num12(s, n, i, &d)) && (i == 0 || s[i - 1] < '0' || s[i - 1] > '9') &&
        i + (size_t)k < n && s[i + (size_t)k] == ' ' &&
        (mo = month_name(s, n, i + (size_t)k + 1, &ml))) {
        size_t e = i + (size_t)k + 1 + ml;
        while (e < n && (s[e] == ' ' || s[e] == ','))
            e++;
        if (digits(s, n, e, 4, &y)) {
            p->y = y; p->mo = mo; p->d = d;
            parse_time(s, n, e + 4, p);
            return valid(p);
        }
    }
    /* "March 20, 2024", "Mar. 20 2024" */
    if ((mo = month_name(s, n, i, &ml))) {
        size_t e = i + ml;
        while (e < n && s[e] == ' ')
            e++;
        if ((k = num12(s, n, e, &d))) {
            e += (size_t)k;
            if (n - e >= 2 && (!strncmp(s + e, "st", 2) || !strncmp(s + e, "nd", 2) ||
                               !strncmp(s + e, "rd", 2) || !strncmp(s + e, "th", 2)))
                e += 2;
            while (e < n && (s[e] == ' ' || s[e] == ','))
                e++;
            if (digits(s, n, e, 4, &y)) {
                p->y = y; p->mo = mo; p->d = d;
                size_t t = e + 4;
                while (t < n && (s[t] == ' ' || s[t] == ',' || s[t] == '-' || s[t] == '|'))
                    t++;
                if (n - t >= 2 && !strncmp(s + t, "at", 2))
                    t += 2;
                parse_time(s, n, t, p);
                return valid(p);
            }
        }
    }
    return 0;
}

static char *format(const date_parts *p)
{
    char buf[40];
    int w;
    if (p->h < 0)
        w = snprintf(buf, sizeof buf, "%04d-%02d-%02d", p->y, p->mo, p->d);
    else if (p->s < 0)
        w = snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d", p->y, p->mo, p->d, p->h, p->mi);
    else
        w = snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", p->y, p->mo, p->d,
                     p->h, p->mi, p->s > 59 ? 59 : p->s);
    if (w < 0 || (size_t)w >= sizeof buf)
        return NULL;
    if (p->h >= 0 && p->tz == 1) {
        if ((size_t)w + 1 < sizeof buf) {
            buf[w++] = 'Z';
            buf[w] = '\0';
        }
    } else if (p->h >= 0 && p->tz == 2) {
        int m = p->off_min < 0 ? -p->off_min : p->off_min;
        int w2 = snprintf(buf + w, sizeof buf - (size_t)w, "%c%02d:%02d",
                          p->off_min < 0 ? '-' : '+', m / 60, m % 60);
        if (w2 < 0 || (size_t)w2 >= sizeof buf - (size_t)w)
            return NULL;
    }
    return strdup(buf);
}

char *ex_date_iso(const char *s, size_t n)
{
    date_parts p;
    if (!s)
        return NULL;
    if (n > 4096)
        n = 4096;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int digit = c >= '0' && c <= '9', alpha = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
        if (!digit && !alpha)
            continue;
        if (i > 0) {   /* only where a number or a word starts */
            unsigned char pc = (unsigned char)s[i - 1];
            if ((digit && pc >= '0' && pc <= '9') ||
                (alpha && (pc | 0x20) >= 'a' && (pc | 0x20) <= 'z'))
                continue;
        }
        if (try_at(s, n, i, &p))
            return format(&p);
    }
    return NULL;
}
