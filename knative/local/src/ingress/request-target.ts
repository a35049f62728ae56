/**
 * Which host a request is for, and the path to send on, from its request line
 * and header fields (pure). A request with more than one Host field is refused
 * (RFC 9112 §3.2: 400). An absolute-form target (`GET http://h:8080/x`)
 * names its host itself, and the Host field is ignored (RFC 9112 §3.2.2).
 */
export type RequestTarget =
  | {
      /** Host name without the port, lower case: what routes match. */
      routeHost: string;
      /** Origin-form target for the replica. */
      path: string;
      /** The authority to send as Host when it came in the target, not in a Host field. */
      authority: string | undefined;
    }
  | { problem: string };

export function requestTarget(url: string | undefined, rawHeaders: readonly string[]): RequestTarget {
  const hosts: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 4 && name.toLowerCase() === "host") hosts.push(rawHeaders[i + 1] as string);
  }
  if (hosts.length > 1) return { problem: "The request has more than one Host header field." };
  const target = url ?? "/";
  if (target.startsWith("/")) return { routeHost: routeHostOf(hosts[0] ?? ""), path: target, authority: undefined };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    let parsed: URL;
    try {
      parsed = new URL(target);
    } catch {
      return { problem: "The request target is not a valid URI." };
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      return { problem: `The request target's scheme ${parsed.protocol.slice(0, -1)} is not http or https.` };
    }
    return { routeHost: routeHostOf(parsed.host), path: `${parsed.pathname}${parsed.search}`, authority: parsed.host };
  }
  return { problem: "The request target must be a path or an absolute http URI." };
}

function routeHostOf(authority: string): string {
  return authority.replace(/:\d*$/, "").toLowerCase();
}
