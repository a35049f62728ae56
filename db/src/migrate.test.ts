import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journalTags, runMigrations } from "./migrate.ts";
import * as schema from "./schema.ts";
import { createApiKey, generateApiKey, hashApiKey, isApiKey, seedDemoTenant } from "./seed.ts";
import { freshDatabase, testDatabaseIsCitus } from "./testing/index.ts";

let url: string;
let sql: postgres.Sql;

beforeAll(async () => {
  url = await freshDatabase({ migrated: false });
  sql = postgres(url, { max: 2, onnotice: () => {} });
});
afterAll(() => sql.end());

describe("migrations", () => {
  it("apply on an empty database, in order, once, even when two runners race", async () => {
    const [a, b] = await Promise.all([runMigrations(url), runMigrations(url)]);
    const applied = [...a.applied, ...b.applied];
    expect(applied).toEqual(journalTags());
    expect(journalTags()).toEqual([
      "0000_initial",
      "0001_citus_distribution",
      "0002_link_foreign_keys",
      "0003_clicks_country_expand",
      "0004_clicks_country_contract",
      "0005_clicks_count",
    ]);
    expect((await runMigrations(url)).applied).toEqual([]);
  });

  it("distribute the tables on Citus and leave them local on plain PostgreSQL", async () => {
    const [citus] = await sql`select count(*)::int as n from pg_extension where extname = 'citus'`;
    expect(citus?.n).toBe(testDatabaseIsCitus() ? 1 : 0);
    if (testDatabaseIsCitus()) {
      const placed = await sql<{ table: string; kind: string }[]>`
        select table_name::text as table,
               citus_table_type || case when citus_table_type = 'distributed' then ' by ' || distribution_column else '' end as kind
        from citus_tables order by 1`;
      expect(Object.fromEntries(placed.map((p) => [p.table, p.kind]))).toEqual({
        api_keys: "reference",
        click_rollups: "distributed by tenant_id",
        clicks: "distributed by tenant_id",
        link_routes: "distributed by code",
        links: "distributed by tenant_id",
        rollup_state: "reference",
        tenants: "reference",
      });
    }
    const tables = await sql`select tablename from pg_tables where schemaname = 'public' order by 1`;
    expect(tables.map((t) => t.tablename)).toEqual([
      "api_keys",
      "click_rollups",
      "clicks",
      "link_routes",
      "links",
      "rollup_state",
      "tenants",
    ]);
  });

  it("give every key of a distributed table its distribution column (Citus' rule)", async () => {
    const distributedBy: Record<string, string> = {
      links: "tenant_id",
      clicks: "tenant_id",
      click_rollups: "tenant_id",
      link_routes: "code",
    };
    const keys = await sql<{ table: string; constraint: string; columns: string[] }[]>`
      select c.conrelid::regclass::text as table, c.conname as constraint,
             array_agg(a.attname order by a.attname) as columns
      from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
      where c.contype in ('p', 'u', 'x') and c.connamespace = 'public'::regnamespace
      group by 1, 2`;
    for (const key of keys.filter((k) => k.table in distributedBy)) {
      expect(key.columns, `${key.constraint} on ${key.table}`).toContain(distributedBy[key.table]);
    }
    expect(keys.filter((k) => k.table in distributedBy).length).toBeGreaterThanOrEqual(5);
  });

  it("have no identity column on a distributed table, and no foreign key from a reference table to one", async () => {
    const identity = await sql`
      select table_name from information_schema.columns
      where table_schema = 'public' and is_identity = 'YES' order by 1`;
    expect(identity.map((r) => r.table_name)).toEqual(["api_keys", "tenants"]);
    const references = await sql`
      select conrelid::regclass::text as from_table, confrelid::regclass::text as to_table
      from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace`;
    const reference = new Set(["tenants", "api_keys", "rollup_state"]);
    for (const fk of references) {
      if (reference.has(fk.from_table))
        expect(reference.has(fk.to_table), `${fk.from_table} -> ${fk.to_table}`).toBe(true);
    }
  });
});

describe("the demo seed", () => {
  it("creates the tenant and its key once", async () => {
    const db = drizzle(sql, { schema });
    const first = await seedDemoTenant(db);
    const second = await seedDemoTenant(db);
    expect(first.apiKey).toMatch(/^lsk_/);
    expect(second).toEqual({ tenantId: first.tenantId });
    const keys = await sql`select key_hash from api_keys`;
    expect(keys).toHaveLength(1);
    expect(keys[0]?.key_hash).not.toBe(first.apiKey);
  });

  it("stores the key a deployment gives, and refuses one of another shape", async () => {
    const db = drizzle(sql, { schema });
    await sql`delete from api_keys where tenant_id in (select id from tenants where name = 'demo')`;
    await sql`delete from tenants where name = 'demo'`;
    const key = generateApiKey();
    const seeded = await seedDemoTenant(db, { apiKey: key });
    expect(seeded.apiKey).toBe(key);
    const rows = await sql`select key_hash from api_keys where tenant_id = ${seeded.tenantId}`;
    expect(rows.map((r) => r.key_hash)).toEqual([hashApiKey(key)]);
    expect(isApiKey(key)).toBe(true);
    expect(isApiKey("lsk_short")).toBe(false);
    await expect(createApiKey(db, seeded.tenantId, { key: "not-a-key" })).rejects.toThrow(/lsk_/);
  });
});
