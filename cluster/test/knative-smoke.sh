#!/usr/bin/env bash
# Knative Serving and Kourier on the cluster, end to end: a Knative Service made
# of networking's `runtime` test image (a small Go HTTP server) in namespace
# knative-smoke, Ready, then answering through Kourier's external listener on
# 127.0.0.1 by Host; deleted at the end. Prints each step with its time.
#   cluster/test/knative-smoke.sh [node port, 31080]
source "$(dirname "$0")/networking-test-images.sh"
KUBECONFIG="${PLATFORM_CLUSTER_KUBECONFIG:-/etc/platform-cluster/admin.kubeconfig}"
PORT="${1:-31080}"
NAMESPACE=knative-smoke
kubectl() { command kubectl --kubeconfig "$KUBECONFIG" "$@"; }

networking_test_images runtime
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
trap 'kubectl delete namespace "$NAMESPACE" --wait=false >/dev/null 2>&1' EXIT

started=$SECONDS
kubectl apply -f - >/dev/null <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
  namespace: $NAMESPACE
spec:
  template:
    spec:
      containers:
        - image: $NETWORKING_TEST_REPO/runtime:$NETWORKING_TEST_TAG
YAML
kubectl -n "$NAMESPACE" wait ksvc/hello --for condition=Ready --timeout=180s >/dev/null
echo "ksvc hello Ready $((SECONDS - started)) s after apply: $(kubectl -n "$NAMESPACE" get ksvc hello -o jsonpath='{.status.url}')"

host="hello.$NAMESPACE.localhost"
for attempt in $(seq 1 30); do
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $host" "http://127.0.0.1:$PORT/" || true)"
  [[ "$status" == 200 ]] && break
  sleep 1
done
echo "GET http://127.0.0.1:$PORT/ Host: $host -> $status (attempt $attempt)"
[[ "$status" == 200 ]]
echo "pods: $(kubectl -n "$NAMESPACE" get pods -o jsonpath='{range .items[*]}{.metadata.name} {.status.containerStatuses[*].ready}{"\n"}{end}')"
