/* store.h -- the store: articles, tags, events, jobs, full text, in
 * SQLite (the default) or PostgreSQL (storage/db.h tells how).
 *
 * One `store` is one SQLite connection with its prepared statements. A
 * connection belongs to one thread at a time: workers open their own, and
 * HTTP threads use store_for_thread(). The database runs in WAL mode with
 * synchronous=NORMAL and a busy timeout, every write in a transaction.
 *
 * Records cross this API as jansson objects shaped like the v1 record
 * (see DESIGN.md), or as its JSON text (store_article_get_text and
 * store_article_list_text, the read path); "returns new" means the
 * caller owns the reference.
 */
#ifndef SKIMD_STORE_H
#define SKIMD_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

typedef struct store store;

typedef enum store_rc {
    STORE_OK = 0,
    STORE_NOT_FOUND,
    STORE_STALE,         /* the job is no longer the caller's: a newer request
                          * replaced it, or the article was deleted; nothing
                          * was changed */
    STORE_BUSY,          /* transient (locked beyond the busy handler, disk
                          * full, I/O error): nothing was changed, try again
                          * later; logged */
    STORE_ERROR          /* SQLite error or out of memory; logged */
} store_rc;

/* Milliseconds since the epoch (lease clocks; comparable across daemons
 * whose clocks are synchronised). */
int64_t store_now_ms(void);

/* Open (creating if needed) the database at path and bring its schema up
 * to date (PRAGMA user_version, forward migrations). On failure writes a
 * message into err and returns -1. Release with store_close(). */
int store_open(const char *path, store **out, char *err, size_t errlen);

/* What other daemons on the same database did (PostgreSQL's LISTEN/
 * NOTIFY, storage/postgres/notify.c): fn(arg, id) when article id's job
 * ended on any daemon, fn(arg, 0) when new work was queued or when
 * anything may have changed (a reconnect). Called on the listener's own
 * thread. For a SQLite file there is no listener (*out NULL): the
 * daemon is alone. 0 or -1. */
typedef void (*store_event_fn)(void *arg, int64_t id);
typedef struct store_listener store_listener;
int store_listen_start(const char *db, store_event_fn fn, void *arg, store_listener **out);
void store_listen_stop(store_listener *l);

/* 1 when a --db value names a SQLite file; 0 for a PostgreSQL URI
 * (postgres://... or postgresql://...), whose server many daemons share. */
int store_db_is_file(const char *db);
/* "sqlite" or "postgresql": the backend of st's connection. */
const char *store_backend_name(const store *st);
/* The --db value for a log line or /healthz: a URI's password (user:PASS@
 * or password=PASS) replaced by "***". */
void store_db_display(const char *db, char *out, size_t cap);
void store_close(store *st);

/* Connections for threads the daemon does not create (HTTP): n are
 * opened and checked now (-1 with a message in err on failure); a thread
 * takes one on its first store_for_thread() and gives it back when it
 * exits. NULL when none is free. store_thread_shutdown() closes the free
 * ones (call after those threads have exited). */
int store_thread_init(const char *path, int n, char *err, size_t errlen);
store *store_for_thread(void);
void store_thread_shutdown(void);

/* Give back what the connection holds between calls: the values last
 * bound to its cached statements (a pushed 10 MiB page stays bound to
 * the insert that stored it until the next insert) and, on SQLite, the
 * unused pages of its page cache. Call after a large job or request (issue 12); st
 * may be NULL. Nothing stored changes. */
void store_shed_memory(store *st);

/* PRAGMA quick_check: 0 when the file is sound; -1 with a message. */
int store_quick_check(store *st, char *err, size_t errlen);

/* 1 when the database answers a trivial query. */
int store_ping(store *st);

/* What a client submitted. */
typedef struct store_submit {
    const char *url;            /* as submitted */
    const char *norm_url;       /* normalised: the dedupe key */
    json_t *user_tags;          /* array of strings or NULL; borrowed */
    const char *html;           /* page given by the client, or NULL */
    size_t html_len;
} store_submit;

/* Create a queued article and its job, unless an article with the same
 * normalised URL (or canonical URL) exists: then *existed = 1 and *id is
 * that article's. */
store_rc store_article_submit(store *st, const store_submit *sub, int64_t *id,
                              int *existed);

/* Put an existing article back in the queue (refresh): its generation
 * goes up by one and its job row is replaced, so a worker still busy with
 * the previous request cannot finish it (STORE_STALE there). A ready
 * record stays ready and searchable until the new read succeeds. `html`,
 * when not NULL, becomes the article's stored page and is analysed;
 * otherwise a stored page (one the client pushed) is analysed again
 * unless `fetch` is set, and an article without one is fetched. */
