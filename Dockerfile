# skimd container: build on Debian 12, run on Debian 12 slim as a non-root
# user with the database on the /data volume.
#   docker build -t skimd .
#   docker run -p 8080:8080 -v skimd-data:/data skimd
# The package lists mirror scripts/install-deps.sh: the build stage takes its
# build packages (no test-only ones: cmocka, sqlite3 CLI, node), the runtime
# stage only the shared libraries those -dev packages link against.

FROM debian:12-slim AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      build-essential pkg-config \
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libcurl4-openssl-dev \
      libxml2-dev libicu-dev libfriso-dev friso-dict libstemmer-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# data/ holds the shipped taxonomy and word lists (created empty if absent so
# the COPY below never fails).
RUN make -j2 build/skimd && mkdir -p data

FROM debian:12-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      libmicrohttpd12 libjansson4 libsqlite3-0 libcurl4 libxml2 libicu72 \
      libfriso0 friso-dict libstemmer0d ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system skimd \
 && useradd --system --gid skimd --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin skimd \
 && mkdir -p /data \
 && chown skimd:skimd /data
COPY --from=build /src/build/skimd /usr/local/bin/skimd
COPY --from=build /src/data /usr/share/skimd/data
ENV SKIMD_DATA_DIR=/usr/share/skimd/data
VOLUME ["/data"]
WORKDIR /data
USER skimd
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/skimd"]
CMD ["serve", "--listen", "0.0.0.0:8080", "--db", "/data/skimd.db"]
