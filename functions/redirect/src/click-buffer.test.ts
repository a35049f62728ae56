import { describe, expect, it } from "vitest";
import { type Click, ClickBuffer } from "./click-buffer.ts";

type Outcome = "ok" | "fail";

const click = (linkId: number): Click => ({
  tenantId: 1,
  linkId,
  clickedAt: new Date(0),
  referrer: null,
  country: "ZZ",
  userAgent: null,
});

/** A buffer whose writes follow `outcomes` (then "ok"); `hold()` makes writes wait until `release()`. */
function harness(capacity: number, batchSize: number, outcomes: Outcome[] = []) {
  const writes: number[][] = [];
  const failures: number[] = [];
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  const buffer = new ClickBuffer({
    capacity,
    batchSize,
    flushIntervalMs: 60_000,
    write: async (clicks) => {
      writes.push(clicks.map((c) => c.linkId));
      const outcome = outcomes.shift() ?? "ok";
      await gate;
      if (outcome === "fail") throw new Error("database down");
    },
    onError: (_error, count) => failures.push(count),
  });
  return {
    buffer,
    writes,
    failures,
    add: (...ids: number[]) => ids.map((id) => buffer.add(click(id))),
    hold: () => {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => open(),
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("ClickBuffer", () => {
  it("drops and counts clicks past capacity", () => {
    const h = harness(3, 10);
    expect(h.add(1, 2, 3, 4, 5)).toEqual([true, true, true, false, false]);
    expect(h.buffer.stats).toEqual({ buffered: 3, written: 0, dropped: 2, failedWrites: 0 });
    expect(h.writes).toEqual([]);
  });

  it("writes a batch once batchSize clicks wait", async () => {
    const h = harness(10, 3);
    h.add(1, 2);
    expect(h.writes).toEqual([]);
    h.add(3);
    expect(h.writes).toEqual([[1, 2, 3]]);
    await h.buffer.flush();
    expect(h.buffer.stats).toEqual({ buffered: 0, written: 3, dropped: 0, failedWrites: 0 });
  });

  it("runs one write at a time", async () => {
    const h = harness(10, 3);
    h.hold();
    h.add(...range(1, 7));
    expect(h.writes).toEqual([[1, 2, 3]]);
    h.release();
    await h.buffer.flush();
    expect(h.buffer.stats).toMatchObject({ buffered: 4, written: 3 });
    await h.buffer.flush();
    expect(h.writes).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it.each([
    // capacity, clicks added while the failing write runs, queue afterwards, dropped
    ["everything fits back", 10, [4, 5], [1, 2, 3, 4, 5], 0],
    ["part of the batch fits back", 5, [4, 5, 6, 7], [1, 4, 5, 6, 7], 2],
    ["nothing fits back", 4, [4, 5, 6, 7], [4, 5, 6, 7], 3],
    ["nothing fits back, new clicks refused", 4, [4, 5, 6, 7, 8], [4, 5, 6, 7], 4],
  ])("a failed write goes back to the front: %s", async (_name, capacity, during, queue, dropped) => {
    const h = harness(capacity, 3, ["fail"]);
    h.hold();
    h.add(1, 2, 3);
    h.add(...during);
    h.release();
    await h.buffer.flush();
    expect(h.buffer.stats).toEqual({ buffered: queue.length, written: 0, dropped, failedWrites: 1 });
    expect(h.failures).toEqual([3]);
    await h.buffer.close();
    expect(h.writes.slice(1).flat()).toEqual(queue);
    expect(h.buffer.stats.written).toBe(queue.length);
  });

  it("close() writes everything in batches", async () => {
    const h = harness(100, 3);
    h.add(...range(1, 7));
    await h.buffer.close();
    expect(h.writes).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(h.buffer.stats).toEqual({ buffered: 0, written: 7, dropped: 0, failedWrites: 0 });
  });

  it("close() gives up after a failed batch and counts the rest as dropped", async () => {
    const h = harness(100, 3, ["ok", "fail"]);
    h.add(...range(1, 8));
    await h.buffer.close();
    expect(h.writes).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(h.buffer.stats).toEqual({ buffered: 0, written: 3, dropped: 5, failedWrites: 1 });
  });

  it("close() retries a batch whose write failed before it was called", async () => {
    const h = harness(100, 3, ["fail"]);
    h.hold();
    h.add(1, 2, 3);
    const closing = h.buffer.close();
    h.release();
    await closing;
    expect(h.writes).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(h.buffer.stats).toEqual({ buffered: 0, written: 3, dropped: 0, failedWrites: 1 });
  });

  it("refuses and counts clicks after close()", async () => {
    const h = harness(100, 3);
    await h.buffer.close();
    expect(h.add(1, 2)).toEqual([false, false]);
    expect(h.buffer.stats).toEqual({ buffered: 0, written: 0, dropped: 2, failedWrites: 0 });
    expect(h.writes).toEqual([]);
  });
});
