/* trim.h -- give the memory of a big job or request back to the kernel.
 *
 * Called by the thread that did the work (a worker after a job on a page
 * of 1 MiB or more, an HTTP thread after such a body), once its buffers
 * are freed. See trim.c for why malloc_trim(0) alone is not enough.
 */
#ifndef SKIMD_TRIM_H
#define SKIMD_TRIM_H

/* malloc_trim(0), then a trim of the top of the calling thread's own
 * heap. Safe on any thread at any time; costs a few system calls. */
void srv_trim_memory(void);

#endif
