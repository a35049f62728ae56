#!/usr/bin/env bash
# Builds the base images made on this machine (build-image.sh: each also under
# a content tag, and not built again while the registry holds that content):
#   127.0.0.1:5000/platform/debian:bookworm    debootstrap --variant=minbase bookworm (rootfs cached
#                                              in $CACHE_DIR/rootfs, made once)
#   127.0.0.1:5000/platform/node:<major>-bookworm   the Debian base and this machine's own node
# Prints DEBIAN_IMAGE=<name:content tag> and NODE_IMAGE=<name:content tag> on stdout.
#   cluster/images/base-images.sh
source "$(dirname "$0")/lib.sh"
SUITE=bookworm
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
rootfs="$CACHE_DIR/rootfs/debian-$SUITE"
debian_ctx="$CACHE_DIR/images/debian-$SUITE"
node_ctx="$CACHE_DIR/images/node"

if [[ ! -f "$rootfs/.complete" ]]; then
  log "debian $SUITE: debootstrap --variant=minbase from $MIRROR (about 2 minutes)"
  rm -rf "$rootfs.partial" && mkdir -p "$(dirname "$rootfs")"
  debootstrap --variant=minbase "$SUITE" "$rootfs.partial" "$MIRROR" >"$rootfs.log" 2>&1 ||
    { tail -20 "$rootfs.log" >&2; exit 1; }
  rm -rf "$rootfs.partial"/var/cache/apt/archives/*.deb "$rootfs.partial"/var/lib/apt/lists/*
  rm -rf "$rootfs" && mv "$rootfs.partial" "$rootfs" && touch "$rootfs/.complete"
fi
if [[ ! -f "$debian_ctx/rootfs.tar.sha256" || "$rootfs/.complete" -nt "$debian_ctx/rootfs.tar.sha256" ]]; then
  mkdir -p "$debian_ctx"
  tar -C "$rootfs" --sort=name --numeric-owner --exclude=./.complete --exclude="./dev/*" --exclude="./proc/*" --exclude="./sys/*" -cf "$debian_ctx/rootfs.tar.partial" .
  mv "$debian_ctx/rootfs.tar.partial" "$debian_ctx/rootfs.tar"
  sha256sum "$debian_ctx/rootfs.tar" | cut -d' ' -f1 >"$debian_ctx/rootfs.tar.sha256"
fi
# content_tag OUTPUT: the content tag's name, the last line build-image.sh prints.
content_tag() { tail -1 <<<"$1" | cut -d' ' -f1; }

out="$("$IMAGES_DIR/build-image.sh" "$IMAGES_DIR/debian.Dockerfile" "$debian_ctx" "$REGISTRY/platform/debian:$SUITE")"
debian_image="$(content_tag "$out")"

node_bin="$(command -v node)"
node_major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
node_sum="$(sha256sum "$node_bin" | cut -d' ' -f1)"
if [[ "$(cat "$node_ctx/node.source-sha256" 2>/dev/null)" != "$node_sum" ]]; then
  mkdir -p "$node_ctx"
  # Without its symbols (99 -> 86 MB for v20); a plain copy where binutils is missing.
  strip -o "$node_ctx/node" "$node_bin" 2>/dev/null || cp -L "$node_bin" "$node_ctx/node"
  echo "$node_sum" >"$node_ctx/node.source-sha256"
fi
out="$("$IMAGES_DIR/build-image.sh" "$IMAGES_DIR/node.Dockerfile" "$node_ctx" \
  "$REGISTRY/platform/node:$node_major-$SUITE" --build-arg "DEBIAN_IMAGE=$debian_image")"
node_image="$(content_tag "$out")"

echo "DEBIAN_IMAGE=$debian_image"
echo "NODE_IMAGE=$node_image"
