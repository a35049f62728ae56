/**
 * JSON Schemas of Kubernetes' own kinds (StatefulSet, Service, Job, Role, ...)
 * for kubeconform, offline: made from the OpenAPI document inside the
 * k8s.io/kubernetes Go module at the cluster's pinned version (the cluster's
 * build downloads it; npm run setup too). Laid out as the CRD schemas are
 * (`{group}/{kind}_{version}.json`; kubeconform takes a core kind's group
 * to be its version, so `v1/service_v1.json`), so one
 * -schema-location serves both. Objects are closed to unknown fields, as
 * kubeconform -strict expects; int-or-string and quantities accept both forms.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type KindSchema, strict } from "../../../knative/validation/crd-schemas.ts";

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents are walked as plain data
type Json = any;

const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

/** The Kubernetes version the cluster runs, from the provisioning's pinned versions. */
export function kubernetesVersion(): string {
  const versions = readFileSync(new URL("../../ansible/group_vars/all/versions.yml", import.meta.url), "utf8");
  const version = /^kubernetes_version:\s*(\S+)/m.exec(versions)?.[1];
  if (!version) throw new Error("cluster/ansible/group_vars/all/versions.yml names no kubernetes_version");
  return version;
}

/** The OpenAPI (v2) document in Go's module cache; throws naming the command that fetches it. */
export function swaggerFile(version = kubernetesVersion()): string {
  const cache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
  const path = join(cache, `k8s.io/kubernetes@${version}`, "api/openapi-spec/swagger.json");
  if (!existsSync(path))
    throw new Error(`${path} is missing: run npm run setup (go mod download k8s.io/kubernetes@${version})`);
  return path;
}

/** The definitions reachable from `name`, so each kind's file carries only what it refers to. */
function reachable(definitions: Record<string, Json>, name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const walk = (node: Json): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const ref = node.$ref;
      if (typeof ref === "string" && ref.startsWith("#/definitions/")) reachable(definitions, ref.slice(14), seen);
      for (const value of Object.values(node)) walk(value);
    }
  };
  walk(definitions[name]);
  return seen;
}

/** One schema per kind and version that the document declares (`kinds` limits it, as "group/Kind/version"). */
export function schemasFromSwagger(swagger: { definitions: Record<string, Json> }, kinds?: Set<string>): KindSchema[] {
  const definitions = swagger.definitions;
  const out: KindSchema[] = [];
  for (const [name, definition] of Object.entries(definitions)) {
    for (const gvk of definition["x-kubernetes-group-version-kind"] ?? []) {
      if (kinds && !kinds.has(`${gvk.group}/${gvk.kind}/${gvk.version}`)) continue;
      const own: Record<string, Json> = {};
      for (const dependency of reachable(definitions, name))
        own[dependency] = definitionSchema(dependency, definitions);
      const schema = strict({ ...own[name], definitions: own });
      out.push({ group: gvk.group, kind: String(gvk.kind).toLowerCase(), version: gvk.version, schema });
    }
  }
  return out;
}

function definitionSchema(name: string, definitions: Record<string, Json>): Json {
  if (name === INT_OR_STRING) return { anyOf: [{ type: "integer" }, { type: "string" }] };
  if (name === QUANTITY) return { anyOf: [{ type: "number" }, { type: "string" }] };
  return definitions[name];
}

/**
 * Writes the schemas of the kinds in `kinds` ("group/Kind/version", core
 * group empty) under `dir`, beside any CRD schemas there.
 */
/** Kubernetes' own kinds among `resources` ("group/Kind/version", "" for core), for writeCoreSchemas. */
export function coreKindsOf(resources: { apiVersion: string; kind: string }[]): Set<string> {
  return new Set(
    resources
      .filter((r) => !r.apiVersion.includes(".") || r.apiVersion.includes("k8s.io"))
      .map((r) => {
        const [group, version] = r.apiVersion.includes("/") ? r.apiVersion.split("/") : ["", r.apiVersion];
        return `${group}/${r.kind}/${version}`;
      }),
  );
}

export async function writeCoreSchemas(dir: string, kinds: Set<string>, file = swaggerFile()): Promise<void> {
  for (const kind of schemasFromSwagger(JSON.parse(readFileSync(file, "utf8")), kinds)) {
    const group = kind.group || kind.version;
    await mkdir(join(dir, group), { recursive: true });
    await writeFile(join(dir, group, `${kind.kind}_${kind.version}.json`), JSON.stringify(kind.schema));
  }
}
