/* trim.c -- hand the free pages of a big job back to the kernel.
 *
 * Owns only the trim; what is freed, and when, is the caller's (queue.c
 * after a job, http.c after a big body). glibc's malloc_trim(0) returns
 * the free pages inside every arena's bins and the top of the main
 * arena, but not the top chunk of a thread's own heap (glibc 2.36
 * malloc.c, mtrim: systrim runs for the main arena only). A worker's
 * heap ends with what its last job freed, often megabytes: after the
 * five hostile pages of tools/bench/hostile_mem.mjs, 8 MiB of it stayed
 * resident (issue 12). That top is trimmed (heap_trim) whenever a block
 * of 64 KiB or more is freed into the heap, so one is allocated and
 * freed here: below the mmap threshold (server.c), it comes from this
 * thread's heap. srv_serve now runs one arena (M_ARENA_MAX 1), whose top
 * malloc_trim does trim; the block still matters when an operator sets
 * MALLOC_ARENA_MAX higher.
 */
#include "server/trim.h"

#include <malloc.h>
#include <stdlib.h>

/* Over glibc's FASTBIN_CONSOLIDATION_THRESHOLD (64 KiB), under the mmap
 * threshold that srv_serve sets (256 KiB). */
#define TOP_TRIM_BLOCK (96 * 1024)

void srv_trim_memory(void)
{
    malloc_trim(0);
    void *p = malloc(TOP_TRIM_BLOCK);
    /* a volatile access keeps the pair from being optimised away */
    if (p)
        *(volatile char *)p = 0;
    free(p);
}
