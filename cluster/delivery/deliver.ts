/**
 * npm run deliver -- [--no-promote] [--wait-minutes 30]
 *
 * A commit of this clone, walked to prod on this machine's cluster, each step
 * with its time since the command began:
 *   1. push: the clone's commits since the Git server last had it, replayed
 *      on the server's main (which also holds the bootstrap's sealed Secrets
 *      and the image automation's commits) and pushed; the server's
 *      post-receive hook runs the pipeline (cluster/delivery/pipeline.sh:
 *      typecheck, lint, the functions' tests, the release images), its output
 *      shown as it goes;
 *   2. Flux's image automation: every ImagePolicy chooses the pipeline's
 *      release tag, dev's and test's automations commit it, and every function
 *      of dev and test runs it;
 *   3. `npm run promote -- --from test --to prod --wait`: test's checks, the
 *      promotion commit, prod's Canaries until they have promoted it, while
 *      k6 sends prod steady traffic for them to judge (promote-under-load.ts).
 * Needs the cluster with Flux (npm run cluster -- up, then gitops).
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { waitFor } from "@platform/processes/wait-for";
import {
  fluxField,
  imageOf,
  isCurrentAndReady,
  type KnativeServiceWithImage,
  kubectlJson,
  reconcileNow,
  servesLatestOnly,
  waitForImagePolicies,
} from "../client/kube.ts";
import { REPO } from "../client/run-command.ts";
import { GIT_REPOSITORY } from "../src/paths.ts";
import { promoteUnderLoad } from "./promote-under-load.ts";

const run = promisify(execFile);
const FOLLOWING = ["dev", "test"];
const USAGE = `usage: npm run deliver -- [--no-promote] [--wait-minutes 30]
  --no-promote    stop once dev and test run the new build
  --wait-minutes  how long each step that waits on the cluster may take at most`;

const startedAt = Date.now();
const say = (line: string) => process.stdout.write(`${line}\n`);
const step = (what: string) => say(`+${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s  == ${what}`);

/** A command whose output is shown and also returned; rejects unless it exits 0. */
function shownOutput(command: string, args: string[], cwd: string): Promise<string> {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const show = (chunk: Buffer) => {
    out += chunk.toString();
    process.stdout.write(chunk);
  };
  child.stdout.on("data", show);
  child.stderr.on("data", show);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args[0]} exited ${code}`))));
  });
}

/** The clone's commits since the server had them, replayed on the server's main and pushed; the pushed commit and the hook's output. */
async function push(work: string): Promise<{ commit: string; output: string } | string> {
  const git = async (...args: string[]) => (await run("git", ["-C", work, ...args])).stdout.trim();
  const head = (await run("git", ["-C", REPO, "rev-parse", "HEAD"])).stdout.trim();
  await run("git", ["clone", "--quiet", "--branch", "main", GIT_REPOSITORY, work]);
  await git("fetch", "--quiet", REPO, head);
  const base = await git("merge-base", "HEAD", head).catch(() => "");
  if (!base) return `the clone's HEAD shares no history with the Git server's main: run npm run cluster -- gitops`;
  // The clone's commits whose change main lacks: the bootstrap replays commits too (same patch, another id).
  const commits = (await git("rev-list", "--reverse", "--no-merges", "--right-only", "--cherry-pick", `HEAD...${head}`))
    .split("\n")
    .filter(Boolean);
  if (commits.length === 0)
    return `nothing to deliver: the Git server's main already has the changes of the clone's HEAD (${head.slice(0, 7)})`;
  say(`${commits.length} commit(s) of the clone to put on top of the Git server's main:`);
  for (const line of (await git("log", "--format=%h %s", "--no-walk=unsorted", ...commits)).split("\n"))
    say(`  ${line}`);
  try {
    await git("-c", "user.name=npm run deliver", "-c", "user.email=deliver@localhost", "cherry-pick", ...commits);
  } catch {
    return "the clone's commits do not apply on the Git server's main: resolve it by hand (the server's main has the automation's and the promotions' commits)";
  }
  const commit = await git("rev-parse", "HEAD");
  step(`push ${commit.slice(0, 7)} to the Git server: its hook runs the pipeline`);
  const output = await shownOutput("git", ["push", "origin", "HEAD:main"], work);
  return { commit, output };
}

