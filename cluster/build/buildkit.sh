#!/usr/bin/env bash
# Builds BuildKit's buildkitd and buildctl, only for cluster/images/bench-builders.sh
# (the cluster builds its images with buildah; docs/decisions.md says why).
# `go install` refuses the module (its go.mod has exclude directives), so we
# build through a wrapper module: BuildKit's own requirements and go.sum.
source "$(dirname "$0")/lib.sh"
VERSION="$(version buildkit_version)"
if fresh buildkitd "$VERSION" && fresh buildctl "$VERSION"; then log "buildkit $VERSION: cached"; exit 0; fi

wrapper="$WRAPPERS_DIR/buildkit-$VERSION"
mkdir -p "$wrapper"
# The module's go.mod and go.sum, fetched by `go mod download` (its own dependency graph fails the
# checksum database for one Microsoft module, so only the module itself is asked for).
src="$( (go mod download -json "github.com/moby/buildkit@$VERSION" 2>/dev/null || true) |
  sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
[[ -f "$src/go.mod" ]] || src="$(go env GOMODCACHE)/github.com/moby/buildkit@$VERSION"
[[ -f "$src/go.mod" ]] || { echo "github.com/moby/buildkit@$VERSION is not in the module cache" >&2; exit 1; }
{
  echo "module platform.local/buildkit-wrapper"
  sed -e '/^module /d' "$src/go.mod"
  echo "require github.com/moby/buildkit $VERSION"
} >"$wrapper/go.mod"
install -m 0644 "$src/go.sum" "$wrapper/go.sum"
cd "$wrapper"
for c in buildkitd buildctl; do
  log "buildkit $VERSION: building $c"
  GOFLAGS=-mod=mod GONOSUMDB=github.com/Microsoft go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/$c" \
    "github.com/moby/buildkit/cmd/$c"
  stamp "$c" "$VERSION"
done
log "buildkit $VERSION: built buildkitd and buildctl into $BIN_DIR"
