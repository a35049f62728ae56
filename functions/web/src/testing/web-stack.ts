/**
 * For the web app's tests: the links, analytics and redirect functions built
 * for real (their apps on the test run's PostgreSQL and redis-server), the web
 * app pointed at them, and two tenants with a key each. With `serve`, the web
 * app and the redirect also listen on 127.0.0.1, for a browser.
 */
import type { AddressInfo } from "node:net";
import { createLinksApp } from "@functions/links/app";
import { serve } from "@hono/node-server";
import { createApiKey, createTenant } from "@platform/db";
import type { BaseConfig, FunctionContext } from "@platform/kit";
import { createTestContext, freshDatabase, freshRedisUrl, waitForRedis } from "@platform/kit/testing";
// analytics and redirect export no entry points of their own: their apps by path.
import { createAnalyticsApp } from "../../../analytics/src/app.ts";
import { createRedirectApp } from "../../../redirect/src/app.ts";
import { createWebApp } from "../app.ts";
import { Backend } from "../backend.ts";
import { SessionStore } from "../sessions.ts";

const LINKS = "http://links.test";
const ANALYTICS = "http://analytics.test";

export interface WebStack {
  web: ReturnType<typeof createWebApp>;
  redirect: ReturnType<typeof createRedirectApp>;
  keys: { alice: string; bob: string };
  /** With `serve`: where the browser finds the web app and the short links. */
  webUrl: string;
  redirectUrl: string;
  close(): Promise<void>;
}

export async function startWebStack(options: { serve?: boolean; now?: () => number } = {}): Promise<WebStack> {
  const databaseUrl = await freshDatabase();
  const redisUrl = await freshRedisUrl();
  const contexts: FunctionContext<BaseConfig>[] = [];
  const context = async (service: string) => {
    const made = createTestContext({ service, databaseUrl, redisUrl });
    contexts.push(made);
    await waitForRedis(made.redis);
    return made;
  };
  const servers: ReturnType<typeof serve>[] = [];
  const listen = async (app: { fetch: (request: Request, env: unknown) => Response | Promise<Response> }) => {
    const server = serve({ fetch: (request, env) => app.fetch(request, env), port: 0, hostname: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  const redirect = createRedirectApp(await context("redirect"), {
    buffer: { maxBytes: 1 << 20, batchSize: 100, flushIntervalMs: 100 },
  });
  const redirectUrl = options.serve ? await listen(redirect) : "http://redirect.test";
  const linksContext = await context("links");
  const links = createLinksApp(linksContext, { shortUrlBase: redirectUrl });
  const analytics = createAnalyticsApp(await context("analytics"), options.now ? { now: options.now } : {});
  const byOrigin = new Map<string, { fetch: (request: Request) => Response | Promise<Response> }>([
    [LINKS, links],
    [ANALYTICS, analytics],
  ]);
  const backend = new Backend({
    linksUrl: LINKS,
    analyticsUrl: ANALYTICS,
    fetch: (async (input: string, init?: RequestInit) => {
      const request = new Request(input, init);
      const app = byOrigin.get(new URL(request.url).origin);
      if (!app) throw new TypeError(`fetch failed: no function at ${request.url}`);
      return app.fetch(request);
    }) as typeof fetch,
  });
  const webContext = await context("web");
  // biome-ignore lint/style/noNonNullAssertion: the test context has REDIS_URL
  const sessions = new SessionStore(webContext.redis!);
  const web = createWebApp(webContext, { backend, sessions, ...(options.now ? { now: options.now } : {}) });
  const webUrl = options.serve ? await listen(web) : "http://web.test";

  const db = linksContext.database.db;
  const alice = (await createApiKey(db, (await createTenant(db, "alice")).id)).key;
  const bob = (await createApiKey(db, (await createTenant(db, "bob")).id)).key;

  return {
    web,
    redirect,
    keys: { alice, bob },
    webUrl,
    redirectUrl,
    close: async () => {
      for (const server of servers) server.close();
      await Promise.all(contexts.map((c) => c.close()));
    },
  };
}
