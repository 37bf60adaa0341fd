/* health.c -- the database's health as the daemon sees it, and the
 * one-daemon-per-file lock (see health.h for what is checked).
 *
 * Owns: the lock file descriptor, the identity (device, inode) of the
 * opened database file and lock file, the last write failure. Does not
 * own connections (store.c) or the HTTP answer (handlers/system.c).
 */
#include "storage/health.h"
#include "storage/store.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
    pthread_mutex_t lock;
    char db_path[1024];
    char dir_path[1024];
    char lock_path[1040];
    dev_t db_dev, lock_dev;
    ino_t db_ino, lock_ino;
    int watching;
    int server;                 /* a database server, not a file: no file checks */
    int lock_fd;
    char failure[256];          /* the last failed write's message */
} H = { .lock = PTHREAD_MUTEX_INITIALIZER, .lock_fd = -1 };

static atomic_int write_failing;

static int dir_of(const char *path, char *out, size_t cap)
{
    char tmp[1024];
    int n = snprintf(tmp, sizeof tmp, "%s", path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return -1;
    n = snprintf(out, cap, "%s", dirname(tmp));
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int store_lock_acquire(const char *db_path, char *err, size_t errlen)
{
    struct stat sb;
    char dir[1024], lock_path[1040];
    if (!store_db_is_file(db_path))
        return 0;       /* a database server: many daemons share it, by design */
    if (!db_path || dir_of(db_path, dir, sizeof dir) != 0) {
        snprintf(err, errlen, "the database path is too long");
        return -1;
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "the directory of --db %s does not exist (%s); create it first",
                 db_path, dir);
        return -1;
    }
    int n = snprintf(lock_path, sizeof lock_path, "%s.lock", db_path);
    if (n < 0 || (size_t)n >= sizeof lock_path) {
        snprintf(err, errlen, "the database path is too long");
        return -1;
    }
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create the lock file %s: %s", lock_path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            snprintf(err, errlen, "another skimd is using %s (it holds %s); one daemon per "
                     "SQLite file", db_path, lock_path);
        else
            snprintf(err, errlen, "cannot lock %s: %s", lock_path, strerror(e));
        return -1;
    }
    if (fstat(fd, &sb) != 0) {
        snprintf(err, errlen, "cannot stat %s: %s", lock_path, strerror(errno));
        close(fd);
        return -1;
    }
    pthread_mutex_lock(&H.lock);
    if (H.lock_fd >= 0)
        close(H.lock_fd);
    H.lock_fd = fd;
    H.lock_dev = sb.st_dev;
    H.lock_ino = sb.st_ino;
    snprintf(H.lock_path, sizeof H.lock_path, "%s", lock_path);
    pthread_mutex_unlock(&H.lock);
    return 0;
}

int store_health_watch(const char *db_path)
{
    struct stat sb;
    char dir[1024];
    if (!store_db_is_file(db_path)) {
        /* a server: only its writes tell (store_health_write_failed) */
        pthread_mutex_lock(&H.lock);
        H.watching = 1;
        H.server = 1;
        pthread_mutex_unlock(&H.lock);
        return 0;
    }
    if (!db_path || stat(db_path, &sb) != 0 || dir_of(db_path, dir, sizeof dir) != 0)
        return -1;
    pthread_mutex_lock(&H.lock);
    snprintf(H.db_path, sizeof H.db_path, "%s", db_path);
    snprintf(H.dir_path, sizeof H.dir_path, "%s", dir);
    H.db_dev = sb.st_dev;
    H.db_ino = sb.st_ino;
    H.watching = 1;
    pthread_mutex_unlock(&H.lock);
    return 0;
}

void store_health_write_failed(const char *message)
{
    pthread_mutex_lock(&H.lock);
    snprintf(H.failure, sizeof H.failure, "%s", message ? message : "write failed");
    pthread_mutex_unlock(&H.lock);
    atomic_store(&write_failing, 1);
}

void store_health_write_ok(void)
{
    atomic_store(&write_failing, 0);
}

int store_health_write_failing(void)
{
    return atomic_load(&write_failing);
}

/* The path still names the file (dev, ino) that was opened or locked. */
static int same_file(const char *path, dev_t dev, ino_t ino)
{
    struct stat sb;
    return stat(path, &sb) == 0 && sb.st_dev == dev && sb.st_ino == ino;
}

int store_health_check(char *why, size_t cap)
{
    int bad = 1;
    pthread_mutex_lock(&H.lock);
    if (!H.watching)
        bad = 0;
    else if (atomic_load(&write_failing))
        snprintf(why, cap, "the last database write failed: %s", H.failure);
    else if (H.server)
        bad = 0;
    else if (!same_file(H.db_path, H.db_dev, H.db_ino))
        snprintf(why, cap, "%s is no longer the database file this daemon opened "
                 "(removed or replaced)", H.db_path);
    else if (access(H.db_path, W_OK) != 0 || access(H.dir_path, W_OK) != 0)
        snprintf(why, cap, "the database file or its directory is not writable: %s",
                 strerror(errno));
    else if (H.lock_fd >= 0 && !same_file(H.lock_path, H.lock_dev, H.lock_ino))
        snprintf(why, cap, "the lock file %s was removed or replaced", H.lock_path);
    else
        bad = 0;
    pthread_mutex_unlock(&H.lock);
    return bad ? -1 : 0;
}
