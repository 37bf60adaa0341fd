/* event_lex.c -- trigger words for events: acts, statements, happenings.
 *
 * Owns the lexicon and its lookup only. Opinion verbs (认为, 觉得,
 * believes, thinks) are deliberately absent: an opinion alone is not an
 * event. Statement verbs (表示, 称, said) are weak and events.c keeps
 * them only with a named actor.
 */
#include "analyze/event_lex.h"

#include <string.h>

static const event_trigger ZH[] = {
    {"发布", 3, EV_ACT}, {"宣布", 3, EV_ACT}, {"推出", 3, EV_ACT}, {"上线", 2.8, EV_ACT},
    {"收购", 3, EV_ACT}, {"并购", 3, EV_ACT}, {"融资", 2.8, EV_ACT}, {"签署", 3, EV_ACT},
    {"签约", 2.5, EV_ACT}, {"辞职", 3, EV_ACT}, {"辞任", 3, EV_ACT}, {"离职", 2.8, EV_ACT},
    {"任命", 3, EV_ACT}, {"出任", 2.8, EV_ACT}, {"当选", 2.8, EV_ACT}, {"起诉", 3, EV_ACT},
    {"暂停", 2.6, EV_ACT}, {"收回", 2.6, EV_ACT}, {"成立", 2.4, EV_ACT}, {"上市", 2.4, EV_ACT},
    {"启动", 2.4, EV_ACT}, {"批准", 2.4, EV_ACT}, {"举行", 2.2, EV_ACT}, {"召开", 2.2, EV_ACT},
    {"公布", 2.4, EV_ACT}, {"披露", 2.2, EV_ACT}, {"通报", 2.2, EV_ACT}, {"证实", 2, EV_ACT},
    {"逮捕", 3, EV_ACT}, {"抓获", 3, EV_ACT}, {"拘留", 2.8, EV_ACT}, {"判处", 2.8, EV_ACT},
    {"立案", 2.6, EV_ACT}, {"调查", 2, EV_ACT}, {"问世", 2.6, EV_ACT}, {"发射", 2.8, EV_ACT},
    {"夺冠", 2.6, EV_ACT}, {"击败", 2.4, EV_ACT}, {"战胜", 2.4, EV_ACT}, {"赢得", 2.2, EV_ACT},
    {"裁员", 2.8, EV_ACT}, {"加息", 2.8, EV_ACT}, {"降息", 2.8, EV_ACT}, {"关闭", 2.2, EV_ACT},
    {"取消", 2.2, EV_ACT}, {"推迟", 2.2, EV_ACT}, {"呼吁", 2.2, EV_ACT}, {"警告", 2.2, EV_ACT},
    {"赶赴", 2.4, EV_ACT}, {"赶到", 2.2, EV_ACT}, {"抵达", 2, EV_ACT}, {"送往", 2.4, EV_ACT},
    {"送到", 2.2, EV_ACT}, {"送至", 2.2, EV_ACT}, {"救出", 2.4, EV_ACT}, {"扑灭", 2.4, EV_ACT},
    {"疏散", 2.2, EV_ACT}, {"救治", 2, EV_ACT}, {"抢救", 2, EV_ACT}, {"报警", 2.2, EV_ACT},
    {"接到", 1.8, EV_ACT}, {"展开", 1.8, EV_ACT}, {"开展", 1.8, EV_ACT}, {"成立了", 2.4, EV_ACT},
    {"控制", 1.6, EV_ACT}, {"出院", 2, EV_ACT}, {"带走", 2.2, EV_ACT}, {"指挥", 1.8, EV_ACT},
    {"部署", 1.8, EV_ACT}, {"组织", 1.6, EV_ACT}, {"获得", 1.6, EV_ACT},
    {"对外宣布", 3, EV_ACT}, {"扑救", 2.2, EV_ACT}, {"前往", 1.8, EV_ACT}, {"探望", 1.8, EV_ACT},
    {"发生", 2.8, EV_HAPPENING}, {"造成", 2.4, EV_HAPPENING}, {"死亡", 2.6, EV_HAPPENING},
    {"身亡", 2.6, EV_HAPPENING}, {"遇难", 2.6, EV_HAPPENING}, {"丧生", 2.6, EV_HAPPENING},
    {"受伤", 2.2, EV_HAPPENING}, {"重伤", 2.2, EV_HAPPENING}, {"伤亡", 2.2, EV_HAPPENING},
    {"爆炸", 2.6, EV_HAPPENING}, {"起火", 2.6, EV_HAPPENING}, {"着火", 2.4, EV_HAPPENING},
    {"失火", 2.4, EV_HAPPENING}, {"倒塌", 2.4, EV_HAPPENING}, {"坍塌", 2.4, EV_HAPPENING},
    {"相撞", 2.6, EV_HAPPENING}, {"追尾", 2.4, EV_HAPPENING}, {"侧翻", 2.4, EV_HAPPENING},
    {"地震", 2.2, EV_HAPPENING}, {"袭击", 2.4, EV_HAPPENING}, {"中毒", 2.4, EV_HAPPENING},
    {"失踪", 2.2, EV_HAPPENING}, {"被困", 2.2, EV_HAPPENING}, {"爆发", 2.2, EV_HAPPENING},
    {"中断", 1.8, EV_HAPPENING}, {"出现", 1.6, EV_HAPPENING},
    {"住院", 1.8, EV_HAPPENING}, {"入院", 1.8, EV_HAPPENING},
    {"救援", 1.8, EV_ACT}, {"治疗", 1.8, EV_ACT}, {"发现", 1.6, EV_ACT}, {"处理", 1.4, EV_ACT},
    {"检查", 1.4, EV_ACT}, {"到达", 1.8, EV_ACT}, {"营救", 2, EV_ACT}, {"解救", 2, EV_ACT},
    {"火灾", 2, EV_HAPPENING}, {"大火", 2, EV_HAPPENING}, {"交通事故", 2.2, EV_HAPPENING},
    {"车祸", 2.2, EV_HAPPENING}, {"事故", 1.6, EV_HAPPENING}, {"余震", 1.8, EV_HAPPENING},
    {"撞到", 2.2, EV_HAPPENING}, {"撞向", 2.2, EV_HAPPENING}, {"撞击", 2.2, EV_HAPPENING},
    {"撞死", 2.4, EV_HAPPENING}, {"撞伤", 2.2, EV_HAPPENING}, {"翻倒", 2, EV_HAPPENING},
    {"翻车", 2.2, EV_HAPPENING}, {"受损", 1.8, EV_HAPPENING}, {"损坏", 1.8, EV_HAPPENING},
    {"拥堵", 1.6, EV_HAPPENING}, {"疏导", 1.4, EV_ACT}, {"倒地", 1.6, EV_HAPPENING},
    {"确认", 1.8, EV_ACT}, {"核查", 1.6, EV_ACT}, {"留院", 1.6, EV_HAPPENING}, {"报告", 1.6, EV_ACT},
    {"参加", 1.4, EV_ACT}, {"封闭", 1.6, EV_ACT}, {"滞留", 1.6, EV_HAPPENING}, {"失联", 2.2, EV_HAPPENING},
    {"查明", 1.8, EV_ACT}, {"检验", 1.4, EV_ACT}, {"引燃", 2, EV_HAPPENING}, {"堵塞", 1.6, EV_HAPPENING},
    {"包扎", 1.6, EV_ACT}, {"破拆", 1.6, EV_ACT}, {"痊愈", 1.6, EV_HAPPENING}, {"抽搐", 1.6, EV_HAPPENING},
    {"食用", 1.6, EV_ACT}, {"进食", 1.6, EV_ACT}, {"告破", 2.4, EV_ACT}, {"落网", 2.4, EV_HAPPENING},
    {"击伤", 2.2, EV_ACT}, {"下令", 2.2, EV_ACT}, {"提供", 1.2, EV_ACT}, {"安排", 1.2, EV_ACT},
    {"碰撞", 2.4, EV_HAPPENING}, {"轻伤", 2, EV_HAPPENING}, {"轻微伤", 2, EV_HAPPENING},
    {"晃动", 1.6, EV_HAPPENING}, {"摇晃", 1.6, EV_HAPPENING}, {"变形", 1.6, EV_HAPPENING},
    {"甩出", 1.8, EV_HAPPENING}, {"危重", 1.6, EV_HAPPENING}, {"遇害", 2.6, EV_HAPPENING},
    {"逃逸", 2.2, EV_ACT}, {"集结", 1.8, EV_ACT}, {"锁定", 2, EV_ACT}, {"谴责", 2.2, EV_ACT},
    {"治愈", 1.8, EV_HAPPENING}, {"认定", 1.8, EV_ACT}, {"诊断", 1.6, EV_ACT}, {"体检", 1.4, EV_ACT},
    {"接报", 1.8, EV_ACT}, {"接获", 1.8, EV_ACT}, {"出警", 2, EV_ACT}, {"报案", 2, EV_ACT},
    {"侦破", 2.4, EV_ACT}, {"判刑", 2.6, EV_ACT}, {"追究", 1.8, EV_ACT}, {"带往", 1.8, EV_ACT},
    {"牵引", 1.4, EV_ACT}, {"分流", 1.4, EV_ACT}, {"聚集", 1.4, EV_HAPPENING}, {"调拨", 1.4, EV_ACT},
    {"咨询", 1.2, EV_ACT}, {"询问", 1.2, EV_ACT}, {"统计", 1.2, EV_ACT}, {"行驶", 1.4, EV_ACT},
    {"回忆", 1.2, EV_STATEMENT}, {"告诉", 1.0, EV_STATEMENT},
    {"赶往", 2, EV_ACT}, {"派出", 1.8, EV_ACT}, {"派遣", 1.8, EV_ACT}, {"出动", 1.8, EV_ACT}, {"调集", 1.8, EV_ACT},
    {"亲临", 1.8, EV_ACT}, {"勘察", 1.6, EV_ACT}, {"勘查", 1.6, EV_ACT}, {"清理", 1.4, EV_ACT},
    {"恢复", 1.6, EV_ACT}, {"送医", 2, EV_ACT}, {"协调", 1.4, EV_ACT}, {"处置", 1.6, EV_ACT},
    {"驾驶", 1.6, EV_ACT}, {"撞上", 2.2, EV_HAPPENING}, {"撞倒", 2.2, EV_HAPPENING},
    {"碾压", 2.2, EV_HAPPENING}, {"坠落", 2.2, EV_HAPPENING}, {"坠入", 2.2, EV_HAPPENING},
    {"冲出", 1.8, EV_HAPPENING}, {"燃烧", 1.8, EV_HAPPENING}, {"烧毁", 2, EV_HAPPENING},
    {"蔓延", 1.6, EV_HAPPENING}, {"逃生", 1.6, EV_HAPPENING}, {"遇袭", 2.2, EV_HAPPENING},
    {"劫持", 2.4, EV_ACT}, {"枪击", 2.4, EV_HAPPENING}, {"开枪", 2.2, EV_ACT}, {"击毙", 2.4, EV_ACT},
    {"呕吐", 1.8, EV_HAPPENING}, {"腹泻", 1.6, EV_HAPPENING}, {"就医", 1.8, EV_ACT},
    {"就诊", 1.8, EV_ACT}, {"转移", 1.6, EV_ACT}, {"安置", 1.6, EV_ACT}, {"撤离", 1.8, EV_ACT},
    {"搜救", 2, EV_ACT}, {"排查", 1.6, EV_ACT}, {"封锁", 1.8, EV_ACT}, {"救助", 1.6, EV_ACT},
    {"确诊", 2, EV_HAPPENING}, {"受灾", 1.8, EV_HAPPENING}, {"损毁", 1.8, EV_HAPPENING},
    {"出发", 1.4, EV_ACT}, {"指示", 1.6, EV_ACT}, {"要求", 1.2, EV_ACT}, {"会见", 2, EV_ACT},
    {"访问", 1.8, EV_ACT}, {"出席", 1.8, EV_ACT}, {"签订", 2.6, EV_ACT}, {"达成", 2.2, EV_ACT},
    {"表示", 1.4, EV_STATEMENT}, {"对外称", 1.6, EV_STATEMENT}, {"声称", 1.4, EV_STATEMENT},
    {"指出", 1.4, EV_STATEMENT}, {"透露", 1.4, EV_STATEMENT}, {"回应", 1.6, EV_STATEMENT},
    {"声明", 1.8, EV_STATEMENT}, {"介绍", 1.2, EV_STATEMENT}, {"强调", 1.2, EV_STATEMENT},
    {"承诺", 1.8, EV_STATEMENT}, {"说", 1.0, EV_STATEMENT}, {"称", 1.0, EV_STATEMENT},
};

