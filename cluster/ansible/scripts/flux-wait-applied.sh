#!/usr/bin/env bash
# Waits until Flux has applied a pushed commit everywhere: the GitRepository
# holds it, or a later commit of the branch (an image automation that this
# bootstrap created pushes on top of it before any hold reaches it), and every
# Kustomization has applied what the GitRepository holds and is Ready. On a
# timeout, Flux's own account of what it is waiting for (each object's message).
# Usage: flux-wait-applied.sh <pushed sha> <the Git server's repository dir> [seconds, default 900]
# env: KUBECONFIG
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 <pushed sha> <git dir> [seconds]" >&2; exit 2; }
pushed="$1"
git_dir="$2"
limit="${3:-900}"
flux() { kubectl -n flux-system "$@"; }
deadline=$((SECONDS + limit))
while ((SECONDS < deadline)); do
  held="$(flux get gitrepository/flux-system -o jsonpath='{.status.artifact.revision}' 2>/dev/null || true)"
  sha="${held##*sha1:}"
  if [[ -n "$sha" ]] && git --git-dir "$git_dir" merge-base --is-ancestor "$pushed" "$sha" 2>/dev/null; then
    pending="$(flux get kustomization --no-headers \
      -o custom-columns='NAME:.metadata.name,APPLIED:.status.lastAppliedRevision,READY:.status.conditions[?(@.type=="Ready")].status' |
      awk -v held="$held" '$2 != held || $3 != "True" { print $1 }')"
    if [[ -z "$pending" ]]; then
      echo "every Kustomization applied $held (holding ${pushed:0:7}) and is Ready"
      exit 0
    fi
  fi
  sleep 3
done
echo "Flux has not applied ${pushed:0:7} everywhere after ${limit} s:" >&2
flux get gitrepository,kustomization >&2
exit 1
