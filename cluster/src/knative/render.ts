/**
 * Knative Serving's and Kourier's manifests for the cluster, made from the
 * modules' own config/ directories as their release builds make them (`ko
 * resolve`): every `ko://<import path>` becomes the image built here, and the
 * cluster's own ConfigMaps are laid over the modules' defaults. Pure: the
 * files are read and written by generate.ts.
 */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/** The image each `ko://` import path is built into, e.g. knative.dev/serving/cmd/queue -> gcr.io/...:v0.48.2. */
export type ImageMap = Readonly<Record<string, string>>;

const KO_PREFIX = "ko://";

/** The names the releases publish their images under; containerd resolves gcr.io to this cluster's registry. */
export function knativeImages(versions: { serving: string; kourier: string }): ImageMap {
  const image = (importPath: string, version: string) => `gcr.io/knative-releases/${importPath}:${version}`;
  const images: Record<string, string> = {};
  for (const cmd of ["controller", "webhook", "autoscaler", "activator", "queue"]) {
    const importPath = `knative.dev/serving/cmd/${cmd}`;
    images[importPath] = image(importPath, versions.serving);
  }
  images["knative.dev/net-kourier/cmd/kourier"] = image("knative.dev/net-kourier/cmd/kourier", versions.kourier);
  return images;
}

/** A copy of `value` with every `ko://` string replaced by its image; an import path not built here is an error. */
export function resolveKoImages<T>(value: T, images: ImageMap): T {
  if (typeof value === "string" && value.startsWith(KO_PREFIX)) {
    const importPath = value.slice(KO_PREFIX.length);
    const image = images[importPath];
    if (image === undefined) throw new Error(`no image is built for ${value}`);
    return image as T;
  }
  if (Array.isArray(value)) return value.map((item) => resolveKoImages(item, images)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveKoImages(item, images)])) as T;
  }
  return value;
}

const sameObject = (a: KubeObject, b: KubeObject) =>
  a.kind === b.kind &&
  a.metadata.name === b.metadata.name &&
  (a.metadata.namespace ?? "") === (b.metadata.namespace ?? "");

/**
 * The objects with each override's data laid over the module's ConfigMap of the
 * same name (the module's labels and `_example` documentation stay); an override
 * the modules do not carry is added.
 */
export function overlayConfigMaps(objects: readonly KubeObject[], overrides: readonly ConfigMap[]): KubeObject[] {
  const result = objects.map((object) => {
    const override = overrides.find((o) => sameObject(o, object));
    if (!override) return object;
    const base = object as ConfigMap;
    return { ...base, data: { ...base.data, ...override.data } };
  });
  for (const override of overrides) {
    if (!objects.some((o) => sameObject(o, override))) result.push(override);
  }
  return result;
}

export const isCustomResourceDefinition = (object: KubeObject) => object.kind === "CustomResourceDefinition";

export interface ServingSources {
  /** knative.dev/serving config/core, in file order. */
  serving: readonly KubeObject[];
  /** knative.dev/networking config (its CRDs and config-network) at Serving's pin. */
  networking: readonly KubeObject[];
  /** knative.dev/caching config (the Image CRD) at Serving's pin. */
  caching: readonly KubeObject[];
  /** The cluster's ConfigMaps in knative-serving, laid over the modules' defaults. */
  configMaps: readonly ConfigMap[];
  images: ImageMap;
}

/** Serving as its release's serving-crds.yaml and serving-core.yaml: the CRDs apart, to be established before the rest. */
export function renderServing(sources: ServingSources): { crds: KubeObject[]; core: KubeObject[] } {
  const all = resolveKoImages([...sources.serving, ...sources.networking, ...sources.caching], sources.images);
  const crds = all.filter(isCustomResourceDefinition);
  const core = overlayConfigMaps(
    all.filter((o) => !isCustomResourceDefinition(o)),
    sources.configMaps,
  );
  // Webhook configurations last: what they admit must exist before the webhook serves.
  return { crds, core: [...core.filter((o) => !isAdmissionWebhook(o)), ...core.filter(isAdmissionWebhook)] };
}