static const event_trigger EN[] = {
    {"released", 3, EV_ACT}, {"releases", 3, EV_ACT}, {"announced", 3, EV_ACT}, {"announces", 3, EV_ACT},
    {"launched", 3, EV_ACT}, {"launches", 3, EV_ACT}, {"unveiled", 3, EV_ACT}, {"unveils", 3, EV_ACT},
    {"acquired", 3, EV_ACT}, {"acquires", 3, EV_ACT}, {"bought", 2.8, EV_ACT}, {"buys", 2.8, EV_ACT},
    {"signed", 2.8, EV_ACT}, {"signs", 2.8, EV_ACT}, {"resigned", 3, EV_ACT}, {"resigns", 3, EV_ACT},
    {"appointed", 2.8, EV_ACT}, {"named", 1.6, EV_ACT}, {"sued", 3, EV_ACT}, {"sues", 3, EV_ACT},
    {"suspended", 2.6, EV_ACT}, {"suspends", 2.6, EV_ACT}, {"agreed", 2.4, EV_ACT},
    {"rejected", 2.4, EV_ACT}, {"approved", 2.4, EV_ACT}, {"won", 2.4, EV_ACT}, {"beat", 2.2, EV_ACT},
    {"arrested", 2.8, EV_ACT}, {"charged", 2.6, EV_ACT}, {"fined", 2.6, EV_ACT}, {"raised", 2.2, EV_ACT},
    {"cut", 2.0, EV_ACT}, {"cuts", 2.0, EV_ACT}, {"opened", 2.2, EV_ACT}, {"closed", 2.0, EV_ACT},
    {"filed", 2.4, EV_ACT}, {"warned", 2.0, EV_ACT}, {"reported", 2.0, EV_ACT}, {"reports", 1.8, EV_ACT},
    {"published", 2.2, EV_ACT}, {"elected", 2.6, EV_ACT}, {"merged", 2.6, EV_ACT}, {"sold", 2.2, EV_ACT},
    {"invested", 2.2, EV_ACT}, {"raised", 2.2, EV_ACT}, {"banned", 2.4, EV_ACT}, {"ruled", 2.4, EV_ACT},
    {"quit", 2.6, EV_ACT}, {"sacked", 2.6, EV_ACT}, {"fired", 2.2, EV_ACT}, {"hired", 2.2, EV_ACT},
    {"died", 2.6, EV_HAPPENING}, {"killed", 2.6, EV_HAPPENING}, {"injured", 2.2, EV_HAPPENING},
    {"rose", 1.8, EV_HAPPENING}, {"fell", 1.8, EV_HAPPENING}, {"jumped", 1.8, EV_HAPPENING},
    {"collapsed", 2.4, EV_HAPPENING}, {"exploded", 2.4, EV_HAPPENING},
    {"said", 1.0, EV_STATEMENT}, {"says", 1.0, EV_STATEMENT}, {"told", 1.0, EV_STATEMENT},
    {"confirmed", 1.8, EV_STATEMENT}, {"denied", 1.8, EV_STATEMENT}, {"admitted", 1.8, EV_STATEMENT},
};

