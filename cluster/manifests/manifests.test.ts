/**
 * The dev environment as the cluster gets it (cluster/manifests/dev: the
 * functions, the data services, the migrations Job, the generated Secrets),
 * rendered by kustomize and checked before any cluster exists: kubeconform
 * -strict against Kubernetes' own schemas (from the pinned k8s.io/kubernetes
 * module) and Knative's CRDs, then the wiring between the pieces.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { parseRedisUrl } from "../../functions/kit/src/redis.ts";
import { writeSchemas } from "../../knative/validation/crd-schemas.ts";
import { crdFiles, kubeconform } from "../../knative/validation/kubeconform.ts";
import { coreKindsOf, writeCoreSchemas } from "./validation/core-schemas.ts";

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are walked as plain data
type Resource = any;

const repo = new URL("../../", import.meta.url).pathname;
let root: string;
let rendered: string;
let resources: Resource[];
let schemaLocation: string;

/** A copy of the manifests the overlay reaches, so that its Secrets are made there and not in the work tree. */
function copyTree(to: string): void {
  for (const dir of ["cluster/manifests", "knative/base", "knative/overlays/dev"]) {
    cpSync(join(repo, dir), join(to, dir), {
      recursive: true,
      filter: (source) => !source.includes("/secrets"),
    });
  }
}

const render = (dir: string) =>
  execFileSync("kubectl", ["kustomize", dir, "--server", "https://127.0.0.1:1"], { encoding: "utf8" });
/** make-secrets.sh on a copy, keeping the cluster's secrets in `store` (never the host's /etc/platform-cluster). */
const makeSecrets = (dir: string, store = join(root, "cluster-secrets"), args: string[] = []) =>
  execFileSync(join(dir, "make-secrets.sh"), args, {
    encoding: "utf8",
    env: { ...process.env, CLUSTER_SECRETS_DIR: store },
  });
/** A resource by kind and name; a generated ConfigMap also by its name before the hash suffix. */
const named = (r: Resource, kind: string, name: string) =>
  r.kind === kind &&
  (r.metadata.name === name || (kind === "ConfigMap" && new RegExp(`^${name}-[a-z0-9]{10}$`).test(r.metadata.name)));
const find = (kind: string, name: string) =>
  resources.find((r) => named(r, kind, name)) ??
  (() => {
    throw new Error(`no ${kind}/${name} in the render`);
  })();
const secretValue = (name: string, key: string) =>
  Buffer.from(find("Secret", name).data[key], "base64").toString("utf8");

