import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, found from this file. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../..");
/** Everything local mode keeps between runs; git ignores it. LOCAL_DATA_DIR moves it (tests do). */
export const dataDir = process.env.LOCAL_DATA_DIR ?? join(repoRoot, ".data");

/** What a running `npm start` tells the CLIs (db:migrate, db:seed) so they need no flags. */
export interface LocalState {
  databaseUrl: string;
  redisUrl?: string;
  demoApiKey?: string;
  /** The local Serving's status API and metrics. */
  controlUrl?: string;
  /** Where requests for the functions go (Host picks the function). */
  ingressUrl?: string;
}

export const statePath = join(dataDir, "local-state.json");
/** The control API's token (control-api/control-token.ts), owner-only like the state. */
export const controlTokenPath = join(dataDir, "control-token");

export function readLocalState(): LocalState | undefined {
  if (!existsSync(statePath)) return undefined;
  return JSON.parse(readFileSync(statePath, "utf8")) as LocalState;
}

export function writeLocalState(state: LocalState): void {
  mkdirSync(dirname(statePath), { recursive: true });
  writeFileSync(statePath, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  // mode applies only when the file is made; an older file may have been made readable by others.
  chmodSync(statePath, 0o600);
}
