/* events.c -- key events: trigger clauses with actors and dates.
 *
 * Owns Chinese sentence and clause splitting (alphabetic text uses
 * text.c's ICU sentences), the filters (questions, hypotheticals, negation, source
 * frames, evaluations), spans, trimming, merging and ranking. Trigger
 * words live in event_lex.c, actor names in event_names.c, dates in
 * dates.c. One pass:
 *   1. split the text into sentences (。！？；!?; in Chinese, ICU's
 *      en@ss=standard with more abbreviations otherwise) and Chinese
 *      sentences into clauses;
 *   2. collect article-wide actor names;
 *   3. for each clause holding a trigger, build a candidate: the clause,
 *      leading time/setting clauses, following clauses without a new
 *      subject, or for a statement the rest of the sentence (whose own
 *      events stay candidates); trim it; give it its date and the actors
 *      that stand before the trigger; score it (trigger weight, actor,
 *      date, position). A candidate needs an actor, a date or a
 *      participant; a strong trigger next to a bare noun makes a "spare",
 *      ranked after all others, so it only fills articles with few events;
 *   4. drop duplicates, keep the best EVENT_MAX, best first.
 */
#include "analyze/events.h"
#include "analyze/dates.h"
#include "analyze/event_lex.h"
#include "analyze/event_text.h"
#include "analyze/event_names.h"
#include "analyze/text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CANDS 400
#define SPARE_PENALTY 100.0   /* spares rank after every regular candidate */
#define MAX_ACTORS 4
#define MAX_TEXT (1u << 20)

typedef struct span { size_t s, e; } span;

typedef struct cand {
    span text;                   /* event text in the article */
    int trig;                    /* trigger index in the lexicon */
    double score;
    char date[24];               /* "" = none */
    char actors[MAX_ACTORS][64];
    int n_actors;
    int reported;                /* a statement that reports the events inside its span */
} cand;

typedef struct ev_state {
    const char *t;               /* article text */
    size_t len;
    date_anchor anchor;
    event_names names;           /* actor names found anywhere in the article */
    cand *c;
    size_t n;
    char last_date[24];          /* date of the latest dated candidate, in text order */
} ev_state;

/* ---- small UTF-8 helpers ---- */

