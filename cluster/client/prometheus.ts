import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { waitFor } from "@platform/processes/wait-for";
import { stringify } from "yaml";

/** The host's Prometheus, which scrapes the cluster's pods (the monitoring role). */
export const PROMETHEUS_URL = process.env.CLUSTER_PROMETHEUS_URL ?? "http://127.0.0.1:9090";

/** The series an instant query returns, with their labels. */
export async function instantQuery(query: string): Promise<{ metric: Record<string, string> }[]> {
  const response = await fetch(`${PROMETHEUS_URL}/api/v1/query?${new URLSearchParams({ query })}`);
  const body = (await response.json()) as { data?: { result: { metric: Record<string, string> }[] } };
  return body.data?.result ?? [];
}

/** Where the monitoring role keeps Prometheus' rule files (rule_files: rules/*.yml). */
export const PROMETHEUS_RULES_DIR =
  process.env.CLUSTER_PROMETHEUS_RULES_DIR ?? "/etc/platform-cluster/prometheus/rules";

const byHandFile = (alertname: string) => join(PROMETHEUS_RULES_DIR, `by-hand-${alertname}.yml`);

/**
 * An alert raised by hand, as an operator would: a rule file whose one alert
 * always fires with `labels`, loaded by a reload. Resolves once Prometheus
 * shows it firing; clearAlertByHand takes it away.
 */
export async function raiseAlertByHand(alertname: string, labels: Record<string, string>, timeoutMs = 60_000) {
  const rule = { groups: [{ name: `by-hand-${alertname}`, rules: [{ alert: alertname, expr: "vector(1)", labels }] }] };
  await writeFile(byHandFile(alertname), stringify(rule), { mode: 0o644 });
  await reloadPrometheus();
  const firing = `ALERTS{alertname="${alertname}", alertstate="firing"}`;
  try {
    await waitFor(async () => (await instantQuery(firing)).length > 0, {
      what: `${alertname} firing in Prometheus after its rule was loaded`,
      timeoutMs,
      intervalMs: 1000,
    });
  } catch (error) {
    await clearAlertByHand(alertname);
    throw error;
  }
}

/** Takes an alert raised by hand away (also one a run cut short left behind). */
export async function clearAlertByHand(alertname: string): Promise<void> {
  await rm(byHandFile(alertname), { force: true });
  await reloadPrometheus();
}

async function reloadPrometheus(): Promise<void> {
  const response = await fetch(`${PROMETHEUS_URL}/-/reload`, { method: "POST" });
  if (!response.ok) throw new Error(`Prometheus refused to reload: ${response.status} ${await response.text()}`);
}
