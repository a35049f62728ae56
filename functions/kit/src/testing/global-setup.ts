/**
 * Vitest global set-up: one PostgreSQL server (TEST_DATABASE_URL's, or an
 * embedded one) and one real redis-server per test run, on loopback. Test
 * files get their own database (@platform/db/testing) and their own Redis
 * logical database (./index.ts).
 */
import { startTestDatabaseServer } from "@platform/db/testing";
import { startRedisServer } from "@platform/processes/redis-server";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

const say = (line: string) => process.stderr.write(`${line}\n`);

export default async function setup(project: TestProject) {
  const [started, startedRedis] = await Promise.allSettled([
    startTestDatabaseServer(process.env, new Date(), say),
    startRedisServer({ extraArgs: ["--databases", "1024"] }),
  ]);
  if (started.status === "rejected" || startedRedis.status === "rejected") {
    await Promise.allSettled([
      started.status === "fulfilled" && started.value.stop(),
      startedRedis.status === "fulfilled" && startedRedis.value.stop(),
    ]);
    throw started.status === "rejected" ? started.reason : (startedRedis as PromiseRejectedResult).reason;
  }
  const [database, redis] = [started.value, startedRedis.value];
  if (process.env.TEST_DATABASE_URL) say(`tests use ${database.description}`);
  project.provide("postgresAdminUrl", database.adminUrl);
  project.provide("testDatabasePrefix", database.prefix);
  project.provide("testDatabaseCitus", database.citus);
  project.provide("redisUrl", redis.url);
  return async () => {
    await Promise.all([database.stop(), redis.stop()]);
  };
}
