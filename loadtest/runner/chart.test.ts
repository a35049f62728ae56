import { describe, expect, it } from "vitest";
import { escapeXml, niceCeiling, pathOf, renderChart, timeTicks } from "./chart.ts";
import { point, row } from "./test-rows.ts";

describe("the chart", () => {
  const rows = [
    row(0, { revisions: { "redirect-00001": point({ ready: 1, desired: 1, percent: 100 }) } }),
    row(1, {
      vus: 20,
      clientRps: 200,
      clientFailedPerS: 3,
      concurrency: 12,
      errorRate: 0.015,
      revisions: {
        "redirect-00001": point({ ready: 2, desired: 3, percent: 80 }),
        "redirect-00002": point({ ready: 1, desired: 1, percent: 20 }),
      },
    }),
  ];
  const svg = renderChart("rollout <test>", "local", rows, [
    { t: 0.5, text: "release a new revision", action: true },
    { t: 1, text: "canary redirect-00002 at 20 %" },
  ]);

  it("is one SVG with a panel per figure and a line per revision", () => {
    expect(svg.startsWith("<svg xmlns")).toBe(true);
    expect(svg).toContain("<title>rollout &#60;test&#62;</title>");
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    for (const title of ["Requests per second", "Concurrency", "Replicas", "Traffic split", "5xx"]) {
      expect(svg).toContain(title);
    }
    for (const label of [
      "redirect-00001 ready",
      "redirect-00002 desired",
      "k6 virtual users",
      "k6: failed",
      "stable-window average",
    ]) {
      expect(svg).toContain(label);
    }
  });

  it("numbers the events and lists them", () => {
    expect(svg).toContain("1. 1 s: release a new revision");
    expect(svg).toContain("2. 1 s: canary redirect-00002 at 20 %");
  });

  it("escapes text", () => {
    expect(svg).toContain("rollout &#60;test&#62;");
    expect(escapeXml(`a&"b'`)).toBe("a&#38;&#34;b&#39;");
  });

  it("draws an empty run without failing", () => {
    expect(renderChart("empty", "", [], [])).toContain("</svg>");
  });
});

describe("chart helpers", () => {
  it.each([
    [0, 1],
    [0.4, 1],
    [3, 5],
    [7, 10],
    [11, 20],
    [230, 250],
    [2600, 5000],
  ])("niceCeiling(%d) is %d", (value, expected) => {
    expect(niceCeiling(value)).toBe(expected);
  });

  it("puts time ticks every 10 s on a 90 s run and every 30 s on a 4 min one", () => {
    expect(timeTicks(0, 90)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(timeTicks(0, 240)).toEqual([0, 30, 60, 90, 120, 150, 180, 210, 240]);
  });

  it("lifts the pen over gaps", () => {
    const rows = [row(0), row(1), row(2), row(3)];
    expect(
      pathOf(
        [1, null, 2, 3],
        rows,
        (t) => t * 10,
        (v) => 100 - v,
      ),
    ).toBe("M0.0 99.0 M20.0 98.0 L30.0 97.0");
  });
});
