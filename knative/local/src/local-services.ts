import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { runMigrations, schema, seedDemoTenant } from "@platform/db";
import { type RunningPostgres, startEmbeddedPostgres } from "@platform/db/embedded";
import { dataDir } from "@platform/processes/local-state";
import { type RunningRedis, redisServerPath, startRedisServer } from "@platform/processes/redis-server";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";

const DATABASE = "platform";

export interface LocalDatabase {
  server: RunningPostgres;
  url: string;
  appliedMigrations: string[];
  /** The demo tenant's key, only on the run that created it. */
  newDemoKey?: string;
}

/** Embedded PostgreSQL with its data in .data/postgres, migrated and seeded. */
export async function startLocalDatabase(port: number): Promise<LocalDatabase> {
  const server = await startEmbeddedPostgres({ dataDir: join(dataDir, "postgres"), port, persistent: true });
  const admin = postgres(server.url(), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${DATABASE}`;
    if (!exists) await admin.unsafe(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = server.url(DATABASE);
  const { applied } = await runMigrations(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const seeded = await seedDemoTenant(drizzle(sql, { schema }));
    return { server, url, appliedMigrations: applied, ...(seeded.apiKey ? { newDemoKey: seeded.apiKey } : {}) };
  } finally {
    await sql.end();
  }
}

export type LocalCache =
  | { kind: "external"; url: string }
  | { kind: "started"; url: string; server: RunningRedis }
  | { kind: "off"; reason: string };

/** REDIS_URL if set; else a redis-server of our own when the binary exists; else no cache. */
export async function startLocalCache(port: number): Promise<LocalCache> {
  if (process.env.REDIS_URL) return { kind: "external", url: process.env.REDIS_URL };
  if (!redisServerPath()) {
    return {
      kind: "off",
      reason:
        "redis-server not found (npm run setup installs it; Debian: apt-get install redis-server, macOS: brew install redis)",
    };
  }
  const server = await startRedisServer({ port, dataDir: join(dataDir, "redis") });
  return { kind: "started", url: server.url, server };
}

export function randomToken(): string {
  return randomBytes(24).toString("base64url");
}