store_rc store_article_requeue(store *st, int64_t id, const char *html, size_t html_len,
                               int fetch);

/* STORE_OK with *generation when article id has a job queued or running;
 * STORE_NOT_FOUND when it has none (or does not exist). */
store_rc store_article_job_pending(store *st, int64_t id, int64_t *generation);

/* The client's own tags (facet "user"): `tags` (a borrowed array of
 * strings) replaces them, or with merge set is added to them (each once,
 * in order; a merge keeps the first max). STORE_NOT_FOUND when the
 * article does not exist. */
store_rc store_article_set_user_tags(store *st, int64_t id, json_t *tags, int merge,
                                     size_t max);

/* Flags for store_article_get / store_article_list. */
#define STORE_WITH_CONTENT  1u
#define STORE_WITH_EVIDENCE 2u
#define STORE_WITH_HTML     4u   /* content_html (sanitized article HTML) */
#define STORE_WITH_MARKDOWN 8u   /* content_markdown (CommonMark) */

/* The record of article `id`; *out returns new. */
store_rc store_article_get(store *st, int64_t id, unsigned flags, json_t **out);

/* The status of article `id` ("queued", ...) into buf. */
store_rc store_article_status(store *st, int64_t id, char *buf, size_t cap);

store_rc store_article_delete(store *st, int64_t id);

/* --- records as JSON text (the read path) ----------------------------
 *
 * The same bytes srv_reply_json() would send for the jansson record
 * (compact, fields in record order), written straight from the row into
 * one buffer: text columns are escaped here, the stored JSON columns are
 * spliced as they are when they are in the form jansson writes them, and
 * re-read through jansson otherwise. */

/* A growing byte buffer. Zero-initialised, it grows on the heap (release
 * with store_jbuf_free or take the text with store_jbuf_take);
 * store_jbuf_fixed() makes one that writes into caller memory and never
 * grows. After a failure (out of memory; full, when fixed) appends do
 * nothing and `failed` stays set. `data` is NUL-terminated when len > 0. */
typedef struct store_jbuf {
    char *data;
    size_t len, cap;
    int fixed;
    int failed;
} store_jbuf;

void store_jbuf_fixed(store_jbuf *b, char *mem, size_t cap);
void store_jbuf_add(store_jbuf *b, const char *s, size_t n);
/* The heap text (NUL-terminated, caller frees) and its length; NULL when
 * the buffer failed or is fixed. The buffer is left empty. */
char *store_jbuf_take(store_jbuf *b, size_t *len);
void store_jbuf_free(store_jbuf *b);

/* Append s[0..n) as a JSON string, quotes included, escaped as jansson
 * escapes it (\" \\ \b \f \n \r \t, other controls \u00XX, the rest
 * as is). Returns 0, or -1 with nothing appended when s is not valid
 * UTF-8 (overlong forms, surrogates and code points above U+10FFFF are
 * invalid). */
int store_json_string(store_jbuf *b, const char *s, size_t n);

/* 1 when s[0..n) is one JSON value exactly as jansson's compact dump
 * would write it again (no spaces, canonical escapes and numbers, no
 * duplicate keys, nesting below 32 levels, at most 256 keys in the objects
 * open at once), so it can be copied instead of parsed and dumped; 0
 * otherwise (then parse it). */
int store_json_canonical(const char *s, size_t n);

/* The record of article `id` appended to out as JSON text. */
store_rc store_article_get_text(store *st, int64_t id, unsigned flags, store_jbuf *out);

/* A list query; NULL/0 fields do not filter. */
typedef struct store_query {
    int64_t before_id;          /* cursor: ids below this */
    const char *status;
    const char *language;
    const char *since;          /* UTC "YYYY-MM-DDTHH:MM:SSZ", inclusive */
    const char *until;          /* UTC, inclusive */
    const char *text;           /* full-text query */
    const char *tag_facet;      /* restrict tag match to this facet */
    int64_t feed_id;            /* > 0: only articles submitted from this feed */
    const char *tag_label;      /* match this label (case-folded) ... */
    const char *const *tag_ids; /* ... or any of these taxonomy ids */
    size_t n_tag_ids;
    int limit;                  /* 1..100 */
} store_query;

/* Matching records, newest first. *items returns a new array; *next_id
 * is the cursor id for the next page, or 0 when this is the last. */
