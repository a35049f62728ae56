/**
 * The GitOps tree as Flux would reconcile it, checked before any cluster has
 * Flux: every cluster entry point and every path a Flux Kustomization applies
 * renders with kustomize (as kustomize-controller does), validates with
 * kubeconform -strict against Flux's, Knative's, Flagger's and Kubernetes'
 * own schemas, and keeps the order and rules docs/gitops.md states.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml, stringify } from "yaml";
import { coreKindsOf, writeCoreSchemas } from "../cluster/manifests/validation/core-schemas.ts";
import { imageSetters } from "../cluster/src/flux/image-setters.ts";
import { PROMOTED_PARTS, promotionChanges } from "../cluster/src/flux/promotion.ts";
import { ENVIRONMENTS, PLATFORM_SECRETS, parseEnvFile, sealedDir } from "../cluster/src/flux/secrets.ts";
import { AGE_KEYGEN_BIN as AGE_KEYGEN, SOPS_BIN as SOPS } from "../cluster/src/paths.ts";
import { writeSchemas } from "../knative/validation/crd-schemas.ts";
import { crdFiles, kubeconform } from "../knative/validation/kubeconform.ts";

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are walked as plain data
type Resource = any;

const repo = new URL("../", import.meta.url).pathname;
const ENTRY_POINTS = [...ENVIRONMENTS, "one-machine"];

const render = (dir: string) =>
  execFileSync("kubectl", ["kustomize", resolve(repo, dir), "--load-restrictor", "LoadRestrictionsNone"], {
    encoding: "utf8",
  });
const parse = (yaml: string): Resource[] => parseAllDocuments(yaml).map((d) => d.toJS());

/**
 * What kustomize-controller's postBuild substitution makes of a rendered path
 * on a cluster that sets none of the variables: `${name:=default}` becomes its
 * default (any other variable, empty), except in objects labelled
 * `kustomize.toolkit.fluxcd.io/substitute: disabled`.
 */
const withDefaults = (yaml: string) =>
  parseAllDocuments(yaml)
    .map((doc) => {
      const text = doc.toString().replace(/^---\n/, "");
      if (doc.toJS()?.metadata?.labels?.["kustomize.toolkit.fluxcd.io/substitute"] === "disabled") return text;
      return text.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::=([^}]*))?\}/g, (_, fallback = "") => fallback);
    })
    .join("---\n");

/**
 * A Flux Kustomization's path rendered with its own `spec.patches`, as
 * kustomize-controller does: a kustomization over the path that adds them.
 */
