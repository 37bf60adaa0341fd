/* extract_tok.h -- the extractor's HTML tokenizer (private to ingest/extract*.c).
 *
 * A WHATWG tokenizer (HTML Living Standard, section 13.2.5): every state
 * of the standard except that parse errors are not reported. Input is
 * UTF-8, its newlines normalised by ex_tok_newlines as the standard's
 * preprocessing does (the conformance test does so; the tree builder
 * skips the copy, and a CR then reads as the whitespace it stands for);
 * tokens come out one at a time for the tree builder, which switches the
 * tokenizer into RCDATA, RAWTEXT, script data or PLAINTEXT after the start
 * tags that need it, as the standard's tree construction does.
 *
 * Invariants: character tokens are maximal runs (the tokenizer never
 * splits text it could have emitted as one token, except around a
 * "</>" it drops); text data stays valid as long as the arena (it points
 * into the input when nothing had to be decoded, else into the arena);
 * tag names, comment and doctype data live in the tokenizer's scratch
 * and are valid until the next ex_tok_next call. Linear time in the input.
 */
#ifndef SKIMD_EXTRACT_TOK_H
#define SKIMD_EXTRACT_TOK_H

#include "ingest/extract_int.h"

typedef enum ex_tok_kind {
    EX_TOK_EOF = 0,
    EX_TOK_START,
    EX_TOK_END,
    EX_TOK_TEXT,
    EX_TOK_COMMENT,
    EX_TOK_DOCTYPE
} ex_tok_kind;

/* The content models the tree builder can select (and the tests start in). */
typedef enum ex_tok_state {
    EX_TS_DATA = 0,
    EX_TS_RCDATA,      /* <title>, <textarea>: references decoded */
    EX_TS_RAWTEXT,     /* <style>, <xmp>, <iframe>, <noembed>, <noframes>, <noscript> */
    EX_TS_SCRIPT,      /* <script>, with the <!-- --> escape states */
    EX_TS_PLAINTEXT,   /* <plaintext>: the rest is text */
    EX_TS_CDATA        /* inside <![CDATA[ (foreign content only) */
} ex_tok_state;

/* Tag attributes kept per start tag; more are parsed and dropped, so that
 * a hostile tag costs linear time (duplicates are checked against these). */
#define EX_TOK_MAX_ATTRS 64

typedef struct ex_token {
    ex_tok_kind kind;
    const char *name;      /* tags: lower-case name; doctype: name or NULL */
    size_t name_len;
    ex_attr *attrs;        /* start tags: in source order, the first of
                              duplicate names kept; arena */
    int self_closing;      /* tags: ended with "/>" */
    int unterminated;      /* text in RCDATA/RAWTEXT/script data ran to the end
                              of the input without its end tag */
    const char *data;      /* text, comment data (not NUL-terminated) */
    size_t data_len;
    const char *public_id; /* doctype: NULL when missing (scratch) */
    size_t public_len;
    const char *system_id; /* doctype: NULL when missing (scratch) */
    size_t system_len;
    int force_quirks;      /* doctype */
} ex_token;

typedef struct ex_tokenizer {
    const char *s;         /* the input */
    size_t len;
    size_t pos;            /* next byte to read */
    ex_tok_state state;    /* set by the caller after start tags */
    int cdata_ok;          /* set by the caller: the adjusted current node is
                              in SVG/MathML, so <![CDATA[ opens a section */
    char last_start[16];   /* name of the last start tag emitted (for the
                              "appropriate end tag" of RCDATA/RAWTEXT/script) */
    size_t last_start_len; /* 0: none, or too long to be any raw-text tag */
    ex_arena *arena;       /* attributes and decoded text go here */
    ex_buf name;           /* scratch: tag or doctype name */
    ex_buf data;           /* scratch: decoded text, comment data, values */
    ex_buf pub, sys;       /* scratch: doctype identifiers */
    int failed;            /* out of memory: tokens may be missing */
    size_t attrs_seen;     /* attributes read so far, kept or not (the tree
                              builder holds the page to EXTRACT_MAX_ATTRS) */
} ex_tokenizer;

/* The standard's input preprocessing: CR LF and lone CR become LF. Returns
 * s itself when it holds no CR, else a copy in arena (NULL when out of
 * memory); *out_len gets the new length. */
const char *ex_tok_newlines(ex_arena *arena, const char *s, size_t len, size_t *out_len);
/* Start tokenizing s[0..len) in the data state; allocations in arena. */
void ex_tok_init(ex_tokenizer *t, const char *s, size_t len, ex_arena *arena);
/* Set the last start tag name (tests and the tree builder's state switch
 * use it); NULL clears it. */
void ex_tok_set_last_start(ex_tokenizer *t, const char *name);
/* Next token into *tok. Returns 1 for a token, 0 at the end of the input
 * (tok->kind EX_TOK_EOF), -1 when memory ran out (t->failed set). */
int ex_tok_next(ex_tokenizer *t, ex_token *tok);
/* Free the scratch buffers (not the arena). Accepts NULL. */
void ex_tok_release(ex_tokenizer *t);

/* Decode the character references of s[0..n) as in text (in_attr 0) or an
 * attribute value (in_attr 1), replacing U+0000 by U+FFFD when nul_fffd;
 * appends to out. */
void ex_tok_decode(ex_buf *out, const char *s, size_t n, int in_attr, int nul_fffd);

#endif
