/**
 * npm run loadtest -- <scenario>: runs a k6 scenario against the local
 * platform (started for the run when it is not running) or, with BASE_URL,
 * against a cluster; samples the platform every second; writes
 * loadtest/results/<scenario>-<time>/ (k6 summary and log, samples.csv,
 * chart.svg, report.html, summary.json) and ends with a short summary. The
 * exit code is 0 only when every k6 threshold and every check held.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "@platform/processes/free-port";
import { repoRoot } from "@platform/processes/local-state";
import { clusterPlatform, missingReleaseCommands } from "./cluster-platform.ts";
import { readK6Summary } from "./k6.ts";
import { localPlatform } from "./local-platform.ts";
import type { Platform } from "./platform.ts";
import { progressLine, progressWriter } from "./progress.ts";
import { writeResults } from "./results.ts";
import { runScenario } from "./run.ts";
import { scenarios } from "./scenarios.ts";
import { k6EnvFor, settingsOf } from "./settings.ts";
import { judge, verdictLines } from "./verdict.ts";

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
  const missing = process.env.BASE_URL ? missingReleaseCommands(plan.releases, process.env) : [];
  if (missing.length > 0) {
    process.stderr.write(
      `${plan.name} on a cluster needs ${missing.join(" and ")}: the command(s) that release the revisions (see docs/load-testing.md)\n`,
    );
    return 2;
  }
  const startedAt = new Date();
  const dir = join(repoRoot, "loadtest", "results", `${plan.name}-${startedAt.toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(dir, { recursive: true });
  const progress = progressWriter();
  const say = (line: string) => progress.note(line);
  say(`[${plan.name}] ${plan.title}; results in ${dir}`);

  const platform: Platform = process.env.BASE_URL
    ? clusterPlatform(process.env)
    : await localPlatform({
        logPath: join(dir, "platform.log"),
        progress: (line) => progress.show(`[${plan.name}] ${line}`),
        ready: say,
      });
  say(`[${plan.name}] on ${platform.description}`);

  let result: Awaited<ReturnType<typeof runScenario>>;
  const k6Env = k6EnvFor(plan, platform.target);
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
  const verdict = judge(plan, result, k6);
  const autoscaling = result.firstState?.services.find((s) => s.name === plan.service)?.autoscaling;
  const settings = settingsOf(plan, autoscaling, platform.settings, k6Env);
  const report = writeResults(dir, {
    plan,
    startedAt,
    platform: platform.description,
    settings,
    result,
    k6,
    verdict,
  });
  process.stdout.write(`\n${verdictLines(plan.name, verdict, k6, report).join("\n")}\n`);
  return verdict.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`\nloadtest failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