store_rc store_article_list(store *st, const store_query *q, json_t **items,
                            int64_t *next_id);

/* As store_article_list, the items appended to out as a JSON array. */
store_rc store_article_list_text(store *st, const store_query *q, store_jbuf *out,
                                 int64_t *next_id);

/* Tags with article counts, optionally one facet; *items returns new. */
store_rc store_tags_list(store *st, const char *facet, json_t **items);

/* --- batches, export, import (transfer.c; the import's row writer in
 * jobs.c, next to store_job_finish_ready) ---------------------------- */

/* One item of a batch: what store_article_submit takes, and its outcome. */
typedef struct store_batch_item {
    store_submit sub;           /* sub.url NULL: the item is skipped (it was
                                 * refused before storage); outcome untouched */
    int64_t id;                 /* out: the article's id */
    int existed;                /* out: 1 when the URL was known already
                                 * (an earlier item of the same batch included) */
} store_batch_item;

/* Submit every item with a url in ONE transaction: all are stored or,
 * on an error, none (STORE_BUSY / STORE_ERROR, nothing changed). */
store_rc store_article_submit_many(store *st, store_batch_item *items, size_t n);

/* The ids of a list query's page (q->limit of them at most, into ids),
 * newest first, as store_article_list would list them; *n how many;
 * *next_id the cursor for the next page or 0. */
store_rc store_article_list_ids(store *st, const store_query *q, int64_t *ids, size_t *n,
                                int64_t *next_id);

/* The export line of article id appended to out, without its newline:
 *   {"record": <the record as GET /articles/{id}?include=content,html,
 *               markdown,evidence writes it>,
 *    "store": {"generation": N, "content_gen": N,
 *              "terms": {"lang": "..", "terms": [..]} | null}}
 * "store" carries what the record does not show and a restore needs.
 * STORE_NOT_FOUND when the article does not exist. */
store_rc store_export_line(store *st, int64_t id, store_jbuf *out);

/* A read transaction (BEGIN DEFERRED): every read until store_read_end
 * sees one state of the database (WAL: writers go on meanwhile). The
 * connection must not be used for writes in between. 0 or -1. */
int store_read_begin(store *st);
void store_read_end(store *st);

/* The highest id ever handed out (AUTOINCREMENT's counter; 0 on a new
 * database). An import restores only ids above the floor it read at its
 * start, so a deleted id is never brought back. */
store_rc store_id_floor(store *st, int64_t *floor);

/* A record to restore (storage/jobs.c, store_article_import). The caller
 * (server/transfer.c) has checked its shape; borrowed. */
typedef struct store_import {
    int64_t id;
    json_t *record;             /* the "record" object of an export line */
    const char *norm_url;       /* the dedupe key, normalised again */
    json_t *user_tags;          /* array of strings (record.tags.user) */
    int64_t generation;         /* >= 1 */
    int64_t content_gen;        /* ready: >= 1; otherwise 0 */
    const struct store_terms *terms; /* ready: the document-frequency terms, or NULL */
    int64_t floor;              /* ids at or below it are refused (store_id_floor) */
} store_import;

typedef enum store_import_outcome {
    STORE_IMPORTED = 0,
    STORE_IMPORT_ID_TAKEN,      /* the id exists, or was used and deleted */
    STORE_IMPORT_URL_TAKEN      /* another article has the URL; *existing its id */
} store_import_outcome;

/* Restore one record in its own transaction, without fetching, as the
 * job model would have left it (schema.c): a ready record with
 * generation = content_gen, its tag, event, full-text and
 * document-frequency rows written as store_job_finish_ready writes them;
 * a failed one without analysis fields; a queued or fetching one queued
 * again (a job row that fetches). An existing id or URL is never
 * overwritten: *outcome says which, and nothing changes. */
store_rc store_article_import(store *st, const store_import *imp,
                              store_import_outcome *outcome, int64_t *existing);

/* --- full-text index (fts_text.c) ------------------------------------ */

/* The text the index is given for s[0..n): runs of Han and kana
 * characters rewritten as overlapping bigrams, the rest as it is. Returns
 * a malloc'd string (the caller frees it; *out_len its length, may be
 * NULL) or NULL when out of memory. */
char *store_fts_text(const char *s, size_t n, size_t *out_len);

/* The distinct CJK characters of s[0..n), each once, space-separated:
 * the index's chars column. Malloc'd (caller frees; *out_len may be
 * NULL), NULL when out of memory. */
char *store_fts_chars(const char *s, size_t n, size_t *out_len);

