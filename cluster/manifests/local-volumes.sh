#!/usr/bin/env bash
# The node-local storage of a cluster without a storage provisioner (the
# one-machine cluster): a default StorageClass without provisioner, and one
# hostPath PersistentVolume per PostgreSQL member of a namespace, bound to its
# claim, in <dir>/<namespace>/ on this node (made here, owned by the postgres
# uid 999 of the image). The cluster's `down` removes <dir>, since a new
# cluster's Patroni starts from an empty DCS. Idempotent.
# Usage: local-volumes.sh <dir> <namespace> [members, default 3]   env: KUBECONFIG
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 <dir> <namespace> [members]" >&2; exit 2; }
dir="$1/$2"
ns="$2"
members="${3:-3}"
[[ "$members" =~ ^[1-9][0-9]*$ ]] || { echo "members: \"$members\" is not a positive whole number" >&2; exit 2; }
kubectl apply -f - <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-storage
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
YAML
for ((i = 0; i < members; i++)); do
  install -d -m 0700 -o 999 -g 999 "$dir/pgdata-postgres-$i"
  kubectl apply -f - <<YAML
apiVersion: v1
kind: PersistentVolume
metadata:
  name: $ns-pgdata-postgres-$i
spec:
  storageClassName: local-storage
  capacity:
    storage: 2Gi
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  claimRef:
    namespace: $ns
    name: pgdata-postgres-$i
  hostPath:
    path: $dir/pgdata-postgres-$i
    type: Directory
YAML
done
