#!/usr/bin/env bash
# Applies a manifest file only when the cluster differs from it, and says which:
# "nothing to change" or kubectl apply's own lines. Ansible's changed_when reads
# that. kubectl apply alone reports no-op patches as "configured", and Knative's
# webhook rewrites its own webhook configurations' rules after every apply, so a
# difference in those alone is not a change (the webhook owns them once made).
# On a new cluster kubectl diff cannot compare objects in a namespace the file
# itself creates (NotFound): then it applies, and apply's own errors are the verdict.
# usage: kubectl-apply-changed.sh <file>   env: KUBECONFIG
set -euo pipefail
file="$1"
status=0
diff="$(kubectl diff -f "$file" 2>&1)" || status=$?
if [[ $status -gt 1 ]]; then
  if grep -q 'NotFound' <<<"$diff"; then
    kubectl apply -f "$file"
    exit
  fi
  echo "$diff" >&2
  exit "$status"
fi
changed_objects="$(sed -n 's#^diff -u -N .*/LIVE-[^/]*/\([^ ]*\) .*#\1#p' <<<"$diff" | grep -v 'WebhookConfiguration\.' || true)"
if [[ $status -eq 0 || -z "$changed_objects" ]]; then
  echo "nothing to change"
else
  kubectl apply -f "$file"
fi
