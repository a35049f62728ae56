/**
 * The anonymised test refresh (D5) between two real databases: a "production"
 * with personal values in every personal column, refreshed into a "test"
 * database twice. No personal value may reach the copy; row counts match;
 * references still hold; the copy takes new rows; a second run gives the same.
 */
import { createApiKey, createTenant, schema } from "@platform/db";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, testDatabaseIsCitus } from "../testing/index.ts";
import { ANONYMISATION } from "./anonymisation.ts";
import { planRefresh } from "./plan.ts";
import { refreshTestDatabase } from "./refresh.ts";

let production: postgres.Sql;
let test: postgres.Sql;
let fromUrl: string;
let toUrl: string;
const personal: string[] = [];
const tables = Object.keys(ANONYMISATION);

beforeAll(async () => {
  fromUrl = await freshDatabase();
  toUrl = await freshDatabase({ migrated: false });
  production = postgres(fromUrl, { max: 2, onnotice: () => {} });
  test = postgres(toUrl, { max: 2, onnotice: () => {} });
  // What Citus puts in public: views over its catalog, on both sides (on Citus, Citus' own). Not data to copy.
  if (!testDatabaseIsCitus()) {
    for (const sql of [production, test]) {
      await sql`create view citus_tables as select 'links'::text as table_name, 'distributed' as citus_table_type`;
      await sql`create view citus_schemas as select 'public'::regnamespace as schema_name`;
    }
  }
  const db = drizzle(production, { schema });
  for (const name of ["Alice Martin Consulting", "Bob Dupont SARL"]) {
    const tenant = await createTenant(db, name);
    const { key } = await createApiKey(db, tenant.id, { name: `${name} production key` });
    const [row] = await production<{ key_hash: string; prefix: string }[]>`
      select key_hash, prefix from api_keys where tenant_id = ${tenant.id}`;
    personal.push(name, `${name} production key`, key, row?.key_hash ?? "?", row?.prefix ?? "?");
    for (let i = 0; i < 3; i++) {
      const target = `https://shop.example.org/account?email=${name.split(" ")[0]?.toLowerCase()}${i}@example.org`;
      const [link] = await production<{ id: number }[]>`
        insert into links (tenant_id, code, target_url) values (${tenant.id}, ${`c${tenant.id}x${i}`}, ${target}) returning id`;
      await production`
        insert into link_routes (code, tenant_id, link_id, target_url, redirect_type, enabled)
        values (${`c${tenant.id}x${i}`}, ${tenant.id}, ${link?.id ?? 0}, ${target}, 302, true)`;
      const referrer = `https://mail.example.org/inbox/${name.replace(/ /g, ".")}`;
      const agent = `${name}'s phone`;
      await production`
        insert into clicks (tenant_id, link_id, clicked_at, referrer, user_agent, country)
        select ${tenant.id}, ${link?.id ?? 0}, now() - n * interval '1 minute', ${referrer}, ${agent}, 'FR'
        from generate_series(1, 50) n`;
      personal.push(target, referrer, agent);
    }
  }
});

afterAll(async () => {
  await Promise.all([production.end(), test.end()]);
});

async function counts(sql: postgres.Sql): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await sql.unsafe(`select count(*)::int as n from "${table}"`);
    result[table] = row?.n;
  }
  return result;
}

/** Every row of every table as JSON text: where a personal value would show. */
async function everything(sql: postgres.Sql): Promise<string> {
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await sql.unsafe(
      `select coalesce(string_agg(row_to_json(t)::text, E'\\n'), '') as text from "${table}" t`,
    );
    parts.push(rows[0]?.text ?? "");
  }
  return parts.join("\n");
}

describe("db:refresh-test", () => {
  it("copies every row and no personal value", async () => {
    const lines: string[] = [];
    const report = await refreshTestDatabase(fromUrl, toUrl, (line) => lines.push(line));
    expect(await counts(test)).toEqual(await counts(production));
    expect(report.rows.clicks).toBe(300);
    expect(lines.filter((l) => /^clicks: 300 rows in \d+\.\d s$/.test(l))).toHaveLength(1);
    const copy = await everything(test);
    expect(personal.filter((value) => copy.includes(value))).toEqual([]);
    // The production data really was there to leak.
    const original = await everything(production);
    expect(personal.filter((value) => !original.includes(value) && !value.startsWith("lsk_"))).toEqual([]);
  });

  it("keeps references: routes match their links, clicks their links, keys their tenants", async () => {
    const [orphans] = await test`
      select
        (select count(*) from link_routes r left join links l on l.tenant_id = r.tenant_id and l.id = r.link_id
           where l.id is null or l.target_url <> r.target_url or l.code <> r.code)::int as routes,
        (select count(*) from clicks c left join links l on l.tenant_id = c.tenant_id and l.id = c.link_id where l.id is null)::int as clicks,
        (select count(*) from api_keys k left join tenants t on t.id = k.tenant_id where t.id is null)::int as keys`;
    expect(orphans).toEqual({ routes: 0, clicks: 0, keys: 0 });
    const [distinct] = await test`select count(distinct user_agent)::int as n from clicks`;
    expect(distinct?.n).toBe(2); // hashed, still one value per original agent (one per tenant here)
  });

  it("takes new rows after the copy (sequences continue past the copied ids)", async () => {
    const [tenant] = await test<{ id: number }[]>`insert into tenants (name) values ('new') returning id`;
    const [max] = await production<{ id: number }[]>`select max(id)::int as id from tenants`;
    expect(Number(tenant?.id)).toBeGreaterThan(max?.id ?? 0);
  });

  it("can run again, replacing the copy", async () => {
    await refreshTestDatabase(fromUrl, toUrl, () => {});
    expect(await counts(test)).toEqual(await counts(production));
    const copy = await everything(test);
    expect(personal.filter((value) => copy.includes(value))).toEqual([]);
    expect(copy).not.toContain('"name":"new"');
  });
});

describe("db:refresh-test and views", () => {
  it("copies base tables only: views in public (Citus' citus_tables, citus_schemas) are neither copied nor refused", async () => {
    const report = await refreshTestDatabase(fromUrl, toUrl, () => {});
    expect(Object.keys(report.rows).sort()).toEqual([...tables].sort());
    const views = await test`
      select table_name as name from information_schema.views where table_schema = 'public' order by 1`;
    expect(views.map((v) => v.name)).toEqual(expect.arrayContaining(["citus_schemas", "citus_tables"]));
    const [listed] = await test`select count(*)::int as n from citus_tables where citus_table_type = 'distributed'`;
    expect(listed?.n).toBeGreaterThan(0);
  });
});

describe("the anonymisation rules", () => {
  it("refuse a schema with a column they do not classify", () => {
    const columns = new Map(Object.entries(ANONYMISATION).map(([table, c]) => [table, Object.keys(c)]));
    columns.set("clicks", [...(columns.get("clicks") ?? []), "ip_address"]);
    expect(() => planRefresh(columns, "salt")).toThrow(
      "clicks.ip_address has no anonymisation rule (db/src/refresh/anonymisation.ts)",
    );
  });
});
