/**
 * Image automation on the real cluster: a new build of main, pushed to the
 * cluster's registry by the script CI uses (platform-images.sh --release),
 * reaches dev by Flux alone. image-reflector-controller finds the new tags,
 * the ImagePolicies choose them, image-automation-controller commits them to
 * flux/apps/dev and pushes to the Git server over HTTP with its password, and
 * dev's Kustomizations apply that commit: the migrations Job of the new build,
 * then every function on its new image. Each step's time is a figure.
 * Runs after the gitops check (Flux bootstrapped, dev reconciled from Git).
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { waitFor } from "@platform/processes/wait-for";
import { GIT_REPOSITORY } from "../../src/paths.ts";
import type { Check } from "../check.ts";
import { type ImageStep, releaseTagOf, stepFigures, tagsSet } from "../image-update-course.ts";
import { isReady, type KnativeService, kubectl, kubectlJson } from "../kube.ts";
import { REPO } from "../run-command.ts";

const run = promisify(execFile);
const FUNCTIONS = ["links", "redirect", "analytics", "web"];
const IMAGES = [...FUNCTIONS, "migrations"];
const AUTOMATION = "dev-images";

interface ServiceWithImage extends KnativeService {
  spec: { template: { spec: { containers: { image: string }[] } } };
}

/** A command's standard output; its progress (standard error) shown as it goes. */
function stdoutOf(command: string, args: string[]): Promise<string> {
  const child = spawn(command, args, { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}`))));
  });
}

const flux = (...args: string[]) => kubectl(["-n", "flux-system", ...args]);
const jsonpath = (resource: string, path: string) => flux("get", resource, "-o", `jsonpath={${path}}`);
/** What a registry's or Git server's webhook does through Flux's Receiver: reconcile now, not at the interval. */
const reconcileNow = (...resources: string[]) =>
  flux("annotate", "--overwrite", ...resources, `reconcile.fluxcd.io/requestedAt=${Date.now()}`);

export const imageUpdate: Check = {
  name: "Image automation: a new build of main pushed to the registry reaches dev by Flux alone (scan, policy, commit, apply)",
  async run({ namespace, log }) {
    const missing = [];
    for (const name of ["image-reflector-controller", "image-automation-controller"]) {
      if (!(await flux("get", "deployment", name, "--ignore-not-found", "-o", "name"))) missing.push(name);
    }
    if (missing.length > 0)
      return { ok: false, figures: [`not on the cluster: ${missing.join(", ")} (npm run cluster -- gitops)`] };
    const git = async (...args: string[]) => (await run("git", ["--git-dir", GIT_REPOSITORY, ...args])).stdout.trim();
    const base = await git("rev-parse", "refs/heads/main");

    const started = Date.now();
    const steps: ImageStep[] = [];
    const step = (name: string) => steps.push({ name, at: Date.now() });
    log("building and pushing the platform's images with a release tag (cluster/images/platform-images.sh --release)");
    const tag = releaseTagOf(await stdoutOf(`${REPO}/cluster/images/platform-images.sh`, ["--release"]));
    step(`images built and pushed as ${tag}`);

    await reconcileNow(...IMAGES.map((i) => `imagerepository/${i}`));
    await waitFor(
      async () => {
        for (const image of IMAGES)
          if ((await jsonpath(`imagepolicy/${image}`, ".status.latestRef.tag")) !== tag) return false;
        return true;
      },
      { what: `every ImagePolicy to choose ${tag}`, timeoutMs: 120_000, intervalMs: 500 },
    );
    step("scanned, and chosen by every ImagePolicy");

    // The automation may commit as each policy moves; main is done once every setter holds the tag.
    await reconcileNow(`imageupdateautomation/${AUTOMATION}`);
    let commit = "";
    await waitFor(
      async () => {
        commit = await git("rev-parse", "refs/heads/main");
        if (commit === base) return false;
        const setters = await Promise.all(
          ["functions", "migrations"].map((part) =>
            git("show", `${commit}:flux/apps/${namespace}/${part}/kustomization.yaml`),
          ),
        );
        return tagsSet(setters.join("\n"), IMAGES, tag);
      },
      { what: `${AUTOMATION} to push ${tag} for every image`, timeoutMs: 120_000, intervalMs: 500 },
    );
    step(`committed and pushed to the Git server (${commit.slice(0, 7)})`);
    const authors = new Set((await git("log", "--format=%an", `${base}..${commit}`)).split("\n"));
    const commits = (await git("rev-list", "--count", `${base}..${commit}`)).trim();
    const changed = (await git("diff", "--name-only", base, commit)).split("\n").filter(Boolean);
    log(`${commits} commit(s) by ${[...authors].join(", ")}: ${changed.join(", ")}`);

    await reconcileNow("gitrepository/flux-system");
    await waitFor(
      async () => (await jsonpath("gitrepository/flux-system", ".status.artifact.revision")).endsWith(commit),
      {
        what: `the GitRepository to fetch ${commit.slice(0, 7)}`,
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
    step("fetched by source-controller");

    const appliedBy = async (kustomization: string) =>
      (await jsonpath(`kustomization/${kustomization}`, ".status.lastAppliedRevision")).endsWith(commit);
    await waitFor(() => appliedBy(`${namespace}-migrations`), {
      what: `${namespace}-migrations to run the new build's Job`,
      timeoutMs: 600_000,
      intervalMs: 1000,
    });
    step("migrations Job of the new build complete");

    const services: Record<string, ServiceWithImage> = {};
    await waitFor(
      async () => {
        for (const name of FUNCTIONS) {
          const service = await kubectlJson<ServiceWithImage>(["-n", namespace, "get", "ksvc", name]);
          services[name] = service;
          const image = service.spec.template.spec.containers[0]?.image ?? "";
          const current = service.status?.observedGeneration === service.metadata.generation;
          if (!image.endsWith(`:${tag}`) || !current || !isReady(service.status?.conditions)) return false;
        }
        return appliedBy(`${namespace}-functions`);
      },
      { what: `every function in ${namespace} to run ${tag}`, timeoutMs: 600_000, intervalMs: 1000 },
    );
    step(`every function Ready on ${tag}`);

    const pushed = await jsonpath(`imageupdateautomation/${AUTOMATION}`, ".status.lastPushCommit");
    const figures = stepFigures(started, steps);
    figures.push(
      `${commits} commit(s) on main by ${[...authors].join(", ")} (the automation's last push: ${pushed.slice(0, 7)}), changing ${changed.join(", ")}`,
      ...FUNCTIONS.map((name) => `${name}: ${services[name]?.status?.latestReadyRevisionName} on ${tag}`),
    );
    const ok =
      authors.size === 1 &&
      authors.has("fluxcdbot") &&
      pushed === commit &&
      changed.length > 0 &&
      changed.every((file) => file.startsWith(`flux/apps/${namespace}/`));
    return { ok, figures };
  },
};
