/**
 * The PostgreSQL server a test run uses: the one named by TEST_DATABASE_URL
 * (an admin URL of an existing server, plain PostgreSQL or a Citus
 * coordinator), or else an embedded PostgreSQL of the run's own. On an
 * existing server the run creates its databases under its own prefix and
 * drops them when it ends, whether the tests passed or not.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@platform/processes/free-port";
import { startEmbeddedPostgres } from "../embedded-postgres.ts";
import { dropTestDatabases, isPostgresUrl, redactedUrl, runPrefix, serverFacts } from "./test-databases.ts";

export interface TestDatabaseServer {
  adminUrl: string;
  /** Every database of this run starts with it. */
  prefix: string;
  /** Each test database is a Citus database (single node). */
  citus: boolean;
  /** One line saying which server this is. */
  description: string;
  /** Drops this run's databases (existing server) or stops the embedded one. */
  stop(): Promise<void>;
}

export async function startTestDatabaseServer(
  env: NodeJS.ProcessEnv,
  now: Date,
  log: (line: string) => void,
): Promise<TestDatabaseServer> {
  const prefix = runPrefix(now, randomBytes(3).toString("hex"));
  const url = env.TEST_DATABASE_URL;
  if (url) return useExistingServer(url, prefix, log);
  const dataDir = await mkdtemp(join(tmpdir(), "platform-test-pg-"));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false, fast: true });
  return {
    adminUrl: server.url(),
    prefix,
    citus: false,
    description: `embedded PostgreSQL on port ${server.port}`,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function useExistingServer(
  url: string,
  prefix: string,
  log: (line: string) => void,
): Promise<TestDatabaseServer> {
  if (!isPostgresUrl(url)) {
    throw new Error("TEST_DATABASE_URL must be a postgres:// URL of a user that may create databases");
  }
  const facts = await serverFacts(url).catch((error: unknown) => {
    throw new Error(
      `TEST_DATABASE_URL (${redactedUrl(url)}): cannot connect: ${error instanceof Error ? error.message : error}`,
    );
  });
  if (facts.citus === "not-loaded") {
    log("TEST_DATABASE_URL: the citus extension is installed but not in shared_preload_libraries: plain PostgreSQL");
  }
  const citus = facts.citus === "ready";
  return {
    adminUrl: url,
    prefix,
    citus,
    description:
      `TEST_DATABASE_URL ${redactedUrl(url)} (PostgreSQL ${facts.version}` +
      `${citus ? ", Citus: each test database single-node Citus" : ""}), databases ${prefix}*`,
    stop: async () => {
      const dropped = await dropTestDatabases(url, prefix);
      log(`TEST_DATABASE_URL: dropped the run's ${dropped.length} test database(s) ${prefix}*`);
    },
  };
}
