/**
 * npm run promote -- [--from test] [--to prod] [--repository <git>] [--branch main] [--no-checks] [--dry-run] [--wait]
 *
 * Promotes what `from` runs to `to` by a commit: clones the repository Flux
 * reads, reads the images `from` pins (its kustomizations' `images:`, kept at
 * main's newest build by Flux's image automation), checks `from` on the
 * cluster, then commits those pins into `to`'s kustomizations and pushes.
 * Flux applies the commit; on prod the Canary releases it.
 *
 * The checks, unless --no-checks (for a pipeline that ran them itself):
 * `from` runs exactly the pinned images; the API probes (the quickstart's
 * flow through the ingress with the demo tenant's key); the k6 `smoke`
 * scenario through the ingress. Any failure leaves the repository unchanged.
 *
 * With --wait it then follows the release on the cluster, a line per step
 * with its time since the push: Flux fetched the commit, the migrations Job
 * ran, each Service's Canary moved its traffic; it ends when every Service
 * serves the promoted images (exit 0) or a Canary rolled them back (exit 1).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { waitFor } from "@platform/processes/wait-for";
import { probeApi } from "../client/api-probes.ts";
import { INGRESS_URL } from "../client/ingress.ts";
import {
  demoApiKey,
  fluxField,
  imageOf,
  isCurrentAndReady,
  type KnativeServiceWithImage,
  kubectlJson,
  reconcileNow,
  servesLatestOnly,
} from "../client/kube.ts";
import { runCommand } from "../client/run-command.ts";
import { type ImagePin, type PromotionChange, promotionChanges, promotionMessage } from "../src/flux/promotion.ts";
import {
  type ReleasedService,
  type ReleaseVerdict,
  type ReleasingCanary,
  releaseVerdict,
  serviceStage,
} from "../src/flux/release-progress.ts";
import { revisionHolds } from "../src/flux/revision.ts";
import { ENVIRONMENTS } from "../src/flux/secrets.ts";
import { GIT_REPOSITORY } from "../src/paths.ts";

const run = promisify(execFile);
const say = (line: string) => process.stdout.write(`${line}\n`);

const USAGE = `usage: npm run promote -- [--from test] [--to prod] [--repository <git url or path>] [--branch main] [--no-checks] [--dry-run] [--wait [--wait-minutes 20]]
  --repository    the repository Flux reads (default: this machine's Git server, ${GIT_REPOSITORY})
  --no-checks     skip the checks on --from (a pipeline that ran them itself)
  --dry-run       check and print the commit, push nothing
  --wait          then follow the release on the cluster until --to serves it (or a Canary rolls it back)
  --wait-minutes  how long --wait follows it at most`;

interface Options {
  from: string;
  to: string;
  repository: string;
  branch: string;
  checks: boolean;
  dryRun: boolean;
  /** Follow the release for at most this long; undefined: do not. */
  waitMs: number | undefined;
}

function options(argv: string[]): Options | string {
  try {
    return checkedOptions(argv);
  } catch (error) {
    // parseArgs' own refusals: an unknown flag, a flag without its value.
    return (error as Error).message;
  }
}

