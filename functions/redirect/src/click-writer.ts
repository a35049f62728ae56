import type postgres from "postgres";
import type { Click } from "./click-buffer.ts";

const FOREIGN_KEY_VIOLATION = "23503";

/**
 * One multi-row INSERT for a batch. If a click's link was deleted since the
 * click, the foreign key fails the batch: it is then written again joined
 * against links, which leaves those clicks out. (Joining every time would
 * look each link up twice, the foreign key's check being the other.)
 */
export async function insertClicks(sql: postgres.Sql, clicks: Click[]): Promise<void> {
  if (clicks.length === 0) return;
  try {
    await insertBatch(sql, clicks, false);
  } catch (error) {
    if ((error as { code?: string }).code !== FOREIGN_KEY_VIOLATION) throw error;
    await insertBatch(sql, clicks, true);
  }
}

function insertBatch(sql: postgres.Sql, clicks: Click[], onlyKnownLinks: boolean) {
  return sql`
    insert into clicks (tenant_id, link_id, clicked_at, referrer, user_agent, country)
    select c.tenant_id, c.link_id, c.clicked_at, nullif(c.referrer, ''), nullif(c.user_agent, ''), c.country
    from unnest(
      ${sql.array(clicks.map((c) => String(c.tenantId)))}::bigint[],
      ${sql.array(clicks.map((c) => String(c.linkId)))}::bigint[],
      ${sql.array(clicks.map((c) => c.clickedAt.toISOString()))}::timestamptz[],
      ${sql.array(clicks.map((c) => c.referrer ?? ""))}::text[],
      ${sql.array(clicks.map((c) => c.userAgent ?? ""))}::text[],
      ${sql.array(clicks.map((c) => c.country))}::text[]
    ) as c(tenant_id, link_id, clicked_at, referrer, user_agent, country)
    ${onlyKnownLinks ? sql`join links l on l.tenant_id = c.tenant_id and l.id = c.link_id` : sql``}`;
}
