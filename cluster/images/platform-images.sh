#!/usr/bin/env bash
# Builds and pushes the platform's own images under the names knative/base
# uses (ghcr.io/knative-functions-platform/<function>:0.1.0, and the
# migrations' at the same version), each also under a content tag
# (build-image.sh: not built again while the registry holds that content).
# The runtime base is NODE_IMAGE when set (e.g. docker.io/library/node:lts-slim
# where it can be pulled), else the Node base built here (base-images.sh).
# --release also tags every image main-<commit>-<unix time>: a build of main,
# which Flux's ImagePolicies order by its time (flux/infrastructure/images);
# the tag is printed last, as "release <tag>".
#   cluster/images/platform-images.sh [--release]
source "$(dirname "$0")/lib.sh"
REPO_DIR="$(cd "$IMAGES_DIR/../.." && pwd)"
FUNCTIONS=(links redirect analytics web)
ctx="$CACHE_DIR/images/platform"

release=""
case "${1:-}" in
  "") ;;
  --release) release="main-$(git -C "$REPO_DIR" rev-parse --short=12 HEAD)-$(date +%s)" ;;
  *) echo "usage: platform-images.sh [--release]" >&2; exit 2 ;;
esac
# release_tag IMAGE: --tag IMAGE's name with the release tag, when releasing.
release_tag() { [[ -z "$release" ]] || printf -- '--tag\n%s:%s\n' "${1%:*}" "$release"; }

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
  image="$(image_of "$fn")"
  mapfile -t tags < <(release_tag "$image")
  "$IMAGES_DIR/build-image.sh" "$IMAGES_DIR/function.Dockerfile" "$ctx/functions" "$image" "${tags[@]}" \
    --build-arg "FUNCTION=$fn" --build-arg "NODE_IMAGE=$NODE_IMAGE"
done
# The migrations beside the functions, at the same version.
links="$(image_of links)"
migrations="${links%/*}/migrations:${links##*:}"
mapfile -t tags < <(release_tag "$migrations")
"$IMAGES_DIR/build-image.sh" "$IMAGES_DIR/migrations.Dockerfile" "$ctx/migrations" "$migrations" "${tags[@]}" \
  --build-arg "NODE_IMAGE=$NODE_IMAGE"
[[ -z "$release" ]] || echo "release $release"
