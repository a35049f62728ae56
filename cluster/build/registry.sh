#!/usr/bin/env bash
# Builds the CNCF distribution registry (the cluster's image registry, a host
# service on 127.0.0.1:5000) from the Go module proxy: a plain `go install`.
source "$(dirname "$0")/lib.sh"
VERSION="$(version registry_version)"
if fresh registry "$VERSION"; then log "registry $VERSION: cached"; exit 0; fi
log "registry $VERSION: building github.com/distribution/distribution/v3/cmd/registry"
GOBIN="$BIN_DIR" go install -trimpath -ldflags "-s -w" "github.com/distribution/distribution/v3/cmd/registry@$VERSION"
stamp registry "$VERSION"
log "registry $VERSION: built into $BIN_DIR/registry"
