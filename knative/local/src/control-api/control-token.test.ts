import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ControlTokenError, loadOrCreateControlToken, readControlToken } from "./control-token.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "control-token-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("the control token", () => {
  it("is made at the first start, readable by its owner only, and the same at the next", () => {
    const path = join(dir, "data", "control-token");
    const first = loadOrCreateControlToken(path);
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(modeOf(path)).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe(`${first.token}\n`);
    expect(loadOrCreateControlToken(path)).toEqual({ token: first.token, created: false });
    expect(readControlToken(path)).toBe(first.token);
  });

  it("two starts make two different tokens", () => {
    const a = loadOrCreateControlToken(join(dir, "a")).token;
    const b = loadOrCreateControlToken(join(dir, "b")).token;
    expect(a).not.toBe(b);
  });

  it("takes a file others can read back to its owner alone", () => {
    const path = join(dir, "control-token");
    writeFileSync(path, `${"k".repeat(40)}\n`);
    chmodSync(path, 0o644);
    expect(loadOrCreateControlToken(path)).toEqual({ token: "k".repeat(40), created: false });
    expect(modeOf(path)).toBe(0o600);
  });

  it("refuses a file that holds no usable token rather than accept a weak one", () => {
    const path = join(dir, "control-token");
    writeFileSync(path, "short\n", { mode: 0o600 });
    expect(() => loadOrCreateControlToken(path)).toThrow(ControlTokenError);
    expect(() => readControlToken(path)).toThrow("delete it and start the platform again");
  });

  it("is undefined to a reader before the first start", () => {
    expect(readControlToken(join(dir, "none"))).toBeUndefined();
  });
});
