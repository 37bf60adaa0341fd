/* text_ctx.c -- the shared text context: friso and its lexicon (with our
 * additions and the taxonomy's terms), the compounds friso may still cut,
 * and the stop-word lists. Loaded once per process; read-only afterwards
 * (see text_int.h). The per-article work is text.c.
 */
#include "analyze/text_int.h"
#include "analyze/text_mmseg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#define FRISO_DEFAULT_INI "/usr/share/friso/friso.ini"
#define FRISO_DEFAULT_DICT "/usr/share/friso/dict/UTF-8/"

/* Optional stop-word lists, data/stopwords-<lang>.txt. */
static const char *const other_stop_langs[N_OTHER_STOP] = { "de", "fr", "es", "it", "pt", "nl" };

/* ---- context ---- */

static int load_list(const char *dir, const char *name, text_map *into,
                     int required, char *err, size_t errlen)
{
    char path[1024], line[512];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) {
        snprintf(err, errlen, "text: path too long: %s/%s", dir, name);
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!required)
            return 0;
        snprintf(err, errlen, "text: cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        size_t l = strlen(line);
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r' || line[l - 1] == ' ' ||
                     line[l - 1] == '\t'))
            line[--l] = '\0';
        if (!l || line[0] == '#')
            continue;
        if (text_map_put(into, line, l, NULL) == TEXT_MAP_NONE) {
            snprintf(err, errlen, "text: out of memory reading %s", path);
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

static int add_lexicon_file(text_ctx *ctx, const char *dir, char *err, size_t errlen)
{
    text_map *words = text_map_new();
    if (!words) {
        snprintf(err, errlen, "text: out of memory");
        return -1;
    }
    int rc = load_list(dir, "lexicon-zh.txt", words, 0, err, errlen);
    for (uint32_t id = 0; rc == 0 && id < text_map_size(words); id++)
        if (text_ctx_add_term(ctx, text_map_key(words, id)) != 0) {
            snprintf(err, errlen, "text: out of memory adding lexicon words");
            rc = -1;
        }
    text_map_free(words);
    return rc;
}

int text_ctx_new(const char *data_dir, const char *friso_ini, text_ctx **out,
                 char *err, size_t errlen)
{
    char dummy[8];
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = '\0';
    text_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx || !out || !data_dir) {
        snprintf(err, errlen, "text: %s", ctx ? "bad arguments" : "out of memory");
        goto fail;
    }
    ctx->friso = friso_new();
    ctx->fcfg = friso_new_config();
    ctx->stop_zh = text_map_new();
    ctx->stop_en = text_map_new();
    ctx->compounds = text_map_new();
    int maps_ok = 1;
    for (size_t i = 0; i < N_OTHER_STOP; i++)
        maps_ok &= (ctx->stop_other[i] = text_map_new()) != NULL;
    if (!ctx->friso || !ctx->fcfg || !ctx->stop_zh || !ctx->stop_en || !ctx->compounds || !maps_ok) {
        snprintf(err, errlen, "text: out of memory");
        goto fail;
    }
    const char *ini = friso_ini ? friso_ini : (access(FRISO_DEFAULT_INI, R_OK) == 0 ? FRISO_DEFAULT_INI : NULL);
    if (ini) {
        if (friso_init_from_ifile(ctx->friso, ctx->fcfg, (fstring)ini) != 1) {
            snprintf(err, errlen, "text: cannot load friso configuration %s", ini);
            goto fail;
        }
    } else {
        if (access(FRISO_DEFAULT_DICT "friso.lex.ini", R_OK) != 0) {
            snprintf(err, errlen, "text: friso dictionary not found in %s (install friso-dict)",
                     FRISO_DEFAULT_DICT);
            goto fail;
        }
        friso_init_config(ctx->fcfg);
        ctx->friso->charset = FRISO_UTF8;
        ctx->friso->dic = friso_dic_new();
        friso_dic_load_from_ifile(ctx->friso, ctx->fcfg, (fstring)FRISO_DEFAULT_DICT,
                                  (uint_t)ctx->fcfg->max_len * 3);
    }
    if (!ctx->friso->dic || !friso_dic_match(ctx->friso->dic, __LEX_CJK_WORDS__, (fstring)"中国")) {
        snprintf(err, errlen, "text: the friso lexicon is empty (%s)", ini ? ini : FRISO_DEFAULT_DICT);
        goto fail;
    }
    text_mmseg_attach(ctx->friso);   /* out of memory: runs unfiltered */
    /* We want every word once, in text order, with nothing dropped. */
    ctx->fcfg->add_syn = 0;
    ctx->fcfg->clr_stw = 0;
    ctx->fcfg->keep_urec = 1;
    ctx->fcfg->en_sseg = 0;
    ctx->fcfg->spx_out = 0;
    snprintf(ctx->fcfg->kpuncs, sizeof ctx->fcfg->kpuncs, "%s", "@%.#&+");
    friso_set_mode(ctx->fcfg, __FRISO_COMPLEX_MODE__);
    /* friso's complex mode, word for word, without its ~48 allocations
     * per word (text_mmseg.c): about half of its time */
    ctx->fcfg->next_cjk = text_mmseg_complex_cjk;
    if (load_list(data_dir, "stopwords-zh.txt", ctx->stop_zh, 1, err, errlen) ||
        load_list(data_dir, "stopwords-en.txt", ctx->stop_en, 1, err, errlen) ||
        add_lexicon_file(ctx, data_dir, err, errlen))
        goto fail;
    for (size_t i = 0; i < N_OTHER_STOP; i++) {
        char name[32];
        snprintf(name, sizeof name, "stopwords-%s.txt", other_stop_langs[i]);
        if (load_list(data_dir, name, ctx->stop_other[i], 0, err, errlen))
            goto fail;
    }
    *out = ctx;
    return 0;
fail:
    text_ctx_free(ctx);
    if (out)
        *out = NULL;
    return -1;
}

