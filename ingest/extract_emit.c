/* extract_emit.c -- writes the chosen part of the page as text.
 *
 * Owns the output walk (blocks separated by "\n\n", <br> as a line
 * break), the conditional removal of link-heavy or negatively named
 * containers inside the article (Readability's cleaner), and the line
 * rules: junk lines (copyright, ICP, "责任编辑", "举报", share prompts),
 * captions and photo credits, datelines, tail markers after which nothing
 * belongs to the article ("About the author", "相关阅读"), and trailing
 * blocks that are no sentences. Does not choose the container.
 */
#include "ingest/extract_int.h"

#include <stdlib.h>
#include <string.h>

#define TAIL_MIN_BEFORE 400     /* bytes of text before a tail marker counts */
#define TAIL_BLOCKS 8           /* trailing non-sentences cut at most */
#define TAIL_SHORT 80           /* bytes: a longer block is kept */
#define PROMO_MAX 300           /* bytes: a longer block is no teaser or call */
#define DEDUP_MIN 30            /* bytes: shorter repeated blocks may be real */
#define SEEN_SLOTS 1024u        /* hash slots of blocks written (power of 2) */
#define SEEN_MAX 768u           /* blocks remembered at most */

#include "ingest/extract_words.h"   /* ex_words_*: data/extract-words.txt */

static int starts_with_any(const char *s, size_t n, const char *const *list)
{
    if (n == 0)
        return 0;
    for (int i = 0; list[i]; i++) {
        if (s[0] != list[i][0])
            continue;   /* most entries go at the first byte, before strlen */
        size_t l = strlen(list[i]);
        if (n >= l && !memcmp(s, list[i], l))
            return 1;
    }
    return 0;
}

/* Is s[0..n) (n > 0) exactly one of list? */
static int equals_any(const char *s, size_t n, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (list[i][0] == s[0] && strlen(list[i]) == n && !memcmp(s, list[i], n))
            return 1;
    return 0;
}

/* A closing call to follow, subscribe or support, or a short block that
 * names three networks or app stores (two when it ends without a full
 * stop: "Folgt uns auf Facebook und Instagram", "für iOS und Android!",
 * while "iOS und Android haben es nie unterstützt." is prose): the
 * page's promotion, not the article. Only asked of the last blocks. */
static int promo_block(const char *s, size_t n)
{
    if (n >= PROMO_MAX)
        return 0;
    if (starts_with_any(s, n, ex_words_tail_calls))
        return 1;
    int names = 0;
    for (int i = 0; ex_words_promo_names[i] && names < 3; i++)
        names += memmem(s, n, ex_words_promo_names[i], strlen(ex_words_promo_names[i])) != NULL;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        n--;
    return names >= 3 || (names == 2 && n > 0 && s[n - 1] != '.');
}

