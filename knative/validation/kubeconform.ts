/**
 * The manifests checked against the real schemas of their kinds with
 * kubeconform (`go install`ed by npm run setup), offline: the schemas come
 * from the CRDs inside the Go modules of Knative Serving and Flagger, pinned
 * here and downloaded by setup into Go's module cache.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

import versions from "./versions.json" with { type: "json" };

/**
 * Pinned in versions.json (npm run setup reads it too): kubeconform; Knative
 * Serving's newest Go module here (its release tags are v0.x); the Flagger
 * the cluster runs (the knative provider came in 1.41). Each with its CRD files.
 */
export const KUBECONFORM_VERSION = versions.kubeconform;
const CRD_MODULES: Record<string, string[]> = versions.crdModules;

export function goPath(): string {
  return execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim();
}

export function kubeconformBinary(): string {
  return join(goPath(), "bin", "kubeconform");
}

/** The CRD files in Go's module cache; throws naming the command that fetches a missing one. */
export function crdFiles(): string[] {
  const cache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
  return Object.entries(CRD_MODULES).flatMap(([module, files]) =>
    files.map((file) => {
      const path = join(cache, module, file);
      if (!existsSync(path)) throw new Error(`${path} is missing: run npm run setup (go mod download ${module})`);
      return path;
    }),
  );
}

export interface KubeconformResult {
  valid: number;
  invalid: number;
  errors: number;
  skipped: number;
  /** Each failing resource: "Kind/name: message". */
  problems: string[];
}

/** Runs kubeconform -strict on YAML text; ConfigMaps (core kinds) have no schema offline and are skipped. */
export function kubeconform(yamlText: string, schemaLocation: string): KubeconformResult {
  const run = spawnSync(
    kubeconformBinary(),
    ["-strict", "-summary", "-output", "json", "-skip", "ConfigMap", "-schema-location", schemaLocation, "-"],
    { input: yamlText, encoding: "utf8" },
  );
  if (run.error) throw run.error;
  const report = JSON.parse(run.stdout) as {
    resources?: { kind: string; name: string; status: string; msg: string }[];
    summary: { valid: number; invalid: number; errors: number; skipped: number };
  };
  return {
    ...report.summary,
    problems: (report.resources ?? [])
      .filter((r) => r.status !== "statusValid" && r.status !== "statusSkipped")
      .map((r) => `${r.kind}/${r.name}: ${r.msg}`),
  };
}
