/**
 * RFC 6761: names under `localhost.` are this machine. Browsers and curl
 * resolve them so, glibc does not; locally the web function reaches the other
 * functions through the platform's ingress by host name
 * (http://links.default.localhost:8080), as Knative routes them.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { Agent, fetch as undiciFetch } from "undici";

export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** net.connect's `lookup`: *.localhost is 127.0.0.1, anything else asks DNS. */
export function loopbackLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  if (!isLoopbackName(hostname)) {
    dnsLookup(hostname, options, callback as never);
    return;
  }
  if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
}

/** A fetch whose connections follow loopbackLookup; the Host header keeps the name, so the ingress can route by it. */
export function loopbackAwareFetch(): typeof fetch {
  const dispatcher = new Agent({ connect: { lookup: loopbackLookup as never }, keepAliveTimeout: 30_000 });
  return ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;
}
