/* event_names.c -- actor names for events: patterns over the raw text.
 *
 * Owns the title, organisation-suffix, middle-dot and capitalised-word
 * patterns and the word lists behind them. It finds candidates only;
 * deciding which names act in which event is events.c's business.
 */
#include "analyze/event_names.h"
#include "analyze/event_lex.h"
#include "analyze/event_text.h"

#include <string.h>

/* ---- actors ---- */

const char *const EVENT_STOP_CHARS[] = {
    "的", "了", "在", "和", "与", "及", "是", "对", "向", "由", "被", "从", "将", "把", "为", "等", "就",
    "也", "都", "已", "还", "据", "让", "给", "跟", "同", "于", "以", "而", "并", "又", "再", "其", "这",
    "那", "该", "此", "每", "各", "有", "说", "称", "表", "示", "会", "要", "能", "可", "着", "过", "到",
    "去", "来", "所", "后", "前", "中", "时", "称", "认", "曾", "正", "才", "很", "最", "更", NULL};

static const char *const ORG_SUFFIX[] = {
    "公司", "集团", "银行", "研究院", "研究所", "实验室", "大学", "学院", "医院", "政府", "委员会", "法院",
    "检察院", "公安局", "派出所", "消防支队", "消防大队", "消防中队", "协会", "基金会", "交易所", "俱乐部",
    "电视台", "报社", "通讯社", "科技", "管理局", "监管局", "卫生局", "教育局", "气象局", "地震局",
    "办公室", "指挥部", "中心", "机构", "公安厅", "公安局", "交警大队", "支队", "大队", "委员会", "部门",
    "政府", "部", "局", "署", "厅", "委", "网站", "航空", "铁路局", "医院", "学校", "小学", "中学", NULL};

static const char *const TITLES[] = {
    "首席执行官", "首席科学家", "首席分析师", "联合创始人", "创始人", "董事长", "总裁", "总经理", "CEO",
    "CTO", "掌门人", "教授", "院士", "部长", "市长", "省长", "县长", "院长", "局长", "校长", "主席",
    "总统", "总理", "首相", "发言人", "负责人", "主任", "书记", "主教练", "教练", "博士", "研究员",
    "科学家", "分析师", "经理", "队长", "警官", "所长", "处长", "董事", NULL};

const char *const EVENT_GROUP_ACTORS[] = {
    "警方", "民警", "交警", "公安", "消防官兵", "消防队员", "消防员", "消防人员", "医护人员", "救援人员",
    "救援队", "武警", "村民", "居民", "司机", "乘客", "伤者", "遇难者", "记者", "专家", "官员", "工作人员",
    "有关部门", "相关部门", "当地政府", "市政府", "省政府", "国务院", "学生", "师生", "患者", "police",
    "目击者", "驾驶员", "肇事者", "嫌疑人", "歹徒", "恐怖分子", "武装分子", "医生", "护士", "交通部门",
    "官方", "相关人士", "知情人士", "负责人", "当局", "发言人", "军方", "消防部门", "卫生部门", "网友",
    NULL};

static void add_name(event_names *st, const char *s, size_t n)
{
    if (n < 2 || n >= EVENT_NAME_BYTES || st->n >= EVENT_MAX_NAMES)
        return;
    for (int k = 0; k < st->n; k++)
        if (strlen(st->name[k]) == n && !memcmp(st->name[k], s, n))
            return;
    memcpy(st->name[st->n], s, n);
    st->name[st->n++][n] = '\0';
}

/* A Chinese personal name at i (2-3 Han characters, or a transliterated
 * name with ·); returns its byte length or 0. */
static size_t name_after(const char *t, size_t len, size_t i)
{
    size_t j = i, chars = 0;
    while (j < len && chars < 12) {
        if (event_starts(t, len, j, "·") || event_starts(t, len, j, "•")) {
            j += event_starts(t, len, j, "·") ? 2 : 3;
            chars = 0;   /* a transliterated name: keep going */
            continue;
        }
        if (!event_is_han(t, len, j) || (chars >= 2 && event_any_of(t, len, j, EVENT_STOP_CHARS)))
            break;
        if (chars == 0 && event_any_of(t, len, j, EVENT_STOP_CHARS))
            return 0;
        j += 3;
        chars++;
        if (chars == 3 && !event_contains(t, i, j, "·") && !event_starts(t, len, j, "·") && !event_starts(t, len, j, "•"))
            break;
    }
    return chars >= 2 || event_contains(t, i, j, "·") ? j - i : 0;
}

