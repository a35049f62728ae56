# Shared by the build scripts: where builds are cached and how versions are read.
set -euo pipefail
CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${PLATFORM_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-cluster}"
BIN_DIR="$CACHE_DIR/bin"
WRAPPERS_DIR="$CACHE_DIR/wrappers"
mkdir -p "$BIN_DIR" "$WRAPPERS_DIR"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false

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
