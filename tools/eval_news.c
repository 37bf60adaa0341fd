/* eval_news.c -- `make eval-tags` (English news part): industry tags on
 * topics-agnews and industries-reuters, scored as their READMEs say.
 *
 * Each item becomes the README's page and goes through the daemon's own
 * pipeline (tools/eval_page.c). topics-agnews: top-tag accuracy (first
 * industry id's AG classes include the gold class), any-tag accuracy,
 * top tag with no tag = World, and the confusion matrix.
 * industries-reuters: tag precision (correct / correct + wrong), strict,
 * top-tag precision, class recall, F1, absurd tags and stories without a
 * tag. The label tables below are the READMEs' tables, copied as written.
 *
 * usage: eval_news [--data DIR] [--verbose] [--only topics-agnews|industries-reuters]
 *                  [--half even|odd] CORPUS_DIR
 * --half scores every other item (by line number) so that a rule tuned on
 * one half can be checked on the other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "analyze/analyze.h"
#include "tools/eval_labels.h"
#include "tools/eval_page.h"

static int verbose;
static int half = -1;   /* -1 all, 0 even lines, 1 odd lines */

/* ---- topics-agnews ---- */

typedef struct ag_score { int n, top, any, top_world, conf[4][6]; } ag_score;

static void ag_one(const analyze_ctx *ctx, json_t *it, json_t *rec, ag_score *s)
{
    const char *gold = json_string_value(json_object_get(it, "label"));
    int g = gold ? eval_class_index(gold) : -1;
    if (g < 0 || strcmp(EVAL_AG_CLASS[g], gold))
        return;
    json_t *tags = json_object_get(json_object_get(rec, "tags"), "industry");
    size_t i;
    json_t *v;
    int top = 0, any = 0, col = 5;   /* 4 other, 5 none */
    char id[256];
    json_array_foreach(tags, i, v) {
        const char *label = json_string_value(v);
        if (!label)
            continue;
        eval_label_id(ctx, rec, "industry", label, id, sizeof id);
        const char *cls = eval_ag_classes(id);
        if (i == 0) {
            top = cls && eval_has_class(cls, gold);
            col = cls ? eval_class_index(cls) : 4;
            if (verbose && !top)
                printf("  miss %s: %s -> %s\n", gold, json_string_value(json_object_get(it, "title")), id);
        }
        any |= cls && eval_has_class(cls, gold);
    }
    if (json_array_size(tags) == 0 && verbose)
        printf("  none %s: %s\n", gold, json_string_value(json_object_get(it, "title")));
    if (!any && g == 3 && json_array_size(json_object_get(json_object_get(rec, "tags"), "technology")) > 0)
        any = 1;
    s->n++;
    s->top += top;
    s->any += any;
    s->top_world += top || (json_array_size(tags) == 0 && g == 0);
    s->conf[g][col]++;
}

static void ag_print(const ag_score *s)
{
    double n = s->n ? s->n : 1;
    printf("topics-agnews (%d stories): top-tag accuracy %.3f (%d), any-tag %.3f, top tag with no tag = World %.3f\n",
           s->n, s->top / n, s->top, s->any / n, s->top_world / n);
    printf("  confusion (gold \\ first id): %-9s %-9s %-9s %-9s %-6s %-6s\n", "World", "Sports", "Business",
           "Sci/Tech", "other", "none");
    for (int g = 0; g < 4; g++)
        printf("  %-28s %-9d %-9d %-9d %-9d %-6d %-6d\n", EVAL_AG_CLASS[g], s->conf[g][0], s->conf[g][1],
               s->conf[g][2], s->conf[g][3], s->conf[g][4], s->conf[g][5]);
}

/* ---- industries-reuters ---- */

typedef struct rt_score {
    long stories, tags, correct, wrong, unmap, first_c, first_w, tagged, targets, hit, absurd, absurd_st,
        untagged;
} rt_score;

