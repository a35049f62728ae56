package main

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

func object(kind, apiVersion, name string, spec, status map[string]interface{}) *unstructured.Unstructured {
	obj := map[string]interface{}{
		"apiVersion": apiVersion,
		"kind":       kind,
		"metadata":   map[string]interface{}{"name": name, "namespace": "flux-system"},
	}
	if spec != nil {
		obj["spec"] = spec
	}
	if status != nil {
		obj["status"] = status
	}
	return &unstructured.Unstructured{Object: obj}
}

func ready(status string) map[string]interface{} {
	return map[string]interface{}{"conditions": []interface{}{
		map[string]interface{}{"type": "Reconciling", "status": "True"},
		map[string]interface{}{"type": "Ready", "status": status},
	}}
}

func TestGotkResourceInfo(t *testing.T) {
	listKinds := map[schema.GroupVersionResource]string{}
	for _, k := range kinds {
		listKinds[k.resource] = k.kind + "List"
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds,
		object("Kustomization", "kustomize.toolkit.fluxcd.io/v1", "dev-functions", nil, ready("True")),
		object("Kustomization", "kustomize.toolkit.fluxcd.io/v1", "dev-data", map[string]interface{}{"suspend": false}, ready("False")),
		object("Kustomization", "kustomize.toolkit.fluxcd.io/v1", "test-data", map[string]interface{}{"suspend": true}, ready("Unknown")),
		object("Kustomization", "kustomize.toolkit.fluxcd.io/v1", "new", nil, nil),
		object("GitRepository", "source.toolkit.fluxcd.io/v1", "flux-system", nil, ready("True")),
	)
	want := `
# HELP gotk_resource_info The current state of a Flux resource (a stand-in for kube-state-metrics' custom resource state).
# TYPE gotk_resource_info gauge
gotk_resource_info{customresource_group="kustomize.toolkit.fluxcd.io",customresource_kind="Kustomization",customresource_version="v1",exported_namespace="flux-system",name="dev-data",ready="False",suspended="false"} 1
gotk_resource_info{customresource_group="kustomize.toolkit.fluxcd.io",customresource_kind="Kustomization",customresource_version="v1",exported_namespace="flux-system",name="dev-functions",ready="True",suspended=""} 1
gotk_resource_info{customresource_group="kustomize.toolkit.fluxcd.io",customresource_kind="Kustomization",customresource_version="v1",exported_namespace="flux-system",name="new",ready="",suspended=""} 1
gotk_resource_info{customresource_group="kustomize.toolkit.fluxcd.io",customresource_kind="Kustomization",customresource_version="v1",exported_namespace="flux-system",name="test-data",ready="Unknown",suspended="true"} 1
gotk_resource_info{customresource_group="source.toolkit.fluxcd.io",customresource_kind="GitRepository",customresource_version="v1",exported_namespace="flux-system",name="flux-system",ready="True",suspended=""} 1
`
	if err := testutil.CollectAndCompare(collector{client}, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
}

func TestNoFluxYet(t *testing.T) {
	// No Flux objects (or no CRDs): no series, and no error.
	listKinds := map[schema.GroupVersionResource]string{}
	for _, k := range kinds {
		listKinds[k.resource] = k.kind + "List"
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds)
	if n := testutil.CollectAndCount(collector{client}); n != 0 {
		t.Fatalf("got %d series, want none", n)
	}
}