/** Every pod template in the render: StatefulSets and the Job (spec.template), Knative Services. */
function podSpecs(): { owner: string; spec: Resource }[] {
  return resources
    .filter((r) => r.spec?.template?.spec?.containers)
    .map((r) => ({ owner: `${r.kind}/${r.metadata.name}`, spec: r.spec.template.spec }));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "cluster-manifests-"));
  copyTree(root);
  makeSecrets(join(root, "cluster/manifests/dev"));
  rendered = render(join(root, "cluster/manifests/dev"));
  resources = parseAllDocuments(rendered).map((d) => d.toJS());
  const schemas = join(root, "schemas");
  schemaLocation = await writeSchemas(crdFiles(), schemas);
  await writeCoreSchemas(schemas, coreKindsOf(resources));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("cluster/manifests/dev", () => {
  it("is valid against the schemas of every kind", () => {
    const result = kubeconform(rendered, schemaLocation);
    expect(result.problems).toEqual([]);
    // The repository's kubeconform wrapper skips ConfigMaps (the knative tests have no schema for them).
    const configMaps = resources.filter((r) => r.kind === "ConfigMap").length;
    expect(result).toMatchObject({ invalid: 0, errors: 0, skipped: configMaps });
    expect(result.valid).toBe(resources.length - configMaps);
  });

  it.each([
    ["a misspelt StatefulSet field", "podManagementPolicy: Parallel", "podManagmentPolicy: Parallel"],
    ["a misspelt core Service field", "publishNotReadyAddresses: true", "publishNotReadyAdresses: true"],
    ["a count of the wrong type", "replicas: 3", "replicas: three"],
  ])("refuses %s (the check can fail)", (_what, from, to) => {
    const broken = rendered.replace(from, to);
    expect(broken).not.toBe(rendered);
    const result = kubeconform(broken, schemaLocation);
    expect(result.invalid).toBe(1);
    expect(result.problems.join("\n")).toContain(to.split(":")[0]);
  });

  it("puts everything in the dev namespace", () => {
    for (const r of resources.filter((r) => r.kind !== "Namespace")) expect(r.metadata.namespace, r.kind).toBe("dev");
  });

  it("gives every Secret and ConfigMap reference something to find", () => {
    const missing: string[] = [];
    for (const { owner, spec } of podSpecs()) {
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        for (const env of container.env ?? []) {
          const ref = env.valueFrom?.secretKeyRef ?? env.valueFrom?.configMapKeyRef;
          if (!ref) continue;
          const kind = env.valueFrom.secretKeyRef ? "Secret" : "ConfigMap";
          const target = resources.find((r) => r.kind === kind && r.metadata.name === ref.name);
          if (!target?.data?.[ref.key]) missing.push(`${owner} ${env.name}: ${kind}/${ref.name} key ${ref.key}`);
        }
        for (const from of container.envFrom ?? []) {
          const name = from.configMapRef?.name;
          if (name && !resources.some((r) => r.kind === "ConfigMap" && r.metadata.name === name))
            missing.push(`${owner}: ConfigMap/${name}`);
        }
      }
      for (const volume of spec.volumes ?? []) {
        const name = volume.configMap?.name;
        if (name && !resources.some((r) => r.kind === "ConfigMap" && r.metadata.name === name))
          missing.push(`${owner} volume: ConfigMap/${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("runs images the repository builds, each pinned to a tag", () => {
    const dockerfiles = readdirSync(join(repo, "cluster/images/data")).map((f) => f.replace(".Dockerfile", ""));
    for (const { owner, spec } of podSpecs()) {
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect(container.image, owner).toMatch(/^ghcr\.io\/knative-functions-platform\/[a-z-]+:\d+\.\d+\.\d+$/);
      }
    }
    for (const name of ["postgres", "redis", "redis-sentinel"]) {
      const image = find("StatefulSet", name).spec.template.spec.containers[0].image;
      expect(dockerfiles).toContain(image.split("/").pop().split(":")[0]);
    }
  });
});

describe("apply.sh's digest pins (pin-digests.awk)", () => {
  it("pins the images of Knative Services and Jobs, and leaves the StatefulSets' tags as Flux applies them", () => {
    const dir = mkdtempSync(join(tmpdir(), "pin-digests-"));
    try {
      const images = [...new Set([...rendered.matchAll(/^ *image: *(\S+:\S+) *$/gm)].map((m) => m[1]))];
      const digests = join(dir, "digests");
      writeFileSync(digests, images.map((image, i) => `${image} sha256:${String(i).padStart(64, "0")}\n`).join(""));
      const manifests = join(dir, "rendered.yaml");
      writeFileSync(manifests, rendered);
      const pinned: Resource[] = parseAllDocuments(
        execFileSync("awk", ["-f", join(repo, "cluster/manifests/pin-digests.awk"), digests, manifests], {
          encoding: "utf8",
        }),
      ).map((d) => d.toJS());
      expect(pinned).toHaveLength(resources.length);
      const imagesOf = (r: Resource): string[] => {
        const spec = r.spec?.template?.spec;
        return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c: { image: string }) => c.image);
      };
      const kinds = new Set<string>();
      for (const r of pinned) {
        for (const image of imagesOf(r)) {
          kinds.add(r.kind);
          if (r.kind === "Service" || r.kind === "Job")
            expect(image, r.metadata.name).toMatch(/:\d+\.\d+\.\d+@sha256:\d{64}$/);
          else expect(image, `${r.kind} ${r.metadata.name}`).toMatch(/:\d+\.\d+\.\d+$/);
        }
      }
      expect([...kinds].sort()).toEqual(["Job", "Service", "StatefulSet"]);

      // What apply.sh asks the registry for: those images only, once each.
      const listed = execFileSync(
        "awk",
        ["-v", "list=1", "-f", join(repo, "cluster/manifests/pin-digests.awk"), manifests],
        {
          encoding: "utf8",
        },
      )
        .trim()
        .split("\n");
      const pinnable = pinned
        .filter((r) => r.kind === "Service" || r.kind === "Job")
        .flatMap(imagesOf)
        .map((image: string) => image.replace(/@sha256:\d+$/, ""));
      expect(listed.sort()).toEqual([...new Set(pinnable)].sort());
      expect(listed.some((image) => image.includes("/redis:"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("PostgreSQL with Patroni", () => {
  const patroni = () => parseYaml(find("ConfigMap", "postgres-patroni").data["patroni.yml"]);

  it("is three members, Kubernetes as the DCS, synchronous replication", () => {
    const set = find("StatefulSet", "postgres");
    expect(set.spec.replicas).toBe(3);
    const config = patroni();
    expect(config.bootstrap.dcs.synchronous_mode).toBe(true);
    expect(config.kubernetes.use_endpoints).toBe(false);
    // Patroni selects its pods by its labels plus cluster-name=<scope>: the pods must carry them.
    const podLabels = set.spec.template.metadata.labels;
    expect(podLabels).toMatchObject({ ...config.kubernetes.labels, "cluster-name": config.scope });
    expect(set.spec.template.spec.serviceAccountName).toBe(find("RoleBinding", "postgres-patroni").subjects[0].name);
  });

  it("has a Service on the leader and one on the replicas, by Patroni's role label", () => {
    const podLabels = find("StatefulSet", "postgres").spec.template.metadata.labels;
    expect(find("Service", "postgres").spec.selector).toEqual({ ...podLabels, role: "master" });
    expect(find("Service", "postgres-replicas").spec.selector).toEqual({ ...podLabels, role: "replica" });
  });

  it("gives the functions a URL to the leader's Service, as the application's role", () => {
    const url = new URL(secretValue("platform-secrets", "DATABASE_URL"));
    expect(url.hostname).toBe("postgres");
    expect(url.port).toBe("5432");
    expect(url.pathname).toBe("/platform");
    expect(url.username).toBe("platform");
    expect(url.password).toBe(secretValue("postgres-passwords", "platform"));
    expect(url.searchParams.get("target_session_attrs")).toBe("primary");
    const postBootstrap = find("ConfigMap", "postgres-patroni").data["post-bootstrap.sh"];
    expect(postBootstrap).toContain("CREATE ROLE platform LOGIN");
    expect(postBootstrap).toContain("CREATE DATABASE platform OWNER platform");
  });
});

describe("Redis with Sentinels", () => {
  it("is a primary and a replica watched by three Sentinels", () => {
    expect(find("StatefulSet", "redis").spec.replicas).toBe(2);
    expect(find("StatefulSet", "redis-sentinel").spec.replicas).toBe(3);
  });

  it("gives the functions a Sentinel URL naming the monitored primary", () => {
    const target = parseRedisUrl(secretValue("platform-secrets", "REDIS_URL"));
    const monitor = /^sentinel monitor (\S+) /m.exec(find("ConfigMap", "redis-scripts").data["start-sentinel.sh"]);
    expect(target).toEqual({
      kind: "sentinel",
      sentinels: [{ host: "redis-sentinel", port: find("Service", "redis-sentinel").spec.ports[0].port }],
      name: monitor?.[1],
      db: 0,
      password: secretValue("redis-password", "password"),
    });
  });
});

describe("the migrations Job", () => {
  it("gives the role its database, migrates, then seeds the demo tenant with the cluster's key", () => {
    const job = find("Job", "migrations").spec.template.spec;
    expect(job.initContainers.map((c: Resource) => c.command)).toEqual([
      ["/scripts/platform-database.sh"],
      ["node", "/app/bin/migrate.mjs"],
    ]);
    expect(job.containers.map((c: Resource) => c.command)).toEqual([["node", "/app/bin/seed.mjs"]]);
    expect(secretValue("platform-demo", "DEMO_API_KEY")).toMatch(/^lsk_[A-Za-z0-9_-]{32}$/);
  });
});

describe("make-secrets.sh", () => {
  const secretsOf = (dir: string) =>
    readFileSync(join(dir, "cluster/manifests/dev/secrets/platform-secrets.env"), "utf8");
  const withClone = (use: (clone: string) => void) => {
    const clone = mkdtempSync(join(tmpdir(), "cluster-manifests-"));
    try {
      copyTree(clone);
      use(clone);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  };

  it("makes new secrets per cluster and never replaces them", () => {
    withClone((clone) => {
      const store = join(clone, "store");
      const dev = join(clone, "cluster/manifests/dev");
      expect(makeSecrets(dev, store)).toContain(`made ${store}/dev/postgres-passwords.env`);
      const first = secretsOf(clone);
      expect(makeSecrets(dev, store)).toBe("");
      expect(secretsOf(clone)).toBe(first);
      expect(first).not.toBe(secretsOf(root));
    });
  });

  it("keeps them with the cluster: another clone applies the same passwords to the same database", () => {
    withClone((clone) => {
      expect(makeSecrets(join(clone, "cluster/manifests/dev"))).toBe("");
      expect(secretsOf(clone)).toBe(secretsOf(root));
    });
  });

  it("keeps what a clone made before secrets were kept with the cluster, instead of making new ones", () => {
    withClone((clone) => {
      const dev = join(clone, "cluster/manifests/dev");
      const store = join(clone, "store");
      makeSecrets(dev, join(clone, "old-store"));
      const before = secretsOf(clone);
      expect(makeSecrets(dev, store)).toContain(`kept ${store}/dev/platform-secrets.env`);
      expect(readFileSync(join(store, "dev/platform-secrets.env"), "utf8")).toBe(before);
    });
  });

  it("makes another environment's secrets of its own, keeps them with the cluster and copies none into the clone", () => {
    withClone((clone) => {
      const dev = join(clone, "cluster/manifests/dev");
      const store = join(clone, "store");
      expect(makeSecrets(dev, store, ["prod"])).toContain(`made ${store}/prod/platform-secrets.env`);
      expect(existsSync(join(dev, "secrets"))).toBe(false);
      makeSecrets(dev, store);
      expect(readFileSync(join(store, "prod/platform-secrets.env"), "utf8")).not.toBe(secretsOf(clone));
    });
  });

  it("refuses a namespace name Kubernetes would refuse, naming it", () => {
    expect(() =>
      execFileSync(join(repo, "cluster/manifests/dev/make-secrets.sh"), ["Prod_1"], { stdio: "pipe" }),
    ).toThrow(/'Prod_1' is not a namespace name/);
  });
});
