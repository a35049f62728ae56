/** Writes a run's folder: the chart, the samples as CSV, the summary as JSON and the HTML report. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderChart } from "./chart.ts";
import { rowsToCsv } from "./csv.ts";
import type { K6Summary } from "./k6.ts";
import { renderReport } from "./report.ts";
import type { RunResult } from "./run.ts";
import type { ScenarioPlan } from "./scenarios.ts";
import type { Verdict } from "./verdict.ts";

export interface RunRecord {
  plan: ScenarioPlan;
  startedAt: Date;
  platform: string;
  settings: Record<string, string>;
  result: RunResult;
  k6: K6Summary;
  verdict: Verdict;
}

/** Returns the report's path. */
export function writeResults(dir: string, run: RunRecord): string {
  const { plan, startedAt, platform, settings, result, k6, verdict } = run;
  const scaling = Object.entries(settings)
    .filter(([key]) => !key.startsWith("k6 "))
    .map(([key, value]) => `${key} ${value}`);
  const chartSvg = renderChart(plan.title, `${platform}; ${scaling.join(", ")}`, result.rows, result.events);
  writeFileSync(join(dir, "chart.svg"), chartSvg);
  writeFileSync(join(dir, "samples.csv"), rowsToCsv(result.rows));
  const { summary, checks } = verdict;
  const thresholds = k6.thresholds;
  const record = {
    scenario: plan.name,
    startedAt,
    platform,
    settings,
    summary,
    checks,
    thresholds,
    events: result.events,
  };
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(record, null, 2)}\n`);
  const report = join(dir, "report.html");
  writeFileSync(
    report,
    renderReport({
      title: plan.title,
      startedAt,
      platform,
      settings,
      summary,
      thresholds,
      checks,
      events: result.events,
      chartSvg,
      files: ["chart.svg", "samples.csv", "summary.json", "k6-summary.json", "k6.log"],
    }),
  );
  return report;
}
