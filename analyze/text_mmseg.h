/* text_mmseg.h -- friso's complex-mode (MMSEG) word choice without its
 * per-word allocations. text.c installs it as friso's next_cjk hook; the
 * result is friso's own, word for word (test_text checks this against
 * libfriso on the seed article and on edge cases). */
#ifndef ANALYZE_TEXT_MMSEG_H
#define ANALYZE_TEXT_MMSEG_H

#include <friso/friso.h>

/* Same contract as friso's next_complex_cjk (friso 1.6.4): called by
 * next_mmseg_token with task->buffer holding the CJK character just read
 * (a dictionary word) and task->idx after it; returns the dictionary entry
 * of the chosen word (owned by the dictionary, never freed) with task->idx
 * after it, and leaves task->bytes, task->unicode and task->buffer as
 * friso's function does (next_mmseg_token reads them afterwards). NULL only
 * when config->clr_stw drops a stop word. Allocates nothing; reads the
 * dictionary only, so one friso_t serves every thread. Remembers its
 * probes per thread across calls on the same text (text_mmseg_reset). */
lex_entry_t text_mmseg_complex_cjk(friso_t friso, friso_config_t config, friso_task_t task);

/* Forget the dictionary probes this thread remembers from the text it
 * segmented last. Call it before friso_set_text() on a new text, and
 * after changing the dictionary: the memo also resets by itself when the
 * friso, task, text pointer or length change, but a new text can reuse
 * the old one's buffer. */
void text_mmseg_reset(void);

/* A filter over friso's CJK dictionary that lets text_mmseg_complex_cjk
 * skip probes for strings that cannot be words (the result is unchanged:
 * only certain misses are skipped). Attach after the dictionary is
 * loaded, call text_mmseg_filter_add for every word added to it later
 * (while no thread segments with it), and detach before friso_free. A
 * friso without a filter works, unfiltered. Returns 0, or -1 when out of
 * memory (the friso then runs unfiltered). At most 8 frisos at once have
 * one; later ones run unfiltered. */
int text_mmseg_attach(friso_t friso);
void text_mmseg_filter_add(friso_t friso, const char *word);
void text_mmseg_detach(friso_t friso);

#endif
