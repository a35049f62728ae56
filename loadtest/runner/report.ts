/**
 * The run's HTML report (pure): what ran and with which settings, the checks
 * and k6 thresholds with their results, the summary, the chart (inline SVG),
 * the events, and the files beside it.
 */
import { escapeXml } from "./chart.ts";
import type { RunEvent } from "./events.ts";
import type { ThresholdResult } from "./k6.ts";
import type { Check } from "./scenarios.ts";
import { formatSummary, type RunSummary } from "./summary.ts";

export interface ReportInput {
  title: string;
  startedAt: Date;
  platform: string;
  settings: Record<string, string>;
  summary: RunSummary;
  thresholds: ThresholdResult[];
  checks: Check[];
  events: RunEvent[];
  chartSvg: string;
  files: string[];
}

export function renderReport(input: ReportInput): string {
  const passed = input.thresholds.every((t) => t.ok) && input.checks.every((c) => c.ok);
  const row = (cells: string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  const mark = (ok: boolean) => (ok ? `<span class="ok">pass</span>` : `<span class="bad">FAIL</span>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(input.title)}</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1040px; color: #111827; }
  h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
  table { border-collapse: collapse; } td, th { padding: 3px 12px 3px 0; text-align: left; vertical-align: top; }
  .ok { color: #15803d; font-weight: 600; } .bad { color: #b91c1c; font-weight: 600; }
  .verdict { font-size: 16px; } code { font-size: 13px; } .muted { color: #6b7280; }
</style>
</head>
<body>
<h1>${escapeXml(input.title)}</h1>
<p class="verdict">${mark(passed)} <span class="muted">started ${input.startedAt.toISOString()} on ${escapeXml(input.platform)}</span></p>

<h2>Summary</h2>
<ul>${formatSummary(input.summary)
    .map((line) => `<li>${escapeXml(line)}</li>`)
    .join("")}</ul>

<h2>What must hold</h2>
<table>
${input.checks.map((c) => row([mark(c.ok), escapeXml(c.name), `<span class="muted">${escapeXml(c.detail)}</span>`])).join("\n")}
${input.thresholds.map((t) => row([mark(t.ok), `k6 threshold <code>${escapeXml(t.metric)}: ${escapeXml(t.expression)}</code>`, ""])).join("\n")}
</table>

<h2>Over time</h2>
${input.chartSvg}

<h2>Settings</h2>
<table>
${Object.entries(input.settings)
  .map(([name, value]) => row([escapeXml(name), `<code>${escapeXml(value)}</code>`]))
  .join("\n")}
</table>

<h2>Events</h2>
<table>
${input.events.map((e) => row([`${e.t} s`, escapeXml(e.text), e.action ? "runner" : "platform"])).join("\n")}
</table>

<h2>Files</h2>
<ul>${input.files.map((f) => `<li><a href="${escapeXml(f)}">${escapeXml(f)}</a></li>`).join("")}</ul>
</body>
</html>
`;
}
