/* eval_tags.c -- `make eval-tags`: topic agreement and event scores.
 *
 * Topics (topics-zh, topics-en JSONL: id, label, title, text): the share
 * of articles whose top industry tag is one the label maps to (table
 * below), and a confusion list. Events (events-zh JSONL: report_time,
 * text, events with denoter, participants, objects, times): one-to-one
 * recall (a gold event counts when one of our events contains its
 * trigger and one of its participants, objects or times; each of ours
 * credits one gold event: maximum bipartite matching), strict precision
 * (share of ours that match some gold event) and date accuracy (share of
 * matched gold events with a calendar time whose date we give equal).
 * The texts are plain: they go straight to analyze_article().
 *
 * usage: eval_tags [--verbose] CORPUS_DIR   (holds topics-zh/ topics-en/ events-zh/)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "analyze/analyze.h"
#include "analyze/dates.h"
#include "tools/eval_labels.h"

static int verbose;

static int analyze_one(const analyze_ctx *ctx, const char *title, const char *text,
                       const char *published, json_t **rec)
{
    analyze_input in = {.title = title, .text = text, .published_at = published};
    *rec = json_object();
    return *rec ? analyze_article(ctx, &in, *rec) : -1;
}

typedef struct conf { char label[32]; char got[32]; int n; } conf;

static int eval_topics(const analyze_ctx *ctx, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int total = 0, ok = 0;
    conf cf[512];
    size_t ncf = 0;
    if (!f) {
        fprintf(stderr, "eval_tags: cannot open %s\n", path);
        return -1;
    }
    while (getline(&line, &cap, f) > 0) {
        json_t *it = json_loads(line, 0, NULL), *rec = NULL;
        const char *label = json_string_value(json_object_get(it, "label"));
        const char *ids = label ? eval_topic_ids(label) : NULL;
        if (!ids || analyze_one(ctx, json_string_value(json_object_get(it, "title")),
                                json_string_value(json_object_get(it, "text")), NULL, &rec)) {
            json_decref(it);
            json_decref(rec);
            continue;
        }
        json_t *ev = json_object_get(json_object_get(rec, "tag_evidence"), "industry");
        const char *top = json_string_value(json_object_get(json_array_get(ev, 0), "id"));
        char key[40];
        int n = snprintf(key, sizeof key, " %s ", top ? top : "(none)");
        int hit = n > 0 && (size_t)n < sizeof key && top && strstr(ids, key);
        total++;
        ok += hit;
        if (!hit) {
            size_t k;
            for (k = 0; k < ncf; k++)
                if (!strcmp(cf[k].label, label) && !strcmp(cf[k].got, top ? top : "(none)"))
                    break;
            if (k == ncf && ncf < 512) {
                int n1 = snprintf(cf[k].label, sizeof cf[k].label, "%s", label);
                int n2 = snprintf(cf[k].got, sizeof cf[k].got, "%s", top ? top : "(none)");
                if (n1 < 0 || n2 < 0)   /* truncation only shortens a label in the report */
                    cf[k].label[0] = cf[k].got[0] = '\0';
                cf[k].n = 0;
                ncf++;
            }
            if (k < ncf)
                cf[k].n++;
            if (verbose)
                printf("  miss %s: %s -> %s\n", label,
                       json_string_value(json_object_get(it, "title")), top ? top : "(none)");
        }
        json_decref(it);
        json_decref(rec);
    }
    free(line);
    fclose(f);
    printf("%s: topic agreement %.3f (%d/%d)\n", path, total ? (double)ok / total : 0.0, ok, total);
    printf("  confusions (label -> our top industry tag, count):");
    for (int shown = 0; shown < 12; shown++) {
        size_t best = ncf;
        for (size_t k = 0; k < ncf; k++)
            if (cf[k].n > 0 && (best == ncf || cf[k].n > cf[best].n))
                best = k;
        if (best == ncf)
            break;
        printf(" %s->%s %d;", cf[best].label, cf[best].got, cf[best].n);
        cf[best].n = -cf[best].n;
    }
    printf("\n");
    return 0;
}

/* does our event text contain gold event g's trigger and one argument */
static int ev_match(const char *ours, json_t *g)
{
    const char *den = json_string_value(json_object_get(g, "denoter"));
    if (!den || !*den || !strstr(ours, den))
        return 0;
    static const char *keys[] = {"participants", "objects", "times"};
    for (size_t k = 0; k < 3; k++) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(g, keys[k]), i, v) {
            const char *s = json_string_value(v);
            if (s && *s && strstr(ours, s))
                return 1;
        }
    }
    return 0;
}

/* Kuhn's augmenting paths, iterative enough for <= 8 of ours */
static int augment(int u, int no, int ng, const unsigned char *adj, int *match_g, unsigned char *seen)
{
    for (int g = 0; g < ng; g++) {
        if (!adj[u * ng + g] || seen[g])
            continue;
        seen[g] = 1;
        if (match_g[g] < 0 || augment(match_g[g], no, ng, adj, match_g, seen)) {
            match_g[g] = u;
            return 1;
        }
    }
    return 0;
}

