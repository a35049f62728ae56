import { hashApiKey, schema } from "@platform/db";
import { and, eq, isNull } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app.ts";
import type { Cache } from "./cache.ts";
import { type Db, retryRead } from "./database.ts";
import type { Metrics } from "./metrics.ts";
import { problems } from "./problem.ts";
import { hitRateLimit } from "./rate-limit.ts";
import type { Redis } from "./redis.ts";

export interface Caller {
  tenantId: number;
  keyId: number;
  rateLimitPerMinute: number;
}

export interface AuthEnv extends AppEnv {
  Variables: AppEnv["Variables"] & { caller: Caller };
}

export interface ApiKeyAuthOptions {
  db: Db;
  cache: Cache;
  /** Where the per-key counters live; without it no rate limit applies. */
  redis?: Redis;
  metrics: Metrics;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * `Authorization: Bearer <key>`: the key is hashed and looked up (cached
 * briefly, so a revoked key stops working within a minute), then counted
 * against its per-minute limit in Redis. If Redis cannot count, the request
 * goes through: a cache outage must not take the API down.
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): MiddlewareHandler<AuthEnv> {
  const unlimited = options.metrics.counter(
    "rate_limit_unavailable_total",
    "Requests let through unlimited because Redis could not count them",
  );
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (!header) throw problems.unauthorized("Send your API key as `Authorization: Bearer <key>`.");
    const key = BEARER.exec(header)?.[1];
    if (!key) throw problems.unauthorized("The Authorization header must be `Bearer <key>`.");
    const hash = hashApiKey(key);
    const caller = await options.cache.getOrLoad<Caller>(`apikey:${hash}`, () => loadCaller(options.db, hash), {
      ttlSeconds: 60,
      negativeTtlSeconds: 10,
    });
    if (!caller) throw problems.unauthorized("This API key is unknown or revoked.");

    if (options.redis) {
      const decision = await hitRateLimit(options.redis, `key:${caller.keyId}`, caller.rateLimitPerMinute).catch(
        () => undefined,
      );
      if (!decision) unlimited.inc();
      else {
        c.header("ratelimit-limit", String(decision.limit));
        c.header("ratelimit-remaining", String(decision.remaining));
        c.header("ratelimit-reset", String(decision.resetSeconds));
        if (!decision.allowed) throw problems.rateLimited(decision.resetSeconds, decision.limit);
      }
    }
    c.set("caller", caller);
    await next();
  };
}

async function loadCaller(db: Db, keyHash: string): Promise<Caller | null> {
  const [row] = await retryRead(() =>
    db
      .select({
        tenantId: schema.apiKeys.tenantId,
        keyId: schema.apiKeys.id,
        rateLimitPerMinute: schema.apiKeys.rateLimitPerMinute,
      })
      .from(schema.apiKeys)
      .where(and(eq(schema.apiKeys.keyHash, keyHash), isNull(schema.apiKeys.revokedAt))),
  );
  return row ?? null;
}
