import { spawn } from "node:child_process";
import { join } from "node:path";

export const REPO = join(import.meta.dirname, "..", "..");

/** A command of the repository run with the output shown; resolves with its exit code (127: could not start). */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const child = spawn(command, args, { cwd: REPO, env, stdio: "inherit" });
  return new Promise((resolve) => {
    child.on("exit", (code) => resolve(code ?? 1));
    child.on("error", () => resolve(127));
  });
}

/** A command's standard output; its progress (standard error) shown as it goes. Rejects unless it exits 0. */
export function stdoutOf(command: string, args: string[]): Promise<string> {
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
