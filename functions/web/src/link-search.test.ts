import { describe, expect, it } from "vitest";
import type { Link } from "./backend.ts";
import { matches } from "./link-search.ts";

const link = { code: "Spring-Sale", targetUrl: "https://shop.example.com/Offers" } as Link;

describe("a link matches a search", () => {
  it.each([
    ["spring", true],
    ["SALE", true],
    ["example.com/offers", true],
    ["", true],
    ["autumn", false],
  ])("%j: %s", (query, expected) => {
    expect(matches(link, query)).toBe(expected);
  });
});
