/**
 * Runs the cluster's Ansible playbooks, streaming Ansible's own task lines as
 * progress, and saying which task is still running when one is silent for a
 * minute (a cold build).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SilenceWatch } from "./progress.ts";

const SILENT_MS = 60_000;

export const ANSIBLE_DIR = join(import.meta.dirname, "..", "ansible");

/** ansible-playbook on PATH, or where `pip install --user ansible-core` (npm run setup) put it. */
export function findAnsiblePlaybook(): string | undefined {
  const onPath = spawnSync("sh", ["-c", "command -v ansible-playbook"], { encoding: "utf8" });
  if (onPath.status === 0) return onPath.stdout.trim();
  const userBase = spawnSync("python3", ["-m", "site", "--user-base"], { encoding: "utf8" });
  const candidate = join(userBase.stdout.trim(), "bin", "ansible-playbook");
  return userBase.status === 0 && existsSync(candidate) ? candidate : undefined;
}

export interface PlaybookRun {
  playbook: "site.yml" | "down.yml" | "gitops.yml";
  tags?: string[];
  extraVars?: Record<string, string | boolean>;
  verbose?: boolean;
}

/** Resolves with ansible-playbook's exit code. */
export function runPlaybook(ansiblePlaybook: string, run: PlaybookRun): Promise<number> {
  const args: string[] = [run.playbook];
  if (run.tags && run.tags.length > 0) args.push("--tags", run.tags.join(","));
  if (run.extraVars) args.push("--extra-vars", JSON.stringify(run.extraVars));
  if (run.verbose) args.push("-v");
  const child = spawn(ansiblePlaybook, args, {
    cwd: ANSIBLE_DIR,
    stdio: ["inherit", "pipe", "inherit"],
    env: { ...process.env, ANSIBLE_CONFIG: join(ANSIBLE_DIR, "ansible.cfg"), ANSIBLE_FORCE_COLOR: "1" },
  });
  const watch = new SilenceWatch(SILENT_MS, Date.now());
  child.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    watch.output(chunk.toString("utf8"), Date.now());
  });
  const timer = setInterval(() => {
    const note = watch.noteAt(Date.now());
    if (note) process.stdout.write(`${note}\n`);
  }, 5_000);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      clearInterval(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
    child.on("error", () => {
      clearInterval(timer);
      resolve(127);
    });
  });
}