/* Han run ending at e, at most max chars, stopping at stop chars. */
static size_t han_run_before(const char *t, size_t len, size_t e, size_t max)
{
    size_t b = e, chars = 0;
    while (b >= 3 && chars < max) {
        size_t p = b - 3;
        int latin = b > 0 && ((t[b - 1] >= 'A' && t[b - 1] <= 'Z') || (t[b - 1] >= 'a' && t[b - 1] <= 'z') ||
                              (t[b - 1] >= '0' && t[b - 1] <= '9'));
        if (latin && max > 4) {   /* organisations may hold Latin letters: 360公司 */
            b--;
            continue;
        }
        if (!event_is_han(t, len, p) || event_any_of(t, len, p, EVENT_STOP_CHARS))
            break;
        b = p;
        chars++;
    }
    return b;
}

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_alnum(char c) { return (c >= 'a' && c <= 'z') || is_upper(c) || (c >= '0' && c <= '9'); }

static const char *const EN_STOP[] = {
    "The", "A", "An", "In", "On", "At", "But", "And", "It", "He", "She", "They", "We", "I", "This", "That",
    "These", "Those", "If", "As", "For", "Of", "To", "By", "With", "His", "Her", "Their", "Its", "Our",
    "When", "While", "After", "Before", "However", "There", "What", "Why", "How", "Who", "Some", "Many",
    "Mr", "Mrs", "Ms", "Dr", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "So", "Also", "Now", "Last", "Next", "One", "Two", "More", "Most", "Under",
    "Since", "Yet", "Despite", "Although", "Meanwhile", "According", "Speaking", "Earlier", "Later", "Then",
    "Both", "All", "Any", "Each", "Such", "Other", "Not", "No", "Yes", "Even", "Still", "Only", "Just", NULL};

static int en_stop(const char *s, size_t n)
{
    for (size_t k = 0; EN_STOP[k]; k++)
        if (EN_STOP[k][0] == s[0] && strlen(EN_STOP[k]) == n && !memcmp(EN_STOP[k], s, n))
            return 1;
    return 0;
}

/* Does a capital at t[i] stand where any word is capitalised: the start
 * of the text, a line or a sentence (after . ! ? or a quote)? */
static int capital_free(const char *t, size_t i)
{
    while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '"' || t[i - 1] == '(' || t[i - 1] == '\''))
        i--;
    return i == 0 || t[i - 1] == '.' || t[i - 1] == '!' || t[i - 1] == '?' || t[i - 1] == '\n' ||
           t[i - 1] == ':';
}

/* Is w (n bytes) also written capitalised where a capital means a name? */
static int capitalised_elsewhere(const char *t, size_t len, const char *w, size_t n)
{
    for (const char *p = t; (p = memmem(p, len - (size_t)(p - t), w, n)); p += n) {
        size_t at = (size_t)(p - t);
        if ((at == 0 || !is_alnum(t[at - 1])) && (at + n >= len || !is_alnum(t[at + n])) && !capital_free(t, at))
            return 1;
    }
    return 0;
}

/* Capitalised words that are no actor: a dateline (WASHINGTON (AP) —,
 * NEW YORK _), an ordinary word capitalised by its place in the sentence
 * (Sales, Analysts, Calling, Three) unless the article also writes it
 * capitalised elsewhere, an abbreviation cut at its dot (Gen., Sept.,
 * Ill.), a nationality or creed adjective before a noun (Iraqi troops). */
