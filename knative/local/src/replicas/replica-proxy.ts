/**
 * Sends a request to a replica and its answer back, as queue-proxy does:
 * end-to-end headers only, over kept-open connections; what the replica
 * answered is what the client gets, even when it answered before the client
 * finished its body (a 413 stays 413). The request's deadline bounds the
 * whole exchange: past it, 504 `request timeout` if nothing was sent yet; a
 * client that leaves before its answer ends it too, and counts 499.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { PassThrough } from "node:stream";
import { type Dispatcher, Pool } from "undici";
import { endToEndHeaders, endToEndRawHeaders } from "../ingress/hop-by-hop.ts";
import type { Deadline } from "../request-path/deadline.ts";

export const REQUEST_TIMEOUT_MESSAGE = "request timeout";
/** What a request whose client left before its answer counts as: nginx's 499, not the revision's 5xx. */
export const CLIENT_CLOSED_REQUEST = 499;

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

/**
 * Resolves with the status the client got. `path` is the origin-form target;
 * `host` the authority to send. Past the deadline the exchange is cut.
 */
export function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  target: ProxyTarget,
  deadline: Deadline,
  forwarded: { path: string; host: string | undefined },
): Promise<number> {
  const bodiless = req.method === "GET" || req.method === "HEAD";
  return new Promise((settle) => {
    poolOf(target).dispatch(
      {
        path: forwarded.path,
        method: (req.method ?? "GET") as "GET",
        headers: endToEndRawHeaders(req.rawHeaders, forwarded.host),
        // Through a PassThrough: when the replica ends the exchange early, undici destroys its body stream,
        // and that must not reset the client's connection before it has read the answer.
        body: bodiless ? null : req.pipe(new PassThrough()),
        // The deadline bounds the whole request; these would only bound idle gaps.
        headersTimeout: 0,
        bodyTimeout: 0,
      },
      new ReplicaExchange(res, deadline, settle),
    );
  });
}

/**
 * One request's exchange with a replica, as undici's dispatch handler: the
 * answer goes to the client as it comes, at the pace the client reads it.
 */
class ReplicaExchange implements Dispatcher.DispatchHandler {
  private status: number | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private readonly stopWaiting: () => void;

  constructor(
    private readonly res: ServerResponse,
    private readonly deadline: Deadline,
    private readonly settle: (status: number) => void,
  ) {
    this.stopWaiting = deadline.waiting(() =>
      this.cut(new Error(deadline.abandoned ? "the client went away" : REQUEST_TIMEOUT_MESSAGE)),
    );
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Cut while it waited for a connection: it goes no further.
    if (this.settled) controller.abort(new Error("cut before it reached the replica"));
  }

  onResponseStart(_: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200 || this.settled) return;
    this.status = statusCode;
    this.res.writeHead(statusCode, endToEndHeaders(headers));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled || this.res.write(chunk)) return;
    controller.pause();
    this.res.once("drain", () => controller.resume());
  }

  onResponseEnd(): void {
    this.res.end();
    this.finish(this.status ?? 502);
  }

  onResponseError(): void {
    this.failed();
  }

  private failed(): void {
    if (this.status !== undefined) {
      // The replica answered, then the exchange broke (e.g. it stopped reading an upload it refused):
      // the client keeps what it was sent, and its status is the replica's.
      if (!this.res.writableEnded) this.res.end();
      this.finish(this.status);
    } else if (this.deadline.abandoned) this.finish(CLIENT_CLOSED_REQUEST);
    else if (this.deadline.expired) this.finish(answer(this.res, 504, REQUEST_TIMEOUT_MESSAGE));
    else this.finish(answer(this.res, 502, "replica unreachable"));
  }

  /** Stops the exchange; before it reached a connection, it is answered now and cut once it gets one. */
  private cut(reason: Error): void {
    if (this.settled) return;
    if (this.controller) this.controller.abort(reason);
    else this.failed();
  }

  private finish(status: number): void {
    if (this.settled) return;
    this.settled = true;
    this.stopWaiting();
    this.settle(status);
  }
}
