/**
 * Zero-downtime schema change (D2), country on clicks, step by step as a
 * release goes: the schema before (0002), expand (0003), contract (0004). At
 * each step the click insert of the previous redirect and of this one run
 * against it, as the old and the new revision do side by side during a
 * rollout, and both must keep working. The inserts of releases before are
 * kept here as they were released (functions/redirect/src/click-writer.ts
 * before country, and before count). Then the same for the click count (0005):
 * a column with a constant default, which the previous release never names.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTenant, migrationsFolder, runMigrations } from "@platform/db";
import { freshDatabase } from "@platform/kit/testing";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Click } from "./click-buffer.ts";
import { copyClicks } from "./click-writer.ts";
import { previousClickInsert } from "./testing/previous-click-insert.ts";

/** The previous release's insert: no country. */
async function insertClicksBeforeCountry(sql: postgres.Sql, clicks: Omit<Click, "country">[]): Promise<void> {
  await sql`
    insert into clicks (tenant_id, link_id, clicked_at, referrer, user_agent)
    select c.tenant_id, c.link_id, c.clicked_at, nullif(c.referrer, ''), nullif(c.user_agent, '')
    from unnest(
      ${sql.array(clicks.map((c) => String(c.tenantId)))}::bigint[],
      ${sql.array(clicks.map((c) => String(c.linkId)))}::bigint[],
      ${sql.array(clicks.map((c) => new Date(c.clickedAt).toISOString()))}::timestamptz[],
      ${sql.array(clicks.map((c) => c.referrer ?? ""))}::text[],
      ${sql.array(clicks.map((c) => c.userAgent ?? ""))}::text[]
    ) as c(tenant_id, link_id, clicked_at, referrer, user_agent)`;
}

let dir: string;
let sql: postgres.Sql;
let url: string;
let tenantId: number;
let linkId: number;
const click = { clickedAt: Date.now(), referrer: null, userAgent: null };

/** Applies the committed migrations up to and including `tag`, as a release that ships them would. */
async function migrateTo(tag: string): Promise<void> {
  const folder = join(dir, tag);
  await cp(migrationsFolder, folder, { recursive: true });
  const journalFile = join(folder, "meta/_journal.json");
  const journal = JSON.parse(await readFile(journalFile, "utf8")) as { entries: { tag: string }[] };
  const upTo = journal.entries.findIndex((e) => e.tag === tag);
  expect(upTo, tag).toBeGreaterThanOrEqual(0);
  journal.entries = journal.entries.slice(0, upTo + 1);
  await writeFile(journalFile, JSON.stringify(journal));
  await runMigrations(url, folder);
}

const countries = async () =>
  (await sql<{ country: string | null }[]>`select country from clicks order by id`).map((r) => r.country);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "expand-contract-"));
  url = await freshDatabase({ migrated: false });
  sql = postgres(url, { max: 2, onnotice: () => {} });
  await migrateTo("0002_link_foreign_keys");
  tenantId = (await createTenant(drizzle(sql), "acme")).id;
  const [link] = await sql<{ id: number }[]>`
    insert into links (tenant_id, code, target_url) values (${tenantId}, 'abc', 'https://example.com') returning id`;
  linkId = Number(link?.id);
});

afterAll(async () => {
  await sql.end();
  await rm(dir, { recursive: true, force: true });
});

describe("country on clicks, by expand and contract", () => {
  it("before: the previous release writes clicks; this one is not released yet (no country column)", async () => {
    await insertClicksBeforeCountry(sql, [{ tenantId, linkId, ...click }]);
    // SQLSTATE, not message text: on Citus the relation named is the shard (clicks_102008).
    await expect(previousClickInsert(sql, [{ tenantId, linkId, ...click, country: "DE" }])).rejects.toMatchObject({
      code: "42703", // undefined_column
      message: expect.stringContaining('column "country"'),
    });
  });

  it("expand (0003): both releases write clicks side by side; the previous one leaves country empty", async () => {
    await migrateTo("0003_clicks_country_expand");
    await insertClicksBeforeCountry(sql, [{ tenantId, linkId, ...click }]);
    await previousClickInsert(sql, [{ tenantId, linkId, ...click, country: "DE" }]);
    expect(await countries()).toEqual([null, null, "DE"]);
  });

  it("contract (0004): the rows before get ZZ, country is NOT NULL, and a straggler of the previous release still writes", async () => {
    await migrateTo("0004_clicks_country_contract");
    expect(await countries()).toEqual(["ZZ", "ZZ", "DE"]);
    await insertClicksBeforeCountry(sql, [{ tenantId, linkId, ...click }]);
    await previousClickInsert(sql, [{ tenantId, linkId, ...click, country: "FR" }]);
    expect(await countries()).toEqual(["ZZ", "ZZ", "DE", "ZZ", "FR"]);
    await expect(
      sql`insert into clicks (tenant_id, link_id, clicked_at, country) values (${tenantId}, ${linkId}, now(), null)`,
    ).rejects.toMatchObject({ code: "23502", message: expect.stringContaining('column "country"') }); // not_null_violation
  });
});

describe("a count on click rows (0005)", () => {
  const clickCount = async () => Number((await sql<{ n: string }[]>`select sum(count) as n from clicks`)[0]?.n);
  const rowCount = async () => Number((await sql<{ n: string }[]>`select count(*) as n from clicks`)[0]?.n);

  it("the previous release keeps writing before and after it, one click a row counted 1; this one merges identical clicks", async () => {
    const before = await rowCount(); // one click a row until 0005
    await previousClickInsert(sql, [{ tenantId, linkId, ...click, country: "DE" }]);
    await migrateTo("0005_clicks_count");
    expect(await clickCount()).toBe(before + 1);
    await previousClickInsert(sql, [{ tenantId, linkId, ...click, country: "DE" }]);
    const rowsBefore = await rowCount();
    await copyClicks(
      sql,
      Array.from({ length: 3 }, () => ({ tenantId, linkId, ...click, country: "NL" })),
    );
    expect(await rowCount()).toBe(rowsBefore + 1);
    expect(await clickCount()).toBe(before + 2 + 3);
  });
});
