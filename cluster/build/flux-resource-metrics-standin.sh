#!/usr/bin/env bash
# Builds the stand-in for kube-state-metrics' Flux resource metrics from this
# repository's source (cluster/flux-resource-metrics-standin; the Go module
# proxy refuses kube-state-metrics itself). Rebuilt when the source changes:
# its version is the hash of its files, which this prints (the image's tag).
# usage: flux-resource-metrics-standin.sh <source dir>
source "$(dirname "$0")/lib.sh"
src="$(cd "$1" && pwd)"
ver="$(cd "$src" && cat go.mod go.sum main.go | sha256sum | cut -c1-12)"
if fresh flux-resource-metrics-standin "$ver"; then
  log "flux-resource-metrics-standin $ver: cached"
else
  log "flux-resource-metrics-standin $ver: building"
  (cd "$src" && go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/flux-resource-metrics-standin" .)
  stamp flux-resource-metrics-standin "$ver"
  log "flux-resource-metrics-standin $ver: built into $BIN_DIR"
fi
echo "$ver"
