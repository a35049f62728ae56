/**
 * What the runner records each second, and the per-second rows the report,
 * CSV and chart are made of (pure). The platform side (replicas, split,
 * concurrency, answers by revision) is computed by the console's own series
 * (`serviceSeries`); the client side (users, requests, failures) by k6's
 * counters.
 */
import { type RevisionPoint, type Sample, serviceSeries } from "@platform/local/history";

/** k6's counters at one moment (cumulative since k6 started). */
export interface ClientCounters {
  vus: number;
  requests: number;
  failed: number;
}

export interface Tick {
  at: number;
  platform: Sample;
  client?: ClientCounters;
}

export interface Row {
  /** Seconds since k6 started. */
  t: number;
  at: number;
  vus: number;
  /** k6's requests and failed requests per second. */
  clientRps: number;
  clientFailedPerS: number;
  /** The platform's view of the service: answers per second, 5xx share, p95, in flight, replicas. */
  rps: number;
  errorRate: number | null;
  p95Ms: number | null;
  concurrency: number;
  desired: number;
  ready: number;
  revisions: Record<string, RevisionPoint>;
}

/** One row per tick after the first, for `service`; t counts from `startedAt`. */
export function rowsOf(service: string, ticks: readonly Tick[], startedAt: number): Row[] {
  const platform = new Map(
    (
      serviceSeries(
        ticks.map((t) => t.platform),
        1,
      )[service] ?? []
    ).map((p) => [p.at, p]),
  );
  const rows: Row[] = [];
  for (let i = 1; i < ticks.length; i++) {
    const tick = ticks[i] as Tick;
    const before = ticks[i - 1] as Tick;
    const seconds = Math.max(0.001, (tick.at - before.at) / 1000);
    const point = platform.get(tick.platform.at);
    const perSecond = (pick: (c: ClientCounters) => number) =>
      tick.client && before.client ? Math.max(0, pick(tick.client) - pick(before.client)) / seconds : 0;
    rows.push({
      t: Math.round((tick.at - startedAt) / 100) / 10,
      at: tick.at,
      vus: tick.client?.vus ?? 0,
      clientRps: perSecond((c) => c.requests),
      clientFailedPerS: perSecond((c) => c.failed),
      rps: point?.rps ?? 0,
      errorRate: point?.errorRate ?? null,
      p95Ms: point?.p95Ms ?? null,
      concurrency: point?.concurrency ?? 0,
      desired: point?.desired ?? 0,
      ready: point?.ready ?? 0,
      revisions: point?.revisions ?? {},
    });
  }
  return rows;
}

/** Every revision that appears in the rows, in name order (which is creation order). */
export function revisionsIn(rows: readonly Row[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r.revisions)))].sort();
}
