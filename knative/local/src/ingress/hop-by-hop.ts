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

/** The names a Connection header lists, lower case (it may come as several fields). */
export function connectionOptions(connection: string | string[] | undefined): string[] {
  const fields = Array.isArray(connection) ? connection : connection === undefined ? [] : [connection];
  return fields.flatMap((field) =>
    field
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name.length > 0),
  );
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
    const lower = name.toLowerCase();
    if (ALWAYS.has(lower) || named.includes(lower)) continue;
    out[name] = value;
  }
  return out;
}