int ex_reply_label(const char *s, size_t n)
{
    while (n > 0 && (s[0] == ' ' || s[0] == '\n' || s[0] == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
        n--;
    return n > 0 && n <= 32 && equals_any(s, n, ex_words_reply_words);
}

/* Containers inside the article that Readability's cleaner would drop:
 * weakly negative class/id, or mostly links with little prose. */
static int drop_container(const ex_node *n, const ex_node *top)
{
    if (n == top || (n->flags & NF_KEEP))
        return 0;
    if (ex_thread_like(n))
        return 1;   /* a comment thread inside the article's container */
    switch (n->tag) {
    case T_DIV: case T_SECTION: case T_UL: case T_OL: case T_TABLE: case T_DL:
    case T_FORM: case T_HEADER: case T_FIGURE: case T_SPAN: case T_CENTER:
    case T_P: case T_LI: case T_TD: case T_TH: case T_NAV: case T_ASIDE:
        break;
    default:
        return 0;
    }
    float ld = ex_link_density(n);
    if (n->weight < 0 && n->wchars < 1000 && (ex_link_density(n) > 0.2f || n->wchars < 100))
        return 1;
    if (n->chars > 0 && ld > 0.5f && n->tag != T_P)
        return 1;
    if (n->chars > 0 && ld > 0.8f)
        return 1;
    if (ld > 0.3f && n->punct < 2 && n->tag != T_P && n->tag != T_LI)
        return 1;
    return 0;
}

static int ends_sentence(const char *s, size_t n);

/* Lines that end or decorate an article without being part of it.
 * junk_block() says 1 for lines that may sit anywhere (captions,
 * datelines, the repeated headline) and 2 for these, which end the
 * article when they come after its first paragraphs. */
static const char *const junk_prefix[] = {
    "责任编辑", "责编", "编辑：", "编辑:", "举报", "声明：", "免责声明", "版权所有",
    "版权声明", "分享到", "扫一扫", "扫描二维码", "关注我们", "相关阅读", "相关新闻",
    "相关推荐", "热门推荐", "延伸阅读", "返回搜狐", "查看更多", "点击进入", "本文来自",
    "Copyright", "copyright", "COPYRIGHT", "\xC2\xA9", "All rights reserved",
    "Share this", "Share on", "Share:", "Follow us", "Sign up", "Subscribe",
    "Related:", "Related Articles", "Related Posts", "Read more", "Read More",
    "Advertisement", "ADVERTISEMENT", "Tags:", "Posted in", "Filed under",
    "Click here", "Print this", "Teilen", "Anzeige", "Werbung", "Mehr zum Thema",
    /* post meta lines of blog engines */
    "Dieser Eintrag wurde", "Dieser Beitrag wurde", "Der Beitrag wurde", "This entry was posted",
    "This post was posted", "Erstellt am", "Bewerten:", "Rezept drucken", "Bild anzeigen",
    /* calls to subscribe, support, share */
    "Wenn Ihnen unser", "Wenn Ihnen dieser", "If you enjoyed", "If you like this", "Gib deine E-Mail",
    "Enter your email", "Enter your e-mail", "Never miss", "Sign up for", "Subscribe to",
    "Abonnieren Sie", "Jetzt abonnieren", "Unterst\xC3\xBCtzen Sie", "Support our", "SUGGESTED CITATION",
    "Zitiervorschlag", "JOIN Our", "Join our", "Like this:", "Gef\xC3\xA4llt dir",
    "Materia\xC5\x82 chroniony", "Les opinions exprim\xC3\xA9" "es", "Externer Inhalt",
    /* PHP noise printed into pages */
    "Warning: ", "Notice: ", "Deprecated: ",
    NULL };

/* Photo credits and captions: "Foto: dpa", "(Bild: Stefan Müller)". */
static const char *const credit_marks[] = {
    "Foto:", "Fotos:", "Foto :", "Bild:", "Bilder:", "Photo:", "photo:", "Photo :", "Photos:",
    "Image:", "Credit:", "Credits:", "Quelle:", "Kuva:", "Imagen:", "Fuente:", "Cr\xC3\xA9" "dit",
    "(Foto", "(Bild", "(Photo", "(REUTERS", "(AFP", "(AP Photo", "Getty Images", "\xC2\xA9",
    "Vergr\xC3\xB6\xC3\x9F" "ern", "Abbildung", "Titelbild:", "Bildquelle", "Fotocredit",
    NULL };

/* Short blocks that open the tail of an article (about the author,
 * sources, "read also", comments): output stops there once enough text
 * came before. */
static const char *const tail_marks[] = {
    "\xC3\x9C" "ber den Autor", "\xC3\x9C" "ber die Autorin", "About the author",
    "About the Author", "Mehr zum Thema", "Weitere Artikel", "Das k\xC3\xB6nnte",
    "Lesen Sie auch", "Lesen Sie mehr", "Auch interessant", "Empfehlungen aus",
    "You may also like", "You might also like", "More from", "More stories", "Related Stories",
    "Czytaj te\xC5\xBC", "Zobacz te\xC5\xBC", "Leggi anche", "Lire aussi", "A lire aussi",
    "\xC3\x80 lire aussi", "Ver tambi\xC3\xA9n", "Te puede interesar", "Quellenangaben",
    "Originalartikel", "Originalpublikation", "\xC5\xB9r\xC3\xB3" "d\xC5\x82o:",
    "FRAGEN AN DEN AUTOR", "Leave a Reply", "Leave a Comment", "Schreibe einen Kommentar",
    "Kommentar schreiben", "Gef\xC3\xA4llt mir", "Teilen mit:", "Share this:",
    "Diesen Beitrag teilen", "Jetzt teilen", "Wie bewerten Sie", "War dieser Artikel",
    "War der Artikel", "Zum Weiterlesen", "Mehr aus ", "Mehr zu ", "Kommentare", "Comments",
    "Nur angemeldete", "We want to hear", "Weitere Informationen",
    "\xE7\x9B\xB8\xE5\x85\xB3\xE9\x98\x85\xE8\xAF\xBB",     /* 相关阅读 */
    "\xE5\xBB\xB6\xE4\xBC\xB8\xE9\x98\x85\xE8\xAF\xBB",                         /* 延伸阅读 */
    "\xE6\x8E\xA8\xE8\x8D\x90\xE9\x98\x85\xE8\xAF\xBB",                         /* 推荐阅读 */
    NULL };

/* A heading of ex_words_tail_heads: digits before it ("167 Comments",
 * "1.204 Kommentare"), nothing after it but digits, spaces, brackets and
 * colons ("Kommentare (12)", "评论(3)"). */
static int tail_heading(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ' ' || s[i] == '.' || s[i] == ','))
        i++;
    if (i == n)
        return 0;
    for (int k = 0; ex_words_tail_heads[k]; k++) {
        if (ex_words_tail_heads[k][0] != s[i])
            continue;
        size_t l = strlen(ex_words_tail_heads[k]);
        if (n - i < l || memcmp(s + i, ex_words_tail_heads[k], l) != 0)
            continue;
        size_t j = i + l;
        while (j < n && strchr(" 0123456789()[]:|#", s[j]))
            j++;
        if (j == n)
            return 1;
    }
    return 0;
}

