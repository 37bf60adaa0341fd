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
 * dictionary only, so one friso_t serves every thread. */
lex_entry_t text_mmseg_complex_cjk(friso_t friso, friso_config_t config, friso_task_t task);

#endif
