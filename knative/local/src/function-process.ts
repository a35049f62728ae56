import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./local-state.ts";

export interface FunctionProcess {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs functions/<name> as its own Node process, as its container would:
 * `npm start` semantics (src/main.ts under tsx), PORT and the K_* variables set.
 */
export function startFunctionProcess(
  name: string,
  port: number,
  env: Record<string, string>,
  options: { stdout?: "inherit" | "ignore" } = {},
): FunctionProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "functions", name, "src/main.ts")], {
    cwd: join(repoRoot, "functions", name),
    env: { ...process.env, ...env, PORT: String(port), K_SERVICE: name, K_CONFIGURATION: name },
    stdio: ["ignore", options.stdout ?? "inherit", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls the readiness endpoint until it answers 200; rejects if the process exits first. */
export async function waitUntilReady(fn: FunctionProcess, timeoutMs = 30_000): Promise<void> {
  let exitCode: number | null | undefined;
  void fn.exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${fn.name} exited with code ${exitCode} before it was ready`);
    try {
      const res = await fetch(`${fn.url}/health/readiness`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${fn.name} was not ready within ${timeoutMs / 1000} s`);
}
