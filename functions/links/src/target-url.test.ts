import { describe, expect, it } from "vitest";
import { MAX_TARGET_URL_LENGTH, normaliseTargetUrl, TARGET_URL_PATTERN, targetUrlProblem } from "./target-url.ts";

const prefix = "https://example.com/";
const ofLength = (n: number) => prefix + "a".repeat(n - prefix.length);

describe("targetUrlProblem", () => {
  it.each([
    ["http", "http://example.com"],
    ["https with path", "https://example.com/a/b.html"],
    ["query and fragment", "https://example.com/search?q=shoes&page=2#top"],
    ["port", "http://localhost:8080/x"],
    ["IDN host", "https://bücher.example/kaufen"],
    ["punycode host", "https://xn--bcher-kva.example/"],
    ["IPv4 host", "http://192.0.2.1/"],
    ["IPv6 host", "http://[2001:db8::1]:8080/"],
    ["upper-case scheme", "HTTPS://EXAMPLE.COM/"],
    ["percent-encoded space", "https://example.com/a%20b"],
    ["exactly the maximum length", ofLength(MAX_TARGET_URL_LENGTH)],
  ])("accepts %s", (_name, url) => {
    expect(targetUrlProblem(url)).toBeUndefined();
  });

  it.each([
    ["javascript:", "javascript:alert(1)", "must use http or https"],
    ["data:", "data:text/html,<script>alert(1)</script>", "must use http or https"],
    ["file:", "file:///etc/passwd", "must use http or https"],
    ["ftp:", "ftp://example.com/file", "must use http or https"],
    ["mailto:", "mailto:someone@example.com", "must use http or https"],
    ["protocol-relative", "//example.com/x", "must be an absolute URL"],
    ["no scheme", "example.com", "must be an absolute URL"],
    ["relative path", "/a/b", "must be an absolute URL"],
    ["empty", "", "must be an absolute URL"],
    ["no host", "https://", "must be an absolute URL"],
    ["no slashes (http:host)", "http:loopme", "must have a host"],
    ["one slash", "http:/x", "must have a host"],
    ["three slashes", "https:///x", "must have a host"],
    ["backslashes for slashes", "https:\\\\evil.example/", "must have a host"],
    ["a backslash opening the authority", "https://\\evil.example/", "must have a host"],
    ["empty authority before a query", "http://?q=1", "must be an absolute URL"],
    ["user and password", "https://bank.com:pw@evil.example/", "must not contain a user name or password"],
    ["user only", "https://bank.com@evil.example/", "must not contain a user name or password"],
    ["a star in the host", "HttP://2.d5eoA.RIK*", "must have a host name"],
    ["an apostrophe in the host", "https://exa'mple.com/", "must have a host name"],
    ["space", "https://example.com/a b", "must not contain spaces or control characters"],
    ["leading space", " https://example.com/", "must not contain spaces or control characters"],
    ["tab", "java\tscript:alert(1)", "must not contain spaces or control characters"],
    ["newline", "https://example.com/\nx", "must not contain spaces or control characters"],
    ["NUL", "https://example.com/\u0000", "must not contain spaces or control characters"],
    ["DEL", "https://example.com/\u007f", "must not contain spaces or control characters"],
    ["one over the maximum length", ofLength(MAX_TARGET_URL_LENGTH + 1), "must be at most 2048 characters"],
  ])("refuses %s", (_name, url, problem) => {
    expect(targetUrlProblem(url)).toContain(problem);
  });

  it.each([
    ["already normal", "https://example.com/a%20b?q=1#top", "https://example.com/a%20b?q=1#top"],
    ["a path is added", "https://example.com", "https://example.com/"],
    ["scheme and host lower-cased", "HTTPS://EXAMPLE.COM/Path", "https://example.com/Path"],
    ["default port dropped", "https://example.com:443/", "https://example.com/"],
    ["IDN host in punycode", "https://bücher.example/kaufen", "https://xn--bcher-kva.example/kaufen"],
    ["non-ASCII path percent-encoded once", "https://example.com/café", "https://example.com/caf%C3%A9"],
    [
      "existing escapes kept, not encoded again",
      "https://example.com/%E2%82%AC%20x",
      "https://example.com/%E2%82%AC%20x",
    ],
    ["IPv6 literal compressed", "http://[2001:0db8:0:0:0:0:0:1]:8080/", "http://[2001:db8::1]:8080/"],
    ["dot segments resolved", "https://example.com/a/../b/./c", "https://example.com/b/c"],
    ["backslash in the path becomes a slash", "https://example.com/a\\b", "https://example.com/a/b"],
  ])("normalises %s", (_name, url, normal) => {
    expect(normaliseTargetUrl(url)).toEqual({ url: normal });
    expect(normaliseTargetUrl(normal)).toEqual({ url: normal }); // idempotent
  });

  it("keeps a target that grows past the input limit once percent-encoded (the limit is on what is sent)", () => {
    const result = normaliseTargetUrl(prefix + "é".repeat(700));
    expect("url" in result && result.url.length).toBeGreaterThan(MAX_TARGET_URL_LENGTH);
  });

  // The OpenAPI document's pattern must never promise what the server refuses.
  it.each([
    "http://example.com",
    "HTTPS://EXAMPLE.COM/A?b=c#d",
    "https://a-b.c-d.example:8080/x",
    "https://example.com/café?q=ü",
    "https://localhost",
    "http://a:7098/",
  ])("takes %s, which the documented pattern allows", (url) => {
    expect(TARGET_URL_PATTERN.test(url)).toBe(true);
    expect(targetUrlProblem(url)).toBeUndefined();
  });

  it.each([
    "http:loopme",
    "https:///x",
    "https://user@example.com/",
    "https://example.com/a b",
    "https://a.1/",
    "ftp://example.com/",
    "https://example.com/\u0000",
  ])("the documented pattern does not allow %s", (url) => {
    expect(TARGET_URL_PATTERN.test(url)).toBe(false);
  });
});
