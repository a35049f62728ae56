#!/bin/sh
# Makes sure, as the superuser, that the application's role has the database
# the migrations need: it owns it (on Citus, Patroni created it as the
# superuser: data-services/postgres/post-bootstrap.sh), and on Citus the
# coordinator knows the role's password for its connections to the workers.
# Idempotent: the Job may run again.
set -eu
export PGHOST=postgres PGUSER=postgres PGDATABASE=platform PGCONNECT_TIMEOUT=10
psql --no-psqlrc -v ON_ERROR_STOP=1 -v password="$PLATFORM_DB_PASSWORD" <<'SQL'
SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') AS citus \gset
\if :citus
-- Off by default in some Citus versions: the workers' copies change owner too.
SET citus.enable_alter_database_owner = on;
\endif
ALTER DATABASE platform OWNER TO platform;
\if :citus
-- A libpq conninfo value: quoted, with \ and ' escaped.
SELECT format('password=''%s''', replace(replace(:'password', '\', '\\'), '''', '\''')) AS authinfo \gset
INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, 'platform', :'authinfo')
ON CONFLICT (nodeid, rolename) DO UPDATE SET authinfo = excluded.authinfo;
\endif
SQL
echo "database platform: owned by platform"
