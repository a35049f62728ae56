import { describe, expect, it } from "vitest";
import { MAX_TARGET_URL_LENGTH, targetUrlProblem } from "./target-url.ts";

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
    ["user and password", "https://bank.com:pw@evil.example/", "must not contain a user name or password"],
    ["user only", "https://bank.com@evil.example/", "must not contain a user name or password"],
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
});
