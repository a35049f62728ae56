/**
 * The GitOps tree as Flux would reconcile it, checked before any cluster has
 * Flux: every cluster entry point and every path a Flux Kustomization applies
 * renders with kustomize (as kustomize-controller does), validates with
 * kubeconform -strict against Flux's, Knative's, Flagger's and Kubernetes'
 * own schemas, and keeps the order and rules docs/gitops.md states.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { coreKindsOf, writeCoreSchemas } from "../cluster/manifests/validation/core-schemas.ts";
import { writeSchemas } from "../knative/validation/crd-schemas.ts";
import { crdFiles, kubeconform } from "../knative/validation/kubeconform.ts";

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are walked as plain data
type Resource = any;

const repo = new URL("../", import.meta.url).pathname;
const ENVIRONMENTS = ["dev", "test", "prod"];
const ENTRY_POINTS = [...ENVIRONMENTS, "one-machine"];

const render = (dir: string) =>
  execFileSync("kubectl", ["kustomize", join(repo, dir), "--load-restrictor", "LoadRestrictionsNone"], {
    encoding: "utf8",
  });
const parse = (yaml: string): Resource[] => parseAllDocuments(yaml).map((d) => d.toJS());

let schemaDir: string;
let schemaLocation: string;
const entries = new Map<string, Resource[]>();

/** Every Flux Kustomization of an entry point. */
const fluxKustomizations = (entry: string) =>
  (entries.get(entry) ?? []).filter((r) => r.apiVersion.startsWith("kustomize.toolkit.fluxcd.io/"));

beforeAll(async () => {
  for (const entry of ENTRY_POINTS) entries.set(entry, parse(render(`flux/clusters/${entry}`)));
  schemaDir = mkdtempSync(join(tmpdir(), "flux-schemas-"));
  schemaLocation = await writeSchemas(crdFiles(), schemaDir);
  // Kubernetes' own kinds the applied paths use (Namespace, StatefulSet, Job, ...).
  const applied = [...new Set([...entries.values()].flat().flatMap((k) => (k.spec?.path ? [k.spec.path] : [])))];
  const kinds = coreKindsOf([...entries.values(), ...applied.map((path) => parse(render(path)))].flat());
  await writeCoreSchemas(schemaDir, kinds);
});

afterAll(() => {
  rmSync(schemaDir, { recursive: true, force: true });
});

describe.each(ENTRY_POINTS)("flux/clusters/%s", (entry) => {
  it("is valid against Flux's schemas", () => {
    const result = kubeconform(render(`flux/clusters/${entry}`), schemaLocation);
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ invalid: 0, errors: 0, skipped: 0 });
  });

  it("refuses a misspelt Flux field (the check can fail)", () => {
    const broken = render(`flux/clusters/${entry}`).replace("retryInterval:", "retryIntervall:");
    expect(kubeconform(broken, schemaLocation).invalid).toBeGreaterThan(0);
  });

  it("orders each environment: infrastructure, then data, then migrations, then functions", () => {
    const byName = new Map(fluxKustomizations(entry).map((k) => [k.metadata.name, k]));
    const envs = entry === "one-machine" ? ENVIRONMENTS : [entry];
    expect([...byName.keys()].sort()).toEqual(
      ["infrastructure", ...envs.flatMap((e) => [`${e}-data`, `${e}-migrations`, `${e}-functions`])].sort(),
    );
    for (const env of envs) {
      const dependsOn = (name: string) => byName.get(name)?.spec.dependsOn?.map((d: { name: string }) => d.name);
      expect(dependsOn(`${env}-data`)).toEqual(["infrastructure"]);
      expect(dependsOn(`${env}-migrations`)).toEqual([`${env}-data`]);
      expect(dependsOn(`${env}-functions`)).toEqual([`${env}-migrations`]);
    }
  });

  it("prunes, waits for health, and applies paths that exist in this repository", () => {
    for (const k of fluxKustomizations(entry)) {
      expect(k.spec, k.metadata.name).toMatchObject({ prune: true, wait: true });
      expect(k.spec.sourceRef, k.metadata.name).toEqual({ kind: "GitRepository", name: "flux-system" });
      expect(existsSync(join(repo, k.spec.path, "kustomization.yaml")), k.spec.path).toBe(true);
    }
  });
});

describe.each(ENVIRONMENTS)("what %s's Kustomizations apply", (env) => {
  const applied = (part: string) => parse(render(`flux/apps/${env}/${part}`));

  it.each(["data", "migrations", "functions"])(
    "%s: valid against every kind's schema, in the environment's namespace",
    (part) => {
      const yaml = render(`flux/apps/${env}/${part}`);
      const result = kubeconform(yaml, schemaLocation);
      expect(result.problems).toEqual([]);
      const resources = parse(yaml);
      for (const r of resources) expect(r.metadata.namespace, `${r.kind}/${r.metadata.name}`).toBe(env);
    },
  );

  it("keeps no spec.traffic in Git for a Service a Canary manages (Flagger writes it)", () => {
    const resources = applied("functions");
    const canaried = new Set(resources.filter((r) => r.kind === "Canary").map((r) => r.spec.targetRef.name));
    if (env !== "dev") expect(canaried.size).toBeGreaterThan(0);
    for (const service of resources.filter((r) => r.kind === "Service" && canaried.has(r.metadata.name))) {
      expect(service.spec.traffic, service.metadata.name).toBeUndefined();
    }
  });
});
