/* site.h -- which site a URL belongs to: its registrable domain
 * ("eTLD+1": news.example.co.uk -> example.co.uk), from the Public Suffix
 * List through libpsl.
 *
 * Used to decide whether a page's canonical URL may take part in dedupe:
 * only when it names the same site as the page it was read from.
 */
#ifndef SKIMD_SITE_H
#define SKIMD_SITE_H

#include <stddef.h>

/* Load the Public Suffix List (the system's file, else libpsl's built-in
 * copy). Call once before threads; later calls do nothing. 0 or -1 (then
 * site_same_site compares whole host names only). */
int site_init(void);

/* 1 when both http(s) URLs have hosts of the same registrable domain (or,
 * for IP literals and hosts that are a public suffix themselves, the very
 * same host); 0 otherwise, and when either does not parse. */
int site_same_site(const char *url_a, const char *url_b);

/* The politeness key of an http(s) URL (server/polite.h): its host's
 * registrable domain (news.example.co.uk and www.example.co.uk are one
 * site), or the lower-cased host itself for IP literals, names without
 * one (localhost) and public suffixes. 0, or -1 when the URL does not
 * parse or the key is longer than cap - 1. */
int site_host_key(const char *url, char *out, size_t cap);

#endif
