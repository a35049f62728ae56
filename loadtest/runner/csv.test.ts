import { describe, expect, it } from "vitest";
import { rowsToCsv } from "./csv.ts";
import { point, row } from "./test-rows.ts";

describe("rowsToCsv", () => {
  it("has a column group per revision, empty where the revision did not exist yet", () => {
    const csv = rowsToCsv([
      row(1, { vus: 5, clientRps: 99.94, revisions: { "r-00001": point({ ready: 1, percent: 100, rps: 99.94 }) } }),
      row(2, { errorRate: 0.01234, p95Ms: 4.56, revisions: { "r-00001": point(), "r-00002": point({ desired: 2 }) } }),
    ]).split("\n");
    expect(csv[0]).toBe(
      "t_s,time,k6_vus,k6_requests_per_s,k6_failed_per_s,answers_per_s,error_rate,p95_ms,concurrency,stable_concurrency,desired,ready," +
        "r-00001_ready,r-00001_desired,r-00001_percent,r-00001_answers_per_s," +
        "r-00002_ready,r-00002_desired,r-00002_percent,r-00002_answers_per_s",
    );
    expect(csv[1]).toBe("1,2023-11-14T22:13:21.000Z,5,99.9,0,0,,,0,0,0,0,1,0,100,99.9,,,,");
    expect(csv[2]).toBe("2,2023-11-14T22:13:22.000Z,0,0,0,0,0.0123,4.6,0,0,0,0,0,0,0,0,0,2,0,0");
  });
});
