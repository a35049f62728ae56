/** The Citus lint: the statement rules on the migrations' text, the schema rules on what they build. */
import { schemaAfter } from "./catalog.ts";
import { distributionOf } from "./distribution.ts";
import type { Migration } from "./migrations.ts";
import type { Violation } from "./rules.ts";
import { schemaViolations } from "./schema-rules.ts";
import { runsOutsideTransaction, statementViolations } from "./statement-rules.ts";

/** Every violation of the Citus rules by these migrations; `databaseUrl` is an empty database (left as it was). */
export async function lintMigrations(migrations: Migration[], databaseUrl: string): Promise<Violation[]> {
  const placements = distributionOf(migrations);
  // Those are reported below; in the transaction they would only fail.
  const runnable = migrations.map((m) => ({
    ...m,
    statements: m.statements.filter((s) => !runsOutsideTransaction(s)),
  }));
  const tables = await schemaAfter(databaseUrl, runnable);
  return [...statementViolations(migrations, placements), ...schemaViolations(tables, placements)];
}
