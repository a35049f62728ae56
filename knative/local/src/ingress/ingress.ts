/**
 * The one port every function is reached through, as Kourier is in the
 * cluster: the request's host (its Host field, or the authority of an
 * absolute-form target) picks a route (`{service}.{namespace}.{domain}`,
 * `{tag}-{service}...` for a tag, or a mapped domain), the route's split picks
 * a revision, and the revision's request path does the rest.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ForwardedTarget } from "../replicas/revision-runtime.ts";
import { pickRevision } from "../routing/traffic.ts";
import { requestTarget } from "./request-target.ts";

/** Longest request the server itself allows: past Knative's largest timeoutSeconds (600), which the revisions enforce. */
const SERVER_REQUEST_TIMEOUT_MS = 601_000;

export interface RevisionHandler {
  /** `tag` is the traffic tag whose host the request came by; "" for the main host. */
  handle(req: IncomingMessage, res: ServerResponse, tag: string, forwarded: ForwardedTarget): Promise<void>;
}

export class Ingress {
  private routes = new Map<string, Map<string, number>>();
  private tags = new Map<string, string>();
  private server: Server | undefined;

  constructor(
    private readonly revision: (name: string) => RevisionHandler | undefined,
    private readonly random: () => number = Math.random,
  ) {}

  /** Host (without port) -> percent per revision, and the tag of each tag host. Replaces every route at once. */
  setRoutes(routes: Map<string, Map<string, number>>, tags: Map<string, string> = new Map()): void {
    this.routes = routes;
    this.tags = tags;
  }

  /** The tag whose host this is, if it is a tag host. */
  tagOf(host: string): string | undefined {
    return this.tags.get(host);
  }

  /** Host -> percent per revision, as applied now. */
  get currentRoutes(): Map<string, Map<string, number>> {
    return this.routes;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = requestTarget(req.url, req.rawHeaders);
    if ("problem" in target) {
      const body = JSON.stringify({ type: "about:blank", title: "Bad Request", status: 400, detail: target.problem });
      res.writeHead(400, { "content-type": "application/problem+json", connection: "close" }).end(body);
      return;
    }
    const host = target.routeHost;
    const split = this.routes.get(host);
    const name = split ? pickRevision(split, this.random() * 100) : undefined;
    const revision = name ? this.revision(name) : undefined;
    if (!revision) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`no route for host ${host || "(none)"}`);
      return;
    }
    await revision.handle(req, res, this.tags.get(host) ?? "", { path: target.path, host: target.authority });
  }

  listen(port: number, hostname = "127.0.0.1"): Promise<number> {
    const server = createServer(
      { requestTimeout: SERVER_REQUEST_TIMEOUT_MS },
      (req, res) => void this.handle(req, res),
    );
    this.server = server;
    return new Promise((resolve) =>
      server.listen(port, hostname, () => resolve((server.address() as AddressInfo).port)),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
