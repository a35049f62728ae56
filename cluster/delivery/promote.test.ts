/** npm run promote on a real Git repository (a bare one made here), without the checks that need a cluster. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const repo = new URL("../../", import.meta.url).pathname;
const TAG = "main-0123abcd4567-1764500000";
let work: string;
let bare: string;

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    encoding: "utf8",
  }).trim();
const promote = (...args: string[]) =>
  spawnSync(join(repo, "node_modules/.bin/tsx"), [join(repo, "cluster/delivery/promote.ts"), ...args], {
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" },
  });

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "promote-test-"));
  const seed = join(work, "seed");
  for (const env of ["test", "prod"])
    for (const part of ["functions", "migrations"]) {
      mkdirSync(join(seed, `flux/apps/${env}/${part}`), { recursive: true });
      const file = join(seed, `flux/apps/${env}/${part}/kustomization.yaml`);
      writeFileSync(file, readFileSync(join(repo, `flux/apps/${env}/${part}/kustomization.yaml`), "utf8"));
    }
  for (const part of ["functions", "migrations"]) {
    const file = join(seed, `flux/apps/test/${part}/kustomization.yaml`);
    writeFileSync(file, readFileSync(file, "utf8").replaceAll("newTag: 0.1.0", `newTag: ${TAG}`));
  }
  git(seed, "init", "--quiet", "--initial-branch", "main");
  git(seed, "add", ".");
  git(seed, "commit", "--quiet", "-m", "seed");
  bare = join(work, "repo.git");
  execFileSync("git", ["clone", "--quiet", "--bare", seed, bare]);
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

describe("npm run promote --no-checks", () => {
  it("commits test's images into prod's kustomizations and pushes to the branch", () => {
    const run = promote("--repository", bare, "--no-checks");
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`promote test to prod: ${TAG}`);
    expect(git(bare, "log", "-1", "--format=%s%n%b")).toBe(
      `promote test to prod: ${TAG}\n` +
        ["links", "redirect", "analytics", "web", "migrations"]
          .map((i) => `- ${i}: (its default) -> ${TAG}`)
          .join("\n"),
    );
    expect(git(bare, "diff", "--name-only", "HEAD~1", "HEAD").split("\n")).toEqual([
      "flux/apps/prod/functions/kustomization.yaml",
      "flux/apps/prod/migrations/kustomization.yaml",
    ]);
    expect(git(bare, "show", "HEAD:flux/apps/prod/migrations/kustomization.yaml")).toContain(
      `  - name: ghcr.io/knative-functions-platform/migrations\n    newTag: ${TAG}`,
    );
  });

  it("pushes nothing the second time: prod already pins them", () => {
    expect(promote("--repository", bare, "--no-checks").status).toBe(0);
    const head = git(bare, "rev-parse", "HEAD");
    const again = promote("--repository", bare, "--no-checks");
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("nothing to promote");
    expect(git(bare, "rev-parse", "HEAD")).toBe(head);
  });

  it("pushes nothing on a dry run", () => {
    const head = git(bare, "rev-parse", "HEAD");
    const run = promote("--repository", bare, "--no-checks", "--dry-run");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/dry run: [0-9a-f]+ not pushed/);
    expect(git(bare, "rev-parse", "HEAD")).toBe(head);
  });

  it("refuses bad arguments with the flag and the fix, before touching anything", () => {
    const same = promote("--repository", bare, "--from", "prod", "--to", "prod");
    expect(same.status).toBe(2);
    expect(same.stderr).toContain('--from and --to are both "prod"');
    const unknown = promote("--repository", bare, "--to", "qa");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--to: "qa" is not one of dev, test, prod');
    const misspelt = promote("--repository", bare, "--dryrun");
    expect(misspelt.status).toBe(2);
    expect(misspelt.stderr).toContain("Unknown option '--dryrun'");
    expect(misspelt.stderr).not.toContain("    at ");
    const never = promote("--repository", bare, "--wait", "--wait-minutes", "soon");
    expect(never.status).toBe(2);
    expect(never.stderr).toContain('--wait-minutes: "soon" is not a number of minutes above 0');
    const missing = promote("--repository", join(work, "nowhere.git"), "--no-checks");
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain(`not promoted: could not clone main of ${join(work, "nowhere.git")}`);
  });
});
