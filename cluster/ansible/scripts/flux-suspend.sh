#!/usr/bin/env bash
# Suspends (true) or resumes (false) every Flux Kustomization on the cluster and
# prints "suspended <name>" or "resumed <name>" for each it changed, or "no Flux"
# when the cluster has none; Ansible's changed_when reads that. `up` suspends
# them: it applies the clone, and Flux left by an earlier `gitops` (etcd keeps
# it through down and up) would put the Git server's older commit back at its
# next interval. The flux role resumes them: from there Flux applies Git.
# usage: flux-suspend.sh true|false   env: KUBECONFIG
set -euo pipefail
suspend="${1:-}"
[[ "$suspend" == true || "$suspend" == false ]] || { echo "usage: $0 true|false" >&2; exit 2; }
kubectl get crd kustomizations.kustomize.toolkit.fluxcd.io >/dev/null 2>&1 || { echo "no Flux"; exit 0; }
verb="$([[ "$suspend" == true ]] && echo suspended || echo resumed)"
kubectl -n flux-system get kustomization -o jsonpath='{range .items[*]}{.metadata.name} {.spec.suspend}{"\n"}{end}' |
  while read -r name current; do
    [[ "${current:-false}" == "$suspend" ]] && continue
    kubectl -n flux-system patch kustomization "$name" --type=merge -p "{\"spec\":{\"suspend\":$suspend}}" >/dev/null
    echo "$verb $name"
  done
