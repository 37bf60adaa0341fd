/* extract_score.c -- finds the main text of a page.
 *
 * Owns boilerplate marking, content scoring and the choice of the
 * container(s) that hold the article; the words behind the marking are in
 * extract_class.c, the writing out and line rules in extract_emit.c. The
 * method combines three published ideas, re-implemented here:
 *  - Readability's candidate scoring: every paragraph-like block gives
 *    1 + punctuation + length/100 (capped) to its parent, half to its
 *    grandparent and less further up; candidates are scaled by their link
 *    density and weighted by their class/id; siblings of the best one that
 *    look like content join it;
 *  - trafilatura's rules: boilerplate by tag and class/id (navigation,
 *    comments, share bars, related links ...), its ranked list of the
 *    containers CMSs name for the body (preferred when the scorer does not
 *    find three times more text elsewhere), conditional removal of
 *    link-heavy containers, tail lines (copyright, "责任编辑", "举报") cut;
 *  - GNE's text and punctuation density: only non-link text counts, CJK
 *    characters weigh like words and Chinese punctuation counts.
 * Every walk is iterative. Does not parse HTML and does not read metadata.
 */
#include "ingest/extract_int.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ANCESTOR_LEVELS 5
/* main text never exceeds 1 MiB: ten times a very long article, and the
 * analysis of 8 MiB of text took ~120 MB per worker (issue 12) */
#define TEXT_CAP (1u << 20)
#define LEAD_LEVELS 5           /* how far a lead may sit from the body */
#define LEAD_CANDS 16           /* elements named like a lead kept, first ones */

static int is_hidden(const ex_node *n)
{
    const char *st;
    if (ex_attr_get(n, "hidden") || ex_attr_is(n, "aria-hidden", "true"))
        return 1;
    if ((st = ex_attr_get(n, "style")) != NULL &&
        (strcasestr(st, "none") || strcasestr(st, "hidden"))) {
        char c[256];
        size_t w = 0;
        for (size_t r = 0; st[r] && w + 1 < sizeof c; r++)
            if (st[r] != ' ')
                c[w++] = (char)tolower((unsigned char)st[r]);
        c[w] = '\0';
        return strstr(c, "display:none") || strstr(c, "visibility:hidden");
    }
    return 0;
}

static int tag_boiler(int tag)
{
    return tag == T_NAV || tag == T_ASIDE || tag == T_FOOTER || tag == T_MENU ||
           tag == T_DIALOG || tag == T_FIGCAPTION;
}

static int under_article(const ex_node *n)
{
    for (n = n->parent; n; n = n->parent)
        if (n->tag == T_ARTICLE || n->tag == T_MAIN)
            return 1;
    return 0;
}

/* Count weighted characters and punctuation of a text node. */
static void text_stats(ex_node *t)
{
    uint32_t chars = 0, w = 0, punct = 0;
    const char *s = t->text;
    size_t n = t->len, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            if (c <= ' ')
                continue;
            chars++;
            w++;
            if (c == ',' || ((c == '.' || c == ';' || c == '!' || c == '?') &&
                             (i >= n || s[i] == ' ' || s[i] == '\n')))
                punct++;
            continue;
        }
        size_t adv;
        uint32_t cp = ex_utf8_next(s + i, n - i, &adv);
        i += adv;
        if (cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B))
            continue;
        chars++;
        if (ex_is_cjk(cp))
            w += 3;
        else if (cp == 0xFF0C || cp == 0x3002 || cp == 0x3001 || cp == 0xFF1B ||
                 cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1A)
            punct++, w++;
        else
            w++;
    }
    t->chars = chars;
    t->wchars = w;
    t->punct = punct;
}


