#!/usr/bin/env bash
# Builds and pushes the data services' images on the Debian base built here
# (base-images.sh; DEBIAN_IMAGE to use another), under the names the
# manifests in cluster/manifests/data-services give them (build-image.sh also
# tags each with its content and builds nothing the registry already holds):
#   ghcr.io/knative-functions-platform/postgres-patroni:<tag>   Debian's postgresql-15 and patroni (postgres/postgres.yaml)
#   ghcr.io/knative-functions-platform/redis:<tag>              Debian's redis-server and redis-sentinel (redis/redis.yaml)
#   cluster/images/data/data-images.sh
source "$(dirname "$0")/../lib.sh"
MANIFESTS="$IMAGES_DIR/../manifests/data-services"

# image_named NAME: the image called NAME that the data services' manifests run.
image_named() {
  local image
  image="$(sed -n "s|^ *image: *\([^ ]*/$1:[^ ]*\) *$|\1|p" "$MANIFESTS"/*/*.yaml | sort -u)"
  [[ -n "$image" && "$image" != *$'\n'* ]] || { echo "not one image named $1 in $MANIFESTS" >&2; exit 1; }
  echo "$image"
}

if [[ -z "${DEBIAN_IMAGE:-}" ]]; then
  bases="$("$IMAGES_DIR/base-images.sh")"
  eval "$bases"
fi
log "data services' base: $DEBIAN_IMAGE"

# The Dockerfiles copy nothing in: an empty context.
context="$CACHE_DIR/images/data-empty"
mkdir -p "$context"
for image in postgres-patroni redis; do
  "$IMAGES_DIR/build-image.sh" "$IMAGES_DIR/data/$image.Dockerfile" "$context" "$(image_named "$image")" \
    --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE"
done
