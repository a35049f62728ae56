# Debian's redis-server and redis-sentinel (bookworm: Redis 7.0), for the
# one-machine stand-in for Dragonfly: a primary, a replica and three Sentinels.
# The pods' start scripts (a ConfigMap) write the configuration and exec one of them.
ARG DEBIAN_IMAGE=127.0.0.1:5000/platform/debian:bookworm
FROM ${DEBIAN_IMAGE}

RUN groupadd --system --gid 999 redis \
 && useradd --system --uid 999 --gid redis --home-dir /data --shell /usr/sbin/nologin redis \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server redis-sentinel redis-tools \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o redis -g redis -m 0750 /data

USER 999:999
WORKDIR /data
EXPOSE 6379 26379
CMD ["redis-server", "--port", "6379"]