async function main(): Promise<number> {
  let values: { "no-promote": boolean; "wait-minutes": string };
  try {
    ({ values } = parseArgs({
      options: { "no-promote": { type: "boolean", default: false }, "wait-minutes": { type: "string", default: "30" } },
    }) as { values: typeof values });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const waitMinutes = Number(values["wait-minutes"]);
  if (!(waitMinutes > 0)) {
    process.stderr.write(
      `--wait-minutes: "${values["wait-minutes"]}" is not a number of minutes above 0\n\n${USAGE}\n`,
    );
    return 2;
  }
  const timeoutMs = waitMinutes * 60_000;
  const dirty = (await run("git", ["-C", REPO, "status", "--porcelain", "--untracked-files=no"])).stdout.trim();
  if (dirty) say(`not delivered, since not committed: ${dirty.split("\n").join(", ")}`);

  // Checked before anything is pushed: a held automation would leave dev and test where they are.
  const held = [];
  for (const env of FOLLOWING)
    if ((await fluxField(`imageupdateautomation/${env}-images`, ".spec.suspend")) === "true")
      held.push(`${env}-images`);
  if (held.length > 0) {
    say(
      `not delivered: the image automation is held (${held.join(", ")}: an interrupted npm run cluster -- gitops holds it); ` +
        "run npm run cluster -- gitops, or cluster/ansible/scripts/flux-suspend.sh false imageupdateautomation",
    );
    return 1;
  }

  const work = mkdtempSync(join(tmpdir(), "deliver-"));
  try {
    const pushed = await push(work);
    if (typeof pushed === "string") {
      say(pushed);
      return pushed.startsWith("nothing to deliver") ? 0 : 1;
    }
    const tag = /^remote: release (main-[0-9a-f]+-[0-9]+)\s*$/m.exec(pushed.output)?.[1];
    if (!tag && /^remote: no build: /m.test(pushed.output)) {
      step(
        "nothing to build: the commits change only what Flux applies, docs or Markdown; Flux applies them as they are",
      );
      return 0;
    }
    if (!tag) {
      say(`not delivered: the pipeline of ${pushed.commit.slice(0, 7)} built no release (its output is above)`);
      return 1;
    }
    step(`the pipeline passed and pushed the images as ${tag}`);

    const policies = (await fluxField("imagepolicy", ".items[*].metadata.name")).split(" ").filter(Boolean);
    await waitForImagePolicies(policies, tag, { timeoutMs, intervalMs: 1000 });
    step(`every ImagePolicy chose ${tag}`);

    await reconcileNow(...FOLLOWING.map((env) => `imageupdateautomation/${env}-images`));
    for (const env of FOLLOWING) {
      await waitFor(
        async () => {
          const { items } = await kubectlJson<{ items: KnativeServiceWithImage[] }>(["-n", env, "get", "ksvc"]).catch(
            () => ({ items: [] }),
          );
          return (
            items.length > 0 &&
            items.every((s) => imageOf(s).endsWith(`:${tag}`) && isCurrentAndReady(s) && servesLatestOnly(s))
          );
        },
        { what: `every function of ${env} to run ${tag}`, timeoutMs, intervalMs: 2000 },
      );
      step(`${env} runs ${tag} on every function (its image automation's commit, applied by Flux)`);
    }
    if (values["no-promote"]) return 0;

    step(
      "npm run promote -- --from test --to prod --wait, under k6's steady traffic to prod (its Canaries judge requests)",
    );
    const { exitCode, resultsDir } = await promoteUnderLoad({
      from: "test",
      to: "prod",
      logPath: join(work, "promote.log"),
      waitMinutes,
      onLine: (line) => say(`  promote | ${line}`),
    });
    if (resultsDir) say(`k6 and the platform during the promotion: ${join(resultsDir, "report.html")}`);
    step(
      exitCode === 0
        ? `delivered: prod runs ${tag}, and no request to it failed meanwhile`
        : `not delivered to prod (the release run exited ${exitCode}: promote's lines and k6's verdict above)`,
    );
    return exitCode === 0 ? 0 : 1;
  } catch (error) {
    say(`not delivered: ${(error as Error).message}`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
