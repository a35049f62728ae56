import { describe, expect, it } from "vitest";
import type { KubeObject } from "../knative/render.ts";
import { type ControllerSources, FLUX_NAMESPACE, renderFlux, renderSync } from "./render.ts";

const role = (kind: string, name: string): KubeObject => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind,
  metadata: { name },
  rules: [{ apiGroups: [""], resources: ["events"], verbs: ["create"] }],
});

const sources = (name: string, withService = false): ControllerSources => ({
  name,
  version: "v1.9.6",
  crds: [
    { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: `${name}s.example` } },
  ],
  manager: [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, labels: { "control-plane": "controller" } },
      spec: {
        template: {
          spec: {
            containers: [
              { name: "manager", image: `fluxcd/${name}`, resources: { requests: { cpu: "100m", memory: "64Mi" } } },
            ],
          },
        },
      },
    },
    ...(withService
      ? [{ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { ports: [{ port: 80 }] } }]
      : []),
  ],
  role: role("ClusterRole", "manager-role"),
  leaderElectionRole: role("Role", "leader-election-role"),
});

const find = (objects: KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

describe("renderFlux", () => {
  const { crds, controllers } = renderFlux([sources("source-controller", true), sources("kustomize-controller")], {
    "source-controller": { cpuRequest: "25m" },
    "kustomize-controller": { args: ["--requeue-dependency=5s"] },
  });

  it("keeps the CRDs apart, to be applied and established first", () => {
    expect(crds.map((c) => c.metadata.name)).toEqual(["source-controllers.example", "kustomize-controllers.example"]);
    expect(controllers.some((o) => o.kind === "CustomResourceDefinition")).toBe(false);
  });

  it("puts everything namespaced in flux-system, the namespace first", () => {
    expect(controllers[0]).toMatchObject({ kind: "Namespace", metadata: { name: FLUX_NAMESPACE } });
    for (const o of controllers.filter((o) => !["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(o.kind))) {
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(FLUX_NAMESPACE);
    }
  });

  it.each([
    ["source-controller", "ghcr.io/fluxcd/source-controller:v1.9.6", { cpu: "25m", memory: "64Mi" }],
    ["kustomize-controller", "ghcr.io/fluxcd/kustomize-controller:v1.9.6", { cpu: "100m", memory: "64Mi" }],
  ])("runs %s from the image built here, as its own account", (name, image, requests) => {
    const deployment = find(controllers, "Deployment", name) as KubeObject & {
      spec: { template: { spec: Record<string, unknown> } };
    };
    expect(deployment.spec.template.spec).toMatchObject({
      serviceAccountName: name,
      containers: [{ name: "manager", image, resources: { requests } }],
    });
    expect(find(controllers, "ServiceAccount", name)).toBeDefined();
  });

  it("appends this cluster's flags to the module's args", () => {
    const deployment = find(controllers, "Deployment", "kustomize-controller") as KubeObject & {
      spec: { template: { spec: { containers: { args?: string[] }[] } } };
    };
    expect(deployment.spec.template.spec.containers[0]?.args).toEqual(["--requeue-dependency=5s"]);
  });

  it("gives each controller its module's roles under names of its own, bound to its account", () => {
    for (const name of ["source-controller", "kustomize-controller"]) {
      expect(find(controllers, "ClusterRoleBinding", `flux-${name}`)).toMatchObject({
        roleRef: { kind: "ClusterRole", name: `flux-${name}` },
        subjects: [{ kind: "ServiceAccount", name, namespace: FLUX_NAMESPACE }],
      });
      expect(find(controllers, "RoleBinding", `${name}-leader-election`)).toMatchObject({
        roleRef: { kind: "Role", name: `${name}-leader-election` },
      });
    }
    const names = controllers.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it("lets kustomize-controller alone apply anything (cluster-admin, as flux install does)", () => {
    const admins = controllers.filter(
      (o) => o.kind === "ClusterRoleBinding" && (o.roleRef as { name: string }).name === "cluster-admin",
    );
    expect(admins).toHaveLength(1);
    expect(admins[0]).toMatchObject({ subjects: [{ name: "kustomize-controller" }] });
  });

  it("keeps source-controller's Service, for the artifacts kustomize-controller fetches", () => {
    expect(find(controllers, "Service", "source-controller")?.metadata.namespace).toBe(FLUX_NAMESPACE);
  });

  it("moves a controller onto the host's network with its servers on the ports given", () => {
    const reflector = sources("image-reflector-controller");
    type Port = { containerPort: number; name: string; protocol: string };
    const deployment = reflector.manager[0] as KubeObject & {
      spec: {
        template: {
          metadata?: { annotations: Record<string, string> };
          spec: { containers: { ports?: Port[]; args?: string[] }[] };
        };
      };
    };
    deployment.spec.template.metadata = {
      annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "8080" },
    };
    const [manager] = deployment.spec.template.spec.containers;
    if (!manager) throw new Error("no manager container");
    manager.ports = [
      { containerPort: 8080, name: "http-prom", protocol: "TCP" },
      { containerPort: 9440, name: "healthz", protocol: "TCP" },
    ];
    manager.args = ["--log-level=info"];
    const rendered = renderFlux([reflector], {
      "image-reflector-controller": { hostNetwork: { metricsPort: 9796, healthPort: 9797 } },
    }).controllers;
    const { template } = (find(rendered, "Deployment", "image-reflector-controller") as typeof deployment).spec;
    expect(template.spec).toMatchObject({
      hostNetwork: true,
      dnsPolicy: "ClusterFirstWithHostNet",
      containers: [
        {
          args: ["--log-level=info", "--metrics-addr=:9796", "--health-addr=:9797"],
          ports: [
            { containerPort: 9796, name: "http-prom", protocol: "TCP" },
            { containerPort: 9797, name: "healthz", protocol: "TCP" },
          ],
        },
      ],
    });
    expect(template.metadata?.annotations["prometheus.io/port"]).toBe("9796");
    // The module's own Deployment is left as it was.
    expect(manager.ports[0]?.containerPort).toBe(8080);
  });

  it("names the module's controller when its Deployment is missing", () => {
    expect(() => renderFlux([{ ...sources("source-controller"), manager: [] }])).toThrow(
      "source-controller: config/manager has no Deployment",
    );
  });
});

describe("renderSync", () => {
  it("fetches the branch and applies the path, as flux bootstrap's gotk-sync.yaml does", () => {
    const [repository, kustomization] = renderSync({
      url: "http://198.18.0.1:8418/platform.git",
      branch: "main",
      path: "flux/clusters/dev",
    });
    expect(repository).toMatchObject({
      kind: "GitRepository",
      metadata: { name: "flux-system", namespace: "flux-system" },
      spec: { url: "http://198.18.0.1:8418/platform.git", ref: { branch: "main" } },
    });
    expect(kustomization).toMatchObject({
      kind: "Kustomization",
      spec: { path: "./flux/clusters/dev", prune: true, sourceRef: { kind: "GitRepository", name: "flux-system" } },
    });
  });

  it("names the Secret image automation pushes with, when given", () => {
    const [repository] = renderSync({ url: "http://x/p.git", branch: "main", path: "p", secretRef: "flux-system" });
    expect(repository?.spec).toMatchObject({ secretRef: { name: "flux-system" } });
    const [anonymous] = renderSync({ url: "http://x/p.git", branch: "main", path: "p" });
    expect(anonymous?.spec).not.toHaveProperty("secretRef");
  });
});
