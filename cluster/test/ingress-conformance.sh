#!/usr/bin/env bash
# Knative's ingress conformance suite (knative.dev/networking test/conformance/ingress,
# build tag e2e) against the cluster's Kourier, as net-kourier's own kind job runs it:
# stable, beta and alpha tests, the external listener reached through the kourier
# Service's node ports on 127.0.0.1 (--ingressendpoint). Prints each test with its
# outcome and, for those that did not pass, the suite's own messages.
#   cluster/test/ingress-conformance.sh [-run REGEXP] [-parallel N] [-skip-tests a,b]
# Needs the cluster up (npm run cluster -- up). The suite's test images (the
# networking module's test_images) are built here and pushed like every image.
source "$(dirname "$0")/networking-test-images.sh"
REPO_DIR="$(cd "$CLUSTER_DIR/.." && pwd)"
KUBECONFIG="${PLATFORM_CLUSTER_KUBECONFIG:-/etc/platform-cluster/admin.kubeconfig}"

run_filter="" parallel=4 skip_tests=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -run) run_filter="$2"; shift 2 ;;
    -parallel) parallel="$2"; shift 2 ;;
    -skip-tests) skip_tests="$2"; shift 2 ;;
    *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done

suite="$BIN_DIR/ingress-conformance.test"
if ! fresh ingress-conformance.test "$NETWORKING_VERSION"; then
  log "ingress conformance suite at networking $NETWORKING_VERSION: compiling"
  (cd "$KOURIER_WRAPPER" && go test -mod=mod -c -tags=e2e -o "$suite" knative.dev/networking/test/conformance/ingress)
  stamp ingress-conformance.test "$NETWORKING_VERSION"
fi
networking_test_images runtime httpproxy timeout wsserver grpc-ping retry

kubectl --kubeconfig "$KUBECONFIG" create namespace serving-tests --dry-run=client -o yaml |
  kubectl --kubeconfig "$KUBECONFIG" apply -f - >/dev/null

log "running the suite (parallel $parallel); its own timeout is 20 min"
args=(
  -test.v=test2json -test.timeout=20m -test.parallel="$parallel"
  --kubeconfig="$KUBECONFIG"
  --ingressClass=kourier.ingress.networking.knative.dev
  --ingressendpoint=127.0.0.1
  --enable-alpha --enable-beta
  --dockerrepo="$NETWORKING_TEST_REPO" --tag="$NETWORKING_TEST_TAG"
  --cluster-suffix=cluster.local
)
[[ -n "$run_filter" ]] && args+=(-test.run="$run_filter")
[[ -n "$skip_tests" ]] && args+=(--skip-tests="$skip_tests")
log_file="$CACHE_DIR/ingress-conformance.log"
# GATEWAY_*_OVERRIDE tell the suite which Service is the ingress (as net-kourier's own job sets them).
GATEWAY_OVERRIDE=kourier GATEWAY_NAMESPACE_OVERRIDE=kourier-system \
  go tool test2json -t "$suite" "${args[@]}" | tee "$log_file" |
  "$REPO_DIR/node_modules/.bin/tsx" "$REPO_DIR/cluster/src/knative/conformance-report.ts"
