/* dates.c -- finding and normalising time expressions (Chinese, English).
 *
 * Owns the calendar arithmetic and the expression grammar: a left-to-right
 * scan that tries, at each character, the Chinese forms (去年/今年 + month,
 * 昨天, 上周, 上个月, 周二, numbers with 年/月/日 in Arabic, full-width or
 * Chinese numerals, spans like 2012-2017年, ISO dates) and the English
 * forms (yesterday, last/next/this week|month|year|<month>|<weekday>,
 * "15 March 2005", "March 15", "in January", "in 2004"). An expression
 * without a year takes the year that puts it nearest the anchor, the past
 * preferred (a future date costs three times its distance). Finding which
 * event a date belongs to is events.c's business.
 */
#include "analyze/dates.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { G_DAY, G_MONTH, G_YEAR, G_WEEK, G_SPAN };

typedef struct res {
    int gran;        /* G_* */
    int y, m, d;     /* resolved values */
    int y2;          /* end of a span of years */
    int deictic;
    size_t end;      /* end of the expression */
} res;

long date_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int iso_wday(long days) { return (int)(((days % 7) + 7 + 3) % 7) + 1; }  /* Mon=1 */

static int month_len(int y, int m)
{
    static const int ml[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : ml[m - 1];
}

static long anchor_days(const date_anchor *a) { return date_days_from_civil(a->y, a->m, a->d); }

/* cost of a candidate date relative to the anchor: past preferred */
static long cost(long diff) { return diff > 0 ? 3 * diff : -diff; }

/* Year for month m (and day d, 0 = whole month) nearest the anchor. */
static int pick_year(const date_anchor *a, int m, int d)
{
    int best = a->y;
    long bestc = -1, ad = anchor_days(a);
    for (int y = a->y - 1; y <= a->y + 1; y++) {
        int dd = d ? (d <= month_len(y, m) ? d : month_len(y, m)) : 15;
        long c = cost(date_days_from_civil(y, m, dd) - ad);
        if (bestc < 0 || c < bestc) {
            bestc = c;
            best = y;
        }
    }
    return best;
}

/* ---- lexical helpers ---- */

static size_t lit(const char *s, size_t len, size_t i, const char *w)
{
    if (i >= len || s[i] != w[0])   /* cheap reject: called at every byte */
        return 0;
    size_t n = strlen(w);
    return i + n <= len && !memcmp(s + i, w, n) ? n : 0;
}

/* An ASCII or full-width digit at s[i]: value, or -1; *n its byte length. */
static int digit_at(const char *s, size_t len, size_t i, size_t *n)
{
    unsigned char c = (unsigned char)s[i];
    if (c >= '0' && c <= '9') {
        *n = 1;
        return c - '0';
    }
    if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBC &&
        (unsigned char)s[i + 2] >= 0x90 && (unsigned char)s[i + 2] <= 0x99) {
        *n = 3;
        return (unsigned char)s[i + 2] - 0x90;
    }
    return -1;
}

/* A Chinese numeral character: 0-9, 10 for 十, or -1. */
static int cn_at(const char *s, size_t len, size_t i)
{
    static const char *cn[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "零"};
    for (int k = 0; k < 12; k++)
        if (lit(s, len, i, cn[k]))
            return k == 11 ? 0 : k;
    return -1;
}

/* Read a number (Arabic/full-width digits, or Chinese numerals) at i.
 * Returns the end, or i when there is none; *ndig = digits read. */
static size_t read_num(const char *s, size_t len, size_t i, int *val, int *ndig)
{
    size_t j = i, n;
    int v = 0, k = 0, d;
    while (j < len && k < 4 && (d = digit_at(s, len, j, &n)) >= 0) {
        v = v * 10 + d;
        j += n;
        k++;
    }
    if (k > 0) {
        if (j < len && digit_at(s, len, j, &n) >= 0)
            return i;   /* five digits or more: not a date part */
        *val = v;
        *ndig = k;
        return j;
    }
    /* Chinese: 二〇〇八 (digit by digit) or [a]十[b] */
    int tens = 0, seen_ten = 0;
    while (j < len && k < 4 && (d = cn_at(s, len, j)) >= 0) {
        if (d == 10) {
            if (seen_ten)
                break;
            seen_ten = 1;
            tens = (v ? v : 1) * 10;
            v = 0;
        } else {
            v = v * 10 + d;
        }
        j += 3;
        k++;
    }
    if (k == 0)
        return i;
    *val = seen_ten ? tens + v : v;
    *ndig = seen_ten ? 2 : k;
    return j;
}

