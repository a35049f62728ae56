/**
 * Prometheus' alerts reach Alertmanager: the always-firing Watchdog
 * (flux/infrastructure/monitoring/platform-alerts.yaml) is held by the host's
 * Alertmanager, sent by the host's Prometheus, routed to its own receiver.
 */
import { waitFor } from "@platform/processes/wait-for";
import { PROMETHEUS_URL } from "../../client/prometheus.ts";
import type { Check } from "../check.ts";

export const ALERTMANAGER_URL = process.env.CLUSTER_ALERTMANAGER_URL ?? "http://127.0.0.1:9093";

interface AlertmanagerAlert {
  labels: Record<string, string>;
  generatorURL: string;
  receivers: { name: string }[];
  status: { state: string };
}

/** The alerts Alertmanager holds that match `matcher` (its API's filter syntax). */
export async function alertmanagerAlerts(matcher: string): Promise<AlertmanagerAlert[]> {
  const response = await fetch(`${ALERTMANAGER_URL}/api/v2/alerts?${new URLSearchParams({ filter: matcher })}`);
  if (!response.ok) throw new Error(`Alertmanager answered ${response.status}`);
  return (await response.json()) as AlertmanagerAlert[];
}

export const alertingPath: Check = {
  name: "alerting: Prometheus' Watchdog reaches Alertmanager, routed to its receiver",
  async run() {
    const started = Date.now();
    let watchdog: AlertmanagerAlert | undefined;
    await waitFor(
      async () => {
        [watchdog] = await alertmanagerAlerts('alertname="Watchdog"').catch(() => []);
        return watchdog !== undefined;
      },
      { what: "Alertmanager to hold the Watchdog alert", timeoutMs: 120_000, intervalMs: 1000 },
    ).catch(() => {});
    if (!watchdog) return { ok: false, figures: [`no Watchdog in Alertmanager (${ALERTMANAGER_URL}) after 120 s`] };
    const fromPrometheus = new URL(watchdog.generatorURL).origin === new URL(PROMETHEUS_URL).origin;
    const receivers = watchdog.receivers.map((r) => r.name);
    return {
      ok: fromPrometheus && watchdog.status.state === "active" && receivers.join() === "watchdog",
      figures: [
        `Watchdog held by Alertmanager ${((Date.now() - started) / 1000).toFixed(1)} s into the check: ${watchdog.status.state}, receivers ${receivers.join(", ")}`,
        `sent by ${new URL(watchdog.generatorURL).origin} (Prometheus: ${PROMETHEUS_URL})`,
      ],
    };
  },
};
