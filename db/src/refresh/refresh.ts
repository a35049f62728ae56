/**
 * Refreshes a test database from production (D5): the target's schema is
 * built by the migrations (which also distribute the tables on Citus; a dump
 * would not carry that), then every base table is streamed with COPY,
 * anonymised on the way by the declared rules, into the emptied tables: data
 * only, into plain PostgreSQL or Citus alike. The source is read in one
 * repeatable-read snapshot; the target is written in one transaction, so a
 * failed refresh leaves it as it was. Running it again gives a fresh copy.
 */
import { randomBytes } from "node:crypto";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import { runMigrations } from "../migrate.ts";
import { planRefresh } from "./plan.ts";

export interface RefreshReport {
  rows: Record<string, number>;
  seconds: number;
}

export async function refreshTestDatabase(
  fromUrl: string,
  toUrl: string,
  log: (line: string) => void,
): Promise<RefreshReport> {
  const started = Date.now();
  const migrated = await runMigrations(toUrl);
  log(`target schema by the migrations: ${migrated.applied.length ? migrated.applied.join(", ") : "up to date"}`);
  const source = postgres(fromUrl, { max: 1, onnotice: () => {} });
  const target = postgres(toUrl, { max: 1, onnotice: () => {} });
  const rows: Record<string, number> = {};
  try {
    const plan = planRefresh(await columnsOf(target), randomBytes(16).toString("hex"));
    const tables = plan.map((p) => p.table);
    await source.begin("isolation level repeatable read read only", async (snapshot) => {
      await target.begin(async (tx) => {
        // Citus: reference tables written in the same transaction as the distributed tables that refer to them.
        if (await hasCitus(tx)) await tx`select set_config('citus.multi_shard_modify_mode', 'sequential', true)`;
        await tx.unsafe(`truncate ${tables.map((t) => `"${t}"`).join(", ")} cascade`);
        for (const copy of plan) {
          const tableStarted = Date.now();
          const counter = rowCounter((n) => log(`  ${copy.table}: ${n.toLocaleString("en")} rows so far`));
          await pipeline(
            await snapshot.unsafe(`copy (${copy.select}) to stdout`).readable(),
            counter,
            await tx
              .unsafe(`copy "${copy.table}" (${copy.columns.map((c) => `"${c}"`).join(", ")}) from stdin`)
              .writable(),
          );
          rows[copy.table] = counter.rows;
          log(
            `${copy.table}: ${counter.rows.toLocaleString("en")} rows in ${((Date.now() - tableStarted) / 1000).toFixed(1)} s`,
          );
        }
        await restartSequences(tx, tables);
      });
    });
  } finally {
    await Promise.all([source.end({ timeout: 5 }), target.end({ timeout: 5 })]);
  }
  return { rows, seconds: (Date.now() - started) / 1000 };
}

/**
 * The columns of the base tables in `public` (relkind r and p, not
 * partitions, not views): Citus keeps views of its own there (citus_tables,
 * citus_schemas), which are neither data nor ours. Objects that belong to an
 * extension, and Citus' shards (hidden by Citus, left out here too), are not
 * the application's tables either.
 */
async function columnsOf(sql: postgres.Sql): Promise<Map<string, string[]>> {
  const rows = await sql<{ table: string; column: string }[]>`
    select c.relname as table, a.attname as column
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where c.relkind in ('r', 'p') and not c.relispartition
      and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
    order by c.relname, a.attnum`;
  const shards = (await hasCitus(sql)) ? await citusShardNames(sql) : new Set<string>();
  const columns = new Map<string, string[]>();
  for (const { table, column } of rows) {
    if (!shards.has(table)) columns.set(table, [...(columns.get(table) ?? []), column]);
  }
  return columns;
}

async function hasCitus(sql: postgres.Sql | postgres.TransactionSql): Promise<boolean> {
  const [row] = await sql<{ citus: boolean }[]>`
    select exists (select 1 from pg_extension where extname = 'citus') as citus`;
  return row?.citus ?? false;
}

async function citusShardNames(sql: postgres.Sql): Promise<Set<string>> {
  const rows = await sql.unsafe<{ name: string }[]>(
    "select shard_name(logicalrelid, shardid) as name from pg_dist_shard",
  );
  return new Set(rows.map((r) => r.name));
}

/** Sequences (bigserial and identity) of the copied tables continue after the copied ids, so tests can insert. */
async function restartSequences(tx: postgres.TransactionSql, tables: string[]): Promise<void> {
  const sequences = await tx<{ table: string; column: string; sequence: string }[]>`
    select c.relname as table, a.attname as column,
           pg_get_serial_sequence(format('%I', c.relname), a.attname) as sequence
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where c.relname in ${tx(tables)} and c.relkind in ('r', 'p')
      and pg_get_serial_sequence(format('%I', c.relname), a.attname) is not null`;
  for (const s of sequences) {
    await tx.unsafe(
      `select setval('${s.sequence}', coalesce((select max("${s.column}") from "${s.table}"), 0) + 1, false)`,
    );
  }
}

/** Counts rows (COPY text format: one line each) and reports every second while a table streams. */
function rowCounter(progress: (rows: number) => void): Transform & { rows: number } {
  let last = Date.now();
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) counter.rows++;
      if (Date.now() - last >= 1000) {
        last = Date.now();
        progress(counter.rows);
      }
      done(null, chunk);
    },
  }) as Transform & { rows: number };
  counter.rows = 0;
  return counter;
}
