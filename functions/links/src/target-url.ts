export const MAX_TARGET_URL_LENGTH = 2048;

/**
 * Why a redirect target is refused, or undefined when it is fine. Only
 * absolute http(s) URLs with a host: no javascript:, data: or file: targets,
 * and no credentials, which are a phishing device (`https://bank.com@evil.example`).
 */
export function targetUrlProblem(value: string): string | undefined {
  if (value.length > MAX_TARGET_URL_LENGTH) return `must be at most ${MAX_TARGET_URL_LENGTH} characters`;
  // Control characters and spaces: browsers strip some of them, which can turn
  // "java\tscript:" into a script URL.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\u0000-\u0020\u007f]/.test(value)) return "must not contain spaces or control characters";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute URL such as https://example.com/page";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must use http or https";
  if (!url.hostname) return "must have a host";
  if (url.username || url.password) return "must not contain a user name or password";
  return undefined;
}