static int not_an_actor(const char *t, size_t len, size_t i, size_t e, int words)
{
    int caps = 1;
    for (size_t k = i; k < e && caps; k++)
        caps = !(t[k] >= 'a' && t[k] <= 'z');
    size_t nx = e;
    while (nx < len && t[nx] == ' ')
        nx++;
    if (caps && e - i > 3 && (i == 0 || t[i - 1] == '\n') && nx < len &&
        (t[nx] == ',' || t[nx] == '(' || t[nx] == '_' || t[nx] == '-' || event_starts(t, len, nx, "\xE2\x80\x94")))
        return 1;
    if (words > 1)
        return 0;
    static const char *const abbr[] = {"Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Sgt", "Adm", "Rev", "St",
                                       "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
                                       "Dec", "Co", "Corp", "Inc", "Ltd", "Ill", "Ore", "Wis", "Tex", "Fla", "Calif",
                                       "Mass", "Conn", "Mich", "Minn", "Ariz", "Colo", "Okla", "Tenn", "Wash", NULL};
    for (size_t k = 0; abbr[k]; k++)
        if (strlen(abbr[k]) == e - i && !memcmp(t + i, abbr[k], e - i) && e < len && t[e] == '.')
            return 1;
    if (capital_free(t, i) && !capitalised_elsewhere(t, len, t + i, e - i))
        return 1;
    static const char *const adj_end[] = {"ian", "ean", "ese", "ish", "ican", "i", NULL};
    static const char *const adj[] = {"Arab", "Afghan", "Dutch", "French", "Greek", "Swiss", "Thai", "Soviet",
                                      "Communist", "Christian", "Catholic", "Islamic", "Muslim", "Jewish", NULL};
    if (nx == e + 1 && nx < len && t[nx] >= 'a' && t[nx] <= 'z') {
        for (size_t k = 0; adj[k]; k++)
            if (strlen(adj[k]) == e - i && !memcmp(t + i, adj[k], e - i))
                return 1;
        for (size_t k = 0; adj_end[k]; k++) {
            size_t l = strlen(adj_end[k]);
            if (e - i > l + 2 && !memcmp(t + e - l, adj_end[k], l))
                return 1;
        }
    }
    return 0;
}

/* Collect article-wide names. */
static void scan_names(event_names *st, const char *t, size_t len)
{
    for (size_t i = 0; i < len && st->n < EVENT_MAX_NAMES;) {
        int n;
        /* the title and organisation lists are Chinese: their words start
         * with a lead byte >= 0xC0, so ASCII and continuation bytes skip them */
        int lead = (unsigned char)t[i] >= 0xC0;
        if (lead && (n = event_any_of(t, len, i, TITLES))) {
            size_t nl = name_after(t, len, i + (size_t)n), tpos = 0;
            /* the name stops before a trigger (林锐亲临 -> 林锐) and is no title itself */
            for (size_t x = i + (size_t)n; nl && x < i + (size_t)n + nl; x += 3)
                if (event_find_trigger(t, x, x + 6 <= len ? x + 6 : len, 1, &tpos) >= 0 && tpos == x) {
                    nl = x - (i + (size_t)n);
                    if (nl < 6)
                        nl = 0;
                    break;
                }
            static const char *const not_name[] = {"助理", "秘书", "副", "等", "马上", "立即", "迅速", "随即", "正在",
                                                   "已经", "当即", "亲自", "一行", "们", "介绍", "透露", NULL};
            if (nl && (event_any_of(t, len, i + (size_t)n, TITLES) || event_any_of(t, len, i + (size_t)n, not_name)))
                nl = 0;
            if (nl)
                add_name(st, t + i + n, nl);
            static const char *const after_name[] = {"教授", "院士", "博士", "老师", "医生", NULL};
            static const char *const honorific[] = {"先生", "女士", "小姐", NULL};
            int hn = event_any_of(t, len, i, honorific);
            if (hn && i >= 3 && event_is_han(t, len, i - 3) && !event_any_of(t, len, i - 3, EVENT_STOP_CHARS)) {
                add_name(st, t + i - 3, 3 + (size_t)hn);   /* 张先生 */
                i += (size_t)hn;
                continue;
            }
            size_t b = han_run_before(t, len, i, 4);
            if (event_any_of(t, len, i, after_name) && i - b >= 6 && i - b <= 9 &&
                (i + (size_t)n >= len || !event_is_han(t, len, i + (size_t)n) ||
                 event_any_of(t, len, i + (size_t)n, EVENT_STOP_CHARS)))
                add_name(st, t + b, i - b);   /* 沈为教授 -> 沈为 */
            i += (size_t)n;
            continue;
        }
        if (lead && (n = event_any_of(t, len, i, ORG_SUFFIX))) {
            size_t b = han_run_before(t, len, i, 10);
            size_t e = i + (size_t)n;
            static const char *const vague[] = {"一家", "两家", "这家", "多家", "几家", "每家", "各家", NULL};
            if (i - b >= 6 && !event_any_of(t, len, b, vague))
                add_name(st, t + b, e - b);
            i = e;
            continue;
        }
        if ((event_starts(t, len, i, "·") || event_starts(t, len, i, "•")) && i >= 6) {
            /* 史蒂夫·沃兹尼亚克: Han runs joined by a middle dot */
            size_t b = han_run_before(t, len, i, 3);
            size_t dl = event_starts(t, len, i, "·") ? 2 : 3;
            size_t e = i + dl, chars = 0;
            size_t tpos = 0;
            while (e < len && chars < 5 && event_is_han(t, len, e) && !event_any_of(t, len, e, EVENT_STOP_CHARS) &&
                   !(chars >= 1 && event_find_trigger(t, e, e + 6 <= len ? e + 6 : len, 1, &tpos) >= 0 &&
                     tpos == e)) {
                e += 3;
                chars++;
            }
            for (size_t x = b; x < i; x += 3) {   /* 联合创始人史蒂夫: the name starts after the title */
                int tl = event_any_of(t, i, x, TITLES);
                if (tl)
                    b = x + (size_t)tl;
            }
            if (i - b >= 3 && chars >= 1)
                add_name(st, t + b, e - b);
            i = e;
            continue;
        }
        if (is_upper(t[i]) && (i == 0 || !is_alnum(t[i - 1]))) {
            /* capitalised words, joined by single spaces */
            size_t j = i, last = i;
            int words = 0;
            while (j < len && is_upper(t[j])) {
                size_t w = j;
                while (j < len && (is_alnum(t[j]) || t[j] == '-' || t[j] == '.' || t[j] == '&'))
                    j++;
                while (j > w && (t[j - 1] == '.' || t[j - 1] == '-'))
                    j--;
                if (j < len && t[j] == '.' && memchr(t + w, '.', j - w))
                    j++;   /* U.S., N.V.: the initialism keeps its last dot */
                if (en_stop(t + w, j - w) && words == 0) {
                    last = j;
                    words = -1;
                    break;
                }
                last = j;
                words++;
                if (j + 1 < len && t[j] == ' ' && is_upper(t[j + 1]))
                    j++;
                else
                    break;
            }
            static const char *const not_names[] = {"AI", "IT", "TV", "PC", "VR", "AR", "UP", "OK", "APP",
                                                    "CEO", "CTO", "GDP", "NPC", "MB", "GB", "PK", NULL};
            int bad = 0;
            for (size_t k = 0; not_names[k] && !bad; k++)
                bad = strlen(not_names[k]) == last - i && !memcmp(t + i, not_names[k], last - i);
            if (words > 0 && last - i >= 2 && !bad && !not_an_actor(t, len, i, last, words))
                add_name(st, t + i, last - i);
            i = last > i ? last : i + 1;
            continue;
        }
        i += event_cp_len((unsigned char)t[i]);
    }
}


