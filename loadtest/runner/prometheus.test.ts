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
      '{__name__=~"kn_revision_pods_desired|kn_revision_pods_count|kn_revision_request_concurrency|kn_revision_concurrency_stable",k8s_namespace_name="prod"}',
    );
    expect(q.answers).toContain('kn_revision_requests_total{k8s_namespace_name="prod"}');
    expect(q.canaryStatus).toBe('flagger_canary_status{namespace="prod"}');
  });

  it("builds a sample per revision, the split from the answers since the last sample, and the canary", () => {
    const vectors = {
      gauges: [
        v({ __name__: "kn_revision_pods_count", ...rev("redirect-00001") }, 3),
        v({ __name__: "kn_revision_pods_desired", ...rev("redirect-00001") }, 4),
        v({ __name__: "kn_revision_request_concurrency", ...rev("redirect-00002") }, 6),
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
    const first = stateFromVectors(1000, vectors, undefined);
    expect(first.sample.revisions.find((r) => r.revision === "redirect-00001")).toMatchObject({
      ready: 3,
      desired: 4,
      requests: 900,
      percent: 0,
    });
    expect(first.sample.revisions.find((r) => r.revision === "redirect-00001")?.buckets[0]).toBe(800);
    expect(first.sample.revisions.find((r) => r.revision === "redirect-00002")).toMatchObject({
      concurrency: 6,
      stableConcurrency: 4.5,
      requests: 100,
      errors: 30,
    });
    expect(first.services).toEqual([
      {
        name: "redirect",
        canary: { phase: "Progressing", canary: "redirect-00002", primary: "redirect-00001", weight: 20 },
      },
    ]);
    const later = stateFromVectors(
      2000,
      {
        ...vectors,
        answers: [
          v({ ...rev("redirect-00001"), response_code_class: "2xx" }, 980),
          v({ ...rev("redirect-00002"), response_code_class: "2xx" }, 90),
          v({ ...rev("redirect-00002"), response_code_class: "5xx" }, 30),
        ],
      },
      first.sample,
    );
    expect(later.sample.revisions.map((r) => [r.revision, r.percent])).toEqual([
      ["redirect-00001", 80],
      ["redirect-00002", 20],
    ]);
  });
});