/* The FTS5 MATCH expression for the user's q (fts_text.c): every
 * whitespace-separated word and every "quoted string" must match (AND),
 * each as a phrase of its words and CJK bigrams; lone CJK characters go
 * through the chars column or a prefix. NULL when q has no searchable
 * token (store_fts_searchable() is 0 then) or out of memory. The caller
 * frees the result. */
char *store_fts_query(const char *q);

/* The parts of a query (fts_text.c), for an index of either backend:
 * each condition, in order, is a token to find among an article's
 * distinct CJK characters and the words glued to them (chars), or a
 * phrase of consecutive tokens of its title or content, given as the
 * rewritten text (words, CJK bigrams and lone characters separated by
 * spaces; store_fts_text). All conditions must match. */
typedef struct store_fts_emit {
    void (*chars)(void *ctx, const char *s, size_t n);
    void (*phrase)(void *ctx, const char *rewritten, size_t n);
    void *ctx;
} store_fts_emit;
/* Walk q's conditions into e; 0, or -1 when out of memory. */
int store_fts_walk(const char *q, const store_fts_emit *e);

/* 1 when q holds a letter, digit or CJK character the index can look
 * up; a q without one ("***", "\"") is refused by the caller (400). */
int store_fts_searchable(const char *q);

/* --- jobs ---------------------------------------------------------
 *
 * The invariants (generations, leases) are stated in storage/schema.c.
 * `owner` is the claiming daemon's id; `lease_ms` how long a claim or a
 * renewal holds. */

/* A claimed job: the worker owns the strings. */
typedef struct store_job {
    int64_t id;
    int64_t generation;         /* the request this claim answers */
    int fetch;                  /* 1: fetch url; 0: analyse html */
    int refresh;                /* the record already holds a good version */
    int attempts;               /* tries of this request, this claim included
                                 * (deferrals by store_job_defer do not count) */
    char *url;                  /* the normalised URL to fetch */
    char *html;                 /* the stored page (fetch == 0) or NULL */
    size_t html_len;
    char *etag;                 /* a refresh that fetches: the validators of the page the
                                 * record holds (NULL: none), for a conditional GET; the
                                 * worker replaces them (malloc'd) with the new page's
                                 * before finishing, and finish_ready stores them */
    char *last_modified;
} store_job;

/* Claim the oldest free job: lease it to owner and mark a first read
 * "fetching". STORE_NOT_FOUND when none is free. Release with
 * store_job_release. */
store_rc store_job_claim(store *st, const char *owner, int64_t lease_ms, store_job *job);
void store_job_release(store_job *job);

/* Extend the lease. STORE_STALE when the job is no longer the owner's
 * (replaced by a newer request, reaped, or the article deleted): the
 * worker should stop, its result would be dropped anyway. */
store_rc store_job_renew(store *st, const store_job *job, const char *owner, int64_t lease_ms);

/* The distinct terms an article is counted with in the document
 * frequencies (term_df): borrowed strings, each once. */
typedef struct store_terms {
    const char *lang;           /* "zh", "en", ...; NULL or n == 0: not counted */
    const char *const *v;
    size_t n;
} store_terms;

/* End a job: store the record fields (borrowed) produced by the pipeline
 * and mark the article ready; or record the failure (a first read becomes
 * a failed record; a refresh keeps the last good version and sets
 * last_refresh). Both happen only while the lease is the owner's and the
 * generation the claimed one, else STORE_STALE and nothing changes. In
 * the same transaction as a ready record, the article's previous counts
 * are taken back and `terms` (may be NULL) recorded (summed by the next
 * store_df_fold), so an article is counted once, or not at all, whatever
 * crashes. STORE_BUSY: try again later, the lease still holds. */
store_rc store_job_finish_ready(store *st, const store_job *job, const char *owner,
                                json_t *record, const char *canonical_norm,
                                const store_terms *terms);
store_rc store_job_finish_failed(store *st, const store_job *job, const char *owner,
                                 const char *code, const char *message);

/* End a refresh that fetches (job->refresh && job->fetch) whose page
 * was answered 304 Not Modified: the record stays as it is, the job row
 * goes, last_refresh says ready, checked_at is now and the validators
 * become job->etag / job->last_modified. No webhook event is written
 * (nothing a receiver holds changed). Conditional on lease and
 * generation as store_job_finish_ready. */
store_rc store_job_finish_unchanged(store *st, const store_job *job, const char *owner);

/* Give a claimed job back (shutdown, or a retry later): the lease is
 * dropped and the job may be claimed again after delay_ms. */
