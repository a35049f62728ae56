/** How npm run test:api calls schemathesis and reads its report; pure apart from finding the binary. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The seed every run starts with, so a failure found once is found again. */
export const FIXED_SEED = 20_261_129;

/** `st` on PATH, else where `pip install --user` puts it. */
export function findSchemathesis(): string | undefined {
  const onPath = spawnSync("sh", ["-c", "command -v st"], { encoding: "utf8" }).stdout.trim();
  if (onPath) return onPath;
  const user = join(homedir(), ".local", "bin", "st");
  return existsSync(user) ? user : undefined;
}

export const CONFIG_FILE = new URL("./schemathesis.toml", import.meta.url).pathname;

export interface RunOptions {
  schemaUrl: string;
  seed: number;
  maxExamples: number;
  maxTimeSeconds: number;
}

export function schemathesisArgs(options: RunOptions): string[] {
  return [
    "--config-file",
    CONFIG_FILE,
    "run",
    options.schemaUrl,
    "--checks",
    "all",
    "--phases",
    "examples,coverage,fuzzing,stateful",
    "--seed",
    String(options.seed),
    "--max-examples",
    String(options.maxExamples),
    "--max-time",
    String(options.maxTimeSeconds),
    "--workers",
    "1",
    "--request-timeout",
    "10",
    // A redirect's Location is off this machine: never follow it.
    "--max-redirects",
    "0",
  ];
}

export interface RunSummary {
  name: string;
  seed: number;
  exitCode: number;
  /** schemathesis' own count line, e.g. `780 generated, 10 found 11 unique failures, 224 skipped`. */
  counts: string;
  generated: number;
}

/** The line under `Test cases:` in schemathesis' summary. */
export function caseCounts(output: string): { counts: string; generated: number } {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are ESC sequences
  const plain = output.replace(/\u001b\[[0-9;]*m/g, "");
  const line = /^Test cases:\s*\n\s*(.+)$/m.exec(plain)?.[1]?.trim() ?? "no summary";
  const generated = Number(/(\d+) generated/.exec(line)?.[1] ?? 0);
  return { counts: line, generated };
}
