import { findRoute, type LinkRoute, routeCacheKey } from "@platform/db";
import {
  type BaseConfig,
  createFunctionApp,
  FeatureFlags,
  type FunctionContext,
  requestHeader,
  retryRead,
} from "@platform/kit";
import { writeBatch } from "./click-batch.ts";
import { ClickBuffer, DEFAULT_CLICK_BUFFER } from "./click-buffer.ts";
import { registerClickMetrics } from "./click-metrics.ts";
import { clickWriterIo } from "./click-writer.ts";
import { redirectOpenApiDocument } from "./openapi.ts";
import { GONE_PAGE, NOT_FOUND_PAGE } from "./pages.ts";

export const redirectFlagDefaults = { "redirect.recordClicks": true };

export interface RedirectOptions {
  /** The click buffer: its memory budget (bytes), clicks per write, longest wait before a write. */
  buffer?: { maxBytes: number; batchSize: number; flushIntervalMs: number };
  /** The edge's geo header with the client's country (default cf-ipcountry, Cloudflare's). */
  countryHeader?: string;
  /** Injected by tests to control expiry. */
  now?: () => number;
}

const CODE = /^[A-Za-z0-9_-]{1,64}$/;
const ROUTE_TTL_SECONDS = 300;
const NOT_FOUND_TTL_SECONDS = 30;
const html = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" };

export type RedirectApp = ReturnType<typeof createRedirectApp>;

/**
 * GET /{code}: the hot path. The route comes from the near cache, then
 * Redis, then the database; the click goes into a buffer written in batches,
 * never on the response path.
 */
export function createRedirectApp(context: FunctionContext<BaseConfig>, options: RedirectOptions = {}) {
  const { database, cache, metrics, logger } = context;
  const now = options.now ?? Date.now;
  const countryHeader = options.countryHeader ?? "cf-ipcountry";
  const flags = new FeatureFlags({
    defaults: redirectFlagDefaults,
    logger,
    ...(context.redis ? { redis: context.redis } : {}),
    ...(context.subscriber ? { subscriber: context.subscriber } : {}),
  });
  const clickIo = clickWriterIo(database.sql);
  const clicks = new ClickBuffer({
    ...(options.buffer ?? DEFAULT_CLICK_BUFFER),
    write: (batch) => writeBatch(batch, clickIo),
    onDrop: (reason, count, error) => logger.warn({ err: error, reason, clicks: count }, "clicks dropped"),
    onRetry: (error, count, delayMs) =>
      logger.warn({ err: error, clicks: count, retryInMs: delayMs }, "click batch not written; will retry"),
  });
  registerClickMetrics(metrics, clicks);
  context.onShutdown(() => clicks.close(context.config.SHUTDOWN_TIMEOUT_MS));

  // Ready without the database: cached codes are still served, and Knative
  // would otherwise take every replica out of the route during an outage.
  const app = createFunctionApp(context, { readiness: {} });

  // No code has a dot in it, so this cannot shadow a link.
  app.get("/openapi.json", (c) => c.json(redirectOpenApiDocument));

  app.get("/:code", async (c) => {
    const code = c.req.param("code");
    if (!CODE.test(code)) return c.html(NOT_FOUND_PAGE, 404, html);
    const route = await cache.getOrLoad<LinkRoute>(
      routeCacheKey(code),
      () => retryRead(() => findRoute(database.db, code)).then(withStoredTarget),
      { ttlSeconds: ROUTE_TTL_SECONDS, negativeTtlSeconds: NOT_FOUND_TTL_SECONDS },
    );
    if (!route) return c.html(NOT_FOUND_PAGE, 404, html);
    const at = now();
    if (!route.enabled || (route.expiresAt !== null && route.expiresAt <= at)) return c.html(GONE_PAGE, 410, html);
    // HEAD answers like GET (Hono serves it with the GET handler) but is no visit: link checkers and previews send it.
    if (c.req.method === "GET" && flags.get("redirect.recordClicks")) {
      clicks.add({
        tenantId: route.tenantId,
        linkId: route.linkId,
        clickedAt: at,
        referrer: requestHeader(c, "referer")?.slice(0, 512) ?? null,
        userAgent: requestHeader(c, "user-agent")?.slice(0, 256) ?? null,
        country: countryCode(requestHeader(c, countryHeader)),
      });
    }
    // Not c.redirect(): a single plain header keeps the Node adapter on its fast path.
    return c.body(null, route.redirectType === 301 ? 301 : 302, { location: route.targetUrl });
  });

  return Object.assign(app, { clicks, flags });
}

/** Two capital letters (ISO 3166 alpha-2) as the edge sends them; ZZ (unknown) for anything else. */
export function countryCode(header: string | undefined): string {
  return header !== undefined && /^[A-Z]{2}$/.test(header) ? header : "ZZ";
}

/**
 * The links API stores targets in the WHATWG URL serialisation, which is sent
 * as Location unchanged. Rows stored before it did are serialised the same way
 * here, once per cache fill; one that is not an absolute http(s) URL is no route.
 */
export function withStoredTarget(route: LinkRoute | null): LinkRoute | null {
  if (!route) return null;
  const url = URL.canParse(route.targetUrl) ? new URL(route.targetUrl) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) return null;
  return url.href === route.targetUrl ? route : { ...route, targetUrl: url.href };
}
