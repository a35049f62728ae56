#!/usr/bin/env bash
# Builds an image from a Dockerfile without a Docker daemon (buildah, chroot
# isolation) and pushes it to the cluster's registry under its usual name,
# mapped as containerd resolves it there:
#   ghcr.io/x/y:t -> 127.0.0.1:5000/x/y:t     registry.k8s.io/x:t -> 127.0.0.1:5000/x:t
#   node:22       -> 127.0.0.1:5000/library/node:22 (docker.io's library)
# Each image also gets a content tag, content-<12 hex> over the Dockerfile, the
# build arguments and the context files its COPY/ADD read; when the registry
# already holds that content under every name, nothing is built.
#
# usage: build-image.sh <dockerfile> <context-dir> <image-name:tag> [--tag <name:tag>]... [--build-arg K=V]...
#   --tag         more names for the same image, mapped the same way
#   --build-arg   passed to the Dockerfile
#   --no-cache    no layer cache: buildah 1.28 keys a cached USER ${ARG} by its text, not its value
# env: PLATFORM_REGISTRY (127.0.0.1:5000), PLATFORM_REGISTRY_AUTH (/etc/platform-cluster/registry/auth.json),
#      PLATFORM_CLUSTER_CACHE (buildah's storage lives in its buildah/ folder)
# Prints one line per name, "<name in the registry> exists|pushed", the content tag's last.
source "$(dirname "$0")/lib.sh"

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 3 ]] || usage
dockerfile="$1" context="$2" names=("$3")
shift 3
build_args=() arg_values=() layers=(--layers)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) [[ $# -ge 2 ]] || usage; names+=("$2"); shift 2 ;;
    --build-arg) [[ $# -ge 2 && "$2" == *=* ]] || usage; build_args+=(--build-arg "$2"); arg_values+=("$2"); shift 2 ;;
    --no-cache) layers=(--no-cache); shift ;;
    *) usage ;;
  esac
done
[[ -f "$dockerfile" ]] || { echo "no Dockerfile at $dockerfile" >&2; exit 2; }
[[ -d "$context" ]] || { echo "no context directory at $context" >&2; exit 2; }

sources=()
while read -r s; do
  [[ -e "$context/$s" ]] || { echo "$dockerfile copies $s, which is not in $context" >&2; exit 2; }
  sources+=("$context/${s%/}")
done < <(dockerfile_sources "$dockerfile" "${arg_values[@]}")
content="content-$(content_hash "$dockerfile" "${sources[@]}" -- $(printf '%s\n' "${arg_values[@]}" | sort) "${layers[@]}")"

targets=()
for n in "${names[@]}"; do targets+=("$(local_name "$n")") || exit 2; done
first="${targets[0]}"
targets+=("${first%:*}:$content")

digest="$(registry_digest "${targets[-1]}")"
all_there=true
for t in "${targets[@]}"; do [[ -n "$digest" && "$(registry_digest "$t")" == "$digest" ]] || all_there=false; done
if $all_there; then
  for t in "${targets[@]}"; do echo "$t exists"; done
  exit 0
fi

buildah=(buildah --root "$CACHE_DIR/buildah/storage" --runroot /run/platform-cluster/buildah --storage-driver overlay)
registry_flags=(--tls-verify=false)
[[ -r "$REGISTRY_AUTH_FILE" ]] && registry_flags+=(--authfile "$REGISTRY_AUTH_FILE")
started=$SECONDS
"${buildah[@]}" bud --isolation chroot "${layers[@]}" --pull "${registry_flags[@]}" \
  -f "$dockerfile" -t "$first" "${build_args[@]}" "$context" >&2
for t in "${targets[@]:1}"; do "${buildah[@]}" tag "$first" "$t"; done
for t in "${targets[@]}"; do
  "${buildah[@]}" push --quiet "${registry_flags[@]}" "$t" "docker://$t" >&2
  echo "$t pushed"
done
log "$first ($content): built and pushed in $((SECONDS - started)) s"
