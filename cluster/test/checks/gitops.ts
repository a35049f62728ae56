/**
 * GitOps on the real cluster: `npm run cluster -- gitops` bootstraps Flux and
 * points it at flux/clusters/one-machine (dev, test and prod); then a commit pushed to the cluster's Git
 * server (a change to the dev overlay) becomes a new revision of a Knative
 * Service by Flux's reconcile alone, and so does its revert. Nothing here runs
 * kubectl apply; the Service's managed fields show kustomize-controller wrote it.
 * Before the commit, the environment's Secrets are shown to come from Git,
 * sealed with SOPS, with no plain value anywhere in either repository (sealed-secrets.ts),
 * and Flux's objects' state to reach Prometheus as gotk_resource_info (flux-state-metrics.ts).
 */
import { execFile } from "node:child_process";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { waitFor } from "@platform/processes/wait-for";
import { isReady, type KnativeService, kubectl, kubectlJson, reconcileNow } from "../../client/kube.ts";
import { runCommand } from "../../client/run-command.ts";
import { GIT_REPOSITORY } from "../../src/paths.ts";
import type { Check } from "../check.ts";
import { verifyFluxStateMetrics } from "../flux-state-metrics.ts";
import { verifySealedSecrets } from "../sealed-secrets.ts";

const run = promisify(execFile);
const SERVICE = "analytics";
const ANNOTATION = "platform.example.com/gitops-check";
const OVERLAY = "knative/overlays/dev/kustomization.yaml";

interface FluxService extends KnativeService {
  metadata: KnativeService["metadata"] & { managedFields?: { manager: string }[] };
  spec: { template: { metadata: { annotations?: Record<string, string> } } };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export const gitopsReconcile: Check = {
  name: "GitOps: Flux applies flux/clusters/one-machine (dev, test, prod) from the cluster's Git server; a pushed commit and its revert go live by reconcile",
  async run({ namespace, log }) {
    const figures: string[] = [];
    const bootstrapStarted = Date.now();
    const code = await runCommand("npm", ["run", "-s", "cluster", "--", "gitops"]);
    if (code !== 0) return { ok: false, figures: [`npm run cluster -- gitops exited ${code}`] };
    figures.push(`bootstrap (controllers, push, every Kustomization Ready): ${seconds(Date.now() - bootstrapStarted)}`);
    const secrets = await verifySealedSecrets(namespace);
    figures.push(...secrets.figures);
    const stateMetrics = await verifyFluxStateMetrics();
    figures.push(...stateMetrics.figures);
    if (!secrets.ok || !stateMetrics.ok) return { ok: false, figures };

    const work = await mkdtemp(join(tmpdir(), "gitops-check-"));
    const git = async (...args: string[]) =>
      (
        await run("git", [
          "-C",
          work,
          "-c",
          "user.name=test:cluster",
          "-c",
          "user.email=test-cluster@localhost",
          ...args,
        ])
      ).stdout.trim();
    let restored = true;
    let base = "";
    try {
      await run("git", ["clone", "--quiet", GIT_REPOSITORY, work]);
      base = await git("rev-parse", "HEAD");
      const nonce = `${Date.now()}`;
      await appendFile(
        join(work, OVERLAY),
        `  - target:\n      kind: Service\n      name: ${SERVICE}\n    patch: |-\n` +
          `      - op: add\n        path: /spec/template/metadata/annotations/${ANNOTATION.replace("/", "~1")}\n` +
          `        value: "${nonce}"\n`,
      );
      await git("commit", "--quiet", "-am", `test:cluster: annotate ${SERVICE} in dev (${nonce})`);

      const release = async (what: string, wanted: (annotation: string | undefined) => boolean) => {
        const before = await kubectlJson<FluxService>(["-n", namespace, "get", "ksvc", SERVICE]);
        const sha = await git("rev-parse", "HEAD");
        await git("push", "--quiet", "origin", "HEAD:main");
        restored = sha === base || what === "revert";
        const pushedAt = Date.now();
        // What a push webhook (Flux's Receiver) does: ask for a reconcile now instead of at the interval.
        await reconcileNow("gitrepository/flux-system");
        let fetchedAt = 0;
        let appliedAt = 0;
        let live: FluxService | undefined;
        await waitFor(
          async () => {
            if (!fetchedAt) {
              const revision = await kubectl([
                "-n",
                "flux-system",
                "get",
                "gitrepository/flux-system",
                "-o",
                "jsonpath={.status.artifact.revision}",
              ]);
              if (revision.endsWith(sha)) fetchedAt = Date.now();
            }
            live = await kubectlJson<FluxService>(["-n", namespace, "get", "ksvc", SERVICE, "--show-managed-fields"]);
            const applied = wanted(live.spec.template.metadata.annotations?.[ANNOTATION]);
            if (applied && !appliedAt) appliedAt = Date.now();
            return (
              applied &&
              live.status?.observedGeneration === live.metadata.generation &&
              live.status.latestReadyRevisionName !== before.status?.latestReadyRevisionName &&
              isReady(live.status.conditions)
            );
          },
          { what: `${what} (${sha.slice(0, 7)}) to be live`, timeoutMs: 300_000, intervalMs: 500 },
        );
        const readyAt = Date.now();
        const managers = new Set(live?.metadata.managedFields?.map((f) => f.manager));
        figures.push(
          `${what} ${sha.slice(0, 7)}: after the push, fetched in ${seconds(fetchedAt - pushedAt)}, ` +
            `applied in ${seconds(appliedAt - pushedAt)} (data, migrations, then functions), ` +
            `${live?.status?.latestReadyRevisionName} Ready and rolled out (dev: rollout-duration 60s) in ${seconds(readyAt - pushedAt)}`,
        );
        log(`${what}: written by ${[...managers].join(", ")}`);
        return managers.has("kustomize-controller");
      };

      const byFlux = await release("commit", (a) => a === nonce);
      await git("revert", "--quiet", "--no-edit", "HEAD");
      const revertByFlux = await release("revert", (a) => a === undefined);
      figures.push(`the Service's fields written by kustomize-controller: ${byFlux && revertByFlux ? "yes" : "no"}`);
      return { ok: byFlux && revertByFlux, figures };
    } finally {
      // A failed check leaves the repository as it found it; Flux reverts the cluster at its next reconcile.
      if (!restored) await git("push", "--quiet", "--force", "origin", `${base}:main`).catch(() => undefined);
      await rm(work, { recursive: true, force: true });
    }
  },
};
