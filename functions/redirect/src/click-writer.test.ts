/**
 * The click writer against the real database of the test run (embedded
 * PostgreSQL, or TEST_DATABASE_URL's server, Citus included).
 */
import { createTenant } from "@platform/db";
import { eventually, freshDatabase } from "@platform/kit/testing";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBatch } from "./click-batch.ts";
import { ClickBuffer } from "./click-buffer.ts";
import type { Click } from "./click-record.ts";
import { clickWriterIo, copyClicks } from "./click-writer.ts";

let url: string;
let sql: postgres.Sql;
let tenantId: number;

beforeAll(async () => {
  url = await freshDatabase();
  sql = postgres(url, { max: 3, onnotice: () => {} });
  tenantId = (await createTenant(drizzle(sql), "acme")).id;
});
afterAll(async () => {
  await sql.end();
});

async function createLink(code: string): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    insert into links (tenant_id, code, target_url) values (${tenantId}, ${code}, 'https://example.com') returning id`;
  return Number(row?.id);
}

const click = (linkId: number, over: Partial<Click> = {}): Click => ({
  tenantId,
  linkId,
  clickedAt: Date.UTC(2026, 10, 29, 10, 0, 0, 7),
  referrer: "https://ref.example/a\tb",
  userAgent: "Mozilla/5.0 (é)",
  country: "DE",
  ...over,
});

const countFor = async (linkId: number) =>
  Number((await sql<{ n: string }[]>`select coalesce(sum(count), 0) as n from clicks where link_id = ${linkId}`)[0]?.n);

describe("copyClicks", () => {
  it("keeps its connection to itself: a query asked for meanwhile waits instead of breaking the copy", async () => {
    const linkId = await createLink("pipelined");
    const one = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await one`select 1`; // connected, so the query below would be pipelined behind the COPY
      const copy = copyClicks(one, [click(linkId), click(linkId, { country: "FR" })]);
      await new Promise((resolve) => setImmediate(resolve)); // the COPY is on the wire, not yet answered
      const lookup = one<{ id: string }[]>`select id from links where id = ${linkId}`.execute();
      const [copied, found] = await Promise.allSettled([copy, lookup]);
      expect(copied).toEqual({ status: "fulfilled", value: undefined });
      expect(found.status === "fulfilled" && found.value.map((r) => Number(r.id))).toEqual([linkId]);
    } finally {
      await one.end();
    }
    expect(await countFor(linkId)).toBe(2);
  });

  it("writes the first batch on a fresh connection, every column as it came (the time to the second), identical clicks in one row", async () => {
    const linkId = await createLink("fresh");
    const fresh = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const bare = click(linkId, { referrer: null, userAgent: null, country: "ZZ" });
      await copyClicks(fresh, [click(linkId), bare, { ...bare, clickedAt: bare.clickedAt + 500 }]);
    } finally {
      await fresh.end();
    }
    const rows = await sql`
      select tenant_id::int, link_id::int, referrer, user_agent, country, count,
        to_char(clicked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as clicked_at
      from clicks where link_id = ${linkId} order by id`;
    expect(rows).toEqual([
      {
        tenant_id: tenantId,
        link_id: linkId,
        clicked_at: "2026-11-29T10:00:00.000Z",
        referrer: "https://ref.example/a\tb",
        user_agent: "Mozilla/5.0 (é)",
        country: "DE",
        count: 1,
      },
      {
        tenant_id: tenantId,
        link_id: linkId,
        clicked_at: "2026-11-29T10:00:00.000Z",
        referrer: null,
        user_agent: null,
        country: "ZZ",
        count: 2,
      },
    ]);
  });

  it("fails as a whole, with the database's error, when one click is refused; the connection stays usable", async () => {
    const linkId = await createLink("whole");
    const one = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const error = await copyClicks(one, [click(linkId), click(linkId + 1_000_000)]).catch((e: unknown) => e);
      // 23503 on PostgreSQL; XX000 with the worker's message through Citus' COPY
      expect(error).toMatchObject({ code: expect.stringMatching(/^(23503|XX000)$/) });
      expect(String((error as Error).message)).toMatch(/foreign key/);
      expect(await countFor(linkId)).toBe(0);
      await copyClicks(one, [click(linkId)]);
      expect(await countFor(linkId)).toBe(1);
    } finally {
      await one.end();
    }
  });
});

describe("writeBatch on the real database", () => {
  it("writes the valid clicks around a deleted link's and drops those, counted", async () => {
    const kept = await createLink("kept");
    const deleted = await createLink("deleted");
    await sql`delete from links where tenant_id = ${tenantId} and id = ${deleted}`;
    const outcome = await writeBatch([click(kept), click(deleted), click(kept), click(deleted)], clickWriterIo(sql));
    expect(outcome.written).toBe(2);
    expect(outcome.dropped.map((d) => [d.reason, d.clicks.length])).toEqual([["link_deleted", 2]]);
    expect(outcome.retry).toEqual([]);
    expect(await countFor(kept)).toBe(2);
  });

  it("drops a click the database refuses for its data and writes the others", async () => {
    const linkId = await createLink("data");
    const batch = [click(linkId), click(linkId, { referrer: "nul \u0000 byte" }), click(linkId)];
    const outcome = await writeBatch(batch, clickWriterIo(sql));
    expect(outcome.written).toBe(2);
    expect(outcome.dropped.map((d) => [d.reason, d.clicks.length])).toEqual([["rejected", 1]]);
    expect(await countFor(linkId)).toBe(2);
  });
});

describe("ClickBuffer with the real writer", () => {
  it("is not held up by a deleted link's clicks: the clicks behind them are written", async () => {
    const kept = await createLink("behind");
    const deleted = await createLink("gone");
    const io = clickWriterIo(sql);
    const buffer = new ClickBuffer({
      maxBytes: 1 << 20,
      batchSize: 3,
      flushIntervalMs: 60_000,
      write: (batch) => writeBatch(batch, io),
    });
    await sql`delete from links where tenant_id = ${tenantId} and id = ${deleted}`;
    for (const id of [kept, deleted, kept, deleted, kept, kept]) buffer.add(click(id));
    await buffer.close();
    expect(await countFor(kept)).toBe(4);
    expect(buffer.stats).toMatchObject({ buffered: 0, written: 4, dropped: 2, failedWrites: 0 });
    expect(buffer.stats.droppedBy.link_deleted).toBe(2);
  });

  it("keeps the clicks through a retryable failure (a statement timeout behind a lock) and writes them after", async () => {
    const linkId = await createLink("locked");
    const impatient = postgres(url, { max: 1, onnotice: () => {}, connection: { statement_timeout: 200 } });
    const io = clickWriterIo(impatient);
    const retries: unknown[] = [];
    const buffer = new ClickBuffer({
      maxBytes: 1 << 20,
      batchSize: 100,
      flushIntervalMs: 60_000,
      retryBackoff: { initialMs: 50, maxMs: 50 },
      write: (batch) => writeBatch(batch, io),
      onRetry: (error) => retries.push(error),
    });
    let unlock = () => {};
    const locked = new Promise<void>((resolve) => {
      unlock = resolve;
    });
    let holding = () => {};
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const lock = sql.begin(async (tx) => {
      await tx`lock table clicks in access exclusive mode`;
      holding();
      await locked;
    });
    try {
      await held;
      buffer.add(click(linkId));
      buffer.add(click(linkId));
      await buffer.flush();
      expect(retries[0]).toMatchObject({ code: "57014" }); // query_canceled: the statement timeout
      expect(buffer.stats).toMatchObject({ buffered: 2, written: 0, dropped: 0 });
    } finally {
      unlock();
      await lock;
    }
    // The 200 ms timeout was there to fail the writes behind the lock; on a loaded machine it could
    // also cancel the retries after it (each COPY then taking longer than 200 ms). The one connection
    // takes this between two retries.
    await impatient`set statement_timeout = 0`;
    await eventually(() => expect(buffer.stats.written).toBe(2), 10_000);
    await buffer.close();
    await impatient.end();
    expect(await countFor(linkId)).toBe(2);
    expect(buffer.stats.dropped).toBe(0);
  });
});
