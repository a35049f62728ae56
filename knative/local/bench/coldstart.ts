/**
 * npm run bench:coldstart — time from a request to a revision at zero to its
 * response, through the real request path (activator hold, replica process of
 * the revision's bundle, readiness probe). Repeats it, scaling back to zero
 * between runs, alternating starts with and without the revision's V8 code
 * cache and, as the anchor, `node -e 0` (the least any process start can
 * cost here). Ends with `ratio vs node <cold start p50 / node p50>` and
 * `p50 <n> ms` (with the cache: every start but a revision's first).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMigrations } from "@platform/db";
import { startEmbeddedPostgres } from "@platform/db/embedded";
import { bundleFunction } from "@platform/processes/bundle";
import { freePort } from "@platform/processes/free-port";
import { RevisionRuntime } from "../src/replicas/revision-runtime.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const SERVICE = process.env.BENCH_SERVICE ?? "redirect";
const log = (line: string) => process.stdout.write(`${line}\n`);

const dir = await mkdtemp(join(tmpdir(), "coldstart-"));
// The data directory itself is handed to the postgres user; a folder inside our 0700 temp dir would not be.
const pgDir = await mkdtemp(join(tmpdir(), "coldstart-pg-"));
const pg = await startEmbeddedPostgres({ dataDir: pgDir, port: await freePort(), persistent: false, fast: true });
try {
  await runMigrations(pg.url());
  const entry = await bundleFunction(SERVICE, join(dir, "bundle"));
  const runtime = new RevisionRuntime(
    {
      service: SERVICE,
      revision: `${SERVICE}-00001`,
      entry,
      env: { DATABASE_URL: pg.url(), LOG_LEVEL: "warn" },
      readinessPath: "/health/readiness",
      containerConcurrency: 0,
      timeoutSeconds: 30,
    },
    freePort,
  );
  runtime.onDemand = () => void runtime.scaleTo(1);
  const server = createServer((req, res) => void runtime.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health/liveness`;

  // Alternating: a start with the revision's V8 code cache (as every start after its first),
  // and one without it (the cache deleted first, as at a revision's very first start).
  log(`${RUNS} cold starts of ${SERVICE} each way (request to a revision at zero -> response)`);
  const times = { cached: [] as number[], uncached: [] as number[], "node -e 0": [] as number[] };
  const coldStart = async (): Promise<number> => {
    const started = performance.now();
    const res = await fetch(url, { headers: { "k-kubelet-probe": "queue" } }); // health answers Knative's probes only
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    await runtime.scaleTo(0);
    return ms;
  };
  await coldStart(); // writes the cache
  for (let run = 1; run <= RUNS; run++) {
    times.cached.push(await coldStart());
    await rm(`${entry.replace(/main\.cjs$/, "bundle.cjs")}.v8-cache`);
    times.uncached.push(await coldStart());
    times["node -e 0"].push(await nodeStart());
    log(
      `  run ${String(run).padStart(2)}: ${times.cached.at(-1)?.toFixed(0)} ms with the code cache, ${times.uncached.at(-1)?.toFixed(0)} ms without, node -e 0 ${times["node -e 0"].at(-1)?.toFixed(0)} ms`,
    );
  }
  await runtime.stopAll();
  server.close();
  const quantile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  };
  for (const [name, values] of Object.entries(times)) {
    log(
      `${name.padEnd(9)} min ${quantile(values, 0).toFixed(0)} ms, p50 ${quantile(values, 0.5).toFixed(0)} ms, p90 ${quantile(values, 0.9).toFixed(0)} ms`,
    );
  }
  log(
    `ratio ${(quantile(times.cached, 0.5) / quantile(times.uncached, 0.5)).toFixed(2)} (p50 with the code cache / without)`,
  );
  log(
    `ratio vs node ${(quantile(times.cached, 0.5) / quantile(times["node -e 0"], 0.5)).toFixed(2)} (cold start p50 / node -e 0 p50)`,
  );
  log(`p50 ${quantile(times.cached, 0.5).toFixed(0)} ms`);
} finally {
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(pgDir, { recursive: true, force: true });
}

/** The anchor: start and exit of a bare Node.js process, the floor under any replica's start. */
function nodeStart(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    spawn(process.execPath, ["-e", "0"], { stdio: "ignore" })
      .once("error", reject)
      .once("exit", () => resolve(performance.now() - started));
  });
}
