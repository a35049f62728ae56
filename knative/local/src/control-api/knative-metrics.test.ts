import { describe, expect, it } from "vitest";
import type { RevisionStatus } from "../controllers/local-serving.ts";
import { LatencyHistogram } from "../replicas/revision-runtime.ts";
import {
  KNATIVE_METRICS,
  type MetricsSource,
  platformRegistry,
  type RevisionRequestTotals,
} from "./knative-metrics.ts";

/** The registry's text for a source that has only what a case gives it. */
function scrape(source: Partial<MetricsSource>): Promise<string> {
  return platformRegistry({ status: () => [], requestTotals: () => [], canaries: () => [], ...source }).metrics();
}

const revision: RevisionStatus = {
  service: "redirect",
  namespace: "default",
  revision: "redirect-00002",
  routed: true,
  percent: 100,
  tags: [],
  ready: 3,
  inFlight: 12,
  crashes: 0,
  targetConcurrency: 70,
  desired: 4,
  actual: 3,
  stableConcurrency: 150.5,
  panicConcurrency: 290,
  stableRps: 80,
  panicRps: 150,
  panicking: true,
  excessBurstCapacity: -201,
  activity: "active",
  activatorInPath: true,
};

describe("the local platform's /metrics (a prom-client registry)", () => {
  it("exposes each revision's autoscaler state under Knative's names and attributes", async () => {
    const text = await scrape({ status: () => [revision] });
    const labels = 'kn_service_name="redirect",kn_revision_name="redirect-00002",k8s_namespace_name="default"';
    expect(text).toContain(`kn_revision_pods_desired{${labels}} 4`);
    expect(text).toContain(`kn_revision_pods_count{${labels}} 3`);
    expect(text).toContain(`kn_revision_panic_mode{${labels}} 1`);
    expect(text).toContain(`kn_revision_concurrency_stable{${labels}} 150.5`);
    expect(text).toContain(`kn_revision_capacity_excess{${labels}} -201`);
    expect(text).toContain(`kn_revision_rps_stable{${labels}} 80`);
    expect(text).toContain(`kn_revision_rps_panic{${labels}} 150`);
    for (const metric of Object.values(KNATIVE_METRICS)) expect(text).toContain(`# TYPE ${metric.name} gauge`);
  });

  it("counts answers by code class and tag, and keeps a cumulative latency histogram", async () => {
    const latency = new LatencyHistogram();
    for (const seconds of [0.002, 0.02, 0.3, 20]) latency.observe(seconds);
    const totals: RevisionRequestTotals[] = [
      {
        service: "links",
        namespace: "default",
        revision: "links-00001",
        tag: "",
        byClass: new Map([
          ["2xx", 3],
          ["5xx", 1],
        ]),
        latency,
      },
      {
        service: "links",
        namespace: "default",
        revision: "links-00001",
        tag: "previous",
        byClass: new Map([["2xx", 7]]),
        latency: new LatencyHistogram(),
      },
    ];
    const text = await scrape({ requestTotals: () => totals });
    const revision = 'kn_service_name="links",kn_revision_name="links-00001",k8s_namespace_name="default"';
    const labels = `${revision},kn_route_tag=""`;
    expect(text).toContain(
      `kn_revision_requests_total{${revision},kn_route_tag="previous",response_code_class="2xx"} 7`,
    );
    expect(text).toContain(`kn_revision_requests_total{${labels},response_code_class="2xx"} 3`);
    expect(text).toContain(`kn_revision_requests_total{${labels},response_code_class="5xx"} 1`);
    expect(text).toContain(`kn_revision_request_duration_seconds_bucket{${labels},le="0.005"} 1`);
    expect(text).toContain(`kn_revision_request_duration_seconds_bucket{${labels},le="0.025"} 2`);
    expect(text).toContain(`kn_revision_request_duration_seconds_bucket{${labels},le="10"} 3`);
    expect(text).toContain(`kn_revision_request_duration_seconds_bucket{${labels},le="+Inf"} 4`);
    expect(text).toContain(`kn_revision_request_duration_seconds_count{${labels}} 4`);
  });

  it("exports each canary under Flagger's names and labels: status 0 running, 1 successful, 2 failed", async () => {
    const state = (phase: "Progressing" | "Succeeded" | "Failed", weight: number) => ({
      phase,
      primary: "redirect-00001",
      canary: "redirect-00002",
      weight,
      failedChecks: 0,
    });
    const text = await scrape({
      canaries: () => [
        { service: "redirect", namespace: "default", state: state("Progressing", 20) },
        { service: "links", namespace: "default", state: state("Failed", 0) },
        { service: "analytics", namespace: "default", state: state("Succeeded", 0) },
      ],
    });
    expect(text).toContain('flagger_canary_status{name="redirect",namespace="default"} 0');
    expect(text).toContain('flagger_canary_status{name="links",namespace="default"} 2');
    expect(text).toContain('flagger_canary_status{name="analytics",namespace="default"} 1');
    expect(text).toContain('flagger_canary_weight{workload="redirect",namespace="default"} 20');
    expect(text).toContain('flagger_canary_weight{workload="redirect-primary",namespace="default"} 80');
  });
});
