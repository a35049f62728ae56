import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/** Any number that is ours alone: replicas starting together take turns. */
const MIGRATION_LOCK_KEY = 727_001;

export interface MigrationResult {
  applied: string[];
}

/**
 * Applies every pending migration in one transaction, holding an advisory
 * lock so that concurrent runners (several replicas, a Job and a developer)
 * apply each migration once.
 */
export async function runMigrations(
  databaseUrl: string,
  /** Another folder of migrations (tests that stop at a given one). */
  folder = migrationsFolder,
): Promise<MigrationResult> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    const before = await appliedCount(sql);
    await migrate(drizzle(sql), { migrationsFolder: folder });
    const after = await appliedCount(sql);
    return { applied: journalTags(folder).slice(before, after) };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function appliedCount(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ table: string | null }[]>`
    select to_regclass('drizzle.__drizzle_migrations')::text as table`;
  if (!row?.table) return 0;
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
  return count?.n ?? 0;
}

/** Migration names in the order drizzle-kit generated them. */
export function journalTags(folder = migrationsFolder): string[] {
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, "utf8")) as {
    entries: { tag: string }[];
  };
  return journal.entries.map((e) => e.tag);
}
