import postgres from "postgres";
import { describe, expect, inject, it } from "vitest";
import {
  createTestDatabase,
  databaseUrlFor,
  dropTestDatabases,
  isPostgresUrl,
  redactedUrl,
  runPrefix,
  serverFacts,
} from "./test-databases.ts";

describe("test database names and URLs", () => {
  it("name a run's databases by its UTC minute and a random part", () => {
    expect(runPrefix(new Date("2026-11-29T09:53:41.123Z"), "a1b2c3")).toBe("platform_test_20261129t0953_a1b2c3_");
  });

  it.each([
    ["postgres://u:p@127.0.0.1:5432/postgres", "postgres://u:p@127.0.0.1:5432/t1"],
    ["postgres://u:p@127.0.0.1:5432", "postgres://u:p@127.0.0.1:5432/t1"],
    ["postgresql://u@db.internal/admin?sslmode=require", "postgresql://u@db.internal/t1?sslmode=require"],
    [
      "postgres://u:p@h1:5432,h2:5432/postgres?target_session_attrs=primary",
      "postgres://u:p@h1:5432,h2:5432/t1?target_session_attrs=primary",
    ],
  ])("point %s at another database", (admin, expected) => {
    expect(databaseUrlFor(admin, "t1")).toBe(expected);
  });

  it.each([
    ["postgres://u:secret@host:5432/db", "postgres://u:***@host:5432/db"],
    ["postgres://u@host/db", "postgres://u@host/db"],
    ["postgres://host/db", "postgres://host/db"],
  ])("mask the password of %s", (url, expected) => {
    expect(redactedUrl(url)).toBe(expected);
  });

  it.each([
    ["postgres://host/db", true],
    ["postgresql://host", true],
    ["mysql://host/db", false],
    ["host=127.0.0.1 dbname=x", false],
  ])("tell a postgres URL: %s", (url, expected) => {
    expect(isPostgresUrl(url)).toBe(expected);
  });
});

describe("on the run's server", () => {
  const adminUrl = inject("postgresAdminUrl");
  const prefix = inject("testDatabasePrefix");
  const names = async () => {
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ name: string }[]>`
        select datname as name from pg_database where left(datname, ${prefix.length}) = ${prefix} order by 1`;
      return rows.map((r) => r.name);
    } finally {
      await sql.end();
    }
  };

  it("say whether Citus is there as the run was told", async () => {
    expect((await serverFacts(adminUrl)).citus === "ready").toBe(inject("testDatabaseCitus"));
  });

  it("drop exactly the databases under a prefix, also while they are in use", async () => {
    for (const name of ["drop_a", "drop_b", "keep_a"]) {
      await createTestDatabase(adminUrl, `${prefix}${name}`, { citus: inject("testDatabaseCitus") });
    }
    const open = postgres(databaseUrlFor(adminUrl, `${prefix}drop_a`), { max: 1, onnotice: () => {} });
    await open`select 1`;
    expect(await dropTestDatabases(adminUrl, `${prefix}drop_`)).toEqual([`${prefix}drop_a`, `${prefix}drop_b`]);
    await open.end().catch(() => {});
    const left = await names();
    expect(left).toContain(`${prefix}keep_a`);
    expect(left.filter((n) => n.startsWith(`${prefix}drop_`))).toEqual([]);
  });

  it("refuse to drop databases that are not test databases", async () => {
    await expect(dropTestDatabases(adminUrl, "")).rejects.toThrow("refusing to drop databases outside platform_test_*");
    await expect(dropTestDatabases(adminUrl, "postgres")).rejects.toThrow("refusing");
  });
});
