/* extract_title.c -- the title and the site name, cleaned.
 *
 * Owns the choice among the titles a page declares (OpenGraph/<meta>,
 * JSON-LD headline, <title>, the first <h1>), the removal of the site's
 * name from a title ("… | The Circuit Ledger", "_财经频道_东方财讯网",
 * "NEWS WEB EASY|…", "… - Stack Overflow Blog"), and the normalisation of
 * the site name itself ("Libération.fr" -> "Libération", "Spiceworks Inc"
 * -> "Spiceworks"; a section name such as "U.S." given as og:site_name
 * loses to a publisher name that names the page's host). Reads nothing
 * from the DOM: extract_meta.c collects the candidates and calls in.
 */
#include "ingest/extract_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/url.h"

#define HOST_CAP 256
#define HOST_LABEL_MIN 4        /* shorter host labels say too little */

/* Is `site` (or a short variant) the segment s[0..n)? */
static int seg_is_site(const char *s, size_t n, const char *site)
{
    if (!site || !site[0])
        return 0;
    size_t sl = strlen(site);
    return (n >= sl && memmem(s, n, site, sl)) || (sl >= n && n >= 2 && memmem(site, sl, s, n));
}

/* Lower-case ASCII letters and digits of s[0..n), at most cap-1, into out. */
static size_t squeeze(const char *s, size_t n, char *out, size_t cap)
{
    size_t w = 0;
    for (size_t i = 0; i < n && w + 1 < cap; i++)
        if (isalnum((unsigned char)s[i]))
            out[w++] = (char)tolower((unsigned char)s[i]);
    out[w] = '\0';
    return w;
}

/* The labels of the host that can name a site, squeezed and separated
 * by '.': every label but the last (the suffix), without "www", "m" and
 * "amp", of at least HOST_LABEL_MIN characters ("wiadomosci.gazeta" of
 * wiadomosci.gazeta.pl, "stackoverflow" of stackoverflow.blog). */
static void host_labels(const char *page_url, char *labels, size_t cap)
{
    char host[HOST_CAP], scheme[16];
    long port;
    size_t w = 0;
    labels[0] = '\0';
    if (!page_url || url_host_port(page_url, host, sizeof host, &port, scheme, sizeof scheme) != 0)
        return;
    for (const char *h = host, *dot; (dot = strchr(h, '.')) != NULL; h = dot + 1) {
        size_t n = (size_t)(dot - h);
        if (n < HOST_LABEL_MIN || (n == 3 && (!memcmp(h, "www", 3) || !memcmp(h, "amp", 3))))
            continue;
        if (w && w + 1 < cap)
            labels[w++] = '.';
        w += squeeze(h, n, labels + w, cap - w);
    }
}

/* Does the segment name the host ("Stack Overflow Blog" for
 * stackoverflow.blog, "gazetapl" for wiadomosci.gazeta.pl)? Letters and
 * digits compared, case ignored; the segment must be mostly the name. */
