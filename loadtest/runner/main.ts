/**
 * npm run loadtest -- <scenario>: runs a k6 scenario against the local
 * platform (started for the run when it is not running) or, with BASE_URL,
 * against a cluster; samples the platform every second; writes
 * loadtest/results/<scenario>-<time>/ (k6 summary and log, samples.csv,
 * chart.svg, report.html, summary.json) and ends with a short summary. The
 * exit code is 0 only when every k6 threshold and every check held.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "@platform/local/free-port";
import { repoRoot } from "@platform/local/local-state";
import { renderChart } from "./chart.ts";
import { clusterPlatform, missingReleaseCommands } from "./cluster-platform.ts";
import { rowsToCsv } from "./csv.ts";
import { readK6Summary } from "./k6.ts";
import { localPlatform } from "./local-platform.ts";
import type { Platform } from "./platform.ts";
import { progressLine, progressWriter } from "./progress.ts";
import { renderReport } from "./report.ts";
import { runScenario } from "./run.ts";
import { type ScenarioPlan, scenarios } from "./scenarios.ts";
import { formatSummary, summarize } from "./summary.ts";

const USAGE = `usage: npm run loadtest -- <scenario>
  ${Object.values(scenarios)
    .map((s) => `${s.name.padEnd(10)} ${s.title}`)
    .join("\n  ")}

Against the local platform by default (started for the run when it is not running).
On a cluster: BASE_URL=<ingress> DOMAIN=<domain> NAMESPACE=<ns> API_KEY=<key> [PROMETHEUS_URL=<url>]
k6 variables (PEAK_VUS, HOLD, RATE, DURATION, ...) are read from the environment too.`;

async function main(): Promise<number> {
  const name = process.argv[2];
  const plan = name ? scenarios[name] : undefined;
  if (!plan) {
    process.stderr.write(`${name && name !== "help" ? `no scenario "${name}"\n\n` : ""}${USAGE}\n`);
    return name === "help" ? 0 : 2;
  }
  const startedAt = new Date();
  const dir = join(repoRoot, "loadtest", "results", `${plan.name}-${startedAt.toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(dir, { recursive: true });
  const progress = progressWriter();
  const say = (line: string) => progress.note(line);
  say(`[${plan.name}] ${plan.title}; results in ${dir}`);

  const missing = process.env.BASE_URL ? missingReleaseCommands(plan.releases, process.env) : [];
  if (missing.length > 0) {
    process.stderr.write(
      `${plan.name} on a cluster needs ${missing.join(" and ")}: the command(s) that release the revisions (see docs/load-testing.md)\n`,
    );
    return 2;
  }
  const platform: Platform = process.env.BASE_URL
    ? clusterPlatform(process.env)
    : await localPlatform({
        logPath: join(dir, "platform.log"),
        progress: (line) => progress.show(`[${plan.name}] ${line}`),
        ready: say,
      });
  say(`[${plan.name}] on ${platform.description}`);

  let result: Awaited<ReturnType<typeof runScenario>>;
  const k6Env = k6EnvFor(plan, platform);
  // Stopped from outside (Ctrl-C, CI's timeout): the platform started for the run goes too.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      say(`[${plan.name}] ${signal}: stopping`);
      void platform.close().finally(() => process.exit(130));
    });
  }
  try {
    result = await runScenario(plan, platform, {
      dir,
      scenariosDir: join(repoRoot, "loadtest", "scenarios"),
      k6Env,
      apiPort: await freePort(),
      show: (phase, row) => progress.show(progressLine(plan.name, row, phase)),
      note: say,
    });
  } finally {
    await platform.close();
  }

  const k6 = readK6Summary(join(dir, "k6-summary.json"));
  if (!k6) {
    say(`[${plan.name}] k6 ended (exit ${result.k6Exit}) without a summary; see ${join(dir, "k6.log")}`);
    return 1;
  }
  const summary = summarize(result.rows, k6.requests, k6.failed);
  const primaryAtStart = result.firstState?.sample.revisions
    .filter((r) => r.service === plan.service)
    .sort((a, b) => b.percent - a.percent)[0]?.revision;
  const checks = plan.checks({ rows: result.rows, events: result.events, summary, primaryAtStart });
  // 0: thresholds held; 99: one failed; 103 (105): the runner stopped k6 once the scenario was over.
  const k6Ran = [0, 99].includes(result.k6Exit) || ([103, 105].includes(result.k6Exit) && result.stoppedByRunner);
  if (!k6Ran) checks.push({ name: "k6 ran to its end", ok: false, detail: `exit ${result.k6Exit}; see k6.log` });
  const settings = {
    ...settingsOf(plan, result.firstState?.services.find((s) => s.name === plan.service)?.autoscaling, k6Env),
    ...platform.settings,
  };

  const subtitle = `${platform.description}; ${Object.entries(settings)
    .filter(([key]) => !key.startsWith("k6 "))
    .map(([key, value]) => `${key} ${value}`)
    .join(", ")}`;
  const chartSvg = renderChart(plan.title, subtitle, result.rows, result.events);
  const files = ["chart.svg", "samples.csv", "summary.json", "k6-summary.json", "k6.log"];
  writeFileSync(join(dir, "chart.svg"), chartSvg);
  writeFileSync(join(dir, "samples.csv"), rowsToCsv(result.rows));
  writeFileSync(
    join(dir, "summary.json"),
    `${JSON.stringify({ scenario: plan.name, startedAt, platform: platform.description, settings, summary, checks, thresholds: k6.thresholds, events: result.events }, null, 2)}\n`,
  );
  writeFileSync(
    join(dir, "report.html"),
    renderReport({
      title: plan.title,
      startedAt,
      platform: platform.description,
      settings,
      summary,
      thresholds: k6.thresholds,
      checks,
      events: result.events,
      chartSvg,
      files,
    }),
  );

  const passed = k6.thresholds.every((t) => t.ok) && checks.every((c) => c.ok);
  const lines = [
    "",
    `${plan.name}: ${passed ? "PASSED" : "FAILED"}`,
    ...formatSummary(summary).map((l) => `  ${l}`),
    ...checks.map((c) => `  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`),
    ...k6.thresholds.map((t) => `  ${t.ok ? "ok  " : "FAIL"} k6 threshold ${t.metric}: ${t.expression}`),
    `  report: ${join(dir, "report.html")}`,
    "",
  ];
  process.stdout.write(lines.join("\n"));
  return passed ? 0 : 1;
}

/** The scenario's k6 variables (the environment overrides the defaults) and where the functions are. */
function k6EnvFor(plan: ScenarioPlan, platform: Platform): Record<string, string> {
  const overridden = Object.fromEntries(
    Object.entries(plan.k6Env).map(([key, value]) => [key, process.env[key] ?? value]),
  );
  const { baseUrl, namespace, domain, apiKey } = platform.target;
  return {
    ...overridden,
    BASE_URL: baseUrl,
    NAMESPACE: namespace,
    DOMAIN: domain,
    ...(apiKey ? { API_KEY: apiKey } : {}),
  };
}

/** What the report states: the service's scaling as the platform read it, and the k6 variables. */
function settingsOf(
  plan: ScenarioPlan,
  autoscaling: Record<string, unknown> | undefined,
  k6Env: Record<string, string>,
): Record<string, string> {
  const settings: Record<string, string> = {};
  if (autoscaling) {
    const ms = (key: string) => `${Number(autoscaling[key]) / 1000} s`;
    settings["target per replica"] = `${autoscaling.targetValue} in flight (of ${autoscaling.totalValue})`;
    settings["stable window"] = ms("stableWindowMs");
    settings["panic window"] = ms("panicWindowMs");
    settings["min/max scale"] = `${autoscaling.minScale}/${autoscaling.maxScale}`;
  }
  for (const [key, value] of Object.entries(k6Env)) {
    if (key !== "API_KEY") settings[`k6 ${key}`] = value;
  }
  settings["k6 script"] = `loadtest/scenarios/${plan.script}`;
  return settings;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`\nloadtest failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
