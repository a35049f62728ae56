import { describe, expect, it } from "vitest";
import {
  type ConfigMap,
  type KubeObject,
  knativeImages,
  overlayConfigMaps,
  renderKourier,
  renderServing,
  resolveKoImages,
  withCpuRequests,
} from "./render.ts";

const images = knativeImages({ serving: "v0.48.2", kourier: "v0.48.0" });

const object = (kind: string, name: string, namespace?: string, rest: object = {}): KubeObject => ({
  apiVersion: "v1",
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  ...rest,
});
const configMap = (name: string, data: Record<string, string>, labels?: Record<string, string>): ConfigMap => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "knative-serving", ...(labels ? { labels } : {}) },
  data,
});

describe("knativeImages", () => {
  it.each([
    ["knative.dev/serving/cmd/controller", "gcr.io/knative-releases/knative.dev/serving/cmd/controller:v0.48.2"],
    ["knative.dev/serving/cmd/queue", "gcr.io/knative-releases/knative.dev/serving/cmd/queue:v0.48.2"],
    ["knative.dev/net-kourier/cmd/kourier", "gcr.io/knative-releases/knative.dev/net-kourier/cmd/kourier:v0.48.0"],
  ])("names %s as the release does", (importPath, image) => {
    expect(images[importPath]).toBe(image);
  });
});

describe("resolveKoImages", () => {
  it.each([
    [
      "a container image",
      { image: "ko://knative.dev/serving/cmd/webhook" },
      { image: images["knative.dev/serving/cmd/webhook"] },
    ],
    [
      "a ConfigMap value",
      { data: { "queue-sidecar-image": "ko://knative.dev/serving/cmd/queue" } },
      { data: { "queue-sidecar-image": images["knative.dev/serving/cmd/queue"] } },
    ],
    [
      "inside lists",
      { c: [{ image: "ko://knative.dev/net-kourier/cmd/kourier" }, 3, null] },
      { c: [{ image: images["knative.dev/net-kourier/cmd/kourier"] }, 3, null] },
    ],
    [
      "nothing else",
      { image: "docker.io/envoyproxy/envoy:v1.36-latest", n: 1, ok: true },
      { image: "docker.io/envoyproxy/envoy:v1.36-latest", n: 1, ok: true },
    ],
  ])("replaces %s", (_, input, expected) => {
    expect(resolveKoImages(input, images)).toEqual(expected);
  });

  it("refuses an import path that is not built here", () => {
    expect(() => resolveKoImages({ image: "ko://knative.dev/serving/cmd/default-domain" }, images)).toThrow(
      "no image is built for ko://knative.dev/serving/cmd/default-domain",
    );
  });

  it("leaves its input as it was", () => {
    const input = { image: "ko://knative.dev/serving/cmd/queue" };
    resolveKoImages(input, images);
    expect(input.image).toBe("ko://knative.dev/serving/cmd/queue");
  });
});

describe("overlayConfigMaps", () => {
  const labels = { "app.kubernetes.io/name": "knative-serving", "app.kubernetes.io/component": "autoscaler" };
  const moduleAutoscaler = configMap("config-autoscaler", { _example: "docs", "stable-window": "60s" }, labels);

  it.each([
    [
      "lays the override's keys over the module's, keeping its labels and _example",
      [moduleAutoscaler],
      [configMap("config-autoscaler", { "stable-window": "6s", "min-scale": "0" })],
      [configMap("config-autoscaler", { _example: "docs", "stable-window": "6s", "min-scale": "0" }, labels)],
    ],
    [
      "adds a ConfigMap the modules do not carry",
      [moduleAutoscaler],
      [configMap("config-extra", { a: "1" })],
      [moduleAutoscaler, configMap("config-extra", { a: "1" })],
    ],
    [
      "matches by namespace too",
      [object("ConfigMap", "config-domain", "other", { data: { a: "1" } })],
      [configMap("config-domain", { localhost: "" })],
      [
        object("ConfigMap", "config-domain", "other", { data: { a: "1" } }),
        configMap("config-domain", { localhost: "" }),
      ],
    ],
    ["changes nothing without overrides", [moduleAutoscaler], [], [moduleAutoscaler]],
  ])("%s", (_, objects, overrides, expected) => {
    expect(overlayConfigMaps(objects, overrides)).toEqual(expected);
  });
});