typedef struct scorer {
    ex_node **cands;         /* nodes that received a score */
    size_t n, cap;
    int nomem;
    ex_node *known[EX_KNOWN_RANKS]; /* first container of each known kind */
    ex_class_cache *memo;    /* NULL: no caching, just slower */
    ex_node *leads[LEAD_CANDS]; /* first elements named like a lead/standfirst */
    int n_leads;
    uint32_t order;          /* elements seen so far */
} scorer;

static void add_cand(scorer *sc, ex_node *n)
{
    if (n->flags & NF_CAND)
        return;
    if (sc->n == sc->cap) {
        size_t nc = sc->cap ? sc->cap * 2 : 64;
        ex_node **p = realloc(sc->cands, nc * sizeof *p);
        if (!p) { sc->nomem = 1; return; }
        sc->cands = p;
        sc->cap = nc;
    }
    n->flags |= NF_CAND;
    sc->cands[sc->n++] = n;
}

/* A block element with own inline text gives its score to its ancestors. */
static void score_paragraph(scorer *sc, ex_node *p)
{
    if (p->own < 25 || p->tag == T_TITLE)
        return;
    float s = 1.0f + (float)p->own_punct + fminf((float)p->own / 100.0f, 3.0f);
    ex_node *a = p->parent;
    for (int level = 0; a && level < ANCESTOR_LEVELS; level++, a = a->parent) {
        if (!a->parent)
            break;   /* the document node is no candidate */
        float div = level == 0 ? 1.0f : level == 1 ? 2.0f : (float)level * 3.0f;
        add_cand(sc, a);
        a->score += s / div;
    }
    if (p->tag == T_DIV || p->tag == T_SECTION || p->tag == T_TD || p->tag == T_ARTICLE) {
        add_cand(sc, p);   /* a block of bare text is a candidate itself */
        p->score += s;
    }
}

/* Non-blank text bytes of every element, boilerplate included, so that a
 * wrapper misnamed or left unclosed (<header> around the page) is not
 * thrown away with its content. */
static void raw_sizes(ex_doc *doc)
{
    ex_node *root = doc->root, *n = root->first;
    int in_p = 0;
    while (n) {
        if (n->flags & NF_TEXT) {
            uint32_t c = 0;
            for (uint32_t i = 0; i < n->len; i++)
                c += (unsigned char)n->text[i] > ' ';
            n->raw = c;
            n->raw_p = in_p ? c : 0;
        } else if (n->first && !(ex_tag_flags[n->tag] & TF_SKIP)) {
            in_p += n->tag == T_P;
            n = n->first;
            continue;
        }
        for (;;) {
            if (n->parent) {
                n->parent->raw += n->raw;
                n->parent->raw_p += n->raw_p;
            }
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (!n || n == root) {
                n = NULL;
                break;
            }
            in_p -= n->tag == T_P;
        }
    }
}

/* Is n (an <a> or <button>) a comment's reply link: its first non-blank
 * text, directly inside it or one element down, a reply word? */
static int reply_link(const ex_node *n)
{
    for (const ex_node *c = n->first; c; c = c->next) {
        const ex_node *t = (c->flags & NF_TEXT) ? c
                           : (c->first && (c->first->flags & NF_TEXT)) ? c->first : NULL;
        if (!t)
            continue;
        size_t k = 0;
        while (k < t->len && (t->text[k] == ' ' || t->text[k] == '\n' || t->text[k] == '\t'))
            k++;
        if (k < t->len)
            return ex_reply_label(t->text, t->len);
    }
    return 0;
}

/* Mark one element on the way down (links, reply links, hidden,
 * boilerplate; known containers and leads noted). Returns 1 when its
 * children are to be visited. */
