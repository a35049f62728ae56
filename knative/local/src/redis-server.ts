import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection } from "node:net";
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
  options: { port?: number; dataDir?: string; extraArgs?: string[] } = {},
): Promise<RunningRedis> {
  const binary = redisServerPath();
  if (!binary) throw new Error("redis-server is not installed (Debian: apt-get install redis-server)");
  const port = options.port ?? (await freePort());
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--protected-mode", "no", "--save", ""];
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
