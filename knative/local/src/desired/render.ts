import { execFile, spawnSync } from "node:child_process";
import { repoRoot } from "@platform/processes/local-state";

/**
 * `kubectl kustomize <dir>` (kustomize is built into kubectl), as
 * kustomize-controller renders it. Kustomize needs no cluster, but some
 * kubectl builds (gcloud's dispatcher) first ask a server for its version;
 * with no kubeconfig that is localhost:8080, the local platform's own ingress,
 * where the question woke the redirect (or, asked synchronously, waited 5 s for
 * the blocked platform to answer). Port 1 refuses at once.
 */
const args = (dir: string) => ["kustomize", dir, "--server", "https://127.0.0.1:1"];
const options = { cwd: repoRoot, encoding: "utf8" as const, maxBuffer: 16 << 20 };

/** Renders without blocking: what the running platform uses. */
export function renderKustomization(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("kubectl", args(dir), options, (error, stdout, stderr) => {
      if (error && "code" in error && error.code === "ENOENT") {
        reject(new Error(`kubectl is needed to render ${dir}: ${error.message}`));
      } else if (error) reject(new Error(`kubectl kustomize ${dir} failed:\n${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** The same, blocking: for tests and one-shot scripts only. */
export function renderKustomizationSync(dir: string): string {
  const result = spawnSync("kubectl", args(dir), options);
  if (result.error) throw new Error(`kubectl is needed to render ${dir}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr.trim()}`);
  return result.stdout;
}

/** The local platform's desired state: the local overlay, and the cluster-level settings (config-autoscaler). */
export const LOCAL_OVERLAY = "knative/overlays/local";
export const CLUSTER_SETTINGS = "knative/base/knative-serving";

/** Renders what the local platform applies, without blocking. */
export async function renderLocalPlatform(): Promise<string> {
  const [overlay, cluster] = await Promise.all([
    renderKustomization(LOCAL_OVERLAY),
    renderKustomization(CLUSTER_SETTINGS),
  ]);
  return `${overlay}---\n${cluster}`;
}

/** The same, blocking: for tests and one-shot scripts only. */
export function renderLocalPlatformSync(): string {
  return `${renderKustomizationSync(LOCAL_OVERLAY)}---\n${renderKustomizationSync(CLUSTER_SETTINGS)}`;
}
