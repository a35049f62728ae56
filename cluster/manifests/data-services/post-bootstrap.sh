#!/bin/sh
# Run once by Patroni on the member that initialises the cluster, with a
# superuser connection string as $1: the application's role and database.
set -eu
psql "$1" --no-psqlrc -v ON_ERROR_STOP=1 -v password="$PLATFORM_DB_PASSWORD" <<'SQL'
CREATE ROLE platform LOGIN PASSWORD :'password';
CREATE DATABASE platform OWNER platform;
SQL
