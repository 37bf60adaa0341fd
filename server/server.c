/* server.c -- daemon start-up and shutdown (being written). */
#include "server/server.h"

#include <stdio.h>

int srv_serve(const srv_config *cfg)
{
    (void)cfg;
    fprintf(stderr, "skimd: serve is not built yet\n");
    return 1;
}
