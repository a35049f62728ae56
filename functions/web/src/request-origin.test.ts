import { describe, expect, it } from "vitest";
import { isCrossOrigin, isSecure, ownOrigin } from "./request-origin.ts";

const url = "http://web.default.localhost:8080/links";

describe("where a request came from", () => {
  it("takes the scheme from X-Forwarded-Proto behind a TLS ingress", () => {
    expect(isSecure({ url })).toBe(false);
    expect(isSecure({ url, forwardedProto: "https" })).toBe(true);
    expect(isSecure({ url, forwardedProto: "https, http" })).toBe(true);
    expect(isSecure({ url: "https://web.example.com/", forwardedProto: "http" })).toBe(false);
    expect(ownOrigin({ url, forwardedProto: "https" })).toBe("https://web.default.localhost:8080");
  });

  it.each([
    [{}, false],
    [{ origin: "http://web.default.localhost:8080" }, false],
    [{ origin: "http://web.default.localhost:8080", secFetchSite: "same-origin" }, false],
    [{ secFetchSite: "none" }, false],
    [{ origin: "http://evil.example" }, true],
    [{ origin: "null" }, true],
    [{ origin: "https://web.default.localhost:8080" }, true],
    [{ secFetchSite: "cross-site" }, true],
    [{ secFetchSite: "same-site", origin: "http://links.default.localhost:8080" }, true],
  ])("%j is cross-origin: %s", (headers, expected) => {
    expect(isCrossOrigin({ url, ...headers })).toBe(expected);
  });
});
