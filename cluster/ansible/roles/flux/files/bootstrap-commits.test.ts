/**
 * What a bootstrap makes of the Git server's main, on real repositories:
 * replay-on-main.sh (the clone's new commits replayed on main, which keeps the
 * automations' and promotions' commits) then commit-sealed.sh (the sealed
 * Secrets on top, nothing new when they are there already).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const here = new URL(".", import.meta.url).pathname;
let work = "";
const bare = () => join(work, "server.git");
const clone = () => join(work, "clone");
const sealed = () => join(work, "sealed");
const identity = ["-c", "user.name=t", "-c", "user.email=t@localhost"];
const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-C", dir, ...identity, ...args], { encoding: "utf8", stdio: "pipe" }).trim();
const server = (...args: string[]) => git(bare(), ...args);

function commit(dir: string, path: string, text: string): string {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), text);
  git(dir, "add", "-A");
  git(dir, "commit", "--quiet", "-m", path);
  return git(dir, "rev-parse", "HEAD");
}

/** A bootstrap as the flux role runs it: push HEAD aside, replay, seal. Returns main. */
function bootstrap(): string {
  const head = git(clone(), "rev-parse", "HEAD");
  git(clone(), "push", "--quiet", "--force", bare(), "HEAD:refs/bootstrap/head");
  const base = execFileSync(join(here, "replay-on-main.sh"), [bare(), head, "main"], { encoding: "utf8" }).trim();
  execFileSync(join(here, "commit-sealed.sh"), [bare(), base, sealed(), "main"], { encoding: "utf8" });
  return server("rev-parse", "main");
}

const fileOnMain = (path: string) => server("show", `main:${path}`);

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "bootstrap-commits-"));
  execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare()]);
  execFileSync("git", ["init", "--quiet", "--initial-branch=main", clone()]);
  mkdirSync(join(sealed(), "dev"), { recursive: true });
  writeFileSync(join(sealed(), "dev", "platform-secrets.yaml"), "sealed: 1\n");
  commit(clone(), "flux/apps/prod/functions/kustomization.yaml", "pin: 0.1.0\n");
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("a bootstrap of the Git server's main", () => {
  it("first: the clone's HEAD with the sealed Secrets on top", () => {
    const main = bootstrap();
    expect(server("rev-parse", "main^")).toBe(git(clone(), "rev-parse", "HEAD"));
    expect(fileOnMain("flux/secrets/dev/platform-secrets.yaml")).toBe("sealed: 1");
    expect(bootstrap()).toBe(main);
  });

  it("again, after a promotion on the server: the clone's new commits go on top, the promotion stays", () => {
    bootstrap();
    const other = join(work, "other");
    execFileSync("git", ["clone", "--quiet", bare(), other]);
    commit(other, "flux/apps/prod/functions/kustomization.yaml", "pin: main-abc-1\n");
    git(other, "push", "--quiet", "origin", "HEAD:main");
    const promoted = server("rev-parse", "main");
    commit(clone(), "functions/redirect/src/app.ts", "export const v = 2;\n");

    const main = bootstrap();
    expect(fileOnMain("flux/apps/prod/functions/kustomization.yaml")).toBe("pin: main-abc-1");
    expect(fileOnMain("functions/redirect/src/app.ts")).toBe("export const v = 2;");
    expect(server("merge-base", "--is-ancestor", promoted, main)).toBe("");
    // The sealed files are there already: no commit of its own this time.
    expect(server("log", "--format=%s", "-1", "main")).toBe("functions/redirect/src/app.ts");
    expect(bootstrap()).toBe(main);
  });

  it("new sealed values: a sealed commit on top of the replay", () => {
    bootstrap();
    commit(clone(), "README.md", "x\n");
    writeFileSync(join(sealed(), "dev", "platform-secrets.yaml"), "sealed: 2\n");
    bootstrap();
    expect(fileOnMain("flux/secrets/dev/platform-secrets.yaml")).toBe("sealed: 2");
    expect(fileOnMain("README.md")).toBe("x");
  });

  it("a clone whose commits conflict with main: the clone's HEAD wins, as on a first bootstrap", () => {
    bootstrap();
    const other = join(work, "other");
    execFileSync("git", ["clone", "--quiet", bare(), other]);
    commit(other, "flux/apps/prod/functions/kustomization.yaml", "pin: main-abc-1\n");
    git(other, "push", "--quiet", "origin", "HEAD:main");
    commit(clone(), "flux/apps/prod/functions/kustomization.yaml", "pin: by hand\n");
    bootstrap();
    expect(fileOnMain("flux/apps/prod/functions/kustomization.yaml")).toBe("pin: by hand");
    expect(server("rev-parse", "main^")).toBe(git(clone(), "rev-parse", "HEAD"));
    expect(readFileSync(join(sealed(), "dev", "platform-secrets.yaml"), "utf8")).toBe("sealed: 1\n");
  });
});
