/**
 * Helpers for tests that talk to the real PostgreSQL and redis-server of
 * ./global-setup.ts. Each call gives a database (migrated) or a Redis
 * logical database of its own, so test files run in parallel without sharing
 * rows or keys.
 */
import { Redis } from "ioredis";
import { inject } from "vitest";
import { type BaseConfig, baseConfigSchema, loadConfig } from "../config.ts";
import { type ContextOptions, createFunctionContext, type FunctionContext } from "../runtime.ts";

export { freshDatabase, testDatabaseIsCitus } from "@platform/db/testing";
/** The one polling helper (@platform/processes/wait-for), here for the tests that import the kit's testing. */
export { eventually, waitFor } from "@platform/processes/wait-for";

export async function freshRedisUrl(): Promise<string> {
  const base = inject("redisUrl");
  const counter = new Redis(base);
  try {
    const index = await counter.incr("test:next-database");
    return `${base}/${index}`;
  } finally {
    counter.disconnect();
  }
}

export interface TestContextOptions extends ContextOptions {
  service: string;
  databaseUrl: string;
  redisUrl?: string;
  env?: Record<string, string>;
}

/** The same context a function's main builds, from test URLs. */
export function createTestContext(options: TestContextOptions): FunctionContext<BaseConfig> {
  const config = loadConfig(baseConfigSchema, {
    K_SERVICE: options.service,
    K_REVISION: `${options.service}-test`,
    HOST: "127.0.0.1", // tests listen on loopback only
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_MAX: "5",
    SHUTDOWN_TIMEOUT_MS: "2000",
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  });
  return createFunctionContext(config, options);
}

export async function waitForRedis(redis: Redis | undefined): Promise<void> {
  if (!redis || redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    redis.once("ready", () => resolve());
    setTimeout(() => reject(new Error("redis not ready in 3 s")), 3000).unref();
  });
}
