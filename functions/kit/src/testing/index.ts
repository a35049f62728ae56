/**
 * Helpers for tests that talk to the real PostgreSQL and redis-server of
 * ./global-setup.ts. Each call gives a database (migrated) or a Redis
 * logical database of its own, so test files run in parallel without sharing
 * rows or keys.
 */
import { randomBytes } from "node:crypto";
import { runMigrations } from "@platform/db";
import { Redis } from "ioredis";
import { inject } from "vitest";
import { type BaseConfig, baseConfigSchema, loadConfig } from "../config.ts";
import { type ContextOptions, createFunctionContext, type FunctionContext } from "../runtime.ts";
import { createTestDatabase, databaseUrlFor } from "./test-databases.ts";

/**
 * A new database on the test run's PostgreSQL, with every migration applied
 * unless `migrated: false`. On a Citus server it is a Citus database, so the
 * migrations distribute its tables. The run drops it at its end.
 */
export async function freshDatabase(options: { migrated?: boolean } = {}): Promise<string> {
  const adminUrl = inject("postgresAdminUrl");
  const name = `${inject("testDatabasePrefix")}${randomBytes(4).toString("hex")}`;
  await createTestDatabase(adminUrl, name, { citus: testDatabaseIsCitus() });
  const url = databaseUrlFor(adminUrl, name);
  if (options.migrated ?? true) await runMigrations(url);
  return url;
}

/** The test databases are Citus databases (TEST_DATABASE_URL names a server with Citus). */
export function testDatabaseIsCitus(): boolean {
  return inject("testDatabaseCitus");
}

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

/** Polls `check` until it stops throwing; for effects that cross processes (pub/sub). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export async function waitForRedis(redis: Redis | undefined): Promise<void> {
  if (!redis || redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    redis.once("ready", () => resolve());
    setTimeout(() => reject(new Error("redis not ready in 3 s")), 3000).unref();
  });
}
