/* failpoint.c -- test holds at named worker steps (see failpoint.h).
 *
 * Owns only the directory name read at start. Deterministic race tests
 * use it instead of sleeps; it does nothing unless the environment asks.
 */
#include "server/failpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char fp_dir[512];

void srv_failpoint_init(void)
{
    const char *d = getenv("SKIMD_FAILPOINT_DIR");
    if (d && *d)
        snprintf(fp_dir, sizeof fp_dir, "%s", d);
}

void srv_failpoint(const char *name)
{
    char path[768];
    struct stat sb;
    if (!fp_dir[0])
        return;
    int n = snprintf(path, sizeof path, "%s/%s", fp_dir, name);
    if (n < 0 || (size_t)n >= sizeof path || stat(path, &sb) != 0 || !S_ISFIFO(sb.st_mode))
        return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);     /* waits for the test's writer */
    if (fd < 0)
        return;
    char c;
    while (read(fd, &c, 1) < 0 && errno == EINTR)
        ;
    close(fd);
}
