/**
 * The schema the migrations make, read from PostgreSQL's catalog: the
 * migrations run in a transaction on a real server, the tables, columns and
 * constraints are read, and the transaction is rolled back, so the database
 * is left as it was. No SQL is parsed to know what a table looks like.
 */
import postgres from "postgres";
import type { Migration } from "./migrations.ts";

export interface Column {
  name: string;
  type: string;
  identity: boolean;
  defaultExpr: string | null;
}

export interface Constraint {
  name: string;
  kind: "primary key" | "unique" | "exclude" | "foreign key" | "check";
  columns: string[];
  /** Foreign keys: the referenced table and columns, and the actions (Postgres codes a, r, c, n, d). */
  references?: { table: string; columns: string[]; onDelete: string; onUpdate: string };
}

export interface Table {
  name: string;
  columns: Column[];
  constraints: Constraint[];
}

const KINDS: Record<string, Constraint["kind"]> = {
  p: "primary key",
  u: "unique",
  x: "exclude",
  f: "foreign key",
  c: "check",
};

/** Runs the migrations inside a transaction, reads the public schema, rolls back. */
export async function schemaAfter(databaseUrl: string, migrations: Migration[]): Promise<Table[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  let tables: Table[] = [];
  try {
    await sql
      .begin(async (tx) => {
        await tx.unsafe("create schema if not exists public");
        for (const migration of migrations) {
          for (const [i, statement] of migration.statements.entries()) {
            await tx.unsafe(statement).catch((error: Error) => {
              throw new MigrationFailed(`${migration.tag} statement ${i + 1} fails on PostgreSQL: ${error.message}`);
            });
          }
        }
        tables = await readTables(tx);
        throw new RolledBack();
      })
      .catch((error) => {
        if (!(error instanceof RolledBack)) throw error;
      });
  } finally {
    await sql.end({ timeout: 5 });
  }
  return tables;
}

class RolledBack extends Error {}

/** A migration statement PostgreSQL itself refused: the message names it. */
export class MigrationFailed extends Error {}

async function readTables(tx: postgres.TransactionSql): Promise<Table[]> {
  const columns = await tx<
    { table: string; name: string; type: string; identity: string; default_expr: string | null }[]
  >`
    select c.relname as table, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
           a.attidentity as identity, pg_get_expr(d.adbin, d.adrelid) as default_expr
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
    order by c.relname, a.attnum`;
  const constraints = await tx<
    {
      table: string;
      name: string;
      kind: string;
      columns: string[];
      ref_table: string | null;
      ref_columns: string[] | null;
      on_delete: string;
      on_update: string;
    }[]
  >`
    select c.relname as table, k.conname as name, k.contype as kind,
           array(select attname from unnest(k.conkey) with ordinality u(n, i)
                 join pg_attribute on attrelid = k.conrelid and attnum = u.n order by u.i)::text[] as columns,
           r.relname as ref_table,
           case when k.confrelid = 0 then null else
             array(select attname from unnest(k.confkey) with ordinality u(n, i)
                   join pg_attribute on attrelid = k.confrelid and attnum = u.n order by u.i)::text[] end as ref_columns,
           k.confdeltype as on_delete, k.confupdtype as on_update
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
    left join pg_class r on r.oid = k.confrelid
    where k.contype in ('p', 'u', 'x', 'f', 'c')
    order by c.relname, k.conname`;
  const names = [...new Set(columns.map((c) => c.table))];
  return names.map((name) => ({
    name,
    columns: columns
      .filter((c) => c.table === name)
      .map((c) => ({ name: c.name, type: c.type, identity: c.identity !== "", defaultExpr: c.default_expr })),
    constraints: constraints
      .filter((k) => k.table === name)
      .map((k) => ({
        name: k.name,
        kind: KINDS[k.kind] as Constraint["kind"],
        columns: k.columns,
        ...(k.ref_table
          ? {
              references: {
                table: k.ref_table,
                columns: k.ref_columns ?? [],
                onDelete: k.on_delete,
                onUpdate: k.on_update,
              },
            }
          : {}),
      })),
  }));
}
