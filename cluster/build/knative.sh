#!/usr/bin/env bash
# Builds Knative Serving's components (controller, webhook, autoscaler,
# activator, queue-proxy) and Kourier's controller from the Go module proxy.
# Each project is built through its own wrapper module: the project's go.mod
# requirements plus the project itself, with the project's own go.sum copied
# in, because several of its knative.dev pins are served by the proxy but
# missing from the checksum database. Serving and Kourier are kept apart: they
# pin different knative.dev/pkg versions.
source "$(dirname "$0")/lib.sh"
SERVING="$(version knative_serving_version)"
KOURIER="$(version net_kourier_version)"

# build_project MODULE VERSION NAME=PACKAGE...: one wrapper module, one binary per NAME.
build_project() {
  local module="$1" ver="$2"; shift 2
  local targets=("$@") stale=() t
  for t in "${targets[@]}"; do fresh "${t%%=*}" "$ver" || stale+=("$t"); done
  if ((${#stale[@]} == 0)); then log "$module $ver: cached"; return; fi

  local wrapper="$WRAPPERS_DIR/${module##*/}-$ver" info gomod dir
  mkdir -p "$wrapper"
  info="$(go mod download -json "$module@$ver")"
  gomod="$(sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' <<<"$info")"
  dir="$(sed -n 's/.*"Dir": "\(.*\)".*/\1/p' <<<"$info")"
  {
    echo "module platform.local/${module##*/}-wrapper"
    sed -e '/^module /d' "$gomod"
    echo "require $module $ver"
  } >"$wrapper/go.mod"
  cp "$dir/go.sum" "$wrapper/go.sum"
  chmod u+w "$wrapper/go.sum"
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for t in "${targets[@]}"; do printf '\t_ "%s"\n' "${t#*=}"; done
    printf ')\n'
  } >"$wrapper/tools.go"
  (
    cd "$wrapper"
    log "$module $ver: resolving modules"
    go mod download "$module@$ver"
    for t in "${stale[@]}"; do
      log "$module $ver: building ${t%%=*}"
      go build -mod=mod -trimpath -ldflags "-s -w" -o "$BIN_DIR/${t%%=*}" "${t#*=}"
      stamp "${t%%=*}" "$ver"
    done
  )
  log "$module $ver: built into $BIN_DIR"
}

build_project knative.dev/serving "$SERVING" \
  knative-controller=knative.dev/serving/cmd/controller \
  knative-webhook=knative.dev/serving/cmd/webhook \
  knative-autoscaler=knative.dev/serving/cmd/autoscaler \
  knative-activator=knative.dev/serving/cmd/activator \
  knative-queue=knative.dev/serving/cmd/queue
build_project knative.dev/net-kourier "$KOURIER" \
  kourier=knative.dev/net-kourier/cmd/kourier
