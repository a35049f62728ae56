#!/usr/bin/env bash
# Compares the image builders that work on this machine on the same
# multi-stage Dockerfile (function.Dockerfile, the links function on the Node
# base built here): a build without cache, then the same build again (all
# steps cached), each builder in turn, ROUNDS times; prints the median seconds
# and each builder's time over buildah's. Docker (Debian's docker.io) runs as a
# daemon of its own for the run (no iptables, no bridge), and BuildKit's
# buildkitd (OCI worker, runc, host network) when cluster/build/buildkit.sh has
# built it; both are stopped at the end and nothing is left behind.
#   cluster/build/buildkit.sh && cluster/images/bench-builders.sh [ROUNDS, default 3]   (after base-images.sh)
source "$(dirname "$0")/lib.sh"
ROUNDS="${1:-3}"
REPO_DIR="$(cd "$IMAGES_DIR/../.." && pwd)"
work="$CACHE_DIR/bench-builders"
sock="$work/docker.sock"
node_image="$REGISTRY/platform/node:20-bookworm"
# unmount_leftovers: mounts a daemon of this script may leave (dockerd's network namespace, buildkitd's snapshots).
unmount_leftovers() {
  awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
}
unmount_leftovers
rm -rf "$work" && mkdir -p "$work/client-config"
# The registry's credentials for docker and buildctl (auth.json is in docker's config format).
cp "$REGISTRY_AUTH_FILE" "$work/client-config/config.json"
export DOCKER_CONFIG="$work/client-config"
builders=(buildah docker)
BUILDKIT_DIR="${BUILDKIT_DIR:-$CACHE_DIR/bin}"
if [[ -x "$BUILDKIT_DIR/buildkitd" && -x "$BUILDKIT_DIR/buildctl" ]]; then builders+=(buildkit); fi

(cd "$REPO_DIR" && npx tsx cluster/images/build-context.ts functions "$work/context") >&2
buildah=(buildah --root "$work/buildah" --runroot "$work/buildah-run" --storage-driver overlay)
docker=(docker -H "unix://$sock")
dockerd --data-root "$work/docker" --exec-root "$work/docker-exec" --pidfile "$work/docker.pid" -H "unix://$sock" \
  --iptables=false --ip-forward=false --ip-masq=false --bridge=none >"$work/dockerd.log" 2>&1 &
dockerd_pid=$!
buildkitd_pid=""
if [[ " ${builders[*]} " == *" buildkit "* ]]; then
  printf '[registry."%s"]\n  http = true\n' "$REGISTRY" >"$work/buildkitd.toml"
  "$BUILDKIT_DIR/buildkitd" --root "$work/buildkit" --addr "unix://$work/buildkitd.sock" --config "$work/buildkitd.toml" \
    --oci-worker=true --containerd-worker=false --oci-worker-net=host >"$work/buildkitd.log" 2>&1 &
  buildkitd_pid=$!
fi
buildctl=("$BUILDKIT_DIR/buildctl" --addr "unix://$work/buildkitd.sock")
stop_daemons() {
  kill "$dockerd_pid" 2>/dev/null && wait "$dockerd_pid" 2>/dev/null || true
  if [[ -n "$buildkitd_pid" ]]; then kill "$buildkitd_pid" 2>/dev/null && wait "$buildkitd_pid" 2>/dev/null || true; fi
  unmount_leftovers
  "${buildah[@]}" rmi --all --force >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop_daemons EXIT
for _ in $(seq 1 60); do "${docker[@]}" version >/dev/null 2>&1 && break; sleep 1; done
"${docker[@]}" version >/dev/null
if [[ -n "$buildkitd_pid" ]]; then
  for _ in $(seq 1 60); do "${buildctl[@]}" debug workers >/dev/null 2>&1 && break; sleep 1; done
  "${buildctl[@]}" debug workers >/dev/null
fi

# All start from the same base image, in the registry (pulled once before the rounds).
"${buildah[@]}" pull --tls-verify=false --authfile "$REGISTRY_AUTH_FILE" "$node_image" >/dev/null
"${docker[@]}" pull -q "$node_image" >/dev/null

args=(-f "$IMAGES_DIR/function.Dockerfile" --build-arg FUNCTION=links --build-arg "NODE_IMAGE=$node_image")
build_buildah() { "${buildah[@]}" bud --isolation chroot --layers --pull=false "$@" "${args[@]}" -t bench/links "$work/context" >/dev/null 2>&1; }
build_docker() { DOCKER_BUILDKIT=0 "${docker[@]}" build -q --network host "$@" "${args[@]}" -t bench/links "$work/context" >/dev/null 2>&1; }
build_buildkit() {
  "${buildctl[@]}" build --frontend dockerfile.v0 --local "context=$work/context" --local "dockerfile=$IMAGES_DIR" \
    --opt filename=function.Dockerfile --opt build-arg:FUNCTION=links --opt "build-arg:NODE_IMAGE=$node_image" \
    --output type=image,name=bench/links ${1:+--no-cache} >/dev/null 2>&1
}
seconds() { local t=$EPOCHREALTIME; "$@" || return 1; awk -v a="$EPOCHREALTIME" -v b="$t" 'BEGIN { print a - b }'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# One build each first, untimed: every builder then has the base image and the context in its store.
for b in "${builders[@]}"; do "build_$b" || { echo "$b cannot build the Dockerfile" >&2; exit 1; }; done
declare -A times
for round in $(seq 1 "$ROUNDS"); do
  for b in "${builders[@]}"; do
    times[$b-cold]+="$(seconds "build_$b" --no-cache) "
    times[$b-cached]+="$(seconds "build_$b") "
  done
  echo "round $round of $ROUNDS done" >&2
done
median_of() { tr ' ' '\n' <<<"${times[$1]}" | grep . | median; }
printf '%-9s %10s %10s %16s %16s\n' builder cold cached "cold / buildah" "cached / buildah"
for b in "${builders[@]}"; do
  awk -v b="$b" -v c="$(median_of "$b-cold")" -v k="$(median_of "$b-cached")" \
    -v bc="$(median_of buildah-cold)" -v bk="$(median_of buildah-cached)" \
    'BEGIN { printf "%-9s %9.1fs %9.1fs %16.2f %16.2f\n", b, c, k, c / bc, k / bk }'
done
