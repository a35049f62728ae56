import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canTakeOn, type NodeProcess, spawnNode, WarmNodePool } from "./node-processes.ts";
import { waitFor } from "./wait-for.ts";

describe("canTakeOn", () => {
  it.each([
    ["the same start-time variables", { NODE_OPTIONS: "--x", PORT: "1" }, { NODE_OPTIONS: "--x", PORT: "2" }, true],
    ["only variables read later differing", { PORT: "1", DATABASE_URL: "a" }, { PORT: "2" }, true],
    ["NODE_OPTIONS set by the manifest", { NODE_OPTIONS: "--require ./x.js" }, {}, false],
    ["NODE_OPTIONS the process started with, dropped", {}, { NODE_OPTIONS: "--x" }, false],
    ["UV_THREADPOOL_SIZE changed", { UV_THREADPOOL_SIZE: "16" }, { UV_THREADPOOL_SIZE: "4" }, false],
    ["LD_PRELOAD added", { LD_PRELOAD: "/x.so" }, {}, false],
  ])("%s: %s", (_case, env, startedWith, expected) => {
    expect(canTakeOn(env, startedWith)).toBe(expected);
  });
});

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Everything the process wrote to stdout, once it exits. */
function output(child: NodeProcess): Promise<string> {
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve) => child.once("exit", () => resolve(out)));
}

describe("WarmNodePool", () => {
  let dir: string;
  let entry: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "warm-node-"));
    entry = join(dir, "main.cjs");
    // What a replica sees of its process: its environment, argv, and its own module.
    await writeFile(
      entry,
      `console.log(JSON.stringify({ env: process.env, argv1: process.argv[1], file: __filename, pid: process.pid }));`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("runs the entry in the process it warmed, with exactly the environment given, then warms the next", async () => {
    // A variable of the platform's that the replica's environment does not have must not reach it.
    process.env.WARM_NODE_TEST_PLATFORM_ONLY = "x";
    const pool = new WarmNodePool(0);
    try {
      await pool.warmed();
      const warmPid = pool.idlePid;
      const { WARM_NODE_TEST_PLATFORM_ONLY: _dropped, ...platform } = process.env;
      const env = { ...platform, ONLY: "this" };
      const seen = JSON.parse(await output(pool.start(entry, env))) as {
        env: Record<string, string>;
        argv1: string;
        file: string;
        pid: number;
      };
      expect(seen.pid).toBe(warmPid);
      expect(seen.env).toEqual(env);
      expect(seen.argv1).toBe(entry);
      expect(seen.file).toBe(entry);

      await waitFor(() => pool.idlePid !== undefined, { what: "the next warm process", timeoutMs: 5000 });
      expect(pool.idlePid).not.toBe(warmPid);
    } finally {
      pool.close();
      delete process.env.WARM_NODE_TEST_PLATFORM_ONLY;
    }
  });

  it("spawns a process of its own for an environment read at start (NODE_OPTIONS), or once closed", async () => {
    const pool = new WarmNodePool(0);
    try {
      await pool.warmed();
      const warmPid = pool.idlePid;
      const own = pool.start(entry, { ...process.env, NODE_OPTIONS: "--no-warnings" });
      expect(own.pid).not.toBe(warmPid);
      expect(JSON.parse(await output(own)).env.NODE_OPTIONS).toBe("--no-warnings");
      expect(pool.idlePid).toBe(warmPid);
    } finally {
      pool.close();
    }
    const afterClose = pool.start(entry, {});
    expect(JSON.parse(await output(afterClose)).env).toEqual({});
  });

  it("lets an idle warm process go when closed (it exits on its own)", async () => {
    const pool = new WarmNodePool(0);
    await pool.warmed();
    const pid = pool.idlePid as number;
    pool.close();
    expect(pool.idlePid).toBeUndefined();
    await waitFor(() => !isRunning(pid), { what: `the idle warm process ${pid} to exit`, timeoutMs: 5000 });
  });

  it("spawnNode runs the entry as node <entry>", async () => {
    const child = spawnNode.start(entry, { ONLY: "this" });
    expect(JSON.parse(await output(child)).env).toEqual({ ONLY: "this" });
  });
});
