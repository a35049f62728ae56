import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BatchOutcome } from "./click-batch.ts";
import { type Click, ClickBuffer, type ClickDropReason, retryDelayMs } from "./click-buffer.ts";
import { CLICK_OVERHEAD_BYTES, clickBytes } from "./click-record.ts";

const click = (linkId: number, referrer: string | null = null): Click => ({
  tenantId: 1,
  linkId,
  clickedAt: 0,
  referrer,
  country: "ZZ",
  userAgent: null,
});
const ONE = CLICK_OVERHEAD_BYTES; // the budget of one click without headers

type Step = "ok" | "fail" | ((clicks: Click[]) => BatchOutcome);

/** A buffer whose writes follow `steps` (then "ok"); `hold()` makes writes wait until `release()`. */
function harness(
  maxClicks: number,
  batchSize: number,
  steps: Step[] = [],
  retryBackoff = { initialMs: 100, maxMs: 400 },
  concurrency = 1,
) {
  const writes: number[][] = [];
  const drops: [ClickDropReason, number][] = [];
  const retries: [number, number][] = [];
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  const buffer = new ClickBuffer({
    maxBytes: maxClicks * ONE,
    batchSize,
    flushIntervalMs: 1000,
    retryBackoff,
    concurrency,
    write: async (clicks) => {
      writes.push(clicks.map((c) => c.linkId));
      const step = steps.shift() ?? "ok";
      await gate;
      if (step === "fail") throw Object.assign(new Error("terminating connection"), { code: "57P01" });
      if (step === "ok") return { written: clicks.length, dropped: [], retry: [] };
      return step(clicks);
    },
    onDrop: (reason, count) => drops.push([reason, count]),
    onRetry: (_error, count, delayMs) => retries.push([count, delayMs]),
  });
  return {
    buffer,
    writes,
    drops,
    retries,
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
const noDrops = { link_deleted: 0, rejected: 0, buffer_full: 0, shutdown: 0 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("clickBytes", () => {
  it.each([
    ["no headers", click(1), ONE],
    ["a referrer of 10 characters", click(1, "https://a/"), ONE + 20],
    ["both headers at their longest", { ...click(1, "r".repeat(512)), userAgent: "u".repeat(256) }, ONE + 1536],
  ])("%s", (_name, c, bytes) => {
    expect(clickBytes(c)).toBe(bytes);
  });
});

describe("retryDelayMs", () => {
  it.each([
    [0, 0],
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [7, 5000],
    [1000, 5000],
  ])("after %i failures: %i ms", (failures, delay) => {
    expect(retryDelayMs(failures, { initialMs: 100, maxMs: 5000 })).toBe(delay);
  });
});

describe("ClickBuffer", () => {
  it("holds clicks up to its memory budget, then drops and counts new ones", () => {
    const h = harness(3, 10);
    expect(h.add(1, 2, 3, 4, 5)).toEqual([true, true, true, false, false]);
    expect(h.buffer.stats).toEqual({
      buffered: 3,
      bufferedBytes: 3 * ONE,
      written: 0,
      dropped: 2,
      droppedBy: { ...noDrops, buffer_full: 2 },
      failedWrites: 0,
    });
    expect(h.writes).toEqual([]);
  });

  it("counts bytes, not clicks: one long click takes the room of several short ones", () => {
    const h = harness(10, 100);
    expect(h.buffer.add(click(1, "r".repeat(4 * ONE)))).toBe(true); // 9 × ONE
    expect(h.add(2, 3)).toEqual([true, false]);
  });

  it("reports drops for a full buffer as one sum per flush interval, not per click", async () => {
    const h = harness(1, 10);
    h.hold();
    h.add(1, 2, 3, 4);
    expect(h.drops).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.drops).toEqual([["buffer_full", 3]]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.drops).toEqual([["buffer_full", 3]]);
  });

  it("writes a batch once batchSize clicks wait, and the rest at the flush interval", async () => {
    const h = harness(10, 3);
    h.add(1, 2);
    expect(h.writes).toEqual([]);
    h.add(3, 4);
    expect(h.writes).toEqual([[1, 2, 3]]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.writes).toEqual([[1, 2, 3], [4]]);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, bufferedBytes: 0, written: 4 });
  });

  it("runs one write at a time and starts the next full batch when it ends", async () => {
    const h = harness(10, 3);
    h.hold();
    h.add(...range(1, 7));
    expect(h.writes).toEqual([[1, 2, 3]]);
    h.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.writes).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(h.buffer.stats).toMatchObject({ buffered: 1, written: 6 });
  });

  it("with concurrency 2, runs a second write for a full batch only, and writes everything", async () => {
    const h = harness(100, 3, [], undefined, 2);
    h.hold();
    h.add(...range(1, 8));
    expect(h.writes).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    h.add(9);
    expect(h.writes).toHaveLength(2);
    h.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.writes.at(-1)).toEqual([7, 8, 9]);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, bufferedBytes: 0, written: 9 });
  });

  it("flush() returns while a click waits behind a write under way; drain() writes it too", async () => {
    const h = harness(10, 3);
    h.hold();
    h.add(1);
    void h.buffer.flush();
    h.add(2);
    const flushed = h.buffer.flush();
    h.release();
    await flushed;
    expect(h.writes).toEqual([[1]]);
    expect(h.buffer.stats).toMatchObject({ buffered: 1, written: 1 });
    await h.buffer.drain(); // no timer has fired: drain() itself wrote the click
    expect(h.writes).toEqual([[1], [2]]);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, written: 2 });
  });

  it("drain() stops while a retry is not due yet, and leaves the rest to the retry timer", async () => {
    const h = harness(10, 3, ["fail"]);
    h.add(1);
    await h.buffer.drain();
    expect(h.buffer.stats).toMatchObject({ buffered: 1, written: 0, failedWrites: 1 });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, written: 1 });
  });

  it("retries when its timer fires, even where the wall clock says the backoff is a few ms short", async () => {
    // Node fires timers by the event loop's cached clock, which lags Date.now() after a busy turn.
    const h = harness(10, 3, ["fail"]);
    h.add(1, 2, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.retries).toEqual([[3, 100]]);
    vi.setSystemTime(Date.now() - 5);
    await vi.advanceTimersByTimeAsync(100);
    expect(h.writes).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, written: 3, failedWrites: 1 });
  });

  it("keeps a batch that failed for a retryable reason, at the front, and tries it again after a backoff", async () => {
    const h = harness(10, 3, ["fail", "fail"]);
    h.add(1, 2, 3);
    await vi.advanceTimersByTimeAsync(0);
    h.add(4);
    expect(h.buffer.stats).toMatchObject({ buffered: 4, written: 0, dropped: 0, failedWrites: 1 });
    expect(h.retries).toEqual([[3, 100]]);
    await vi.advanceTimersByTimeAsync(99);
    expect(h.writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.writes).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(h.retries).toEqual([
      [3, 100],
      [3, 200],
    ]);
    await vi.advanceTimersByTimeAsync(200);
    expect(h.writes.at(-1)).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.writes.at(-1)).toEqual([4]);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, bufferedBytes: 0, written: 4, dropped: 0, failedWrites: 2 });
  });

  it("counts and reports what a write dropped, keeps what it gave back, and is not held up by either", async () => {
    const outcome = (clicks: Click[]): BatchOutcome => ({
      written: 2,
      dropped: [
        { reason: "link_deleted", clicks: clicks.filter((c) => c.linkId === 2) },
        { reason: "rejected", clicks: clicks.filter((c) => c.linkId === 3), error: new Error("bad") },
      ],
      retry: clicks.filter((c) => c.linkId === 5),
      retryError: new Error("gone"),
    });
    const h = harness(10, 5, [outcome]);
    h.add(1, 2, 3, 4, 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.drops).toEqual([
      ["link_deleted", 1],
      ["rejected", 1],
    ]);
    expect(h.buffer.stats).toEqual({
      buffered: 1,
      bufferedBytes: ONE,
      written: 2,
      dropped: 2,
      droppedBy: { ...noDrops, link_deleted: 1, rejected: 1 },
      failedWrites: 1,
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.writes.at(-1)).toEqual([5]);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, written: 3 });
  });

  it("close() writes everything in batches", async () => {
    const h = harness(100, 3);
    h.add(...range(1, 7));
    await h.buffer.close();
    expect(h.writes).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, bufferedBytes: 0, written: 7, dropped: 0 });
  });

  it("close() retries with backoff through a short outage and loses nothing", async () => {
    const h = harness(100, 3, ["ok", "fail", "fail", "fail"]);
    h.add(...range(1, 7));
    const closing = h.buffer.close(10_000);
    await vi.advanceTimersByTimeAsync(100 + 200 + 400);
    await closing;
    expect(h.writes.flat()).toEqual([1, 2, 3, 4, 5, 6, 4, 5, 6, 4, 5, 6, 4, 5, 6, 7]);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, written: 7, dropped: 0, failedWrites: 3 });
  });

  it("close() gives up at its deadline and counts what is left as dropped at shutdown", async () => {
    const h = harness(100, 3, ["ok", ...Array<Step>(100).fill("fail")]);
    h.add(...range(1, 8));
    const closing = h.buffer.close(1000);
    await vi.advanceTimersByTimeAsync(1000);
    await closing;
    expect(h.writes[0]).toEqual([1, 2, 3]);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, bufferedBytes: 0, written: 3, dropped: 5 });
    expect(h.buffer.stats.droppedBy.shutdown).toBe(5);
    expect(h.drops).toEqual([["shutdown", 5]]);
  });

  it("close() counts the clicks of a write that has not ended by the deadline as dropped", async () => {
    const h = harness(100, 3);
    h.hold();
    h.add(1, 2, 3, 4);
    const closing = h.buffer.close(1000);
    await vi.advanceTimersByTimeAsync(1000);
    await closing;
    expect(h.buffer.stats).toMatchObject({ written: 0, dropped: 4 });
    expect(h.drops).toEqual([["shutdown", 4]]);
  });

  it("close() waits for a write under way and writes its batch again if it failed", async () => {
    const h = harness(100, 3, ["fail"]);
    h.hold();
    h.add(1, 2, 3);
    const closing = h.buffer.close();
    h.release();
    await vi.advanceTimersByTimeAsync(100);
    await closing;
    expect(h.writes).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, written: 3, dropped: 0, failedWrites: 1 });
  });

  it("refuses and counts clicks after close()", async () => {
    const h = harness(100, 3);
    await h.buffer.close();
    expect(h.add(1, 2)).toEqual([false, false]);
    expect(h.buffer.stats).toMatchObject({ buffered: 0, written: 0, dropped: 2 });
    expect(h.buffer.stats.droppedBy.shutdown).toBe(2);
    expect(h.writes).toEqual([]);
  });
});
