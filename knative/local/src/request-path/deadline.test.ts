import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Deadline } from "./deadline.ts";

describe("Deadline", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("when the time is up, runs onExpire, then stops what the request waits on", () => {
    const calls: string[] = [];
    const deadline = new Deadline(1000, () => calls.push("expired"));
    deadline.waiting(() => calls.push("stopped"));
    vi.advanceTimersByTime(999);
    expect(deadline.expired).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.expired).toBe(true);
    expect(calls).toEqual(["expired", "stopped"]);
  });

  it("stops nothing whose wait is over, once only, and a wait that starts after it at once", () => {
    const stopped = vi.fn();
    const deadline = new Deadline(1000);
    const done = deadline.waiting(stopped);
    done();
    deadline.expire();
    deadline.expire();
    expect(stopped).not.toHaveBeenCalled();
    const later = vi.fn();
    deadline.waiting(later);
    expect(later).toHaveBeenCalledOnce();
  });

  it("a newer wait replaces the last, whose end leaves the newer one in place", () => {
    const first = vi.fn();
    const second = vi.fn();
    const deadline = new Deadline(1000);
    const firstDone = deadline.waiting(first);
    deadline.waiting(second);
    firstDone();
    vi.advanceTimersByTime(1000);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
  });

  it("when the client leaves, stops what the request waits on, without onExpire, and the time no longer runs", () => {
    const onExpire = vi.fn();
    const stopped = vi.fn();
    const deadline = new Deadline(1000, onExpire);
    deadline.waiting(stopped);
    deadline.abandon();
    expect(stopped).toHaveBeenCalledOnce();
    expect([deadline.abandoned, deadline.expired]).toEqual([true, false]);
    vi.advanceTimersByTime(5000);
    expect(onExpire).not.toHaveBeenCalled();
    expect(deadline.expired).toBe(false);
    const later = vi.fn();
    deadline.waiting(later);
    expect(later).toHaveBeenCalledOnce();
  });

  it("the first end is the one that counts", () => {
    const deadline = new Deadline(1000);
    deadline.expire();
    deadline.abandon();
    expect([deadline.expired, deadline.abandoned]).toEqual([true, false]);
  });

  it("never fires once cleared", () => {
    const onExpire = vi.fn();
    new Deadline(1000, onExpire).clear();
    vi.advanceTimersByTime(5000);
    expect(onExpire).not.toHaveBeenCalled();
  });
});
