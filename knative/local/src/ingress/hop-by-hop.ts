/**
 * Hop-by-hop headers belong to one connection and are not forwarded (RFC 9110
 * §7.6.1): the fixed ones, and every header the Connection header names.
 * Pure.
 */
import type { IncomingHttpHeaders } from "node:http";

const ALWAYS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** What nearly every Connection field says, answered without splitting it: this is on every request and answer. */
const COMMON_OPTIONS = new Map([
  ["keep-alive", ["keep-alive"]],
  ["close", ["close"]],
]);

/** The names a Connection header lists, lower case (it may come as several fields). */
export function connectionOptions(connection: string | string[] | undefined): readonly string[] {
  if (typeof connection === "string") {
    const common = COMMON_OPTIONS.get(connection) ?? COMMON_OPTIONS.get(connection.toLowerCase());
    if (common) return common;
  }
  const fields = Array.isArray(connection) ? connection : connection === undefined ? [] : [connection];
  const names: string[] = [];
  for (const field of fields) {
    for (const option of field.split(",")) {
      const name = option.trim().toLowerCase();
      if (name.length > 0) names.push(name);
    }
  }
  return names;
}

/** Whether a header (its name in lower case) stays with this connection: a fixed one, or one Connection names. */
function isHopByHop(lower: string, named: readonly string[] | undefined): boolean {
  return ALWAYS.has(lower) || named?.includes(lower) === true;
}

/** The headers to forward: all but the hop-by-hop ones. On every proxied request and answer, so no set is built for it. */
export function endToEndHeaders(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const named = connectionOptions(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (isHopByHop(name.toLowerCase(), named)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * The same for a request's raw fields (`name, value, name, value, ...`, as
 * node:http's rawHeaders), with the Host field's value replaced when `host`
 * is given. Repeated fields stay as they came: node:http's `headers` object
 * would join some and drop others.
 */
export function endToEndRawHeaders(raw: readonly string[], host?: string): string[] {
  let named: readonly string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 10 && name.toLowerCase() === "connection") {
      named = (named ?? []).concat(connectionOptions(raw[i + 1]));
    }
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (isHopByHop(lower, named)) continue;
    out.push(name, host !== undefined && lower === "host" ? host : (raw[i + 1] as string));
  }
  return out;
}
