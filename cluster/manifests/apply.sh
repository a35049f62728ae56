#!/usr/bin/env bash
# Applies an environment's kustomization (default: dev) to the cluster in the
# order the platform needs, waiting at each step; the cluster's `platform` role
# runs it. Steps and what each waits for:
#   0. with LOCAL_VOLUMES=<dir> (a cluster without a storage provisioner, such
#      as the one-machine cluster): local-volumes.sh, one hostPath
#      PersistentVolume per PostgreSQL member in <dir>/<namespace>/;
#   1. the Secrets (made once per cluster by make-secrets.sh), the data
#      services (label app.kubernetes.io/part-of=platform-data):
#        kubectl rollout status statefulset/{postgres,redis,redis-sentinel}
#   2. the PostgreSQL leader: a pod labelled role=master (Patroni labels it)
#      that is Ready, and a synchronous standby named in Patroni's
#      postgres-sync ConfigMap (annotation sync_standby); the Redis Sentinels'
#      quorum (SENTINEL CKQUORUM platform answers OK);
#   3. the migrations Job (label app.kubernetes.io/part-of=platform-migrations):
#        condition Complete (stops at condition Failed); a Job whose
#        template changed (a new image) is replaced, since its template is
#        immutable, and one that failed before is run again;
#   4. everything else, the functions:
#        kubectl wait ksvc --all --for=condition=Ready
# With PIN_DIGESTS=1 (the one-machine cluster, whose registry is on this
# machine), each image of a Knative Service or a Job that the registry holds is
# applied as name:tag@digest, the digest the registry holds now. Knative pins a revision to a digest by
# resolving the tag itself, which it cannot here: the node's registry mirrors
# ghcr.io, which the controller would ask directly (config-deployment skips
# resolving for it). Without a digest the node keeps running what it pulled
# first under a tag, and a function rebuilt under the same tag would never
# reach a revision; with one, a rebuilt function is a new revision, as on
# any cluster with a reachable registry.
# Usage: apply.sh [overlay dir]   env: KUBECONFIG (default the cluster's admin
# kubeconfig), APPLY_TIMEOUT_SECONDS (each step, default 300), LOCAL_VOLUMES,
# PIN_DIGESTS (registry: PLATFORM_REGISTRY, as cluster/images/lib.sh reads it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
overlay="${1:-$here/dev}"
export KUBECONFIG="${KUBECONFIG:-/etc/platform-cluster/admin.kubeconfig}"
limit="${APPLY_TIMEOUT_SECONDS:-300}"
ns="$(sed -n 's/^namespace: *//p' "$overlay/kustomization.yaml")"
[[ -n "$ns" ]] || { echo "$overlay/kustomization.yaml names no namespace" >&2; exit 2; }
k() { kubectl -n "$ns" "$@"; }
# Server-side apply, as Flux's kustomize-controller applies: when Flux later
# takes the objects over (npm run cluster -- gitops), no manager owns the
# annotations Knative's webhook sets (serving.knative.dev/creator). A client-side
# apply leaves kubectl owning the whole annotations map, which Flux inherits and
# then empties, and the webhook refuses that: "annotation value is immutable".
apply() { kubectl apply --server-side --field-manager=platform-apply --force-conflicts "$@"; }
say() { echo "[apply $ns] $*"; }

# until_true WHAT COMMAND...: runs COMMAND every 2 s until it prints something, for at most $limit s.
until_true() {
  local what="$1" deadline=$((SECONDS + limit)) out
  shift
  while ((SECONDS < deadline)); do
    out="$("$@" 2>/dev/null || true)"
    if [[ -n "$out" ]]; then
      echo "$out"
      return 0
    fi
    sleep 2
  done
  echo "gave up after ${limit}s waiting for $what" >&2
  return 1
}

# local_volumes DIR: the StorageClass and the members' volumes (step 0), as many as the overlay has members.
local_volumes() {
  local members
  members="$(kubectl kustomize "$overlay" | awk '/^kind: StatefulSet/{s=1} s&&/^  name: postgres$/{p=1} p&&/^  replicas:/{print $2; exit}')"
  "$here/local-volumes.sh" "$1" "$ns" "${members:-3}"
}

