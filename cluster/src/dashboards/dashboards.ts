/**
 * The platform's dashboards as code: load, health, replicas, traffic split
 * and the data services. generate.ts writes them as Grafana's classic JSON
 * model into flux/infrastructure/monitoring/dashboards, importable as they are.
 */
import { join } from "node:path";
import type { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { Dataquery as PrometheusQuery } from "@grafana/grafana-foundation-sdk/prometheus";
import { repo } from "../module-manifests.ts";
import { platformDashboard, SELECTED, timeseries } from "./panels.ts";

export const DASHBOARDS_DIR = join(repo, "flux/infrastructure/monitoring/dashboards");

const NS = 'k8s_namespace_name="$namespace"';
// Flagger's own series: `namespace` is the Canary's (the pod's is Flagger's own); `workload` is the Service or <Service>-primary.
const CANARY = 'namespace="$namespace"';
const requests = (by: string, filter = SELECTED, window = "$__rate_interval") =>
  `sum by (${by}) (rate(kn_revision_requests_total{${filter}}[${window}]))`;
const latency = (q: number) =>
  `histogram_quantile(${q}, sum by (kn_service_name, le) (rate(kn_revision_request_duration_seconds_bucket{${SELECTED}}[$__rate_interval])))`;

const load = platformDashboard(
  "platform-load",
  "Platform / Load",
  "Requests, latency and requests in flight per Service, as the queue-proxies (cluster) or the local ingress report them.",
)
  .withPanel(
    timeseries({
      title: "Requests per second",
      description: "Every answered request, by Service.",
      unit: "reqps",
      min: 0,
      series: [{ expr: requests("kn_service_name"), legend: "{{kn_service_name}}" }],
    }),
  )
  .withPanel(
    timeseries({
      title: "Latency, p50 and p95",
      description: "Time from the request reaching the revision to its answer, by Service.",
      unit: "s",
      min: 0,
      series: [
        { expr: latency(0.5), legend: "{{kn_service_name}} p50" },
        { expr: latency(0.95), legend: "{{kn_service_name}} p95" },
      ],
    }),
  )
  .withPanel(
    timeseries({
      title: "Requests in flight",
      description:
        "What Knative's autoscaler scales on: requests being handled at once, summed over the Service's replicas.",
      unit: "short",
      min: 0,
      span: 24,
      series: [
        {
          expr: `sum by (kn_service_name) (kn_revision_request_concurrency{${SELECTED}})`,
          legend: "{{kn_service_name}}",
        },
      ],
    }),
  );

const health = platformDashboard(
  "platform-health",
  "Platform / Health",
  "Errors, restarts, firing alerts and Flux's reconciliation: what the platform's alert rules watch.",
  false,
)
  .withPanel(
    timeseries({
      title: "5xx share",
      description: "Share of answers that were 5xx, by Service. FunctionErrorRateHigh fires above 5 % for 2 m.",
      unit: "percentunit",
      min: 0,
      series: [
        {
          expr: `${requests("kn_service_name", `${NS}, response_code_class="5xx"`)} / ${requests("kn_service_name", NS)}`,
          legend: "{{kn_service_name}}",
        },
      ],
    }),
  )
  .withPanel(
    timeseries({
      title: "Function restarts (15 m)",
      description: "Times a function's process started again in the same pod. FunctionRestarting fires at 2.",
      unit: "short",
      min: 0,
      series: [
        {
          expr: `sum by (kn_service_name, pod) (changes(process_start_time_seconds{${NS}, kn_service_name!=""}[15m]))`,
          legend: "{{kn_service_name}} {{pod}}",
        },
      ],
    }),
  )
  .withPanel(
    timeseries({
      title: "Firing alerts",
      description:
        "The platform's alerts (flux/infrastructure/monitoring/platform-alerts.yaml) that are firing, by name.",
      unit: "short",
      min: 0,
      series: [
        {
          expr: 'count by (alertname, severity) (ALERTS{alertstate="firing"})',
          legend: "{{alertname}} ({{severity}})",
        },
      ],
    }),
  )
  .withPanel(
    timeseries({
      title: "Flux reconciliations and errors",
      description:
        "Flux's controllers at work: reconciliations per second by kind, those that ended in an error (source-controller counts a fetch that failed), and objects whose Ready condition is False (gotk_resource_info, from kube-state-metrics or the one-machine cluster's stand-in). FluxReconciliationFailing fires when one stays not Ready for 10 m.",
      unit: "ops",
      min: 0,
      series: [
        {
          expr: "sum by (kind) (rate(gotk_reconcile_duration_seconds_count[$__rate_interval]))",
          legend: "{{kind}} reconciled",
        },
        {
          expr: "sum by (controller) (rate(controller_runtime_reconcile_errors_total[$__rate_interval]))",
          legend: "{{controller}} errors",
        },
        {
          expr: 'count by (customresource_kind) (gotk_resource_info{ready="False", suspended!="true"})',
          legend: "{{customresource_kind}} not Ready",
        },
      ],
    }),
  );

const replicas = platformDashboard(
  "platform-replicas",
  "Platform / Replicas",
  "What Knative's autoscaler wants for each revision, what is ready, and the concurrency it decides on.",
)
  .withPanel(
    timeseries({
      title: "Replicas wanted and ready",
      description:
        "kn_revision_pods_desired against kn_revision_pods_count, by revision. RevisionReplicaShortfall fires when wanted stays above ready for 5 m.",
      unit: "short",
      min: 0,
      span: 24,
      series: [
        {
          expr: `max by (kn_revision_name) (kn_revision_pods_desired{${SELECTED}})`,
          legend: "{{kn_revision_name}} wanted",
        },
        {
          expr: `max by (kn_revision_name) (kn_revision_pods_count{${SELECTED}})`,
          legend: "{{kn_revision_name}} ready",
        },
      ],
    }),
  )
  .withPanel(
    timeseries({
      title: "Concurrency the autoscaler reads, stable and panic windows",
      description: "Average requests in flight over the stable (60 s) and panic (6 s) windows, by revision.",
      unit: "short",
      min: 0,
      span: 24,
      series: [
        {
          expr: `max by (kn_revision_name) (kn_revision_concurrency_stable{${SELECTED}})`,
          legend: "{{kn_revision_name}} stable",
        },
        {
          expr: `max by (kn_revision_name) (kn_revision_concurrency_panic{${SELECTED}})`,
          legend: "{{kn_revision_name}} panic",
        },
      ],
    }),
  );

const trafficSplit = platformDashboard(
  "platform-traffic-split",
  "Platform / Traffic split",
  "How a Service's requests divide between its revisions: a canary's share or a gradual rollout, over time.",
)
  .withPanel(
    timeseries({
      title: "Share of requests by revision",
      description: "Requests each revision answered, stacked to 100 % per Service.",
      unit: "percentunit",
      stackedPercent: true,
      span: 24,
      series: [{ expr: requests("kn_service_name, kn_revision_name"), legend: "{{kn_revision_name}}" }],
    }),
  )
  .withPanel(
    timeseries({
      title: "5xx share by revision",
      description: "What Flagger's analysis weighs: a canary's errors beside the primary's.",
      unit: "percentunit",
      min: 0,
      span: 24,
      series: [
        {
          expr: `${requests("kn_revision_name", `${SELECTED}, response_code_class="5xx"`)} / ${requests("kn_revision_name")}`,
          legend: "{{kn_revision_name}}",
        },
      ],
    }),
  )
  .withPanel(
    timeseries({
      title: "Canary weight (Flagger)",
      description:
        "The share of traffic Flagger gives a release in progress (<service>) and the last promoted revision (<service>-primary).",
      unit: "percent",
      min: 0,
      series: [
        {
          expr: `max by (workload) (flagger_canary_weight{${CANARY}, workload=~"($service)(-primary)?"})`,
          legend: "{{workload}}",
        },
      ],
    }),
  )
  .withPanel(
    timeseries({
      title: "Canary status (Flagger)",
      description: "Each Canary's last release: 0 in progress, 1 promoted (or nothing to release), 2 rolled back.",
      unit: "short",
      min: 0,
      series: [{ expr: `max by (name) (flagger_canary_status{${CANARY}, name=~"$service"})`, legend: "{{name}}" }],
    }),
  );

const dataServices = platformDashboard(
  "platform-data-services",
  "Platform / Data services",
  "PostgreSQL with Patroni (leader, replication lag, timeline) and the cache (errors against lookups).",
  false,
)
  .withPanel(
    timeseries({
      title: "PostgreSQL leader",
      description:
        "Members that are the primary, per Patroni cluster (scope): 1 is healthy; PostgresNoLeader fires at 0.",
      unit: "short",
      min: 0,
      series: [{ expr: `sum by (scope) (patroni_primary{${NS}})`, legend: "{{scope}}" }],
    }),
  )
  .withPanel(
    timeseries({
      title: "Replication lag",
      description:
        "WAL bytes each replica is behind its leader. PostgresReplicationLagHigh fires above 16 MiB for 2 m.",
      unit: "bytes",
      min: 0,
      series: [
        {
          expr: `max by (scope) (patroni_xlog_location{${NS}}) - on (scope) group_right () (patroni_xlog_replayed_location{${NS}} and on (scope, instance) (patroni_replica{${NS}} == 1))`,
          legend: "{{scope}} {{instance}}",
        },
      ],
    }),
  )
  .withPanel(
    timeseries({
      title: "Timeline",
      description: "Patroni's PostgreSQL timeline per cluster: a step up is a failover (PostgresFailover).",
      unit: "short",
      series: [{ expr: `max by (scope) (patroni_postgres_timeline{${NS}})`, legend: "{{scope}}" }],
    }),
  )
  .withPanel(
    timeseries({
      title: "Cache lookups and errors",
      description:
        "Cache reads per second by layer, and reads that failed and went to PostgreSQL (CacheUnavailable fires above half).",
      unit: "ops",
      min: 0,
      series: [
        {
          expr: `sum by (kn_service_name, layer) (rate(cache_lookups_total{${NS}}[$__rate_interval]))`,
          legend: "{{kn_service_name}} {{layer}}",
        },
        {
          expr: `sum by (kn_service_name) (rate(cache_errors_total{${NS}, operation="get"}[$__rate_interval]))`,
          legend: "{{kn_service_name}} errors",
        },
      ],
    }),
  );

export const DASHBOARDS: readonly DashboardBuilder[] = [load, health, replicas, trafficSplit, dataServices];

/** Each dashboard's file name and its JSON, as generate.ts writes them. */
export function renderDashboards(): { file: string; json: string }[] {
  return DASHBOARDS.map((builder) => {
    const dashboard = builder.build();
    return { file: `${dashboard.uid}.json`, json: `${JSON.stringify(dashboard, null, 2)}\n` };
  });
}

/** A dashboard query as Prometheus runs it once Grafana has put in its variables (all Services). */
export const withVariables = (expr: string, namespace: string, rateInterval = "1m") =>
  expr.replaceAll("$__rate_interval", rateInterval).replaceAll("$namespace", namespace).replaceAll("$service", ".*");

/**
 * Each panel of each dashboard as a link to Prometheus' own graph page, every
 * query of the panel on one page over the last hour: the dashboards where no
 * Grafana runs (this machine has none).
 */
export function prometheusLinks(
  prometheus: string,
  namespace: string,
): { dashboard: string; panel: string; url: string }[] {
  return DASHBOARDS.flatMap((builder) => {
    const dashboard = builder.build();
    return (dashboard.panels ?? []).map((panel) => {
      const url = new URL("/graph", prometheus);
      const targets = ("targets" in panel ? panel.targets : undefined) ?? [];
      targets.forEach((target, i) => {
        url.searchParams.set(`g${i}.expr`, withVariables((target as PrometheusQuery).expr, namespace));
        url.searchParams.set(`g${i}.tab`, "0");
        url.searchParams.set(`g${i}.range_input`, "1h");
      });
      return {
        dashboard: dashboard.title ?? "",
        panel: ("title" in panel ? panel.title : undefined) ?? "",
        url: url.href,
      };
    });
  });
}