store_rc store_job_give_back(store *st, const store_job *job, const char *owner,
                             int64_t delay_ms);

/* As store_job_give_back, for a job given back before it was tried
 * (polite fetching: its host is busy): the claim does not count in
 * attempts. */
store_rc store_job_defer(store *st, const store_job *job, const char *owner,
                         int64_t delay_ms);

/* Make a free job of this generation due now (a slot of its host freed).
 * STORE_STALE when there is no such job free (replaced, deleted, claimed
 * already): nothing changed. One statement, its own transaction. */
store_rc store_job_wake(store *st, int64_t id, int64_t generation);

/* The reaper: free every lease that has expired, and, when
 * exclusive_owner is not NULL (the caller holds the database alone, as
 * with SQLite's file lock), every lease of another owner, which can only
 * be a dead daemon's. Returns how many, or -1 (STORE_BUSY or error). */
int store_jobs_reap(store *st, const char *exclusive_owner);

/* --- settings and re-analysis -------------------------------------- */

/* A remembered setting; STORE_NOT_FOUND when never set. */
store_rc store_meta_get(store *st, const char *key, char *buf, size_t cap);
store_rc store_meta_set(store *st, const char *key, const char *value);

/* A stored article to analyse again; the caller frees the strings with
 * store_stored_text_release. */
typedef struct store_stored_text {
    int64_t id;
    int64_t content_gen;        /* the generation the text was stored by */
    char *title, *content, *published_at, *language;   /* malloc'd or NULL */
} store_stored_text;

/* The ready article with the smallest id above after_id;
 * STORE_NOT_FOUND when there is none. */
store_rc store_next_ready(store *st, int64_t after_id, store_stored_text *out);
void store_stored_text_release(store_stored_text *t);

/* Replace the tags, tag evidence and events of a ready article (the
 * client's "user" tags are kept), if its text is still the one stored by
 * generation content_gen (store_next_ready). `analysis` is borrowed and
 * shaped like analyze_article()'s output. STORE_NOT_FOUND when it is
 * gone, no longer ready, or holds a newer text. */
store_rc store_article_set_tags(store *st, int64_t id, int64_t content_gen, json_t *analysis);

/* --- document frequencies over the stored articles ------------------
 *
 * term_df counts, per language, the ready articles holding each term;
 * df_docs the ready articles counted. An article's terms are recorded
 * with it (store_job_finish_ready) and summed by the next store_df_fold;
 * a delete, a refresh or a failure takes them back (store_article_delete,
 * finish_*). */

/* Sum the recorded terms not summed yet into term_df / df_docs, in
 * transactions of at most 500 articles. Returns how many articles were
 * folded, or -1 on error (what was folded before stays). */
long store_df_fold(store *st);

/* Count ready article `id` with terms unless it is counted already (the
 * pass over articles stored before schema v4). STORE_NOT_FOUND when it is
 * gone, not ready, or already counted. */
store_rc store_df_count_missing(store *st, int64_t id, const store_terms *terms);

/* The sums as of the last fold: called for each language with term ==
 * NULL and df = its article count, then for its terms with df >= min_df,
 * most frequent first, at most cap; a non-zero return stops the walk
 * (STORE_ERROR). One read transaction. */
typedef int (*store_df_fn)(void *arg, const char *lang, const char *term, size_t len,
                           int64_t df);
store_rc store_df_load(store *st, int64_t min_df, int64_t cap, store_df_fn fn, void *arg);

/* One small write (meta "health_probe") that proves the file takes
 * writes again after a failure; the health check clears on success. */
void store_probe_write(store *st);

/* Count articles by status into counts[4] (queued, fetching, ready, failed). */
store_rc store_status_counts(store *st, int64_t counts[4]);
/* Leases now: held by owner (this daemon), held by other daemons, and
 * expired (waiting for a reaper), into n[0..2]. */
store_rc store_lease_counts(store *st, const char *owner, int64_t n[3]);
/* The HTTP threads' connection pool (store_thread_init): connections
 * made, and those idle in the pool now. */
void store_pool_counts(int *total, int *idle);

/* Convert an ISO 8601 date or date-time to UTC "YYYY-MM-DDTHH:MM:SSZ".
 * A date alone is the start of the day, or its last second when
 * end_of_day is set. Returns 0, or -1 when s is not ISO 8601. */
int store_iso_to_utc(const char *s, int end_of_day, char out[21]);

/* Current time as UTC "YYYY-MM-DDTHH:MM:SSZ". */
void store_now_utc(char out[21]);

#endif
