/**
 * Image automation on the real cluster: a new build of main, pushed to the
 * cluster's registry by the script CI uses (platform-images.sh --release),
 * reaches dev and test by Flux alone. image-reflector-controller finds the new
 * tags, the ImagePolicies choose them, image-automation-controller commits
 * them to flux/apps/dev and flux/apps/test (one automation each) and pushes to
 * the Git server over HTTP with its password, and each environment's
 * Kustomizations apply that: the migrations Job of the new build, then every
 * function on its new image. Each step's time is a figure.
 * Runs after the gitops check (Flux bootstrapped, the environments reconciled from Git).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { waitFor } from "@platform/processes/wait-for";
import {
  fluxField,
  type KnativeServiceWithImage,
  kubectl,
  kubectlJson,
  pendingPods,
  reconcileNow,
  waitForImagePolicies,
} from "../../client/kube.ts";
import { REPO, stdoutOf } from "../../client/run-command.ts";
import { revisionHolds } from "../../src/flux/revision.ts";
import { GIT_REPOSITORY } from "../../src/paths.ts";
import type { Check } from "../check.ts";
import { type ImageStep, releaseTagOf, rolloutHoldUp, stepFigures, tagsSet } from "../image-update-course.ts";

const run = promisify(execFile);
/** The environments that follow main's newest build, each with its automation `<env>-images`. */
const FOLLOWING = ["dev", "test"];

const flux = (...args: string[]) => kubectl(["-n", "flux-system", ...args]);