function checkedOptions(argv: string[]): Options | string {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: "string", default: "test" },
      to: { type: "string", default: "prod" },
      repository: { type: "string", default: GIT_REPOSITORY },
      branch: { type: "string", default: "main" },
      "no-checks": { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      wait: { type: "boolean", default: false },
      "wait-minutes": { type: "string", default: "20" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return USAGE;
  const known = ENVIRONMENTS as readonly string[];
  for (const flag of ["from", "to"] as const)
    if (!known.includes(values[flag])) return `--${flag}: "${values[flag]}" is not one of ${known.join(", ")}`;
  if (values.from === values.to)
    return `--from and --to are both "${values.to}": promote from one environment to another`;
  const waitMinutes = Number(values["wait-minutes"]);
  if (!(waitMinutes > 0)) return `--wait-minutes: "${values["wait-minutes"]}" is not a number of minutes above 0`;
  return {
    from: values.from,
    to: values.to,
    repository: values.repository,
    branch: values.branch,
    checks: !values["no-checks"],
    dryRun: values["dry-run"],
    waitMs: values.wait ? waitMinutes * 60_000 : undefined,
  };
}

/** The Services that do not run their pinned image Ready on their current generation, and what each runs instead. */
function notRunningPins(services: readonly KnativeServiceWithImage[], pins: readonly ImagePin[]): string[] {
  return services.flatMap((service) => {
    const image = imageOf(service);
    const pin = pins.find((p) => image.startsWith(`${p.name}:`));
    const ready = isCurrentAndReady(service) && servesLatestOnly(service);
    if (!pin || (image === `${pin.name}:${pin.newTag}` && ready)) return [];
    const ref = image.slice(pin.name.length + 1).replace(/(sha256:[0-9a-f]{12})[0-9a-f]+/, "$1");
    return [`${service.metadata.name} runs ${ref}${ready ? "" : ", not yet Ready with all of its traffic"}`];
  });
}

async function checks(namespace: string, pins: readonly ImagePin[]): Promise<string | undefined> {
  say(`== checks on ${namespace}: it runs the images to promote`);
  const { items: services } = await kubectlJson<{ items: KnativeServiceWithImage[] }>(["-n", namespace, "get", "ksvc"]);
  const wrong = notRunningPins(services, pins);
  if (wrong.length > 0)
    return `${namespace} does not run what Git pins yet (${wrong.join("; ")}): wait for Flux to apply it`;

  say(`== checks on ${namespace}: the API probes (the quickstart's flow through the ingress)`);
  const probes = await probeApi(namespace, (line) => say(`   ${line}`));
  for (const figure of probes.figures) say(`   ${figure}`);
  if (!probes.ok) return "the API probes failed";

  say(`== checks on ${namespace}: k6 smoke through the ingress`);
  const redirect = services.find((s) => s.metadata.name === "redirect")?.status?.url;
  if (!redirect) return `${namespace} has no redirect Service with a URL`;
  const code = await runCommand("npm", ["run", "-s", "loadtest", "--", "smoke"], {
    ...process.env,
    BASE_URL: INGRESS_URL.origin,
    NAMESPACE: namespace,
    // <service>.<namespace>.<domain>: the domain is what follows the namespace in the Service's URL.
    DOMAIN: new URL(redirect).hostname.split(".").slice(2).join("."),
    API_KEY: await demoApiKey(namespace),
  });
  return code === 0 ? undefined : `k6 smoke failed (exit ${code})`;
}

/**
 * Follows the release of `pins` in `to` after `pushed` went to the Git server:
 * prints each step once, with its time since the push, until the verdict.
 * `applies(revision)`: whether Flux's revision (branch@sha1:<sha>) holds the push.
 */
async function followRelease(
  to: string,
  pins: readonly ImagePin[],
  applies: (revision: string) => Promise<boolean>,
  timeoutMs: number,
): Promise<ReleaseVerdict> {
  const pushedAt = Date.now();
  const step = (what: string, at = Date.now()) => say(`+${((at - pushedAt) / 1000).toFixed(1).padStart(6)} s  ${what}`);
  // What a push webhook (Flux's Receiver) does: fetch now instead of at the interval.
  await reconcileNow("gitrepository/flux-system");
  let fetched = false;
  let migrated = false;
  // A change of stage is printed once seen twice in a row (with the time it was
  // first seen): each traffic step Flagger writes is a new generation, not
  // Ready for the moment before Knative observes it, which is no news.
  const printed = new Map<string, string>();
  const seen = new Map<string, { stage: string; at: number }>();
  let verdict = { state: "waiting", for: ["Flux to fetch the commit"] } as ReleaseVerdict;
  try {
    await waitFor(
      async () => {
        if (!fetched && (await applies(await fluxField("gitrepository/flux-system", ".status.artifact.revision")))) {
          fetched = true;
          step("Flux fetched the commit");
        }
        const migrations = `kustomization/${to}-migrations`;
        if (fetched && !migrated && (await applies(await fluxField(migrations, ".status.lastAppliedRevision")))) {
          migrated = true;
          step(`${to}'s migrations Job ran the promoted image (${to}-migrations applied it, Ready)`);
        }
        const [{ items: services }, { items: canaries }] = await Promise.all([
          // A failed listing (the API server busy) is looked at again at the next interval.
          kubectlJson<{ items: ReleasedService[] }>(["-n", to, "get", "ksvc"]).catch(() => ({ items: [] })),
          kubectlJson<{ items: ReleasingCanary[] }>(["-n", to, "get", "canaries.flagger.app"]).catch(() => ({
            items: [],
          })),
        ]);
        for (const service of services) {
          const canary = canaries.find((c) => c.spec.targetRef.name === service.metadata.name);
          const stage = serviceStage(service, canary, pins, pushedAt);
          const name = service.metadata.name;
          const last = seen.get(name);
          if (last?.stage !== stage) seen.set(name, { stage, at: Date.now() });
          // The first look is news at once; a change is once it holds.
          if (!printed.has(name) || (last?.stage === stage && printed.get(name) !== stage)) {
            printed.set(name, stage);
            step(stage, last?.stage === stage ? last.at : Date.now());
          }
        }
        verdict = migrated ? releaseVerdict(services, canaries, pins, pushedAt) : verdict;
        return verdict.state !== "waiting";
      },
      { what: `${to} to serve the promoted images`, timeoutMs, intervalMs: 2000 },
    );
  } catch {
    // waitFor's timeout: the verdict is still "waiting", and says for what.
  }
  for (const [name, { stage, at }] of seen) if (printed.get(name) !== stage) step(stage, at);
  switch (verdict.state) {
    case "released":
      step(`${to} serves the promoted images`);
      break;
    case "rolled back":
      step(`rolled back: ${verdict.why}`);
      break;
    case "waiting":
      step(`gave up after ${timeoutMs / 60_000} min, waiting for ${verdict.for.join("; ")}`);
  }
  return verdict;
}

async function main(): Promise<number> {
  const parsed = options(process.argv.slice(2));
  if (typeof parsed === "string") {
    process.stderr.write(`${parsed}\n${parsed === USAGE ? "" : `\n${USAGE}\n`}`);
    return parsed === USAGE ? 0 : 2;
  }
  const { from, to, repository, branch } = parsed;
  const work = mkdtempSync(join(tmpdir(), "promote-"));
  const git = async (...args: string[]) => (await run("git", ["-C", work, ...args])).stdout.trim();
  try {
    try {
      await run("git", ["clone", "--quiet", "--branch", branch, repository, work]);
    } catch (error) {
      say(`not promoted: could not clone ${branch} of ${repository}: ${(error as { stderr?: string }).stderr?.trim()}`);
      return 1;
    }
    const file = (env: string, part: string) => join(work, "flux", "apps", env, part, "kustomization.yaml");
    let changes: PromotionChange[];
    try {
      changes = promotionChanges((env, part) => readFileSync(file(env, part), "utf8"), from, to);
    } catch (error) {
      say(`not promoted: ${(error as Error).message}`);
      return 1;
    }
    const base = await git("rev-parse", "--short", "HEAD");
    if (changes.length === 0) {
      say(`${to} already pins the images ${from} pins (${branch} at ${base}): nothing to promote`);
      return 0;
    }
    const message = promotionMessage(from, to, changes);
    say(`${branch} at ${base}: ${message.split("\n")[0]}`);

    if (parsed.checks) {
      const failed = await checks(
        from,
        changes.flatMap((c) => c.pins),
      );
      if (failed) {
        say(`not promoted: ${failed}`);
        return 1;
      }
    }

    for (const change of changes) writeFileSync(file(to, change.part), change.text);
    const identity = (await git("config", "user.name").catch(() => ""))
      ? []
      : ["-c", "user.name=npm run promote", "-c", "user.email=promote@knative-functions-platform.invalid"];
    await run("git", ["-C", work, ...identity, "commit", "--quiet", "-am", message]);
    const commit = await git("rev-parse", "--short", "HEAD");
    say(await git("show", "--stat", "--format=%h %s", "HEAD"));
    if (parsed.dryRun) {
      say(`dry run: ${commit} not pushed`);
      return 0;
    }
    // Image automation may push to the same branch meanwhile; it writes other
    // environments' files, so the promotion goes on top of its commits.
    for (let attempt = 1; ; attempt++) {
      try {
        await git("push", "--quiet", "origin", `HEAD:${branch}`);
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        say(`the push was refused (${branch} moved); rebasing on it, attempt ${attempt + 1} of 3`);
        await git("pull", "--quiet", "--rebase", "origin", branch);
      }
    }
    const pushed = await git("rev-parse", "HEAD");
    say(`promoted: ${pushed.slice(0, 7)} pushed to ${repository} ${branch}; Flux applies it to ${to}`);
    if (parsed.waitMs === undefined) return 0;
    // Flux may fetch a later commit (image automation pushes too): it applies ours if ours is in it.
    const applies = (revision: string) =>
      revisionHolds(revision, pushed, async (ancestor, descendant) => {
        await git("fetch", "--quiet", "origin", branch);
        return git("merge-base", "--is-ancestor", ancestor, descendant).then(
          () => true,
          () => false,
        );
      });
    const verdict = await followRelease(
      to,
      changes.flatMap((c) => c.pins),
      applies,
      parsed.waitMs,
    );
    return verdict.state === "released" ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
