/**
 * Writes the manifests the knative_serving and ingress roles apply, from the
 * Go modules at the versions pinned in versions.yml (in the module cache after
 * cluster/build/knative.sh; `go mod download` fetches them otherwise).
 *   serving --out <dir> --configmaps <dir>
 *       serving-crds.yaml  Serving's, networking's and caching's CRDs
 *       serving-core.yaml  namespace, RBAC, ConfigMaps, Deployments, webhooks; the ConfigMaps of
 *                          knative/base/knative-serving and of --configmaps laid over the module's
 *   kourier --out <dir> [--http-node-port 31080] [--https-node-port 31443]
 *       kourier.yaml       Kourier's controller, the Envoy gateway, its Services (external on node ports)
 * usage: tsx cluster/src/knative/generate.ts serving|kourier --out <dir> ... [--cpu-request <deployment>=<cpu>]...
 *   --cpu-request  a Deployment's CPU request instead of the module's (repeatable)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseAllDocuments, parse as parseYaml, stringify } from "yaml";
import {
  type ConfigMap,
  type KubeObject,
  knativeImages,
  renderKourier,
  renderServing,
  withCpuRequests,
} from "./render.ts";

const repo = fileURLToPath(new URL("../../..", import.meta.url));

function versions(): Record<string, string> {
  return parseYaml(readFileSync(join(repo, "cluster/ansible/group_vars/all/versions.yml"), "utf8"));
}

/** The module's directory in the Go module cache. */
function moduleDir(module: string, version: string): string {
  const info = JSON.parse(
    execFileSync("go", ["mod", "download", "-json", `${module}@${version}`], { encoding: "utf8" }),
  );
  if (info.Error) throw new Error(`${module}@${version}: ${info.Error}`);
  return info.Dir;
}

/** The version a module's go.mod requires of another module. */
function requiredVersion(dir: string, module: string): string {
  const line = readFileSync(join(dir, "go.mod"), "utf8")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find(([path]) => path === module);
  if (!line?.[1]) throw new Error(`${dir}/go.mod does not require ${module}`);
  return line[1];
}

/** Every object in the YAML files under `dir`, in the order `ko resolve -R` reads them (lexical walk). */
function readObjects(dir: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) objects.push(...readObjects(path));
    else if (name.endsWith(".yaml") || name.endsWith(".yml")) objects.push(...parseObjects(readFileSync(path, "utf8")));
  }
  return objects;
}

function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

function write(path: string, objects: readonly KubeObject[]): void {
  writeFileSync(path, objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n"));
  console.log(`${path}: ${objects.length} objects`);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: "string" },
    configmaps: { type: "string" },
    "http-node-port": { type: "string", default: "31080" },
    "https-node-port": { type: "string", default: "31443" },
    "cpu-request": { type: "string", multiple: true, default: [] },
  },
});
const [what] = positionals;
const out = values.out;
if ((what !== "serving" && what !== "kourier") || !out || (what === "serving" && !values.configmaps)) {
  console.error("usage: generate.ts serving --out <dir> --configmaps <dir> | kourier --out <dir> [--http-node-port N]");
  process.exit(2);
}

const pinned = versions();
const servingVersion = pinned.knative_serving_version;
const kourierVersion = pinned.net_kourier_version;
if (!servingVersion || !kourierVersion || !pinned.envoy_version)
  throw new Error("versions.yml lacks a Knative version");
const images = knativeImages({ serving: servingVersion, kourier: kourierVersion });
const serving = moduleDir("knative.dev/serving", servingVersion);
const networkingPin = requiredVersion(serving, "knative.dev/networking");
const cpuRequests = Object.fromEntries(
  (values["cpu-request"] ?? []).map((pair) => {
    const [name, cpu] = pair.split("=");
    if (!name || !cpu) throw new Error(`--cpu-request ${pair}: expected <deployment>=<cpu>`);
    return [name, cpu];
  }),
);
mkdirSync(out, { recursive: true });

if (what === "serving") {
  const configMaps = [
    ...parseObjects(
      execFileSync("kubectl", ["kustomize", join(repo, "knative/base/knative-serving")], { encoding: "utf8" }),
    ),
    ...readObjects(values.configmaps as string),
  ] as ConfigMap[];
  const { crds, core } = renderServing({
    serving: readObjects(join(serving, "config/core")),
    networking: readObjects(join(moduleDir("knative.dev/networking", networkingPin), "config")),
    caching: readObjects(
      join(moduleDir("knative.dev/caching", requiredVersion(serving, "knative.dev/caching")), "config"),
    ),
    configMaps,
    images,
  });
  write(join(out, "serving-crds.yaml"), crds);
  write(join(out, "serving-core.yaml"), withCpuRequests(core, cpuRequests));
} else {
  const kourier = moduleDir("knative.dev/net-kourier", kourierVersion);
  const kourierNetworking = requiredVersion(kourier, "knative.dev/networking");
  if (kourierNetworking !== networkingPin) {
    throw new Error(
      `Kourier ${kourierVersion} pins networking ${kourierNetworking}, Serving ${servingVersion} ${networkingPin}`,
    );
  }
  const ingress = renderKourier({
    kourier: readObjects(join(kourier, "config")),
    images,
    envoyImage: `docker.io/envoyproxy/envoy:v${pinned.envoy_version}`,
    nodePorts: { http: Number(values["http-node-port"]), https: Number(values["https-node-port"]) },
  });
  write(join(out, "kourier.yaml"), withCpuRequests(ingress, cpuRequests));
}