static int seg_is_host(const char *s, size_t n, const char *labels)
{
    char sq[512];
    size_t k = squeeze(s, n, sq, sizeof sq);
    if (k < 3)
        return 0;
    for (const char *l = labels; *l;) {
        size_t ln = strcspn(l, ".");
        char one[HOST_CAP];
        memcpy(one, l, ln);
        one[ln] = '\0';
        if (ln >= HOST_LABEL_MIN && k <= 2 * ln + 4 &&
            (strstr(sq, one) || (k >= HOST_LABEL_MIN && strstr(one, sq))))
            return 1;
        l += ln;
        if (*l)
            l++;
    }
    return 0;
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Cut trailing " | Site", "_频道_网站", " - Site" segments: a segment goes
 * when it names the site or the host, or is short next to what remains. */
static void strip_site_suffix(char *t, const char *site, const char *label)
{
    static const char *const seps[] = { " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: ",
        " \xC2\xBB ", " \xC2\xAB ", " / ", "_", "|", "\xEF\xBD\x9C", " \xC2\xB7 ", " \xE2\x80\xA2 ",
        NULL };
    for (int round = 0; round < 4; round++) {
        size_t n = strlen(t), best = 0, best_sl = 0;
        for (int k = 0; seps[k]; k++) {
            size_t sl = strlen(seps[k]);
            for (const char *p = t; (p = strstr(p, seps[k])); p += sl)
                if ((size_t)(p - t) > best) {
                    best = (size_t)(p - t);
                    best_sl = sl;
                }
        }
        if (!best)
            return;
        const char *seg = t + best + best_sl;
        size_t seg_n = n - best - best_sl;
        size_t head_c = utf8_chars(t, best), seg_c = utf8_chars(seg, seg_n);
        if (!seg_is_site(seg, seg_n, site) && !seg_is_host(seg, seg_n, label) &&
            !(seg_c * 2 <= head_c && head_c >= 4))
            return;
        t[best] = '\0';
        while (best > 0 && t[best - 1] == ' ')
            t[--best] = '\0';
    }
}

/* "NEWS WEB EASY|headline", "新浪网_headline": a leading segment that
 * names the site or the host. */
static void strip_site_prefix(char *t, const char *site, const char *label)
{
    static const char *const seps[] = { " | ", " - ", " \xE2\x80\x93 ", ": ", "|", "\xEF\xBD\x9C",
                                        "_", NULL };
    for (int k = 0; seps[k]; k++) {
        const char *p = strstr(t, seps[k]);
        if (!p || p == t)
            continue;
        size_t head = (size_t)(p - t), sl = strlen(seps[k]);
        if (!t[head + sl] || utf8_chars(p + sl, strlen(p + sl)) < 4)
            continue;
        if (!seg_is_site(t, head, site) && !(k != 3 && seg_is_host(t, head, label)))
            continue;
        memmove(t, p + sl, strlen(p + sl) + 1);
        return;
    }
}

/* Is the whole title just the site's name ("The GitHub Blog")? */
static int names_only_site(const char *t, const char *site)
{
    return t && site && site[0] && !strcasecmp(t, site);
}

char *ex_choose_title(const ex_title_candidates *c, const char *page_url)
{
    char label[HOST_CAP];
    const char *declared = c->declared, *ld = c->ld_title, *tag = c->title_tag, *h1 = c->h1;
    host_labels(page_url, label, sizeof label);
    if (names_only_site(declared, c->site))
        declared = NULL;
    if (names_only_site(ld, c->site))
        ld = NULL;
    if (names_only_site(h1, c->site))
        h1 = NULL;
    const char *raw = declared ? declared : ld ? ld : tag;
    /* The <h1> as the page shows it, when a declared title contains it. */
    if (h1 && utf8_chars(h1, strlen(h1)) >= 4 &&
        ((raw && strstr(raw, h1)) || (ld && strstr(ld, h1)) || (tag && strstr(tag, h1))))
        return strdup(h1);
    if (ld && (!raw || strstr(raw, ld)))
        return strdup(ld);
    if (!raw)
        return h1 ? strdup(h1) : NULL;
    char *t = strdup(raw);
    if (t) {
        strip_site_suffix(t, c->site, label);
        strip_site_prefix(t, c->site, label);
    }
    return t;
}

/* Cut a trailing country or generic domain (".fr", ".com", ".co.uk")
 * from a name that is one domain word ("Libération.fr", "WordPress.com",
 * "www.kas.de"); a name with spaces, with a short word before the dot,
 * or with another ending (".world", ".info": often part of the name) is
 * left alone. */
static void strip_domain_suffix(char *s)
{
    static const char *const generic[] = { ".com", ".net", ".org", NULL };
    if (strchr(s, ' ') || strchr(s, '/'))
        return;
    if (!strncasecmp(s, "www.", 4) && strchr(s + 4, '.'))
        memmove(s, s + 4, strlen(s + 4) + 1);
    char *dot = strchr(s, '.');
    if (!dot || utf8_chars(s, (size_t)(dot - s)) < 3)
        return;
    char tail[16];
    size_t tl = strlen(dot);
    if (tl >= sizeof tail)
        return;
    for (size_t i = 0; i < tl; i++)
        tail[i] = (char)tolower((unsigned char)dot[i]);
    tail[tl] = '\0';
    const char *cc = tail;   /* the country part: ".uk" of ".co.uk" */
    for (int i = 0; generic[i]; i++)
        if (!strncmp(tail, generic[i], strlen(generic[i])))
            cc = tail + strlen(generic[i]);
    if (cc == tail && !strncmp(tail, ".co.", 4))
        cc = tail + 3;
    int ok = cc[0] == '\0' ? cc != tail
                           : (strlen(cc) == 3 && cc[0] == '.' && isalpha((unsigned char)cc[1]) &&
                              isalpha((unsigned char)cc[2]));
    if (ok)
        *dot = '\0';
}

/* Drop a company's legal form at the end: "Spiceworks Inc", "Acme, Inc.",
 * "Beispiel GmbH". */
static void strip_legal_form(char *s)
{
    static const char *const forms[] = { ", Inc.", ", Inc", " Inc.", " Inc", " LLC", " Ltd.",
        " Ltd", " Limited", " GmbH", " Corp.", " S.A.", " S.L.", NULL };
    size_t n = strlen(s);
    for (int i = 0; forms[i]; i++) {
        size_t l = strlen(forms[i]);
        if (n > l + 2 && !strcmp(s + n - l, forms[i])) {
            s[n - l] = '\0';
            return;
        }
    }
}

char *ex_site_name(const char *declared, const char *publisher, const char *page_url)
{
    char label[HOST_CAP];
    const char *pick = declared ? declared : publisher;
    host_labels(page_url, label, sizeof label);
    /* "U.S." as og:site_name, "Reuters" as the publisher of reuters.com:
     * the name of the host wins over one that does not name it */
    if (declared && publisher && label[0] && !seg_is_host(declared, strlen(declared), label) &&
        seg_is_host(publisher, strlen(publisher), label))
        pick = publisher;
    if (!pick || !pick[0])
        return NULL;
    char *s = strdup(pick);
    if (!s)
        return NULL;
    strip_domain_suffix(s);
    strip_legal_form(s);
    return s;
}
