/**
 * npm run bench:cluster — on the running cluster (npm run cluster -- up):
 * 1. cold start from zero through Knative's activator: p50 over rounds of
 *    "wait until the Service has no pod, time one request";
 * 2. throughput of one replica of the same echo Service, in alternating rounds:
 *    through Kourier's Envoy and the activator (target-burst-capacity -1 keeps
 *    it in the path), through Kourier straight to the pod (burst capacity 0),
 *    and direct to the pod's queue-proxy; prints requests/s, p50 and the
 *    ratios to direct.
 * env: BENCH_COLD_ROUNDS (5), BENCH_ROUNDS (3), BENCH_SECONDS (6), BENCH_CONNECTIONS (32).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { coldStart, deployColdService } from "../test/cold-start.ts";
import { echoService } from "../test/fixtures.ts";
import { INGRESS_URL } from "../test/ingress.ts";
import { kubectl, kubectlJson, waitServiceReady } from "../test/kube.ts";

const NAMESPACE = "cluster-bench";
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const log = (line: string) => process.stdout.write(`${line}\n`);
const autocannonBin = createRequire(import.meta.url).resolve("autocannon/autocannon.js");

interface Result {
  rps: number;
  p50: number;
  errors: number;
}

function load(url: string, host: string | undefined): Promise<Result> {
  const args = [autocannonBin, "-j", "-c", String(CONNECTIONS), "-d", String(SECONDS)];
  if (host) args.push("-H", `host=${host}`);
  args.push(url);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"] });
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  return new Promise((resolve, reject) =>
    child.on("exit", () => {
      try {
        const r = JSON.parse(out) as {
          requests: { average: number };
          latency: { p50: number };
          errors: number;
          non2xx: number;
        };
        resolve({ rps: r.requests.average, p50: r.latency.p50, errors: r.errors + r.non2xx });
      } catch (error) {
        reject(error);
      }
    }),
  );
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
  await kubectl(["create", "namespace", NAMESPACE, "--dry-run=client", "-o", "yaml"]).then((y) =>
    kubectl(["apply", "-f", "-"], y),
  );
  try {
    log(
      `== cold start from zero through the activator (${COLD_ROUNDS} rounds; each waits for the Service to reach zero)`,
    );
    const url = await deployColdService(NAMESPACE, "cold");
    const colds: number[] = [];
    for (let i = 0; i < COLD_ROUNDS; i++) {
      const r = await coldStart(NAMESPACE, "cold", url);
      if (r.status !== 200) throw new Error(`cold start answered ${r.status}`);
      colds.push(r.ms);
      log(`  round ${i + 1}: ${r.ms.toFixed(0)} ms (zero after ${r.waitedForZeroS.toFixed(0)} s)`);
    }
    log(`cold start p50 ${median(colds).toFixed(0)} ms, max ${Math.max(...colds).toFixed(0)} ms`);
    await kubectl(["-n", NAMESPACE, "delete", "ksvc", "cold", "--wait=true"]);

    log(`== one replica: ${ROUNDS} rounds of ${SECONDS} s at ${CONNECTIONS} connections`);
    const viaActivator = await oneReplica("via-activator", "-1");
    const direct = await oneReplica("direct-path", "0");
    const paths = {
      "kourier+activator": () => load(INGRESS_URL.href, viaActivator.host),
      kourier: () => load(INGRESS_URL.href, direct.host),
      "pod (queue-proxy)": () => load(direct.podUrl, undefined),
    };
    const results: Record<string, Result[]> = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
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
  } finally {
    await kubectl(["delete", "namespace", NAMESPACE, "--wait=false"]).catch(() => undefined);
  }
}

await main();
