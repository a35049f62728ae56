/**
 * Flagger releases a Knative Service by canary on the real engines: Flagger's
 * Knative provider moves the traffic, Kourier's Envoy serves it, Prometheus
 * reads Envoy's counters and the alerts. Three releases of one Service, under
 * steady traffic, with the platform's own analysis (knative/base/canaries.yaml)
 * run every few seconds instead of every minute:
 *   1. a healthy release: promoted, every weight step on the way;
 *   2. a faulty one (FAIL_RATE=0.3): rolled back, the old revision serving;
 *   3. a healthy one with an alert raised by hand for its Service mid-analysis:
 *      rolled back by the firing-alerts check (without its holds the others
 *      stay under the threshold), with no failed request.
 * Charts the canary's weight over each release.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { viaIngress } from "../../client/ingress.ts";
import { kubectl, kubectlJson, waitServiceReady } from "../../client/kube.ts";
import { clearAlertByHand, raiseAlertByHand } from "../../client/prometheus.ts";
import { REPO } from "../../client/run-command.ts";
import {
  baseAnalysis,
  type CanaryEvent,
  type CanaryObservation,
  checkCanary,
  decidedBy,
  haltsByCheck,
  type ReleaseCourse,
  releaseCourse,
  releaseFinished,
} from "../canary-release.ts";
import type { Check, CheckContext } from "../check.ts";
import { echoService, parseEcho } from "../fixtures.ts";
import { renderStepChart } from "../step-chart.ts";

const NAME = "canary";
const INTERVAL = "10s";
const RELEASE_TIMEOUT_S = 300;
/** Requests per second sent through Kourier while a release runs. */
const RATE = 20;
const ALERT = "ReleaseHeldByHand";

interface CanaryStatus {
  status?: { phase?: string; canaryWeight?: number; failedChecks?: number };
}
interface ServiceTraffic {
  status?: { traffic?: { revisionName?: string; percent?: number }[] };
}

/** Polls the Canary every second until its release has finished or the time is up. */
async function followRelease(namespace: string, startedAt: number, onPoll?: (o: CanaryObservation) => Promise<void>) {
  const observations: CanaryObservation[] = [];
  const deadline = startedAt + RELEASE_TIMEOUT_S * 1000;
  while (!releaseFinished(observations) && Date.now() < deadline) {
    const canary = await kubectlJson<CanaryStatus>(["-n", namespace, "get", "canary", NAME, "-o", "json"]);
    const o = {
      t: (Date.now() - startedAt) / 1000,
      phase: canary.status?.phase ?? "",
      canaryWeight: canary.status?.canaryWeight ?? 0,
      failedChecks: canary.status?.failedChecks ?? 0,
    };
    observations.push(o);
    await onPoll?.(o);
    await new Promise((r) => setTimeout(r, 1000));
  }
  return observations;
}

/** Steady traffic to the Service until `stop` resolves; counts answers by revision, and the 5xx. */
async function steadyTraffic(url: string, stop: Promise<unknown>) {
  let running = true;
  const end = () => {
    running = false;
  };
  stop.then(end, end);
  const served = new Map<string, number>();
  let errors = 0;
  while (running) {
    const sent = Date.now();
    try {
      const answer = await viaIngress(url, {}, 10_000);
      const revision = parseEcho(answer.body)?.revision ?? "?";
      if (answer.status >= 500) errors++;
      else served.set(revision, (served.get(revision) ?? 0) + 1);
    } catch {
      errors++;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 / RATE - (Date.now() - sent))));
  }
  return { served, errors };
}

/** Flagger's events about the Canary since `since` (ms), by the second they were last recorded. */
async function canaryEvents(namespace: string, since: number): Promise<CanaryEvent[]> {
  const list = await kubectlJson<{ items: { message: string; count?: number; lastTimestamp?: string }[] }>([
    "-n",
    namespace,
    "get",
    "events",
    "--field-selector",
    `involvedObject.kind=Canary,involvedObject.name=${NAME}`,
    "-o",
    "json",
  ]);
  const fromSecond = Math.floor(since / 1000) * 1000;
  return list.items
    .filter((e) => e.lastTimestamp && Date.parse(e.lastTimestamp) >= fromSecond)
    .map((e) => ({ message: e.message, count: e.count ?? 1 }));
}

/** The revision that serves 100 % of the Service's traffic, if one does. */
async function servingRevision(namespace: string): Promise<string | undefined> {
  const service = await kubectlJson<ServiceTraffic>(["-n", namespace, "get", "ksvc", NAME, "-o", "json"]);
  return service.status?.traffic?.find((t) => t.percent === 100)?.revisionName;
}

interface Release {
  label: string;
  release: string;
  env?: Record<string, string>;
  expect: "Succeeded" | "Failed";
  /** The one check that must have held a failed release back (Flagger's halts, by check). */
  haltedBy?: string;
  /** Raise an alert for the Service once the canary has this much traffic. */
  alertAtWeight?: number;
}

const RELEASES: Release[] = [
  { label: "healthy release", release: "two", expect: "Succeeded" },
  {
    label: "faulty release (FAIL_RATE=0.3)",
    release: "three",
    env: { FAIL_RATE: "0.3" },
    expect: "Failed",
    haltedBy: "request-success-rate",
  },
  {
    label: "healthy release, alert raised by hand mid-analysis",
    release: "four",
    expect: "Failed",
    haltedBy: "firing-alerts",
    alertAtWeight: 20,
  },
];

