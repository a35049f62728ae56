import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

export interface RunningRedis {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function redisServerPath(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

/**
 * A real redis-server on loopback. With `dataDir` it keeps an append-only
 * file there between runs; without it, nothing is written to disk.
 */
export async function startRedisServer(
  options: { port?: number; dataDir?: string; extraArgs?: string[]; configFile?: string } = {},
): Promise<RunningRedis> {
  const binary = redisServerPath();
  if (!binary) throw new Error("redis-server is not installed (Debian: apt-get install redis-server)");
  const port = options.port ?? (await freePort());
  const args = [
    ...(options.configFile ? [options.configFile] : []),
    ...["--port", String(port), "--bind", "127.0.0.1", "--protected-mode", "no", "--save", ""],
  ];
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push("--dir", options.dataDir, "--appendonly", "yes");
  } else {
    args.push("--appendonly", "no");
  }
  args.push(...(options.extraArgs ?? []));
  const child = spawn(binary, args, { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // The server must not outlive this process if it ends without stop().
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  await waitForPort(port, 5000, exited);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    stop: async () => {
      process.removeListener("exit", killOnExit);
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * A redis-server in Sentinel mode watching the primary at `primaryPort` as
 * `name`; it decides a failover with `quorum` Sentinels after 1 s without an
 * answer (tests and labs want it fast; the default is 30 s).
 */
export async function startRedisSentinel(options: {
  primaryPort: number;
  name: string;
  quorum: number;
  dir: string;
}): Promise<RunningRedis> {
  mkdirSync(options.dir, { recursive: true });
  const port = await freePort();
  const config = join(options.dir, `sentinel-${port}.conf`);
  // Sentinel rewrites its own configuration file as it learns the topology.
  writeFileSync(
    config,
    [
      `port ${port}`,
      "bind 127.0.0.1",
      "protected-mode no",
      `dir ${options.dir}`,
      `sentinel monitor ${options.name} 127.0.0.1 ${options.primaryPort} ${options.quorum}`,
      `sentinel down-after-milliseconds ${options.name} 1000`,
      `sentinel failover-timeout ${options.name} 5000`,
      `sentinel parallel-syncs ${options.name} 1`,
      "",
    ].join("\n"),
  );
  return startRedisServer({ port, configFile: config, extraArgs: ["--sentinel"] });
}

async function waitForPort(port: number, timeoutMs: number, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`redis-server exited before listening on port ${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: "127.0.0.1" });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
}
