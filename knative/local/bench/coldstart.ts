/**
 * npm run bench:coldstart — time from a request to a revision at zero to its
 * response, through the real request path (activator hold, replica process of
 * the revision's bundle, readiness probe). Repeats it, scaling back to zero
 * between runs, and ends with `p50 <n> ms`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMigrations } from "@platform/db";
import { startEmbeddedPostgres } from "@platform/db/embedded";
import { freePort } from "../src/free-port.ts";
import { RevisionRuntime } from "../src/replicas/revision-runtime.ts";
import { bundleFunction } from "../src/revisions/bundle.ts";

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

  log(`${RUNS} cold starts of ${SERVICE} (request to a revision at zero -> response)`);
  const times: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const started = performance.now();
    const res = await fetch(url);
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`run ${run}: status ${res.status}`);
    times.push(ms);
    log(`  run ${String(run).padStart(2)}: ${ms.toFixed(0)} ms`);
    await runtime.scaleTo(0);
  }
  await runtime.stopAll();
  server.close();
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  log(`min ${at(0).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, max ${at(1).toFixed(0)} ms`);
  log(`p50 ${at(0.5).toFixed(0)} ms`);
} finally {
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(pgDir, { recursive: true, force: true });
}
