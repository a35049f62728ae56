/**
 * The ingress conformance run's result, from `go tool test2json` events: each
 * test of the suite with its outcome and, for those that did not pass, the
 * suite's own messages saying why (its t.Error/t.Fatal/t.Skip lines).
 * usage: go tool test2json -t ./ingress.test -test.v=test2json ... | tsx conformance-report.ts
 * Exits 1 when a test failed or none ran.
 */
import { createInterface } from "node:readline";

export interface TestEvent {
  Action: string;
  Test?: string;
  Output?: string;
  Elapsed?: number;
}

export type Outcome = "pass" | "fail" | "skip";

export interface TestResult {
  name: string;
  outcome: Outcome;
  seconds: number;
  /** What the test reported (file:line: message), for those that did not pass. */
  reasons: string[];
}

const SUITE = "TestIngressConformance/";
const MAX_REASONS = 4;

/** A `    file.go:123: message` line as Go's testing package prints a t.Log/Error/Fatal/Skip. */
const REPORTED = /^\s+[\w-]+\.go:\d+: (.+)$/;
/** Progress lines of the suite that say nothing about why a test failed. */
const NOISE = /^(\[.*\] Using |ingressendpoint:|logstream was requested)/;

/**
 * Every test of the suite (the names under TestIngressConformance, e.g. `basics/http2`, and
 * the subtests they run), each with its own messages when it did not pass.
 */
export function conformanceResults(events: readonly TestEvent[]): TestResult[] {
  const output = new Map<string, string[]>();
  const results: TestResult[] = [];
  for (const event of events) {
    if (!event.Test?.startsWith(SUITE)) continue;
    const name = event.Test.slice(SUITE.length);
    if (event.Action === "output" && event.Output) output.set(name, [...(output.get(name) ?? []), event.Output]);
    if (event.Action === "pass" || event.Action === "fail" || event.Action === "skip") {
      const reasons = event.Action === "pass" ? [] : reasonsIn(output.get(name) ?? []);
      results.push({ name, outcome: event.Action, seconds: event.Elapsed ?? 0, reasons });
    }
  }
  return results.sort((a, b) => a.name.localeCompare(b.name));
}

function reasonsIn(lines: readonly string[]): string[] {
  const reasons: string[] = [];
  for (const line of lines) {
    const message = REPORTED.exec(line.trimEnd())?.[1];
    if (message && !NOISE.test(message) && !reasons.includes(message)) reasons.push(message);
  }
  return reasons.slice(-MAX_REASONS);
}

export function formatReport(results: readonly TestResult[]): string {
  const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
  const width = Math.max(4, ...results.map((r) => r.name.length));
  const lines = results.map((r) => {
    const head = `${r.outcome.toUpperCase().padEnd(4)}  ${r.name.padEnd(width)}  ${r.seconds.toFixed(1)} s`;
    return [head, ...r.reasons.map((reason) => `        ${reason}`)].join("\n");
  });
  lines.push(
    `ingress conformance (tests and their subtests): ${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped`,
  );
  return lines.join("\n");
}

async function main(): Promise<void> {
  const events: TestEvent[] = [];
  for await (const line of createInterface({ input: process.stdin })) {
    try {
      events.push(JSON.parse(line) as TestEvent);
    } catch {
      // test2json passes through lines that are not events (a build or panic message): show them.
      console.error(line);
    }
  }
  const results = conformanceResults(events);
  console.log(formatReport(results));
  process.exitCode = results.length === 0 || results.some((r) => r.outcome === "fail") ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
