/* webhook_file.c -- reading and checking --webhooks-file, and the
 * start-up sync (see webhook_file.h).
 *
 * Owns the file's rules (shape, events, secret, description, the guard
 * on targets). Does not store: storage/webhook_file.c does, in one
 * transaction.
 */
#include "server/webhook_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "handlers/validate.h"
#include "ingest/fetch.h"
#include "ingest/url.h"
#include "server/webhooks.h"
#include "storage/webhook_file.h"
#include "storage/webhooks.h"

#define MAX_DESCRIPTION_CHARS 200

static int bad(char *err, size_t errlen, const char *path, size_t i, const char *why)
{
    snprintf(err, errlen, "--webhooks-file %s: webhooks[%zu]: %s", path, i, why);
    return -1;
}

static const char *opt_str(json_t *e, const char *key, int *ok)
{
    json_t *v = json_object_get(e, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v) || json_string_length(v) != strlen(json_string_value(v)))
        *ok = 0;
    return json_string_value(v);
}

/* One entry into *spec (strings borrowed from e). 0 or -1. */
static int check_entry(json_t *e, store_hook_spec *spec, const char *path, size_t i, char *err,
                       size_t errlen)
{
    static const char *const keys[] = {"url", "events", "secret", "description", NULL};
    const char *k;
    json_t *v;
    int ok = 1;
    if (!json_is_object(e))
        return bad(err, errlen, path, i, "must be an object");
    json_object_foreach(e, k, v) {
        int known = 0;
        for (int j = 0; keys[j]; j++)
            known |= !strcmp(k, keys[j]);
        if (!known)
            return bad(err, errlen, path, i, "has an unknown field");
    }
    spec->url = opt_str(e, "url", &ok);
    spec->secret = opt_str(e, "secret", &ok);
    spec->description = opt_str(e, "description", &ok);
    char *norm = NULL;
    if (!ok || !spec->url || url_normalize(spec->url, &norm) != URL_OK) {
        free(norm);
        return bad(err, errlen, path, i, "'url' must be an http(s) URL");
    }
    free(norm);
    if (!spec->secret || srv_webhook_secret_check(spec->secret) != 0)
        return bad(err, errlen, path, i, "'secret' must be \"whsec_\" + base64 of 24 to 64 bytes");
    if (spec->description && (!hdl_utf8_valid(spec->description) ||
                              hdl_utf8_chars(spec->description) > MAX_DESCRIPTION_CHARS))
        return bad(err, errlen, path, i, "'description' must be at most 200 characters");
    json_t *ev = json_object_get(e, "events");
    spec->events = ev ? 0 : STORE_EV_ALL;
    if (ev && (!json_is_array(ev) || json_array_size(ev) == 0))
        return bad(err, errlen, path, i, "'events' must be a non-empty array");
    size_t j;
    json_array_foreach(ev, j, v) {
        unsigned bit = store_event_bit(json_string_value(v));
        if (!bit || (spec->events & bit))
            return bad(err, errlen, path, i, "'events' must name known events, each once");
        spec->events |= bit;
    }
    return 0;
}

/* The file's entries into specs (borrowed from *doc, which the caller
 * frees). *n their count. 0 or -1. */
static int load(const char *path, json_t **doc, store_hook_spec *specs, size_t *n, char *err,
                size_t errlen)
{
    json_error_t je;
    *n = 0;
    *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!*doc) {
        snprintf(err, errlen, "--webhooks-file %s: line %d: %s", path, je.line, je.text);
        return -1;
    }
    json_t *list = json_object_get(*doc, "webhooks");
    if (!json_is_object(*doc) || json_object_size(*doc) != 1 || !json_is_array(list) ||
        json_array_size(list) > SRV_WH_FILE_MAX) {
        snprintf(err, errlen, "--webhooks-file %s: must be {\"webhooks\": [...]} with at most "
                 "%d entries", path, SRV_WH_FILE_MAX);
        return -1;
    }
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        if (check_entry(e, &specs[i], path, i, err, errlen) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(specs[j].url, specs[i].url) && specs[j].events == specs[i].events &&
                !strcmp(specs[j].secret, specs[i].secret))
                return bad(err, errlen, path, i, "repeats an earlier entry");
    }
    *n = json_array_size(list);
    return 0;
}

int srv_webhook_file_check(const char *path, char *err, size_t errlen)
{
    store_hook_spec specs[SRV_WH_FILE_MAX];
    json_t *doc = NULL;
    size_t n;
    int rc = load(path, &doc, specs, &n, err, errlen);
    json_decref(doc);
    return rc;
}

int srv_webhook_file_sync(struct store *st, const srv_config *cfg, char *err, size_t errlen)
{
    store_hook_spec specs[SRV_WH_FILE_MAX];
    json_t *doc = NULL;
    size_t n = 0, added = 0, removed = 0;
    int rc = -1;
    if (!cfg->webhooks_file[0])
        return 0;
    if (load(cfg->webhooks_file, &doc, specs, &n, err, errlen) != 0)
        goto done;
    fetch_options fo = srv_webhook_guard(cfg);
    for (size_t i = 0; i < n; i++) {
        char why[256] = "";
        if (fetch_check_url(specs[i].url, &fo, why, sizeof why) == FETCH_CHECK_REFUSED) {
            snprintf(err, errlen, "--webhooks-file %s: webhooks[%zu]: the target is refused: %s",
                     cfg->webhooks_file, i, why);
            goto done;
        }
    }
    if (store_webhook_file_sync(st, specs, n, &added, &removed) != STORE_OK) {
        snprintf(err, errlen, "--webhooks-file %s: the subscriptions could not be stored",
                 cfg->webhooks_file);
        goto done;
    }
    fprintf(stderr, "{\"event\":\"webhooks_file\",\"entries\":%zu,\"added\":%zu,\"removed\":%zu}\n",
            n, added, removed);
    rc = 0;
done:
    json_decref(doc);
    return rc;
}
