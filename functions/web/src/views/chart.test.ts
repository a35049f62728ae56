import { describe, expect, it } from "vitest";
import { bucketLabel, ClicksChart, layoutBars, niceMax } from "./chart.tsx";

describe("the clicks chart", () => {
  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [10, 10],
    [11, 20],
    [230, 500],
  ])("puts the top of the axis for a largest count of %i at %i", (value, top) => {
    expect(niceMax(value)).toBe(top);
  });

  it("lays out one bar per bucket, heights proportional to clicks", () => {
    const series = [0, 5, 10].map((clicks, i) => ({ start: `2030-01-0${i + 1}T00:00:00Z`, clicks }));
    const { top, bars } = layoutBars(series);
    expect(top).toBe(10);
    expect(bars.map((b) => b.height)).toEqual([0, 98, 196]);
    expect(bars[1]?.x).toBeGreaterThan(bars[0]?.x ?? 0);
    expect(bars[2]?.y).toBe(4);
  });

  it("labels hours and days in UTC", () => {
    expect(bucketLabel("2030-01-02T13:00:00Z", "hour")).toBe("2 Jan 13:00");
    expect(bucketLabel("2030-01-02T00:00:00Z", "day")).toBe("2 Jan");
  });

  it("renders an accessible SVG and a table of the non-zero buckets", () => {
    const html = String(
      ClicksChart({
        id: "c",
        title: "Clicks",
        granularity: "day",
        series: [
          { start: "2030-01-01T00:00:00Z", clicks: 0 },
          { start: "2030-01-02T00:00:00Z", clicks: 3 },
        ],
      }),
    );
    expect(html).toContain('role="img" aria-labelledby="c-title c-desc"');
    expect(html).toContain("3 clicks in 2 buckets");
    expect(html.match(/<rect /g)).toHaveLength(1);
    expect(html).toContain("<td>2 Jan</td><td>3</td>");
    const empty = String(ClicksChart({ id: "e", title: "Clicks", granularity: "day", series: [] }));
    expect(empty).toContain("No clicks in this range.");
  });
});
