import type postgres from "postgres";
import type { Click } from "./click-buffer.ts";

/**
 * One multi-row INSERT for a batch. The join drops clicks whose link was
 * deleted since the click (the foreign key would fail the whole batch).
 * Returns how many rows were written.
 */
export async function insertClicks(sql: postgres.Sql, clicks: Click[]): Promise<number> {
  if (clicks.length === 0) return 0;
  const result = await sql`
    insert into clicks (tenant_id, link_id, clicked_at, referrer, user_agent)
    select c.tenant_id, c.link_id, c.clicked_at, nullif(c.referrer, ''), nullif(c.user_agent, '')
    from unnest(
      ${sql.array(clicks.map((c) => String(c.tenantId)))}::bigint[],
      ${sql.array(clicks.map((c) => String(c.linkId)))}::bigint[],
      ${sql.array(clicks.map((c) => c.clickedAt.toISOString()))}::timestamptz[],
      ${sql.array(clicks.map((c) => c.referrer ?? ""))}::text[],
      ${sql.array(clicks.map((c) => c.userAgent ?? ""))}::text[]
    ) as c(tenant_id, link_id, clicked_at, referrer, user_agent)
    join links l on l.tenant_id = c.tenant_id and l.id = c.link_id`;
  return result.count;
}