static int tail_block(const char *s, size_t n)
{
    if (n == 0 || n > 80)
        return 0;
    for (int i = 0; tail_marks[i]; i++) {
        if (tail_marks[i][0] != s[0])
            continue;
        size_t l = strlen(tail_marks[i]);
        if (n >= l && !memcmp(s, tail_marks[i], l))
            return 1;
    }
    return tail_heading(s, n);
}

/* A block that is a button's or toggle's label ("Zum Angebot",
 * "Load more", "Wird geladen..."), trailing dots, arrows and spaces
 * aside. */
static int ui_label(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ' ' || s[n - 1] == '>' || s[n - 1] == '!'))
        n--;
    if (n >= 3 && (!memcmp(s + n - 3, "\xE2\x80\xA6", 3) || !memcmp(s + n - 3, "\xE2\x80\xBA", 3) ||
                   !memcmp(s + n - 3, "\xE2\x86\x92", 3)))   /* … › → */
        n -= 3;
    while (n > 0 && s[n - 1] == ' ')
        n--;
    return n > 0 && n <= 40 && equals_any(s, n, ex_words_ui_labels);
}

/* A block that is only a URL ("https://example.com/story/1" printed
 * above the text, a source line): not prose. */
static int url_block(const char *s, size_t n)
{
    if (!((n > 7 && !memcmp(s, "http://", 7)) || (n > 8 && !memcmp(s, "https://", 8)) ||
          (n > 4 && !memcmp(s, "www.", 4))))
        return 0;
    return memchr(s, ' ', n) == NULL && memchr(s, '\n', n) == NULL;
}

/* Has a block of this text been written before? Slideshows and galleries
 * repeat one caption per slide; the first copy stays. Remembers up to
 * SEEN_MAX blocks by a 64-bit hash; when the table cannot be had, nothing
 * is deduplicated. */
static int seen_before(ex_emitter *e, const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    h |= 1;   /* 0 marks a free slot */
    if (!e->seen) {
        e->seen = calloc(SEEN_SLOTS, sizeof *e->seen);
        if (!e->seen)
            return 0;
    }
    size_t k = (size_t)(h & (SEEN_SLOTS - 1));
    while (e->seen[k]) {
        if (e->seen[k] == h)
            return 1;
        k = (k + 1) & (SEEN_SLOTS - 1);
    }
    if (e->seen_n < SEEN_MAX) {
        e->seen[k] = h;
        e->seen_n++;
    }
    return 0;
}

