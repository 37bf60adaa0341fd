/* server.h -- the daemon: storage, workers and the HTTP server together. */
#ifndef SKIMD_SERVER_H
#define SKIMD_SERVER_H

#include "server/config.h"

/* Run until SIGTERM/SIGINT. Returns the process exit code. */
int srv_serve(const srv_config *cfg);

#endif
