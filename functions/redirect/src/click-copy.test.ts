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
  const row = (linkId: number, time: string, rest = "\\N\t\\N\tZZ") => `7\t${linkId}\t${time}\t${rest}`;

  it.each([
    ["no clicks", [], "", 0],
    [
      "one click without headers, its time to the second",
      [click({})],
      `${row(42, "2026-11-29T10:00:00.000Z")}\t1\n`,
      1,
    ],
    [
      "headers, escaped",
      [click({ referrer: "https://r/\tx", userAgent: "ua\\1", country: "DE" })],
      `${row(42, "2026-11-29T10:00:00.000Z", "https://r/\\tx\tua\\\\1\tDE")}\t1\n`,
      1,
    ],
    [
      "identical clicks in one second merged into one row with their count, in the order first seen",
      [click({ linkId: 1 }), click({ linkId: 2 }), click({ linkId: 1, clickedAt: at + 876 })],
      `${row(1, "2026-11-29T10:00:00.000Z")}\t2\n${row(2, "2026-11-29T10:00:00.000Z")}\t1\n`,
      2,
    ],
    [
      "the next second, another referrer, user agent or country: another row",
      [
        click({}),
        click({ clickedAt: at + 877 }),
        click({ referrer: "r" }),
        click({ userAgent: "u" }),
        click({ country: "DE" }),
      ],
      `${row(42, "2026-11-29T10:00:00.000Z")}\t1\n` +
        `${row(42, "2026-11-29T10:00:01.000Z")}\t1\n` +
        `${row(42, "2026-11-29T10:00:00.000Z", "r\t\\N\tZZ")}\t1\n` +
        `${row(42, "2026-11-29T10:00:00.000Z", "\\N\tu\tZZ")}\t1\n` +
        `${row(42, "2026-11-29T10:00:00.000Z", "\\N\t\\N\tDE")}\t1\n`,
      5,
    ],
  ])("%s", (_name, clicks, text, rows) => {
    expect(encodeClicks(clicks)).toEqual({ text, rows });
  });
});
