/**
 * The local platform (npm start) as the runner's platform: reused when it is
 * running, else started for the run and stopped after it. It is sampled and
 * changed through its control API with its token, as the CLI does.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, statSync } from "node:fs";
import type { SampleDocument, StatusDocument } from "@platform/local/contract";
import { type ControlEndpoint, controlRequest, localControlEndpoint, readAnswer } from "@platform/local/control-client";
import { SCALE_TO_ZERO_GRACE_MS } from "@platform/local/scale";
import { type LocalState, readLocalState, repoRoot, statePath } from "@platform/processes/local-state";
import type { Platform, PlatformState, ReleaseKind } from "./platform.ts";

export async function localPlatform(options: {
  logPath: string;
  progress: (line: string) => void;
  ready: (line: string) => void;
  startTimeoutMs?: number;
}): Promise<Platform> {
  const running = readLocalState();
  const runningControl = localControlEndpoint();
  if (running?.ingressUrl && runningControl && (await statusAt(runningControl))) {
    return new LocalPlatform(running, runningControl, undefined, "the local platform already running (npm start)");
  }
  const started = Date.now();
  const child = spawn(process.execPath, ["knative/local/run-bundled.mjs", "knative/local/src/start.ts"], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
  });
  const log = createWriteStream(options.logPath);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: number | null = null;
  child.once("exit", (code) => {
    exited = code ?? 1;
  });
  const deadline = started + (options.startTimeoutMs ?? 180_000);
  while (Date.now() < deadline) {
    if (exited !== null)
      throw new Error(`the local platform stopped while starting (exit ${exited}); see ${options.logPath}`);
    const state = freshState(started);
    const control = state ? localControlEndpoint() : undefined;
    if (state?.ingressUrl && control && (await allServing(control))) {
      options.ready(`local platform up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return new LocalPlatform(state, control, child, "the local platform, started for this run (npm start)");
    }
    options.progress(`starting the local platform (npm start) ${((Date.now() - started) / 1000).toFixed(0)} s`);
    await sleep(1000);
  }
  child.kill("SIGINT");
  throw new Error(
    `the local platform did not come up in ${(options.startTimeoutMs ?? 180_000) / 1000} s; see ${options.logPath}`,
  );
}

/** The state the platform wrote after `since` (an older file is a previous run's). */
function freshState(since: number): LocalState | undefined {
  if (!existsSync(statePath) || statSync(statePath).mtimeMs < since) return undefined;
  return readLocalState();
}

/** The control API's /status; undefined when no platform answers there. */
async function statusAt(control: ControlEndpoint): Promise<StatusDocument | undefined> {
  try {
    const res = await controlRequest(control, "GET", "/status", { signal: AbortSignal.timeout(2000) });
    const answer = await readAnswer<StatusDocument>(res);
    return answer.ok ? answer.document : undefined;
  } catch {
    return undefined;
  }
}

/** Every service has a revision taking traffic. */
async function allServing(control: ControlEndpoint): Promise<boolean> {
  const status = await statusAt(control);
  return Boolean(
    status &&
      status.services.length > 0 &&
      status.services.every((s) => status.revisions.some((r) => r.service === s.name && r.percent > 0)),
  );
}

class LocalPlatform implements Platform {
  readonly target;
  readonly settings = { "scale-to-zero grace": `${SCALE_TO_ZERO_GRACE_MS / 1000} s (Knative's default)` };
  private readonly changed = new Set<string>();

  constructor(
    local: LocalState,
    private readonly control: ControlEndpoint,
    private readonly child: ChildProcess | undefined,
    readonly description: string,
  ) {
    this.target = {
      baseUrl: local.ingressUrl as string,
      namespace: "default",
      domain: "localhost",
      ...(local.demoApiKey ? { apiKey: local.demoApiKey } : {}),
    };
  }

  async state(): Promise<PlatformState | undefined> {
    try {
      const res = await controlRequest(this.control, "GET", "/sample", { signal: AbortSignal.timeout(3000) });
      const answer = await readAnswer<SampleDocument>(res);
      return answer.ok ? answer.document : undefined;
    } catch {
      return undefined;
    }
  }

  /** As a developer would: `npm run deploy`, or `npm run platform -- env` to set FAIL_RATE and take it away. */
  async release(service: string, kind: ReleaseKind): Promise<string> {
    if (kind === "new") {
      await this.call("POST", `/deploy/${service}`);
      return `npm run deploy -- ${service}`;
    }
    const failRate = kind === "faulty" ? (process.env.FAULTY_FAIL_RATE ?? "0.3") : null;
    this.changed.add(service);
    await this.call("POST", `/services/${service}/env`, { env: { FAIL_RATE: failRate } });
    return `npm run platform -- env ${service} ${failRate === null ? "FAIL_RATE-" : `FAIL_RATE=${failRate}`}`;
  }

  async close(): Promise<void> {
    // What the run set by hand goes; the manifests alone again.
    for (const service of this.changed) await this.call("DELETE", `/services/${service}/live-changes`).catch(() => {});
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child?.once("exit", resolve));
    this.child.kill("SIGINT");
    await Promise.race([exited, sleep(30_000)]);
  }

  private async call(method: string, path: string, body?: unknown): Promise<void> {
    const answer = await readAnswer<unknown>(await controlRequest(this.control, method, path, { body }));
    if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${answer.problem.detail ?? ""}`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
