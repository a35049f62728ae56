/**
 * npm run bench:cluster — on the running cluster (npm run cluster -- up):
 * 1. cold start from zero through Knative's activator: p50 over rounds of
 *    "wait until the Service has no pod, time one request", and when the
 *    woken pod passed each step on the way (cold-start-phases.ts);
 * 2. throughput of one replica of the same echo server, in alternating rounds
 *    in one run: through Kourier's Envoy and the activator
 *    (target-burst-capacity -1 keeps it in the path), through Kourier straight
 *    to the pod (burst capacity 0), direct to the pod's queue-proxy, and, side
 *    by side on the same machine, through the local platform's ingress and
 *    direct to its replica; prints requests/s, p50, each ingress's ratio to
 *    its direct path, and the local ingress's to Kourier's (the whole path to
 *    the same server on each platform; a pod adds its queue-proxy).
 * env: BENCH_COLD_ROUNDS (5), BENCH_ROUNDS (3), BENCH_SECONDS (6), BENCH_CONNECTIONS (32).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ingress } from "@platform/local/ingress";
import { RevisionRuntime } from "@platform/local/revision-runtime";
import { type LoadResult, loadWithAutocannon } from "@platform/processes/autocannon";
import { freePort } from "@platform/processes/free-port";
import { waitFor } from "@platform/processes/wait-for";
import { INGRESS_URL } from "../client/ingress.ts";
import { kubectl, kubectlJson, waitServiceReady } from "../client/kube.ts";
import { coldStart, deployColdService } from "../test/cold-start.ts";
import { ECHO_SERVER, echoService } from "../test/fixtures.ts";
import { describePhases, PHASES, type Phase, phaseTimes, watchPodPhases } from "./cold-start-phases.ts";

const NAMESPACE = "cluster-bench";
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const log = (line: string) => process.stdout.write(`${line}\n`);

function load(url: string, host: string | undefined): Promise<LoadResult> {
  return loadWithAutocannon(url, { connections: CONNECTIONS, seconds: SECONDS, headers: host ? { host } : {} });
}

/** The same echo server as one replica of the local platform, behind the local platform's ingress. */
async function localEcho(dir: string) {
  const entry = join(dir, "echo.cjs");
  await writeFile(entry, ECHO_SERVER);
  const runtime = new RevisionRuntime(
    {
      service: "echo",
      revision: "echo-one",
      entry,
      env: {},
      readinessPath: "/",
      containerConcurrency: 0,
      timeoutSeconds: 30,
    },
    freePort,
  );
  await runtime.scaleTo(1);
  await waitFor(() => runtime.readyCount >= 1, { timeoutMs: 30_000, what: "the local echo replica to be ready" });
  const replica = runtime.replicas[0];
  if (!replica) throw new Error("the local echo replica did not start");
  const ingress = new Ingress((name) => (name === "echo-one" ? runtime : undefined));
  const host = "echo.cluster-bench.localhost";
  ingress.setRoutes(new Map([[host, new Map([["echo-one", 100]])]]));
  const port = await ingress.listen(0);
  return {
    host,
    ingressUrl: `http://127.0.0.1:${port}/`,
    replicaUrl: `${replica.url}/`,
    async stop() {
      await runtime.stopAll();
      await ingress.close();
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function oneReplica(name: string, burstCapacity: string): Promise<{ host: string; podUrl: string }> {
  const annotations = {
    "autoscaling.knative.dev/min-scale": "1",
    "autoscaling.knative.dev/max-scale": "1",
    "autoscaling.knative.dev/target-burst-capacity": burstCapacity,
  };
  await kubectl(
    ["apply", "-f", "-"],
    JSON.stringify(echoService({ namespace: NAMESPACE, name, release: "one", annotations })),
  );
  const service = await waitServiceReady(NAMESPACE, name);
  const { items } = await kubectlJson<{ items: { status: { podIP?: string } }[] }>([
    "-n",
    NAMESPACE,
    "get",
    "pods",
    "-l",
    `serving.knative.dev/service=${name}`,
    "--field-selector=status.phase=Running",
  ]);
  const ip = items[0]?.status.podIP;
  if (!ip || !service.status?.url) throw new Error(`${name}: no running pod or no URL`);
  return { host: new URL(service.status.url).host, podUrl: `http://${ip}:8012/` };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), "cluster-bench-"));
  // An earlier run deletes its namespace without waiting; its Services would clash with these.
  await waitFor(async () => !(await kubectl(["get", "namespace", NAMESPACE, "--ignore-not-found", "-o", "name"])), {
    what: `the namespace ${NAMESPACE} of an earlier run to be deleted`,
    timeoutMs: 600_000,
    intervalMs: 2000,
  });
  await kubectl(["create", "namespace", NAMESPACE, "--dry-run=client", "-o", "yaml"]).then((y) =>
    kubectl(["apply", "-f", "-"], y),
  );
  try {
    log(
      `== cold start from zero through the activator (${COLD_ROUNDS} rounds; each waits for the Service to reach zero)`,
    );
    const url = await deployColdService(NAMESPACE, "cold");
    const colds: number[] = [];
    const phases: Partial<Record<Phase, number>>[] = [];
    const watch = watchPodPhases(NAMESPACE, "cold");
    try {
      for (let i = 0; i < COLD_ROUNDS; i++) {
        const r = await coldStart(NAMESPACE, "cold", url);
        if (r.status !== 200) throw new Error(`cold start answered ${r.status}`);
        colds.push(r.ms);
        // The watch may tell of the pod's readiness a moment after the answer; a round
        // it never tells of keeps its time and shows the phases it did see.
        await waitFor(() => phaseTimes(watch.sightings, r.sentAt).ready !== undefined, {
          what: "the watch to see the woken pod ready",
          timeoutMs: 15_000,
        }).catch((error: Error) => log(`  (${error.message})`));
        phases.push(phaseTimes(watch.sightings, r.sentAt));
        log(`  round ${i + 1}: ${r.ms.toFixed(0)} ms (zero after ${r.waitedForZeroS.toFixed(0)} s)`);
        log(`    the pod: ${describePhases(phases.at(-1) ?? {})}`);
      }
    } finally {
      watch.stop();
    }
    log(`cold start p50 ${median(colds).toFixed(0)} ms, max ${Math.max(...colds).toFixed(0)} ms`);
    const p50s = Object.fromEntries(
      PHASES.flatMap((p) => {
        const seen = phases.flatMap((t) => (t[p] === undefined ? [] : [t[p]]));
        return seen.length > 0 ? [[p, median(seen)]] : [];
      }),
    );
    log(`the woken pod, p50 of each step after the request: ${describePhases(p50s)}`);
    await kubectl(["-n", NAMESPACE, "delete", "ksvc", "cold", "--wait=true"]);

    log(`== one replica: ${ROUNDS} rounds of ${SECONDS} s at ${CONNECTIONS} connections`);
    const viaActivator = await oneReplica("via-activator", "-1");
    const direct = await oneReplica("direct-path", "0");
    const local = await localEcho(dir);
    try {
      const paths = {
        "kourier+activator": () => load(INGRESS_URL.href, viaActivator.host),
        kourier: () => load(INGRESS_URL.href, direct.host),
        "pod (queue-proxy)": () => load(direct.podUrl, undefined),
        "local ingress": () => load(local.ingressUrl, local.host),
        "local replica": () => load(local.replicaUrl, undefined),
      };
      const results: Record<string, LoadResult[]> = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, run] of Object.entries(paths)) {
          const r = await run();
          results[name]?.push(r);
          log(
            `  round ${round + 1} ${name.padEnd(18)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  errors ${r.errors}`,
          );
        }
      }
      const rps = (name: string) => median((results[name] ?? []).map((r) => r.rps));
      const p50 = (name: string) => median((results[name] ?? []).map((r) => r.p50));
      for (const name of Object.keys(paths))
        log(`${name.padEnd(18)} median ${rps(name).toFixed(0)} req/s, p50 ${p50(name)} ms`);
      log(`ratio kourier/pod ${(rps("kourier") / rps("pod (queue-proxy)")).toFixed(2)}`);
      log(`ratio kourier+activator/pod ${(rps("kourier+activator") / rps("pod (queue-proxy)")).toFixed(2)}`);
      log(`ratio local ingress/replica ${(rps("local ingress") / rps("local replica")).toFixed(2)}`);
      // The whole path a user's request takes to the same server, each platform's ingress included.
      log(`ratio local ingress/kourier ${(rps("local ingress") / rps("kourier")).toFixed(2)}`);
    } finally {
      await local.stop();
    }
  } finally {
    await kubectl(["delete", "namespace", NAMESPACE, "--wait=false"]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
