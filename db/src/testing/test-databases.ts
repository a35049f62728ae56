/**
 * The databases a test run makes on its PostgreSQL server. Each name starts
 * with the run's prefix (`platform_test_<UTC minute>_<random>_`), so that the
 * run drops exactly its own at the end and a leftover (a killed run) is
 * recognisable. On a server that has Citus, each is a single-node Citus
 * database: the migrations then distribute the tables as in production.
 */
import postgres from "postgres";

export const TEST_DATABASE_PREFIX = "platform_test_";

/** The prefix of one run's databases; `random` is a few hex digits drawn by the caller. */
export function runPrefix(now: Date, random: string): string {
  const minute = now.toISOString().slice(0, 16).replace(/[-:]/g, "").toLowerCase(); // 20261129t0953
  return `${TEST_DATABASE_PREFIX}${minute}_${random}_`;
}

const URL_PARTS = /^(postgres(?:ql)?:\/\/[^/?#]*)(\/[^?#]*)?(.*)$/;

export function isPostgresUrl(url: string): boolean {
  return URL_PARTS.test(url);
}

/** The same server, user and parameters as `adminUrl`, for `database`. Multi-host URLs keep their hosts. */
export function databaseUrlFor(adminUrl: string, database: string): string {
  const parts = URL_PARTS.exec(adminUrl);
  if (!parts) throw new Error("not a postgres:// URL");
  return `${parts[1]}/${database}${parts[3] ?? ""}`;
}

/** The URL with its password masked, for messages. */
export function redactedUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/, "$1:***@");
}

const connect = (url: string) => postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface ServerFacts {
  version: string;
  /**
   * `ready`: the `citus` extension is installed (pg_available_extensions) and
   * loaded (shared_preload_libraries), so a database can create it;
   * `not-loaded`: installed but not preloaded, so it cannot.
   */
  citus: "ready" | "not-loaded" | "absent";
}

export async function serverFacts(adminUrl: string): Promise<ServerFacts> {
  const sql = connect(adminUrl);
  try {
    const [row] = await sql<{ version: string; available: boolean; preloaded: boolean }[]>`
      select current_setting('server_version') as version,
             exists (select 1 from pg_available_extensions where name = 'citus') as available,
             'citus' = any (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) as preloaded`;
    if (!row) throw new Error("the server answered no row");
    return { version: row.version, citus: row.available ? (row.preloaded ? "ready" : "not-loaded") : "absent" };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Creates `name`. With `citus`, also `create extension citus` in it and
 * registers the coordinator as the one node that holds shards (Citus'
 * single-node mode): a new database has no workers of its own, and adding
 * them would take the same database and extension on every worker.
 */
export async function createTestDatabase(adminUrl: string, name: string, options: { citus: boolean }): Promise<void> {
  const admin = connect(adminUrl);
  try {
    await admin.unsafe(`create database ${ident(name)}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  if (!options.citus) return;
  const sql = connect(databaseUrlFor(adminUrl, name));
  try {
    await sql.unsafe("create extension if not exists citus");
    // The node as Citus reaches itself (its host name setting, its port), as its own implicit single-node set-up does.
    const [node] = await sql<{ host: string; port: number }[]>`
      select coalesce(current_setting('citus.local_hostname', true), 'localhost') as host,
             current_setting('port')::int as port`;
    if (!node) throw new Error("the server answered no row");
    await sql`select citus_set_coordinator_host(${node.host}, ${node.port})`;
    await sql`select citus_set_node_property(${node.host}, ${node.port}, 'shouldhaveshards', true)`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Drops every database whose name starts with `prefix` (connections to them are ended); returns their names. */
export async function dropTestDatabases(adminUrl: string, prefix: string): Promise<string[]> {
  if (!prefix.startsWith(TEST_DATABASE_PREFIX))
    throw new Error(`refusing to drop databases outside ${TEST_DATABASE_PREFIX}*`);
  const admin = connect(adminUrl);
  try {
    const rows = await admin<{ name: string }[]>`
      select datname as name from pg_database where left(datname, ${prefix.length}) = ${prefix} order by 1`;
    for (const { name } of rows) await admin.unsafe(`drop database if exists ${ident(name)} with (force)`);
    return rows.map((r) => r.name);
  } finally {
    await admin.end({ timeout: 5 });
  }
}