void text_ctx_free(text_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->friso) {
        text_mmseg_detach(ctx->friso);
        friso_free(ctx->friso);   /* frees the dictionary too */
    }
    if (ctx->fcfg)
        friso_free_config(ctx->fcfg);
    text_map_free(ctx->stop_zh);
    text_map_free(ctx->stop_en);
    for (size_t i = 0; i < N_OTHER_STOP; i++)
        text_map_free(ctx->stop_other[i]);
    text_map_free(ctx->compounds);
    free(ctx);
}

int text_ctx_add_term(text_ctx *ctx, const char *term)
{
    if (!ctx || !term)
        return -1;
    size_t len = strlen(term);
    if (len < 2 || len >= MAX_WORD_BYTES)
        return 0;
    /* friso matches lower-case Latin letters */
    char w[MAX_WORD_BYTES];
    for (size_t i = 0; i <= len; i++)
        w[i] = (term[i] >= 'A' && term[i] <= 'Z') ? (char)(term[i] | 0x20) : term[i];
    /* Mixed words (生成式ai) friso cuts whatever its lexicon says: they are
     * glued back after segmentation; so are words it cuts otherwise. */
    if (text_map_put(ctx->compounds, w, len, NULL) == TEXT_MAP_NONE)
        return -1;
    unsigned bit = first_char_bit(w);
    ctx->compound_first[bit / 64] |= (uint64_t)1 << (bit % 64);
    if (friso_dic_match(ctx->friso->dic, __LEX_CJK_WORDS__, w))
        return 0;
    char *copy = strdup(w);   /* the dictionary frees it */
    if (!copy)
        return -1;
    friso_dic_add(ctx->friso->dic, __LEX_CJK_WORDS__, copy, NULL);
    text_mmseg_filter_add(ctx->friso, copy);
    ctx->extra_terms++;
    return 0;
}

int text_ctx_add_json_terms(text_ctx *ctx, const char *path)
{
    json_error_t jerr;
    json_t *root = path ? json_load_file(path, 0, &jerr) : NULL;
    if (!root)
        return 0;
    enum { STACK = 256 };   /* iterative walk, bounded stack */
    json_t *stack[STACK];
    size_t n = 0;
    int rc = 0;
    stack[n++] = root;
    while (n && rc == 0) {
        json_t *v = stack[--n];
        if (json_is_string(v)) {
            const char *s = json_string_value(v);
            size_t len = strlen(s), chars = text_utf8_chars(s, len), han = 0;
            for (size_t i = 0; i < len;)
                han += (size_t)text_is_han(text_utf8_next(s, len, &i));
            if (han && chars >= 2 && chars <= 10 && !strchr(s, ' '))
                rc = text_ctx_add_term(ctx, s);
        } else if (json_is_array(v)) {
            for (size_t i = 0; i < json_array_size(v) && n < STACK; i++)
                stack[n++] = json_array_get(v, i);
        } else if (json_is_object(v)) {
            const char *key;
            json_t *val;
            json_object_foreach(v, key, val) {
                if (n < STACK)
                    stack[n++] = val;
            }
        }
    }
    json_decref(root);
    return rc;
}

int text_is_stopword(const text_ctx *ctx, const char *lang, const char *norm)
{
    if (!ctx || !norm)
        return 0;
    size_t len = strlen(norm);
    int zh = lang && (!strcmp(lang, "zh") || !strcmp(lang, "ja"));
    if (zh && text_map_get(ctx->stop_zh, norm, len) != TEXT_MAP_NONE)
        return 1;
    for (size_t i = 0; lang && !zh && i < N_OTHER_STOP; i++)
        if (!strcmp(lang, other_stop_langs[i]))
            return text_map_get(ctx->stop_other[i], norm, len) != TEXT_MAP_NONE ||
                   text_map_get(ctx->stop_en, norm, len) != TEXT_MAP_NONE;
    return text_map_get(ctx->stop_en, norm, len) != TEXT_MAP_NONE;
}

size_t text_ctx_bytes(const text_ctx *ctx)
{
    return ctx ? text_map_bytes(ctx->stop_zh) + text_map_bytes(ctx->stop_en) +
                 text_map_bytes(ctx->compounds) : 0;
}
