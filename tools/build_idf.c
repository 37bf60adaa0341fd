/* build_idf.c -- builds a background document-frequency table for the
 * keyword stage (data/idf-zh.tsv, data/idf-en.tsv) from JSONL corpora.
 *
 * usage: build_idf --lang zh|en [--data DIR] [--min-df N] [--max N] FILE.jsonl...
 * Each line of each FILE is a JSON object; its "title" and "text" strings
 * form one document, segmented exactly as skimd segments articles
 * (text_doc_build with the same lexicon, taxonomy terms and stop words).
 * Writes to stdout:
 * a "# docs N" header, a comment naming the inputs, then WORD<TAB>DF lines
 * (stop words and bare numbers left out; DF >= --min-df, default 2; at most
 * --max lines, default 40000, most frequent first).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/text.h"

typedef struct row {
    const char *word;
    double df;
} row;

static int by_df(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->df != y->df)
        return x->df < y->df ? 1 : -1;
    return strcmp(x->word, y->word);
}

static long parse_long(const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    return v;
}

int main(int argc, char **argv)
{
    const char *lang = NULL, *data = "data";
    long min_df = 2, max_rows = 40000;
    int first = 1, rc = 1;
    text_ctx *tc = NULL;
    text_map *df = text_map_new();
    row *rows = NULL;
    char err[512];
    for (; first < argc && !strncmp(argv[first], "--", 2); first += 2) {
        if (first + 1 >= argc)
            goto usage;
        if (!strcmp(argv[first], "--lang"))
            lang = argv[first + 1];
        else if (!strcmp(argv[first], "--data"))
            data = argv[first + 1];
        else if (!strcmp(argv[first], "--min-df") && (min_df = parse_long(argv[first + 1], 1, 1000)) > 0)
            ;
        else if (!strcmp(argv[first], "--max") && (max_rows = parse_long(argv[first + 1], 1, 10000000)) > 0)
            ;
        else
            goto usage;
    }
    if (!lang || first >= argc || !df)
        goto usage;
    if (text_ctx_new(data, NULL, &tc, err, sizeof err) != 0) {
        fprintf(stderr, "build_idf: %s\n", err);
        goto done;
    }
    char tax[1024];   /* segment as the daemon does: taxonomy terms in the lexicon */
    if (snprintf(tax, sizeof tax, "%s/taxonomy.json", data) >= (int)sizeof tax ||
        text_ctx_add_json_terms(tc, tax) != 0) {
        fprintf(stderr, "build_idf: cannot add taxonomy terms\n");
        goto done;
    }
    long docs = 0;
    for (int f = first; f < argc; f++) {
        FILE *fp = fopen(argv[f], "r");
        if (!fp) {
            fprintf(stderr, "build_idf: cannot open %s: %s\n", argv[f], strerror(errno));
            goto done;
        }
        char *line = NULL;
        size_t cap = 0;
        long lineno = 0;
        while (getline(&line, &cap, fp) > 0) {
            lineno++;
            json_error_t je;
            json_t *o = json_loads(line, 0, &je);
            const char *title = json_string_value(json_object_get(o, "title"));
            const char *text = json_string_value(json_object_get(o, "text"));
            if (!o || !text) {
                fprintf(stderr, "build_idf: %s:%ld: not an object with \"text\"\n", argv[f], lineno);
                json_decref(o);
                continue;
            }
            text_doc doc;
            if (text_doc_build(tc, title, text, lang, &doc) == 0) {
                docs++;
                for (size_t i = 0; i < doc.n_terms; i++) {
                    const text_term *t = &doc.terms[i];
                    if (t->stop || t->kind == TEXT_TOK_NUM || (t->count == 0 && t->title_count == 0))
                        continue;
                    uint32_t id = text_map_put(df, t->norm, strlen(t->norm), NULL);
                    if (id != TEXT_MAP_NONE)
                        text_map_set_value(df, id, text_map_value(df, id) + 1);
                }
                text_doc_release(&doc);
            }
            json_decref(o);
        }
        free(line);
        fclose(fp);
    }
    size_t n = text_map_size(df), k = 0;
    rows = malloc((n ? n : 1) * sizeof *rows);
    if (!rows)
        goto done;
    for (uint32_t id = 0; id < n; id++) {
        const char *w = text_map_key(df, id);
        if (text_map_value(df, id) >= (double)min_df && !strchr(w, '\t') && !strchr(w, '\n'))
            rows[k++] = (row){ w, text_map_value(df, id) };
    }
    qsort(rows, k, sizeof *rows, by_df);
    printf("# docs %ld\n# skimd build_idf --lang %s --min-df %ld:", docs, lang, min_df);
    for (int f = first; f < argc; f++) {
        const char *base = strstr(argv[f], "corpus/");
        printf(" %s", base ? base + 7 : argv[f]);
    }
    printf("\n");
    for (size_t i = 0; i < k && (long)i < max_rows; i++)
        printf("%s\t%.0f\n", rows[i].word, rows[i].df);
    rc = 0;
    goto done;
usage:
    fprintf(stderr, "usage: build_idf --lang zh|en [--data DIR] [--min-df N] [--max N] FILE.jsonl...\n");
    rc = 2;
done:
    free(rows);
    text_map_free(df);
    text_ctx_free(tc);
    return rc;
}
