/* site.h -- which site a URL belongs to: its registrable domain
 * ("eTLD+1": news.example.co.uk -> example.co.uk), from the Public Suffix
 * List through libpsl.
 *
 * Used to decide whether a page's canonical URL may take part in dedupe:
 * only when it names the same site as the page it was read from.
 */
#ifndef SKIMD_SITE_H
#define SKIMD_SITE_H

/* Load the Public Suffix List (the system's file, else libpsl's built-in
 * copy). Call once before threads; later calls do nothing. 0 or -1 (then
 * site_same_site compares whole host names only). */
int site_init(void);

/* 1 when both http(s) URLs have hosts of the same registrable domain (or,
 * for IP literals and hosts that are a public suffix themselves, the very
 * same host); 0 otherwise, and when either does not parse. */
int site_same_site(const char *url_a, const char *url_b);

#endif
