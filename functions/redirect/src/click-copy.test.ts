import { describe, expect, it } from "vitest";
import { copyText, encodeClicks } from "./click-copy.ts";
import type { Click } from "./click-record.ts";

describe("copyText", () => {
  it.each([
    [null, "\\N"],
    ["", ""],
    ["https://ref.example/?q=a b", "https://ref.example/?q=a b"],
    ["a\tb", "a\\tb"],
    ["a\nb\rc", "a\\nb\\rc"],
    ["C:\\path", "C:\\\\path"],
    ["\\N", "\\\\N"],
    ["Mozilla/5.0 (é ü)", "Mozilla/5.0 (é ü)"],
  ])("%j -> %j", (value, text) => {
    expect(copyText(value)).toBe(text);
  });
});

describe("encodeClicks", () => {
  const at = Date.UTC(2026, 10, 29, 10, 0, 0, 123);
  const click = (over: Partial<Click>): Click => ({
    tenantId: 7,
    linkId: 42,
    clickedAt: at,
    referrer: null,
    userAgent: null,
    country: "ZZ",
    ...over,
  });

  it.each([
    ["no clicks", [], ""],
    ["one click without headers", [click({})], "7\t42\t2026-11-29T10:00:00.123Z\t\\N\t\\N\tZZ\n"],
    [
      "headers, escaped",
      [click({ referrer: "https://r/\tx", userAgent: "ua\\1", country: "DE" })],
      "7\t42\t2026-11-29T10:00:00.123Z\thttps://r/\\tx\tua\\\\1\tDE\n",
    ],
    [
      "rows in order, each with its own time",
      [click({ linkId: 1 }), click({ linkId: 2 }), click({ linkId: 3, clickedAt: at + 1 })],
      "7\t1\t2026-11-29T10:00:00.123Z\t\\N\t\\N\tZZ\n" +
        "7\t2\t2026-11-29T10:00:00.123Z\t\\N\t\\N\tZZ\n" +
        "7\t3\t2026-11-29T10:00:00.124Z\t\\N\t\\N\tZZ\n",
    ],
  ])("%s", (_name, clicks, text) => {
    expect(encodeClicks(clicks)).toBe(text);
  });
});
