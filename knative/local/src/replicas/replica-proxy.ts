/**
 * Sends a request to a replica and its answer back, as queue-proxy does:
 * end-to-end headers only, over kept-open connections; what the replica
 * answered is what the client gets, even when it answered before the client
 * finished its body (a 413 stays 413). The caller's signal bounds the whole
 * exchange: past it, 504 `request timeout` if nothing was sent yet.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { PassThrough } from "node:stream";
import { Pool } from "undici";
import { endToEndHeaders } from "../ingress/hop-by-hop.ts";

export const REQUEST_TIMEOUT_MESSAGE = "request timeout";

export interface ProxyTarget {
  readonly spec: { readonly port: number };
  once(event: "exit", listener: () => void): unknown;
}

/** Connections to each replica are kept open and reused, as queue-proxy's are (undici: lighter than node:http). */
const pools = new WeakMap<ProxyTarget, Pool>();

function poolOf(target: ProxyTarget): Pool {
  let pool = pools.get(target);
  if (!pool) {
    const created = new Pool(`http://127.0.0.1:${target.spec.port}`, { connections: 256, pipelining: 1 });
    pools.set(target, created);
    target.once("exit", () => void created.destroy());
    pool = created;
  }
  return pool;
}

/**
 * Writes a plain-text answer unless one was started; returns the status the
 * client got. A request whose body was not all read ends its connection.
 */
export function answer(res: ServerResponse, status: number, body: string): number {
  if (!res.headersSent) {
    const unread = !res.req.complete;
    res
      .writeHead(status, { "content-type": "text/plain; charset=utf-8", ...(unread ? { connection: "close" } : {}) })
      .end(body);
  }
  return status;
}

/** Resolves with the status the client got. `path` is the origin-form target; `host` the authority to send. */
export function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  target: ProxyTarget,
  signal: AbortSignal,
  forwarded: { path: string; host: string | undefined },
): Promise<number> {
  const headers = endToEndHeaders(req.headers);
  if (forwarded.host !== undefined) headers.host = forwarded.host;
  let status: number | undefined;
  const bodiless = req.method === "GET" || req.method === "HEAD";
  return poolOf(target)
    .stream(
      {
        path: forwarded.path,
        method: (req.method ?? "GET") as "GET",
        headers,
        // Through a PassThrough: when the replica ends the exchange early, undici destroys its body stream,
        // and that must not reset the client's connection before it has read the answer.
        body: bodiless ? null : req.pipe(new PassThrough()),
        signal,
        // The signal bounds the whole request; these would only bound idle gaps.
        headersTimeout: 0,
        bodyTimeout: 0,
      },
      ({ statusCode, headers: answered }) => {
        status = statusCode;
        res.writeHead(statusCode, endToEndHeaders(answered));
        return res;
      },
    )
    .then(
      () => status ?? 502,
      () => {
        if (status !== undefined) {
          // The replica answered, then the exchange broke (e.g. it stopped reading an upload it refused):
          // the client keeps what it was sent, and its status is the replica's.
          if (!res.writableEnded) res.end();
          return status;
        }
        if (signal.aborted) return answer(res, 504, REQUEST_TIMEOUT_MESSAGE);
        return answer(res, 502, "replica unreachable");
      },
    );
}
