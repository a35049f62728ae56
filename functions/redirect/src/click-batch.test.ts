import { describe, expect, it } from "vitest";
import { type BatchWriterIo, writeBatch } from "./click-batch.ts";
import { type Click, linkKey } from "./click-record.ts";

/**
 * A database in memory: links 1-99 exist unless listed as deleted; a click is
 * refused when its link is deleted or its referrer is "bad"; `down` fails every
 * statement as a lost connection from the given statement on.
 */
function fakeDatabase(options: { deleted?: number[]; downFrom?: number; lookupFails?: boolean } = {}) {
  const deleted = new Set(options.deleted ?? []);
  const statements: number[][] = [];
  const written: number[] = [];
  const io: BatchWriterIo = {
    write: async (clicks) => {
      statements.push(clicks.map((c) => c.linkId));
      if (options.downFrom !== undefined && statements.length >= options.downFrom) {
        throw Object.assign(new Error("connection closed"), { code: "CONNECTION_CLOSED" });
      }
      const bad = clicks.find((c) => deleted.has(c.linkId) || c.referrer === "bad");
      if (bad) {
        throw deleted.has(bad.linkId)
          ? Object.assign(new Error('violates foreign key constraint "clicks_link_fkey_102008"'), { code: "XX000" })
          : Object.assign(new Error("invalid byte sequence"), { code: "22021" });
      }
      written.push(...clicks.map((c) => c.linkId));
    },
    existingLinks: async (clicks) => {
      if (options.lookupFails) throw Object.assign(new Error("gone"), { code: "57P01" });
      return new Set(clicks.filter((c) => !deleted.has(c.linkId)).map((c) => linkKey(c.tenantId, c.linkId)));
    },
  };
  return { io, statements, written };
}

const click = (linkId: number, referrer: string | null = null): Click => ({
  tenantId: 1,
  linkId,
  clickedAt: 0,
  referrer,
  userAgent: null,
  country: "ZZ",
});
const clicks = (...ids: number[]) => ids.map((id) => click(id));
const ids = (list: Click[]) => list.map((c) => c.linkId);

describe("writeBatch", () => {
  it.each([
    // name, batch, database, written, dropped [reason, link ids], kept for retry, statements
    ["all good: one statement", clicks(1, 2, 3, 4), {}, [1, 2, 3, 4], [], [], 1],
    [
      "a deleted link: its clicks dropped after one lookup, the rest in one more statement",
      clicks(1, 50, 2, 50, 3),
      { deleted: [50] },
      [1, 2, 3],
      [["link_deleted", [50, 50]]],
      [],
      2,
    ],
    [
      "every link deleted: nothing more is written",
      clicks(50, 51),
      { deleted: [50, 51] },
      [],
      [["link_deleted", [50, 51]]],
      [],
      1,
    ],
    ["the database down: everything kept", clicks(1, 2, 3), { downFrom: 1 }, [], [], [1, 2, 3], 1],
    ["the lookup fails: everything kept", clicks(1, 50), { deleted: [50], lookupFails: true }, [], [], [1, 50], 1],
    [
      "the database goes down while isolating: what is not written yet is kept",
      clicks(1, 50, 2, 3),
      { deleted: [50], downFrom: 2 },
      [],
      [["link_deleted", [50]]],
      [1, 2, 3],
      2,
    ],
  ])("%s", async (_name, batch, db, written, dropped, retry, statements) => {
    const fake = fakeDatabase(db);
    const outcome = await writeBatch(batch, fake.io);
    expect(fake.written).toEqual(written);
    expect(outcome.written).toBe(written.length);
    expect(outcome.dropped.map((d) => [d.reason, ids(d.clicks)])).toEqual(dropped);
    expect(ids(outcome.retry)).toEqual(retry);
    expect(outcome.retryError !== undefined).toBe(retry.length > 0);
    expect(fake.statements).toHaveLength(statements);
  });

  it("halves a refused batch until each bad click stands alone, and writes every other click", async () => {
    const batch = Array.from({ length: 16 }, (_, i) => click(i + 1, i === 4 || i === 11 ? "bad" : null));
    const fake = fakeDatabase();
    const outcome = await writeBatch(batch, fake.io);
    expect(fake.written.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16]);
    expect(outcome.dropped.map((d) => [d.reason, ids(d.clicks)])).toEqual([
      ["rejected", [5]],
      ["rejected", [12]],
    ]);
    expect(outcome.retry).toEqual([]);
    // 1 whole + 2 × (halves down to one click: 2 per level below the top, 4 levels)
    expect(fake.statements.length).toBeLessThanOrEqual(1 + 2 * 2 * 4);
  });

  it("stops isolating after maxStatements and keeps what it has not sorted out", async () => {
    const batch = Array.from({ length: 8 }, (_, i) => click(i + 1, "bad"));
    const fake = fakeDatabase();
    const outcome = await writeBatch(batch, fake.io, { maxStatements: 4 });
    expect(fake.statements).toHaveLength(1 + 4);
    expect(outcome.written).toBe(0);
    expect(outcome.dropped.flatMap((d) => ids(d.clicks))).toEqual([1]);
    expect(ids(outcome.retry)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(outcome.retryError).toBeInstanceOf(Error);
  });

  it("writes nothing for an empty batch", async () => {
    const fake = fakeDatabase();
    expect(await writeBatch([], fake.io)).toEqual({ written: 0, dropped: [], retry: [] });
    expect(fake.statements).toEqual([]);
  });
});
