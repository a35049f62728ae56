/**
 * The Citus lint on the committed migrations (no violation), and on one
 * fixture per rule, each breaking that rule alone. The schema rules read what
 * the migrations build on a real PostgreSQL.
 */
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { migrationsFolder } from "../migrate.ts";
import { freshDatabase } from "../testing/index.ts";
import { lintMigrations } from "./lint.ts";
import { readMigrations, splitStatements } from "./migrations.ts";
import { RULES } from "./rules.ts";

const fixtures = new URL("./fixtures/", import.meta.url);
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await freshDatabase({ migrated: false });
});

describe("db:lint", () => {
  it("finds nothing wrong with the committed migrations", async () => {
    expect(await lintMigrations(readMigrations(migrationsFolder), databaseUrl)).toEqual([]);
  });

  it("has a fixture for every rule", () => {
    const names = readdirSync(fixtures).map((f) => f.replace(/\.sql$/, ""));
    expect(names.sort()).toEqual(Object.keys(RULES).sort());
  });

  it.each(Object.keys(RULES))("catches %s in its fixture, and nothing else", async (rule) => {
    const sql = readFileSync(new URL(`${rule}.sql`, fixtures), "utf8");
    const violations = await lintMigrations([{ tag: "0000_fixture", statements: splitStatements(sql) }], databaseUrl);
    expect(violations.map((v) => v.rule)).toContain(rule);
    expect(new Set(violations.map((v) => v.rule))).toEqual(new Set([rule]));
  });

  it("leaves the database it ran on as it was", async () => {
    await lintMigrations(readMigrations(migrationsFolder), databaseUrl);
    expect(await lintMigrations(readMigrations(migrationsFolder), databaseUrl)).toEqual([]);
  });
});
