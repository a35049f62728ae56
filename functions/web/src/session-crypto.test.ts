import { describe, expect, it } from "vitest";
import { isWellFormedToken, newToken, sameSecret, seal, storageId, unseal } from "./session-crypto.ts";

describe("session secrets", () => {
  it("seals a record that only the same token opens, and detects changes", () => {
    const token = newToken();
    const sealed = seal(token, "lsk_secret");
    expect(sealed).not.toContain("lsk_secret");
    expect(unseal(token, sealed)).toBe("lsk_secret");
    expect(unseal(newToken(), sealed)).toBeUndefined();
    const bytes = Buffer.from(sealed, "base64url");
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 1;
    expect(unseal(token, bytes.toString("base64url"))).toBeUndefined();
    expect(unseal(token, "short")).toBeUndefined();
  });

  it("stores under an id that does not reveal the token", () => {
    const token = newToken();
    expect(storageId(token)).toBe(storageId(token));
    expect(storageId(token)).not.toContain(token);
    expect(storageId(newToken())).not.toBe(storageId(token));
  });

  it("accepts only tokens of the shape it makes", () => {
    expect(isWellFormedToken(newToken())).toBe(true);
    for (const bad of [undefined, "", "short", `${newToken()}x`, `${"a".repeat(42)}!`]) {
      expect(isWellFormedToken(bad)).toBe(false);
    }
  });

  it("compares secrets of any length", () => {
    expect(sameSecret("abc", "abc")).toBe(true);
    expect(sameSecret("abc", "abd")).toBe(false);
    expect(sameSecret("abc", "abcd")).toBe(false);
  });
});
