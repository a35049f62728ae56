import { spawnSync } from "node:child_process";
import { repoRoot } from "../local-state.ts";

/** `kubectl kustomize <dir>` (kustomize is built into kubectl), as kustomize-controller renders it. */
export function renderKustomization(dir: string): string {
  const result = spawnSync("kubectl", ["kustomize", dir], { cwd: repoRoot, encoding: "utf8", maxBuffer: 16 << 20 });
  if (result.error) throw new Error(`kubectl is needed to render ${dir}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr.trim()}`);
  return result.stdout;
}