static int mark_element(ex_doc *doc, scorer *sc, ex_node *n, uint32_t page_raw,
                        uint32_t page_raw_p)
{
    int boiler = 0, rank = -1;
    n->order = ++sc->order;
    if ((n->tag == T_A || n->tag == T_BUTTON) && n->first && reply_link(n))
        n->flags |= NF_REPLY;
    if (n->parent->flags & NF_LINK)
        n->flags |= NF_LINK;
    if (n->tag == T_A && ex_attr_get(n, "href"))
        n->flags |= NF_LINK;
    if ((ex_tag_flags[n->tag] & TF_SKIP) || n->tag == T_TITLE)
        return 0;
    if (is_hidden(n)) {
        n->flags |= NF_HIDDEN;
        return 0;
    }
    if (n->attrs)
        n->weight = ex_classify(sc->memo, n, &boiler, &rank);
    else if (n->tag == T_ARTICLE || n->tag == T_MAIN)
        rank = ex_known_rank(n);
    if ((n->tag == T_ARTICLE || n->tag == T_MAIN) && boiler == 1)
        boiler = 0;
    if (!boiler && (tag_boiler(n->tag) || (n->tag == T_HEADER && !under_article(n))))
        boiler = 1;
    if (!boiler && (ex_attr_is(n, "role", "navigation") || ex_attr_is(n, "role", "complementary") ||
                    ex_attr_is(n, "role", "contentinfo") || ex_attr_is(n, "role", "banner")))
        boiler = 1;
    if (boiler == 1 && (n->raw * 2 > page_raw || (n->weight >= 0 && n->raw * 4 > page_raw) ||
                        (n->raw_p >= 400 && n->raw_p * 2 > page_raw_p)))
        boiler = 0;   /* a wrapper of most of the page */
    if (boiler && n != doc->body && n != doc->html) {
        n->flags |= NF_BOILER;
        return 0;
    }
    if (rank >= 0 && !sc->known[rank])
        sc->known[rank] = n;
    if (sc->n_leads < LEAD_CANDS && n->attrs && n->tag != T_BODY && ex_lead_class(n))
        sc->leads[sc->n_leads++] = n;
    return n->first != NULL;
}

/* Leave n on the way up: score it as a paragraph, add its statistics
 * (and its reply links) to its parent. */
static void leave_node(scorer *sc, ex_node *n)
{
    ex_node *p = n->parent;
    int counted = !(n->flags & (NF_HIDDEN | NF_BOILER)) &&
                  ((n->flags & NF_TEXT) || !(ex_tag_flags[n->tag] & TF_SKIP));
    if (!(n->flags & NF_TEXT) && counted && (ex_tag_flags[n->tag] & TF_BLOCK))
        score_paragraph(sc, n);
    if (p && (n->flags & NF_REPLY) && !(n->flags & (NF_HIDDEN | NF_BOILER))) {
        p->flags |= NF_REPLY;
        if (p->reply_kids < UINT16_MAX)
            p->reply_kids++;
    }
    if (!p || !counted)
        return;
    p->chars += n->chars;
    p->link_chars += n->link_chars;
    p->punct += n->punct;
    if (n->tag == T_P && !(n->flags & NF_TEXT))
        n->p_w = n->wchars;
    p->wchars += n->wchars;
    p->p_w += n->p_w;
    if ((n->flags & NF_TEXT) || !(ex_tag_flags[n->tag] & TF_BLOCK)) {
        p->own += (n->flags & NF_TEXT) ? n->wchars : n->own;
        p->own_punct += (n->flags & NF_TEXT) ? n->punct : n->own_punct;
    } else {
        p->paras++;
    }
}

/* Mark hidden and boilerplate subtrees, compute statistics bottom-up and
 * give paragraph scores to ancestors: one iterative walk. */
