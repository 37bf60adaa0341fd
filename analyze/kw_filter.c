/* kw_filter.c -- what must never be a keyword, found per article: names
 * in bylines, credits and wire datelines, interview speaker labels, the
 * site's name; and Chinese numbers with a measure word (两年, 几百).
 * Owns only the detection; keywords.c applies it to its candidates.
 */
#include "analyze/kw_filter.h"

#include <ctype.h>
#include <string.h>

static void ban_add(kw_bans *b, const char *s, size_t len)
{
    if (b->n >= KW_MAX_BANS || len < 2 || len >= sizeof b->s[0])
        return;
    for (size_t i = 0; i < len; i++)
        b->s[b->n][i] = (char)tolower((unsigned char)s[i]);
    b->s[b->n][len] = '\0';
    for (size_t i = 0; i < b->n; i++)
        if (!strcmp(b->s[i], b->s[b->n]))
            return;
    b->n++;
}

int kw_is_banned(const kw_bans *b, const char *norm)
{
    size_t nl = strlen(norm);
    for (size_t i = 0; i < b->n; i++)
        if (strstr(b->s[i], norm) || (nl >= 4 && strstr(norm, b->s[i])))
            return 1;
    return 0;
}

static int name_char(uint32_t c)
{
    return text_is_han(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == 0xB7;
}

/* The name run after position p: up to 8 code points of Han/Latin. */
static size_t name_after(const char *t, size_t len, size_t p, size_t *start)
{
    size_t i = p;
    while (i < len) {
        size_t k = i;
        uint32_t c = text_utf8_next(t, len, &k);
        if (c == ' ' || c == ':' || c == 0xFF1A || c == '|' || c == 0xFF5C || c == 0x4E28 ||
            c == '/' || c == 0x3000)
            i = k;
        else
            break;
    }
    *start = i;
    size_t n = 0;
    while (i < len && n < 8) {
        size_t k = i;
        uint32_t c = text_utf8_next(t, len, &k);
        if (!name_char(c))
            break;
        i = k;
        n++;
    }
    return n >= 2 ? i - *start : 0;
}

static int has_bytes(const char *t, size_t a, size_t b, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = a; i + nl <= b; i++)
        if (!memcmp(t + i, needle, nl))
            return 1;
    return 0;
}

/* Does sentence s open a paragraph? */
static int at_para_start(const text_doc *doc, size_t s)
{
    return s == 0 || doc->sents[s - 1].para != doc->sents[s].para;
}

static const char *const zh_markers[] = {
    "文|", "文丨", "文/", "文｜", "作者", "记者", "编辑", "责编", "来源", "撰文", "摄影",
    "供图", "通讯员", "出品", "策划", "审核", "校对", "图/", "图|", NULL };

static void find_bylines(const text_doc *doc, kw_bans *b)
{
    const char *t = doc->text;
    size_t len = doc->len;
    /* markers near the start, the end, or at a sentence start / after "(" */
    for (size_t s = 0; s < doc->n_sents; s++) {
        const text_sentence *se = &doc->sents[s];
        int edge = se->start < 300 || se->end + 300 > len;
        for (size_t p = se->start; p < se->end;) {
            size_t at = p;
            uint32_t c = text_utf8_next(t, se->end, &p);
            int here = edge || at == se->start || c == 0xFF08 || c == '(';
            if (!here)
                continue;
            size_t q = (c == 0xFF08 || c == '(') ? p : at;
            for (size_t m = 0; zh_markers[m]; m++) {
                size_t ml = strlen(zh_markers[m]);
                if (q + ml > se->end || memcmp(t + q, zh_markers[m], ml))
                    continue;
                size_t pos = q + ml, st;
                for (int k = 0; k < 3; k++) {   /* "记者 张三 李四" */
                    size_t nl = name_after(t, se->end, pos, &st);
                    if (!nl)
                        break;
                    ban_add(b, t + st, nl);
                    pos = st + nl;
                }
            }
        }
        /* a wire dateline: "新华社北京3月5日电" -> ban the agency (and place) */
        if (se->start < 300 || at_para_start(doc, s)) {
            size_t p = se->start, hs = 0, n = 0;
            while (p < se->end && n < 12) {
                size_t k = p;
                if (!text_is_han(text_utf8_next(t, se->end, &k)))
                    break;
                p = k;
                n++;
            }
            hs = p;
            /* 电 (E7 94 B5) or 讯 (E8 AE AF) within a few bytes of the date */
            if (n >= 2 && hs < se->end && t[hs] >= '0' && t[hs] <= '9' &&
                (has_bytes(t, hs, se->end < hs + 24 ? se->end : hs + 24, "\xE7\x94\xB5") ||
                 has_bytes(t, hs, se->end < hs + 24 ? se->end : hs + 24, "\xE8\xAE\xAF")))
                ban_add(b, t + se->start, hs - se->start);
            /* "新浪体育讯　": the run ends in 讯 before a space or a bracket */
            size_t he = se->end < hs + 3 ? se->end : hs + 3;
            if (n >= 3 && hs - se->start >= 6 && !memcmp(t + hs - 3, "\xE8\xAE\xAF", 3) &&
                hs < se->end && (t[hs] == ' ' || t[hs] == '(' || has_bytes(t, hs, he, "\xE3\x80\x80") ||
                                 has_bytes(t, hs, he, "\xEF\xBC\x88")))
                ban_add(b, t + se->start, hs - se->start - 3);
        }
        /* English credit lines and bylines: ban their capitalised words */
        if (doc->cjk)
            continue;
        char low[160];
        size_t sl = se->end - se->start < sizeof low - 1 ? se->end - se->start : sizeof low - 1;
        for (size_t i = 0; i < sl; i++)
            low[i] = (char)tolower((unsigned char)t[se->start + i]);
        low[sl] = '\0';
        int credit = strstr(low, "reporting by") || strstr(low, "editing by") ||
                     strstr(low, "writing by") || strstr(low, "photo:") ||
                     strstr(low, "photograph:") || strstr(low, "credit:") ||
                     strstr(low, "image caption") || strstr(low, "follow us") ||
                     (!strncmp(low, "by ", 3) && se->tok_end - se->tok_begin <= 8);
        if (!credit)
            continue;
        for (size_t i = se->tok_begin; i < se->tok_end; i++) {
            const text_token *tk = &doc->toks[i];
            if (tk->kind == TEXT_TOK_WORD && isupper((unsigned char)t[tk->start]) &&
                !(tk->flags & TEXT_TF_STOP))
                ban_add(b, t + tk->start, tk->end - tk->start);
        }
    }
}

