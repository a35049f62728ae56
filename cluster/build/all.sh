#!/usr/bin/env bash
# Builds every binary `cluster up` and `cluster gitops` need, in the order their
# roles ask for them (the same scripts and arguments as the roles' build tasks),
# so that they can be built ahead, at low priority, while something else runs:
#   nice -n 19 ionice -c 3 cluster/build/all.sh &
# `all.sh up` builds only what `cluster up` needs, `all.sh gitops` only what
# `cluster gitops` adds (Flux's controllers); both, in that order, by default.
# Each script takes its build's lock (lib.sh), so a role asking for a binary
# meanwhile waits for it instead of building it twice. Cached binaries are not
# built again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

up() {
  "$here/registry.sh"
  "$here/kubernetes.sh"
  "$here/etcd.sh"
  "$here/pause.sh"
  "$here/go-install.sh" coredns github.com/coredns/coredns coredns_version
  "$here/go-install.sh" crictl sigs.k8s.io/cri-tools/cmd/crictl crictl_version
  "$here/knative.sh"
  "$here/flagger.sh"
}

gitops() {
  "$here/flux.sh"
  "$here/go-install.sh" sops github.com/getsops/sops/v3/cmd/sops sops_version
  "$here/go-install.sh" age-keygen filippo.io/age/cmd/age-keygen age_version
  "$here/flux-resource-metrics-standin.sh" "$here/../flux-resource-metrics-standin" >/dev/null
}

(($#)) || set -- up gitops
for group in "$@"; do
  case "$group" in
    up | gitops) "$group" ;;
    *) echo "all.sh: unknown group \"$group\": use up, gitops or neither (both)" >&2; exit 2 ;;
  esac
done
