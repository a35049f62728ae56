#!/usr/bin/env bash
# Makes this cluster's passwords and keys, once, as env files beside this
# script (secrets/, ignored by Git) that the kustomization's secretGenerator
# reads. An existing file is never replaced: the database was initialised with
# those passwords. Usage: make-secrets.sh [dir] (default: ./secrets).
set -euo pipefail
dir="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets}"
mkdir -p "$dir"
chmod 0700 "$dir"
umask 077

hex() { openssl rand -hex 24; }
# The shape of the platform's API keys: lsk_ and 24 random bytes in base64url.
api_key() { echo "lsk_$(openssl rand -base64 24 | tr '+/' '-_')"; }

if [[ ! -f "$dir/postgres-passwords.env" ]]; then
  {
    echo "superuser=$(hex)"
    echo "replication=$(hex)"
    echo "rewind=$(hex)"
    echo "platform=$(hex)"
  } >"$dir/postgres-passwords.env"
  echo "made $dir/postgres-passwords.env"
fi
if [[ ! -f "$dir/redis-password.env" ]]; then
  echo "password=$(hex)" >"$dir/redis-password.env"
  echo "made $dir/redis-password.env"
fi
value() { sed -n "s/^$2=//p" "$dir/$1.env"; }
if [[ ! -f "$dir/platform-secrets.env" ]]; then
  {
    # The Service "postgres" always points at the Patroni leader.
    echo "DATABASE_URL=postgres://platform:$(value postgres-passwords platform)@postgres:5432/platform?target_session_attrs=primary"
    # The Sentinels name the Redis primary (functions/kit/src/redis.ts).
    echo "REDIS_URL=redis-sentinel://:$(value redis-password password)@redis-sentinel:26379/platform"
    echo "ROLLUP_TOKEN=$(hex)"
  } >"$dir/platform-secrets.env"
  echo "made $dir/platform-secrets.env"
fi
if [[ ! -f "$dir/platform-demo.env" ]]; then
  echo "DEMO_API_KEY=$(api_key)" >"$dir/platform-demo.env"
  echo "made $dir/platform-demo.env"
fi
