/**
 * What the runner records each second, and the per-second rows the report,
 * CSV and chart are made of (pure). The platform side (replicas, split,
 * concurrency, answers by revision) is computed by the console's own series
 * (`serviceSeries`); the client side (users, requests, failures) by k6's
 * counters.
 */
import { type Sample, type ServicePoint, serviceSeries } from "@platform/local/history";

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

/** The platform's view of the service in one second (the console's series), and k6's. */
export interface Row extends ServicePoint {
  /** Seconds since k6 started. */
  t: number;
  vus: number;
  /** k6's requests and failed requests per second. */
  clientRps: number;
  clientFailedPerS: number;
}

/** One row per tick after the first, for `service`; t counts from `startedAt`. */
export function rowsOf(service: string, ticks: readonly Tick[], startedAt: number): Row[] {
  // Per second: each tick against the one before it.
  const series =
    serviceSeries(
      ticks.map((t) => t.platform),
      1,
    )[service] ?? [];
  const platform = new Map(series.map((p) => [p.at, p]));
  const rows: Row[] = [];
  for (let i = 1; i < ticks.length; i++) {
    const tick = ticks[i] as Tick;
    const before = ticks[i - 1] as Tick;
    const seconds = Math.max(0.001, (tick.at - before.at) / 1000);
    const perSecond = (pick: (c: ClientCounters) => number) =>
      tick.client && before.client ? Math.max(0, pick(tick.client) - pick(before.client)) / seconds : 0;
    rows.push({
      ...(platform.get(tick.platform.at) ?? idleSecond(tick.at)),
      at: tick.at,
      t: Math.round((tick.at - startedAt) / 100) / 10,
      vus: tick.client?.vus ?? 0,
      clientRps: perSecond((c) => c.requests),
      clientFailedPerS: perSecond((c) => c.failed),
    });
  }
  return rows;
}

/** A second in which the platform answered nothing (or could not be read). */
export function idleSecond(at: number): ServicePoint {
  return {
    at,
    rps: 0,
    errorRate: null,
    p95Ms: null,
    concurrency: 0,
    stableConcurrency: 0,
    desired: 0,
    ready: 0,
    revisions: {},
  };
}

/** Every revision that appears in the rows, in name order (which is creation order). */
export function revisionsIn(rows: readonly Row[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r.revisions)))].sort();
}
