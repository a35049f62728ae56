#!/usr/bin/env bash
# Builds and pushes the data services' images on the Debian base built here
# (base-images.sh; DEBIAN_IMAGE to use another), each under the name
# cluster/manifests/data-services uses and a content tag; one whose content tag
# the registry holds is not built again:
#   ghcr.io/knative-functions-platform/postgres-patroni:<platform_image_tag>   Debian's postgresql-15 and patroni
#   ghcr.io/knative-functions-platform/redis:<platform_image_tag>              Debian's redis-server and redis-sentinel
# Prints the content-tagged names, one a line.
source "$(dirname "$0")/../lib.sh"
DATA_DIR="$IMAGES_DIR/data"
TAG="$(sed -n 's/^platform_image_tag: *//p' "$IMAGES_DIR/../ansible/group_vars/all/versions.yml")"
PREFIX=ghcr.io/knative-functions-platform

if [[ -z "${DEBIAN_IMAGE:-}" ]]; then
  bases="$("$IMAGES_DIR/base-images.sh")"
  eval "$bases"
fi
log "data services' base: $DEBIAN_IMAGE"

# The Dockerfiles copy nothing in: an empty context.
context="$CACHE_DIR/images/data-empty"
mkdir -p "$context"
for image in postgres-patroni redis; do
  content="sha-$(content_hash "$DATA_DIR/$image.Dockerfile" -- "$DEBIAN_IMAGE")"
  build_once "$PREFIX/$image:$TAG" "$content" "data/$image.Dockerfile" "$context" \
    --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE"
  echo "$PREFIX/$image:$content"
done
