/** Time arithmetic of the statistics, all in UTC; pure, so it is tested without a clock. */

export type Granularity = "hour" | "day";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
const STEP: Record<Granularity, number> = { hour: HOUR_MS, day: DAY_MS };
/** Most buckets one answer may hold: 31 days by hour, about 3 years by day. */
export const MAX_BUCKETS = 1_100;

export function floorTo(ms: number, granularity: Granularity): number {
  return Math.floor(ms / STEP[granularity]) * STEP[granularity];
}

export function ceilTo(ms: number, granularity: Granularity): number {
  return Math.ceil(ms / STEP[granularity]) * STEP[granularity];
}

export interface Range {
  from: number;
  to: number;
  granularity: Granularity;
}

/**
 * The range a statistics request asks for, widened to whole buckets (rollups
 * are hourly, so a half hour cannot be answered exactly). Without bounds: the
 * last 7 days; with only `from`, up to now. Without a granularity: hours up to 2 days, days beyond.
 * Returns the reason when the range cannot be served.
 */
export function resolveRange(
  query: { from?: number; to?: number; granularity?: Granularity },
  now: number,
): Range | { problem: string; field: "from" | "to" | "granularity" } {
  // A `from` at or after now with no `to` is a valid question with an empty
  // answer (an hour from `from`), not an error: the client did not choose `to`.
  const to = query.to ?? (query.from !== undefined && query.from >= now ? query.from + HOUR_MS : now);
  const from = query.from ?? to - 7 * DAY_MS;
  if (from >= to) return { problem: "must be before `to`", field: "from" };
  const granularity = query.granularity ?? (to - from <= 2 * DAY_MS ? "hour" : "day");
  const range = { from: floorTo(from, granularity), to: ceilTo(to, granularity), granularity };
  if ((range.to - range.from) / STEP[granularity] > MAX_BUCKETS) {
    return { problem: `spans more than ${MAX_BUCKETS} ${granularity}s; narrow it or use days`, field: "granularity" };
  }
  return range;
}

/** Hourly counts (bucket start in ms) summed into the range's buckets, with zeros where nothing happened. */
export function fillSeries(
  range: Range,
  hourly: { hour: number; clicks: number }[],
): { start: number; clicks: number }[] {
  const step = STEP[range.granularity];
  const counts = new Map<number, number>();
  for (const { hour, clicks } of hourly) {
    const bucket = floorTo(hour, range.granularity);
    counts.set(bucket, (counts.get(bucket) ?? 0) + clicks);
  }
  const series = [];
  for (let start = range.from; start < range.to; start += step) series.push({ start, clicks: counts.get(start) ?? 0 });
  return series;
}

/** Clicks may arrive late (a replica's buffer held them): each rollup recomputes this much history. */
export const ROLLUP_LOOKBACK_MS = 2 * HOUR_MS;
/** An hour is rolled up only once it ended this long ago. */
export const ROLLUP_GRACE_MS = 5 * 60_000;

/**
 * The whole hours the next rollup covers: from a little before where the
 * last one stopped (or the first click) to the last hour that ended more
 * than the grace period ago. Null when there is nothing to do.
 */
export function rollupWindow(
  state: { rolledUpTo: number | null; firstClickAt: number | null },
  now: number,
): { from: number; to: number } | null {
  const to = floorTo(now - ROLLUP_GRACE_MS, "hour");
  const start = state.rolledUpTo !== null ? state.rolledUpTo - ROLLUP_LOOKBACK_MS : state.firstClickAt;
  if (start === null) return null;
  const from = floorTo(start, "hour");
  return from < to ? { from, to } : null;
}
