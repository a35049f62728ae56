import { describe, expect, it } from "vitest";
import type { K6Summary } from "./k6.ts";
import type { RunResult } from "./run.ts";
import { scenarios } from "./scenarios.ts";
import { k6EnvFor, settingsOf } from "./settings.ts";
import { row } from "./test-rows.ts";
import { judge, verdictLines } from "./verdict.ts";

const smoke = scenarios.smoke as NonNullable<(typeof scenarios)["smoke"]>;
const result = (k6Exit: number, stoppedByRunner = false): RunResult => ({
  ticks: [],
  rows: [row(0, { vus: 1, ready: 1, desired: 1 })],
  events: [],
  startedAt: 0,
  firstState: undefined,
  k6Exit,
  stoppedByRunner,
});
const k6 = (ok: boolean): K6Summary => ({
  requests: 43,
  failed: 0,
  thresholds: [{ metric: "http_req_failed", expression: "rate==0", ok }],
});

describe("judge", () => {
  it.each([
    [0, false, true, true],
    [99, false, false, false],
    [103, true, true, true],
    [105, true, true, true],
    [103, false, true, false],
    [107, false, true, false],
  ])("k6 exit %d (stopped by the runner: %s), thresholds held: %s -> passed: %s", (exit, stopped, held, passed) => {
    expect(judge(smoke, result(exit, stopped), k6(held)).passed).toBe(passed);
  });

  it("prints the verdict, the summary, every check and threshold, and where the report is", () => {
    const lines = verdictLines("smoke", judge(smoke, result(107), k6(true)), k6(true), "/r/report.html");
    expect(lines[0]).toBe("smoke: FAILED");
    expect(lines).toContain("  requests 43, failed 0 (0.00 %)");
    expect(lines).toContain("  FAIL k6 ran to its end: exit 107; see k6.log");
    expect(lines).toContain("  ok   k6 threshold http_req_failed: rate==0");
    expect(lines.at(-1)).toBe("  report: /r/report.html");
  });
});

describe("settings", () => {
  const autoscale = scenarios.autoscale as NonNullable<(typeof scenarios)["autoscale"]>;
  const target = { baseUrl: "http://127.0.0.1:8080", namespace: "default", domain: "localhost", apiKey: "secret" };

  it("gives k6 the scenario's defaults, overridden by the environment, and where the functions are", () => {
    expect(k6EnvFor(autoscale, target, { PEAK_VUS: "900" })).toEqual({
      PEAK_VUS: "900",
      IDLE: "10s",
      RAMP: "1s",
      HOLD: "60s",
      BASE_URL: "http://127.0.0.1:8080",
      NAMESPACE: "default",
      DOMAIN: "localhost",
      API_KEY: "secret",
    });
  });

  it("states the scaling the platform read and the k6 variables, never the API key", () => {
    const settings = settingsOf(
      autoscale,
      { targetValue: 70, totalValue: 100, stableWindowMs: 6000, panicWindowMs: 1000, minScale: 0, maxScale: 20 },
      { "scale-to-zero grace": "30 s" },
      k6EnvFor(autoscale, target, {}),
    );
    expect(settings).toMatchObject({
      "target per replica": "70 in flight (of 100)",
      "stable window": "6 s",
      "panic window": "1 s",
      "min/max scale": "0/20",
      "scale-to-zero grace": "30 s",
      "k6 PEAK_VUS": "700",
      "k6 script": "loadtest/scenarios/autoscale.js",
    });
    expect(JSON.stringify(settings)).not.toContain("secret");
  });
});
