import { describe, expect, it } from "vitest";
import { requestTarget } from "./request-target.ts";

describe("requestTarget", () => {
  it.each([
    ["/x?a=1", ["Host", "links.default.localhost:8080"], { routeHost: "links.default.localhost", path: "/x?a=1" }],
    ["/", ["host", "LINKS.default.localhost"], { routeHost: "links.default.localhost", path: "/" }],
    ["/", [], { routeHost: "", path: "/" }],
    ["/", ["Host", "[::1]:8080"], { routeHost: "[::1]", path: "/" }],
  ])("origin-form %s with %j routes by the Host field", (url, raw, expected) => {
    expect(requestTarget(url, raw)).toEqual({ ...expected, authority: undefined });
  });

  it.each([
    [
      "http://links.default.localhost:8080/x?y=1",
      ["Host", "redirect.default.localhost"],
      { routeHost: "links.default.localhost", path: "/x?y=1", authority: "links.default.localhost:8080" },
    ],
    [
      "HTTP://Links.Default.Localhost",
      [],
      { routeHost: "links.default.localhost", path: "/", authority: "links.default.localhost" },
    ],
    [
      "https://a.default.localhost:8443/p",
      ["Host", "b"],
      { routeHost: "a.default.localhost", path: "/p", authority: "a.default.localhost:8443" },
    ],
  ])("absolute-form %s routes by its authority, not the Host field", (url, raw, expected) => {
    expect(requestTarget(url, raw)).toEqual(expected);
  });

  it.each([
    ["/", ["Host", "a.default.localhost", "Host", "b.default.localhost"], "more than one Host"],
    ["/", ["host", "a", "HOST", "a"], "more than one Host"],
    ["ftp://a.default.localhost/x", ["Host", "a"], "scheme ftp"],
    ["http://[bad/x", ["Host", "a"], "not a valid URI"],
    ["*", ["Host", "a"], "a path or an absolute http URI"],
    ["a.default.localhost:443", ["Host", "a"], "a path or an absolute http URI"],
  ])("%s with %j is refused (%s)", (url, raw, problem) => {
    const target = requestTarget(url, raw);
    expect("problem" in target && target.problem).toContain(problem);
  });
});
