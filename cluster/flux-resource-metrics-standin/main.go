// Command flux-resource-metrics-standin exports the metric Flux's monitoring
// reads an object's state from, gotk_resource_info, with the labels Flux's
// kube-state-metrics configuration gives it (fluxcd/flux2-monitoring-example):
// one series per Kustomization and GitRepository, value 1, with ready (its
// Ready condition's status) and suspended.
//
// A stand-in: on a cluster with kube-state-metrics and Flux's custom resource
// state configuration, that is what exports gotk_resource_info. The Go module
// proxy these machines reach refuses kube-state-metrics, so the one-machine
// cluster runs this instead; the platform's alert rule reads the same series
// either way. It lists the objects on each scrape.
package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// The Flux kinds whose state is exported, as Flux's kube-state-metrics configuration lists them.
var kinds = []struct {
	resource schema.GroupVersionResource
	kind     string
}{
	{schema.GroupVersionResource{Group: "kustomize.toolkit.fluxcd.io", Version: "v1", Resource: "kustomizations"}, "Kustomization"},
	{schema.GroupVersionResource{Group: "source.toolkit.fluxcd.io", Version: "v1", Resource: "gitrepositories"}, "GitRepository"},
}

var info = prometheus.NewDesc(
	"gotk_resource_info",
	"The current state of a Flux resource (a stand-in for kube-state-metrics' custom resource state).",
	[]string{"customresource_group", "customresource_kind", "customresource_version", "exported_namespace", "name", "ready", "suspended"},
	nil,
)

type collector struct{ client dynamic.Interface }

func (c collector) Describe(ch chan<- *prometheus.Desc) { ch <- info }

func (c collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, k := range kinds {
		list, err := c.client.Resource(k.resource).List(ctx, metav1.ListOptions{})
		if err != nil {
			// No CRD yet (Flux not bootstrapped) or no access: no series for this kind.
			log.Printf("listing %s: %v", k.resource.Resource, err)
			continue
		}
		for _, obj := range list.Items {
			ch <- prometheus.MustNewConstMetric(info, prometheus.GaugeValue, 1,
				k.resource.Group, k.kind, k.resource.Version, obj.GetNamespace(), obj.GetName(),
				readyStatus(obj), suspended(obj))
		}
	}
}

// readyStatus is the status of the Ready condition ("True", "False", "Unknown"), or "" with none.
func readyStatus(obj unstructured.Unstructured) string {
	conditions, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conditions {
		condition, ok := c.(map[string]interface{})
		if ok && condition["type"] == "Ready" {
			status, _ := condition["status"].(string)
			return status
		}
	}
	return ""
}

// suspended is spec.suspend as kube-state-metrics prints it: "true", "false", or "" when unset.
func suspended(obj unstructured.Unstructured) string {
	value, found, _ := unstructured.NestedBool(obj.Object, "spec", "suspend")
	if !found {
		return ""
	}
	if value {
		return "true"
	}
	return "false"
}

func main() {
	listen := flag.String("listen", ":8080", "address to serve /metrics on")
	flag.Parse()
	config, err := rest.InClusterConfig()
	if err != nil {
		log.Fatalf("in-cluster config: %v", err)
	}
	client, err := dynamic.NewForConfig(config)
	if err != nil {
		log.Fatalf("client: %v", err)
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(collector{client})
	http.Handle("/metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	log.Printf("serving gotk_resource_info on %s/metrics", *listen)
	server := &http.Server{Addr: *listen, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(server.ListenAndServe())
}