/* ---- Chinese ---- */

/* After a month: 初/上旬/中旬/下旬/底/末/份 (month granularity), or a day. */
static void zh_month_tail(const char *s, size_t len, res *r)
{
    size_t j = r->end, n;
    int v = 0, nd = 0;
    size_t e = read_num(s, len, j, &v, &nd);
    if (e > j && v >= 1 && v <= 31 && ((n = lit(s, len, e, "日")) || (n = lit(s, len, e, "号")))) {
        r->d = v;
        r->gran = G_DAY;
        r->end = e + n;
        return;
    }
    static const char *tails[] = {"初", "上旬", "中旬", "下旬", "底", "末", "份"};
    for (size_t k = 0; k < sizeof tails / sizeof *tails; k++)
        if ((n = lit(s, len, j, tails[k]))) {
            r->end = j + n;
            return;
        }
}

static int weekday_char(const char *s, size_t len, size_t i)
{
    static const char *wd[] = {"一", "二", "三", "四", "五", "六", "日", "天"};
    for (int k = 0; k < 8; k++)
        if (lit(s, len, i, wd[k]))
            return k < 7 ? k + 1 : 7;
    return 0;
}

static int try_zh(const char *s, size_t len, size_t i, const date_anchor *a, res *r)
{
    size_t n;
    int have = a && a->y;
    static const struct { const char *w; int dy; } years[] = {
        {"去年", -1}, {"前年", -2}, {"今年", 0}, {"明年", 1}, {"本年", 0}, {"后年", 2}};
    for (size_t k = 0; k < sizeof years / sizeof *years; k++) {
        if (!(n = lit(s, len, i, years[k].w)))
            continue;
        if (!have)
            return 0;
        *r = (res){G_YEAR, a->y + years[k].dy, 0, 0, 0, 1, i + n};
        int v = 0, nd = 0;
        size_t e = read_num(s, len, i + n, &v, &nd);
        if (e > i + n && v >= 1 && v <= 12 && (n = lit(s, len, e, "月"))) {
            r->m = v;
            r->gran = G_MONTH;
            r->end = e + n;
            zh_month_tail(s, len, r);
        }
        return 1;
    }
    static const struct { const char *w; int dd; } days[] = {
        {"昨天", -1}, {"昨日", -1}, {"昨晚", -1}, {"昨夜", -1}, {"昨晨", -1}, {"前天", -2},
        {"今天", 0}, {"今日", 0}, {"今晨", 0}, {"今早", 0}, {"今晚", 0}, {"明天", 1}, {"明日", 1}};
    for (size_t k = 0; k < sizeof days / sizeof *days; k++) {
        if (!(n = lit(s, len, i, days[k].w)))
            continue;
        if (!have)
            return 0;
        if (!strcmp(days[k].w, "今天")) {
            /* bare 今天 often means "nowadays": only with a time of day */
            static const char *const tod[] = {"上午", "下午", "凌晨", "早上", "中午", "晚上", "晚间",
                                              "傍晚", "早晨", "清晨", "夜间", "零时", "一早"};
            int ok = 0;
            for (size_t t = 0; t < sizeof tod / sizeof *tod && !ok; t++)
                ok = lit(s, len, i + n, tod[t]) > 0;
            if (!ok)
                return 0;
        }
        *r = (res){G_DAY, 0, 0, 0, 0, 1, i + n};
        date_civil_from_days(anchor_days(a) + days[k].dd, &r->y, &r->m, &r->d);
        return 1;
    }
    static const struct { const char *w; int dw; } weeks[] = {
        {"上周", -1}, {"上星期", -1}, {"上个星期", -1}, {"上礼拜", -1}, {"本周", 0},
        {"这周", 0}, {"本星期", 0}, {"下周", 1}, {"下星期", 1}, {"下个星期", 1}};
    for (size_t k = 0; k < sizeof weeks / sizeof *weeks; k++) {
        if (!(n = lit(s, len, i, weeks[k].w)))
            continue;
        if (!have)
            return 0;
        long day = anchor_days(a) + 7 * weeks[k].dw;
        int wd = weekday_char(s, len, i + n);
        *r = (res){G_WEEK, 0, 0, 0, 0, 1, i + n};
        if (wd) {
            day += wd - iso_wday(day);
            r->gran = G_DAY;
            r->end += 3;
        }
        date_civil_from_days(day, &r->y, &r->m, &r->d);
        return 1;
    }
    static const struct { const char *w; int dm; } months[] = {
        {"上个月", -1}, {"上月", -1}, {"本月", 0}, {"这个月", 0}, {"下个月", 1}, {"下月", 1}};
    for (size_t k = 0; k < sizeof months / sizeof *months; k++) {
        if (!(n = lit(s, len, i, months[k].w)))
            continue;
        if (!have)
            return 0;
        int mm = a->y * 12 + (a->m - 1) + months[k].dm;
        *r = (res){G_MONTH, mm / 12, mm % 12 + 1, 0, 0, 1, i + n};
        return 1;
    }
    static const char *wk[] = {"星期", "礼拜", "周"};
    for (size_t k = 0; k < 3; k++) {
        int wd;
        if (!(n = lit(s, len, i, wk[k])) || !(wd = weekday_char(s, len, i + n)))
            continue;
        if (i >= 3 && (lit(s, len, i - 3, "每") || lit(s, len, i - 3, "一") || lit(s, len, i - 3, "个")))
            return 0;
        if (!have)
            return 0;
        long day = anchor_days(a), back = (iso_wday(day) - wd + 7) % 7;
        *r = (res){G_DAY, 0, 0, 0, 0, 1, i + n + 3};
        date_civil_from_days(day - back, &r->y, &r->m, &r->d);
        return 1;
    }
    /* numbers */
    int v = 0, nd = 0;
    size_t e = read_num(s, len, i, &v, &nd);
    if (e == i)
        return 0;
    if (nd == 4 && v >= 1000 && v <= 2999) {
        if ((n = lit(s, len, e, "年"))) {
            *r = (res){G_YEAR, v, 0, 0, 0, 0, e + n};
            int mv = 0, md = 0;
            size_t e2 = read_num(s, len, e + n, &mv, &md);
            size_t n2;
            if (e2 > e + n && mv >= 1 && mv <= 12 && (n2 = lit(s, len, e2, "月"))) {
                r->m = mv;
                r->gran = G_MONTH;
                r->end = e2 + n2;
                zh_month_tail(s, len, r);
            }
            return 1;
        }
        static const char *seps[] = {"-", "/", "—", "–", "~", "～", "至", "到"};
        for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
            size_t ns = lit(s, len, e, seps[k]);
            int v2 = 0, nd2 = 0;
            size_t e2 = ns ? read_num(s, len, e + ns, &v2, &nd2) : e;
            if (!ns || e2 == e + ns)
                continue;
            if (nd2 == 4 && v2 > v && v2 <= 2999 && (n = lit(s, len, e2, "年"))) {
                *r = (res){G_SPAN, v, 0, 0, v2, 0, e2 + n};
                return 1;
            }
            if (k <= 1 && nd2 <= 2 && v2 >= 1 && v2 <= 12 && e2 < len &&
                !memcmp(s + e2, seps[k], ns)) {   /* 2006-8-14 */
                int v3 = 0, nd3 = 0;
                size_t e3 = read_num(s, len, e2 + ns, &v3, &nd3);
                if (e3 > e2 + ns && nd3 <= 2 && v3 >= 1 && v3 <= month_len(v, v2)) {
                    *r = (res){G_DAY, v, v2, v3, 0, 0, e3};
                    return 1;
                }
            }
            if (nd2 <= 2 && v2 >= 1 && v2 <= 12 && k == 0) {   /* 2022-11 */
                *r = (res){G_MONTH, v, v2, 0, 0, 0, e2};
                return 1;
            }
        }
        return 0;
    }
    if (nd > 2)
        return 0;
    if (v >= 1 && v <= 12 && (n = lit(s, len, e, "月"))) {
        if (!have)
            return 0;
        *r = (res){G_MONTH, 0, v, 0, 0, 0, e + n};
        zh_month_tail(s, len, r);
        r->y = pick_year(a, r->m, r->gran == G_DAY ? r->d : 0);
        if (r->gran == G_DAY && r->d > month_len(r->y, r->m))
            return 0;
        return 1;
    }
    if (v >= 1 && v <= 31 && (n = lit(s, len, e, "日"))) {
        if (!have)
            return 0;
        long ad = anchor_days(a), bestc = -1;
        for (int dm = -1; dm <= 1; dm++) {
            int mm = a->y * 12 + (a->m - 1) + dm, y = mm / 12, m = mm % 12 + 1;
            if (v > month_len(y, m))
                continue;
            long c = cost(date_days_from_civil(y, m, v) - ad);
            if (bestc < 0 || c < bestc) {
                bestc = c;
                *r = (res){G_DAY, y, m, v, 0, 0, e + n};
            }
        }
        return bestc >= 0;
    }
    return 0;
}

