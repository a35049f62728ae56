# postgres-patroni with Citus, for production's Citus groups
# (cluster/manifests/production-data). Citus has no Debian package, so it is
# built from its release source in a first stage and only its files are copied
# into the image the other environments run. Patroni, in Citus mode, puts citus
# first in shared_preload_libraries and sets wal_level=logical itself.
#
# Not built on the one-machine cluster: the source is on GitHub, which these
# machines cannot reach (data-images.sh builds only what that cluster runs).
# Build it where GitHub is reachable, with the usual builder:
#   cluster/images/build-image.sh cluster/images/data/postgres-patroni-citus.Dockerfile <empty dir> \
#     ghcr.io/knative-functions-platform/postgres-patroni-citus:0.1.0 \
#     --build-arg POSTGRES_PATRONI_IMAGE=ghcr.io/knative-functions-platform/postgres-patroni:0.1.0
ARG DEBIAN_IMAGE=127.0.0.1:5000/platform/debian:bookworm
ARG POSTGRES_PATRONI_IMAGE=ghcr.io/knative-functions-platform/postgres-patroni:0.1.0

FROM ${DEBIAN_IMAGE} AS citus
# 13.2 supports PostgreSQL 15 to 17 (docs: ../shared/facts/data.md); the version the project's Citus runs used.
ARG CITUS_VERSION=13.2.2
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential ca-certificates curl postgresql-server-dev-15 \
      liblz4-dev libzstd-dev libkrb5-dev libssl-dev libselinux1-dev libxslt1-dev libpam0g-dev libreadline-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Without libcurl: Citus uses it only to report statistics to Citus Data, which a production cluster should not.
RUN curl -fsSL "https://github.com/citusdata/citus/archive/refs/tags/v${CITUS_VERSION}.tar.gz" | tar -xz --strip-components=1 \
 && ./configure --without-libcurl \
 && make -j"$(nproc)" \
 && make install DESTDIR=/out

FROM ${POSTGRES_PATRONI_IMAGE}
COPY --from=citus /out/usr/ /usr/
