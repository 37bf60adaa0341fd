/* cue_stats.c -- `make tag-stats`: measured ambiguity of taxonomy terms.
 *
 * For every name and cue of the taxonomy, over the labelled dev sets
 * (topics-agnews, industries-reuters, topics-en, topics-zh): in how many
 * articles it occurs (title or text, after the tagger's case rule; once
 * per article) where its tag is judged by the set's label table, and in
 * how many of those the article's gold class allows the tag. The tagger
 * treats a term seen in >= TAG_STATS_MIN_DOCS such articles, mostly of
 * other classes, as weak ("won" in a Korean GNP story, "season" on palm
 * oil). Prints data/cue-stats.tsv on stdout: tag-id TAB term TAB docs TAB
 * in-class. --half even|odd uses every other article only, so that a
 * table built on one half can be scored on the other (eval_news --half).
 *
 * usage: cue_stats [--data DIR] [--half even|odd] CORPUS_DIR > data/cue-stats.tsv
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "analyze/tagger.h"
#include "analyze/taxonomy.h"
#include "tools/eval_labels.h"
#include "tools/eval_page.h"

typedef struct counts { long docs, in; } counts;
#define NSETS 4

/* the set's verdict on one tag id: -1 not judged, 0 not allowed, 1 allowed */
typedef int (*judge_fn)(json_t *item, const char *id, const char *ctx);

static int judge_ag(json_t *it, const char *id, const char *unused)
{
    (void)unused;
    const char *gold = json_string_value(json_object_get(it, "label"));
    const char *cls = eval_ag_classes(id);
    if (!gold)
        return -1;
    if (!cls)
        return eval_in_list(EVAL_AG_OTHER, id) ? 0 : -1;
    return eval_has_class(cls, gold);
}

static int judge_rt(json_t *it, const char *id, const char *allowed)
{
    (void)it;
    if (!eval_in_list(EVAL_RT_USED, id) && !eval_in_list(EVAL_RT_ABSURD, id))
        return -1;
    return eval_in_list(allowed, id);
}

static int judge_topic(json_t *it, const char *id, const char *unused)
{
    (void)unused;
    const char *label = json_string_value(json_object_get(it, "label"));
    const char *ids = label ? eval_topic_ids(label) : NULL;
    if (!ids || !eval_in_list(EVAL_TOPIC_IDS, id))
        return -1;
    return eval_in_list(ids, id);
}

/* Count the terms of one article into c (per pattern). seen: scratch per pattern. */
static int count_item(const tag_taxonomy *tx, json_t *it, judge_fn judge, counts *c, unsigned char *seen)
{
    const char *title = json_string_value(json_object_get(it, "title"));
    const char *text = json_string_value(json_object_get(it, "text"));
    char allowed[1024] = " ", cls_ids[EVAL_RT_NCLASS][128];
    size_t i;
    json_t *v;
    memset(cls_ids, 0, sizeof cls_ids);
    json_array_foreach(json_object_get(it, "topics"), i, v)
        if (json_string_value(v))
            eval_rt_topic(json_string_value(v), allowed, sizeof allowed, cls_ids);
    strncat(allowed, " ", sizeof allowed - strlen(allowed) - 1);
    memset(seen, 0, tag_pattern_count(tx));
    const char *parts[2] = {title, text};
    for (int k = 0; k < 2; k++) {
        tag_hit *hits = NULL;
        size_t nh = 0;
        if (!parts[k])
            continue;
        if (tag_find_terms(tx, parts[k], k == 0, &hits, &nh, NULL) != 0)
            return -1;
        for (size_t h = 0; h < nh; h++) {
            int p = hits[h].pattern;
            if (seen[p])
                continue;
            seen[p] = 1;
            int j = judge(it, tag_get(tx, (size_t)hits[h].tag)->id, allowed);
            if (j < 0)
                continue;
            c[p * NSETS].docs++;
            c[p * NSETS].in += j;
        }
        free(hits);
    }
    return 0;
}

/* the table, one line per pattern seen */
static void print_pattern(const tag_taxonomy *tx, const counts *c, size_t np, const char *const *sets)
{
    printf("# taxonomy term statistics (tools/cue_stats.c, make tag-stats): tag-id, term, dev set, articles\n"
           "# of the set where the tag is judged that hold the term, of them those whose class allows the tag\n");
    for (size_t p = 0; p < np; p++) {
        const char *term = NULL, *id = NULL;
        if (tag_pattern_info(tx, (int)p, &id, &term) != 0)
            continue;
        for (size_t s = 0; s < NSETS; s++)
            if (c[p * NSETS + s].docs)
                printf("%s\t%s\t%s\t%ld\t%ld\n", id, term, sets[s], c[p * NSETS + s].docs, c[p * NSETS + s].in);
    }
}

int main(int argc, char **argv)
{
    eval_args a;
    char path[1024], err[512];
    tag_taxonomy *tx = NULL;
    if (eval_parse_args(argc, argv, "cue_stats", &a) != 0)
        return 2;
    snprintf(path, sizeof path, "%s/taxonomy.json", a.data);
    if (tag_taxonomy_load(path, &tx, err, sizeof err) != 0) {
        fprintf(stderr, "cue_stats: %s\n", err);
        return 1;
    }
    size_t np = tag_pattern_count(tx);
    counts *c = calloc((np + 1) * NSETS, sizeof *c);
    unsigned char *seen = calloc(np + 1, 1);
    static const struct { const char *set; judge_fn judge; } SETS[] = {
        {"topics-agnews", judge_ag}, {"industries-reuters", judge_rt},
        {"topics-en", judge_topic}, {"topics-zh", judge_topic},
    };
    int rc = c && seen ? 0 : 1;
    for (size_t s = 0; !rc && s < sizeof SETS / sizeof *SETS; s++) {
        snprintf(path, sizeof path, "%s/%s/items.jsonl", a.corpus, SETS[s].set);
        FILE *f = fopen(path, "r");
        char *line = NULL;
        size_t cap = 0;
        long lineno = 0;
        if (!f) {
            fprintf(stderr, "cue_stats: cannot open %s\n", path);
            rc = 1;
            break;
        }
        while (!rc && getline(&line, &cap, f) > 0) {
            if (a.half >= 0 && (lineno++ & 1) != a.half)
                continue;
            json_t *it = json_loads(line, 0, NULL);
            if (it && count_item(tx, it, SETS[s].judge, c + s, seen) != 0)
                rc = 1;
            json_decref(it);
        }
        free(line);
        fclose(f);
    }
    const char *names[NSETS];
    for (size_t s = 0; s < NSETS; s++)
        names[s] = SETS[s].set;
    if (!rc)
        print_pattern(tx, c, np, names);
    free(c);
    free(seen);
    tag_taxonomy_free(tx);
    return rc;
}