const withPatches = (k: Resource) => {
  if (!k.spec.patches) return render(k.spec.path);
  const work = mkdtempSync(join(tmpdir(), "flux-patches-"));
  try {
    writeFileSync(
      join(work, "kustomization.yaml"),
      stringify({ resources: [relative(work, resolve(repo, k.spec.path))], patches: k.spec.patches }),
    );
    return render(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

/** A Flux Kustomization's path rendered as it applies it. */
const applied = (k: Resource) => (k.spec.postBuild ? withDefaults(withPatches(k)) : withPatches(k));

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
  // The sealed Secrets are not in this tree (flux/secrets/README.md); their test seals a set of its own.
  const applied = [...new Set([...entries.values()].flat().flatMap((k) => (k.spec?.path ? [k.spec.path] : [])))].filter(
    (path) => !path.startsWith("./flux/secrets/"),
  );
  const kinds = coreKindsOf([
    ...[...entries.values(), ...applied.map((path) => parse(render(path)))].flat(),
    { apiVersion: "v1", kind: "Secret" },
  ]);
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

  it("orders each environment: infrastructure and its Secrets, then data, then migrations, then functions (then prod's Canaries)", () => {
    const byName = new Map(fluxKustomizations(entry).map((k) => [k.metadata.name, k]));
    const envs = entry === "one-machine" ? ENVIRONMENTS : [entry];
    expect([...byName.keys()].sort()).toEqual(
      [
        "infrastructure",
        "images",
        ...envs.flatMap((e) => [`${e}-secrets`, `${e}-data`, `${e}-migrations`, `${e}-functions`]),
        ...(envs.includes("prod") ? ["prod-canaries"] : []),
      ].sort(),
    );
    for (const env of envs) {
      const dependsOn = (name: string) => byName.get(name)?.spec.dependsOn?.map((d: { name: string }) => d.name);
      expect(dependsOn(`${env}-secrets`)).toBeUndefined();
      expect(dependsOn(`${env}-data`)).toEqual(["infrastructure", `${env}-secrets`]);
      expect(dependsOn(`${env}-migrations`)).toEqual([`${env}-data`]);
      expect(dependsOn(`${env}-functions`)).toEqual([`${env}-migrations`]);
      if (env === "prod") expect(dependsOn("prod-canaries")).toEqual(["prod-functions"]);
    }
  });

  it("prunes, checks health, and applies paths that exist in this repository", () => {
    for (const k of fluxKustomizations(entry)) {
      expect(k.spec.prune, k.metadata.name).toBe(true);
      // images checks its ImageRepositories alone (flux/infrastructure/images.yaml says why).
      if (k.metadata.name === "images") expect(k.spec.healthChecks).toHaveLength(5);
      else expect(k.spec.wait, k.metadata.name).toBe(true);
      expect(k.spec.sourceRef, k.metadata.name).toEqual({ kind: "GitRepository", name: "flux-system" });
      expect(existsSync(join(repo, k.spec.path, "kustomization.yaml")), k.spec.path).toBe(true);
    }
  });

  it("applies only what is valid against every kind's schema (prod's data differs by cluster)", () => {
    for (const k of fluxKustomizations(entry).filter((k) => !k.spec.path.startsWith("./flux/secrets/"))) {
      const result = kubeconform(applied(k), schemaLocation);
      expect(result.problems, k.spec.path).toEqual([]);
      expect(result, k.spec.path).toMatchObject({ invalid: 0, errors: 0 });
    }
  });

  it("decrypts with SOPS only where the sealed Secrets are, with the key Git does not hold", () => {
    for (const k of fluxKustomizations(entry)) {
      const sealed = k.spec.path.startsWith("./flux/secrets/");
      expect(k.spec.decryption, k.metadata.name).toEqual(
        sealed ? { provider: "sops", secretRef: { name: "sops-age" } } : undefined,
      );
    }
  });
});

describe("image automation", () => {
  const images = () => parse(applied(fluxKustomizations("one-machine").find((k) => k.metadata.name === "images")));
  const setters = (env: string) =>
    ["functions", "migrations"].flatMap((part) =>
      imageSetters(readFileSync(join(repo, `flux/apps/${env}/${part}/kustomization.yaml`), "utf8")).map((s) => {
        expect(s.namespace).toBe("flux-system");
        return s.policy;
      }),
    );

  it("scans every image the platform builds (each function's and the migrations'), from ghcr.io unless the cluster names its registry", () => {
    const built = readdirSync(join(repo, "functions"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(repo, "functions", d.name, "func.yaml")))
      .map((d) => d.name);
    const repositories = images().filter((r) => r.kind === "ImageRepository");
    expect(repositories.map((r) => r.metadata.name).sort()).toEqual([...built, "migrations"].sort());
    for (const r of repositories) {
      expect(r.spec).toMatchObject({ image: `ghcr.io/knative-functions-platform/${r.metadata.name}`, insecure: false });
    }
    for (const policy of images().filter((r) => r.kind === "ImagePolicy")) {
      expect(policy.spec.imageRepositoryRef.name).toBe(policy.metadata.name);
    }
  });

  it("keeps each ImagePolicy's $ts out of Flux's substitution", () => {
    for (const policy of images().filter((r) => r.kind === "ImagePolicy")) {
      expect(policy.spec.filterTags.extract).toBe("$ts");
    }
  });

  it.each(["dev", "test"])("%s: every image has a setter, naming a policy that exists", (env) => {
    const policies = new Set(
      images()
        .filter((r) => r.kind === "ImagePolicy")
        .map((r) => r.metadata.name),
    );
    expect(setters(env).sort()).toEqual([...policies].sort());
  });

  it("leaves prod to the promotion: no setter there", () => {
    expect(setters("prod")).toEqual([]);
  });

  it("a promotion commit runs test's images in prod: every Service and the migrations Job", () => {
    const work = mkdtempSync(join(tmpdir(), "flux-promotion-"));
    try {
      for (const dir of ["flux/apps", "knative/base", "knative/overlays", "cluster/manifests/migrations"])
        cpSync(join(repo, dir), join(work, dir), { recursive: true });
      const file = (env: string, part: string) => join(work, `flux/apps/${env}/${part}/kustomization.yaml`);
      const tag = "main-0123abcd4567-1764500000";
      for (const part of PROMOTED_PARTS)
        writeFileSync(file("test", part), readFileSync(file("test", part), "utf8").replaceAll("0.1.0", tag));
      for (const change of promotionChanges((env, part) => readFileSync(file(env, part), "utf8"), "test", "prod"))
        writeFileSync(file("prod", change.part), change.text);
      const images = PROMOTED_PARTS.flatMap((part) =>
        parse(render(join(work, `flux/apps/prod/${part}`)))
          .filter((r) => r.kind === "Service" || r.kind === "Job")
          .map((r) => `${r.kind}/${r.metadata.name} ${r.spec.template.spec.containers[0].image}`),
      );
      expect(images.length).toBeGreaterThanOrEqual(5);
      for (const image of images)
        expect(image).toMatch(new RegExp(`^\\S+ ghcr\\.io/knative-functions-platform/[a-z]+:${tag}$`));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it.each(["dev", "test"])("%s: its automation writes only its own apps, to the branch Flux follows", (env) => {
    const automation = parse(render(`flux/environments/${env}`)).find((r) => r.kind === "ImageUpdateAutomation");
    expect(automation?.spec).toMatchObject({
      sourceRef: { kind: "GitRepository", name: "flux-system" },
      git: { checkout: { ref: { branch: "main" } }, push: { branch: "main" } },
      update: { path: `./flux/apps/${env}`, strategy: "Setters" },
    });
  });
});

describe("flux/clusters/one-machine: cut to one node; the other entry points whole", () => {
  const appliedBy = (entry: string, name: string) =>
    parse(applied(fluxKustomizations(entry).find((k) => k.metadata.name === name)));
  const replicas = (entry: string, env: string) =>
    appliedBy(entry, `${env}-data`)
      .filter((r) => r.kind === "StatefulSet")
      .map((r) => `${r.metadata.name} ${r.spec.replicas}`)
      .sort();
  const functions = (entry: string, env: string) =>
    appliedBy(entry, `${env}-functions`)
      .filter((r) => r.kind === "Service")
      .map(
        (r) =>
          `${r.metadata.name} cpu ${r.spec.template.spec.containers[0].resources.requests.cpu} min-scale ${r.spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"]}`,
      );

  it.each(["test", "prod"])("%s: one member of each data service, functions requesting 10m", (env) => {
    expect(replicas("one-machine", env)).toEqual(["postgres 1", "redis 1", "redis-sentinel 1"]);
    for (const f of functions("one-machine", env)) expect(f).toMatch(/ cpu 10m /);
  });

  it("prod: one replica of every function, where its own cluster keeps two", () => {
    expect(functions("one-machine", "prod").length).toBeGreaterThan(0);
    for (const f of functions("one-machine", "prod")) expect(f).toMatch(/min-scale 1$/);
    for (const f of functions("prod", "prod")) expect(f).toMatch(/cpu 100m min-scale 2$/);
  });

  it("dev: the full shape of its data services (the failover checks run there), functions requesting 10m", () => {
    expect(replicas("one-machine", "dev")).toEqual(["postgres 3", "redis 2", "redis-sentinel 3"]);
    for (const f of functions("one-machine", "dev")) expect(f).toMatch(/ cpu 10m /);
  });

  it.each([
    ["dev", "dev"],
    ["test", "test"],
    ["prod", "prod"],
  ])("flux/clusters/%s: %s keeps the full shape", (entry, env) => {
    if (entry !== "prod") expect(replicas(entry, env)).toEqual(["postgres 3", "redis 2", "redis-sentinel 3"]);
    expect(functions(entry, env).length).toBe(4);
    for (const f of functions(entry, env)) expect(f).toMatch(/ cpu 100m /);
  });
});

describe.each(ENVIRONMENTS)("what %s's Kustomizations apply", (env) => {
  const applied = (part: string) => parse(render(`flux/apps/${env}/${part}`));

  it.each(["data", "migrations", "functions", ...(env === "prod" ? ["canaries"] : [])])(
    "%s: valid against every kind's schema, in the environment's namespace",
    (part) => {
      const yaml = render(`flux/apps/${env}/${part}`);
      const result = kubeconform(yaml, schemaLocation);
      expect(result.problems).toEqual([]);
      const resources = parse(yaml);
      for (const r of resources) expect(r.metadata.namespace, `${r.kind}/${r.metadata.name}`).toBe(env);
    },
  );

  it("analyses a release by Canary in prod only; dev and test roll out by Knative and own their traffic in Git", () => {
    const resources = applied("functions");
    const canaries = env === "prod" ? applied("canaries") : [];
    const services = resources.filter((r) => r.kind === "Service");
    expect(services.length).toBe(4);
    // The functions' Kustomization applies none: a Canary applied with its Service could pin a revision named "".
    expect(resources.filter((r) => r.kind === "Canary")).toEqual([]);
    expect(canaries.map((r) => `${r.kind}/${r.metadata.name}`).sort()).toEqual(
      env === "prod" ? ["Canary/analytics", "Canary/links", "Canary/redirect", "Canary/web"] : [],
    );
    for (const service of services) {
      if (env === "prod") continue;
      expect(service.metadata.annotations?.["serving.knative.dev/rollout-duration"]).toBe("60s");
      expect(service.spec.traffic).toEqual([{ latestRevision: true, percent: 100 }]);
    }
  });

  it("keeps no spec.traffic in Git for a Service a Canary manages (Flagger writes it)", () => {
    const resources = applied("functions");
    const canaries = env === "prod" ? applied("canaries") : [];
    const canaried = new Set(canaries.map((r) => r.spec.targetRef.name));
    if (env === "prod") expect(canaried.size).toBeGreaterThan(0);
    for (const service of resources.filter((r) => r.kind === "Service" && canaried.has(r.metadata.name))) {
      expect(service.spec.traffic, service.metadata.name).toBeUndefined();
    }
  });
});

describe("prod's Canaries", () => {
  it("are what knative/overlays/prod applies, no more and no less, split off from its functions", () => {
    const overlay = parse(render("knative/overlays/prod"));
    const byFlux = [...parse(render("flux/apps/prod/functions")), ...parse(render("flux/apps/prod/canaries"))];
    const key = (r: Resource) => `${r.kind}/${r.metadata.name}`;
    expect(byFlux.map(key).sort()).toEqual(overlay.map(key).sort());
    const canaryOf = (resources: Resource[], name: string) =>
      resources.find((r) => r.kind === "Canary" && r.metadata.name === name);
    for (const canary of overlay.filter((r) => r.kind === "Canary")) {
      expect(canaryOf(byFlux, canary.metadata.name)).toEqual(canary);
    }
  });
});

describe("the sealed Secrets, sealed here for a throwaway age key", () => {
  let work = "";
  const key = () => join(work, "age.agekey");
  const otherKey = () => join(work, "other.agekey");
  const store = () => join(work, "store");
  const sealedOf = (env: string) => join(work, sealedDir(env));
  const sopsDecrypt = (file: string, keyFile = key()) =>
    execFileSync(SOPS, ["decrypt", file], {
      encoding: "utf8",
      stdio: "pipe",
      env: { ...process.env, SOPS_AGE_KEY_FILE: keyFile },
    });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "flux-sealed-"));
    execFileSync(AGE_KEYGEN, ["-o", key()], { stdio: "pipe" });
    execFileSync(AGE_KEYGEN, ["-o", otherKey()], { stdio: "pipe" });
    const recipient = execFileSync(AGE_KEYGEN, ["-y", key()], { encoding: "utf8" }).trim();
    for (const env of ENVIRONMENTS) {
      cpSync(join(repo, sealedDir(env)), sealedOf(env), { recursive: true });
      execFileSync(join(repo, "cluster/manifests/dev/make-secrets.sh"), [env], {
        stdio: "pipe",
        env: { ...process.env, CLUSTER_SECRETS_DIR: store() },
      });
      execFileSync(
        join(repo, "node_modules/.bin/tsx"),
        [
          join(repo, "cluster/src/flux/seal.ts"),
          ...["--env", env, "--from", join(store(), env), "--age", recipient, "--out", sealedOf(env)],
        ],
        { stdio: "pipe", env: { ...process.env, SOPS_AGE_KEY_FILE: key() }, input: "" },
      );
    }
  }, 60_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  describe.each(ENVIRONMENTS)("%s", (env) => {
    const plain = (name: string) => parseEnvFile(readFileSync(join(store(), env, `${name}.env`), "utf8"), name);

    it("renders every Secret the environment needs, in its namespace, with every value encrypted", () => {
      const secrets = parse(render(sealedOf(env)));
      expect(secrets.map((r) => r.metadata.name).sort()).toEqual([...PLATFORM_SECRETS].sort());
      for (const secret of secrets) {
        expect(secret.metadata.namespace).toBe(env);
        const values = Object.values(secret.stringData) as string[];
        expect(values.length).toBeGreaterThan(0);
        for (const value of values) expect(value).toMatch(/^ENC\[AES256_GCM,data:/);
      }
    });

    it("holds no plain value, and the cluster's key gives every one back", () => {
      for (const name of PLATFORM_SECRETS) {
        const file = join(sealedOf(env), `${name}.yaml`);
        const sealed = readFileSync(file, "utf8");
        for (const value of Object.values(plain(name))) expect(sealed).not.toContain(value);
        const secret = parseYaml(sopsDecrypt(file));
        expect(secret.stringData).toEqual(plain(name));
        const result = kubeconform(stringify(secret), schemaLocation);
        expect(result.problems).toEqual([]);
        expect(result.valid).toBe(1);
      }
    });

    it("does not open with another key", () => {
      expect(() => sopsDecrypt(join(sealedOf(env), "platform-demo.yaml"), otherKey())).toThrow();
    });
  });

  it("seals unchanged values again without touching the files (a second bootstrap commits nothing new)", () => {
    const file = join(sealedOf("dev"), "platform-secrets.yaml");
    const before = readFileSync(file, "utf8");
    const recipient = execFileSync(AGE_KEYGEN, ["-y", key()], { encoding: "utf8" }).trim();
    const out = execFileSync(
      join(repo, "node_modules/.bin/tsx"),
      [
        join(repo, "cluster/src/flux/seal.ts"),
        "--env",
        "dev",
        "--from",
        join(store(), "dev"),
        "--age",
        recipient,
        "--out",
        sealedOf("dev"),
      ],
      { encoding: "utf8", env: { ...process.env, SOPS_AGE_KEY_FILE: key() } },
    );
    expect(out).toContain(`${file}: unchanged`);
    expect(readFileSync(file, "utf8")).toBe(before);
  });
});
