import { describe, expect, it } from "vitest";
import type { RevisionStatus } from "../serving-control/local-serving.ts";
import { KNATIVE_METRICS, knativeMetricsText } from "./knative-metrics.ts";

const revision: RevisionStatus = {
  service: "redirect",
  namespace: "default",
  revision: "redirect-00002",
  routed: true,
  ready: 3,
  inFlight: 12,
  crashes: 0,
  targetConcurrency: 70,
  desired: 4,
  actual: 3,
  stableConcurrency: 150.5,
  panicConcurrency: 290,
  panicking: true,
  excessBurstCapacity: -201,
};

describe("knativeMetricsText", () => {
  it("exposes each revision's autoscaler state under Knative's names and attributes", () => {
    const text = knativeMetricsText([revision]);
    const labels = 'kn_service_name="redirect",kn_revision_name="redirect-00002",k8s_namespace_name="default"';
    expect(text).toContain(`kn_revision_pods_desired{${labels}} 4`);
    expect(text).toContain(`kn_revision_pods_count{${labels}} 3`);
    expect(text).toContain(`kn_revision_panic_mode{${labels}} 1`);
    expect(text).toContain(`kn_revision_concurrency_stable{${labels}} 150.5`);
    expect(text).toContain(`kn_revision_capacity_excess{${labels}} -201`);
    for (const metric of Object.values(KNATIVE_METRICS)) expect(text).toContain(`# TYPE ${metric.name} gauge`);
  });
});
