/**
 * Flux's controllers for the cluster, made from the controllers' own modules
 * (config/crd, config/manager, config/rbac) the way `flux install` lays them
 * out: one namespace (flux-system), one ServiceAccount per controller, each
 * controller's role bound to its account, and kustomize-controller bound to
 * cluster-admin, since it applies whatever the repository declares (flux2's
 * `cluster-reconciler`). Pure: generate.ts reads and writes the files.
 */
import type { KubeObject } from "../knative/render.ts";

export const FLUX_NAMESPACE = "flux-system";

/** What one controller's module carries. */
export interface ControllerSources {
  name: string;
  version: string;
  crds: readonly KubeObject[];
  /** config/manager: the Deployment, and a Service for source-controller. */
  manager: readonly KubeObject[];
  /** config/rbac/role.yaml (a ClusterRole named manager-role). */
  role: KubeObject;
  /** config/rbac/leader_election_role.yaml (a Role named leader-election-role). */
  leaderElectionRole: KubeObject;
}

export interface FluxManifests {
  crds: KubeObject[];
  controllers: KubeObject[];
}

/** The name Flux's releases publish a controller's image under; containerd resolves ghcr.io to this cluster's registry. */
export const fluxImage = (name: string, version: string) => `ghcr.io/fluxcd/${name}:${version}`;

const labels = (name: string) => ({
  "app.kubernetes.io/part-of": "flux",
  "app.kubernetes.io/instance": FLUX_NAMESPACE,
  "app.kubernetes.io/component": name,
});

function bind(
  kind: "ClusterRoleBinding" | "RoleBinding",
  name: string,
  role: { kind: string; name: string },
  account: string,
): KubeObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind,
    metadata: { name, ...(kind === "RoleBinding" ? { namespace: FLUX_NAMESPACE } : {}), labels: labels(account) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: role.kind, name: role.name },
    subjects: [{ kind: "ServiceAccount", name: account, namespace: FLUX_NAMESPACE }],
  };
}

interface Container {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  [field: string]: unknown;
}
interface PodTemplate {
  metadata?: Record<string, unknown>;
  spec: { containers: Container[]; serviceAccountName?: string; [field: string]: unknown };
}

/** What this cluster sets beyond the module's Deployment, per controller. */
export interface ControllerSettings {
  cpuRequest?: string;
  /** Appended to the manager's args (a flag given twice: the last wins). */
  args?: readonly string[];
  /**
   * Run in the host's network, to reach what listens on the host's loopback
   * (the one-machine cluster's registry), with its metrics and health servers
   * moved to these ports (the module's 8080 and 9440 are common on a host).
   */
  hostNetwork?: { metricsPort: number; healthPort: number };
}

interface ContainerPort {
  name?: string;
  containerPort: number;
  [field: string]: unknown;
}

/** Moves the manager's servers to the host's ports given, and the pod to the host's network. */
function onHostNetwork(
  template: PodTemplate,
  container: Container,
  ports: { metricsPort: number; healthPort: number },
) {
  const byName: Record<string, number> = { "http-prom": ports.metricsPort, healthz: ports.healthPort };
  container.ports = ((container.ports as ContainerPort[] | undefined) ?? []).map((p) =>
    p.name && byName[p.name] ? { ...p, containerPort: byName[p.name] } : p,
  );
  container.args = [
    ...((container.args as string[] | undefined) ?? []),
    `--metrics-addr=:${ports.metricsPort}`,
    `--health-addr=:${ports.healthPort}`,
  ];
  template.spec.hostNetwork = true;
  // Cluster DNS still answers a pod on the host's network.
  template.spec.dnsPolicy = "ClusterFirstWithHostNet";
  const annotations = (template.metadata?.annotations ?? {}) as Record<string, string>;
  if (annotations["prometheus.io/port"]) {
    template.metadata = {
      ...template.metadata,
      annotations: { ...annotations, "prometheus.io/port": `${ports.metricsPort}` },
    };
  }
}

