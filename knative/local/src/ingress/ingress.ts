/**
 * The one port every function is reached through, as Kourier is in the
 * cluster: the Host header picks a route (`{service}.{namespace}.{domain}`,
 * `{tag}-{service}...` for a tag, or a mapped domain), the route's split picks
 * a revision, and the revision's request path does the rest.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pickRevision } from "../routing/traffic.ts";

export interface RevisionHandler {
  /** `tag` is the traffic tag whose host the request came by; "" for the main host. */
  handle(req: IncomingMessage, res: ServerResponse, tag: string): Promise<void>;
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
    const host = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
    const split = this.routes.get(host);
    const name = split ? pickRevision(split, this.random() * 100) : undefined;
    const target = name ? this.revision(name) : undefined;
    if (!target) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`no route for host ${host || "(none)"}`);
      return;
    }
    await target.handle(req, res, this.tags.get(host) ?? "");
  }

  listen(port: number, hostname = "127.0.0.1"): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    return new Promise((resolve) =>
      server.listen(port, hostname, () => resolve((server.address() as AddressInfo).port)),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
