/* failpoint.h -- named places where a test can hold a worker.
 *
 * When the environment variable SKIMD_FAILPOINT_DIR names a directory and
 * it holds a FIFO with the point's name, srv_failpoint() opens it and
 * waits for one byte before going on. A test creates the FIFO, learns
 * that the worker arrived when its own open for writing returns, stages
 * its race (a refresh, a retag, a kill), removes the FIFO and writes the
 * byte. Without the variable (every normal run) a point costs one branch.
 *
 * Points: "job.fetched" (the page is in hand, nothing analysed yet),
 * "job.before_finish" (the record is built, not yet stored) and
 * "retag.before_write" (new tags computed from the stored text, not yet
 * written).
 */
#ifndef SKIMD_FAILPOINT_H
#define SKIMD_FAILPOINT_H

/* Read SKIMD_FAILPOINT_DIR once; call before threads start. */
void srv_failpoint_init(void);

/* Wait at point `name` if a test set it up (see above). */
void srv_failpoint(const char *name);

#endif