/* Who speaks at the start of a clause: "王坚说，", "卫生局指出，". */
static void scan_speakers(event_names *st, const char *t, size_t len)
{
    static const char *const says[] = {"说", "表示", "称", "指出", "透露", "强调", "介绍", NULL};
    static const char *const not_people[] = {"报道", "消息", "声明", "公报", "数据", "资料", "文章", "报告",
                                             "通报", "新闻", "信息", "有人", "他们", "她们", "我们", NULL};
    for (size_t i = 6; i < len; i += event_cp_len((unsigned char)t[i])) {
        if (!event_any_of(t, len, i, says))
            continue;
        size_t b = i, chars = 0;
        while (b >= 3 && chars < 4 && event_is_han(t, len, b - 3) && !event_any_of(t, len, b - 3, EVENT_STOP_CHARS)) {
            b -= 3;
            chars++;
        }
        int at_start = b == 0 || t[b - 1] == ' ' || t[b - 1] == '\n' ||
                       (b >= 3 && ((unsigned char)t[b - 3] == 0xEF || (unsigned char)t[b - 3] == 0xE3 ||
                                   (unsigned char)t[b - 3] == 0xE2));   /* after CJK punctuation */
        if (chars >= 2 && chars <= 3 && at_start && !event_any_of(t, len, b, not_people))
            add_name(st, t + b, i - b);
    }
}

/* Technologies are not actors: ChatGPT, Transformer, GPT-4. Only the
 * names from index `from` on are new; the earlier ones were checked when
 * they were found (checking them again made long texts quadratic). */
static void drop_technologies(event_names *en, const tag_taxonomy *tx, int from)
{
    int tech = tag_facet_find(tx, "technology"), w = from, found[2];
    for (int k = from; k < en->n; k++) {
        if (tech >= 0 && tag_lookup(tx, en->name[k], tech, found, 2) > 0)
            continue;
        if (w != k)
            memcpy(en->name[w], en->name[k], sizeof en->name[w]);
        w++;
    }
    en->n = w;
}

void event_names_find(event_names *en, const tag_taxonomy *tx, const char *t, size_t len)
{
    int before = en->n;
    scan_names(en, t, len);
    scan_speakers(en, t, len);
    if (tx && en->n > before)
        drop_technologies(en, tx, before);
}
