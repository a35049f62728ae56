/** The committed migrations as the migrator runs them: journal order, each split into statements. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Migration {
  tag: string;
  statements: string[];
}

/** drizzle-kit's separator: the migrator runs each piece as one statement. */
export function splitStatements(sql: string): string[] {
  return sql
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function readMigrations(folder: string): Migration[] {
  const journal = JSON.parse(readFileSync(join(folder, "meta/_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  return journal.entries.map(({ tag }) => ({
    tag,
    statements: splitStatements(readFileSync(join(folder, `${tag}.sql`), "utf8")),
  }));
}
