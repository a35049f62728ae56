/**
 * A click row can stand for several identical clicks (its `count`, written by
 * the redirect, migration 0005): every answer counts clicks, not rows, the same
 * from raw clicks and from rollups.
 */
import { createTenant } from "@platform/db";
import { freshDatabase } from "@platform/kit/testing";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hourlyClicks, rollUp, topLinks } from "./queries.ts";

const HOUR = 3_600_000;
const t0 = Date.UTC(2026, 0, 5, 10);
let sql: postgres.Sql;
let tenantId: number;
let a: number;
let b: number;

beforeAll(async () => {
  sql = postgres(await freshDatabase(), { max: 2, onnotice: () => {} });
  tenantId = (await createTenant(drizzle(sql), "acme")).id;
  const links = await sql<{ id: string }[]>`
    insert into links (tenant_id, code, target_url)
    values (${tenantId}, 'a', 'https://example.com/a'), (${tenantId}, 'b', 'https://example.com/b') returning id`;
  [a, b] = links.map((l) => Number(l.id)) as [number, number];
  const at = (ms: number) => new Date(ms).toISOString();
  // link a: 5 clicks in hour 0 (rows of 3, 1, 1), 4 in hour 1 (one row); link b: 2 in hour 0 (one row)
  await sql`
    insert into clicks (tenant_id, link_id, clicked_at, country, count) values
      (${tenantId}, ${a}, ${at(t0 + 1000)}, 'DE', 3),
      (${tenantId}, ${a}, ${at(t0 + 2000)}, 'DE', 1),
      (${tenantId}, ${a}, ${at(t0 + 3000)}, 'FR', 1),
      (${tenantId}, ${a}, ${at(t0 + HOUR + 5)}, 'DE', 4),
      (${tenantId}, ${b}, ${at(t0 + 9000)}, 'ZZ', 2)`;
});
afterAll(async () => {
  await sql.end();
});

describe("clicks counted by their count", () => {
  const range = { from: t0, to: t0 + 2 * HOUR };
  const expectAnswers = async () => {
    expect(await hourlyClicks(sql, tenantId, range)).toEqual([
      { hour: t0, clicks: 7 },
      { hour: t0 + HOUR, clicks: 4 },
    ]);
    expect(await hourlyClicks(sql, tenantId, range, a)).toEqual([
      { hour: t0, clicks: 5 },
      { hour: t0 + HOUR, clicks: 4 },
    ]);
    expect(await topLinks(sql, tenantId, range, 10)).toEqual([
      { linkId: a, code: "a", clicks: 9 },
      { linkId: b, code: "b", clicks: 2 },
    ]);
  };

  it("from the raw clicks", async () => {
    await expectAnswers();
  });

  it("from the rollups, the same", async () => {
    expect(await rollUp(sql, () => range)).toMatchObject({ rows: 3 });
    const [sum] = await sql<{ n: string }[]>`select sum(clicks) as n from click_rollups`;
    expect(Number(sum?.n)).toBe(11);
    await expectAnswers();
  });
});