const event_trigger *event_trigger_get(int zh, int idx)
{
    size_t n = zh ? sizeof ZH / sizeof *ZH : sizeof EN / sizeof *EN;
    return idx >= 0 && (size_t)idx < n ? (zh ? &ZH[idx] : &EN[idx]) : NULL;
}

static int alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* 称 and 说 are single characters inside many words: only standing alone. */
static int weak_zh_ok(const char *t, size_t a, size_t b, size_t i, const char *w)
{
    static const char *const before_bad[] = {"名", "简", "号", "堪", "职", "统", "昵", "据", "小", "听", "传",
                                             "声", "对外", "所", "来", "就是", "不", "虽", "再", "也就是", "可以",
                                             "话", "演", "解", "游", "劝", NULL};
    static const char *const after_bad[] = {"为", "号", "作", "呼", "之", "法", "明", "服", "道", "话", "是",
                                            "赞", "职", "谓", "得", "起", "过", "不", NULL};
    size_t n = strlen(w);
    for (size_t k = 0; before_bad[k]; k++) {
        size_t bl = strlen(before_bad[k]);
        if (i >= a + bl && !memcmp(t + i - bl, before_bad[k], bl))
            return 0;
    }
    for (size_t k = 0; after_bad[k]; k++) {
        size_t al = strlen(after_bad[k]);
        if (i + n + al <= b && !memcmp(t + i + n, after_bad[k], al))
            return 0;
    }
    return 1;
}

