/* tool_gz.c -- see tool_gz.h. */
#include "tools/tool_gz.h"

#include <stdlib.h>
#include <zlib.h>

int tool_read_gz(const char *path, size_t cap, char **out, size_t *out_len)
{
    gzFile f = path && out && out_len ? gzopen(path, "rb") : NULL;
    char *buf = NULL;
    size_t len = 0, bcap = 0;
    int rc = -1;
    if (!f)
        return -1;
    for (;;) {
        if (bcap - len < 65536) {
            size_t nc = bcap ? bcap * 2 : 262144;
            if (nc > cap)
                goto done;
            char *nb = realloc(buf, nc);
            if (!nb)
                goto done;
            buf = nb;
            bcap = nc;
        }
        int n = gzread(f, buf + len, (unsigned)(bcap - len - 1));
        if (n < 0)
            goto done;
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    buf = NULL;
    rc = 0;
done:
    free(buf);
    gzclose(f);
    return rc;
}
