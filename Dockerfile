# skimd container: build on Debian 12, run on Debian 12 slim as a non-root
# user with the database on the /data volume.
#   docker build -t skimd .
#   docker run -p 127.0.0.1:8080:8080 -e SKIMD_API_KEY="$(openssl rand -hex 32)" \
#       -v skimd-data:/data skimd
# It listens on 0.0.0.0 inside the container, so protected mode wants a key:
# SKIMD_API_KEY, or SKIMD_API_KEY_FILE naming a mounted secret (without one
# the container stops at once and says so). contrib/docker-compose.yml
# does the same with compose.
# The package lists mirror scripts/install-deps.sh: the build stage takes its
# build packages (no test-only ones: cmocka, sqlite3 CLI, node), the runtime
# stage only the shared libraries those -dev packages link against.

FROM debian:12-slim AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      build-essential pkg-config \
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libcurl4-openssl-dev \
      zlib1g-dev libicu-dev libfriso-dev friso-dict libstemmer-dev libpsl-dev libc-ares-dev libxml2-dev libssl-dev libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# the layout of `make install`: /usr/local/bin/skimd, /usr/local/share/skimd
RUN make -j2 DEVELOPER=0 PREFIX=/usr/local DESTDIR=/out install

FROM debian:12-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      libmicrohttpd12 libjansson4 libsqlite3-0 libcurl4 libicu72 \
      libfriso0 friso-dict libstemmer0d libpsl5 publicsuffix libc-ares2 libxml2 libpq5 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system skimd \
 && useradd --system --gid skimd --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin skimd \
 && mkdir -p /data \
 && chown skimd:skimd /data
COPY --from=build /out/usr/local /usr/local
VOLUME ["/data"]
WORKDIR /data
USER skimd
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz >/dev/null || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/skimd"]
CMD ["serve", "--listen", "0.0.0.0:8080", "--db", "/data/skimd.db"]
