#!/bin/sh
# The migrations Job's first step, as the superuser: the application's role
# owns its database (a no-op where post-bootstrap.sh made it so; on Citus,
# Patroni made the database as the superuser), and on Citus the coordinator
# knows the role's password for its connections to the workers. Idempotent:
# the Job may run again.
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
