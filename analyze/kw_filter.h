/* kw_filter.h -- keyword filters (internal to the keyword stage).
 *
 * kw_find_bans() collects, for one article, the strings no keyword may be a
 * part of or contain: byline and credit names (文|白马商评, 记者 王小明,
 * Reporting by ...), wire datelines (新华社北京3月5日电), speaker labels that
 * open two or more sentences (沈为：), the site's name (title tail, URL
 * host). Lower-cased, at most KW_MAX_BANS of them.
 */
#ifndef SKIMD_KW_FILTER_H
#define SKIMD_KW_FILTER_H

#include <stddef.h>

#include "analyze/text.h"

#define KW_MAX_BANS 48

typedef struct kw_bans {
    char s[KW_MAX_BANS][64];   /* lower-cased names and labels */
    size_t n;
} kw_bans;

/* Fill *b (overwritten) from doc; url may be NULL. */
void kw_find_bans(const text_doc *doc, const char *url, kw_bans *b);

/* Is the lower-cased candidate norm a part of a banned string, or (4+
 * bytes) does it contain one? */
int kw_is_banned(const kw_bans *b, const char *norm);

/* Is the Chinese word a number with a measure word (两年, 几百, 六七万)? */
int kw_cjk_number(const char *w);

#endif
