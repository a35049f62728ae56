/**
 * The test run's PostgreSQL, for the tests of every package: the server the
 * kit's global set-up starts (./test-database-server.ts), and a database of
 * its own for each caller, so test files run in parallel without sharing rows.
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { runMigrations } from "../migrate.ts";
import { createTestDatabase, databaseUrlFor } from "./test-databases.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    /** Every database the run creates starts with it (./test-databases.ts). */
    testDatabasePrefix: string;
    /** The test databases are Citus databases. */
    testDatabaseCitus: boolean;
  }
}

export { startTestDatabaseServer, type TestDatabaseServer } from "./test-database-server.ts";

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
