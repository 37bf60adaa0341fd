/* retag.h -- re-tag stored articles after the taxonomy changed.
 *
 * The database remembers the fingerprint of the taxonomy its tags were
 * made with. When the daemon starts with another one, a background thread
 * analyses every ready article again from its stored text (nothing is
 * fetched) and rewrites its tags, tag evidence and events; the new
 * fingerprint is recorded only when all are done, so an interrupted pass
 * resumes from the start at the next start.
 *
 * The same pass counts the terms of articles stored before schema v4 (no
 * document-frequency row yet) once, then reloads the keyword IDF counts;
 * the meta key "df_backfill" says when that is done.
 */
#ifndef SKIMD_RETAG_H
#define SKIMD_RETAG_H

#include "analyze/analyze.h"

typedef struct srv_retag srv_retag;

/* Start the pass when db_path's fingerprint differs from actx's, or
 * uncounted articles may remain; *out is NULL when nothing needs doing. actx is borrowed. Returns 0 or -1. */
int srv_retag_start(srv_retag **out, const char *db_path, const analyze_ctx *actx);

/* Stop (at the next article) and join; accepts NULL. */
void srv_retag_stop(srv_retag *rt);

#endif
