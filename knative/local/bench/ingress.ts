/**
 * npm run bench:ingress — the same load (autocannon) through the local
 * Serving's ingress (Host routing, split, breaker, metering, proxy), through
 * Envoy with one worker and a static route (Kourier's data plane, the anchor),
 * through a bare Node proxy (node:http and undici and nothing else: the floor
 * of any proxy on Node), and straight at the one replica behind all three, in
 * alternating rounds. Prints requests per second and latency for each, the
 * p50 and mean each proxy adds (autocannon's percentiles are whole ms), and
 * ends with `ratio <ingress/direct>`, `ratio vs envoy <ingress/envoy>` and
 * `ratio vs bare node <ingress/bare>`.
 */

import { fork } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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
const HOST = "redirect.default.localhost";
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
  const ingress = new Ingress((name) => (name === "redirect-00001" ? runtime : undefined));
  const stops: (() => unknown)[] = [() => runtime.stopAll(), () => ingress.close()];
  try {
    await runtime.scaleTo(1);
    while (runtime.readyCount < 1) await new Promise((r) => setTimeout(r, 50));
    const replica = runtime.replicas[0];
    if (!replica) throw new Error("no replica");
    const upstreamPort = Number(new URL(replica.url).port);
    ingress.setRoutes(new Map([[HOST, new Map([["redirect-00001", 100]])]]));
    const ingressPort = await ingress.listen(0);
    const envoyPort = await freePort();
    const envoy = await startEnvoy({ port: envoyPort, host: HOST, upstreamPort, timeoutSeconds: 30 }, dir);
    stops.push(() => envoy.stop());
    const barePort = await freePort();
    const bare = fork(fileURLToPath(new URL("./bare-node-proxy.mjs", import.meta.url)), [
      String(barePort),
      String(upstreamPort),
    ]);
    stops.push(() => bare.kill());
    await once(bare, "message");
    await compare({ direct: upstreamPort, envoy: envoyPort, bare: barePort, ingress: ingressPort });
  } finally {
    // However the runs ended, nothing started here is left running.
    for (const stop of stops.reverse()) await stop();
  }
} finally {
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(pgDir, { recursive: true, force: true });
}

async function compare(ports: Record<"direct" | "envoy" | "bare" | "ingress", number>): Promise<void> {
  const path = "/health/liveness";
  const probe = { "k-kubelet-probe": "queue" }; // the kit answers health to Knative's probes only
  const through = (name: keyof typeof ports) => (seconds: number) =>
    load(`http://127.0.0.1:${ports[name]}${path}`, name === "direct" ? probe : { host: HOST, ...probe }, seconds);
  const targets = {
    direct: through("direct"),
    envoy: through("envoy"),
    bare: through("bare"),
    ingress: through("ingress"),
  };
  log(
    `warming up each, then ${ROUNDS} rounds of ${SECONDS} s each of ${Object.keys(targets).join(", ")}; ${CONNECTIONS} connections`,
  );
  // Every target's JIT warm-up before round 1, so that no round pays for it.
  for (const run of Object.values(targets)) await run(2);
  const runs = {
    direct: [] as LoadResult[],
    envoy: [] as LoadResult[],
    bare: [] as LoadResult[],
    ingress: [] as LoadResult[],
  };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, run] of Object.entries(targets)) runs[name as keyof typeof runs].push(await run(SECONDS));
    log(
      `round ${round}/${ROUNDS}: ${Object.entries(runs)
        .map(([name, r]) => `${name} ${r.at(-1)?.rps.toFixed(0)} req/s`)
        .join(", ")}`,
    );
  }
  const mean = (r: LoadResult[], k: keyof LoadResult) => r.reduce((s, x) => s + x[k], 0) / r.length;
  const row = (name: string, r: LoadResult[]) =>
    `${name.padEnd(8)} ${mean(r, "rps").toFixed(0).padStart(7)} req/s   p50 ${mean(r, "p50").toFixed(1)} ms   p99 ${mean(r, "p99").toFixed(1)} ms   errors ${mean(r, "errors")}`;
  log("");
  for (const [name, r] of Object.entries(runs)) log(row(name, r));
  const added = (r: LoadResult[], k: "p50" | "mean") =>
    (mean(r, k) - mean(runs.direct, k)).toFixed(k === "p50" ? 1 : 2);
  for (const k of ["p50", "mean"] as const) {
    log(
      `${k} added: ingress ${added(runs.ingress, k)} ms, envoy ${added(runs.envoy, k)} ms, bare node ${added(runs.bare, k)} ms`,
    );
  }
  const ratio = (a: LoadResult[], b: LoadResult[]) => (mean(a, "rps") / mean(b, "rps")).toFixed(2);
  log(`bare node vs envoy ${ratio(runs.bare, runs.envoy)}`);
  log(`ratio ${ratio(runs.ingress, runs.direct)}`);
  log(`ratio vs envoy ${ratio(runs.ingress, runs.envoy)}`);
  log(`ratio vs bare node ${ratio(runs.ingress, runs.bare)}`);
  const failing = Object.entries(runs).filter(([, r]) => r.some((x) => x.errors > 0));
  if (failing.length > 0) {
    log(`errors through ${failing.map(([name]) => name).join(", ")}: these figures compare nothing`);
    process.exitCode = 1;
  }
}