static size_t count_chars(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* ---- splitting ---- */

static const char *const SENT_END[] = {"。", "！", "？", "；", "!", "?", ";", "\n", NULL};
static const char *const CLAUSE_END[] = {"，", "：", ",", ":", NULL};
static const char *const CLOSERS[] = {"”", "」", "』", "）", "\"", "'", ")", NULL};

/* End of the sentence starting at i. */
static size_t sentence_end(const char *t, size_t len, size_t i)
{
    while (i < len) {
        int n = event_any_of(t, len, i, SENT_END);
        if (!n && t[i] == '.' && (i + 1 == len || t[i + 1] == ' ' || t[i + 1] == '\n')) {
            /* English full stop, unless after Mr/Dr/St or a single capital */
            size_t w = i;
            while (w > 0 && ((t[w - 1] >= 'a' && t[w - 1] <= 'z') || (t[w - 1] >= 'A' && t[w - 1] <= 'Z')))
                w--;
            size_t wl = i - w;
            int abbr = (wl == 1 && t[w] >= 'A' && t[w] <= 'Z') ||
                       (wl == 2 && (event_starts(t, len, w, "Mr") || event_starts(t, len, w, "Dr") || event_starts(t, len, w, "St") ||
                                    event_starts(t, len, w, "Ms") || event_starts(t, len, w, "Jr") || event_starts(t, len, w, "No"))) ||
                       (wl == 3 && (event_starts(t, len, w, "Mrs") || event_starts(t, len, w, "Inc") || event_starts(t, len, w, "Ltd")));
            if (!abbr)
                n = 1;
        }
        if (n) {
            i += (size_t)n;
            int m;
            while (i < len && (m = event_any_of(t, len, i, CLOSERS)))
                i += (size_t)m;
            return i;
        }
        i += event_cp_len((unsigned char)t[i]);
    }
    return len;
}

static void cand_add_actor(cand *c, const char *s, size_t n)
{
    if (n == 0 || n >= 64 || c->n_actors >= MAX_ACTORS)
        return;
    for (int k = 0; k < c->n_actors; k++) {
        size_t kl = strlen(c->actors[k]);
        if (kl == n && !memcmp(c->actors[k], s, n))
            return;
        /* one name inside another: keep the longer */
        if (kl > n && memmem(c->actors[k], kl, s, n))
            return;
        if (n > kl && memmem(s, n, c->actors[k], kl)) {
            memcpy(c->actors[k], s, n);
            c->actors[k][n] = '\0';
            return;
        }
    }
    memcpy(c->actors[c->n_actors], s, n);
    c->actors[c->n_actors++][n] = '\0';
}

/* Actors: names that stand before the trigger (the subject side); for
 * English statements ("..., said Mr Blair") also after it. */
static void cand_actors(const ev_state *st, cand *c, size_t tp, int after_ok)
{
    const char *t = st->t;
    size_t lim = after_ok ? c->text.e : tp;
    for (int pass = 0; pass < 2 && c->n_actors == 0; pass++) {
        for (int k = 0; k < st->names.n; k++)
            if (lim > c->text.s && memmem(t + c->text.s, lim - c->text.s, st->names.name[k], strlen(st->names.name[k])))
                cand_add_actor(c, st->names.name[k], strlen(st->names.name[k]));
        for (size_t k = 0; EVENT_GROUP_ACTORS[k]; k++)
            if (event_contains(t, c->text.s, lim, EVENT_GROUP_ACTORS[k]))
                cand_add_actor(c, EVENT_GROUP_ACTORS[k], strlen(EVENT_GROUP_ACTORS[k]));
        lim = c->text.e;   /* second pass: passive voice, names after the trigger */
        if (!after_ok)
            break;
    }
}

/* ---- candidates ---- */

static int is_zh_span(const char *t, size_t a, size_t b)
{
    size_t han = 0, lat = 0;
    for (size_t i = a; i < b; i++) {
        if (((unsigned char)t[i] & 0xF0) == 0xE0)
            han++;
        else if ((t[i] | 0x20) >= 'a' && (t[i] | 0x20) <= 'z')
            lat++;
    }
    return han * 2 > lat / 4;
}

static const char *const HYPO_ZH[] = {"如果", "假如", "要是", "倘若", "一旦", "万一", "假设", "如若", "是否",
                                      "会不会", "能否", "可能", "也许", "或许", "或将", "将会", "打算", "计划",
                                      "准备", "希望", "应该", "需要", "必须", "不会", "没有", "无人员",
                                      "防止", "避免", "很难", "难以", "疑似", "怀疑", "未造成", "没有造成",
                                      NULL};
static const char *const HYPO_EN[] = {"if ", "If ", "would ", "could ", "might ", "may ", "whether ",
                                      "will ", "should ", "plans to", "could be", NULL};
static const char *const NEG_ZH[] = {"不", "没", "未", "无", "别", "莫", NULL};

static int hypothetical(const char *t, size_t a, size_t b, int zh)
{
    const char *const *list = zh ? HYPO_ZH : HYPO_EN;
    for (size_t k = 0; list[k]; k++)
        if (event_contains(t, a, b, list[k]))
            return 1;
    return 0;
}

/* Trim [s, e) around trigger position tp to the cap for its language. */
static span trim(const char *t, size_t len, span sp, size_t tp, int zh)
{
    (void)len;
    if (zh) {
        /* first drop whole leading clauses that come before the trigger's */
        while (count_chars(t, sp.s, sp.e) > EVENT_MAX_ZH_CHARS) {
            size_t next = 0;
            for (size_t i = sp.s; i < tp; i += event_cp_len((unsigned char)t[i])) {
                int m = event_any_of(t, tp, i, CLAUSE_END);
                if (m) {
                    next = i + (size_t)m;
                    break;
                }
            }
            if (!next || next >= tp)
                break;
            sp.s = next;
        }
        while (count_chars(t, sp.s, sp.e) > EVENT_MAX_ZH_CHARS) {
            /* drop a clause at the far end from the trigger, else cut bytes */
            size_t cut = sp.e;
            for (size_t i = sp.e; i-- > tp + 3;)
                if (event_any_of(t, sp.e, i, CLAUSE_END)) {
                    cut = i;
                    break;
                }
            if (cut < sp.e && cut > tp) {
                sp.e = cut;
                continue;
            }
            size_t i = sp.s, chars = 0;
            while (i < sp.e && chars < EVENT_MAX_ZH_CHARS) {
                i += event_cp_len((unsigned char)t[i]);
                chars++;
            }
            if (tp >= i) {   /* keep the trigger: start later instead */
                size_t s2 = sp.s;
                while (count_chars(t, s2, sp.e) > EVENT_MAX_ZH_CHARS)
                    s2 += event_cp_len((unsigned char)t[s2]);
                sp.s = s2;
            } else {
                sp.e = i;
            }
            break;
        }
        return sp;
    }
    /* English: the whole sentence. Only one over EVENT_MAX_EN_WORDS words
     * loses whole trailing clauses (after ", " "; " " — "), never the
     * trigger's clause and never part of a phrase. */
    size_t words = 0, cut = 0;
    for (size_t i = sp.s; i < sp.e; i++) {
        if (t[i] != ' ' || i + 1 >= sp.e || t[i + 1] == ' ')
            continue;
        words++;
        if (words <= EVENT_MAX_EN_WORDS && i > tp && i > sp.s &&
            (t[i - 1] == ',' || t[i - 1] == ';' || event_starts(t, sp.e, i + 1, "\xE2\x80\x94 ")))
            cut = i - (t[i - 1] == ',' || t[i - 1] == ';');
    }
    if (words + 1 > EVENT_MAX_EN_WORDS && cut > tp)
        sp.e = cut;
    return sp;
}

/* Clause boundaries inside [ss, se): offsets where clauses start. */
static size_t clause_starts(const char *t, size_t ss, size_t se, size_t *out, size_t cap)
{
    size_t n = 0;
    out[n++] = ss;
    int depth = 0;   /* inside “…”: commas do not split */
    for (size_t i = ss; i < se && n < cap;) {
        if (event_starts(t, se, i, "“") || event_starts(t, se, i, "「") || event_starts(t, se, i, "（") || t[i] == '(')
            depth++;
        else if ((event_starts(t, se, i, "”") || event_starts(t, se, i, "」") || event_starts(t, se, i, "）") || t[i] == ')') &&
                 depth > 0)
            depth--;
        int m = event_any_of(t, se, i, CLAUSE_END);
        if (m && depth == 0 && i + (size_t)m < se) {
            out[n++] = i + (size_t)m;
            i += (size_t)m;
            continue;
        }
        i += event_cp_len((unsigned char)t[i]);
    }
    return n;
}

/* Offset of an unclosed opening quote before p in [ss, p), or 0 when p is
 * not inside a quotation. */
static int inside_quote(const char *t, size_t ss, size_t p)
{
    int depth = 0;
    for (size_t i = ss; i < p; i++) {
        if (event_starts(t, p, i, "“") || event_starts(t, p, i, "「"))
            depth++;
        else if ((event_starts(t, p, i, "”") || event_starts(t, p, i, "」")) && depth > 0)
            depth--;
    }
    return depth > 0;
}

static int negated(const char *t, size_t ss, size_t tp, int zh)
{
    if (zh) {
        static const char *const fine[] = {"不幸", "不久", "不断", "无辜", "未成年", NULL};
        static const char *const neg2[] = {"没有", "并未", "尚未", "从未", "未能", "不会", "不能", "无法", NULL};
        if (tp >= ss + 3 && event_any_of(t, tp, tp - 3, NEG_ZH) && !(tp >= ss + 6 && event_any_of(t, tp, tp - 6, fine)) &&
            !event_any_of(t, tp + 6, tp - 3, fine))
            return 1;
        return tp >= ss + 6 && event_any_of(t, tp, tp - 6, neg2);
    }
    static const char *const neg[] = {"not ", "n't ", "never ", "no "};
    for (size_t k = 0; k < 4; k++) {
        size_t l = strlen(neg[k]);
        if (tp >= ss + l && !memcmp(t + tp - l, neg[k], l))
            return 1;
    }
    return 0;
}

static void push(ev_state *st, const cand *c)
{
    if (st->n < MAX_CANDS)
        st->c[st->n++] = *c;
}

/* First date in [a, b) outside quotation marks. */
static int date_outside_quotes(const ev_state *st, size_t ss, size_t a, size_t b, date_match *out)
{
    size_t from = a;
    date_match dm;
    while (from < b && date_find(st->t + from, b - from, &st->anchor, &dm) == 1) {
        if (!inside_quote(st->t, ss, from + dm.start)) {
            *out = dm;
            out->start += from;
            out->end += from;
            return 1;
        }
        from += dm.end;
    }
    return 0;
}

/* A clause that only sets the time of the next one: "事故发生后", "到达现场时". */
static int temporal_clause(const char *t, size_t a, size_t b)
{
    static const char *const ends[] = {"后", "时", "以来", "之后", "以后", "期间", "之际", "过程中", NULL};
    for (size_t k = 0; ends[k]; k++) {
        size_t n = strlen(ends[k]);
        if (b >= a + n && !memcmp(t + b - n, ends[k], n))
            return 1;
    }
    return 0;
}

/* Participants or times that are not names: "6人", "3名学生", "一辆货车",
 * "下午3时", "凌晨". */
static int has_argument(const char *t, size_t a, size_t b)
{
    static const char *const counters[] = {"人", "名", "辆", "具", "户", "位", "头", "时", "点", "分", "日", "月",
                                           "起", "架", "艘", NULL};
    static const char *const vague[] = {"上午", "下午", "凌晨", "晚上", "中午", "傍晚", "深夜", "夜间", "清晨",
                                        "一辆", "一名", "一位", "一架", "一艘", "男子", "女子", "司机", "男孩",
                                        "女孩", "老人", "学生", "村民", "群众", "工人", "人员", "游客", "客车",
                                        "货车", "轿车", "车辆", "大巴", "摩托车", "列车", "汽车", "卡车", "船",
                                        "飞机", "伤者", "死者", "遇难者", "患者", "病人", "儿童", "市民", "目前",
                                        "当时", "当天", "当日", "当晚", "随后", "同时", "近日", "日前", "昨日",
                                        "昨天", "昨晚", "今天", "今日", "此前", "原因", "房屋", "建筑", "道路",
                                        "交通", "火势", "通讯", "电力", "机场", "航班", "大楼", "网友", "媒体",
                                        "症状", "官兵", "明火", "预案", "设施", "损失", "家属", "浓烟", "火情",
                                        "领导", "员工", "小组", "机关", "大火", "伤员", "队员", "部门", NULL};
    for (size_t k = 0; vague[k]; k++)
        if (event_contains(t, a, b, vague[k]))
            return 1;
    static const char *const cn_num[] = {"一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "十", "百",
                                         "几", "数", NULL};
    for (size_t i = a; i + 6 <= b; i += event_cp_len((unsigned char)t[i]))
        if (event_any_of(t, b, i, cn_num) && (event_starts(t, b, i + 3, "人") || event_starts(t, b, i + 3, "名")))
            return 1;
    for (size_t i = a; i < b; i++) {
        int digit = (t[i] >= '0' && t[i] <= '9') || (event_starts(t, b, i, "多") && i > a) ||
                    ((unsigned char)t[i] == 0xEF && i + 2 < b && (unsigned char)t[i + 1] == 0xBC &&
                     (unsigned char)t[i + 2] >= 0x90 && (unsigned char)t[i + 2] <= 0x99);
        if (!digit)
            continue;
        size_t j = i + ((unsigned char)t[i] == 0xEF || event_starts(t, b, i, "多") ? 3 : 1);
        static const char *const approx[] = {"余", "多", "万", "千", "百", "十", "来", NULL};
        for (int k = 0; k < 2 && j + 3 <= b && event_any_of(t, b, j, approx); k++)
            j += 3;   /* 50余人, 2.1万人 */
        if (j < b && event_any_of(t, b, j, counters))
            return 1;
    }
    return 0;
}

static int names_actor(const ev_state *st, size_t a, size_t b)
{
    for (int k = 0; k < st->names.n; k++)
        if (b > a && memmem(st->t + a, b - a, st->names.name[k], strlen(st->names.name[k])))
            return 1;
    for (size_t k = 0; EVENT_GROUP_ACTORS[k]; k++)
        if (event_contains(st->t, a, b, EVENT_GROUP_ACTORS[k]))
            return 1;
    return 0;
}

/* "3人死亡、4人受伤": a clause listing events, each with its own
 * trigger and participants, is split at the enumeration comma. cs holds
 * nc clause starts and cs[nc] the end; returns the new count. */
static size_t split_enumerations(const char *t, size_t *cs, size_t nc, size_t cap)
{
    for (size_t k = 0; k < nc && nc < cap; k++) {
        size_t a = cs[k], b = cs[k + 1];
        for (size_t i = a; i + 3 <= b; i += event_cp_len((unsigned char)t[i])) {
            size_t p1 = 0, p2 = 0;
            if (!event_starts(t, b, i, "、") || event_find_trigger(t, a, i, 1, &p1) < 0 ||
                event_find_trigger(t, i + 3, b, 1, &p2) < 0 || !has_argument(t, a, i) ||
                !has_argument(t, i + 3, b))
                continue;
            memmove(cs + k + 2, cs + k + 1, (nc - k) * sizeof *cs);
            cs[k + 1] = i + 3;
            nc++;
            break;
        }
    }
    return nc;
}

/* Two Han characters right before the trigger, no function word among
 * them: the subject of a happening (房屋倒塌, 货车起火). */
static const char *const ADVERBS[] = {"突然", "已经", "正在", "立即", "迅速", "纷纷", "逐渐", "开始", "同时",
                                       "随后", "相继", "先后", "陆续", "全部", "基本", "仍然", "不断", "直接",
                                       "及时", "马上", "终于", "再次", "首次", "成功", "紧急", "全力", NULL};

static int noun_before(const char *t, size_t a, size_t tp)
{
    size_t n = 0;
    if (tp >= a + 6 && event_any_of(t, tp, tp - 6, ADVERBS))
        return 0;
    for (size_t p = tp; p >= a + 3 && n < 2; p -= 3) {
        if (!event_is_han(t, tp, p - 3) || event_any_of(t, tp, p - 3, EVENT_STOP_CHARS))
            break;
        n++;
    }
    return n >= 2;
}

/* Two Han characters right after the trigger: the object of an act (扑灭大火). */
static int noun_after(const char *t, size_t p, size_t b)
{
    size_t n = 0;
    if (event_any_of(t, b, p, ADVERBS))
        return 0;
    for (; p + 3 <= b && n < 2; p += 3) {
        if (!event_is_han(t, b, p) || event_any_of(t, b, p, EVENT_STOP_CHARS))
            break;
        n++;
    }
    return n >= 2;
}

static int ends_with_colon(const char *t, size_t a, size_t b)
{
    return (b >= a + 3 && event_starts(t, b, b - 3, "：")) || (b > a && t[b - 1] == ':');
}

static void sentence_events(ev_state *st, size_t ss, size_t se)
{
    const char *t = st->t;
    int zh = is_zh_span(t, ss, se);
    /* questions: the sentence ends with a question mark */
    size_t q = se;
    while (q > ss) {
        size_t p = q - 1;
        while (p > ss && ((unsigned char)t[p] & 0xC0) == 0x80)
            p--;
        if (event_any_of(t, q, p, CLOSERS) || t[p] == ' ' || t[p] == '\n') {
            q = p;
            continue;
        }
        break;
    }
    if (q > ss && ((q >= ss + 3 && (event_starts(t, q, q - 3, "？") || event_starts(t, q, q - 3, "吗"))) || t[q - 1] == '?'))
        return;
    date_match sd;
    int has_sd = date_outside_quotes(st, ss, ss, se, &sd);
    size_t cs[65], dummy;
    size_t nc = zh ? clause_starts(t, ss, se, cs, 64) : 1;
    cs[0] = ss;
    cs[nc] = se;
    if (zh)
        nc = split_enumerations(t, cs, nc, 64);
    size_t consumed_to = ss;   /* clauses already inside an earlier event */
    for (size_t k = 0; k < nc; k++) {
        size_t a = cs[k], b = cs[k + 1], tp = 0;
        if (a < consumed_to)
            continue;
        int ti = event_find_trigger(t, a, b, zh, &tp);
        if (ti < 0)
            continue;
        const event_trigger *tr = event_trigger_get(zh, ti);
        if (negated(t, a, tp, zh) || hypothetical(t, zh ? a : ss, tp, zh) ||
            (zh && inside_quote(t, ss, tp)))
            continue;
        if (zh) {
            /* 这是…事件: an evaluation, not an act */
            if ((event_starts(t, b, a, "这是") || event_starts(t, b, a, "这起") || event_starts(t, b, a, "此次") ||
                 event_starts(t, b, a, "该")) && event_contains(t, a, b, "是"))
                continue;
            /* "爆炸发生在…": where an event told before took place */
            if (event_starts(t, b, tp, "发生在") && (count_chars(t, a, tp) <= 4 || event_starts(t, b, a, "这") ||
                                               event_starts(t, b, a, "此") || event_starts(t, b, a, "该")))
                continue;
            if (event_contains(t, a, se, "谣传") || event_contains(t, a, se, "谣言") || event_contains(t, a, se, "不实"))
                continue;   /* a report denied */
        }
        if (zh && (event_contains(t, tp, b, "不明") || event_contains(t, tp, b, "不详") || event_contains(t, tp, b, "未知")))
            continue;   /* "伤亡情况不明": nothing happened yet */
        if (zh && k + 1 < nc && temporal_clause(t, a, b))
            continue;   /* "事故发生后，": the setting of the next clause */
        if (zh && (event_starts(t, b, a, "据") || event_starts(t, b, a, "经") || event_starts(t, b, a, "根据") ||
                   event_starts(t, b, a, "针对") || event_starts(t, b, a, "对于") || event_starts(t, b, a, "关于")) &&
            count_chars(t, a, b) <= 10)
            continue;   /* 据了解, 据初步调查: a source, not an event */
        if (zh && tr->weight < 2.0 && tr->kind != EV_STATEMENT && k + 1 < nc) {
            /* a weak happening right before a stronger act: let the act take it in */
            size_t np = 0;
            int nt = event_find_trigger(t, cs[k + 1], cs[k + 2], zh, &np);
            if (nt >= 0 && event_trigger_get(zh, nt)->weight >= 2.0 &&
                count_chars(t, a, cs[k + 2]) <= EVENT_MAX_ZH_CHARS)
                continue;
        }
        double weight = tr->weight;
        int act = ti;   /* the act this event reports, for merging */
        span sp = {a, b};
        /* leading clauses: a time or setting, or a weak happening without its own actor */
        for (size_t back = k, steps = 0; back > 0 && steps < 3; back--, steps++) {
            size_t pa = cs[back - 1], pb = cs[back];
            date_match dm;
            size_t pp = 0;
            if (pa < consumed_to || ends_with_colon(t, pa, pb) ||
                count_chars(t, pa, sp.e) > EVENT_MAX_ZH_CHARS)
                break;
            int pt = event_find_trigger(t, pa, pb, zh, &pp);
            int weak = pt >= 0 && event_trigger_get(zh, pt)->weight < 2.0;
            (void)dm;
            if (pt < 0 || weak || temporal_clause(t, pa, pb))
                sp.s = pa;
            else
                break;
        }
        if (zh) {
            size_t after = tp + strlen(tr->w);
            while (after < b && (event_any_of(t, b, after, CLAUSE_END) || t[after] == ' '))
                after += (size_t)(event_any_of(t, b, after, CLAUSE_END) ? event_any_of(t, b, after, CLAUSE_END) : 1);
            if (tr->kind == EV_STATEMENT && after >= b) {
                /* a statement pulls in what was said; an act inside it lends its weight */
                sp.e = se;
                size_t qp = 0;
                int qt = event_find_trigger(t, b, se, zh, &qp);
                if (qt >= 0 && event_trigger_get(zh, qt)->kind == EV_ACT &&
                    event_trigger_get(zh, qt)->weight - 0.5 > weight) {
                    weight = event_trigger_get(zh, qt)->weight - 0.5;
                    act = qt;
                }
            } else {
                /* continuations: clauses without a trigger or starting with one (no new subject) */
                for (size_t f = k + 1, n_app = 0; f < nc && n_app < 2; f++, n_app++) {
                    size_t fp = 0;
                    int ft = event_find_trigger(t, cs[f], cs[f + 1], zh, &fp);
                    static const char *const conn[] = {"致使", "导致", "造成", "并", "随后", "然后", "后",
                                                       "再", "又", "已", "还", "均", "才", "便", "即", NULL};
                    int starts_with = event_trigger_at(t, cs[f], cs[f + 1], zh) >= 0 ||
                                      event_any_of(t, cs[f + 1], cs[f], conn);
                    /* a clause with its own trigger and participants is an event of its own */
                    int own = ft >= 0 && (has_argument(t, cs[f], cs[f + 1]) || names_actor(st, cs[f], fp));
                    size_t np2 = 0;
                    int setting = ft < 0 && f + 1 < nc && event_find_trigger(t, cs[f + 1], cs[f + 2], zh, &np2) >= 0;
                    if ((ft >= 0 && !starts_with) || own || setting || count_chars(t, sp.s, cs[f + 1]) > EVENT_MAX_ZH_CHARS ||
                        ends_with_colon(t, cs[f - 1], cs[f]))
                        break;
                    sp.e = cs[f + 1];
                }
            }
        }
        /* clauses this candidate covers, if it is kept; what a statement
         * reports stays open for events of its own */
        int reports = zh && tr->kind == EV_STATEMENT && sp.e == se && b < se;
        size_t group_end = reports ? b : sp.e;
        /* no trailing comma or space */
        while (sp.e > sp.s) {
            size_t p = sp.e - 1;
            while (p > sp.s && ((unsigned char)t[p] & 0xC0) == 0x80)
                p--;
            if (event_any_of(t, sp.e, p, CLAUSE_END) || event_starts(t, sp.e, p, "、") || t[p] == ' ' || t[p] == '\n')
                sp.e = p;
            else
                break;
        }
        while (sp.s < sp.e && (t[sp.s] == ' ' || event_starts(t, sp.e, sp.s, "　")))
            sp.s += t[sp.s] == ' ' ? 1 : 3;   /* no leading space */
        sp = trim(t, st->len, sp, tp, zh);
        if (zh && temporal_clause(t, sp.s, sp.e) && count_chars(t, sp.s, sp.e) <= 12)
            continue;   /* only the setting of something else: "卫生局接获通报后" */
        cand c;
        memset(&c, 0, sizeof c);
        c.text = sp;
        date_match dm;
        if (date_outside_quotes(st, ss, sp.s, sp.e, &dm))
            memcpy(c.date, dm.iso, sizeof c.date);
        else if (has_sd && sd.end <= sp.s)
            memcpy(c.date, sd.iso, sizeof c.date);
        else if (st->last_date[0] &&
                 !date_chain(t + sp.s, sp.e - sp.s, st->last_date, c.date, sizeof c.date))
            c.date[0] = '\0';   /* 一个月后, the next day: from the event told before */
        cand_actors(st, &c, tp, !zh && tr->kind == EV_STATEMENT);
        int spare = 0;
        if (tr->kind == EV_STATEMENT && c.n_actors == 0) {
            static const char *const crowd[] = {"多人", "有人", "人们", "大家", "他们", "她们", "我们", "人士", NULL};
            if (!(zh && noun_before(t, sp.s, tp)) || (tp >= sp.s + 6 && event_any_of(t, tp, tp - 6, crowd)))
                continue;
            spare = 1;   /* "报道称": a source that speaks, only a spare */
        }
        if (!spare && !c.n_actors && !c.date[0] && !has_argument(t, sp.s, sp.e)) {
            /* who or when: an event needs one of them. A strong happening
             * with a noun right before it (房屋倒塌) is kept as a spare,
             * used only when an article has too few events. */
            if (!(zh && tr->kind == EV_HAPPENING && tr->weight >= 1.4 && noun_before(t, sp.s, tp)) &&
                !(zh && tr->kind == EV_ACT && tr->weight >= 1.4 && noun_after(t, tp + strlen(tr->w), sp.e)))
                continue;
            spare = 1;
        }
        double pos = st->len ? (double)ss / (double)st->len : 0;
        c.score = weight + (c.n_actors ? 1.5 : 0) + (c.date[0] ? 1.0 : 0) + 1.2 * (1.0 - pos) +
                  (tr->kind == EV_STATEMENT && !c.date[0] ? -0.5 : 0);
        c.trig = zh ? act : -1 - act;
        c.reported = reports;
        if (spare)
            c.score -= SPARE_PENALTY;
        push(st, &c);
        if (c.date[0])
            memcpy(st->last_date, c.date, sizeof st->last_date);
        consumed_to = group_end;
        (void)dummy;
    }
}

/* Character-bigram overlap of two spans (Dice), for duplicates. */
static double overlap(const char *t, span x, span y)
{
    size_t inter = 0, nx = 0, ny = 0;
    for (size_t i = x.s; i + 1 < x.e; i += event_cp_len((unsigned char)t[i])) {
        size_t l = event_cp_len((unsigned char)t[i]);
        size_t l2 = i + l < x.e ? event_cp_len((unsigned char)t[i + l]) : 0;
        if (!l2 || i + l + l2 > x.e)
            break;
        nx++;
        char bg[8];
        memcpy(bg, t + i, l + l2);
        if (memmem(t + y.s, y.e - y.s, bg, l + l2))
            inter++;
    }
    for (size_t i = y.s; i + 1 < y.e; i += event_cp_len((unsigned char)t[i]))
        ny++;
    return nx + ny ? 2.0 * (double)inter / (double)(nx + ny) : 0;
}

/* Well-formed UTF-8 (no overlongs, surrogates or bytes past U+10FFFF). */
static int utf8_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        size_t len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                   : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
        if (!len || i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++)
            if ((u[i + k] & 0xC0) != 0x80)
                return 0;
        if ((c == 0xE0 && u[i + 1] < 0xA0) || (c == 0xED && u[i + 1] > 0x9F) ||
            (c == 0xF0 && u[i + 1] < 0x90) || (c == 0xF4 && u[i + 1] > 0x8F))
            return 0;
        i += len;
    }
    return 1;
}

