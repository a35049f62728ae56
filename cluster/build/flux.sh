#!/usr/bin/env bash
# Builds Flux's source-controller and kustomize-controller from the Go module
# proxy (lib.sh's build_project). source-controller pins
# github.com/fluxcd/pkg/artifact v0.18.3, which the proxy refuses; v0.18.1 is
# served and builds.
source "$(dirname "$0")/lib.sh"
SOURCE="$(version flux_source_controller_version)"
KUSTOMIZE="$(version flux_kustomize_controller_version)"

build_project github.com/fluxcd/source-controller "$SOURCE" \
  --replace github.com/fluxcd/pkg/artifact=github.com/fluxcd/pkg/artifact@v0.18.1 \
  flux-source-controller=github.com/fluxcd/source-controller
build_project github.com/fluxcd/kustomize-controller "$KUSTOMIZE" \
  flux-kustomize-controller=github.com/fluxcd/kustomize-controller