static void mark_and_score(ex_doc *doc, scorer *sc)
{
    ex_node *root = doc->root, *n = root->first;
    raw_sizes(doc);
    uint32_t page_raw = doc->body ? doc->body->raw : root->raw;
    uint32_t page_raw_p = doc->body ? doc->body->raw_p : root->raw_p;
    while (n) {
        int descend = 0;
        if (n->flags & NF_TEXT) {
            text_stats(n);
            if (n->parent->flags & NF_LINK) {
                n->link_chars = n->chars;
                n->wchars = 0;
                n->punct = 0;
            }
        } else {
            descend = mark_element(doc, sc, n, page_raw, page_raw_p);
        }
        if (descend) {
            n = n->first;
            continue;
        }
        /* leave n and every ancestor whose last child it is */
        for (;;) {
            ex_node *p = n->parent;
            leave_node(sc, n);
            if (n->next) {
                n = n->next;
                break;
            }
            if (!p || p == root) {
                n = NULL;
                break;
            }
            n = p;
        }
    }
}


static float tag_base(int tag)
{
    switch (tag) {
    case T_ARTICLE: return 10;
    case T_MAIN: case T_DIV: case T_SECTION: return 5;
    case T_PRE: case T_TD: case T_BLOCKQUOTE: return 3;
    case T_ADDRESS: case T_OL: case T_UL: case T_DL: case T_DD: case T_DT:
    case T_LI: case T_FORM: return -3;
    case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6:
    case T_TH: return -5;
    default: return 0;
    }
}

static float final_score(const ex_node *n)
{
    return (n->score + tag_base(n->tag) + n->weight) * (1.0f - ex_link_density(n));
}

/* Best candidate, then its parent when the paragraphs are spread over
 * several children (the parent scores nearly as well). */
static ex_node *pick_top(scorer *sc)
{
    ex_node *top = NULL;
    float best = 0;
    ex_node *thread = NULL;   /* the best comment thread, when nothing else scores */
    float thread_best = 0;
    for (size_t i = 0; i < sc->n; i++) {
        float f = final_score(sc->cands[i]);
        sc->cands[i]->score = f;   /* from here on score is final */
        if (ex_thread_like(sc->cands[i])) {
            if (!thread || f > thread_best) {
                thread = sc->cands[i];
                thread_best = f;
            }
        } else if (!top || f > best) {
            top = sc->cands[i];
            best = f;
        }
    }
    if (!top) {
        top = thread;
        best = thread_best;
    }
    if (!top)
        return NULL;
    /* Readability: climb while the parent has the same text (single
     * child wrappers) or scores close to the top. */
    for (ex_node *p = top->parent; p && p->parent && p->tag != T_BODY; p = p->parent) {
        if ((p->flags & NF_CAND) && p->score >= best * 0.9f && p->wchars < top->wchars * 2) {
            top = p;
            continue;
        }
        if (p->wchars == top->wchars && p->chars == top->chars) {
            top = p;
            continue;
        }
        break;
    }
    return top;
}

/* Siblings of the top candidate that belong to the article. */
static void mark_siblings(ex_node *top)
{
    float thr = top->score * 0.2f > 10 ? top->score * 0.2f : 10;
    ex_node *parent = top->parent;
    top->flags |= NF_KEEP;
    if (!parent)
        return;
    const char *tcls = ex_attr_get(top, "class");
    for (ex_node *s = parent->first; s; s = s->next) {
        if (s == top || (s->flags & (NF_TEXT | NF_HIDDEN | NF_BOILER)))
            continue;
        float bonus = 0;
        const char *c = ex_attr_get(s, "class");
        if (tcls && c && *c && !strcmp(tcls, c))
            bonus = top->score * 0.2f;
        if ((s->flags & NF_CAND) && s->score + bonus >= thr && !ex_thread_like(s)) {
            s->flags |= NF_KEEP;
            continue;
        }
        if (s->tag == T_P || s->tag == T_BLOCKQUOTE || s->tag == T_PRE) {
            float ld = ex_link_density(s);
            if ((s->wchars > 80 && ld < 0.25f) || (s->wchars > 0 && ld == 0 && s->punct > 0))
                s->flags |= NF_KEEP;
        }
    }
}


/* Does a container named like an article body agree with the scorer?
 * It may hold the best-scored block, sit inside it with a fair share of
 * its text, or stand apart with as much text. */
