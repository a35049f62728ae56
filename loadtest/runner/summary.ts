/**
 * The figures a run ends with (pure): peak replicas, how long the service
 * took to reach the replicas the load needed, how long it took to go back to
 * zero, requests and failures.
 */
import type { Row } from "./timeline.ts";

export interface RunSummary {
  seconds: number;
  peakReady: number;
  peakDesired: number;
  peakConcurrency: number;
  /** Ready replicas when the load started (0 for a scale from zero). */
  readyAtLoadStart: number | null;
  /** The most replicas the autoscaler asked for while the load ran. */
  neededReplicas: number | null;
  /** From the load starting to that many replicas ready. */
  secondsToNeeded: number | null;
  /** From the load ending to no replica ready; null when it did not happen. */
  secondsBackToZero: number | null;
  requests: number;
  failed: number;
}

/** `requests` and `failed` come from k6's own end-of-test summary. */
export function summarize(rows: readonly Row[], requests: number, failed: number): RunSummary {
  const loaded = rows.filter(underLoad);
  const start = loaded[0];
  const end = loaded.at(-1);
  const neededReplicas = loaded.length > 0 ? Math.max(...loaded.map((r) => r.desired)) : null;
  const reached =
    start && neededReplicas !== null ? rows.find((r) => r.t >= start.t && r.ready >= neededReplicas) : undefined;
  const atZero = end ? rows.find((r) => r.t > end.t && r.ready === 0) : undefined;
  const before = start ? rows.filter((r) => r.t < start.t).at(-1) : undefined;
  return {
    seconds: rows.length > 0 ? (rows.at(-1)?.t ?? 0) - (rows[0]?.t ?? 0) : 0,
    peakReady: Math.max(0, ...rows.map((r) => r.ready)),
    peakDesired: Math.max(0, ...rows.map((r) => r.desired)),
    peakConcurrency: Math.max(0, ...rows.map((r) => r.concurrency)),
    readyAtLoadStart: (before ?? start)?.ready ?? null,
    neededReplicas,
    secondsToNeeded: reached && start ? round1(reached.t - start.t) : null,
    secondsBackToZero: atZero && end ? round1(atZero.t - end.t) : null,
    requests,
    failed,
  };
}

export function formatSummary(summary: RunSummary): string[] {
  const lines = [
    `requests ${summary.requests}, failed ${summary.failed} (${percent(summary.failed, summary.requests)})`,
    `peak replicas ${summary.peakReady} ready, ${summary.peakDesired} desired; peak concurrency ${Math.round(summary.peakConcurrency)}`,
  ];
  if (summary.neededReplicas !== null) {
    lines.push(
      `replicas when the load started ${summary.readyAtLoadStart}; needed ${summary.neededReplicas}, ready ${
        summary.secondsToNeeded === null ? "never" : `${summary.secondsToNeeded} s after the load started`
      }`,
    );
  }
  if (summary.secondsBackToZero !== null)
    lines.push(`back to zero ${summary.secondsBackToZero} s after the load ended`);
  return lines;
}

/**
 * k6 publishes its counters about once a second, so the platform may hold or
 * answer the first requests of a step before k6 shows any user: either side
 * counts.
 */
export function underLoad(row: Row): boolean {
  return row.vus > 0 || row.clientRps > 0 || row.rps > 0 || row.concurrency > 0;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(2)} %` : "-");
