#!/usr/bin/env bash
# Builds Knative Serving's components (controller, webhook, autoscaler,
# activator, queue-proxy) and Kourier's controller from the Go module proxy.
# Each project is built through its own wrapper module (lib.sh's
# build_project): several of its knative.dev pins are served by the proxy but
# missing from the checksum database. Serving and Kourier are kept apart: they
# pin different knative.dev/pkg versions.
source "$(dirname "$0")/lib.sh"
SERVING="$(version knative_serving_version)"
KOURIER="$(version net_kourier_version)"

build_project knative.dev/serving "$SERVING" \
  knative-controller=knative.dev/serving/cmd/controller \
  knative-webhook=knative.dev/serving/cmd/webhook \
  knative-autoscaler=knative.dev/serving/cmd/autoscaler \
  knative-activator=knative.dev/serving/cmd/activator \
  knative-queue=knative.dev/serving/cmd/queue
build_project knative.dev/net-kourier "$KOURIER" \
  kourier=knative.dev/net-kourier/cmd/kourier