static int eval_events(const analyze_ctx *ctx, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    long gold = 0, matched = 0, ours = 0, ours_ok = 0, dated = 0, dated_ok = 0, hist[10] = {0};
    if (!f) {
        fprintf(stderr, "eval_tags: cannot open %s\n", path);
        return -1;
    }
    while (getline(&line, &cap, f) > 0) {
        json_t *it = json_loads(line, 0, NULL), *rec = NULL;
        date_anchor a;
        char iso[16] = "";
        const char *rt = json_string_value(json_object_get(it, "report_time"));
        if (date_anchor_parse(rt, &a) == 0 &&
            snprintf(iso, sizeof iso, "%04d-%02d-%02d", a.y, a.m, a.d) != 10)
            iso[0] = '\0';
        if (analyze_one(ctx, json_string_value(json_object_get(it, "title")),
                        json_string_value(json_object_get(it, "text")), iso[0] ? iso : NULL, &rec)) {
            json_decref(it);
            json_decref(rec);
            continue;
        }
        json_t *ge = json_object_get(it, "events"), *oe = json_object_get(rec, "events");
        int ng = (int)json_array_size(ge), no = (int)json_array_size(oe);
        unsigned char *adj = calloc((size_t)(ng * no) + 1, 1), *seen = calloc((size_t)ng + 1, 1);
        int *match_g = malloc(((size_t)ng + 1) * sizeof *match_g);
        if (!adj || !seen || !match_g)
            return -1;
        for (int g = 0; g < ng; g++)
            match_g[g] = -1;
        for (int u = 0; u < no; u++) {
            const char *txt = json_string_value(json_object_get(json_array_get(oe, (size_t)u), "text"));
            int any = 0;
            for (int g = 0; g < ng; g++)
                any |= adj[u * ng + g] = (unsigned char)ev_match(txt ? txt : "", json_array_get(ge, (size_t)g));
            ours_ok += any;
            if (verbose && !any)
                printf("  unmatched: %s\n", txt);
        }
        for (int u = 0; u < no; u++) {
            memset(seen, 0, (size_t)ng + 1);
            augment(u, no, ng, adj, match_g, seen);
        }
        for (int g = 0; g < ng; g++) {
            if (match_g[g] < 0)
                continue;
            matched++;
            json_t *gev = json_array_get(ge, (size_t)g);
            const char *gt = json_string_value(json_object_get(gev, "time"));
            date_match dm;
            if (!gt || !iso[0] || date_find(gt, strlen(gt), &a, &dm) != 1 || dm.deictic)
                continue;
            const char *od = json_string_value(json_object_get(json_array_get(oe, (size_t)match_g[g]), "date"));
            dated++;
            int eq = od && !strcmp(od, dm.iso);
            dated_ok += eq;
            if (verbose && !eq)
                printf("  date: gold %s (%s) ours %s\n", dm.iso, gt, od ? od : "null");
        }
        gold += ng;
        ours += no;
        hist[no < 9 ? no : 9]++;
        free(adj);
        free(seen);
        free(match_g);
        json_decref(it);
        json_decref(rec);
    }
    free(line);
    fclose(f);
    printf("%s: event recall (one-to-one) %.3f (%ld/%ld), strict precision %.3f (%ld/%ld), "
           "date accuracy %.3f (%ld/%ld)\n", path, gold ? (double)matched / (double)gold : 0.0, matched, gold,
           ours ? (double)ours_ok / (double)ours : 0.0, ours_ok, ours,
           dated ? (double)dated_ok / (double)dated : 0.0, dated_ok, dated);
    printf("  articles by number of our events (0..8):");
    for (int k = 0; k < 9; k++)
        printf(" %ld", hist[k]);
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    analyze_ctx *ctx = NULL;
    char err[512], path[1024];
    const char *dir = NULL, *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--verbose"))
            verbose = 1;
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else
            dir = argv[i];
    }
    if (!dir) {
        fprintf(stderr, "usage: eval_tags [--verbose] [--only topics-zh|topics-en|events-zh] CORPUS_DIR\n");
        return 2;
    }
    analyze_config cfg = {.data_dir = "data"};
    if (analyze_ctx_new(&cfg, &ctx, err, sizeof err) != 0) {
        fprintf(stderr, "eval_tags: %s\n", err);
        return 1;
    }
    static const char *sets[] = {"topics-zh", "topics-en", "events-zh"};
    int rc = 0;
    for (int k = 0; k < 3; k++) {
        if (only && strcmp(only, sets[k]))
            continue;
        int n = snprintf(path, sizeof path, "%s/%s/items.jsonl", dir, sets[k]);
        if (n < 0 || (size_t)n >= sizeof path)
            return 1;
        if ((k < 2 ? eval_topics(ctx, path) : eval_events(ctx, path)) != 0)
            rc = 1;
    }
    analyze_ctx_free(ctx);
    return rc;
}
