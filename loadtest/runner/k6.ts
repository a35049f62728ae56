/**
 * k6 as the runner uses it: found where `go install` puts it, started with
 * its REST API on a free port (read every second for users, requests and
 * failures) and its end-of-test summary exported as JSON.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ClientCounters } from "./timeline.ts";

/** The k6 binary: K6_BIN, else the one `npm run setup` pinned in Go's bin folder, else one on PATH. */
export function findK6(): string {
  const candidates = [process.env.K6_BIN, goBin(), join(homedir(), "go", "bin", "k6"), ...pathCandidates()];
  const found = candidates.find((c): c is string => Boolean(c && existsSync(c)));
  if (!found) {
    throw new Error(
      "k6 is not installed: run `npm run setup` (it runs `go install go.k6.io/k6@<version>`), or set K6_BIN to a k6 binary",
    );
  }
  return found;
}

function pathCandidates(): string[] {
  return (process.env.PATH ?? "").split(":").map((dir) => join(dir, "k6"));
}

function goBin(): string | undefined {
  try {
    return join(execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim(), "bin", "k6");
  } catch {
    return undefined;
  }
}

export interface K6Run {
  /** Resolves with k6's exit code: 0 passed, 99 a threshold failed. */
  exited: Promise<number>;
  /** Users, requests and failures so far; undefined while the REST API does not answer. */
  counters(): Promise<ClientCounters | undefined>;
  stop(): Promise<void>;
}

export function startK6(options: {
  script: string;
  env: Record<string, string>;
  apiPort: number;
  summaryPath: string;
  logPath: string;
}): K6Run {
  const args = [
    "run",
    "--quiet",
    "--no-color",
    "--address",
    `127.0.0.1:${options.apiPort}`,
    "--summary-export",
    options.summaryPath,
    ...Object.entries(options.env).flatMap(([name, value]) => ["-e", `${name}=${value}`]),
    options.script,
  ];
  const child: ChildProcess = spawn(findK6(), args, { stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(options.logPath);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const api = `http://127.0.0.1:${options.apiPort}/v1`;
  return {
    exited,
    async counters() {
      try {
        const res = await fetch(`${api}/metrics`, { signal: AbortSignal.timeout(3000) });
        return countersOf((await res.json()) as MetricsDocument);
      } catch {
        return undefined;
      }
    },
    // As `k6` itself offers: the run ends, the summary is still written, the exit code is 103.
    async stop() {
      await fetch(`${api}/status`, {
        method: "PATCH",
        body: JSON.stringify({ data: { type: "status", id: "default", attributes: { stopped: true } } }),
      }).catch(() => child.kill("SIGINT"));
    },
  };
}

export interface MetricsDocument {
  data: { id: string; attributes: { sample: Record<string, number> } }[];
}

/** k6's REST API document as counters (pure). `http_req_failed` is a rate of all requests. */
export function countersOf(doc: MetricsDocument): ClientCounters {
  const sample = (id: string) => doc.data.find((m) => m.id === id)?.attributes.sample ?? {};
  const requests = sample("http_reqs").count ?? 0;
  return {
    vus: sample("vus").value ?? 0,
    requests,
    failed: Math.round((sample("http_req_failed").rate ?? 0) * requests),
  };
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
}

export interface K6Summary {
  requests: number;
  failed: number;
  thresholds: ThresholdResult[];
}

/** The figures and threshold results of `--summary-export` (there a threshold maps to true when it failed). */
export function readK6Summary(path: string): K6Summary | undefined {
  if (!existsSync(path)) return undefined;
  const { metrics } = JSON.parse(readFileSync(path, "utf8")) as {
    metrics: Record<string, { count?: number; passes?: number; thresholds?: Record<string, boolean> }>;
  };
  return {
    requests: metrics.http_reqs?.count ?? 0,
    failed: metrics.http_req_failed?.passes ?? 0,
    thresholds: Object.entries(metrics).flatMap(([metric, m]) =>
      Object.entries(m.thresholds ?? {}).map(([expression, failed]) => ({ metric, expression, ok: !failed })),
    ),
  };
}
