#!/usr/bin/env bash
# Builds Flux's controllers from the Go module proxy (lib.sh's build_project):
# source-controller and kustomize-controller, and the image automation pair
# (image-reflector-controller scans the registry, image-automation-controller
# commits new tags to Git). source-controller and image-reflector-controller
# pin github.com/fluxcd/pkg/artifact v0.18.3 and v0.18.2, which the proxy
# refuses; v0.18.1 is served and builds.
source "$(dirname "$0")/lib.sh"
SOURCE="$(version flux_source_controller_version)"
KUSTOMIZE="$(version flux_kustomize_controller_version)"
REFLECTOR="$(version flux_image_reflector_controller_version)"
AUTOMATION="$(version flux_image_automation_controller_version)"
ARTIFACT=(--replace github.com/fluxcd/pkg/artifact=github.com/fluxcd/pkg/artifact@v0.18.1)

build_project github.com/fluxcd/source-controller "$SOURCE" "${ARTIFACT[@]}" \
  flux-source-controller=github.com/fluxcd/source-controller
build_project github.com/fluxcd/kustomize-controller "$KUSTOMIZE" \
  flux-kustomize-controller=github.com/fluxcd/kustomize-controller
build_project github.com/fluxcd/image-reflector-controller "$REFLECTOR" "${ARTIFACT[@]}" \
  flux-image-reflector-controller=github.com/fluxcd/image-reflector-controller
build_project github.com/fluxcd/image-automation-controller "$AUTOMATION" \
  flux-image-automation-controller=github.com/fluxcd/image-automation-controller
