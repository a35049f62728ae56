/**
 * The Git server's post-receive hook on a real bare repository: which pushes
 * run the pipeline. The repository's platform.pipeline names a script that
 * records its arguments instead of building (the pipeline itself is
 * pipeline.sh, run on the cluster by `npm run deliver`).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const hook = new URL("./post-receive", import.meta.url).pathname;
let work = "";
const bare = () => join(work, "server.git");
const clone = () => join(work, "clone");
const ran = () => join(work, "ran");
const git = (...args: string[]) =>
  execFileSync("git", ["-C", clone(), "-c", "user.name=t", "-c", "user.email=t@localhost", ...args], {
    encoding: "utf8",
    stdio: "pipe",
  });

function commitAndPush(files: Record<string, string>, ref = "main"): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(clone(), path, ".."), { recursive: true });
    writeFileSync(join(clone(), path), text);
  }
  git("add", "-A");
  git("commit", "--quiet", "-m", Object.keys(files).join(" "));
  execFileSync("git", ["-C", clone(), "push", "--quiet", "origin", `HEAD:${ref}`], { stdio: "pipe" });
}

const runs = () =>
  readFileSync(ran(), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" ")[1]);
const head = () => git("rev-parse", "HEAD").trim();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "post-receive-"));
  execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare()]);
  copyFileSync(hook, join(bare(), "hooks", "post-receive"));
  chmodSync(join(bare(), "hooks", "post-receive"), 0o755);
  const pipeline = join(work, "pipeline.sh");
  writeFileSync(pipeline, `#!/bin/sh\necho "$1 $2" >> ${ran()}\n`);
  chmodSync(pipeline, 0o755);
  writeFileSync(ran(), "");
  execFileSync("git", ["--git-dir", bare(), "config", "platform.pipeline", pipeline]);
  execFileSync("git", ["init", "--quiet", "--initial-branch=main", clone()]);
  git("remote", "add", "origin", bare());
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("the post-receive hook", () => {
  it("runs the pipeline on the first push of main, with the repository and the commit", () => {
    commitAndPush({ "functions/links/src/app.ts": "export {};\n" });
    expect(readFileSync(ran(), "utf8").trim()).toBe(`${bare()} ${head()}`);
  });

  it("runs it for a change to code, not for one to what Flux applies, docs or Markdown", () => {
    const before = runs().length;
    commitAndPush({ "flux/apps/dev/functions/kustomization.yaml": "images: []\n" });
    commitAndPush({ "knative/overlays/dev/kustomization.yaml": "resources: []\n" });
    commitAndPush({ "docs/gitops.md": "# x\n", "README.md": "# y\n" });
    expect(runs().length).toBe(before);
    commitAndPush({ "functions/redirect/src/app.ts": "export const x = 1;\n", "docs/a.md": "a\n" });
    expect(runs().slice(before)).toEqual([head()]);
    commitAndPush({ "package-lock.json": "{}\n" });
    expect(runs().at(-1)).toBe(head());
  });

  it("leaves other branches alone", () => {
    const before = runs().length;
    commitAndPush({ "functions/web/src/app.ts": "export {};\n" }, "feature");
    expect(runs().length).toBe(before);
  });
});
