/**
 * The production data layer (Citus in Patroni groups, Dragonfly with
 * Sentinels) as kustomize renders it, checked before any cluster runs it:
 * kubeconform -strict against Kubernetes' own schemas, then what Patroni's
 * Citus mode and the functions need of it. Neither Citus nor Dragonfly can run
 * on these machines (docs/decisions.md); this is what can be known here.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { kubeconform } from "../../../knative/validation/kubeconform.ts";
import { coreKindsOf, writeCoreSchemas } from "../validation/core-schemas.ts";

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are walked as plain data
type Resource = any;

const here = new URL("./", import.meta.url).pathname;
const repo = new URL("../../../", import.meta.url).pathname;
const render = (dir: string) => execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
const parse = (yaml: string): Resource[] => parseAllDocuments(yaml).map((d) => d.toJS());

let rendered: string;
let resources: Resource[];
let oneMachine: Resource[];
let schemaDir: string;
let schemaLocation: string;

const all = (kind: string) => resources.filter((r) => r.kind === kind);
const find = (kind: string, name: string) => {
  const found = resources.find((r) => r.kind === kind && r.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the render`);
  return found;
};
const env = (container: Resource, name: string) => container.env?.find((e: Resource) => e.name === name);
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** Citus' groups: each Patroni StatefulSet with its group number and its pods' labels. */
const groups = () =>
  all("StatefulSet")
    .filter((s) => env(s.spec.template.spec.containers[0], "PATRONI_CITUS_GROUP"))
    .map((s) => ({
      set: s,
      labels: s.spec.template.metadata.labels,
      group: s.spec.template.metadata.labels["citus-group"],
    }));

beforeAll(async () => {
  rendered = render(here);
  resources = parse(rendered);
  oneMachine = parse(render(join(repo, "cluster/manifests/data-services")));
  schemaDir = mkdtempSync(join(tmpdir(), "production-data-schemas-"));
  schemaLocation = `${schemaDir}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`;
  await writeCoreSchemas(schemaDir, coreKindsOf(resources));
});

afterAll(() => {
  rmSync(schemaDir, { recursive: true, force: true });
});

describe("cluster/manifests/production-data", () => {
  it("is valid against Kubernetes' schemas of every kind", () => {
    const result = kubeconform(rendered, schemaLocation);
    expect(result.problems).toEqual([]);
    const configMaps = all("ConfigMap").length;
    expect(result).toMatchObject({ invalid: 0, errors: 0, skipped: configMaps, valid: resources.length - configMaps });
  });

  it("refuses a misspelt field (the check can fail)", () => {
    const broken = rendered.replace("podManagementPolicy: Parallel", "podManagmentPolicy: Parallel");
    expect(kubeconform(broken, schemaLocation).invalid).toBe(1);
  });

  it("is the one-machine shape changed by patches: the same Services, so the functions' URLs hold", () => {
    const services = (list: Resource[]) => list.filter((r) => r.kind === "Service").map((r) => r.metadata.name);
    expect(services(resources)).toEqual(expect.arrayContaining(services(oneMachine)));
  });
});

