/* date_chain.c -- dates told relative to the previous dated event.
 *
 * Owns the chained expressions: 一个月后, 两天后, 次日, 翌日, 第二天, 当天,
 * 当日, 同日, a month later, three days later, the next day, the same day.
 * They count from the date of the event told before (events.c keeps it),
 * not from the publication date (dates.c's anchor). Finding the
 * expressions of the calendar is dates.c's.
 */
#include "analyze/dates.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { U_DAY, U_WEEK, U_MONTH, U_YEAR };

/* a count: Arabic digits, 一..十 / 两, or an English number word */
static size_t count_at(const char *s, size_t len, size_t i, int *v)
{
    static const char *const zh[] = {"一", "两", "二", "三", "四", "五", "六", "七", "八", "九", "十", NULL};
    static const int zv[] = {1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    static const char *const en[] = {"a ", "an ", "one ", "two ", "three ", "four ", "five ", "six ",
                                     "seven ", "eight ", "nine ", "ten ", NULL};
    static const int ev[] = {1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    size_t j = i;
    int n = 0;
    while (j < len && s[j] >= '0' && s[j] <= '9' && j - i < 3)
        n = n * 10 + (s[j++] - '0');
    if (j > i) {
        *v = n;
        return j;
    }
    for (size_t k = 0; zh[k]; k++)
        if (!strncmp(s + i, zh[k], strlen(zh[k])) && i + strlen(zh[k]) <= len) {
            *v = zv[k];
            return i + strlen(zh[k]);
        }
    for (size_t k = 0; en[k]; k++)
        if (i + strlen(en[k]) <= len && !strncasecmp(s + i, en[k], strlen(en[k])) &&
            (i == 0 || s[i - 1] == ' ')) {
            *v = ev[k];
            return i + strlen(en[k]);
        }
    return i;
}

/* unit and "after" word at s[j]: 个月后, 天后, 周后, 年后, months later ... */
static int unit_after(const char *s, size_t len, size_t j, int *unit)
{
    static const struct { const char *w; int u; } U[] = {
        {"个月后", U_MONTH}, {"个月之后", U_MONTH}, {"个多月后", U_MONTH}, {"天后", U_DAY}, {"天之后", U_DAY},
        {"日后", U_DAY}, {"周后", U_WEEK}, {"个星期后", U_WEEK}, {"年后", U_YEAR},
        {"days later", U_DAY}, {"day later", U_DAY}, {"weeks later", U_WEEK}, {"week later", U_WEEK},
        {"months later", U_MONTH}, {"month later", U_MONTH}, {"years later", U_YEAR}, {"year later", U_YEAR},
        {NULL, 0}};
    for (size_t k = 0; U[k].w; k++)
        if (j + strlen(U[k].w) <= len && !strncmp(s + j, U[k].w, strlen(U[k].w))) {
            *unit = U[k].u;
            return 1;
        }
    return 0;
}

/* Offset found in s: *unit, *n (0 = the same day). */
static int find_offset(const char *s, size_t len, int *unit, int *n)
{
    static const struct { const char *w; int d; } FIXED[] = {
        {"次日", 1}, {"翌日", 1}, {"第二天", 1}, {"当天", 0}, {"当日", 0}, {"同日", 0}, {"同一天", 0},
        {"the next day", 1}, {"the following day", 1}, {"the same day", 0}, {"later that day", 0}, {NULL, 0}};
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; FIXED[k].w; k++)
            if (i + strlen(FIXED[k].w) <= len && !strncasecmp(s + i, FIXED[k].w, strlen(FIXED[k].w))) {
                *unit = U_DAY;
                *n = FIXED[k].d;
                return 1;
            }
        int v = 0;
        size_t j = count_at(s, len, i, &v);
        if (j > i && v > 0 && unit_after(s, len, j, unit)) {
            if (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
                continue;
            *n = v;
            return 1;
        }
    }
    return 0;
}

int date_chain(const char *s, size_t len, const char *prev, char *out, size_t cap)
{
    int y = 0, m = 0, d = 0, unit = 0, n = 0, w;
    if (!s || !prev || !find_offset(s, len, &unit, &n))
        return 0;
    int parts = sscanf(prev, "%4d-%2d-%2d", &y, &m, &d);
    if (parts < 1 || strchr(prev, 'W') || strchr(prev, '/') || y < 1000)
        return 0;
    if (unit == U_YEAR) {
        w = snprintf(out, cap, "%04d", y + n);
    } else if (unit == U_MONTH && parts >= 2) {
        int mm = y * 12 + (m - 1) + n;
        w = snprintf(out, cap, "%04d-%02d", mm / 12, mm % 12 + 1);
    } else if ((unit == U_DAY || unit == U_WEEK) && parts == 3) {
        long z = date_days_from_civil(y, m, d) + (unit == U_WEEK ? 7L : 1L) * n;
        date_civil_from_days(z, &y, &m, &d);
        w = snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
    } else {
        return 0;
    }
    return w > 0 && (size_t)w < cap;
}
