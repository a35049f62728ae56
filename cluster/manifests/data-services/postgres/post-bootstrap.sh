#!/bin/sh
# Run once by Patroni on the member that initialises the cluster (on Citus:
# each group's), with a superuser connection string as $1: the application's
# role and database. In Citus mode (PATRONI_CITUS_GROUP set) Patroni itself
# creates the database, with the citus extension, right after this script;
# the migrations Job's first step then hands it to the role
# (migrations/platform-database.sh).
set -eu
psql "$1" --no-psqlrc -v ON_ERROR_STOP=1 -v password="$PLATFORM_DB_PASSWORD" <<'SQL'
CREATE ROLE platform LOGIN PASSWORD :'password';
SQL
if [ -z "${PATRONI_CITUS_GROUP:-}" ]; then
  psql "$1" --no-psqlrc -v ON_ERROR_STOP=1 -c 'CREATE DATABASE platform OWNER platform'
fi
