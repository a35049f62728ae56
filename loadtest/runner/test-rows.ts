/** Rows for the runner's tests: `row(t, fields)` fills what a test does not care about. */
import type { RevisionPoint } from "@platform/local/history";
import type { Row } from "./timeline.ts";

export function row(t: number, fields: Partial<Row> = {}): Row {
  return {
    t,
    at: 1_700_000_000_000 + t * 1000,
    vus: 0,
    clientRps: 0,
    clientFailedPerS: 0,
    rps: 0,
    errorRate: null,
    p95Ms: null,
    concurrency: 0,
    stableConcurrency: 0,
    desired: 0,
    ready: 0,
    revisions: {},
    ...fields,
  };
}

export function point(fields: Partial<RevisionPoint> = {}): RevisionPoint {
  return { ready: 0, desired: 0, percent: 0, rps: 0, ...fields };
}
