/**
 * The k6 `autoscale` scenario against the cluster, in the runner's cluster
 * mode: k6 through Kourier, replicas and answers read from the host's
 * Prometheus (Knative's autoscaler, every queue-proxy). Its chart, replicas
 * of real pods following the load, is copied to the results.
 *
 * Sized to one 2-core node. Knative scales on requests in flight, and a
 * redirect answers in milliseconds: its concurrency only grows when the CPU
 * is saturated and requests queue, which on this node is a measure of the
 * machine (700 users from zero drove it into 10 s stalls and 504s on a slow
 * run). So the redirect is given DELAY_MS for the run, a slow backend that
 * costs no CPU: USERS each keep one request in flight, in flight is about
 * USERS, and Knative wants USERS / 70 replicas at ~USERS / 2 requests per second.
 */
import { copyFile, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { INGRESS_URL } from "../../client/ingress.ts";
import { demoApiKey, kubectl, kubectlJson, waitServiceRolledOut } from "../../client/kube.ts";
import { PROMETHEUS_URL } from "../../client/prometheus.ts";
import { REPO, runCommand } from "../../client/run-command.ts";
import { type AutoscaleSummary, judgeAutoscale } from "../autoscale-verdict.ts";
import type { Check, CheckResult } from "../check.ts";

const RESULTS = join(REPO, "loadtest", "results");
const SERVICE = "redirect";
const DELAY_MS = "2000";
const USERS = 250;
/**
 * ceil(250 / (100 x 70 %)) = 4 is what Knative's KPA wants when all 250 are in flight
 * (it did in every run); at least 3 leaves room for the time each request spends
 * outside the redirect (in k6, Envoy and the activator) on a slow machine.
 */
const MIN_DESIRED = 3;
/** dev rolls a new revision out over 60 s (rollout-duration); each release waits for that to end. */
const ROLLOUT_SECONDS = 300;

interface SchedulingEvent {
  involvedObject: { name: string };
  lastTimestamp?: string;
  eventTime?: string;
  message: string;
}

export const autoscaleK6: Check = {
  name: "k6 autoscale scenario: replicas of real pods following load",
  async run({ namespace, resultsDir, log }) {
    const key = await demoApiKey(namespace);
    log(`releasing ${SERVICE} with DELAY_MS=${DELAY_MS} for the run`);
    const env = await withDelay(namespace, DELAY_MS);
    try {
      return await runScenario(namespace, key, resultsDir, log);
    } finally {
      // The next check starts on a quiet node: the rollout back is over before this one ends.
      log(`releasing ${SERVICE} without DELAY_MS`);
      await setEnv(namespace, withoutDelay(env));
      await waitServiceRolledOut(namespace, SERVICE, ROLLOUT_SECONDS);
    }
  },
};

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

const envPath = "/spec/template/spec/containers/0/env";

async function setEnv(namespace: string, env: EnvVar[]): Promise<void> {
  const patch = [{ op: "replace", path: envPath, value: env }];
  await kubectl(["-n", namespace, "patch", "ksvc", SERVICE, "--type=json", "-p", JSON.stringify(patch)]);
}

const withoutDelay = (env: EnvVar[]) => env.filter((e) => e.name !== "DELAY_MS");

/** Releases the Service with DELAY_MS and waits until that revision takes all traffic; returns the env before. */
async function withDelay(namespace: string, delayMs: string): Promise<EnvVar[]> {
  const before = await kubectlJson<{ spec: { template: { spec: { containers: { env?: EnvVar[] }[] } } } }>([
    "-n",
    namespace,
    "get",
    "ksvc",
    SERVICE,
  ]);
  const env = before.spec.template.spec.containers[0]?.env ?? [];
  await setEnv(namespace, [...withoutDelay(env), { name: "DELAY_MS", value: delayMs }]);
  await waitServiceRolledOut(namespace, SERVICE, ROLLOUT_SECONDS);
  return env;
}

async function runScenario(
  namespace: string,
  key: string,
  resultsDir: string,
  log: (line: string) => void,
): Promise<CheckResult> {
  const redirectUrl = new URL(await kubectl(["-n", namespace, "get", "ksvc", SERVICE, "-o", "jsonpath={.status.url}"]));
  const startedAt = Date.now();
  const before = new Set(await readdir(RESULTS).catch(() => []));
  const exitCode = await runCommand("npm", ["run", "-s", "loadtest", "--", "autoscale"], {
    ...process.env,
    BASE_URL: INGRESS_URL.origin,
    NAMESPACE: namespace,
    // <service>.<namespace>.<domain>: the domain is what follows the namespace in the Service's URL.
    DOMAIN: redirectUrl.hostname.split(".").slice(2).join("."),
    API_KEY: key,
    PROMETHEUS_URL,
    PEAK_VUS: String(USERS),
    // The first replica starts while few users wait, so none waits near the 10 s timeout.
    RAMP: "10s",
    // The node's CPU decides how many replicas can run; the verdict below judges the shortfall.
    MIN_PEAK_REPLICAS: "2",
  });
  const dir = (await readdir(RESULTS))
    .filter((d) => d.startsWith("autoscale-") && !before.has(d))
    .sort()
    .at(-1);
  if (!dir) return { ok: false, figures: [`npm run loadtest -- autoscale exited ${exitCode} and wrote no results`] };
  const { summary } = JSON.parse(await readFile(join(RESULTS, dir, "summary.json"), "utf8")) as {
    summary: AutoscaleSummary;
  };
  const { items } = await kubectlJson<{ items: SchedulingEvent[] }>([
    "-n",
    namespace,
    "get",
    "events",
    "--field-selector=reason=FailedScheduling",
  ]);
  const unschedulable = items.filter(
    (e) =>
      e.involvedObject.name.startsWith("redirect-") &&
      e.message.includes("Insufficient cpu") &&
      Date.parse(e.lastTimestamp ?? e.eventTime ?? "") >= startedAt - 1000,
  ).length;
  const chart = join(resultsDir, "autoscale-k6.svg");
  await copyFile(join(RESULTS, dir, "chart.svg"), chart);
  log(`chart: ${chart}; report: ${join(RESULTS, dir, "report.html")}`);
  return judgeAutoscale(summary, exitCode, unschedulable, MIN_DESIRED);
}
