/**
 * npm run bench:coldstart — time from a request to a revision at zero to its
 * response, through the real request path (activator hold, replica process of
 * the revision's bundle, readiness probe). Repeats it, scaling back to zero
 * between runs, alternating a replica in a warm process (as npm start runs
 * them: WarmNodePool), one in a process spawned for it and, as the anchor,
 * `node -e 0` (the least any process start can cost here). Ends with
 * `ratio vs node <cold start p50 / node p50>` and `p50 <n> ms` (warm, with the
 * code cache: every start but a revision's first).
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
import { type NodeProcessStarter, spawnNode, WarmNodePool } from "@platform/processes/node-processes";
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
  const pool = new WarmNodePool();
  // The same revision twice: its replicas' processes taken from the pool (as npm start does), or each spawned.
  const revision = async (processes: NodeProcessStarter) => {
    const runtime = new RevisionRuntime(
      {
        service: SERVICE,
        revision: `${SERVICE}-00001`,
        entry,
        env: { DATABASE_URL: pg.url(), LOG_LEVEL: "warn" },
        readinessPath: "/health/readiness",
        containerConcurrency: 0,
        timeoutSeconds: 30,
        processes,
      },
      freePort,
    );
    runtime.onDemand = () => void runtime.scaleTo(1);
    const server = createServer((req, res) => void runtime.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health/liveness`;
    const coldStart = async (): Promise<number> => {
      const started = performance.now();
      const res = await fetch(url, { headers: { "k-kubelet-probe": "queue" } }); // health answers Knative's probes only
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      await runtime.scaleTo(0);
      return ms;
    };
    const close = async () => {
      await runtime.stopAll();
      server.close();
    };
    return { coldStart, close };
  };
  const warm = await revision(pool);
  const spawned = await revision(spawnNode);

  // Alternating, each with the revision's V8 code cache (as every start after its first): a
  // replica in a warm process (npm start's way: Node started before the request, the next one
  // warming after it), in a process spawned for it, and the anchor, `node -e 0`.
  log(`${RUNS} cold starts of ${SERVICE} each way (request to a revision at zero -> response)`);
  const times = { warm: [] as number[], spawned: [] as number[], "node -e 0": [] as number[] };
  await spawned.coldStart(); // writes the code cache
  for (let run = 1; run <= RUNS; run++) {
    // A revision is scaled to zero long after the last start: the next warm process is up.
    await pool.warmed();
    times.warm.push(await warm.coldStart());
    times.spawned.push(await spawned.coldStart());
    times["node -e 0"].push(await nodeStart());
    log(
      `  run ${String(run).padStart(2)}: ${times.warm.at(-1)?.toFixed(0)} ms warm, ${times.spawned.at(-1)?.toFixed(0)} ms spawned, node -e 0 ${times["node -e 0"].at(-1)?.toFixed(0)} ms`,
    );
  }
  await warm.close();
  await spawned.close();
  pool.close();
  const quantile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  };
  for (const [name, values] of Object.entries(times)) {
    log(
      `${name.padEnd(9)} min ${quantile(values, 0).toFixed(0)} ms, p50 ${quantile(values, 0.5).toFixed(0)} ms, p90 ${quantile(values, 0.9).toFixed(0)} ms`,
    );
  }
  const p50 = (name: keyof typeof times) => quantile(times[name], 0.5);
  log(`ratio ${(p50("warm") / p50("spawned")).toFixed(2)} (p50 in a warm process / spawned)`);
  log(`ratio vs node ${(p50("warm") / p50("node -e 0")).toFixed(2)} (cold start p50 / node -e 0 p50)`);
  log(`p50 ${p50("warm").toFixed(0)} ms`);
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
