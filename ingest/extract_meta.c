/* extract_meta.c -- article metadata from the light DOM.
 */
#include "ingest/extract_int.h"

#include <stdlib.h>
#include <string.h>

static ex_node *find_tag(ex_doc *doc, int tag)
{
    for (ex_node *n = doc->root; n; n = ex_next(doc->root, n, 0))
        if (!(n->flags & NF_TEXT) && n->tag == tag)
            return n;
    return NULL;
}

int ex_metadata(ex_doc *doc, const char *page_url, extract_article *out)
{
    (void)page_url;
    ex_node *t = find_tag(doc, T_TITLE);
    if (t)
        out->title = ex_node_text(t, 4096);
    return 0;
}

char *ex_date_iso(const char *s, size_t n)
{
    (void)s; (void)n;
    return NULL;
}