const isAdmissionWebhook = (object: KubeObject) =>
  object.kind === "ValidatingWebhookConfiguration" || object.kind === "MutatingWebhookConfiguration";

export interface KourierSources {
  /** knative.dev/net-kourier config, in file order. */
  kourier: readonly KubeObject[];
  images: ImageMap;
  /** The gateway's Envoy image (the module names the upstream one). */
  envoyImage: string;
  /** Node ports of the external listener (Service `kourier`): how the host reaches it. */
  nodePorts: { http: number; https: number };
}

const GATEWAY = { namespace: "kourier-system", deployment: "3scale-kourier-gateway", service: "kourier" };

interface ServicePort {
  name: string;
  port: number;
  nodePort?: number;
  [field: string]: unknown;
}

/** Kourier's controller and gateway, the gateway on our Envoy image and its external Service on node ports. */
export function renderKourier(sources: KourierSources): KubeObject[] {
  const objects = resolveKoImages([...sources.kourier], sources.images);
  const inGateway = (o: KubeObject) => o.metadata.namespace === GATEWAY.namespace;
  const gateway = objects.find(
    (o) => o.kind === "Deployment" && inGateway(o) && o.metadata.name === GATEWAY.deployment,
  );
  const service = objects.find((o) => o.kind === "Service" && inGateway(o) && o.metadata.name === GATEWAY.service);
  if (!gateway || !service) throw new Error("net-kourier's config has no gateway Deployment or kourier Service");
  return objects.map((object) => {
    if (object === gateway) return withEnvoyImage(object, sources.envoyImage);
    if (object === service) return onNodePorts(object, sources.nodePorts);
    return object;
  });
}

function withEnvoyImage(deployment: KubeObject, image: string): KubeObject {
  const spec = deployment.spec as { template: { spec: { containers: { name: string; image: string }[] } } };
  const containers = spec.template.spec.containers;
  if (containers.length !== 1) throw new Error(`the gateway has ${containers.length} containers, expected Envoy alone`);
  return {
    ...deployment,
    spec: {
      ...spec,
      template: {
        ...spec.template,
        spec: { ...spec.template.spec, containers: containers.map((c) => ({ ...c, image })) },
      },
    },
  };
}

function onNodePorts(service: KubeObject, nodePorts: KourierSources["nodePorts"]): KubeObject {
  const spec = service.spec as { type?: string; ports: ServicePort[] };
  const nodePortOf: Record<string, number> = { http2: nodePorts.http, https: nodePorts.https };
  const ports = spec.ports.map((port) => {
    const nodePort = nodePortOf[port.name];
    if (nodePort === undefined) throw new Error(`the kourier Service has a port ${port.name} with no node port`);
    return { ...port, nodePort };
  });
  return { ...service, spec: { ...spec, type: "NodePort", ports } };
}

/**
 * The objects with these Deployments' containers requesting this much CPU (name -> quantity):
 * the modules' requests (activator 300m, Kourier 200m each...) are sized for nodes to spare,
 * and on a 2-core node they alone would leave no room for the functions.
 */
export function withCpuRequests(
  objects: readonly KubeObject[],
  requests: Readonly<Record<string, string>>,
): KubeObject[] {
  const missing = Object.keys(requests).filter(
    (name) => !objects.some((o) => o.kind === "Deployment" && o.metadata.name === name),
  );
  if (missing.length > 0) throw new Error(`no Deployment named ${missing.join(", ")}`);
  return objects.map((object) => {
    const cpu = object.kind === "Deployment" ? requests[object.metadata.name] : undefined;
    if (cpu === undefined) return object;
    const spec = object.spec as { template: { spec: { containers: { resources?: { requests?: object } }[] } } };
    const containers = spec.template.spec.containers.map((c) => ({
      ...c,
      resources: { ...c.resources, requests: { ...c.resources?.requests, cpu } },
    }));
    return {
      ...object,
      spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, containers } } },
    };
  });
}