/* ---- English ---- */

static const char *const month_names[] = {"January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December"};
static const char *const wday_names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                         "Saturday", "Sunday"};

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* A whole word w at i (case-insensitive when ci); returns its length. */
static size_t word(const char *s, size_t len, size_t i, const char *w, int ci)
{
    if (i >= len || (ci ? (s[i] | 0x20) != (w[0] | 0x20) : s[i] != w[0]))
        return 0;   /* cheap reject first: called at every letter */
    size_t n = strlen(w);
    if (i + n > len || (i + n < len && is_alpha(s[i + n])))
        return 0;
    return (ci ? !strncasecmp(s + i, w, n) : !strncmp(s + i, w, n)) ? n : 0;
}

/* Month name (full, or three-letter abbreviation with optional '.'). */
static int month_at(const char *s, size_t len, size_t i, size_t *n)
{
    for (int k = 0; k < 12; k++) {
        if ((*n = word(s, len, i, month_names[k], 0)))
            return k + 1;
        if (k == 8 && (*n = word(s, len, i, "Sept", 0))) {
            if (i + *n < len && s[i + *n] == '.')
                (*n)++;
            return k + 1;
        }
        char ab[4] = {month_names[k][0], month_names[k][1], month_names[k][2], 0};
        if (k != 4 && (*n = word(s, len, i, ab, 0))) {
            if (i + *n < len && s[i + *n] == '.')
                (*n)++;
            return k + 1;
        }
    }
    return 0;
}