/* What follows a word that is then no predicate: 受伤的女子, 死亡者,
 * 受伤人员, and names of bodies: 地震局, 消防部门, 地震台网. */
static int qualifies_noun(const char *t, size_t i, size_t b)
{
    static const char *const next[] = {"的", "者", "人员", "局", "部门", "台", "站", "中心", "办", "队", "网",
                                       "所", "科", "等", NULL};
    for (size_t k = 0; next[k]; k++) {
        size_t n = strlen(next[k]);
        if (i + n <= b && !memcmp(t + i, next[k], n))
            return 1;
    }
    return 0;
}

int event_find_trigger(const char *t, size_t a, size_t b, int zh, size_t *pos)
{
    const event_trigger *lex = zh ? ZH : EN;
    size_t n = zh ? sizeof ZH / sizeof *ZH : sizeof EN / sizeof *EN;
    int best = -1;
    for (size_t i = a; i < b; i++) {
        if (((unsigned char)t[i] & 0xC0) == 0x80)
            continue;
        if (!zh && i > a && alpha(t[i - 1]))
            continue;
        for (size_t k = 0; k < n; k++) {
            if (lex[k].w[0] != t[i])
                continue;   /* cheap reject before strlen: runs at every byte */
            size_t wl = strlen(lex[k].w);
            if (i + wl > b || memcmp(t + i, lex[k].w, wl))
                continue;
            if (!zh && i + wl < b && alpha(t[i + wl]))
                continue;
            if (zh && wl == 3 && !weak_zh_ok(t, a, b, i, lex[k].w))
                continue;
            if (zh && (qualifies_noun(t, i + wl, b) ||
                       (i >= a + 3 && i + 9 <= b && !memcmp(t + i - 3, "事发现场", 12))))
                continue;   /* 事发现场 is 事发 + 现场, not 发现 */
            if (best < 0 || lex[k].weight > lex[best].weight) {
                best = (int)k;
                *pos = i;
            }
        }
    }
    return best;
}

int event_trigger_at(const char *t, size_t i, size_t b, int zh)
{
    const event_trigger *lex = zh ? ZH : EN;
    size_t n = zh ? sizeof ZH / sizeof *ZH : sizeof EN / sizeof *EN;
    for (size_t k = 0; k < n && i < b; k++) {
        if (lex[k].w[0] != t[i])
            continue;
        size_t wl = strlen(lex[k].w);
        if (i + wl <= b && !memcmp(t + i, lex[k].w, wl) && (wl > 3 || !zh))
            return (int)k;
    }
    return -1;
}
