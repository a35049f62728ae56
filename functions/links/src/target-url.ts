export const MAX_TARGET_URL_LENGTH = 2048;

/**
 * `http://` or `https://` and then a host, as typed. The WHATWG parser would
 * accept `http:loopme`, `http:/x`, `https:///x` or `https:\\x` and invent an
 * authority for them; a browser sent such a string raw as Location resolves
 * it against the short-link host instead.
 */
const SCHEME_AND_AUTHORITY = /^https?:\/\/[^/?#\\]/i;

/** A parsed host (IDN already in punycode, lower case): DNS labels, or an IPv6 literal. */
const HOST_NAME = /^(([a-z0-9-]+\.)*[a-z0-9-]+\.?|\[[0-9a-f:.]+\])$/;

/**
 * What the OpenAPI document promises to accept, a little narrower than what
 * is accepted (IDN hosts, IP literals and ports above 9999 are taken too), so
 * that every string it allows is taken. JSON Schema patterns have no flags.
 */
export const TARGET_URL_PATTERN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  /^[Hh][Tt][Tt][Pp][Ss]?:\/\/([A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*(:[0-9]{1,4})?([/?#][^\u0000-\u0020\u007f]*)?$/;

/**
 * The target as it will be stored and sent as Location (the WHATWG URL
 * serialisation, `new URL(value).href`: ASCII only, IDN hosts in punycode,
 * existing percent-escapes kept), or why it is refused. Only absolute http(s)
 * URLs with a host: no javascript:, data: or file: targets, and no
 * credentials, which are a phishing device (`https://bank.com@evil.example`).
 */
export function normaliseTargetUrl(value: string): { url: string } | { problem: string } {
  if (value.length > MAX_TARGET_URL_LENGTH) return { problem: `must be at most ${MAX_TARGET_URL_LENGTH} characters` };
  // Control characters and spaces: the parser strips some of them, which can
  // turn "java\tscript:" into a script URL.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\u0000-\u0020\u007f]/.test(value)) return { problem: "must not contain spaces or control characters" };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: "must be an absolute URL such as https://example.com/page" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { problem: "must use http or https" };
  if (!SCHEME_AND_AUTHORITY.test(value))
    return { problem: "must have a host: http:// or https:// and then a host name" };
  if (url.username || url.password) return { problem: "must not contain a user name or password" };
  // The parser keeps characters such as `*`, `!` or `'` in a host; no resolvable host has them.
  if (!HOST_NAME.test(url.hostname))
    return { problem: "must have a host name of letters, digits, '-' and '.', or an IP address" };
  return { url: url.href };
}

/** Why a redirect target is refused, or undefined when it is fine. */
export function targetUrlProblem(value: string): string | undefined {
  const result = normaliseTargetUrl(value);
  return "problem" in result ? result.problem : undefined;
}
