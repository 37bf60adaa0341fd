/* tmpdb.h -- a store on a fresh temporary database for cmocka tests:
 * setup/teardown for cmocka_unit_test_setup_teardown (state is a
 * tmpdb_fixture *). Header-only: each test program includes it once. */
#ifndef SKIMD_TEST_TMPDB_H
#define SKIMD_TEST_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "storage/store.h"

typedef struct tmpdb_fixture {
    char dir[64];
    char path[96];
    store *st;
} tmpdb_fixture;

static int tmpdb_setup(void **state)
{
    tmpdb_fixture *f = calloc(1, sizeof *f);
    char err[256];
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/skimd-test-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    if (store_open(f->path, &f->st, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    *state = f;
    return 0;
}

static int tmpdb_teardown(void **state)
{
    tmpdb_fixture *f = *state;
    char p[128];
    store_close(f->st);
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

#endif
