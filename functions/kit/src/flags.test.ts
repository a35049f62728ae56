import { describe, expect, it } from "vitest";
import { parseFlags } from "./flags.ts";

const defaults = { maintenance: false, maxLinks: 100, banner: "hello" };

describe("parseFlags", () => {
  it.each([
    ["nothing stored", {}, {}],
    [
      "good values kept",
      { maintenance: "true", maxLinks: "5", banner: '"sale"' },
      { maintenance: true, maxLinks: 5, banner: "sale" },
    ],
    ["unknown names ignored", { other: "true", maintenance: "true" }, { maintenance: true }],
    ["invalid JSON ignored", { maintenance: "yes", banner: "unquoted", maxLinks: "7" }, { maxLinks: 7 }],
    ["string for a boolean ignored", { maintenance: '"yes"' }, {}],
    ["string for a number ignored", { maxLinks: '"5"' }, {}],
    ["number for a string ignored", { banner: "42" }, {}],
    ["null ignored", { maintenance: "null", banner: "null" }, {}],
    ["object ignored", { maxLinks: '{"n":1}' }, {}],
    ["inherited names ignored", { toString: "true", constructor: '"x"', hasOwnProperty: "1" }, {}],
  ])("%s", (_name, stored, expected) => {
    expect(parseFlags(defaults, stored)).toEqual(expected);
  });

  it("ignores a stored __proto__ field", () => {
    const stored = JSON.parse('{"__proto__": "{\\"maintenance\\": true}"}') as Record<string, string>;
    const result = parseFlags(defaults, stored);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(result.maintenance).toBeUndefined();
  });
});