static void rt_one(const analyze_ctx *ctx, json_t *it, json_t *rec, rt_score *s)
{
    char allowed[1024] = " ", cls_ids[EVAL_RT_NCLASS][128], seen[1024] = " ", id[256];
    memset(cls_ids, 0, sizeof cls_ids);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(it, "topics"), i, v)
        if (json_string_value(v))
            eval_rt_topic(json_string_value(v), allowed, sizeof allowed, cls_ids);
    strncat(allowed, " ", sizeof allowed - strlen(allowed) - 1);
    int nt = 0, absurd = 0, hits[EVAL_RT_NCLASS] = {0};
    json_array_foreach(json_object_get(json_object_get(rec, "tags"), "industry"), i, v) {
        if (!json_string_value(v))
            continue;
        eval_label_id(ctx, rec, "industry", json_string_value(v), id, sizeof id);
        if (eval_in_list(seen, id))
            continue;
        strncat(seen, id, sizeof seen - strlen(seen) - 2);
        strncat(seen, " ", sizeof seen - strlen(seen) - 1);
        int ok = eval_in_list(allowed, id), used = eval_in_list(EVAL_RT_USED, id);
        s->tags++;
        s->correct += ok;
        s->wrong += !ok && used;
        s->unmap += !ok && !used;
        if (nt == 0) {
            s->tagged++;
            s->first_c += ok;
            s->first_w += !ok && used;
        }
        if (eval_in_list(EVAL_RT_ABSURD, id)) {
            s->absurd++;
            absurd = 1;
        }
        for (size_t c = 0; c < EVAL_RT_NCLASS; c++)
            if (cls_ids[c][0] && eval_in_list(cls_ids[c], id))
                hits[c] = 1;
        if (verbose && !ok)
            printf("  %s %s: %s -> %s\n", used ? "wrong" : "unmap", json_string_value(json_object_get(it, "id")),
                   json_string_value(json_object_get(it, "title")), id);
        nt++;
    }
    for (size_t c = 0; c < EVAL_RT_NCLASS; c++)
        if (cls_ids[c][0]) {
            s->targets++;
            s->hit += hits[c];
            if (verbose && !hits[c])
                printf("  missed %s %s: %s\n", EVAL_RT_CLASS[c].cls, json_string_value(json_object_get(it, "id")),
                       json_string_value(json_object_get(it, "title")));
        }
    s->stories++;
    s->absurd_st += absurd;
    s->untagged += nt == 0;
}

static double ratio(long a, long b) { return b ? (double)a / (double)b : 0.0; }

static void rt_print(const rt_score *s)
{
    double p = ratio(s->correct, s->correct + s->wrong), r = ratio(s->hit, s->targets);
    printf("industries-reuters (%ld stories, %ld tags): tag precision %.3f (%ld correct, %ld wrong, %ld unmappable), "
           "strict %.3f\n", s->stories, s->tags, p, s->correct, s->wrong, s->unmap, ratio(s->correct, s->tags));
    printf("  top-tag precision %.3f, strict %.3f; class recall %.3f (%ld/%ld); F1 %.3f\n",
           ratio(s->first_c, s->first_c + s->first_w), ratio(s->first_c, s->tagged), r, s->hit, s->targets,
           p + r > 0 ? 2 * p * r / (p + r) : 0.0);
    printf("  absurd tags %.2f %% (%ld), stories with one %.2f %%; stories without an industry tag %ld\n",
           100.0 * ratio(s->absurd, s->tags), s->absurd, 100.0 * ratio(s->absurd_st, s->stories), s->untagged);
    fflush(stdout);
}

/* ---- driver ---- */

static int run_set(const analyze_ctx *ctx, const char *dir, const char *set)
{
    char path[1024];
    int reuters = !strcmp(set, "industries-reuters");
    snprintf(path, sizeof path, "%s/%s/items.jsonl", dir, set);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "eval_news: cannot open %s\n", path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    ag_score ag = {0};
    rt_score rt = {0};
    while (getline(&line, &cap, f) > 0) {
        if (half >= 0 && (lineno++ & 1) != half)
            continue;
        json_t *it = json_loads(line, 0, NULL);
        eval_item ei = {
            .set = set, .id = json_string_value(json_object_get(it, "id")),
            .title = json_string_value(json_object_get(it, "title")),
            .site_name = reuters ? "Reuters" : "Example News",
            .published = reuters ? json_string_value(json_object_get(it, "date")) : NULL,
            .text = json_string_value(json_object_get(it, "text")),
        };
        json_t *rec = it ? eval_page_analyze(ctx, &ei) : NULL;
        if (!rec)   /* a failed page is a record without tags */
            rec = json_object();
        if (rec && it) {
            if (reuters)
                rt_one(ctx, it, rec, &rt);
            else
                ag_one(ctx, it, rec, &ag);
        }
        json_decref(rec);
        json_decref(it);
    }
    free(line);
    fclose(f);
    if (reuters)
        rt_print(&rt);
    else
        ag_print(&ag);
    return 0;
}

int main(int argc, char **argv)
{
    eval_args a;
    if (eval_parse_args(argc, argv, "eval_news", &a) != 0)
        return 2;
    verbose = a.verbose;
    half = a.half;
    analyze_ctx *ctx = eval_ctx_new(&a, "eval_news");
    if (!ctx)
        return 1;
    static const char *sets[] = {"topics-agnews", "industries-reuters"};
    int rc = 0;
    for (int k = 0; k < 2; k++)
        if ((!a.only || !strcmp(a.only, sets[k])) && run_set(ctx, a.corpus, sets[k]) != 0)
            rc = 1;
    analyze_ctx_free(ctx);
    return rc;
}
