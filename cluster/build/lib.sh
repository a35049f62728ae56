# Shared by the build scripts: where builds are cached and how versions are read.
set -euo pipefail
CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${PLATFORM_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-cluster}"
BIN_DIR="$CACHE_DIR/bin"
WRAPPERS_DIR="$CACHE_DIR/wrappers"
mkdir -p "$BIN_DIR" "$WRAPPERS_DIR"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# Go's own installer puts it here; `up` adds it to PATH, a shell may not have.
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"

# One build of each thing at a time: all.sh may be building ahead in the
# background (.ci/run starts it before the tests) when `cluster up` asks for the
# same binaries; the second waits here, then finds them built. Different things
# build side by side: `up` must not wait for Flux's controllers, which only
# `gitops` uses (a lock for all builds held test:cluster ten minutes on a cold
# machine). The thing is the script, and go-install.sh's binary.
build_name="$(basename "$0" .sh)${1:+-$(basename "$1")}"
exec {build_lock}>"$CACHE_DIR/.build-$build_name.lock"
if ! flock -n "$build_lock"; then
  echo "[build] $build_name: waiting for the same build to finish (cluster/build/all.sh in the background?)" >&2
  flock "$build_lock"
fi

# version NAME: the pinned version from group_vars (one "name: value" per line).
version() {
  local value
  value="$(sed -n "s/^$1: *//p" "$CLUSTER_DIR/ansible/group_vars/all/versions.yml")"
  [[ -n "$value" ]] || { echo "no version named $1 in versions.yml" >&2; exit 1; }
  echo "$value"
}

log() { echo "[build] $*" >&2; }

# fresh BIN VERSION: true when BIN was built at VERSION (a stamp beside it).
fresh() { [[ -x "$BIN_DIR/$1" && "$(cat "$BIN_DIR/.$1.version" 2>/dev/null)" == "$2" ]]; }
stamp() { echo "$2" >"$BIN_DIR/.$1.version"; }

# build_project MODULE VERSION [--replace OLD=NEW@VERSION]... NAME=PACKAGE...:
# one binary per NAME, built through a wrapper module: the project's go.mod
# (its requirements and replaces) plus a requirement of the project itself,
# with the project's own go.sum copied in. Replaces of the project's own
# directories (`=> ./api`) are dropped: outside its repository the proxy serves
# those modules at the versions required. --replace adds one (a pin the proxy
# refuses, swapped for one it serves).
build_project() {
  local module="$1" ver="$2"; shift 2
  local replaces=() targets=() stale=() t
  while (($#)); do
    case "$1" in
      --replace) replaces+=("$2"); shift 2 ;;
      *) targets+=("$1"); shift ;;
    esac
  done
  for t in "${targets[@]}"; do fresh "${t%%=*}" "$ver" || stale+=("$t"); done
  if ((${#stale[@]} == 0)); then log "$module $ver: cached"; return; fi

  local wrapper="$WRAPPERS_DIR/${module##*/}-$ver" info gomod dir r
  mkdir -p "$wrapper"
  info="$(go mod download -json "$module@$ver")"
  gomod="$(sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' <<<"$info")"
  dir="$(sed -n 's/.*"Dir": "\(.*\)".*/\1/p' <<<"$info")"
  {
    echo "module platform.local/${module##*/}-wrapper"
    sed -e '/^module /d' -e '/^replace .* => \.\//d' "$gomod"
    echo "require $module $ver"
    for r in "${replaces[@]}"; do echo "replace ${r%%=*} => ${r#*=}" | sed 's/@/ /'; done
  } >"$wrapper/go.mod"
  cp "$dir/go.sum" "$wrapper/go.sum"
  chmod u+w "$wrapper/go.sum"
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for t in "${targets[@]}"; do printf '\t_ "%s"\n' "${t#*=}"; done
    printf ')\n'
  } >"$wrapper/tools.go"
  (
    cd "$wrapper"
    log "$module $ver: resolving modules"
    go mod download "$module@$ver"
    for t in "${stale[@]}"; do
      log "$module $ver: building ${t%%=*}"
      go build -mod=mod -trimpath -ldflags "-s -w" -o "$BIN_DIR/${t%%=*}" "${t#*=}"
      stamp "${t%%=*}" "$ver"
    done
  )
  log "$module $ver: built into $BIN_DIR"
}
