import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { countersOf, type MetricsDocument, readK6Summary } from "./k6.ts";

describe("k6's REST API and summary as the runner reads them", () => {
  it("takes users, requests and failed requests from /v1/metrics (failures are a rate of all requests)", () => {
    const doc: MetricsDocument = {
      data: [
        { id: "vus", attributes: { sample: { value: 350 } } },
        { id: "http_reqs", attributes: { sample: { count: 2000, rate: 400 } } },
        { id: "http_req_failed", attributes: { sample: { rate: 0.0125 } } },
      ],
    };
    expect(countersOf(doc)).toEqual({ vus: 350, requests: 2000, failed: 25 });
    expect(countersOf({ data: [] })).toEqual({ vus: 0, requests: 0, failed: 0 });
  });

  it("reads --summary-export, where a threshold maps to true when it failed", () => {
    const path = join(mkdtempSync(join(tmpdir(), "k6-summary-")), "summary.json");
    writeFileSync(
      path,
      JSON.stringify({
        metrics: {
          http_reqs: { count: 43, rate: 35.8 },
          http_req_failed: { passes: 2, fails: 41, value: 0.046, thresholds: { "rate==0": true } },
          checks: { passes: 40, fails: 0, value: 1, thresholds: { "rate==1": false } },
        },
      }),
    );
    expect(readK6Summary(path)).toEqual({
      requests: 43,
      failed: 2,
      thresholds: [
        { metric: "http_req_failed", expression: "rate==0", ok: false },
        { metric: "checks", expression: "rate==1", ok: true },
      ],
    });
    expect(readK6Summary(join(tmpdir(), "no-such-summary.json"))).toBeUndefined();
  });
});
