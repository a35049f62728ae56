#!/usr/bin/env bash
# Makes this cluster's passwords and keys once, and keeps them with the
# cluster, not with a clone: in $CLUSTER_SECRETS_DIR/<namespace>
# (default /etc/platform-cluster/secrets/dev), where `down --purge` removes
# them together with the database they were initialised with. Each run copies
# them into secrets/ beside this script (ignored by Git), where the
# kustomization's secretGenerator reads them, so every clone applies the same
# passwords to the same database. A file already kept is never replaced; one
# that only a clone has (made before they were kept with the cluster) is kept
# from it. Given another namespace (test, prod: environments Flux reconciles),
# it makes and keeps that namespace's, and copies nothing into the clone.
# Usage: make-secrets.sh [namespace]   env: CLUSTER_SECRETS_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
overlay_namespace="$(sed -n 's/^namespace: *//p' "$here/kustomization.yaml")"
namespace="${1:-$overlay_namespace}"
[[ "$namespace" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || { echo "make-secrets.sh: '$namespace' is not a namespace name (such as dev)" >&2; exit 2; }
store="${CLUSTER_SECRETS_DIR:-/etc/platform-cluster/secrets}/$namespace"
copy="$here/secrets"
umask 077
mkdir -p "$store"
chmod 0700 "$store"

hex() { openssl rand -hex 24; }
# The shape of the platform's API keys: lsk_ and 24 random bytes in base64url.
api_key() { echo "lsk_$(openssl rand -base64 24 | tr '+/' '-_')"; }
value() { sed -n "s/^$2=//p" "$store/$1.env"; }

# keep NAME: true when $store/NAME.env exists, after taking a clone's copy if only it has one.
keep() {
  [[ -f "$store/$1.env" ]] && return 0
  if [[ "$namespace" == "$overlay_namespace" && -f "$copy/$1.env" ]]; then
    cp "$copy/$1.env" "$store/$1.env"
    echo "kept $store/$1.env (from $copy)"
    return 0
  fi
  return 1
}
made() { echo "made $store/$1.env"; }

keep postgres-passwords || {
  {
    echo "superuser=$(hex)"
    echo "replication=$(hex)"
    echo "rewind=$(hex)"
    echo "platform=$(hex)"
  } >"$store/postgres-passwords.env"
  made postgres-passwords
}
keep redis-password || {
  echo "password=$(hex)" >"$store/redis-password.env"
  made redis-password
}
keep platform-secrets || {
  {
    # The Service "postgres" always points at the Patroni leader.
    echo "DATABASE_URL=postgres://platform:$(value postgres-passwords platform)@postgres:5432/platform?target_session_attrs=primary"
    # The Sentinels name the Redis primary (functions/kit/src/redis.ts).
    echo "REDIS_URL=redis-sentinel://:$(value redis-password password)@redis-sentinel:26379/platform"
    echo "ROLLUP_TOKEN=$(hex)"
  } >"$store/platform-secrets.env"
  made platform-secrets
}
keep platform-demo || {
  echo "DEMO_API_KEY=$(api_key)" >"$store/platform-demo.env"
  made platform-demo
}
if [[ "$namespace" == "$overlay_namespace" ]]; then
  mkdir -p "$copy"
  chmod 0700 "$copy"
  cp "$store"/*.env "$copy/"
fi
