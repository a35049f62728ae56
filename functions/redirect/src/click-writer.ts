import { finished } from "node:stream/promises";
import type postgres from "postgres";
import type { BatchWriterIo } from "./click-batch.ts";
import { encodeClicks } from "./click-copy.ts";
import { type Click, linkKey } from "./click-record.ts";

/**
 * Writes clicks with one `COPY clicks FROM STDIN`: no parameters, so nothing
 * for the driver to type (a `sql.array` on a fresh connection failed with
 * 22P02 before the array types were fetched, porsager/postgres#789), the
 * cheapest way into PostgreSQL, and Citus' own path into a distributed table:
 * the coordinator routes each row to its shard by tenant_id, no query planned.
 * All or nothing: a refused row (a deleted link's foreign key) fails the COPY.
 */
export async function copyClicks(sql: postgres.Sql, clicks: readonly Click[]): Promise<void> {
  if (clicks.length === 0) return;
  // On a connection of its own: when every connection of the pool is busy, postgres.js pipelines
  // the next query onto one of them, and onto a COPY not yet answered that query's messages
  // arrive in the middle of the copy data: the server ends the connection ("protocol
  // synchronization was lost"), failing the copy and the query (a redirect's link lookup).
  const connection = await sql.reserve();
  try {
    // The columns in encodeClicks' order.
    const stream =
      await connection`copy clicks (tenant_id, link_id, clicked_at, referrer, user_agent, country, count) from stdin`.writable();
    stream.end(encodeClicks(clicks).text);
    await finished(stream);
  } finally {
    connection.release();
  }
}

/**
 * The links of `clicks` that exist. A plain SELECT with two array literals
 * sent as text and cast by the server (again nothing for the driver to type);
 * on Citus a multi-shard SELECT without a join, which every version plans.
 * `tenant_id = any(...) and id = any(...)` can match pairs not in the clicks;
 * the caller only asks about its own.
 */
export async function existingLinks(sql: postgres.Sql, clicks: readonly Click[]): Promise<Set<string>> {
  const tenants = new Set<number>();
  const links = new Set<number>();
  for (const c of clicks) {
    tenants.add(c.tenantId);
    links.add(c.linkId);
  }
  const rows = await sql<{ tenant_id: string; id: string }[]>`
    select tenant_id, id from links
    where tenant_id = any(${`{${[...tenants].join(",")}}`}::text::bigint[])
      and id = any(${`{${[...links].join(",")}}`}::text::bigint[])`;
  return new Set(rows.map((r) => linkKey(Number(r.tenant_id), Number(r.id))));
}

export function clickWriterIo(sql: postgres.Sql): BatchWriterIo {
  return { write: (clicks) => copyClicks(sql, clicks), existingLinks: (clicks) => existingLinks(sql, clicks) };
}
