/* tags.c -- GET /tags: every tag in use with its article count. */
#include "handlers/handlers.h"

#include <string.h>

#include "storage/store.h"

void hdl_tags_list(srv_request *r)
{
    const char *facet = srv_req_query(r, "facet");
    json_t *items = NULL;
    store *st;
    if (facet) {
        size_t n = strlen(facet);
        int ok = n > 0 && n <= 32;
        for (size_t i = 0; ok && i < n; i++)
            ok = (facet[i] >= 'a' && facet[i] <= 'z') || facet[i] == '_' || facet[i] == '-';
        if (!ok) {
            srv_reply_problem(r, 400, "invalid-parameter", "Invalid parameter",
                              "'facet' must be a facet name like technology, got '%.40s'",
                              facet);
            return;
        }
    }
    if (!(st = hdl_store_or_reply(r)))
        return;
    if (store_tags_list(st, facet, &items) != STORE_OK) {
        srv_reply_problem(r, 500, "internal", "Internal error", "the database failed");
        return;
    }
    /* taxonomy tags also show their label in every language */
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        const char *zh = NULL, *en = NULL;
        const char *id = json_string_value(json_object_get(it, "id"));
        if (id && analyze_tag_info(srv_req_app(r)->actx, id, NULL, &zh, &en) == 0)
            json_object_set_new(it, "labels", json_pack("{s:s?, s:s?}", "zh", zh, "en", en));
    }
    srv_reply_json(r, 200, json_pack("{s:o}", "items", items));
}
