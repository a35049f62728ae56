/**
 * npm run bench:ingress — the same load (autocannon) through the local
 * Serving's ingress (Host routing, split, breaker, metering, proxy; run as
 * `npm start` runs it, bundled under plain Node, in a process of its own; and
 * the same from its sources under tsx, to show what running bundled saves), through
 * Envoy with one worker and a static route (Kourier's data plane, the anchor),
 * through a bare Node proxy (node:http and undici and nothing else: the floor
 * of any proxy on Node), and straight at the one replica behind all three, in
 * alternating rounds. Prints requests per second and latency for each, the
 * p50 and mean each proxy adds (autocannon's percentiles are whole ms), and
 * ends with `ingress under tsx vs bundled`, `ratio <ingress/direct>`,
 * `ratio vs envoy <ingress/envoy>` and `ratio vs bare node <ingress/bare>`.
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
import { startEnvoy } from "./envoy.ts";
import type { IngressUnderTest } from "./ingress-under-test.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const HOST = "redirect.default.localhost";
const RUN_BUNDLED = fileURLToPath(new URL("../run-bundled.mjs", import.meta.url));
const INGRESS_UNDER_TEST = fileURLToPath(new URL("./ingress-under-test.ts", import.meta.url));
const log = (line: string) => process.stdout.write(`${line}\n`);

function load(url: string, headers: Record<string, string>, seconds: number): Promise<LoadResult> {
  return loadWithAutocannon(url, { connections: CONNECTIONS, seconds, headers });
}

/** The ingress and one replica in a process of their own: run as `npm start` runs them, or from the sources under tsx. */
async function startIngress(runner: "bundled" | "tsx", replicaEntry: string, databaseUrl: string, stops: Stops) {
  const args = [replicaEntry, databaseUrl, HOST];
  const child =
    runner === "bundled"
      ? fork(RUN_BUNDLED, [INGRESS_UNDER_TEST, ...args], { execArgv: [] })
      : fork(INGRESS_UNDER_TEST, args, { execArgv: ["--import", "tsx"] });
  stops.push(async () => {
    if (child.connected) child.disconnect();
    if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
  });
  const [ports] = (await Promise.race([
    once(child, "message"),
    once(child, "exit").then(([code]) => Promise.reject(new Error(`the ingress (${runner}) exited with ${code}`))),
  ])) as [IngressUnderTest];
  return ports;
}

type Stops = (() => unknown)[];

const dir = await mkdtemp(join(tmpdir(), "bench-ingress-"));
const pgDir = await mkdtemp(join(tmpdir(), "bench-ingress-pg-"));
const pg = await startEmbeddedPostgres({ dataDir: pgDir, port: await freePort(), persistent: false, fast: true });
try {
  await runMigrations(pg.url());
  const stops: Stops = [];
  try {
    const replicaEntry = await bundleFunction("redirect", join(dir, "bundle"));
    const ingress = await startIngress("bundled", replicaEntry, pg.url(), stops);
    // Its own replica, from the same bundle: each ingress process owns the replicas it routes to.
    const ingressUnderTsx = await startIngress("tsx", replicaEntry, pg.url(), stops);
    const envoyPort = await freePort();
    const envoy = await startEnvoy(
      { port: envoyPort, host: HOST, upstreamPort: ingress.replicaPort, timeoutSeconds: 30 },
      dir,
    );
    stops.push(() => envoy.stop());
    const barePort = await freePort();
    const bare = fork(fileURLToPath(new URL("./bare-node-proxy.mjs", import.meta.url)), [
      String(barePort),
      String(ingress.replicaPort),
    ]);
    stops.push(() => bare.kill());
    await once(bare, "message");
    await compare({
      direct: ingress.replicaPort,
      envoy: envoyPort,
      bare: barePort,
      ingress: ingress.ingressPort,
      "ingress under tsx": ingressUnderTsx.ingressPort,
    });
  } finally {
    // However the runs ended, nothing started here is left running.
    for (const stop of stops.reverse()) await stop();
  }
} finally {
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(pgDir, { recursive: true, force: true });
}

type Target = "direct" | "envoy" | "bare" | "ingress" | "ingress under tsx";

async function compare(ports: Record<Target, number>): Promise<void> {
  const path = "/health/liveness";
  const probe = { "k-kubelet-probe": "queue" }; // the kit answers health to Knative's probes only
  const names = Object.keys(ports) as Target[];
  const run = (name: Target, seconds: number) =>
    load(`http://127.0.0.1:${ports[name]}${path}`, name === "direct" ? probe : { host: HOST, ...probe }, seconds);
  log(`warming up each, then ${ROUNDS} rounds of ${SECONDS} s each of ${names.join(", ")}; ${CONNECTIONS} connections`);
  // Every target's JIT warm-up before round 1, so that no round pays for it.
  for (const name of names) await run(name, 2);
  const runs = Object.fromEntries(names.map((name) => [name, [] as LoadResult[]])) as Record<Target, LoadResult[]>;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of names) runs[name].push(await run(name, SECONDS));
    log(
      `round ${round}/${ROUNDS}: ${names.map((name) => `${name} ${runs[name].at(-1)?.rps.toFixed(0)} req/s`).join(", ")}`,
    );
  }
  const mean = (r: LoadResult[], k: keyof LoadResult) => r.reduce((s, x) => s + x[k], 0) / r.length;
  const row = (name: Target) =>
    `${name.padEnd(18)} ${mean(runs[name], "rps").toFixed(0).padStart(7)} req/s   p50 ${mean(runs[name], "p50").toFixed(1)} ms   p99 ${mean(runs[name], "p99").toFixed(1)} ms   errors ${mean(runs[name], "errors")}`;
  log("");
  for (const name of names) log(row(name));
  const added = (name: Target, k: "p50" | "mean") =>
    (mean(runs[name], k) - mean(runs.direct, k)).toFixed(k === "p50" ? 1 : 2);
  for (const k of ["p50", "mean"] as const) {
    log(
      `${k} added: ${names
        .filter((name) => name !== "direct")
        .map((name) => `${name} ${added(name, k)} ms`)
        .join(", ")}`,
    );
  }
  const ratio = (a: Target, b: Target) => (mean(runs[a], "rps") / mean(runs[b], "rps")).toFixed(2);
  log(`bare node vs envoy ${ratio("bare", "envoy")}`);
  log(`ingress under tsx vs bundled ${ratio("ingress under tsx", "ingress")}`);
  log(`ratio ${ratio("ingress", "direct")}`);
  log(`ratio vs envoy ${ratio("ingress", "envoy")}`);
  log(`ratio vs bare node ${ratio("ingress", "bare")}`);
  const failing = names.filter((name) => runs[name].some((x) => x.errors > 0));
  if (failing.length > 0) {
    log(`errors through ${failing.join(", ")}: these figures compare nothing`);
    process.exitCode = 1;
  }
}
