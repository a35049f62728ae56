#!/usr/bin/env bash
# Builds the Kubernetes binaries from the Go module proxy. kubernetes' go.mod
# points its staging modules at ./staging, which `go install` refuses, so we
# build through a wrapper module: kubernetes' own requirements plus the staging
# modules at their published versions.
source "$(dirname "$0")/lib.sh"
K8S="$(version kubernetes_version)"
STAGING="$(version kubernetes_staging_version)"
COMMANDS=(kubeadm kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

stale=()
for c in "${COMMANDS[@]}"; do fresh "$c" "$K8S" || stale+=("$c"); done
[[ ${#stale[@]} -eq 0 ]] && { log "kubernetes $K8S: cached"; exit 0; }

wrapper="$WRAPPERS_DIR/kubernetes-$K8S"
mkdir -p "$wrapper"
gomod="$(go mod download -json "k8s.io/kubernetes@$K8S" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
{
  echo "module platform.local/kubernetes-wrapper"
  sed -e '1,/^module /d' -e '/^replace (/,/^)/d' "$gomod"
  echo "require k8s.io/kubernetes $K8S"
  echo "replace ("
  sed -n 's#^\t\(k8s.io/[a-z-]*\) => ./staging/.*#\1#p' "$gomod" | grep -v sample-cli-plugin |
    while read -r m; do printf '\t%s => %s %s\n' "$m" "$m" "$STAGING"; done
  echo ")"
} >"$wrapper/go.mod"
cat >"$wrapper/tools.go" <<GO
//go:build tools

package tools

import (
$(for c in "${COMMANDS[@]}"; do echo "	_ \"k8s.io/kubernetes/cmd/$c\""; done)
)
GO
cd "$wrapper"
log "kubernetes $K8S: resolving modules"
go mod tidy -e >/dev/null 2>&1 || true
go mod download
major="${K8S#v}"; major="${major%%.*}"; minor="$(echo "$K8S" | cut -d. -f2)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
for c in "${stale[@]}"; do
  log "kubernetes $K8S: building $c"
  go build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/$c" "k8s.io/kubernetes/cmd/$c"
  stamp "$c" "$K8S"
done
log "kubernetes $K8S: built ${stale[*]} into $BIN_DIR"
