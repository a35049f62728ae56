/**
 * Reading the manifests Go modules carry (Knative's and Flux's config/
 * directories) from the module cache, and writing what is rendered from them.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parse as parseYaml, stringify } from "yaml";
import type { KubeObject } from "./knative/render.ts";

export const repo = fileURLToPath(new URL("../..", import.meta.url));

/** The versions pinned in cluster/ansible/group_vars/all/versions.yml. */
export function versions(): Record<string, string> {
  return parseYaml(readFileSync(join(repo, "cluster/ansible/group_vars/all/versions.yml"), "utf8"));
}

/** The module's directory in the Go module cache (downloaded if it is not there). */
export function moduleDir(module: string, version: string): string {
  const info = JSON.parse(
    execFileSync("go", ["mod", "download", "-json", `${module}@${version}`], { encoding: "utf8" }),
  );
  if (info.Error) throw new Error(`${module}@${version}: ${info.Error}`);
  return info.Dir;
}

/** The version a module's go.mod requires of another module. */
export function requiredVersion(dir: string, module: string): string {
  const line = readFileSync(join(dir, "go.mod"), "utf8")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find(([path]) => path === module);
  if (!line?.[1]) throw new Error(`${dir}/go.mod does not require ${module}`);
  return line[1];
}

/** Every object in the YAML files under `path` (a file or a directory), in the order `ko resolve -R` reads them (lexical walk). */
export function readObjects(path: string): KubeObject[] {
  if (!statSync(path).isDirectory()) return parseObjects(readFileSync(path, "utf8"));
  const objects: KubeObject[] = [];
  for (const name of readdirSync(path).sort()) {
    const child = join(path, name);
    if (statSync(child).isDirectory() || name.endsWith(".yaml") || name.endsWith(".yml")) {
      objects.push(...readObjects(child));
    }
  }
  return objects;
}

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

export function write(path: string, objects: readonly KubeObject[]): void {
  writeFileSync(path, objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n"));
  console.log(`${path}: ${objects.length} objects`);
}

/**
 * `<name>=<value>` command-line pairs (e.g. --cpu-request activator=50m) as a map;
 * throws, naming the option and the expected shape, on a pair that is not one.
 */
export function namedValues(option: string, what: string, pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (at <= 0 || !value) throw new Error(`--${option} ${pair}: expected <${what}>=<value>`);
      return [name, value];
    }),
  );
}