static int by_score(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->text.s < y->text.s ? -1 : x->text.s > y->text.s;
}

/* Alphabetic-script text: ICU's sentences (en@ss=standard plus the
 * abbreviations it misses, text_split_sentences), which know "Dec. 7",
 * "a.m.", "U.S." and initials; a line break always ends one. */
static int latin_sentences(ev_state *st)
{
    size_t n = text_split_sentences(st->t, st->len, "en", NULL, 0);
    text_sentence *v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v)
        return -1;
    n = text_split_sentences(st->t, st->len, "en", v, n);
    for (size_t k = 0; k < n; k++)
        sentence_events(st, v[k].start, v[k].end);
    free(v);
    return 0;
}

int event_extract(const tag_taxonomy *tx, const char *title, const char *text,
                  const char *published_at, json_t **events)
{
    ev_state st;
    json_t *arr = json_array();
    int rc = -1;
    memset(&st, 0, sizeof st);
    *events = NULL;
    st.c = calloc(MAX_CANDS, sizeof *st.c);
    if (!arr || !st.c)
        goto done;
    if (date_anchor_parse(published_at, &st.anchor) != 0)
        st.anchor.y = 0;
    st.t = text ? text : "";
    st.len = strnlen(st.t, MAX_TEXT);
    if (title)
        event_names_find(&st.names, tx, title, strnlen(title, 4096));
    event_names_find(&st.names, tx, st.t, st.len);
    if (!is_zh_span(st.t, 0, st.len)) {
        if (latin_sentences(&st) != 0)
            goto done;
    } else {
        for (size_t i = 0; i < st.len;) {
            while (i < st.len && (st.t[i] == ' ' || st.t[i] == '\n' || event_starts(st.t, st.len, i, "　")))
                i += st.t[i] == ' ' || st.t[i] == '\n' ? 1 : 3;
            if (i >= st.len)
                break;
            size_t e = sentence_end(st.t, st.len, i);
            sentence_events(&st, i, e);
            i = e;
        }
    }
    /* best first; a candidate that repeats a kept event merges into it
     * (overlapping spans, the same act by the same actor, near-identical
     * text). Only kept events are compared: at most EVENT_MAX each. */
    qsort(st.c, st.n, sizeof *st.c, by_score);
    cand *keep[EVENT_MAX];
    size_t kept = 0;
    for (size_t i = 0; i < st.n; i++) {
        cand *y = &st.c[i];
        if (!utf8_valid(st.t + y->text.s, y->text.e - y->text.s))
            continue;   /* the text was not UTF-8 here: leave the event out */
        int dup = 0;
        for (size_t k = 0; k < kept && !dup; k++) {
            cand *x = keep[k];
            int ovl = x->text.s < y->text.e && y->text.s < x->text.e;
            /* a statement and an event it reports are two events */
            if (ovl && (x->reported != y->reported) &&
                ((x->reported && y->text.s >= x->text.s && y->text.e <= x->text.e) ||
                 (y->reported && x->text.s >= y->text.s && x->text.e <= y->text.e)))
                continue;
            int same_act = x->trig == y->trig && x->n_actors > 0 && y->n_actors > 0 &&
                           !strcmp(x->actors[0], y->actors[0]) && strcmp(x->date, y->date) == 0 &&
                           event_trigger_get(x->trig >= 0, x->trig >= 0 ? x->trig : -1 - x->trig)->kind !=
                               EV_STATEMENT &&   /* two statements of one person are two events */
                           overlap(st.t, x->text, y->text) >= 0.3;
            if (!(ovl || same_act || overlap(st.t, x->text, y->text) >= 0.6))
                continue;
            dup = 1;
            if (!ovl && y->text.s < x->text.s) {
                /* the same event told twice: keep the first telling, with the better score */
                cand first = *y;
                first.score = x->score;
                *y = *x;
                *x = first;
            }
            for (int j = 0; j < y->n_actors; j++)
                cand_add_actor(x, y->actors[j], strlen(y->actors[j]));
        }
        if (!dup && kept < EVENT_MAX)
            keep[kept++] = y;
    }
    for (size_t i = 0; i < kept; i++) {
        cand *c = keep[i];
        json_t *actors = json_array();
        for (int k = 0; actors && k < c->n_actors; k++)
            json_array_append_new(actors, json_string(c->actors[k]));
        json_t *item = json_pack("{s:s%, s:o, s:o}", "text", st.t + c->text.s, c->text.e - c->text.s,
                                 "date", c->date[0] ? json_string(c->date) : json_null(),
                                 "actors", actors ? actors : json_array());
        if (!item || json_array_append_new(arr, item))
            goto done;
    }
    *events = arr;
    arr = NULL;
    rc = 0;
done:
    json_decref(arr);
    free(st.c);
    return rc;
}

char *event_join_texts(const json_t *events)
{
    size_t len = 0, i;
    json_t *e;
    json_array_foreach(events, i, e)
        len += strlen(json_string_value(json_object_get(e, "text")) ? json_string_value(json_object_get(e, "text")) : "") + 1;
    char *out = malloc(len + 1), *w = out;
    if (!out)
        return NULL;
    json_array_foreach(events, i, e) {
        const char *s = json_string_value(json_object_get(e, "text"));
        size_t n = s ? strlen(s) : 0;
        memcpy(w, s ? s : "", n);
        w += n;
        *w++ = '\n';
    }
    *w = '\0';
    return out;
}
