/**
 * The promotion path on the real cluster, after image-update: test runs the
 * newest build of main (Flux's image automation for test), then
 * `npm run promote -- --from test --to prod --wait` checks test (its images,
 * the API probes, k6 smoke), pins test's images into prod by a commit pushed
 * to the cluster's Git server, and follows prod: Flux applies the commit, the
 * migrations Job runs the new image, and each function's Flagger Canary moves
 * prod's traffic to it step by step and promotes it. All of that runs while
 * k6 (the `release` scenario) sends steady traffic to every prod function:
 * not one request may fail, and the report charts the redirect's traffic split.
 * Each step's time since the push is a figure.
 */
import { execFile } from "node:child_process";
import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { waitFor } from "@platform/processes/wait-for";
import {
  imageOf,
  isCurrentAndReady,
  type KnativeServiceWithImage,
  kubectlJson,
  servesLatestOnly,
} from "../../client/kube.ts";
import { promoteUnderLoad } from "../../delivery/promote-under-load.ts";
import { pinnedImages } from "../../src/flux/promotion.ts";
import { GIT_REPOSITORY } from "../../src/paths.ts";
import type { Check } from "../check.ts";

const run = promisify(execFile);
const FROM = "test";
const TO = "prod";

/** What the Git server's main pins for an environment's functions. */
async function pinsInGit(env: string) {
  const path = `flux/apps/${env}/functions/kustomization.yaml`;
  const { stdout } = await run("git", ["--git-dir", GIT_REPOSITORY, "show", `main:${path}`]);
  return pinnedImages(stdout, path);
}

/** The Services of `namespace` that do not serve what `env` pins in Git (Ready, with all their traffic); empty once they all do. */
async function notOnPins(namespace: string, env: string): Promise<string[]> {
  const pins = await pinsInGit(env);
  const { items } = await kubectlJson<{ items: KnativeServiceWithImage[] }>(["-n", namespace, "get", "ksvc"]);
  return items
    .filter(
      (s) => !(isCurrentAndReady(s) && servesLatestOnly(s) && pins.some((p) => imageOf(s) === `${p.name}:${p.newTag}`)),
    )
    .map((s) => `${s.metadata.name} (${imageOf(s).split(":").at(-1)})`);
}

export const promotion: Check = {
  name: "Promotion: test's build passes its checks and reaches prod by a commit, through Flagger's Canaries, under steady load with no failed request",
  async run({ resultsDir, log }) {
    const figures: string[] = [];
    const started = Date.now();
    const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    let behind: string[] = [];
    try {
      await waitFor(
        async () => {
          behind = await notOnPins(FROM, FROM);
          return behind.length === 0;
        },
        { what: `${FROM} to run what Git pins`, timeoutMs: 600_000, intervalMs: 2000 },
      );
    } catch {
      return { ok: false, figures: [`${FROM} does not run what Git pins after 600 s: ${behind.join(", ")}`] };
    }
    const tag = (await pinsInGit(FROM))[0]?.newTag ?? "?";
    figures.push(`${FROM} runs ${tag}, as Git pins it: ${seconds()} after the check began`);

    const promoteLog = join(resultsDir, "promotion.log");
    log(
      `k6 'release' against ${TO} while npm run promote -- --from ${FROM} --to ${TO} --wait runs (its log: ${promoteLog})`,
    );
    const { exitCode, resultsDir: dir } = await promoteUnderLoad({
      from: FROM,
      to: TO,
      logPath: promoteLog,
      waitMinutes: 20,
      onLine: (line) => log(`promote | ${line}`),
    });
    // promote's own account: the commit, the checks' verdicts, then each step with its time since the push.
    const promoted = (await readFile(promoteLog, "utf8").catch(() => ""))
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => /^(\+|promoted|not promoted|main at|smoke: )/.test(line));
    figures.push(...promoted);
    let load = "no results written";
    if (dir) {
      const { summary } = JSON.parse(await readFile(join(dir, "summary.json"), "utf8")) as {
        summary: { requests: number; failed: number; seconds: number };
      };
      load = `${summary.requests} requests over ${summary.seconds} s, ${summary.failed} failed`;
      const chart = join(resultsDir, "promotion-release.svg");
      await copyFile(join(dir, "chart.svg"), chart).catch(() => undefined);
      log(`chart: ${chart}; report: ${join(dir, "report.html")}`);
    }
    const offPins = await notOnPins(TO, FROM);
    figures.push(
      `k6 'release' against ${TO}: ${load}; exit ${exitCode} (0: none failed, and the release command succeeded)`,
      offPins.length === 0 ? `${TO} runs ${tag} on every function` : `${TO} does not run ${tag}: ${offPins.join(", ")}`,
      `the whole check: ${seconds()}`,
    );
    return { ok: exitCode === 0 && offPins.length === 0, figures };
  },
};
