/**
 * The Knative manifests as kustomize renders them (real `kubectl kustomize`,
 * the same code kustomize-controller runs), checked against Knative's rules
 * for annotations, concurrency and timeouts, the function folders and their func.yaml.
 * Validation against the CRDs' schemas (kubeconform) is manifests.schema.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { PREFIX, validateAutoscalingAnnotations } from "./local/src/autoscaler/annotations.ts";
import { readDesiredState } from "./local/src/desired/desired-state.ts";
import { renderKustomizationSync } from "./local/src/desired/render.ts";

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below
  spec: any;
}

const root = fileURLToPath(new URL("..", import.meta.url));

function render(dir: string): Manifest[] {
  return parseAllDocuments(renderKustomizationSync(dir)).map((d) => d.toJS() as Manifest);
}

const services = (manifests: Manifest[]) => manifests.filter((m) => m.kind === "Service");
const annotationsOf = (service: Manifest): Record<string, string> => service.spec.template.metadata.annotations ?? {};
const environments = ["local", "dev", "test", "prod"] as const;

describe.each(environments)("knative/overlays/%s", (env) => {
  const manifests = render(`knative/overlays/${env}`);

  it("has one Knative Service per function folder, each runnable as `npm start`", () => {
    const names = services(manifests).map((s) => s.metadata.name);
    expect(names.sort()).toEqual(["analytics", "links", "redirect", "web"]);
    for (const name of names) {
      const pkg = JSON.parse(readFileSync(`${root}/functions/${name}/package.json`, "utf8"));
      expect(pkg.scripts.start).toBeDefined();
    }
  });

  it("passes Knative's validation of annotations, concurrency, timeouts and traffic", () => {
    for (const service of services(manifests)) {
      expect(service.apiVersion).toBe("serving.knative.dev/v1");
      expect(validateAutoscalingAnnotations(annotationsOf(service)), service.metadata.name).toEqual([]);
      const own = Object.keys(service.metadata.annotations ?? {}).filter((k) => k.startsWith(PREFIX));
      expect(own, "autoscaling annotations must be put under spec.template.metadata.annotations").toEqual([]);
      const { containerConcurrency, timeoutSeconds } = service.spec.template.spec;
      expect(containerConcurrency).toBeGreaterThanOrEqual(0);
      expect(containerConcurrency).toBeLessThanOrEqual(1000);
      expect(timeoutSeconds).toBeLessThanOrEqual(600);
      // Where a Canary releases it, Flagger owns spec.traffic: it must not be in Git. Elsewhere
      // Git holds Knative's default, so that Flux owns the field.
      if (manifests.some((m) => m.kind === "Canary")) expect(service.spec.traffic).toBeUndefined();
      else if (env !== "local") expect(service.spec.traffic).toEqual([{ latestRevision: true, percent: 100 }]);
    }
  });

  it("probes the kit's health endpoints", () => {
    for (const service of services(manifests)) {
      const [container] = service.spec.template.spec.containers;
      expect(container.readinessProbe.httpGet.path).toBe("/health/readiness");
      expect(container.livenessProbe.httpGet.path).toBe("/health/liveness");
    }
  });

  it("releases every function: through a Flagger canary, or in dev and test by Knative's gradual rollout", () => {
    const canaries = manifests.filter((m) => m.kind === "Canary");
    if (env === "dev" || env === "test") {
      // Too little traffic for Flagger's checks to find data: no Canaries, a 60 s rollout instead.
      expect(canaries).toEqual([]);
      for (const service of services(manifests)) {
        expect(service.metadata.annotations?.["serving.knative.dev/rollout-duration"]).toBe("60s");
      }
      const desired = readDesiredState(renderKustomizationSync(`knative/overlays/${env}`));
      expect(desired.services.map((s) => s.rolloutDurationMs)).toEqual([60_000, 60_000, 60_000, 60_000]);
      return;
    }
    expect(canaries.map((c) => c.spec.targetRef.name).sort()).toEqual(["analytics", "links", "redirect", "web"]);
    for (const canary of canaries) {
      expect(canary.spec.provider).toBe("knative");
      expect(canary.spec.analysis.stepWeight).toBeLessThanOrEqual(canary.spec.analysis.maxWeight);
    }
  });

  it("maps the short-link domain to the redirect function", () => {
    const [mapping] = manifests.filter((m) => m.kind === "DomainMapping");
    expect(mapping?.spec.ref).toEqual({ apiVersion: "serving.knative.dev/v1", kind: "Service", name: "redirect" });
    const config = manifests.find((m) => m.kind === "ConfigMap" && m.metadata.name === "platform-config");
    expect(new URL((config as unknown as { data: Record<string, string> }).data.SHORT_URL_BASE as string).host).toBe(
      env === "local" ? "localhost:8080" : mapping?.metadata.name,
    );
  });

  it("lives in its own namespace", () => {
    const expected = env === "local" ? "default" : env;
    for (const m of manifests) expect(m.metadata.namespace, `${m.kind}/${m.metadata.name}`).toBe(expected);
  });
});

describe("differences between environments are only patches", () => {
  const minScales = (env: string) =>
    Object.fromEntries(
      services(render(`knative/overlays/${env}`)).map((s) => [s.metadata.name, annotationsOf(s)[`${PREFIX}min-scale`]]),
    );

  it("prod keeps at least 2 replicas of everything; dev lets everything scale to zero", () => {
    for (const min of Object.values(minScales("prod"))) expect(Number(min)).toBeGreaterThanOrEqual(2);
    for (const min of Object.values(minScales("dev"))) expect(min).toBe("0");
  });

  it("local sizes the redirect for demos: scale to zero, Knative's shortest stable window (6 s)", () => {
    const redirect = services(render("knative/overlays/local")).find((s) => s.metadata.name === "redirect");
    expect(annotationsOf(redirect as Manifest)).toMatchObject({
      [`${PREFIX}min-scale`]: "0",
      [`${PREFIX}window`]: "6s",
    });
    expect(minScales("test").redirect).toBe("1");
  });
});

describe("func.yaml", () => {
  const base = services(render("knative/base"));
  it.each(["links", "redirect", "analytics", "web"])("of %s says what its Knative Service says", (name) => {
    const path = `${root}/functions/${name}/func.yaml`;
    expect(existsSync(path)).toBe(true);
    const func = parseYaml(readFileSync(path, "utf8"));
    const service = base.find((s) => s.metadata.name === name) as Manifest;
    const annotations = annotationsOf(service);
    expect(func.name).toBe(name);
    expect(func.runtime).toBe("typescript");
    expect(func.image).toBe(service.spec.template.spec.containers[0].image);
    const scale = func.deploy.options.scale;
    expect(String(scale.min)).toBe(annotations[`${PREFIX}min-scale`]);
    expect(String(scale.max)).toBe(annotations[`${PREFIX}max-scale`]);
    expect(scale.metric).toBe(annotations[`${PREFIX}metric`]);
    expect(scale.target === undefined ? undefined : String(scale.target)).toBe(annotations[`${PREFIX}target`]);
    expect(String(scale.utilization)).toBe(annotations[`${PREFIX}target-utilization-percentage`]);
    expect(func.deploy.options.resources.limits.concurrency).toBe(service.spec.template.spec.containerConcurrency);
    expect(func.deploy.healthEndpoints).toEqual({ liveness: "/health/liveness", readiness: "/health/readiness" });
  });
});