export const imageUpdate: Check = {
  name: "Image automation: a new build of main pushed to the registry reaches dev and test by Flux alone (scan, policy, commit, apply)",
  async run({ log }) {
    const missing = [];
    for (const name of ["image-reflector-controller", "image-automation-controller"]) {
      if (!(await flux("get", "deployment", name, "--ignore-not-found", "-o", "name"))) missing.push(name);
    }
    if (missing.length > 0)
      return { ok: false, figures: [`not on the cluster: ${missing.join(", ")} (npm run cluster -- gitops)`] };
    // One ImagePolicy per image the platform builds (flux/infrastructure/images); every one but migrations is a function.
    const images = (await fluxField("imagepolicy", ".items[*].metadata.name")).split(" ").filter(Boolean);
    const functions = images.filter((image) => image !== "migrations");
    if (functions.length === 0 || functions.length === images.length)
      return {
        ok: false,
        figures: [
          `ImagePolicies in flux-system: ${images.join(", ") || "none"}; expected the functions' and migrations'`,
        ],
      };
    const git = async (...args: string[]) => (await run("git", ["--git-dir", GIT_REPOSITORY, ...args])).stdout.trim();
    const base = await git("rev-parse", "refs/heads/main");

    const started = Date.now();
    const steps: ImageStep[] = [];
    const step = (name: string) => steps.push({ name, at: Date.now() });
    const services: Record<string, KnativeServiceWithImage> = {};
    let tag = "";
    try {
      log(
        "building and pushing the platform's images with a release tag (cluster/images/platform-images.sh --release)",
      );
      tag = releaseTagOf(await stdoutOf(`${REPO}/cluster/images/platform-images.sh`, ["--release"]));
      step(`images built and pushed as ${tag}`);

      await waitForImagePolicies(images, tag, { timeoutMs: 120_000, intervalMs: 500 });
      step("scanned, and chosen by every ImagePolicy");

      // Each automation may commit as each policy moves; main is done once every setter of both holds the tag.
      await reconcileNow(...FOLLOWING.map((env) => `imageupdateautomation/${env}-images`));
      let commit = "";
      await waitFor(
        async () => {
          commit = await git("rev-parse", "refs/heads/main");
          if (commit === base) return false;
          // Each environment's own setters (functions and migrations) must all hold the tag.
          const environments = await Promise.all(
            FOLLOWING.map(async (env) =>
              (
                await Promise.all(
                  ["functions", "migrations"].map((part) =>
                    git("show", `${commit}:flux/apps/${env}/${part}/kustomization.yaml`),
                  ),
                )
              ).join("\n"),
            ),
          );
          return environments.every((setters) => tagsSet(setters, images, tag));
        },
        {
          what: `${FOLLOWING.join(" and ")}'s automations to push ${tag} for every image`,
          timeoutMs: 120_000,
          intervalMs: 500,
        },
      );
      step(`committed and pushed to the Git server (${commit.slice(0, 7)})`);
      const authors = new Set((await git("log", "--format=%an", `${base}..${commit}`)).split("\n"));
      const commits = (await git("rev-list", "--count", `${base}..${commit}`)).trim();
      const changed = (await git("diff", "--name-only", base, commit)).split("\n").filter(Boolean);
      log(`${commits} commit(s) by ${[...authors].join(", ")}: ${changed.join(", ")}`);

      await reconcileNow("gitrepository/flux-system");
      // Flux's revisions count once they hold the commit: an automation may push after it.
      const holdsCommit = (revision: string) =>
        revisionHolds(revision, commit, (ancestor, descendant) =>
          git("merge-base", "--is-ancestor", ancestor, descendant).then(
            () => true,
            () => false,
          ),
        );
      await waitFor(
        async () => holdsCommit(await fluxField("gitrepository/flux-system", ".status.artifact.revision")),
        {
          what: `the GitRepository to fetch ${commit.slice(0, 7)}`,
          timeoutMs: 120_000,
          intervalMs: 500,
        },
      );
      step("fetched by source-controller");

      const appliedBy = async (kustomization: string) =>
        holdsCommit(await fluxField(`kustomization/${kustomization}`, ".status.lastAppliedRevision"));
      await waitFor(
        async () => (await Promise.all(FOLLOWING.map((env) => appliedBy(`${env}-migrations`)))).every(Boolean),
        {
          what: `${FOLLOWING.join(" and ")}'s migrations to run the new build's Job`,
          timeoutMs: 600_000,
          intervalMs: 1000,
        },
      );
      step("migrations Jobs of the new build complete");

      await waitFor(
        async () => {
          for (const env of FOLLOWING)
            for (const name of functions)
              services[`${env}/${name}`] = await kubectlJson<KnativeServiceWithImage>(["-n", env, "get", "ksvc", name]);
          if (Object.values(services).some((service) => rolloutHoldUp(service, tag))) return false;
          return (await Promise.all(FOLLOWING.map((env) => appliedBy(`${env}-functions`)))).every(Boolean);
        },
        { what: `every function in ${FOLLOWING.join(" and ")} to run ${tag}`, timeoutMs: 600_000, intervalMs: 1000 },
      );
      step(`every function Ready on ${tag}`);

      const pushes = await Promise.all(
        FOLLOWING.map((env) => fluxField(`imageupdateautomation/${env}-images`, ".status.lastPushCommit")),
      );
      const figures = stepFigures(started, steps);
      figures.push(
        `${commits} commit(s) on main by ${[...authors].join(", ")} (the automations' last pushes: ${pushes.map((p) => p.slice(0, 7)).join(", ")}), changing ${changed.join(", ")}`,
        ...Object.entries(services).map(([name, s]) => `${name}: ${s.status?.latestReadyRevisionName} on ${tag}`),
      );
      const ok =
        authors.size === 1 &&
        authors.has("fluxcdbot") &&
        pushes.includes(commit) &&
        FOLLOWING.every((env) => changed.some((file) => file.startsWith(`flux/apps/${env}/`))) &&
        changed.every((file) => FOLLOWING.some((env) => file.startsWith(`flux/apps/${env}/`)));
      return { ok, figures };
    } catch (error) {
      // A timeout alone says nothing of why: the steps done, what Knative reports of each Service, and what waits for a node.
      const holdUps = Object.entries(services).flatMap(([name, service]) => {
        const why = rolloutHoldUp(service, tag);
        return why ? [`${name}: ${why}`] : [];
      });
      const pending = await pendingPods().catch((e: Error) => [`(Pending pods unknown: ${e.message})`]);
      return {
        ok: false,
        figures: [...stepFigures(started, steps), `error: ${(error as Error).message}`, ...holdUps, ...pending],
      };
    }
  },
};