"$overlay/make-secrets.sh"
if [[ -n "${LOCAL_VOLUMES:-}" ]]; then
  say "0/4 node-local volumes in $LOCAL_VOLUMES/$ns"
  local_volumes "$LOCAL_VOLUMES"
fi
rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
kubectl kustomize "$overlay" >"$rendered"

# pin_digests FILE: in FILE's Knative Services and Jobs, each `image: name:tag` the registry
# holds becomes name:tag@digest (pin-digests.awk). Knative would resolve those tags itself on
# a cluster whose registry it reaches, and a Job's template must change for a rebuilt image
# to run. A StatefulSet keeps its tag, as on any cluster: `up` and Flux then apply the same
# data services, and handing the cluster from one to the other restarts none of them.
pin_digests() {
  local file="$1" image digest digests
  source "$here/../images/lib.sh"
  digests="$(mktemp)"
  for image in $(awk -v list=1 -f "$here/pin-digests.awk" "$file"); do
    digest="$(registry_digest "$image")"
    if [[ -z "$digest" ]]; then
      say "$image: not in the registry, applied by its tag"
      continue
    fi
    echo "$image $digest" >>"$digests"
    say "$image: ${digest:0:19}"
  done
  awk -f "$here/pin-digests.awk" "$digests" "$file" >"$file.pinned"
  mv "$file.pinned" "$file"
  rm -f "$digests"
}
if [[ "${PIN_DIGESTS:-}" == 1 ]]; then pin_digests "$rendered"; fi
# kubectl's client-side apply reports some objects "configured" with a patch that changes nothing (seen
# with kubectl 1.32 on Kubernetes 1.36), so whether anything changes is asked of the server first.
if kubectl diff --server-side --field-manager=platform-apply --force-conflicts -f "$rendered" >/dev/null 2>&1; then
  say "the cluster already matches $overlay: nothing to change"
fi

say "1/4 the data services: PostgreSQL with Patroni, Redis with Sentinels"
apply -f "$rendered" -l app.kubernetes.io/part-of=platform-data
for set in postgres redis redis-sentinel; do
  k rollout status "statefulset/$set" --timeout="${limit}s"
done

say "2/4 the PostgreSQL leader and its synchronous standby"
leader="$(until_true "a PostgreSQL leader" k get pods -l cluster-name=postgres,role=master -o name | head -n 1)"
k wait "$leader" --for=condition=Ready --timeout="${limit}s"
standby="$(until_true "a synchronous standby" k get configmap postgres-sync -o jsonpath='{.metadata.annotations.sync_standby}')"
say "leader ${leader#pod/}, synchronous standby $standby"
sentinels_agree() {
  k exec redis-sentinel-0 -c sentinel -- sh -c \
    'redis-cli -p 26379 --no-auth-warning -a "$REDIS_PASSWORD" sentinel ckquorum platform' | grep '^OK'
}
say "Redis: $(until_true "the Sentinels' quorum" sentinels_agree)"

say "3/4 the migrations Job"
# A Job that failed (e.g. before the database was reachable) is run afresh.
if [[ "$(k get job migrations -o jsonpath='{.status.conditions[?(@.type=="Failed")].status}' 2>/dev/null)" == True ]]; then
  say "the last run failed: running it again"
  k delete job migrations --wait=true
fi
if ! out="$(apply -f "$rendered" -l app.kubernetes.io/part-of=platform-migrations 2>&1)"; then
  grep -q "field is immutable" <<<"$out" || { echo "$out" >&2; exit 1; }
  say "the Job changed: replacing it"
  k delete job migrations --wait=true
  apply -f "$rendered" -l app.kubernetes.io/part-of=platform-migrations
else
  echo "$out"
fi
job_state() {
  k get job migrations -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type} {end}' |
    grep -oE 'Complete|Failed' | head -n 1
}
state="$(until_true "the migrations Job to finish" job_state)"
if [[ "$state" != Complete ]]; then
  k logs job/migrations --all-containers --tail=50 >&2 || true
  echo "the migrations Job failed" >&2
  exit 1
fi
say "migrations complete"

say "4/4 the functions"
apply -f "$rendered"
k wait ksvc --all --for=condition=Ready --timeout="${limit}s"
say "done"