export const flaggerCanary: Check = {
  name: "Flagger canaries on Knative: a healthy release promoted, a faulty one and one under an alert rolled back",
  async run(ctx: CheckContext) {
    const { testNamespace: namespace, log } = ctx;
    await clearAlertByHand(ALERT);
    const apply = (o: object) => kubectl(["apply", "-f", "-"], JSON.stringify(o));
    const service = (r: { release: string; env?: Record<string, string> }) =>
      echoService({
        namespace,
        name: NAME,
        release: r.release,
        env: r.env,
        annotations: { "autoscaling.knative.dev/min-scale": "1" },
      });
    const analysis = baseAnalysis(REPO, "redirect");
    const figures = [
      `analysis: knative/base/canaries.yaml's, every ${INTERVAL} instead of ${analysis.interval}: steps of ${analysis.stepWeight} % to ${analysis.maxWeight} %, rollback after ${analysis.threshold} failed checks of ${analysis.metrics.map((m) => m.name).join(", ")}`,
    ];

    await apply(service({ release: "one" }));
    const url = (await waitServiceReady(namespace, NAME)).status?.url as string;
    await apply(checkCanary({ namespace, name: NAME, analysis, interval: INTERVAL }));
    await kubectl([
      "-n",
      namespace,
      "wait",
      "canary",
      NAME,
      "--for=jsonpath={.status.phase}=Initialized",
      "--timeout=120s",
    ]);
    let primary = `${NAME}-one`;
    log(`Canary ${NAME} initialized; ${primary} serves`);

    let ok = true;
    const charts: {
      label: string;
      points: { t: number; value: number }[];
      revision: string;
      rows: CanaryObservation[];
    }[] = [];
    try {
      for (const r of RELEASES) {
        const startedAt = Date.now();
        await apply(service(r));
        let alertRaisedAt: number | undefined;
        const following = followRelease(namespace, startedAt, async (o) => {
          if (
            r.alertAtWeight &&
            alertRaisedAt === undefined &&
            o.phase === "Progressing" &&
            o.canaryWeight >= r.alertAtWeight
          ) {
            await raiseAlertByHand(ALERT, {
              k8s_namespace_name: namespace,
              kn_service_name: NAME,
              severity: "critical",
            });
            alertRaisedAt = (Date.now() - startedAt) / 1000;
            log(
              `alert ${ALERT} firing for ${namespace}/${NAME} at ${alertRaisedAt.toFixed(0)} s (canary weight ${o.canaryWeight} %)`,
            );
          }
        });
        const [observations, traffic] = await Promise.all([following, steadyTraffic(url, following)]).finally(() =>
          alertRaisedAt === undefined ? undefined : clearAlertByHand(ALERT),
        );
        const course: ReleaseCourse = releaseCourse(observations);
        const revision = `${NAME}-${r.release}`;
        if (course.outcome === "Succeeded") primary = revision;
        const serving = await servingRevision(namespace);
        const halts = haltsByCheck(await canaryEvents(namespace, startedAt));
        const haltedAsExpected = !r.haltedBy || decidedBy(halts, r.haltedBy, analysis.threshold);
        // A release rolled back by the alert alone was otherwise healthy: not one request failed.
        const healthy = r.expect === "Succeeded" || r.haltedBy === "firing-alerts";
        const passed =
          course.outcome === r.expect && serving === primary && haltedAsExpected && (!healthy || traffic.errors === 0);
        ok &&= passed;
        charts.push({
          label: `${revision}: ${course.outcome}`,
          points: observations.map((o) => ({ t: o.t, value: o.canaryWeight })),
          revision,
          rows: observations,
        });
        const served = [...traffic.served].map(([rev, n]) => `${rev} ${n}`).join(", ");
        figures.push(
          `${r.label}: ${course.outcome} in ${course.seconds.toFixed(0)} s (expected ${r.expect}); canary weights ${course.weights.join(" → ") || "none"} %; most failed checks ${course.mostFailedChecks}; halts by check: ${JSON.stringify(halts)}${alertRaisedAt === undefined ? "" : `; alert raised at ${alertRaisedAt.toFixed(0)} s`}`,
          `   served: ${served}; 5xx or no answer: ${traffic.errors}; now serving 100 %: ${serving} (expected ${primary}) ${passed ? "" : "← FAIL"}`,
        );
      }
    } finally {
      await kubectl(["-n", namespace, "delete", "canary", NAME, "--ignore-not-found"]).catch(() => undefined);
    }

    const csv = join(ctx.resultsDir, "flagger-canary.csv");
    await writeFile(
      csv,
      [
        "revision,t_s,phase,canary_weight,failed_checks",
        ...charts.flatMap((c) =>
          c.rows.map((o) => `${c.revision},${o.t.toFixed(1)},${o.phase},${o.canaryWeight},${o.failedChecks}`),
        ),
      ].join("\n"),
    );
    const chart = join(ctx.resultsDir, "flagger-canary.svg");
    await writeFile(
      chart,
      renderStepChart(
        `Flagger: the canary's share of traffic (%) over each release, analysis every ${INTERVAL}`,
        charts,
        { value: analysis.maxWeight, label: `max weight ${analysis.maxWeight} %` },
      ),
    );
    figures.push(`chart: ${chart}; every poll: ${csv}`);
    return { ok, figures };
  },
};
