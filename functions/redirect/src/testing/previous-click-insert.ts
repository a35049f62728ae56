import type postgres from "postgres";
import type { Click } from "../click-record.ts";

/**
 * How the release before the COPY writer (and before rows carried a count)
 * inserted clicks: one INSERT ... SELECT FROM unnest per batch. Kept for the
 * expand/contract test (the previous release's insert at every step) and as
 * bench:clicks' anchor. Not used by the redirect.
 */
export async function previousClickInsert(sql: postgres.Sql, clicks: readonly Click[]): Promise<void> {
  await sql`
    insert into clicks (tenant_id, link_id, clicked_at, referrer, user_agent, country)
    select c.tenant_id, c.link_id, c.clicked_at, nullif(c.referrer, ''), nullif(c.user_agent, ''), c.country
    from unnest(
      ${sql.array(clicks.map((c) => String(c.tenantId)))}::bigint[],
      ${sql.array(clicks.map((c) => String(c.linkId)))}::bigint[],
      ${sql.array(clicks.map((c) => new Date(c.clickedAt).toISOString()))}::timestamptz[],
      ${sql.array(clicks.map((c) => c.referrer ?? ""))}::text[],
      ${sql.array(clicks.map((c) => c.userAgent ?? ""))}::text[],
      ${sql.array(clicks.map((c) => c.country))}::text[]
    ) as c(tenant_id, link_id, clicked_at, referrer, user_agent, country)`;
}
