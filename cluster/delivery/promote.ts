/**
 * npm run promote -- [--from test] [--to prod] [--repository <git>] [--branch main] [--no-checks] [--dry-run]
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
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { type ImagePin, type PromotionChange, promotionChanges, promotionMessage } from "../src/flux/promotion.ts";
import { ENVIRONMENTS } from "../src/flux/secrets.ts";
import { GIT_REPOSITORY } from "../src/paths.ts";
import { platformAnswers } from "../test/checks/platform-answers.ts";
import { INGRESS_URL } from "../test/ingress.ts";
import { demoApiKey, imageOf, isCurrentAndReady, type KnativeServiceWithImage, kubectlJson } from "../test/kube.ts";
import { REPO, runCommand } from "../test/run-command.ts";

const run = promisify(execFile);
const say = (line: string) => process.stdout.write(`${line}\n`);

const USAGE = `usage: npm run promote -- [--from test] [--to prod] [--repository <git url or path>] [--branch main] [--no-checks] [--dry-run]
  --repository  the repository Flux reads (default: this machine's Git server, ${GIT_REPOSITORY})
  --no-checks   skip the checks on --from (a pipeline that ran them itself)
  --dry-run     check and print the commit, push nothing`;

interface Options {
  from: string;
  to: string;
  repository: string;
  branch: string;
  checks: boolean;
  dryRun: boolean;
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
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return USAGE;
  const known = ENVIRONMENTS as readonly string[];
  for (const flag of ["from", "to"] as const)
    if (!known.includes(values[flag])) return `--${flag}: "${values[flag]}" is not one of ${known.join(", ")}`;
  if (values.from === values.to)
    return `--from and --to are both "${values.to}": promote from one environment to another`;
  return {
    from: values.from,
    to: values.to,
    repository: values.repository,
    branch: values.branch,
    checks: !values["no-checks"],
    dryRun: values["dry-run"],
  };
}

/** The Services that do not run their pinned image Ready on their current generation, and what each runs instead. */
function notRunningPins(services: readonly KnativeServiceWithImage[], pins: readonly ImagePin[]): string[] {
  return services.flatMap((service) => {
    const image = imageOf(service);
    const pin = pins.find((p) => image.startsWith(`${p.name}:`));
    const ready = isCurrentAndReady(service);
    if (!pin || (image === `${pin.name}:${pin.newTag}` && ready)) return [];
    const ref = image.slice(pin.name.length + 1).replace(/(sha256:[0-9a-f]{12})[0-9a-f]+/, "$1");
    return [`${service.metadata.name} runs ${ref}${ready ? "" : ", not yet Ready"}`];
  });
}

async function checks(namespace: string, pins: readonly ImagePin[]): Promise<string | undefined> {
  say(`== checks on ${namespace}: it runs the images to promote`);
  const { items: services } = await kubectlJson<{ items: KnativeServiceWithImage[] }>(["-n", namespace, "get", "ksvc"]);
  const wrong = notRunningPins(services, pins);
  if (wrong.length > 0)
    return `${namespace} does not run what Git pins yet (${wrong.join("; ")}): wait for Flux to apply it`;

  say(`== checks on ${namespace}: the API probes (the quickstart's flow through the ingress)`);
  const probes = await platformAnswers.run({
    namespace,
    testNamespace: "cluster-test",
    resultsDir: join(REPO, "cluster", "test", "results"),
    log: (line) => say(`   ${line}`),
  });
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
    say(
      `promoted: ${await git("rev-parse", "--short", "HEAD")} pushed to ${repository} ${branch}; Flux applies it to ${to}`,
    );
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
