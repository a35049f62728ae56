/** Whether a run passed (pure): the summary, the scenario's checks, k6's thresholds and exit code. */
import type { K6Summary } from "./k6.ts";
import type { RunResult } from "./run.ts";
import type { Check, ScenarioPlan } from "./scenarios.ts";
import { formatSummary, type RunSummary, summarize } from "./summary.ts";

export interface Verdict {
  passed: boolean;
  summary: RunSummary;
  checks: Check[];
}

export function judge(plan: ScenarioPlan, result: RunResult, k6: K6Summary): Verdict {
  const summary = summarize(result.rows, k6.requests, k6.failed);
  const primaryAtStart = result.firstState?.sample.revisions
    .filter((r) => r.service === plan.service)
    .sort((a, b) => b.percent - a.percent)[0]?.revision;
  const checks = plan.checks({ rows: result.rows, events: result.events, summary, primaryAtStart });
  // 0: thresholds held; 99: one failed; 103 (105 after SIGINT): the runner stopped k6 once the scenario was over.
  const k6Ran = [0, 99].includes(result.k6Exit) || ([103, 105].includes(result.k6Exit) && result.stoppedByRunner);
  if (!k6Ran) checks.push({ name: "k6 ran to its end", ok: false, detail: `exit ${result.k6Exit}; see k6.log` });
  return { passed: k6.thresholds.every((t) => t.ok) && checks.every((c) => c.ok), summary, checks };
}

/** The lines printed at the end of a run. */
export function verdictLines(name: string, verdict: Verdict, k6: K6Summary, reportPath: string): string[] {
  return [
    `${name}: ${verdict.passed ? "PASSED" : "FAILED"}`,
    ...formatSummary(verdict.summary).map((line) => `  ${line}`),
    ...verdict.checks.map((c) => `  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`),
    ...k6.thresholds.map((t) => `  ${t.ok ? "ok  " : "FAIL"} k6 threshold ${t.metric}: ${t.expression}`),
    `  report: ${reportPath}`,
  ];
}