/* Does a block end with a question mark (ASCII or full-width)? */
static int question(const char *s, size_t n)
{
    return (n >= 1 && s[n - 1] == '?') ||
           (n >= 3 && !memcmp(s + n - 3, "\xEF\xBC\x9F", 3));
}

void ex_emit_restart(ex_emitter *e)
{
    e->b.len = 0;
    if (e->b.buf)
        e->b.buf[0] = '\0';
    e->block_start = 0;
    e->stopped = 0;
    if (e->seen)
        memset(e->seen, 0, SEEN_SLOTS * sizeof *e->seen);
    e->seen_n = 0;
}

void ex_emitter_release(ex_emitter *e)
{
    free(e->b.buf);
    free(e->seen);
    e->b.buf = NULL;
    e->seen = NULL;
}

static int junk_block(const char *s, size_t n, const char *title)
{
    if (n == 0)
        return 0;
    if (n < 250) {
        for (int i = 0; credit_marks[i]; i++)
            if (memmem(s, n, credit_marks[i], strlen(credit_marks[i])))
                return 1;
    }
    if (n < 50 && !ends_sentence(s, n)) {
        char *d = ex_date_iso(s, n);    /* a dateline: "Aktualisiert: 11.04.2020" */
        free(d);
        if (d)
            return 1;
    }
    if (title && strlen(title) == n && !memcmp(s, title, n))
        return 1;
    if (url_block(s, n) || ui_label(s, n))
        return 1;
    if (n > 300)
        return 0;
    for (int i = 0; junk_prefix[i]; i++) {
        if (junk_prefix[i][0] != s[0])
            continue;
        size_t l = strlen(junk_prefix[i]);
        if (n >= l && !memcmp(s, junk_prefix[i], l))
            return 2;
    }
    if (memmem(s, n, "ICP备", 5) || memmem(s, n, "ICP证", 5) ||
        memmem(s, n, "All Rights Reserved", 19) || memmem(s, n, "All rights reserved", 19))
        return 2;
    return 0;
}


/* Junk lines after which nothing belongs to the article: post meta
 * lines and calls for support or citation. */
static int ends_article(const char *s, size_t n)
{
    static const char *const marks[] = {
        "Dieser Eintrag wurde", "Dieser Beitrag wurde", "Der Beitrag wurde",
        "This entry was posted", "This post was posted", "Erstellt am", "If you enjoyed",
        "Wenn Ihnen unser", "Unterst\xC3\xBCtzen Sie", "SUGGESTED CITATION", "Zitiervorschlag",
        "Like this:", NULL };
    for (int i = 0; marks[i]; i++) {
        size_t l = strlen(marks[i]);
        if (n >= l && !memcmp(s, marks[i], l))
            return 1;
    }
    return 0;
}

/* Number block k as starting at text offset start, kept or dropped. */
static void mark_block(ex_marks *m, uint32_t k, size_t start, int dropped)
{
    if (!m || m->failed)
        return;
    if (k >= m->cap) {
        uint32_t nc = m->cap ? m->cap * 2 : 256;
        while (nc <= k)
            nc *= 2;
        uint8_t *d = realloc(m->dropped, nc);
        if (d)
            m->dropped = d;
        uint32_t *st = d ? realloc(m->start, nc * sizeof *st) : NULL;
        if (!st) {
            m->failed = 1;
            return;
        }
        m->start = st;
        memset(m->dropped + m->cap, 1, nc - m->cap);
        m->cap = nc;
    }
    m->dropped[k] = (uint8_t)dropped;
    m->start[k] = start > UINT32_MAX ? UINT32_MAX : (uint32_t)start;
}

void ex_marks_cut(ex_marks *m, size_t text_len, int all_before)
{
    for (uint32_t k = 1; k < m->n && k < m->cap; k++)
        if (all_before || m->start[k] >= text_len)
            m->dropped[k] = 1;
}

void ex_marks_release(ex_marks *m)
{
    free(m->dropped);
    free(m->start);
    memset(m, 0, sizeof *m);
}