describe("renderServing", () => {
  const crd = (name: string) => object("CustomResourceDefinition", name);
  const rendered = renderServing({
    serving: [
      object("Namespace", "knative-serving"),
      crd("services.serving.knative.dev"),
      object("ValidatingWebhookConfiguration", "config.webhook.serving.knative.dev"),
      configMap("config-deployment", { "queue-sidecar-image": "ko://knative.dev/serving/cmd/queue" }),
      object("Deployment", "controller", "knative-serving", { image: "ko://knative.dev/serving/cmd/controller" }),
    ],
    networking: [crd("ingresses.networking.internal.knative.dev"), configMap("config-network", {})],
    caching: [crd("images.caching.internal.knative.dev")],
    configMaps: [
      configMap("config-network", { "ingress-class": "kourier.ingress.networking.knative.dev" }),
      configMap("config-deployment", { "registries-skipping-tag-resolving": "ghcr.io" }),
    ],
    images,
  });

  it("puts every CRD of the three modules apart", () => {
    expect(rendered.crds.map((o) => o.metadata.name)).toEqual([
      "services.serving.knative.dev",
      "ingresses.networking.internal.knative.dev",
      "images.caching.internal.knative.dev",
    ]);
  });

  it("keeps the file order of the rest, webhook configurations last", () => {
    expect(rendered.core.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Namespace/knative-serving",
      "ConfigMap/config-deployment",
      "Deployment/controller",
      "ConfigMap/config-network",
      "ValidatingWebhookConfiguration/config.webhook.serving.knative.dev",
    ]);
  });

  it("resolves images and lays the cluster's ConfigMaps over the modules'", () => {
    const byName = (name: string) =>
      rendered.core.find((o) => o.metadata.name === name) as ConfigMap & { image?: string };
    expect(byName("controller").image).toBe(images["knative.dev/serving/cmd/controller"]);
    expect(byName("config-deployment").data).toEqual({
      "queue-sidecar-image": images["knative.dev/serving/cmd/queue"],
      "registries-skipping-tag-resolving": "ghcr.io",
    });
    expect(byName("config-network").data).toEqual({ "ingress-class": "kourier.ingress.networking.knative.dev" });
  });
});

describe("renderKourier", () => {
  const gateway = object("Deployment", "3scale-kourier-gateway", "kourier-system", {
    spec: {
      template: {
        spec: { containers: [{ name: "kourier-gateway", image: "docker.io/envoyproxy/envoy:v1.36-latest" }] },
      },
    },
  });
  const service = object("Service", "kourier", "kourier-system", {
    spec: {
      type: "LoadBalancer",
      ports: [
        { name: "http2", port: 80, targetPort: 8080 },
        { name: "https", port: 443, targetPort: 8443 },
      ],
    },
  });
  const internal = object("Service", "kourier-internal", "kourier-system", { spec: { type: "ClusterIP", ports: [] } });
  const controller = object("Deployment", "net-kourier-controller", "knative-serving", {
    spec: {
      template: { spec: { containers: [{ name: "controller", image: "ko://knative.dev/net-kourier/cmd/kourier" }] } },
    },
  });
  const sources = {
    kourier: [controller, gateway, service, internal],
    images,
    envoyImage: "docker.io/envoyproxy/envoy:v1.40.0",
    nodePorts: { http: 31080, https: 31443 },
  };
  const rendered = renderKourier(sources);
  const find = (name: string) => rendered.find((o) => o.metadata.name === name) as KubeObject & { spec: never };

  it("runs the controller built here and the gateway on our Envoy", () => {
    expect(JSON.stringify(find("net-kourier-controller"))).toContain(images["knative.dev/net-kourier/cmd/kourier"]);
    expect(find("3scale-kourier-gateway")).toEqual({
      ...gateway,
      spec: {
        template: { spec: { containers: [{ name: "kourier-gateway", image: "docker.io/envoyproxy/envoy:v1.40.0" }] } },
      },
    });
  });

  it("exposes the external listener on node ports and leaves the internal one alone", () => {
    expect(find("kourier").spec).toEqual({
      type: "NodePort",
      ports: [
        { name: "http2", port: 80, targetPort: 8080, nodePort: 31080 },
        { name: "https", port: 443, targetPort: 8443, nodePort: 31443 },
      ],
    });
    expect(find("kourier-internal")).toEqual(internal);
  });

  it.each([
    ["no gateway", [controller, service], "no gateway Deployment or kourier Service"],
    [
      "a port it cannot map",
      [gateway, object("Service", "kourier", "kourier-system", { spec: { ports: [{ name: "grpc", port: 81 }] } })],
      "the kourier Service has a port grpc with no node port",
    ],
  ])("refuses a config with %s", (_, kourier, message) => {
    expect(() => renderKourier({ ...sources, kourier })).toThrow(message);
  });
});

describe("withCpuRequests", () => {
  const deployment = (name: string, containers: object[]) =>
    object("Deployment", name, "knative-serving", { spec: { replicas: 1, template: { spec: { containers } } } });
  const activator = deployment("activator", [
    { name: "activator", resources: { requests: { cpu: "300m", memory: "60Mi" }, limits: { cpu: "1" } } },
  ]);
  const gateway = deployment("gateway", [{ name: "envoy" }]);

  it.each([
    [
      "replaces the request and keeps memory and limits",
      [activator],
      { activator: "50m" },
      [
        deployment("activator", [
          { name: "activator", resources: { requests: { cpu: "50m", memory: "60Mi" }, limits: { cpu: "1" } } },
        ]),
      ],
    ],
    [
      "adds one where there was none",
      [gateway],
      { gateway: "100m" },
      [deployment("gateway", [{ name: "envoy", resources: { requests: { cpu: "100m" } } }])],
    ],
    [
      "leaves other objects alone",
      [activator, object("Service", "activator")],
      {},
      [activator, object("Service", "activator")],
    ],
  ])("%s", (_, objects, requests, expected) => {
    expect(withCpuRequests(objects, requests)).toEqual(expected);
  });

  it("refuses a Deployment the manifests do not have", () => {
    expect(() => withCpuRequests([activator, object("Service", "webhook")], { webhook: "50m" })).toThrow(
      "no Deployment named webhook",
    );
  });
});
