/**
 * npm run bench:ingress — the same load (autocannon) through the local
 * Serving's ingress (Host routing, split, breaker, metering, proxy), through
 * Envoy with one worker and a static route (Kourier's data plane, the anchor),
 * and straight at the one replica behind both, in alternating rounds. Prints
 * requests per second and latency for each, the p50 each proxy adds, and ends
 * with `ratio <ingress/direct>` and `ratio vs envoy <ingress/envoy>`.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMigrations } from "@platform/db";
import { startEmbeddedPostgres } from "@platform/db/embedded";
import { type LoadResult, loadWithAutocannon } from "@platform/processes/autocannon";
import { bundleFunction } from "@platform/processes/bundle";
import { freePort } from "@platform/processes/free-port";
import { Ingress } from "../src/ingress/ingress.ts";
import { RevisionRuntime } from "../src/replicas/revision-runtime.ts";
import { startEnvoy } from "./envoy.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const log = (line: string) => process.stdout.write(`${line}\n`);

function load(url: string, headers: Record<string, string>, seconds: number): Promise<LoadResult> {
  return loadWithAutocannon(url, { connections: CONNECTIONS, seconds, headers });
}

const dir = await mkdtemp(join(tmpdir(), "bench-ingress-"));
const pgDir = await mkdtemp(join(tmpdir(), "bench-ingress-pg-"));
const pg = await startEmbeddedPostgres({ dataDir: pgDir, port: await freePort(), persistent: false, fast: true });
try {
  await runMigrations(pg.url());
  const runtime = new RevisionRuntime(
    {
      service: "redirect",
      revision: "redirect-00001",
      entry: await bundleFunction("redirect", join(dir, "bundle")),
      env: { DATABASE_URL: pg.url(), LOG_LEVEL: "warn" },
      readinessPath: "/health/readiness",
      containerConcurrency: 0,
      timeoutSeconds: 30,
    },
    freePort,
  );
  await runtime.scaleTo(1);
  while (runtime.readyCount < 1) await new Promise((r) => setTimeout(r, 50));
  const replica = runtime.replicas[0];
  if (!replica) throw new Error("no replica");
  const ingress = new Ingress((name) => (name === "redirect-00001" ? runtime : undefined));
  ingress.setRoutes(new Map([["redirect.default.localhost", new Map([["redirect-00001", 100]])]]));
  const port = await ingress.listen(0);
  const host = "redirect.default.localhost";
  const envoyPort = await freePort();
  const envoy = await startEnvoy(
    { port: envoyPort, host, upstreamPort: Number(new URL(replica.url).port), timeoutSeconds: 30 },
    dir,
  );

  const path = "/health/liveness";
  const probe = { "k-kubelet-probe": "queue" }; // the kit answers health to Knative's probes only
  const targets = {
    direct: () => load(`${replica.url}${path}`, probe, SECONDS),
    envoy: () => load(`http://127.0.0.1:${envoyPort}${path}`, { host, ...probe }, SECONDS),
    ingress: () => load(`http://127.0.0.1:${port}${path}`, { host, ...probe }, SECONDS),
  };
  log(`warming up, then ${ROUNDS} rounds of ${SECONDS} s each of direct, envoy, ingress; ${CONNECTIONS} connections`);
  await load(`${replica.url}${path}`, probe, 2);
  await load(`http://127.0.0.1:${envoyPort}${path}`, { host, ...probe }, 2);
  const runs = { direct: [] as LoadResult[], envoy: [] as LoadResult[], ingress: [] as LoadResult[] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, run] of Object.entries(targets)) runs[name as keyof typeof runs].push(await run());
    log(
      `round ${round}/${ROUNDS}: ${Object.entries(runs)
        .map(([name, r]) => `${name} ${r.at(-1)?.rps.toFixed(0)} req/s`)
        .join(", ")}`,
    );
  }
  await envoy.stop();
  const mean = (r: LoadResult[], k: keyof LoadResult) => r.reduce((s, x) => s + x[k], 0) / r.length;
  const row = (name: string, r: LoadResult[]) =>
    `${name.padEnd(8)} ${mean(r, "rps").toFixed(0).padStart(7)} req/s   p50 ${mean(r, "p50").toFixed(1)} ms   p99 ${mean(r, "p99").toFixed(1)} ms   errors ${mean(r, "errors")}`;
  log("");
  log(row("direct", runs.direct));
  log(row("envoy", runs.envoy));
  log(row("ingress", runs.ingress));
  const added = (r: LoadResult[]) => (mean(r, "p50") - mean(runs.direct, "p50")).toFixed(1);
  log(`p50 added: ingress ${added(runs.ingress)} ms, envoy ${added(runs.envoy)} ms`);
  log(`ratio ${(mean(runs.ingress, "rps") / mean(runs.direct, "rps")).toFixed(2)}`);
  log(`ratio vs envoy ${(mean(runs.ingress, "rps") / mean(runs.envoy, "rps")).toFixed(2)}`);
  await runtime.stopAll();
  await ingress.close();
} finally {
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(pgDir, { recursive: true, force: true });
}
