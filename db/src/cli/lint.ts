/**
 * npm run db:lint [-- <migrations folder>]: checks the migrations and the
 * schema they build against Citus' rules (facts/data.md). They run in a
 * rolled-back transaction on a scratch PostgreSQL (embedded, in a temporary
 * folder), or on LINT_DATABASE_URL (an empty database) when set.
 * Exits 1 when a rule is broken, naming it, where, and the fix.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@platform/processes/free-port";
import { startEmbeddedPostgres } from "../embedded-postgres.ts";
import { MigrationFailed } from "../lint/catalog.ts";
import { lintMigrations } from "../lint/lint.ts";
import { readMigrations } from "../lint/migrations.ts";
import { RULES } from "../lint/rules.ts";
import { migrationsFolder } from "../migrate.ts";

const folder = process.argv[2] ?? migrationsFolder;
const say = (line: string) => process.stdout.write(`${line}\n`);

const migrations = readMigrations(folder);
let url = process.env.LINT_DATABASE_URL;
let cleanup = async () => {};
if (!url) {
  say("starting a scratch PostgreSQL for the lint");
  const dataDir = await mkdtemp(join(tmpdir(), "db-lint-"));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false, fast: true });
  url = server.url();
  cleanup = async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
try {
  say(`linting ${migrations.length} migrations in ${folder} against Citus' rules`);
  const violations = await lintMigrations(migrations, url).catch((error: unknown) => {
    if (!(error instanceof MigrationFailed)) throw error;
    say(
      `  ${error.message}\n      fix: the migrations must run on plain PostgreSQL too (keep Citus calls behind a check for the extension)`,
    );
    return undefined;
  });
  for (const v of violations ?? []) say(`  ${v.rule}  ${v.where}: ${v.message}\n      fix: ${RULES[v.rule]}`);
  if (violations) say(violations.length === 0 ? "no violations" : `${violations.length} violation(s)`);
  process.exitCode = violations?.length === 0 ? 0 : 1;
} finally {
  await cleanup();
}
