/* list_sql.c -- the text of a list query (GET /articles) for one
 * combination of filters, from a dialect's parts.
 *
 * Why the shapes: "newest first, LIMIT 21" must be answered by walking
 * an index in id order and stopping, never by collecting every match and
 * sorting. A tag query walks article_tags_by_id(tag_id, article_id)
 * backwards for one tag id (F_TAG); a full-text query walks the text
 * index in id order (F_FTS). `a.id IN (SELECT ...)` would materialise
 * every match first: seconds for a common tag at 1 M rows. Several tag
 * ids at once (F_TAG_MANY, rare) pay for a sort.
 *
 * Parameters (both dialects): ?1 cursor, ?2 status, ?3 language,
 * ?4 since, ?5 until, ?6 text query, ?7 feed id, ?8 tag id (or a JSON array of ids),
 * ?9 facet, ?10 limit. Columns: as SQL_GET, without content, HTML and
 * Markdown.
 */
#include "storage/store_int.h"

#include <stdio.h>

static const char list_columns[] =
    "SELECT a.id, a.url, a.norm_url, a.canonical_url, a.status, a.error_code, "
    "a.error_message, a.title, a.site_name, a.author, a.published_at, a.modified_at, "
    "a.language, a.summary, a.description, a.image_url, a.keywords, a.tags, a.events, "
    "a.word_count, a.created_at, a.updated_at, NULL, a.tag_evidence, a.last_refresh, "
    "(SELECT CASE WHEN j.lease_owner IS NULL THEN 'queued' ELSE 'running' END "
    " FROM jobs j WHERE j.article_id = a.id), a.authors, NULL, NULL, a.checked_at, a.feed_id";

/* Append s at *w; -1 when it does not fit. */
static int put(char *sql, size_t cap, size_t *w, const char *s)
{
    int n = snprintf(sql + *w, cap - *w, "%s", s);
    if (n < 0 || (size_t)n >= cap - *w)
        return -1;
    *w += (size_t)n;
    return 0;
}

int store_list_sql_build(const store_list_dialect *d, unsigned variant, char *sql, size_t cap)
{
    static const struct { unsigned bit; const char *sql; } parts[] = {
        {F_STATUS, " AND a.status = ?2"},
        {F_LANG, " AND a.language = ?3"},
        {F_SINCE, " AND a.sort_time >= ?4"},
        {F_UNTIL, " AND a.sort_time <= ?5"},
        {F_FEED, " AND a.feed_id = ?7"},
    };
    const char *from, *key;     /* key: the column that orders the walk */
    int tag = (variant & (F_TAG | F_TAG_MANY)) != 0;
    size_t w = 0;
    char tail[128];
    if (tag) {
        from = (variant & F_TAG) ? d->tag_one : d->tag_many;
        key = "t.article_id";
    } else if (variant & F_FTS) {
        from = d->fts_from;
        key = d->fts_key;
    } else {
        from = d->all_from;
        key = "a.id";
    }
    if (put(sql, cap, &w, list_columns) || put(sql, cap, &w, from))
        return -1;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if ((variant & parts[i].bit) && put(sql, cap, &w, parts[i].sql))
            return -1;
    /* full text together with a tag: the tag drives, the text filters */
    if ((variant & F_FTS) && tag && put(sql, cap, &w, d->fts_filter))
        return -1;
    if (variant & F_BEFORE) {
        snprintf(tail, sizeof tail, " AND %s < ?1", key);
        if (put(sql, cap, &w, tail))
            return -1;
    }
    /* one row per article even when a tag id stands in two facets */
    snprintf(tail, sizeof tail, "%s ORDER BY %s DESC LIMIT ?10", tag ? d->tag_group : "", key);
    return put(sql, cap, &w, tail);
}