static size_t skip_sp(const char *s, size_t len, size_t j)
{
    while (j < len && s[j] == ' ')
        j++;
    return j;
}

static size_t read_year_en(const char *s, size_t len, size_t j, int *y)
{
    int v = 0, nd = 0;
    size_t e = read_num(s, len, j, &v, &nd);
    if (e > j && nd == 4 && v >= 1000 && v <= 2999 && (e == len || !is_alpha(s[e]))) {
        *y = v;
        return e;
    }
    return j;
}

/* Nothing but spaces and quotes between s[i] and the start of its sentence. */
static int sentence_start(const char *s, size_t i)
{
    while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '"' || s[i - 1] == '\''))
        i--;
    return i == 0 || s[i - 1] == '.' || s[i - 1] == '!' || s[i - 1] == '?' || s[i - 1] == '\n';
}

/* The number word or digits at s[i] ("a", "an", "one" .. "twelve", "3");
 * returns its end, or i. */
static size_t count_word(const char *s, size_t len, size_t i, int *v)
{
    static const char *const w[] = {"a", "an", "one", "two", "three", "four", "five", "six", "seven",
                                    "eight", "nine", "ten", "eleven", "twelve", NULL};
    static const int val[] = {1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    size_t n;
    int nd = 0;
    for (size_t k = 0; w[k]; k++)
        if ((n = word(s, len, i, w[k], 1))) {
            *v = val[k];
            return i + n;
        }
    size_t e = read_num(s, len, i, v, &nd);
    return e > i && nd <= 2 && *v > 0 ? e : i;
}

/* "three years ago", "a month ago", "a year earlier", "year-earlier",
 * "year-ago": counted back from the anchor, at the unit's precision. */
static int try_en_ago(const char *s, size_t len, size_t i, const date_anchor *a, res *r)
{
    size_t n;
    int v = 0;
    if ((n = word(s, len, i, "year-earlier", 1)) || (n = word(s, len, i, "year-ago", 1)) ||
        (n = word(s, len, i, "year-before", 1))) {
        *r = (res){G_YEAR, a->y - 1, 0, 0, 0, 1, i + n};
        return 1;
    }
    size_t e = count_word(s, len, i, &v), u, m;
    if (e == i)
        return 0;
    size_t p = skip_sp(s, len, e);
    static const char *const units[] = {"years", "year", "months", "month", "weeks", "week", "days", "day", NULL};
    for (size_t k = 0; units[k]; k++) {
        if (!(u = word(s, len, p, units[k], 1)))
            continue;
        size_t q = skip_sp(s, len, p + u);
        if (!(m = word(s, len, q, "ago", 1)) && !(m = word(s, len, q, "earlier", 1)))
            return 0;
        long ad = anchor_days(a);
        if (k < 2)
            *r = (res){G_YEAR, a->y - v, 0, 0, 0, 1, q + m};
        else if (k < 4) {
            int mm = a->y * 12 + (a->m - 1) - v;
            *r = (res){G_MONTH, mm / 12, mm % 12 + 1, 0, 0, 1, q + m};
        } else {
            *r = (res){k < 6 ? G_WEEK : G_DAY, 0, 0, 0, 0, 1, q + m};
            date_civil_from_days(ad - (k < 6 ? 7L : 1L) * v, &r->y, &r->m, &r->d);
        }
        return 1;
    }
    return 0;
}

/* "the third quarter", "third-quarter", "the quarter", "this quarter":
 * the latest such quarter that began before the anchor, given as its
 * year (ISO 8601 has no quarters; the year holds it). */
static int try_en_quarter(const char *s, size_t len, size_t i, const date_anchor *a, res *r)
{
    static const char *const ord[] = {"first", "second", "third", "fourth", NULL};
    static const char *const det[] = {"the", "this", "latest", "current", "same", NULL};
    size_t n = 0, q;
    int which = 0;
    for (int k = 0; ord[k] && !n; k++)
        if ((n = word(s, len, i, ord[k], 1)))
            which = k + 1;
    for (int k = 0; det[k] && !n; k++)
        n = word(s, len, i, det[k], 1);
    if (!n || i + n >= len || (s[i + n] != ' ' && s[i + n] != '-'))
        return 0;
    if (!(q = word(s, len, i + n + 1, "quarter", 1)))
        return 0;
    /* a named quarter not begun yet this year is last year's; "the
     * quarter" is the one a report looks back on: last month's */
    int y = which ? a->y - (3 * which - 2 > a->m) : a->y - (a->m == 1);
    *r = (res){G_YEAR, y, 0, 0, 0, 1, i + n + 1 + q};
    return 1;
}

/* "last night", "tonight", "this morning": a day; "this summer", "last
 * winter": the season's year; "nineteen ninety-one": a spoken year. */
static int try_en_misc(const char *s, size_t len, size_t i, const date_anchor *a, res *r)
{
    static const struct { const char *w; int dd; } parts[] = {
        {"last night", -1}, {"tonight", 0}, {"this morning", 0}, {"this afternoon", 0},
        {"this evening", 0}, {"earlier today", 0}, {"overnight", 0}, {NULL, 0}};
    size_t n;
    for (size_t k = 0; parts[k].w; k++)
        if ((n = word(s, len, i, parts[k].w, 1))) {
            *r = (res){G_DAY, 0, 0, 0, 0, 1, i + n};
            date_civil_from_days(anchor_days(a) + parts[k].dd, &r->y, &r->m, &r->d);
            return 1;
        }
    static const char *const rel[] = {"this", "last", "next", NULL};
    static const char *const season[] = {"spring", "summer", "fall", "autumn", "winter", NULL};
    for (int k = 0; rel[k]; k++) {
        if (!(n = word(s, len, i, rel[k], 1)))
            continue;
        size_t p = skip_sp(s, len, i + n), m;
        for (int j = 0; season[j]; j++)
            if ((m = word(s, len, p, season[j], 1))) {
                *r = (res){G_YEAR, a->y + (k == 0 ? 0 : k == 1 ? -1 : 1), 0, 0, 0, 1, p + m};
                return 1;
            }
    }
    if ((n = word(s, len, i, "nineteen", 1))) {
        static const char *const tens[] = {"seventy", "eighty", "ninety", NULL};
        static const char *const ones[] = {"one", "two", "three", "four", "five", "six", "seven", "eight",
                                           "nine", NULL};
        size_t p = skip_sp(s, len, i + n), m;
        for (int k = 0; tens[k]; k++) {
            if (!(m = word(s, len, p, tens[k], 1)))
                continue;
            int y = 1970 + 10 * k;
            size_t e = p + m;
            for (int j = 0; e < len && s[e] == '-' && ones[j]; j++) {
                size_t o = word(s, len, e + 1, ones[j], 1);
                if (o) {
                    y += j + 1;
                    e += 1 + o;
                }
            }
            *r = (res){G_YEAR, y, 0, 0, 0, 0, e};
            return 1;
        }
    }
    return 0;
}

/* A month name at s[ms..ms+n) with no day before it is a date only when a
 * day or a year follows ("May 5", "Jan. 1990") or a date word stands
 * before it ("in January", "since March", "early May", "last" is handled
 * by the caller); "Jan Kavan", "May I", "March on" are not dates. */
static int month_in_context(const char *s, size_t len, size_t ms, size_t n)
{
    size_t p = skip_sp(s, len, ms + n);
    if (p < len && s[p] >= '0' && s[p] <= '9')
        return 1;
    static const char *const pre[] = {"in ", "of ", "since ", "by ", "until ", "till ", "early ", "late ",
                                      "mid-", "mid ", "from ", "through ", "during ", "between ", "before ",
                                      "after ", "to ", "and ", "or ", "end of ", "Since ", "In ", "By ",
                                      "Until ", "From ", "During ", "Early ", "Late ", "Before ", "After ", NULL};
    for (size_t k = 0; pre[k]; k++) {
        size_t pl = strlen(pre[k]);
        if (ms >= pl && !strncmp(s + ms - pl, pre[k], pl) && (ms == pl || !is_alpha(s[ms - pl - 1])))
            return 1;
    }
    return 0;
}

/* Does the clause before s[i] speak of the future ("will", "plans to",
 * "is scheduled to", "is expected to")? Looks back to the last , ; . */
static int future_context(const char *s, size_t i)
{
    static const char *const cues[] = {" will ", " plan to ", " plans to ", " is scheduled ", " are scheduled ",
                                       " is expected to ", " are expected to ", "'ll ", NULL};
    size_t b = i;
    while (b > 0 && i - b < 160 && s[b - 1] != '.' && s[b - 1] != ';' && s[b - 1] != '\n')
        b--;
    for (size_t k = 0; cues[k]; k++) {
        size_t n = strlen(cues[k]);
        for (size_t p = b; p + n <= i; p++)
            if (!memcmp(s + p, cues[k], n))
                return 1;
    }
    return 0;
}

static int try_en(const char *s, size_t len, size_t i, const date_anchor *a, res *r)
{
    size_t n, j;
    int have = a && a->y;
    if (i > 0 && is_alpha(s[i - 1]))
        return 0;
    static const struct { const char *w; int dd; } days[] = {{"yesterday", -1}, {"today", 0}, {"tomorrow", 1}};
    for (size_t k = 0; k < 3; k++)
        if ((n = word(s, len, i, days[k].w, 1))) {
            if (!have || (s[i] >= 'A' && s[i] <= 'Z' && !sentence_start(s, i)))
                return 0;   /* "the Today programme" is a name */
            *r = (res){G_DAY, 0, 0, 0, 0, 1, i + n};
            date_civil_from_days(anchor_days(a) + days[k].dd, &r->y, &r->m, &r->d);
            return 1;
        }
    if (have && (try_en_misc(s, len, i, a, r) || try_en_ago(s, len, i, a, r) || try_en_quarter(s, len, i, a, r)))
        return 1;
    int rel = 0;   /* -1 last, 0 this, 1 next, 2 none */
    if ((n = word(s, len, i, "last", 1)))
        rel = -1;
    else if ((n = word(s, len, i, "next", 1)))
        rel = 1;
    else if ((n = word(s, len, i, "this", 1)))
        rel = 0;
    else
        rel = 2, n = 0;
    j = n ? skip_sp(s, len, i + n) : i;
    if (rel != 2) {
        if (!have || (s[i] >= 'A' && s[i] <= 'Z' && !sentence_start(s, i)))
            return 0;   /* "This Week" the programme: a name */
        size_t m;
        if ((m = word(s, len, j, "week", 1))) {
            long day = anchor_days(a) + 7 * rel;
            *r = (res){G_WEEK, 0, 0, 0, 0, 1, j + m};
            date_civil_from_days(day, &r->y, &r->m, &r->d);
            return 1;
        }
        if ((m = word(s, len, j, "month", 1))) {
            int mm = a->y * 12 + (a->m - 1) + rel;
            *r = (res){G_MONTH, mm / 12, mm % 12 + 1, 0, 0, 1, j + m};
            return 1;
        }
        if ((m = word(s, len, j, "year", 1))) {
            *r = (res){G_YEAR, a->y + rel, 0, 0, 0, 1, j + m};
            return 1;
        }
    }
    /* weekday */
    for (int k = 0; k < 7; k++) {
        size_t m = word(s, len, j, wday_names[k], 0), mn = 0;
        if (!m)
            continue;
        size_t after = skip_sp(s, len, j + m < len && s[j + m] == ',' ? j + m + 1 : j + m);
        if (rel == 2 && month_at(s, len, after, &mn)) {
            j = after;   /* "Saturday, April 25": the date it names */
            break;
        }
        if (!have)
            return 0;
        long day = anchor_days(a);
        int wd = k + 1, cur = iso_wday(day);
        if (rel == 2 && future_context(s, i))
            rel = 1;   /* "will meet on Thursday": the coming one */
        long delta = rel == 1 ? (wd - cur + 7) % 7 : -(long)((cur - wd + 7) % 7);
        if (rel == 1 && delta == 0)
            delta = 7;
        if (rel == -1 && delta == 0)
            delta = -7;
        *r = (res){G_DAY, 0, 0, 0, 0, 1, j + m};
        date_civil_from_days(day + delta, &r->y, &r->m, &r->d);
        return 1;
    }
    /* [day] Month [day][,] [year] */
    int dv = 0, nd = 0;
    size_t e = rel == 2 ? read_num(s, len, j, &dv, &nd) : j;
    size_t mstart = j;
    if (e > j) {
        if (nd > 2 || dv < 1 || dv > 31)
            goto year_only;
        if (e + 1 < len && (s[e] == 's' || s[e] == 'n' || s[e] == 'r' || s[e] == 't'))
            e += 2;   /* 1st, 2nd, 3rd, 4th */
        mstart = skip_sp(s, len, e);
        if (mstart == e)
            goto year_only;
    }
    int mon = month_at(s, len, mstart, &n);
    if (!mon)
        goto year_only;
    if (rel == 2 && e == j && !month_in_context(s, len, mstart, n))
        return 0;   /* "Jan Kavan", "May I", "March on": a month only in a date context */
    size_t end = mstart + n;
    int day = e > j ? dv : 0, year = 0;
    size_t p = skip_sp(s, len, end);
    if (!day) {
        int v2 = 0, nd2 = 0;
        size_t e2 = read_num(s, len, p, &v2, &nd2);
        if (e2 > p && nd2 <= 2 && v2 >= 1 && v2 <= 31 && (e2 == len || !is_alpha(s[e2]) ||
                                                           s[e2] == 's' || s[e2] == 'n' || s[e2] == 'r' || s[e2] == 't')) {
            day = v2;
            end = e2;
            while (end < len && is_alpha(s[end]))
                end++;
            p = skip_sp(s, len, end < len && s[end] == ',' ? end + 1 : end);
        }
    }
    size_t ye = read_year_en(s, len, p, &year);
    if (ye > p)
        end = ye;
    if (!year) {
        if (!have)
            return 0;
        if (rel == 2)
            year = pick_year(a, mon, day);
        else {
            long ad = anchor_days(a);
            year = a->y;
            long dd = date_days_from_civil(year, mon, day ? day : 1) - ad;
            if (rel == -1 && (dd >= 0 || (!day && mon == a->m)))
                year--;
            if (rel == 1 && dd <= 0)
                year++;
        }
    }
    if (day && day > month_len(year, mon))
        return 0;
    *r = (res){day ? G_DAY : G_MONTH, year, mon, day, 0, rel != 2 || !(ye > p), end};
    r->deictic = rel != 2;
    return 1;
year_only:
    /* in/since/by/until/during 2004 */
    if (rel == 2) {
        static const char *pre[] = {"in", "since", "by", "until", "during", "from", "through", "fiscal",
                                    "for", "before", "after", "early", "late"};
        for (size_t k = 0; k < sizeof pre / sizeof *pre; k++) {
            size_t m = word(s, len, i, pre[k], 1);
            int y = 0;
            size_t q = m ? skip_sp(s, len, i + m) : i, yend;
            if (m && q > i + m && (yend = read_year_en(s, len, q, &y)) > q) {
                *r = (res){G_YEAR, y, 0, 0, 0, 0, yend};
                return 1;
            }
        }
    }
    return 0;
}

static int format(const res *r, char *out, size_t cap)
{
    int n;
    switch (r->gran) {
    case G_DAY: n = snprintf(out, cap, "%04d-%02d-%02d", r->y, r->m, r->d); break;
    case G_MONTH: n = snprintf(out, cap, "%04d-%02d", r->y, r->m); break;
    case G_YEAR: n = snprintf(out, cap, "%04d", r->y); break;
    case G_SPAN: n = snprintf(out, cap, "%04d/%04d", r->y, r->y2); break;
    default: {
        /* ISO week: the week's Thursday decides the year */
        long day = date_days_from_civil(r->y, r->m, r->d);
        long thu = day + 4 - iso_wday(day);
        int ty, tm, td;
        date_civil_from_days(thu, &ty, &tm, &td);
        long week = (thu - date_days_from_civil(ty, 1, 1)) / 7 + 1;
        n = snprintf(out, cap, "%04d-W%02ld", ty, week);
    }
    }
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

int date_find(const char *s, size_t len, const date_anchor *anchor, date_match *m)
{
    if (!s)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80)
            continue;
        size_t n;
        if (i > 0 && (s[i - 1] >= '0' && s[i - 1] <= '9'))
            continue;   /* inside a number */
        if (i >= 3 && digit_at(s, len, i - 3, &n) >= 0 && n == 3)
            continue;
        res r;
        /* Chinese and numeric forms start with a digit or a non-ASCII
         * character; English ones with a letter or a digit */
        int digit = c >= '0' && c <= '9';
        if (((c >= 0x80 || digit) && try_zh(s, len, i, anchor, &r)) ||
            ((digit || is_alpha((char)c)) && try_en(s, len, i, anchor, &r))) {
            if (r.gran != G_SPAN && (r.y < 1000 || r.y > 2999))
                continue;
            m->start = i;
            m->end = r.end;
            m->deictic = r.deictic;
            if (format(&r, m->iso, sizeof m->iso) == 0)
                return 1;
        }
    }
    return 0;
}

int date_anchor_parse(const char *s, date_anchor *a)
{
    date_match m;
    a->y = a->m = a->d = 0;
    if (!s || date_find(s, strnlen(s, 200), NULL, &m) != 1 || strlen(m.iso) != 10)
        return -1;
    if (sscanf(m.iso, "%4d-%2d-%2d", &a->y, &a->m, &a->d) != 3) {
        a->y = 0;
        return -1;
    }
    return 0;
}
