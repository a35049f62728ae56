#!/usr/bin/env bash
# Suspends (true) or resumes (false) every Flux object of one kind in
# flux-system and prints "suspended <kind>/<name>" or "resumed <kind>/<name>"
# for each it changed, or "no <kind>" when the cluster has no such CRD;
# Ansible's changed_when reads that.
#
# - kustomization (the default): `up` suspends them, since it applies the clone
#   and Flux left by an earlier `gitops` (etcd keeps it through down and up)
#   would put the Git server's older commit back at its next interval. The flux
#   role resumes them: from there Flux applies Git.
# - imageupdateautomation: the flux role holds them while it moves the branch
#   they push to, and lets them go once Flux has applied its commit.
#
# The writes carry a field manager of their own: kustomize-controller removes
# fields that kubectl's default managers (kubectl-patch, ...) set on objects it
# applies, so a plain `kubectl patch` would be undone at the next reconcile.
# usage: flux-suspend.sh true|false [kustomization|imageupdateautomation]   env: KUBECONFIG
set -euo pipefail
suspend="${1:-}"
kind="${2:-kustomization}"
case "$kind" in
  kustomization) crd=kustomizations.kustomize.toolkit.fluxcd.io ;;
  imageupdateautomation) crd=imageupdateautomations.image.toolkit.fluxcd.io ;;
  *) echo "$0: kind must be kustomization or imageupdateautomation, not '$kind'" >&2; exit 2 ;;
esac
[[ "$suspend" == true || "$suspend" == false ]] || { echo "usage: $0 true|false [kind]" >&2; exit 2; }
kubectl get crd "$crd" >/dev/null 2>&1 || { echo "no $kind"; exit 0; }
verb="$([[ "$suspend" == true ]] && echo suspended || echo resumed)"
# Resuming removes the field, which reads as false, rather than writing false.
value="$([[ "$suspend" == true ]] && echo true || echo null)"
kubectl -n flux-system get "$kind" -o jsonpath='{range .items[*]}{.metadata.name} {.spec.suspend}{"\n"}{end}' |
  while read -r name current; do
    [[ "${current:-false}" == "$suspend" ]] && continue
    kubectl -n flux-system patch "$kind" "$name" --type=merge -p "{\"spec\":{\"suspend\":$value}}" \
      --field-manager=platform-flux-suspend >/dev/null
    echo "$verb $kind/$name"
  done
