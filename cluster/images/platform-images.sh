#!/usr/bin/env bash
# Builds and pushes the platform's own images under the names knative/base
# uses (ghcr.io/knative-functions-platform/<function>:0.1.0, and the
# migrations' at the same version), each also under a content tag
# (build-image.sh: not built again while the registry holds that content).
# The runtime base is NODE_IMAGE when set (e.g. docker.io/library/node:lts-slim
# where it can be pulled), else the Node base built here (base-images.sh).
#   cluster/images/platform-images.sh
source "$(dirname "$0")/lib.sh"
REPO_DIR="$(cd "$IMAGES_DIR/../.." && pwd)"
FUNCTIONS=(links redirect analytics web)
ctx="$CACHE_DIR/images/platform"

if [[ -z "${NODE_IMAGE:-}" ]]; then
  bases="$("$IMAGES_DIR/base-images.sh")"
  eval "$bases"
fi
log "runtime base: $NODE_IMAGE"

# The bundles are made again only when what goes into them changed (a bundle is a function of these).
sources="$(cd "$REPO_DIR" && content_hash functions db processes patches package-lock.json \
  cluster/images/build-context.ts cluster/images/warm-code-cache.cjs)"
if [[ "$(cat "$ctx/sources" 2>/dev/null)" == "$sources" ]]; then
  log "bundles: sources unchanged since the last run ($sources)"
else
  log "bundling the functions and the migrate and seed CLIs (the local platform's bundler)"
  (cd "$REPO_DIR" && npx tsx cluster/images/build-context.ts functions "$ctx/functions" &&
    npx tsx cluster/images/build-context.ts migrations "$ctx/migrations")
  echo "$sources" >"$ctx/sources"
fi

# image_of FUNCTION: the image its Knative Service names in knative/base.
image_of() {
  local image
  image="$(sed -n 's/^ *image: *\([^ ]*\) *$/\1/p' "$REPO_DIR/knative/base/$1.yaml" | head -1)"
  [[ -n "$image" ]] || { echo "no image in knative/base/$1.yaml" >&2; exit 1; }
  echo "$image"
}

for fn in "${FUNCTIONS[@]}"; do
  "$IMAGES_DIR/build-image.sh" "$IMAGES_DIR/function.Dockerfile" "$ctx/functions" "$(image_of "$fn")" \
    --build-arg "FUNCTION=$fn" --build-arg "NODE_IMAGE=$NODE_IMAGE"
done
# The migrations beside the functions, at the same version.
links="$(image_of links)"
"$IMAGES_DIR/build-image.sh" "$IMAGES_DIR/migrations.Dockerfile" "$ctx/migrations" "${links%/*}/migrations:${links##*:}" \
  --build-arg "NODE_IMAGE=$NODE_IMAGE"
