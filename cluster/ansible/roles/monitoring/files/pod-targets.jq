# The cluster's pods as Prometheus file_sd targets, labelled as Prometheus'
# kubernetes_sd_configs (role: pod) labels them, so the scrape jobs' relabelling
# is the one a cluster with that discovery uses. Debian's Prometheus is built
# without Kubernetes discovery. One target per declared container port of a pod
# that has an address; of the annotations, only prometheus.io/* (the rest can be large).
def sanitize: gsub("[^a-zA-Z0-9_]"; "_");
def prefixed($prefix): to_entries | map({key: ($prefix + (.key | sanitize)), value}) | from_entries;
[
  .items[]
  | select(.status.podIP != null and .status.podIP != "")
  | . as $pod
  | (($pod.metadata.labels // {}) | prefixed("__meta_kubernetes_pod_label_")) as $labels
  | (($pod.metadata.annotations // {}) | with_entries(select(.key | startswith("prometheus.io/")))
      | prefixed("__meta_kubernetes_pod_annotation_")) as $annotations
  | $pod.spec.containers[] as $container
  | ($container.ports // [])[]
  | {
      targets: ["\($pod.status.podIP):\(.containerPort)"],
      labels: ({
        __meta_kubernetes_namespace: $pod.metadata.namespace,
        __meta_kubernetes_pod_name: $pod.metadata.name,
        __meta_kubernetes_pod_ip: $pod.status.podIP,
        __meta_kubernetes_pod_phase: ($pod.status.phase // ""),
        __meta_kubernetes_pod_container_name: $container.name,
        __meta_kubernetes_pod_container_port_name: (.name // ""),
        __meta_kubernetes_pod_container_port_number: (.containerPort | tostring)
      } + $labels + $annotations)
    }
]
