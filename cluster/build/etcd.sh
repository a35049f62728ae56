#!/usr/bin/env bash
# Builds etcd (the version kubeadm pairs with this Kubernetes) from the Go module
# proxy. Its server module replaces its siblings with ../ paths, which `go install`
# refuses, so it is built through a wrapper module that requires them by version.
source "$(dirname "$0")/lib.sh"
ETCD="$(version etcd_version)"
fresh etcd "$ETCD" && { log "etcd $ETCD: cached"; exit 0; }
wrapper="$WRAPPERS_DIR/etcd-$ETCD"
mkdir -p "$wrapper"
cat >"$wrapper/go.mod" <<MOD
module platform.local/etcd-wrapper

go 1.26

require (
	go.etcd.io/etcd/server/v3 $ETCD
	go.etcd.io/etcd/api/v3 $ETCD
	go.etcd.io/etcd/client/pkg/v3 $ETCD
	go.etcd.io/etcd/client/v3 $ETCD
	go.etcd.io/etcd/pkg/v3 $ETCD
)
MOD
printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$wrapper/tools.go"
cd "$wrapper"
log "etcd $ETCD: resolving modules"
go mod tidy
log "etcd $ETCD: building"
go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/etcd" go.etcd.io/etcd/server/v3
stamp etcd "$ETCD"
log "etcd $ETCD: built into $BIN_DIR"
