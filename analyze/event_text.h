/* event_text.h -- tiny byte-level text helpers shared by events.c and
 * event_names.c (UTF-8, lists of literal words). */
#ifndef SKIMD_EVENT_TEXT_H
#define SKIMD_EVENT_TEXT_H

#include <stddef.h>
#include <string.h>

/* Bytes of the UTF-8 sequence that starts with c. */
static inline size_t event_cp_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* 1 when s[i..] starts with w (within len). */
static inline int event_starts(const char *s, size_t len, size_t i, const char *w)
{
    /* The first-byte test rejects nearly every position before strlen and
     * memcmp run: these are called at each byte of long texts. */
    if (w[0] && (i >= len || s[i] != w[0]))
        return 0;
    size_t n = strlen(w);
    return i + n <= len && !memcmp(s + i, w, n);
}

/* A CJK ideograph (U+3400..U+9FFF) at s[i]. */
static inline int event_is_han(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    return c >= 0xE3 && c <= 0xE9 && i + 2 < len && !(c == 0xE3 && (unsigned char)s[i + 1] < 0x90);
}

/* Length of the first word of the NULL-terminated list that s[i..]
 * starts with, or 0. */
static inline int event_any_of(const char *s, size_t len, size_t i, const char *const *list)
{
    for (size_t k = 0; list[k]; k++)
        if (event_starts(s, len, i, list[k]))
            return (int)strlen(list[k]);
    return 0;
}

/* 1 when w occurs in s[a..b). */
static inline int event_contains(const char *s, size_t a, size_t b, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = a; i + n <= b; i++)
        if (s[i] == w[0] && !memcmp(s + i, w, n))
            return 1;
    return 0;
}

#endif
