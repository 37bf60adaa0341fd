/* text_brk.h -- ICU break iterators reused across calls, one set per thread.
 *
 * ubrk_open() builds a new iterator from the locale's rules on every call
 * (about a fifth of the text stage on long articles). These helpers keep
 * the iterators a thread has opened and only point them at new text.
 */
#ifndef ANALYZE_TEXT_BRK_H
#define ANALYZE_TEXT_BRK_H

#include <stdint.h>
#include <unicode/ubrk.h>

/* An iterator of `type` for `locale`, set to u[0..ulen). The iterator is
 * owned by the calling thread's cache: the caller must not close it, and
 * it stays valid until this thread calls text_brk_get again (the next call
 * may hand out the same iterator with new text). u must outlive its use.
 * Returns NULL (with *status set) when ICU cannot open one. The cache is
 * freed when the thread exits. */
UBreakIterator *text_brk_get(UBreakIteratorType type, const char *locale,
                             const UChar *u, int32_t ulen, UErrorCode *status);

#endif
