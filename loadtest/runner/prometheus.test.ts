import { describe, expect, it } from "vitest";
import { queriesFor, stateFromVectors } from "./prometheus.ts";

const v = (metric: Record<string, string>, value: number) => ({
  metric,
  value: [0, String(value)] as [number, string],
});
const rev = (name: string) => ({ kn_service_name: "redirect", kn_revision_name: name });

describe("the platform read from Prometheus", () => {
  it("asks for the names the local platform exports, in one namespace", () => {
    const q = queriesFor("prod");
    expect(q.gauges).toBe(
      '{__name__=~"kn_revision_pods_desired|kn_revision_pods_count|kn_revision_request_concurrency|kn_revision_concurrency_panic|kn_revision_concurrency_stable",k8s_namespace_name="prod"}',
    );
    // rate() per series before sum: a pod's queue-proxy that goes away is not a counter reset.
    expect(q.answers).toBe(
      'sum by (kn_service_name, kn_revision_name, response_code_class) (rate(kn_revision_requests_total{k8s_namespace_name="prod"}[15s]))',
    );
    expect(q.canaryStatus).toBe('flagger_canary_status{namespace="prod"}');
  });

  it("builds a sample per revision, counters integrated from the rates, the split from the rates, and the canary", () => {
    const vectors = {
      gauges: [
        v({ __name__: "kn_revision_pods_count", ...rev("redirect-00001") }, 3),
        v({ __name__: "kn_revision_pods_desired", ...rev("redirect-00001") }, 4),
        v({ __name__: "kn_revision_request_concurrency", ...rev("redirect-00001") }, 2),
        v({ __name__: "kn_revision_request_concurrency", ...rev("redirect-00002") }, 1),
        v({ __name__: "kn_revision_concurrency_panic", ...rev("redirect-00002") }, 6),
        v({ __name__: "kn_revision_concurrency_stable", ...rev("redirect-00002") }, 4.5),
      ],
      answers: [
        v({ ...rev("redirect-00001"), response_code_class: "2xx" }, 900),
        v({ ...rev("redirect-00002"), response_code_class: "2xx" }, 70),
        v({ ...rev("redirect-00002"), response_code_class: "5xx" }, 30),
      ],
      buckets: [v({ ...rev("redirect-00001"), le: "0.005" }, 800), v({ ...rev("redirect-00001"), le: "+Inf" }, 900)],
      canaryStatus: [v({ name: "redirect", namespace: "prod" }, 0)],
      canaryWeight: [v({ workload: "redirect", namespace: "prod" }, 20)],
    };
    // The first sample has rates but no time behind it: the counters start at zero.
    const first = stateFromVectors(1000, vectors, undefined);
    expect(first.sample.revisions.find((r) => r.revision === "redirect-00001")).toMatchObject({
      ready: 3,
      desired: 4,
      concurrency: 2, // the activator's, where the autoscaler's panic average is not exported
      requests: 0,
      percent: 90,
    });
    expect(first.sample.revisions.find((r) => r.revision === "redirect-00002")).toMatchObject({
      concurrency: 6, // the autoscaler's panic-window average
      stableConcurrency: 4.5,
      requests: 0,
      errors: 0,
      percent: 10,
    });
    expect(first.services).toEqual([
      {
        name: "redirect",
        canary: { phase: "Progressing", canary: "redirect-00002", primary: "redirect-00001", weight: 20 },
      },
    ]);
    // Two seconds later, at new rates: the counters grow by rate × 2 s; the split is of the rates now.
    const later = stateFromVectors(
      3000,
      {
        ...vectors,
        answers: [
          v({ ...rev("redirect-00001"), response_code_class: "2xx" }, 80),
          v({ ...rev("redirect-00002"), response_code_class: "2xx" }, 15),
          v({ ...rev("redirect-00002"), response_code_class: "5xx" }, 5),
        ],
      },
      first.sample,
    );
    expect(later.sample.revisions.map((r) => [r.revision, r.requests, r.errors, r.percent])).toEqual([
      ["redirect-00001", 160, 0, 80],
      ["redirect-00002", 40, 10, 20],
    ]);
    expect(later.sample.revisions.find((r) => r.revision === "redirect-00001")?.buckets[0]).toBe(1600);
  });

  it("reads NaN (a rate over nothing) as zero", () => {
    const empty = { gauges: [], buckets: [], canaryStatus: [], canaryWeight: [] };
    const first = stateFromVectors(
      0,
      { ...empty, answers: [v({ ...rev("redirect-00001"), response_code_class: "2xx" }, 1)] },
      undefined,
    );
    const later = stateFromVectors(
      1000,
      { ...empty, answers: [{ metric: { ...rev("redirect-00001"), response_code_class: "2xx" }, value: [0, "NaN"] }] },
      first.sample,
    );
    expect(later.sample.revisions[0]).toMatchObject({ requests: 0, percent: 0 });
  });
});