static void end_block(ex_emitter *e)
{
    int junk = 0, dropped = 0;
    ex_buf *b = &e->b;
    while (b->len > e->block_start &&
           (b->buf[b->len - 1] == ' ' || b->buf[b->len - 1] == '\n'))
        b->len--;
    if (b->buf) {
        size_t s = e->block_start;
        while (s < b->len && (b->buf[s] == ' ' || b->buf[s] == '\n'))
            s++;
        const char *blk = b->buf + s;
        size_t n = b->len - s;
        if (e->stopped) {
            dropped = 1;
        } else if ((junk = junk_block(blk, n, e->title)) != 0) {
            dropped = 1;
            if (junk == 2 && e->block_start >= TAIL_MIN_BEFORE && ends_article(blk, n))
                e->stopped = 1;
        } else if (e->block_start >= TAIL_MIN_BEFORE && tail_block(blk, n)) {
            dropped = 1;
            e->stopped = 1;
        } else if (n < PROMO_MAX && starts_with_any(blk, n, ex_words_inline_related)) {
            dropped = 1;   /* a teaser of another article: this block only */
        } else if (n >= DEDUP_MIN && !question(blk, n) && seen_before(e, blk, n)) {
            dropped = 1;   /* a repeated caption (an interview asks again) */
        }
        if (dropped)
            b->len = e->block_start;
        b->buf[b->len] = '\0';
    }
    if (e->marks) {
        mark_block(e->marks, e->marks->n, e->block_start, dropped);
        e->marks->n++;
    }
    if (b->len > e->block_start)
        ex_buf_put(b, "\n\n", 2);
    e->block_start = b->len;
}

void ex_emit(ex_emitter *e, ex_node *root, const ex_node *top)
{
    ex_node *n = root;
    while (n) {
        int descend = 0;
        if (n->flags & NF_TEXT) {
            ex_buf_put_text(&e->b, n->text, n->len);
            n->block = e->marks ? e->marks->n : 0;
        } else if (!(n->flags & NF_HIDDEN) && !(ex_tag_flags[n->tag] & TF_SKIP) &&
                   n->tag != T_TITLE &&
                   (e->all || (!(n->flags & NF_BOILER) && !drop_container(n, top)))) {
            if (ex_tag_flags[n->tag] & TF_BLOCK)
                end_block(e);
            else if (n->tag == T_BR)
                ex_buf_put(&e->b, "\n", 1);
            if (n->tag == T_IMG || n->tag == T_BR || n->tag == T_HR)
                n->block = e->marks ? e->marks->n : 0;
            descend = n->first != NULL;
        }
        if (descend) {
            n = n->first;
            continue;
        }
        for (;;) {
            if (!(n->flags & NF_TEXT) && (ex_tag_flags[n->tag] & TF_BLOCK))
                end_block(e);
            if (n == root) {
                n = NULL;
                break;
            }
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
        }
        if (e->b.failed)
            return;
    }
}

/* Does a block end like a sentence? */
static int ends_sentence(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '"' || s[n - 1] == ')'))
        n--;
    if (n == 0)
        return 0;
    char c = s[n - 1];
    if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';')
        return 1;
    if (n >= 3) {
        const unsigned char *u = (const unsigned char *)s + n - 3;
        /* 。！？”」 */
        if (u[0] == 0xE3 && u[1] == 0x80 && (u[2] == 0x82 || u[2] == 0x8D))
            return 1;
        if (u[0] == 0xEF && u[1] == 0xBC && (u[2] == 0x81 || u[2] == 0x9F))
            return 1;
        if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x9D || u[2] == 0x99))
            return 1;
    }
    return 0;
}

/* Cut short trailing blocks that are no sentences (share prompts, tags,
 * "Mehr aus dem Channel", credits) and closing promotions (promo_block).
 * A long text keeps its last real paragraph; at most a few blocks go. */
void ex_trim_tail(ex_buf *b)
{
    for (int k = 0; k < TAIL_BLOCKS && b->len > 0; k++) {
        ex_buf_trim(b);
        char *last = NULL;
        for (size_t i = b->len; i >= 2; i--)
            if (b->buf[i - 1] == '\n' && b->buf[i - 2] == '\n') {
                last = b->buf + i;
                break;
            }
        if (!last)
            return;
        size_t n = b->len - (size_t)(last - b->buf);
        if ((n >= TAIL_SHORT || ends_sentence(last, n)) && !promo_block(last, n))
            return;
        b->len = (size_t)(last - b->buf);
        b->buf[b->len] = '\0';
    }
}
