import { describe, expect, it } from "vitest";
import { LATENCY_BUCKETS } from "../replicas/revision-runtime.ts";
import { revisionSample } from "../testing/samples.ts";
import { History, histogramQuantile, serviceSeries } from "./history.ts";

/** Cumulative buckets for `fast` answers under 5 ms and `slow` ones of 200 ms (bucket 0.25). */
const buckets = (fast: number, slow: number) => LATENCY_BUCKETS.map((bound) => (bound >= 0.25 ? fast + slow : fast));

describe("histogramQuantile", () => {
  it("interpolates inside the bucket that holds the rank, as Prometheus does", () => {
    // 100 answers: 90 under 5 ms, 10 in (0.1, 0.25]: the 95th is half-way into that bucket.
    expect(histogramQuantile(0.95, buckets(90, 10), 100)).toBeCloseTo(0.175, 6);
    expect(histogramQuantile(0.5, buckets(90, 10), 100)).toBeCloseTo(0.005 * (50 / 90), 6);
  });
});

describe("serviceSeries", () => {
  it("turns counters into request rate, error rate and p95, summed over a service's revisions", () => {
    const samples = [
      { at: 0, revisions: [revisionSample({})] },
      {
        at: 1000,
        revisions: [
          revisionSample({ requests: 90, errors: 9, buckets: buckets(90, 0), percent: 50, concurrency: 3 }),
          revisionSample({
            revision: "redirect-00002",
            requests: 10,
            errors: 0,
            buckets: buckets(0, 10),
            percent: 50,
            ready: 2,
            desired: 3,
            concurrency: 4,
          }),
        ],
      },
    ];
    const [point] = serviceSeries(samples).redirect ?? [];
    expect(point).toMatchObject({ at: 1000, rps: 100, errorRate: 0.09, concurrency: 7, desired: 4, ready: 3 });
    expect(point?.p95Ms).toBeCloseTo(175, 3);
    expect(point?.revisions["redirect-00002"]).toEqual({ ready: 2, desired: 3, percent: 50, rps: 10 });
  });

  it("has no error rate or p95 for a window without answers", () => {
    const samples = [
      { at: 0, revisions: [revisionSample({ requests: 5, buckets: buckets(5, 0) })] },
      { at: 2000, revisions: [revisionSample({ requests: 5, buckets: buckets(5, 0) })] },
    ];
    expect(serviceSeries(samples, 1).redirect?.[0]).toMatchObject({ rps: 0, errorRate: null, p95Ms: null });
  });

  it("judges errors and p95 over the last window of samples, rates over the last second", () => {
    const samples = Array.from({ length: 12 }, (_, i) => ({
      at: i * 1000,
      // 10 answers a second; the first 5 seconds all 5xx, then none.
      revisions: [revisionSample({ requests: i * 10, errors: Math.min(i, 5) * 10, buckets: buckets(i * 10, 0) })],
    }));
    const series = serviceSeries(samples, 5).redirect ?? [];
    expect(series.at(-1)).toMatchObject({ rps: 10, errorRate: 0 });
    expect(series[4]).toMatchObject({ errorRate: 1 });
  });
});

describe("History", () => {
  it("keeps only the last samples", () => {
    const history = new History(2);
    for (const at of [1, 2, 3]) history.record({ at, revisions: [] });
    expect(history.all().map((s) => s.at)).toEqual([2, 3]);
  });
});
