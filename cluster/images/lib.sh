# Shared by the image scripts: the registry, its credentials, and how the usual
# image names map onto it (as containerd resolves them on this machine).
set -euo pipefail
IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REGISTRY="${PLATFORM_REGISTRY:-127.0.0.1:5000}"
REGISTRY_AUTH_FILE="${PLATFORM_REGISTRY_AUTH:-/etc/platform-cluster/registry/auth.json}"
CACHE_DIR="${PLATFORM_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-cluster}"

# local_name NAME:TAG -> the name in this machine's registry:
#   ghcr.io/x/y:t -> 127.0.0.1:5000/x/y:t, registry.k8s.io/x:t -> 127.0.0.1:5000/x:t,
#   node:22 and docker.io/node:22 -> 127.0.0.1:5000/library/node:22, 127.0.0.1:5000/x:t unchanged.
local_name() {
  local name="$1" host="${1%%/*}" path
  [[ "$name" == *:* && "${name##*:}" != */* ]] || { echo "$name: a tag is required (name:tag)" >&2; return 2; }
  if [[ "$name" == */* && ("$host" == *.* || "$host" == *:* || "$host" == localhost) ]]; then
    path="${name#*/}"
  else
    host=docker.io path="$name"
  fi
  [[ "$host" == docker.io && "$path" != */* ]] && path="library/$path"
  echo "$REGISTRY/$path"
}

MANIFEST_TYPES='application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json'

# registry_curl PATH [curl args]: a request to the registry's API (/v2/PATH), with its credentials.
registry_curl() {
  local path="$1" auth=()
  shift
  if [[ -r "$REGISTRY_AUTH_FILE" ]]; then
    auth=(-H "Authorization: Basic $(sed -n 's/.*"auth": *"\([^"]*\)".*/\1/p' "$REGISTRY_AUTH_FILE")")
  fi
  curl -sf --max-time 30 "${auth[@]}" "$@" "http://$REGISTRY/v2/$path"
}

# manifest_path NAME:TAG -> <repository>/manifests/<tag> in this machine's registry.
manifest_path() {
  local path
  path="$(local_name "$1")" || return 2
  path="${path#"$REGISTRY"/}"
  echo "${path%:*}/manifests/${path##*:}"
}

# registry_digest NAME:TAG: the manifest digest the registry holds for that tag (empty when none).
registry_digest() {
  registry_curl "$(manifest_path "$1")" -I -H "Accept: $MANIFEST_TYPES" | tr -d '\r' |
    sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *//p' || true
}

# registry_has NAME:TAG: true when the registry holds that tag.
registry_has() { [[ -n "$(registry_digest "$1")" ]]; }

# registry_tag FROM:TAG TO:TAG: the manifest of FROM also under TO (same repository), unless it is already.
registry_tag() {
  local from manifest type
  from="$(registry_digest "$1")"
  [[ -n "$from" ]] || { echo "$1 is not in the registry" >&2; return 1; }
  [[ "$from" == "$(registry_digest "$2")" ]] && return 0
  manifest="$(mktemp)"
  type="$(registry_curl "$(manifest_path "$1")" -H "Accept: $MANIFEST_TYPES" -o "$manifest" -w '%{content_type}')"
  registry_curl "$(manifest_path "$2")" -X PUT -H "Content-Type: $type" --data-binary "@$manifest" -o /dev/null
  rm -f "$manifest"
  log "$(local_name "$2"): now $(registry_digest "$2")"
}

# content_hash FILE_OR_DIR... [-- TEXT...]: 12 hex digits over the files' names and bytes and the texts.
content_hash() {
  local texts=() paths=()
  while [[ $# -gt 0 ]]; do
    if [[ "$1" == -- ]]; then shift; texts=("$@"); break; fi
    paths+=("$1"); shift
  done
  {
    for p in "${paths[@]}"; do
      (cd "$(dirname "$p")" && find "$(basename "$p")" -type f -print0 | sort -z | xargs -0 sha256sum)
    done
    printf '%s\n' "${texts[@]}"
  } | sha256sum | cut -c1-12
}

# dockerfile_sources DOCKERFILE [K=V]...: the context paths its COPY and ADD instructions read (not those
# --from another stage), with ${K} and $K replaced by the build arguments and the ARG defaults.
dockerfile_sources() {
  local dockerfile="$1" line k v
  shift
  declare -A args=()
  while read -r k v; do [[ -n "$k" && -z "${args[$k]+x}" ]] && args[$k]="$v"; done < <(
    sed -n 's/^ARG \([A-Za-z_][A-Za-z0-9_]*\)=\{0,1\}\(.*\)$/\1 \2/p' "$dockerfile")
  for kv in "$@"; do args[${kv%%=*}]="${kv#*=}"; done
  # Joined continuation lines; instructions are case-insensitive.
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$dockerfile" | grep -iE '^\s*(COPY|ADD)\s' | grep -viE '\s--from=' |
    while read -r line; do
      for k in "${!args[@]}"; do line="${line//\$\{$k\}/${args[$k]}}"; line="${line//\$$k/${args[$k]}}"; done
      # The words between the instruction (and its --flags) and the destination.
      read -r -a words <<<"$line"
      words=("${words[@]:1}")
      while [[ "${words[0]}" == --* ]]; do words=("${words[@]:1}"); done
      printf '%s\n' "${words[@]:0:${#words[@]}-1}"
    done
}

log() { echo "[images] $*" >&2; }

