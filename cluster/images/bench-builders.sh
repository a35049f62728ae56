#!/usr/bin/env bash
# Compares the image builders that work on this machine on the same
# multi-stage Dockerfile (function.Dockerfile, the links function on the Node
# base built here): a build without cache, then the same build again (all
# steps cached), each builder in turn, ROUNDS times; prints the median seconds
# and buildah's time over docker's. Docker runs as a daemon of its own for the
# run (no iptables, no bridge) and is stopped at the end.
#   cluster/images/bench-builders.sh [ROUNDS, default 3]    (after base-images.sh)
source "$(dirname "$0")/lib.sh"
ROUNDS="${1:-3}"
REPO_DIR="$(cd "$IMAGES_DIR/../.." && pwd)"
work="$CACHE_DIR/bench-builders"
sock="$work/docker.sock"
node_image="$REGISTRY/platform/node:20-bookworm"
rm -rf "$work" && mkdir -p "$work"

(cd "$REPO_DIR" && npx tsx cluster/images/build-context.ts functions "$work/context") >&2
buildah=(buildah --root "$work/buildah" --runroot "$work/buildah-run" --storage-driver overlay)
docker=(docker -H "unix://$sock")
dockerd --data-root "$work/docker" --exec-root "$work/docker-exec" --pidfile "$work/docker.pid" -H "unix://$sock" \
  --iptables=false --ip-forward=false --ip-masq=false --bridge=none >"$work/dockerd.log" 2>&1 &
dockerd_pid=$!
stop_dockerd() {
  kill "$dockerd_pid" 2>/dev/null && wait "$dockerd_pid" 2>/dev/null
  umount "$work"/docker-exec/netns/* 2>/dev/null || true
  "${buildah[@]}" rmi --all --force >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop_dockerd EXIT
for _ in $(seq 1 60); do "${docker[@]}" version >/dev/null 2>&1 && break; sleep 1; done
"${docker[@]}" version >/dev/null

# Both start from the same base image, pulled from the registry.
"${buildah[@]}" pull --tls-verify=false --authfile "$REGISTRY_AUTH_FILE" "$node_image" >/dev/null
user_pass="$(sed -n 's/.*"auth": *"\([^"]*\)".*/\1/p' "$REGISTRY_AUTH_FILE" | base64 -d)"
echo "${user_pass#*:}" | "${docker[@]}" login -u "${user_pass%%:*}" --password-stdin "$REGISTRY" >/dev/null 2>&1
"${docker[@]}" pull -q "$node_image" >/dev/null

args=(-f "$IMAGES_DIR/function.Dockerfile" --build-arg FUNCTION=links --build-arg "NODE_IMAGE=$node_image")
build_buildah() { "${buildah[@]}" bud --isolation chroot --layers --pull=false "$@" "${args[@]}" -t bench/links "$work/context" >/dev/null 2>&1; }
build_docker() { DOCKER_BUILDKIT=0 "${docker[@]}" build -q --network host "$@" "${args[@]}" -t bench/links "$work/context" >/dev/null 2>&1; }
seconds() { local t=$EPOCHREALTIME; "$@" || return 1; awk -v a="$EPOCHREALTIME" -v b="$t" 'BEGIN { print a - b }'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A times
for round in $(seq 1 "$ROUNDS"); do
  for b in buildah docker; do
    times[$b-cold]+="$(seconds "build_$b" --no-cache) "
    times[$b-cached]+="$(seconds "build_$b") "
  done
  echo "round $round of $ROUNDS done" >&2
done
printf '%-8s %10s %10s\n' builder cold cached
for b in buildah docker; do
  printf '%-8s %9.1fs %9.1fs\n' "$b" "$(tr ' ' '\n' <<<"${times[$b-cold]}" | grep . | median)" \
    "$(tr ' ' '\n' <<<"${times[$b-cached]}" | grep . | median)"
done
for kind in cold cached; do
  b="$(tr ' ' '\n' <<<"${times[buildah-$kind]}" | grep . | median)"
  d="$(tr ' ' '\n' <<<"${times[docker-$kind]}" | grep . | median)"
  awk -v k="$kind" -v b="$b" -v d="$d" 'BEGIN { printf "buildah / docker, %s: %.2f\n", k, b / d }'
done
