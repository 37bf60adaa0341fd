/* dates.h -- time expressions in Chinese and English, normalised to ISO 8601.
 *
 * Finds expressions such as 2022年11月, 去年11月, 今年5月, 上周, 3月15日,
 * 5月初, 2012-2017年, 昨天, 周二, last November, on Tuesday, in January,
 * next year, 15 March 2005, and resolves them against an anchor (the
 * article's publication date). Output is ISO 8601, partial when the text
 * is partial: "2022-11-15", "2022-11", "2022", "2023-W26" (a week),
 * "2012/2017" (a span of years). Without an anchor only expressions that
 * carry their own year are resolved.
 */
#ifndef SKIMD_DATES_H
#define SKIMD_DATES_H

#include <stddef.h>

typedef struct date_anchor {
    int y, m, d;   /* y == 0: no anchor */
} date_anchor;

typedef struct date_match {
    size_t start, end;  /* byte span of the expression */
    char iso[24];       /* normalised value */
    int deictic;        /* 1: relative to "now" (昨天, 上周, last week, Tuesday);
                           0: a calendar expression (2008年5月12日, 5月12日, 12日) */
} date_match;

/* Parse a publication date: ISO 8601 ("2023-07-03", "2023-07-03T10:12+08:00"),
 * "2008年04月05日 09:12", "2006-8-14 9:34:32". Returns 0, or -1 (and
 * a->y = 0) when s is NULL or not a date. */
int date_anchor_parse(const char *s, date_anchor *a);

/* First resolvable time expression in s[0..len) (UTF-8). anchor may be
 * NULL or have y == 0. Returns 1 and fills *m, or 0 when there is none. */
int date_find(const char *s, size_t len, const date_anchor *anchor, date_match *m);

/* Days since 1970-01-01 of a proleptic Gregorian date (negative before);
 * m 1..12, d 1..31, not checked. */
long date_days_from_civil(int y, int m, int d);
/* The inverse: the date of day z since 1970-01-01. */
void date_civil_from_days(long z, int *y, int *m, int *d);

/* A time expression in s[0..len) that counts from an earlier date
 * ("一个月后", "次日", "当天", "两天后", "a month later", "the next day",
 * "the same day", "three days later"), applied to prev ("2023-05",
 * "2008-05-12", "2022"): writes the ISO result, at the precision both
 * allow (a day offset needs a day), into out and returns 1; 0 when s has
 * none or prev cannot carry it. */
int date_chain(const char *s, size_t len, const char *prev, char *out, size_t cap);

#endif