/* Interview and chat transcripts: "白马商评：", "Q:" at sentence starts. */
static void find_speakers(const text_doc *doc, kw_bans *b)
{
    text_map *labels = text_map_new();
    if (!labels)
        return;
    const char *t = doc->text;
    for (size_t s = 0; s < doc->n_sents; s++) {
        const text_sentence *se = &doc->sents[s];
        size_t p = se->start, n = 0;
        while (p < se->end && n <= 8) {
            size_t at = p;
            uint32_t c = text_utf8_next(t, se->end, &p);
            if ((c == 0xFF1A || c == ':') && n >= 1) {
                uint32_t id = text_map_put(labels, t + se->start, at - se->start, NULL);
                if (id != TEXT_MAP_NONE)
                    text_map_set_value(labels, id, text_map_value(labels, id) + 1);
                break;
            }
            if (!name_char(c) && c != ' ')
                break;
            n++;
        }
    }
    for (uint32_t id = 0; id < text_map_size(labels); id++)
        if (text_map_value(labels, id) >= 2) {
            const char *k = text_map_key(labels, id);
            ban_add(b, k, strlen(k));
        }
    text_map_free(labels);
}

/* "Title - Site", "标题_新浪网": the tail is the site; also the URL's host. */
static void find_site(const text_doc *doc, const char *url, kw_bans *b)
{
    static const char *const seps[] = { " - ", " | ", " — ", "_", "｜", " – ", "|", "-", NULL };
    const char *title = doc->title;
    for (size_t i = 0; seps[i]; i++) {
        const char *p = NULL, *q = title;
        while ((q = strstr(q, seps[i])) != NULL) {
            p = q;
            q += strlen(seps[i]);
        }
        if (!p)
            continue;
        const char *tail = p + strlen(seps[i]);
        while (*tail == ' ')
            tail++;
        size_t tl = strlen(tail);
        if (tl && text_utf8_chars(tail, tl) <= 16 && (size_t)(p - title) > tl)
            ban_add(b, tail, tl);
        break;
    }
    if (url) {
        const char *h = strstr(url, "://");
        h = h ? h + 3 : url;
        size_t hl = strcspn(h, "/:?#");
        /* the label before the public suffix: news.bbc.co.uk -> bbc */
        const char *labels[8];
        size_t lens[8], nl = 0, st = 0;
        for (size_t i = 0; i <= hl && nl < 8; i++)
            if (i == hl || h[i] == '.') {
                labels[nl] = h + st;
                lens[nl++] = i - st;
                st = i + 1;
            }
        for (size_t i = nl; i-- > 0;) {
            if (lens[i] <= 3 && i + 1 >= nl - 1 && i > 0)
                continue;   /* com, co, uk, cn */
            if (i + 1 < nl && lens[i] >= 3 && strncmp(labels[i], "www", 3))
                ban_add(b, labels[i], lens[i]);
            break;
        }
    }
}

/* 两年, 三个, 几百, 六七万: a Chinese number with a measure word. */
int kw_cjk_number(const char *w)
{
    static const char *const num = "零一二三四五六七八九十百千万亿两几半数";
    static const char *const meas = "个年月日天周岁次位名元张家种批条多亿万千百十号期届";
    size_t len = strlen(w), i = 0;
    int nums = 0;
    while (i < len) {
        size_t k = i;
        text_utf8_next(w, len, &k);
        char ch[8];
        memcpy(ch, w + i, k - i);
        ch[k - i] = '\0';
        if (strstr(num, ch))
            nums++;
        else if (!(nums && strstr(meas, ch)))
            return 0;
        i = k;
    }
    return nums > 0;
}


void kw_find_bans(const text_doc *doc, const char *url, kw_bans *b)
{
    memset(b, 0, sizeof *b);
    find_bylines(doc, b);
    find_speakers(doc, b);
    find_site(doc, url, b);
}
