import { describe, expect, it } from "vitest";
import { ConsoleSessions, LOGIN_CODE_TTL_MS } from "./console-sessions.ts";

describe("ConsoleSessions", () => {
  it("a code gives the session once", () => {
    const sessions = new ConsoleSessions(() => 0);
    const code = sessions.newLoginCode();
    const secret = sessions.redeem(code);
    expect(secret).toBeDefined();
    expect(sessions.isSession(secret as string)).toBe(true);
    expect(sessions.redeem(code)).toBeUndefined();
  });

  it("a code expires after its time to live", () => {
    let now = 1_000;
    const sessions = new ConsoleSessions(() => now);
    const late = sessions.newLoginCode();
    const onTime = sessions.newLoginCode();
    now += LOGIN_CODE_TTL_MS - 1;
    expect(sessions.redeem(onTime)).toBeDefined();
    now += 1;
    expect(sessions.redeem(late)).toBeUndefined();
  });

  it("refuses codes it never made and sessions of another process", () => {
    const sessions = new ConsoleSessions(() => 0);
    const other = new ConsoleSessions(() => 0);
    const otherSecret = other.redeem(other.newLoginCode()) as string;
    expect(sessions.redeem("made-up")).toBeUndefined();
    expect(sessions.redeem("")).toBeUndefined();
    expect(sessions.isSession(otherSecret)).toBe(false);
    expect(sessions.isSession("")).toBe(false);
  });

  it("keeps at most 16 open codes: the oldest goes first", () => {
    const sessions = new ConsoleSessions(() => 0);
    const codes = Array.from({ length: 17 }, () => sessions.newLoginCode());
    expect(sessions.redeem(codes[0] as string)).toBeUndefined();
    expect(sessions.redeem(codes[1] as string)).toBeDefined();
    expect(sessions.redeem(codes[16] as string)).toBeDefined();
  });
});