function controllerObjects(source: ControllerSources, settings: ControllerSettings = {}): KubeObject[] {
  const { name } = source;
  const deployment = source.manager.find((o) => o.kind === "Deployment");
  if (!deployment) throw new Error(`${name}: config/manager has no Deployment`);
  const spec = structuredClone(deployment.spec) as { template: PodTemplate; [field: string]: unknown };
  const container = spec.template.spec.containers.find((c) => c.name === "manager");
  if (!container) throw new Error(`${name}: its Deployment has no container named manager`);
  container.image = fluxImage(name, source.version);
  if (settings.cpuRequest) {
    container.resources = {
      ...container.resources,
      requests: { ...container.resources?.requests, cpu: settings.cpuRequest },
    };
  }
  if (settings.args?.length) container.args = [...((container.args as string[] | undefined) ?? []), ...settings.args];
  if (settings.hostNetwork) onHostNetwork(spec.template, container, settings.hostNetwork);
  spec.template.spec.serviceAccountName = name;

  const services = source.manager
    .filter((o) => o.kind === "Service")
    .map((s) => ({ ...s, metadata: { ...s.metadata, namespace: FLUX_NAMESPACE, labels: labels(name) } }));
  const clusterRole = { ...source.role, metadata: { name: `flux-${name}`, labels: labels(name) } };
  const leaderElection = {
    ...source.leaderElectionRole,
    metadata: { name: `${name}-leader-election`, namespace: FLUX_NAMESPACE, labels: labels(name) },
  };
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: FLUX_NAMESPACE, labels: labels(name) } },
    clusterRole,
    bind("ClusterRoleBinding", `flux-${name}`, { kind: "ClusterRole", name: clusterRole.metadata.name }, name),
    leaderElection,
    bind("RoleBinding", `${name}-leader-election`, { kind: "Role", name: leaderElection.metadata.name }, name),
    ...services,
    {
      ...deployment,
      metadata: {
        ...deployment.metadata,
        namespace: FLUX_NAMESPACE,
        labels: { ...labels(name), "control-plane": "controller" },
      },
      spec,
    },
  ];
}

/** The CRDs (applied first, then waited for) and everything else, for the controllers given. */
export function renderFlux(
  controllers: readonly ControllerSources[],
  settings: Readonly<Record<string, ControllerSettings>> = {},
): FluxManifests {
  const namespace: KubeObject = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: FLUX_NAMESPACE,
      labels: { "app.kubernetes.io/part-of": "flux", "app.kubernetes.io/instance": FLUX_NAMESPACE },
    },
  };
  const objects = controllers.flatMap((c) => controllerObjects(c, settings[c.name]));
  if (controllers.some((c) => c.name === "kustomize-controller")) {
    objects.push(
      bind(
        "ClusterRoleBinding",
        "flux-cluster-reconciler",
        { kind: "ClusterRole", name: "cluster-admin" },
        "kustomize-controller",
      ),
    );
  }
  return { crds: controllers.flatMap((c) => [...c.crds]), controllers: [namespace, ...objects] };
}

/**
 * What `flux bootstrap` writes as gotk-sync.yaml: the GitRepository Flux
 * fetches (and image automation pushes to) and the Kustomization that applies `path` from it. Every
 * Kustomization under flux/ names this GitRepository (flux-system).
 */
export function renderSync(options: {
  url: string;
  branch: string;
  path: string;
  interval?: string;
  /** The Secret with the username and password image-automation-controller pushes with. */
  secretRef?: string;
}): KubeObject[] {
  const interval = options.interval ?? "1m";
  return [
    {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: FLUX_NAMESPACE, namespace: FLUX_NAMESPACE },
      spec: {
        interval,
        url: options.url,
        ref: { branch: options.branch },
        ...(options.secretRef ? { secretRef: { name: options.secretRef } } : {}),
      },
    },
    {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: FLUX_NAMESPACE, namespace: FLUX_NAMESPACE },
      spec: {
        interval: "10m",
        retryInterval: "1m",
        timeout: "5m",
        path: options.path.startsWith("./") ? options.path : `./${options.path}`,
        prune: true,
        sourceRef: { kind: "GitRepository", name: FLUX_NAMESPACE },
      },
    },
  ];
}
