#!/usr/bin/env bash
# Builds a command whose module `go install`s as published (no replace directives).
# usage: go-install.sh <binary> <package> <version-key in versions.yml>
source "$(dirname "$0")/lib.sh"
BINARY="$1" PACKAGE="$2" VERSION="$(version "$3")"
fresh "$BINARY" "$VERSION" && { log "$BINARY $VERSION: cached"; exit 0; }
log "$BINARY $VERSION: building $PACKAGE"
tmp="$(mktemp -d)"
GOBIN="$tmp" go install -trimpath -ldflags "-s -w" "$PACKAGE@$VERSION"
mv "$tmp/$(basename "$PACKAGE")" "$BIN_DIR/$BINARY"
rmdir "$tmp"
stamp "$BINARY" "$VERSION"
log "$BINARY $VERSION: built into $BIN_DIR"
