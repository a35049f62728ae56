#!/usr/bin/env bash
# Builds Flagger from the Go module proxy (lib.sh's build_project).
source "$(dirname "$0")/lib.sh"
build_project github.com/fluxcd/flagger "$(version flagger_version)" \
  flagger=github.com/fluxcd/flagger/cmd/flagger