static int agrees(const ex_node *k, const ex_node *top)
{
    if (!top)
        return 1;
    return top->wchars <= k->wchars * 3;
}


/* A lead goes before the body when it precedes it closely: prose, not
 * inside it, and sharing an ancestor at most LEAD_LEVELS above it. */
static int lead_fits(const ex_node *lead, const ex_node *top)
{
    if (lead->order >= top->order || lead->wchars < 60 || ex_link_density(lead) > 0.3f ||
        (lead->flags & (NF_BOILER | NF_HIDDEN)))
        return 0;
    for (const ex_node *p = lead; p; p = p->parent)
        if (p == top)
            return 0;
    const ex_node *a = top->parent;
    for (int k = 0; a && k < LEAD_LEVELS; k++, a = a->parent)
        for (const ex_node *p = lead->parent; p; p = p->parent)
            if (p == a)
                return 1;
    return 0;
}

char *ex_main_text(ex_doc *doc, const char *title, int *nomem)
{
    scorer sc = {0};
    ex_emitter e = {0};
    char *out = NULL;
    e.b.limit = TEXT_CAP;
    e.title = title;
    e.marks = &doc->marks;
    doc->marks.n = 1;
    *nomem = 0;
    if (!doc->root)
        return NULL;
    sc.memo = ex_class_cache_new();   /* NULL: just slower */
    mark_and_score(doc, &sc);
    if (sc.nomem) {
        *nomem = 1;
        goto done;
    }
    ex_node *top = pick_top(&sc);
    ex_node *known = NULL;
    for (int r = 0; r < EX_KNOWN_RANKS && !known; r++)
        if (sc.known[r] && sc.known[r]->wchars >= 100 && agrees(sc.known[r], top))
            known = sc.known[r];
    if (known)
        top = known;
    if (top) {
        /* Paragraphs spread over several blocks: widen the choice until it
         * holds half of the page's (non-boilerplate) paragraph text. */
        ex_node *body = doc->body ? doc->body : doc->root;
        while (top->parent && top->parent != body && top->parent != doc->root &&
               (uint64_t)top->p_w * 2 < body->p_w &&
               !(top->parent->flags & (NF_BOILER | NF_HIDDEN)))
            top = top->parent;
    }
    for (int i = 0; top && i < sc.n_leads; i++)
        if (lead_fits(sc.leads[i], top)) {   /* the first that fits */
            ex_emit(&e, sc.leads[i], sc.leads[i]);
            break;
        }
    if (top) {
        mark_siblings(top);
        if (top->parent) {
            for (ex_node *s = top->parent->first; s; s = s->next)
                if (s->flags & NF_KEEP)
                    ex_emit(&e, s, top);
        } else {
            ex_emit(&e, top, top);
        }
    }
    if (e.b.len < 50 && !e.b.failed) {   /* no article found: the visible text */
        ex_node *body = doc->body ? doc->body : doc->root;
        ex_emit_restart(&e);
        ex_marks_cut(&doc->marks, 0, 1);
        ex_emit(&e, body, body);
        if (e.b.len == 0 && !e.b.failed) {
            e.all = 1;
            ex_emit_restart(&e);
            ex_marks_cut(&doc->marks, 0, 1);
            ex_emit(&e, body, body);
        }
    }
    if (e.b.failed) {
        if (e.b.len + 65536 < TEXT_CAP)
            *nomem = e.b.capped ? 2 : 1;   /* one piece over the cap: too large */
        else
            e.b.failed = 0;   /* capped: keep the first 1 MiB */
    }
    ex_trim_tail(&e.b);
    ex_buf_trim(&e.b);
    ex_marks_cut(&doc->marks, e.b.len, 0);
    out = ex_buf_take(&e.b);
done:
    ex_emitter_release(&e);
    free(sc.cands);
    ex_class_cache_free(sc.memo);
    return out;
}
