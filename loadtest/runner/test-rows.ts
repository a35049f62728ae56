/** Rows for the runner's tests: `row(t, fields)` fills what a test does not care about. */
import type { RevisionPoint } from "@platform/local/history";
import { idleSecond, type Row } from "./timeline.ts";

export function row(t: number, fields: Partial<Row> = {}): Row {
  return { ...idleSecond(1_700_000_000_000 + t * 1000), t, vus: 0, clientRps: 0, clientFailedPerS: 0, ...fields };
}

export function point(fields: Partial<RevisionPoint> = {}): RevisionPoint {
  return { ready: 0, desired: 0, percent: 0, rps: 0, ...fields };
}
