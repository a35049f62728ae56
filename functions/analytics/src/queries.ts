import { EARLIEST_INSTANT_MS, LATEST_INSTANT_MS } from "@platform/kit";
import type postgres from "postgres";

const ROLLUP_NAME = "hourly";
const ROLLUP_LOCK_KEY = 727_003;

/**
 * A bound as PostgreSQL reads it. Buckets widened past the four-digit years
 * (e.g. a day ending 10000-01-01) would print as `+010000-...`, which it
 * refuses; no click lies out there, so the bound is clamped.
 */
export function sqlInstant(ms: number): string {
  return new Date(Math.min(Math.max(ms, EARLIEST_INSTANT_MS), LATEST_INSTANT_MS)).toISOString();
}

/**
 * Clicks per hour in [from, to): hours before the rollup watermark come from
 * click_rollups, the rest from the raw clicks, so the answer is current
 * without scanning all raw clicks. `linkId` narrows it to one link.
 */
export async function hourlyClicks(
  sql: postgres.Sql,
  tenantId: number,
  range: { from: number; to: number },
  linkId?: number,
): Promise<{ hour: number; clicks: number }[]> {
  const from = sqlInstant(range.from);
  const to = sqlInstant(range.to);
  const link = (column: string) => (linkId === undefined ? sql`` : sql`and ${sql(column)} = ${linkId}`);
  const rows = await sql<{ hour: string; clicks: string }[]>`
    with watermark as (
      select coalesce((select rolled_up_to from rollup_state where name = ${ROLLUP_NAME}), '-infinity') as at
    )
    select (extract(epoch from hour) * 1000)::bigint as hour, sum(clicks)::bigint as clicks from (
      select r.hour, r.clicks from click_rollups r, watermark w
      where r.tenant_id = ${tenantId} ${link("r.link_id")}
        and r.hour >= ${from} and r.hour < least(${to}::timestamptz, w.at)
      union all
      select date_trunc('hour', c.clicked_at), sum(c.count) from clicks c, watermark w
      where c.tenant_id = ${tenantId} ${link("c.link_id")}
        and c.clicked_at >= greatest(${from}::timestamptz, w.at) and c.clicked_at < ${to}
      group by 1
    ) counts
    group by 1 order by 1`;
  return rows.map((r) => ({ hour: Number(r.hour), clicks: Number(r.clicks) }));
}

/** The links of a tenant with the most clicks in [from, to). */
export async function topLinks(
  sql: postgres.Sql,
  tenantId: number,
  range: { from: number; to: number },
  limit: number,
): Promise<{ linkId: number; code: string; clicks: number }[]> {
  const from = sqlInstant(range.from);
  const to = sqlInstant(range.to);
  const rows = await sql<{ link_id: string; code: string; clicks: string }[]>`
    with watermark as (
      select coalesce((select rolled_up_to from rollup_state where name = ${ROLLUP_NAME}), '-infinity') as at
    ), counts as (
      select r.link_id, r.clicks from click_rollups r, watermark w
      where r.tenant_id = ${tenantId} and r.hour >= ${from} and r.hour < least(${to}::timestamptz, w.at)
      union all
      select c.link_id, sum(c.count) from clicks c, watermark w
      where c.tenant_id = ${tenantId} and c.clicked_at >= greatest(${from}::timestamptz, w.at) and c.clicked_at < ${to}
      group by 1
    )
    select l.id as link_id, l.code, sum(counts.clicks)::bigint as clicks
    from counts join links l on l.tenant_id = ${tenantId} and l.id = counts.link_id
    group by l.id, l.code order by clicks desc, l.id limit ${limit}`;
  return rows.map((r) => ({ linkId: Number(r.link_id), code: r.code, clicks: Number(r.clicks) }));
}

export interface LinkBreakdown {
  countries: { country: string; clicks: number }[];
  /** Referring hosts; null for clicks that came with no referrer (typed, bookmarked, an app). */
  referrers: { host: string | null; clicks: number }[];
}

/**
 * One link's clicks in [from, to) by country and by referring host, most
 * first. From the raw clicks (the hourly rollups keep no dimensions), through
 * the (tenant_id, link_id, clicked_at) index: one shard on Citus.
 */
export async function linkBreakdown(
  sql: postgres.Sql,
  tenantId: number,
  linkId: number,
  range: { from: number; to: number },
  limit: number,
): Promise<LinkBreakdown> {
  const where = sql`where tenant_id = ${tenantId} and link_id = ${linkId}
    and clicked_at >= ${sqlInstant(range.from)} and clicked_at < ${sqlInstant(range.to)}`;
  const [countries, referrers] = await Promise.all([
    sql<{ country: string; clicks: string }[]>`
      select country, sum(count)::bigint as clicks from clicks ${where}
      group by 1 order by 2 desc, 1 limit ${limit}`,
    sql<{ host: string | null; clicks: string }[]>`
      select lower(substring(referrer from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)')) as host,
        sum(count)::bigint as clicks from clicks ${where}
      group by 1 order by 2 desc, 1 nulls first limit ${limit}`,
  ]);
  return {
    countries: countries.map((r) => ({ country: r.country, clicks: Number(r.clicks) })),
    referrers: referrers.map((r) => ({ host: r.host, clicks: Number(r.clicks) })),
  };
}

export async function linkExists(sql: postgres.Sql, tenantId: number, linkId: number): Promise<boolean> {
  const rows = await sql`select 1 from links where tenant_id = ${tenantId} and id = ${linkId}`;
  return rows.length > 0;
}

export interface RollupState {
  rolledUpTo: number | null;
  firstClickAt: number | null;
}

/**
 * Rolls up [from, to) in one transaction. Counts replace what was there, so
 * running it twice over the same window leaves the same totals. One runner
 * at a time (advisory lock); the watermark only moves forward.
 */
export async function rollUp(
  sql: postgres.Sql,
  window: (state: RollupState) => { from: number; to: number } | null,
): Promise<{ from: number; to: number; rows: number } | null> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${ROLLUP_LOCK_KEY})`;
    const [state] = await tx<{ rolled_up_to: string | null; first_click_at: string | null }[]>`
      select
        (select (extract(epoch from rolled_up_to) * 1000)::bigint from rollup_state where name = ${ROLLUP_NAME}) as rolled_up_to,
        (select (extract(epoch from min(clicked_at)) * 1000)::bigint from clicks) as first_click_at`;
    const range = window({
      rolledUpTo: state?.rolled_up_to ? Number(state.rolled_up_to) : null,
      firstClickAt: state?.first_click_at ? Number(state.first_click_at) : null,
    });
    if (!range) return null;
    const from = new Date(range.from).toISOString();
    const to = new Date(range.to).toISOString();
    const inserted = await tx`
      insert into click_rollups (tenant_id, link_id, hour, clicks)
      select tenant_id, link_id, date_trunc('hour', clicked_at), sum(count)
      from clicks where clicked_at >= ${from} and clicked_at < ${to}
      group by 1, 2, 3
      on conflict (tenant_id, link_id, hour) do update set clicks = excluded.clicks`;
    await tx`
      insert into rollup_state (name, rolled_up_to) values (${ROLLUP_NAME}, ${to})
      on conflict (name) do update set rolled_up_to = greatest(rollup_state.rolled_up_to, excluded.rolled_up_to)`;
    return { ...range, rows: inserted.count };
  });
}
