# Sourced by the Knative tests: the images of knative.dev/networking's test_images
# (at the networking version Kourier pins), built here and pushed like every image.
#   networking_test_images runtime [httpproxy ...]   then $NETWORKING_TEST_REPO/<name>:$NETWORKING_TEST_TAG
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../build" && pwd)/lib.sh"
NETWORKING_TEST_REPO="ghcr.io/knative-functions-platform/networking-test"

# Kourier's wrapper module (cluster/build/knative.sh makes it) pins the networking module.
"$CLUSTER_DIR/build/knative.sh"
KOURIER_WRAPPER="$WRAPPERS_DIR/net-kourier-$(version net_kourier_version)"
NETWORKING_VERSION="$(cd "$KOURIER_WRAPPER" && go list -mod=mod -m -f '{{.Version}}' knative.dev/networking)"
NETWORKING_TEST_TAG="${NETWORKING_VERSION##*-}" # the pin's commit, a valid image tag

networking_test_images() {
  local image binary
  for image in "$@"; do
    binary="networking-test-$image"
    if ! fresh "$binary" "$NETWORKING_VERSION"; then
      log "test image $image: building"
      (cd "$KOURIER_WRAPPER" && go build -mod=mod -trimpath -ldflags "-s -w" -o "$BIN_DIR/$binary" \
        "knative.dev/networking/test/test_images/$image")
      stamp "$binary" "$NETWORKING_VERSION"
    fi
    "$CLUSTER_DIR/images/build-image.sh" "$CLUSTER_DIR/images/go-binary.Dockerfile" "$BIN_DIR" \
      "$NETWORKING_TEST_REPO/$image:$NETWORKING_TEST_TAG" --build-arg "BINARY=$binary" >/dev/null
  done
}
