# PostgreSQL 15 managed by Patroni, both from Debian (bookworm: postgresql-15,
# patroni 3.0.2), for the data services' StatefulSet. Patroni reads its settings
# from /etc/patroni/patroni.yml (a ConfigMap) and the PATRONI_* environment.
ARG DEBIAN_IMAGE=127.0.0.1:5000/platform/debian:bookworm
FROM ${DEBIAN_IMAGE}

# A fixed uid/gid so the pod can say runAsUser/fsGroup; created before the
# packages so that postgresql-common keeps it. No "main" cluster: Patroni runs initdb.
RUN groupadd --system --gid 999 postgres \
 && useradd --system --uid 999 --gid postgres --home-dir /var/lib/postgresql --shell /bin/bash postgres \
 && mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 patroni \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql /var/lib/postgresql/pgdata

ENV HOME=/var/lib/postgresql PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 999:999
WORKDIR /var/lib/postgresql
EXPOSE 5432 8008
ENTRYPOINT ["/usr/bin/patroni"]
CMD ["/etc/patroni/patroni.yml"]
