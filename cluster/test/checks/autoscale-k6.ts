/**
 * The k6 `autoscale` scenario against the cluster, in the runner's cluster
 * mode: k6 through Kourier, replicas and answers read from the host's
 * Prometheus (Knative's autoscaler, every queue-proxy). Its chart, replicas
 * of real pods following the load, is copied to the results.
 */
import { copyFile, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type AutoscaleSummary, judgeAutoscale } from "../autoscale-verdict.ts";
import type { Check } from "../check.ts";
import { INGRESS_URL } from "../ingress.ts";
import { demoApiKey, kubectl, kubectlJson } from "../kube.ts";
import { REPO, runCommand } from "../run-command.ts";

const RESULTS = join(REPO, "loadtest", "results");
export const PROMETHEUS_URL = process.env.CLUSTER_PROMETHEUS_URL ?? "http://127.0.0.1:9090";

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
    const redirectUrl = new URL(
      await kubectl(["-n", namespace, "get", "ksvc", "redirect", "-o", "jsonpath={.status.url}"]),
    );
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
    return judgeAutoscale(summary, exitCode, unschedulable);
  },
};