describe("Citus in Patroni groups", () => {
  it("is a coordinator and two worker groups of three members, one Patroni scope", () => {
    const found = groups();
    expect(found.map((g) => [g.group, g.labels["citus-type"], g.set.spec.replicas])).toEqual([
      ["0", "coordinator", 3],
      ["1", "worker", 3],
      ["2", "worker", 3],
    ]);
    const scopes = new Set(all("ConfigMap").map((c) => parseYaml(c.data["patroni.yml"] ?? "{}").scope));
    scopes.delete(undefined);
    expect([...scopes]).toEqual(["postgres"]);
    // Patroni finds a group's pods by its labels, cluster-name=<scope> and citus-group.
    for (const g of found)
      expect(g.labels).toMatchObject({ "cluster-name": "postgres", "app.kubernetes.io/name": "postgres" });
  });

  it("tells each member its group by the pod's own label, and distributes the application's database", () => {
    for (const { set } of groups()) {
      const container = set.spec.template.spec.containers[0];
      expect(env(container, "PATRONI_CITUS_GROUP").valueFrom.fieldRef.fieldPath).toBe("metadata.labels['citus-group']");
      expect(env(container, "PATRONI_CITUS_DATABASE").value).toBe("platform");
      expect(container.image).toMatch(/^ghcr\.io\/knative-functions-platform\/postgres-patroni-citus:/);
    }
    expect(existsSync(join(repo, "cluster/images/data/postgres-patroni-citus.Dockerfile"))).toBe(true);
  });

  it("keeps every selector inside one group: no Service, StatefulSet or budget reaches another group's pods", () => {
    const pods = groups();
    const selectors = [
      ...all("Service").map((s) => ({ what: `Service/${s.metadata.name}`, selector: s.spec.selector })),
      ...all("StatefulSet").map((s) => ({
        what: `StatefulSet/${s.metadata.name}`,
        selector: s.spec.selector.matchLabels,
      })),
      ...all("PodDisruptionBudget").map((p) => ({
        what: `PDB/${p.metadata.name}`,
        selector: p.spec.selector.matchLabels,
      })),
    ].filter(({ selector }) => selector?.["app.kubernetes.io/name"] === "postgres");
    expect(selectors.length).toBeGreaterThan(0);
    for (const { what, selector } of selectors) {
      // role labels are Patroni's, on top of the template's: leave them out to compare with the template.
      const { role: _role, ...templateSelector } = selector;
      const reached = pods.filter((g) => selects(templateSelector, g.labels)).map((g) => g.group);
      expect(reached, what).toHaveLength(1);
    }
  });

  it("gives the functions' Service (postgres) the coordinator's leader, as DATABASE_URL names it everywhere", () => {
    expect(find("Service", "postgres").spec.selector).toMatchObject({ "citus-group": "0", role: "master" });
  });

  it("lets each group's pods use the API as Patroni's DCS, with a service account the group's Role binds", () => {
    for (const { set } of groups()) {
      const account = set.spec.template.spec.serviceAccountName;
      const binding = all("RoleBinding").find((b) => b.subjects.some((s: Resource) => s.name === account));
      expect(binding, account).toBeDefined();
      expect(all("Role").some((r) => r.metadata.name === binding.roleRef.name)).toBe(true);
    }
  });

  it("makes the role and leaves the database to Patroni in Citus mode (it creates it with the extension)", () => {
    const postBootstrap = all("ConfigMap").find((c) => c.data["post-bootstrap.sh"]).data["post-bootstrap.sh"];
    expect(postBootstrap).toMatch(/if \[ -z "\$\{PATRONI_CITUS_GROUP:-\}" \]; then\n.*CREATE DATABASE platform/);
  });
});

describe("Dragonfly with Sentinels", () => {
  it("is a primary and two replicas of Dragonfly, watched by the same three Sentinels", () => {
    const set = find("StatefulSet", "redis");
    expect(set.spec.replicas).toBe(3);
    expect(set.spec.template.spec.containers[0].image).toMatch(/^docker\.dragonflydb\.io\/dragonflydb\/dragonfly:v\d/);
    expect(find("StatefulSet", "redis-sentinel").spec.replicas).toBe(3);
  });

  it("starts each member from the flags its init container writes, as a replica of the primary the Sentinels name", () => {
    const spec = find("StatefulSet", "redis").spec.template.spec;
    expect(spec.containers[0].command).toEqual(["dragonfly", "--flagfile=/data/dragonfly.flags"]);
    expect(spec.initContainers.map((c: Resource) => c.command)).toEqual([["/scripts/dragonfly-flags.sh"]]);
    const scripts = all("ConfigMap").find((c) => c.data["dragonfly-flags.sh"]).data;
    expect(scripts["dragonfly-flags.sh"]).toContain(">/data/dragonfly.flags");
    expect(scripts["dragonfly-flags.sh"]).toContain("--replicaof=$primary:6379");
    expect(scripts["current-primary.sh"]).toContain("sentinel get-master-addr-by-name platform");
  });
});
