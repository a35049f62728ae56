/** The ranges a link's chart offers, as the analytics API takes them. */
import type { StatsRange } from "./backend.ts";

export const RANGES = {
  "24h": { label: "24 hours", hours: 24, granularity: "hour" },
  "7d": { label: "7 days", hours: 7 * 24, granularity: "day" },
  "30d": { label: "30 days", hours: 30 * 24, granularity: "day" },
} as const;

export type RangeName = keyof typeof RANGES;

export function rangeName(value: string | undefined, fallback: RangeName = "7d"): RangeName {
  return value !== undefined && Object.hasOwn(RANGES, value) ? (value as RangeName) : fallback;
}

export function statsRange(name: RangeName, now: number): StatsRange {
  const { hours, granularity } = RANGES[name];
  return { from: new Date(now - hours * 3600_000).toISOString(), to: new Date(now).toISOString(), granularity };
}
